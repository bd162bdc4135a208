"""The team's digest through its Slack app: posted to the chosen channel with the people it
waits on mentioned, and each member's own part as a direct message.

Both are delivery channels of the digests (`slack_app`, `slack_dm`), registered when the
app is built: the digests' claims, leases, retries and delivery log apply to them as to
email. While the app is connected, it posts the channel digest instead of the webhook.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from teamkit.db import job_session
from teamkit.digests.channels import DigestChannel, Outgoing, register
from teamkit.digests.claims import SendFailed
from teamkit.digests.models import DeliveryChannel
from teamkit.digests.render import render_slack
from teamkit.goals import goal_timing
from teamkit.goals.models import Goal, GoalStatus
from teamkit.goals.summaries import summarize
from teamkit.retros.actions import open_items_by_owner
from teamkit.slack import vault
from teamkit.slack.client import SlackFailure, call, web_client
from teamkit.slack.messages import Waiting, personal_message, pulse_message, waiting_block
from teamkit.slack.models import SlackConnection, SlackMember
from teamkit.slack.people import match
from teamkit.teams.models import Membership, Team

#: Slack's answers that trying again can't fix, and what an owner does about each.
PERMANENT = {
    "not_in_channel": "The Slack app is not in the channel: invite it (/invite @teamkit).",
    "channel_not_found": "Slack can't find the team's channel: pick it again under Slack.",
    "is_archived": "The team's Slack channel is archived: pick another under Slack.",
    "invalid_auth": "Slack refuses the app's token: paste it again under Slack.",
    "not_authed": "Slack refuses the app's token: paste it again under Slack.",
    "token_revoked": "The app's token was revoked: reinstall the app and paste its token.",
    "account_inactive": "The app's token was revoked: reinstall the app and paste its token.",
    "missing_scope": "The app lacks a scope: create it again from teamkit's manifest.",
}
#: One person's failures: they get no message, the others still do.
PERSONAL = {"user_not_found", "user_disabled", "cannot_dm_bot", "messages_tab_disabled"}

NOT_CONNECTED = "The team disconnected its Slack app before it went out."
NOTHING_OF_THEIRS = "Nothing of theirs waited when it went out."
NO_SLACK_USER = "No Slack user has their email."


def _failed(failure: SlackFailure) -> SendFailed:
    if failure.code == "ratelimited":
        return SendFailed(
            "Slack answered 429 (rate limited)", retry_after=float(failure.retry_after or 60)
        )
    if failure.code in PERMANENT:
        return SendFailed(f"{PERMANENT[failure.code]} ({failure.code})", permanent=True)
    if failure.code == "unreachable":
        return SendFailed("Slack did not answer.")
    return SendFailed(f"Slack answered {failure.code}.")


def _connection(session: Session, app: Flask, team_id: int) -> tuple[SlackConnection, str]:
    connection = session.get(SlackConnection, team_id)
    if connection is None:
        raise SendFailed(NOT_CONNECTED, permanent=True)
    return connection, vault.decrypt(app.config["SECRET_KEY"], connection.bot_token)


def is_connected(session: Session, _app: Flask, team: Team) -> bool:
    """Tell whether the team has connected its Slack app."""
    return session.get(SlackConnection, team.id) is not None


def connected_teams(session: Session, team_ids: list[int]) -> set[int]:
    """Return which of the teams have connected their Slack app, in one statement."""
    found = select(SlackConnection.team_id).where(SlackConnection.team_id.in_(team_ids))
    return set(session.scalars(found))


# ---------------------------------------------------------------- the channel


def waiting_on(session: Session, app: Flask, team: Team, now: datetime) -> list[Waiting]:
    """Return the members something waits on: owners of overdue action items, and of
    active goals with no check-in for the team's stale period; most waiting first."""
    found: dict[int, Waiting] = {}

    def entry(owner: Membership) -> Waiting:
        return found.setdefault(owner.person_id, Waiting(owner.person_id, owner.person.name))

    for group in open_items_by_owner(session, team, today=now.date()):
        if group.owner is not None and group.overdue:
            entry(group.owner).overdue_items += group.overdue
    goals = session.scalars(
        select(Goal)
        .where(
            Goal.team_id == team.id,
            Goal.status == GoalStatus.ACTIVE,
            Goal.archived_at.is_(None),
            Goal.owner_id.is_not(None),
        )
        .options(joinedload(Goal.owner).joinedload(Membership.person))
        .order_by(Goal.position, Goal.id)
    ).all()
    stale_days = goal_timing(app).stale_days
    for summary in summarize(session, goals, stale_days=stale_days, now=now):
        if summary.is_stale and summary.goal.owner is not None:
            waiting = entry(summary.goal.owner)
            waiting.stale_goals.append(summary.goal.title)
            waiting.stale_goal_ids.append((summary.goal.id, summary.goal.title))
    return sorted(found.values(), key=lambda w: (-(w.overdue_items + len(w.stale_goals)), w.name))


def slack_ids(
    session: Session, app: Flask, connection: SlackConnection, team: Team, person_ids: list[int]
) -> tuple[dict[int, str | None], set[int]]:
    """Return each person's Slack user id (None when unmatched), looking up whom the cache
    doesn't know; and whom Slack couldn't be asked about (rate limited, unreachable)."""
    if not person_ids:
        return {}, set()
    memberships = session.scalars(
        select(Membership)
        .where(Membership.team_id == team.id, Membership.person_id.in_(person_ids))
        .options(joinedload(Membership.person))
    ).all()
    cached = {
        row.person_id: row
        for row in session.scalars(
            select(SlackMember).where(
                SlackMember.team_id == team.id, SlackMember.person_id.in_(person_ids)
            )
        )
    }
    ids: dict[int, str | None] = {}
    unsure: set[int] = set()
    for m in memberships:
        found = match(
            session, app, connection, team, m.person, loaded=True, cached=cached.get(m.person_id)
        )
        ids[m.person_id] = found.slack_user_id
        if found.problem is not None and found.slack_user_id is None:
            unsure.add(m.person_id)
    return ids, unsure


def send_to_channel(outgoing: Outgoing) -> None:
    """Post the team's digest to its channel, mentioning whom it waits on."""
    app, digest = outgoing.app, outgoing.digest
    assert digest is not None
    with job_session(app) as session:
        connection, token = _connection(session, app, outgoing.team_id)
        team = connection_team(session, outgoing.team_id)
        waiting = waiting_on(session, app, team, digest.composed_at)
        ids, _unsure = slack_ids(session, app, connection, team, [w.person_id for w in waiting])
        channel = connection.channel_id
    message = render_slack(digest, waiting_block(waiting, ids))
    post(app, token, channel, message)


def connection_team(session: Session, team_id: int) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        raise SendFailed("The team is gone.", permanent=True)
    return team


def post(app: Flask, token: str, channel: str, message: dict[str, Any]) -> None:
    """Post `message` with chat.postMessage, or raise SendFailed."""
    try:
        call(
            web_client(app, token).chat_postMessage, channel=channel, unfurl_links=False, **message
        )
    except SlackFailure as failure:
        raise _failed(failure) from None


# ---------------------------------------------------------------- direct messages


def dm_recipients(session: Session, _app: Flask, team: Team) -> list[int]:
    """Return the members who take the app's direct messages (all but who turned them off)."""
    off = select(SlackMember.person_id).where(
        SlackMember.team_id == team.id, SlackMember.is_dm_enabled.is_(False)
    )
    return list(
        session.scalars(
            select(Membership.person_id)
            .where(Membership.team_id == team.id, Membership.person_id.not_in(off))
            .order_by(Membership.person_id)
        )
    )


def still_taking_dms(session: Session, team_id: int, person_ids: list[int]) -> set[int]:
    """Return who of `person_ids` is still a member and still takes direct messages."""
    off = select(SlackMember.person_id).where(
        SlackMember.team_id == team_id, SlackMember.is_dm_enabled.is_(False)
    )
    return set(
        session.scalars(
            select(Membership.person_id).where(
                Membership.team_id == team_id,
                Membership.person_id.in_(person_ids),
                Membership.person_id.not_in(off),
            )
        )
    )


def send_direct_messages(outgoing: Outgoing) -> None:
    """Send each member their own part, one message each, marked sent one by one."""
    digest = outgoing.digest
    assert digest is not None
    link = f"{digest.base_url}/account#slack-account-title"

    def message(person_id: int) -> dict[str, Any] | None:
        personal = outgoing.personal.get(person_id)
        return personal_message(digest, personal, link) if personal else None

    _send_each(outgoing, message)


def send_pulse_notices(outgoing: Outgoing) -> None:
    """Send a pulse's invitation (or its one reminder) to each member by direct message,
    with a button that opens the pulse's page; marked sent one by one."""
    notice = outgoing.notice or {}
    words = {key: notice[key] for key in ("team_name", "title", "url", "asks", "closes")}
    sent = pulse_message(**words, minutes=int(notice["minutes"]), reminder=outgoing.is_reminder)
    _send_each(outgoing, lambda _person_id: sent)


def _send_each(outgoing: Outgoing, message_for: Callable[[int], dict[str, Any] | None]) -> None:
    """Send each recipient their message (None: nothing of theirs), one by one; a member
    Slack couldn't be asked about waits for the delivery's retry."""
    app = outgoing.app
    with job_session(app) as session:
        connection, token = _connection(session, app, outgoing.team_id)
        team = connection_team(session, outgoing.team_id)
        messages = {person_id: message_for(person_id) for _, person_id in outgoing.recipients}
        wanted = [person_id for person_id, message in messages.items() if message]
        ids, unsure = slack_ids(session, app, connection, team, wanted)
    client = web_client(app, token)
    for recipient_id, person_id in outgoing.recipients:
        message = messages.get(person_id)
        if not message:
            outgoing.mark_skipped(recipient_id, NOTHING_OF_THEIRS)
            continue
        user = ids.get(person_id)
        if not user and person_id in unsure:
            continue  # left pending: tried again with the delivery's retry
        if not user:
            outgoing.mark_skipped(recipient_id, NO_SLACK_USER)
            continue
        try:
            opened = call(client.conversations_open, users=user)
            channel = str((opened.get("channel") or {}).get("id") or user)
            call(client.chat_postMessage, channel=channel, unfurl_links=False, **message)
        except SlackFailure as failure:
            if failure.code in PERSONAL:
                outgoing.mark_skipped(recipient_id, f"Slack answered {failure.code}.")
                continue
            raise _failed(failure) from None
        if not outgoing.mark_sent(recipient_id):
            return  # another scheduler took the delivery over
    if unsure:
        raise SendFailed(
            f"Slack couldn't be asked who {len(unsure)} member(s) are; they get theirs "
            "when the delivery is tried again."
        )


def _plan_channel(session: Session, team: Team) -> str:
    connection = session.get(SlackConnection, team.id)
    name = connection.channel_name if connection else "the team's channel"
    return f"post it to #{name} through the Slack app"


def register_channels(app: Flask) -> None:
    """Register the Slack app's ways of sending the digest (the capability's setup)."""
    register(
        app,
        DigestChannel(
            DeliveryChannel.SLACK_APP,
            is_active=is_connected,
            active_teams=connected_teams,
            send=send_to_channel,
            replaces=(DeliveryChannel.SLACK,),
            records_as=DeliveryChannel.SLACK.value,
            plan=_plan_channel,
        ),
    )
    register(
        app,
        DigestChannel(
            DeliveryChannel.SLACK_DM,
            is_active=is_connected,
            active_teams=connected_teams,
            send=send_direct_messages,
            send_notice=send_pulse_notices,
            recipients=dm_recipients,
            still_receiving=still_taking_dms,
            no_recipient="Every member turned the Slack app's direct messages off.",
            plan=lambda _session, _team: "send each member their own part by Slack message",
        ),
    )
