"""The auth API's schemas."""

from __future__ import annotations

from marshmallow import Schema, fields


class PersonSchema(Schema):
    id = fields.Integer(dump_only=True)
    email = fields.Email(dump_only=True)
    name = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
