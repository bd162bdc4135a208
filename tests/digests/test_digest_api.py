"""The digest API: settings (webhook masked), preview in every format, send, deliveries."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from slack_sdk.models.blocks import Block

from digests.support import MONDAY, deliveries
from teamkit.digests.deliver import deliver_due

SETTINGS = "/api/v1/teams/crew/digest/settings"


def put(api, body):
    return api.client.put(SETTINGS, json=body, headers={"Authorization": f"Bearer {api.token}"})


def test_settings_round_trip_with_the_webhook_masked(digest_app, crew, api_as, slack):
    api = api_as(crew.owner)
    body = {
        "enabled": True,
        "cron": "0 9 * * 1-5",
        "timezone": "Europe/Berlin",
        "max_goals": 2,
        "email_enabled": True,
        "slack_webhook_url": slack.url("services/T1/B2/topsecretvalue"),
    }
    response = put(api, body)
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert answer["slack_webhook_url"] == f"{slack.base}…alue"
    assert answer["max_goals"] == 2 and answer["cron"] == "0 9 * * 1-5"
    assert len(answer["next_send_times"]) == 5
    assert api.get(SETTINGS).get_json() == answer
    # Leaving the webhook out keeps it; null removes it.
    assert (
        put(api, {"enabled": False}).get_json()["slack_webhook_url"] == answer["slack_webhook_url"]
    )
    cleared = put(api, {"slack_webhook_url": None}).get_json()
    assert cleared["slack_webhook_url"] is None and cleared["next_send_times"] == []


def test_bad_settings_are_a_problem_naming_each_field_and_change_nothing(digest_app, crew, api_as):
    api = api_as(crew.owner)
    put(api, {"enabled": True, "cron": "0 9 * * 1"})
    before = api.get(SETTINGS).get_json()
    response = put(
        api,
        {
            "cron": "0 9 * *",
            "timezone": "Nowhere/Land",
            "slack_webhook_url": "http://127.0.0.1:8080/admin",
            "max_goals": 3,
        },
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    fields = {error["field"] for error in response.get_json()["errors"]}
    assert fields == {"cron", "timezone", "slack_webhook_url"}
    assert api.get(SETTINGS).get_json() == before


def test_a_bad_max_goals_is_refused_with_the_rest_unchanged(digest_app, crew, api_as):
    api = api_as(crew.owner)
    response = put(api, {"enabled": True, "cron": "0 10 * * 1", "max_goals": 50})
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["max_goals"]
    assert api.get(SETTINGS).get_json()["enabled"] is False


def test_members_read_but_cannot_change_the_settings(digest_app, crew, api_as):
    api = api_as(crew.members[0])
    assert api.get(SETTINGS).status_code == 200
    assert put(api, {"enabled": True}).status_code == 403


def test_the_preview_comes_in_every_format(digest_app, crew, api_as):
    api = api_as(crew.members[0])
    text = api.get("/api/v1/teams/crew/digest/preview?format=text").get_json()
    assert text["subject"] == "Crew digest: Answer every customer!"
    assert "* Answer every customer" in text["text"]
    plain = api.client.get(
        "/api/v1/teams/crew/digest/preview",
        headers={"Authorization": f"Bearer {api.token}", "Accept": "text/plain"},
    )
    assert plain.mimetype == "text/plain" and plain.get_data(as_text=True) == text["text"]
    html = api.get("/api/v1/teams/crew/digest/preview?format=html").get_json()
    assert html["html"].startswith("<!DOCTYPE html>")
    slack = api.get("/api/v1/teams/crew/digest/preview?format=slack").get_json()
    for block in slack["blocks"]:
        Block.parse(block).validate_json()
    bad = api.get("/api/v1/teams/crew/digest/preview?format=pdf")
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "format"
    assert deliveries(digest_app) == []


def test_send_queues_a_delivery_that_the_log_then_lists(digest_app, crew, api_as, smtp):
    owner = api_as(crew.owner)
    assert owner.post("/api/v1/teams/crew/digest/send").status_code == 409  # nothing set up yet
    put(owner, {"enabled": False, "email_enabled": True})
    response = owner.post("/api/v1/teams/crew/digest/send")
    assert response.status_code == 202
    assert [d["status"] for d in response.get_json()["deliveries"]] == ["pending"]
    deliver_due(digest_app)
    listed = owner.get("/api/v1/teams/crew/digest/deliveries").get_json()
    assert [(d["channel"], d["status"], d["manual"]) for d in listed["items"]] == [
        ("email", "sent", True)
    ]
    member = api_as(crew.members[0])
    assert member.post("/api/v1/teams/crew/digest/send").status_code == 403
    assert len(member.get("/api/v1/teams/crew/digest/deliveries").get_json()["items"]) == 1


def test_the_api_lists_the_digest_endpoints_in_the_openapi_document(digest_app, client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/teams/{slug}/digest/settings",
        "/api/v1/teams/{slug}/digest/preview",
        "/api/v1/teams/{slug}/digest/send",
        "/api/v1/teams/{slug}/digest/deliveries",
    ):
        assert path in paths, path
    assert {"get", "put"} <= set(paths["/api/v1/teams/{slug}/digest/settings"])


def test_an_owner_retries_a_failed_delivery_through_the_api(digest_app, crew, api_as, slack):
    from digests.servers import Reply

    owner = api_as(crew.owner)
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        put(owner, {"enabled": True, "email_enabled": False, "slack_webhook_url": slack.url()})
    slack.answer(Reply(410, "channel_is_archived"))
    with time_machine.travel(MONDAY, tick=False):
        deliver_due(digest_app)
    (failed,) = deliveries(digest_app)
    url = f"/api/v1/teams/crew/digest/deliveries/{failed.id}/retry"
    assert api_as(crew.facilitator).post(url).status_code == 403
    assert owner.post(url).get_json()["status"] == "pending"
    assert owner.post(url).status_code == 409


def test_a_second_send_while_one_is_on_its_way_or_just_sent_is_refused_saying_when(
    digest_app, crew, api_as, smtp, slack
):
    owner = api_as(crew.owner)
    put(owner, {"enabled": False, "email_enabled": True, "slack_webhook_url": slack.url()})
    with time_machine.travel(MONDAY, tick=False) as clock:
        assert owner.post("/api/v1/teams/crew/digest/send").status_code == 202
        twice = owner.post("/api/v1/teams/crew/digest/send")
        assert twice.status_code == 409
        assert twice.headers["Content-Type"] == "application/problem+json"
        assert "already on its way (queued at 2026-06-01 09:00 UTC)" in twice.json["detail"]
        clock.shift(timedelta(minutes=1))
        deliver_due(digest_app)
        clock.shift(timedelta(minutes=8))
        again = owner.post("/api/v1/teams/crew/digest/send")
        assert again.status_code == 409
        assert "was sent at 2026-06-01 09:01 UTC" in again.json["detail"]
        assert "after 09:11 UTC" in again.json["detail"]
        clock.shift(timedelta(minutes=2))
        assert owner.post("/api/v1/teams/crew/digest/send").status_code == 202
        deliver_due(digest_app)
    assert len(smtp.box.to("max@example.com")) == 2 and len(slack.received) == 2
    assert len(deliveries(digest_app)) == 4
    goals = owner.get("/api/v1/teams/crew/goals").json["items"]
    assert {goal["reinforcement_count"] for goal in goals} == {2}


def test_a_schedule_more_often_than_once_a_day_is_refused_saying_why(digest_app, crew, api_as):
    api = api_as(crew.owner)
    response = put(api, {"enabled": True, "cron": "* * * * *"})
    assert response.status_code == 422
    (error,) = response.get_json()["errors"]
    assert error["field"] == "cron"
    assert "'* * * * *' would send up to 1440 digests a day" in error["message"]
    assert "at most once a day" in error["message"]
    assert put(api, {"enabled": True, "cron": "0 9 * * 1-5"}).status_code == 200
    assert put(api, {"cron": "0 8,12 * * *"}).status_code == 422
    assert api.get(SETTINGS).get_json()["cron"] == "0 9 * * 1-5"
