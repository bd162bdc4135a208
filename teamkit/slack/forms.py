"""The form an owner connects the team's Slack app with."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import Length

from teamkit.slack.settings import CHANNEL_MAX, FIELDS, TOKEN_MAX


class ConnectForm(FlaskForm):
    """The bot token, the signing secret and the channel; empty secrets keep the stored ones."""

    bot_token = PasswordField(
        "Bot token",
        validators=[Length(max=TOKEN_MAX, message=f"Use at most {TOKEN_MAX} characters.")],
    )
    signing_secret = PasswordField(
        "Signing secret",
        validators=[Length(max=64, message="Use at most 64 characters.")],
    )
    channel = StringField(
        "Channel id",
        validators=[Length(max=CHANNEL_MAX, message=f"Use at most {CHANNEL_MAX} characters.")],
        description="In Slack: the channel's name → About → Channel ID (C0…). "
        "Invite the app there first: /invite @teamkit.",
    )

    def values(self) -> dict[str, str | None]:
        """Return what the form asks for; an empty secret (None) keeps the stored one."""
        return {name: (self[name].data or "").strip() or None for name in FIELDS}
