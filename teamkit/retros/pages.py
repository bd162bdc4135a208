"""What the retros pages share: the blueprint, its template filters, a retro's page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import (
    Blueprint,
    Response,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse

from teamkit.db import get_session, utcnow
from teamkit.forms import ConfirmForm
from teamkit.goals.models import Goal, GoalStatus
from teamkit.goals.services import list_goals
from teamkit.retros import actions, edits, retro_timing, review, services, timeline
from teamkit.retros.formats import parse_format
from teamkit.retros.forms import (
    ActionItemForm,
    ActionStatusForm,
    FactorForm,
    TimelineEntryForm,
)
from teamkit.retros.models import (
    FactorCategory,
    Retro,
    TimelineKind,
)
from teamkit.retros.richtext import render_markdown
from teamkit.retros.settings import get_settings
from teamkit.teams.guard import current_membership, current_team
from teamkit.teams.local_time import page_timezone
from teamkit.teams.models import Role
from teamkit.teams.roles import has_role
from teamkit.teams.services import list_members

bp = Blueprint("retros", __name__)

#: Edits a retro page lists (the latest ones).
HISTORY_SHOWN = 100
#: Open action items of earlier retros a retro page lists (those due first); the team's
#: action item page has them all.
EARLIER_SHOWN = 20


def today() -> date:
    """Return today's date (UTC), the day overdue is counted from."""
    return utcnow().date()


@bp.app_template_filter("markdown")
def _markdown_filter(text: str | None) -> Any:
    return render_markdown(text)


@bp.app_template_filter("duration")
def _duration_filter(span: timedelta | None) -> str:
    return timeline.format_duration(span)


@bp.app_template_filter("since_start")
def _since_start_filter(span: timedelta) -> str:
    return timeline.format_since_start(span)


def find_retro(retro_id: int) -> Retro:
    """Return the retro `retro_id` of this request's team (404 if it has none)."""
    return services.get_retro(get_session(), current_team(), retro_id)


def to_retro(retro: Retro, anchor: str | None = None) -> BaseResponse:
    """Redirect to the retro's page, at `anchor`."""
    target = url_for("retros.show", slug=current_team().slug, retro_id=retro.id)
    return redirect(f"{target}#{anchor}" if anchor else target, 303)


def active_goals(db: Session) -> list[Goal]:
    """Return the team's active goals, which an action item may serve."""
    return list_goals(db, current_team(), status=GoalStatus.ACTIVE)


def retro_page(retro: Retro, status: int = 200, **forms: Any) -> tuple[str, int]:
    """Render a retro with everything on it; `forms` replace the empty ones (with errors)."""
    db = get_session()
    me = current_membership()
    team = current_team()
    members = list_members(db, team)
    entries = timeline.list_entries(db, retro)
    factors = timeline.list_factors(db, retro)
    items = actions.items_of_retro(db, retro)
    flagged = review.coach_retro(
        retro,
        entries=entries,
        factors=factors,
        items=items,
        names=[m.person.name for m in members],
    )
    settings = get_settings(db, team)
    gap = retro_timing().timeline_gap
    goals = active_goals(db)
    entry_form = forms.get("entry_form") or TimelineEntryForm(formdata=None)
    item_form = forms.get("item_form") or ActionItemForm(formdata=None)
    return render_template(
        "retros/retro.html",
        team=team,
        me=me,
        retro=retro,
        kind=parse_format(retro.format),
        severity_names=settings.severity_names,
        tags=services.tags_of(db, retro),
        participants=services.participants_of(db, retro),
        rows=timeline.timeline_rows(entries, gap=gap, started_at=retro.started_at),
        gap=gap,
        factors=factors,
        items=items,
        earlier=actions.open_items_from_earlier_retros(db, retro, limit=EARLIER_SHOWN),
        earlier_shown=EARLIER_SHOWN,
        history=edits.history(db, retro, limit=HISTORY_SHOWN),
        flagged=flagged,
        flag_count=sum(len(part.flags) for part in flagged),
        item_flags={
            int(part.key.removeprefix("action-")): part.flags
            for part in flagged
            if part.key.startswith("action-")
        },
        labels=services.FIELD_LABELS,
        text_fields=services.TEXT_FIELDS,
        may_edit=not retro.is_published or has_role(me, Role.FACILITATOR),
        may_publish=has_role(me, Role.FACILITATOR),
        may_edit_item=lambda item: actions.may_edit_item(me, item),
        entry_form=entry_form.with_members(members).in_timezone(page_timezone()),
        factor_form=forms.get("factor_form") or FactorForm(formdata=None),
        item_form=item_form.with_choices(members, goals),
        item_status_form=ActionStatusForm(formdata=None),
        status_errors=forms.get("status_errors") or {},
        chosen=forms.get("chosen") or {},
        entry_errors=forms.get("entry_errors") or {},
        factor_errors=forms.get("factor_errors") or {},
        kinds=[(kind.value, kind.label) for kind in TimelineKind],
        categories=[(category.value, category.label) for category in FactorCategory],
        member_choices=[(str(m.id), m.person.name) for m in members],
        goal_choices=[(str(g.id), g.title) for g in goals],
        item_errors=forms.get("item_errors") or {},
        confirm=ConfirmForm(formdata=None),
        today=today(),
    ), status


def download(body: str, mimetype: str, filename: str) -> Response:
    """Answer with `body` as a file to save."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def posted(*names: str) -> dict[str, str]:
    """Return the posted fields `names` (empty when missing), for a service's changes."""
    return {name: request.form.get(name, "") for name in names}
