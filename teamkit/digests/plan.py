"""Plan digests: the periods that came due become deliveries, in a few statements however
many teams are due; each team's digest is composed when one of its deliveries is first sent.

Invariant 3 (DESIGN.md). A tick locks the settings of the teams whose next send time has
come (`FOR UPDATE SKIP LOCKED` on PostgreSQL; on SQLite the transaction holds the write
lock), moves their next send times on and adds one delivery per channel for the latest
period due (missed periods are coalesced, not replayed), in one short transaction. A
delivery is unique by team, channel and period: one a racing scheduler added already is
left alone. The digest itself is composed by whoever first claims one of the team's
deliveries, in that claim's transaction (`compose_planned`): no write transaction lasts as
long as composing many digests, and one team's bad data fails its own digest only.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import Insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from teamkit import mail
from teamkit.digests.channels import DigestChannel, active, registered
from teamkit.digests.claims import NO_MAIL_SERVER, channels_of, clip
from teamkit.digests.compose import SUBJECT_MAX, Composed, Digest, compose_digest
from teamkit.digests.models import (
    Delivery,
    DeliveryChannel,
    DeliveryKind,
    DeliveryRecipient,
    DeliveryStatus,
    DigestSettings,
)
from teamkit.digests.recipients import email_recipients
from teamkit.digests.schedule import latest_time_at_or_before
from teamkit.digests.settings import next_run_at
from teamkit.teams.models import Team

log = logging.getLogger("teamkit.digests")

#: The content of a digest's delivery planned but not composed yet.
UNCOMPOSED = ""

NOTHING_TO_SAY = "The digest had nothing to say, so it was not sent."
NO_RECIPIENT = "No member gets the email: every member has opted out."
COMPOSE_FAILED = (
    "The digest could not be composed, so nothing was sent; the next one is composed afresh"
)


def plan_delivery(session: Session, delivery: Delivery) -> bool:
    """Add `delivery` unless one with its key is there already (another scheduler, or a
    second click, planned it); return whether it was added."""
    try:
        with session.begin_nested():
            session.add(delivery)
            session.flush()
    except IntegrityError:
        return False
    return True


def _route(
    session: Session,
    app: Flask,
    team: Team,
    digest: Digest,
    channel: DeliveryChannel,
    plugin: DigestChannel | None,
) -> tuple[DeliveryStatus, str | None, list[int]]:
    """Return whether the digest goes through `channel` (or why not), and to whom."""
    if digest.is_empty:
        return DeliveryStatus.SKIPPED, NOTHING_TO_SAY, []
    if channel is DeliveryChannel.EMAIL:
        if not mail.is_configured(app):
            return DeliveryStatus.SKIPPED, NO_MAIL_SERVER, []
        people = [person.id for person in email_recipients(session, team)]
        return (DeliveryStatus.PENDING, None, people) if people else _skipped(NO_RECIPIENT)
    if plugin is not None and plugin.recipients is not None:
        people = plugin.recipients(session, app, team)
        return (DeliveryStatus.PENDING, None, people) if people else _skipped(plugin.no_recipient)
    return DeliveryStatus.PENDING, None, []


def _skipped(reason: str) -> tuple[DeliveryStatus, str | None, list[int]]:
    return DeliveryStatus.SKIPPED, reason, []


def _fill(
    session: Session,
    app: Flask,
    team: Team,
    delivery: Delivery,
    digest: Digest,
    plugin: DigestChannel | None,
) -> None:
    """Give `delivery` the composed digest, its status and its recipients."""
    status, reason, people = _route(session, app, team, digest, delivery.channel, plugin)
    delivery.status, delivery.last_error = status, reason
    delivery.content, delivery.subject = digest.to_json(), digest.subject
    delivery.recipients = [DeliveryRecipient(person_id=person_id) for person_id in people]
    if status is DeliveryStatus.SKIPPED:
        delivery.lease_expires_at = None
        log.info("digest of %s via %s skipped: %s", team.slug, delivery.channel.value, reason)


def _record(
    session: Session,
    composed: Composed,
    deliveries: Sequence[Delivery],
    plugins: Mapping[DeliveryChannel, DigestChannel],
    now: datetime,
) -> None:
    """Let the digest's sections record the channels it really goes through (reinforcements)."""
    going = [
        plugins[d.channel].records_as if d.channel in plugins else d.channel.value
        for d in deliveries
        if d.status is DeliveryStatus.PENDING
    ]
    composed.record_delivery(session, tuple(dict.fromkeys(c for c in going if c)), now)


def create_deliveries(
    session: Session,
    app: Flask,
    team: Team,
    settings: DigestSettings,
    period: datetime,
    *,
    now: datetime,
    is_manual: bool = False,
    composed: Composed | None = None,
) -> list[Delivery]:
    """Compose the team's digest now and add its deliveries for `period`, one per channel
    ("send now"). One already there for (team, channel, period) is left alone."""
    composed = composed or compose_digest(session, app, team, now=now, is_preview=False)
    plugins = {found.channel: found for found in active(session, app, team)}
    created: list[Delivery] = []
    for channel in channels_of(settings, list(plugins.values())):
        delivery = Delivery(
            team_id=team.id,
            channel=channel,
            period=period,
            is_manual=is_manual,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        _fill(session, app, team, delivery, composed.digest, plugins.get(channel))
        if not plan_delivery(session, delivery):
            log.info("digest of %s for %s via %s already claimed", team.slug, period, channel)
            continue
        created.append(delivery)
    _record(session, composed, created, plugins, now)
    return created


def compose_planned(
    session: Session, app: Flask, team_id: int, period: datetime, now: datetime
) -> None:
    """Compose the team's digest for a planned period and fill in its deliveries not
    composed yet, unless another scheduler has (their rows are locked first).

    A digest that can't be composed fails its deliveries, saying why.
    """
    waiting = session.scalars(
        select(Delivery)
        .where(
            Delivery.team_id == team_id,
            Delivery.period == period,
            Delivery.kind == DeliveryKind.DIGEST,
            Delivery.content == UNCOMPOSED,
        )
        .order_by(Delivery.id)
        .with_for_update()
    ).all()
    team = session.get(Team, team_id)
    if not waiting or team is None:
        return
    plugins = registered(app)
    try:
        with session.begin_nested():
            composed = compose_digest(session, app, team, now=now, is_preview=False)
            for delivery in waiting:
                _fill(session, app, team, delivery, composed.digest, plugins.get(delivery.channel))
            _record(session, composed, waiting, plugins, now)
            session.flush()
    except Exception as error:
        # One team's bad data fails its own digest, never the other teams'.
        log.exception("composing the digest of team %s failed", team_id)
        base_url = str(app.config["TEAMKIT"]["BASE_URL"]).rstrip("/")
        empty = Digest(team.name, team.slug, base_url, now, ())
        for delivery in waiting:
            delivery.status = DeliveryStatus.FAILED
            delivery.content, delivery.subject = empty.to_json(), empty.subject[:SUBJECT_MAX]
            delivery.last_error = clip(f"{COMPOSE_FAILED} ({type(error).__name__}: {error})")
            delivery.lease_expires_at = None
        session.flush()


def compose_claimed(session: Session, app: Flask, delivery: Delivery, now: datetime) -> Delivery:
    """Compose the digest of a claimed delivery planned but not composed yet (unless another
    scheduler just did), and return the delivery as it is now, with its recipients."""
    compose_planned(session, app, delivery.team_id, delivery.period, now)
    found = session.scalar(
        select(Delivery)
        .where(Delivery.id == delivery.id)
        .options(selectinload(Delivery.recipients).joinedload(DeliveryRecipient.person))
        .execution_options(populate_existing=True)
    )
    assert found is not None
    return found


def _active_by_team(
    session: Session, app: Flask, teams: Mapping[int, Team]
) -> dict[int, list[DigestChannel]]:
    """Return the registered channels active for each of `teams`, in a statement a kind of
    test (team by team for a channel that has none for many teams)."""
    found: dict[int, list[DigestChannel]] = {team_id: [] for team_id in teams}
    asked: dict[Any, set[int]] = {}  # channels that share a test (the Slack app's) ask once
    for plugin in registered(app).values():
        if plugin.active_teams is not None:
            if plugin.active_teams not in asked:
                asked[plugin.active_teams] = plugin.active_teams(session, list(teams))
            ids = asked[plugin.active_teams]
        else:
            ids = {i for i, team in teams.items() if plugin.is_active(session, app, team)}
        for team_id in ids:
            found[team_id].append(plugin)
    return found


def _insert_new(session: Session) -> Insert:
    """Return an INSERT of deliveries that leaves out any already there (by its key)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(Delivery.__table__).on_conflict_do_nothing()  # type: ignore[arg-type]


def plan_due_periods(session: Session, app: Flask, now: datetime, *, limit: int = 20) -> int:
    """Claim up to `limit` teams whose digest is due and add their deliveries, to be composed
    when sent; return how many teams. A team due for several missed periods gets one
    digest, for the latest."""
    due = session.scalars(
        select(DigestSettings)
        .where(DigestSettings.is_enabled.is_(True), DigestSettings.next_run_at <= now)
        .order_by(DigestSettings.next_run_at, DigestSettings.team_id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if not due:
        return 0
    teams = {
        team.id: team
        for team in session.scalars(select(Team).where(Team.id.in_([s.team_id for s in due])))
    }
    plugins = _active_by_team(session, app, teams)
    rows = []
    for settings in due:
        period = latest_time_at_or_before(
            settings.cron, settings.timezone, now, week_interval=settings.week_interval
        )
        settings.next_run_at = next_run_at(settings, now)
        team = teams.get(settings.team_id)
        if period is None or team is None:
            continue
        subject = f"{team.name} digest"[:SUBJECT_MAX]
        rows += [
            {
                "team_id": team.id,
                "channel": channel,
                "kind": DeliveryKind.DIGEST,
                "period": period,
                "is_manual": False,
                "status": DeliveryStatus.PENDING,
                "content": UNCOMPOSED,
                "subject": subject,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for channel in channels_of(settings, plugins[team.id])
        ]
    session.flush()
    if rows:
        session.execute(_insert_new(session), rows)
    return len(due)
