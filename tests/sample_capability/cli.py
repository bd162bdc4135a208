"""`teamkit sample greeting --team SLUG`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from sample_capability.settings import get_settings
from teamkit.db import job_session
from teamkit.errors import ServiceError
from teamkit.teams.services import find_team


@click.group()
def sample() -> None:
    """The sample capability's commands."""


@sample.command("greeting")
@click.option("--team", "slug", required=True, help="The team's URL name.")
@with_appcontext
def greeting(slug: str) -> None:
    """Print the team's greeting."""
    try:
        with job_session(current_app) as session:
            click.echo(get_settings(session, find_team(session, slug)).greeting)
    except ServiceError as error:
        raise click.ClickException(str(error)) from error
