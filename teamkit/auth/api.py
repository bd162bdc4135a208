"""API: who am I."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from teamkit.auth.schemas import PersonSchema

blp = Blueprint("auth_api", __name__, description="The person behind the token.")


@blp.get("/me")
@blp.response(200, PersonSchema)
def me() -> object:
    """Return the person the token belongs to."""
    return g.person
