"""Portal: the goals on the team home page, the goal pages and their forms."""

from __future__ import annotations

import html as html_module
import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest

from teamkit.db import job_session, utcnow
from teamkit.goals.models import CheckIn, Goal, Reinforcement
from teamkit.goals.reinforcements import record_reinforcement
from teamkit.goals.services import Measure

HOME = "/t/crew/"
GOALS = "/t/crew/goals"
GOOD_GOAL = {"title": "Ship daily", "why": "Small changes are safe.", "owner_id": ""}


def _text(response):
    return response.get_data(as_text=True)


def _error_beside(html, field):
    """Return the error text shown beside a form field, or None."""
    match = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    return match.group(1).strip() if match else None


class _FormValues(HTMLParser):
    """Collect what a browser would submit from each POST form of a page, as it was filled."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._form: dict[str, str] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post":
            self._form = {}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self._form[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self._form[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self._form[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form[self._textarea] += data


def _form_values(html, field):
    """Return the fields of the page's form that has `field`, as a browser would submit them."""
    reader = _FormValues()
    reader.feed(html)
    [form] = [form for form in reader.forms if field in form]
    # Like a browser, drop the newline that follows a <textarea> tag.
    return {name: value.removeprefix("\r\n").removeprefix("\n") for name, value in form.items()}


def test_home_page_leads_with_the_north_star_and_slogans(crew, login_as, client, add_goal):
    add_goal("Second goal", slogan="Small steps, every day")
    add_goal("Our north star", slogan="Nobody waits", is_pinned=True)
    login_as(crew.member)
    html = _text(client.get(HOME))
    assert html.index("Our north star") < html.index("Second goal")
    assert '<p class="slogan">“Nobody waits”</p>' in html
    assert "North star" in html


def test_home_page_shows_progress_and_the_date_of_the_last_check_in(
    crew, login_as, client, add_goal
):
    at = utcnow() - timedelta(days=3)
    add_goal(measure=Measure(start=0, target=200, unit="customers"), check_ins=[(50, 4, at)])
    login_as(crew.member)
    html = _text(client.get(HOME))
    assert "50 of 200 customers" in html and "25% of the way" in html
    stamp = f"{at:%Y-%m-%dT%H:%M:%S}Z"
    assert f'Last check-in <time datetime="{stamp}">{at:%Y-%m-%d}</time>' in html
    assert "3 days ago" in html


def test_goal_without_check_in_for_14_days_is_visibly_stale(crew, login_as, client, add_goal):
    add_goal("Quiet goal", check_ins=[(None, 3, utcnow() - timedelta(days=15))])
    add_goal("Busy goal", check_ins=[(None, 3, utcnow() - timedelta(days=1))])
    login_as(crew.member)
    html = _text(client.get(HOME))
    assert html.count("Stale: no check-in for 14 days or more") == 1
    stale_cards = re.findall(r'<article class="goal-card is-stale".*?</article>', html, re.S)
    assert len(stale_cards) == 1 and "Quiet goal" in stale_cards[0]


def test_home_page_invites_a_facilitator_to_set_the_first_goal(crew, login_as, client):
    login_as(crew.facilitator)
    assert "Set the team's first goal" in _text(client.get(HOME))


def test_goal_page_shows_why_chart_history_and_reminders(crew, login_as, client, add_goal, app):
    start = utcnow() - timedelta(days=20)
    goal_id = add_goal(
        measure=Measure(start=0, target=10, unit="%"),
        slogan="Nobody waits",
        check_ins=[
            (2, 2, start),
            (5, 3, start + timedelta(days=7)),
            (None, 4, start + timedelta(days=14)),
        ],
    )
    with app.app_context(), job_session(app) as session:
        record_reinforcement(session, session.get(Goal, goal_id), "email")
    login_as(crew.member)
    html = _text(client.get(f"{GOALS}/{goal_id}"))
    assert "People who feel heard stay." in html
    assert 'role="img"' in html and "<title id=" in html and "<desc id=" in html
    assert "<circle" in html and "<rect" in html  # values and start: different shapes
    assert "target 10%" in html and "now 5%" in html  # labels in text, not colour
    assert html.count("<tr>") == 4  # the data table: a header and three check-ins
    assert "The team was reminded once" in html and "email digest." in html


def test_member_checks_in_through_the_portal(crew, login_as, client, add_goal, rows):
    goal_id = add_goal(measure=Measure(start=0, target=10))
    portal = login_as(crew.member)
    response = portal.post(f"{GOALS}/{goal_id}", {"value": "7", "confidence": "4", "note": "Close"})
    assert response.status_code == 303
    assert rows(CheckIn) == 1
    assert "Check-in recorded" in _text(client.get(response.location))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"value": "7", "confidence": "6"}, "confidence", "Choose how confident you are"),
        ({"value": "7"}, "confidence", "Choose how confident you are"),
        ({"value": "lots", "confidence": "3"}, "value", "Enter a number"),
        ({"value": "inf", "confidence": "3"}, "value", "finite number"),
    ],
)
def test_bad_check_in_shows_the_error_beside_the_field_with_422(
    crew, login_as, add_goal, rows, data, field, message
):
    goal_id = add_goal(measure=Measure(start=0, target=10))
    response = login_as(crew.member).post(f"{GOALS}/{goal_id}", data)
    assert response.status_code == 422
    assert message in (_error_beside(_text(response), field) or "")
    assert rows(CheckIn) == 0


def test_a_refused_check_in_stays_at_the_goal_address_keeping_what_was_typed(
    crew, login_as, client, add_goal, rows
):
    goal_id = add_goal(measure=Measure(start=0, target=10))
    portal = login_as(crew.member)
    form_action = re.search(
        r'<form method="post" action="([^"]+)" novalidate', _text(client.get(f"{GOALS}/{goal_id}"))
    )
    assert form_action is not None
    action = form_action.group(1)
    assert action == f"{GOALS}/{goal_id}#check-in"  # a reload or a bookmark is the goal page
    response = portal.post(action.split("#")[0], {"value": "lots", "note": "Blocked on review"})
    assert response.status_code == 422
    html = _text(response)
    assert 'value="lots"' in html and "Blocked on review</textarea>" in html
    assert "Choose how confident you are" in (_error_beside(html, "confidence") or "")
    assert rows(CheckIn) == 0


def test_every_check_in_error_shows_at_once(crew, login_as, add_goal, rows):
    goal_id = add_goal(measure=Measure(start=0, target=10))
    response = login_as(crew.member).post(
        f"{GOALS}/{goal_id}", {"value": "1,5", "note": "x" * 2001}
    )
    assert response.status_code == 422
    html = _text(response)
    assert "Use a dot for decimals" in (_error_beside(html, "value") or "")
    assert "Choose how confident you are" in (_error_beside(html, "confidence") or "")
    assert "Use at most 2000 characters" in (_error_beside(html, "note") or "")
    assert rows(CheckIn) == 0


@pytest.mark.parametrize("value", ["1,000", "2,5"])
def test_check_in_value_with_a_comma_is_refused_not_guessed(crew, login_as, add_goal, rows, value):
    goal_id = add_goal(measure=Measure(start=0, target=5000))
    response = login_as(crew.member).post(f"{GOALS}/{goal_id}", {"value": value, "confidence": "3"})
    assert response.status_code == 422
    assert "Use a dot for decimals and no thousands separators" in (
        _error_beside(_text(response), "value") or ""
    )
    assert rows(CheckIn) == 0


def test_goal_measure_with_a_comma_is_refused_not_guessed(crew, login_as, rows):
    response = login_as(crew.owner).post(
        f"{GOALS}/new", {**GOOD_GOAL, "measure_start": "1,000", "measure_target": "5000"}
    )
    assert response.status_code == 422
    assert "Use a dot for decimals and no thousands separators" in (
        _error_beside(_text(response), "measure_start") or ""
    )
    assert rows(Goal) == 0


def test_facilitator_sets_a_goal_through_the_form(crew, login_as, client, rows):
    portal = login_as(crew.facilitator)
    assert client.get(f"{GOALS}/new").status_code == 200
    response = portal.post(
        f"{GOALS}/new",
        {
            **GOOD_GOAL,
            "slogan": "Small steps",
            "measure_unit": "deploys",
            "measure_start": "3",
            "measure_target": "10",
            "target_date": "2027-01-31",
            "is_pinned": "y",
        },
    )
    assert response.status_code == 303
    html = _text(client.get(response.location))
    assert "“Small steps”" in html and "3 deploys now, from 3 up to 10 deploys" in html
    assert rows(Goal) == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"why": ""}, "why", "Say why this goal matters"),
        ({"slogan": "x" * 81}, "slogan", "80"),
        ({"measure_start": "abc", "measure_target": "10"}, "measure_start", "Enter a number"),
        ({"measure_start": "0", "measure_target": "nan"}, "measure_target", "finite"),
        ({"measure_start": "0"}, "measure_target", "Enter the target"),
        ({"target_date": "someday"}, "target_date", "date"),
    ],
)
def test_bad_goal_form_shows_the_error_beside_the_field_with_422_and_writes_nothing(
    crew, login_as, rows, data, field, message
):
    response = login_as(crew.owner).post(f"{GOALS}/new", {**GOOD_GOAL, **data})
    assert response.status_code == 422
    assert message in (_error_beside(_text(response), field) or ""), _text(response)
    assert rows(Goal) == 0


#: What WTForms says by default; teamkit says it in its own words.
WTFORMS_DEFAULTS = ("This field is required", "Field cannot be longer", "Not a valid")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": ""}, "title", "Enter what the team wants to reach."),
        ({"title": "x" * 121}, "title", "Use at most 120 characters."),
        ({"why": "x" * 2001}, "why", "Use at most 2000 characters."),
        ({"slogan": "x" * 81}, "slogan", "Use at most 80 characters."),
        (
            {"measure_unit": "x" * 25, "measure_start": "0", "measure_target": "1"},
            "measure_unit",
            "Use at most 24 characters.",
        ),
        (
            {"target_date": "someday"},
            "target_date",
            "Enter a date from 1900-01-01 to 9999-12-31, as YYYY-MM-DD.",
        ),
        ({"owner_id": "999"}, "owner_id", "Choose a member of this team as owner."),
    ],
)
def test_goal_form_errors_are_worded_like_the_rest_of_the_app(crew, login_as, data, field, message):
    response = login_as(crew.owner).post(f"{GOALS}/new", {**GOOD_GOAL, **data})
    html = _text(response)
    assert _error_beside(html, field) == message
    assert not any(default in html for default in WTFORMS_DEFAULTS)


def test_goal_status_must_be_one_of_the_three(crew, login_as, add_goal):
    goal_id = add_goal()
    response = login_as(crew.owner).post(
        f"{GOALS}/{goal_id}/edit", {**GOOD_GOAL, "status": "paused"}
    )
    assert response.status_code == 422
    assert _error_beside(_text(response), "status") == "Choose one of: active, achieved, dropped."


def test_every_goal_form_error_shows_at_once(crew, login_as, rows):
    response = login_as(crew.owner).post(
        f"{GOALS}/new", {**GOOD_GOAL, "title": "", "measure_start": "abc", "measure_target": "5"}
    )
    html = _text(response)
    assert _error_beside(html, "title") == "Enter what the team wants to reach."
    assert "Enter a number" in (_error_beside(html, "measure_start") or "")
    assert rows(Goal) == 0


def test_member_may_not_open_the_new_goal_form_or_edit(crew, login_as, client, add_goal):
    goal_id = add_goal()
    portal = login_as(crew.member)
    assert client.get(f"{GOALS}/new").status_code == 403
    assert client.get(f"{GOALS}/{goal_id}/edit").status_code == 403
    assert (
        portal.post(f"{GOALS}/{goal_id}/edit", {**GOOD_GOAL, "status": "active"}).status_code == 403
    )


def test_facilitator_edits_a_goal(crew, login_as, client, add_goal):
    goal_id = add_goal(slogan="Old line")
    portal = login_as(crew.facilitator)
    assert "Old line" in _text(client.get(f"{GOALS}/{goal_id}/edit"))
    response = portal.post(
        f"{GOALS}/{goal_id}/edit", {**GOOD_GOAL, "slogan": "New line", "status": "achieved"}
    )
    assert response.status_code == 303
    html = _text(client.get(response.location))
    assert "New line" in html and "Achieved" in html


@pytest.mark.parametrize(("start", "target"), [(0.125, 0.375), (1234.567, 2000), (0.001, 0.002)])
def test_editing_only_the_title_keeps_the_measure_exactly(
    crew, login_as, client, add_goal, app, start, target
):
    goal_id = add_goal(measure=Measure(start=start, target=target, unit="s"))
    portal = login_as(crew.facilitator)
    form = _form_values(_text(client.get(f"{GOALS}/{goal_id}/edit")), "measure_start")
    response = portal.post(f"{GOALS}/{goal_id}/edit", {**form, "title": "Renamed"})
    assert response.status_code == 303, _error_beside(_text(response), "measure_target")
    with app.app_context(), job_session(app) as session:
        goal = session.get(Goal, goal_id)
        assert (goal.title, goal.measure_start, goal.measure_target) == ("Renamed", start, target)


def test_facilitator_marks_we_reviewed_this_together(crew, login_as, client, add_goal, rows):
    goal_id = add_goal()
    portal = login_as(crew.facilitator)
    assert "We reviewed this together" in _text(client.get(f"{GOALS}/{goal_id}"))
    response = portal.post(f"{GOALS}/{goal_id}/reviewed")
    assert response.status_code == 303
    assert rows(Reinforcement) == 1
    assert "reviewed together" in _text(client.get(f"{GOALS}/{goal_id}"))


def test_two_quick_clicks_on_we_reviewed_this_together_count_once(
    crew, login_as, client, add_goal, rows
):
    goal_id = add_goal("Nobody waits")
    portal = login_as(crew.facilitator)
    portal.post(f"{GOALS}/{goal_id}/reviewed")
    again = portal.post(f"{GOALS}/{goal_id}/reviewed")
    assert again.status_code == 303
    assert rows(Reinforcement) == 1
    html = _text(client.get(again.location))
    assert "Already noted: the team reviewed “Nobody waits” at" in html
    assert "The team was reminded once," in html


def test_review_of_an_achieved_goal_is_refused_with_the_reason(
    crew, login_as, client, add_goal, rows
):
    goal_id = add_goal()
    portal = login_as(crew.facilitator)
    portal.post(f"{GOALS}/{goal_id}/edit", {**GOOD_GOAL, "status": "achieved"})
    response = portal.post(f"{GOALS}/{goal_id}/reviewed")
    assert response.status_code == 303
    assert "only active goals take reviews" in _text(client.get(response.location))
    assert rows(Reinforcement) == 0


def test_member_cannot_mark_a_review(crew, login_as, client, add_goal, rows):
    goal_id = add_goal()
    portal = login_as(crew.member)
    assert "We reviewed this together" not in _text(client.get(f"{GOALS}/{goal_id}"))
    assert portal.post(f"{GOALS}/{goal_id}/reviewed").status_code == 403
    assert rows(Reinforcement) == 0


def test_archived_goal_leaves_the_home_page_and_can_come_back(crew, login_as, client, add_goal):
    goal_id = add_goal("Old habit")
    portal = login_as(crew.facilitator)
    assert portal.post(f"{GOALS}/{goal_id}/archive").status_code == 303
    assert "Old habit</a>" not in _text(client.get(HOME))
    assert "Archived goals" in _text(client.get(GOALS))
    portal.post(f"{GOALS}/{goal_id}/unarchive")
    assert "Old habit</a>" in _text(client.get(HOME))


def test_move_down_changes_the_order_of_goals(crew, login_as, client, add_goal):
    first = add_goal("First")
    add_goal("Second")
    portal = login_as(crew.facilitator)
    portal.post(f"{GOALS}/{first}/move-down")
    html = _text(client.get(GOALS))
    assert html.index(">Second<") < html.index(">First<")


def test_goals_list_offers_no_move_past_the_edge_of_a_group(crew, login_as, client, add_goal):
    add_goal("Star", is_pinned=True)
    add_goal("First")
    add_goal("Last")
    login_as(crew.facilitator)
    html = _text(client.get(GOALS))
    moves = re.findall(r'(Move (?:up|down))<span class="visually-hidden"> (\w+)</span>', html)
    assert sorted(moves) == [("Move down", "First"), ("Move up", "Last")]


def test_moving_the_first_goal_up_says_nothing_moved(crew, login_as, client, add_goal):
    first = add_goal("First")
    add_goal("Second")
    response = login_as(crew.facilitator).post(f"{GOALS}/{first}/move-up")
    html = _text(client.get(response.location))
    assert "“First” is already first; nothing moved." in html and "Moved" not in html
    assert html.index(">First<") < html.index(">Second<")


def test_owner_deletes_a_goal_after_confirming(crew, login_as, client, add_goal, rows):
    goal_id = add_goal("Doomed", check_ins=[(None, 3, None)])
    portal = login_as(crew.owner)
    page = _text(client.get(f"{GOALS}/{goal_id}/delete"))
    assert "Delete “Doomed” for good?" in page and "1 check-in" in page
    assert rows(Goal) == 1  # looking at the confirmation deletes nothing
    assert portal.post(f"{GOALS}/{goal_id}/delete").status_code == 303
    assert (rows(Goal), rows(CheckIn)) == (0, 0)


def test_facilitator_cannot_delete_a_goal_for_good(crew, login_as, client, add_goal, rows):
    goal_id = add_goal()
    portal = login_as(crew.facilitator)
    assert client.get(f"{GOALS}/{goal_id}/delete").status_code == 403
    assert portal.post(f"{GOALS}/{goal_id}/delete").status_code == 403
    assert rows(Goal) == 1


@pytest.mark.parametrize("value", ["0", "11", "2.5", "lots", ""])
def test_goals_per_digest_out_of_range_says_which_numbers_fit(crew, login_as, value):
    bad = login_as(crew.facilitator).post(f"{GOALS}/settings", {"goals_per_digest": value})
    assert bad.status_code == 422
    assert _error_beside(_text(bad), "goals_per_digest") == "Choose a whole number from 1 to 10."


def test_goals_per_digest_setting_is_saved(crew, login_as, client):
    portal = login_as(crew.facilitator)
    assert portal.post(f"{GOALS}/settings", {"goals_per_digest": "5"}).status_code == 303
    assert "Each digest features 5 goals" in _text(client.get(GOALS))


def test_goal_settings_say_north_stars_leave_a_slot_for_the_other_goals(crew, login_as, client):
    login_as(crew.facilitator)
    html = _text(client.get(f"{GOALS}/settings"))
    assert "north-star goals come first, leaving at least one slot" in html
    assert "they take turns" in html and "always" not in html


def test_goal_pages_say_digests_go_out_on_the_teams_schedule(crew, login_as, client, add_goal):
    goal_id = add_goal()
    login_as(crew.facilitator)
    for path in (GOALS, f"{GOALS}/settings", f"{GOALS}/new", f"{GOALS}/{goal_id}/edit"):
        html = html_module.unescape(_text(client.get(path)))
        assert "digests go out on each team's own schedule" in html, path
        assert "not sent yet" not in html, path


def test_another_teams_goal_is_404_in_the_portal(crew, make, login_as, client, add_goal):
    other = make.team(make.person(), slug="other")
    other_owner = other.memberships[0].person
    goal_id = add_goal("Theirs", team=other, by=other_owner)
    portal = login_as(crew.owner)
    assert client.get(f"{GOALS}/{goal_id}").status_code == 404
    assert client.get(f"/t/other/goals/{goal_id}").status_code == 404
    assert portal.post(f"{GOALS}/{goal_id}", {"confidence": "3"}).status_code == 404


def test_goal_without_target_date_says_so_instead_of_none(crew, login_as, client, add_goal):
    goal_id = add_goal()
    login_as(crew.member)
    html = _text(client.get(f"{GOALS}/{goal_id}"))
    assert "<dt>Target date</dt><dd>No target date</dd>" in html
    assert ">None<" not in html


def test_goal_page_shows_its_target_date(crew, login_as, client, add_goal):
    goal_id = add_goal(target_date=date(2027, 1, 31))
    login_as(crew.member)
    html = _text(client.get(f"{GOALS}/{goal_id}"))
    assert '<dd><time datetime="2027-01-31">2027-01-31</time></dd>' in html


def _progress(html):
    """Return the progress of the (first) goal in words, as the page shows it."""
    match = re.search(r'<span id="goal-\d+-progress">(.*?)</span>', html, re.S)
    return " ".join(match.group(1).split()) if match else None


@pytest.mark.parametrize(
    ("measure", "value", "words"),
    [
        (
            Measure(start=0, target=200, unit="customers"),
            50,
            "50 of 200 customers · 25% of the way",
        ),
        (
            Measure(start=800, target=200, unit="milliseconds"),
            500,
            "500 milliseconds now, from 800 down to 200 milliseconds · 50% of the way",
        ),
        (
            Measure(start=800, target=200, unit="milliseconds"),
            100,
            "100 milliseconds now, from 800 down to 200 milliseconds · beyond the target",
        ),
        (
            Measure(start=0, target=10, unit="deploys"),
            10,
            "10 of 10 deploys · target reached",
        ),
        (Measure(start=0, target=1000), 996, "996 of 1,000 · 99% of the way"),
        (Measure(start=0, target=50), 60, "60 of 50 · beyond the target"),
        (
            Measure(start=5, target=0, unit="incidents"),
            7,
            "7 incidents now, from 5 down to 0 incidents · behind the start",
        ),
    ],
)
def test_progress_reads_right_whichever_way_the_goal_goes(
    crew, login_as, client, add_goal, measure, value, words
):
    goal_id = add_goal(measure=measure, check_ins=[(value, 3, None)])
    login_as(crew.member)
    assert words in (_progress(_text(client.get(f"{GOALS}/{goal_id}"))) or "")


def test_check_in_values_are_numbers_under_a_header_that_names_the_unit(
    crew, login_as, client, add_goal
):
    goal_id = add_goal(measure=Measure(start=0, target=12, unit="retros"), check_ins=[(1, 3, None)])
    login_as(crew.member)
    html = _text(client.get(f"{GOALS}/{goal_id}"))
    assert '<th scope="col">Value (retros)</th>' in html
    assert '<td data-label="Value (retros)">1</td>' in html
    assert "1 retros" not in html


@pytest.mark.parametrize("status", ["achieved", "dropped"])
def test_finished_goal_page_offers_no_check_in_or_review(crew, login_as, client, add_goal, status):
    goal_id = add_goal()
    portal = login_as(crew.owner)
    portal.post(f"{GOALS}/{goal_id}/edit", {**GOOD_GOAL, "status": status})
    html = _text(client.get(f"{GOALS}/{goal_id}"))
    assert "How confident are you" not in html and "We reviewed this together" not in html
    assert f"This goal is {status}: only active goals take check-ins and reviews." in html


def test_check_in_on_an_achieved_goal_is_refused_in_the_portal(
    crew, login_as, client, add_goal, rows
):
    goal_id = add_goal()
    login_as(crew.owner).post(f"{GOALS}/{goal_id}/edit", {**GOOD_GOAL, "status": "achieved"})
    response = login_as(crew.member).post(f"{GOALS}/{goal_id}", {"confidence": "4"})
    assert response.status_code == 409
    assert "only active goals take check-ins" in _text(response)
    assert rows(CheckIn) == 0


def test_home_page_links_to_the_achieved_goals(crew, login_as, client, add_goal):
    add_goal("Still going")
    done = add_goal("Reached it")
    login_as(crew.owner).post(
        f"{GOALS}/{done}/edit", {**GOOD_GOAL, "title": "Reached it", "status": "achieved"}
    )
    home = _text(client.get(HOME))
    assert "Reached it</a>" not in home
    assert f'<a href="{GOALS}?status=achieved">1 achieved goal</a>' in home
    achieved = _text(client.get(f"{GOALS}?status=achieved"))
    assert "Reached it</a>" in achieved and "Still going</a>" not in achieved
    assert '<strong aria-current="page">Achieved (1)</strong>' in achieved


def test_home_page_with_only_achieved_goals_invites_the_next_one(crew, login_as, client, add_goal):
    done = add_goal("Reached it")
    portal = login_as(crew.owner)
    portal.post(f"{GOALS}/{done}/edit", {**GOOD_GOAL, "title": "Reached it", "status": "achieved"})
    home = _text(client.get(HOME))
    assert "No goals yet" not in home and "No active goal right now" in home


def test_active_goal_past_its_target_date_is_marked_overdue_in_words(
    crew, login_as, client, add_goal
):
    late = date.today() - timedelta(days=3)
    goal_id = add_goal("Late goal", target_date=late)
    add_goal("Timely goal", target_date=date.today() + timedelta(days=30))
    login_as(crew.member)
    home = _text(client.get(HOME))
    assert home.count("Overdue") == 1
    assert f"Overdue: target date {late.isoformat()} has passed" in home
    assert "Overdue: the target date has passed" in _text(client.get(f"{GOALS}/{goal_id}"))


@pytest.mark.parametrize(("times", "words"), [(1, "once"), (2, "twice"), (3, "3 times")])
def test_reminders_are_counted_in_words(app, crew, login_as, client, add_goal, times, words):
    goal_id = add_goal("Nobody waits")
    with app.app_context(), job_session(app) as session:
        for _ in range(times):
            record_reinforcement(session, session.get(Goal, goal_id), "email")
    login_as(crew.member)
    assert f"The team was reminded {words}," in _text(client.get(f"{GOALS}/{goal_id}"))


def test_the_breadcrumb_leads_from_the_goals_to_this_goal(crew, login_as, client, add_goal):
    goal_id = add_goal("Nobody waits")
    login_as(crew.member)
    html = _text(client.get(f"{GOALS}/{goal_id}"))
    crumbs = re.search(r'<nav aria-label="Breadcrumb".*?</nav>', html, re.S)
    assert crumbs is not None
    assert f'<a href="{GOALS}">Goals</a>' in crumbs.group(0)
    assert '<li aria-current="page">Nobody waits</li>' in crumbs.group(0)
    assert "\u203a</p>" not in html


@pytest.mark.parametrize("page", [HOME, GOALS])
def test_an_empty_team_tells_each_person_what_they_can_do_next(crew, portal_of, page):
    member = _text(portal_of(crew.member).client.get(page))
    facilitator = _text(portal_of(crew.facilitator).client.get(page))
    assert "ask one of them" in member
    assert "catchy slogan" not in member and f'href="{GOALS}/new"' not in member
    assert f'href="{GOALS}/new"' in facilitator and "ask one of them" not in facilitator
