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
    RetroSettingsForm,
    TimelineEntryForm,
)
from teamkit.retros.models import (
    ActionStatus,
    FactorCategory,
    Retro,
    RetroStatus,
    TimelineKind,
)
from teamkit.retros.richtext import render_markdown
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
    settings = services.get_settings(db, team)
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
        severity_names=services.get_settings(db, team).severity_names,
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
    return form.with_choices(services.get_settings(db, team).severity_names, list_members(db, team))


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
    names = services.get_settings(db, retro.team).severity_names
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


# ---------------------------------------------------------------- timeline and factors


@bp.post("/t/<slug>/retros/<int:retro_id>/timeline")
def add_entry(slug: str, retro_id: int) -> Any:
    db = get_session()
    retro = _retro(retro_id)
    form = TimelineEntryForm().with_members(list_members(db, current_team()))
    if form.validate_on_submit():
        try:
            timeline.add_entry(
                db,
                current_membership(),
                retro,
                occurred_at=form.occurred_at.data,
                note=form.note.data or "",
                kind=form.kind.data or "event",
                author_id=form.author_id.data or None,
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash("Timeline entry added.", "success")
            return _to_retro(retro, "timeline")
    return _retro_page(retro, 422, entry_form=form)


def _posted(*names: str) -> dict[str, str]:
    return {name: request.form.get(name, "") for name in names}


@bp.post("/t/<slug>/retros/<int:retro_id>/timeline/<int:entry_id>")
def update_entry(slug: str, retro_id: int, entry_id: int) -> Any:
    db = get_session()
    retro = _retro(retro_id)
    entry = timeline.get_entry(db, retro, entry_id)
    if ConfirmForm().validate_on_submit():
        try:
            timeline.update_entry(
                db,
                current_membership(),
                retro,
                entry,
                _posted("occurred_at", "kind", "note", "author_id"),
            )
        except ServiceError as error:
            return _retro_page(retro, error.status, entry_errors={entry.id: error})
        flash("Timeline entry saved.", "success")
    return _to_retro(retro, "timeline")


@bp.post("/t/<slug>/retros/<int:retro_id>/timeline/<int:entry_id>/delete")
def delete_entry(slug: str, retro_id: int, entry_id: int) -> BaseResponse:
    db = get_session()
    retro = _retro(retro_id)
    entry = timeline.get_entry(db, retro, entry_id)
    if ConfirmForm().validate_on_submit():
        timeline.delete_entry(db, current_membership(), retro, entry)
        flash("Timeline entry removed; the history keeps its text.", "info")
    return _to_retro(retro, "timeline")


@bp.post("/t/<slug>/retros/<int:retro_id>/factors")
def add_factor(slug: str, retro_id: int) -> Any:
    db = get_session()
    retro = _retro(retro_id)
    form = FactorForm()
    if form.validate_on_submit():
        try:
            timeline.add_factor(
                db,
                current_membership(),
                retro,
                category=form.category.data or "",
                description=form.description.data or "",
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash("Contributing factor added.", "success")
            return _to_retro(retro, "factors")
    return _retro_page(retro, 422, factor_form=form)


@bp.post("/t/<slug>/retros/<int:retro_id>/factors/<int:factor_id>")
def update_factor(slug: str, retro_id: int, factor_id: int) -> Any:
    db = get_session()
    retro = _retro(retro_id)
    factor = timeline.get_factor(db, retro, factor_id)
    if ConfirmForm().validate_on_submit():
        try:
            timeline.update_factor(
                db, current_membership(), retro, factor, _posted("category", "description")
            )
        except ServiceError as error:
            return _retro_page(retro, error.status, factor_errors={factor.id: error})
        flash("Contributing factor saved.", "success")
    return _to_retro(retro, "factors")


@bp.post("/t/<slug>/retros/<int:retro_id>/factors/<int:factor_id>/delete")
def delete_factor(slug: str, retro_id: int, factor_id: int) -> BaseResponse:
    db = get_session()
    retro = _retro(retro_id)
    factor = timeline.get_factor(db, retro, factor_id)
    if ConfirmForm().validate_on_submit():
        timeline.delete_factor(db, current_membership(), retro, factor)
        flash("Contributing factor removed; the history keeps its text.", "info")
    return _to_retro(retro, "factors")


# ---------------------------------------------------------------- action items


@bp.post("/t/<slug>/retros/<int:retro_id>/action-items")
def add_item(slug: str, retro_id: int) -> Any:
    db = get_session()
    retro = _retro(retro_id)
    form = ActionItemForm().with_choices(list_members(db, current_team()), _active_goals(db))
    if form.validate_on_submit():
        try:
            actions.create_action_item(
                db,
                current_membership(),
                retro,
                title=form.title.data or "",
                owner_id=form.owner_id.data,
                due_date=form.due_date.data,
                goal_id=form.goal_id.data or None,
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash("Action item added.", "success")
            return _to_retro(retro, "action-items")
    return _retro_page(retro, 422, item_form=form)


@bp.post("/t/<slug>/action-items/<int:item_id>")
def update_item(slug: str, item_id: int) -> Any:
    db = get_session()
    item = actions.get_action_item(db, current_team(), item_id)
    form = ActionStatusForm()
    back = request.form.get("back") == "list"
    if form.validate_on_submit():
        try:
            actions.update_action_item(
                db,
                current_membership(),
                item,
                {"status": form.status.data or "", "closing_note": form.closing_note.data or ""},
            )
        except ServiceError as error:
            if back:
                flash(f"“{item.title}”: {' '.join(error.errors.values()) or error.detail}", "error")
                return redirect(url_for("retros.action_items", slug=slug), 303)
            return _retro_page(item.retro, error.status, status_errors={item.id: error})
        flash(f"“{item.title}” is {item.status.label.lower()}.", "success")
    if back:
        return redirect(url_for("retros.action_items", slug=slug), 303)
    return _to_retro(item.retro, f"item-{item.id}")


@bp.post("/t/<slug>/action-items/<int:item_id>/edit")
def edit_item(slug: str, item_id: int) -> Any:
    db = get_session()
    item = actions.get_action_item(db, current_team(), item_id)
    if ConfirmForm().validate_on_submit():
        try:
            actions.update_action_item(
                db, current_membership(), item, _posted("title", "owner_id", "due_date", "goal_id")
            )
        except ServiceError as error:
            return _retro_page(item.retro, error.status, item_errors={item.id: error})
        flash("Action item saved.", "success")
    return _to_retro(item.retro, f"item-{item.id}")


def _item_filters() -> dict[str, Any]:
    status = next((s for s in ActionStatus if s.value == request.args.get("status")), None)
    owner = request.args.get("owner", type=int)
    return {"status": status, "owner_id": owner, "overdue": request.args.get("overdue") == "1"}


@bp.get("/t/<slug>/action-items")
def action_items(slug: str) -> str:
    db = get_session()
    team = current_team()
    filters = _item_filters()
    return render_template(
        "retros/action_items.html",
        team=team,
        me=current_membership(),
        items=actions.list_action_items(db, team, today=today(), **filters),
        members=list_members(db, team),
        filters=filters,
        statuses=list(ActionStatus),
        item_status_form=ActionStatusForm(formdata=None),
        may_edit_item=lambda item: actions.may_edit_item(current_membership(), item),
        today=today(),
        page_size=actions.PAGE_SIZE,
    )


@bp.get("/t/<slug>/action-items.csv")
def action_items_csv(slug: str) -> Response:
    items = actions.list_action_items(
        get_session(), current_team(), today=today(), **_item_filters()
    )
    text = exports.action_items_csv(items, today=today())
    return _download(text, "text/csv", f"{slug}-action-items.csv")


# ---------------------------------------------------------------- settings


@bp.route("/t/<slug>/retros/settings", methods=["GET", "POST"])
def settings(slug: str) -> Any:
    db = get_session()
    me = current_membership()
    require_role(me, Role.FACILITATOR, "rename severity levels")
    current = services.get_settings(db, current_team()).severity_names
    form = RetroSettingsForm(data={f"sev{level}_name": name for level, name in current.items()})
    if form.validate_on_submit():
        try:
            services.set_severity_names(
                db, me, {level: getattr(form, f"sev{level}_name").data for level in current}
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash("Severity names saved.", "success")
            return redirect(url_for("retros.index", slug=slug), 303)
    return render_template("retros/settings.html", team=current_team(), form=form), (
        422 if form.is_submitted() else 200
    )
