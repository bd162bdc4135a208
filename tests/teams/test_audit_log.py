"""The audit log: owners see who changed members, roles, invites, settings and access."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy import select

from teamkit.auth.models import ApiToken
from teamkit.db import job_session
from teamkit.teams.jobs import prune_audit_log
from teamkit.teams.models import AuditEvent, Membership, Role

WEBHOOK = "https://hooks.slack.com/services/T000/B000/SECRETSECRET"


@pytest.fixture
def crew(make: Any) -> Any:
    owner = make.person(name="Ada Owner", email="ada@example.com")
    team = make.team(owner, slug="crew", name="Crew")
    fay = make.member(team, make.person(name="Fay", email="fay@example.com"), Role.FACILITATOR)
    return team, owner, fay


def ok(response: Any) -> bool:
    return bool(response.status_code < 300)


def events(app: Any) -> list[AuditEvent]:
    with app.app_context(), job_session(app) as db:
        found = list(db.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        db.expunge_all()
        return found


def actions(app: Any) -> list[str]:
    return [event.action for event in events(app)]


def member_id(app: Any, team: Any, person: Any) -> int:
    with app.app_context(), job_session(app) as db:
        return db.scalar(
            select(Membership.id).where(
                Membership.team_id == team.id, Membership.person_id == person.id
            )
        )


def test_membership_role_and_invite_changes_are_recorded_with_who_and_what(
    app: Any, crew: Any, make: Any, api_as: Any
) -> None:
    team, owner, fay = crew
    api = api_as(owner)
    invite = api.post("/api/v1/teams/crew/invites", json={"role": "member"}).json
    max_ = make.person(name="Max", email="max@example.com")
    assert api_as(max_).post(f"/api/v1/invites/{invite['token']}/accept").status_code == 201
    fay_id = member_id(app, team, fay)
    assert ok(api.patch(f"/api/v1/teams/crew/members/{fay_id}", json={"role": "member"}))
    second = api.post("/api/v1/teams/crew/invites", json={"role": "owner"}).json
    assert api.delete(f"/api/v1/teams/crew/invites/{second['id']}").status_code == 204
    assert api.delete(f"/api/v1/teams/crew/members/{fay_id}").status_code == 204

    recorded = [(e.actor_email, e.action, e.detail) for e in events(app)]
    assert recorded[-6:] == [
        ("ada@example.com", "invite.created", {"role": "member"}),
        ("max@example.com", "member.joined", {"role": "member"}),
        (
            "ada@example.com",
            "member.role_changed",
            {"member": "fay@example.com", "from": "facilitator", "to": "member"},
        ),
        ("ada@example.com", "invite.created", {"role": "owner"}),
        ("ada@example.com", "invite.revoked", {"role": "owner"}),
        ("ada@example.com", "member.removed", {"member": "fay@example.com", "role": "member"}),
    ]


def test_owners_read_the_log_in_the_portal_and_the_api_newest_first(
    app: Any, crew: Any, api_as: Any, login_as: Any
) -> None:
    team, owner, fay = crew
    api = api_as(owner)
    fay_id = member_id(app, team, fay)
    assert ok(api.patch(f"/api/v1/teams/crew/members/{fay_id}", json={"role": "owner"}))
    listed = api.get("/api/v1/teams/crew/audit").json["items"]
    assert listed[0]["action"] == "member.role_changed"
    assert listed[0]["summary"] == "changed fay@example.com's role from facilitator to owner"
    assert listed[0]["actor_email"] == "ada@example.com"
    page = login_as(owner).client.get("/t/crew/audit")
    assert page.status_code == 200
    assert "changed fay@example.com&#39;s role from facilitator to owner" in page.text


def test_members_who_are_not_owners_cannot_read_the_log(
    crew: Any, api_as: Any, login_as: Any
) -> None:
    _team, _owner, fay = crew
    assert api_as(fay).get("/api/v1/teams/crew/audit").status_code == 403
    assert login_as(fay).client.get("/t/crew/audit").status_code == 403


def test_settings_changes_name_the_settings_but_never_a_secret(
    app: Any, crew: Any, api_as: Any
) -> None:
    app.config["TEAMKIT"]["WEBHOOK_ALLOW"] = ("https://hooks.slack.com/",)
    _team, owner, _fay = crew
    api = api_as(owner)
    digest = api.client.put(
        "/api/v1/teams/crew/digest/settings",
        json={"slack_webhook_url": WEBHOOK, "email_enabled": False, "enabled": True},
        headers={"Authorization": f"Bearer {api.token}"},
    )
    assert digest.status_code == 200, digest.text
    assert ok(api.patch("/api/v1/teams/crew/pulse-settings", json={"threshold": 7}))
    assert ok(api.patch("/api/v1/teams/crew/goal-settings", json={"goals_per_digest": 5}))
    # The same value again changes nothing, and records nothing.
    assert ok(api.patch("/api/v1/teams/crew/goal-settings", json={"goals_per_digest": 5}))

    changes = {e.action: e.detail for e in events(app) if e.action.endswith("settings_changed")}
    assert changes == {
        "digest.settings_changed": {
            "changed": ["is_email_enabled", "is_enabled", "slack_webhook_url"]
        },
        "pulses.settings_changed": {"changed": ["threshold"]},
        "goals.settings_changed": {"changed": ["goals_per_digest"]},
    }
    everything = json.dumps([(e.detail, e.action, e.team_slug) for e in events(app)])
    assert "SECRET" not in everything and "hooks.slack.com" not in everything


def test_api_token_creation_and_revocation_show_in_each_team_of_the_holder(
    app: Any, crew: Any, make: Any, login_as: Any
) -> None:
    _team, _owner, fay = crew
    make.team(fay, slug="fays-own")
    portal = login_as(fay)
    assert portal.post("/account", {"name": "laptop"}).status_code == 200
    with app.app_context(), job_session(app) as db:
        token_id = db.scalar(select(ApiToken.id).where(ApiToken.name == "laptop"))
    assert portal.post(f"/account/tokens/{token_id}/revoke").status_code in (302, 303)
    found = sorted(
        (e.action, e.team_slug, e.detail["name"]) for e in events(app) if "token" in e.action
    )
    assert found == [
        ("token.created", "crew", "laptop"),
        ("token.created", "fays-own", "laptop"),
        ("token.revoked", "crew", "laptop"),
        ("token.revoked", "fays-own", "laptop"),
    ]


def test_old_events_are_pruned_by_the_scheduler_and_recent_ones_kept(
    app: Any, crew: Any, api_as: Any
) -> None:
    app.config["TEAMKIT"]["AUDIT_RETENTION_DAYS"] = 30
    _team, owner, _fay = crew
    api = api_as(owner)
    with time_machine.travel(datetime(2027, 1, 1, tzinfo=UTC), tick=False):
        assert ok(api.post("/api/v1/teams/crew/invites", json={"role": "member"}))
    with time_machine.travel(datetime(2027, 2, 15, tzinfo=UTC), tick=False):
        assert ok(api.post("/api/v1/teams/crew/invites", json={"role": "facilitator"}))
    with time_machine.travel(datetime(2027, 2, 20, tzinfo=UTC) + timedelta(hours=1), tick=False):
        prune_audit_log(app)
    assert [(e.action, e.detail) for e in events(app)] == [
        ("invite.created", {"role": "facilitator"})
    ]
