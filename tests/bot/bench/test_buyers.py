"""The bench's buyers: each conversation talks about its own copy of a demo order."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.bench.buyers import load_buyers
from bot.demo import load_demo_orders
from handoff.config.settings import Settings
from handoff.store.db import Database
from handoff.store.models import Order

CUSTOMERS = Path(__file__).parents[3] / "training_data" / "bench" / "customers.yml"


def test_each_conversation_names_its_own_copy_of_the_order(db: Database,
                                                            db_settings: Settings) -> None:
    with db.session() as session:
        load_demo_orders(session, db_settings, date.today())
    buyers = load_buyers(CUSTOMERS)
    buyers.copy_orders(db, 3)

    texts = [buyers.text("where's my order US2026110500012?", n) for n in range(4)]
    assert len(set(texts)) == 4 and not any("US2026110500012" in t for t in texts)
    copies = [buyers.patterns["US2026110500012"].format(n=n) for n in range(4)]
    with db.session() as session:
        demo = session.get(Order, "US2026110500012")
        found = [session.get(Order, number) for number in copies]
        assert demo is not None and found[3] is None  # three conversations, three copies
        assert all(copy is not None and (copy.item, copy.phone_digest, copy.status)
                   == (demo.item, demo.phone_digest, demo.status) for copy in found[:3])
