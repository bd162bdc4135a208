"""Portal: the sample page, its settings form, and its blocks of the shared pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from sqlalchemy.orm import Session

from sample_capability.forms import SampleSettingsForm
from sample_capability.settings import get_settings, update_settings
from teamkit.auth.models import Person
from teamkit.db import get_session
from teamkit.forms import submit_form
from teamkit.teams.guard import current_membership, current_team
from teamkit.teams.models import Membership, Role
from teamkit.teams.roles import require_role

bp = Blueprint("sample", __name__, template_folder="templates")


@bp.get("/t/<slug>/sample")
def page(slug: str) -> str:
    """Say the team's greeting."""
    return f"{get_settings(get_session(), current_team()).greeting}, {current_team().name}"


@bp.route("/t/<slug>/sample/settings", methods=["GET", "POST"])
def settings(slug: str) -> Any:
    """Show the team's sample settings; owners and facilitators change them."""
    db, me = get_session(), current_membership()
    require_role(me, Role.FACILITATOR, "change the sample settings")
    form = SampleSettingsForm(data={"greeting": get_settings(db, me.team).greeting})
    sent = submit_form(form, lambda: update_settings(db, me, form.values()))
    if sent.ok:
        flash("Sample settings saved.", "success")
        return redirect(url_for("sample.page", slug=slug), 303)
    return render_template("sample/settings.html", team=me.team, form=form), sent.status


def home_context(session: Session, membership: Membership) -> dict[str, Any]:
    """Fill the sample's block of the team's home page."""
    return {"who": membership.person.name}


def account_context(session: Session, person: Person) -> dict[str, Any]:
    """Fill the sample's block of a person's account page."""
    return {"email": person.email}
