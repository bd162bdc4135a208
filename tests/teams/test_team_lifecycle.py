"""A team's life cycle: an owner hands it over, or deletes it with all its data."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from teamkit.db import job_session
from teamkit.digests.recipients import unsubscribe_token
from teamkit.goals.models import Goal
from teamkit.teams.models import AuditEvent, Invite, Membership, Role, Team


@pytest.fixture
def crew(make: Any) -> Any:
    """A team `crew` with an owner, a facilitator and a member; the owner's API client."""
    owner = make.person(name="Ada Owner", email="ada@example.com")
    team = make.team(owner, slug="crew", name="Crew")
    fay = make.member(team, make.person(name="Fay", email="fay@example.com"), Role.FACILITATOR)
    max_ = make.member(team, make.person(name="Max", email="max@example.com"))
    return team, owner, fay, max_


def membership_id(app: Any, team: Any, person: Any) -> int:
    with app.app_context(), job_session(app) as db:
        return db.scalar(
            select(Membership.id).where(
                Membership.team_id == team.id, Membership.person_id == person.id
            )
        )


def roles(app: Any, team: Any) -> dict[str, str]:
    with app.app_context(), job_session(app) as db:
        rows = db.scalars(select(Membership).where(Membership.team_id == team.id))
        return {m.person.email: m.role.value for m in rows}


def count(app: Any, model: Any) -> int:
    with app.app_context(), job_session(app) as db:
        return db.scalar(select(func.count()).select_from(model)) or 0


def test_owner_hands_the_team_over_in_the_portal_and_becomes_facilitator(
    app: Any, crew: Any, login_as: Any
) -> None:
    team, owner, _fay, max_ = crew
    portal = login_as(owner)
    page = portal.client.get("/t/crew/settings").text
    assert "Hand over ownership" in page and "max@example.com" in page
    answer = portal.post("/t/crew/transfer", {"membership_id": membership_id(app, team, max_)})
    assert answer.status_code == 303
    assert roles(app, team) == {
        "ada@example.com": "facilitator",
        "fay@example.com": "facilitator",
        "max@example.com": "owner",
    }
    assert "Hand over ownership" not in portal.client.get("/t/crew/settings").text


def test_handing_over_to_no_member_shows_the_error_beside_the_field(
    app: Any, crew: Any, login_as: Any
) -> None:
    team, owner, *_ = crew
    answer = login_as(owner).post("/t/crew/transfer", {"membership_id": "999999"})
    assert answer.status_code == 404
    assert 'id="membership_id-error"' in answer.text
    assert roles(app, team)["ada@example.com"] == "owner"


def test_only_an_owner_hands_over_or_deletes(app: Any, crew: Any, api_as: Any) -> None:
    team, _owner, fay, _max = crew
    api = api_as(fay)
    mine = membership_id(app, team, fay)
    assert api.post("/api/v1/teams/crew/transfer", json={"membership_id": mine}).status_code == 403
    assert api.delete("/api/v1/teams/crew", json={"confirm": "crew"}).status_code == 403
    assert count(app, Team) == 1
    assert roles(app, team)["ada@example.com"] == "owner"


def test_api_hands_over_and_refuses_handing_to_yourself(app: Any, crew: Any, api_as: Any) -> None:
    team, owner, fay, _max = crew
    api = api_as(owner)
    to_self = api.post(
        "/api/v1/teams/crew/transfer", json={"membership_id": membership_id(app, team, owner)}
    )
    assert to_self.status_code == 409
    answer = api.post(
        "/api/v1/teams/crew/transfer", json={"membership_id": membership_id(app, team, fay)}
    )
    assert answer.status_code == 200
    assert answer.json["person"]["email"] == "fay@example.com" and answer.json["role"] == "owner"
    assert roles(app, team)["ada@example.com"] == "facilitator"


def test_deleting_asks_for_the_url_name_typed_and_keeps_the_team_otherwise(
    app: Any, crew: Any, login_as: Any
) -> None:
    _team, owner, *_ = crew
    portal = login_as(owner)
    assert 'name="confirm"' in portal.client.get("/t/crew/delete").text
    wrong = portal.post("/t/crew/delete", {"confirm": "Crew team"})
    assert wrong.status_code == 422
    assert 'id="confirm-error"' in wrong.text
    assert count(app, Team) == 1


def test_deleting_in_the_portal_removes_the_team_and_everything_in_it(
    app: Any, crew: Any, login_as: Any, api_as: Any
) -> None:
    _team, owner, *_ = crew
    api = api_as(owner)
    goal = api.post("/api/v1/teams/crew/goals", json={"title": "Ship", "why": "Because."})
    assert goal.status_code == 201
    assert api.post("/api/v1/teams/crew/invites", json={"role": "member"}).status_code == 201
    portal = login_as(owner)
    answer = portal.post("/t/crew/delete", {"confirm": "crew"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/teams")
    assert "is deleted" in portal.client.get("/teams").text
    assert [count(app, model) for model in (Team, Membership, Goal, Invite)] == [0, 0, 0, 0]
    assert portal.client.get("/t/crew/").status_code == 404


def test_api_deletes_only_with_the_slug_repeated_in_the_body(
    app: Any, crew: Any, api_as: Any
) -> None:
    _team, owner, *_ = crew
    api = api_as(owner)
    assert api.delete("/api/v1/teams/crew").status_code == 422
    assert api.delete("/api/v1/teams/crew", json={"confirm": "other"}).status_code == 409
    assert count(app, Team) == 1
    assert api.delete("/api/v1/teams/crew", json={"confirm": "crew"}).status_code == 204
    assert count(app, Team) == 0


def test_a_deleted_teams_links_and_tokens_answer_cleanly(
    app: Any, crew: Any, api_as: Any, client: Any
) -> None:
    team, owner, fay, _max = crew
    api = api_as(owner)
    fay_api = api_as(fay)
    invite = api.post("/api/v1/teams/crew/invites", json={"role": "member"}).json
    unsubscribe = unsubscribe_token(app.secret_key, fay.id, team.id, fay.link_key)
    assert api.delete("/api/v1/teams/crew", json={"confirm": "crew"}).status_code == 204

    assert fay_api.get("/api/v1/teams/crew").status_code == 404
    assert fay_api.get("/api/v1/teams/crew/goals").status_code == 404
    assert fay_api.get("/api/v1/me").status_code == 200  # the person's token still works
    assert client.get(f"/invites/{invite['token']}").status_code in (404, 410)
    link = client.get(f"/digest/unsubscribe/{unsubscribe}")
    assert link.status_code == 410 and "no longer exists" in link.text


def test_a_deleted_team_leaves_one_audit_event_naming_who_deleted_it(
    app: Any, crew: Any, api_as: Any
) -> None:
    _team, owner, *_ = crew
    assert api_as(owner).delete("/api/v1/teams/crew", json={"confirm": "crew"}).status_code == 204
    with app.app_context(), job_session(app) as db:
        events = db.scalars(select(AuditEvent)).all()
        assert [(e.team_id, e.team_slug, e.action, e.actor_email) for e in events] == [
            (None, "crew", "team.deleted", "ada@example.com")
        ]


def test_the_slug_of_a_deleted_team_is_free_again(app: Any, crew: Any, api_as: Any) -> None:
    _team, owner, *_ = crew
    api = api_as(owner)
    assert api.delete("/api/v1/teams/crew", json={"confirm": "crew"}).status_code == 204
    again = api.post("/api/v1/teams", json={"name": "Crew again", "slug": "crew"})
    assert again.status_code == 201
