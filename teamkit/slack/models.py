"""What a team's Slack app keeps: its connection, and who each member is in Slack."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from teamkit.auth.models import EMAIL_MAX
from teamkit.db import Base, UTCDateTime, utcnow

#: Longest Slack id kept (team, user, channel ids are about 11 characters).
SLACK_ID_MAX = 32
#: Longest Slack name kept (a workspace, a channel, a person's display name).
SLACK_NAME_MAX = 255
#: Longest encrypted secret kept (a Fernet token of a bot token).
SECRET_MAX = 1000


class SlackConnection(Base):
    """A team's connected Slack app; no row: not connected."""

    __tablename__ = "slack_connection"

    #: The team this app belongs to.
    team_id: Mapped[int] = mapped_column(
        ForeignKey("team.id", ondelete="CASCADE"), primary_key=True
    )
    #: The bot token (xoxb-…), encrypted with a key derived from TEAMKIT_SECRET_KEY.
    bot_token: Mapped[str] = mapped_column(String(SECRET_MAX))
    #: The app's signing secret, encrypted the same way.
    signing_secret: Mapped[str] = mapped_column(String(SECRET_MAX))
    #: The channel the team's posts go to (its id, C…).
    channel_id: Mapped[str] = mapped_column(String(SLACK_ID_MAX))
    #: The channel's name when it was checked, to show.
    channel_name: Mapped[str] = mapped_column(String(SLACK_NAME_MAX))
    #: The workspace the token belongs to (auth.test's team_id) and its name.
    workspace_id: Mapped[str] = mapped_column(String(SLACK_ID_MAX))
    workspace_name: Mapped[str] = mapped_column(String(SLACK_NAME_MAX))
    #: The app's bot user in that workspace.
    bot_user_id: Mapped[str] = mapped_column(String(SLACK_ID_MAX))
    #: When an owner last changed the connection.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SlackMember(Base):
    """Who a member of a team is in its Slack workspace (looked up by email), and whether
    they take direct messages from the app."""

    __tablename__ = "slack_member"

    #: The team (its connection's workspace is where the person was looked up).
    team_id: Mapped[int] = mapped_column(
        ForeignKey("team.id", ondelete="CASCADE"), primary_key=True
    )
    #: The person.
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    #: Their Slack user id (U…), or None when no Slack user has their email.
    slack_user_id: Mapped[str | None] = mapped_column(String(SLACK_ID_MAX))
    #: Their name in Slack when they were found, to show.
    slack_name: Mapped[str | None] = mapped_column(String(SLACK_NAME_MAX))
    #: The email they were looked up by (a changed email is looked up again).
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX))
    #: When they were last looked up; None: never.
    looked_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Whether the app may send them direct messages (they turn it off on the account page).
    is_dm_enabled: Mapped[bool] = mapped_column(default=True)


class SlackRequestSeen(Base):
    """A signed request from Slack already taken, kept while its timestamp is in the window:
    the same request sent again (a replay) is refused."""

    __tablename__ = "slack_request_seen"

    #: SHA-256 of the request's X-Slack-Signature (itself an HMAC of its time and body).
    signature_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: When it was taken; rows older than the window are cleared as new ones come.
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
