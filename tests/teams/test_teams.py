"""Teams, memberships, invites, roles, and switching between teams, through the portal."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from clients import PASSWORD, Portal, forge
from flask import Flask
from flask.testing import FlaskClient
from pages import field_error, flashes, heading
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.db import job_session, utcnow
from teamkit.teams import invites, services
from teamkit.teams.models import Invite, Membership, Role, Team

INVITE_LINK = re.compile(r'<input type="text" id="invite-url" value="([^"]+)" readonly')


@pytest.fixture
def invite_token(app: Flask, team: Team, owner: Person) -> Callable[..., str]:
    """Return a function that makes an invite to `team`, from its owner, and returns its token."""

    def make_invite(role: Role = Role.MEMBER, email: str | None = None) -> str:
        with job_session(app) as db:
            actor = services.find_membership(db, team.slug, db.merge(owner))
            assert actor is not None
            _invite, token = invites.create_invite(
                db,
                actor,
                role,
                secret_key=app.secret_key or "",
                ttl=timedelta(hours=168),
                email=email,
            )
        return token

    return make_invite


def role_of(session: Session, team: Team, person: Person) -> Role | None:
    return session.scalar(
        select(Membership.role).where(
            Membership.team_id == team.id, Membership.person_id == person.id
        )
    )


def membership_id(session: Session, team: Team, person: Person) -> int:
    found = session.scalar(
        select(Membership.id).where(
            Membership.team_id == team.id, Membership.person_id == person.id
        )
    )
    assert found is not None
    return found


def teams(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Team)) or 0


# ---------------------------------------------------------------- creating a team


def test_creating_a_team_makes_its_creator_the_owner(
    owner: Person, login_as: Any, session: Session
) -> None:
    response = login_as(owner).post("/teams", {"name": "Platform", "slug": "platform"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/t/platform/"
    team = session.scalar(select(Team).where(Team.slug == "platform"))
    assert team is not None
    assert role_of(session, team, owner) is Role.OWNER


def test_a_taken_slug_is_shown_beside_the_field_and_nothing_is_written(
    team: Team, make: Any, login_as: Any, session: Session
) -> None:
    response = login_as(make.person()).post("/teams", {"name": "Another", "slug": "core"})
    assert response.status_code == 422
    assert "taken" in (field_error(response.get_data(as_text=True), "slug") or "")
    assert teams(session) == 1


@pytest.mark.parametrize("slug", ["x", "new", "s" * 41, "!!", "Ω"])
def test_a_malformed_slug_is_shown_beside_the_field(
    owner: Person, login_as: Any, session: Session, slug: str
) -> None:
    response = login_as(owner).post("/teams", {"name": "Core", "slug": slug})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "slug")
    assert teams(session) == 0


def test_an_overlong_team_name_is_shown_beside_the_field(
    owner: Person, login_as: Any, session: Session
) -> None:
    response = login_as(owner).post("/teams", {"name": "n" * 81, "slug": "core"})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "name")
    assert teams(session) == 0


@pytest.mark.parametrize("name", ["Evil\r\nBcc: victim@example.com", "Tab\there", "Bell\x07"])
def test_a_team_name_with_a_line_break_or_control_character_is_shown_beside_the_field(
    owner: Person, login_as: Any, session: Session, name: str
) -> None:
    response = login_as(owner).post("/teams", {"name": name, "slug": "core"})
    assert response.status_code == 422
    assert "one line" in (field_error(response.get_data(as_text=True), "name") or "")
    assert teams(session) == 0


def test_a_team_page_greets_its_member_by_team_name(
    team: Team, owner: Person, login_as: Any, client: FlaskClient
) -> None:
    login_as(owner)
    assert "Core team" in client.get("/t/core/").get_data(as_text=True)


# ---------------------------------------------------------------- invites


def test_owner_creates_an_invite_link_on_the_members_page(
    team: Team, owner: Person, login_as: Any
) -> None:
    portal = login_as(owner)
    response = portal.post("/t/core/invites", {"role": "member"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/t/core/members"
    link = INVITE_LINK.search(portal.client.get("/t/core/members").get_data(as_text=True))
    assert link is not None
    assert link.group(1).startswith("http://teamkit.test/invites/")


def test_reloading_the_members_page_neither_repeats_nor_creates_an_invite(
    team: Team, owner: Person, login_as: Any, session: Session
) -> None:
    portal = login_as(owner)
    portal.post("/t/core/invites", {"role": "member"}, follow_redirects=True)
    again = portal.client.get("/t/core/members").get_data(as_text=True)
    assert INVITE_LINK.search(again) is None
    assert session.scalar(select(func.count()).select_from(Invite)) == 1


def test_invite_link_from_the_portal_lets_someone_join(
    team: Team, owner: Person, make: Any, portal_of: Callable[[Person], Portal], session: Session
) -> None:
    page = portal_of(owner).post("/t/core/invites", {"role": "facilitator"}, follow_redirects=True)
    link = INVITE_LINK.search(page.get_data(as_text=True))
    assert link is not None
    newcomer = make.person()
    response = portal_of(newcomer).post(link.group(1).removeprefix("http://teamkit.test"))
    assert response.status_code == 303
    assert response.headers["Location"] == "/t/core/"
    assert role_of(session, team, newcomer) is Role.FACILITATOR


def test_invite_page_asks_a_visitor_to_log_in_and_brings_them_back(
    invite_token: Callable[..., str], make: Any, portal: Portal, client: FlaskClient
) -> None:
    token = invite_token()
    page = client.get(f"/invites/{token}").text
    assert "Join Core team" in page
    log_in = re.search(r'href="(/login\?next=[^"]+)">Log in to join', page)
    assert log_in is not None
    newcomer = make.person()
    response = client.post(
        log_in.group(1),
        data={"email": newcomer.email, "password": PASSWORD, "csrf_token": portal.csrf_token()},
    )
    assert response.headers["Location"] == f"/invites/{token}"


def test_a_visitor_signs_up_and_joins_from_an_invite_in_one_step(
    invite_token: Callable[..., str], portal: Portal, client: FlaskClient, session: Session
) -> None:
    token = invite_token(Role.FACILITATOR)
    page = client.get(f"/invites/{token}").text
    assert "Create your account to join" in page
    response = portal.post(
        f"/invites/{token}", {"name": "Nell", "email": "nell@example.com", "password": PASSWORD}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/t/core/"
    home = client.get("/t/core/")
    assert home.status_code == 200
    assert "Welcome to teamkit, Nell. You joined Core team." in flashes(home.text)
    nell = session.scalar(select(Person).where(Person.email == "nell@example.com"))
    assert nell is not None
    assert role_of(session, session.scalars(select(Team)).one(), nell) is Role.FACILITATOR


def test_an_emailed_invite_fills_in_the_invited_email(
    invite_token: Callable[..., str], client: FlaskClient
) -> None:
    page = client.get(f"/invites/{invite_token(email='grace@example.com')}").text
    assert re.search(r'<input[^>]*id="email"[^>]*value="grace@example.com"', page)
    plain = client.get(f"/invites/{invite_token()}").text
    assert not re.search(r'<input[^>]*id="email"[^>]*value="[^"]', plain)


def test_a_sign_up_to_join_with_errors_shows_them_beside_the_fields_and_changes_nothing(
    invite_token: Callable[..., str], portal: Portal, session: Session
) -> None:
    token = invite_token()
    response = portal.post(
        f"/invites/{token}", {"name": "", "email": "nell@company.local", "password": "short"}
    )
    assert response.status_code == 422
    for name in ("name", "email", "password"):
        assert field_error(response.text, name), name
    assert session.scalar(select(func.count()).select_from(Person)) == 1  # the owner only
    assert session.scalar(select(Invite.used_at)) is None


def test_a_sign_up_to_join_with_a_taken_email_asks_to_log_in_and_then_joins(
    invite_token: Callable[..., str], make: Any, portal: Portal, session: Session
) -> None:
    token = invite_token()
    nell = make.person(email="nell@example.com", name="Nell")
    response = portal.post(
        f"/invites/{token}", {"name": "Other", "email": "nell@example.com", "password": "x" * 12}
    )
    assert response.headers["Location"] == f"/login?next=/invites/{token}"
    assert session.scalar(select(Invite.used_at)) is None
    logged_in = portal.post(
        response.headers["Location"], {"email": "nell@example.com", "password": PASSWORD}
    )
    assert logged_in.headers["Location"] == f"/invites/{token}"
    assert portal.post(f"/invites/{token}").headers["Location"] == "/t/core/"
    assert role_of(session, session.scalars(select(Team)).one(), nell) is Role.MEMBER


def test_invited_person_joins_in_the_invited_role(
    team: Team, invite_token: Callable[..., str], make: Any, login_as: Any, session: Session
) -> None:
    newcomer = make.person()
    response = login_as(newcomer).post(f"/invites/{invite_token(Role.FACILITATOR)}")
    assert response.status_code == 303
    assert role_of(session, team, newcomer) is Role.FACILITATOR


def test_a_used_invite_answers_410_and_adds_no_one(
    team: Team,
    invite_token: Callable[..., str],
    make: Any,
    portal_of: Callable[[Person], Portal],
    session: Session,
) -> None:
    token = invite_token()
    portal_of(make.person()).post(f"/invites/{token}")
    latecomer = make.person()
    response = portal_of(latecomer).post(f"/invites/{token}")
    assert response.status_code == 410
    assert "used already" in response.get_data(as_text=True)
    assert role_of(session, team, latecomer) is None


def test_an_expired_invite_answers_410(
    team: Team, invite_token: Callable[..., str], make: Any, login_as: Any, session: Session
) -> None:
    token = invite_token()
    newcomer = make.person()
    portal = login_as(newcomer)
    with time_machine.travel(utcnow() + timedelta(hours=169)):
        response = portal.post(f"/invites/{token}")
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)
    assert role_of(session, team, newcomer) is None


def test_an_invite_is_still_good_just_before_it_expires(
    team: Team, invite_token: Callable[..., str], make: Any, login_as: Any, session: Session
) -> None:
    token = invite_token()
    newcomer = make.person()
    portal = login_as(newcomer)
    with time_machine.travel(utcnow() + timedelta(hours=167)):
        response = portal.post(f"/invites/{token}")
    assert response.status_code == 303
    assert role_of(session, team, newcomer) is Role.MEMBER


def test_an_invite_with_a_bad_signature_answers_404(
    team: Team, invite_token: Callable[..., str], make: Any, login_as: Any
) -> None:
    token = invite_token()
    forged = forge(token)
    response = login_as(make.person()).client.get(f"/invites/{forged}")
    assert response.status_code == 404
    assert "not valid" in response.get_data(as_text=True)


def test_an_invite_signed_with_another_key_answers_404(
    team: Team, make: Any, login_as: Any
) -> None:
    from itsdangerous import URLSafeSerializer

    forged = URLSafeSerializer("not-our-key", salt=invites.INVITE_SALT).dumps("nonce")
    assert login_as(make.person()).client.get(f"/invites/{forged}").status_code == 404


def test_a_member_who_opens_an_invite_to_their_own_team_is_taken_to_it(
    team: Team, owner: Person, invite_token: Callable[..., str], login_as: Any, session: Session
) -> None:
    portal = login_as(owner)
    token = invite_token()
    for response in (portal.client.get(f"/invites/{token}"), portal.post(f"/invites/{token}")):
        assert response.status_code == 303
        assert response.location == "/t/core/"
    assert "You are a member of Core team already." in flashes(portal.client.get("/t/core/").text)
    invite = session.scalar(select(Invite))
    assert invite is not None and invite.used_at is None  # not spent


def test_a_person_who_joined_and_opens_the_used_link_again_is_taken_to_the_team(
    team: Team, invite_token: Callable[..., str], make: Any, portal_of: Callable[[Person], Portal]
) -> None:
    token = invite_token()
    portal = portal_of(make.person())
    assert portal.post(f"/invites/{token}").status_code == 303
    again = portal.client.get(f"/invites/{token}")
    assert again.status_code == 303 and again.location == "/t/core/"
    assert "used already" not in portal.client.get(again.location).text


def test_the_invite_page_says_who_invited_you_to_which_team(
    team: Team, invite_token: Callable[..., str], client: FlaskClient
) -> None:
    page = " ".join(client.get(f"/invites/{invite_token(Role.FACILITATOR)}").text.split())
    assert (
        "<strong>Olive Owner</strong> invited you to join <strong>Core team</strong> as "
        "<strong>facilitator</strong>." in page
    )


def test_the_members_page_says_no_invites_yet_before_the_first_one(
    team: Team, owner: Person, login_as: Any
) -> None:
    portal = login_as(owner)
    before = portal.client.get("/t/core/members").text
    assert "No invites yet." in before and "every link was used" not in before
    created = portal.post("/t/core/invites", {"role": "member"}, follow_redirects=True).text
    link = INVITE_LINK.search(created)
    assert link is not None
    assert '<input type="text" id="invite-url" value="' in created and " readonly " in created
    assert 'data-copy="invite-url" hidden>Copy link</button>' in created
    assert 'src="/static/teams/copy.js"' in created


def test_after_the_last_open_invite_the_page_says_every_link_was_used(
    team: Team, invite_token: Callable[..., str], make: Any, owner: Person, portal_of: Any
) -> None:
    portal_of(make.person()).post(f"/invites/{invite_token()}")
    page = portal_of(owner).client.get("/t/core/members").text
    assert "every link was used, revoked or has expired" in page


# ---------------------------------------------------------------- roles, removing, leaving


def test_owner_changes_a_members_role(
    team: Team, owner: Person, make: Any, login_as: Any, session: Session
) -> None:
    mia = make.member(team, make.person(name="Mia"))
    portal = login_as(owner)
    response = portal.post(
        f"/t/core/members/{membership_id(session, team, mia)}/role", {"role": "facilitator"}
    )
    assert response.status_code == 303
    assert role_of(session, team, mia) is Role.FACILITATOR
    assert "Mia is now a facilitator." in flashes(portal.client.get("/t/core/members").text)


def test_the_last_owner_cannot_step_down(
    team: Team, owner: Person, login_as: Any, session: Session
) -> None:
    portal = login_as(owner)
    portal.post(f"/t/core/members/{membership_id(session, team, owner)}/role", {"role": "member"})
    messages = flashes(portal.client.get("/t/core/members").text)
    assert any("always keeps an owner" in message for message in messages)
    assert role_of(session, team, owner) is Role.OWNER


def test_an_owner_can_step_down_once_there_is_another_owner(
    team: Team, owner: Person, make: Any, login_as: Any, session: Session
) -> None:
    make.member(team, role=Role.OWNER)
    portal = login_as(owner)
    url = f"/t/core/members/{membership_id(session, team, owner)}/role"
    portal.post(url, {"role": "member", "confirmed": "yes"})
    assert role_of(session, team, owner) is Role.MEMBER
    assert "You are now a member." in flashes(portal.client.get("/t/core/members").text)


@pytest.mark.parametrize(
    ("role", "also_lost"),
    [("facilitator", False), ("member", True)],
)
def test_an_owner_stepping_down_is_asked_first_and_told_what_they_lose(
    team: Team,
    owner: Person,
    make: Any,
    login_as: Any,
    session: Session,
    role: str,
    also_lost: bool,
) -> None:
    make.member(team, role=Role.OWNER)
    portal = login_as(owner)
    url = f"/t/core/members/{membership_id(session, team, owner)}/role"
    response = portal.post(url, {"role": role})
    assert response.status_code == 200
    assert role_of(session, team, owner) is Role.OWNER
    page = " ".join(response.text.split())
    assert heading(response.text) == "Step down as owner of Core team?"
    assert "change anyone's role or remove members" in page
    assert ("create, edit, reorder or archive goals" in page) is also_lost
    assert f'<input type="hidden" name="role" value="{role}">' in page
    assert '<input type="hidden" name="confirmed" value="yes">' in page


def test_an_unknown_role_is_refused(
    team: Team, owner: Person, make: Any, login_as: Any, session: Session
) -> None:
    mia = make.member(team)
    login_as(owner).post(
        f"/t/core/members/{membership_id(session, team, mia)}/role", {"role": "admin"}
    )
    assert role_of(session, team, mia) is Role.MEMBER


def test_owner_removes_a_member_who_then_gets_404(
    team: Team,
    owner: Person,
    make: Any,
    portal_of: Callable[[Person], Portal],
    session: Session,
) -> None:
    mia = make.member(team, make.person(name="Mia"))
    mias_browser = portal_of(mia)
    response = portal_of(owner).post(f"/t/core/members/{membership_id(session, team, mia)}/remove")
    assert response.status_code == 303
    assert role_of(session, team, mia) is None
    assert mias_browser.client.get("/t/core/").status_code == 404


def test_the_last_owner_cannot_be_removed(
    team: Team, owner: Person, login_as: Any, session: Session
) -> None:
    portal = login_as(owner)
    portal.post(f"/t/core/members/{membership_id(session, team, owner)}/remove")
    assert role_of(session, team, owner) is Role.OWNER


def test_an_owner_cannot_remove_someone_from_another_team(
    team: Team, owner: Person, make: Any, login_as: Any, session: Session
) -> None:
    other = make.team(slug="other")
    stranger = make.member(other)
    portal = login_as(owner)
    response = portal.post(f"/t/core/members/{membership_id(session, other, stranger)}/remove")
    assert response.status_code == 303
    assert role_of(session, other, stranger) is Role.MEMBER


def test_a_member_leaves_and_then_gets_404(
    team: Team, make: Any, login_as: Any, session: Session
) -> None:
    mia = make.member(team)
    portal = login_as(mia)
    response = portal.post("/t/core/leave")
    assert response.status_code == 303
    assert response.headers["Location"] == "/teams"
    assert role_of(session, team, mia) is None
    assert portal.client.get("/t/core/").status_code == 404


def test_the_last_owner_cannot_leave(
    team: Team, owner: Person, login_as: Any, session: Session
) -> None:
    portal = login_as(owner)
    portal.post("/t/core/leave")
    messages = flashes(portal.client.get("/t/core/members").text)
    assert any("always keeps an owner" in message for message in messages)
    assert role_of(session, team, owner) is Role.OWNER


def test_remove_on_the_members_page_asks_for_confirmation_first(
    team: Team, owner: Person, make: Any, login_as: Any, session: Session
) -> None:
    mia = make.member(team, make.person(name="Mia"))
    portal = login_as(owner)
    members_page = portal.client.get("/t/core/members").text
    assert (
        f'action="/t/core/members/{membership_id(session, team, mia)}/remove"' not in members_page
    )
    link = re.search(r'<a class="button small danger" href="([^"]+)">Remove', members_page)
    assert link is not None
    confirmation = portal.client.get(link.group(1))
    assert confirmation.status_code == 200
    assert heading(confirmation.text) == "Remove Mia from Core team?"
    assert role_of(session, team, mia) is Role.MEMBER
    assert "Remove Mia</button>" in confirmation.text
    portal.post(link.group(1))
    assert role_of(session, team, mia) is None


def test_leave_on_the_members_page_asks_for_confirmation_first(
    team: Team, make: Any, login_as: Any, session: Session
) -> None:
    mia = make.member(team)
    portal = login_as(mia)
    members_page = portal.client.get("/t/core/members").text
    assert 'action="/t/core/leave"' not in members_page
    assert 'href="/t/core/leave">Leave this team</a>' in members_page
    confirmation = portal.client.get("/t/core/leave")
    assert heading(confirmation.text) == "Leave Core team?"
    assert "Leave Core team</button>" in confirmation.text
    assert role_of(session, team, mia) is Role.MEMBER


def test_the_last_owner_is_told_to_hand_over_instead_of_offered_to_leave(
    team: Team, owner: Person, make: Any, login_as: Any
) -> None:
    make.member(team)
    portal = login_as(owner)
    members_page = portal.client.get("/t/core/members").text
    assert "/t/core/leave" not in members_page
    assert "To leave, first make another member owner" in " ".join(members_page.split())
    confirmation = portal.client.get("/t/core/leave")
    assert heading(confirmation.text) == "Make someone else owner first"
    assert "</button>" not in confirmation.text.split("<main", 1)[1]


def test_an_owner_with_a_fellow_owner_is_offered_to_leave(
    team: Team, owner: Person, make: Any, login_as: Any
) -> None:
    make.member(team, role=Role.OWNER)
    portal = login_as(owner)
    assert 'href="/t/core/leave">Leave this team</a>' in portal.client.get("/t/core/members").text
    assert heading(portal.client.get("/t/core/leave").text) == "Leave Core team?"


# ---------------------------------------------------------------- several teams


@pytest.fixture
def two_teams(make: Any, owner: Person, team: Team) -> Team:
    """Make `owner` a member of a second team, "Beta"."""
    beta = make.team(slug="beta", name="Beta")
    make.member(beta, owner)
    return beta


@pytest.mark.usefixtures("two_teams")
def test_a_person_in_two_teams_sees_both_listed_with_their_roles(
    owner: Person, login_as: Any
) -> None:
    page = login_as(owner).client.get("/teams").text
    listed = re.findall(r'<a href="/t/([^/]+)/">.*?<span class="badge">(\w+)</span>', page, re.S)
    assert listed == [("beta", "member"), ("core", "owner")]


@pytest.mark.usefixtures("two_teams")
def test_the_team_switcher_links_every_team_of_the_person(owner: Person, login_as: Any) -> None:
    page = login_as(owner).client.get("/t/core/").text
    switcher = page.split('<details class="switcher">', 1)[1].split("</details>", 1)[0]
    assert 'href="/t/core/"' in switcher
    assert 'href="/t/beta/"' in switcher
    assert 'aria-current="true">Core team' in switcher


@pytest.mark.usefixtures("two_teams")
def test_the_home_address_opens_the_team_visited_last(owner: Person, login_as: Any) -> None:
    portal = login_as(owner)
    portal.client.get("/t/beta/")
    assert portal.client.get("/").headers["Location"] == "/t/beta/"
    portal.client.get("/t/core/")
    assert portal.client.get("/").headers["Location"] == "/t/core/"


@pytest.mark.usefixtures("two_teams")
def test_a_person_in_two_teams_without_a_last_visit_picks_from_the_list(
    owner: Person, login_as: Any
) -> None:
    assert login_as(owner).client.get("/").headers["Location"] == "/teams"


def test_a_person_in_one_team_goes_straight_to_it(team: Team, owner: Person, login_as: Any) -> None:
    assert login_as(owner).client.get("/").headers["Location"] == "/t/core/"


def test_a_visitor_sees_the_landing_page(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert heading(response.text)


def test_the_landing_page_says_what_works_today(client: FlaskClient) -> None:
    page = client.get("/").text
    cards = {
        title: " ".join(re.sub(r"<[^>]+>", " ", body).split())
        for title, body in re.findall(r"<article[^>]*><h2>(.*?)</h2>(.*?)</article>", page, re.S)
    }
    assert cards["Common goals, repeated"].startswith("Works today")
    assert "check-ins" in cards["Common goals, repeated"]
    assert "email and Slack digests" in cards["Common goals, repeated"]
    assert cards["A safe place to speak"].startswith("Works today")
    assert "pulse surveys" in cards["A safe place to speak"]
    assert cards["Owning mistakes without blame"].startswith("Works today")
    assert "action items" in cards["Owning mistakes without blame"]
    footer = page.split('<footer class="site-footer">', 1)[1]
    assert "coming next" not in footer
