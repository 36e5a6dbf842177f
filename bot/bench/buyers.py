"""Every simulated conversation is its own buyer: the demo orders a script names are copied once
per conversation (same item, dates and phone under a new number), and the script's text names
the conversation's copy.

Without copies every simulated customer would be one of three people, and the repeat-contact
and open-case rules would fire on nearly every visit (a person's third contact about an order
goes to a human): no shop's traffic looks like that, and the benchmark would measure handoffs
instead of turns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from sqlalchemy import Table, bindparam, insert, select

from handoff.config.yamlfile import load_yaml
from handoff.store.db import Database
from handoff.store.models import Order


@dataclass(frozen=True)
class Buyers:
    """``patterns``: a demo order id → its copies' ids, ``{n}`` the conversation's number."""

    patterns: Mapping[str, str]

    def text(self, text: str, n: int) -> str:
        """``text`` as conversation ``n`` writes it: naming its own copy of each order."""
        for demo, pattern in self.patterns.items():
            text = text.replace(demo, pattern.format(n=n))
        return text

    def copy_orders(self, db: Database, conversations: int) -> None:
        """Copies of every demo order for conversations ``0 … conversations-1``."""
        table = cast(Table, Order.__table__)
        columns = [c for c in table.columns if c.name != "order_id"]
        with db.engine.begin() as connection:
            for demo, pattern in self.patterns.items():
                rows = [{"new_id": pattern.format(n=n)} for n in range(conversations)]
                source = select(bindparam("new_id", type_=table.c.order_id.type),
                                *columns).where(table.c.order_id == demo)
                connection.execute(
                    insert(table).from_select(["order_id", *(c.name for c in columns)], source),
                    rows)


def load_buyers(path: Path) -> Buyers:
    """The ``buyers`` section of the customers file (none: every conversation shares them)."""
    raw = (load_yaml(path) or {}).get("buyers") or {}
    for demo, pattern in raw.items():
        if "{n" not in str(pattern) or str(pattern).format(n=0) == demo:
            raise ValueError(f"{path}: buyers.{demo} must be a new order number with {{n}}")
    return Buyers({str(k): str(v) for k, v in raw.items()})
