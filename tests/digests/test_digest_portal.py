"""The digest pages: settings, preview, send now, the delivery log, unsubscribe, account."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import time_machine
from clients import forge
from pages import field_error, flashes

from digests.servers import Reply
from digests.support import MONDAY, configure_digest, deliveries
from teamkit.db import job_session
from teamkit.digests.deliver import deliver_due, unsubscribe_url
from teamkit.digests.models import DeliveryStatus
from teamkit.digests.recipients import opted_out_team_ids
from teamkit.digests.settings import find_settings
from teamkit.teams.models import Team


def settings_form(**values):
    form = {
        "enabled": "y",
        "schedule": "weekly",
        "cron": "",
        "timezone": "Europe/Berlin",
        "email_enabled": "y",
        "slack_webhook_url": "",
    }
    form.update(values)
    return {k: v for k, v in form.items() if v is not None}


def stored(app, team):
    with app.app_context(), job_session(app) as session:
        found = find_settings(session, session.get(Team, team.id))
        if found is not None:
            session.expunge(found)
        return found


def test_a_facilitator_sets_the_schedule_and_sees_the_next_five_send_times(
    digest_app, crew, portal_of
):
    with time_machine.travel(MONDAY, tick=False):
        portal = portal_of(crew.facilitator)
        response = portal.post("/t/crew/digest", settings_form(schedule="weekdays"))
        assert response.status_code == 303
        page = portal.client.get("/t/crew/digest").get_data(as_text=True)
    assert "Digest settings saved." in flashes(page)
    times = re.findall(r"<li><time[^>]*>([^<]+)</time> \(Europe/Berlin\)", page)
    assert times == [
        "Tuesday 02 June 2026, 09:00",
        "Wednesday 03 June 2026, 09:00",
        "Thursday 04 June 2026, 09:00",
        "Friday 05 June 2026, 09:00",
        "Monday 08 June 2026, 09:00",
    ]
    assert stored(digest_app, crew.team).cron == "0 9 * * 1-5"


def test_a_custom_cron_and_a_webhook_are_saved_and_the_webhook_shown_masked(
    digest_app, crew, login_as, slack
):
    portal = login_as(crew.owner)
    url = slack.url("services/T1/B2/verysecretpart")
    response = portal.post(
        "/t/crew/digest", settings_form(schedule="custom", cron="30 8 * * 2", slack_webhook_url=url)
    )
    assert response.status_code == 303
    page = portal.client.get("/t/crew/digest").get_data(as_text=True)
    assert "verysecretpart" not in page
    assert f"{slack.base}…part" in page
    settings = stored(digest_app, crew.team)
    assert (settings.cron, settings.slack_webhook_url) == ("30 8 * * 2", url)


@pytest.mark.parametrize(
    ("values", "field", "says"),
    [
        ({"schedule": "custom", "cron": "99 * * * *"}, "cron", "not a valid cron expression"),
        ({"schedule": "custom", "cron": "* * * * *"}, "cron", "up to 1440 digests a day"),
        ({"schedule": "custom", "cron": "0 9,17 * * 1-5"}, "cron", "at most once a day"),
        ({"timezone": "Moon/Base"}, "timezone", "not a known time zone"),
        ({"slack_webhook_url": "https://10.0.0.1/hook"}, "slack_webhook_url", "starts with"),
    ],
)
def test_bad_settings_are_shown_beside_the_field_and_change_nothing(
    digest_app, crew, login_as, values, field, says
):
    configure_digest(digest_app, crew.team, crew.owner, enabled=True, cron="0 9 * * 1")
    portal = login_as(crew.owner)
    response = portal.post("/t/crew/digest", settings_form(**values))
    assert response.status_code == 422
    assert says in (field_error(response.get_data(as_text=True), field) or "")
    after = stored(digest_app, crew.team)
    assert (after.cron, after.timezone, after.slack_webhook_url) == ("0 9 * * 1", "UTC", None)


def test_members_see_the_schedule_but_cannot_change_it(digest_app, crew, login_as):
    portal = login_as(crew.members[0])
    page = portal.client.get("/t/crew/digest").get_data(as_text=True)
    assert (
        "Owners and facilitators set the schedule" in page
        and '<form method="post" novalidate' not in page
    )
    assert portal.post("/t/crew/digest", settings_form()).status_code == 403
    assert stored(digest_app, crew.team) is None


def test_the_preview_shows_every_rendering_and_records_nothing(digest_app, crew, login_as):
    portal = login_as(crew.members[0])
    page = portal.client.get("/t/crew/digest/preview").get_data(as_text=True)
    assert "Email as plain text" in page and "Slack" in page
    assert "Why: Because answer every customer matters." in page
    assert '"type": "header"' in html.unescape(page)
    frame = portal.client.get("/t/crew/digest/preview/email.html")
    assert (
        frame.mimetype == "text/html"
        and "frame-ancestors 'self'" in frame.headers["Content-Security-Policy"]
    )
    assert "Answer every customer" in frame.get_data(as_text=True)
    assert deliveries(digest_app) == []


def test_send_now_goes_through_the_log_and_leaves_the_schedule_alone(
    digest_app, crew, portal_of, smtp
):
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        configure_digest(digest_app, crew.team, crew.owner, enabled=True)
    before = stored(digest_app, crew.team).next_run_at
    with time_machine.travel(MONDAY - timedelta(hours=20), tick=False):
        portal = portal_of(crew.facilitator)
        response = portal.post("/t/crew/digest/send")
        assert response.status_code == 303
        assert response.headers["Location"].endswith("/t/crew/digest/deliveries")
        deliver_due(digest_app)
    (delivery,) = deliveries(digest_app)
    assert delivery.is_manual and delivery.status is DeliveryStatus.SENT
    assert len(smtp.box.messages) == 4
    assert stored(digest_app, crew.team).next_run_at == before
    member = portal_of(crew.members[0])
    assert member.post("/t/crew/digest/send").status_code == 303
    assert "Only owners and facilitators can send the digest now." in flashes(
        member.client.get("/t/crew/digest/preview").get_data(as_text=True)
    )


def test_the_send_now_button_asks_once_saying_what_it_will_do_and_a_second_is_refused(
    digest_app, crew, portal_of, smtp
):
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        configure_digest(digest_app, crew.team, crew.owner, enabled=True)
    with time_machine.travel(MONDAY, tick=False):
        portal = portal_of(crew.facilitator)
        preview = portal.client.get("/t/crew/digest/preview").get_data(as_text=True)
        assert '<details class="card send-now" id="send-now">' in preview
        assert "This will email it to 4 members now" in preview
        assert portal.post("/t/crew/digest/send").status_code == 303
        again = portal.post("/t/crew/digest/send")
        assert again.headers["Location"].endswith("/t/crew/digest/preview")
        shown = flashes(portal.client.get("/t/crew/digest/preview").get_data(as_text=True))
    assert any(
        "A digest is already on its way (queued at 2026-06-01 09:00 UTC)" in f for f in shown
    )
    assert len(deliveries(digest_app)) == 1


def test_owners_retry_a_failed_delivery_from_the_log(digest_app, crew, portal_of, slack):
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        configure_digest(
            digest_app,
            crew.team,
            crew.owner,
            enabled=True,
            email_enabled=False,
            slack_webhook_url=slack.url(),
        )
    slack.answer(Reply(404, "no_service"))
    with time_machine.travel(MONDAY, tick=False):
        deliver_due(digest_app)
    (failed,) = deliveries(digest_app)
    owner = portal_of(crew.owner)
    page = owner.client.get("/t/crew/digest/deliveries").get_data(as_text=True)
    assert "Slack answered 404: no_service" in page and "Retry" in page
    facilitator = portal_of(crew.facilitator)
    assert facilitator.post(f"/t/crew/digest/deliveries/{failed.id}/retry").status_code == 303
    assert deliveries(digest_app)[0].status is DeliveryStatus.FAILED
    assert owner.post(f"/t/crew/digest/deliveries/{failed.id}/retry").status_code == 303
    assert deliveries(digest_app)[0].status is DeliveryStatus.PENDING
    deliver_due(digest_app)  # now, when the retry was asked for
    assert deliveries(digest_app)[0].status is DeliveryStatus.SENT


def test_members_see_the_digests_they_were_sent(digest_app, crew, portal_of, make):
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        configure_digest(digest_app, crew.team, crew.owner, enabled=True)
    with time_machine.travel(MONDAY, tick=False):
        deliver_due(digest_app)
    newcomer = make.member(crew.team)
    page = portal_of(crew.members[0]).client.get("/t/crew/digest/deliveries").get_data(as_text=True)
    assert "The digests you were sent" in page and "Crew digest: Answer every customer!" in page
    later = portal_of(newcomer).client.get("/t/crew/digest/deliveries").get_data(as_text=True)
    assert "No digest or pulse mail yet." in later


def test_the_unsubscribe_link_asks_first_then_one_post_unsubscribes_without_logging_in(
    digest_app, crew, client
):
    link = unsubscribe_url(digest_app, crew.members[0].id, crew.team.id, crew.members[0].link_key)
    path = link.removeprefix("http://teamkit.test")
    page = client.get(path).get_data(as_text=True)
    assert "Stop Crew's digest emails?" in page
    with digest_app.app_context(), job_session(digest_app) as session:
        assert opted_out_team_ids(session, crew.members[0]) == set()
    # RFC 8058: a POST alone, from the mail client, no cookie, no CSRF token.
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "You're unsubscribed" in response.get_data(as_text=True)
    with digest_app.app_context(), job_session(digest_app) as session:
        assert opted_out_team_ids(session, crew.members[0]) == {crew.team.id}
    assert client.post(path).status_code == 200  # twice is fine


def test_a_forged_unsubscribe_token_is_refused_and_changes_nothing(digest_app, crew, client):
    link = unsubscribe_url(digest_app, crew.members[0].id, crew.team.id, crew.members[0].link_key)
    forged = forge(link.rsplit("/", 1)[1])
    response = client.post(f"/digest/unsubscribe/{forged}")
    assert response.status_code == 422
    assert "not valid" in response.get_data(as_text=True)
    with digest_app.app_context(), job_session(digest_app) as session:
        assert opted_out_team_ids(session, crew.members[0]) == set()


def test_an_expired_unsubscribe_token_is_refused(digest_app, crew, client):
    with time_machine.travel(MONDAY - timedelta(days=200), tick=False):
        link = unsubscribe_url(
            digest_app, crew.members[0].id, crew.team.id, crew.members[0].link_key
        )
    with time_machine.travel(MONDAY, tick=False):
        response = client.post(link.removeprefix("http://teamkit.test"))
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)


def test_the_account_page_turns_the_email_off_and_on_again(digest_app, crew, login_as):
    portal = login_as(crew.members[0])
    page = portal.client.get("/account").get_data(as_text=True)
    assert "Crew: you get the digest by email" in page
    response = portal.post("/account/digest-email", {"team_id": crew.team.id, "email": "off"})
    assert response.status_code == 303
    page = portal.client.get("/account").get_data(as_text=True)
    assert "Crew: no digest email" in page
    portal.post("/account/digest-email", {"team_id": crew.team.id, "email": "on"})
    assert "Crew: you get the digest by email" in portal.client.get("/account").get_data(
        as_text=True
    )


def test_nobody_opts_out_of_a_team_they_are_not_in(digest_app, crew, make, login_as):
    outsider = make.person()
    portal = login_as(outsider)
    response = portal.post("/account/digest-email", {"team_id": crew.team.id, "email": "off"})
    assert response.status_code == 404


def test_the_team_navigation_links_to_the_digest(digest_app, crew, login_as):
    page = login_as(crew.members[0]).client.get("/t/crew/").get_data(as_text=True)
    assert 'href="/t/crew/digest"' in page


def test_a_rejected_settings_form_names_each_invalid_field_for_assistive_technology(
    digest_app, crew, portal_of
):
    from test_accessibility import PageAudit

    response = portal_of(crew.owner).post(
        "/t/crew/digest",
        settings_form(schedule="custom", cron="nope", timezone="Nowhere", slack_webhook_url="x"),
    )
    assert response.status_code == 422
    parser = PageAudit()
    parser.feed(response.get_data(as_text=True))
    assert parser.problems() == []
    assert {"cron", "timezone", "slack_webhook_url"} <= set(parser.invalid_controls())


def test_an_unsubscribe_page_with_a_valid_link_passes_the_audit(digest_app, crew, client):
    from test_accessibility import audit

    link = unsubscribe_url(digest_app, crew.members[0].id, crew.team.id, crew.members[0].link_key)
    path = link.removeprefix("http://teamkit.test")
    assert audit(client.get(path).get_data(as_text=True)) == []
    assert audit(client.post(path).get_data(as_text=True)) == []


def test_the_unsubscribe_link_of_a_deleted_team_says_it_is_gone(digest_app, crew, client):
    link = unsubscribe_url(digest_app, crew.members[0].id, crew.team.id, crew.members[0].link_key)
    with digest_app.app_context(), job_session(digest_app) as session:
        session.delete(session.get(Team, crew.team.id))
    response = client.get(link.removeprefix("http://teamkit.test"))
    assert response.status_code == 410 and "no longer exists" in response.get_data(as_text=True)
