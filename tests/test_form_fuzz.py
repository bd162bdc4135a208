"""No value posted to any portal form ends in a 500, and a refused post writes nothing.

The forms are found the way a person finds them: by walking the portal's pages as the
demo team's owner and reading every `<form method="post">` on them, so a form added
later is fuzzed too. Hypothesis then posts each form with arbitrary values for its
fields (text of every kind, numbers past any column, broken dates, missing and unknown
fields), keeping the CSRF token valid so the values reach the form's own rules. Every
answer must be below 500, and every refusal (4xx) must leave every table as it was.

The URL map is the check on the walk: each portal route that takes a POST is either
fuzzed here or named in `NOT_FUZZED` with the reason.
"""

from __future__ import annotations

import hashlib
import re
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from clients import CSRF_RE
from digests.servers import SlackApiStandIn, SmtpServer
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import teamkit.models  # noqa: F401 - every table on Base.metadata
from teamkit.api.setup import API_PATH
from teamkit.db import Base, job_session
from teamkit.demo import DEMO_PASSWORD, DEMO_PEOPLE, DEMO_SLUG, seed_demo

#: Posts per form: enough to reach each field's rules with odd values, few enough for CI.
EXAMPLES = 12
#: What the Slack stand-in knows: a bot token and a channel the bot is in.
SLACK_TOKEN = "xoxb-1111-2222-abcdefghijkl"
SLACK_CHANNEL = "C0TEAMROOM"
#: Pages the walk opens at most (the demo team has a few dozen).
MAX_PAGES = 250

#: Routes that take a POST and are not fuzzed here, with why. A new route missing from
#: both the walk and this list fails the coverage test.
NOT_FUZZED = {
    # They end the session the walk runs in, and take no value of a person's.
    "auth.logout": "log out takes no input",
    "auth.logout_everywhere": "log out everywhere takes no input",
    # Forms reached only through an emailed link; their tokens are tested with the links.
    "recovery.reset_password": "reached from an emailed link",
    "recovery.confirm_email": "reached from an emailed link",
    "digests.unsubscribe": "reached from an emailed link",
    "digests.unsubscribe_pulse_mail": "reached from an emailed link",
    "teams.invite": "reached from an invite link",
    # Not a form: the editor's script posts JSON; test_the_coach_endpoint_… fuzzes it.
    "retros.check": "JSON from the editor's script",
    # Not forms: Slack posts them, signed; tests/slack_app/test_requests.py sends odd ones.
    "slack.slack_command": "posted by Slack, signed with the team's secret",
    "slack.slack_interaction": "posted by Slack, signed with the team's secret",
}

#: Forms the walk must reach but doesn't post: one success would end the walk's own
#: session, membership or team. Their refusals are tested in their own files.
DESTRUCTIVE = {
    "teams.delete_account",
    "teams.leave",
    "team_owners.delete",
    "team_owners.transfer",
}


@dataclass
class Form:
    """One form as a page shows it: where it posts and the fields it sends."""

    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)


class FormReader(HTMLParser):
    """Collect a page's links and its POST forms with their fields and offered values."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and values.get("href"):
            self.links.append(urljoin(self.page_url, values["href"]))
        elif tag == "form" and values.get("method", "get").lower() == "post":
            self._form = Form(urljoin(self.page_url, values.get("action") or self.page_url))
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag in {"input", "textarea", "select", "button"} and values.get("name"):
            name = values["name"]
            offered = self._form.fields.setdefault(name, [])
            if tag == "select":
                self._select = name
            elif values.get("value") is not None:
                offered.append(values["value"])
        elif tag == "option" and self._select is not None:
            self._form.fields[self._select].append(values.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _same_site_path(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.netloc not in {"", "localhost"} or not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def walk(app: Flask, client: FlaskClient, start: list[str]) -> dict[str, Form]:
    """Open every page reachable from `start`; return the first form of each endpoint."""
    adapter = app.url_map.bind("localhost")
    seen: set[str] = set()
    queue = list(start)
    forms: dict[str, Form] = {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in seen or path.startswith(API_PATH) or path.startswith("/static/"):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        reader = FormReader(f"http://localhost{url}")
        reader.feed(response.get_data(as_text=True))
        for form in reader.forms:
            action = _same_site_path(form.action)
            if action is not None:
                endpoint, _ = adapter.match(urlsplit(action).path, method="POST")
                form.action = action
                forms.setdefault(endpoint, form)
        for link in reader.links:
            target = _same_site_path(link.split("#")[0])
            if target is not None and target not in seen:
                queue.append(target)
    return forms


def database_fingerprint(app: Flask) -> str:
    """Hash every row of every table, so any write shows."""
    digest = hashlib.sha256()
    with app.app_context(), job_session(app) as db:
        for table in Base.metadata.sorted_tables:
            key = list(table.primary_key.columns) or list(table.columns)
            for row in db.execute(select(table).order_by(*key)):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


#: Text of every kind a person or a script can send in a form field: control characters,
#: right-to-left marks, emoji, markup, whitespace only (lone surrogates can't be encoded).
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
ODD_VALUES = st.one_of(
    ANY_TEXT,
    st.sampled_from(["", " ", "0", "-1", "1e309", "NaN", "inf", "2026-02-30", "9999-12-31T25:61"]),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.text(alphabet="ab ", min_size=5000, max_size=5001),
)


def form_values(form: Form) -> st.SearchStrategy[dict[str, Any]]:
    """A body for `form`: each field offered, odd, several times over or left out."""
    fields = {name: offered for name, offered in form.fields.items() if name != "csrf_token"}
    per_field = {
        name: st.one_of(
            st.none(),  # left out
            st.sampled_from(offered) if offered else ODD_VALUES,
            ODD_VALUES,
            st.lists(ODD_VALUES, min_size=2, max_size=3),  # the field sent twice or more
        )
        for name, offered in fields.items()
    }
    body = st.fixed_dictionaries(per_field) if per_field else st.just({})
    extra = st.dictionaries(st.sampled_from(["id", "team_id", "role", "zzz"]), ODD_VALUES)
    return st.tuples(body, extra).map(
        lambda pair: {k: v for k, v in {**pair[1], **pair[0]}.items() if v is not None}
    )


def log_in(app: Flask, email: str) -> FlaskClient:
    """Return a client logged in as the demo person with `email`."""
    client = app.test_client()
    token = CSRF_RE.search(client.get("/login").get_data(as_text=True))
    assert token is not None
    answer = client.post(
        "/login", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token.group(1)}
    )
    assert answer.status_code == 302
    return client


def _csrf(client: FlaskClient, page: str = "/account") -> str:
    match = CSRF_RE.search(client.get(page).get_data(as_text=True))
    assert match is not None
    return match.group(1)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def slack_api() -> Iterator[SlackApiStandIn]:
    server = SlackApiStandIn().start()
    server.add_workspace(SLACK_TOKEN)
    server.channels[SLACK_CHANNEL] = {"name": "team-room", "is_member": True}
    yield server
    server.stop()


@pytest.fixture
def demo(app: Flask, smtp: SmtpServer, slack_api: SlackApiStandIn) -> dict[str, FlaskClient]:
    """Seed the demo team with one of every state a form belongs to; return its people.

    Beside the demo data: an API token and an open invite (their revoke forms), an
    archived goal, a team survey template, and a draft retro with an action item the
    coach flags (its submit and keep-wording forms), and the team's Slack app connected.
    """
    # Mail is set up, as in a deployment: the forms that send mail are shown.
    app.config["TEAMKIT"]["SMTP_URL"] = smtp.url
    app.config["TEAMKIT"]["MAIL_FROM"] = "teamkit <teamkit@teamkit.test>"
    with app.app_context(), job_session(app) as db:
        seed_demo(db)
    owner = log_in(app, DEMO_PEOPLE[0][0])
    csrf = _csrf(owner)
    team = f"/t/{DEMO_SLUG}"
    made = [
        owner.post("/account", data={"name": "script", "csrf_token": csrf}),
        owner.post(f"{team}/invites", data={"role": "member", "csrf_token": csrf}),
        owner.post(f"{team}/goals/4/archive", data={"csrf_token": csrf}),
    ]
    assert all(answer.status_code in (200, 303) for answer in made), made
    token = re.search(r"<code[^>]*>(tk_[^<]+)</code>", made[0].get_data(as_text=True))
    assert token is not None, "the new API token isn't shown"
    api = {"Authorization": f"Bearer {token.group(1)}"}
    root = f"/api/v1/teams/{DEMO_SLUG}"
    retro = owner.post(f"{root}/retros", headers=api, json={"format": "incident", "title": "Fuzz"})
    assert retro.status_code == 201, retro.json
    item = {"title": "Grace should have been more careful", "retro_id": retro.json["id"]}
    item["owner"] = DEMO_PEOPLE[0][0]
    assert owner.post(f"{root}/action-items", headers=api, json=item).status_code == 201
    _boards_in_every_phase(owner, root, api)
    templates = owner.get(f"{team}/pulses/templates").get_data(as_text=True)
    copy = re.search(rf'action="({team}/pulses/templates/[^/"]+/copy)"', templates)
    assert copy is not None, "no form copies a survey template"
    assert owner.post(copy.group(1), data={"csrf_token": csrf}).status_code in (200, 303)
    # The team's Slack app connected (to a stand-in): its page's and the account's forms.
    app.config["TEAMKIT"]["SLACK_API_URL"] = slack_api.base
    connection = {"bot_token": SLACK_TOKEN, "signing_secret": "0" * 32, "channel": SLACK_CHANNEL}
    slack = owner.put(f"{root}/slack", headers=api, json=connection)
    assert slack.status_code == 200, slack.json
    member = log_in(app, DEMO_PEOPLE[2][0])
    return {"owner": owner, "member": member, "visitor": app.test_client()}


def _boards_in_every_phase(owner: FlaskClient, root: str, api: dict[str, str]) -> None:
    """Add team retro boards in review, write (with the owner's card), group, vote and
    discuss, so each phase's forms are on a page."""
    open_items = owner.get(f"{root}/action-items?status=open", headers=api).json["items"]

    def board(phase: str) -> None:
        made = owner.post(f"{root}/retros", headers=api, json={"format": "4ls", "title": phase})
        assert made.status_code == 201, made.json
        url = f"{root}/retros/{made.json['id']}"
        if phase == "review":
            return
        for item in open_items:
            decided = {"action_item_id": item["id"], "decision": "continue"}
            decided["due_date"] = item["due_date"] or "2030-01-31"
            owner.post(f"{url}/review-decisions", headers=api, json=decided)
        steps = ["write", "reveal", "group", "vote", "discuss"]
        for step in steps[: steps.index(phase) + 1]:
            if step == "write":
                assert (
                    owner.post(f"{url}/phase", headers=api, json={"phase": step}).status_code == 200
                )
                card = {"column": "liked", "text": "The demo", "anonymous": False}
                assert owner.post(f"{url}/cards", headers=api, json=card).status_code == 201
            else:
                owner.post(f"{url}/phase", headers=api, json={"phase": step})
            if step == "group":
                group = {"title": "Demos", "card_ids": []}
                assert owner.post(f"{url}/groups", headers=api, json=group).status_code == 201

    for phase in ("review", "write", "group", "vote", "discuss"):
        board(phase)


def fuzz(app: Flask, client: FlaskClient, forms: dict[str, Form], csrf: str) -> list[str]:
    """Post each form EXAMPLES times with odd values; return what went wrong."""
    failures: list[str] = []
    for endpoint, form in sorted(forms.items()):
        if endpoint in DESTRUCTIVE or endpoint in NOT_FUZZED:
            continue
        failure = _fuzz_form(app, client, form, csrf)
        if failure is not None:
            failures.append(f"POST {form.action} ({endpoint}): {failure}")
    return failures


def _fuzz_form(app: Flask, client: FlaskClient, form: Form, csrf: str) -> str | None:
    """Post `form` EXAMPLES times with odd values; return the first thing wrong."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    @given(body=form_values(form))
    def post(body: dict[str, Any]) -> None:
        before = database_fingerprint(app)
        response = client.post(form.action, data={**body, "csrf_token": csrf})
        assert response.status_code < 500, f"{response.status_code} for {_short(body)}"
        if 400 <= response.status_code < 500:
            assert database_fingerprint(app) == before, f"refused {_short(body)} but wrote"

    try:
        post()
    except Exception as error:  # a 500 raises in a testing app: report it with the rest
        return f"{type(error).__name__}: {error}".splitlines()[0] + f" ({_last_line(error)})"
    return None


def _short(body: dict[str, Any]) -> str:
    """Show a body with each long value cut short, for a readable failure."""
    return repr(
        {k: v if len(repr(v)) < 60 else f"{repr(v)[:40]}… ({len(v)})" for k, v in body.items()}
    )


def _last_line(error: BaseException) -> str:
    """Name the line of teamkit's code where `error` was raised."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "/teamkit/" in f.filename]
    return f"{frames[-1].filename.split('/teamkit/')[-1]}:{frames[-1].lineno}" if frames else "?"


# A failing body holds 5,000 characters; Hypothesis warns about showing it.
@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")
def test_every_portal_form_refuses_odd_values_cleanly(
    app: Flask, demo: dict[str, FlaskClient]
) -> None:
    team = f"/t/{DEMO_SLUG}/"
    walks = {
        "owner": walk(app, demo["owner"], ["/teams", "/account", team]),
        "member": walk(app, demo["member"], ["/teams", "/account", team]),
        "visitor": walk(app, demo["visitor"], ["/", "/login", "/signup", "/password/forgot"]),
    }
    # Coverage: every portal route that takes a POST is reached, or named as not fuzzed.
    posting = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or set()) and not rule.rule.startswith(API_PATH)
    }
    reached = set().union(*walks.values())
    unreached = posting - reached - set(NOT_FUZZED)
    assert unreached == set(), f"the walk reached no form for {sorted(unreached)}"

    # Each form once: a member's where only a member has it, a visitor's likewise.
    member_only = {k: v for k, v in walks["member"].items() if k not in walks["owner"]}
    visitor_only = {
        k: v for k, v in walks["visitor"].items() if k not in walks["owner"] | member_only
    }
    failures = fuzz(app, demo["owner"], walks["owner"], _csrf(demo["owner"]))
    failures += fuzz(app, demo["member"], member_only, _csrf(demo["member"]))
    failures += fuzz(app, demo["visitor"], visitor_only, _csrf(demo["visitor"], "/login"))
    assert failures == [], "\n".join(failures)


def test_the_coach_endpoint_refuses_any_other_json_cleanly(
    app: Flask, demo: dict[str, FlaskClient]
) -> None:
    """The editor's script posts {"text"} to the coach; any other JSON is a 400, never a 500."""
    client = demo["member"]
    headers = {"X-CSRFToken": _csrf(client)}
    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | ANY_TEXT,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ANY_TEXT, inner, max_size=3),
        max_leaves=6,
    )

    @settings(max_examples=EXAMPLES * 3, deadline=None, database=None, derandomize=True)
    @given(body=json_values | st.fixed_dictionaries({"text": ODD_VALUES}))
    def post(body: Any) -> None:
        answer = client.post(f"/t/{DEMO_SLUG}/retros/coach", json=body, headers=headers)
        text = body.get("text") if isinstance(body, dict) else None
        if isinstance(text, str) and "\x00" not in text and len(text) <= 20_000:
            assert answer.status_code == 200, (answer.status_code, body)
            assert isinstance(answer.json["flags"], list)
        else:
            assert answer.status_code in (200, 400), (answer.status_code, body)

    post()
