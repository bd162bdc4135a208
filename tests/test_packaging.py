"""A non-editable install works: the wheel carries templates, static files and migrations."""

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
