"""The one Jinja environment (customer replies, case summaries, console pages).

Autoescape is on for ``.html`` templates: customer text is always escaped in pages. Plain-text
templates (``.txt``/``.j2``: chat replies and summaries sent to chat platforms) are not escaped,
because the platforms show text literally.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape


@cache
def environment(templates_dir: Path) -> Environment:
    """The shared environment for ``templates_dir``. StrictUndefined: a template that uses a
    variable its caller does not supply fails loudly instead of printing an empty string."""
    return Environment(
        loader=FileSystemLoader(str(templates_dir)),
        autoescape=select_autoescape(enabled_extensions=("html", "htm"), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
