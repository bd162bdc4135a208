"""Who each member is in the team's Slack workspace: looked up by email
(`users.lookupByEmail`), kept in `slack_member`, and looked up again when the cached
answer fails (the person changed their email, was not found a while ago, or a call to
their Slack user failed and `refresh` is asked for).

Every function takes a session and plain values, may flush, and never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.db import utcnow
from teamkit.errors import NotFound
from teamkit.slack import vault
from teamkit.slack.client import SlackFailure, call, web_client
from teamkit.slack.models import SLACK_NAME_MAX, SlackConnection, SlackMember
from teamkit.teams.models import Membership, Team

#: How long "no Slack user has this email" holds before the next lookup.
NOT_FOUND_FOR = timedelta(days=1)


@dataclass(frozen=True)
class Match:
    """A member's Slack match as shown: the row (None before any lookup) and, when the
    last lookup couldn't be made, why."""

    team: Team
    member: SlackMember | None
    problem: str | None = None

    @property
    def slack_user_id(self) -> str | None:
        return self.member.slack_user_id if self.member else None

    @property
    def is_dm_enabled(self) -> bool:
        return self.member.is_dm_enabled if self.member else True


def _row(session: Session, team: Team, person: Person) -> SlackMember | None:
    return session.get(SlackMember, (team.id, person.id))


def _is_fresh(row: SlackMember | None, person: Person, now: datetime) -> bool:
    if row is None or row.looked_up_at is None or row.email != person.email:
        return False
    return row.slack_user_id is not None or row.looked_up_at > now - NOT_FOUND_FOR


def match(
    session: Session,
    app: Flask,
    connection: SlackConnection,
    team: Team,
    person: Person,
    *,
    refresh: bool = False,
    loaded: bool = False,
    cached: SlackMember | None = None,
) -> Match:
    """Return who `person` is in the team's workspace, looking them up when the cached
    answer is missing, stale or `refresh` is asked for (`loaded`: their row is `cached`,
    None when they have none)."""
    row = cached if loaded else _row(session, team, person)
    now = utcnow()
    if not refresh and _is_fresh(row, person, now):
        return Match(team, row)
    token = vault.decrypt(app.config["SECRET_KEY"], connection.bot_token)
    try:
        answer = call(web_client(app, token).users_lookupByEmail, email=person.email)
    except SlackFailure as failure:
        if failure.code != "users_not_found":
            return Match(team, row, _problem(failure))
        answer = {}
    if row is None:
        row = SlackMember(team_id=team.id, person_id=person.id, is_dm_enabled=True)
        session.add(row)
    user = answer.get("user") or {}
    profile = user.get("profile") or {}
    name = profile.get("display_name") or user.get("real_name") or user.get("name")
    row.slack_user_id = str(user["id"]) if user.get("id") else None
    row.slack_name = str(name)[:SLACK_NAME_MAX] if name and row.slack_user_id else None
    row.email = person.email
    row.looked_up_at = now
    session.flush()
    return Match(team, row)


def _problem(failure: SlackFailure) -> str:
    if failure.code == "ratelimited":
        return "Slack asked teamkit to wait; you are looked up again on your next visit."
    if failure.code == "unreachable":
        return "Slack couldn't be reached; you are looked up again on your next visit."
    return f"Slack answered {failure.code}; an owner checks the Slack app's connection."


def matches_of(session: Session, app: Flask, person: Person) -> list[Match]:
    """Return the person's match in every team of theirs with a connected Slack app."""
    rows = session.execute(
        select(Team, SlackConnection, SlackMember)
        .join(Membership, Membership.team_id == Team.id)
        .join(SlackConnection, SlackConnection.team_id == Team.id)
        .outerjoin(
            SlackMember,
            (SlackMember.team_id == Team.id) & (SlackMember.person_id == person.id),
        )
        .where(Membership.person_id == person.id)
        .order_by(Team.name)
    ).all()
    return [
        match(session, app, connection, team, person, loaded=True, cached=row)
        for team, connection, row in rows
    ]


def _membership(session: Session, person: Person, team_id: int) -> tuple[Team, SlackConnection]:
    found = session.execute(
        select(Team, SlackConnection)
        .join(Membership, Membership.team_id == Team.id)
        .join(SlackConnection, SlackConnection.team_id == Team.id)
        .where(Membership.person_id == person.id, Team.id == team_id)
    ).first()
    if found is None:
        raise NotFound("You're in no team with this id that has connected Slack.")
    return found[0], found[1]


def set_direct_messages(session: Session, person: Person, team_id: int, *, on: bool) -> Team:
    """Turn the Slack app's direct messages to `person` in a team of theirs on or off."""
    team, _connection = _membership(session, person, team_id)
    row = _row(session, team, person)
    if row is None:
        row = SlackMember(team_id=team.id, person_id=person.id)
        session.add(row)
    row.is_dm_enabled = on
    session.flush()
    return team


def look_up_again(session: Session, app: Flask, person: Person, team_id: int) -> Match:
    """Look `person` up in a team's workspace again, whatever is cached."""
    team, connection = _membership(session, person, team_id)
    return match(session, app, connection, team, person, refresh=True)
