"""`teamkit demo` gives the demo team goals with slogans and a history of check-ins."""

from __future__ import annotations

from flask.cli import ScriptInfo
from sqlalchemy import func, select

from teamkit.cli import main
from teamkit.db import job_session
from teamkit.demo import DEMO_PASSWORD, seed_demo
from teamkit.goals.models import CheckIn, Goal, Reinforcement


def test_demo_team_gets_goals_with_slogans_and_check_ins(app):
    with app.app_context(), job_session(app) as session:
        seed_demo(session)
    with app.app_context(), job_session(app) as session:
        goals = list(session.scalars(select(Goal)))
        check_ins = session.scalar(select(func.count()).select_from(CheckIn))
        reinforcements = session.scalar(select(func.count()).select_from(Reinforcement))
    assert len(goals) >= 3
    assert all(goal.slogan for goal in goals)
    assert sum(goal.is_pinned for goal in goals) == 1
    assert check_ins >= 3 * len(goals) and reinforcements > 0


def test_seeding_the_demo_twice_adds_no_more_goals(app):
    for _ in range(2):
        with app.app_context(), job_session(app) as session:
            seed_demo(session)
    with app.app_context(), job_session(app) as session:
        assert session.scalar(select(func.count()).select_from(Goal)) == 4


def test_demo_home_page_shows_slogans_a_chart_and_a_stale_goal(app, client, portal):
    with app.app_context(), job_session(app) as session:
        seed_demo(session)
    client.post(
        "/login",
        data={
            "email": "ada@example.com",
            "password": DEMO_PASSWORD,
            "csrf_token": portal.csrf_token("/login"),
        },
    )
    home = client.get("/t/demo/").get_data(as_text=True)
    assert "“Nobody waits for an answer”" in home
    assert "Stale: no check-in" in home
    with app.app_context(), job_session(app) as session:
        goal_id = session.scalars(
            select(Goal.id).where(Goal.slogan == "Nobody waits for an answer")
        ).one()
    goal_page = client.get(f"/t/demo/goals/{goal_id}").get_data(as_text=True)
    assert "<svg" in goal_page and "target 95%" in goal_page
    # Digests aren't sent yet: the demo's reminders are reviews together, not digests.
    assert "reviewed together (marked by" in goal_page and "email digest" not in goal_page


def test_demo_command_seeds_goals(runner, app):
    result = runner.invoke(main, ["demo"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    with app.app_context(), job_session(app) as session:
        assert session.scalar(select(func.count()).select_from(Goal)) == 4
