"""How fast teamkit fans digests out, next to a plain smtplib loop sending the same messages.

    make bench-fanout                # 1,000 teams on a SQLite file, 2 scheduler processes
    .venv/bin/python bench/fanout.py --database-url postgresql+psycopg://…/bench --teams 1000

Every team is due at once, with `--members` people (an email each) and a Slack webhook.
`--schedulers` scheduler processes deliver them to a local SMTP server (aiosmtpd) and a
local webhook receiver, from the first process's start until the last delivery is marked
sent. The floor then sends the very messages they received, one after the other, with
smtplib over one connection (and posts the Slack messages with urllib): the cost of the
sending alone. It prints both times, their ratio, and the duplicates and losses (both 0).
"""

from __future__ import annotations

import argparse
import json
import os
import smtplib
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "digests"))

from servers import SlackStandIn, SmtpServer  # noqa: E402

from teamkit import migrate  # noqa: E402
from teamkit.auth.models import Person  # noqa: E402
from teamkit.db import utcnow  # noqa: E402
from teamkit.digests.models import Delivery, DeliveryStatus, DigestSettings  # noqa: E402
from teamkit.goals.models import Goal  # noqa: E402
from teamkit.teams.models import Membership, Role, Team  # noqa: E402

SCHEDULER = ROOT / "tests" / "digests" / "scheduler_process.py"


def seed(url: str, teams: int, members: int, webhook_base: str) -> None:
    """Make `teams` teams of `members` people, two goals each, every digest due now."""
    engine = create_engine(url)
    migrate.upgrade(engine)
    due = utcnow() - timedelta(minutes=1)
    with Session(engine) as session, session.begin():
        for n in range(teams):
            team = Team(name=f"Team {n}", slug=f"team-{n}")
            people = [
                Person(
                    email=f"p{n}-{m}@example.com",
                    name=f"Person {n}-{m}",
                    password_hash="-",
                    session_token=f"t{n}-{m}",
                )
                for m in range(members)
            ]
            session.add(team)
            session.add_all(people)
            session.flush()
            session.add_all(
                Membership(
                    team_id=team.id, person_id=p.id, role=Role.OWNER if i == 0 else Role.MEMBER
                )
                for i, p in enumerate(people)
            )
            session.add_all(
                Goal(
                    team_id=team.id,
                    title=f"Goal {g}",
                    why="It matters.",
                    slogan=f"Slogan {g}",
                    position=g,
                )
                for g in range(2)
            )
            session.add(
                DigestSettings(
                    team_id=team.id,
                    cron="0 9 * * 1",
                    timezone="UTC",
                    is_enabled=True,
                    is_email_enabled=True,
                    slack_webhook_url=f"{webhook_base}team-{n}",
                    next_run_at=due,
                )
            )
    engine.dispose()


def unfinished(engine: Engine) -> int:
    """Return how much is left: deliveries pending and digests due (1 until one is planned)."""
    with engine.connect() as connection:
        planned = connection.scalar(select(func.count()).select_from(Delivery)) or 0
        pending = connection.scalar(
            select(func.count())
            .select_from(Delivery)
            .where(Delivery.status == DeliveryStatus.PENDING)
        )
        due = connection.scalar(
            select(func.count())
            .select_from(DigestSettings)
            .where(DigestSettings.next_run_at <= utcnow())
        )
    return (pending or 0) + (due or 0) + (0 if planned else 1)


def run_schedulers(
    url: str, count: int, instance: Path, smtp: SmtpServer, slack: SlackStandIn
) -> float:
    """Start `count` scheduler processes; return the seconds until every delivery is sent."""
    config = {
        "database_url": url,
        "instance_path": str(instance),
        "settings": {"SMTP_URL": smtp.url, "WEBHOOK_ALLOW": [slack.base]},
        "idle_rounds": 3,
    }
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            [sys.executable, str(SCHEDULER), json.dumps(config)],
            stdout=subprocess.DEVNULL,
            env=env,
        )
        for _ in range(count)
    ]
    # One engine, looked at five times a second: the watcher takes little of the CPU the
    # schedulers share with it.
    engine = create_engine(url)
    while unfinished(engine):
        if all(p.poll() is not None for p in processes):
            break
        time.sleep(0.2)
    elapsed = time.perf_counter() - started
    engine.dispose()
    for process in processes:
        process.wait(timeout=120)
        if process.returncode:
            raise SystemExit(f"a scheduler process failed ({process.returncode})")
    return elapsed


def floor(smtp: SmtpServer, slack: SlackStandIn) -> float:
    """Send the messages the schedulers sent, in a plain loop; return the seconds it took."""
    messages = list(smtp.box.messages)
    posts = list(zip(slack.paths, slack.received, strict=True))
    smtp.box.messages.clear()
    slack.received.clear()
    slack.paths.clear()
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", smtp.port, timeout=20) as connection:
        for message in messages:
            connection.send_message(message)
    for path, body in posts:
        request = urllib.request.Request(
            slack.base.rstrip("/") + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
    return time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary folder")
    parser.add_argument("--teams", type=int, default=1000)
    parser.add_argument("--members", type=int, default=2, help="people (emails) per team")
    parser.add_argument("--schedulers", type=int, default=2, help="scheduler processes")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'fanout.sqlite3'}"
        smtp, slack = SmtpServer().start(), SlackStandIn().start()
        try:
            seed(url, args.teams, args.members, slack.base)
            took = run_schedulers(url, args.schedulers, Path(folder) / "instance", smtp, slack)
            mail_to = Counter(str(m["To"]) for m in smtp.box.messages)
            webhook = Counter(slack.paths)
            expected_mail, expected_slack = args.teams * args.members, args.teams
            duplicates = sum(n - 1 for n in mail_to.values()) + sum(n - 1 for n in webhook.values())
            lost = (expected_mail - len(mail_to)) + (expected_slack - len(webhook))
            sent = len(smtp.box.messages) + len(slack.received)
            base = floor(smtp, slack)
        finally:
            smtp.stop()
            slack.stop()
    print(
        f"{args.teams} teams due at once, {args.members} emails and 1 Slack message each, "
        f"{args.schedulers} scheduler processes"
    )
    print(f"teamkit: {sent} messages in {took:.2f} s ({sent / took:.0f}/s)")
    print(
        f"floor (plain smtplib + urllib loop): {sent} messages in {base:.2f} s "
        f"({sent / base:.0f}/s)"
    )
    print(f"ratio: teamkit takes {took / base:.1f}x the floor's time")
    print(f"duplicates: {duplicates}, lost: {lost}")
    return 0 if duplicates == 0 and lost == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
