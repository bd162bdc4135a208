"""A deleted team's scheduled work stops: no digest goes out for it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from digests.support import MONDAY, configure_digest
from teamkit.capability import resolve
from teamkit.db import job_session
from teamkit.scheduler import all_jobs
from teamkit.teams.models import Membership
from teamkit.teams.services import delete_team


@pytest.fixture
def scheduled(digest_app, crew, slack):
    """The crew's digest due on Monday at 09:00 UTC, by email and Slack."""
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        configure_digest(
            digest_app,
            crew.team,
            crew.owner,
            enabled=True,
            cron="0 9 * * 1",
            timezone="UTC",
            email_enabled=True,
            slack_webhook_url=slack.url(),
        )
    return crew


def run_every_job(app) -> None:
    for job in all_jobs():
        resolve(job.run)(app)


@pytest.mark.parametrize("deleted", [False, True])
def test_a_deleted_teams_digest_is_not_sent(digest_app, scheduled, smtp, slack, deleted):
    if deleted:
        with digest_app.app_context(), job_session(digest_app) as session:
            owner = session.query(Membership).filter_by(person_id=scheduled.owner.id).one()
            delete_team(session, owner, "crew")
    with time_machine.travel(MONDAY, tick=False):
        run_every_job(digest_app)
    sent = (len(smtp.box.messages), len(slack.received))
    assert sent == ((0, 0) if deleted else (4, 1))
