"""API: a team's retros, their history, timeline and factors; action items; the coach."""

from __future__ import annotations

from typing import Any

from flask import g
from flask_smorest import Blueprint
from sqlalchemy import Select, select

from teamkit.api.pagination import PageArgsSchema, paginate
from teamkit.capability import registry
from teamkit.db import get_session, locks_late, utcnow
from teamkit.errors import InvalidInput
from teamkit.retros import (
    actions,
    coach,
    edits,
    follow_ups,
    readings,
    review,
    search,
    services,
    timeline,
)
from teamkit.retros.models import (
    ActionItem,
    ActionStatus,
    ContributingFactor,
    Retro,
    RetroSettings,
    RetroStatus,
    TimelineEntry,
)
from teamkit.retros.schemas import (
    ActionItemCreateSchema,
    ActionItemListArgsSchema,
    ActionItemPageSchema,
    ActionItemSchema,
    ActionItemUpdateSchema,
    BlamelessCheckResultSchema,
    BlamelessCheckSchema,
    ContributingFactorCreateSchema,
    ContributingFactorListSchema,
    ContributingFactorSchema,
    ContributingFactorUpdateSchema,
    RetroCreateSchema,
    RetroEditPageSchema,
    RetroFieldsSchema,
    RetroHitListSchema,
    RetroListArgsSchema,
    RetroPageSchema,
    RetroPublishSchema,
    RetroSchema,
    RetroSearchArgsSchema,
    RetroSettingsChangeSchema,
    RetroSettingsSchema,
    TimelineEntryCreateSchema,
    TimelineEntryListSchema,
    TimelineEntrySchema,
    TimelineEntryUpdateSchema,
)
from teamkit.retros.settings import get_settings, update_settings
from teamkit.teams.guard import current_membership, current_team
from teamkit.teams.services import find_membership

blp = Blueprint(
    "retros_api",
    __name__,
    description="Blameless retros: timeline, contributing factors, action items, the coach.",
)

# ---------------------------------------------------------------- rendering


def _retro_out(retro: Retro) -> readings.RetroDetail:
    return readings.read_retro(get_session(), retro)


def _item_out(item: ActionItem) -> readings.ActionItemReading:
    [reading] = readings.read_action_items(get_session(), current_team(), [item], utcnow().date())
    return reading


def _retro(retro_id: int) -> Retro:
    return services.get_retro(get_session(), current_team(), retro_id)


# ---------------------------------------------------------------- retros


@blp.get("/teams/<slug>/retros")
@blp.arguments(RetroListArgsSchema, location="query")
@blp.response(200, RetroPageSchema)
def list_retros(args: dict[str, Any], slug: str) -> dict[str, Any]:
    """List the team's retros, newest first (`?status=` to pick one status)."""
    db = get_session()
    team = current_team()
    statement: Select[Any] = services.retro_statement(team)
    if args.get("status"):
        statement = statement.where(Retro.status == RetroStatus(args["status"]))
    page = paginate(db, statement, args)
    page["items"] = readings.read_retros(db, team, page["items"])
    return page


@blp.post("/teams/<slug>/retros")
@blp.arguments(RetroCreateSchema)
@blp.response(201, RetroSchema)
def create_retro(data: dict[str, Any], slug: str) -> readings.RetroDetail:
    """Create a draft retro (any member) from at least `{"format": "incident", "title"}`.

    An unknown format is a 422 naming `format`.
    """
    values = dict(data)
    kind, title = values.pop("format"), values.pop("title")
    retro = services.create_retro(
        get_session(), current_membership(), format=kind, title=title, **values
    )
    return _retro_out(retro)


@blp.get("/teams/<slug>/retros/<int:retro_id>")
@blp.response(200, RetroSchema)
def get_retro(slug: str, retro_id: int) -> readings.RetroDetail:
    """Return a retro with its tags, participants and the coach's flags."""
    return _retro_out(_retro(retro_id))


@blp.patch("/teams/<slug>/retros/<int:retro_id>")
@blp.arguments(RetroFieldsSchema)
@blp.response(200, RetroSchema)
def update_retro(data: dict[str, Any], slug: str, retro_id: int) -> readings.RetroDetail:
    """Change a retro (any member; once published, owners and facilitators).

    Every field that changes is recorded in its history.
    """
    retro = _retro(retro_id)
    services.update_retro(get_session(), current_membership(), retro, data)
    return _retro_out(retro)


@blp.get("/teams/<slug>/retros/<int:retro_id>/history")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, RetroEditPageSchema)
def retro_history(args: dict[str, Any], slug: str, retro_id: int) -> dict[str, Any]:
    """List a retro's edits, newest first: who changed which field, when, old and new value."""
    return paginate(get_session(), edits.history_statement(_retro(retro_id)), args)


@blp.post("/teams/<slug>/retros/<int:retro_id>/review")
@blp.response(200, RetroSchema)
def review_retro(slug: str, retro_id: int) -> readings.RetroDetail:
    """Send a draft to review (any member); 409 unless it is a draft."""
    retro = _retro(retro_id)
    services.submit_for_review(get_session(), current_membership(), retro)
    return _retro_out(retro)


@blp.post("/teams/<slug>/retros/<int:retro_id>/publish")
@blp.arguments(RetroPublishSchema, required=False)
@blp.response(200, RetroSchema)
def publish_retro(data: dict[str, Any], slug: str, retro_id: int) -> readings.RetroDetail:
    """Publish a retro (owners and facilitators); it needs a title and a summary (422).

    A coach flag that points at a person (`names_person`) is reworded first, or kept with a
    one-line reason in `reasons`, keyed by `<field>:<rule>@<start>` (the field as `coach`
    names it); without one the answer is 422 naming `reasons.<that key>`. Each reason goes
    into the retro's history. Other flags never block publishing; the answer lists those left.
    """
    retro = _retro(retro_id)
    review.publish(get_session(), current_membership(), retro, (data or {}).get("reasons"))
    return _retro_out(retro)


@blp.get("/teams/<slug>/retros/search")
@blp.arguments(RetroSearchArgsSchema, location="query")
@blp.response(200, RetroHitListSchema)
def search_retros(args: dict[str, Any], slug: str) -> dict[str, Any]:
    """Search the team's retros (title, text, tags, factors, timeline), best match first.

    Every word must match; a query without a word or number (letters or digits) finds
    nothing.
    """
    hits = search.search_retros(get_session(), current_team(), args["q"], required=False)
    return {
        "items": [
            {
                "retro_id": hit.retro_id,
                "title": str(hit.title),
                "excerpt": str(hit.excerpt),
                "status": str(hit.status),
                "format": hit.format,
            }
            for hit in hits
        ]
    }


# ---------------------------------------------------------------- timeline and factors


@blp.get("/teams/<slug>/retros/<int:retro_id>/timeline")
@blp.response(200, TimelineEntryListSchema)
def list_entries(slug: str, retro_id: int) -> dict[str, Any]:
    """List a retro's timeline, in order of time."""
    entries = timeline.list_entries(get_session(), _retro(retro_id))
    return {"items": entries}


@blp.post("/teams/<slug>/retros/<int:retro_id>/timeline")
@blp.arguments(TimelineEntryCreateSchema)
@blp.response(201, TimelineEntrySchema)
def add_entry(data: dict[str, Any], slug: str, retro_id: int) -> TimelineEntry:
    """Add a timeline entry; `kind` marks detection, mitigation or resolution."""
    return timeline.add_entry(get_session(), current_membership(), _retro(retro_id), **data)


@blp.patch("/teams/<slug>/retros/<int:retro_id>/timeline/<int:entry_id>")
@blp.arguments(TimelineEntryUpdateSchema)
@blp.response(200, TimelineEntrySchema)
def update_entry(data: dict[str, Any], slug: str, retro_id: int, entry_id: int) -> Any:
    """Change a timeline entry."""
    db = get_session()
    retro = _retro(retro_id)
    entry = timeline.get_entry(db, retro, entry_id)
    timeline.update_entry(db, current_membership(), retro, entry, data)
    db.refresh(entry)
    return entry


@blp.delete("/teams/<slug>/retros/<int:retro_id>/timeline/<int:entry_id>")
@blp.response(204)
def delete_entry(slug: str, retro_id: int, entry_id: int) -> None:
    """Remove a timeline entry (its text stays in the history)."""
    db = get_session()
    retro = _retro(retro_id)
    timeline.delete_entry(db, current_membership(), retro, timeline.get_entry(db, retro, entry_id))


@blp.get("/teams/<slug>/retros/<int:retro_id>/factors")
@blp.response(200, ContributingFactorListSchema)
def list_factors(slug: str, retro_id: int) -> dict[str, Any]:
    """List a retro's contributing factors, in order."""
    factors = timeline.list_factors(get_session(), _retro(retro_id))
    return {"items": factors}


@blp.post("/teams/<slug>/retros/<int:retro_id>/factors")
@blp.arguments(ContributingFactorCreateSchema)
@blp.response(201, ContributingFactorSchema)
def add_factor(data: dict[str, Any], slug: str, retro_id: int) -> ContributingFactor:
    """Add a contributing factor with its category."""
    return timeline.add_factor(get_session(), current_membership(), _retro(retro_id), **data)


@blp.patch("/teams/<slug>/retros/<int:retro_id>/factors/<int:factor_id>")
@blp.arguments(ContributingFactorUpdateSchema)
@blp.response(200, ContributingFactorSchema)
def update_factor(data: dict[str, Any], slug: str, retro_id: int, factor_id: int) -> Any:
    """Change a contributing factor."""
    db = get_session()
    retro = _retro(retro_id)
    factor = timeline.get_factor(db, retro, factor_id)
    timeline.update_factor(db, current_membership(), retro, factor, data)
    return factor


@blp.delete("/teams/<slug>/retros/<int:retro_id>/factors/<int:factor_id>")
@blp.response(204)
def delete_factor(slug: str, retro_id: int, factor_id: int) -> None:
    """Remove a contributing factor (its text stays in the history)."""
    db = get_session()
    retro = _retro(retro_id)
    timeline.delete_factor(
        db, current_membership(), retro, timeline.get_factor(db, retro, factor_id)
    )


# ---------------------------------------------------------------- action items


def _owner_id(email: str) -> int:
    return actions.member_id_for_email(get_session(), current_team(), email)


@blp.get("/teams/<slug>/action-items")
@blp.arguments(ActionItemListArgsSchema, location="query")
@blp.response(200, ActionItemPageSchema)
def list_items(args: dict[str, Any], slug: str) -> dict[str, Any]:
    """List the team's action items: overdue first, then open by due date, then closed."""
    db = get_session()
    statement = actions.items_statement(
        current_team(),
        today=utcnow().date(),
        status=ActionStatus(args["status"]) if args.get("status") else None,
        owner_id=_owner_id(args["owner"]) if args.get("owner") else None,
        overdue=args["overdue"],
    )
    page = paginate(db, statement, args)
    page["items"] = readings.read_action_items(db, current_team(), page["items"], utcnow().date())
    return page


@blp.post("/teams/<slug>/action-items")
@blp.arguments(ActionItemCreateSchema)
@blp.response(201, ActionItemSchema)
def create_item(data: dict[str, Any], slug: str) -> readings.ActionItemReading:
    """Add an action item to a retro (any member), owned by a team member (by email)."""
    db = get_session()
    team = current_team()
    errors: dict[str, str] = {}
    retro = db.scalar(select(Retro).where(Retro.id == data["retro_id"], Retro.team_id == team.id))
    if retro is None:
        errors["retro_id"] = actions.RETRO_MESSAGE
    try:
        owner_id = _owner_id(data["owner"])
    except InvalidInput as error:
        errors.update(error.errors)
    if errors or retro is None:
        raise InvalidInput(errors)
    item = actions.create_action_item(
        db,
        current_membership(),
        retro,
        title=data["title"],
        owner_id=owner_id,
        due_date=data["due_date"],
        goal_id=data["goal_id"],
    )
    return _item_out(actions.get_action_item(db, team, item.id))


@blp.post("/teams/<slug>/action-items/from/<kind>/<int:source_id>")
@blp.response(201, ActionItemSchema)
def create_item_from(slug: str, kind: str, source_id: int) -> readings.ActionItemReading:
    """Make a follow-up of another part of teamkit an action item (any member): `kind`
    `pulse-reply` takes a pulse's reply or note (its plan: words, owner, due date; the
    caller owns it when it names nobody). One thing becomes one action item: 409 after."""
    db = get_session()
    me = current_membership()
    item = follow_ups.create_action_item_from(db, me, registry(), kind, source_id)
    return _item_out(actions.get_action_item(db, current_team(), item.id))


@blp.get("/teams/<slug>/action-items/<int:item_id>")
@blp.response(200, ActionItemSchema)
def get_item(slug: str, item_id: int) -> readings.ActionItemReading:
    """Return one of the team's action items."""
    return _item_out(actions.get_action_item(get_session(), current_team(), item_id))


@blp.patch("/teams/<slug>/action-items/<int:item_id>")
@blp.arguments(ActionItemUpdateSchema)
@blp.response(200, ActionItemSchema)
def update_item(data: dict[str, Any], slug: str, item_id: int) -> readings.ActionItemReading:
    """Change an action item (its owner, or owners and facilitators).

    `done` and `wont_do` close it and need a `closing_note`. `"coach_acknowledged": true`
    keeps its wording against the coach's flags (`coach`), so the digest carries it; a
    new title asks again.
    """
    db = get_session()
    item = actions.get_action_item(db, current_team(), item_id)
    changes = dict(data)
    acknowledged = changes.pop("coach_acknowledged", None)
    if "owner" in changes:
        changes["owner_id"] = _owner_id(changes.pop("owner"))
    if changes or acknowledged is None:
        actions.update_action_item(db, current_membership(), item, changes)
    if acknowledged is not None:
        actions.acknowledge_coach(db, current_membership(), item, keep=acknowledged)
    db.refresh(item)
    return _item_out(actions.get_action_item(db, current_team(), item_id))


# ---------------------------------------------------------------- settings


@blp.get("/teams/<slug>/retro-settings")
@blp.response(200, RetroSettingsSchema)
def get_retro_settings(slug: str) -> RetroSettings:
    """Return the names of the team's severity levels."""
    return get_settings(get_session(), current_team())


@blp.patch("/teams/<slug>/retro-settings")
@blp.arguments(RetroSettingsChangeSchema)
@blp.response(200, RetroSettingsSchema)
def update_retro_settings(data: dict[str, Any], slug: str) -> RetroSettings:
    """Rename some of the team's severity levels (owners and facilitators)."""
    names = {f"sev{level}_name": name for level, name in data["severity_names"].items()}
    return update_settings(get_session(), current_membership(), names)


# ---------------------------------------------------------------- the coach


@blp.post("/blameless-check")
@locks_late  # it only reads: an editor checking as its user types holds no write lock
@blp.arguments(BlamelessCheckSchema)
@blp.response(200, BlamelessCheckResultSchema)
def blameless_check(data: dict[str, Any]) -> dict[str, Any]:
    """Flag blaming and counterfactual phrasing in `text`, each with why and a reframe.

    `start` and `end` are character (code point) offsets into the text sent. With `team`
    (one of your teams' slugs), a member's name followed by a blame verb is flagged too.
    """
    names: list[str] = []
    if data.get("team"):
        membership = find_membership(get_session(), data["team"], g.person)
        if membership is None:
            raise InvalidInput({"team": "Name one of your teams by its URL name."})
        names = review.member_names(get_session(), membership.team)
    return {"flags": coach.check_text(data["text"], names)}
