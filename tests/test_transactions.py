"""Invariant 4: a request is one transaction, and a service that failed keeps nothing."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import empty_tables
from flask import Blueprint, Flask, flash, redirect
from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit import create_app
from teamkit.db import get_engine, get_session
from teamkit.errors import Conflict, ServiceError
from teamkit.forms import attempt
from teamkit.teams.models import Team


def write_then_fail(session: Session) -> None:
    """A service that writes, flushes, and only then finds it can't go on."""
    session.add(Team(name="Half written", slug="half-written"))
    session.flush()
    raise Conflict("Something clashed after the write.")


def write(session: Session) -> None:
    session.add(Team(name="Written", slug="written"))
    session.flush()


@pytest.fixture
def app_with_views(app_config: dict[str, Any]) -> Any:
    app = create_app(app_config)
    views = Blueprint("transactions_test", __name__)

    @views.post("/test/fail-and-redirect")
    def fail_and_redirect() -> Any:
        done = attempt(lambda: write_then_fail(get_session()))
        if done.error is not None:
            flash(done.error.detail, "error")
        return redirect("/", 303)

    @views.post("/test/look-up-then-write")
    def look_up_then_write() -> Any:
        try:
            raise Conflict("Nothing found; a lookup that may find nothing.")
        except ServiceError:
            pass
        write(get_session())
        return redirect("/", 303)

    @views.post("/test/succeed")
    def succeed() -> Any:
        write(get_session())
        return redirect("/", 303)

    app.register_blueprint(views)
    app.config["WTF_CSRF_ENABLED"] = False
    yield app
    empty_tables(get_engine(app))
    get_engine(app).dispose()


def _teams(app: Flask) -> list[str]:
    with get_engine(app).connect() as connection:
        return list(connection.scalars(select(Team.slug).order_by(Team.slug)))


def test_a_service_error_caught_by_a_redirecting_view_keeps_nothing_written(app_with_views):
    response = app_with_views.test_client().post("/test/fail-and-redirect")
    assert response.status_code == 303
    assert _teams(app_with_views) == []


def test_a_request_without_a_service_error_keeps_what_it_wrote(app_with_views):
    assert app_with_views.test_client().post("/test/succeed").status_code == 303
    assert _teams(app_with_views) == ["written"]


def test_a_service_error_caught_where_nothing_was_written_keeps_the_requests_writes(app_with_views):
    assert app_with_views.test_client().post("/test/look-up-then-write").status_code == 303
    assert _teams(app_with_views) == ["written"]
