"""`SmtpSender`: the outbox's sender for the ``email`` channel, over the standard library's
smtplib (in a thread: one short session per mail, no connection to keep alive).

``AFTERSALES_SMTP_URL``: ``smtp://[user:password@]host[:port]`` (port 25; add
``?starttls=true`` to upgrade, port 587 upgrades by default) or ``smtps://…`` (implicit TLS,
port 465). A server that is down, times out or answers 4xx is retried by the outbox with
backoff; a 5xx refusal of the sender or every recipient parks the row as dead.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from bot.channels.email.mail import AlertWording, compose
from handoff.store.outbox import DeliveryError


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    username: str = ""
    password: str = ""


def parse_smtp_url(url: str) -> SmtpServer:
    """The server of ``AFTERSALES_SMTP_URL`` (ValueError naming what is wrong)."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("AFTERSALES_SMTP_URL must look like smtp://host:port or smtps://host")
    implicit = parts.scheme == "smtps"
    port = parts.port or (465 if implicit else 25)
    flag = (parse_qs(parts.query).get("starttls") or [""])[0].lower()
    starttls = not implicit and (flag in ("1", "true", "yes") or (port == 587 and flag == ""))
    return SmtpServer(parts.hostname, port, implicit, starttls,
                      unquote(parts.username or ""), unquote(parts.password or ""))


class SmtpSender:
    """Sends one alert mail per outbox row (``recipient`` is the supervisor's address)."""

    def __init__(self, server: SmtpServer, sender: str, wording: AlertWording,
                 timeout: float) -> None:
        self._server = server
        self._from = sender
        self._wording = wording
        self._timeout = timeout

    async def send(self, recipient: str, payload: dict[str, Any]) -> None:
        message = compose(self._wording.word(payload), self._from, recipient)
        await asyncio.to_thread(self._send_blocking, message)

    def _send_blocking(self, message: Any) -> None:
        try:
            with self._connect() as client:
                client.send_message(message)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
            raise _refused(exc) from exc
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}",
                                permanent=500 <= exc.smtp_code < 600) from exc
        except (OSError, smtplib.SMTPException) as exc:  # down, refused, timed out, TLS
            raise DeliveryError(f"SMTP server unreachable: {exc!r}") from exc

    def _connect(self) -> smtplib.SMTP:
        server = self._server
        if server.implicit_tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port,
                                                    timeout=self._timeout,
                                                    context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=self._timeout)
        try:
            if server.starttls:
                client.starttls(context=ssl.create_default_context())
            if server.username:
                client.login(server.username, server.password)
        except BaseException:
            client.close()
            raise
        return client


def _refused(exc: smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused) -> DeliveryError:
    """5xx for the address: no retry helps; 4xx (greylisting, mailbox busy): retry."""
    if isinstance(exc, smtplib.SMTPSenderRefused):
        codes = [exc.smtp_code]
    else:
        codes = [code for code, _ in exc.recipients.values()]
    permanent = all(500 <= code < 600 for code in codes)
    return DeliveryError(f"SMTP refused: {exc!r}", permanent=permanent)
