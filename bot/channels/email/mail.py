"""Wording an alert mail: the outbox payload's facts through ``templates/email/alerts.yml``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from handoff.config.replies import LOCALES, locale_of
from handoff.config.templating import environment
from handoff.config.yamlfile import ConfigFileError, load_yaml
from handoff.routing.alerts import AlertKind


@dataclass(frozen=True)
class MailText:
    subject: str
    body: str


class AlertWording:
    """The alert templates, read and checked once (a missing wording fails at start-up, not
    when the first P1 arrives); `word` renders one payload."""

    def __init__(self, templates_dir: Path, timezone: str, public_url: str = "") -> None:
        self._path = templates_dir / "email" / "alerts.yml"
        self._table: dict[str, Any] = load_yaml(self._path) or {}
        self._env = environment(templates_dir)
        self._zone = ZoneInfo(timezone)
        self._public_url = public_url.rstrip("/")
        for kind in AlertKind:
            for locale in LOCALES:
                self._entry(kind.value, locale)

    def _entry(self, kind: str, locale: str) -> dict[str, str]:
        entry = (self._table.get(kind) or {}).get(locale)
        if not isinstance(entry, dict) or "subject" not in entry or "body" not in entry:
            raise ConfigFileError(f"{self._path}: no subject/body for {kind!r} in {locale}")
        return entry

    def word(self, payload: dict[str, Any]) -> MailText:
        kind = str(payload.get("kind", ""))
        locale = locale_of(str(payload.get("locale", "")), "zh-Hans")
        entry = self._entry(kind, locale)
        values = {**payload, "due": self._shop_time(str(payload.get("due") or "")),
                  "link": self._link(str(payload.get("case_number") or ""))}
        subject = self._env.from_string(entry["subject"]).render(values)
        return MailText(" ".join(subject.split()), self._env.from_string(entry["body"])
                        .render(values).strip() + "\n")

    def _shop_time(self, iso: str) -> str:
        if not iso:
            return ""
        return datetime.fromisoformat(iso).astimezone(self._zone).strftime("%Y-%m-%d %H:%M")

    def _link(self, number: str) -> str:
        if not self._public_url or not number:
            return ""
        return f"{self._public_url}/console/cases/{quote(number)}"


def compose(text: MailText, sender: str, recipient: str) -> EmailMessage:
    """A plain-text UTF-8 message (subjects in Chinese are RFC 2047-encoded by `email`)."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, recipient, text.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(text.body)
    return message
