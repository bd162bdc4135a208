"""The capability contract: the one small face every capability shows the app.

A capability (auth, teams, goals, pulses, retros, boards, digests) is a package whose
`__init__.py` defines `CAPABILITY = Capability(...)`. The app factory, Alembic's
metadata, `teamkit demo`, the scheduler and the settings table read the list in
`teamkit/capabilities.py`; adding a capability is its package plus one line there.

References to code inside the capability are written `"module:attribute"` and imported
only when the app is built, so a package's `__init__` stays cheap and free of cycles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

    from teamkit.config import Setting


def resolve(reference: str) -> Any:
    """Return the object a `"package.module:attribute"` reference names."""
    module, _, attribute = reference.partition(":")
    loaded = import_module(module)
    return getattr(loaded, attribute) if attribute else loaded


@dataclass(frozen=True)
class Section:
    """One block of a page that several capabilities fill: a template, and the function
    that fills it, shown in `order` among every capability's.

    `context` names a function returning the template's values (as `section`): for the
    team home page `(session, membership) -> dict`, for the account page
    `(session, person) -> dict`.
    """

    order: int
    template: str
    context: str


#: A block of the team home page.
HomeSection = Section
#: A block of a person's account page (a capability's own preferences there).
AccountSection = Section


@dataclass(frozen=True)
class NavLink:
    """A link in a team's navigation, to an endpoint that takes the team's slug."""

    order: int
    label: str
    endpoint: str


@dataclass(frozen=True)
class SetupStep:
    """One item of a new team's checklist on its home page, and whether it is done."""

    order: int
    #: What to do, as a link's text ("Write the team's first goal").
    label: str
    #: Why, or what happens then, in one line.
    hint: str
    #: The page that does it: an endpoint that takes the team's slug.
    endpoint: str
    is_done: bool


@dataclass(frozen=True)
class Job:
    """A periodic tick: its id, what it runs `(app) -> None`, and how often.

    A job is only a tick ("find what is due and claim it"): the truth lives in tables, so
    any number of scheduler processes may run it.
    """

    id: str
    run: str
    #: Name of the TEAMKIT_* setting (without the prefix) that holds its period in seconds.
    every_setting: str = "SCHEDULER_TICK_SECONDS"


@dataclass(frozen=True)
class Capability:
    """What a capability contributes; every part is optional but its name."""

    name: str
    #: Module holding its models, imported so Base.metadata (and Alembic) knows them.
    models: str | None = None
    #: Its portal blueprint (a flask.Blueprint).
    portal: str | None = None
    #: Its API blueprint (a flask_smorest.Blueprint), mounted under the API prefix.
    api: str | None = None
    #: Sections of the team home page, in `order` among every capability's.
    home_sections: tuple[HomeSection, ...] = ()
    #: Links in a team's navigation, in `order` among every capability's.
    nav_links: tuple[NavLink, ...] = ()
    #: A function `(session, team, people) -> None` that seeds the demo team.
    demo: str | None = None
    #: Sections of a person's account page, in `order` among every capability's.
    account_sections: tuple[AccountSection, ...] = ()
    #: Its periodic scheduler jobs.
    jobs: tuple[Job, ...] = ()
    #: Its TEAMKIT_* settings (teamkit.config.Setting).
    settings: tuple[Setting, ...] = ()
    #: Functions that contribute a section to a team's digest (read by `digests`).
    digest_sections: tuple[str, ...] = ()
    #: Functions `(session, membership, context) -> DigestSection | None` giving what is the
    #: reader's own (their action items, the pulse they haven't answered): it opens each
    #: person's digest email, before the team's sections; Slack stays team-wide.
    personal_sections: tuple[str, ...] = ()
    #: Functions `(session, membership) -> SetupStep` giving its item of a new team's
    #: checklist (shown to owners and facilitators until every item is done).
    setup_steps: tuple[str, ...] = ()
    #: Functions `(session, team) -> None` run in the transaction that founds a team from
    #: the portal, the API or the command line (its defaults, such as a digest).
    on_team_created: tuple[str, ...] = ()
    #: Functions `(session, team, timezone) -> None` run when the team's time zone changes.
    on_timezone_changed: tuple[str, ...] = ()
    #: Function `(session, context) -> dict` giving its part of a team's export, and
    #: `(session, part, context) -> None` restoring it (see teamkit.transfer).
    export: str | None = None
    import_: str | None = None
    #: Functions `(app) -> None` run when the app is built, in order, for what fits nowhere
    #: above (request guards, template filters, context processors).
    setup: tuple[str, ...] = ()
    #: Anything else another capability above this one reads by name.
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Registry:
    """What the app's capabilities contribute, kept on the app (`app.extensions`)."""

    capabilities: tuple[Capability, ...]
    home_sections: list[tuple[HomeSection, Callable[..., dict[str, Any]]]]
    account_sections: list[tuple[AccountSection, Callable[..., dict[str, Any]]]]
    nav_links: list[NavLink]
    digest_sections: list[Callable[..., Any]]
    personal_sections: list[Callable[..., Any]] = field(default_factory=list)


REGISTRY_KEY = "teamkit.capabilities"


def registry(app: Flask | None = None) -> Registry:
    """Return the capability registry of `app` (by default the current app)."""
    from flask import current_app

    return (app or current_app).extensions[REGISTRY_KEY]  # type: ignore[no-any-return]
