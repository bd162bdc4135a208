"""Pulses: short anonymous surveys of psychological safety, and "you said, we did"."""

from __future__ import annotations

from teamkit.capability import Capability, FollowUpSource, Job, NavLink, Section

CAPABILITY = Capability(
    name="pulses",
    export="teamkit.pulses.transfer:export",
    import_="teamkit.pulses.transfer:import_",
    models="teamkit.pulses.models",
    portal="teamkit.pulses.views:bp",
    api="teamkit.pulses.api:blp",
    # Before the goals (10): an open pulse waiting for an answer is the first thing to see.
    sections=(
        Section("home", 5, "pulses/_home_section.html", "teamkit.pulses.views:home_context"),
    ),
    nav_links=(NavLink(20, "Pulses", "pulses.index"),),
    demo="teamkit.pulses.demo:seed_pulses",
    jobs=(
        Job("pulses-close-due", "teamkit.pulses.jobs:close_due"),
        Job("pulses-open-due", "teamkit.pulses.jobs:open_due"),
        Job("pulses-vacuum-answers", "teamkit.pulses.jobs:vacuum_answers"),
    ),
    digest_sections=("teamkit.pulses.digest:digest_section",),
    personal_sections=("teamkit.pulses.digest:personal_section",),
    setup_steps=("teamkit.pulses.views:setup_step",),
    # A reply or a "what we'll do" note can become an action item (retros keeps the list).
    follow_up_sources=(FollowUpSource("pulse-reply", "teamkit.pulses.replies:follow_ups"),),
)
