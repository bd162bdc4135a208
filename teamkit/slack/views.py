"""Portal pages: connecting the team's Slack app, its manifest, and a person's Slack match;
and the two addresses Slack itself posts to (commands, interactions), signed by the app."""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from teamkit.auth.models import Person
from teamkit.db import get_session
from teamkit.errors import ServiceError
from teamkit.extensions import csrf, limiter
from teamkit.forms import attempt, form_status, submit_form
from teamkit.slack import actions, people, requests, setting
from teamkit.slack import settings as slack_settings
from teamkit.slack.forms import ConnectForm
from teamkit.slack.manifest import SCOPES, manifest
from teamkit.teams.guard import current_membership, current_team
from teamkit.teams.models import Role
from teamkit.teams.roles import has_role, require_role

bp = Blueprint("slack", __name__)


@bp.route("/t/<slug>/slack", methods=["GET", "POST"])
def settings(slug: str) -> str | Response | tuple[str, int]:
    """Show whether the team's Slack app is connected; owners connect it."""
    db, me, team = get_session(), current_membership(), current_team()
    stored = slack_settings.get_settings(db, team)
    may_change = has_role(me, Role.OWNER)
    form = ConnectForm(data={"channel": stored.channel_id if stored else ""})
    if request.method == "POST":
        require_role(me, Role.OWNER, "connect Slack")
        form = ConnectForm()
        sent = submit_form(form, lambda: slack_settings.update_settings(db, me, form.values()))
        if sent.ok:
            flash("Slack is connected: the token and the channel check out.", "success")
            return redirect(url_for("slack.settings", slug=slug), 303)
        stored = slack_settings.get_settings(db, team)
    shown = slack_settings.describe(stored, current_app.config["SECRET_KEY"]) if may_change else {}
    if stored is not None and may_change:
        keep = " Leave it empty to keep it."
        form.bot_token.description = f"Now: {shown['bot_token']}.{keep}"
        form.signing_secret.description = f"Now: {shown['signing_secret']}.{keep}"
    else:
        form.bot_token.description = (
            "Your app → OAuth & Permissions → Bot User OAuth Token (xoxb-…)."
        )
        form.signing_secret.description = (
            "Your app → Basic Information → App Credentials → Signing Secret."
        )
    return (
        render_template(
            "slack/settings.html",
            team=team,
            form=form,
            stored=stored,
            may_change=may_change,
            scopes=SCOPES,
        ),
        form_status(form),
    )


@bp.get("/t/<slug>/slack/manifest.json")
def manifest_json(slug: str) -> Response:
    """Return the app manifest to paste into Slack (owners)."""
    require_role(current_membership(), Role.OWNER, "create the Slack app")
    base_url = current_app.config["TEAMKIT"].get("BASE_URL", "http://127.0.0.1:5000")
    return jsonify(manifest(base_url, current_team().name))


@bp.post("/t/<slug>/slack/disconnect")
def disconnect(slug: str) -> Response:
    """Forget the team's Slack app and its secrets (owners)."""
    done = attempt(lambda: slack_settings.disconnect(get_session(), current_membership()))
    if done.error is not None:
        flash(done.error.detail, "error")
    elif done.value:
        flash("Slack is disconnected: its token and signing secret are deleted.", "success")
    return redirect(url_for("slack.settings", slug=slug), 303)


# ---------------------------------------------------------------- the account page


def account_context(session: Session, person: Person) -> dict[str, Any]:
    """Fill the account page's Slack block: who the person is in each team's workspace."""
    return {"slack_matches": people.matches_of(session, current_app, person)}


@bp.post("/account/slack")
@login_required
def account_slack() -> Response:
    """Turn a team's Slack direct messages on or off, or look the person up again."""
    team_id = request.form.get("team_id", type=int)
    action = request.form.get("action")
    if team_id is None or action not in {"dm-on", "dm-off", "look-up"}:
        abort(400)
    db = get_session()
    try:
        if action == "look-up":
            found = people.look_up_again(db, current_app, current_user, team_id)
            message = found.problem or (
                f"In {found.team.name}'s Slack you are {found.member.slack_name}."
                if found.member and found.member.slack_user_id
                else f"No one in {found.team.name}'s Slack has your email address."
            )
        else:
            team = people.set_direct_messages(db, current_user, team_id, on=action == "dm-on")
            message = (
                f"{team.name}'s Slack app may send you direct messages again."
                if action == "dm-on"
                else f"{team.name}'s Slack app sends you no direct messages."
            )
    except ServiceError:
        abort(404)
    flash(message, "success")
    return redirect(url_for("auth.account"), 303)


# ---------------------------------------------------------------- what Slack posts


def _request_limit() -> str:
    return str(setting(current_app, "SLACK_RATE_LIMIT"))


def _refused() -> Response:
    return Response("Not signed by this team's Slack app.", 401, mimetype="text/plain")


def _verified(workspace_id: str, slack_user_id: str) -> requests.Sender | Response:
    db = get_session()
    try:
        connection = requests.verify(
            db,
            current_app,
            request.get_data(),
            request.headers.get("X-Slack-Request-Timestamp", ""),
            request.headers.get("X-Slack-Signature", ""),
            workspace_id,
        )
    except requests.Refused:
        return _refused()
    return requests.sender(db, current_app, connection, slack_user_id)


@bp.post("/slack/commands")
@csrf.exempt
@limiter.limit(_request_limit)
def slack_command() -> Response:
    """Answer `/teamkit …`, signed with the team's signing secret (401 otherwise)."""
    form = request.form
    found = _verified(str(form.get("team_id") or ""), str(form.get("user_id") or ""))
    if isinstance(found, Response):
        return found
    return jsonify(actions.command(get_session(), current_app, found, form.get("text") or ""))


@bp.post("/slack/interactions")
@csrf.exempt
@limiter.limit(_request_limit)
def slack_interaction() -> Response:
    """Act on a button, modal or shortcut, signed with the team's signing secret."""
    try:
        payload = json.loads(request.form.get("payload") or "")
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        return _refused()
    workspace = (payload.get("team") or {}).get("id") or (payload.get("user") or {}).get("team_id")
    user = (payload.get("user") or {}).get("id")
    found = _verified(str(workspace or ""), str(user or ""))
    if isinstance(found, Response):
        return found
    answer = actions.interaction(get_session(), current_app, found, payload)
    return jsonify(answer) if answer is not None else Response("", 200)
