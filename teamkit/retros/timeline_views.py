"""Portal routes of a retro's timeline entries and contributing factors (retros blueprint)."""

from __future__ import annotations

from typing import Any

from flask import (
    flash,
)
from werkzeug.wrappers import Response as BaseResponse

from teamkit.db import get_session
from teamkit.errors import ServiceError
from teamkit.forms import ConfirmForm, submit_form
from teamkit.retros import timeline
from teamkit.retros.forms import (
    FactorForm,
    TimelineEntryForm,
)
from teamkit.retros.pages import (
    bp,
    find_retro,
    posted,
    retro_page,
    to_retro,
)
from teamkit.teams.guard import current_membership, current_team
from teamkit.teams.local_time import page_timezone
from teamkit.teams.services import list_members
from teamkit.teams.zones import read_local

# ---------------------------------------------------------------- timeline and factors


@bp.post("/t/<slug>/retros/<int:retro_id>/timeline")
def add_entry(slug: str, retro_id: int) -> Any:
    db = get_session()
    retro = find_retro(retro_id)
    form = TimelineEntryForm().with_members(list_members(db, current_team()))
    form.in_timezone(page_timezone())
    sent = submit_form(
        form,
        lambda: timeline.add_entry(
            db,
            current_membership(),
            retro,
            occurred_at=read_local(form.occurred_at.data, page_timezone()),
            note=form.note.data or "",
            kind=form.kind.data or "event",
            author_id=form.author_id.data or None,
        ),
    )
    if sent.ok:
        flash("Timeline entry added.", "success")
        return to_retro(retro, "timeline")
    return retro_page(retro, 422, entry_form=form)


@bp.post("/t/<slug>/retros/<int:retro_id>/timeline/<int:entry_id>")
def update_entry(slug: str, retro_id: int, entry_id: int) -> Any:
    db = get_session()
    retro = find_retro(retro_id)
    entry = timeline.get_entry(db, retro, entry_id)
    if ConfirmForm().validate_on_submit():
        changes: dict[str, Any] = posted("occurred_at", "kind", "note", "author_id")
        changes["occurred_at"] = read_local(changes["occurred_at"], page_timezone())
        try:
            timeline.update_entry(db, current_membership(), retro, entry, changes)
        except ServiceError as error:
            return retro_page(retro, error.status, entry_errors={entry.id: error})
        flash("Timeline entry saved.", "success")
    return to_retro(retro, "timeline")


@bp.post("/t/<slug>/retros/<int:retro_id>/timeline/<int:entry_id>/delete")
def delete_entry(slug: str, retro_id: int, entry_id: int) -> BaseResponse:
    db = get_session()
    retro = find_retro(retro_id)
    entry = timeline.get_entry(db, retro, entry_id)
    if ConfirmForm().validate_on_submit():
        timeline.delete_entry(db, current_membership(), retro, entry)
        flash("Timeline entry removed; the history keeps its text.", "info")
    return to_retro(retro, "timeline")


@bp.post("/t/<slug>/retros/<int:retro_id>/factors")
def add_factor(slug: str, retro_id: int) -> Any:
    db = get_session()
    retro = find_retro(retro_id)
    form = FactorForm()
    sent = submit_form(
        form,
        lambda: timeline.add_factor(
            db,
            current_membership(),
            retro,
            category=form.category.data or "",
            description=form.description.data or "",
        ),
    )
    if sent.ok:
        flash("Contributing factor added.", "success")
        return to_retro(retro, "factors")
    return retro_page(retro, 422, factor_form=form)


@bp.post("/t/<slug>/retros/<int:retro_id>/factors/<int:factor_id>")
def update_factor(slug: str, retro_id: int, factor_id: int) -> Any:
    db = get_session()
    retro = find_retro(retro_id)
    factor = timeline.get_factor(db, retro, factor_id)
    if ConfirmForm().validate_on_submit():
        try:
            timeline.update_factor(
                db, current_membership(), retro, factor, posted("category", "description")
            )
        except ServiceError as error:
            return retro_page(retro, error.status, factor_errors={factor.id: error})
        flash("Contributing factor saved.", "success")
    return to_retro(retro, "factors")


@bp.post("/t/<slug>/retros/<int:retro_id>/factors/<int:factor_id>/delete")
def delete_factor(slug: str, retro_id: int, factor_id: int) -> BaseResponse:
    db = get_session()
    retro = find_retro(retro_id)
    factor = timeline.get_factor(db, retro, factor_id)
    if ConfirmForm().validate_on_submit():
        timeline.delete_factor(db, current_membership(), retro, factor)
        flash("Contributing factor removed; the history keeps its text.", "info")
    return to_retro(retro, "factors")
