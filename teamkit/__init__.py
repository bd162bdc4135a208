"""teamkit: shared goals, psychological-safety pulses and blameless retros for a team."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from flask import Flask

from teamkit import capabilities, db
from teamkit import config as settings
from teamkit.paths import resource_dir
from teamkit.urls import IdConverter

__all__ = ["create_app"]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the teamkit web app; `config` overrides TEAMKIT_* settings by name."""
    app = Flask(
        __name__,
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
    )
    # An id no row can have (past PostgreSQL's integer) is a 404, not a database error.
    app.url_map.converters["int"] = IdConverter
    configure(app, config or {})
    db.init_app(app, settings.database_url(app.config["TEAMKIT"]))
    register_request_log(app)
    register_extensions(app)
    register_input_check(app)
    capabilities.install(app)
    register_shell(app)
    return app


def configure(app: Flask, overrides: dict[str, Any]) -> None:
    """Load the TEAMKIT_* settings and the Flask settings that follow from them."""
    values = settings.load_settings(overrides, capabilities.capability_settings())
    app.config["TEAMKIT"] = values
    app.config.update(
        SECRET_KEY=settings.secret_key(values),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=str(values["BASE_URL"]).startswith("https://"),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(days=14),
        RATELIMIT_STORAGE_URI=values["RATELIMIT_STORAGE_URL"],
        RATELIMIT_HEADERS_ENABLED=True,
        WTF_CSRF_TIME_LIMIT=None,
        TESTING=bool(overrides.get("TESTING", False)),
        PREFERRED_URL_SCHEME="https" if values["BASE_URL"].startswith("https://") else "http",
    )
    if "WTF_CSRF_ENABLED" in overrides:
        app.config["WTF_CSRF_ENABLED"] = overrides["WTF_CSRF_ENABLED"]
    logging.getLogger("teamkit").setLevel(values["LOG_LEVEL"])


def register_request_log(app: Flask) -> None:
    """Time every request from before its first check (the guards' work counts too)."""
    from teamkit import web

    web.register_request_log(app)


def register_extensions(app: Flask) -> None:
    """Initialise the session cookie, CSRF protection, log-in sessions and the log-in limit."""
    from teamkit import cookies
    from teamkit.extensions import csrf, limiter, login_manager

    cookies.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in to see this page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    limiter.init_app(app)


def register_input_check(app: Flask) -> None:
    """Refuse text no database can store, before any capability's guard reads it."""
    from teamkit import inputs

    inputs.init_app(app)


def register_shell(app: Flask) -> None:
    """Add security headers, error pages and the health check."""
    from teamkit import web

    web.register_proxy_fix(app)
    web.register_security_headers(app)
    web.register_error_pages(app)
    web.register_health(app)
    web.register_template_helpers(app)
