"""One person's turns take turns: a PostgreSQL transaction advisory lock per person id.

A person may write through several conversations at once (Telegram and the web chat, or two
browser tabs), and their cases are the person's, not the conversation's: a turn locks its own
conversation, then the case it finds for the person. Two turns of one person through two
conversations, each holding its conversation's case and wanting the other's, deadlock; taken
first, the person's lock makes the second turn wait instead. Transaction-scoped, so it ends with
the commit or rollback (a killed worker's session ends too). SQLite serialises every writer
already.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from handoff.store.leases import lease_key


def lock_persons(session: Session, *person_ids: str | None) -> None:
    """Hold the lock of each person until the transaction ends (sorted: two callers that lock
    the same two persons take them in one order)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for person_id in sorted({p for p in person_ids if p}):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                        {"key": lease_key(f"person:{person_id}")})
