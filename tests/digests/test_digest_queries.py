"""The digest pages issue a fixed number of statements, whatever the team's size and log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from digests.support import add_goals, configure_digest
from teamkit.auth.models import Person
from teamkit.db import job_session, utcnow
from teamkit.digests.models import (
    Delivery,
    DeliveryChannel,
    DeliveryRecipient,
    DeliveryStatus,
    DigestSettings,
    RecipientStatus,
)
from teamkit.digests.plan import plan_due_periods
from teamkit.teams.models import Membership, Role, Team

PAGES = [
    "/t/crew/digest",
    "/t/crew/digest/preview",
    "/t/crew/digest/preview/email.html",
    "/t/crew/digest/deliveries",
    "/account",
]


def grow(app, crew, people: int, weeks: int, goals: int) -> None:
    """Add members, goals and weeks of email deliveries to everyone."""
    now = utcnow()
    with app.app_context(), job_session(app) as session:
        batch = session.scalar(select(func.count()).select_from(Person))
        ids = session.scalars(
            insert(Person).returning(Person.id, sort_by_parameter_order=True),
            [
                {
                    "email": f"grow-{batch}-{n}@example.com",
                    "name": f"Grown {n}",
                    "password_hash": "-",
                    "session_token": f"grow-{batch}-{n}",
                    "created_at": now,
                }
                for n in range(people)
            ],
        ).all()
        session.execute(
            insert(Membership),
            [
                {"team_id": crew.team.id, "person_id": i, "role": Role.MEMBER, "joined_at": now}
                for i in ids
            ],
        )
        everyone = [*ids, *(p.id for p in crew.everyone)]
        for week in range(weeks):
            for channel in DeliveryChannel:
                period = now - timedelta(weeks=week + 1)
                delivery = Delivery(
                    team_id=crew.team.id,
                    channel=channel,
                    period=period,
                    status=DeliveryStatus.SENT,
                    content="{}",
                    subject="Crew digest",
                    next_attempt_at=period,
                    sent_at=period,
                )
                session.add(delivery)
                session.flush()
                if channel is DeliveryChannel.EMAIL:
                    session.execute(
                        insert(DeliveryRecipient),
                        [
                            {
                                "delivery_id": delivery.id,
                                "person_id": person_id,
                                "status": RecipientStatus.SENT,
                                "sent_at": period,
                            }
                            for person_id in everyone
                        ],
                    )
    add_goals(app, crew.team, crew.owner, [f"More {n}" for n in range(goals)])


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["owner", "member"])
def test_a_digest_page_costs_the_same_statements_for_a_big_team(
    digest_app, crew, portal_of, count_queries, page, who, slack
):
    configure_digest(digest_app, crew.team, crew.owner, enabled=True, slack_webhook_url=slack.url())
    person = crew.owner if who == "owner" else crew.members[0]
    portal = portal_of(person)
    grow(digest_app, crew, people=1, weeks=1, goals=0)
    portal.client.get(page)  # warm up
    with count_queries() as small:
        assert portal.client.get(page).status_code == 200
    grow(digest_app, crew, people=30, weeks=12, goals=12)
    with count_queries() as big:
        assert portal.client.get(page).status_code == 200
    assert big.count == small.count, "\n".join(big.statements)


def add_due_teams(app, first: int, count: int, due_at, webhook: str) -> None:
    """Add `count` teams of one person each, with email and Slack, their digest due."""
    with app.app_context(), job_session(app) as session:
        for n in range(first, first + count):
            team = Team(name=f"Due {n}", slug=f"due-{n}")
            person = Person(
                email=f"due-{n}@example.com",
                name=f"Due {n}",
                password_hash="-",
                session_token=f"due-{n}",
            )
            session.add_all([team, person])
            session.flush()
            session.add(Membership(team_id=team.id, person_id=person.id, role=Role.OWNER))
            session.add(
                DigestSettings(
                    team_id=team.id,
                    is_enabled=True,
                    is_email_enabled=True,
                    slack_webhook_url=webhook,
                    next_run_at=due_at,
                )
            )


def plan_counted(app, count_queries, now, expected: int):
    """Run one planning tick; return the statements it issued."""
    with count_queries() as counted, app.app_context(), job_session(app) as session:
        assert plan_due_periods(session, app, now, limit=50) == expected
    return counted


def test_a_tick_plans_2_or_20_due_teams_in_the_same_statements(digest_app, count_queries, slack):
    now = utcnow()
    counts = []
    for first, size in ((0, 2), (2, 20)):
        add_due_teams(digest_app, first, size, now - timedelta(minutes=1), slack.url())
        counts.append(plan_counted(digest_app, count_queries, now, size))
        with digest_app.app_context(), job_session(digest_app) as session:
            planned = session.scalar(select(func.count()).select_from(Delivery))
        assert planned == 2 * (first + size)
    small, big = counts
    assert big.count == small.count, "\n".join(big.statements)
