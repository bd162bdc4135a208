"""Portal pages: retros, their timeline, factors and action items; the team's action items."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse

from teamkit.db import get_session, locks_late, utcnow
from teamkit.errors import InvalidInput, ServiceError
from teamkit.forms import ConfirmForm, show_service_error
from teamkit.goals.models import Goal, GoalStatus
from teamkit.goals.services import list_goals
from teamkit.retros import actions, coach, exports, search, services, timeline
from teamkit.retros.formats import parse_format
from teamkit.retros.forms import (
    ActionItemForm,
    ActionStatusForm,
    FactorForm,
    PublishForm,
    RetroForm,
    TimelineEntryForm,
)
from teamkit.retros.models import (
    FactorCategory,
    Retro,
    RetroStatus,
    TimelineKind,
)
from teamkit.retros.richtext import render_markdown
from teamkit.retros.settings import get_settings
from teamkit.teams.guard import current_membership, current_team
from teamkit.teams.models import Membership, Role
from teamkit.teams.roles import has_role, require_role
from teamkit.teams.services import list_members

bp = Blueprint("retros", __name__)

#: Edits a retro page lists (the latest ones).
HISTORY_SHOWN = 100
#: Open action items of earlier retros a retro page lists (those due first); the team's
#: action item page has them all.
EARLIER_SHOWN = 20


def today() -> date:
    """Return today's date (UTC), the day overdue is counted from."""
    return utcnow().date()


def timeline_gap() -> timedelta:
    """Return the quiet time between timeline entries that counts as a gap."""
    return timedelta(minutes=int(current_app.config["TEAMKIT"]["RETRO_TIMELINE_GAP_MINUTES"]))


@bp.app_template_filter("markdown")
def _markdown_filter(text: str | None) -> Any:
    return render_markdown(text)


@bp.app_template_filter("duration")
def _duration_filter(span: timedelta | None) -> str:
    return timeline.format_duration(span)


@bp.app_template_filter("since_start")
def _since_start_filter(span: timedelta) -> str:
    return timeline.format_since_start(span)


# ---------------------------------------------------------------- contributions


def home_context(session: Session, membership: Membership) -> dict[str, Any]:
    """Fill the retros section of the team home page: open and overdue items, and yours."""
    return {
        "team": membership.team,
        "me": membership,
        "counts": actions.count_action_items(session, membership, today=today()),
        "latest": services.list_retros(session, membership.team, limit=3),
    }


def goal_context(session: Session, membership: Membership, goal: Goal) -> dict[str, Any]:
    """Fill the goal page's list of the action items that serve the goal."""
    return {
        "team": membership.team,
        "action_items": actions.items_serving_goal(session, goal),
        "today": today(),
    }


# ---------------------------------------------------------------- helpers


def _retro(retro_id: int) -> Retro:
    return services.get_retro(get_session(), current_team(), retro_id)


def _to_retro(retro: Retro, anchor: str | None = None) -> BaseResponse:
    target = url_for("retros.show", slug=current_team().slug, retro_id=retro.id)
    return redirect(f"{target}#{anchor}" if anchor else target, 303)


def _active_goals(db: Session) -> list[Goal]:
    return list_goals(db, current_team(), status=GoalStatus.ACTIVE)


def _retro_page(retro: Retro, status: int = 200, **forms: Any) -> tuple[str, int]:
    """Render a retro with everything on it; `forms` replace the empty ones (with errors)."""
    db = get_session()
    me = current_membership()
    team = current_team()
    members = list_members(db, team)
    entries = timeline.list_entries(db, retro)
    factors = timeline.list_factors(db, retro)
    items = actions.items_of_retro(db, retro)
    flagged = services.coach_retro(
        retro,
        entries=entries,
        factors=factors,
        items=items,
        names=[m.person.name for m in members],
    )
    settings = get_settings(db, team)
    goals = _active_goals(db)
    entry_form = forms.get("entry_form") or TimelineEntryForm(formdata=None)
    item_form = forms.get("item_form") or ActionItemForm(formdata=None)
    return render_template(
        "retros/retro.html",
        team=team,
        me=me,
        retro=retro,
        kind=parse_format(retro.format),
        severity_names=settings.severity_names,
        tags=services.tags_of(db, retro),
        participants=services.participants_of(db, retro),
        rows=timeline.timeline_rows(entries, gap=timeline_gap(), started_at=retro.started_at),
        gap=timeline_gap(),
        factors=factors,
        items=items,
        earlier=actions.open_items_from_earlier_retros(db, retro, limit=EARLIER_SHOWN),
        earlier_shown=EARLIER_SHOWN,
        history=services.history(db, retro, limit=HISTORY_SHOWN),
        flagged=flagged,
        flag_count=sum(len(part.flags) for part in flagged),
        labels=services.FIELD_LABELS,
        text_fields=services.TEXT_FIELDS,
        may_edit=not retro.is_published or has_role(me, Role.FACILITATOR),
        may_publish=has_role(me, Role.FACILITATOR),
        may_edit_item=lambda item: actions.may_edit_item(me, item),
        entry_form=entry_form.with_members(members),
        factor_form=forms.get("factor_form") or FactorForm(formdata=None),
        item_form=item_form.with_choices(members, goals),
        item_status_form=ActionStatusForm(formdata=None),
        status_errors=forms.get("status_errors") or {},
        chosen=forms.get("chosen") or {},
        entry_errors=forms.get("entry_errors") or {},
        factor_errors=forms.get("factor_errors") or {},
        kinds=[(kind.value, kind.label) for kind in TimelineKind],
        categories=[(category.value, category.label) for category in FactorCategory],
        member_choices=[(str(m.id), m.person.name) for m in members],
        goal_choices=[(str(g.id), g.title) for g in goals],
        item_errors=forms.get("item_errors") or {},
        confirm=ConfirmForm(formdata=None),
        today=today(),
    ), status


# ---------------------------------------------------------------- retros


@bp.get("/t/<slug>/retros")
def index(slug: str) -> str:
    db = get_session()
    team = current_team()
    status = next((s for s in RetroStatus if s.value == request.args.get("status")), None)
    return render_template(
        "retros/index.html",
        team=team,
        me=current_membership(),
        status=status,
        statuses=list(RetroStatus),
        retros=services.list_retros(db, team, status=status),
        severity_names=get_settings(db, team).severity_names,
    )


@bp.get("/t/<slug>/retros/search")
def search_page(slug: str) -> tuple[str, int]:
    db = get_session()
    query = request.args.get("q", "")
    hits: list[search.SearchHit] = []
    error = None
    if "q" in request.args:
        try:
            hits = search.search_retros(db, current_team(), query)
        except InvalidInput as problem:
            error = problem.errors.get("q", problem.detail)
    return render_template(
        "retros/search.html", team=current_team(), query=query, hits=hits, error=error
    ), 422 if error else 200


def _form_page(form: RetroForm, retro: Retro | None, status: int) -> tuple[str, int]:
    db = get_session()
    earlier = []
    if retro is None:
        earlier = actions.list_action_items(
            db, current_team(), today=today(), open_only=True, limit=EARLIER_SHOWN
        )
    return render_template(
        "retros/form.html",
        team=current_team(),
        retro=retro,
        fields=parse_format(retro.format if retro else "incident").fields,
        form=form,
        earlier=earlier,
        earlier_shown=EARLIER_SHOWN,
        today=today(),
    ), status


def _choices(form: RetroForm) -> RetroForm:
    db = get_session()
    team = current_team()
    return form.with_choices(get_settings(db, team).severity_names, list_members(db, team))


@bp.route("/t/<slug>/retros/new", methods=["GET", "POST"])
def new(slug: str) -> Any:
    form = _choices(RetroForm())
    if form.validate_on_submit():
        try:
            retro = services.create_retro(
                get_session(), current_membership(), format="incident", **form.values()
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_saved_message("Draft saved.", retro), "success")
            return _to_retro(retro)
    return _form_page(form, None, 422 if form.is_submitted() else 200)


def _saved_message(done: str, retro: Retro) -> str:
    flags = sum(len(p.flags) for p in services.coach_whole_retro(get_session(), retro))
    if not flags:
        return done
    return (
        f"{done} The blameless-language coach has {flags} suggestion"
        f"{'' if flags == 1 else 's'}: see them on the retro."
    )


def _retro_data(db: Session, retro: Retro) -> dict[str, Any]:
    return {
        "title": retro.title,
        "summary": retro.summary,
        "started_at": f"{retro.started_at:%Y-%m-%dT%H:%M}" if retro.started_at else "",
        "ended_at": f"{retro.ended_at:%Y-%m-%dT%H:%M}" if retro.ended_at else "",
        "severity": str(retro.severity or ""),
        **{name: getattr(retro, name) for name in services.TEXT_FIELDS},
        "tags": ", ".join(services.tags_of(db, retro)),
        "participant_ids": [str(m.id) for m in services.participants_of(db, retro)],
    }


@bp.route("/t/<slug>/retros/<int:retro_id>/edit", methods=["GET", "POST"])
def edit(slug: str, retro_id: int) -> Any:
    db = get_session()
    me = current_membership()
    retro = _retro(retro_id)
    services.require_editable(me, retro)
    form = _choices(RetroForm(data=_retro_data(db, retro)))
    if form.validate_on_submit():
        try:
            fields = parse_format(retro.format).fields
            values = {name: value for name, value in form.values().items() if name in fields}
            changed = services.update_retro(db, me, retro, values)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            done = "Saved." if changed else "Nothing changed."
            flash(_saved_message(done, retro), "success")
            return _to_retro(retro)
    return _form_page(form, retro, 422 if form.is_submitted() else 200)


@bp.get("/t/<slug>/retros/<int:retro_id>")
def show(slug: str, retro_id: int) -> tuple[str, int]:
    return _retro_page(_retro(retro_id))


@bp.get("/t/<slug>/retros/<int:retro_id>/print")
def print_page(slug: str, retro_id: int) -> str:
    db = get_session()
    retro = _retro(retro_id)
    return render_template(
        "retros/print.html",
        team=current_team(),
        export=_export(db, retro),
        kind_label=parse_format(retro.format).label,
        today=today(),
    )


def _export(db: Session, retro: Retro) -> exports.RetroExport:
    names = get_settings(db, retro.team).severity_names
    return exports.RetroExport(
        retro=retro,
        severity_name=names.get(retro.severity) if retro.severity else None,
        tags=services.tags_of(db, retro),
        participants=services.participants_of(db, retro),
        timeline=timeline.list_entries(db, retro),
        factors=timeline.list_factors(db, retro),
        items=actions.items_of_retro(db, retro),
        history=[],
    )


def _download(body: str, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/t/<slug>/retros/<int:retro_id>/export.md")
def export_markdown(slug: str, retro_id: int) -> Response:
    retro = _retro(retro_id)
    text = exports.retro_markdown(_export(get_session(), retro), today=today())
    return _download(text, "text/markdown", f"retro-{retro.id}.md")


@bp.post("/t/<slug>/retros/<int:retro_id>/submit")
def submit(slug: str, retro_id: int) -> BaseResponse:
    retro = _retro(retro_id)
    if ConfirmForm().validate_on_submit():
        services.submit_for_review(get_session(), current_membership(), retro)
        flash("In review: the team can read it now, with the coach's suggestions.", "success")
    return _to_retro(retro)


@bp.post("/t/<slug>/retros/<int:retro_id>/return")
def return_to_draft(slug: str, retro_id: int) -> BaseResponse:
    retro = _retro(retro_id)
    if ConfirmForm().validate_on_submit():
        services.return_to_draft(get_session(), current_membership(), retro)
        flash("Back to draft.", "info")
    return _to_retro(retro)


@bp.route("/t/<slug>/retros/<int:retro_id>/publish", methods=["GET", "POST"])
def publish(slug: str, retro_id: int) -> Any:
    db = get_session()
    me = current_membership()
    require_role(me, Role.FACILITATOR, "publish a retro")
    retro = _retro(retro_id)
    flags = sum(len(part.flags) for part in services.coach_whole_retro(db, retro))
    form = PublishForm()
    if form.validate_on_submit() and (form.confirmed.data or not flags):
        try:
            services.publish_retro(db, me, retro)
        except ServiceError as error:
            flash(error.detail, "error")
            return _retro_page(retro, error.status)
        flash("Published: the whole team can read it.", "success")
        return _to_retro(retro)
    # Asked once more when the coach's flags remain: publishing never blocks on them.
    return render_template(
        "retros/publish.html", team=current_team(), retro=retro, flags=flags, form=form
    ), 422 if form.is_submitted() else 200


@bp.post("/t/<slug>/retros/coach")
@locks_late  # it only reads: a member typing never holds SQLite's write lock
def check(slug: str) -> Any:
    """Check a text with the coach (the editor's script calls it as you type)."""
    data = request.get_json(silent=True)
    text = data.get("text") if isinstance(data, dict) else None
    if not isinstance(text, str) or len(text) > coach.TEXT_MAX or "\x00" in text:
        abort(400)
    names = services.member_names(get_session(), current_team())
    return jsonify({"flags": [flag.as_dict() for flag in coach.check_text(text, names)]})


# The routes of a retro's parts, the action items and the settings join `bp` there.
from teamkit.retros import part_views  # noqa: E402, F401
