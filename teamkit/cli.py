"""The `teamkit` command."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import ScriptInfo, with_appcontext
from sqlalchemy.orm import Session

from teamkit import create_app, migrate
from teamkit.auth.models import Person
from teamkit.capabilities import capabilities
from teamkit.capability import resolve
from teamkit.config import SettingError
from teamkit.db import backup_sqlite, get_engine, job_session
from teamkit.errors import ServiceError


def _create_app() -> Flask:
    try:
        return create_app()
    except SettingError as error:
        raise click.ClickException(str(error)) from None


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """teamkit: shared goals, pulse surveys and blameless retros for a team."""
    # A plain group, not FlaskGroup: that one would also list every installed Flask plugin
    # command (Flask-Limiter's breaks without its extra) and options teamkit ignores.
    # Commands still find the app through ScriptInfo; a test runner passes its own.
    if ctx.obj is None:
        ctx.obj = ScriptInfo(
            create_app=_create_app, set_debug_flag=False, load_dotenv_defaults=False
        )


def _fail(error: ServiceError) -> None:
    raise click.ClickException(error.detail)


def _person(session: Session, email: str) -> Person:
    """Return the person with `email`, or stop the command saying there is none."""
    from teamkit.auth.services import find_person_by_email

    person = find_person_by_email(session, email)
    if person is None:
        raise click.ClickException(f"No person with email {email}.")
    return person


def _setup_logging() -> None:
    logging.basicConfig(
        level=current_app.config["TEAMKIT"]["LOG_LEVEL"],
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--threads",
    type=click.IntRange(1, 100),
    help="Threads in each worker. Default: TEAMKIT_DATABASE_POOL_SIZE, one connection each.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Processes serving the address (one per core); the scheduler still runs once.",
)
@click.option("--no-scheduler", is_flag=True, help="Serve only; run `teamkit scheduler` apart.")
@with_appcontext
def serve(host: str, port: int, threads: int | None, workers: int, no_scheduler: bool) -> None:
    """Migrate the database, then serve the portal and API (with the scheduler)."""
    from waitress import serve as waitress_serve

    from teamkit.scheduler import build_scheduler

    _setup_logging()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    threads = threads or int(app.config["TEAMKIT"]["DATABASE_POOL_SIZE"])
    migrate.upgrade(get_engine())
    scheduler = None

    def start_scheduler() -> None:
        nonlocal scheduler
        if not no_scheduler:
            scheduler = build_scheduler(app)
            scheduler.start()
            click.echo("scheduler started")
        click.echo(f"teamkit is serving at http://{host}:{port}/")

    try:
        if workers == 1:
            start_scheduler()
            waitress_serve(app, host=host, port=port, threads=threads, ident="teamkit")
        else:
            from teamkit import workers as processes

            if not hasattr(os, "fork"):
                raise click.ClickException("--workers needs a system with fork (Linux, macOS)")
            try:
                listener = processes.bind(host, port)
            except OSError as error:
                raise click.ClickException(f"can't listen on {host}:{port}: {error}") from None
            click.echo(f"{workers} workers of {threads} threads")
            storage = str(app.config["TEAMKIT"]["RATELIMIT_STORAGE_URL"])
            warning = processes.unshared_limits_warning(storage, workers)
            if warning is not None:
                processes.log.warning("%s", warning)
                click.echo(warning, err=True)
            processes.serve_workers(
                app, listener, workers=workers, threads=threads, on_started=start_scheduler
            )
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)


@main.command()
@with_appcontext
def scheduler() -> None:
    """Run the scheduler alone (any number of them may share one PostgreSQL)."""
    from teamkit.scheduler import build_scheduler

    _setup_logging()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    click.echo("scheduler started; Ctrl-C stops it")
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        build_scheduler(app, blocking=True).start()


@main.group()
def db() -> None:
    """Migrate the database schema; back up a SQLite database."""


@db.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Migrate up to REVISION (default: the newest)."""
    migrate.upgrade(get_engine(), revision)
    click.echo(f"database at {migrate.current_revision(get_engine())}")


@db.command("downgrade")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Migrate down to REVISION ("-1" for one step, "base" to empty the database)."""
    migrate.downgrade(get_engine(), revision)
    click.echo(f"database at {migrate.current_revision(get_engine()) or 'base'}")


@db.command("revision")
@click.argument("message")
@with_appcontext
def db_revision(message: str) -> None:
    """Write a new migration from what the models add (for developers; review it by hand)."""
    migrate.make_revision(get_engine(), message)


@db.command("current")
@with_appcontext
def db_current() -> None:
    """Print the revision the database is at."""
    click.echo(migrate.current_revision(get_engine()) or "base (not migrated)")


@db.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def db_backup(path: Path) -> None:
    """Copy the SQLite database to PATH, safely, while teamkit runs."""
    try:
        backup_sqlite(get_engine(), path)
    except (ValueError, FileExistsError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"copied the database to {path}")


@main.group()
def user() -> None:
    """Manage people."""


@user.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Name shown to teammates.")
@click.option("--password", help="Asked for when not given.")
@with_appcontext
def user_create(email: str, name: str, password: str | None) -> None:
    """Create a person who can log in."""
    from teamkit.auth.services import create_person

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with job_session(current_app) as session:
            person = create_person(session, email, name, password or "")
            click.echo(f"created {person.email}")
    except ServiceError as error:
        _fail(error)


@user.command("reset-password")
@click.argument("email")
@click.option("--password", help="Asked for when not given.")
@with_appcontext
def user_reset_password(email: str, password: str | None) -> None:
    """Set a new password for a person who forgot theirs; their sessions end."""
    from teamkit.auth.services import reset_password

    if password is None:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        with job_session(current_app) as session:
            person = reset_password(session, email, password or "")
            click.echo(f"set a new password for {person.email}; their sessions have ended")
    except ServiceError as error:
        _fail(error)


@main.group()
def team() -> None:
    """Manage teams."""


@team.command("create")
@click.argument("name")
@click.option("--slug", required=True, help="URL name: lower-case letters, digits, hyphens.")
@click.option("--owner", "owner_email", required=True, help="Email of the first owner.")
@click.option("--timezone", default="UTC", show_default=True, help="IANA time zone of the team.")
@with_appcontext
def team_create(name: str, slug: str, owner_email: str, timezone: str) -> None:
    """Create a team with an owner; its digest is on, Mondays at 09:00 in its time zone."""
    from teamkit.teams.onboarding import found_team

    try:
        with job_session(current_app) as session:
            owner = _person(session, owner_email)
            created = found_team(session, name, slug, owner, timezone)
            click.echo(f"created team {created.slug}")
    except ServiceError as error:
        _fail(error)


@team.command("add-member")
@click.argument("slug")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(["member", "facilitator", "owner"]),
    default="member",
    show_default=True,
)
@with_appcontext
def team_add_member(slug: str, email: str, role: str) -> None:
    """Add a person to a team."""
    from teamkit.teams.services import add_member, find_team, parse_role

    try:
        with job_session(current_app) as session:
            person = _person(session, email)
            add_member(session, find_team(session, slug), person, parse_role(role))
            click.echo(f"{email} is now {role} of {slug}")
    except ServiceError as error:
        _fail(error)


@main.group()
def token() -> None:
    """Manage API tokens."""


@token.command("create")
@click.argument("email")
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
@with_appcontext
def token_create(email: str, name: str) -> None:
    """Create an API token and print it, alone, on stdout."""
    from teamkit.auth.services import create_api_token

    try:
        with job_session(current_app) as session:
            person = _person(session, email)
            _token, plain = create_api_token(session, person, name)
    except ServiceError as error:
        _fail(error)
    click.echo(plain)


@main.command()
@with_appcontext
def demo() -> None:
    """Create the demo team and people (once) and print how to log in."""
    from teamkit.demo import DEMO_PASSWORD, DEMO_PEOPLE, seed_demo

    migrate.upgrade(get_engine())
    with job_session(current_app) as session:
        result = seed_demo(session)
        emails = [person.email for person in result.people]
        slug = result.team.slug
    state = "created" if result.created else "already there"
    click.echo(f"demo team “{slug}” {state}.")
    click.echo(f"Log in at {current_app.config['TEAMKIT']['BASE_URL']}/login as one of:")
    roles = {email: role.value for email, _name, role in DEMO_PEOPLE}
    for email in emails:
        role = f"  ({roles[email]})" if email in roles else ""
        click.echo(f"  {email:<24} password: {DEMO_PASSWORD}{role}")


@main.command("export")
@click.option("--team", "slug", required=True, help="URL name of the team to export.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (it must not exist); standard output when not given.",
)
@click.option(
    "--with-secrets", is_flag=True, help="Include the team's Slack webhook URL in the file."
)
@with_appcontext
def export_command(slug: str, output: Path | None, with_secrets: bool) -> None:
    """Write a team's whole data as one JSON document (see the README, "Moving and keeping
    your data")."""
    from teamkit.teams.services import find_team
    from teamkit.transfer import dumps, export_team, record_export

    try:
        with job_session(current_app) as session:
            found = find_team(session, slug)
            document = export_team(session, found, with_secrets=with_secrets)
            record_export(session, found, None)
    except ServiceError as error:
        _fail(error)
    text = dumps(document)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        with output.open("x", encoding="utf-8") as file:
            file.write(text)
    except OSError as error:
        raise click.ClickException(f"Can't write {output}: {error.strerror}.") from None
    click.echo(f"exported team {slug} to {output}", err=True)


@main.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--slug", help="URL name for the imported team, when the file's is taken here.")
@with_appcontext
def import_command(path: Path, slug: str | None) -> None:
    """Restore a team from a file `teamkit export` wrote: all of it, or nothing."""
    from teamkit.transfer import import_team, read_document

    migrate.upgrade(get_engine())
    try:
        document = read_document(path.read_bytes())
        with job_session(current_app) as session:
            created = import_team(session, document, slug)
            created_slug = created.slug
    except ServiceError as error:
        _fail(error)
    click.echo(
        f"imported team {created_slug}; its people set their passwords with “Forgot password”"
    )


def _add_capability_commands() -> None:
    """Add every capability's commands (`teamkit digest …`), read from the list."""
    for capability in capabilities():
        for reference in capability.commands:
            main.add_command(resolve(reference))


_add_capability_commands()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
