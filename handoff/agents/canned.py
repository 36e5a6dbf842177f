"""Canned replies: saved answers supervisors keep per locale under a ``/shortcut``. Agents insert
them from the reply box; ``{name}`` and ``{order}`` are filled in from the case, and a blank
name never leaves "Hello , …" behind."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.config.i18n import LOCALES
from handoff.store.models.workspace import CannedReply

SHORTCUT = re.compile(r"^/?([a-z0-9][a-z0-9_-]{0,30})$")
MAX_TEXT = 2000


class CannedReplyError(ValueError):
    """A shortcut, locale or text that cannot be saved (shown to the supervisor, a 400)."""


@dataclass(frozen=True)
class Canned:
    id: int
    locale: str
    shortcut: str
    text: str


def list_canned(session: Session, locale: str | None = None) -> list[Canned]:
    query = select(CannedReply).order_by(CannedReply.locale, CannedReply.shortcut)
    if locale:
        query = query.where(CannedReply.locale == locale)
    return [Canned(r.id, r.locale, r.shortcut, r.text) for r in session.scalars(query)]


def save_canned(session: Session, locale: str, shortcut: str, text: str, by: str,
                now: datetime) -> Canned:
    """Add or replace the reply under ``/shortcut`` in ``locale``."""
    match = SHORTCUT.match(shortcut.strip().lower())
    if locale not in LOCALES:
        raise CannedReplyError(f"unknown locale {locale!r}")
    if match is None:
        raise CannedReplyError("a shortcut is 1–31 letters, digits, - or _ (like /refund)")
    body = text.strip()
    if not body or len(body) > MAX_TEXT:
        raise CannedReplyError(f"the text must have 1 to {MAX_TEXT} characters")
    row = session.scalars(select(CannedReply).where(
        CannedReply.locale == locale, CannedReply.shortcut == match.group(1))).first()
    if row is None:
        row = CannedReply(locale=locale, shortcut=match.group(1), text=body, updated_by=by,
                          updated_at=now)
        session.add(row)
    else:
        row.text, row.updated_by, row.updated_at = body, by, now
    session.flush()
    return Canned(row.id, row.locale, row.shortcut, row.text)


def delete_canned(session: Session, canned_id: int) -> None:
    row = session.get(CannedReply, canned_id)
    if row is not None:
        session.delete(row)


def filled(text: str, *, name: str, order: str) -> str:
    """``text`` with ``{name}`` and ``{order}`` filled in; a blank name takes its separator
    with it ("你好 {name}，" → "你好，", "Hello {name}, " → "Hello, ")."""
    if not name.strip():
        text = re.sub(r"\s*\{name\}", "", text)
    return text.replace("{name}", name.strip()).replace("{order}", order or "")
