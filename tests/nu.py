"""Find and run the Nu HTML checker (vnu.jar from the `vnu-jar` npm package, on Java)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
JAR_IN_PACKAGE = Path("vnu-jar") / "build" / "dist" / "vnu.jar"


def _npm_roots() -> list[Path]:
    roots = [ROOT / "node_modules"]
    npm = shutil.which("npm")
    if npm:
        found = subprocess.run(
            [npm, "root", "--global"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if found:
            roots.append(Path(found))
    return roots


def checker_or_skip() -> list[str]:
    """Return the command that runs the checker; skip without Java or the jar, fail under CI."""
    java = shutil.which("java")
    jars = [root / JAR_IN_PACKAGE for root in _npm_roots()]
    jar = next((path for path in jars if path.exists()), None)
    missing = []
    if java is None:
        missing.append("Java (apt-get install default-jre-headless)")
    if jar is None:
        missing.append("the Nu HTML checker (npm install --global --ignore-scripts vnu-jar)")
    if missing:
        message = "the HTML check needs " + " and ".join(missing)
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return [str(java), "-Xss8m", "-jar", str(jar)]


def check(pages: dict[str, str], folder: Path) -> dict[str, list[str]]:
    """Check each page's HTML in one run; return {page: [error, …]} for pages with errors."""
    command = checker_or_skip()
    names: dict[str, str] = {}
    for n, (page, html) in enumerate(sorted(pages.items())):
        path = folder / f"page-{n}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = page
    result = subprocess.run(
        [*command, "--format", "json", "--errors-only", *[str(folder / n) for n in names]],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stderr or result.stdout)
    found: dict[str, list[str]] = {}
    for message in report["messages"]:
        url = message.get("url", "?")
        page = names.get(url.rsplit("/", 1)[-1], url)
        where = f"line {message.get('lastLine', '?')}"
        found.setdefault(page, []).append(
            f"{where}: {message['message']} [{message.get('extract', '').strip()}]"
        )
    return found
