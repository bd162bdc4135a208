"""Goal timing: read from the app's settings at the edge, handed to the services as values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from teamkit.db import utcnow
from teamkit.goals import GoalTiming, goal_timing
from teamkit.goals.selector import goals_to_feature, select_goals_to_resurface
from teamkit.goals.summaries import summarize
from teamkit.teams.models import Team

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
#: The goal timing most tests here run with.
LONG = {"GOAL_STALE_DAYS": 30, "GOAL_NEAR_TARGET_DAYS": 60}
#: No goal timing given: the defaults, 14 days each.
DEFAULTS: dict[str, int] = {}


def with_settings(goal_settings: dict[str, int]) -> pytest.MarkDecorator:
    """Run a test with an app whose goal timing is `goal_settings` instead of LONG."""
    return pytest.mark.parametrize("app_config", [goal_settings], indirect=True, ids=[""])


@pytest.fixture
def app_config(app_config, request):
    """Return the test app's settings with LONG goal timing, or the test's `with_settings`."""
    return {**app_config, **getattr(request, "param", LONG)}


def test_goal_timing_is_the_apps_goal_settings_outside_any_request(app):
    assert goal_timing(app) == GoalTiming(stale_days=30, near_days=60)


def test_the_selector_takes_its_days_from_its_caller_never_from_the_app(session, crew):
    with pytest.raises(TypeError, match="stale_days"):
        select_goals_to_resurface(session, session.merge(crew.team), NOW)


def test_summaries_take_the_stale_days_from_their_caller_never_from_the_app(session):
    with pytest.raises(TypeError, match="stale_days"):
        summarize(session, [], now=NOW)


@pytest.fixture
def quiet_for_20_days(add_goal):
    """Return a goal whose last check-in was 20 days ago."""
    return add_goal("Quiet goal", check_ins=[(None, 3, utcnow() - timedelta(days=20))])


API = "/api/v1/teams/crew/goals"


@with_settings(DEFAULTS)
def test_a_goal_quiet_for_20_days_is_stale_by_default_on_the_home_page_and_in_the_api(
    crew, login_as, api_as, quiet_for_20_days
):
    home = login_as(crew.member).client.get("/t/crew/").get_data(as_text=True)
    assert "Stale: no check-in for 14 days or more" in home
    assert api_as(crew.member).get(f"{API}/{quiet_for_20_days}").json["is_stale"] is True


def test_a_goal_quiet_for_20_days_is_not_stale_with_30_stale_days(
    crew, login_as, api_as, quiet_for_20_days
):
    home = login_as(crew.member).client.get("/t/crew/").get_data(as_text=True)
    assert "Quiet goal" in home and "Stale:" not in home
    assert api_as(crew.member).get(f"{API}/{quiet_for_20_days}").json["is_stale"] is False


@pytest.fixture
def second_goal_due_in_40_days(add_goal):
    """Add two fresh goals: "First in order", then "Due in 40 days"."""
    add_goal("First in order")
    add_goal("Due in 40 days", target_date=utcnow().date() + timedelta(days=40))


def _featured(app, session, crew) -> list[str]:
    with app.app_context():
        team = session.get(Team, crew.team.id)
        return [goal.title for goal in goals_to_feature(session, team)]


@with_settings(DEFAULTS)
def test_a_target_40_days_away_is_not_near_by_default_so_digests_keep_the_teams_order(
    app, session, crew, second_goal_due_in_40_days
):
    assert _featured(app, session, crew) == ["First in order", "Due in 40 days"]


def test_a_target_40_days_away_is_near_with_60_near_target_days_so_digests_feature_it_first(
    app, session, crew, second_goal_due_in_40_days
):
    assert _featured(app, session, crew) == ["Due in 40 days", "First in order"]
