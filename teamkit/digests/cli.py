"""`teamkit digest preview` and `teamkit digest send`."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from teamkit.db import job_session, utcnow
from teamkit.digests import services
from teamkit.digests.deliver import deliver_due
from teamkit.digests.settings import find_settings
from teamkit.errors import ServiceError
from teamkit.teams.models import Role
from teamkit.teams.services import find_team


@click.group()
def digest() -> None:
    """Preview a team's digest, or send it now."""


@digest.command("preview")
@click.option("--team", "slug", required=True, help="The team's URL name.")
@click.option(
    "--format",
    "kind",
    type=click.Choice(services.FORMATS),
    default="text",
    show_default=True,
    help="Plain text, the HTML email, or the Slack message as JSON.",
)
@with_appcontext
def preview(slug: str, kind: str) -> None:
    """Print the team's digest as it would go out now (nothing is recorded)."""
    try:
        with job_session(current_app) as session:
            team = find_team(session, slug)
            rendered = services.preview(session, current_app, team, now=utcnow())
    except ServiceError as error:
        raise click.ClickException(error.detail) from None
    if kind == "text":
        click.echo(rendered.text, nl=False)
    elif kind == "html":
        click.echo(rendered.html)
    else:
        click.echo(json.dumps(rendered.slack, indent=2, ensure_ascii=False))


@digest.command("send")
@click.option("--team", "slug", required=True, help="The team's URL name.")
@with_appcontext
def send(slug: str) -> None:
    """Send the team's digest now, through the same claim and log as a scheduled one."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        with job_session(app) as session:
            team = find_team(session, slug)
            if find_settings(session, team) is None:
                raise click.ClickException(
                    f"{slug} has no digest settings yet: set them on its Digest page first."
                )
            owner = next(m for m in team.memberships if m.role is Role.OWNER)
            created = services.send_now(session, app, owner, now=utcnow())
            team_id = team.id
    except ServiceError as error:
        raise click.ClickException(error.detail) from None
    click.echo(services.send_now_message(created))
    report = deliver_due(app, team_id=team_id)
    click.echo(f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}")
