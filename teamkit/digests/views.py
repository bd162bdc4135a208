"""Portal pages: digest settings, the preview, send now, the delivery log, unsubscribe."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from teamkit.auth.models import Person
from teamkit.capability import SetupStep
from teamkit.db import get_session, utcnow
from teamkit.digests import digest_config, recipients, services
from teamkit.digests import settings as digest_settings
from teamkit.digests.forms import CUSTOM, DigestSettingsForm
from teamkit.digests.models import DeliveryChannel
from teamkit.digests.recipients import MailList
from teamkit.digests.render import mrkdwn_to_html
from teamkit.digests.schedule import preset_of
from teamkit.errors import ServiceError
from teamkit.extensions import csrf
from teamkit.forms import attempt, form_status, submit_form
from teamkit.teams.guard import current_membership, current_team
from teamkit.teams.models import Membership, Role, Team
from teamkit.teams.roles import has_role, require_role
from teamkit.teams.zones import in_zone

bp = Blueprint("digests", __name__)

#: Deliveries the log page lists (the latest).
LOG_SIZE = 100


def setup_step(session: Session, membership: Membership) -> SetupStep:
    """The new team's checklist item: look at the digest that is on by default."""
    stored = digest_settings.get_settings(session, membership.team)
    when = preset_of(stored.cron, stored.week_interval)
    schedule = when.label if when else "On its schedule"
    return SetupStep(
        30,
        "Check the team's digest",
        f"{schedule} ({stored.timezone}) it emails every member the goals, the open pulse "
        "and action items: preview it, or change when it goes.",
        "digests.settings",
        digest_settings.is_looked_at(session, membership.team),
    )


def _settings_form(settings: Any) -> DigestSettingsForm:
    preset = preset_of(settings.cron, settings.week_interval)
    return DigestSettingsForm(
        data={
            "enabled": settings.is_enabled,
            "schedule": preset.key if preset else CUSTOM,
            "cron": settings.cron,
            "timezone": settings.timezone,
            "email_enabled": settings.is_email_enabled,
        }
    )


@bp.route("/t/<slug>/digest", methods=["GET", "POST"])
def settings(slug: str) -> str | Response | tuple[str, int]:
    """Show the team's digest schedule and channels; owners and facilitators change them."""
    db, me, team = get_session(), current_membership(), current_team()
    stored = digest_settings.get_settings(db, team)
    form = _settings_form(stored)
    may_change = has_role(me, Role.FACILITATOR)
    if request.method == "POST":
        require_role(me, Role.FACILITATOR, "change the digest settings")
        form = DigestSettingsForm()
        sent = submit_form(form, lambda: digest_settings.update_settings(db, me, form.values()))
        if sent.ok:
            flash("Digest settings saved.", "success")
            return redirect(url_for("digests.settings", slug=slug), 303)
    masked = digest_settings.mask_webhook_url(stored.slack_webhook_url)
    form.slack_webhook_url.description = (
        f"Now: {masked}. Leave empty to keep it."
        if masked
        else "An incoming-webhook address from Slack, such as https://hooks.slack.com/services/…"
    )
    now = utcnow()
    upcoming = digest_settings.upcoming_send_times(stored, now) if stored.is_enabled else []
    status = form_status(form)
    return (
        render_template(
            "digests/settings.html",
            team=team,
            form=form,
            stored=stored,
            may_change=may_change,
            masked_webhook=masked,
            upcoming=[in_zone(moment, stored.timezone) for moment in upcoming],
            recipients=len(recipients.email_recipients(db, team)),
            smtp_configured=bool(digest_config().smtp_url),
        ),
        status,
    )


@bp.get("/t/<slug>/digest/preview")
def preview(slug: str) -> str:
    """Show the digest as it would go out now: email text, email HTML and Slack, side by side."""
    db, team = get_session(), current_team()
    rendered = services.preview(db, current_app, team, now=utcnow(), reader=current_membership())
    return render_template(
        "digests/preview.html",
        team=team,
        rendered=rendered,
        slack_json=json.dumps(rendered.slack, indent=2, ensure_ascii=False),
        mrkdwn=mrkdwn_to_html,
        may_send=has_role(current_membership(), Role.FACILITATOR),
        send_plan=services.send_now_plan(db, team, current_app),
    )


@bp.get("/t/<slug>/digest/preview/email.html")
def preview_email(slug: str) -> Response:
    """Return the HTML email alone, to be shown in the preview page's frame."""
    rendered = services.preview(
        get_session(), current_app, current_team(), now=utcnow(), reader=current_membership()
    )
    response = Response(rendered.html, mimetype="text/html")
    # The email's own inline styles, in a frame of teamkit's pages only.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
    )
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.post("/t/<slug>/digest/send")
def send_now(slug: str) -> Response:
    """Queue the digest now, through the same claim and log as a scheduled one."""
    db, me = get_session(), current_membership()
    done = attempt(lambda: services.send_now(db, current_app, me, now=utcnow()))
    if done.error is not None:
        flash(done.error.detail, "error")
        return redirect(url_for("digests.preview", slug=slug), 303)
    flash(services.send_now_message(done.value), "success")
    return redirect(url_for("digests.deliveries", slug=slug), 303)


@bp.get("/t/<slug>/digest/deliveries")
def deliveries(slug: str) -> str:
    """List the team's deliveries (owners and facilitators), or those that reached you."""
    db, me, team = get_session(), current_membership(), current_team()
    sees_all = has_role(me, Role.FACILITATOR)
    if sees_all:
        rows = services.list_deliveries(db, team, LOG_SIZE)
    else:
        rows = services.deliveries_seen_by(db, team, me.person, LOG_SIZE)
    stored = digest_settings.get_settings(db, team)
    return render_template(
        "digests/deliveries.html",
        team=team,
        rows=rows,
        recipients=services.recipient_counts(db, rows) if sees_all else {},
        sees_all=sees_all,
        may_retry=has_role(me, Role.OWNER),
        timezone=stored.timezone,
        in_zone=in_zone,
        email=DeliveryChannel.EMAIL,
    )


@bp.post("/t/<slug>/digest/deliveries/<int:delivery_id>/retry")
def retry(slug: str, delivery_id: int) -> Response:
    """Put a failed delivery back in the queue (owners)."""
    done = attempt(
        lambda: services.retry_delivery(get_session(), current_membership(), delivery_id)
    )
    if done.error is not None:
        if done.error.status == 404:
            abort(404)
        flash(done.error.detail, "error")
    else:
        flash("The delivery is queued again: it goes out at the scheduler's next tick.", "success")
    return redirect(url_for("digests.deliveries", slug=slug), 303)


# ---------------------------------------------------------------- unsubscribe, account


@bp.route(
    "/digest/unsubscribe/<token>",
    methods=["GET", "POST"],
    defaults={"mail_list": MailList.DIGEST},
)
@bp.route(
    "/pulse-mail/unsubscribe/<token>",
    methods=["GET", "POST"],
    defaults={"mail_list": MailList.PULSES},
    endpoint="unsubscribe_pulse_mail",
)
@csrf.exempt
def unsubscribe(token: str, mail_list: MailList) -> tuple[str, int] | str:
    """Opt out of a team's digest email, or its pulse invitations and reminders, from the
    mail's link, without logging in: a GET only asks (mail scanners open links); the POST
    does it, from the page's button or from a mail client's one-click (RFC 8058:
    `List-Unsubscribe=One-Click`)."""
    db = get_session()
    secret = current_app.config["SECRET_KEY"]
    values: dict[str, Any] = {"mail_list": mail_list, "error": None}
    try:
        _person_id, team = recipients.unsubscribe_team(db, secret, token, mail_list)
        if request.method == "POST":
            team = recipients.unsubscribe(db, secret, token, mail_list)
    except ServiceError as error:
        values["error"] = error.detail
        return render_template("digests/unsubscribe.html", **values), error.status
    done = request.method == "POST"
    return render_template("digests/unsubscribe.html", team=team, done=done, **values)


def account_context(session: Session, person: Person) -> dict[str, Any]:
    """Fill the account page's email block: each team's digest and pulse mail, on or off."""
    opted_out = recipients.opted_out_team_ids(session, person)
    no_pulse_mail = recipients.opted_out_team_ids(session, person, MailList.PULSES)
    teams = session.scalars(
        select(Team)
        .join(Membership, Membership.team_id == Team.id)
        .where(Membership.person_id == person.id)
        .order_by(Team.name)
    ).all()
    return {
        "digest_teams": [(team, team.id not in opted_out) for team in teams],
        "pulse_mail": {team.id: team.id not in no_pulse_mail for team in teams},
    }


@bp.post("/account/digest-email")
@login_required
def set_email() -> Response:
    """Turn a team's digest email on or off for the person logged in."""
    team_id = request.form.get("team_id", type=int)
    wanted = request.form.get("email") == "on"
    if team_id is None:
        abort(400)
    try:
        recipients.set_email_opt_out(get_session(), current_user.id, team_id, opted_out=not wanted)
    except ServiceError:
        abort(404)
    team = get_session().get(Team, team_id)
    name = team.name if team else "the team"
    flash(
        f"You get {name}'s digest by email again."
        if wanted
        else f"You no longer get {name}'s digest by email.",
        "success",
    )
    return redirect(url_for("auth.account"), 303)


@bp.post("/account/pulse-email")
@login_required
def set_pulse_email() -> Response:
    """Turn a team's pulse invitations and reminders on or off for the person logged in."""
    team_id = request.form.get("team_id", type=int)
    wanted = request.form.get("email") == "on"
    if team_id is None:
        abort(400)
    try:
        recipients.set_email_opt_out(
            get_session(), current_user.id, team_id, opted_out=not wanted, mail_list=MailList.PULSES
        )
    except ServiceError:
        abort(404)
    team = get_session().get(Team, team_id)
    name = team.name if team else "the team"
    flash(
        f"You get {name}'s pulse invitations and reminders by email again."
        if wanted
        else f"You no longer get {name}'s pulse invitations and reminders by email.",
        "success",
    )
    return redirect(url_for("auth.account"), 303)
