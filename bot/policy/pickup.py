"""The rule for a parcel nobody picked up in time (``unclaimed_pickup`` in ``returns.yml``):
it goes back to the shop and the order is refunded, never a defect or a customer return."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from handoff.config.yamlfile import ConfigFileError, load_yaml


@dataclass(frozen=True)
class UnclaimedRule:
    action: str
    back_at_shop_days: int
    refund_days: int
    deduct_return_freight: bool


def load_unclaimed_rule(path: Path) -> UnclaimedRule:
    raw = (load_yaml(path) or {}).get("unclaimed_pickup") or {}
    try:
        return UnclaimedRule(str(raw["action"]), int(raw["back_at_shop_days"]),
                             int(raw["refund_days"]), bool(raw["deduct_return_freight"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigFileError(f"{path}: bad unclaimed_pickup rule ({exc!r})") from exc
