"""The capability contract: the one small face every capability shows the app.

A capability (auth, teams, goals, pulses, retros, boards, digests, slack) is a package
whose `__init__.py` defines `CAPABILITY = Capability(...)`. The app factory, Alembic's
metadata, `teamkit demo`, the scheduler, the command line and the settings table read the
list in `teamkit/capabilities.py`; adding a capability is its package plus one line there
(the worked example: `tests/sample_capability/`, driven by `tests/test_capabilities.py`).

References to code inside the capability are written `"module:attribute"` and imported
only when the app is built, so a package's `__init__` stays cheap and free of cycles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
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


#: The pages a capability may add a block to, and what fills the block there: the
#: arguments of the section's `context` function, which returns the template's values.
SLOTS = {
    #: The team's home page: `(session, membership) -> dict`.
    "home": "(session, membership)",
    #: A person's account page (a capability's own preferences): `(session, person) -> dict`.
    "account": "(session, person)",
    #: A goal's page (a capability above goals, such as the action items that serve the
    #: goal): `(session, membership, goal) -> dict`, so goals imports none of them.
    "goal": "(session, membership, goal)",
}


@dataclass(frozen=True)
class Section:
    """One block of a page that several capabilities fill: the page (`slot`, one of SLOTS),
    a template, and the function that fills it, shown in `order` among every capability's
    blocks of that page. The template reads the function's values as `section`.
    """

    slot: str
    order: int
    template: str
    context: str

    def __post_init__(self) -> None:
        if self.slot not in SLOTS:
            raise ValueError(f"{self.slot!r} is not a page a section can go on: {sorted(SLOTS)}")


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
class FollowUp:
    """One thing of a capability's that can become an action item (a pulse's plan), as the
    one list of follow-ups shows it: where it came from, and what it says."""

    #: Where it came from, in words ("Reply on the pulse “Team psychological safety”").
    origin: str
    #: What it says (the action item's title by default).
    text: str
    #: Its page, from the site's root ("/t/crew/pulses/3#reply-7").
    path: str
    #: The membership that sees it through, if it names one.
    owner_id: int | None = None
    #: When it is due, if it says.
    due_date: date | None = None


@dataclass(frozen=True)
class FollowUpSource:
    """A kind of thing a capability lets become an action item, so the action items' list
    (retros) can take it, show it and link back without importing that capability."""

    #: Its name in the action item's source reference ("pulse-reply").
    kind: str
    #: `(session, team_id, ids) -> dict[id, FollowUp]`: those of `ids` in the team (the
    #: team check: others are left out).
    describe: str


@dataclass(frozen=True)
class FollowUpItem:
    """The action item something became, as its source's page shows it."""

    id: int
    title: str
    #: Where it stands, in words ("Open", "Done").
    status: str
    #: The action item on the team's list, from the site's root.
    path: str


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
    #: Its blocks of the pages several capabilities fill (home, account, goal: SLOTS).
    sections: tuple[Section, ...] = ()
    #: Links in a team's navigation, in `order` among every capability's.
    nav_links: tuple[NavLink, ...] = ()
    #: A function `(session, team, people) -> None` that seeds the demo team.
    demo: str | None = None
    #: Its periodic scheduler jobs.
    jobs: tuple[Job, ...] = ()
    #: Its `teamkit …` commands: click commands or groups, added to the command line.
    commands: tuple[str, ...] = ()
    #: Its TEAMKIT_* settings (teamkit.config.Setting).
    settings: tuple[Setting, ...] = ()
    #: Functions that contribute a section to a team's digest (read by `digests`).
    digest_sections: tuple[str, ...] = ()
    #: Functions `(session, membership, context) -> DigestSection | None` giving what is the
    #: reader's own (their action items, the pulse they haven't answered): it opens each
    #: person's digest email, before the team's sections; Slack stays team-wide.
    personal_sections: tuple[str, ...] = ()
    #: Kinds of its things that can become an action item (FollowUpSource).
    follow_up_sources: tuple[FollowUpSource, ...] = ()
    #: Function `(session, kind, ids) -> dict[id, FollowUpItem]`: the action items things of
    #: `kind` became (the capability that keeps the one list of follow-ups gives it).
    follow_up_items: str | None = None
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


@dataclass
class Registry:
    """What the app's capabilities contribute, kept on the app (`app.extensions`)."""

    capabilities: tuple[Capability, ...]
    #: Every capability's sections of each slot, in order, with their context functions.
    sections: dict[str, list[tuple[Section, Callable[..., dict[str, Any]]]]]
    nav_links: list[NavLink]
    digest_sections: list[Callable[..., Any]]
    personal_sections: list[Callable[..., Any]] = field(default_factory=list)
    #: Every kind of follow-up source, with its `describe` function.
    follow_up_sources: dict[str, Callable[..., dict[int, FollowUp]]] = field(default_factory=dict)
    #: The function that tells which action items follow-ups became, if a capability has one.
    follow_up_items: Callable[..., dict[int, FollowUpItem]] | None = None

    def follow_ups(
        self, session: Any, team_id: int, kind: str, ids: list[int]
    ) -> dict[int, FollowUp]:
        """Return what the things `ids` of `kind` in the team are (none for an unknown kind)."""
        describe = self.follow_up_sources.get(kind)
        return describe(session, team_id, ids) if describe and ids else {}

    def items_of(self, session: Any, kind: str, ids: list[int]) -> dict[int, FollowUpItem]:
        """Return the action items the things `ids` of `kind` became, by their id."""
        if self.follow_up_items is None or not ids:
            return {}
        return self.follow_up_items(session, kind, ids)

    def fill(self, slot: str, *args: Any) -> list[tuple[str, dict[str, Any]]]:
        """Return the blocks of one page (`slot`), in order: each template and its values."""
        return [(section.template, context(*args)) for section, context in self.sections[slot]]


REGISTRY_KEY = "teamkit.capabilities"


def registry(app: Flask | None = None) -> Registry:
    """Return the capability registry of `app` (by default the current app)."""
    from flask import current_app

    return (app or current_app).extensions[REGISTRY_KEY]  # type: ignore[no-any-return]
