"""`teamkit digest preview|send`, and the demo team's digest."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import Block
from sqlalchemy import select

from digests.support import configure_digest, deliveries
from teamkit.cli import main
from teamkit.db import job_session
from teamkit.digests.models import DeliveryStatus, DigestSettings
from teamkit.digests.settings import upcoming_send_times
from teamkit.teams.models import Team


def run(app, *args):
    return app.test_cli_runner().invoke(main, list(args))


def test_preview_prints_each_format(digest_app, crew):
    text = run(digest_app, "digest", "preview", "--team", "crew")
    assert text.exit_code == 0, text.output
    assert text.output.startswith("Crew digest: Answer every customer!\n")
    html = run(digest_app, "digest", "preview", "--team", "crew", "--format", "html")
    assert "<!DOCTYPE html>" in html.output
    slack = run(digest_app, "digest", "preview", "--team", "crew", "--format", "slack")
    for block in json.loads(slack.output)["blocks"]:
        Block.parse(block).validate_json()
    assert deliveries(digest_app) == []


def test_preview_of_an_unknown_team_fails_clearly(digest_app, crew):
    result = run(digest_app, "digest", "preview", "--team", "nope")
    assert result.exit_code == 1 and "Error:" in result.output


def test_send_delivers_now_through_the_log(digest_app, crew, smtp):
    configure_digest(digest_app, crew.team, crew.owner, enabled=False, email_enabled=True)
    result = run(digest_app, "digest", "send", "--team", "crew")
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output
    (delivery,) = deliveries(digest_app)
    assert delivery.is_manual and delivery.status is DeliveryStatus.SENT
    assert len(smtp.box.messages) == 4


def test_send_without_settings_says_what_to_do(digest_app, crew):
    result = run(digest_app, "digest", "send", "--team", "crew")
    assert result.exit_code == 1 and "no digest settings yet" in result.output


def test_the_demo_team_has_a_working_schedule_and_a_log(digest_app):
    result = run(digest_app, "demo")
    assert result.exit_code == 0, result.output
    with digest_app.app_context(), job_session(digest_app) as session:
        team = session.scalar(select(Team).where(Team.slug == "demo"))
        settings = session.get(DigestSettings, team.id)
        assert settings.is_enabled and settings.next_run_at is not None
        assert settings.next_run_at == upcoming_send_times(settings, settings.updated_at)[0]
    statuses = sorted(d.status.value for d in deliveries(digest_app))
    assert statuses == ["failed", "sent", "sent", "sent"]
