"""Signed session cookies, checked against a server-side session row on every request.

A cookie is ``base64(json).base64(hmac-sha256)`` keyed with the settings' secret key. It names
the agent, a random nonce (which the CSRF token is derived from and whose digest keys the
``agent_sessions`` row, see `handoff.agents.sessions`) and an expiry. The signature keeps forged
cookies from costing a database read; the row is what makes sign-out and revocation real.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

SESSION_COOKIE = "aftersales_console"
PRE_SESSION_COOKIE = "aftersales_console_pre"  # carries the CSRF nonce of the sign-in form


@dataclass(frozen=True)
class ConsoleSession:
    """Who is signed in, until when, and the nonce their CSRF tokens derive from."""

    agent_id: int
    nonce: str
    expires_at: int  # Unix seconds

    def expired(self, now: datetime) -> bool:
        return now.timestamp() >= self.expires_at


class Signer:
    """HMAC signing of small values, with a purpose so one kind cannot stand in for another."""

    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(f"aftersales-console:{secret}".encode()).digest()

    def _mac(self, purpose: str, data: bytes) -> bytes:
        return hmac.new(self._key, purpose.encode() + b"\0" + data, hashlib.sha256).digest()

    def sign(self, purpose: str, data: bytes) -> str:
        return f"{_b64(data)}.{_b64(self._mac(purpose, data))}"

    def unsign(self, purpose: str, value: str) -> bytes | None:
        """The signed bytes, or None when the value was not signed by us for ``purpose``."""
        try:
            data_part, mac_part = value.split(".", 1)
            data, mac = _unb64(data_part), _unb64(mac_part)
        except (ValueError, binascii.Error):
            return None
        return data if hmac.compare_digest(mac, self._mac(purpose, data)) else None

    def new_session(self, agent_id: int, now: datetime, lifetime: timedelta) -> ConsoleSession:
        return ConsoleSession(agent_id, secrets.token_urlsafe(16),
                              int((now + lifetime).timestamp()))

    def encode(self, session: ConsoleSession) -> str:
        payload = {"a": session.agent_id, "n": session.nonce, "e": session.expires_at}
        return self.sign("session", json.dumps(payload, separators=(",", ":")).encode())

    def decode(self, value: str | None, now: datetime) -> ConsoleSession | None:
        """The session in a cookie value; None when missing, forged, malformed or expired."""
        data = self.unsign("session", value) if value else None
        if data is None:
            return None
        try:
            raw = json.loads(data)
            session = ConsoleSession(int(raw["a"]), str(raw["n"]), int(raw["e"]))
        except (ValueError, KeyError, TypeError):
            return None
        return None if session.expired(now) else session

    def csrf_token(self, nonce: str) -> str:
        """The form token of a session (or pre-session) nonce."""
        return _b64(self._mac("csrf", nonce.encode()))

    def csrf_ok(self, nonce: str | None, token: str | None) -> bool:
        """Constant-time check over bytes: any malformed token (non-ASCII, lone surrogates …)
        is simply wrong, never an exception."""
        if not nonce or not token:
            return False
        presented = token.encode("utf-8", "surrogatepass")  # encodes every str
        return hmac.compare_digest(self.csrf_token(nonce).encode("ascii"), presented)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
