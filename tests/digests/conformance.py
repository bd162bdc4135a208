"""The digests capability's part of the OpenAPI conformance test (test_openapi_conformance).

The document says what it can of the digest settings: five whitespace-separated cron
fields, the characters of a time zone name, a webhook URL's length. Three rules are the
server's alone: whether the five fields are valid cron that fires (croniter), whether a
name is in the IANA zone database (600 names), and whether a webhook URL starts with a
prefix of TEAMKIT_WEBHOOK_ALLOW (a setting of the running server). A positive case gets
real values for those; negative cases are sent as generated.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from teamkit.db import job_session
from teamkit.digests import digest_config
from teamkit.digests.deliver import deliver_due
from teamkit.digests.models import DeliveryChannel
from teamkit.teams.models import Team

SETTINGS_PATH = "/teams/{slug}/digest/settings"
#: Valid values for the rules JSON Schema can't state, each of its kind.
CRONS = ("0 9 * * 1", "30 8 * * 1-5", "15 6 * * mon-fri", "0 0 1 * *")
TIMEZONES = ("Europe/Berlin", "UTC", "America/Argentina/Buenos_Aires", "Etc/GMT+5")


def seed(app: Flask, api: Any, path_values: dict[str, Any]) -> dict[str, Any]:
    """Make digests data for the team `path_values["slug"]`; return its path values.

    A Slack digest sent now whose webhook the team removes before it goes out fails for
    good, so `delivery_id` names a delivery the owner can really retry.
    """
    slug = path_values["slug"]
    webhook = f"{digest_config(app).webhook_allow[0]}services/T0/B0/conformance"
    settings_url = f"/api/v1/teams/{slug}/digest/settings"
    headers = {"Authorization": f"Bearer {api.token}"}  # tests.clients.Api has no put
    answer = api.client.put(
        settings_url, json={"email_enabled": False, "slack_webhook_url": webhook}, headers=headers
    )
    assert answer.status_code == 200, answer.get_json()
    answer = api.post(f"/api/v1/teams/{slug}/digest/send")
    assert answer.status_code == 202, answer.get_json()
    (delivery,) = answer.get_json()["deliveries"]
    assert delivery["channel"] == DeliveryChannel.SLACK.value
    answer = api.client.put(
        settings_url, json={"email_enabled": True, "slack_webhook_url": ""}, headers=headers
    )
    assert answer.status_code == 200, answer.get_json()
    with app.app_context():
        with job_session(app) as db:
            team_id = db.query(Team).filter_by(slug=slug).one().id
        report = deliver_due(app, team_id=team_id)
    assert report.failed == 1, report
    return {"delivery_id": delivery["id"], "digests_webhook": webhook}


def fix_positive(operation: Any, case: Any, path_values: dict[str, Any]) -> None:
    """Put values JSON Schema can't describe into a valid case of a digests operation."""
    body = case.body
    if not operation.path.endswith(SETTINGS_PATH) or not isinstance(body, dict):
        return
    # Which of the valid values is sent follows the generated one, so cases still differ.
    if "cron" in body:
        body["cron"] = CRONS[len(body["cron"]) % len(CRONS)]
    if "timezone" in body:
        body["timezone"] = TIMEZONES[len(body["timezone"]) % len(TIMEZONES)]
    webhook = body.get("slack_webhook_url")
    if isinstance(webhook, str) and webhook.strip():
        body["slack_webhook_url"] = path_values["digests_webhook"]
    # A digest needs a channel (a rule across fields, and across requests): a case that
    # turns email off keeps a webhook, one that removes the webhook keeps email on.
    if body.get("email_enabled") is False:
        body["slack_webhook_url"] = path_values["digests_webhook"]
    elif "slack_webhook_url" in body and not body["slack_webhook_url"]:
        body["email_enabled"] = True
