"""A new team is set up in minutes: its time zone, a digest on from the start, and a
checklist on its home page until the team is set up."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from clients import Api, Portal
from pages import field_error, flashes
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.digests.models import DigestSettings
from teamkit.teams.models import Team, TeamSettings

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def lead(make: Any) -> Person:
    return make.person(name="Lea")


def found(portal: Portal, timezone: str = "Europe/Berlin") -> Any:
    return portal.post("/teams", {"name": "Platform", "slug": "platform", "timezone": timezone})


def digest_of(session: Session) -> DigestSettings:
    session.expire_all()
    return session.scalars(select(DigestSettings)).one()


def is_monday_nine(moment: datetime | None, zone: ZoneInfo) -> bool:
    assert moment is not None
    local = moment.astimezone(zone)
    return (local.weekday(), local.hour, local.minute) == (0, 9, 0)


def test_a_new_team_keeps_its_time_zone_and_its_digest_is_on_weekly_monday_nine_there(
    lead: Person, login_as: Any, session: Session
) -> None:
    assert found(login_as(lead)).status_code == 302
    assert session.scalars(select(TeamSettings.timezone)).one() == "Europe/Berlin"
    digest = digest_of(session)
    assert digest.is_enabled and digest.is_email_enabled
    assert (digest.cron, digest.week_interval, digest.timezone) == ("0 9 * * 1", 1, "Europe/Berlin")
    assert is_monday_nine(digest.next_run_at, BERLIN)


def test_an_unknown_time_zone_is_shown_beside_its_field_and_no_team_is_made(
    lead: Person, login_as: Any, session: Session
) -> None:
    response = found(login_as(lead), timezone="Mars/Olympus_Mons")
    assert response.status_code == 422
    assert "not a known time zone" in (field_error(response.text, "timezone") or "")
    assert session.scalar(select(func.count()).select_from(Team)) == 0


def test_the_team_form_offers_the_iana_zones_to_search_and_the_device_zone_script(
    lead: Person, login_as: Any
) -> None:
    page = login_as(lead).client.get("/teams").text
    assert 'list="timezone-zones"' in page
    assert '<option value="Europe/Berlin">' in page
    assert '<option value="America/Argentina/Buenos_Aires">' in page
    assert '<option value="US/Eastern">' not in page  # an old alias: valid, not offered
    assert "/static/teams/timezone.js" in page
    assert "<script>" not in page  # no inline script


def test_the_api_founds_a_team_in_its_time_zone_with_its_digest_on(
    lead: Person, api_as: Callable[[Person], Api], session: Session
) -> None:
    api = api_as(lead)
    made = api.post("/api/v1/teams", json={"name": "Platform", "timezone": "America/New_York"})
    assert made.status_code == 201, made.json
    digest = digest_of(session)
    assert digest.is_enabled and is_monday_nine(digest.next_run_at, NEW_YORK)
    bad = api.post("/api/v1/teams", json={"name": "Other", "timezone": "Nowhere/Town"})
    assert bad.status_code == 422
    assert bad.json["errors"][0]["field"] == "timezone"


def test_changing_the_time_zone_moves_the_digest_to_monday_nine_in_the_new_zone(
    lead: Person, login_as: Any, session: Session
) -> None:
    portal = login_as(lead)
    found(portal)
    page = portal.client.get("/t/platform/settings").text
    assert "Europe/Berlin" in page
    response = portal.post("/t/platform/settings", {"timezone": "America/New_York"})
    assert response.status_code == 303
    assert "Platform's time zone is now America/New_York." in flashes(
        portal.client.get(response.location).text
    )
    digest = digest_of(session)
    assert digest.timezone == "America/New_York"
    assert is_monday_nine(digest.next_run_at, NEW_YORK)
    bad = portal.post("/t/platform/settings", {"timezone": "Berlin"})
    assert bad.status_code == 422 and field_error(bad.text, "timezone")
    assert digest_of(session).timezone == "America/New_York"


def test_a_member_sees_the_time_zone_but_may_not_change_it(
    lead: Person, login_as: Any, make: Any, portal_of: Callable[[Person], Portal], session: Session
) -> None:
    found(login_as(lead))
    team = session.scalars(select(Team)).one()
    member = portal_of(make.member(team))
    page = member.client.get("/t/platform/settings").text
    assert "Europe/Berlin" in page and 'name="timezone"' not in page
    assert member.post("/t/platform/settings", {"timezone": "UTC"}).status_code == 403
    assert session.scalars(select(TeamSettings.timezone)).one() == "Europe/Berlin"


def steps(page: str) -> dict[str, bool]:
    """Return the checklist's steps and whether each is done ({} when there is none)."""
    if "Set up your team" not in page:
        return {}
    listed = page.split('class="checklist-steps"', 1)[1].split("</ul>", 1)[0]
    found_steps: dict[str, bool] = {}
    for item in listed.split("<li")[1:]:
        done = "is-done" in item.split(">", 1)[0]
        for label in ("first goal", "Invite", "digest", "first pulse"):
            if label in item:
                found_steps[label] = done
    return found_steps


def test_the_checklist_shows_until_every_step_is_done(
    lead: Person, login_as: Any, api_as: Callable[[Person], Api]
) -> None:
    portal = login_as(lead)
    found(portal)
    home = lambda: portal.client.get("/t/platform/").text  # noqa: E731
    assert steps(home()) == {
        "first goal": False,
        "Invite": False,
        "digest": False,
        "first pulse": False,
    }
    api = api_as(lead)
    goal = api.post("/api/v1/teams/platform/goals", json={"title": "Ship", "why": "Why"})
    assert goal.status_code == 201, goal.json
    assert api.post("/api/v1/teams/platform/invites", json={}).status_code == 201
    assert steps(home()) == {
        "first goal": True,
        "Invite": True,
        "digest": False,
        "first pulse": False,
    }
    digest = api.client.put(
        "/api/v1/teams/platform/digest/settings",
        headers=api._headers(None),
        json={"cron": "0 8 * * 1"},
    )
    assert digest.status_code == 200, digest.json
    assert api.post("/api/v1/teams/platform/pulses", json={}).status_code == 201
    assert steps(home()) == {}


def test_a_member_sees_no_checklist(
    lead: Person, login_as: Any, make: Any, portal_of: Callable[[Person], Portal], session: Session
) -> None:
    found(login_as(lead))
    team = session.scalars(select(Team)).one()
    assert steps(portal_of(make.member(team)).client.get("/t/platform/").text) == {}
