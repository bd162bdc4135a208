"""Digests: on each team's own schedule, its goals (and what else needs attention) come
back to everyone by email and Slack, once (a crash repeats at most the message in flight)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, current_app

from teamkit.capability import Capability, Job, NavLink, Section
from teamkit.config import Setting, count
from teamkit.mail import check_smtp_url


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


@dataclass(frozen=True)
class DigestConfig:
    """The digests' TEAMKIT_* settings (and the app's own that a digest needs), read once:
    a tick of the scheduler reads them at its start and hands them down."""

    #: URL prefixes a team's Slack webhook must start with (TEAMKIT_WEBHOOK_ALLOW).
    webhook_allow: tuple[str, ...]
    smtp_url: str
    slack_timeout_seconds: int
    unsubscribe_mailto: str
    max_attempts: int
    retry_seconds: int
    #: How long a scheduler's claim on a delivery holds (TEAMKIT_DIGEST_LEASE_SECONDS).
    lease_seconds: int
    #: Where links in a digest point (TEAMKIT_BASE_URL), without a trailing slash.
    base_url: str
    #: What signs unsubscribe links (the app's SECRET_KEY).
    secret_key: str | bytes


def digest_config(app: Flask | None = None) -> DigestConfig:
    """Return the digest settings of `app` (by default the current one)."""
    app = app or current_app
    values = {**_DEFAULTS, **app.config["TEAMKIT"]}
    return DigestConfig(
        webhook_allow=tuple(values["WEBHOOK_ALLOW"]),
        smtp_url=str(values["SMTP_URL"]),
        slack_timeout_seconds=int(values["SLACK_TIMEOUT_SECONDS"]),
        unsubscribe_mailto=str(values["MAIL_UNSUBSCRIBE_MAILTO"]),
        max_attempts=int(values["DIGEST_MAX_ATTEMPTS"]),
        retry_seconds=int(values["DIGEST_RETRY_SECONDS"]),
        lease_seconds=int(values["DIGEST_LEASE_SECONDS"]),
        base_url=str(values["BASE_URL"]).rstrip("/"),
        secret_key=app.config["SECRET_KEY"],
    )


CAPABILITY = Capability(
    name="digests",
    export="teamkit.digests.transfer:export",
    import_="teamkit.digests.transfer:import_",
    models="teamkit.digests.models",
    portal="teamkit.digests.views:bp",
    api="teamkit.digests.api:blp",
    nav_links=(NavLink(90, "Digest", "digests.settings"),),
    sections=(
        Section(
            "account", 50, "digests/_account_section.html", "teamkit.digests.views:account_context"
        ),
    ),
    demo="teamkit.digests.demo:seed_digests",
    jobs=(Job("digests-deliver-due", "teamkit.digests.jobs:deliver_due"),),
    commands=("teamkit.digests.cli:digest",),
    settings=SETTINGS,
    setup_steps=("teamkit.digests.views:setup_step",),
    on_team_created=("teamkit.digests.settings:start_weekly_digest",),
    on_timezone_changed=("teamkit.digests.settings:follow_team_timezone",),
)
