"""What a verified request from Slack does, as the member who sent it: `/teamkit goals`,
`/teamkit note <text>`, the *Check in* button and its modal, *Save as retro card*.

Each takes the session, the app and the request's `Sender` (requests.py), runs the same
services as the portal (so the same rules and errors), and returns what to answer Slack.
A service refusal rolls back its savepoint: nothing of it is written.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.boards.notes import add_note
from teamkit.errors import InvalidInput, ServiceError
from teamkit.goals.checkins import record_check_in
from teamkit.goals.models import CONFIDENCE_MAX, CONFIDENCE_MIN, Goal, GoalStatus
from teamkit.goals.services import get_goal
from teamkit.slack import vault
from teamkit.slack.client import SlackFailure, call, web_client
from teamkit.slack.messages import (
    CHECK_IN_ACTION,
    CHECK_IN_VIEW,
    check_in_view,
    goals_answer,
    notice_view,
    shorten,
)
from teamkit.slack.requests import Sender

log = logging.getLogger("teamkit.slack")

#: The message shortcut's callback id (the manifest names it).
SAVE_CARD = "save_retro_card"
USAGE = (
    "Use `/teamkit goals` for the team's goals, or `/teamkit note <text>` to put a note "
    "on the team's next retro board."
)


def _base(app: Flask) -> str:
    return str(app.config["TEAMKIT"]["BASE_URL"]).rstrip("/")


def ephemeral(text: str) -> dict[str, Any]:
    """Return an answer to a command that only its sender sees."""
    return {"response_type": "ephemeral", "text": text}


def open_view(app: Flask, sender: Sender, trigger_id: str, view: dict[str, Any]) -> None:
    """Open a modal for the person who clicked (views.open); a refusal is only logged."""
    token = vault.decrypt(app.config["SECRET_KEY"], sender.connection.bot_token)
    try:
        call(web_client(app, token).views_open, trigger_id=trigger_id, view=view)
    except SlackFailure as failure:
        log.warning("views.open for team %s failed: %s", sender.team.id, failure)


# ---------------------------------------------------------------- /teamkit


def command(session: Session, app: Flask, sender: Sender, text: str) -> dict[str, Any]:
    """Answer `/teamkit <text>`, visible only to its sender."""
    word, _, rest = text.strip().partition(" ")
    word = word.lower()
    if word not in {"goals", "note"}:
        return ephemeral(USAGE)
    if sender.membership is None:
        return ephemeral(sender.why_not)
    if word == "goals":
        goals = session.execute(
            select(Goal.title, Goal.slogan)
            .where(
                Goal.team_id == sender.team.id,
                Goal.status == GoalStatus.ACTIVE,
                Goal.archived_at.is_(None),
            )
            .order_by(Goal.is_pinned.desc(), Goal.position, Goal.id)
        ).all()
        url = f"{_base(app)}/t/{sender.team.slug}/goals"
        return ephemeral(goals_answer(sender.team.name, [(t, s) for t, s in goals], url))
    return ephemeral(save_note(session, sender, rest))


def save_note(session: Session, sender: Sender, text: str) -> str:
    """Put `text` on the team's next open board as the sender's card; say how it went."""
    assert sender.membership is not None
    if not text.strip():
        return "Write the note after the command: `/teamkit note <text>`."
    try:
        with session.begin_nested():
            board, card = add_note(session, sender.membership, text)
    except InvalidInput as error:
        return "Nothing was saved: " + " ".join(error.errors.values())
    except ServiceError as error:
        return f"Nothing was saved: {error.detail}"
    title = shorten(board.retro.title, 100)
    how = "anonymously, " if card.is_anonymous else ""
    return (
        f"Saved {how}on the board of “{title}”. Only you see it until the board is revealed."
        if not card.is_anonymous
        else f"Saved {how}on the board of “{title}”. Nobody sees it until the board is revealed."
    )


# ---------------------------------------------------------------- buttons, modals, shortcut


def interaction(
    session: Session, app: Flask, sender: Sender, payload: dict[str, Any]
) -> dict[str, Any] | None:
    """Act on a button, a modal's submission or a message shortcut; return the answer's
    body (a modal's errors), or None for an empty 200."""
    kind = payload.get("type")
    trigger = str(payload.get("trigger_id") or "")
    if kind == "view_submission":
        return _submit(session, sender, payload.get("view") or {})
    if kind == "block_actions":
        for action in payload.get("actions") or ():
            # One button per goal in a message: its action id is `check_in` or `check_in-<id>`.
            if str(action.get("action_id") or "").partition("-")[0] == CHECK_IN_ACTION:
                _open_check_in(session, app, sender, trigger, str(action.get("value") or ""))
        return None
    if kind == "message_action" and payload.get("callback_id") == SAVE_CARD:
        if sender.membership is None:
            open_view(app, sender, trigger, notice_view("Not saved", sender.why_not))
            return None
        text = str((payload.get("message") or {}).get("text") or "")
        said = save_note(session, sender, text)
        title = "Saved" if said.startswith("Saved") else "Not saved"
        open_view(app, sender, trigger, notice_view(title, said))
    return None


def _open_check_in(session: Session, app: Flask, sender: Sender, trigger: str, value: str) -> None:
    if sender.membership is None:
        open_view(app, sender, trigger, notice_view("Check in", sender.why_not))
        return
    try:
        goal = get_goal(session, sender.team, int(value))
    except (ValueError, ServiceError):
        open_view(app, sender, trigger, notice_view("Check in", "This goal is gone."))
        return
    view = check_in_view(
        goal.id,
        sender.team.id,
        goal.title,
        is_measured=goal.is_measured,
        confidence_levels=range(CONFIDENCE_MIN, CONFIDENCE_MAX + 1),
    )
    open_view(app, sender, trigger, view)


def _field(values: dict[str, Any], block: str) -> str | None:
    entry = (values.get(block) or {}).get(block) or {}
    if entry.get("type") == "static_select":
        return (entry.get("selected_option") or {}).get("value")
    value = entry.get("value")
    return str(value) if value is not None else None


def _submit(session: Session, sender: Sender, view: dict[str, Any]) -> dict[str, Any] | None:
    if view.get("callback_id") != CHECK_IN_VIEW:
        return None
    if sender.membership is None:
        return {"response_action": "errors", "errors": {"confidence": sender.why_not}}
    team_id, _, goal_id = str(view.get("private_metadata") or "").partition(":")
    if team_id != str(sender.team.id) or not goal_id.isdigit():
        return {"response_action": "errors", "errors": {"confidence": "This goal is gone."}}
    values = (view.get("state") or {}).get("values") or {}
    blocks = set(values)
    try:
        with session.begin_nested():
            goal = get_goal(session, sender.team, int(goal_id))
            record_check_in(
                session,
                sender.membership,
                goal,
                confidence=_field(values, "confidence"),
                value=_field(values, "value") if "value" in blocks else None,
                note=_field(values, "note"),
            )
    except InvalidInput as error:
        errors = {
            (name if name in blocks else "confidence"): message
            for name, message in error.errors.items()
        }
        return {"response_action": "errors", "errors": errors}
    except ServiceError as error:
        return {"response_action": "errors", "errors": {"confidence": error.detail}}
    return {
        "response_action": "update",
        "view": notice_view("Checked in", f"Your check-in on “{goal.title}” is recorded."),
    }
