"""The portal shell: security headers, request log, error pages, health check."""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError, generate_csrf
from markupsafe import Markup
from sqlalchemy import exc, text
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.middleware.proxy_fix import ProxyFix

from teamkit.api.problems import problem, problem_from_http_exception
from teamkit.api.setup import is_api_request
from teamkit.dates import iso_date, machine_time, utc_minute
from teamkit.db import get_engine, is_unavailable
from teamkit.errors import ServiceError
from teamkit.formatting import days_ago, format_number

log = logging.getLogger("teamkit.request")

CSRF_FIELD = '<input name="csrf_token" type="hidden" value="{}">'

#: Error statuses with a page of their own; the others share errors/generic.html.
PAGES = frozenset({403, 404, 405, 429, 500})

#: Seconds a client is told to wait before trying again while the database is away.
UNAVAILABLE_RETRY_AFTER = 5
UNHEALTHY = {"status": "unavailable", "database": "unreachable"}
UNAVAILABLE = "The database is not answering just now; nothing was saved. Try again in a moment."

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
#: Browser features teamkit never uses, turned off for its pages and anything they embed;
#: copying an invite link to the clipboard is the one it keeps.
PERMISSIONS_POLICY = ", ".join(
    [
        *(
            f"{feature}=()"
            for feature in (
                "accelerometer",
                "autoplay",
                "camera",
                "display-capture",
                "encrypted-media",
                "fullscreen",
                "geolocation",
                "gyroscope",
                "magnetometer",
                "microphone",
                "midi",
                "payment",
                "picture-in-picture",
                "publickey-credentials-get",
                "screen-wake-lock",
                "serial",
                "usb",
                "xr-spatial-tracking",
                "clipboard-read",
            )
        ),
        "clipboard-write=(self)",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
}
#: Sent when TEAMKIT_BASE_URL is https: browsers then refuse plain http to this host for a
#: year, so a network attacker can't strip TLS off a later visit. Not includeSubDomains:
#: teamkit can't know what else runs under the same domain.
STRICT_TRANSPORT_SECURITY = "max-age=31536000"


def register_security_headers(app: Flask) -> None:
    """Send the security headers with every response (HSTS when served over https)."""
    headers = dict(SECURITY_HEADERS)
    if str(app.config["TEAMKIT"]["BASE_URL"]).startswith("https://"):
        headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY

    @app.after_request
    def _headers(response: Any) -> Any:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        # Whoever is asking (session or API token) gets answers about them: keep them uncached.
        if g.get("person") is not None:
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def register_proxy_fix(app: Flask) -> None:
    """Trust X-Forwarded-* from TEAMKIT_TRUSTED_PROXIES reverse proxies (client address, https)."""
    hops = int(app.config["TEAMKIT"]["TRUSTED_PROXIES"])
    if hops > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
        )


def register_request_log(app: Flask) -> None:
    """Log one line per request: method, path, status, duration."""

    @app.before_request
    def _start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _log(response: Any) -> Any:
        started = g.get("request_started")
        elapsed = (time.perf_counter() - started) * 1000 if started else 0.0
        log.info(
            "%s %s %s %.1fms",
            request.method,
            request.full_path.rstrip("?"),
            response.status_code,
            elapsed,
        )
        return response


def register_error_pages(app: Flask) -> None:
    """Answer errors as friendly pages in the portal and as problem+json in the API."""

    def _unavailable(error: BaseException | None) -> Any:
        app.logger.warning("database unavailable: %s", str(error).splitlines()[0])
        headers = {"Retry-After": str(UNAVAILABLE_RETRY_AFTER)}
        if request.endpoint == "healthz":  # failed before the check itself (a log-in cookie)
            return jsonify(UNHEALTHY), 503, headers
        if is_api_request():
            return problem(503, UNAVAILABLE, headers=headers)
        # Not render_template: its context asks the database who is logged in.
        page = app.jinja_env.get_template("errors/503.html").render(path=request.path)
        return page, 503, headers

    @app.errorhandler(exc.DBAPIError)
    @app.errorhandler(exc.TimeoutError)
    def _database_error(error: exc.SQLAlchemyError) -> Any:
        if is_unavailable(error):
            return _unavailable(error)
        return _http_error(InternalServerError(original_exception=error))

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Any:
        if isinstance(error, InternalServerError) and is_unavailable(error.original_exception):
            # Raised past the views (the commit at the request's end): the same 503.
            return _unavailable(error.original_exception)
        if is_api_request():
            return problem_from_http_exception(error)
        if error.code == 500 and isinstance(error, InternalServerError):
            app.logger.error("unhandled error", exc_info=error.original_exception)
        status = error.code or 500
        template = f"errors/{status}.html" if status in PAGES else "errors/generic.html"
        if isinstance(error, CSRFError):
            template = "errors/csrf.html"
        # Keep what the error says in headers (Allow on a 405, …), but not its type.
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return render_template(template, error=error, status=status), status, headers

    @app.errorhandler(ServiceError)
    def _service_error(error: ServiceError) -> Any:
        if is_api_request():
            errors = [{"field": k, "message": v} for k, v in error.errors.items()]
            return problem(error.status, error.detail, errors=errors)
        template = (
            f"errors/{error.status}.html" if error.status in (403, 404) else "errors/generic.html"
        )
        return render_template(template, error=error, status=error.status), error.status


def register_health(app: Flask) -> None:
    """Serve /healthz: 200 when the database answers, 503 when it doesn't."""

    @app.get("/healthz")
    def healthz() -> Any:
        try:
            # A read: on SQLite it doesn't wait behind requests that write.
            with get_engine().execution_options(sqlite_writes=False).connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as error:
            app.logger.warning("health check failed: %s", error)
            return jsonify(UNHEALTHY), 503
        return jsonify(status="ok", database="ok")


def register_template_helpers(app: Flask) -> None:
    """Give every template the CSRF field and the filters every capability's pages use."""
    app.add_template_filter(format_number, "number")
    app.add_template_filter(days_ago, "days_ago")
    for date_filter in (iso_date, machine_time, utc_minute):
        app.add_template_filter(date_filter)

    @app.template_global()
    def csrf_field() -> Markup:
        """Return the hidden CSRF input; unlike hidden_tag(), it has no id to repeat.

        Built once a request: a page with a form a row asks for it many times.
        """
        field = g.get("csrf_field")
        if field is None:
            token = generate_csrf()
            field = g.csrf_field = Markup(CSRF_FIELD).format(token)
        return field  # type: ignore[no-any-return]
