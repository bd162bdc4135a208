"""The README stays true: every setting documented, the Quick start is two commands."""

import re
from pathlib import Path

from teamkit.capabilities import capability_settings
from teamkit.config import SETTINGS as CORE_SETTINGS

#: Every setting: the core's and each capability's.
SETTINGS = CORE_SETTINGS + capability_settings()
README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_readme_documents_every_teamkit_setting():
    missing = [s.name for s in SETTINGS if f"`TEAMKIT_{s.name}`" not in README]
    assert missing == []


def test_readme_mentions_no_setting_that_does_not_exist():
    documented = set(re.findall(r"`TEAMKIT_([A-Z_]+)`", README))
    known = {s.name for s in SETTINGS} | {"TEST_POSTGRES_URL", "TEST_REDIS_URL", "TEST_CHROMIUM"}
    assert documented - known == set()


def test_quick_start_is_make_run_and_make_test():
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = quick_start.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make run", "make test"]
