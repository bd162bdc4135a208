"""Calls to Slack's Web API, through slack_sdk's WebClient, with Slack's errors turned into
plain values (`SlackFailure`) the services word for a person."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from teamkit.slack import setting

#: Seconds to wait for Slack to answer (TEAMKIT_SLACK_TIMEOUT_SECONDS of digests, else 10).
DEFAULT_TIMEOUT = 10


@dataclass(frozen=True)
class SlackFailure(Exception):
    """A call Slack refused or didn't answer: its error code (`invalid_auth`,
    `users_not_found`, `ratelimited`, or `unreachable`), and the seconds Slack asked to wait."""

    code: str
    retry_after: int | None = None

    def __str__(self) -> str:
        return self.code


def web_client(app: Flask, token: str) -> WebClient:
    """Return a WebClient for `token`, aimed at TEAMKIT_SLACK_API_URL."""
    timeout = int(app.config["TEAMKIT"].get("SLACK_TIMEOUT_SECONDS", DEFAULT_TIMEOUT))
    return WebClient(token=token, base_url=setting(app, "SLACK_API_URL"), timeout=timeout)


def call(method: Callable[..., Any], **params: Any) -> dict[str, Any]:
    """Call a WebClient method; return Slack's answer, or raise SlackFailure."""
    try:
        response = method(**params)
    except SlackApiError as error:
        answer = error.response
        code = str(answer.get("error") or f"http_{answer.status_code}")
        retry = answer.headers.get("Retry-After") or answer.headers.get("retry-after")
        if answer.status_code == 429:
            code = "ratelimited"
        raise SlackFailure(code, int(retry) if retry and str(retry).isdigit() else None) from error
    except (SlackClientError, OSError, ValueError) as error:
        raise SlackFailure("unreachable") from error
    return dict(response.data) if isinstance(response.data, dict) else {}
