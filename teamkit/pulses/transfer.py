"""The pulses part of a team's export: settings, templates, pulses with their items,
answers, comments, replies and plans.

Answers and comments hold no person and leave in a shuffled order, so nothing in the file
ties one to who gave it or to when. A pulse under its threshold keeps its answers to
itself (`results_withheld`), as its results page does. Who answered (participation) is
kept only for a pulse still open, so that nobody answers it twice after the import.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from teamkit.db import utcnow
from teamkit.pulses.models import (
    CommentKind,
    Pulse,
    PulseAnswer,
    PulseAnswerValue,
    PulseComment,
    PulseItem,
    PulseParticipation,
    PulseReply,
    PulseSettings,
    PulseTemplate,
    PulseTemplateItem,
)
from teamkit.pulses.replies import FOLLOW_UP_KIND
from teamkit.transfer import BrokenExport, ExportContext, ImportContext, dump, instant, load

SETTINGS_FIELDS = (
    "threshold",
    "cadence_weeks",
    "template_key",
    "window_days",
    "asks_goal_recall",
    "cadence_anchor_at",
)
TEMPLATE_FIELDS = ("key", "title", "description", "is_used", "created_at")
ITEM_FIELDS = ("position", "kind", "text", "is_reverse_scored")
PULSE_FIELDS = (
    "template_key",
    "title",
    "opens_at",
    "closes_at",
    "closed_at",
    "asks_goal_recall",
    "threshold",
    "member_count",
    "cadence_due_at",
    "created_at",
)
#: When its invitation and reminder went: kept, so a pulse moved while open isn't announced
#: again from the new server (absent from exports made before them).
NOTICE_FIELDS = ("invited_at", "reminded_at")
ANSWER_FIELDS = ("total", "names_goal", "names_north_star")
REPLY_FIELDS = ("text", "created_at", "offered_at", "due_date", "status")

_shuffle = secrets.SystemRandom().shuffle


def export(session: Session, context: ExportContext) -> dict[str, Any]:
    """Return the team's pulse settings, templates and pulses."""
    team = context.team
    settings = session.get(PulseSettings, team.id)
    templates = session.scalars(
        select(PulseTemplate).where(PulseTemplate.team_id == team.id).order_by(PulseTemplate.key)
    )
    pulses = session.scalars(
        select(Pulse).where(Pulse.team_id == team.id).order_by(Pulse.opens_at, Pulse.id)
    )
    reply_ids = session.scalars(
        select(PulseReply.id)
        .join(Pulse, Pulse.id == PulseReply.pulse_id)
        .where(Pulse.team_id == team.id)
        .order_by(PulseReply.id)
    )
    context.add_refs(FOLLOW_UP_KIND, reply_ids)
    now = utcnow()
    return {
        "settings": dump(settings, SETTINGS_FIELDS) if settings else None,
        "templates": [
            {
                **dump(template, TEMPLATE_FIELDS),
                "created_by": context.person(template.created_by_id),
                "items": [dump(item, ITEM_FIELDS) for item in template.items],
            }
            for template in templates
        ],
        "pulses": [_export_pulse(session, context, pulse, now) for pulse in pulses],
    }


def _export_pulse(
    session: Session, context: ExportContext, pulse: Pulse, now: datetime
) -> dict[str, Any]:
    items = list(pulse.items)
    index = {item.id: number for number, item in enumerate(items)}
    count = (
        session.scalar(
            select(func.count()).select_from(PulseAnswer).where(PulseAnswer.pulse_id == pulse.id)
        )
        or 0
    )
    withheld = count < pulse.threshold
    template_key = None
    if pulse.template_id is not None:
        template_key = session.scalar(
            select(PulseTemplate.key).where(PulseTemplate.id == pulse.template_id)
        )
    replies = list(
        session.scalars(
            select(PulseReply)
            .where(PulseReply.pulse_id == pulse.id)
            .order_by(PulseReply.created_at, PulseReply.id)
        )
    )
    whole_pulse = [_reply(context, reply) for reply in replies if reply.comment_id is None]
    return {
        **dump(pulse, PULSE_FIELDS + NOTICE_FIELDS),
        "template": template_key,
        "opened_by": context.person(pulse.opened_by_id),
        "items": [dump(item, ITEM_FIELDS) for item in items],
        "results_withheld": withheld,
        "answers": [] if withheld else _answers(session, context, pulse, index),
        "comments": [] if withheld else _comments(session, context, pulse, index, replies),
        "replies": whole_pulse,
        "participants": []
        if withheld or pulse.is_closed_at(now)
        else sorted(
            context.person(person_id) or ""
            for person_id in session.scalars(
                select(PulseParticipation.person_id).where(PulseParticipation.pulse_id == pulse.id)
            )
        ),
    }


def _reply(context: ExportContext, reply: PulseReply) -> dict[str, Any]:
    return {
        # What an action item made from it names (retros' follow_ups).
        "ref": context.ref(FOLLOW_UP_KIND, reply.id),
        **dump(reply, REPLY_FIELDS),
        "author": context.person(reply.author_id),
        "owner": context.member(reply.owner_id),
    }


def _answers(
    session: Session, context: ExportContext, pulse: Pulse, index: dict[int, int]
) -> list[dict[str, Any]]:
    answers = list(session.scalars(select(PulseAnswer).where(PulseAnswer.pulse_id == pulse.id)))
    values: dict[str, list[dict[str, int]]] = {}
    for value in session.scalars(
        select(PulseAnswerValue)
        .join(PulseAnswer, PulseAnswer.id == PulseAnswerValue.answer_id)
        .where(PulseAnswer.pulse_id == pulse.id)
    ):
        values.setdefault(value.answer_id, []).append(
            {"item": index[value.item_id], "value": value.value}
        )
    exported = [
        {
            **dump(answer, ANSWER_FIELDS),
            "recall_goal": context.ref("goal", answer.recall_goal_id),
            "values": sorted(values.get(answer.id, []), key=lambda v: v["item"]),
        }
        for answer in answers
    ]
    _shuffle(exported)
    return exported


def _comments(
    session: Session,
    context: ExportContext,
    pulse: Pulse,
    index: dict[int, int],
    replies: Iterable[PulseReply],
) -> list[dict[str, Any]]:
    replies_to: dict[str, list[dict[str, Any]]] = {}
    for reply in replies:
        if reply.comment_id is not None:
            replies_to.setdefault(reply.comment_id, []).append(_reply(context, reply))
    exported = [
        {
            "kind": comment.kind.value,
            "item": index[comment.item_id] if comment.item_id is not None else None,
            "text": comment.text,
            "replies": replies_to.get(comment.id, []),
        }
        for comment in session.scalars(
            select(PulseComment).where(PulseComment.pulse_id == pulse.id)
        )
    ]
    _shuffle(exported)
    return exported


def import_(session: Session, part: dict[str, Any], context: ImportContext) -> None:
    """Add the pulse settings, templates and pulses of `part` to the new team."""
    team = context.team
    if part["settings"] is not None:
        session.add(load(PulseSettings, part["settings"], SETTINGS_FIELDS, team_id=team.id))
    template_ids: dict[str, int] = {}
    for entry in part["templates"]:
        template = load(
            PulseTemplate,
            entry,
            TEMPLATE_FIELDS,
            team_id=team.id,
            created_by_id=context.person(entry["created_by"]),
        )
        template.items = [load(PulseTemplateItem, item, ITEM_FIELDS) for item in entry["items"]]
        session.add(template)
        session.flush()
        template_ids[template.key] = template.id
    for entry in part["pulses"]:
        _import_pulse(session, context, entry, template_ids)
    session.flush()


def _import_pulse(
    session: Session, context: ImportContext, entry: dict[str, Any], template_ids: dict[str, int]
) -> None:
    template = entry["template"]
    if template is not None and template not in template_ids:
        raise BrokenExport(f"A pulse names the template {template}, which the file doesn't hold.")
    pulse = load(
        Pulse,
        entry,
        PULSE_FIELDS,
        team_id=context.team.id,
        template_id=template_ids.get(template) if template is not None else None,
        opened_by_id=context.person(entry["opened_by"]),
        # The answers are written now: the scheduler vacuums what their writing leaves.
        is_vacuum_due=bool(entry["answers"]),
    )
    for name in NOTICE_FIELDS:
        if entry.get(name) is not None:
            setattr(pulse, name, instant(entry[name]))
    pulse.items = [load(PulseItem, item, ITEM_FIELDS) for item in entry["items"]]
    session.add(pulse)
    session.flush()
    item_ids = [item.id for item in pulse.items]

    def item_id(number: int | None) -> int | None:
        if number is None:
            return None
        if not 0 <= number < len(item_ids):
            raise BrokenExport(f"An answer of the pulse “{pulse.title}” names an item it lacks.")
        return item_ids[number]

    for answer in entry["answers"]:
        row = load(
            PulseAnswer,
            answer,
            ANSWER_FIELDS,
            pulse_id=pulse.id,
            recall_goal_id=context.id_of("goal", answer["recall_goal"]),
        )
        session.add(row)
        session.flush()
        for value in answer["values"]:
            session.add(
                PulseAnswerValue(
                    answer_id=row.id, item_id=item_id(value["item"]), value=value["value"]
                )
            )
    for comment in entry["comments"]:
        words = PulseComment(
            pulse_id=pulse.id,
            item_id=item_id(comment["item"]),
            kind=CommentKind(comment["kind"]),
            text=comment["text"],
        )
        session.add(words)
        session.flush()
        for reply in comment["replies"]:
            _add_reply(session, context, reply, pulse.id, words.id)
    for reply in entry["replies"]:
        _add_reply(session, context, reply, pulse.id, None)
    for email in entry["participants"]:
        session.add(PulseParticipation(pulse_id=pulse.id, person_id=context.person(email)))


def _add_reply(
    session: Session,
    context: ImportContext,
    reply: dict[str, Any],
    pulse_id: int,
    comment_id: str | None,
) -> None:
    row = load(
        PulseReply,
        reply,
        REPLY_FIELDS,
        pulse_id=pulse_id,
        comment_id=comment_id,
        author_id=context.person(reply["author"]),
        owner_id=context.member(reply["owner"]),
    )
    session.add(row)
    if reply.get("ref"):
        session.flush()
        context.ids.setdefault(FOLLOW_UP_KIND, {})[reply["ref"]] = row.id
