"""Demo retros: one published incident retro, one in review, and action items to follow."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.db import utcnow
from teamkit.goals.models import Goal
from teamkit.retros import actions, services, timeline
from teamkit.teams.models import Membership, Team

#: Timeline of the published retro: (minutes after the start, kind, note, author index).
PUBLISHED_TIMELINE = (
    (0, "event", "Deploy of the payments service with the new connection pool settings.", 3),
    (6, "event", "Checkout error rate starts to climb (0.5% → 4%).", None),
    (19, "detected", "Error-rate alert pages the on-call; incident channel opened.", 4),
    (24, "event", "Dashboards show the pool exhausted: `max_connections=20` per worker.", 4),
    (31, "event", "Status page updated: checkout degraded.", 1),
    (38, "mitigated", "Deploy rolled back; error rate falls below 0.5%.", 3),
    (95, "resolved", "Pool settings fixed and redeployed behind a canary; all clear.", 3),
)
PUBLISHED_FACTORS = (
    ("technical", "The new pool size was per worker, and the change multiplied it down."),
    ("tooling", "No alert on connection pool saturation: the first signal was errors."),
    ("process", "The canary stage was skipped for configuration-only changes."),
    ("knowledge", "How pool settings combine with the worker count was written nowhere."),
)
REVIEW_SUMMARY = (
    "The nightly backup job ran twice on Tuesday and the second run filled the backup "
    "volume. Root cause: human error in the scheduler change. We should have caught it "
    "in review."
)


def _memberships(session: Session, team: Team, people: list[Person]) -> list[Membership]:
    by_person = {
        m.person_id: m
        for m in session.scalars(select(Membership).where(Membership.team_id == team.id))
    }
    return [by_person[person.id] for person in people]


def seed_retros(session: Session, team: Team, people: list[Person]) -> None:
    """Seed a published incident retro, one in review with three coach flags, and action items."""
    members = _memberships(session, team, people)
    owner, facilitator = members[0], members[1]
    writer = members[3] if len(members) > 3 else owner
    now = utcnow().replace(second=0, microsecond=0)
    start = now - timedelta(days=12, hours=3)
    goals = list(session.scalars(select(Goal).where(Goal.team_id == team.id).order_by(Goal.id)))
    # The canary item serves the team's goal of small, safe changes, when it has one.
    goal = next((g for g in goals if "small changes" in g.title), goals[0] if goals else None)

    published = services.create_retro(
        session,
        writer,
        format="incident",
        title="Checkout errors after the payments pool change",
        summary=(
            "For 38 minutes about 4% of checkouts failed after a configuration change to "
            "the payments service's database connection pool. Rolling back mitigated it; "
            "the fixed settings went out behind a canary the same afternoon."
        ),
        started_at=start,
        ended_at=start + timedelta(minutes=95),
        severity=2,
        customer_impact="About 1,900 checkout attempts failed; most customers retried.",
        detection="The checkout error-rate alert paged the on-call after 13 minutes.",
        went_well=(
            "- The alert fired and the on-call had the dashboards open within minutes.\n"
            "- Rolling back took one command."
        ),
        went_wrong="- The canary stage didn't run for a configuration-only change.",
        got_lucky="It happened on a Tuesday afternoon, not during the holiday sale.",
        lessons="Configuration is code: it goes through the same canary as everything else.",
        tags=["payments", "database", "configuration"],
        participant_ids=[m.id for m in members[:5]],
    )
    for minutes, kind, note, author in PUBLISHED_TIMELINE:
        timeline.add_entry(
            session,
            writer,
            published,
            occurred_at=start + timedelta(minutes=minutes),
            note=note,
            kind=kind,
            author_id=members[author].id if author is not None and author < len(members) else None,
        )
    for category, description in PUBLISHED_FACTORS:
        timeline.add_factor(session, writer, published, category=category, description=description)
    overdue = actions.create_action_item(
        session,
        writer,
        published,
        title="Alert on connection pool saturation before errors start",
        owner_id=members[4 if len(members) > 4 else 0].id,
        due_date=(now - timedelta(days=4)).date(),
    )
    actions.create_action_item(
        session,
        writer,
        published,
        title="Run configuration-only changes through the canary stage",
        owner_id=facilitator.id,
        due_date=(now + timedelta(days=10)).date(),
        goal_id=goal.id if goal else None,
    )
    documented = actions.create_action_item(
        session,
        writer,
        published,
        title="Document how pool size and worker count combine",
        owner_id=writer.id,
        due_date=(now - timedelta(days=2)).date(),
    )
    actions.update_action_item(
        session,
        writer,
        documented,
        {"status": "done", "closing_note": "In the payments runbook, with a worked example."},
    )
    services.submit_for_review(session, writer, published)
    services.publish_retro(session, facilitator, published)

    review = services.create_retro(
        session,
        members[2] if len(members) > 2 else owner,
        format="incident",
        title="Nightly backup ran twice and filled the backup volume",
        summary=REVIEW_SUMMARY,
        started_at=now - timedelta(days=3, hours=9),
        ended_at=now - timedelta(days=3, hours=6),
        severity=3,
        tags=["backups", "scheduler"],
    )
    timeline.add_entry(
        session,
        owner,
        review,
        occurred_at=now - timedelta(days=3, hours=9),
        note="Second backup run starts while the first is still copying.",
    )
    timeline.add_entry(
        session,
        owner,
        review,
        occurred_at=now - timedelta(days=3, hours=7),
        note="Disk-space alert on the backup volume.",
        kind="detected",
    )
    timeline.add_factor(
        session,
        owner,
        review,
        category="tooling",
        description="The scheduler allows two runs of the same job at once.",
    )
    actions.create_action_item(
        session,
        owner,
        review,
        title="Make the backup job refuse to start while another run holds its lock",
        owner_id=owner.id,
        due_date=(now - timedelta(days=1)).date(),
    )
    services.submit_for_review(session, owner, review)
    del overdue
