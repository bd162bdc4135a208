"""Portal routes of action items: on a retro, and the team's list (on the retros blueprint)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as BaseResponse

from teamkit.capability import registry
from teamkit.db import get_session
from teamkit.errors import ServiceError
from teamkit.forms import ConfirmForm, submit_form
from teamkit.retros import actions, coach, exports, follow_ups, review
from teamkit.retros.forms import (
    ActionItemForm,
    ActionStatusForm,
)
from teamkit.retros.models import (
    ActionItem,
    ActionStatus,
)
from teamkit.retros.pages import (
    active_goals,
    bp,
    download,
    find_retro,
    posted,
    retro_page,
    to_retro,
    today,
)
from teamkit.teams.guard import current_membership, current_team
from teamkit.teams.services import list_members

#: The query parameters that filter the team's action items.
FILTERS = ("status", "owner", "overdue")

# ---------------------------------------------------------------- action items


@bp.post("/t/<slug>/retros/<int:retro_id>/action-items")
def add_item(slug: str, retro_id: int) -> Any:
    db = get_session()
    retro = find_retro(retro_id)
    form = ActionItemForm().with_choices(list_members(db, current_team()), active_goals(db))
    sent = submit_form(
        form,
        lambda: actions.create_action_item(
            db,
            current_membership(),
            retro,
            title=form.title.data or "",
            owner_id=form.owner_id.data,
            due_date=form.due_date.data,
            goal_id=form.goal_id.data or None,
        ),
    )
    if sent.ok:
        item = sent.value
        flash(_added_message(item), "success")
        return to_retro(retro, f"item-{item.id}")
    return retro_page(retro, 422, item_form=form)


def _added_message(item: ActionItem) -> str:
    flags = coach.check_text(item.title, review.member_names(get_session(), current_team()))
    if not flags:
        return "Action item added."
    return (
        f"Action item added. The blameless-language coach has {len(flags)} suggestion"
        f"{'' if len(flags) == 1 else 's'} on its wording: see beside it. Until it is reworded"
        " or kept, the digest leaves its wording out."
    )


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
            if item.retro is None:
                return _action_items_page(
                    MultiDict(), 422, status_errors={item.id: error}, chosen={item.id: chosen}
                )
            return retro_page(
                item.retro, error.status, status_errors={item.id: error}, chosen={item.id: chosen}
            )
        flash(f"“{item.title}” is {item.status.label.lower()}.", "success")
    if back:
        query = urlencode([(k, v) for k, v in filters.items(multi=True) if k in FILTERS])
        target = url_for("retros.action_items", slug=slug)
        return redirect(f"{target}?{query}" if query else target, 303)
    return _back_to(item)


@bp.post("/t/<slug>/action-items/<int:item_id>/edit")
def edit_item(slug: str, item_id: int) -> Any:
    db = get_session()
    item = actions.get_action_item(db, current_team(), item_id)
    if ConfirmForm().validate_on_submit():
        try:
            actions.update_action_item(
                db, current_membership(), item, posted("title", "owner_id", "due_date", "goal_id")
            )
        except ServiceError as error:
            if item.retro is None:
                flash(error.detail, "error")
                return _back_to(item)
            return retro_page(item.retro, error.status, item_errors={item.id: error})
        flash("Action item saved.", "success")
    return _back_to(item)


@bp.post("/t/<slug>/action-items/<int:item_id>/keep-wording")
def keep_wording(slug: str, item_id: int) -> BaseResponse:
    """Keep an action item's wording against the coach's suggestions (the digest carries it)."""
    db = get_session()
    item = actions.get_action_item(db, current_team(), item_id)
    if ConfirmForm().validate_on_submit():
        actions.acknowledge_coach(db, current_membership(), item)
        flash(f"“{item.title}” keeps its wording; the digest carries it.", "success")
    return _back_to(item)


def _back_to(item: ActionItem) -> BaseResponse:
    """Return to the item on its retro, or on the team's list when it has no retro."""
    if item.retro is None:
        target = url_for("retros.action_items", slug=current_team().slug)
        return redirect(f"{target}#item-{item.id}", 303)
    return to_retro(item.retro, f"item-{item.id}")


@bp.post("/t/<slug>/action-items/from/<kind>/<int:source_id>")
def add_item_from(slug: str, kind: str, source_id: int) -> BaseResponse:
    """Make a follow-up of another capability (a pulse's plan) an action item."""
    db = get_session()
    if ConfirmForm().validate_on_submit():
        try:
            with db.begin_nested():
                item = follow_ups.create_action_item_from(
                    db, current_membership(), registry(), kind, source_id
                )
        except ServiceError as error:
            if error.status == 404:
                abort(404)
            flash(error.detail, "error")
        else:
            flash(f"“{item.title}” is on the team's action items.", "success")
            return _back_to(item)
    back = request.form.get("next", "")
    if back.startswith(f"/t/{slug}/") and "//" not in back:
        return redirect(back, 303)
    return redirect(url_for("retros.action_items", slug=slug), 303)


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
    items = actions.list_action_items(db, team, today=today(), **filters)
    shown = [(key, value) for key, value in args.items(multi=True) if key in FILTERS]
    return render_template(
        "retros/action_items.html",
        team=team,
        me=current_membership(),
        items=items,
        sources=follow_ups.sources_of(db, registry(), team.id, items),
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
    return download(text, "text/csv", f"{slug}-action-items.csv")
