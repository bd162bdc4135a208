"""Requests from Slack (a slash command, a button, a modal, a message shortcut): which
team's app they come to, checked with that app's signing secret, and which member sent them.

A request is trusted only when its `X-Slack-Signature` is the HMAC of its body with the
signing secret of a team connected to the workspace the request names, and its
`X-Slack-Request-Timestamp` is within five minutes (slack_sdk's SignatureVerifier): a
forged, replayed-later or other team's request matches no secret and does nothing. Within
the five minutes, each signed request is taken once: sent again, it is refused too.

Every function takes a session and plain values, may flush, and never commits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from teamkit.auth.models import Person
from teamkit.db import utcnow
from teamkit.slack import vault
from teamkit.slack.client import SlackFailure, call, web_client
from teamkit.slack.models import SlackConnection, SlackMember, SlackRequestSeen
from teamkit.slack.people import match
from teamkit.teams.models import Membership, Team

#: How far a request's timestamp may be from now, in seconds (Slack's advice: five minutes).
WINDOW_SECONDS = 5 * 60

NOT_MATCHED = (
    "teamkit doesn't know you: no member of {team} has the email address of your Slack "
    "account. Log in to teamkit with that address (or change it on your account page), "
    "then try again."
)


class Refused(Exception):
    """A request not signed by the app of a team connected to the workspace it names."""


@dataclass(frozen=True)
class Sender:
    """A verified request's team and connection, and the member who sent it (None when no
    member has their Slack account's email)."""

    team: Team
    connection: SlackConnection
    slack_user_id: str
    membership: Membership | None

    @property
    def why_not(self) -> str:
        """Say why nothing is done for a sender who isn't a member."""
        return NOT_MATCHED.format(team=self.team.name)


def verify(
    session: Session,
    app: Flask,
    body: bytes,
    timestamp: str,
    signature: str,
    workspace_id: str,
) -> SlackConnection:
    """Return the connection whose signing secret signed `body` at `timestamp` (the
    `X-Slack-Signature` and `X-Slack-Request-Timestamp` headers), among the teams connected
    to the workspace `workspace_id`; raise Refused when none did (or the time is off)."""
    if not timestamp.isdigit() or not signature.startswith("v0=") or not workspace_id:
        raise Refused
    connections = session.scalars(
        select(SlackConnection).where(SlackConnection.workspace_id == workspace_id)
    ).all()
    for connection in connections:
        secret = vault.decrypt(app.config["SECRET_KEY"], connection.signing_secret)
        if SignatureVerifier(secret).is_valid(body, timestamp, signature):
            _take_once(session, signature)
            return connection
    raise Refused


def _take_once(session: Session, signature: str) -> None:
    """Note a verified request's signature, or raise Refused if it was taken already (a
    replay within the window); forget those older than twice the window on the way."""
    now = utcnow()
    session.execute(
        delete(SlackRequestSeen).where(
            SlackRequestSeen.seen_at < now - timedelta(seconds=2 * WINDOW_SECONDS)
        )
    )
    digest = hashlib.sha256(signature.encode()).hexdigest()
    try:
        with session.begin_nested():
            session.add(SlackRequestSeen(signature_hash=digest, seen_at=now))
    except IntegrityError:
        raise Refused from None


def sender(session: Session, app: Flask, connection: SlackConnection, slack_user_id: str) -> Sender:
    """Return who sent a verified request: the member matched to `slack_user_id`, found by
    their Slack account's email when the cache doesn't know them yet."""
    team = session.get(Team, connection.team_id)
    assert team is not None
    found = session.scalars(
        select(Membership)
        .join(
            SlackMember,
            (SlackMember.team_id == Membership.team_id)
            & (SlackMember.person_id == Membership.person_id),
        )
        .where(Membership.team_id == team.id, SlackMember.slack_user_id == slack_user_id)
        .options(joinedload(Membership.team), joinedload(Membership.person))
    ).first()
    if found is None:
        found = _by_email(session, app, connection, team, slack_user_id)
    return Sender(team, connection, slack_user_id, found)


def _by_email(
    session: Session, app: Flask, connection: SlackConnection, team: Team, slack_user_id: str
) -> Membership | None:
    token = vault.decrypt(app.config["SECRET_KEY"], connection.bot_token)
    try:
        user = call(web_client(app, token).users_info, user=slack_user_id).get("user") or {}
    except SlackFailure:
        return None
    email = str((user.get("profile") or {}).get("email") or "").strip().lower()
    if not email:
        return None
    found = session.scalars(
        select(Membership)
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.team_id == team.id, func.lower(Person.email) == email)
        .options(joinedload(Membership.team), joinedload(Membership.person))
    ).first()
    if found is None:
        return None
    # Cache the match as the account page would (looked up by email), then check it.
    matched = match(session, app, connection, team, found.person, refresh=True)
    return found if matched.slack_user_id == slack_user_id else None
