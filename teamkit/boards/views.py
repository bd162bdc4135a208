"""Portal pages of team retro boards: start one, run the meeting, export it.

Every action on the board is a plain form that answers with the board again; the page's
script (static/boards/board.js) only polls the board's state and refreshes it in place.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from teamkit.boards import groups, mine, review, services, summary, team_formats, votes
from teamkit.boards.formats import BUILT_IN, TEAM_FORMAT
from teamkit.boards.forms import BoardSettingsForm, NewBoardForm
from teamkit.boards.models import COLUMNS_MAX, Board
from teamkit.boards.page import act, board_page, to_board
from teamkit.boards.polls import etag
from teamkit.boards.settings import get_settings, update_settings
from teamkit.boards.state import board_state
from teamkit.db import get_session
from teamkit.forms import ConfirmForm, attempt, submit_form
from teamkit.retros import services as retro_services
from teamkit.teams.guard import current_membership, current_team
from teamkit.teams.models import Role
from teamkit.teams.page_cache import never_keep
from teamkit.teams.roles import require_role

bp = Blueprint("boards", __name__)
# Never kept rendered: a board polls its own version, and shows a writer their anonymous cards.
never_keep(bp)
#: Column rows the format form offers (the most a format has).
COLUMN_ROWS = COLUMNS_MAX


def _find(retro_id: int) -> Board:
    return services.find_board(get_session(), current_team().id, retro_id)


def _locked(retro_id: int) -> Board:
    return services.lock_board(get_session(), current_team().id, retro_id)


# ---------------------------------------------------------------- starting


@bp.route("/t/<slug>/retros/new-team-retro", methods=["GET", "POST"])
def new(slug: str) -> Any:
    db = get_session()
    me = current_membership()
    settings = get_settings(db, current_team())
    form = NewBoardForm(data={"anonymous": settings.is_anonymous}).with_formats(
        team_formats.format_choices(db, me.team_id)
    )

    def create() -> Board:
        chosen, _, own_id = (form.format.data or "").partition(":")
        own = None
        if chosen == TEAM_FORMAT:
            number = int(own_id) if own_id.isdigit() and len(own_id) < 12 else 0
            own = team_formats.get_format(db, me.team_id, number)
        retro = retro_services.create_retro(db, me, format=chosen, title=form.title.data or "")
        board = services.find_board(db, me.team_id, retro.id)
        if own is not None:
            board.columns = [dict(column) for column in own.columns]
        if form.anonymous.data and not board.is_anonymous:
            board.is_anonymous = True
        return board

    sent = submit_form(form, create)
    if sent.ok:
        return to_board(sent.value)
    return render_template("boards/new.html", team=current_team(), me=me, form=form), sent.status


@bp.route("/t/<slug>/retros/board-settings", methods=["GET", "POST"])
def settings(slug: str) -> Any:
    db = get_session()
    me = current_membership()
    require_role(me, Role.FACILITATOR, "change the board settings")
    found = get_settings(db, current_team())
    form = BoardSettingsForm(
        data={"is_anonymous": found.is_anonymous, "vote_limit": str(found.vote_limit)}
    )
    sent = submit_form(form, lambda: update_settings(db, me, form.values()))
    if sent.ok:
        flash("Board settings saved.", "success")
        return redirect(url_for("retros.index", slug=slug), 303)
    return render_template("boards/settings.html", team=current_team(), form=form), sent.status


@bp.route("/t/<slug>/retros/board-formats", methods=["GET", "POST"])
def formats(slug: str) -> Any:
    db = get_session()
    me = current_membership()
    errors: dict[str, str] = {}
    sent: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        sent = {key: value for key, value in request.form.items() if key != "csrf_token"}
        columns = [
            (request.form.get(f"column_{n}_title", ""), request.form.get(f"column_{n}_prompt", ""))
            for n in range(1, COLUMN_ROWS + 1)
        ]
        if not ConfirmForm().validate_on_submit():
            errors, status = {"form": "The form expired: send it again."}, 400
        else:
            made = attempt(
                lambda: team_formats.create_format(
                    db, me, name=request.form.get("name", ""), columns=columns
                )
            )
            if made.ok:
                flash("Format saved: choose it for a new team retro.", "success")
                return redirect(url_for("boards.formats", slug=slug), 303)
            assert made.error is not None
            errors = dict(made.error.errors) or {"form": made.error.detail}
            status = made.error.status
    return render_template(
        "boards/formats.html",
        team=current_team(),
        me=me,
        built_in=BUILT_IN,
        own=team_formats.list_formats(db, me.team_id),
        rows=range(1, COLUMN_ROWS + 1),
        errors=errors,
        sent=sent,
    ), status


@bp.post("/t/<slug>/retros/board-formats/copy")
def copy_format(slug: str) -> Any:
    db = get_session()
    me = current_membership()
    if ConfirmForm().validate_on_submit():
        done = attempt(lambda: team_formats.copy_built_in(db, me, request.form.get("name", "")))
        if not done.ok:
            assert done.error is not None
            flash(done.error.detail, "error")
            return redirect(url_for("boards.formats", slug=slug), 303)
        flash("Copied: change the copy below, then choose it for a new team retro.", "success")
    return redirect(url_for("boards.formats", slug=slug), 303)


# ---------------------------------------------------------------- the board


@bp.get("/t/<slug>/retros/<int:retro_id>/board")
def board(slug: str, retro_id: int) -> tuple[str, int]:
    return board_page(_find(retro_id))


@bp.get("/t/<slug>/retros/<int:retro_id>/board/state", endpoint="board_state")
def board_state_json(slug: str, retro_id: int) -> Any:
    """Return the board's state for the page's script, with its version as ETag."""
    found = _find(retro_id)
    tag = etag(found.version)
    if request.headers.get("If-None-Match", "").strip() == tag:
        return Response(status=304, headers={"ETag": tag, "Cache-Control": "no-cache"})
    state = board_state(get_session(), found, current_membership(), mine.card_ids(session))
    response = jsonify(state)
    response.headers["ETag"] = tag
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.post("/t/<slug>/retros/<int:retro_id>/board/cards")
def add_card(slug: str, retro_id: int) -> Any:
    found = _locked(retro_id)
    column = request.form.get("column", "")

    def add() -> Any:
        card = services.add_card(
            get_session(),
            current_membership(),
            found,
            column=column,
            text=request.form.get("text", ""),
            anonymous=True if request.form.get("anonymous") else None,
        )
        if card.is_anonymous:
            mine.remember(session, card.id)
        return card

    return act(found, add, anchor=f"column-{column}", form_key=f"card-{column}")


@bp.post("/t/<slug>/retros/<int:retro_id>/board/cards/<card_id>/edit")
def edit_card(slug: str, retro_id: int, card_id: str) -> Any:
    found = _locked(retro_id)
    return act(
        found,
        lambda: services.edit_card(
            get_session(),
            current_membership(),
            found,
            card_id,
            text=request.form.get("text", ""),
            mine=mine.card_ids(session),
            if_match=request.form.get("etag") or None,
        ),
        anchor=f"card-{card_id}",
        form_key=f"edit-{card_id}",
    )


@bp.post("/t/<slug>/retros/<int:retro_id>/board/cards/<card_id>/delete")
def delete_card(slug: str, retro_id: int, card_id: str) -> Any:
    found = _locked(retro_id)
    return act(
        found,
        lambda: services.delete_card(
            get_session(), current_membership(), found, card_id, mine=mine.card_ids(session)
        ),
        form_key=f"edit-{card_id}",
    )


@bp.post("/t/<slug>/retros/<int:retro_id>/board/cards/<card_id>/vote")
def vote(slug: str, retro_id: int, card_id: str) -> Any:
    found = _locked(retro_id)
    take_back = bool(request.form.get("take_back"))

    def service() -> Any:
        if take_back:
            return votes.take_back_vote(get_session(), current_membership(), found, card_id)
        return votes.cast_vote(get_session(), current_membership(), found, card_id)

    return act(found, service, anchor=f"card-{card_id}", form_key=f"vote-{card_id}")


@bp.post("/t/<slug>/retros/<int:retro_id>/board/cards/<card_id>/move")
def move_card(slug: str, retro_id: int, card_id: str) -> Any:
    found = _locked(retro_id)
    raw = request.form.get("group_id", "")
    group_id = int(raw) if raw.isdigit() and len(raw) < 12 else None
    if raw and group_id is None:
        group_id = -1
    return act(
        found,
        lambda: groups.move_card(get_session(), current_membership(), found, card_id, group_id),
        anchor=f"card-{card_id}",
        form_key=f"move-{card_id}",
    )


@bp.post("/t/<slug>/retros/<int:retro_id>/board/groups")
def create_group(slug: str, retro_id: int) -> Any:
    found = _locked(retro_id)
    return act(
        found,
        lambda: groups.create_group(
            get_session(),
            current_membership(),
            found,
            title=request.form.get("title", ""),
            card_ids=request.form.getlist("card_ids")[:200],
        ),
        anchor="groups",
        form_key="group",
    )


@bp.post("/t/<slug>/retros/<int:retro_id>/board/groups/<int:group_id>/rename")
def rename_group(slug: str, retro_id: int, group_id: int) -> Any:
    found = _locked(retro_id)
    return act(
        found,
        lambda: groups.rename_group(
            get_session(),
            current_membership(),
            found,
            group_id,
            title=request.form.get("title", ""),
        ),
        anchor=f"group-{group_id}",
        form_key=f"group-{group_id}",
    )


@bp.post("/t/<slug>/retros/<int:retro_id>/board/groups/<int:group_id>/delete")
def delete_group(slug: str, retro_id: int, group_id: int) -> Any:
    found = _locked(retro_id)
    return act(
        found,
        lambda: groups.delete_group(get_session(), current_membership(), found, group_id),
        anchor="groups",
        form_key=f"group-{group_id}",
    )


@bp.post("/t/<slug>/retros/<int:retro_id>/board/phase")
def change_phase(slug: str, retro_id: int) -> Any:
    found = _locked(retro_id)
    wanted = request.form.get("phase", "")
    return act(
        found,
        lambda: services.change_phase(get_session(), current_membership(), found, wanted),
        form_key="phase",
    )


@bp.post("/t/<slug>/retros/<int:retro_id>/board/rules")
def change_rules(slug: str, retro_id: int) -> Any:
    found = _locked(retro_id)
    return act(
        found,
        lambda: services.set_rules(
            get_session(),
            current_membership(),
            found,
            anonymous=True if request.form.get("anonymous") else None,
            vote_limit=request.form.get("vote_limit") or None,
            card_vote_cap=request.form.get("card_vote_cap") or None,
        ),
        form_key="rules",
        message="Board rules saved.",
    )


@bp.post("/t/<slug>/retros/<int:retro_id>/board/timer")
def timer(slug: str, retro_id: int) -> Any:
    found = _locked(retro_id)
    return act(
        found,
        lambda: services.start_timer(
            get_session(), current_membership(), found, request.form.get("minutes", "")
        ),
        form_key="timer",
    )


@bp.post("/t/<slug>/retros/<int:retro_id>/board/ready")
def ready(slug: str, retro_id: int) -> Any:
    found = _locked(retro_id)
    return act(
        found,
        lambda: services.mark_ready(
            get_session(), current_membership(), found, ready=not request.form.get("not_ready")
        ),
        form_key="ready",
    )


@bp.post("/t/<slug>/retros/<int:retro_id>/board/action-items")
def make_action_item(slug: str, retro_id: int) -> Any:
    found = _locked(retro_id)
    source = request.form.get("source", "")
    kind, _, key = source.partition(":")
    card_id = key if kind == "card" else None
    group_id = (
        int(key)
        if kind == "group" and key.isdigit() and len(key) < 12
        else (-1 if kind != "card" else None)
    )
    return act(
        found,
        lambda: services.make_action_item(
            get_session(),
            current_membership(),
            found,
            card_id=card_id,
            group_id=group_id,
            title=request.form.get("title") or None,
            owner_id=request.form.get("owner_id") or None,
            due_date=request.form.get("due_date") or None,
        ),
        anchor="discuss",
        form_key=f"item-{source}",
        message="Action item added: it is on the team's list.",
    )


@bp.post("/t/<slug>/retros/<int:retro_id>/board/review/<int:item_id>")
def decide(slug: str, retro_id: int, item_id: int) -> Any:
    found = _locked(retro_id)
    return act(
        found,
        lambda: review.decide(
            get_session(),
            current_membership(),
            found,
            item_id,
            request.form.get("decision", ""),
            due_date=request.form.get("due_date") or None,
            reason=request.form.get("reason") or None,
        ),
        anchor="review",
        form_key=f"review-{item_id}",
    )


@bp.get("/t/<slug>/retros/<int:retro_id>/board/export.md")
def export_markdown(slug: str, retro_id: int) -> Response:
    found = _find(retro_id)
    response = Response(summary.board_markdown(get_session(), found), mimetype="text/markdown")
    response.headers["Content-Disposition"] = f'attachment; filename="board-{found.retro_id}.md"'
    return response
