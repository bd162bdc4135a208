"""API: a team's pulse templates, pulses, anonymous answers, results, replies and settings."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from teamkit.api.pagination import PageArgsSchema, paginate
from teamkit.db import get_session, utcnow
from teamkit.errors import InvalidInput, NotFound
from teamkit.pulses import answers as answering
from teamkit.pulses import replies, results, services, surveys
from teamkit.pulses import settings as pulse_settings
from teamkit.pulses.catalog import TemplateView
from teamkit.pulses.models import ItemKind, Pulse
from teamkit.pulses.schemas import (
    AnswerCreateSchema,
    AnswerReceiptSchema,
    PulseCreateSchema,
    PulsePageSchema,
    PulseSchema,
    ReplyCreateSchema,
    ReplyPlanSchema,
    ReplySchema,
    ResultsSchema,
    SettingsSchema,
    TemplateCreateSchema,
    TemplateListSchema,
    TemplateSchema,
    TrendArgsSchema,
    TrendSchema,
)
from teamkit.pulses.statistics import Summary
from teamkit.pulses.surveys import ItemInput
from teamkit.pulses.words import verdict_in_words
from teamkit.teams.guard import current_membership, current_team

blp = Blueprint(
    "pulses_api",
    __name__,
    description="Pulse surveys: anonymous answers, results above the team's threshold, replies.",
)

# ---------------------------------------------------------------- shapes


def _interval(summary: Summary | None) -> list[float] | None:
    if summary is None or summary.interval is None:
        return None
    return [round(summary.interval[0], 4), round(summary.interval[1], 4)]


def _template_out(view: TemplateView) -> dict[str, Any]:
    return {
        "key": view.key,
        "title": view.title,
        "description": view.description,
        "builtin": view.is_builtin,
        "used": view.is_used,
        "source": view.source,
        "source_url": view.source_url,
        "items": [
            {"text": i.text, "reverse_scored": i.is_reverse_scored, "kind": i.kind.value}
            for i in view.items
        ],
    }


def _status(pulse: Pulse) -> str:
    now = utcnow()
    if pulse.is_closed_at(now):
        return "closed"
    return "open" if pulse.is_open_at(now) else "scheduled"


def _pulse_out(pulse: Pulse, responses: int, answered: bool) -> dict[str, Any]:
    return {
        "id": pulse.id,
        "template": pulse.template_key,
        "title": pulse.title,
        "status": _status(pulse),
        "opens_at": pulse.opens_at,
        "closes_at": pulse.closes_at,
        "closed_at": pulse.closed_at,
        "asks_goal_recall": pulse.asks_goal_recall,
        "threshold": pulse.threshold,
        "responses": responses,
        "member_count": pulse.member_count,
        "answered": answered,
        "items": [
            {
                "id": item.id,
                "text": item.text,
                "reverse_scored": item.is_reverse_scored,
                "kind": item.kind.value,
            }
            for item in pulse.items
        ],
    }


def _one_pulse_out(pulse: Pulse) -> dict[str, Any]:
    db = get_session()
    counts = services.response_counts(db, [pulse.id])
    answered = services.answered_pulse_ids(db, current_membership().person_id, [pulse.id])
    return _pulse_out(pulse, counts[pulse.id], pulse.id in answered)


def _reply_out(reply: results.ReplyView) -> dict[str, Any]:
    return {
        "id": reply.id,
        "text": reply.text,
        "author": reply.author,
        "created_at": reply.created_at,
        "status": reply.status.value,
        "label": reply.label,
        "owner_id": reply.owner_id,
        "owner": reply.owner,
        "due_date": reply.due_date,
    }


def _results_out(shown: results.PulseResults) -> dict[str, Any]:
    change = None
    if shown.change is not None:
        moved = shown.change.change
        change = {
            "previous_pulse_id": shown.change.previous_pulse_id,
            "previous_score": round(shown.change.previous.mean, 4),
            "previous_ci95": _interval(shown.change.previous),
            "difference": round(moved.difference, 4) if moved else None,
            "p_value": round(moved.p_value, 6) if moved else None,
            "significant": bool(moved and moved.is_significant),
        }
    recall = None
    if shown.goal_recall is not None:
        recall = {
            "share": round(shown.goal_recall.share, 4),
            "north_star_share": round(shown.goal_recall.north_star_share, 4),
            "goals": [
                {"goal_id": g.goal_id, "title": g.title, "count": g.count}
                for g in shown.goal_recall.goals
            ],
        }
    return {
        "verdict": verdict_in_words(shown.score, shown.change),
        "threshold": shown.threshold,
        "responses": shown.tally.responses,
        "response_rate": round(shown.tally.response_rate, 4),
        "score": round(shown.score.mean, 4),
        "ci95": _interval(shown.score),
        "items": [
            {
                "id": item.id,
                "text": item.text,
                "reverse_scored": item.is_reverse_scored,
                "mean": round(item.summary.mean, 4) if item.summary else None,
                "ci95": _interval(item.summary),
                "distribution": {str(v): n for v, n in item.distribution.items()},
            }
            for item in shown.items
        ],
        "comments": [
            {
                "id": c.id,
                "text": c.text,
                "kind": c.kind.value,
                "question": c.question,
                "replies": [_reply_out(r) for r in c.replies],
            }
            for c in shown.comments
        ],
        "notes": [_reply_out(note) for note in shown.notes],
        "waiting_replies": shown.waiting_replies,
        "change": change,
        "goal_recall": recall,
    }


def _settings_out(settings: Any, warnings: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "threshold": settings.threshold,
        "cadence_weeks": settings.cadence_weeks,
        "window_days": settings.window_days,
        "template": settings.template_key,
        "asks_goal_recall": settings.asks_goal_recall,
        "warnings": list(warnings),
    }


# ---------------------------------------------------------------- templates


@blp.get("/teams/<slug>/pulse-templates")
@blp.response(200, TemplateListSchema)
def list_templates(slug: str) -> dict[str, Any]:
    """List the built-in templates, then the team's own.

    The built-in keys are `psychological-safety-7` and `team-effectiveness-5`.
    """
    views = surveys.list_templates(get_session(), current_team())
    return {"items": [_template_out(view) for view in views]}


def _item_inputs(data: dict[str, Any]) -> list[ItemInput]:
    return [ItemInput(i["text"], i["reverse_scored"]) for i in data["items"]] + [
        ItemInput(text, False, ItemKind.TEXT) for text in data["questions"]
    ]


@blp.post("/teams/<slug>/pulse-templates")
@blp.arguments(TemplateCreateSchema)
@blp.response(201, TemplateSchema)
def create_template(data: dict[str, Any], slug: str) -> dict[str, Any]:
    """Make a team template from statements (each maybe reverse-scored) and open questions."""
    view = surveys.create_template(
        get_session(),
        current_membership(),
        title=data["title"],
        description=data["description"],
        items=_item_inputs(data),
    )
    return _template_out(view)


@blp.get("/teams/<slug>/pulse-templates/<key>")
@blp.response(200, TemplateSchema)
def get_template(slug: str, key: str) -> dict[str, Any]:
    """Return one template, built in or the team's."""
    return _template_out(surveys.find_template(get_session(), current_team(), key))


@blp.put("/teams/<slug>/pulse-templates/<key>")
@blp.arguments(TemplateCreateSchema)
@blp.response(200, TemplateSchema)
def update_template(data: dict[str, Any], slug: str, key: str) -> dict[str, Any]:
    """Replace a team template no pulse used yet; a used or built-in one answers 409 (copy it)."""
    view = surveys.update_template(
        get_session(),
        current_membership(),
        key,
        title=data["title"],
        description=data["description"],
        items=_item_inputs(data),
    )
    return _template_out(view)


@blp.post("/teams/<slug>/pulse-templates/<key>/copy")
@blp.response(201, TemplateSchema)
def copy_template(slug: str, key: str) -> dict[str, Any]:
    """Make a new team template with the items of this one, to change as you like."""
    return _template_out(surveys.copy_template(get_session(), current_membership(), key))


# ---------------------------------------------------------------- pulses


@blp.get("/teams/<slug>/pulses")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, PulsePageSchema)
def list_pulses(args: dict[str, Any], slug: str) -> dict[str, Any]:
    """List the team's pulses, newest first, with how many answered (never who)."""
    db = get_session()
    page = paginate(db, services.pulses_statement(current_team(), with_items=True), args)
    ids = [pulse.id for pulse in page["items"]]
    counts = services.response_counts(db, ids)
    answered = services.answered_pulse_ids(db, current_membership().person_id, ids)
    page["items"] = [_pulse_out(p, counts[p.id], p.id in answered) for p in page["items"]]
    return page


@blp.post("/teams/<slug>/pulses")
@blp.arguments(PulseCreateSchema)
@blp.response(201, PulseSchema)
def open_pulse(data: dict[str, Any], slug: str) -> dict[str, Any]:
    """Open a pulse (owners and facilitators): by default now, for 7 days.

    Without `template`, the one in the team's pulse settings.
    """
    pulse = services.open_pulse(
        get_session(),
        current_membership(),
        template=data["template"],
        opens_at=data["opens_at"],
        closes_at=data["closes_at"],
        asks_goal_recall=data["asks_goal_recall"],
    )
    return _one_pulse_out(pulse)


@blp.get("/teams/<slug>/pulses/trend")
@blp.arguments(TrendArgsSchema, location="query")
@blp.response(200, TrendSchema)
def trend(args: dict[str, Any], slug: str) -> dict[str, Any]:
    """Return the closed pulses of a template, oldest first; under the threshold, no score."""
    db = get_session()
    team = current_team()
    key = args["template"] or pulse_settings.get_settings(db, team).template_key
    try:
        surveys.find_template(db, team, key)
    except NotFound:
        raise InvalidInput({"template": "Choose one of this team's pulse templates."}) from None
    points = results.pulse_trend(db, team, key, utcnow())
    return {
        "template": key,
        "points": [
            {
                "pulse_id": p.tally.pulse_id,
                "closes_at": p.tally.closes_at,
                "responses": p.tally.responses,
                "score": round(p.score.mean, 4) if p.score else None,
                "ci95": _interval(p.score),
                "goal_recall_share": None if p.recall_share is None else round(p.recall_share, 4),
            }
            for p in points
        ],
    }


@blp.get("/teams/<slug>/pulses/<int:pulse_id>")
@blp.response(200, PulseSchema)
def get_pulse(slug: str, pulse_id: int) -> dict[str, Any]:
    """Return one pulse with its items (each item's `id` is its key in `answers`)."""
    return _one_pulse_out(services.get_pulse(get_session(), current_team(), pulse_id))


@blp.post("/teams/<slug>/pulses/<int:pulse_id>/close")
@blp.response(200, PulseSchema)
def close_pulse(slug: str, pulse_id: int) -> dict[str, Any]:
    """Close an open pulse now (owners and facilitators); a closed one answers 409."""
    db = get_session()
    pulse = services.get_pulse(db, current_team(), pulse_id)
    services.close_pulse(db, current_membership(), pulse)
    return _one_pulse_out(pulse)


@blp.post("/teams/<slug>/pulses/<int:pulse_id>/answers")
@blp.arguments(AnswerCreateSchema)
@blp.response(201, AnswerReceiptSchema)
def answer_pulse(data: dict[str, Any], slug: str, pulse_id: int) -> dict[str, Any]:
    """Answer an open pulse, once (409 the second time, or when it isn't open).

    The answer is stored without your name, and nothing in the answer says it is yours;
    not even a key of it comes back.
    """
    db = get_session()
    pulse = services.get_pulse(db, current_team(), pulse_id)
    answering.submit_answer(
        db,
        current_membership(),
        pulse,
        answers=data["answers"],
        comment=data["comment"],
        goal_recall=data["goal_recall"],
        share_goal_recall=data["share_goal_recall"],
    )
    return {"responses": services.response_counts(db, [pulse.id])[pulse.id]}


@blp.get("/teams/<slug>/pulses/<int:pulse_id>/results")
@blp.response(200, ResultsSchema)
def pulse_results(slug: str, pulse_id: int) -> dict[str, Any]:
    """Return a closed pulse's results: 403 while it is open or under the team's threshold."""
    db = get_session()
    team = current_team()
    pulse = services.get_pulse(db, team, pulse_id)
    return _results_out(results.score_pulse(db, team, pulse, utcnow()))


@blp.post("/teams/<slug>/pulses/<int:pulse_id>/comments/<comment_id>/replies")
@blp.arguments(ReplyCreateSchema)
@blp.response(201, ReplySchema)
def reply_to_comment(data: dict[str, Any], slug: str, pulse_id: int, comment_id: str) -> Any:
    """Reply to a comment, for the whole team to see with your name (owners and facilitators).

    A reply is a plan: it may name an owner, a due date and a status (planned by default).
    """
    return _new_reply(pulse_id, data, comment_id)


@blp.post("/teams/<slug>/pulses/<int:pulse_id>/replies")
@blp.arguments(ReplyCreateSchema)
@blp.response(201, ReplySchema)
def add_note(data: dict[str, Any], slug: str, pulse_id: int) -> Any:
    """Write what the team will do about this pulse, as a plan (owners and facilitators)."""
    return _new_reply(pulse_id, data, None)


@blp.patch("/teams/<slug>/pulses/<int:pulse_id>/replies/<int:reply_id>")
@blp.arguments(ReplyPlanSchema)
@blp.response(200, ReplySchema)
def update_reply_plan(data: dict[str, Any], slug: str, pulse_id: int, reply_id: int) -> Any:
    """Change a plan's owner, due date or status (owners, facilitators and its owner).

    Marked done, it goes out in the next digest as “We did”.
    """
    db = get_session()
    pulse = services.get_pulse(db, current_team(), pulse_id)
    reply = replies.update_plan(
        db, current_membership(), replies.get_reply(db, pulse, reply_id), data
    )
    return _reply_out(results.reply_view(reply))


def _new_reply(pulse_id: int, data: dict[str, Any], comment_id: str | None) -> dict[str, Any]:
    db = get_session()
    me = current_membership()
    pulse = services.get_pulse(db, current_team(), pulse_id)
    plan: dict[str, Any] = {k: data[k] for k in ("owner_id", "due_date", "status") if k in data}
    reply = replies.add_reply(db, me, pulse, text=data["text"], comment_id=comment_id, plan=plan)
    return _reply_out(results.reply_view(reply))


# ---------------------------------------------------------------- settings


@blp.get("/teams/<slug>/pulse-settings")
@blp.response(200, SettingsSchema)
def get_settings(slug: str) -> dict[str, Any]:
    """Return the team's pulse settings (any member reads them)."""
    return _settings_out(pulse_settings.get_settings(get_session(), current_team()))


@blp.patch("/teams/<slug>/pulse-settings")
@blp.arguments(SettingsSchema)
@blp.response(200, SettingsSchema)
def update_settings(data: dict[str, Any], slug: str) -> dict[str, Any]:
    """Change the threshold, cadence, scheduled template or goal recall (owners and facilitators).

    A threshold above the team's size is kept, with a warning that results won't show.
    """
    change = pulse_settings.update_settings(get_session(), current_membership(), data)
    return _settings_out(change.settings, change.warnings)
