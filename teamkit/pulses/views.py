"""Portal pages: the team's pulses and trend, answering, results with replies, settings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from teamkit.capability import SetupStep, registry
from teamkit.db import get_session, utcnow
from teamkit.errors import Conflict, InvalidInput
from teamkit.forms import attempt, submit_form
from teamkit.pulses import answers as answering
from teamkit.pulses import replies, results, services, surveys
from teamkit.pulses import settings as pulse_settings
from teamkit.pulses.catalog import GOAL_RECALL_QUESTION, SCALE_LABELS
from teamkit.pulses.chart import recall_chart, trend_chart
from teamkit.pulses.forms import (
    AnswerForm,
    OpenPulseForm,
    PulseSettingsForm,
    ReplyForm,
    ReplyPlanForm,
    TemplateForm,
    template_lines,
)
from teamkit.pulses.models import ItemKind, ReplyStatus
from teamkit.pulses.tallies import hidden_reason, tally_pulse, tally_pulses
from teamkit.pulses.words import (
    VERDICT_RULE,
    change_in_words,
    percent,
    score_in_words,
    verdict_in_words,
)
from teamkit.teams.guard import current_membership, current_team
from teamkit.teams.local_time import local_minute
from teamkit.teams.models import Membership, Role
from teamkit.teams.roles import require_role
from teamkit.teams.services import list_members

bp = Blueprint("pulses", __name__)

#: Closed pulses the pulses page lists (the latest; the trend shows up to its own limit).
CLOSED_SHOWN = 26


@bp.app_template_filter("score_words")
def _score_words(summary: Any) -> str:
    return score_in_words(summary)


@bp.app_template_filter("percent")
def _percent(share: float) -> str:
    return percent(share)


def setup_step(session: Session, membership: Membership) -> SetupStep:
    """The new team's checklist item: its first pulse."""
    return SetupStep(
        40,
        "Open a first pulse",
        "Seven statements, anonymous, a minute to answer: how safe the team feels to speak.",
        "pulses.new",
        services.has_pulses(session, membership.team),
    )


def home_context(session: Session, membership: Membership) -> dict[str, Any]:
    """Fill the pulses section of the team home page: open pulses, unanswered ones first.

    Counts only: never who has or hasn't answered.
    """
    now = utcnow()
    team = membership.team
    opened = services.open_pulses(session, team, now)
    ids = [pulse.id for pulse in opened]
    answered = services.answered_pulse_ids(session, membership.person_id, ids)
    counts = services.response_counts(session, ids)
    opened.sort(key=lambda pulse: (pulse.id in answered, pulse.closes_at))
    return {
        "team": team,
        "me": membership,
        "open_pulses": opened,
        "answered": answered,
        "counts": counts,
    }


def _template_choices(session: Session) -> list[SelectChoice]:
    return [
        SelectChoice(view.key, view.title)
        for view in surveys.list_templates(session, current_team())
    ]


@bp.get("/t/<slug>/pulses")
def index(slug: str) -> str:
    db = get_session()
    team, me, now = current_team(), current_membership(), utcnow()
    settings = pulse_settings.get_settings(db, team)
    known = {view.key: view for view in surveys.list_templates(db, team)}
    template_key = request.args.get("template") or settings.template_key
    if template_key not in known:
        template_key = (
            settings.template_key if settings.template_key in known else next(iter(known))
        )
    pulses = list(db.scalars(services.pulses_statement(team).limit(CLOSED_SHOWN + 10)))
    ids = [pulse.id for pulse in pulses]
    tallies = tally_pulses(db, ids, now)
    answered = services.answered_pulse_ids(db, me.person_id, ids)
    trend = results.pulse_trend(db, team, template_key, now)
    return render_template(
        "pulses/index.html",
        team=team,
        me=me,
        now=now,
        settings=settings,
        open_pulses=[p for p in pulses if not p.is_closed_at(now)],
        closed_pulses=[p for p in pulses if p.is_closed_at(now)][:CLOSED_SHOWN],
        tallies=tallies,
        answered=answered,
        templates=known,
        template_key=template_key,
        trend=trend,
        chart=trend_chart(trend, f"Trend of “{known[template_key].title}”"),
        recall=recall_chart(trend, "Share who named a current goal"),
        threshold=settings.threshold,
    )


@bp.route("/t/<slug>/pulses/new", methods=["GET", "POST"])
def new(slug: str) -> str | Response | tuple[str, int]:
    db = get_session()
    me = current_membership()
    require_role(me, Role.FACILITATOR, "open a pulse")
    form = OpenPulseForm()
    form.template.choices = _template_choices(db)
    if not form.is_submitted():
        defaults = pulse_settings.get_settings(db, current_team())
        form.template.data = defaults.template_key
        form.days.data = defaults.window_days
    now = utcnow()
    sent = submit_form(
        form,
        lambda: services.open_pulse(
            db,
            me,
            template=form.template.data,
            opens_at=now,
            closes_at=now + timedelta(days=form.days.data or 0),
            asks_goal_recall=bool(form.asks_goal_recall.data),
            now=now,
        ),
    )
    if sent.ok:
        pulse = sent.value
        flash(
            f"Pulse “{pulse.title}” is open until {local_minute(pulse.closes_at)}.",
            "success",
        )
        return redirect(url_for("pulses.show", slug=slug, pulse_id=pulse.id), 303)
    return render_template("pulses/new.html", team=current_team(), form=form), sent.status


def _pulse_page(
    pulse_id: int,
    *,
    status: int = 200,
    answer_form: AnswerForm | None = None,
    answer_errors: dict[str, str] | None = None,
    chosen: dict[str, str] | None = None,
    reply_form: ReplyForm | None = None,
    problem: str | None = None,
) -> tuple[str, int]:
    db = get_session()
    team, me, now = current_team(), current_membership(), utcnow()
    pulse = services.get_pulse(db, team, pulse_id)
    has_answered = bool(services.answered_pulse_ids(db, me.person_id, [pulse.id]))
    shown: results.PulseResults | None = None
    hidden = None
    tally = None
    if pulse.is_closed_at(now):
        try:
            shown = results.score_pulse(db, team, pulse, now)
        except results.ResultsHidden as error:
            hidden = error.detail
    if shown is None:
        tally = tally_pulse(db, pulse, now)
        if not pulse.is_closed_at(now):
            hidden = hidden_reason(tally)
    return render_template(
        "pulses/pulse.html",
        team=team,
        me=me,
        pulse=pulse,
        now=now,
        is_open=pulse.is_open_at(now),
        has_answered=has_answered,
        results=shown,
        tally=shown.tally if shown else tally,
        hidden=hidden,
        change_words=change_in_words(shown.change) if shown and shown.change else None,
        verdict=verdict_in_words(shown.score, shown.change) if shown else None,
        verdict_rule=VERDICT_RULE,
        form=answer_form or AnswerForm(formdata=None),
        answer_errors=answer_errors or {},
        chosen=chosen or {},
        reply_form=reply_form or ReplyForm(formdata=None),
        empty_reply=ReplyForm(formdata=None),
        members=list_members(db, team) if shown is not None and me.can_facilitate else [],
        statuses=list(ReplyStatus),
        scale=SCALE_LABELS,
        recall_question=GOAL_RECALL_QUESTION,
        agreement=ItemKind.AGREEMENT,
        problem=problem,
        follow_ups=_follow_up_items(db, shown),
        follow_up_kind=replies.FOLLOW_UP_KIND,
    ), status


def _follow_up_items(db: Session, shown: results.PulseResults | None) -> dict[int, Any]:
    """Return the action items the page's replies and notes became, by reply id."""
    if shown is None:
        return {}
    ids = [reply.id for comment in shown.said for reply in comment.replies]
    ids += [note.id for note in shown.notes]
    return registry().items_of(db, replies.FOLLOW_UP_KIND, ids)


@bp.get("/t/<slug>/pulses/<int:pulse_id>")
def show(slug: str, pulse_id: int) -> tuple[str, int]:
    return _pulse_page(pulse_id)


@bp.post("/t/<slug>/pulses/<int:pulse_id>/answer")
def answer(slug: str, pulse_id: int) -> Response | tuple[str, int]:
    db = get_session()
    pulse = services.get_pulse(db, current_team(), pulse_id)
    form = AnswerForm()
    chosen = {
        str(item.id): request.form.get(f"item-{item.id}", "")
        for item in pulse.items
        if item.kind is ItemKind.AGREEMENT
    }
    if form.validate_on_submit():
        words = {
            str(item.id): request.form.get(f"item-{item.id}", "")
            for item in pulse.items
            if item.kind is ItemKind.TEXT
        }
        try:
            answering.submit_answer(
                db,
                current_membership(),
                pulse,
                answers={**chosen, **words},
                comment=form.comment.data,
                goal_recall=form.goal_recall.data,
                share_goal_recall=bool(form.share_goal_recall.data),
            )
        except InvalidInput as error:
            return _pulse_page(
                pulse_id,
                status=422,
                answer_form=form,
                answer_errors={k.removeprefix("answers."): v for k, v in error.errors.items()},
                chosen={**chosen, **words},
            )
        except Conflict as error:
            return _pulse_page(pulse_id, status=409, problem=error.detail)
        flash("Thank you: your answer is in, without your name.", "success")
        return redirect(url_for("pulses.show", slug=slug, pulse_id=pulse_id), 303)
    return _pulse_page(pulse_id, status=422, answer_form=form, chosen=chosen)


@bp.post("/t/<slug>/pulses/<int:pulse_id>/close")
def close(slug: str, pulse_id: int) -> Response:
    db = get_session()
    pulse = services.get_pulse(db, current_team(), pulse_id)
    services.close_pulse(db, current_membership(), pulse)
    flash("Pulse closed: it takes no more answers.", "success")
    return redirect(url_for("pulses.show", slug=slug, pulse_id=pulse_id), 303)


@bp.post("/t/<slug>/pulses/<int:pulse_id>/replies")
def reply(slug: str, pulse_id: int) -> Response | tuple[str, int]:
    db = get_session()
    me = current_membership()
    require_role(me, Role.FACILITATOR, "reply to what people said")
    pulse = services.get_pulse(db, current_team(), pulse_id)
    form = ReplyForm()
    if form.validate_on_submit():
        sent = attempt(
            lambda: replies.add_reply(
                db,
                me,
                pulse,
                text=form.text.data,
                comment_id=form.comment_id.data or None,
                plan=form.plan(),
            ),
            form,
        )
        if sent.error is not None:
            if not isinstance(sent.error, InvalidInput):
                raise sent.error
            return _pulse_page(pulse_id, status=422, reply_form=form)
        flash("Reply shown to the whole team.", "success")
        anchor = f"comment-{form.comment_id.data}" if form.comment_id.data else "notes"
        return redirect(url_for("pulses.show", slug=slug, pulse_id=pulse_id, _anchor=anchor), 303)
    return _pulse_page(pulse_id, status=422, reply_form=form)


@bp.post("/t/<slug>/pulses/<int:pulse_id>/replies/<int:reply_id>")
def update_plan(slug: str, pulse_id: int, reply_id: int) -> Response | tuple[str, int]:
    """Change where a plan stands (owners, facilitators and its owner)."""
    db = get_session()
    pulse = services.get_pulse(db, current_team(), pulse_id)
    reply = replies.get_reply(db, pulse, reply_id)
    form = ReplyPlanForm()
    if form.validate_on_submit():
        replies.update_plan(db, current_membership(), reply, {"status": form.status.data or ""})
        flash(f"Marked {reply.status.label.lower()}.", "success")
    anchor = f"comment-{reply.comment_id}" if reply.comment_id else "notes"
    return redirect(url_for("pulses.show", slug=slug, pulse_id=pulse_id, _anchor=anchor), 303)


@bp.route("/t/<slug>/pulses/settings", methods=["GET", "POST"])
def settings(slug: str) -> str | Response | tuple[str, int]:
    db = get_session()
    team, me = current_team(), current_membership()
    require_role(me, Role.FACILITATOR, "change pulse settings")
    current = pulse_settings.get_settings(db, team)
    form = PulseSettingsForm(
        data={
            "threshold": current.threshold,
            "cadence_weeks": str(current.cadence_weeks or ""),
            "window_days": current.window_days,
            "template": current.template_key,
            "asks_goal_recall": current.asks_goal_recall,
        }
    )
    form.template.choices = _template_choices(db)
    sent = submit_form(
        form,
        lambda: pulse_settings.update_settings(
            db,
            me,
            {
                "threshold": request.form.get("threshold", ""),
                "cadence_weeks": form.cadence_weeks.data or None,
                "window_days": request.form.get("window_days", ""),
                "template": form.template.data,
                "asks_goal_recall": bool(form.asks_goal_recall.data),
            },
        ),
    )
    if sent.ok:
        flash("Pulse settings saved.", "success")
        for warning in sent.value.warnings:
            flash(warning, "error")
        return redirect(url_for("pulses.index", slug=slug), 303)
    members = pulse_settings.count_members(db, team)
    page = render_template("pulses/settings.html", team=team, form=form, members=members)
    return page, sent.status


@bp.get("/t/<slug>/pulses/templates")
def template_list(slug: str) -> str:
    db = get_session()
    return render_template(
        "pulses/templates.html",
        team=current_team(),
        me=current_membership(),
        templates=surveys.list_templates(db, current_team()),
    )


@bp.route("/t/<slug>/pulses/templates/new", methods=["GET", "POST"])
def template_new(slug: str) -> str | Response | tuple[str, int]:
    db = get_session()
    me = current_membership()
    require_role(me, Role.FACILITATOR, "make pulse templates")
    form = TemplateForm()
    sent = submit_form(
        form,
        lambda: surveys.create_template(
            db,
            me,
            title=form.title.data,
            description=form.description.data,
            items=form.item_inputs(),
        ),
    )
    if sent.ok:
        flash(f"Template “{sent.value.title}” saved.", "success")
        return redirect(url_for("pulses.template_list", slug=slug), 303)
    return render_template(
        "pulses/template_form.html", team=current_team(), form=form, template=None
    ), sent.status


@bp.route("/t/<slug>/pulses/templates/<key>/edit", methods=["GET", "POST"])
def template_edit(slug: str, key: str) -> str | Response | tuple[str, int]:
    db = get_session()
    me = current_membership()
    require_role(me, Role.FACILITATOR, "change pulse templates")
    view = surveys.find_template(db, current_team(), key)
    statements, questions = template_lines(view.items)
    form = TemplateForm(
        data={
            "title": view.title,
            "description": view.description,
            "items": statements,
            "questions": questions,
        }
    )
    sent = submit_form(
        form,
        lambda: surveys.update_template(
            db,
            me,
            key,
            title=form.title.data,
            description=form.description.data,
            items=form.item_inputs(),
        ),
    )
    if sent.ok:
        flash("Template saved.", "success")
        return redirect(url_for("pulses.template_list", slug=slug), 303)
    status = sent.status
    return render_template(
        "pulses/template_form.html", team=current_team(), form=form, template=view
    ), status


@bp.post("/t/<slug>/pulses/templates/<key>/copy")
def template_copy(slug: str, key: str) -> Response:
    copy = surveys.copy_template(get_session(), current_membership(), key)
    flash(f"Copied as “{copy.title}”: change it as you like.", "success")
    return redirect(url_for("pulses.template_edit", slug=slug, key=copy.key), 303)
