"""The Slack app API's schemas, input and output."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from teamkit.slack.settings import (
    CHANNEL_MAX,
    CHANNEL_PATTERN,
    SECRET_LENGTH,
    SECRET_PATTERN,
    TOKEN_MAX,
    TOKEN_PATTERN,
)


class SlackConnectionSchema(Schema):
    bot_token = fields.String(
        load_only=True,
        validate=validate.Length(max=TOKEN_MAX),
        metadata={
            "description": "The app's Bot User OAuth Token (`xoxb-…`), checked at once with "
            "Slack's `auth.test`; write-only. Left out: the stored one is kept (required to "
            "connect).",
            "pattern": TOKEN_PATTERN,
        },
    )
    signing_secret = fields.String(
        load_only=True,
        validate=validate.Length(equal=SECRET_LENGTH),
        metadata={
            "description": "The app's Signing Secret (32 hexadecimal characters); write-only. "
            "Left out: the stored one is kept (required to connect).",
            "pattern": SECRET_PATTERN,
        },
    )
    channel = fields.String(
        validate=validate.Length(max=CHANNEL_MAX),
        metadata={
            "description": "Id of the channel the team's posts go to (`C0…`), checked with "
            "`conversations.info`. Left out: the stored one is kept (required to connect).",
            "pattern": CHANNEL_PATTERN,
        },
    )


class SlackConnectionOutSchema(Schema):
    connected = fields.Boolean(required=True)
    workspace = fields.String(
        required=True, allow_none=True, metadata={"description": "The workspace's name."}
    )
    channel = fields.String(
        required=True, allow_none=True, metadata={"description": "The channel's id."}
    )
    channel_name = fields.String(required=True, allow_none=True)
    bot_token = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The bot token, masked: `xoxb-…` and its last 4 characters."},
    )
    signing_secret = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The signing secret, masked: its last 4 characters."},
    )
