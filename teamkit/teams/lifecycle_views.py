"""Portal pages for a team's owners: handing it over, deleting it, its audit log."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from werkzeug.wrappers import Response

from teamkit.db import get_session
from teamkit.forms import submit_form
from teamkit.teams import audit, services
from teamkit.teams.forms import DeleteTeamForm, ExportForm, TransferForm
from teamkit.teams.guard import current_membership, current_team
from teamkit.teams.models import Role
from teamkit.teams.navigation import forget_team
from teamkit.teams.roles import require_role
from teamkit.transfer import download, export_for

bp = Blueprint("team_owners", __name__)

#: Events the audit page shows, newest first (the API pages through all of them).
AUDIT_PAGE_EVENTS = 200


def _transfer_form(*, submitted: bool = False) -> TransferForm:
    me = current_membership()
    others = [m for m in services.list_members(get_session(), current_team()) if m.id != me.id]
    return (
        TransferForm(members=others) if submitted else TransferForm(formdata=None, members=others)
    )


def owner_context() -> dict[str, Any]:
    """Fill the owners' part of the team settings page."""
    return {
        "export_form": ExportForm(formdata=None),
        "transfer_form": _transfer_form(),
        "retention_days": current_app.config["TEAMKIT"]["AUDIT_RETENTION_DAYS"],
    }


def _transfer_page(status: int, form: TransferForm) -> tuple[str, int]:
    return render_template("teams/transfer.html", team=current_team(), transfer_form=form), status


@bp.post("/t/<slug>/transfer")
def transfer(slug: str) -> Response | tuple[str, int]:
    """Make another member owner; the owner who hands over becomes a facilitator."""
    require_role(current_membership(), Role.OWNER, "hand over the team")
    form = _transfer_form(submitted=True)
    sent = submit_form(
        form,
        lambda: services.transfer_ownership(
            get_session(), current_membership(), form.membership_id.data or 0
        ),
    )
    if sent.ok:
        new_owner = sent.value
        flash(f"{new_owner.person.name} now owns {current_team().name}; you are a facilitator.")
        return redirect(url_for("teams.members", slug=slug), 303)
    # A member who left meanwhile (404), or oneself (409): said beside the choice, as such.
    return _transfer_page(sent.error.status if sent.error else sent.status, form)


@bp.route("/t/<slug>/delete", methods=["GET", "POST"])
def delete(slug: str) -> str | Response | tuple[str, int]:
    """Ask for the team's URL name (GET), then delete the team with all its data (POST)."""
    me = current_membership()
    require_role(me, Role.OWNER, "delete the team")
    form = DeleteTeamForm()
    sent = submit_form(
        form, lambda: services.delete_team(get_session(), me, form.confirm.data or "")
    )
    if sent.ok:
        forget_team()
        flash(f"{sent.value} is deleted, with all its data.", "info")
        return redirect(url_for("teams.list_teams"), 303)
    return render_template("teams/delete.html", team=current_team(), form=form), sent.status


@bp.post("/t/<slug>/export")
def export(slug: str) -> Response:
    """Download the team's whole data as one JSON file (owners only)."""
    form = ExportForm()
    if not form.validate_on_submit():
        abort(400)
    document = export_for(
        get_session(), current_membership(), with_secrets=bool(form.with_secrets.data)
    )
    return download(document)


@bp.get("/t/<slug>/audit")
def audit_log(slug: str) -> str:
    """List who changed what in the team, newest first (owners only)."""
    events = audit.list_events(get_session(), current_membership(), AUDIT_PAGE_EVENTS)
    return render_template(
        "teams/audit.html",
        team=current_team(),
        events=[(event, audit.describe(event)) for event in events],
        shown=AUDIT_PAGE_EVENTS,
        retention_days=current_app.config["TEAMKIT"]["AUDIT_RETENTION_DAYS"],
    )


def init_app(app: Flask) -> None:
    """Register the owners' pages."""
    app.register_blueprint(bp)
