"""Invariant 3 with real processes on PostgreSQL: any number of schedulers, one digest each;
a scheduler killed mid fan-out loses nothing and repeats at most the one in flight."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from teamkit.auth.models import Person
from teamkit.db import job_session, utcnow
from teamkit.digests.models import (
    Delivery,
    DeliveryRecipient,
    DeliveryStatus,
    DigestSettings,
    RecipientStatus,
)
from teamkit.goals.models import Goal
from teamkit.teams.models import Membership, Role, Team

SCRIPT = Path(__file__).with_name("scheduler_process.py")


@pytest.fixture(autouse=True)
def postgresql_only(database_kind):
    if database_kind != "postgresql":
        pytest.skip("scheduler processes share one PostgreSQL (run with --db=postgresql)")


def seed_due_teams(app, count: int, members: int, slack_url: str) -> None:
    """Make `count` teams of `members` people, each with goals and a digest due now."""
    due = utcnow() - timedelta(minutes=1)
    with app.app_context(), job_session(app) as session:
        for n in range(count):
            team = Team(name=f"Team {n}", slug=f"team-{n}")
            session.add(team)
            people = [
                Person(
                    email=f"p{n}-{m}@example.com",
                    name=f"Person {n}-{m}",
                    password_hash="-",
                    session_token=f"t{n}-{m}",
                )
                for m in range(members)
            ]
            session.add_all(people)
            session.flush()
            session.add_all(
                Membership(
                    team_id=team.id, person_id=p.id, role=Role.OWNER if i == 0 else Role.MEMBER
                )
                for i, p in enumerate(people)
            )
            session.add_all(
                Goal(team_id=team.id, title=f"Goal {g} of team {n}", why="It matters.", position=g)
                for g in range(2)
            )
            session.add(
                DigestSettings(
                    team_id=team.id,
                    is_enabled=True,
                    cron="0 9 * * 1",
                    timezone="UTC",
                    is_email_enabled=True,
                    slack_webhook_url=f"{slack_url}team-{n}",
                    next_run_at=due,
                )
            )


def start_scheduler(database_url, tmp_path, smtp, slack, **options):
    config = {
        "database_url": database_url,
        "instance_path": str(tmp_path / "instance"),
        "settings": {
            "SMTP_URL": smtp.url,
            "WEBHOOK_ALLOW": [slack.base],
            "DIGEST_LEASE_SECONDS": 10,
        },
        **options,
    }
    return subprocess.Popen(
        [sys.executable, str(SCRIPT), json.dumps(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )


def finish(process, timeout=240):
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


def statuses(app):
    with app.app_context(), job_session(app) as session:
        return dict(
            session.execute(select(Delivery.status, func.count()).group_by(Delivery.status)).all()
        )


def test_three_scheduler_processes_send_each_team_exactly_one_digest_per_channel(
    digest_app, database_url, tmp_path, smtp, slack
):
    seed_due_teams(digest_app, 200, 2, slack.base)
    processes = [start_scheduler(database_url, tmp_path, smtp, slack) for _ in range(3)]
    reports = [finish(p) for p in processes]

    assert sum(r["planned"] for r in reports) == 200
    assert sum(r["sent"] for r in reports) == 400
    assert statuses(digest_app) == {DeliveryStatus.SENT: 400}
    # Each of the 400 people got one email; each team's webhook one message.
    mail_to = Counter(str(m["To"]) for m in smtp.box.messages)
    assert len(mail_to) == 400 and set(mail_to.values()) == {1}
    assert sorted(slack.paths) == sorted(f"/team-{n}" for n in range(200))


def test_a_scheduler_killed_mid_fan_out_loses_nothing_and_repeats_at_most_one(
    digest_app, database_url, tmp_path, smtp, slack
):
    seed_due_teams(digest_app, 20, 3, slack.base)
    smtp.box.delay = 0.05
    first = start_scheduler(database_url, tmp_path, smtp, slack)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with digest_app.app_context(), job_session(digest_app) as session:
            sent = session.scalar(
                select(func.count())
                .select_from(DeliveryRecipient)
                .where(DeliveryRecipient.status == RecipientStatus.SENT)
            )
        if sent and sent >= 15:
            break
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL
    received_before = len(smtp.box.messages) + len(slack.received)
    assert 0 < received_before < 80  # killed mid-way: 60 emails and 20 Slack messages due

    smtp.box.delay = 0
    # The restarted scheduler starts past the dead one's leases (10 seconds).
    finish(start_scheduler(database_url, tmp_path, smtp, slack, shift_seconds=11))

    assert statuses(digest_app) == {DeliveryStatus.SENT: 40}
    mail_to = Counter(str(m["To"]) for m in smtp.box.messages)
    webhook = Counter(slack.paths)
    assert len(mail_to) == 60 and len(webhook) == 20  # nothing lost
    repeats = sum(n - 1 for n in mail_to.values()) + sum(n - 1 for n in webhook.values())
    assert repeats <= 1
