"""Every portal page a person can open is well-formed for assistive technology.

The pages are found by walking the URL map, so pages added later are checked too.
"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from typing import Any

import pytest
from clients import PASSWORD, Portal
from flask import Flask
from nu import check
from urlmap import team_rules
from werkzeug.routing import IntegerConverter

from teamkit.teams.models import Role

VISITOR_PAGES = [
    "/",
    "/login",
    "/signup",
    "/no-such-page",
    "/api/docs",
    "/digest/unsubscribe/not-a-token",
    "/pulse-mail/unsubscribe/not-a-token",
    "/password/forgot",
    "/password/reset/not-a-token",
]
PERSON_PAGES = ["/teams", "/account", "/account/delete"]


class PageAudit(HTMLParser):
    """Collect what an accessibility check needs from one page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.label_for: set[str] = set()
        self.controls: list[dict[str, str | None]] = []
        self.inside_label = 0
        self.autofocus = 0
        self.none_attributes: list[str] = []
        self.invalid_groups: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if value == "None":
                self.none_attributes.append(f"<{tag} {name}=None>")
        if values.get("id"):
            self.ids[values["id"]] += 1
        if "autofocus" in values:
            self.autofocus += 1
        if tag == "label":
            self.inside_label += 1
            if values.get("for"):
                self.label_for.add(values["for"] or "")
        if tag == "fieldset" and "field-invalid" in (values.get("class") or "").split():
            # A group of radios or checkboxes: the group carries the error.
            self.invalid_groups.append(values)
        if tag in {"input", "select", "textarea"} and values.get("type") not in {
            "hidden",
            "submit",
        }:
            self.controls.append({**values, "wrapped": "yes" if self.inside_label else None})

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self.inside_label:
            self.inside_label -= 1

    def problems(self) -> list[str]:
        found = list(self.none_attributes)
        found += [f"id {name!r} used {n} times" for name, n in self.ids.items() if n > 1]
        if self.autofocus > 1:
            found.append(f"{self.autofocus} fields ask for focus")
        for control in self.controls:
            if control["wrapped"] or (control.get("id") or "") in self.label_for:
                continue
            if control.get("aria-label"):
                continue
            found.append(f"unlabelled control {control}")
        for control in self.controls:
            for reference in (control.get("aria-describedby") or "").split():
                if reference not in self.ids:
                    found.append(f"aria-describedby points at missing #{reference}")
        invalid = [c for c in self.controls if c.get("aria-invalid") == "true"]
        for control in [*invalid, *self.invalid_groups]:
            references = (control.get("aria-describedby") or "").split()
            if not any(reference.endswith("-error") for reference in references):
                found.append(f"invalid field {control} not described by its error")
            found += [f"#{ref} is missing" for ref in references if ref not in self.ids]
        return found

    def invalid_controls(self) -> list[str]:
        """Name the fields marked invalid: controls, and groups (by their error's id)."""
        names = [str(c.get("name")) for c in self.controls if c.get("aria-invalid") == "true"]
        for group in self.invalid_groups:
            names += [
                reference.removesuffix("-error")
                for reference in (group.get("aria-describedby") or "").split()
                if reference.endswith("-error")
            ]
        return names


def audit(html: str) -> list[str]:
    parser = PageAudit()
    parser.feed(html)
    return parser.problems()


@pytest.fixture
def team_pages(app: Flask, make: Any, login_as: Any, api_as: Any) -> tuple[Any, list[str]]:
    """Log in an owner of a team with a goal; return the portal and every team page to open."""
    owner = make.person(name="Ada")
    team = make.team(owner, slug="core", name="Core team")
    make.member(team, make.person(name="Grace Hopper", email="grace@example.com"), Role.FACILITATOR)
    api = api_as(owner)
    goal = api.post(
        "/api/v1/teams/core/goals",
        json={
            "title": "Ship",
            "why": "Because.",
            "slogan": "Ship it",
            "pinned": True,
            "target_date": "2030-06-30",
            "measure": {"unit": "%", "start": 0, "target": 10},
        },
    )
    assert goal.status_code == 201
    goal_id = goal.json["id"]
    for value in (2, 5):
        api.post(
            f"/api/v1/teams/core/goals/{goal_id}/checkins",
            json={"value": value, "note": "On track.", "confidence": 4},
        )
    api.post(f"/api/v1/teams/core/goals/{goal_id}/reinforcements")
    invite = api.post("/api/v1/teams/core/invites", json={"role": "member"})
    assert invite.status_code == 201
    app.config["TEST_INVITE_PATH"] = "/invites/" + invite.json["token"]
    portal = login_as(owner)
    urls = []
    for rule in team_rules(app):
        if "GET" not in (rule.methods or set()) or rule.rule.startswith("/api/"):
            continue
        converters = rule._converters
        values = {
            name: goal_id if isinstance(converters.get(name), IntegerConverter) else "core"
            for name in rule.arguments
        }
        urls.append(rule.build(values, append_unknown=False)[1])
    return portal, urls


@pytest.mark.parametrize("path", VISITOR_PAGES)
def test_visitor_pages_pass_the_audit(client: Any, path: str) -> None:
    assert audit(client.get(path).text) == []


def test_an_expired_form_page_passes_the_audit(client: Any) -> None:
    response = client.post("/signup", data={})  # refused: no CSRF token
    assert response.status_code == 400
    assert audit(response.text) == []


def _audit_rejected(response: Any) -> tuple[list[str], list[str]]:
    assert response.status_code == 422, response.status_code
    parser = PageAudit()
    parser.feed(response.text)
    return parser.problems(), parser.invalid_controls()


def test_a_rejected_sign_up_form_names_each_invalid_field_for_assistive_technology(
    portal: Any,
) -> None:
    response = portal.post("/signup", data={"email": "not an email", "name": "", "password": "x"})
    problems, invalid = _audit_rejected(response)
    assert problems == []
    assert {"email", "name", "password"} <= set(invalid)


def rejected_forms(team_pages: Any) -> dict[str, Any]:
    """Post the team, goal and check-in forms with invalid fields; return the answers."""
    portal, urls = team_pages
    goal_page = next(url for url in urls if url.rstrip("/").split("/")[-1].isdigit())
    return {
        "team": portal.post("/teams", data={"name": "", "slug": "!!"}),
        "goal": portal.post(
            "/t/core/goals/new",
            data={"title": "Ship", "slogan": "x" * 81, "owner_id": "", "status": "active"},
        ),
        "check-in": portal.post(goal_page, data={"value": "a lot"}),
    }


def test_rejected_team_goal_and_check_in_forms_pass_the_audit(team_pages: Any) -> None:
    rejected = rejected_forms(team_pages)
    results = {form: _audit_rejected(response) for form, response in rejected.items()}
    assert {form: problems for form, (problems, _) in results.items() if problems} == {}
    invalid = {form: set(names) for form, (_, names) in results.items()}
    assert invalid == {
        "team": {"name", "slug"},
        "goal": {"why", "slogan"},
        "check-in": {"value", "confidence"},
    }


def more_pages(app: Flask, team_pages: Any) -> dict[str, str]:
    """Return pages the URL map alone doesn't reach: an invite, a new link, a member's view."""
    portal, urls = team_pages
    goal_page = next(url for url in urls if url.rstrip("/").split("/")[-1].isdigit())
    invite = app.config["TEST_INVITE_PATH"]
    pages = {
        "invite for a visitor": app.test_client().get(invite).text,
        "invite for a person": portal.client.get(invite).text,
        "members with a new link": portal.post(
            "/t/core/invites", data={"role": "member"}, follow_redirects=True
        ).text,
    }
    member = Portal(app.test_client())
    member.client.post(
        "/login",
        data={
            "email": "grace@example.com",
            "password": PASSWORD,
            "csrf_token": member.csrf_token("/login"),
        },
    )
    for url in ("/t/core/", "/t/core/goals", "/t/core/members", goal_page, "/account/delete"):
        pages[f"{url} for a facilitator"] = member.client.get(url).text
    return pages | mail_pages(app, portal)


def mail_pages(app: Flask, portal: Portal) -> dict[str, str]:
    """Return the pages of emailed links, and the forms that change once mail is set up."""
    from sqlalchemy import select

    from teamkit.auth import recovery
    from teamkit.auth.models import Person
    from teamkit.db import job_session

    with app.app_context(), job_session(app) as session:
        ada = session.scalars(select(Person).where(Person.name == "Ada")).one()
        reset = recovery.reset_token(app.secret_key or "", ada)
        change = recovery.ask_email_change(
            session,
            ada,
            "ada@new.example",
            PASSWORD,
            secret_key=app.secret_key or "",
            confirm_by_mail=True,
        )
    visitor = Portal(app.test_client())
    pages = {
        "reset password": visitor.client.get(f"/password/reset/{reset}").text,
        "rejected reset": visitor.post(f"/password/reset/{reset}", {"new_password": "x"}).text,
        "confirm email": portal.client.get(f"/account/email/confirm/{change.token}").text,
        "rejected email change": portal.post(
            "/account/email", {"new_email": "nope", "password": ""}
        ).text,
    }
    settings = app.config["TEAMKIT"]
    settings["SMTP_URL"] = "smtp://127.0.0.1:9"  # pages only: nothing is sent
    try:
        pages["forgot password with mail"] = visitor.client.get("/password/forgot").text
        pages["account with mail"] = portal.client.get("/account").text
        pages["members with mail"] = portal.client.get("/t/core/members").text
        pages["rejected emailed invite"] = portal.post(
            "/t/core/invites", {"role": "member", "email": "nope"}
        ).text
    finally:
        settings["SMTP_URL"] = ""
    return pages


def test_every_team_page_and_personal_page_passes_the_audit(app: Flask, team_pages: Any) -> None:
    portal, urls = team_pages
    checked = {}
    for url in [*PERSON_PAGES, *urls]:
        response = portal.client.get(url)
        if response.status_code == 200:
            checked[url] = audit(response.text)
    checked |= {name: audit(page) for name, page in more_pages(app, team_pages).items()}
    assert len(checked) >= 15, sorted(checked)
    assert {url: problems for url, problems in checked.items() if problems} == {}


def test_every_audited_page_is_valid_html(app: Flask, team_pages: Any, tmp_path: Any) -> None:
    """The Nu HTML checker finds no error on any page the audits above open."""
    visitor = app.test_client()
    pages = {path: visitor.get(path).text for path in VISITOR_PAGES}
    pages["expired form"] = visitor.post("/signup", data={}).text
    pages["rejected sign-up"] = (
        Portal(app.test_client())
        .post("/signup", data={"email": "not an email", "name": "", "password": "x"})
        .text
    )
    portal, urls = team_pages
    pages |= {f"rejected {form}": r.text for form, r in rejected_forms(team_pages).items()}
    for url in [*PERSON_PAGES, *urls]:
        response = portal.client.get(url)
        if response.mimetype == "text/html":
            pages[url] = response.text
    pages |= more_pages(app, team_pages)
    assert len(pages) >= 26, sorted(pages)
    errors = check(pages, tmp_path)
    assert errors == {}, "\n".join(f"{page}: {e}" for page, found in errors.items() for e in found)


def test_every_pulse_page_passes_the_audit(
    app: Flask, make: Any, login_as: Any, api_as: Any, tmp_path: Any
) -> None:
    owner = make.person(name="Ada")
    team = make.team(owner, slug="core", name="Core team")
    others = [make.member(team) for _ in range(5)]
    base = "/api/v1/teams/core"
    owner_api = api_as(owner)
    made = owner_api.post(
        f"{base}/pulse-templates",
        json={"title": "Ours", "items": [{"text": "We finish."}], "questions": ["What else?"]},
    )
    assert made.status_code == 201
    closed = owner_api.post(f"{base}/pulses", json={"asks_goal_recall": True}).json
    answers = {str(i["id"]): 5 for i in closed["items"]}
    for person in others:
        body = {"answers": answers, "comment": "Heard.", "goal_recall": "ship"}
        assert (
            api_as(person).post(f"{base}/pulses/{closed['id']}/answers", json=body).status_code
            == 201
        )
    owner_api.post(f"{base}/pulses/{closed['id']}/close")
    # A plan on the pulse, and a reply to a comment: each shows its status form.
    note = {"text": "Timebox the standups.", "due_date": "2026-12-20", "status": "in_progress"}
    assert owner_api.post(f"{base}/pulses/{closed['id']}/replies", json=note).status_code == 201
    said = owner_api.get(f"{base}/pulses/{closed['id']}/results").json["comments"][0]["id"]
    reply = {"text": "We hear you."}
    replied = owner_api.post(f"{base}/pulses/{closed['id']}/comments/{said}/replies", json=reply)
    assert replied.status_code == 201
    opened = owner_api.post(f"{base}/pulses", json={"template": "ours"}).json
    portal = login_as(owner)
    pages = [
        "/t/core/",
        "/t/core/pulses",
        "/t/core/pulses/new",
        "/t/core/pulses/settings",
        "/t/core/pulses/templates",
        "/t/core/pulses/templates/new",
        "/t/core/pulses/templates/ours-copy/edit",
        f"/t/core/pulses/{closed['id']}",
        f"/t/core/pulses/{opened['id']}",
    ]
    portal.post("/t/core/pulses/templates/ours/copy")
    checked = {}
    for url in pages:
        response = portal.client.get(url)
        assert response.status_code == 200, url
        checked[url] = audit(response.text)
    assert {url: problems for url, problems in checked.items() if problems} == {}
    rejected = {
        "answer": portal.post(f"/t/core/pulses/{opened['id']}/answer", data={"comment": "x"}),
        "settings": portal.post(
            "/t/core/pulses/settings", data={"threshold": "1", "window_days": "0"}
        ),
        "template": portal.post("/t/core/pulses/templates/new", data={"title": ""}),
        "reply": portal.post(f"/t/core/pulses/{closed['id']}/replies", data={"text": ""}),
    }
    results = {form: _audit_rejected(response) for form, response in rejected.items()}
    assert {form: problems for form, (problems, _) in results.items() if problems} == {}
    # The results with their plans, and a refused plan, are valid HTML too.
    html = {"results": portal.client.get(f"/t/core/pulses/{closed['id']}").text}
    html["refused plan"] = rejected["reply"].text
    assert check(html, tmp_path) == {}
    invalid = {form: set(names) for form, (_, names) in results.items()}
    assert invalid["settings"] == {"threshold", "window_days"}
    assert invalid["template"] == {"title", "items"}
    assert invalid["reply"] == {"text"}
    assert len(invalid["answer"]) == 1  # the one statement to rate


@pytest.fixture
def retro_pages(team_pages: Any, api_as: Any, make: Any) -> tuple[Any, int, list[str]]:
    """Add a retro with a timeline entry, a factor and an action item; return its pages."""
    portal, _urls = team_pages
    me = portal.client.get("/account")
    assert me.status_code == 200
    from sqlalchemy import select

    from teamkit.auth.models import Person
    from teamkit.db import job_session

    app = portal.client.application
    with app.app_context(), job_session(app) as session:
        owner = session.scalars(select(Person).where(Person.name == "Ada")).one()
    api = api_as(owner)
    retro = api.post(
        "/api/v1/teams/core/retros",
        json={"format": "incident", "title": "Outage", "summary": "Human error."},
    ).json
    base = f"/api/v1/teams/core/retros/{retro['id']}"
    api.post(f"{base}/timeline", json={"occurred_at": "2026-11-30T14:00:00Z", "note": "Alert"})
    api.post(f"{base}/factors", json={"category": "tooling", "description": "No alert"})
    api.post(
        "/api/v1/teams/core/action-items",
        json={"title": "Add an alert", "owner": owner.email, "retro_id": retro["id"]},
    )
    api.post(f"{base}/review")
    page = f"/t/core/retros/{retro['id']}"
    urls = [
        "/t/core/retros",
        "/t/core/retros/new",
        "/t/core/retros/search?q=alert",
        "/t/core/retros/settings",
        "/t/core/action-items",
        page,
        f"{page}/edit",
        f"{page}/print",
        f"{page}/publish",
    ]
    return portal, retro["id"], urls


def test_every_retro_page_passes_the_audit(retro_pages: Any) -> None:
    portal, _retro_id, urls = retro_pages
    checked = {}
    for url in urls:
        response = portal.client.get(url)
        assert response.status_code == 200, url
        checked[url] = audit(response.text)
    assert {url: problems for url, problems in checked.items() if problems} == {}


def test_rejected_retro_forms_pass_the_audit(retro_pages: Any) -> None:
    portal, retro_id, _urls = retro_pages
    page = f"/t/core/retros/{retro_id}"
    rejected = {
        "retro": portal.post(
            "/t/core/retros/new",
            data={"title": "", "started_at": "2026-11-30T14:00", "ended_at": "noon"},
        ),
        "timeline": portal.post(f"{page}/timeline", data={"occurred_at": "noon", "note": ""}),
        "factor": portal.post(f"{page}/factors", data={"category": "blame", "description": ""}),
        "action": portal.post(f"{page}/action-items", data={"title": "", "due_date": "soon"}),
        "search": portal.client.get("/t/core/retros/search?q=%21%21"),
        "settings": portal.post("/t/core/retros/settings", data={"sev1_name": ""}),
    }
    results = {form: _audit_rejected(response) for form, response in rejected.items()}
    assert {form: problems for form, (problems, _) in results.items() if problems} == {}
    invalid = {form: set(names) for form, (_, names) in results.items()}
    assert invalid == {
        "retro": {"title", "ended_at"},
        "timeline": {"occurred_at", "note"},
        "factor": {"category", "description"},
        "action": {"title", "due_date", "owner_id"},
        "search": {"q"},
        "settings": {"sev1_name"},
    }


RICH = (
    "The deploy at 14:00 raised the pool size per worker.\n\n"
    "- checkout timed out\n- payments queued\n\n"
    "```\npool_size: 40\n```\n\nSee [the dashboard](https://example.com/d)."
)


def test_every_retro_page_with_full_data_is_valid_html(
    app: Flask, make: Any, login_as: Any, portal_of: Any, api_as: Any, tmp_path: Any
) -> None:
    """Retro pages with every part filled in, seen by an owner and by a member, are valid."""
    from sqlalchemy import select

    from teamkit.db import job_session
    from teamkit.teams.models import Membership

    owner = make.person(name="Ada")
    team = make.team(owner, slug="core", name="Core team")
    member = make.member(team, make.person(name="Grace Hopper", email="grace@example.com"))
    with app.app_context(), job_session(app) as session:
        ids = list(session.scalars(select(Membership.id).where(Membership.team_id == team.id)))
    api = api_as(owner)
    goal = api.post(
        "/api/v1/teams/core/goals",
        json={"title": "Small, safe changes", "why": "Less risk.", "slogan": "Small steps"},
    ).json
    retros = []
    for title, summary in [
        ("Checkout down for 40 minutes", RICH),
        ("Backups ran twice", "Grace forgot the renewal. The root cause was human error."),
    ]:
        made = api.post(
            "/api/v1/teams/core/retros",
            json={
                "format": "incident",
                "title": title,
                "summary": summary,
                "started_at": "2026-11-30T14:00:00Z",
                "ended_at": "2026-11-30T14:40:00Z",
                "severity": 2,
                "tags": ["payments", "database"],
                "participant_ids": ids,
                **{name: RICH for name in ("customer_impact", "detection", "went_well")},
                **{name: RICH for name in ("went_wrong", "got_lucky", "lessons")},
            },
        )
        assert made.status_code == 201, made.json
        retro = made.json
        base = f"/api/v1/teams/core/retros/{retro['id']}"
        for when, kind in [
            ("2026-11-30T13:53:00Z", "event"),
            ("2026-11-30T14:05:00Z", "detected"),
            ("2026-11-30T14:30:00Z", "mitigated"),
            ("2026-11-30T15:40:00Z", "resolved"),
        ]:
            entry = {"occurred_at": when, "kind": kind, "note": RICH, "author_id": ids[-1]}
            assert api.post(f"{base}/timeline", json=entry).status_code == 201
        for category in ("technical", "tooling", "process"):
            factor = {"category": category, "description": RICH}
            assert api.post(f"{base}/factors", json=factor).status_code == 201
        for item_title, due in [("Alert on pool saturation", "2026-01-05"), ("Add a canary", None)]:
            item = api.post(
                "/api/v1/teams/core/action-items",
                json={
                    "title": item_title,
                    "owner": "grace@example.com",
                    "retro_id": retro["id"],
                    "due_date": due,
                    "goal_id": goal["id"],
                },
            ).json
        api.patch(
            f"/api/v1/teams/core/action-items/{item['id']}",
            json={"status": "done", "closing_note": "Canary stage added for config changes."},
        )
        api.patch(base, json={"title": f"{title} (edited)"})
        assert api.post(f"{base}/review").status_code == 200
        retros.append(retro["id"])
    assert api.post(f"/api/v1/teams/core/retros/{retros[0]}/publish").status_code == 200
    published, in_review = (f"/t/core/retros/{retro_id}" for retro_id in retros)
    shared = [
        "/t/core/",
        "/t/core/retros",
        "/t/core/retros?status=published",
        "/t/core/retros/search?q=pool",
        "/t/core/action-items",
        "/t/core/action-items?status=open&overdue=1",
        f"/t/core/goals/{goal['id']}",
        published,
        in_review,
        f"{published}/print",
        f"{in_review}/edit",
    ]
    pages: dict[str, str] = {}
    for who, portal, urls in [
        ("owner", login_as(owner), [*shared, f"{in_review}/publish", "/t/core/retros/settings"]),
        ("member", portal_of(member), shared),
    ]:
        for url in urls:
            response = portal.client.get(url)
            assert response.status_code == 200, (who, url)
            pages[f"{url} as {who}"] = response.text
        item_id = item["id"] - 2  # the first retro's overdue item, which Grace owns
        for back in ("list", ""):
            refused = portal.post(
                f"/t/core/action-items/{item_id}",
                data={"status": "done", "closing_note": "", "back": back, "filters": "overdue=1"},
            )
            assert refused.status_code == 422, (who, back)
            pages[f"closing without a note ({back or 'retro'}) as {who}"] = refused.text
    assert not [page for page in pages.values() if audit(page)]
    errors = check(pages, tmp_path)
    assert errors == {}, "\n".join(f"{page}: {e}" for page, found in errors.items() for e in found)
