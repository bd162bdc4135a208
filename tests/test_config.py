"""TEAMKIT_* settings: a value teamkit can't use stops it with a message that names it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from clients import PASSWORD, Portal
from flask import Flask
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from teamkit import create_app
from teamkit.capabilities import capability_settings
from teamkit.cli import main
from teamkit.config import load_settings
from teamkit.db import get_engine

#: A Redis database per pass: `make test` runs the SQLite and PostgreSQL passes at once.
REDIS_DATABASES = {"sqlite": 15, "postgresql": 14}


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("GOAL_STALE_DAYS", "two weeks", "expected a whole number"),
        ("API_PAGE_SIZE", "0", "expected a number from 1 to 200"),
        ("TRUSTED_PROXIES", "-1", "expected a number from 0 to 10"),
        ("GOAL_STALE_DAYS", "1000000", "expected a number from 1 to 3660"),
        ("INVITE_TTL_HOURS", "100000000", "expected a number from 1 to 8784"),
        ("BASE_URL", "teamkit.example.com", "expected an address such as https://"),
        ("LOG_LEVEL", "chatty", "expected DEBUG, INFO, WARNING, ERROR or CRITICAL"),
        ("LOGIN_RATE_LIMIT", "lots", "expected limits such as `10 per minute`"),
        ("RATELIMIT_STORAGE_URL", "carrier-pigeon://loft", "unknown storage scheme"),
    ],
)
def test_a_bad_setting_stops_teamkit_with_a_message_naming_it(
    tmp_path: Any, name: str, value: str, message: str
) -> None:
    env = {"TEAMKIT_INSTANCE_PATH": str(tmp_path), f"TEAMKIT_{name}": value}
    result = CliRunner().invoke(main, ["db", "current"], env=env)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: TEAMKIT_{name}={value!r}: ")
    assert message in result.output
    assert "Traceback" not in result.output


def test_settings_read_from_the_environment_are_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEAMKIT_GOAL_STALE_DAYS", "21")
    monkeypatch.setenv("TEAMKIT_BASE_URL", "https://teamkit.example.com/")
    monkeypatch.setenv("TEAMKIT_LOG_LEVEL", "debug")
    settings = load_settings(extra=capability_settings())
    assert settings["GOAL_STALE_DAYS"] == 21
    assert settings["BASE_URL"] == "https://teamkit.example.com"
    assert settings["LOG_LEVEL"] == "DEBUG"


@pytest.fixture
def shared_redis(database_kind: str) -> Iterator[str]:
    """A Redis database for this test alone; fails under CI when Redis doesn't answer."""
    default = f"redis://127.0.0.1:6379/{REDIS_DATABASES[database_kind]}"
    redis_url = os.environ.get("TEAMKIT_TEST_REDIS_URL", default)
    client = Redis.from_url(redis_url)
    try:
        client.flushdb()
    except RedisConnectionError:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"Redis does not answer at {redis_url}", pytrace=False)
        pytest.skip(f"Redis does not answer at {redis_url}")
    yield redis_url
    client.flushdb()
    client.close()


def test_web_workers_sharing_redis_count_log_in_attempts_together(
    app_config: dict[str, Any], make: Any, shared_redis: str
) -> None:
    app_config.update(LOGIN_RATE_LIMIT="3 per minute", RATELIMIT_STORAGE_URL=shared_redis)
    workers = [create_app(app_config), create_app(app_config)]
    try:
        ada = make.person()
        statuses = [
            _log_in(workers[attempt % 2], ada.email, "wrong password") for attempt in range(3)
        ]
        statuses.append(_log_in(workers[1], ada.email, PASSWORD))
    finally:
        for worker in workers:
            get_engine(worker).dispose()
    assert statuses == [422, 422, 422, 429]


def _log_in(worker: Flask, email: str, password: str) -> int:
    client = worker.test_client()
    token = Portal(client).csrf_token("/login")
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )
    return response.status_code
