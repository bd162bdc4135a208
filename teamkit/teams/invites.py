"""Invite links: create one, list the open ones, revoke one, join a team with one.

The database keeps an invite's random nonce; the link carries it signed with the app's key.
The link is shown once, when the invite is created, and never rebuilt from the nonce.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session, joinedload

from teamkit.auth.models import Person
from teamkit.db import utcnow
from teamkit.errors import Conflict, Forbidden, Gone, NotFound
from teamkit.teams import audit
from teamkit.teams.models import Invite, Membership, Role
from teamkit.teams.roles import RANK, require_role
from teamkit.teams.services import add_member, find_membership

INVITE_SALT = "teamkit.invite"
#: Every role an invite can give, in the order a menu offers them.
INVITE_ROLES = (Role.MEMBER, Role.FACILITATOR, Role.OWNER)

NOT_VALID = "This invite link is not valid. Ask for a new one."
USED = "This invite link has been used already. Ask for a new one."
REVOKED = "This invite link has been revoked. Ask for a new one."
EXPIRED = "This invite link has expired. Ask for a new one."
MAKER_GONE = (
    "This invite link no longer works: whoever made it can no longer invite people to this "
    "team. Ask for a new one."
)


def invitable_roles(actor: Membership) -> list[Role]:
    """Return the roles `actor` may invite with: owners any, facilitators members, members none."""
    if actor.is_owner:
        return list(INVITE_ROLES)
    if actor.can_facilitate:
        return [Role.MEMBER]
    return []


def _serializer(secret_key: str | bytes) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=INVITE_SALT)


@dataclass(frozen=True)
class NewInvite:
    """An invite just created, with its token: the only time the token is known."""

    invite: Invite
    token: str
    #: The address the link was emailed to, if any.
    emailed_to: str | None = None


def create_invite(
    session: Session,
    actor: Membership,
    role: Role,
    *,
    secret_key: str | bytes,
    ttl: timedelta,
    email: str | None = None,
) -> tuple[Invite, str]:
    """Create an invite link's token; owners invite any role, facilitators invite members.

    `email` is the checked address the link goes to, filled in when they sign up with it.
    """
    require_role(actor, Role.FACILITATOR, "invite people")
    if role not in invitable_roles(actor):
        raise Forbidden("Only an owner can invite someone as owner or facilitator.")
    invite = Invite(
        team=actor.team,
        nonce=secrets.token_urlsafe(24),
        role=role,
        email=email,
        created_by_id=actor.person_id,
        expires_at=utcnow() + ttl,
    )
    session.add(invite)
    session.flush()
    audit.record(session, actor.team, actor, "invite.created", role=role.value)
    return invite, _serializer(secret_key).dumps(invite.nonce)


def open_invites_statement(actor: Membership) -> Select[Invite]:
    """Return the query of the team's unused, unrevoked, unexpired invites, newest first.

    Only those who may invite may see them: owners and facilitators.
    """
    require_role(actor, Role.FACILITATOR, "see the open invites")
    return (
        select(Invite)
        .where(
            Invite.team_id == actor.team_id,
            Invite.used_at.is_(None),
            Invite.revoked_at.is_(None),
            Invite.expires_at > utcnow(),
        )
        .options(joinedload(Invite.created_by))
        .order_by(Invite.created_at.desc(), Invite.id.desc())
    )


def list_open_invites(session: Session, actor: Membership) -> list[Invite]:
    """Return the team's open invites, newest first (owners and facilitators only)."""
    return list(session.scalars(open_invites_statement(actor)))


def revoke_invite(session: Session, actor: Membership, invite_id: int) -> Invite:
    """Revoke an unused invite so its link stops working; revoking twice changes nothing.

    The same people may revoke an invite as may create it: owners any, facilitators those
    to join as member.
    """
    require_role(actor, Role.FACILITATOR, "revoke invites")
    invite = session.get(Invite, invite_id)
    if invite is None or invite.team_id != actor.team_id:
        raise NotFound("No such invite in this team.")
    if invite.role not in invitable_roles(actor):
        raise Forbidden("Only an owner can revoke an invite to join as owner or facilitator.")
    if invite.revoked_at is not None:
        return invite
    # Conditional, like accept_invite's: of a revoke and a join at once, only one wins.
    revoked = session.execute(
        update(Invite)
        .where(Invite.id == invite.id, Invite.used_at.is_(None), Invite.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.refresh(invite)
    if revoked.rowcount != 1 and invite.used_at is not None:  # type: ignore[attr-defined]
        raise Conflict("This invite has been used already, so it can't be revoked.")
    audit.record(session, actor.team, actor, "invite.revoked", role=invite.role.value)
    return invite


def _unusable(invite: Invite, now: datetime) -> Gone | None:
    """Return why `invite` can no longer be used, or None if it can."""
    if invite.used_at is not None:
        return Gone(USED)
    if invite.revoked_at is not None:
        return Gone(REVOKED)
    if invite.expires_at <= now:
        return Gone(EXPIRED)
    return None


def _invite_of(session: Session, token: str, secret_key: str | bytes) -> Invite:
    """Return the invite behind `token`, usable or not, or raise NotFound."""
    try:
        nonce = _serializer(secret_key).loads(token)
    except BadSignature:
        raise NotFound(NOT_VALID) from None
    invite = session.scalar(
        select(Invite)
        .where(Invite.nonce == nonce)
        .options(joinedload(Invite.team), joinedload(Invite.created_by))
    )
    if invite is None:
        raise NotFound(NOT_VALID)
    return invite


def team_of_member(
    session: Session, token: str, person: Person, *, secret_key: str | bytes
) -> Membership | None:
    """Return `person`'s membership of the team an invite link is for, used or not, if any.

    Someone who joined and opens the link again is a member: they are taken to the team,
    not told the link was used.
    """
    try:
        invite = _invite_of(session, token, secret_key)
    except NotFound:
        return None
    return find_membership(session, invite.team.slug, person)


def has_invites(session: Session, actor: Membership) -> bool:
    """Tell whether the team ever had an invite (to say "no invites yet" rather than
    "every link was used")."""
    found = session.scalar(select(Invite.id).where(Invite.team_id == actor.team_id).limit(1))
    return found is not None


@dataclass(frozen=True)
class UsableInvite:
    """An invite that can still be used, and the role it gives now."""

    invite: Invite
    role: Role


def role_given(session: Session, invite: Invite) -> Role:
    """Return the role `invite` gives now: its own, capped by what its maker may invite with
    today. Raise Gone when its maker is no longer in the team or may invite no one.

    An invite carries no more power than its maker holds when it is used.
    """
    maker = None
    if invite.created_by_id is not None:
        maker = session.scalar(
            select(Membership).where(
                Membership.team_id == invite.team_id,
                Membership.person_id == invite.created_by_id,
            )
        )
    roles = invitable_roles(maker) if maker is not None else []
    if not roles:
        raise Gone(MAKER_GONE)
    return invite.role if invite.role in roles else max(roles, key=RANK.__getitem__)


def find_invite(session: Session, token: str, *, secret_key: str | bytes) -> UsableInvite:
    """Return the still-usable invite behind `token` and its role, or raise NotFound / Gone."""
    invite = _invite_of(session, token, secret_key)
    gone = _unusable(invite, utcnow())
    if gone is not None:
        raise gone
    return UsableInvite(invite, role_given(session, invite))


def accept_invite(
    session: Session, token: str, person: Person, *, secret_key: str | bytes
) -> Membership:
    """Join the invite's team with the role it gives now; the invite is spent even if two
    people race for it."""
    usable = find_invite(session, token, secret_key=secret_key)
    invite = usable.invite
    already = find_membership(session, invite.team.slug, person)
    if already is not None:
        raise Conflict(f"You are already a member of {invite.team.name}.")
    now: datetime = utcnow()
    spent = session.execute(
        update(Invite)
        .where(Invite.id == invite.id, Invite.used_at.is_(None), Invite.revoked_at.is_(None))
        .values(used_at=now, used_by_id=person.id)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(invite)
        raise _unusable(invite, now) or Gone(USED)
    membership = add_member(session, invite.team, person, usable.role)
    audit.record(session, invite.team, person, "member.joined", role=usable.role.value)
    return membership
