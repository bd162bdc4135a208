"""Portal pages of retros: list, search, write, publish, export; the retro settings."""

from __future__ import annotations

from typing import Any

from flask import (
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse

from teamkit.db import get_session, locks_late
from teamkit.errors import InvalidInput
from teamkit.forms import ConfirmForm, attempt, form_status, submit_form
from teamkit.goals.models import Goal
from teamkit.retros import (
    action_views,
    actions,
    coach,
    edits,
    exports,
    review,
    search,
    services,
    timeline,
    timeline_views,
)
from teamkit.retros.formats import FORMATS, new_links, parse_format, status_labels
from teamkit.retros.forms import (
    PublishForm,
    RetroForm,
    RetroSettingsForm,
)
from teamkit.retros.models import (
    Retro,
    RetroStatus,
)
from teamkit.retros.pages import (
    EARLIER_SHOWN,
    bp,
    download,
    find_retro,
    retro_page,
    to_retro,
    today,
)
from teamkit.retros.settings import get_settings, update_settings
from teamkit.teams.guard import current_membership, current_team
from teamkit.teams.local_time import local_input, page_timezone
from teamkit.teams.models import Membership, Role
from teamkit.teams.roles import require_role
from teamkit.teams.services import list_members

#: The modules of a retro's parts, whose routes are on the same blueprint.
PART_VIEWS = (timeline_views, action_views)
CONFIRM_MISSING = "Tick this to publish with the coach's suggestions left, or reword them first."

# ---------------------------------------------------------------- contributions


def home_context(session: Session, membership: Membership) -> dict[str, Any]:
    """Fill the retros section of the team home page: open and overdue items, and yours."""
    return {
        "team": membership.team,
        "me": membership,
        "counts": actions.count_action_items(session, membership, today=today()),
        "latest": services.list_retros(session, membership.team, limit=3),
        "new_links": new_links(),
    }


def goal_context(session: Session, membership: Membership, goal: Goal) -> dict[str, Any]:
    """Fill the goal page's list of the action items that serve the goal."""
    return {
        "team": membership.team,
        "action_items": actions.items_serving_goal(session, goal),
        "today": today(),
    }


# ---------------------------------------------------------------- retros


@bp.get("/t/<slug>/retros")
def index(slug: str) -> str:
    db = get_session()
    team = current_team()
    status = next((s for s in RetroStatus if s.value == request.args.get("status")), None)
    retros = services.list_retros(db, team, status=status)
    return render_template(
        "retros/index.html",
        team=team,
        me=current_membership(),
        status=status,
        statuses=list(RetroStatus),
        retros=retros,
        format_statuses=status_labels(db, retros),
        severity_names=get_settings(db, team).severity_names,
        formats=FORMATS,
        new_links=new_links(),
    )


@bp.get("/t/<slug>/retros/search")
def search_page(slug: str) -> tuple[str, int]:
    db = get_session()
    query = request.args.get("q", "")
    hits: list[search.SearchHit] = []
    error = None
    if "q" in request.args:
        try:
            hits = search.search_retros(db, current_team(), query)
        except InvalidInput as problem:
            error = problem.errors.get("q", problem.detail)
    return render_template(
        "retros/search.html", team=current_team(), query=query, hits=hits, error=error
    ), 422 if error else 200


def _form_page(form: RetroForm, retro: Retro | None, status: int) -> tuple[str, int]:
    db = get_session()
    earlier = []
    if retro is None:
        earlier = actions.list_action_items(
            db, current_team(), today=today(), open_only=True, limit=EARLIER_SHOWN
        )
    return render_template(
        "retros/form.html",
        team=current_team(),
        retro=retro,
        fields=parse_format(retro.format if retro else "incident").fields,
        form=form,
        earlier=earlier,
        earlier_shown=EARLIER_SHOWN,
        today=today(),
    ), status


def _choices(form: RetroForm) -> RetroForm:
    db = get_session()
    team = current_team()
    return form.with_choices(
        get_settings(db, team).severity_names, list_members(db, team)
    ).in_timezone(page_timezone())


@bp.route("/t/<slug>/retros/new", methods=["GET", "POST"])
def new(slug: str) -> Any:
    form = _choices(RetroForm())
    sent = submit_form(
        form,
        lambda: services.create_retro(
            get_session(), current_membership(), format="incident", **form.values()
        ),
    )
    if sent.ok:
        flash(_saved_message("Draft saved.", sent.value), "success")
        return to_retro(sent.value)
    return _form_page(form, None, sent.status)


def _saved_message(done: str, retro: Retro) -> str:
    flags = sum(len(p.flags) for p in review.coach_whole_retro(get_session(), retro))
    if not flags:
        return done
    return (
        f"{done} The blameless-language coach has {flags} suggestion"
        f"{'' if flags == 1 else 's'}: see them on the retro."
    )


def _retro_data(db: Session, retro: Retro) -> dict[str, Any]:
    return {
        "title": retro.title,
        "summary": retro.summary,
        "started_at": local_input(retro.started_at),
        "ended_at": local_input(retro.ended_at),
        "severity": str(retro.severity or ""),
        **{name: getattr(retro, name) for name in services.TEXT_FIELDS},
        "tags": ", ".join(services.tags_of(db, retro)),
        "participant_ids": [str(m.id) for m in services.participants_of(db, retro)],
    }


@bp.route("/t/<slug>/retros/<int:retro_id>/edit", methods=["GET", "POST"])
def edit(slug: str, retro_id: int) -> Any:
    db = get_session()
    me = current_membership()
    retro = find_retro(retro_id)
    edits.require_editable(me, retro)
    form = _choices(RetroForm(data=_retro_data(db, retro)))
    fields = parse_format(retro.format).fields
    sent = submit_form(
        form,
        lambda: services.update_retro(
            db, me, retro, {name: value for name, value in form.values().items() if name in fields}
        ),
    )
    if sent.ok:
        done = "Saved." if sent.value else "Nothing changed."
        flash(_saved_message(done, retro), "success")
        return to_retro(retro)
    return _form_page(form, retro, sent.status)


@bp.get("/t/<slug>/retros/<int:retro_id>")
def show(slug: str, retro_id: int) -> Any:
    retro = find_retro(retro_id)
    endpoint = parse_format(retro.format).page_endpoint
    if endpoint is not None:
        return redirect(url_for(endpoint, slug=slug, retro_id=retro.id), 303)
    return retro_page(retro)


@bp.get("/t/<slug>/retros/<int:retro_id>/print")
def print_page(slug: str, retro_id: int) -> str:
    db = get_session()
    retro = find_retro(retro_id)
    return render_template(
        "retros/print.html",
        team=current_team(),
        export=_export(db, retro),
        kind_label=parse_format(retro.format).label,
        today=today(),
    )


def _export(db: Session, retro: Retro) -> exports.RetroExport:
    names = get_settings(db, retro.team).severity_names
    return exports.RetroExport(
        retro=retro,
        severity_name=names.get(retro.severity) if retro.severity else None,
        tags=services.tags_of(db, retro),
        participants=services.participants_of(db, retro),
        timeline=timeline.list_entries(db, retro),
        factors=timeline.list_factors(db, retro),
        items=actions.items_of_retro(db, retro),
        history=[],
    )


@bp.get("/t/<slug>/retros/<int:retro_id>/export.md")
def export_markdown(slug: str, retro_id: int) -> Response:
    retro = find_retro(retro_id)
    text = exports.retro_markdown(_export(get_session(), retro), today=today())
    return download(text, "text/markdown", f"retro-{retro.id}.md")


@bp.post("/t/<slug>/retros/<int:retro_id>/submit")
def submit(slug: str, retro_id: int) -> BaseResponse:
    retro = find_retro(retro_id)
    if ConfirmForm().validate_on_submit():
        services.submit_for_review(get_session(), current_membership(), retro)
        flash("In review: the team can read it now, with the coach's suggestions.", "success")
    return to_retro(retro)


@bp.post("/t/<slug>/retros/<int:retro_id>/return")
def return_to_draft(slug: str, retro_id: int) -> BaseResponse:
    retro = find_retro(retro_id)
    if ConfirmForm().validate_on_submit():
        services.return_to_draft(get_session(), current_membership(), retro)
        flash("Back to draft.", "info")
    return to_retro(retro)


@bp.route("/t/<slug>/retros/<int:retro_id>/publish", methods=["GET", "POST"])
def publish(slug: str, retro_id: int) -> Any:
    db = get_session()
    me = current_membership()
    require_role(me, Role.FACILITATOR, "publish a retro")
    retro = find_retro(retro_id)
    flagged = review.coach_whole_retro(db, retro)
    people = review.person_flags(flagged)
    others = sum(len(part.flags) for part in flagged) - len(people)
    form = PublishForm()
    reasons = {person.id: request.form.get(f"reasons.{person.id}", "") for person in people}
    reason_errors: dict[str, str] = {}
    if form.validate_on_submit():
        if others and not form.confirmed.data:
            # Asked once more when other flags remain: they never block publishing.
            form.confirmed.errors = [CONFIRM_MISSING]
        else:
            done = attempt(lambda: review.publish(db, me, retro, reasons, flagged=flagged), form)
            if done.ok:
                flash("Published: the whole team can read it.", "success")
                return to_retro(retro)
            if not isinstance(done.error, InvalidInput):
                assert done.error is not None
                flash(done.error.detail, "error")
                return retro_page(retro, done.error.status)
            reason_errors = {
                name.removeprefix("reasons."): message
                for name, message in done.error.errors.items()
                if name.startswith("reasons.")
            }
    return render_template(
        "retros/publish.html",
        team=current_team(),
        retro=retro,
        flags=others,
        people=people,
        reasons=reasons,
        reason_errors=reason_errors,
        form=form,
    ), form_status(form)


@bp.post("/t/<slug>/retros/coach")
@locks_late  # it only reads: a member typing never holds SQLite's write lock
def check(slug: str) -> Any:
    """Check a text with the coach (the editor's script calls it as you type)."""
    data = request.get_json(silent=True)
    text = data.get("text") if isinstance(data, dict) else None
    if not isinstance(text, str) or len(text) > coach.TEXT_MAX or "\x00" in text:
        abort(400)
    names = review.member_names(get_session(), current_team())
    return jsonify({"flags": [flag.as_dict() for flag in coach.check_text(text, names)]})


# ---------------------------------------------------------------- settings


@bp.route("/t/<slug>/retros/settings", methods=["GET", "POST"])
def settings(slug: str) -> Any:
    db = get_session()
    me = current_membership()
    require_role(me, Role.FACILITATOR, "rename severity levels")
    current = get_settings(db, current_team()).severity_names
    form = RetroSettingsForm(data={f"sev{level}_name": name for level, name in current.items()})
    sent = submit_form(
        form,
        lambda: update_settings(
            db,
            me,
            {f"sev{level}_name": getattr(form, f"sev{level}_name").data for level in current},
        ),
    )
    if sent.ok:
        flash("Severity names saved.", "success")
        return redirect(url_for("retros.index", slug=slug), 303)
    return render_template("retros/settings.html", team=current_team(), form=form), sent.status
