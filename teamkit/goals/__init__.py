"""Goals: the team's common goals with their why and slogan, kept alive by repetition."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from teamkit.capability import Capability, NavLink, Section
from teamkit.config import Setting, count

#: What the goal pages, forms and API say of digests; the one place that says it.
DIGESTS_STATUS = "Email and Slack digests go out on each team's own schedule (its Digest page)."


@dataclass(frozen=True)
class GoalTiming:
    """When a goal counts as stale, and when its target date as near (TEAMKIT_GOAL_*)."""

    stale_days: int
    near_days: int


def goal_timing(app: Flask | None = None) -> GoalTiming:
    """Return the goal timing settings of `app` (by default the current one), for services."""
    settings = (app or current_app).config["TEAMKIT"]
    return GoalTiming(int(settings["GOAL_STALE_DAYS"]), int(settings["GOAL_NEAR_TARGET_DAYS"]))


CAPABILITY = Capability(
    name="goals",
    export="teamkit.goals.transfer:export",
    import_="teamkit.goals.transfer:import_",
    models="teamkit.goals.models",
    portal="teamkit.goals.views:bp",
    api="teamkit.goals.api:blp",
    sections=(Section("home", 10, "goals/_home_section.html", "teamkit.goals.views:home_context"),),
    nav_links=(NavLink(10, "Goals", "goals.index"),),
    demo="teamkit.goals.demo:seed_goals",
    digest_sections=("teamkit.goals.digest:digest_section",),
    personal_sections=("teamkit.goals.digest:personal_section",),
    setup_steps=("teamkit.goals.views:setup_step",),
    settings=(
        Setting(
            "GOAL_STALE_DAYS",
            14,
            "Days without a check-in after which a goal is shown as stale.",
            count(1, 3660),
        ),
        Setting(
            "GOAL_NEAR_TARGET_DAYS",
            14,
            "Days before its target date from which a goal is resurfaced sooner.",
            count(1, 3660),
        ),
    ),
)
