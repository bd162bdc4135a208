"""Mount the API: flask-smorest derives the OpenAPI 3.1 document from the request schemas."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask_smorest import Api

from teamkit.api import docs
from teamkit.api.problems import problem
from teamkit.api.spec import BODY_METHODS, ProblemResponses, ProblemSchema
from teamkit.extensions import csrf

#: Where the API and its OpenAPI document live; the one place the paths are spelled.
API_PATH = "/api/"
#: Where the API's endpoints live (each capability's API blueprint is mounted here).
API_V1 = "/api/v1"


class ProblemApi(Api):
    """flask-smorest's Api, whose error schema is the problem the API answers with."""

    ERROR_SCHEMA = ProblemSchema


api = ProblemApi()


def is_api_request() -> bool:
    """Tell whether this request is for the JSON API (answered in problem+json)."""
    return request.path.startswith(API_PATH)


def is_api_call() -> bool:
    """Tell whether this request is for an API endpoint (which takes only a token)."""
    return request.path.startswith(API_V1 + "/")


def init_app(app: Flask, blueprints: list[Any]) -> None:
    """Configure the OpenAPI document and register the API blueprints."""
    app.config.update(
        API_TITLE="teamkit API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX=API_PATH.rstrip("/"),
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {
                "description": "Teams and their goals in teamkit. Authenticate with "
                "a personal API token: `Authorization: Bearer <token>`. Errors are RFC 9457 "
                "`application/problem+json`."
            },
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearerAuth": []}],
        },
    )
    api.init_app(app, spec_kwargs={"extra_plugins": [ProblemResponses()]})
    docs.init_app(app)
    for blueprint in blueprints:
        api.register_blueprint(blueprint, url_prefix=API_V1)
        # Tokens, not cookies, authenticate the API: there is no CSRF to guard against.
        csrf.exempt(blueprint)

    @app.before_request
    def _require_json_body() -> Any:
        if not is_api_request() or request.method not in BODY_METHODS | {"DELETE"}:
            return None
        if not request.get_data(cache=True):
            return None
        if not request.is_json:
            return problem(415)
        return None
