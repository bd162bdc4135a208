"""Team retro boards: Start/Stop/Continue, 4Ls, Mad/Sad/Glad and a team's own formats,
run live as a meeting, with anonymous cards that store no author."""

from __future__ import annotations

from teamkit.capability import Capability, Job

CAPABILITY = Capability(
    name="boards",
    export="teamkit.boards.transfer:export",
    import_="teamkit.boards.transfer:import_",
    models="teamkit.boards.models",
    portal="teamkit.boards.views:bp",
    api="teamkit.boards.api:blp",
    demo="teamkit.boards.demo:seed_boards",
    jobs=(Job("boards-vacuum-cards", "teamkit.boards.jobs:vacuum_cards"),),
    digest_sections=("teamkit.boards.digest:digest_section",),
    setup=("teamkit.boards.services:register_formats", "teamkit.boards.polls:install"),
)
