"""Goal timing: read from the app's settings at the edge, handed to the services as values."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from teamkit.goals import GoalTiming, goal_timing
from teamkit.goals.selector import select_goals_to_resurface
from teamkit.goals.summaries import summarize

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "GOAL_STALE_DAYS": 30, "GOAL_NEAR_TARGET_DAYS": 60}


def test_goal_timing_is_the_apps_goal_settings_outside_any_request(app):
    assert goal_timing(app) == GoalTiming(stale_days=30, near_days=60)


def test_the_selector_takes_its_days_from_its_caller_never_from_the_app(session, crew):
    with pytest.raises(TypeError, match="stale_days"):
        select_goals_to_resurface(session, session.merge(crew.team), NOW)


def test_summaries_take_the_stale_days_from_their_caller_never_from_the_app(session):
    with pytest.raises(TypeError, match="stale_days"):
        summarize(session, [], now=NOW)
