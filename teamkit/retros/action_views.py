"""Portal routes of action items: on a retro, and the team's list (on the retros blueprint)."""

from __future__ import annotations

from typing import Any

from flask import (
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from teamkit.db import get_session
from teamkit.errors import ServiceError
from teamkit.forms import ConfirmForm, attempt, submit_form
from teamkit.retros import actions, exports
from teamkit.retros.forms import (
    ActionItemForm,
    ActionStatusForm,
)
from teamkit.retros.models import (
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
        flash("Action item added.", "success")
        return to_retro(retro, "action-items")
    return retro_page(retro, 422, item_form=form)


@bp.post("/t/<slug>/action-items/<int:item_id>")
def update_item(slug: str, item_id: int) -> Any:
    db = get_session()
    item = actions.get_action_item(db, current_team(), item_id)
    form = ActionStatusForm()
    back = request.form.get("back") == "list"
    if form.validate_on_submit():
        done = attempt(
            lambda: actions.update_action_item(
                db,
                current_membership(),
                item,
                {"status": form.status.data or "", "closing_note": form.closing_note.data or ""},
            )
        )
        if (error := done.error) is not None:
            if back:
                flash(f"“{item.title}”: {' '.join(error.errors.values()) or error.detail}", "error")
                return redirect(url_for("retros.action_items", slug=slug), 303)
            return retro_page(item.retro, error.status, status_errors={item.id: error})
        flash(f"“{item.title}” is {item.status.label.lower()}.", "success")
    if back:
        return redirect(url_for("retros.action_items", slug=slug), 303)
    return to_retro(item.retro, f"item-{item.id}")


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
            return retro_page(item.retro, error.status, item_errors={item.id: error})
        flash("Action item saved.", "success")
    return to_retro(item.retro, f"item-{item.id}")


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
    return download(text, "text/csv", f"{slug}-action-items.csv")
