"""The region slot: which of the shop's regions (mainland, Taiwan, Hong Kong) a customer writes
from, read from the message's phone number, its words (written Cantonese, "7-11", "菜鸟驿站"),
the platform's language tag, the channel and, last, the script.

The region is kept in the slots (``region``, with ``region_basis`` naming the signal) so a
later, weaker signal ("好的" in Traditional script) never undoes a stronger one (a +852 phone);
a signal as strong or stronger replaces it. The words live in ``regions.yml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.policy.regions import Basis, Region, RegionSignals, RegionTable
from bot.policy.words import fold

# A phone as people type it: an optional + or 00, digits with spaces or dashes between them.
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d(?:[ -]?\d){7,14}(?!\w)")


@dataclass(frozen=True)
class Reading:
    """The region a message points to (None: it says nothing) and what it was read from."""

    region: Region | None
    basis: Basis | None


def is_cantonese(table: RegionTable, text: str) -> bool:
    """Written Cantonese: a Hong Kong customer, answered in Traditional Chinese."""
    return table.of(Region.HONGKONG).is_cantonese(fold(text))


def read_region(table: RegionTable, text: str, channel: str, language_hint: str | None,
                locale: str) -> Reading:
    """The strongest region signal of one message."""
    folded = fold(text)
    for basis, test in ((Basis.PHONE, lambda s: _phone_says(s, folded)),
                        (Basis.TEXT, lambda s: s.says(folded)),
                        (Basis.HINT, lambda s: fold(language_hint or "") in s.language_hints),
                        (Basis.CHANNEL, lambda s: fold(channel) in s.channels)):
        found = [s.region for s in table.signals if test(s)]
        if len(found) == 1:  # two regions at once ("從香港寄去台灣") say nothing
            return Reading(found[0], basis)
    script = dict(table.script_regions).get(locale)
    return Reading(script, Basis.SCRIPT if script else None)


def keep_region(slots: dict[str, Any], reading: Reading) -> None:
    """Put the reading in the slots unless the region there came from a stronger signal."""
    if reading.region is None or reading.basis is None:
        return
    held = Basis.__members__.get(str(slots.get("region_basis")))
    if held is not None and held > reading.basis:
        return
    slots["region"] = reading.region.value
    slots["region_basis"] = reading.basis.name


def _phone_says(signals: RegionSignals, folded: str) -> bool:
    for match in _PHONE.finditer(folded):
        number = re.sub(r"[ -]", "", match.group(0))
        if number.startswith(signals.phone_prefixes) or signals.mobile.match(number):
            return True
    return False
