"""The workspace's case list: filters (mine / unassigned / queue / priority / status) and search
(case number, order number, phone last 4, message text), read from the query string."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlencode

from handoff.store.models import CasePriority, CaseStatus

VIEWS = ("mine", "unassigned", "all")
OPEN = "open"
FAR_FUTURE = "9999-12-31T00:00:00+00:00"


@dataclass(frozen=True)
class Filters:
    view: str = "all"
    queue: str = ""
    priority: str = ""
    status: str = OPEN
    q: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str], default_view: str) -> Filters:
        """Unknown values fall back to the defaults: a filter never fails the page."""
        view = query.get("view", default_view)
        priority = query.get("priority", "")
        status = query.get("status", OPEN)
        return cls(view=view if view in VIEWS else default_view,
                   queue=query.get("queue", "")[:32],
                   priority=priority if priority in set(CasePriority) else "",
                   status=status if status in {OPEN, "", *CaseStatus} else OPEN,
                   q=query.get("q", "").strip()[:64])

    def query_string(self) -> str:
        return urlencode({k: v for k, v in asdict(self).items() if v})


def next_due(row: Mapping[str, Any]) -> str | None:
    """The due time the agent races now: first response until answered, then resolution."""
    if row["first_response_at"] is None and row["first_response_due"]:
        return str(row["first_response_due"])
    due = row["resolution_due"]
    return str(due) if due else None


def filtered(rows: Iterable[dict[str, Any]], filters: Filters, me: str,
             matches: set[str] | None) -> list[dict[str, Any]]:
    """The rows the filters keep, most urgent due time first; ``matches`` is the search's hits
    (None when there is no search)."""
    kept = [r for r in rows if _keeps(r, filters, me)
            and (matches is None or r["number"] in matches)]
    for row in kept:
        row["due"] = next_due(row)
    return sorted(kept, key=lambda r: (r["status"] == CaseStatus.RESOLVED,
                                       r["due"] or FAR_FUTURE, r["priority"]))


def _keeps(row: Mapping[str, Any], filters: Filters, me: str) -> bool:
    if filters.status == OPEN and row["status"] == CaseStatus.RESOLVED:
        return False
    if filters.status not in (OPEN, "") and row["status"] != filters.status:
        return False
    if filters.view == "mine" and row["assignee"] != me:
        return False
    if filters.view == "unassigned" and row["assignee"] is not None:
        return False
    if filters.queue and row["queue"] != filters.queue:
        return False
    return not filters.priority or row["priority"] == filters.priority
