"""Take the README's screenshots: the demo team, served locally, seen by Debian's Chromium.

Run with `make screenshots`; writes docs/screenshots/*.png (or only those named:
`python docs/make_screenshots.py digest-preview digest-email`).
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


def main(argv: list[str] | None = None) -> int:
    wanted = set(argv if argv is not None else sys.argv[1:])

    def shoot(target: object, name: str, **options: object) -> None:
        if not wanted or name in wanted:
            target.screenshot(path=OUT / f"{name}.png", **options)  # type: ignore[attr-defined]

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
        shoot(page, "home", full_page=True)
        hrefs = page.locator("main a[href]").evaluate_all("links => links.map(a => a.href)")
        goal_pages = [href for href in hrefs if re.search(r"/goals/\d+/?$", href)]
        if goal_pages:
            page.goto(goal_pages[0])
            shoot(page, "goal", full_page=True)
        page.goto("/t/demo/members")
        shoot(page, "members", full_page=True)
        page.set_viewport_size({"width": 1400, "height": 900})
        page.goto("/t/demo/digest/preview")
        shoot(page, "digest-preview", full_page=True)
        page.set_viewport_size({"width": 700, "height": 900})
        page.goto("/t/demo/digest/preview/email.html")
        shoot(page, "digest-email", full_page=True)
        page.screenshot(path=OUT / "members.png", full_page=True)
        page.goto("/t/demo/pulses")
        page.locator("#trend").scroll_into_view_if_needed()
        page.screenshot(path=OUT / "pulses.png", full_page=False)
        closed = page.locator("#trend ~ table a[href]").last.get_attribute("href")
        if closed:
            page.goto(closed)
            page.screenshot(path=OUT / "pulse.png", full_page=True)
        page.goto("/t/demo/retros?status=published")
        page.locator("main table a").first.click()
        page.set_viewport_size({"width": 1200, "height": 1500})
        page.screenshot(path=OUT / "retro.png")
        page.goto("/t/demo/action-items")
        page.screenshot(path=OUT / "action-items.png", full_page=True)
        page.set_viewport_size({"width": 1200, "height": 860})
        phone = browser.new_page(base_url=base, viewport={"width": 390, "height": 844})
        phone.context.add_cookies(page.context.cookies())
        phone.goto("/t/demo/")
        shoot(phone, "home-phone")
        # Tables become cards on a phone: the members page shows it.
        phone.goto("/t/demo/members")
        shoot(phone, "members-phone", full_page=True)
        browser.close()
    server.close()
    shutil.rmtree(instance, ignore_errors=True)
    print(f"screenshots written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
