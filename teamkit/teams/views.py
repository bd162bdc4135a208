"""Portal pages: my teams, a team's home and members, invites."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, logout_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from teamkit.auth import services as auth_services
from teamkit.auth.forms import DeleteAccountForm, SignupForm
from teamkit.auth.models import Person
from teamkit.auth.views import answer_taken_email, log_in
from teamkit.capability import registry
from teamkit.db import get_session, locks_late
from teamkit.errors import ServiceError
from teamkit.extensions import limiter
from teamkit.forms import ConfirmForm, attempt, form_status, submit_form
from teamkit.mail import is_configured
from teamkit.teams import invite_mail, invites, lifecycle_views, onboarding, services
from teamkit.teams.forms import InviteForm, RoleForm, TeamForm, TeamSettingsForm
from teamkit.teams.guard import current_membership, current_team
from teamkit.teams.models import Invite, Role
from teamkit.teams.navigation import forget_team, last_team, remember_team
from teamkit.teams.roles import require_role
from teamkit.teams.settings import get_settings as team_settings_of
from teamkit.teams.settings import invite_key, invite_ttl
from teamkit.teams.settings import update_settings as update_team_settings
from teamkit.teams.zones import offered_zones
from teamkit.urls import external_url

bp = Blueprint("teams", __name__)

NEW_INVITE_KEY = "new_invite"


@bp.get("/")
def index() -> str | Response:
    if not current_user.is_authenticated:
        return render_template("teams/landing.html")
    team = last_team(services.list_teams_of(get_session(), current_user))
    if team is not None:
        return redirect(url_for("teams.home", slug=team.slug))
    return redirect(url_for("teams.list_teams"))


@bp.route("/teams", methods=["GET", "POST"])
@login_required
def list_teams() -> str | Response | tuple[str, int]:
    db = get_session()
    form = TeamForm()
    name = form.name.data or ""
    sent = submit_form(
        form,
        lambda: onboarding.found_team(db, name, form.slug.data, current_user, form.timezone.data),
    )
    if sent.error is not None and "slug" in sent.error.errors:
        # Offer a free URL name in the field, ready to send again.
        form.slug.data = services.suggest_slug(db, form.slug.data or name) or form.slug.data
    if sent.ok:
        team = sent.value
        flash(f"Team “{team.name}” created. Invite your teammates from Members.", "success")
        return redirect(url_for("teams.home", slug=team.slug))
    status = sent.status
    return render_template(
        "teams/list.html",
        form=form,
        teams=services.list_teams_of(db, current_user),
        zones=offered_zones(),
        suggest_zone=not form.is_submitted(),
    ), status


@bp.route("/t/<slug>/settings", methods=["GET", "POST"])
def team_settings(slug: str) -> str | Response | tuple[str, int]:
    """Show the team's time zone; owners and facilitators change it."""
    db, me, team = get_session(), current_membership(), current_team()
    stored = team_settings_of(db, team)
    form = TeamSettingsForm(data={"timezone": stored.timezone})
    if request.method == "POST":
        require_role(me, Role.FACILITATOR, "change the team's time zone")
        form = TeamSettingsForm()
        sent = submit_form(
            form, lambda: update_team_settings(db, me, {"timezone": form.timezone.data})
        )
        if sent.ok:
            flash(f"{team.name}'s time zone is now {form.timezone.data}.", "success")
            return redirect(url_for("teams.team_settings", slug=slug), 303)
    status = form_status(form)
    return render_template(
        "teams/settings.html",
        team=team,
        form=form,
        timezone=stored.timezone,
        zones=offered_zones(),
        may_change=me.can_facilitate,
        owner=lifecycle_views.owner_context() if me.is_owner else None,
    ), status


def account_context(db: Session, person: Person) -> dict[str, Any]:
    """Fill the account page's list of the person's teams."""
    return {"teams": services.list_teams_of(db, person)}


def account_delete_context(db: Session, person: Person) -> dict[str, Any]:
    """Fill the account page's "Delete your account": the teams that would lose their owner."""
    return {"only_owner_of": services.teams_only_owned_by(db, person)}


def _login_limit() -> str:
    return str(current_app.config["TEAMKIT"]["LOGIN_RATE_LIMIT"])


@bp.route("/account/delete", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])  # it checks the password: no guessing it here
@login_required
def delete_account() -> str | Response | tuple[str, int]:
    """Ask for the password (GET), then delete the account (POST); a last owner is told why not."""
    db = get_session()
    form = DeleteAccountForm()
    only_owner_of = services.teams_only_owned_by(db, current_user)
    if form.validate_on_submit() and not only_owner_of:
        if auth_services.authenticate(db, current_user.email, form.password.data or "") is None:
            form.password.errors = ["This is not your password."]
        else:
            services.delete_account(db, current_user._get_current_object())
            logout_user()
            session.clear()
            flash("Your account is deleted. What you wrote stays, as by a former member.", "info")
            return redirect(url_for("auth.login"), 303)
    return render_template(
        "teams/delete_account.html", form=form, only_owner_of=only_owner_of
    ), form_status(form)


@bp.get("/t/<slug>/")
def home(slug: str) -> str:
    db = get_session()
    membership = current_membership()
    remember_team(slug)
    sections = registry().fill("home", db, membership)
    return render_template("teams/home.html", team=current_team(), sections=sections)


def _invite_form(*, submitted: bool = False) -> InviteForm:
    """Return the invite form, offering only the roles this person may invite with."""
    roles = invites.invitable_roles(current_membership())
    return InviteForm(roles=roles) if submitted else InviteForm(formdata=None, roles=roles)


def _members_page(status: int = 200, **forms: object) -> tuple[str, int]:
    db = get_session()
    membership = current_membership()
    invitable = invites.invitable_roles(membership)
    context = {
        "team": current_team(),
        "me": membership,
        "members": services.list_members(db, current_team()),
        "is_last_owner": services.is_last_owner(db, membership),
        "invite_form": forms.get("invite_form") or _invite_form(),
        "open_invites": invites.list_open_invites(db, membership) if invitable else [],
        "had_invites": bool(invitable) and invites.has_invites(db, membership),
        "invitable_roles": invitable,
        "role_form": RoleForm(formdata=None),
        "invite_url": forms.get("invite_url"),
        "invite_expires_at": forms.get("invite_expires_at"),
        "mail": is_configured(current_app),
    }
    return render_template("teams/members.html", **context), status


@bp.get("/t/<slug>/members")
def members(slug: str) -> tuple[str, int]:
    new_invite = session.pop(NEW_INVITE_KEY, None)
    if new_invite is None:
        return _members_page()
    return _members_page(
        invite_url=new_invite["url"],
        invite_expires_at=datetime.fromisoformat(new_invite["expires_at"]),
    )


@bp.post("/t/<slug>/invites")
def create_invite(slug: str) -> Response | tuple[str, int]:
    form = _invite_form(submitted=True)
    if form.validate_on_submit():
        address = (form.email.data or "").strip()

        def invite_and_mail() -> tuple[Invite, str, str | None]:
            to = invite_mail.check_address(current_app, address) if address else None
            invite, token = invites.create_invite(
                get_session(),
                current_membership(),
                services.parse_role(form.role.data or ""),
                secret_key=invite_key(),
                ttl=invite_ttl(),
                email=to,
            )
            url = external_url("teams.invite", token=token)
            if to is not None:
                invite_mail.send_invite(current_app, to, invite, url)
            return invite, url, to

        done = attempt(invite_and_mail, form)
        if done.error is not None:
            return _members_page(done.error.status, invite_form=form)
        invite, url, to = done.value
        if to is not None:
            flash(f"The invite link is on its way to {to}.", "success")
        # Shown once on the members page after the redirect, so a reload makes no second invite.
        session[NEW_INVITE_KEY] = {"url": url, "expires_at": invite.expires_at.isoformat()}
        return redirect(url_for("teams.members", slug=slug), 303)
    return _members_page(422, invite_form=form)


@bp.post("/t/<slug>/invites/<int:invite_id>/revoke")
def revoke_invite(slug: str, invite_id: int) -> Response:
    if ConfirmForm().validate_on_submit():
        done = attempt(
            lambda: invites.revoke_invite(get_session(), current_membership(), invite_id)
        )
        if done.error is not None:
            flash(done.error.detail, "error")
            return redirect(url_for("teams.members", slug=slug), 303)
        invite = done.value
        flash(
            f"The invite to join as {invite.role.value} is revoked: its link no longer works.",
            "info",
        )
    return redirect(url_for("teams.members", slug=slug), 303)


@bp.post("/t/<slug>/members/<int:membership_id>/role")
def change_role(slug: str, membership_id: int) -> str | Response:
    """Change a member's role; an owner stepping down is first asked, and told what goes."""
    form = RoleForm()
    if form.validate_on_submit():
        db = get_session()
        me = current_membership()
        role = services.parse_role(form.role.data or "")
        stepping_down = membership_id == me.id and me.role is Role.OWNER and role is not Role.OWNER
        if (
            stepping_down
            and request.form.get("confirmed") != "yes"
            and not services.is_last_owner(db, me)
        ):
            return render_template("teams/step_down.html", team=current_team(), me=me, role=role)
        done = attempt(lambda: services.change_role(db, me, membership_id, role))
        if done.error is not None:
            flash(done.error.detail, "error")
            return redirect(url_for("teams.members", slug=slug), 303)
        changed = done.value
        who = "You are" if changed.id == me.id else f"{changed.person.name} is"
        flash(f"{who} now {with_article(changed.role)}.", "success")
    return redirect(url_for("teams.members", slug=slug), 303)


def with_article(role: Role) -> str:
    """Return the role as it reads after "is now": "an owner", "a member"."""
    return f"an {role.value}" if role is Role.OWNER else f"a {role.value}"


@bp.route("/t/<slug>/members/<int:membership_id>/remove", methods=["GET", "POST"])
def remove_member(slug: str, membership_id: int) -> str | Response:
    """Ask to confirm removing a member (GET), then remove them (POST)."""
    db = get_session()
    if ConfirmForm().validate_on_submit():
        done = attempt(lambda: services.remove_member(db, current_membership(), membership_id))
        if done.error is not None:
            flash(done.error.detail, "error")
            return redirect(url_for("teams.members", slug=slug), 303)
        flash(f"{done.value.name} is no longer a member.", "info")
        return redirect(url_for("teams.members", slug=slug), 303)
    member = services.find_member_to_remove(db, current_membership(), membership_id)
    return render_template("teams/remove.html", team=current_team(), member=member)


@bp.route("/t/<slug>/leave", methods=["GET", "POST"])
def leave(slug: str) -> str | Response:
    """Ask to confirm leaving the team (GET), then leave (POST); the last owner is told why not."""
    db = get_session()
    me = current_membership()
    if ConfirmForm().validate_on_submit():
        done = attempt(lambda: services.leave_team(db, me))
        if done.error is not None:
            flash(done.error.detail, "error")
            return redirect(url_for("teams.members", slug=slug), 303)
        forget_team()
        flash(f"You left {current_team().name}.", "info")
        return redirect(url_for("teams.list_teams"), 303)
    return render_template(
        "teams/leave.html", team=current_team(), is_last_owner=services.is_last_owner(db, me)
    )


def _signup_limit() -> str:
    return str(current_app.config["TEAMKIT"]["SIGNUP_RATE_LIMIT"])


def _is_logged_in() -> bool:
    return bool(current_user.is_authenticated)


def _sign_up_to_join(token: str, found: invites.UsableInvite) -> str | Response | tuple[str, int]:
    """Offer a visitor the sign-up form, the invited email filled in; on sending it, create
    the account, log in and join the team, in one step."""
    invited = found.invite.email
    form = SignupForm(data={"email": invited} if invited else None)
    db = get_session()
    email = form.email.data or ""
    sent = submit_form(
        form,
        lambda: auth_services.sign_up(db, email, form.name.data or "", form.password.data or ""),
    )
    if sent.ok:
        made = sent.value
        if made is None:
            answer_taken_email(email)
            return redirect(url_for("auth.login", next=request.path), 303)
        greeting = log_in(made)
        membership = invites.accept_invite(db, token, made, secret_key=invite_key())
        flash(f"{greeting} You joined {membership.team.name}.", "success")
        return redirect(url_for("teams.home", slug=membership.team.slug), 303)
    status = sent.status
    return render_template(
        "teams/invite.html",
        invite=found.invite,
        role=found.role,
        error=None,
        signup_form=form,
        next=request.path,
    ), status


@bp.route("/invites/<token>", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"], exempt_when=_is_logged_in)
@locks_late
def invite(token: str) -> str | Response | tuple[str, int]:
    db = get_session()
    key = invite_key()
    if current_user.is_authenticated:
        joined = invites.team_of_member(db, token, current_user, secret_key=key)
        if joined is not None:
            flash(f"You are a member of {joined.team.name} already.", "info")
            return redirect(url_for("teams.home", slug=joined.team.slug), 303)
    try:
        found = invites.find_invite(db, token, secret_key=key)
    except ServiceError as error:
        return render_template("teams/invite.html", error=error, invite=None), error.status
    page = {"invite": found.invite, "role": found.role, "error": None}
    if not current_user.is_authenticated:
        return _sign_up_to_join(token, found)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            membership = invites.accept_invite(db, token, current_user, secret_key=key)
        except ServiceError as error:
            return render_template("teams/invite.html", error=error, invite=None), error.status
        flash(f"Welcome to {membership.team.name}!", "success")
        return redirect(url_for("teams.home", slug=membership.team.slug), 303)
    return render_template("teams/invite.html", **page, form=form)
