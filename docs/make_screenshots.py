"""Take the README's screenshots: the demo team, served locally, seen by Debian's Chromium.

Run with `make screenshots`; writes docs/screenshots/*.png.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from waitress.server import create_server

from teamkit import create_app, migrate
from teamkit.db import get_engine, job_session
from teamkit.demo import DEMO_PASSWORD, seed_demo

OUT = Path(__file__).resolve().parent / "screenshots"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def main() -> int:
    instance = tempfile.mkdtemp(prefix="teamkit-shots-")
    app = create_app({"INSTANCE_PATH": instance, "SECRET_KEY": "screenshots"})
    migrate.upgrade(get_engine(app))
    with app.app_context(), job_session(app) as session:
        seed_demo(session)
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    base = f"http://127.0.0.1:{server.socket.getsockname()[1]}"  # type: ignore[union-attr]
    threading.Thread(target=server.run, daemon=True).start()
    OUT.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page(base_url=base, viewport={"width": 1200, "height": 860})
        page.goto("/login")
        page.get_by_label("Email").fill("ada@example.com")
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.goto("/t/demo/")
        page.screenshot(path=OUT / "home.png", full_page=True)
        hrefs = page.locator("main a[href]").evaluate_all("links => links.map(a => a.href)")
        goal_pages = [href for href in hrefs if re.search(r"/goals/\d+/?$", href)]
        if goal_pages:
            page.goto(goal_pages[0])
            page.screenshot(path=OUT / "goal.png", full_page=True)
        page.goto("/t/demo/members")
        page.screenshot(path=OUT / "members.png", full_page=True)
        phone = browser.new_page(base_url=base, viewport={"width": 390, "height": 844})
        phone.context.add_cookies(page.context.cookies())
        phone.goto("/t/demo/")
        phone.screenshot(path=OUT / "home-phone.png")
        # Tables become cards on a phone: the members page shows it.
        phone.goto("/t/demo/members")
        phone.screenshot(path=OUT / "members-phone.png", full_page=True)
        browser.close()
    server.close()
    shutil.rmtree(instance, ignore_errors=True)
    print(f"screenshots written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
