"""One time zone per team: its pages show and take times in it, the API reads and sets it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from clients import Api, Portal
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.db import job_session
from teamkit.pulses import services as pulse_services
from teamkit.retros.models import Retro, TimelineEntry
from teamkit.teams.models import AuditEvent, Membership, Team, TeamSettings
from teamkit.teams.settings import store_timezone


@pytest.fixture
def lead(make: Any) -> Person:
    return make.person(name="Lea")


@pytest.fixture
def team(app: Flask, make: Any, lead: Person) -> Team:
    """A team whose time zone is Europe/Berlin."""
    made = make.team(lead, slug="crew", name="Crew")
    with app.app_context(), job_session(app) as session:
        found = session.get(Team, made.id)
        assert found is not None
        store_timezone(session, found, "Europe/Berlin", datetime.now(UTC))
    return made


def test_the_api_shows_and_changes_the_teams_time_zone(
    team: Team, lead: Person, api_as: Callable[[Person], Api], session: Session
) -> None:
    api = api_as(lead)
    assert api.get("/api/v1/teams/crew/settings").json["timezone"] == "Europe/Berlin"
    assert api.get("/api/v1/teams/crew").json["timezone"] == "Europe/Berlin"
    assert api.get("/api/v1/teams").json["items"][0]["timezone"] == "Europe/Berlin"
    changed = api.patch("/api/v1/teams/crew/settings", json={"timezone": "Asia/Kolkata"})
    assert changed.status_code == 200, changed.json
    assert changed.json["timezone"] == "Asia/Kolkata"
    assert session.scalars(select(TeamSettings.timezone)).one() == "Asia/Kolkata"
    assert session.scalars(select(AuditEvent.action)).all()[-1] == "team.settings_changed"


@pytest.mark.parametrize("zone", ["Berlin", "Mars/Olympus_Mons", "", "Europe/Berlin\n"])
def test_the_api_refuses_a_name_that_is_no_iana_zone_and_changes_nothing(
    team: Team, lead: Person, api_as: Callable[[Person], Api], session: Session, zone: str
) -> None:
    bad = api_as(lead).patch("/api/v1/teams/crew/settings", json={"timezone": zone})
    if zone == "Europe/Berlin\n":  # trimmed, like every one-line text: the same zone
        assert bad.status_code == 200
        return
    assert bad.status_code == 422
    assert bad.headers["Content-Type"].startswith("application/problem+json")
    assert bad.json["errors"][0]["field"] == "timezone"
    assert session.scalars(select(TeamSettings.timezone)).one() == "Europe/Berlin"


def test_a_member_may_read_but_not_change_the_time_zone_through_the_api(
    team: Team, make: Any, api_as: Callable[[Person], Api], session: Session
) -> None:
    member = make.member(team)
    api = api_as(member)
    assert api.get("/api/v1/teams/crew/settings").status_code == 200
    refused = api.patch("/api/v1/teams/crew/settings", json={"timezone": "UTC"})
    assert refused.status_code == 403
    assert session.scalars(select(TeamSettings.timezone)).one() == "Europe/Berlin"


def _new_retro(portal: Portal, **data: str) -> int:
    form = {"title": "Checkout down", "summary": "Payments timed out.", **data}
    response = portal.post("/t/crew/retros/new", data=form)
    assert response.status_code == 303, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_retro_times_are_entered_and_shown_in_the_teams_zone_and_stored_in_utc(
    team: Team, lead: Person, login_as: Callable[[Person], Portal], session: Session
) -> None:
    portal = login_as(lead)
    form = portal.client.get("/t/crew/retros/new").text
    assert "Incident started (Europe/Berlin)" in form
    retro_id = _new_retro(portal, started_at="2026-07-01T14:00", ended_at="2026-07-01T14:40")
    added = portal.post(
        f"/t/crew/retros/{retro_id}/timeline",
        data={"occurred_at": "2026-07-01T14:05", "kind": "detected", "note": "Alert fired"},
    )
    assert added.status_code == 303
    retro = session.get(Retro, retro_id)
    assert retro is not None and retro.started_at == datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    entry = session.scalars(select(TimelineEntry)).one()
    assert entry.occurred_at == datetime(2026, 7, 1, 12, 5, tzinfo=UTC)
    page = portal.client.get(f"/t/crew/retros/{retro_id}").text
    assert "2026-07-01 14:00 CEST" in page and "2026-07-01 14:05 CEST" in page
    assert "12:00 UTC" not in page and ">2026-07-01 12:" not in page
    assert "When (Europe/Berlin)" in page
    edit = portal.client.get(f"/t/crew/retros/{retro_id}/edit").text
    assert 'value="2026-07-01T14:00"' in edit
    saved = portal.post(
        f"/t/crew/retros/{retro_id}/timeline/{entry.id}",
        data={"occurred_at": "2026-07-01T14:10", "kind": "detected", "note": "Alert fired"},
    )
    assert saved.status_code == 303
    session.expire_all()
    assert session.get(TimelineEntry, entry.id).occurred_at == datetime(  # type: ignore[union-attr]
        2026, 7, 1, 12, 10, tzinfo=UTC
    )
    markdown = portal.client.get(f"/t/crew/retros/{retro_id}/export.md").text
    assert "- Started: 2026-07-01 14:00 CEST" in markdown


def test_the_api_keeps_speaking_utc_whatever_the_teams_zone(
    team: Team, lead: Person, api_as: Callable[[Person], Api]
) -> None:
    api = api_as(lead)
    made = api.post(
        "/api/v1/teams/crew/retros",
        json={"format": "incident", "title": "Down", "started_at": "2026-07-01T14:00:00"},
    )
    assert made.status_code == 201, made.json
    assert made.json["started_at"].startswith("2026-07-01T14:00:00")


def test_pulse_open_and_close_times_are_shown_in_the_teams_zone(
    team: Team, lead: Person, login_as: Callable[[Person], Portal], session: Session
) -> None:
    actor = session.scalars(select(Membership)).one()
    now = datetime.now(UTC).replace(microsecond=0)
    closes = (now + timedelta(days=3)).replace(hour=20, minute=30, second=0)
    pulse = pulse_services.open_pulse(session, actor, opens_at=now, closes_at=closes, now=now)
    session.commit()
    portal = login_as(lead)
    local = closes.astimezone(ZoneInfo("Europe/Berlin"))
    shown = f"{local:%Y-%m-%d %H:%M} {local.tzname()}"
    assert shown in portal.client.get(f"/t/crew/pulses/{pulse.id}").text
    assert shown in portal.client.get("/t/crew/pulses").text
    assert shown in portal.client.get("/t/crew/").text
