"""Portal pages of the emailed links: forgot password, reset it, change and confirm an email."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from teamkit.auth import recovery, services
from teamkit.auth.forms import EmailForm, ForgotPasswordForm, ResetPasswordForm
from teamkit.auth.pages import account_page
from teamkit.auth.sessions import start_session
from teamkit.db import get_session, locks_late
from teamkit.errors import ServiceError
from teamkit.extensions import limiter
from teamkit.forms import ConfirmForm, form_status, submit_form
from teamkit.urls import external_url

bp = Blueprint("recovery", __name__)

#: The one answer to "forgot password", whether or not the email has an account.
RESET_SENT = (
    "If an account has the email {email}, a link to choose a new password is on its way "
    "there. It works once, within {minutes} minutes."
)
#: The subject of the email with a link to reset one's password.
RESET_SUBJECT = "Reset your teamkit password"


def init_app(app: Flask) -> None:
    """Add the pages (the auth capability's setup)."""
    app.register_blueprint(bp)


def _key() -> str | bytes:
    return current_app.secret_key or ""


def _reset_ttl() -> timedelta:
    return timedelta(minutes=current_app.config["TEAMKIT"]["PASSWORD_RESET_TTL_MINUTES"])


def _email_ttl() -> timedelta:
    return timedelta(hours=current_app.config["TEAMKIT"]["EMAIL_CHANGE_TTL_HOURS"])


def _limit() -> str:
    return str(current_app.config["TEAMKIT"]["LOGIN_RATE_LIMIT"])


def _mail() -> bool:
    return recovery.mail_is_configured(current_app._get_current_object())  # type: ignore[attr-defined]


def send_reset_link_to(email: str) -> None:
    """Mail a link to reset the password of the account with `email`, if there is one.

    The request only starts a thread, the same one whether or not the email has an
    account: finding the account, signing its link and sending happen in that thread, so
    neither the answer nor its time tells whether the account exists. A failure is only
    logged.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    key = _key()
    minutes = int(_reset_ttl().total_seconds() // 60)
    # The link's address up to its token (the thread has no request to build URLs in).
    base = external_url("recovery.reset_password", token="-").removesuffix("-")
    readers = app.extensions["teamkit.read_sessionmaker"]

    def find_and_send() -> None:
        with readers() as db:
            person = services.find_person_by_email(db, email)
            if person is None:
                return
            to, token = person.email, recovery.reset_token(key, person)
            paragraphs = recovery.reset_paragraphs(person, minutes)
        recovery.send_logging_failure(
            app, to, RESET_SUBJECT, paragraphs, base + token, "Choose a new password"
        )

    recovery.in_background(find_and_send)


def note_sign_up_again(email: str) -> None:
    """Tell the account with `email` that someone tried to sign up with it (quietly)."""
    person = services.find_person_by_email(get_session(), email)
    if person is None:
        return
    link = external_url("recovery.reset_password", token=recovery.reset_token(_key(), person))
    recovery.send_quietly(
        current_app._get_current_object(),  # type: ignore[attr-defined]
        person.email,
        "Someone tried to sign up with your email",
        recovery.signup_again_paragraphs(person),
        link,
        "Choose a new password",
    )


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def forgot_password() -> str | Response | tuple[str, int]:
    """Ask for a reset link: the same answer whether or not the email has an account."""
    mail = _mail()
    form = ForgotPasswordForm()
    if mail and form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        send_reset_link_to(email)
        minutes = int(_reset_ttl().total_seconds() // 60)
        flash(RESET_SENT.format(email=email, minutes=minutes), "info")
        return redirect(url_for("auth.login"), 303)
    status = form_status(form) if mail else 200
    return render_template("auth/forgot_password.html", form=form, mail=mail), status


def _link_error(error: ServiceError) -> tuple[str, int]:
    return render_template("auth/link_error.html", error=error), error.status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
@locks_late
def reset_password(token: str) -> str | Response | tuple[str, int]:
    """Choose a new password with an emailed link; every other session ends and every API
    token is revoked."""
    db = get_session()
    try:
        person = recovery.person_to_reset(db, token, secret_key=_key(), ttl=_reset_ttl())
    except ServiceError as error:
        return _link_error(error)
    form = ResetPasswordForm()
    password = form.new_password.data or ""
    sent = submit_form(
        form,
        lambda: recovery.reset_password(db, token, password, secret_key=_key(), ttl=_reset_ttl()),
    )
    if sent.error is not None and sent.error.status in {404, 410}:
        return _link_error(sent.error)
    if sent.ok:
        start_session(sent.value)
        flash(
            "Your new password is set. You are logged in here, and nowhere else; "
            "your API tokens no longer work.",
            "success",
        )
        return redirect(url_for("teams.index"), 303)
    tokens = services.live_api_token_count(db, person)
    return (
        render_template("auth/reset_password.html", form=form, person=person, tokens=tokens),
        sent.status,
    )


@bp.post("/account/email")
@limiter.limit(_limit)  # it checks the password: no guessing it here either
@login_required
@locks_late
def change_email() -> str | Response | tuple[str, int]:
    """Change one's email: confirmed by a link to the new address when mail is set up."""
    form = EmailForm()
    mail = _mail()
    person = current_user._get_current_object()

    def ask_and_mail() -> recovery.EmailChange:
        db = get_session()
        change = recovery.ask_email_change(
            db,
            person,
            form.new_email.data or "",
            form.password.data or "",
            secret_key=_key(),
            confirm_by_mail=mail,
        )
        if change.token is not None:
            hours = int(_email_ttl().total_seconds() // 3600)
            recovery.send_or_refuse(
                current_app._get_current_object(),  # type: ignore[attr-defined]
                change.new,
                "Confirm your new teamkit email",
                recovery.email_change_paragraphs(person, change.new, hours),
                external_url("recovery.confirm_email", token=change.token),
                "Make it my email",
            )
        return change

    sent = submit_form(form, ask_and_mail)
    if sent.ok:
        change = sent.value
        if change.token is None:
            flash(f"Your email is now {change.new}: log in with it from now on.", "success")
        else:
            flash(
                f"We sent a link to {change.new}. Open it to make it your email; until "
                f"then you log in with {person.email}.",
                "info",
            )
        return redirect(url_for("auth.account"), 303)
    page, status = account_page(email_form=form)
    return page, sent.error.status if sent.error is not None else status


@bp.route("/account/email/confirm/<token>", methods=["GET", "POST"])
@locks_late
def confirm_email(token: str) -> str | Response | tuple[str, int]:
    """Confirm a new email with the link sent to it (a button, so no mail scanner does it)."""
    db = get_session()
    try:
        change = recovery.email_change_of(db, token, secret_key=_key(), ttl=_email_ttl())
    except ServiceError as error:
        return _link_error(error)
    if ConfirmForm().validate_on_submit():
        old = change.person.email
        try:
            person = recovery.confirm_email_change(db, token, secret_key=_key(), ttl=_email_ttl())
        except ServiceError as error:
            return _link_error(error)
        recovery.send_quietly(
            current_app._get_current_object(),  # type: ignore[attr-defined]
            old,
            "Your teamkit email was changed",
            recovery.email_changed_paragraphs(person, old),
        )
        flash(f"Your email is now {change.new}: log in with it from now on.", "success")
        target = "auth.account" if current_user.is_authenticated else "auth.login"
        return redirect(url_for(target), 303)
    return render_template("auth/confirm_email.html", change=change)
