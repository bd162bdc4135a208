"""API: a team's digest settings, its preview, send now, and the delivery log."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request
from flask_smorest import Blueprint

from teamkit.api.pagination import PageArgsSchema, paginate
from teamkit.db import get_session, utcnow
from teamkit.digests import services
from teamkit.digests import settings as digest_settings
from teamkit.digests.schemas import (
    DeliveryPageSchema,
    DeliverySchema,
    DigestSettingsOutSchema,
    DigestSettingsSchema,
    PreviewArgsSchema,
    PreviewSchema,
    SendSchema,
)
from teamkit.errors import InvalidInput
from teamkit.goals import settings as goal_settings
from teamkit.teams.guard import current_membership, current_team
from teamkit.teams.models import Role
from teamkit.teams.roles import has_role, require_role

blp = Blueprint("digests_api", __name__, description="Digests: schedule, preview, delivery log.")


def _settings_out() -> digest_settings.SettingsReading:
    return digest_settings.read_settings(get_session(), current_team(), utcnow())


@blp.get("/teams/<slug>/digest/settings")
@blp.response(200, DigestSettingsOutSchema)
def get_settings(slug: str) -> digest_settings.SettingsReading:
    """Return the team's digest schedule and channels (the webhook masked)."""
    return _settings_out()


@blp.put("/teams/<slug>/digest/settings")
@blp.arguments(DigestSettingsSchema)
@blp.response(200, DigestSettingsOutSchema)
def put_settings(data: dict[str, Any], slug: str) -> digest_settings.SettingsReading:
    """Change the digest settings (owners and facilitators); fields left out stay as they are."""
    db, me = get_session(), current_membership()
    values = {name: value for name, value in data.items() if name != "max_goals"}
    if "slack_webhook_url" in values and values["slack_webhook_url"] is None:
        values["slack_webhook_url"] = ""
    errors: dict[str, str] = {}
    try:
        digest_settings.update_settings(db, me, values)
    except InvalidInput as error:
        errors.update(error.errors)
    if "max_goals" in data and not errors:
        try:
            goal_settings.set_goals_per_digest(db, me, data["max_goals"])
        except InvalidInput as error:
            errors["max_goals"] = "; ".join(error.errors.values())
    if errors:
        raise InvalidInput(errors)
    return _settings_out()


@blp.get("/teams/<slug>/digest/preview")
@blp.arguments(PreviewArgsSchema, location="query")
@blp.response(200, PreviewSchema)
def preview(args: dict[str, Any], slug: str) -> Any:
    """Return the digest as it would go out now (nothing recorded).

    `format=text` answers `text/plain` to a client that asks for it (`Accept: text/plain`),
    else JSON; `format=slack` gives the Slack message with its `blocks`.
    """
    rendered = services.preview(
        get_session(), current_app, current_team(), now=utcnow(), reader=current_membership()
    )
    kind = args["format"]
    if kind == "text":
        wanted = request.accept_mimetypes.best_match(["application/json", "text/plain"])
        if wanted == "text/plain":
            return Response(rendered.text, mimetype="text/plain")
        return {"format": kind, "subject": rendered.subject, "text": rendered.text}
    if kind == "html":
        return {"format": kind, "subject": rendered.subject, "html": rendered.html}
    return {"format": kind, "subject": rendered.subject, **rendered.slack}


@blp.post("/teams/<slug>/digest/send")
@blp.response(202, SendSchema)
def send(slug: str) -> dict[str, Any]:
    """Queue the digest now (owners and facilitators); the schedule stays as it is.

    `409` while a digest is on its way, or within ten minutes of the last one sent (the
    problem's `detail` says when it was sent), so a second click sends nobody a second copy.
    """
    created = services.send_now(get_session(), current_app, current_membership(), now=utcnow())
    return {"message": services.send_now_message(created), "deliveries": created}


@blp.get("/teams/<slug>/digest/deliveries")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, DeliveryPageSchema)
def list_deliveries(args: dict[str, Any], slug: str) -> dict[str, Any]:
    """List the team's deliveries, newest first (members: the digests they were sent)."""
    db, me, team = get_session(), current_membership(), current_team()
    if has_role(me, Role.FACILITATOR):
        statement = services.deliveries_statement(team)
    else:
        statement = services.deliveries_seen_by_statement(team, me.person)
    return paginate(db, statement, args)


@blp.post("/teams/<slug>/digest/deliveries/<int:delivery_id>/retry")
@blp.response(200, DeliverySchema)
def retry(slug: str, delivery_id: int) -> Any:
    """Queue a failed delivery again (owners); `409` unless it failed."""
    me = current_membership()
    require_role(me, Role.OWNER, "retry a delivery")
    return services.retry_delivery(get_session(), me, delivery_id)
