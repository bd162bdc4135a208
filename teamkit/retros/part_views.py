"""Portal routes of a retro's parts: timeline, factors, action items; and the retro settings.

They are on the retros blueprint (`teamkit.retros.views.bp`) and use its pages' helpers.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import (
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as BaseResponse

from teamkit.db import get_session
from teamkit.errors import ServiceError
from teamkit.forms import ConfirmForm, show_service_error
from teamkit.retros import actions, exports, timeline
from teamkit.retros.forms import (
    ActionItemForm,
    ActionStatusForm,
    FactorForm,
    RetroSettingsForm,
    TimelineEntryForm,
)
from teamkit.retros.models import (
    ActionStatus,
)
from teamkit.retros.settings import get_settings, set_severity_names
from teamkit.retros.views import (
    _active_goals,
    _download,
    _retro,
    _retro_page,
    _to_retro,
    bp,
    today,
)
from teamkit.teams.guard import current_membership, current_team
from teamkit.teams.models import Role
from teamkit.teams.roles import require_role
from teamkit.teams.services import list_members

#: The query parameters that filter the team's action items.
FILTERS = ("status", "owner", "overdue")

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
    # The list's filters ride along, so the list comes back as it was.
    filters = MultiDict(parse_qsl(request.form.get("filters", "")))
    chosen = {"status": form.status.data or "", "closing_note": form.closing_note.data or ""}
    if form.validate_on_submit():
        try:
            actions.update_action_item(db, current_membership(), item, chosen)
        except ServiceError as error:
            if back:
                return _action_items_page(
                    filters, 422, status_errors={item.id: error}, chosen={item.id: chosen}
                )
            return _retro_page(
                item.retro, error.status, status_errors={item.id: error}, chosen={item.id: chosen}
            )
        flash(f"“{item.title}” is {item.status.label.lower()}.", "success")
    if back:
        query = urlencode([(k, v) for k, v in filters.items(multi=True) if k in FILTERS])
        target = url_for("retros.action_items", slug=slug)
        return redirect(f"{target}?{query}" if query else target, 303)
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


def _item_filters(args: MultiDict[str, str]) -> dict[str, Any]:
    status = next((s for s in ActionStatus if s.value == args.get("status")), None)
    owner = args.get("owner", type=int)
    return {"status": status, "owner_id": owner, "overdue": args.get("overdue") == "1"}


def _action_items_page(
    args: MultiDict[str, str], status: int = 200, **errors: Any
) -> tuple[str, int]:
    """Render the team's action items filtered by `args`; `errors` hold a refused change."""
    db = get_session()
    team = current_team()
    filters = _item_filters(args)
    shown = [(key, value) for key, value in args.items(multi=True) if key in FILTERS]
    return render_template(
        "retros/action_items.html",
        team=team,
        me=current_membership(),
        items=actions.list_action_items(db, team, today=today(), **filters),
        members=list_members(db, team),
        filters=filters,
        filter_query=urlencode(shown),
        statuses=list(ActionStatus),
        item_status_form=ActionStatusForm(formdata=None),
        may_edit_item=lambda item: actions.may_edit_item(current_membership(), item),
        status_errors=errors.get("status_errors") or {},
        chosen=errors.get("chosen") or {},
        today=today(),
        page_size=actions.PAGE_SIZE,
    ), status


@bp.get("/t/<slug>/action-items")
def action_items(slug: str) -> tuple[str, int]:
    return _action_items_page(request.args)


@bp.get("/t/<slug>/action-items.csv")
def action_items_csv(slug: str) -> Response:
    items = actions.list_action_items(
        get_session(), current_team(), today=today(), **_item_filters(request.args)
    )
    text = exports.action_items_csv(items, today=today())
    return _download(text, "text/csv", f"{slug}-action-items.csv")


# ---------------------------------------------------------------- settings


@bp.route("/t/<slug>/retros/settings", methods=["GET", "POST"])
def settings(slug: str) -> Any:
    db = get_session()
    me = current_membership()
    require_role(me, Role.FACILITATOR, "rename severity levels")
    current = get_settings(db, current_team()).severity_names
    form = RetroSettingsForm(data={f"sev{level}_name": name for level, name in current.items()})
    if form.validate_on_submit():
        try:
            set_severity_names(
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
