"""A throwaway capability for the tests: one package, plugged in with one line.

It has a portal page, an API endpoint, a home-page section, a nav link, an account
section, a setting, a scheduler job and a demo seeder — the whole contract.
"""

from teamkit.capability import Capability, Job, NavLink, Section
from teamkit.config import Setting

CAPABILITY = Capability(
    name="sample",
    portal="sample_capability.parts:bp",
    api="sample_capability.parts:blp",
    sections=(
        Section("home", 5, "sample/_home.html", "sample_capability.parts:home_context"),
        Section("account", 99, "sample/_account.html", "sample_capability.parts:account_context"),
    ),
    nav_links=(NavLink(99, "Sample", "sample.page"),),
    demo="sample_capability.parts:seed",
    jobs=(Job("sample-tick", "sample_capability.parts:tick"),),
    settings=(Setting("SAMPLE_GREETING", "hello", "What the sample page says."),),
)
