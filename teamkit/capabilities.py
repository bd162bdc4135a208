"""The one list of teamkit's capabilities, in dependency order (lower ones first).

`create_app`, Alembic's metadata, `teamkit demo`, the scheduler and the settings table
all read it: adding a capability is its package (with a `CAPABILITY`) plus one line here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Any

from teamkit.capability import REGISTRY_KEY, SLOTS, Capability, Job, Registry, Section, resolve

if TYPE_CHECKING:
    from flask import Flask

    from teamkit.config import Setting

#: Every capability's package, lower layers first (see DESIGN.md, "Layers").
PACKAGES: tuple[str, ...] = (
    "teamkit.auth",
    "teamkit.teams",
    "teamkit.goals",
    "teamkit.pulses",
    "teamkit.retros",
    "teamkit.boards",
    "teamkit.digests",
    "teamkit.slack",
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


def install(app: Flask) -> None:
    """Set up every capability on `app`: guards, blueprints, API, and the registry."""
    from teamkit.api import setup as api_setup

    found = capabilities()
    for capability in found:
        for name in capability.setup:
            resolve(name)(app)
    for capability in found:
        if capability.portal:
            app.register_blueprint(resolve(capability.portal))
    api_setup.init_app(app, [resolve(c.api) for c in found if c.api])
    app.extensions[REGISTRY_KEY] = Registry(
        capabilities=found,
        sections={slot: _sections(found, slot) for slot in SLOTS},
        nav_links=sorted((link for c in found for link in c.nav_links), key=lambda n: n.order),
        digest_sections=[resolve(name) for c in found for name in c.digest_sections],
        personal_sections=[resolve(name) for c in found for name in c.personal_sections],
        follow_up_sources={
            source.kind: resolve(source.describe) for c in found for source in c.follow_up_sources
        },
        follow_up_items=next(
            (resolve(c.follow_up_items) for c in found if c.follow_up_items), None
        ),
    )


def _sections(
    found: tuple[Capability, ...], slot: str
) -> list[tuple[Section, Callable[..., dict[str, Any]]]]:
    """Return every capability's sections of one slot, in order, with their functions."""
    sections = sorted(
        (s for c in found for s in c.sections if s.slot == slot), key=lambda s: s.order
    )
    return [(section, resolve(section.context)) for section in sections]


def jobs() -> tuple[Job, ...]:
    """Return every capability's scheduler jobs, in order."""
    return tuple(job for capability in capabilities() for job in capability.jobs)


def demo_seeders() -> list[Callable[..., None]]:
    """Return every capability's demo seeder `(session, team, people)`, in order."""
    return [resolve(c.demo) for c in capabilities() if c.demo]
