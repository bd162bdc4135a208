"""Digests: on each team's own schedule, its goals (and what else needs attention) come
back to everyone by email and Slack, once (a crash repeats at most the message in flight)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from teamkit.capability import AccountSection, Capability, Job, NavLink
from teamkit.config import Setting, count
from teamkit.mail import check_smtp_url

if TYPE_CHECKING:
    from flask import Flask


def _allow_list(value: str) -> tuple[str, ...]:
    prefixes = tuple(part.strip() for part in value.split(",") if part.strip())
    for prefix in prefixes:
        parts = urlsplit(prefix)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError(
                f"{prefix!r} is not an http(s) URL prefix such as https://hooks.slack.com/"
            )
        if not parts.path.endswith("/"):
            raise ValueError(f"{prefix!r} must end with / so that no other host can match it")
    return prefixes


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "SMTP_URL",
        "",
        "Mail server for digests and other mail: `smtp://host:25`, "
        "`smtp+starttls://user:password@host:587` or `smtps://user:password@host:465`. "
        "Empty: no mail is sent, and email digests are logged as skipped.",
        check_smtp_url,
    ),
    Setting(
        "SMTP_TIMEOUT_SECONDS",
        20,
        "Seconds to wait for the mail server to connect or answer before a try counts as "
        "failed (1 to 300).",
        count(1, 300),
    ),
    Setting("MAIL_FROM", "teamkit <teamkit@localhost>", "The From address of teamkit's mail."),
    Setting(
        "MAIL_UNSUBSCRIBE_MAILTO",
        "",
        "An address that takes unsubscribe requests by mail, added to digests' "
        "List-Unsubscribe header beside the one-click link; empty for the link alone.",
    ),
    Setting(
        "WEBHOOK_ALLOW",
        ("https://hooks.slack.com/",),
        "Comma-separated URL prefixes a team's Slack webhook must start with, so the server "
        "can't be aimed at internal addresses (default `https://hooks.slack.com/`).",
        _allow_list,
    ),
    Setting(
        "SLACK_TIMEOUT_SECONDS",
        10,
        "Seconds to wait for a Slack webhook to answer before a try counts as failed (1 to 300).",
        count(1, 300),
    ),
    Setting(
        "DIGEST_MAX_ATTEMPTS",
        5,
        "Times a delivery is tried before it is marked failed (1 to 50).",
        count(1, 50),
    ),
    Setting(
        "DIGEST_RETRY_SECONDS",
        60,
        "Wait before the first retry of a failed delivery; it doubles each time, with jitter, "
        "up to an hour (1 to 3600).",
        count(1, 3600),
    ),
    Setting(
        "DIGEST_LEASE_SECONDS",
        300,
        "How long a scheduler's claim on a delivery holds; a claim of a scheduler that died "
        "is taken over after it (10 to 3600).",
        count(10, 3600),
    ),
)

_DEFAULTS = {setting.name: setting.default for setting in SETTINGS}


def setting(app: Flask, name: str) -> Any:
    """Return one of the digests' TEAMKIT_* settings of `app`."""
    return app.config["TEAMKIT"].get(name, _DEFAULTS[name])


CAPABILITY = Capability(
    name="digests",
    export="teamkit.digests.transfer:export",
    import_="teamkit.digests.transfer:import_",
    models="teamkit.digests.models",
    portal="teamkit.digests.views:bp",
    api="teamkit.digests.api:blp",
    nav_links=(NavLink(90, "Digest", "digests.settings"),),
    account_sections=(
        AccountSection(
            50, "digests/_account_section.html", "teamkit.digests.views:account_context"
        ),
    ),
    demo="teamkit.digests.demo:seed_digests",
    jobs=(Job("digests-deliver-due", "teamkit.digests.jobs:deliver_due"),),
    settings=SETTINGS,
    setup_steps=("teamkit.digests.views:setup_step",),
    on_team_created=("teamkit.digests.settings:start_weekly_digest",),
    on_timezone_changed=("teamkit.digests.settings:follow_team_timezone",),
)
