"""A live server and a real Chromium (Debian's package), driven by Playwright."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """Return Debian's Chromium; skip without it, or fail under CI."""
    path = os.environ.get("TEAMKIT_TEST_CHROMIUM") or shutil.which("chromium")
    if path is None:
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve the test app with waitress on a free port; yield its base URL.

    The serving thread owns every socket: at teardown it stops polling, lets the
    worker threads finish what they have in hand, and only then closes the
    sockets, so no worker writes to a socket that is already closed.
    """
    from waitress import wasyncore
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    port = server.socket.getsockname()[1]  # type: ignore[union-attr]
    app.config["TEAMKIT"]["BASE_URL"] = f"http://127.0.0.1:{port}"
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            wasyncore.loop(timeout=0.05, map=server._map, count=1)
        server.task_dispatcher.shutdown()
        wasyncore.close_all(server._map)

    thread = threading.Thread(target=serve, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    stop.set()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    """A fresh browser context; fails the test on any console error (CSP included)."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1200, "height": 800})
    page = context.new_page()
    errors: list[str] = []

    def on_console(message: Any) -> None:
        # A 4xx page (a form shown again with its errors) is logged as a failed load: fine.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], f"browser console errors: {errors}"
