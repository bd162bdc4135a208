"""API: a team's pulse templates, pulses, anonymous answers, results, replies and settings."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from teamkit.api.pagination import PageArgsSchema, paginate
from teamkit.db import get_session, utcnow
from teamkit.errors import InvalidInput, NotFound
from teamkit.pulses import answers as answering
from teamkit.pulses import readings, replies, results, services, surveys
from teamkit.pulses import settings as pulse_settings
from teamkit.pulses.catalog import TemplateView
from teamkit.pulses.models import ItemKind, Pulse
from teamkit.pulses.readings import PulseReading, ResultsReading
from teamkit.pulses.results import ReplyView
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
    SettingsChangeSchema,
    SettingsSchema,
    TemplateCreateSchema,
    TemplateListSchema,
    TemplateSchema,
    TrendArgsSchema,
    TrendSchema,
)
from teamkit.pulses.settings import SettingsChange
from teamkit.pulses.surveys import ItemInput
from teamkit.teams.guard import current_membership, current_team

blp = Blueprint(
    "pulses_api",
    __name__,
    description="Pulse surveys: anonymous answers, results above the team's threshold, replies.",
)

# ---------------------------------------------------------------- shapes


def _one_pulse_out(pulse: Pulse) -> PulseReading:
    db = get_session()
    return readings.read_pulses(db, current_membership().person_id, [pulse], utcnow())[0]


# ---------------------------------------------------------------- templates


@blp.get("/teams/<slug>/pulse-templates")
@blp.response(200, TemplateListSchema)
def list_templates(slug: str) -> dict[str, Any]:
    """List the built-in templates, then the team's own.

    The built-in keys are `psychological-safety-7` and `team-effectiveness-5`.
    """
    views = surveys.list_templates(get_session(), current_team())
    return {"items": views}


def _item_inputs(data: dict[str, Any]) -> list[ItemInput]:
    return [ItemInput(i["text"], i["reverse_scored"]) for i in data["items"]] + [
        ItemInput(text, False, ItemKind.TEXT) for text in data["questions"]
    ]


@blp.post("/teams/<slug>/pulse-templates")
@blp.arguments(TemplateCreateSchema)
@blp.response(201, TemplateSchema)
def create_template(data: dict[str, Any], slug: str) -> TemplateView:
    """Make a team template from statements (each maybe reverse-scored) and open questions."""
    view = surveys.create_template(
        get_session(),
        current_membership(),
        title=data["title"],
        description=data["description"],
        items=_item_inputs(data),
    )
    return view


@blp.get("/teams/<slug>/pulse-templates/<key>")
@blp.response(200, TemplateSchema)
def get_template(slug: str, key: str) -> TemplateView:
    """Return one template, built in or the team's."""
    return surveys.find_template(get_session(), current_team(), key)


@blp.put("/teams/<slug>/pulse-templates/<key>")
@blp.arguments(TemplateCreateSchema)
@blp.response(200, TemplateSchema)
def update_template(data: dict[str, Any], slug: str, key: str) -> TemplateView:
    """Replace a team template no pulse used yet; a used or built-in one answers 409 (copy it)."""
    view = surveys.update_template(
        get_session(),
        current_membership(),
        key,
        title=data["title"],
        description=data["description"],
        items=_item_inputs(data),
    )
    return view


@blp.post("/teams/<slug>/pulse-templates/<key>/copy")
@blp.response(201, TemplateSchema)
def copy_template(slug: str, key: str) -> TemplateView:
    """Make a new team template with the items of this one, to change as you like."""
    return surveys.copy_template(get_session(), current_membership(), key)


# ---------------------------------------------------------------- pulses


@blp.get("/teams/<slug>/pulses")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, PulsePageSchema)
def list_pulses(args: dict[str, Any], slug: str) -> dict[str, Any]:
    """List the team's pulses, newest first, with how many answered (never who)."""
    db = get_session()
    page = paginate(db, services.pulses_statement(current_team(), with_items=True), args)
    person_id = current_membership().person_id
    page["items"] = readings.read_pulses(db, person_id, page["items"], utcnow())
    return page


@blp.post("/teams/<slug>/pulses")
@blp.arguments(PulseCreateSchema)
@blp.response(201, PulseSchema)
def open_pulse(data: dict[str, Any], slug: str) -> PulseReading:
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
    return {"template": key, "points": results.pulse_trend(db, team, key, utcnow())}


@blp.get("/teams/<slug>/pulses/<int:pulse_id>")
@blp.response(200, PulseSchema)
def get_pulse(slug: str, pulse_id: int) -> PulseReading:
    """Return one pulse with its items (each item's `id` is its key in `answers`)."""
    return _one_pulse_out(services.get_pulse(get_session(), current_team(), pulse_id))


@blp.post("/teams/<slug>/pulses/<int:pulse_id>/close")
@blp.response(200, PulseSchema)
def close_pulse(slug: str, pulse_id: int) -> PulseReading:
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
def pulse_results(slug: str, pulse_id: int) -> ResultsReading:
    """Return a closed pulse's results: 403 while it is open or under the team's threshold."""
    db = get_session()
    team = current_team()
    pulse = services.get_pulse(db, team, pulse_id)
    return ResultsReading(results.score_pulse(db, team, pulse, utcnow()))


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
    return results.reply_view(reply)


def _new_reply(pulse_id: int, data: dict[str, Any], comment_id: str | None) -> ReplyView:
    db = get_session()
    me = current_membership()
    pulse = services.get_pulse(db, current_team(), pulse_id)
    plan: dict[str, Any] = {k: data[k] for k in ("owner_id", "due_date", "status") if k in data}
    reply = replies.add_reply(db, me, pulse, text=data["text"], comment_id=comment_id, plan=plan)
    return results.reply_view(reply)


# ---------------------------------------------------------------- settings


@blp.get("/teams/<slug>/pulse-settings")
@blp.response(200, SettingsSchema)
def get_settings(slug: str) -> SettingsChange:
    """Return the team's pulse settings (any member reads them)."""
    return SettingsChange(pulse_settings.get_settings(get_session(), current_team()))


@blp.patch("/teams/<slug>/pulse-settings")
@blp.arguments(SettingsChangeSchema)
@blp.response(200, SettingsSchema)
def update_settings(data: dict[str, Any], slug: str) -> SettingsChange:
    """Change the threshold, cadence, scheduled template or goal recall (owners and facilitators).

    A threshold above the team's size is kept, with a warning that results won't show.
    """
    return pulse_settings.update_settings(get_session(), current_membership(), data)
