"""The audit log: who changed a team's members, roles, invites, settings and access, and when.

Every capability records its own changes here through `record`. An event names people,
roles and which settings changed, never a value (a webhook URL is a secret) nor anything
a pulse holds; the scheduler prunes events older than TEAMKIT_AUDIT_RETENTION_DAYS.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.auth.services import token_created, token_revoked
from teamkit.db import utcnow
from teamkit.teams.models import AuditEvent, Membership, Role, Team
from teamkit.teams.roles import require_role

#: Every action the log records, with how it reads ("Ada <what>").
ACTIONS: dict[str, str] = {
    "team.created": "created the team",
    "team.imported": "imported the team from an export",
    "team.exported": "exported the team's data",
    "team.ownership_transferred": "handed ownership to {member}",
    "team.deleted": "deleted the team with all its data",
    "member.joined": "joined as {role} with an invite",
    "member.role_changed": "changed {member}'s role from {from} to {to}",
    "member.removed": "removed {member} ({role})",
    "member.left": "left the team",
    "invite.created": "created an invite to join as {role}",
    "invite.revoked": "revoked an invite to join as {role}",
    "token.created": "created the API token “{name}”",
    "token.revoked": "revoked the API token “{name}”",
    "team.settings_changed": "changed the team settings: {changed}",
    "goals.settings_changed": "changed the goal settings: {changed}",
    "pulses.settings_changed": "changed the pulse settings: {changed}",
    "retros.settings_changed": "changed the retro settings: {changed}",
    "digest.settings_changed": "changed the digest settings: {changed}",
    "slack.settings_changed": "changed the Slack app's connection: {changed}",
    "slack.disconnected": "disconnected the Slack app",
}


def record(
    session: Session,
    team: Team | None,
    actor: Person | Membership | None,
    action: str,
    *,
    team_slug: str | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add one event to `team`'s log, in the caller's transaction.

    `detail` holds plain values a person may read back: emails, roles, setting names.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    person = actor.person if isinstance(actor, Membership) else actor
    event = AuditEvent(
        team_id=team.id if team is not None else None,
        team_slug=team.slug if team is not None else team_slug or "",
        actor_id=person.id if person is not None else None,
        actor_email=person.email if person is not None else None,
        action=action,
        detail=detail,
        at=utcnow(),
    )
    session.add(event)
    return event


def record_settings_change(
    session: Session, actor: Membership, action: str, before: dict[str, Any], after: dict[str, Any]
) -> AuditEvent | None:
    """Record which settings `actor` changed (their names only), or nothing if none did."""
    changed = sorted(name for name in after if before.get(name) != after[name])
    if not changed:
        return None
    return record(session, actor.team, actor, action, changed=changed)


def record_for_teams_of(session: Session, person: Person, action: str, **detail: Any) -> None:
    """Record an event in every team of `person` (an API token reaches them all)."""
    teams = session.scalars(
        select(Team)
        .join(Membership, Membership.team_id == Team.id)
        .where(Membership.person_id == person.id)
    )
    for team in teams:
        record(session, team, person, action, **detail)


def describe(event: AuditEvent) -> str:
    """Return what happened as it reads after the actor's name."""
    values = {
        key: ", ".join(map(str, value)) if isinstance(value, list) else value
        for key, value in (event.detail or {}).items()
    }
    try:
        return ACTIONS[event.action].format(**values)
    except (KeyError, IndexError, ValueError):
        return event.action


def log_statement(team: Team) -> Select[AuditEvent]:
    """Return the query of the team's audit events, newest first."""
    return (
        select(AuditEvent)
        .where(AuditEvent.team_id == team.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )


def require_log_reader(actor: Membership) -> None:
    """Let only owners read the audit log."""
    require_role(actor, Role.OWNER, "read the audit log")


def list_events(session: Session, actor: Membership, limit: int) -> list[AuditEvent]:
    """Return the newest `limit` events of the actor's team (owners only)."""
    require_log_reader(actor)
    return list(session.scalars(log_statement(actor.team).limit(limit)))


def events_of_slug(session: Session, slug: str, limit: int) -> list[AuditEvent]:
    """Return the newest `limit` events of the team called `slug`, its deletion included."""
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.team_slug == slug)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )


def prune(session: Session, keep: timedelta, now: datetime | None = None) -> int:
    """Delete the events older than `keep`; return how many went."""
    cutoff = (now or utcnow()) - keep
    result = session.execute(delete(AuditEvent).where(AuditEvent.at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


def _token_created(person: Person, *, session: Session, name: str) -> None:
    record_for_teams_of(session, person, "token.created", name=name)


def _token_revoked(person: Person, *, session: Session, name: str) -> None:
    record_for_teams_of(session, person, "token.revoked", name=name)


def init_app(_app: Flask) -> None:
    """Log API tokens made and revoked, told by `auth` (which knows nothing of teams)."""
    token_created.connect(_token_created)
    token_revoked.connect(_token_revoked)
