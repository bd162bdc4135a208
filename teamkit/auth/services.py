"""Sign-up, log-in and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from blinker import Namespace
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager

from teamkit.auth.models import EMAIL_MAX, NAME_MAX, ApiToken, Person
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
    end_all_sessions(person)
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
    end_all_sessions(person)
    session.flush()
    return person


def end_all_sessions(person: Person) -> None:
    """Invalidate every portal session of `person` (log out everywhere)."""
    person.session_token = secrets.token_hex(16)


def parse_identity(identity: str) -> tuple[int, str] | None:
    """Return the person id and session token of a Flask-Login identity "id:token"."""
    person_id, _, token = identity.partition(":")
    if not person_id.isdigit():
        return None
    return int(person_id), token


def session_is_valid(person: Person | None, token: str) -> bool:
    """Tell whether `token` is `person`'s current session token (not logged out since)."""
    return person is not None and secrets.compare_digest(person.session_token, token)


def load_person_for_session(session: Session, identity: str) -> Person | None:
    """Return the person for a Flask-Login identity "id:token", if still valid."""
    parsed = parse_identity(identity)
    if parsed is None:
        return None
    person = session.get(Person, parsed[0])
    return person if session_is_valid(person, parsed[1]) else None


def hash_token(token: str) -> str:
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
