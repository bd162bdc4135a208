"""Portal pages: sign up, log in, log out, account and API tokens."""

from __future__ import annotations

from urllib.parse import urlsplit

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
from werkzeug.wrappers import Response

from teamkit.auth import services
from teamkit.auth.forms import (
    ApiTokenForm,
    LoginForm,
    NameForm,
    PasswordForm,
    SignupForm,
)
from teamkit.auth.pages import account_page
from teamkit.auth.recovery_views import note_sign_up_again
from teamkit.auth.sessions import end_session, start_session
from teamkit.db import get_session, locks_late
from teamkit.extensions import limiter
from teamkit.forms import ConfirmForm, form_status, submit_form
from teamkit.mail import is_configured

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Return `target` if it is a path on this site (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def log_in(person: services.Person) -> str:
    """Start a portal session for `person`; return the greeting to show them."""
    first = services.note_log_in(person)
    start_session(person)
    return services.greeting(person, first=first)


def answer_taken_email(email: str) -> None:
    """Answer a sign-up with an email that has an account: it is told by mail, if any, and
    the visitor is asked to log in, with the email filled in; nothing of the account changes."""
    normalized = services.normalize_email(email)
    mail = is_configured(current_app)
    if mail:
        note_sign_up_again(normalized)
    session[SIGNED_UP_EMAIL_KEY] = normalized
    flash(SIGNED_UP_MAILED if mail else SIGNED_UP_MESSAGE, "info")


#: Where the session keeps the email just signed up with, to fill in the log-in form.
SIGNED_UP_EMAIL_KEY = "signed_up_email"
#: The answer to a sign-up with an email that already has an account.
SIGNED_UP_MAILED = (
    "You already have an account with this email: we have emailed it. Log in with its "
    "password, or choose a new one from that email."
)
#: The same, where no mail can be sent.
SIGNED_UP_MESSAGE = (
    "You already have an account with this email: log in with its password. If you forgot "
    "it, whoever runs teamkit can set a new one (teamkit user reset-password EMAIL)."
)


def _login_limit() -> str:
    return str(current_app.config["TEAMKIT"]["LOGIN_RATE_LIMIT"])


def _signup_limit() -> str:
    return str(current_app.config["TEAMKIT"]["SIGNUP_RATE_LIMIT"])


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"])
@locks_late
def signup() -> str | Response | tuple[str, int]:
    """Create an account and log in; an email that has an account is asked to log in.

    Logging in at once tells a visitor whether an email had an account, as most sites do;
    the rate limit bounds how many emails can be tried, the account is left as it was,
    and its owner is told by mail.
    """
    if current_user.is_authenticated:
        return redirect(url_for("teams.index"))
    form = SignupForm()
    next_page = _safe_next(request.args.get("next"))
    email = form.email.data or ""
    sent = submit_form(
        form,
        lambda: services.sign_up(
            get_session(), email, form.name.data or "", form.password.data or ""
        ),
    )
    if sent.ok:
        made = sent.value
        if made is None:
            answer_taken_email(email)
            return redirect(url_for("auth.login", next=next_page), 303)
        flash(log_in(made), "success")
        return redirect(next_page or url_for("teams.index"), 303)
    return render_template("auth/signup.html", form=form), sent.status


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@locks_late
def login() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("teams.index"))
    form = LoginForm()
    if not form.is_submitted() and session.get(SIGNED_UP_EMAIL_KEY):
        form.email.data = session.pop(SIGNED_UP_EMAIL_KEY)
    if form.validate_on_submit():
        person = services.authenticate(
            get_session(), form.email.data or "", form.password.data or ""
        )
        if person is None:
            form.form_errors.append("That email and password don't match an account.")
        else:
            flash(log_in(person), "success")
            return redirect(_safe_next(request.args.get("next")) or url_for("teams.index"))
    mail = is_configured(current_app)
    return render_template("auth/login.html", form=form, mail=mail), form_status(form)


@bp.route("/logout", methods=["GET", "POST"])
def logout() -> str | Response:
    """Log out (POST); a typed or bookmarked /logout (GET) gets the button that does it."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if ConfirmForm().validate_on_submit():
        end_session()
        flash("You are logged out.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/logout.html")


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> tuple[str, int]:
    form = ApiTokenForm()
    sent = submit_form(
        form, lambda: services.create_api_token(get_session(), current_user, form.name.data or "")
    )
    if sent.ok:
        flash("Token created. Copy it now: it won't be shown again.", "success")
        return account_page(new_token=sent.value[1])
    return account_page(token_form=form if form.is_submitted() else None)


@bp.post("/account/password")
@limiter.limit(_login_limit)  # it checks the password: no guessing it here either
@login_required
@locks_late
def change_password() -> str | Response | tuple[str, int]:
    form = PasswordForm()
    sent = submit_form(
        form,
        lambda: services.change_password(
            get_session(),
            current_user,
            form.current_password.data or "",
            form.new_password.data or "",
        ),
    )
    if sent.ok:
        # The session token changed: stay logged in here, with a fresh session.
        start_session(current_user._get_current_object())
        flash("Password changed. Your other sessions have ended.", "success")
        return redirect(url_for("auth.account"), 303)
    return account_page(password_form=form)


@bp.post("/account/name")
@login_required
def change_name() -> str | Response | tuple[str, int]:
    form = NameForm()
    sent = submit_form(
        form, lambda: services.change_name(get_session(), current_user, form.your_name.data or "")
    )
    if sent.ok:
        flash(f"Your name is now {current_user.name}.", "success")
        return redirect(url_for("auth.account"), 303)
    return account_page(name_form=form)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> Response:
    if ConfirmForm().validate_on_submit():
        token = services.revoke_api_token(get_session(), current_user, token_id)
        flash(f"Token “{token.name}” revoked.", "info")
    return redirect(url_for("auth.account"))


@bp.post("/account/logout-everywhere")
@login_required
def logout_everywhere() -> Response:
    if ConfirmForm().validate_on_submit():
        services.end_all_sessions(get_session(), current_user)
        logout_user()
        session.clear()
        flash("You are logged out on every device.", "info")
    return redirect(url_for("auth.login"))
