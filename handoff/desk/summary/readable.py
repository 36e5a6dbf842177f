"""The summary as a few plain sentences in the agent's language: who, what they want, what the
bot checked and told them, the evidence checklist, why it was handed off, mood, refusals,
offers, the suggested next step. Only words from templates/i18n; codes never reach the page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from handoff.config.i18n import Words


@dataclass(frozen=True)
class CheckItem:
    label: str
    received: bool


@dataclass(frozen=True)
class Readable:
    title: str
    sentences: tuple[str, ...]
    checklist: tuple[CheckItem, ...]
    next_step: str


def readable(summary: Mapping[str, Any], words: Words) -> Readable:
    """The sentences of ``summary`` (the facts JSON) in ``words``' locale."""
    sentences = [_who(summary, words), _wants(summary, words), *_order(summary, words),
                 *_bot(summary, words), _why(summary, words), *_mood(summary, words),
                 *_previous(summary, words)]
    return Readable(
        title=words("summary.title", case=summary.get("case", ""),
                    priority=words.code("priority", summary.get("priority")),
                    queue=summary.get("queue", "")),
        sentences=tuple(s for s in sentences if s),
        checklist=_checklist(summary, words),
        next_step=_next_step(summary, words.locale))


def customer_name(summary: Mapping[str, Any]) -> str:
    """The chat's display name, else the name on the order, else nothing."""
    customer = summary.get("customer") or {}
    return str(customer.get("name") or customer.get("order_name") or "").strip()


def _who(summary: Mapping[str, Any], words: Words) -> str:
    customer = summary.get("customer") or {}
    level = str(customer.get("member_level") or "") or words("summary.member_unknown")
    if customer.get("vip"):
        level = f"{level}, {words('summary.vip')}"
    values = {"name": customer_name(summary), "member_level": level,
              "channel": words.code("channel", customer.get("channel")),
              "phone": customer.get("phone_masked") or "-"}
    return words("summary.who" if values["name"] else "summary.who_unknown", **values)


def _wants(summary: Mapping[str, Any], words: Words) -> str:
    wants = summary.get("wants")
    if not wants:
        return words("summary.wants_unknown")
    return words("summary.wants", wants=words.code("request", wants))


def _order(summary: Mapping[str, Any], words: Words) -> list[str]:
    order = summary.get("order")
    if not order:
        return [words("summary.no_order")]
    out = [words("summary.order", order=order.get("id", ""), item=order.get("item") or "-",
                 amount=order.get("amount") or "", currency=order.get("currency") or "",
                 status=words.code("order_status", order.get("status")))]
    if order.get("tracking_no"):
        out.append(words("summary.tracking", carrier=order.get("carrier") or "",
                         tracking=order["tracking_no"]))
    return out


def _bot(summary: Mapping[str, Any], words: Words) -> list[str]:
    out = []
    decision = summary.get("decision") or {}
    if decision.get("outcome"):
        out.append(words("summary.decision", outcome=words.code("outcome", decision["outcome"]),
                         reason=words.code("reason", decision.get("reason"))))
        if decision.get("days_since_delivery") is not None:
            out.append(words("summary.days", days=decision["days_since_delivery"]))
        if decision.get("rma"):
            out.append(words("summary.rma", rma=decision["rma"]))
    if summary.get("refund_amount"):
        out.append(words("summary.refund", amount=summary["refund_amount"]))
    if summary.get("answered"):
        out.append(words("summary.answered", answered="; ".join(map(str, summary["answered"]))))
    return out


def _why(summary: Mapping[str, Any], words: Words) -> str:
    rule = words.code("rule", summary.get("rule"))
    hits = [str(hit.get("word")) for hit in summary.get("sensitive") or () if hit.get("word")]
    if hits:
        rule = f"{rule} ({'、'.join(sorted(set(hits)))})"
    return words("summary.why", rule=rule)


def _mood(summary: Mapping[str, Any], words: Words) -> list[str]:
    out = []
    if summary.get("sentiment"):
        out.append(words("summary.sentiment",
                         sentiment=words.code("sentiment", summary["sentiment"])))
    refusals = [_offer(item, words, "offered") for item in summary.get("refusals") or ()]
    if refusals:
        out.append(words("summary.refusals", items="; ".join(refusals)))
    offers = [_offer(item, words, "kind") for item in summary.get("offers") or ()]
    if offers:
        out.append(words("summary.offers", items="; ".join(offers)))
    return out


def _offer(item: Any, words: Words, key: str) -> str:
    """One offer or refusal in words: ``{"kind": "credit", "amount": "20"}`` → store credit of 20;
    a refusal adds what the customer said in quotes."""
    if not isinstance(item, Mapping):
        return str(item)
    values = {k: v for k, v in item.items() if k != "kind"}
    amount = " ".join(str(item.get(k) or "") for k in ("amount", "currency")).strip()
    text = words(f"offer.{item.get(key) or 'other'}", **{**values, "amount": amount})
    quoted = item.get("text") if key == "offered" else None
    return f"{text} (“{quoted}”)" if quoted else text


def _previous(summary: Mapping[str, Any], words: Words) -> list[str]:
    cases = (summary.get("customer") or {}).get("previous_cases") or []
    return [words("summary.previous", cases=", ".join(map(str, cases)))] if cases else []


def _checklist(summary: Mapping[str, Any], words: Words) -> tuple[CheckItem, ...]:
    evidence = summary.get("evidence") or {}
    return (*(CheckItem(words.code("evidence", k), True) for k in evidence.get("received") or ()),
            *(CheckItem(words.code("evidence", k), False) for k in evidence.get("missing") or ()))


def _next_step(summary: Mapping[str, Any], locale: str) -> str:
    steps = summary.get("next_step") or {}
    return str(steps.get(locale) or next(iter(steps.values()), "")) if steps else ""
