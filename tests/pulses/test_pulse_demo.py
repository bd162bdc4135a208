"""`teamkit demo` gives the demo team a year of pulses: a trend, a change, recall, and one open."""

from __future__ import annotations

from sqlalchemy import func, select

from teamkit.db import job_session, utcnow
from teamkit.demo import DEMO_PASSWORD, seed_demo
from teamkit.pulses import results, services
from teamkit.pulses.models import Pulse, PulseReply
from teamkit.teams.models import Team


def _seeded(app):
    with app.app_context(), job_session(app) as session:
        seed_demo(session)


def test_the_demo_has_a_year_of_fortnightly_pulses_and_one_open(app):
    _seeded(app)
    now = utcnow()
    with app.app_context(), job_session(app) as session:
        team = session.scalar(select(Team).where(Team.slug == "demo"))
        pulses = list(session.scalars(services.pulses_statement(team)))
        assert len(pulses) == 27
        assert [p.is_open_at(now) for p in pulses].count(True) == 1
        trend = results.pulse_trend(session, team, "psychological-safety-7", now)
        shown = [p for p in trend if p.score is not None]
        assert len(trend) == 26 and 20 <= len(shown) < 26
        # The line rises over the year, like a team's would, not like noise.
        first, last = shown[0].score.mean, shown[-1].score.mean
        assert last - first > 0.6
        latest = results.score_pulse(session, team, pulses[1], now)
        assert latest.change is not None and latest.goal_recall is not None
        assert latest.comments and (latest.notes or any(c.replies for c in latest.comments))
        assert session.scalar(select(func.count()).select_from(PulseReply)) > 5
        # No scheduler would open another pulse now: the open one is the cadence's.
        assert services.open_due_pulses(session, now) == []


def test_the_demo_owner_sees_the_open_pulse_waiting_and_results_above_the_threshold(
    app, client, portal
):
    _seeded(app)
    client.post(
        "/login",
        data={
            "email": "ada@example.com",
            "password": DEMO_PASSWORD,
            "csrf_token": portal.csrf_token("/login"),
        },
    )
    home = client.get("/t/demo/").get_data(as_text=True)
    assert "Waiting for your answer" in home and "3 of 5 members answered" in home
    with app.app_context(), job_session(app) as session:
        closed = session.scalars(
            select(Pulse.id).where(Pulse.closed_at.is_not(None)).order_by(Pulse.opens_at.desc())
        ).first()
    page = client.get(f"/t/demo/pulses/{closed}").get_data(as_text=True)
    assert "likely between" in page and "named a current goal" in page
