"""Ways a digest goes out that a capability above digests provides (the Slack app posts it
to the team's channel and sends each member their own part by direct message).

Digests import no such capability: it registers its channels when the app is built (its
`setup`), and the claims and the sender read them from the app. A registered channel's
deliveries are claimed, leased, retried and logged as the digests' own are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from teamkit.digests.compose import Digest
from teamkit.digests.models import DeliveryChannel
from teamkit.sections import DigestSection
from teamkit.teams.models import Team

EXTENSION = "teamkit.digests.channels"


@dataclass
class Outgoing:
    """One claimed delivery of a registered channel, read in the claim's transaction and
    sent after it; `mark_sent` and `mark_skipped` record one person's message at once."""

    app: Flask
    delivery_id: int
    team_id: int
    #: The digest; None for a pulse's invitation or reminder (`notice`).
    digest: Digest | None
    #: (recipient id, person id) of those still to reach (empty: one team-wide message).
    recipients: list[tuple[int, int]]
    #: What is each person's own (by person id), as of when the digest was composed.
    personal: dict[int, tuple[DigestSection, ...]] = field(default_factory=dict)
    #: Records one person's message sent; False when another scheduler took the delivery.
    mark_sent: Callable[[int], bool] = lambda _recipient_id: True
    #: Records that one person gets nothing after all, and why.
    mark_skipped: Callable[[int, str], None] = lambda _recipient_id, _why: None
    #: A pulse's invitation or reminder: what it says (team_name, title, url, asks, minutes,
    #: closes), and which of the two it is.
    notice: dict[str, Any] | None = None
    is_reminder: bool = False


@dataclass(frozen=True)
class DigestChannel:
    """A way a team's digest goes out, provided by a capability above digests."""

    channel: DeliveryChannel
    #: `(session, app, team) -> bool`: whether the team's digest goes this way now.
    is_active: Callable[[Session, Flask, Team], bool]
    #: `(outgoing) -> None`: sends it, or raises digests.claims.SendFailed.
    send: Callable[[Outgoing], None]
    #: `(session, app, team) -> list of person ids`: who gets a message of their own;
    #: None: one message for the whole team.
    recipients: Callable[[Session, Flask, Team], list[int]] | None = None
    #: `(session, team_id, person ids) -> set of person ids`: who of them still takes it
    #: when it goes out (they may have opted out, or left, since it was planned).
    still_receiving: Callable[[Session, int, list[int]], set[int]] | None = None
    #: `(session, team ids) -> set of team ids`: which of the teams it is active for, in one
    #: statement (a tick planning many teams); None: `is_active` is asked team by team.
    active_teams: Callable[[Session, list[int]], set[int]] | None = None
    #: Why a delivery is skipped when `recipients` finds nobody.
    no_recipient: str = "Nobody takes it."
    #: The digests' own channels it stands in for while active (the webhook, when the
    #: Slack app posts to the channel).
    replaces: tuple[DeliveryChannel, ...] = ()
    #: The channel the team's sections record as featured through (reinforcements: "slack"
    #: for the channel post); None: it features none of them (each person's own part).
    records_as: str | None = None
    #: `(outgoing) -> None`: sends a pulse's invitation or reminder to each recipient (the
    #: same recipients as the digest's, less who answered, for the reminder); None: the
    #: channel carries digests only.
    send_notice: Callable[[Outgoing], None] | None = None
    #: What "send now" will do through it, in a few words ("post it to #team-room").
    plan: Callable[[Session, Team], str] | None = None


def register(app: Flask, channel: DigestChannel) -> None:
    """Add a way the app's digests go out (a capability's `setup` calls it)."""
    app.extensions.setdefault(EXTENSION, {})[channel.channel] = channel


def registered(app: Flask) -> dict[DeliveryChannel, DigestChannel]:
    """Return the ways digests go out that capabilities registered, by channel."""
    found: dict[DeliveryChannel, DigestChannel] = app.extensions.get(EXTENSION, {})
    return found


def active(
    session: Session, app: Flask, team: Team, *, notices: bool = False
) -> list[DigestChannel]:
    """Return the registered channels the team's digest (or, with `notices`, its pulses'
    invitations and reminders) goes through now."""
    return [
        found
        for found in registered(app).values()
        if (not notices or found.send_notice is not None) and found.is_active(session, app, team)
    ]
