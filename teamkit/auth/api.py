"""API: who am I."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint
from marshmallow import Schema, fields

blp = Blueprint("auth_api", __name__, description="The person behind the token.")


class PersonSchema(Schema):
    id = fields.Integer(dump_only=True)
    email = fields.Email(dump_only=True)
    name = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


@blp.get("/me")
@blp.response(200, PersonSchema)
def me() -> object:
    """Return the person the token belongs to."""
    return g.person
