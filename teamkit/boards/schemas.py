"""API schemas of team retro boards: the board's state, cards, groups, votes, phases."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, missing, utils, validate

from teamkit.api.fields import (
    JsonBoolean,
    JsonInteger,
    date_field,
    text_field,
    whole_number_field,
)
from teamkit.boards import review, services
from teamkit.boards.models import KEY_LENGTH, PHASES
from teamkit.boards.settings import VOTE_LIMIT
from teamkit.retros import actions
from teamkit.urls import MAX_ID

ROW_ID = validate.Range(min=1, max=MAX_ID)
PHASE_NAMES = [phase.value for phase in PHASES]
CARD_KEY = {"description": "A card's random key.", "maxLength": KEY_LENGTH}
CARD_KEY_PATTERN = f"^[0-9a-f]{{{KEY_LENGTH}}}$"


AUTHOR = {"description": "null on an anonymous card (no author is stored)."}


class BoardMemberSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class BoardCardSchema(Schema):
    id = fields.String(metadata=CARD_KEY)
    text = fields.String(
        allow_none=True, metadata={"description": "null for others' cards before the reveal."}
    )
    author = fields.Nested(BoardMemberSchema, allow_none=True, metadata=AUTHOR)
    is_anonymous = fields.Boolean()
    votes = fields.Integer(allow_none=True, metadata={"description": "null until voting ends."})
    my_votes = fields.Integer()
    group_id = fields.Integer(allow_none=True)
    is_mine = fields.Boolean(
        metadata={
            "description": "Yours: a named card you wrote, or an anonymous one written in this "
            "log-in session (its ids are kept in the signed session only)."
        }
    )
    is_late = fields.Boolean(metadata={"description": "Written after the reveal."})
    written_at = fields.DateTime(metadata={"description": "The minute it was written."})
    action_item_id = fields.Integer(allow_none=True)
    etag = fields.String(
        allow_none=True,
        metadata={"description": "On your cards: send it as If-Match to edit the card."},
    )
    coach = fields.List(
        fields.Dict(),
        metadata={"description": "The blameless coach's flags, on your own cards only."},
    )


class BoardColumnSchema(Schema):
    key = fields.String()
    title = fields.String()
    prompt = fields.String()
    card_count = fields.Integer()
    cards = fields.List(fields.Nested(BoardCardSchema))


class BoardGroupSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    votes = fields.Integer(allow_none=True, metadata={"description": "null until voting ends."})
    card_ids = fields.List(fields.String(metadata=CARD_KEY))
    action_item_id = fields.Integer(allow_none=True)


class BoardSchema(Schema):
    version = fields.Integer(metadata={"description": "Also the answer's ETag."})
    phase = fields.String(metadata={"enum": PHASE_NAMES})
    vote_limit = fields.Integer()
    card_vote_cap = fields.Integer()
    votes_left = fields.Integer()
    is_anonymous = fields.Boolean()
    timer_ends_at = fields.DateTime(allow_none=True)
    ready_count = fields.Integer(metadata={"description": "How many said they are done."})
    is_ready = fields.Boolean(metadata={"description": "Whether the asker said they are done."})
    member_count = fields.Integer()
    columns = fields.List(fields.Nested(BoardColumnSchema))
    groups = fields.List(fields.Nested(BoardGroupSchema))


class CardCreateSchema(Schema):
    column = fields.String(
        required=True,
        validate=validate.Length(max=20),
        metadata={"description": "The key of one of the board's columns."},
    )
    text = text_field(services.CARD)
    anonymous = fields.Boolean(
        load_default=None,
        allow_none=True,
        metadata={"description": "true stores the card without its author."},
    )


class CardUpdateSchema(Schema):
    text = text_field(services.CARD)


class BoardOwnerSchema(Schema):
    """A member, dumped from their membership."""

    id = fields.Integer()
    name = fields.String(attribute="person.name")


class CardOutSchema(BoardCardSchema):
    """A card, dumped from teamkit.boards.readings.CardReading: the reading, then its row."""

    author = fields.Nested(BoardOwnerSchema, allow_none=True, metadata=AUTHOR)

    def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
        found = utils.get_value(obj, attr, missing)
        return utils.get_value(obj.card, attr, default) if found is missing else found


class CardMoveSchema(Schema):
    group_id = JsonInteger(
        required=True, allow_none=True, validate=ROW_ID,
        metadata={"description": "The group to move it into, or null for none."},
    )  # fmt: skip


class GroupCreateSchema(Schema):
    title = text_field(services.GROUP_TITLE)
    card_ids = fields.List(
        fields.String(validate=validate.Regexp(CARD_KEY_PATTERN), metadata=CARD_KEY),
        load_default=list,
        validate=validate.Length(max=200),
    )


class PhaseSchema(Schema):
    phase = fields.String(required=True, validate=validate.OneOf(PHASE_NAMES))


class BoardRulesSchema(Schema):
    anonymous = fields.Boolean(
        metadata={"description": "true makes new cards anonymous; never back to false."}
    )
    vote_limit = whole_number_field(VOTE_LIMIT)
    card_vote_cap = whole_number_field(VOTE_LIMIT)
    timer_minutes = JsonInteger(
        validate=validate.Range(min=0, max=services.TIMER.high),
        metadata={"description": "Start the phase's timer; 0 stops it."},
    )


class CardActionItemSchema(Schema):
    title = text_field(actions.TITLE, required=False)
    owner = fields.String(required=True, metadata={"description": "Email of a team member."})
    due_date = date_field(load_default=None, allow_none=True)


class BoardActionItemSchema(Schema):
    """An action item made on a board, dumped from its row (teamkit.retros.models.ActionItem)."""

    id = fields.Integer()
    title = fields.String()
    owner = fields.Nested(BoardOwnerSchema, allow_none=True)
    due_date = fields.Date(allow_none=True)
    status = fields.String()
    retro_id = fields.Integer()


class VoteResultSchema(Schema):
    votes_left = fields.Integer()
    my_votes = fields.Integer()


class ReviewDecisionSchema(Schema):
    action_item_id = JsonInteger(required=True, validate=ROW_ID)
    decision = fields.String(required=True, validate=validate.OneOf(review.DECISIONS))
    due_date = date_field(
        load_default=None, allow_none=True, metadata={"description": "To continue: the new one."}
    )
    reason = text_field(review.REASON, required=False, allow_none=True)


class ReviewDecisionOutSchema(Schema):
    action_item_id = fields.Integer()
    decision = fields.String()
    note = fields.String()


class ReviewSourceSchema(Schema):
    retro_id = fields.Integer()
    title = fields.String()
    kind = fields.String(metadata={"description": "Team retro or Incident review."})
    url = fields.String(metadata={"description": "Where the item came from, in the portal."})


class ReviewItemSchema(Schema):
    action_item = fields.Nested(BoardActionItemSchema)
    came_from = fields.Nested(ReviewSourceSchema)
    decision = fields.String(
        allow_none=True,
        metadata={"enum": [*review.DECISIONS, None], "description": "null: still to decide."},
    )
    note = fields.String(
        allow_none=True, metadata={"description": "The reason dropped, or the new due date."}
    )


class ReviewItemsSchema(Schema):
    pending = fields.Integer(metadata={"description": "Items still waiting for a decision."})
    items = fields.List(fields.Nested(ReviewItemSchema))


class ReadySchema(Schema):
    ready = JsonBoolean(
        load_default=True,
        metadata={"description": "true: I'm done with this phase; false takes it back."},
    )


class GroupRenameSchema(Schema):
    title = text_field(services.GROUP_TITLE)


class TimerSchema(Schema):
    minutes = JsonInteger(
        required=True,
        validate=validate.Range(min=0, max=services.TIMER.high),
        metadata={"description": "Minutes until the phase's timer ends; 0 stops it."},
    )
