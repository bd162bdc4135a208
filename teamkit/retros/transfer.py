"""The retros part of a team's export: retros with their participants, tags, timeline,
contributing factors, edit history and action items, and the retro settings.

Other parts (a board) name a retro by the reference given here (`retro-1`, …), and an
action item by its own (`action-1`, …).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.retros.models import (
    ActionItem,
    ContributingFactor,
    Retro,
    RetroEdit,
    RetroParticipant,
    RetroSettings,
    RetroTag,
    TimelineEntry,
)
from teamkit.retros.search import reindex_retro
from teamkit.transfer import BrokenExport, ExportContext, ImportContext, dump, load

SETTINGS_FIELDS = ("sev1_name", "sev2_name", "sev3_name", "sev4_name")
RETRO_FIELDS = (
    "format",
    "status",
    "title",
    "summary",
    "started_at",
    "ended_at",
    "severity",
    "customer_impact",
    "detection",
    "went_well",
    "went_wrong",
    "got_lucky",
    "lessons",
    "created_at",
    "updated_at",
    "published_at",
)
TIMELINE_FIELDS = ("occurred_at", "note", "kind")
FACTOR_FIELDS = ("category", "description", "position")
EDIT_FIELDS = ("field", "old_value", "new_value", "edited_at")
ACTION_FIELDS = (
    "title",
    "due_date",
    "status",
    "closing_note",
    "created_at",
    "updated_at",
    "closed_at",
    "coach_acknowledged_title",
)


def _of_retros(session: Session, model: Any, team_id: int, *order: Any) -> dict[int, list[Any]]:
    """Return the rows of `model` of the team's retros, grouped by retro, in `order`."""
    grouped: dict[int, list[Any]] = {}
    rows = session.scalars(
        select(model)
        .join(Retro, Retro.id == model.retro_id)
        .where(Retro.team_id == team_id)
        .order_by(*order)
    )
    for row in rows:
        grouped.setdefault(row.retro_id, []).append(row)
    return grouped


def export(session: Session, context: ExportContext) -> dict[str, Any]:
    """Return the team's retros, whole, and its retro settings."""
    team = context.team
    retros = list(
        session.scalars(
            select(Retro).where(Retro.team_id == team.id).order_by(Retro.created_at, Retro.id)
        )
    )
    refs = context.add_refs("retro", (retro.id for retro in retros))
    participants = _of_retros(session, RetroParticipant, team.id, RetroParticipant.membership_id)
    tags = _of_retros(session, RetroTag, team.id, RetroTag.name)
    timeline = _of_retros(
        session, TimelineEntry, team.id, TimelineEntry.occurred_at, TimelineEntry.id
    )
    factors = _of_retros(
        session, ContributingFactor, team.id, ContributingFactor.position, ContributingFactor.id
    )
    edits = _of_retros(session, RetroEdit, team.id, RetroEdit.edited_at, RetroEdit.id)
    actions = _of_retros(session, ActionItem, team.id, ActionItem.created_at, ActionItem.id)
    action_refs = context.add_refs(
        "action", (item.id for retro in retros for item in actions.get(retro.id, []))
    )
    sourced = list(
        session.scalars(
            select(ActionItem)
            .where(ActionItem.team_id == team.id, ActionItem.retro_id.is_(None))
            .order_by(ActionItem.created_at, ActionItem.id)
        )
    )
    action_refs.update(
        {
            item.id: f"action-{number}"
            for number, item in enumerate(sourced, start=len(action_refs) + 1)
        }
    )
    settings = session.get(RetroSettings, team.id)
    return {
        "settings": dump(settings, SETTINGS_FIELDS) if settings else None,
        # Action items made from another part's follow-up (a pulse's reply): no retro.
        "follow_ups": [
            {
                **_item(context, action_refs, item),
                "source": {
                    "kind": item.source_kind,
                    "ref": context.ref(item.source_kind or "", item.source_id),
                },
            }
            for item in sourced
        ],
        "retros": [
            {
                "ref": refs[retro.id],
                **dump(retro, RETRO_FIELDS),
                "created_by": context.person(retro.created_by_id),
                "participants": sorted(
                    context.member(p.membership_id) or "" for p in participants.get(retro.id, [])
                ),
                "tags": [tag.name for tag in tags.get(retro.id, [])],
                "timeline": [
                    {**dump(entry, TIMELINE_FIELDS), "author": context.member(entry.author_id)}
                    for entry in timeline.get(retro.id, [])
                ],
                "factors": [dump(factor, FACTOR_FIELDS) for factor in factors.get(retro.id, [])],
                "edits": [
                    {**dump(edit, EDIT_FIELDS), "person": context.person(edit.person_id)}
                    for edit in edits.get(retro.id, [])
                ],
                "action_items": [
                    _item(context, action_refs, item) for item in actions.get(retro.id, [])
                ],
            }
            for retro in retros
        ],
    }


def _item(context: ExportContext, refs: dict[Any, str], item: ActionItem) -> dict[str, Any]:
    return {
        "ref": refs[item.id],
        **dump(item, ACTION_FIELDS),
        "owner": context.member(item.owner_id),
        "goal": context.ref("goal", item.goal_id),
        "created_by": context.person(item.created_by_id),
    }


def _add_item(
    session: Session,
    context: ImportContext,
    item: dict[str, Any],
    retro_id: int | None,
    **source: Any,
) -> None:
    action_refs: dict[str, int] = context.ids.setdefault("action", {})
    action = load(
        ActionItem,
        item,
        ACTION_FIELDS,
        team_id=context.team.id,
        retro_id=retro_id,
        owner_id=context.member(item["owner"]),
        goal_id=context.id_of("goal", item["goal"]),
        created_by_id=context.person(item["created_by"]),
        **source,
    )
    if item["ref"] in action_refs:
        raise BrokenExport(f"The file holds two action items called {item['ref']}.")
    session.add(action)
    session.flush()
    action_refs[item["ref"]] = action.id


def import_(session: Session, part: dict[str, Any], context: ImportContext) -> None:
    """Add the retros and settings of `part` to the new team, and index them for search."""
    team = context.team
    if part["settings"] is not None:
        session.add(load(RetroSettings, part["settings"], SETTINGS_FIELDS, team_id=team.id))
    refs: dict[str, int] = context.ids.setdefault("retro", {})
    for entry in part["retros"]:
        if entry["ref"] in refs:
            raise BrokenExport(f"The file holds two retros called {entry['ref']}.")
        retro = load(
            Retro,
            entry,
            RETRO_FIELDS,
            team_id=team.id,
            created_by_id=context.person(entry["created_by"]),
        )
        session.add(retro)
        session.flush()
        refs[entry["ref"]] = retro.id
        for email in entry["participants"]:
            member = context.member(email)
            if member is None:
                raise BrokenExport(f"A retro names {email} as a participant, who isn't a member.")
            session.add(RetroParticipant(retro_id=retro.id, membership_id=member))
        session.add_all(RetroTag(retro_id=retro.id, name=name) for name in entry["tags"])
        for moment in entry["timeline"]:
            session.add(
                load(
                    TimelineEntry,
                    moment,
                    TIMELINE_FIELDS,
                    retro_id=retro.id,
                    author_id=context.member(moment["author"]),
                )
            )
        for factor in entry["factors"]:
            session.add(load(ContributingFactor, factor, FACTOR_FIELDS, retro_id=retro.id))
        for edit in entry["edits"]:
            session.add(
                load(
                    RetroEdit,
                    edit,
                    EDIT_FIELDS,
                    retro_id=retro.id,
                    person_id=context.person(edit["person"]),
                )
            )
        for item in entry["action_items"]:
            _add_item(session, context, item, retro.id)
        session.flush()
        reindex_retro(session, retro)
    # Exports made before action items could come from elsewhere hold no follow_ups.
    for item in part.get("follow_ups", ()):
        kind, ref = item["source"]["kind"], item["source"]["ref"]
        # A source the file doesn't hold (a reply left out) leaves an item of its own.
        source_id = context.ids.get(kind, {}).get(ref) if ref else None
        _add_item(
            session,
            context,
            item,
            None,
            source_kind=kind if source_id is not None else None,
            source_id=source_id,
        )
