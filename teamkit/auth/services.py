"""Sign-up, log-in and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from blinker import Namespace
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email
from sqlalchemy import ColumnElement, and_, bindparam, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager

from teamkit.auth.models import (
    EMAIL_MAX,
    LOGIN_TOKEN_ATTRIBUTE,
    NAME_MAX,
    ApiToken,
    LoginSession,
    Person,
)
from teamkit.db import utcnow
from teamkit.errors import Conflict, InvalidInput, NotFound
from teamkit.validation import Text, too_long

_signals = Namespace()
#: Sent as `(person, session=, name=)` when a person creates or revokes an API token, in
#: the same transaction, so the teams they belong to can log it (auth knows no teams).
token_created = _signals.signal("token-created")
token_revoked = _signals.signal("token-revoked")

PASSWORD_MIN = 8
PASSWORD_MAX = 256
TOKEN_NAME_MAX = 80
TOKEN_PREFIX = "tk_"
#: How fresh a token's "last used" time is kept.
TOKEN_USE_PRECISION = timedelta(minutes=1)
#: How long a log-in lasts unused: the session cookie's lifetime, counted from its last use.
SESSION_LIFETIME = timedelta(days=14)

_hasher = PasswordHasher()

#: A person's display name.
NAME = Text(NAME_MAX, "Enter your name.", is_one_line=True)
#: What an API token is for.
TOKEN_NAME = Text(
    TOKEN_NAME_MAX, "Give the token a name, e.g. the script that will use it.", is_one_line=True
)
#: The person's email address, before it is checked as one.
EMAIL = Text(EMAIL_MAX, "Enter your email address.", is_one_line=True)


def _reserved_suffix(email: str) -> str | None:
    """Return the reserved name `email`'s domain ends in (".local", ".test"…), if any."""
    domain = email.rpartition("@")[2].strip().rstrip(".").lower()
    for name in SPECIAL_USE_DOMAIN_NAMES:
        if domain == name or domain.endswith(f".{name}"):
            return name
    return None


def email_problem(email: str) -> str | None:
    """Return why `email` can't be used as an address, in words a person can act on, or None."""
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        reserved = _reserved_suffix(email)
        if reserved is not None:
            # The usual case is a company's internal address (x@company.local): say why.
            return (
                f"Addresses ending in .{reserved} are reserved for local networks and testing, "
                "so mail sent from teamkit can't reach them. Use an address that gets mail "
                "from the internet."
            )
        return f"This is not a valid email address: {error}"
    return None


def normalize_email(email: str) -> str:
    """Return `email` checked and lower-cased, or raise InvalidInput."""
    email = EMAIL.clean(email, "email")
    problem = email_problem(email)
    if problem is not None:
        raise InvalidInput({"email": problem})
    return validate_email(email, check_deliverability=False).normalized.lower()


def check_name(name: str) -> str:
    """Return a person's display name trimmed, or raise InvalidInput."""
    return NAME.clean(name, "name")


def check_password(password: str) -> str:
    """Return `password` if it is long enough, or raise InvalidInput."""
    if len(password or "") < PASSWORD_MIN:
        raise InvalidInput({"password": f"Use at least {PASSWORD_MIN} characters."})
    if len(password) > PASSWORD_MAX:
        raise InvalidInput({"password": too_long(PASSWORD_MAX)})
    return password


def find_person_by_email(session: Session, email: str) -> Person | None:
    """Return the person with `email`, if any."""
    return session.scalar(select(Person).where(Person.email == email.strip().lower()))


def create_person(session: Session, email: str, name: str, password: str) -> Person:
    """Create a person with a hashed password; a taken email raises Conflict."""
    email = normalize_email(email)
    person = Person(
        email=email,
        name=check_name(name),
        password_hash=_hasher.hash(check_password(password)),
        session_token=secrets.token_hex(16),
    )
    if find_person_by_email(session, email) is not None:
        raise Conflict("An account with this email already exists.", field="email")
    session.add(person)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        # Another request took the email between the check and the insert.
        raise Conflict("An account with this email already exists.", field="email") from None
    return person


def sign_up(session: Session, email: str, name: str, password: str) -> Person | None:
    """Create a person from the sign-up form; None when the email already has an account.

    The caller answers both the same way, so sign-up never tells whether an email has an
    account: the password is hashed either way, and nothing of the account is changed.
    """
    try:
        return create_person(session, email, name, password)
    except Conflict:
        return None


def authenticate(session: Session, email: str, password: str) -> Person | None:
    """Return the person whose email and password match, or None."""
    person = find_person_by_email(session, email or "")
    if person is None:
        # Spend the same time as a real check, so timing doesn't reveal who has an account.
        _hasher.hash(password or "")
        return None
    try:
        _hasher.verify(person.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(person.password_hash):
        person.password_hash = _hasher.hash(password)
    return person


def note_log_in(person: Person) -> bool:
    """Note that `person` logs in now; tell whether it is their first time."""
    first = person.last_login_at is None
    person.last_login_at = utcnow()
    return first


def greeting(person: Person, *, first: bool) -> str:
    """Return what the portal says on log-in: a welcome the first time, "welcome back" after."""
    return f"Welcome to teamkit, {person.name}." if first else f"Welcome back, {person.name}."


def change_password(session: Session, person: Person, current: str, new: str) -> None:
    """Set a new password after checking the current one; other sessions end."""
    try:
        _hasher.verify(person.password_hash, current or "")
    except (VerificationError, InvalidHashError):
        raise InvalidInput({"current_password": "This is not your current password."}) from None
    try:
        person.password_hash = _hasher.hash(check_password(new))
    except InvalidInput as error:
        raise InvalidInput({"new_password": error.errors["password"]}) from None
    end_all_sessions(session, person)
    session.flush()


def change_name(session: Session, person: Person, name: str) -> None:
    """Set the name teammates see."""
    person.name = check_name(name)
    session.flush()


def reset_password(session: Session, email: str, new: str) -> Person:
    """Set a new password for the person with `email` (from the command line); their
    sessions end. An unknown email raises NotFound."""
    person = find_person_by_email(session, email or "")
    if person is None:
        raise NotFound(f"No account has the email {email}.")
    person.password_hash = _hasher.hash(check_password(new))
    end_all_sessions(session, person)
    revoke_all_api_tokens(session, person)
    session.flush()
    return person


def start_login(session: Session, person: Person) -> None:
    """Record a new log-in of `person` with a credential of its own, which `login_user`
    then puts in the session cookie (only its hash is stored).

    The person's log-ins unused for longer than SESSION_LIFETIME are cleared on the way.
    """
    today = utcnow().date()
    session.execute(
        delete(LoginSession).where(
            LoginSession.person_id == person.id, LoginSession.seen_on < today - SESSION_LIFETIME
        )
    )
    token = secrets.token_urlsafe(32)
    session.add(LoginSession(person_id=person.id, token_hash=hash_token(token), seen_on=today))
    session.flush()
    setattr(person, LOGIN_TOKEN_ATTRIBUTE, token)


def end_login(session: Session, identity: str) -> None:
    """End the log-in of a session identity "id:credential" (log out): the cookie, even
    a copy of it, no longer logs anyone in."""
    parsed = parse_identity(identity)
    if parsed is not None:
        session.execute(
            delete(LoginSession).where(
                LoginSession.person_id == parsed[0],
                LoginSession.token_hash == hash_token(parsed[1]),
            )
        )


def end_all_sessions(session: Session, person: Person) -> None:
    """End every log-in of `person` (log out everywhere), and with them every pending
    password-reset and email-change link (they carry the session token)."""
    session.execute(delete(LoginSession).where(LoginSession.person_id == person.id))
    person.session_token = secrets.token_hex(16)


def parse_identity(identity: str) -> tuple[int, str] | None:
    """Return the person id and log-in credential of a Flask-Login identity "id:credential"."""
    person_id, _, token = identity.partition(":")
    if not person_id.isdigit() or not token:
        return None
    return int(person_id), token


#: The person of a log-in (`:person_id`, `:token_hash`), with the log-in.
LOGIN_HOLDER = (
    select(Person, LoginSession)
    .join(LoginSession, LoginSession.person_id == Person.id)
    .where(Person.id == bindparam("person_id"), LoginSession.token_hash == bindparam("token_hash"))
)


def note_login_use(person: Person, login: LoginSession, token: str) -> Person | None:
    """Return `person` if their log-in is still current, noting the day it was used."""
    today = utcnow().date()
    if login.seen_on < today - SESSION_LIFETIME:
        return None
    if login.seen_on != today:
        login.seen_on = today  # once a day, as the cookie itself is renewed
    setattr(person, LOGIN_TOKEN_ATTRIBUTE, token)
    return person


def load_person_for_session(session: Session, identity: str) -> Person | None:
    """Return the person of a Flask-Login identity "id:credential", if that log-in is
    still current (not logged out, nor unused for SESSION_LIFETIME)."""
    parsed = parse_identity(identity)
    if parsed is None:
        return None
    row = session.execute(
        LOGIN_HOLDER, {"person_id": parsed[0], "token_hash": hash_token(parsed[1])}
    ).first()
    return None if row is None else note_login_use(row[0], row[1], parsed[1])


def hash_token(token: str) -> str:
    """Return the hex SHA-256 of a credential: what is stored instead of it."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(session: Session, person: Person, name: str) -> tuple[ApiToken, str]:
    """Create an API token for `person`; return it and the plain token, shown only once."""
    name = TOKEN_NAME.clean(name, "name")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(person=person, name=name, token_hash=hash_token(plain), prefix=plain[:10])
    session.add(token)
    session.flush()
    token_created.send(person, session=session, name=name)
    return token, plain


def list_api_tokens(session: Session, person: Person) -> list[ApiToken]:
    """Return the person's tokens, newest first, revoked ones included."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.person_id == person.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_api_token(session: Session, person: Person, token_id: int) -> ApiToken:
    """Revoke one of the person's tokens; someone else's token is NotFound."""
    token = session.get(ApiToken, token_id)
    if token is None or token.person_id != person.id:
        raise NotFound("No such token.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        token_revoked.send(person, session=session, name=token.name)
    return token


def _live_tokens_of(person: Person) -> ColumnElement[bool]:
    """Return the condition that picks the person's tokens that still work."""
    return and_(ApiToken.person_id == person.id, ApiToken.revoked_at.is_(None))


def revoke_all_api_tokens(session: Session, person: Person) -> int:
    """Revoke every token of `person` still valid (after a password reset, an account that
    was taken over keeps no door open); return how many were."""
    tokens = session.scalars(select(ApiToken).where(_live_tokens_of(person))).all()
    for token in tokens:
        token.revoked_at = utcnow()
        token_revoked.send(person, session=session, name=token.name)
    return len(tokens)


def live_api_token_count(session: Session, person: Person) -> int:
    """How many of the person's tokens still work."""
    return (
        session.scalar(select(func.count()).select_from(ApiToken).where(_live_tokens_of(person)))
        or 0
    )


#: The valid, unrevoked token with a given hash (`:token_hash`), and its person.
TOKEN_HOLDER = (
    select(ApiToken)
    .join(ApiToken.person)
    .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None))
    .options(contains_eager(ApiToken.person))
)


def note_token_use(token: ApiToken) -> Person:
    """Note that `token` was used just now (at most once a minute); return its person."""
    now = utcnow()
    # Note the use at most once a minute: a write on every call would make each API read
    # take the token row's lock (PostgreSQL) or the database's write lock (SQLite).
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_PRECISION:
        token.last_used_at = now
    return token.person


def find_person_by_api_token(session: Session, plain: str) -> Person | None:
    """Return the owner of a valid, unrevoked token and note its use."""
    if not plain.startswith(TOKEN_PREFIX):
        return None
    token = session.scalar(TOKEN_HOLDER, {"token_hash": hash_token(plain)})
    return None if token is None else note_token_use(token)
