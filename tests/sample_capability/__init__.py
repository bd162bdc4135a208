"""A throwaway capability for the tests: one package, plugged in with one line.

It has a portal page, an API endpoint, a home-page section, a nav link, an account
section, a setting, a scheduler job and a demo seeder — the whole contract.
"""

from teamkit.capability import AccountSection, Capability, HomeSection, Job, NavLink
from teamkit.config import Setting

CAPABILITY = Capability(
    name="sample",
    portal="sample_capability.parts:bp",
    api="sample_capability.parts:blp",
    home_sections=(HomeSection(5, "sample/_home.html", "sample_capability.parts:home_context"),),
    nav_links=(NavLink(99, "Sample", "sample.page"),),
    account_sections=(
        AccountSection(99, "sample/_account.html", "sample_capability.parts:account_context"),
    ),
    demo="sample_capability.parts:seed",
    jobs=(Job("sample-tick", "sample_capability.parts:tick"),),
    settings=(Setting("SAMPLE_GREETING", "hello", "What the sample page says."),),
)
