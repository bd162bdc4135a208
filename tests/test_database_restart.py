"""PostgreSQL restarts under a running teamkit: every surface answers 503 while it is down,
the pool reconnects by itself once it is back, and the scheduler loses and repeats nothing.

On a cluster of the test's own (tests/pgcluster.py), never the shared server.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from digests.servers import SmtpServer
from digests.support import MONDAY, add_goals, configure_digest, deliveries
from flask import Flask
from pgcluster import Cluster
from sqlalchemy import create_engine, select

from teamkit import migrate
from teamkit.digests.models import DeliveryStatus, RecipientStatus
from teamkit.goals.models import Goal
from teamkit.scheduler import build_scheduler


@pytest.fixture(scope="module")
def database_url(pg_cluster: Cluster) -> str:
    """This module's database: migrated, on the test's own cluster."""
    url = pg_cluster.create_database("restart")
    engine = create_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture
def live_app(app: Flask, pg_cluster: Cluster) -> Iterator[Flask]:
    """The app as it serves: errors answered by its handlers, not raised into the test."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    yield app
    pg_cluster.start_if_stopped()


@pytest.fixture
def team(live_app: Flask, make: Any) -> Any:
    owner = make.person(name="Ada Owner", email="ada@example.com")
    found = make.team(owner, slug="core", name="Core")
    add_goals(live_app, found, owner, ["Answer fast"])
    return found, owner


def _answers(client: Any, api: Any, csrf_token: str) -> dict[str, Any]:
    form = {"title": "Written", "why": ".", "csrf_token": csrf_token}
    return {
        "page": client.get("/t/core/"),
        "form": client.post("/t/core/goals/new", data=form),
        "api": api.get("/api/v1/teams/core/goals"),
        "api write": api.post("/api/v1/teams/core/goals", json={"title": "Written", "why": "."}),
        "health": client.get("/healthz"),
    }


def test_every_surface_answers_503_while_postgresql_is_down_and_recovers_by_itself(
    live_app: Flask, team: Any, login_as: Any, api_as: Any, pg_cluster: Cluster
) -> None:
    _team, owner = team
    portal, api = login_as(owner), api_as(owner)
    csrf_token = portal.csrf_token("/t/core/goals/new")
    assert portal.client.get("/t/core/").status_code == 200

    pg_cluster.stop()
    down = _answers(portal.client, api, csrf_token)
    assert {name: answer.status_code for name, answer in down.items()} == dict.fromkeys(down, 503)
    page = down["page"].get_data(as_text=True)
    assert down["page"].mimetype == "text/html" and "can't reach its database" in page
    for name in ("api", "api write"):
        assert down[name].mimetype == "application/problem+json"
        assert down[name].json["status"] == 503 and "Try again" in down[name].json["detail"]
        assert down[name].headers["Retry-After"]
    assert down["health"].json == {"status": "unavailable", "database": "unreachable"}

    pg_cluster.start()
    # The same app, the same pool: the dead connections are noticed and replaced.
    assert portal.client.get("/t/core/").status_code == 200
    assert api.get("/api/v1/teams/core/goals").status_code == 200
    assert portal.client.get("/healthz").json == {"status": "ok", "database": "ok"}
    written = api.post("/api/v1/teams/core/goals", json={"title": "After", "why": "Back."})
    assert written.status_code == 201


def test_requests_in_flight_during_a_restart_get_503_never_500_and_lose_no_write(
    live_app: Flask, team: Any, make: Any, pg_cluster: Cluster
) -> None:
    _team, owner = team
    token = make.token(owner)
    headers = {"Authorization": f"Bearer {token}"}
    statuses: list[int] = []
    acknowledged: list[str] = []
    saw_503 = [threading.Event() for _ in range(4)]
    stop = threading.Event()

    def hammer(number: int) -> None:
        client = live_app.test_client()
        n = 0
        while not stop.is_set():
            n += 1
            title = f"Goal {number}-{n}"
            answer = client.post(
                "/api/v1/teams/core/goals", json={"title": title, "why": "."}, headers=headers
            )
            statuses.append(answer.status_code)
            if answer.status_code == 201:
                acknowledged.append(title)
            elif answer.status_code == 503:
                saw_503[number].set()
            statuses.append(client.get("/api/v1/teams/core/goals", headers=headers).status_code)

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    try:
        pg_cluster.stop()
        for event in saw_503:
            assert event.wait(timeout=60), "every worker should see the database gone"
        pg_cluster.start()
        answered = len(statuses)
        # Until each worker has written again after the restart.
        for _ in range(600):
            if len([s for s in statuses[answered:] if s == 201]) >= 4:
                break
            stop.wait(0.1)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert set(statuses) <= {200, 201, 503}, sorted(set(statuses))
    assert 503 in statuses and statuses[-1] in {200, 201}
    with live_app.app_context():
        session = live_app.extensions["teamkit.sessionmaker"]()
        titles = set(session.scalars(select(Goal.title)))
        session.close()
    assert set(acknowledged) <= titles, "a write answered 201 was lost"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def due_digest(live_app: Flask, team: Any, make: Any, smtp: SmtpServer) -> Any:
    """The team's digest due on Monday, by email to its three members."""
    settings = live_app.config["TEAMKIT"]
    settings["SMTP_URL"] = smtp.url
    settings["DIGEST_LEASE_SECONDS"] = 60
    found, owner = team
    members = [make.member(found, make.person()) for _ in range(2)]
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        configure_digest(live_app, found, owner, enabled=True, email_enabled=True)
    return [owner, *members]


def _digest_tick(app: Flask) -> Any:
    """The scheduler's digest job as it runs in `teamkit serve` (errors caught and logged)."""
    return build_scheduler(app).get_job("digests-deliver-due").func


def test_a_tick_while_postgresql_is_down_logs_once_and_the_next_sends_each_digest_once(
    live_app: Flask, due_digest: Any, smtp: SmtpServer, pg_cluster: Cluster, caplog: Any
) -> None:
    tick = _digest_tick(live_app)
    pg_cluster.stop()
    with caplog.at_level(logging.INFO, logger="teamkit"), time_machine.travel(MONDAY):
        tick()
    said = [r for r in caplog.records if r.name == "teamkit.scheduler"]
    assert len(said) == 1 and said[0].levelno == logging.WARNING
    assert "database is not answering" in said[0].getMessage() and not said[0].exc_info
    assert smtp.box.messages == []

    pg_cluster.start()
    with time_machine.travel(MONDAY + timedelta(minutes=1)):
        tick()
        tick()
    for person in due_digest:
        assert len(smtp.box.to(person.email)) == 1
    (delivery,) = deliveries(live_app)
    assert delivery.status is DeliveryStatus.SENT


def test_an_outage_right_after_a_message_went_out_does_not_send_it_again(
    live_app: Flask, due_digest: Any, smtp: SmtpServer, pg_cluster: Cluster
) -> None:
    restarted = threading.Event()
    comeback = threading.Timer(1.0, pg_cluster.start)

    def restart_once(_message: Any) -> None:
        # The server has the message; the database goes away before teamkit can note it.
        if not restarted.is_set():
            restarted.set()
            pg_cluster.stop()
            comeback.start()

    smtp.box.on_message = restart_once
    tick = _digest_tick(live_app)
    with time_machine.travel(MONDAY, tick=True) as clock:
        tick()
        comeback.join(timeout=60)
        clock.shift(timedelta(minutes=10))  # past the lease: anything unsent would go again
        tick()
    assert restarted.is_set()
    for person in due_digest:
        assert len(smtp.box.to(person.email)) == 1, person.email
    (delivery,) = deliveries(live_app)
    assert delivery.status is DeliveryStatus.SENT
    assert all(r.status is RecipientStatus.SENT for r in delivery.recipients)
