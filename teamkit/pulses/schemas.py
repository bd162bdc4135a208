"""The pulses API's request and answer schemas: the OpenAPI document is made from them."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, missing, utils, validate

from teamkit.api.fields import (
    STORABLE_TEXT,
    JsonBoolean,
    JsonInteger,
    date_field,
    text_field,
    whole_number_field,
)
from teamkit.api.pagination import PageSchema
from teamkit.pulses import answers as answering
from teamkit.pulses import replies, surveys
from teamkit.pulses import settings as pulse_settings
from teamkit.pulses.models import (
    CADENCE_WEEKS,
    COMMENT_MAX,
    SCALE_MAX,
    SCALE_MIN,
    TEMPLATE_KEY_MAX,
    THRESHOLD_MIN,
    ItemKind,
    ReplyStatus,
)
from teamkit.pulses.statistics import Summary
from teamkit.pulses.surveys import AGREEMENT_ITEMS_MAX, QUESTIONS_MAX

KINDS = [kind.value for kind in ItemKind]
TEMPLATE_MESSAGE = "Choose one of this team's pulse templates."


def template_key_field(**kwargs: Any) -> fields.String:
    """Return a field for a template key: its shape is checked here, that it exists later."""
    return fields.String(
        validate=[
            validate.Length(min=1, max=TEMPLATE_KEY_MAX, error=TEMPLATE_MESSAGE),
            validate.Regexp(surveys.KEY_PATTERN, error=TEMPLATE_MESSAGE),
        ],
        error_messages={"invalid": TEMPLATE_MESSAGE, "null": TEMPLATE_MESSAGE},
        **kwargs,
    )


#: What an answer holds: 1 to 7 for an agreement item, words for an open question, or
#: nothing (an open question may go unanswered). Which item wants which, the server tells.
ANSWER_VALUE = {
    "anyOf": [
        {"type": "integer", "minimum": SCALE_MIN, "maximum": SCALE_MAX},
        {"type": "string", "maxLength": COMMENT_MAX, "pattern": STORABLE_TEXT},
        {"type": "null"},
    ]
}


class Rounded(fields.Float):
    """A number shown to `places` decimal places."""

    def __init__(self, places: int = 4, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.places = places

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> float | None:
        number = super()._serialize(value, attr, obj, **kwargs)
        return None if number is None else round(float(number), self.places)


class SummaryMean(Rounded):
    """The mean of the summary at `of` (a path, as `attribute`), or null where there is none.

    A mean and its interval read one summary: `of` rather than `attribute`, which two
    fields may not share.
    """

    def __init__(self, of: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.of = of

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = missing) -> Any:
        return utils.get_value(obj, self.of, default)

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> float | None:
        summary: Summary | None = value
        return None if summary is None else super()._serialize(summary.mean, attr, obj)


class SummaryInterval(fields.List):
    """The 95% interval of the summary at `of` as [low, high], or null where there is none."""

    def __init__(self, of: str, **kwargs: Any) -> None:
        super().__init__(fields.Float(), allow_none=True, **kwargs)
        self.of = of

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = missing) -> Any:
        return utils.get_value(obj, self.of, default)

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> list[float] | None:
        summary: Summary | None = value
        if summary is None or summary.interval is None:
            return None
        return [round(summary.interval[0], 4), round(summary.interval[1], 4)]


class TemplateItemSchema(Schema):
    """An item of a template (teamkit.pulses.catalog.TemplateItem)."""

    text = fields.String()
    reverse_scored = fields.Boolean(
        attribute="is_reverse_scored", metadata={"description": "Scored 8 - value."}
    )
    kind = fields.String(metadata={"enum": KINDS})


class TemplateSchema(Schema):
    """A template, dumped from teamkit.pulses.catalog.TemplateView."""

    key = fields.String(metadata={"description": "Use it as `template` to open a pulse."})
    title = fields.String()
    description = fields.String()
    builtin = fields.Boolean(attribute="is_builtin")
    used = fields.Boolean(
        attribute="is_used",
        metadata={"description": "A pulse used it: it can't change (copy it)."},
    )
    source = fields.String(metadata={"description": "Where a built-in template's items come from."})
    source_url = fields.String()
    items = fields.List(fields.Nested(TemplateItemSchema))


class TemplateListSchema(Schema):
    items = fields.List(fields.Nested(TemplateSchema), required=True)


class TemplateItemInSchema(Schema):
    text = text_field(surveys.ITEM)
    reverse_scored = JsonBoolean(load_default=False)


class TemplateCreateSchema(Schema):
    title = text_field(surveys.TITLE)
    description = text_field(surveys.DESCRIPTION, load_default="")
    items = fields.List(
        fields.Nested(TemplateItemInSchema),
        required=True,
        validate=validate.Length(min=1, max=AGREEMENT_ITEMS_MAX),
        metadata={"description": "Statements rated 1 (strongly disagree) to 7 (strongly agree)."},
    )
    questions = fields.List(
        text_field(surveys.ITEM),
        load_default=list,
        validate=validate.Length(max=QUESTIONS_MAX),
        metadata={"description": "Optional open questions, answered in words."},
    )


class PulseItemSchema(Schema):
    id = fields.Integer(metadata={"description": "Key of this item in `answers`."})
    text = fields.String()
    reverse_scored = fields.Boolean(attribute="is_reverse_scored")
    kind = fields.String(metadata={"enum": KINDS})


class PulseSchema(Schema):
    """A pulse, dumped from teamkit.pulses.readings.PulseReading."""

    id = fields.Integer(attribute="pulse.id")
    template = fields.String(attribute="pulse.template_key")
    title = fields.String(attribute="pulse.title")
    status = fields.String(metadata={"enum": ["scheduled", "open", "closed"]})
    opens_at = fields.DateTime(attribute="pulse.opens_at")
    closes_at = fields.DateTime(attribute="pulse.closes_at")
    closed_at = fields.DateTime(attribute="pulse.closed_at", allow_none=True)
    asks_goal_recall = fields.Boolean(attribute="pulse.asks_goal_recall")
    threshold = fields.Integer(
        attribute="pulse.threshold",
        metadata={"description": "Fewest answers before results show: fixed when it opened."},
    )
    responses = fields.Integer(metadata={"description": "How many answered (never who)."})
    member_count = fields.Integer(attribute="pulse.member_count")
    answered = fields.Boolean(metadata={"description": "Whether you answered it."})
    items = fields.List(fields.Nested(PulseItemSchema), attribute="pulse.items")


class PulsePageSchema(PageSchema):
    items = fields.List(fields.Nested(PulseSchema), required=True)


class PulseCreateSchema(Schema):
    template = template_key_field(
        load_default=None,
        metadata={"description": "A template key; by default the team's settings template."},
    )
    opens_at = fields.AwareDateTime(
        load_default=None, metadata={"description": "Default: now. With a time zone."}
    )
    closes_at = fields.AwareDateTime(
        load_default=None,
        metadata={"description": "Default: the team's `window_days` (7) after it opens."},
    )
    asks_goal_recall = JsonBoolean(load_default=False)


class AnswerCreateSchema(Schema):
    answers = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(allow_none=True, metadata=ANSWER_VALUE),
        required=True,
        metadata={
            "description": "Item id -> 1 to 7 for every agreement item (required), or "
            "words (or null) for an open question (optional).",
            # Keys are item ids; apispec passes no `propertyNames`, so it goes in an allOf.
            "allOf": [{"propertyNames": {"pattern": answering.ITEM_ID_PATTERN}}],
        },
    )
    comment = text_field(answering.COMMENT, load_default=None)
    goal_recall = text_field(
        answering.COMMENT,
        load_default=None,
        metadata={"description": "Your words for “what is our team's most important goal?”."},
    )
    share_goal_recall = JsonBoolean(
        load_default=False,
        metadata={"description": "Keep your goal-recall words and show them with the comments."},
    )


class AnswerReceiptSchema(Schema):
    responses = fields.Integer(metadata={"description": "How many have answered now."})


REPLY_STATUSES = [status.value for status in ReplyStatus]


class ReplySchema(Schema):
    """A reply or note: what the team will do (or did), with its plan (results.ReplyView)."""

    id = fields.Integer()
    text = fields.String()
    author = fields.String()
    created_at = fields.DateTime()
    status = fields.String(
        metadata={"enum": REPLY_STATUSES, "description": "Where the plan stands."}
    )
    label = fields.String(
        metadata={
            "enum": ["We'll do", "We did"],
            "description": "How teamkit says it: “We did” only once the plan is done.",
        }
    )
    owner_id = fields.Integer(
        allow_none=True, metadata={"description": "The owner's membership id; null for nobody."}
    )
    owner = fields.String(allow_none=True, metadata={"description": "The owner's name."})
    due_date = fields.Date(allow_none=True)


class ReplyPlanSchema(Schema):
    """A reply's plan: each field left out stays as it is."""

    owner_id = JsonInteger(
        allow_none=True,
        validate=validate.Range(min=1, max=2**31 - 1, error=replies.OWNER_MESSAGE),
        metadata={"description": "Who sees it through: a membership id of the team, or null."},
    )
    due_date = date_field(allow_none=True)
    status = fields.String(
        validate=validate.OneOf(REPLY_STATUSES),
        metadata={"description": "planned (the default), in_progress or done."},
    )


class CommentSchema(Schema):
    id = fields.String()
    text = fields.String()
    kind = fields.String(metadata={"enum": ["comment", "answer", "goal_recall"]})
    question = fields.String(allow_none=True)
    replies = fields.List(fields.Nested(ReplySchema))


class ItemResultSchema(Schema):
    id = fields.Integer()
    text = fields.String()
    reverse_scored = fields.Boolean(attribute="is_reverse_scored")
    mean = SummaryMean(
        "summary",
        metadata={"description": "Mean value as chosen (before reverse scoring)."},
    )
    ci95 = SummaryInterval("summary")
    distribution = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"description": "Value -> count."}
    )


class ChangeSchema(Schema):
    """The change since the previous pulse (teamkit.pulses.results.ChangeResult)."""

    previous_pulse_id = fields.Integer()
    previous_score = SummaryMean("previous")
    previous_ci95 = SummaryInterval("previous")
    difference = Rounded(allow_none=True)
    p_value = Rounded(6, allow_none=True, metadata={"description": "Welch's t-test, two-sided."})
    significant = fields.Boolean(
        attribute="is_significant",
        metadata={"description": "Larger than the noise (p < 0.05)."},
    )


class GoalNamedSchema(Schema):
    goal_id = fields.Integer(allow_none=True)
    title = fields.String()
    count = fields.Integer()


class RecallSchema(Schema):
    share = Rounded(metadata={"description": "Share of respondents who named a goal."})
    north_star_share = Rounded()
    goals = fields.List(fields.Nested(GoalNamedSchema))


class ResultsSchema(Schema):
    """A pulse's results, dumped from teamkit.pulses.readings.ResultsReading."""

    verdict = fields.String(
        metadata={
            "description": "One sentence: where the score stands on the scale (its whole 95% "
            "interval above or below 4) and whether the change since the last pulse is real "
            "(Welch's t-test, p < 0.05)."
        }
    )
    threshold = fields.Integer(attribute="results.threshold")
    responses = fields.Integer(attribute="results.tally.responses")
    response_rate = Rounded(attribute="results.tally.response_rate")
    score = SummaryMean(
        "results.score",
        metadata={"description": "Mean of respondents' mean scores, 1 to 7."},
    )
    ci95 = SummaryInterval("results.score")
    items = fields.List(fields.Nested(ItemResultSchema), attribute="results.items")
    comments = fields.List(fields.Nested(CommentSchema), attribute="results.comments")
    notes = fields.List(
        fields.Nested(ReplySchema),
        attribute="results.notes",
        metadata={"description": "What we'll do."},
    )
    waiting_replies = fields.Integer(attribute="results.waiting_replies")
    change = fields.Nested(ChangeSchema, attribute="results.change", allow_none=True)
    goal_recall = fields.Nested(RecallSchema, attribute="results.goal_recall", allow_none=True)


class ReplyCreateSchema(ReplyPlanSchema):
    text = text_field(replies.REPLY)


class TrendArgsSchema(Schema):
    template = template_key_field(
        load_default=None, metadata={"description": "Default: the settings template."}
    )


class TrendPointSchema(Schema):
    """A closed pulse in a trend (teamkit.pulses.results.TrendPoint)."""

    pulse_id = fields.Integer(attribute="tally.pulse_id")
    closes_at = fields.DateTime(attribute="tally.closes_at")
    responses = fields.Integer(attribute="tally.responses")
    score = SummaryMean(
        "score", allow_none=True, metadata={"description": "null under the threshold."}
    )
    ci95 = SummaryInterval("score")
    goal_recall_share = Rounded(attribute="recall_share", allow_none=True)


class TrendSchema(Schema):
    template = fields.String()
    points = fields.List(fields.Nested(TrendPointSchema))


class SettingsChangeSchema(Schema):
    """The pulse settings a client changes: each field left out stays as it is."""

    threshold = whole_number_field(
        pulse_settings.THRESHOLD,
        metadata={"description": f"Fewest answers before results show, at least {THRESHOLD_MIN}."},
    )
    cadence_weeks = JsonInteger(
        allow_none=True,
        validate=validate.OneOf(CADENCE_WEEKS),
        metadata={"description": "Open a pulse every 1, 2 or 4 weeks; null: by hand only."},
    )
    window_days = whole_number_field(
        pulse_settings.WINDOW,
        metadata={"description": "Days a pulse stays open: scheduled ones, and the default."},
    )
    template = template_key_field()
    asks_goal_recall = JsonBoolean()


class SettingsSchema(Schema):
    """The pulse settings, dumped from teamkit.pulses.settings.SettingsChange."""

    threshold = whole_number_field(
        pulse_settings.THRESHOLD,
        attribute="settings.threshold",
        metadata={"description": f"Fewest answers before results show, at least {THRESHOLD_MIN}."},
    )
    cadence_weeks = JsonInteger(
        attribute="settings.cadence_weeks",
        allow_none=True,
        validate=validate.OneOf(CADENCE_WEEKS),
        metadata={"description": "Open a pulse every 1, 2 or 4 weeks; null: by hand only."},
    )
    window_days = whole_number_field(
        pulse_settings.WINDOW,
        attribute="settings.window_days",
        metadata={"description": "Days a pulse stays open: scheduled ones, and the default."},
    )
    template = template_key_field(attribute="settings.template_key")
    asks_goal_recall = JsonBoolean(attribute="settings.asks_goal_recall")
    warnings = fields.List(fields.String(), dump_only=True)
