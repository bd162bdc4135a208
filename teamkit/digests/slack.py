"""Post a digest to a team's Slack through its incoming webhook: only to an allowed address,
never following a redirect, within a timeout; Slack's answer says whether to try again.
"""

from __future__ import annotations

import urllib.request
from typing import Any
from urllib.error import URLError
from urllib.request import HTTPRedirectHandler, HTTPSHandler, Request

from slack_sdk.webhook import WebhookClient, WebhookResponse

from teamkit.digests import DigestConfig
from teamkit.digests.claims import SendFailed
from teamkit.digests.settings import check_webhook_url
from teamkit.errors import InvalidInput

#: Slack's statuses that trying again can't fix: the webhook is gone or the channel archived.
PERMANENT_SLACK_STATUSES = frozenset({400, 403, 404, 410})


class _NoRedirect(HTTPRedirectHandler):
    """Never follow a redirect: a webhook that moves could lead off the allow-list."""

    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None


class _WebhookClient(WebhookClient):
    """slack_sdk's webhook client, without following redirects."""

    def _perform_http_request_internal(self, url: str, req: Request) -> WebhookResponse:
        opener = urllib.request.build_opener(_NoRedirect(), HTTPSHandler(context=self.ssl))
        with opener.open(req, timeout=self.timeout) as response:
            charset = response.headers.get_content_charset() or "utf-8"
            body = response.read().decode(charset)
            return WebhookResponse(
                url=url, status_code=response.status, body=body, headers=dict(response.headers)
            )


def _retry_after(headers: dict[str, Any]) -> float | None:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return max(0.0, float(raw))
            except (TypeError, ValueError):
                return None
    return None


def post_to_slack(config: DigestConfig, url: str, message: dict[str, Any]) -> None:
    """Post `message` to the Slack webhook `url`, or raise SendFailed."""
    try:
        check_webhook_url(url, config.webhook_allow)
    except InvalidInput:
        raise SendFailed(
            "The webhook address is not on TEAMKIT_WEBHOOK_ALLOW any more.", permanent=True
        ) from None
    client = _WebhookClient(url, timeout=config.slack_timeout_seconds, retry_handlers=[])
    try:
        response = client.send_dict(message)
    except (URLError, TimeoutError, OSError) as error:
        raise SendFailed(f"Slack did not answer: {error}") from None
    # WebhookClient doesn't raise on an HTTP error: the status says how it went.
    status, body = response.status_code, (response.body or "")[:200]
    if status == 200:
        return
    if status == 429:
        wait = _retry_after(dict(response.headers or {}))
        raise SendFailed(f"Slack answered 429 (rate limited): {body}", retry_after=wait or 60)
    if 300 <= status < 400:
        raise SendFailed(
            f"The webhook answered {status}, a redirect; teamkit doesn't follow redirects.",
            permanent=True,
        )
    raise SendFailed(
        f"Slack answered {status}: {body}",
        permanent=status in PERMANENT_SLACK_STATUSES or 400 <= status < 500,
    )
