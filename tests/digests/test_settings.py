"""A team's digest settings: what is refused, and that a refusal changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from crews import membership

from digests.support import configure_digest
from teamkit.db import job_session
from teamkit.digests.recipients import set_email_opt_out
from teamkit.digests.settings import (
    check_webhook_url,
    find_settings,
    mask_webhook_url,
    update_settings,
)
from teamkit.errors import Forbidden, InvalidInput

ALLOW = ("https://hooks.slack.com/",)


def stored(app, team):
    with app.app_context(), job_session(app) as session:
        found = find_settings(session, team)
        if found is not None:
            session.expunge(found)
        return found


def change(app, team, person, **values):
    with app.app_context(), job_session(app) as session:
        actor = membership(session, team, person)
        return update_settings(session, actor, values)


def test_saving_the_settings_schedules_the_next_digest(digest_app, crew):
    now = datetime(2026, 6, 3, 12, tzinfo=UTC)
    with digest_app.app_context(), job_session(digest_app) as session:
        actor = membership(session, crew.team, crew.owner)
        settings = update_settings(
            session,
            actor,
            {"enabled": True, "cron": "0 9 * * 1", "timezone": "America/New_York"},
            now=now,
        )
        assert settings.next_run_at == datetime(2026, 6, 8, 13, tzinfo=UTC)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"cron": "0 25 * * *"}, "cron"),
        ({"cron": "* * * * *"}, "cron"),
        ({"cron": "*/30 9 * * 1"}, "cron"),
        ({"timezone": "Atlantis/Capital"}, "timezone"),
        ({"slack_webhook_url": "https://example.com/hook"}, "slack_webhook_url"),
        ({"slack_webhook_url": "https://hooks.slack.com.evil.test/x"}, "slack_webhook_url"),
        ({"slack_webhook_url": "https://hooks.slack.com@evil.test/x"}, "slack_webhook_url"),
        ({"slack_webhook_url": "http://hooks.slack.com/services/x"}, "slack_webhook_url"),
        ({"slack_webhook_url": "http://169.254.169.254/latest/"}, "slack_webhook_url"),
        ({"enabled": "maybe"}, "enabled"),
        ({"week_interval": 3}, "week_interval"),
    ],
)
def test_bad_settings_are_refused_and_change_nothing(digest_app, crew, values, field):
    configure_digest(digest_app, crew.team, crew.owner, enabled=True, cron="0 9 * * 1")
    before = stored(digest_app, crew.team)
    with pytest.raises(InvalidInput) as refused:
        change(digest_app, crew.team, crew.owner, **{"cron": "0 10 * * 1", **values})
    assert field in refused.value.errors
    after = stored(digest_app, crew.team)
    assert (after.cron, after.timezone, after.slack_webhook_url, after.next_run_at) == (
        before.cron,
        before.timezone,
        before.slack_webhook_url,
        before.next_run_at,
    )


def test_every_error_is_named_at_once(digest_app, crew):
    with pytest.raises(InvalidInput) as refused:
        change(digest_app, crew.team, crew.owner, cron="nope", timezone="Nowhere/At_All")
    assert set(refused.value.errors) == {"cron", "timezone"}


def test_an_email_channel_with_no_recipient_is_refused(digest_app, crew):
    with digest_app.app_context(), job_session(digest_app) as session:
        for person in crew.everyone:
            set_email_opt_out(session, person.id, crew.team.id, opted_out=True)
    with pytest.raises(InvalidInput) as refused:
        change(digest_app, crew.team, crew.owner, enabled=True, email_enabled=True)
    assert "every member has opted out" in refused.value.errors["email_enabled"]
    assert stored(digest_app, crew.team) is None


def test_a_digest_needs_a_channel(digest_app, crew):
    with pytest.raises(InvalidInput) as refused:
        change(digest_app, crew.team, crew.owner, enabled=True, email_enabled=False)
    assert "Choose a channel" in refused.value.errors["email_enabled"]


def test_members_cannot_change_the_settings(digest_app, crew):
    with pytest.raises(Forbidden):
        change(digest_app, crew.team, crew.members[0], enabled=True)


def test_the_webhook_is_never_shown_back_in_full():
    url = "https://hooks.slack.com/services/T0001/B0002/abcdefghijklmnopWXYZ"
    masked = mask_webhook_url(url)
    assert masked == "https://hooks.slack.com/…WXYZ"
    assert "abcdefghijklmnop" not in masked


def test_an_allowed_webhook_passes_as_given():
    url = "https://hooks.slack.com/services/T0001/B0002/secret"
    assert check_webhook_url(f"  {url} ", ALLOW) == url
