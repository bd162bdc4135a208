"""Links sent by email to recover or change an account: reset a forgotten password, confirm
a new email address, and the note to an address someone tried to sign up with again.

A link carries, signed with the app's key (its own salt per purpose) and timed, the person's
id and link key (random, set once: no link outlives its person), their session token, and
for an email change the current and the new email. The session token changes with the
password or the email and on log-out everywhere, so every pending link then answers 410;
using a link changes it too, so the same link then answers 410 "used already". Nothing
else is stored.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from markupsafe import escape
from sqlalchemy import update
from sqlalchemy.orm import Session

from teamkit.auth import services
from teamkit.auth.models import Person
from teamkit.errors import Conflict, Gone, InvalidInput, NotFound, ServiceError
from teamkit.mail import MailError, is_configured, send_mail

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)

RESET_SALT = "teamkit.password-reset"
EMAIL_SALT = "teamkit.email-change"

NOT_VALID = "This link is not valid. Ask for a new one."
EXPIRED = "This link has expired. Ask for a new one."
RESET_USED = (
    "This link has been used already, or the password or email was changed, or every "
    "session ended, since it was sent. Ask for a new one."
)
EMAIL_USED = "This link has been used already: {email} is your email now."
EMAIL_MOVED = "Your email was changed since this link was sent. Ask for a new one."
EMAIL_REVOKED = (
    "This link no longer works: the password was changed, or every session ended, since "
    "it was sent. Ask for a new one."
)
EMAIL_TAKEN = "An account with this email already exists."


_hasher = PasswordHasher()


class MailNotSent(ServiceError):
    """The mail server could not take the message; nothing was changed."""

    status = 503
    title = "Mail not sent"


def _serializer(secret_key: str | bytes, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=salt)


def _load(
    session: Session, secret_key: str | bytes, salt: str, token: str, ttl: timedelta, size: int
) -> tuple[Person, list[Any]]:
    """Return the person a link is for and the rest of what it carries (after the id and
    link key): NotFound when it is not valid or its person is gone, Gone when expired."""
    try:
        payload = _serializer(secret_key, salt).loads(token, max_age=int(ttl.total_seconds()))
    except SignatureExpired:
        raise Gone(EXPIRED) from None
    except BadSignature:
        raise NotFound(NOT_VALID) from None
    if not isinstance(payload, list) or len(payload) != size or not isinstance(payload[0], int):
        raise NotFound(NOT_VALID)
    person = session.get(Person, payload[0])
    if person is None or not secrets.compare_digest(str(payload[1]), person.link_key):
        raise NotFound(NOT_VALID)
    return person, payload[2:]


def _is_current(person: Person, session_token: object) -> bool:
    return secrets.compare_digest(str(session_token), person.session_token)


# Password reset -------------------------------------------------------------------------


def reset_token(secret_key: str | bytes, person: Person) -> str:
    """Return the token of a link that sets a new password for `person`, once."""
    return _serializer(secret_key, RESET_SALT).dumps(
        [person.id, person.link_key, person.session_token]
    )


def person_to_reset(
    session: Session, token: str, *, secret_key: str | bytes, ttl: timedelta
) -> Person:
    """Return the person a reset link is for, or raise NotFound (not valid) / Gone."""
    person, (session_token,) = _load(session, secret_key, RESET_SALT, token, ttl, 3)
    if not _is_current(person, session_token):
        raise Gone(RESET_USED)
    return person


def reset_password(
    session: Session, token: str, new: str, *, secret_key: str | bytes, ttl: timedelta
) -> Person:
    """Set a new password with a reset link; every session of the person ends, every
    other pending link with them, and every API token is revoked.

    Of two uses of one link at once, only one wins: the update holds only while the
    session token is still the one the link carries.
    """
    person = person_to_reset(session, token, secret_key=secret_key, ttl=ttl)
    try:
        new_hash = _hasher.hash(services.check_password(new))
    except InvalidInput as error:
        raise InvalidInput({"new_password": error.errors["password"]}) from None
    changed = session.execute(
        update(Person)
        .where(Person.id == person.id, Person.session_token == person.session_token)
        .values(password_hash=new_hash, session_token=secrets.token_hex(16))
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise Gone(RESET_USED)
    session.refresh(person)
    services.end_all_sessions(session, person)
    services.revoke_all_api_tokens(session, person)
    return person


# Email change ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EmailChange:
    """A change of email asked for: to `new`, confirmed by a link sent there (`token`)."""

    person: Person
    new: str
    token: str | None


def _check_password(person: Person, password: str) -> None:
    try:
        _hasher.verify(person.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        raise InvalidInput({"password": "This is not your current password."}) from None


def _taken(session: Session, email: str, person: Person) -> bool:
    other = services.find_person_by_email(session, email)
    return other is not None and other.id != person.id


def ask_email_change(
    session: Session,
    person: Person,
    new_email: str,
    password: str,
    *,
    secret_key: str | bytes,
    confirm_by_mail: bool,
) -> EmailChange:
    """Check a new email address and the password; with mail, return the token of the
    link that confirms it (the email is unchanged until then), without, change it now."""
    _check_password(person, password)
    try:
        new = services.normalize_email(new_email)
    except InvalidInput as error:
        raise InvalidInput({"new_email": error.errors["email"]}) from None
    if new == person.email:
        raise InvalidInput({"new_email": "This is your email already."})
    if _taken(session, new, person):
        raise Conflict(EMAIL_TAKEN, field="new_email")
    if not confirm_by_mail:
        _set_email(session, person, person.email, new)
        return EmailChange(person, new, None)
    token = _serializer(secret_key, EMAIL_SALT).dumps(
        [person.id, person.link_key, person.session_token, person.email, new]
    )
    return EmailChange(person, new, token)


def _set_email(session: Session, person: Person, old: str, new: str) -> None:
    """Make `new` the email of `person`, whose email is `old`; every pending reset link
    (sent to the old address) and email-change link dies with the session token."""
    if _taken(session, new, person):
        raise Conflict(EMAIL_TAKEN, field="new_email")
    changed = session.execute(
        update(Person)
        .where(
            Person.id == person.id,
            Person.email == old,
            Person.session_token == person.session_token,
        )
        .values(email=new, session_token=secrets.token_hex(16))
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise Gone(EMAIL_MOVED)
    session.refresh(person)


def email_change_of(
    session: Session, token: str, *, secret_key: str | bytes, ttl: timedelta
) -> EmailChange:
    """Return the change an email link confirms, or raise NotFound / Gone / Conflict."""
    person, (session_token, old, new) = _load(session, secret_key, EMAIL_SALT, token, ttl, 5)
    old, new = str(old), str(new)
    if person.email == new:
        raise Gone(EMAIL_USED.format(email=new))
    if person.email != old:
        raise Gone(EMAIL_MOVED)
    if not _is_current(person, session_token):
        raise Gone(EMAIL_REVOKED)
    if _taken(session, new, person):
        raise Conflict(EMAIL_TAKEN)
    return EmailChange(person, new, token)


def confirm_email_change(
    session: Session, token: str, *, secret_key: str | bytes, ttl: timedelta
) -> Person:
    """Make the new address of an email link the person's email."""
    change = email_change_of(session, token, secret_key=secret_key, ttl=ttl)
    _set_email(session, change.person, change.person.email, change.new)
    return change.person


# Mail -----------------------------------------------------------------------------------


def mail_is_configured(app: Flask) -> bool:
    """Tell whether links can be sent (TEAMKIT_SMTP_URL is set)."""
    return is_configured(app)


def _html(paragraphs: list[str], link: str | None = None, label: str = "") -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    if link:
        body += f'<p><a href="{escape(link)}">{escape(label)}</a></p>'
    return f"<!doctype html><html><body>{body}</body></html>"


def send(
    app: Flask,
    to: str,
    subject: str,
    paragraphs: list[str],
    link: str | None = None,
    label: str = "",
) -> None:
    """Send a short message with an optional link; MailError when the server won't take it."""
    text = "\n\n".join([*paragraphs, *([link] if link else [])]) + "\n"
    send_mail(app, to, subject, text, _html(paragraphs, link, label))


def in_background(work: Callable[[], None]) -> threading.Thread:
    """Run `work` in a thread of its own and return the thread (it needs nothing of the
    request): for answers that must not tell whether an account exists, neither by what
    they say nor by how long they take."""
    thread = threading.Thread(target=work, name="teamkit-account-mail")
    thread.start()
    return thread


def send_logging_failure(
    app: Flask,
    to: str,
    subject: str,
    paragraphs: list[str],
    link: str | None = None,
    label: str = "",
) -> None:
    """Send, logging a failure instead of raising (nobody is waiting for the answer)."""
    try:
        send(app, to, subject, paragraphs, link, label)
    except MailError as error:
        log.warning("could not send %r to an account: %s", subject, error)


def send_quietly(
    app: Flask,
    to: str,
    subject: str,
    paragraphs: list[str],
    link: str | None = None,
    label: str = "",
) -> threading.Thread:
    """Send from a thread of its own, logging a failure instead of raising."""
    return in_background(lambda: send_logging_failure(app, to, subject, paragraphs, link, label))


def send_or_refuse(
    app: Flask,
    to: str,
    subject: str,
    paragraphs: list[str],
    link: str | None = None,
    label: str = "",
) -> None:
    """Send, or raise MailNotSent (the request then keeps nothing it changed)."""
    try:
        send(app, to, subject, paragraphs, link, label)
    except MailError as error:
        detail = f"The email to {to} could not be sent ({error}). Nothing was changed."
        raise MailNotSent(detail) from None


def reset_paragraphs(person: Person, minutes: int) -> list[str]:
    return [
        f"Hello {person.name},",
        "someone (we hope you) asked to reset the password of your teamkit account. Open the "
        f"link below within {minutes} minutes to choose a new one; it works once, and "
        "logs you out everywhere else.",
        "If you didn't ask, ignore this email: your password stays as it is.",
    ]


def signup_again_paragraphs(person: Person) -> list[str]:
    return [
        f"Hello {person.name},",
        "someone just tried to sign up for teamkit with your email address, which already "
        "has an account. If it was you, log in with your password, or reset it with the "
        "link below if you forgot it.",
        "If it wasn't you, ignore this email: nothing about your account changed.",
    ]


def email_change_paragraphs(person: Person, new: str, hours: int) -> list[str]:
    return [
        f"Hello {person.name},",
        f"to make {new} the email of your teamkit account (you log in with it), open the "
        f"link below within {hours} hours. Until then your email stays {person.email}.",
        "If you didn't ask for this, ignore this email.",
    ]


def email_changed_paragraphs(person: Person, old: str) -> list[str]:
    return [
        f"Hello {person.name},",
        f"the email of your teamkit account is now {person.email} instead of {old}: you "
        "log in with it from now on, and teamkit's mail goes there.",
        "If you didn't make this change, tell whoever runs teamkit at once.",
    ]
