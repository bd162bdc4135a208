"""API schemas of retros, their timeline, factors and history, action items and the coach.

Fields are built from the services' input rules, so a client reads the services' words.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_dump, validate

from teamkit.api.fields import (
    STORABLE_TEXT,
    JsonInteger,
    date_field,
    datetime_field,
    text_field,
    whole_number_field,
)
from teamkit.api.pagination import PageArgsSchema, PageSchema
from teamkit.retros import actions, coach, formats, review, search, services, timeline
from teamkit.retros.models import (
    SEVERITY_LEVELS,
    TAG_MAX,
    TAGS_MAX,
    ActionStatus,
    FactorCategory,
    RetroStatus,
    TimelineKind,
)
from teamkit.retros.settings import SEVERITY, SEVERITY_NAME
from teamkit.urls import MAX_ID

ROW_ID = validate.Range(min=1, max=MAX_ID)
ACTION_STATUSES = [status.value for status in ActionStatus]
RETRO_STATUSES = [status.value for status in RetroStatus]
#: A tag: no comma (the portal splits on them), no NUL character.
TAG_PATTERN = "^[^,\\u0000]*$"


class FormatName(validate.Validator):
    """One of the formats registered when the document is made, in the service's words."""

    @property
    def choices(self) -> list[str]:
        # Read by apispec for the document's enum; formats register as their packages load.
        return sorted(formats.FORMATS)

    def __call__(self, value: Any) -> Any:
        if value not in formats.FORMATS:
            raise ValidationError(f"Choose one of: {', '.join(self.choices)}.")
        return value


class RetroMemberSchema(Schema):
    """A member, dumped from their membership."""

    id = fields.Integer(metadata={"description": "Membership id (see /members)."})
    name = fields.String(attribute="person.name")


class RetroPersonSchema(Schema):
    id = fields.Integer(metadata={"description": "Person id."})
    name = fields.String()


class RetroFieldsSchema(Schema):
    """Fields of a retro a client writes (all optional on PATCH)."""

    title = text_field(services.TITLE, required=False)
    summary = text_field(
        services.LONG_TEXT, metadata={"description": "Markdown; needed to publish."}
    )
    started_at = datetime_field(
        allow_none=True, metadata={"description": "When the incident began (UTC if no offset)."}
    )
    ended_at = datetime_field(allow_none=True, metadata={"description": "After started_at."})
    severity = whole_number_field(
        SEVERITY,
        allow_none=True,
        metadata={"description": "1 (the worst) to 4; the team names the levels."},
    )
    customer_impact = text_field(services.LONG_TEXT, metadata={"description": "Markdown."})
    detection = text_field(
        services.LONG_TEXT, metadata={"description": "How it was detected (Markdown)."}
    )
    went_well = text_field(services.LONG_TEXT, metadata={"description": "Markdown."})
    went_wrong = text_field(services.LONG_TEXT, metadata={"description": "Markdown."})
    got_lucky = text_field(services.LONG_TEXT, metadata={"description": "Markdown."})
    lessons = text_field(services.LONG_TEXT, metadata={"description": "Markdown."})
    tags = fields.List(
        fields.String(validate=validate.Length(max=TAG_MAX), metadata={"pattern": TAG_PATTERN}),
        validate=validate.Length(max=TAGS_MAX),
        metadata={"description": "Lower-cased; the same tag twice counts once."},
    )
    participant_ids = fields.List(
        JsonInteger(validate=ROW_ID),
        metadata={"description": "Membership ids of those who took part."},
    )


class RetroCreateSchema(RetroFieldsSchema):
    format = fields.String(
        required=True,
        validate=FormatName(),
        metadata={
            "description": "`incident`, or a team retro board: `start-stop-continue`, `4ls`, "
            "`mad-sad-glad`. A board takes the common fields only (not the incident's times, "
            "severity, impact or detection: 422)."
        },
    )
    title = text_field(services.TITLE)


class RetroSummarySchema(Schema):
    """A retro in a list, dumped from its reading (teamkit.retros.readings.RetroReading)."""

    id = fields.Integer(attribute="retro.id")
    format = fields.String(attribute="retro.format")
    status = fields.String(attribute="retro.status", metadata={"enum": RETRO_STATUSES})
    title = fields.String(attribute="retro.title")
    severity = fields.Integer(attribute="retro.severity", allow_none=True)
    severity_name = fields.String(allow_none=True)
    started_at = fields.DateTime(attribute="retro.started_at", allow_none=True)
    ended_at = fields.DateTime(attribute="retro.ended_at", allow_none=True)
    duration_minutes = fields.Integer(allow_none=True, metadata={"description": "From both."})
    created_at = fields.DateTime(attribute="retro.created_at")
    updated_at = fields.DateTime(attribute="retro.updated_at")
    published_at = fields.DateTime(attribute="retro.published_at", allow_none=True)


class CoachFlagSchema(Schema):
    rule = fields.String()
    start = fields.Integer(metadata={"description": "Offset of the first character flagged."})
    end = fields.Integer(metadata={"description": "Offset just past the last one."})
    text = fields.String()
    message = fields.String(metadata={"description": "Why, in one line."})
    suggestion = fields.String(metadata={"description": "How else to say it."})
    source = fields.String(metadata={"description": "The guidance the rule comes from."})
    names_person = fields.Boolean(
        metadata={
            "description": "Whether it points at one person (a member by name, a pronoun, a "
            "role): such a flag is reworded, or given a reason, before publishing."
        }
    )


class RetroPublishSchema(Schema):
    reasons = fields.Dict(
        keys=fields.String(),
        values=text_field(review.REASON),
        load_default=dict,
        metadata={
            "description": "Why each coach flag that points at a person stays, in one line, "
            "keyed by `<field>:<rule>@<start>`."
        },
    )


class CoachFieldSchema(Schema):
    """A part of a retro the coach flagged (teamkit.retros.review.FlaggedField)."""

    field = fields.String(
        attribute="key", metadata={"description": "`summary`, `timeline-3`, `action-7`, …"}
    )
    label = fields.String()
    flags = fields.List(fields.Nested(CoachFlagSchema))


class RetroSchema(RetroSummarySchema):
    """A whole retro, dumped from teamkit.retros.readings.RetroDetail."""

    summary = fields.String(attribute="retro.summary")
    customer_impact = fields.String(attribute="retro.customer_impact")
    detection = fields.String(attribute="retro.detection")
    went_well = fields.String(attribute="retro.went_well")
    went_wrong = fields.String(attribute="retro.went_wrong")
    got_lucky = fields.String(attribute="retro.got_lucky")
    lessons = fields.String(attribute="retro.lessons")
    tags = fields.List(fields.String())
    participants = fields.List(fields.Nested(RetroMemberSchema))
    created_by = fields.Nested(RetroPersonSchema, attribute="retro.created_by", allow_none=True)
    coach = fields.List(
        fields.Nested(CoachFieldSchema),
        metadata={"description": "What the blameless-language coach flags, field by field."},
    )


class RetroPageSchema(PageSchema):
    items = fields.List(fields.Nested(RetroSummarySchema), required=True)


class RetroListArgsSchema(PageArgsSchema):
    status = fields.String(validate=validate.OneOf(RETRO_STATUSES))


class RetroEditSchema(Schema):
    id = fields.Integer()
    field = fields.String()
    old_value = fields.String(allow_none=True)
    new_value = fields.String(allow_none=True)
    edited_at = fields.DateTime()
    person = fields.Nested(RetroPersonSchema, allow_none=True)


class RetroEditPageSchema(PageSchema):
    items = fields.List(fields.Nested(RetroEditSchema), required=True)


class TimelineEntryCreateSchema(Schema):
    occurred_at = datetime_field(required=True)
    note = text_field(timeline.NOTE)
    kind = fields.String(
        load_default="event", validate=validate.OneOf([k.value for k in TimelineKind])
    )
    author_id = JsonInteger(
        load_default=None, allow_none=True, validate=ROW_ID,
        metadata={"description": "Membership id, or null."},
    )  # fmt: skip


class TimelineEntryUpdateSchema(Schema):
    occurred_at = datetime_field()
    note = text_field(timeline.NOTE, required=False)
    kind = fields.String(validate=validate.OneOf([k.value for k in TimelineKind]))
    author_id = JsonInteger(
        allow_none=True, validate=ROW_ID, metadata={"description": "Membership id, or null."}
    )


class TimelineEntrySchema(Schema):
    id = fields.Integer()
    occurred_at = fields.DateTime()
    note = fields.String()
    kind = fields.String()
    author = fields.Nested(RetroMemberSchema, allow_none=True)


class TimelineEntryListSchema(Schema):
    items = fields.List(fields.Nested(TimelineEntrySchema), required=True)


class ContributingFactorCreateSchema(Schema):
    category = fields.String(
        required=True, validate=validate.OneOf([c.value for c in FactorCategory])
    )
    description = text_field(timeline.FACTOR)


class ContributingFactorUpdateSchema(Schema):
    category = fields.String(validate=validate.OneOf([c.value for c in FactorCategory]))
    description = text_field(timeline.FACTOR, required=False)


class ContributingFactorSchema(Schema):
    id = fields.Integer()
    category = fields.String()
    description = fields.String()
    position = fields.Integer()


class ContributingFactorListSchema(Schema):
    items = fields.List(fields.Nested(ContributingFactorSchema), required=True)


class RetroSearchArgsSchema(Schema):
    q = fields.String(
        required=True,
        metadata={
            "description": "Words; every one must match.",
            "maxLength": search.QUERY_MAX,
            "pattern": STORABLE_TEXT,
        },
    )


class RetroHitSchema(Schema):
    retro_id = fields.Integer()
    title = fields.String(metadata={"description": "HTML: escaped, matches in <mark>."})
    excerpt = fields.String(metadata={"description": "HTML: escaped, matches in <mark>."})
    status = fields.String()
    format = fields.String()


class RetroHitListSchema(Schema):
    items = fields.List(fields.Nested(RetroHitSchema), required=True)


class ActionItemCreateSchema(Schema):
    title = text_field(actions.TITLE)
    owner = fields.String(required=True, metadata={"description": "Email of a team member."})
    due_date = date_field(load_default=None, allow_none=True)
    retro_id = JsonInteger(required=True, validate=ROW_ID)
    goal_id = JsonInteger(
        load_default=None, allow_none=True, validate=ROW_ID,
        metadata={"description": "A goal of this team that the item serves."},
    )  # fmt: skip


class ActionItemUpdateSchema(Schema):
    title = text_field(actions.TITLE, required=False)
    owner = fields.String(metadata={"description": "Email of a team member."})
    due_date = date_field(allow_none=True)
    goal_id = JsonInteger(
        allow_none=True, validate=ROW_ID, metadata={"description": "A goal of this team, or null."}
    )
    status = fields.String(
        validate=validate.OneOf(ACTION_STATUSES),
        metadata={"description": "done and wont_do close it and need a closing_note."},
    )
    closing_note = text_field(actions.CLOSING_NOTE)
    coach_acknowledged = fields.Boolean(
        metadata={
            "description": "true keeps the title's wording against the coach's flags, so the "
            "digest carries it; false asks again."
        }
    )


class ActionItemSchema(Schema):
    """An action item, dumped from teamkit.retros.readings.ActionItemReading."""

    id = fields.Integer(attribute="item.id")
    title = fields.String(attribute="item.title")
    status = fields.String(attribute="item.status", metadata={"enum": ACTION_STATUSES})
    owner = fields.Nested(RetroMemberSchema, attribute="item.owner", allow_none=True)
    owner_email = fields.String(allow_none=True)
    due_date = fields.Date(attribute="item.due_date", allow_none=True)
    is_overdue = fields.Boolean()
    closing_note = fields.String(attribute="item.closing_note")
    retro_id = fields.Integer(
        attribute="item.retro_id",
        allow_none=True,
        metadata={"description": "The retro it came from; null when it came from a source."},
    )
    source = fields.Dict(
        allow_none=True,
        metadata={
            "description": "Where it came from when not a retro: `kind` (`pulse-reply`) and `id`."
        },
    )
    goal_id = fields.Integer(attribute="item.goal_id", allow_none=True)
    created_at = fields.DateTime(attribute="item.created_at")
    updated_at = fields.DateTime(attribute="item.updated_at")
    closed_at = fields.DateTime(attribute="item.closed_at", allow_none=True)
    coach = fields.List(
        fields.Nested(CoachFlagSchema),
        metadata={"description": "What the blameless-language coach flags in the title."},
    )
    coach_acknowledged = fields.Boolean(
        metadata={"description": "Whether the team kept the flagged wording."}
    )


class ActionItemPageSchema(PageSchema):
    items = fields.List(fields.Nested(ActionItemSchema), required=True)


class ActionItemListArgsSchema(PageArgsSchema):
    status = fields.String(validate=validate.OneOf(ACTION_STATUSES))
    owner = fields.String(metadata={"description": "Email of a team member."})
    overdue = fields.Boolean(load_default=False, metadata={"description": "Only overdue ones."})


class BlamelessCheckSchema(Schema):
    text = fields.String(
        required=True,
        validate=validate.Length(max=coach.TEXT_MAX),
        metadata={"pattern": STORABLE_TEXT},
    )
    team = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "Slug of one of your teams: its member names are checked too."},
    )


class BlamelessCheckResultSchema(Schema):
    flags = fields.List(fields.Nested(CoachFlagSchema), required=True)


#: Each severity level ("1" the worst to "4") to its name; the levels not sent stay.
SeverityNamesSchema = Schema.from_dict(
    {str(level): text_field(SEVERITY_NAME, required=False) for level in SEVERITY_LEVELS},
    name="SeverityNames",
)


#: The same, dumped from the settings row (its `sev1_name`…).
SeverityNamesOutSchema = Schema.from_dict(
    {
        str(level): text_field(SEVERITY_NAME, required=False, attribute=f"sev{level}_name")
        for level in SEVERITY_LEVELS
    },
    name="SeverityNamesOut",
)
SEVERITY_NAMES = {
    "description": 'Level ("1" the worst to "4") to its name, e.g. {"1": "Critical"}.'
}


class RetroSettingsChangeSchema(Schema):
    """The severity levels to rename."""

    severity_names = fields.Nested(SeverityNamesSchema, required=True, metadata=SEVERITY_NAMES)


class RetroSettingsSchema(Schema):
    """A team's retro settings, dumped from their row (teamkit.retros.models.RetroSettings)."""

    severity_names = fields.Nested(SeverityNamesOutSchema, required=True, metadata=SEVERITY_NAMES)

    @pre_dump
    def _names_from_the_row(self, settings: Any, **kwargs: Any) -> dict[str, Any]:
        return {"severity_names": settings}
