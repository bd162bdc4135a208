"""A team's digest settings, its deliveries (one digest per team, channel and period; one
invitation and one reminder per pulse and channel), the people each email delivery goes to,
and the members who opted out of the digest email or of pulse mail."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from teamkit.auth.models import Person
from teamkit.db import Base, UTCDateTime, checked_enum, utcnow
from teamkit.teams.models import Team

CRON_MAX = 120
TIMEZONE_MAX = 64
WEBHOOK_MAX = 500
ERROR_MAX = 2000

#: Weekly on Monday at 09:00, the schedule a team starts with.
DEFAULT_CRON = "0 9 * * 1"
DEFAULT_TIMEZONE = "UTC"


class DeliveryChannel(enum.StrEnum):
    """Where a digest goes."""

    EMAIL = "email"
    #: The team's Slack channel, through its incoming webhook.
    SLACK = "slack"
    #: The team's Slack channel, through its connected Slack app (it mentions people).
    SLACK_APP = "slack_app"
    #: Each member's own part, by direct message from the team's Slack app.
    SLACK_DM = "slack_dm"


class DeliveryKind(enum.StrEnum):
    """What a delivery carries."""

    DIGEST = "digest"
    #: A pulse opened: the link, what it asks, how long it takes, when it closes.
    PULSE_INVITATION = "pulse_invitation"
    #: A day before a pulse closes, to those who haven't answered: only that.
    PULSE_REMINDER = "pulse_reminder"

    @property
    def label(self) -> str:
        """Return the kind in words, for the delivery log."""
        return self.value.replace("_", " ").capitalize()


class DeliveryStatus(enum.StrEnum):
    """Where a delivery stands."""

    #: Due: waiting for a scheduler to claim it (first try, or a retry after backoff).
    PENDING = "pending"
    SENT = "sent"
    #: Given up: a permanent error, or too many attempts.
    FAILED = "failed"
    #: Not sent on purpose (nothing to say, no recipient, no mail server): the reason says why.
    SKIPPED = "skipped"


class RecipientStatus(enum.StrEnum):
    """Whether one person's copy of an email digest went out."""

    PENDING = "pending"
    SENT = "sent"
    #: Refused for good by the mail server (no such mailbox).
    FAILED = "failed"
    #: Not sent: they opted out, or left the team, before it went out.
    SKIPPED = "skipped"


class DigestSettings(Base):
    """When and where a team's digest goes; a team without a row gets no digest."""

    __tablename__ = "digest_settings"

    #: The team these settings are for.
    team_id: Mapped[int] = mapped_column(
        ForeignKey("team.id", ondelete="CASCADE"), primary_key=True
    )
    #: Whether the scheduler sends the digest at all.
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    #: When, as a five-field cron expression read in `timezone`.
    cron: Mapped[str] = mapped_column(String(CRON_MAX), default=DEFAULT_CRON)
    #: 1: every time the cron fires; 2: only every other week (counted from a fixed Monday).
    week_interval: Mapped[int] = mapped_column(Integer, default=1)
    #: IANA time zone of the schedule ("Europe/Berlin").
    timezone: Mapped[str] = mapped_column(String(TIMEZONE_MAX), default=DEFAULT_TIMEZONE)
    #: Whether members get the digest by email (each may opt out).
    is_email_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    #: The Slack incoming-webhook URL; None when the digest doesn't go to Slack.
    slack_webhook_url: Mapped[str | None] = mapped_column(String(WEBHOOK_MAX))
    #: The next scheduled send time (UTC) the scheduler acts on; None while disabled.
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    #: When the settings were last changed.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    team: Mapped[Team] = relationship()


#: Only digests are unique by (team, channel, period); a pulse's notices by their pulse.
_IS_DIGEST = text("kind = 'digest'")


class Delivery(Base):
    """One digest to one channel for one period, or one pulse's invitation or reminder to one
    channel: unique, so it is sent once."""

    __tablename__ = "delivery"
    __table_args__ = (
        Index(
            "uq_delivery_digest_period",
            "team_id",
            "channel",
            "period",
            unique=True,
            sqlite_where=_IS_DIGEST,
            postgresql_where=_IS_DIGEST,
        ),
        UniqueConstraint("pulse_id", "kind", "channel"),
        Index("ix_delivery_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The team the digest is for.
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    channel: Mapped[DeliveryChannel] = mapped_column(
        checked_enum(DeliveryChannel, "delivery_channel")
    )
    #: A digest, or a pulse's invitation or reminder.
    kind: Mapped[DeliveryKind] = mapped_column(
        checked_enum(DeliveryKind, "delivery_kind"), default=DeliveryKind.DIGEST
    )
    #: The pulse an invitation or reminder is for; None for a digest.
    pulse_id: Mapped[int | None] = mapped_column(ForeignKey("pulse.id", ondelete="CASCADE"))
    #: The scheduled send time it is for (UTC), the moment of a "send now", or the moment a
    #: pulse's notice was due.
    period: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Asked for with "send now" rather than by the schedule.
    is_manual: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[DeliveryStatus] = mapped_column(
        checked_enum(DeliveryStatus, "delivery_status"), default=DeliveryStatus.PENDING
    )
    #: The composed digest (its sections, as JSON) or notice, fixed when it was planned, so
    #: a retry or a take-over sends the same digest.
    content: Mapped[str] = mapped_column(Text)
    #: The subject line (email) or notification text (Slack).
    subject: Mapped[str] = mapped_column(String(200))
    #: How many times a scheduler has tried to send it.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: Not to be tried before this time (backoff, or Slack's Retry-After).
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: While a scheduler sends it, until when its claim holds; after that, another may take it.
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Which scheduler process holds (or last held) the claim.
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    #: The last error, or why it was skipped, in words.
    last_error: Mapped[str | None] = mapped_column(Text)
    #: When it was sent.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    team: Mapped[Team] = relationship()
    recipients: Mapped[list[DeliveryRecipient]] = relationship(
        back_populates="delivery", cascade="all, delete-orphan", order_by="DeliveryRecipient.id"
    )


class DeliveryRecipient(Base):
    """One person an email delivery goes to; marked sent one by one, so a crash mid-way
    resends at most the message in flight."""

    __tablename__ = "delivery_recipient"
    __table_args__ = (UniqueConstraint("delivery_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("delivery.id", ondelete="CASCADE"))
    #: The member it goes to.
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    status: Mapped[RecipientStatus] = mapped_column(
        checked_enum(RecipientStatus, "recipient_status"), default=RecipientStatus.PENDING
    )
    #: Why the mail server refused it, if it did.
    error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    delivery: Mapped[Delivery] = relationship(back_populates="recipients")
    person: Mapped[Person] = relationship()


class EmailOptOut(Base):
    """A member who doesn't want a team's digest by email (until they opt back in)."""

    __tablename__ = "digest_email_opt_out"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[int] = mapped_column(
        ForeignKey("team.id", ondelete="CASCADE"), primary_key=True
    )
    #: When they opted out.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PulseMailOptOut(Base):
    """A member who doesn't want a team's pulse invitations and reminders by email."""

    __tablename__ = "pulse_mail_opt_out"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[int] = mapped_column(
        ForeignKey("team.id", ondelete="CASCADE"), primary_key=True
    )
    #: When they opted out.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
