"""Retros: learn from incidents without blame, and follow the action items to closure."""

from __future__ import annotations

from teamkit.capability import Capability, HomeSection, NavLink
from teamkit.config import Setting, count

CAPABILITY = Capability(
    name="retros",
    export="teamkit.retros.transfer:export",
    import_="teamkit.retros.transfer:import_",
    models="teamkit.retros.models",
    portal="teamkit.retros.views:bp",
    api="teamkit.retros.api:blp",
    home_sections=(
        HomeSection(30, "retros/_home_section.html", "teamkit.retros.views:home_context"),
    ),
    nav_links=(
        NavLink(30, "Retros", "retros.index"),
        # Follow-ups are what a team comes back to most: one click from every page.
        NavLink(35, "Action items", "retros.action_items"),
    ),
    demo="teamkit.retros.demo:seed_retros",
    settings=(
        Setting(
            "RETRO_TIMELINE_GAP_MINUTES",
            30,
            "Minutes without a timeline entry that a retro's timeline marks as a gap.",
            count(1, 24 * 60),
        ),
    ),
    digest_sections=("teamkit.retros.digest:digest_section",),
    personal_sections=("teamkit.retros.digest:personal_section",),
    extra={
        # Read by the goal page (teamkit.goals.views.GOAL_SECTIONS): the action items that
        # serve the goal. `context` is `(session, membership, goal) -> dict`.
        "goal_sections": (
            HomeSection(10, "retros/_goal_section.html", "teamkit.retros.views:goal_context"),
        ),
    },
)
