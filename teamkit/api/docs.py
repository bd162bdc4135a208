"""The API's docs page: Swagger UI over the OpenAPI document, from an installed package.

The page and its assets come from `swagger-ui-bundle-v2` (Swagger UI's own distribution,
packaged for Python): nothing is fetched from a CDN. Swagger UI starts from a script of
teamkit's own, not an inline one, so the page keeps the Content Security Policy.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, render_template, send_from_directory, url_for
from swagger_ui_bundle import swagger_ui_path
from werkzeug.wrappers import Response

DOCS_PATH = "/api/docs"

#: The files of Swagger UI's distribution the page uses; nothing else is served.
ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"})

bp = Blueprint("api-reference", __name__)


@bp.get(DOCS_PATH)
def docs() -> str:
    """Show the API's operations, schemas and errors, read from /api/openapi.json."""
    return render_template("api/docs.html", spec_url=url_for("api-docs.openapi_json"))


@bp.get(f"{DOCS_PATH}/assets/<name>")
def asset(name: str) -> Response:
    """Serve one of Swagger UI's files, cached like the portal's static files."""
    if name not in ASSETS:
        abort(404)
    return send_from_directory(str(swagger_ui_path), name, max_age=3600)


def init_app(app: Flask) -> None:
    """Serve the docs page at /api/docs."""
    app.register_blueprint(bp)
