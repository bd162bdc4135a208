"""A throwaway capability, the worked example of the shape every capability takes.

One package plus one line in `teamkit/capabilities.py` (the tests add the line with
monkeypatch): a per-team setting (the team's greeting) with its form and its API
resource, a home-page and an account section, a nav link, a `TEAMKIT_*` setting, a
command, a scheduler job and a demo seeder. Each part sits in the module of the same
name in every capability.
"""

from teamkit.capability import Capability, Job, NavLink, Section
from teamkit.config import Setting

CAPABILITY = Capability(
    name="sample",
    models="sample_capability.models",
    portal="sample_capability.views:bp",
    api="sample_capability.api:blp",
    sections=(
        Section("home", 5, "sample/_home.html", "sample_capability.views:home_context"),
        Section("account", 99, "sample/_account.html", "sample_capability.views:account_context"),
    ),
    nav_links=(NavLink(99, "Sample", "sample.page"),),
    demo="sample_capability.demo:seed",
    jobs=(Job("sample-tick", "sample_capability.jobs:tick"),),
    commands=("sample_capability.cli:sample",),
    settings=(Setting("SAMPLE_GREETING", "hello", "What a team says until it sets its own."),),
)
