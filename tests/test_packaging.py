"""A non-editable install works (the wheel carries templates, static files and migrations),
and CI runs the suite."""

import subprocess
import zipfile
from pathlib import Path

from hatchling.builders.wheel import WheelBuilder

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_every_template_static_file_and_migration(tmp_path):
    wheel = Path(next(iter(WheelBuilder(str(ROOT)).build(directory=str(tmp_path)))))
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        f"teamkit/{path.relative_to(ROOT).as_posix()}"
        for folder in ("templates", "static", "migrations")
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert expected - names == set()
    assert "teamkit/templates/base.html" in names
    assert "teamkit/migrations/env.py" in names


def test_the_ci_script_is_valid_bash_and_ends_by_running_make_test():
    script = ROOT / ".ci" / "run"
    checked = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    commands = [
        line
        for line in script.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert commands[:2] == ["set -euo pipefail", 'cd "$(dirname "$0")/.."']
    assert commands[-1] == "make test"
