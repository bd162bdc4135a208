"""Email a new invite link to the person it is for (once a mail server is set up)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from teamkit.auth.recovery import send_or_refuse
from teamkit.auth.services import normalize_email
from teamkit.errors import InvalidInput, ServiceError
from teamkit.mail import is_configured
from teamkit.teams.models import Invite

if TYPE_CHECKING:
    from flask import Flask

NO_MAIL = (
    "Email is not set up on this teamkit (TEAMKIT_SMTP_URL), so invites can't be emailed: "
    "create the link and send it yourself."
)


class MailNotSetUp(ServiceError):
    """Mail was asked for, and this teamkit has no mail server to send it."""

    status = 503
    title = "Mail not set up"


def check_address(app: Flask, email: str, field: str = "email") -> str:
    """Return the address to email an invite to, checked; raise MailNotSetUp without a
    mail server, InvalidInput for an address that isn't one."""
    if not is_configured(app):
        raise MailNotSetUp(NO_MAIL, field=field)
    try:
        return normalize_email(email)
    except InvalidInput as error:
        raise InvalidInput({field: error.errors["email"]}) from None


def send_invite(app: Flask, to: str, invite: Invite, url: str) -> None:
    """Email the invite link to `to`, or raise MailNotSent (the invite is then not kept)."""
    inviter = invite.created_by.name if invite.created_by else "A member"
    team = invite.team.name
    article = "an" if invite.role.value[0] in "aeiou" else "a"
    paragraphs = [
        "Hello,",
        f"{inviter} invites you to join {team} on teamkit as {article} {invite.role.value}.",
        "Open the link below to join; log in first, or create an account there. The link works "
        f"once, until {invite.expires_at:%Y-%m-%d %H:%M} UTC.",
        "If you don't know why you got this, ignore it.",
    ]
    send_or_refuse(
        app, to, f"{inviter} invites you to {team} on teamkit", paragraphs, url, f"Join {team}"
    )
