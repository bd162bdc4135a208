"""Real servers for the digests' tests (and the fan-out benchmark): an SMTP server
(aiosmtpd) and a stand-in for Slack's incoming webhook (a local HTTP server)."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import socket
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class MailBox:
    """What the SMTP server received; recipients in `refuse` get 550, in `busy` 451."""

    messages: list[EmailMessage] = field(default_factory=list)
    #: Each message as the bytes that came over the wire, beside `messages`.
    raw: list[bytes] = field(default_factory=list)
    #: Each message's envelope recipients (RCPT TO), beside `messages`.
    envelopes: list[list[str]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    busy: set[str] = field(default_factory=set)
    #: Seconds the server takes to accept each message (a slow server, for crash tests).
    delay: float = 0.0
    #: Close the connection after each message (a server that drops idle clients).
    hang_up: bool = False
    #: Called with each message once it is accepted (to break something mid-send).
    on_message: Callable[[EmailMessage], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address in str(m["To"])]


class _Handler:
    def __init__(self, box: MailBox) -> None:
        self.box = box

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.box.refuse:
            return "550 5.1.1 No such mailbox here"
        if address in self.box.busy:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.box.delay:
            await asyncio.sleep(self.box.delay)
        data = envelope.original_content or envelope.content
        assert isinstance(data, bytes)
        message = email.message_from_bytes(data, policy=email.policy.default)
        with self.box.lock:
            self.box.messages.append(message)  # type: ignore[arg-type]
            self.box.raw.append(data)
            self.box.envelopes.append(list(envelope.rcpt_tos))
        if self.box.on_message is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.box.on_message, message)  # type: ignore[arg-type]
        if self.box.hang_up and server.transport is not None:
            asyncio.get_running_loop().call_soon(server.transport.close)
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1 and a free port, until `stop()`."""

    def __init__(self) -> None:
        self.box = MailBox()
        self.controller = Controller(_Handler(self.box), hostname="127.0.0.1", port=_free_port())

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    @property
    def port(self) -> int:
        return int(self.controller.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.controller.stop()


@dataclass
class Reply:
    status: int = 200
    body: str = "ok"
    headers: dict[str, str] = field(default_factory=dict)


class SlackStandIn:
    """An HTTP server that takes webhook posts and answers what the test queued (else 200)."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.replies: deque[Reply] = deque()
        self.lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                with stand_in.lock:
                    reply = stand_in.replies.popleft() if stand_in.replies else Reply()
                    if reply.status == 200:
                        stand_in.received.append(json.loads(body))
                        stand_in.paths.append(self.path)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                payload = reply.body.encode()
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:  # a redirect followed as GET would land here
                with stand_in.lock:
                    stand_in.paths.append(f"GET {self.path}")
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> SlackStandIn:
        self.thread.start()
        return self

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def url(self, path: str = "services/T000/B000/XXXX") -> str:
        return f"{self.base}{path}"

    def answer(self, *replies: Reply) -> None:
        with self.lock:
            self.replies.extend(replies)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class ApiCall:
    """One call the Slack Web API stand-in received: its method, parameters and token."""

    method: str
    params: dict[str, str]
    token: str | None


@dataclass
class ApiFailure:
    """A one-time answer to a method: `error` with HTTP `status` (429 adds Retry-After)."""

    method: str
    error: str
    status: int = 200
    retry_after: int | None = None


class SlackApiStandIn:
    """A stand-in for Slack's Web API (https://slack.com/api/<method>): it records every
    call and answers as Slack does, `{"ok": true, …}` or `{"ok": false, "error": …}`.

    `tokens` maps a bot token to its workspace, `users` an email to a Slack user,
    `channels` a channel id to the channel; `fail(...)` queues a one-time failure.
    """

    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        self.tokens: dict[str, dict[str, str]] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.failures: deque[ApiFailure] = deque()
        #: (channel, parameters) of every message posted; a user's DM channel; views opened.
        self.posted: list[tuple[str, dict[str, str]]] = []
        self.dms: dict[str, str] = {}
        self.views: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, params: dict[str, str]) -> None:
                method = self.path.split("?")[0].rsplit("/", 1)[-1]
                auth = self.headers.get("Authorization", "")
                token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None
                token = token or params.get("token")
                with stand_in.lock:
                    stand_in.calls.append(ApiCall(method, params, token))
                    status, body, headers = stand_in._reply(method, params, token)
                payload = json.dumps(body).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:
                query = self.path.partition("?")[2]
                self._answer({k: v[-1] for k, v in parse_qs(query).items()})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    params = {
                        k: v if isinstance(v, str) else json.dumps(v)
                        for k, v in (json.loads(raw or "{}")).items()
                    }
                else:
                    params = {k: v[-1] for k, v in parse_qs(raw).items()}
                query = self.path.partition("?")[2]
                params |= {k: v[-1] for k, v in parse_qs(query).items()}
                self._answer(params)

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _reply(
        self, method: str, params: dict[str, str], token: str | None
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        for failure in list(self.failures):
            if failure.method == method:
                self.failures.remove(failure)
                headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
                return failure.status, {"ok": False, "error": failure.error}, headers
        workspace = self.tokens.get(token or "")
        if workspace is None:
            return 200, {"ok": False, "error": "not_authed" if not token else "invalid_auth"}, {}
        if method == "auth.test":
            return 200, {"ok": True, "url": "https://example.slack.com/", **workspace}, {}
        if method == "users.lookupByEmail":
            user = self.users.get(params.get("email", ""))
            if user is None:
                return 200, {"ok": False, "error": "users_not_found"}, {}
            return 200, {"ok": True, "user": user}, {}
        if method == "users.info":
            found = [u for u in self.users.values() if u["id"] == params.get("user")]
            if not found:
                return 200, {"ok": False, "error": "user_not_found"}, {}
            return 200, {"ok": True, "user": found[0]}, {}
        if method == "conversations.info":
            channel = self.channels.get(params.get("channel", ""))
            if channel is None:
                return 200, {"ok": False, "error": "channel_not_found"}, {}
            return 200, {"ok": True, "channel": {"id": params["channel"], **channel}}, {}
        if method == "chat.postMessage":
            channel = params.get("channel", "")
            known = self.channels.get(channel)
            if channel.startswith("D") and channel in self.dms.values():
                pass
            elif known is None:
                return 200, {"ok": False, "error": "channel_not_found"}, {}
            elif not known.get("is_member", True):
                return 200, {"ok": False, "error": "not_in_channel"}, {}
            self.posted.append((channel, params))
            return 200, {"ok": True, "channel": channel, "ts": f"{len(self.posted)}.000100"}, {}
        if method == "conversations.open":
            user = params.get("users", "")
            if user not in {u["id"] for u in self.users.values()}:
                return 200, {"ok": False, "error": "user_not_found"}, {}
            self.dms.setdefault(user, f"D{user[1:]}")
            return 200, {"ok": True, "channel": {"id": self.dms[user]}}, {}
        if method == "views.open":
            if not params.get("trigger_id"):
                return 200, {"ok": False, "error": "invalid_arguments"}, {}
            view = json.loads(params.get("view") or "{}")
            self.views.append(view)
            return 200, {"ok": True, "view": {"id": f"V{len(self.views)}", **view}}, {}
        return 200, {"ok": False, "error": "unknown_method"}, {}

    def posted_to(self, channel: str) -> list[dict[str, Any]]:
        """Return the messages posted to a channel (a DM's channel is `D` + the user id)."""
        with self.lock:
            return [params for to, params in self.posted if to == channel]

    def start(self) -> SlackApiStandIn:
        self.thread.start()
        return self

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    def add_workspace(
        self, token: str, team: str = "Acme", team_id: str = "T0ACME", user_id: str = "U0BOT"
    ) -> None:
        self.tokens[token] = {"team": team, "team_id": team_id, "user_id": user_id}

    def add_user(self, email: str, user_id: str, name: str) -> None:
        self.users[email] = {
            "id": user_id,
            "name": name.lower().replace(" ", "."),
            "real_name": name,
            "profile": {"email": email, "display_name": name},
        }

    def fail(
        self, method: str, error: str, status: int = 200, retry_after: int | None = None
    ) -> None:
        with self.lock:
            self.failures.append(ApiFailure(method, error, status, retry_after))

    def called(self, method: str) -> list[ApiCall]:
        with self.lock:
            return [call for call in self.calls if call.method == method]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
