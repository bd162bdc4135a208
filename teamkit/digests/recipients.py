"""Who gets a team's digest (or its pulse invitations and reminders) by email: its members,
less those who opted out of that mail, and the one-click unsubscribe links that opt them out.

Every function takes a session and plain values, may flush, and never commits.
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import Sequence
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.digests.models import EmailOptOut, PulseMailOptOut
from teamkit.errors import Gone, InvalidInput, NotFound
from teamkit.teams.models import Membership, Team

UNSUBSCRIBE_SALT = "teamkit.digests.unsubscribe"
#: An unsubscribe link keeps working this long after the digest that carried it.
UNSUBSCRIBE_MAX_AGE_SECONDS = 180 * 24 * 3600


class MailList(enum.StrEnum):
    """A kind of mail a member can opt out of, team by team."""

    DIGEST = "digest"
    #: A pulse's invitation and its reminder.
    PULSES = "pulses"

    @property
    def opt_out(self) -> type[EmailOptOut] | type[PulseMailOptOut]:
        """Return the table of those who opted out of it."""
        return EmailOptOut if self is MailList.DIGEST else PulseMailOptOut

    @property
    def salt(self) -> str:
        """Return what keeps one list's unsubscribe link from working for another."""
        return UNSUBSCRIBE_SALT if self is MailList.DIGEST else f"{UNSUBSCRIBE_SALT}.{self.value}"

    @property
    def words(self) -> str:
        """Return the mail, in words ("the digest email")."""
        return "the digest email" if self is MailList.DIGEST else "pulse invitations and reminders"


def _opted_out(team_id: int, mail_list: MailList) -> Select[Any]:
    table = mail_list.opt_out
    return select(table.person_id).where(table.team_id == team_id)


def email_recipients(
    session: Session, team: Team, mail_list: MailList = MailList.DIGEST
) -> list[Person]:
    """Return the team's members who get `mail_list` by email (not opted out), by name."""
    opted_out = _opted_out(team.id, mail_list)
    return list(
        session.scalars(
            select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.team_id == team.id, Person.id.not_in(opted_out))
            .order_by(Person.name, Person.id)
        )
    )


def still_receiving(
    session: Session,
    team_id: int,
    person_ids: Sequence[int],
    mail_list: MailList = MailList.DIGEST,
) -> set[int]:
    """Return those of `person_ids` who are in the team and get `mail_list` by email."""
    opted_out = _opted_out(team_id, mail_list)
    return set(
        session.scalars(
            select(Membership.person_id).where(
                Membership.team_id == team_id,
                Membership.person_id.in_(list(person_ids)),
                Membership.person_id.not_in(opted_out),
            )
        )
    )


# ---------------------------------------------------------------- email opt-out


def opted_out_team_ids(
    session: Session, person: Person, mail_list: MailList = MailList.DIGEST
) -> set[int]:
    """Return the teams whose `mail_list` mail `person` opted out of."""
    table = mail_list.opt_out
    return set(session.scalars(select(table.team_id).where(table.person_id == person.id)))


def set_email_opt_out(
    session: Session,
    person_id: int,
    team_id: int,
    *,
    opted_out: bool,
    mail_list: MailList = MailList.DIGEST,
) -> None:
    """Opt `person_id` out of (or back into) the `mail_list` mail of `team_id`; idempotent."""
    is_member = session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.person_id == person_id, Membership.team_id == team_id)
    )
    if not is_member:
        raise NotFound("No such team.")
    table = mail_list.opt_out
    found = session.get(table, (person_id, team_id))
    if opted_out and found is None:
        session.add(table(person_id=person_id, team_id=team_id))
    elif not opted_out and found is not None:
        session.delete(found)
    session.flush()


def _unsubscribe_serializer(secret_key: str | bytes, mail_list: MailList) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=mail_list.salt)


def unsubscribe_token(
    secret_key: str | bytes,
    person_id: int,
    team_id: int,
    link_key: str,
    mail_list: MailList = MailList.DIGEST,
) -> str:
    """Return a signed token that opts `person_id` out of `team_id`'s `mail_list` mail.

    It carries the person's link key, so it dies with the person.
    """
    return _unsubscribe_serializer(secret_key, mail_list).dumps([person_id, team_id, link_key])


def read_unsubscribe_token(
    secret_key: str | bytes, token: str, mail_list: MailList = MailList.DIGEST
) -> tuple[int, int, str]:
    """Return the (person id, team id, link key) of an unsubscribe token, or raise Gone /
    InvalidInput."""
    serializer = _unsubscribe_serializer(secret_key, mail_list)
    try:
        data = serializer.loads(token, max_age=UNSUBSCRIBE_MAX_AGE_SECONDS)
    except SignatureExpired:
        raise Gone(
            f"This unsubscribe link has expired. Log in and turn {mail_list.words} off on "
            "your account page."
        ) from None
    except BadSignature:
        raise InvalidInput({"token": "This unsubscribe link is not valid."}) from None
    if not (
        isinstance(data, list)
        and len(data) == 3
        and all(isinstance(v, int) for v in data[:2])
        and isinstance(data[2], str)
    ):
        raise InvalidInput({"token": "This unsubscribe link is not valid."})
    return data[0], data[1], data[2]


def unsubscribe_team(
    session: Session, secret_key: str | bytes, token: str, mail_list: MailList = MailList.DIGEST
) -> tuple[int, Team]:
    """Return the person id and the team of an unsubscribe link, or raise Gone / InvalidInput.

    A link whose person is gone answers Gone, even where a database gave their id to
    someone else since: the link carries the person's link key.
    """
    person_id, team_id, link_key = read_unsubscribe_token(secret_key, token, mail_list)
    person = session.get(Person, person_id)
    if person is None or not secrets.compare_digest(person.link_key, link_key):
        raise Gone("The account this link was sent to no longer exists.")
    team = session.get(Team, team_id)
    if team is None:
        raise Gone("This team no longer exists, so it sends no more mail.")
    return person_id, team


def unsubscribe(
    session: Session, secret_key: str | bytes, token: str, mail_list: MailList = MailList.DIGEST
) -> Team:
    """Opt the person of an unsubscribe token out of its team's `mail_list` mail; return the
    team."""
    person_id, team = unsubscribe_team(session, secret_key, token, mail_list)
    try:
        set_email_opt_out(session, person_id, team.id, opted_out=True, mail_list=mail_list)
    except NotFound:
        raise Gone("You are no longer in this team, so you get no more of its mail.") from None
    return team
