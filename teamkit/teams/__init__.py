"""Teams, memberships, roles, invites and the isolation guard."""

from teamkit.capability import Capability, Job, Section

CAPABILITY = Capability(
    name="teams",
    export="teamkit.teams.transfer:export",
    import_="teamkit.teams.transfer:import_",
    models="teamkit.teams.models",
    portal="teamkit.teams.views:bp",
    api="teamkit.teams.api:blp",
    sections=(
        # First on a new team's home page, until the team is set up.
        Section("home", 0, "teams/_checklist.html", "teamkit.teams.onboarding:checklist_context"),
        Section(
            "account", 10, "teams/_account_section.html", "teamkit.teams.views:account_context"
        ),
        # Last on the page, after every other capability's section.
        Section(
            "account",
            1000,
            "teams/_account_delete.html",
            "teamkit.teams.views:account_delete_context",
        ),
    ),
    setup_steps=("teamkit.teams.onboarding:invite_step",),
    jobs=(Job("audit-prune", "teamkit.teams.jobs:prune_audit_log"),),
    setup=(
        "teamkit.teams.guard:init_app",
        "teamkit.teams.local_time:init_app",
        "teamkit.teams.navigation:init_app",
        "teamkit.teams.audit:init_app",
        "teamkit.teams.lifecycle_views:init_app",
        # After the guard, whose team and membership it reads.
        "teamkit.teams.page_cache:init_app",
    ),
)
