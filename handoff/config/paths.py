"""Where the product's data folders live.

`templates/` and `training_data/` sit at the top of a checkout. An installed wheel carries them
under ``<prefix>/share/aftersales-bot/`` (see ``pyproject.toml``). Both layouts are searched, so
the same code runs from a clone and from ``pip install``.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

_CHECKOUT_ROOT = Path(__file__).resolve().parents[2]
_SHARE_ROOT = Path(sys.prefix) / "share" / "aftersales-bot"


@cache
def resource_root() -> Path:
    """The folder that holds ``templates/`` and ``training_data/``."""
    for root in (_CHECKOUT_ROOT, _SHARE_ROOT):
        if (root / "training_data").is_dir():
            return root
    raise FileNotFoundError(
        f"cannot find templates/ and training_data/ in {_CHECKOUT_ROOT} or {_SHARE_ROOT}"
    )


def default_training_data_dir() -> Path:
    return resource_root() / "training_data"


def default_templates_dir() -> Path:
    return resource_root() / "templates"
