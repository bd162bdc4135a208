"""The board page as a member sees it, and the round trip of its plain forms.

Every action on the board is a small form that answers with a redirect to the board, or
with the board again and the error beside the form that was sent.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response as BaseResponse

from teamkit.boards import mine, review, services, summary
from teamkit.boards.models import PHASES, Board, Phase
from teamkit.boards.state import board_state
from teamkit.db import get_session, utcnow
from teamkit.forms import ConfirmForm, attempt
from teamkit.retros import actions
from teamkit.teams.guard import current_membership, current_team
from teamkit.teams.services import list_members


def to_board(board: Board, anchor: str | None = None) -> BaseResponse:
    target = url_for("boards.board", slug=current_team().slug, retro_id=board.retro_id)
    return redirect(f"{target}#{anchor}" if anchor else target, 303)


def board_page(
    board: Board,
    status: int = 200,
    *,
    errors: dict[str, str] | None = None,
    sent: dict[str, str] | None = None,
) -> tuple[str, int]:
    """Render the board as this member sees it; `errors` go beside the form that was sent."""
    db = get_session()
    me = current_membership()
    state = board_state(db, board, me, mine.card_ids(session))
    members = list_members(db, current_team())
    earlier = review.earlier_items(db, board) if board.phase is Phase.REVIEW else []
    return render_template(
        "boards/board.html",
        team=current_team(),
        me=me,
        board=board,
        retro=board.retro,
        state=state,
        phases=PHASES,
        phase_at=PHASES.index(board.phase),
        may_facilitate=services.may_facilitate(me),
        members=members,
        earlier=earlier,
        decided=review.decisions(db, board) if earlier else {},
        items=(
            {item.id: item for item in actions.items_of_retro(db, board.retro)}
            if board.phase in (Phase.DISCUSS, Phase.CLOSED)
            else {}
        ),
        groups={group["id"]: group for group in state["groups"]},
        errors=errors or {},
        sent=sent or {},
        confirm=ConfirmForm(formdata=None),
        now=utcnow(),
        label=summary.board_label(board),
    ), status


def act(
    board: Board,
    service: Any,
    *,
    anchor: str | None = None,
    form_key: str = "board",
    message: str | None = None,
) -> Any:
    """Run a board action from a plain form: back to the board, or the board with the error."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        return board_page(board, 400, errors={form_key: "The form expired: send it again."})
    done = attempt(service)
    if not done.ok:
        error = done.error
        assert error is not None
        errors = {f"{form_key}.{name}": text for name, text in error.errors.items()}
        errors.setdefault(form_key, error.detail if not error.errors else "")
        db = get_session()
        db.refresh(board)
        return board_page(board, error.status, errors=errors, sent=dict(request.form))
    if message:
        flash(message, "success")
    return to_board(board, anchor)
