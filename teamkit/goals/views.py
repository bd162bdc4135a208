"""Portal pages: the team's goals, a goal with its check-ins and chart, goal settings."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from teamkit.capability import SetupStep, registry
from teamkit.db import get_session
from teamkit.errors import Conflict
from teamkit.formatting import exact_number
from teamkit.forms import ConfirmForm, attempt, submit_form
from teamkit.goals import (
    DIGESTS_STATUS,
    cards,
    checkins,
    goal_timing,
    reinforcements,
    services,
)
from teamkit.goals import settings as goal_settings
from teamkit.goals.chart import progress_chart
from teamkit.goals.forms import CheckInForm, GoalForm, GoalSettingsForm
from teamkit.goals.models import Goal, GoalStatus
from teamkit.goals.summaries import list_summaries, summarize
from teamkit.teams.guard import current_membership, current_team
from teamkit.teams.local_time import local_minute
from teamkit.teams.models import Membership
from teamkit.teams.services import list_members
from teamkit.urls import MAX_ID

bp = Blueprint("goals", __name__)
# Lists call it for every goal: a card is rendered once for what it shows (cards.py).
bp.add_app_template_global(cards.goal_card, "goal_card")

#: Check-ins a page of a goal's history lists and charts; the first page has the latest.
CHECK_INS_PER_PAGE = 100
#: Reinforcements a goal page lists (the latest ones).
REMINDERS_SHOWN = 5


class GoalUrls:
    """Build the URLs of a team's goal pages and buttons, for any goal, cheaply.

    url_for takes tens of microseconds, and a list of goals has five links a goal: each
    URL is built once, with a stand-in id, and each goal's id put in its place.
    """

    #: The stand-in id: the largest there is, so no digits of the slug are taken for it.
    STAND_IN = str(MAX_ID)

    def __init__(self, slug: str) -> None:
        self.slug = slug
        self._parts: dict[str, tuple[str, str]] = {}

    def __call__(self, endpoint: str, goal_id: int) -> str:
        """Return what `url_for(endpoint, slug=…, goal_id=goal_id)` returns."""
        parts = self._parts.get(endpoint)
        if parts is None:
            built = url_for(endpoint, slug=self.slug, goal_id=self.STAND_IN)
            before, _, after = built.rpartition(self.STAND_IN)
            parts = self._parts[endpoint] = (before, after)
        return f"{parts[0]}{goal_id}{parts[1]}"


def setup_step(session: Session, membership: Membership) -> SetupStep:
    """The new team's checklist item: its first goal."""
    return SetupStep(
        10,
        "Write the team's first goal",
        "With its why and a slogan: the digest repeats it until it sticks.",
        "goals.new",
        services.has_goals(session, membership.team),
    )


def home_context(session: Session, membership: Membership) -> dict[str, Any]:
    """Fill the goals section of the team home page: north star first, slogans up front."""
    stale_days = goal_timing().stale_days
    summaries = list_summaries(
        session, membership.team, status=GoalStatus.ACTIVE, stale_days=stale_days
    )
    return {
        "team": membership.team,
        "me": membership,
        "summaries": summaries,
        "counts": services.count_goals(session, membership.team),
        "stale_days": stale_days,
        "goal_url": GoalUrls(membership.team.slug),
    }


@bp.get("/t/<slug>/goals")
def index(slug: str) -> str:
    db = get_session()
    team = current_team()
    # An unknown ?status= shows every goal, like none: a filter, not an input to refuse.
    status = next((s for s in GoalStatus if s.value == request.args.get("status")), None)
    stale_days = goal_timing().stale_days
    return render_template(
        "goals/index.html",
        team=team,
        me=current_membership(),
        status=status,
        counts=services.count_goals(db, team),
        summaries=list_summaries(db, team, status=status, stale_days=stale_days),
        archived=services.list_goals(db, team, archived=True),
        goals_per_digest=goal_settings.get_settings(db, team).goals_per_digest,
        digests_status=DIGESTS_STATUS,
        stale_days=stale_days,
        confirm=ConfirmForm(formdata=None),
        goal_url=GoalUrls(team.slug),
    )


def _with_owner_choices(form: GoalForm, session: Session) -> GoalForm:
    members = list_members(session, current_team())
    form.owner_id.choices = [SelectChoice("", "No owner")] + [
        SelectChoice(str(m.id), m.person.name) for m in members
    ]
    return form


def _goal_values(form: GoalForm) -> dict[str, Any]:
    return {
        "title": form.title.data or "",
        "why": form.why.data or "",
        "slogan": form.slogan.data,
        "is_pinned": bool(form.is_pinned.data),
        "target_date": form.target_date.data,
        "measure": form.measure,
        "owner_id": int(form.owner_id.data) if form.owner_id.data else None,
    }


def _goal_data(goal: Goal) -> dict[str, Any]:
    return {
        "title": goal.title,
        "why": goal.why,
        "slogan": goal.slogan or "",
        "is_pinned": goal.is_pinned,
        "owner_id": str(goal.owner_id or ""),
        "target_date": goal.target_date,
        "status": goal.status.value,
        "measure_unit": goal.measure_unit or "",
        "measure_start": exact_number(goal.measure_start),
        "measure_target": exact_number(goal.measure_target),
    }


@bp.route("/t/<slug>/goals/new", methods=["GET", "POST"])
def new(slug: str) -> str | Response | tuple[str, int]:
    db = get_session()
    me = current_membership()
    services.require_facilitator(me)
    form = _with_owner_choices(GoalForm(), db)
    sent = submit_form(form, lambda: services.create_goal(db, me, **_goal_values(form)))
    if sent.ok:
        goal = sent.value
        flash(f"Goal “{goal.title}” set. Repeat it until it sticks.", "success")
        return redirect(url_for("goals.show", slug=slug, goal_id=goal.id), 303)
    page = render_template("goals/form.html", team=current_team(), form=form, goal=None)
    return page, sent.status


@bp.route("/t/<slug>/goals/<int:goal_id>/edit", methods=["GET", "POST"])
def edit(slug: str, goal_id: int) -> str | Response | tuple[str, int]:
    db = get_session()
    me = current_membership()
    services.require_facilitator(me)
    goal = services.get_goal(db, current_team(), goal_id)
    form = _with_owner_choices(GoalForm(data=_goal_data(goal)), db)
    sent = submit_form(
        form,
        lambda: services.update_goal(
            db, me, goal, {**_goal_values(form), "status": form.status.data or ""}
        ),
    )
    if sent.ok:
        flash("Goal saved.", "success")
        return redirect(url_for("goals.show", slug=slug, goal_id=goal.id), 303)
    page = render_template("goals/form.html", team=current_team(), form=form, goal=goal)
    return page, sent.status


def _goal_page(goal_id: int, status: int = 200, form: CheckInForm | None = None) -> Any:
    db = get_session()
    goal = services.get_goal(db, current_team(), goal_id)
    stale_days = goal_timing().stale_days
    summary = summarize(db, [goal], stale_days=stale_days)[0]
    history = checkins.history_page(
        db,
        goal,
        total=summary.stats.check_in_count,
        page=request.args.get("page", type=int),
        per_page=CHECK_INS_PER_PAGE,
        before=request.args.get("before"),
        after=request.args.get("after"),
    )
    reminders = list(reinforcements.latest_reinforcements(db, goal, REMINDERS_SHOWN))
    return render_template(
        "goals/goal.html",
        team=current_team(),
        me=current_membership(),
        summary=summary,
        history=history,
        check_ins=history.check_ins,
        # The chart ends at "now": only the latest page has it; older pages are a table.
        chart=None if history.has_newer else progress_chart(goal, history.check_ins),
        reminders=reminders,
        form=form or CheckInForm(formdata=None),
        confirm=ConfirmForm(formdata=None),
        stale_days=stale_days,
        sections=registry().fill("goal", db, current_membership(), goal),
    ), status


@bp.get("/t/<slug>/goals/<int:goal_id>")
def show(slug: str, goal_id: int) -> Any:
    return _goal_page(goal_id)


@bp.post("/t/<slug>/goals/<int:goal_id>")
def check_in(slug: str, goal_id: int) -> Any:
    """Record a check-in posted from the goal's page.

    The form posts to the goal's own address: a refused check-in is shown there, with
    what was typed and the errors, so the address bar still names the goal page.
    """
    db = get_session()
    goal = services.get_goal(db, current_team(), goal_id)
    form = CheckInForm()
    if not form.validate_on_submit():
        return _goal_page(goal_id, 422, form)
    sent = attempt(
        lambda: checkins.record_check_in(
            db,
            current_membership(),
            goal,
            value=form.value.data,
            note=form.note.data,
            confidence=form.confidence.data,
        ),
        form,
    )
    if sent.error is not None:
        return _goal_page(goal_id, sent.error.status, form)
    flash("Check-in recorded. Thank you!", "success")
    return redirect(url_for("goals.show", slug=slug, goal_id=goal_id), 303)


def _confirmed_action(goal_id: int, action: Any, message: str, to: str = "goals.show") -> Response:
    """Run `action(session, membership, goal)` for a confirmed button, then go back."""
    if ConfirmForm().validate_on_submit():
        db = get_session()
        goal = services.get_goal(db, current_team(), goal_id)
        action(db, current_membership(), goal)
        flash(message.format(title=goal.title), "success")
    slug = current_team().slug
    target = (
        url_for(to, slug=slug, goal_id=goal_id) if to == "goals.show" else url_for(to, slug=slug)
    )
    return redirect(target, 303)


@bp.post("/t/<slug>/goals/<int:goal_id>/reviewed")
def reviewed(slug: str, goal_id: int) -> Response:
    if ConfirmForm().validate_on_submit():
        db = get_session()
        goal = services.get_goal(db, current_team(), goal_id)
        done = attempt(lambda: reinforcements.mark_reviewed(db, current_membership(), goal))
        if done.error is not None:
            if not isinstance(done.error, Conflict):
                raise done.error
            flash(done.error.detail, "error")
        else:
            review = done.value
            at = review.reinforcement.reinforced_at
            if review.is_new:
                flash(f"Noted: the team reviewed “{goal.title}”.", "success")
            else:
                flash(
                    f"Already noted: the team reviewed “{goal.title}” at {local_minute(at)}.",
                    "info",
                )
    return redirect(url_for("goals.show", slug=slug, goal_id=goal_id), 303)


@bp.post("/t/<slug>/goals/<int:goal_id>/archive")
def archive(slug: str, goal_id: int) -> Response:
    return _confirmed_action(
        goal_id, services.archive_goal, "“{title}” archived; unarchive it any time.", "goals.index"
    )


@bp.post("/t/<slug>/goals/<int:goal_id>/unarchive")
def unarchive(slug: str, goal_id: int) -> Response:
    return _confirmed_action(goal_id, services.unarchive_goal, "“{title}” is back.")


def _move(goal_id: int, direction: str) -> Response:
    """Move a goal up or down for a confirmed button, say whether it moved, then go back."""
    if ConfirmForm().validate_on_submit():
        db = get_session()
        goal = services.get_goal(db, current_team(), goal_id)
        if services.move_goal(db, current_membership(), goal, direction):
            flash(f"Moved “{goal.title}” {direction}.", "success")
        else:
            flash(services.not_moved_message(goal, direction), "info")
    return redirect(url_for("goals.index", slug=current_team().slug), 303)


@bp.post("/t/<slug>/goals/<int:goal_id>/move-up")
def move_up(slug: str, goal_id: int) -> Response:
    return _move(goal_id, "up")


@bp.post("/t/<slug>/goals/<int:goal_id>/move-down")
def move_down(slug: str, goal_id: int) -> Response:
    return _move(goal_id, "down")


@bp.route("/t/<slug>/goals/<int:goal_id>/delete", methods=["GET", "POST"])
def delete(slug: str, goal_id: int) -> str | Response:
    db = get_session()
    me = current_membership()
    services.require_may_delete(me)
    goal = services.get_goal(db, current_team(), goal_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        title = goal.title
        services.delete_goal(db, me, goal)
        flash(f"“{title}” and its history are deleted.", "info")
        return redirect(url_for("goals.index", slug=slug), 303)
    summary = summarize(db, [goal], stale_days=goal_timing().stale_days)[0]
    return render_template("goals/delete.html", team=current_team(), summary=summary, form=form)


@bp.route("/t/<slug>/goals/settings", methods=["GET", "POST"])
def settings(slug: str) -> str | Response | tuple[str, int]:
    me = current_membership()
    services.require_facilitator(me)
    current = goal_settings.get_settings(get_session(), current_team())
    form = GoalSettingsForm(data={"goals_per_digest": current.goals_per_digest})
    sent = submit_form(
        form,
        lambda: goal_settings.set_goals_per_digest(get_session(), me, form.goals_per_digest.data),
    )
    if sent.ok:
        flash("Goal settings saved.", "success")
        return redirect(url_for("goals.index", slug=slug), 303)
    return render_template("goals/settings.html", team=current_team(), form=form), sent.status
