"""Send email through the SMTP server of TEAMKIT_SMTP_URL: for digests, invites, resets.

Any capability may use it; it knows nothing of what it sends::

    from teamkit.mail import send_mail
    send_mail(app, "ada@example.com", "Your invite", text, html)

For many messages over one connection, `with connect(app) as mailer: mailer.send(message)`
with messages from `build_message`. Without TEAMKIT_SMTP_URL, `is_configured(app)` is
False and sending raises MailNotConfigured (callers skip with that reason). Every failure
is a MailError that says whether trying again can help (`permanent`), and whether only
that one recipient was refused (`recipient_only`). Every connection has a timeout.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from email import policy as email_policy
from email.headerregistry import HeaderRegistry, UniqueUnstructuredHeader
from email.message import EmailMessage
from email.policy import Policy
from email.utils import formataddr, make_msgid
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from flask import Flask

#: Seconds to wait for the mail server before giving up on a connection or a reply, unless
#: TEAMKIT_SMTP_TIMEOUT_SECONDS says otherwise.
TIMEOUT_SECONDS = 20

SCHEMES = {"smtp": "plain", "smtp+starttls": "starttls", "smtps": "tls"}
DEFAULT_PORTS = {"plain": 25, "starttls": 587, "tls": 465}


class MailError(Exception):
    """A message that could not be sent."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        recipient_only: bool = False,
        connection_lost: bool = False,
    ) -> None:
        super().__init__(message)
        #: Trying again won't help (a mailbox that doesn't exist, a refused sender).
        self.permanent = permanent
        #: Only this recipient was refused; others on the same server may still get theirs.
        self.recipient_only = recipient_only
        #: The connection broke (or the server closed it): a new one may well work.
        self.connection_lost = connection_lost


class MailNotConfigured(MailError):
    """TEAMKIT_SMTP_URL is not set: no mail can be sent."""

    def __init__(self) -> None:
        super().__init__("no mail server is set up (TEAMKIT_SMTP_URL is empty)", permanent=True)


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to connect, from TEAMKIT_SMTP_URL."""

    host: str
    port: int
    #: "plain", "starttls" or "tls".
    security: str
    username: str | None = None
    password: str | None = None


def parse_smtp_url(value: str) -> SmtpServer:
    """Return the server an `smtp://`, `smtp+starttls://` or `smtps://` URL names."""
    parts = urlsplit(value.strip())
    security = SCHEMES.get(parts.scheme)
    if security is None or not parts.hostname:
        raise ValueError(
            "expected smtp://host:port, smtp+starttls://user:password@host:587 "
            "or smtps://user:password@host:465"
        )
    try:
        port = parts.port or DEFAULT_PORTS[security]
    except ValueError:
        raise ValueError("the port must be a number from 1 to 65535") from None
    return SmtpServer(
        host=parts.hostname,
        port=port,
        security=security,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def check_smtp_url(value: str) -> str:
    """Parse TEAMKIT_SMTP_URL for the settings table: the URL, or ValueError."""
    if value.strip():
        parse_smtp_url(value)
    return value.strip()


def _settings(app: Flask) -> Mapping[str, Any]:
    return app.config["TEAMKIT"]  # type: ignore[no-any-return]


def is_configured(app: Flask) -> bool:
    """Tell whether TEAMKIT_SMTP_URL names a mail server."""
    return bool(_settings(app).get("SMTP_URL"))


def sender(app: Flask) -> str:
    """Return the From address (TEAMKIT_MAIL_FROM)."""
    return str(_settings(app).get("MAIL_FROM") or "teamkit <teamkit@localhost>")


#: What can't stand in a header line: control characters (CR and LF would start a new
#: header) and Unicode's line and paragraph separators.
_HEADER_BREAKERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def header_text(text: str) -> str:
    """Return `text` fit for one header line: every run of control characters a space.

    Input refuses such characters in one-line texts; this keeps what was stored before
    from ending a header early (a team named "Evil\\r\\nBcc: …" adds no Bcc).
    """
    return _HEADER_BREAKERS.sub(" ", text).strip()


class UnfoldedHeader(UniqueUnstructuredHeader):
    """A header written out as it is, on one line, never folded or encoded.

    RFC 8058's List-Unsubscribe holds `<https://…>` that mail clients read as written;
    past 78 characters the standard policy would encode it (`=?utf-8?q?=3Chttp…`), and
    clients then offer no one-click unsubscribe. Its value is ASCII and far below the
    998-character line limit.
    """

    def fold(self, *, policy: Policy) -> str:  # type: ignore[override]
        return f"{self.name}: {self}{policy.linesep}"  # type: ignore[attr-defined]


def _policy() -> Policy:
    registry = HeaderRegistry()
    registry.map_to_type("list-unsubscribe", UnfoldedHeader)  # type: ignore[arg-type]
    return email_policy.default.clone(header_factory=registry)


#: The policy every message teamkit sends is written with.
POLICY = _policy()


def build_message(
    from_address: str,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> EmailMessage:
    """Return a message: plain text, plus an HTML alternative when `html` is given."""
    message = EmailMessage(policy=POLICY)
    message["From"] = header_text(from_address)
    message["To"] = header_text(to)
    message["Subject"] = header_text(subject)
    domain = from_address.rpartition("@")[2].strip(" >") or "localhost"
    message["Message-ID"] = make_msgid(domain=header_text(domain))
    for name, value in (headers or {}).items():
        message[name] = header_text(value)
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def address(name: str, email: str) -> str:
    """Return `Name <email>`, quoted as the headers need."""
    return formataddr((header_text(name), email))


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


class Mailer:
    """One open connection to the mail server, sending messages one at a time."""

    def __init__(self, connection: smtplib.SMTP) -> None:
        self.connection = connection

    def send(self, message: EmailMessage) -> None:
        """Send `message`, or raise MailError."""
        try:
            refused = self.connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            detail = "; ".join(
                f"{who}: {code} {_text(reply)}" for who, (code, reply) in error.recipients.items()
            )
            raise MailError(
                f"recipient refused: {detail}",
                permanent=all(code >= 500 for code in codes),
                recipient_only=True,
            ) from None
        except smtplib.SMTPResponseException as error:
            raise MailError(
                f"mail server answered {error.smtp_code} {_text(error.smtp_error)}",
                permanent=error.smtp_code >= 500,
            ) from None
        except (smtplib.SMTPException, OSError) as error:
            raise MailError(f"mail server unreachable: {error}", connection_lost=True) from None
        if refused:
            raise MailError(f"recipient refused: {refused}", permanent=True, recipient_only=True)


@contextmanager
def connect(app: Flask, *, timeout: float | None = None) -> Iterator[Mailer]:
    """Open a connection to the configured mail server for the `with` block."""
    url = _settings(app).get("SMTP_URL")
    if timeout is None:
        timeout = float(_settings(app).get("SMTP_TIMEOUT_SECONDS") or TIMEOUT_SECONDS)
    if not url:
        raise MailNotConfigured()
    server = parse_smtp_url(str(url))
    try:
        connection: smtplib.SMTP
        if server.security == "tls":
            connection = smtplib.SMTP_SSL(
                server.host, server.port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            connection = smtplib.SMTP(server.host, server.port, timeout=timeout)
            if server.security == "starttls":
                connection.starttls(context=ssl.create_default_context())
        if server.username:
            connection.login(server.username, server.password or "")
    except smtplib.SMTPResponseException as error:
        raise MailError(
            f"mail server answered {error.smtp_code} on connecting",
            permanent=error.smtp_code >= 500,
        ) from None
    except (smtplib.SMTPException, OSError) as error:
        raise MailError(f"mail server unreachable: {error}") from None
    try:
        yield Mailer(connection)
    finally:
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()


def send_mail(
    app: Flask,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    *,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Send one message to `to` from TEAMKIT_MAIL_FROM, or raise MailError."""
    message = build_message(sender(app), to, subject, text, html, headers)
    with connect(app) as mailer:
        mailer.send(message)
