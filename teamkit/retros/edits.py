"""A retro's edits: who may edit a retro, and the history that records every change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from teamkit.db import utcnow
from teamkit.retros.models import Retro, RetroEdit
from teamkit.teams.models import Membership, Role
from teamkit.teams.roles import require_role


def require_editable(actor: Membership, retro: Retro) -> None:
    """Raise Forbidden unless `actor` may edit `retro` (published: owners and facilitators)."""
    if retro.is_published:
        require_role(actor, Role.FACILITATOR, "edit a published retro")


def history_statement(retro: Retro) -> Select[Any]:
    """Return the query of a retro's edits, newest first."""
    return (
        select(RetroEdit)
        .where(RetroEdit.retro_id == retro.id)
        .options(joinedload(RetroEdit.person))
        .order_by(RetroEdit.edited_at.desc(), RetroEdit.id.desc())
    )


def history(session: Session, retro: Retro, *, limit: int = 200) -> list[RetroEdit]:
    """Return the retro's latest edits, newest first."""
    return list(session.scalars(history_statement(retro).limit(limit)))


def record_edit(
    session: Session,
    actor: Membership,
    retro: Retro,
    field: str,
    old: str | None,
    new: str | None,
    *,
    at: datetime | None = None,
) -> RetroEdit:
    """Record that `actor` changed `field` of `retro` from `old` to `new`."""
    edit = RetroEdit(
        retro_id=retro.id,
        person_id=actor.person_id,
        field=field,
        old_value=old,
        new_value=new,
        edited_at=at or utcnow(),
    )
    session.add(edit)
    return edit
