"""The one list of teamkit's capabilities, in dependency order (lower ones first).

`create_app`, Alembic's metadata, `teamkit demo`, the scheduler and the settings table
all read it: adding a capability is its package (with a `CAPABILITY`) plus one line here.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING

from teamkit.capability import Capability

if TYPE_CHECKING:
    from teamkit.config import Setting

#: Every capability's package, lower layers first (see DESIGN.md, "Layers").
PACKAGES: tuple[str, ...] = (
    "teamkit.auth",
    "teamkit.teams",
    "teamkit.goals",
)


@cache
def capabilities() -> tuple[Capability, ...]:
    """Return the CAPABILITY of every package in PACKAGES, in order."""
    return tuple(import_module(package).CAPABILITY for package in PACKAGES)


def capability_settings() -> tuple[Setting, ...]:
    """Return the TEAMKIT_* settings every capability declares, in order."""
    return tuple(setting for capability in capabilities() for setting in capability.settings)


def import_models() -> None:
    """Import every capability's models, so Base.metadata holds the whole schema."""
    for capability in capabilities():
        if capability.models:
            import_module(capability.models)
