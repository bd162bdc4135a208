"""Create teams, manage members and roles (invites are in `invites.py`)."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import Select, bindparam, case, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager, defaultload

from teamkit.auth.models import Person
from teamkit.db import utcnow
from teamkit.errors import Conflict, InvalidInput, NotFound
from teamkit.teams import audit
from teamkit.teams.models import SLUG_MAX, TEAM_NAME_MAX, Invite, Membership, Role, Team
from teamkit.teams.roles import RANK, require_role
from teamkit.validation import Text, parse_choice

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MIN = 2
#: Slugs that would read as portal pages rather than teams.
RESERVED_SLUGS = frozenset({"new", "api", "admin", "static", "login", "logout", "signup"})
#: What the slug is called where people see it (the form's label).
SLUG_LABEL = "URL name"
#: A team's name.
TEAM_NAME = Text(TEAM_NAME_MAX, "Enter the team's name.", is_one_line=True)
SLUG_MISSING = "Choose a URL name, e.g. platform-team."
SLUG_LENGTH = f"Use {SLUG_MIN} to {SLUG_MAX} characters."
SLUG_FORM = "Use lower-case letters, digits and single hyphens, e.g. platform-team."
SLUG_RESERVED = "This URL name is reserved for teamkit's own pages; choose another."


def check_team_name(name: str) -> str:
    """Return a team name trimmed, or raise InvalidInput."""
    return TEAM_NAME.clean(name, "name")


def check_slug(slug: str) -> str:
    """Return a URL slug, trimmed and lower-cased, if it is well-formed and not reserved.

    Raise InvalidInput otherwise. “Platform ” and “platform” name the same team.
    """
    slug = (slug or "").strip().lower()
    if not slug:
        raise InvalidInput({"slug": SLUG_MISSING})
    if not SLUG_MIN <= len(slug) <= SLUG_MAX:
        raise InvalidInput({"slug": SLUG_LENGTH})
    if not SLUG_RE.match(slug):
        raise InvalidInput({"slug": SLUG_FORM})
    if slug in RESERVED_SLUGS:
        raise InvalidInput({"slug": SLUG_RESERVED})
    return slug


def _slug_taken(session: Session, slug: str) -> Conflict:
    free = suggest_slug(session, slug)
    offer = f" “{free}” is free." if free else " Choose another."
    return Conflict(f"This {SLUG_LABEL} is taken.{offer}", field="slug")


def slug_from(text: str, *, cut: bool = True) -> str:
    """Return `text` as a URL name: "Payments Platform" → "payments-platform".

    Accents are dropped, every run of other characters becomes one hyphen; unless `cut`
    is false, the result is cut to SLUG_MAX. It may still be too short, too long or
    reserved: check_slug says so.
    """
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug[:SLUG_MAX].rstrip("-") if cut else slug


def suggest_slug(session: Session, text: str) -> str | None:
    """Return a free URL name made from `text` ("platform", else "platform-2", …), or None."""
    base = slug_from(text)
    if len(base) < SLUG_MIN:
        return None
    candidates = [base]
    for n in range(2, 100):
        suffix = f"-{n}"
        candidates.append(f"{base[: SLUG_MAX - len(suffix)].rstrip('-')}{suffix}")
    taken = set(session.scalars(select(Team.slug).where(Team.slug.in_(candidates))))
    return next(
        (slug for slug in candidates if slug not in taken and slug not in RESERVED_SLUGS), None
    )


def _already_member(person: Person, team: Team) -> Conflict:
    return Conflict(f"{person.email} is already a member of {team.name}.")


def create_team(session: Session, name: str, slug: str | None, owner: Person) -> Team:
    """Create a team with `owner` as its first owner; a taken slug raises Conflict.

    Without a slug, the team gets a free one made from its name.
    """
    if not (slug or "").strip():
        # A name of no Latin letters or digits ("Équipe" has some) makes "team", "team-2", …
        slug = suggest_slug(session, name) or suggest_slug(session, "team") or ""
    errors: dict[str, str] = {}
    checked: list[str] = []
    for check, value in ((check_team_name, name), (check_slug, slug or "")):
        try:
            checked.append(check(value))
        except InvalidInput as error:
            errors.update(error.errors)
    if errors:
        raise InvalidInput(errors)
    name, slug = checked
    if session.scalar(select(Team.id).where(Team.slug == slug)) is not None:
        raise _slug_taken(session, slug)
    team = Team(name=name, slug=slug)
    team.memberships.append(Membership(person=owner, role=Role.OWNER))
    session.add(team)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise _slug_taken(session, slug) from None
    audit.record(session, team, owner, "team.created")
    return team


# Built once, at import: a page binds only its values (building one costs more than running it).
#: `:person_id`'s memberships with their teams, by team name.
_TEAMS_OF = (
    select(Membership)
    .join(Team, Team.id == Membership.team_id)
    .where(Membership.person_id == bindparam("person_id"))
    .options(contains_eager(Membership.team))
    .order_by(func.lower(Team.name), Team.id)
)
#: `:person_id`'s membership of the team with `:slug`, with the team.
_MEMBERSHIP = (
    select(Membership)
    .join(Team, Team.id == Membership.team_id)
    .where(Team.slug == bindparam("slug"), Membership.person_id == bindparam("person_id"))
    .options(contains_eager(Membership.team))
)
_RANK = case({Role.OWNER: 0, Role.FACILITATOR: 1}, value=Membership.role, else_=2)
#: `:team_id`'s memberships: owners, facilitators, members, by name.
_MEMBERS = (
    select(Membership)
    .join(Person, Person.id == Membership.person_id)
    .where(Membership.team_id == bindparam("team_id"))
    .options(contains_eager(Membership.person))
    .order_by(_RANK, func.lower(Person.name), Membership.id)
)


def teams_of_statement(person: Person) -> Select[Membership]:
    """Return the query of `person`'s memberships with their teams, by team name."""
    # With each team's time zone (the API shows it): one more query for the whole page.
    return _TEAMS_OF.options(defaultload(Membership.team).selectinload(Team.settings)).params(
        person_id=person.id
    )


def list_teams_of(session: Session, person: Person) -> list[Membership]:
    """Return `person`'s memberships (each with its `team` and `role`), by team name."""
    return list(session.scalars(_TEAMS_OF, {"person_id": person.id}))


def find_membership(session: Session, slug: str, person: Person | None) -> Membership | None:
    """Return `person`'s membership of the team with `slug`, or None (the isolation check)."""
    if person is None:
        return None
    return session.scalar(_MEMBERSHIP, {"slug": slug, "person_id": person.id})


def find_team(session: Session, slug: str) -> Team:
    """Return the team with `slug` or raise NotFound."""
    team = session.scalar(select(Team).where(Team.slug == slug))
    if team is None:
        raise NotFound(f"No team “{slug}”.")
    return team


def members_statement(team: Team) -> Select[Membership]:
    """Return the query of the team's memberships: owners, facilitators, members, by name."""
    return _MEMBERS.params(team_id=team.id)


def list_members(session: Session, team: Team) -> list[Membership]:
    """Return the team's memberships, owners first, then by name."""
    return list(session.scalars(_MEMBERS, {"team_id": team.id}))


def parse_role(value: str) -> Role:
    """Return the role named `value`, or raise InvalidInput."""
    return parse_choice(Role, value, "role")


def add_member(session: Session, team: Team, person: Person, role: Role) -> Membership:
    """Make `person` a member of `team` with `role`; an existing member raises Conflict."""
    existing = session.scalar(
        select(Membership).where(Membership.team_id == team.id, Membership.person_id == person.id)
    )
    if existing is not None:
        raise _already_member(person, team)
    membership = Membership(team=team, person=person, role=role)
    session.add(membership)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        # The same person joined in a request running beside this one.
        raise _already_member(person, team) from None
    return membership


def _member_of(session: Session, team: Team, membership_id: int) -> Membership:
    membership = session.get(Membership, membership_id)
    if membership is None or membership.team_id != team.id:
        raise NotFound("No such member in this team.")
    return membership


def _count_owners(session: Session, team: Team) -> int:
    # Lock the owners' rows: two owners demoting each other at once must not both see a
    # second owner and leave the team with none (PostgreSQL; SQLite serialises writes).
    owners = session.scalars(
        select(Membership.id)
        .where(Membership.team_id == team.id, Membership.role == Role.OWNER)
        .with_for_update()
    )
    return len(owners.all())


def _require_owner(actor: Membership) -> None:
    require_role(actor, Role.OWNER, "do this")


def _keep_an_owner(session: Session, membership: Membership, what: str) -> None:
    if membership.is_owner and _count_owners(session, membership.team) <= 1:
        raise Conflict(f"A team always keeps an owner: make someone else owner before {what}.")


def revoke_invites_made_by(session: Session, person_id: int, team_id: int | None = None) -> None:
    """Revoke the open invites `person_id` made (to team `team_id`, or to every team).

    Run when someone is removed, leaves, is demoted or deletes their account: an invite
    never outlives the power of whoever made it.
    """
    statement = update(Invite).where(
        Invite.created_by_id == person_id, Invite.used_at.is_(None), Invite.revoked_at.is_(None)
    )
    if team_id is not None:
        statement = statement.where(Invite.team_id == team_id)
    session.execute(
        statement.values(revoked_at=utcnow()).execution_options(synchronize_session=False)
    )


def change_role(session: Session, actor: Membership, membership_id: int, role: Role) -> Membership:
    """Change a member's role (owners only); the last owner can't step down. A demoted
    member's open invites are revoked."""
    _require_owner(actor)
    membership = _member_of(session, actor.team, membership_id)
    if membership.role is role:
        return membership
    if role is not Role.OWNER:
        _keep_an_owner(session, membership, "changing this role")
    audit.record(
        session,
        actor.team,
        actor,
        "member.role_changed",
        member=membership.person.email,
        **{"from": membership.role.value, "to": role.value},
    )
    if RANK[role] < RANK[membership.role]:
        revoke_invites_made_by(session, membership.person_id, membership.team_id)
    membership.role = role
    session.flush()
    return membership


def find_member_to_remove(session: Session, actor: Membership, membership_id: int) -> Membership:
    """Return the membership `actor` may remove, or raise Forbidden / NotFound / Conflict."""
    _require_owner(actor)
    membership = _member_of(session, actor.team, membership_id)
    _keep_an_owner(session, membership, "removing them")
    return membership


def remove_member(session: Session, actor: Membership, membership_id: int) -> Person:
    """Remove a member from the team (owners only), revoking their open invites; return who
    was removed."""
    membership = find_member_to_remove(session, actor, membership_id)
    person = membership.person
    audit.record(
        session,
        actor.team,
        actor,
        "member.removed",
        member=person.email,
        role=membership.role.value,
    )
    revoke_invites_made_by(session, membership.person_id, membership.team_id)
    session.delete(membership)
    session.flush()
    return person


def is_last_owner(session: Session, membership: Membership) -> bool:
    """Tell whether `membership` is its team's only owner, who must hand over before leaving."""
    if not membership.is_owner:
        return False
    owners = session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.team_id == membership.team_id, Membership.role == Role.OWNER)
    )
    return owners == 1


def leave_team(session: Session, membership: Membership) -> None:
    """Leave a team, revoking one's open invites to it; its last owner must hand over first."""
    _keep_an_owner(session, membership, "leaving")
    audit.record(session, membership.team, membership, "member.left")
    revoke_invites_made_by(session, membership.person_id, membership.team_id)
    session.delete(membership)
    session.flush()


def teams_only_owned_by(session: Session, person: Person) -> list[Team]:
    """Return the teams of which `person` is the only owner, by name (one query)."""
    owners = (
        select(Membership.team_id, func.count().label("owners"))
        .where(Membership.role == Role.OWNER)
        .group_by(Membership.team_id)
        .subquery()
    )
    statement = (
        select(Team)
        .join(Membership, Membership.team_id == Team.id)
        .join(owners, owners.c.team_id == Team.id)
        .where(
            Membership.person_id == person.id,
            Membership.role == Role.OWNER,
            owners.c.owners == 1,
        )
        .order_by(Team.name, Team.id)
    )
    return list(session.scalars(statement))


def delete_account(session: Session, person: Person) -> None:
    """Delete `person`'s account: their memberships, tokens and sessions go with it.

    What they wrote stays with its team (check-ins, goals, reminders, invites), shown as by
    a former member. A team's only owner is refused, with the teams named: a team always
    keeps an owner.
    """
    owned = teams_only_owned_by(session, person)
    if owned:
        names = ", ".join(team.name for team in owned)
        raise Conflict(
            f"You are the only owner of {names}. On each team's Members page, make someone "
            "else owner first (invite someone if you are alone); then you can delete your "
            "account."
        )
    revoke_invites_made_by(session, person.id)
    # The database's own rules do the rest: memberships and tokens are deleted, and what
    # the person wrote keeps its row with no author (ON DELETE CASCADE / SET NULL).
    session.execute(delete(Person).where(Person.id == person.id))
    session.expunge_all()


# ---------------------------------------------------------------- life cycle

DELETE_CONFIRM_MISMATCH = "Type the team's URL name exactly, to confirm."


def transfer_ownership(session: Session, actor: Membership, membership_id: int) -> Membership:
    """Hand the team to another member: they become owner, `actor` a facilitator.

    Owners only; the new owner must be someone else in the team. Return their membership.
    """
    _require_owner(actor)
    membership = _member_of(session, actor.team, membership_id)
    if membership.id == actor.id:
        raise Conflict("Choose another member: you own the team already.", field="membership_id")
    _count_owners(session, actor.team)  # lock the owners' rows, as change_role does
    membership.role = Role.OWNER
    actor.role = Role.FACILITATOR
    # Stepping down, as with change_role: an invite never outlives its maker's power.
    revoke_invites_made_by(session, actor.person_id, actor.team_id)
    audit.record(
        session,
        actor.team,
        actor,
        "team.ownership_transferred",
        member=membership.person.email,
    )
    session.flush()
    return membership


def delete_team(session: Session, actor: Membership, confirm: str) -> str:
    """Delete the team with everything in it (owners only); `confirm` repeats its URL name.

    Its goals, pulses, retros, digests, invites and audit log go by the database's own
    rules (ON DELETE CASCADE), so the scheduler finds nothing of it from then on. One
    event stays in the log, outside the team: who deleted it, and when. Return its name.
    """
    _require_owner(actor)
    team = actor.team
    if (confirm or "").strip() != team.slug:
        # A 409, not a 422: the body is well-formed, it names another team than this one.
        raise Conflict(DELETE_CONFIRM_MISMATCH, field="confirm")
    name, slug, person = team.name, team.slug, actor.person
    session.execute(delete(Team).where(Team.id == team.id))
    audit.record(session, None, person, "team.deleted", team_slug=slug, name=name)
    session.flush()
    session.expunge_all()
    return name
