"""A mail server or a Slack endpoint that hangs holds up only the scheduler's tick, and only
for its timeout: the portal and the API answer meanwhile, and the tick moves on."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine

from digests.support import MONDAY, add_goals, configure_digest, deliveries
from teamkit.digests.deliver import deliver_due
from teamkit.digests.models import DeliveryChannel, DeliveryStatus

SUNDAY = MONDAY - timedelta(days=1)


class HangingServer:
    """Accepts connections and then says nothing, until `release()` closes them."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.connections: list[socket.socket] = []
        self.connected = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.listener.getsockname()[1])

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)
            self.connected.set()

    def release(self) -> None:
        self.listener.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture
def hanging() -> Iterator[HangingServer]:
    server = HangingServer()
    yield server
    server.release()


def _due_monday(app, crew, **values):
    with time_machine.travel(SUNDAY, tick=False):
        configure_digest(app, crew.team, crew.owner, enabled=True, **values)


def _tick_at_monday(app) -> threading.Thread:
    def tick() -> None:
        with time_machine.travel(MONDAY, tick=True):
            deliver_due(app)

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    return thread


def test_pages_and_api_answer_while_the_tick_waits_on_a_silent_mail_server(
    digest_app, crew, hanging, login_as, api_as
):
    digest_app.config["TEAMKIT"]["SMTP_URL"] = f"smtp://127.0.0.1:{hanging.port}"
    digest_app.config["TEAMKIT"]["SMTP_TIMEOUT_SECONDS"] = 300
    _due_monday(digest_app, crew, email_enabled=True)
    tick = _tick_at_monday(digest_app)
    try:
        assert hanging.connected.wait(timeout=60), "the tick never reached the mail server"
        portal = login_as(crew.members[0])
        page = portal.client.get(f"/t/{crew.team.slug}/")
        # A write too: on SQLite, the tick holds no lock while it waits on the server.
        added = add_goals(digest_app, crew.team, crew.owner, ["Written while the tick waits"])
        listed = api_as(crew.owner).get(f"/api/v1/teams/{crew.team.slug}/goals")
        assert tick.is_alive(), "the tick should still be waiting on the mail server"
    finally:
        hanging.release()
        tick.join(timeout=60)
    assert page.status_code == 200 and "Crew" in page.get_data(as_text=True)
    assert added and listed.status_code == 200
    assert "Written while the tick waits" in listed.get_data(as_text=True)
    (delivery,) = deliveries(digest_app)
    assert delivery.status is DeliveryStatus.PENDING, "a broken connection is retried later"
    assert "mail server" in (delivery.last_error or "")


def test_a_silent_mail_server_times_out_and_the_delivery_is_retried_later(
    digest_app, crew, hanging
):
    digest_app.config["TEAMKIT"]["SMTP_URL"] = f"smtp://127.0.0.1:{hanging.port}"
    digest_app.config["TEAMKIT"]["SMTP_TIMEOUT_SECONDS"] = 1
    _due_monday(digest_app, crew, email_enabled=True)
    tick = _tick_at_monday(digest_app)
    tick.join(timeout=60)
    assert not tick.is_alive(), "the tick should give up on the silent server"
    assert hanging.connected.is_set()
    (delivery,) = deliveries(digest_app)
    assert delivery.status is DeliveryStatus.PENDING and delivery.attempts == 1
    assert "timed out" in (delivery.last_error or "")
    assert delivery.next_attempt_at > MONDAY


def test_a_slack_webhook_that_never_answers_times_out_and_the_tick_moves_on(
    digest_app, crew, hanging, smtp
):
    digest_app.config["TEAMKIT"]["SLACK_TIMEOUT_SECONDS"] = 1
    digest_app.config["TEAMKIT"]["WEBHOOK_ALLOW"] = (f"http://127.0.0.1:{hanging.port}/",)
    webhook = f"http://127.0.0.1:{hanging.port}/services/T0/B0/X"
    _due_monday(digest_app, crew, email_enabled=True, slack_webhook_url=webhook)
    tick = _tick_at_monday(digest_app)
    tick.join(timeout=60)
    assert not tick.is_alive(), "the tick should give up on the silent webhook"
    by_channel = {d.channel: d for d in deliveries(digest_app)}
    slack = by_channel[DeliveryChannel.SLACK]
    assert slack.status is DeliveryStatus.PENDING and "did not answer" in (slack.last_error or "")
    # The tick moved on: the email went out.
    assert by_channel[DeliveryChannel.EMAIL].status is DeliveryStatus.SENT
    assert len(smtp.box.to(crew.owner.email)) == 1
