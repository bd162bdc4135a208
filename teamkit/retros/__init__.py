"""Retros: learn from incidents without blame, and follow the action items to closure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, current_app

from teamkit.capability import Capability, NavLink, Section
from teamkit.config import Setting, count


@dataclass(frozen=True)
class RetroTiming:
    """The retros' TEAMKIT_RETRO_* settings, read once."""

    #: The quiet time between timeline entries that a timeline marks as a gap.
    timeline_gap: timedelta


def retro_timing(app: Flask | None = None) -> RetroTiming:
    """Return the retro settings of `app` (by default the current one)."""
    settings = (app or current_app).config["TEAMKIT"]
    return RetroTiming(timedelta(minutes=int(settings["RETRO_TIMELINE_GAP_MINUTES"])))


CAPABILITY = Capability(
    name="retros",
    export="teamkit.retros.transfer:export",
    import_="teamkit.retros.transfer:import_",
    models="teamkit.retros.models",
    portal="teamkit.retros.views:bp",
    api="teamkit.retros.api:blp",
    sections=(
        Section("home", 30, "retros/_home_section.html", "teamkit.retros.views:home_context"),
        # The action items that serve a goal, on the goal's page.
        Section("goal", 10, "retros/_goal_section.html", "teamkit.retros.views:goal_context"),
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
    # The one list of follow-ups: it tells a source's page what its things became.
    follow_up_items="teamkit.retros.follow_ups:items_for_sources",
)
