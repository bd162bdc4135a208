"""The digests part of a team's export: when and where its digest goes, and who opted out
of it by email or of pulse mail. The Slack webhook is a secret: it leaves only when asked for
(`--with-secrets`). Deliveries already made stay behind: they are the server's log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.db import utcnow
from teamkit.digests.models import DigestSettings, EmailOptOut, PulseMailOptOut
from teamkit.digests.schedule import check_cron
from teamkit.digests.settings import next_run_at
from teamkit.teams.zones import check_timezone
from teamkit.transfer import ExportContext, ImportContext, dump, load

SETTINGS_FIELDS = (
    "is_enabled",
    "cron",
    "week_interval",
    "timezone",
    "is_email_enabled",
    "slack_webhook_url",
    "updated_at",
)


def export(session: Session, context: ExportContext) -> dict[str, Any]:
    """Return the team's digest settings and email opt-outs."""
    team = context.team
    stored = session.get(DigestSettings, team.id)
    settings = None
    if stored is not None:
        settings = dump(stored, SETTINGS_FIELDS)
        settings["slack_webhook_withheld"] = False
        if stored.slack_webhook_url and not context.with_secrets:
            settings["slack_webhook_url"] = None
            settings["slack_webhook_withheld"] = True
    return {
        "settings": settings,
        "email_opt_outs": _opt_outs(session, context, EmailOptOut),
        "pulse_mail_opt_outs": _opt_outs(session, context, PulseMailOptOut),
    }


def _opt_outs(
    session: Session, context: ExportContext, table: type[EmailOptOut] | type[PulseMailOptOut]
) -> list[dict[str, Any]]:
    rows: list[EmailOptOut | PulseMailOptOut] = list(
        session.scalars(select(table).where(table.team_id == context.team.id))
    )
    return sorted(
        (
            {"email": context.person(o.person_id), "created_at": o.created_at.isoformat()}
            for o in rows
        ),
        key=lambda entry: entry["email"] or "",
    )


def import_(session: Session, part: dict[str, Any], context: ImportContext) -> None:
    """Add the digest settings and opt-outs of `part`; the next send is reckoned from now."""
    team = context.team
    if part["settings"] is not None:
        check_cron(part["settings"]["cron"])
        check_timezone(part["settings"]["timezone"])
        settings = load(DigestSettings, part["settings"], SETTINGS_FIELDS, team_id=team.id)
        settings.next_run_at = next_run_at(settings, utcnow())
        session.add(settings)
    # Exports made before pulse mail could be turned off hold no pulse_mail_opt_outs.
    for table, key in ((EmailOptOut, "email_opt_outs"), (PulseMailOptOut, "pulse_mail_opt_outs")):
        for opt_out in part.get(key, ()):
            session.add(
                load(
                    table,
                    opt_out,
                    ("created_at",),
                    team_id=team.id,
                    person_id=context.person(opt_out["email"]),
                )
            )
    session.flush()
