"""The summary laid out: `summary_text` (plain sentences for the Telegram topic, the CLI and the
API's ``summary_text``), `summary_html` (the console's readable card), and `render_summary`
(the labelled facts, for supervisors who want every field)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from handoff.config.i18n import words
from handoff.config.templating import environment
from handoff.config.yamlfile import load_yaml
from handoff.desk.summary.readable import readable


def summary_text(templates_dir: Path, summary: Mapping[str, Any], locale: str) -> str:
    """A few plain sentences in ``locale``; the evidence as a ✓ / ✗ checklist."""
    agent_words = words(templates_dir, locale)
    card = readable(summary, agent_words)
    lines = [card.title, *card.sentences]
    if card.checklist:
        marks = ", ".join(f"{'✓' if item.received else '✗'} {item.label}"
                          for item in card.checklist)
        lines.append(f"{agent_words('summary.evidence')} {marks}")
    if card.next_step:
        lines.append(agent_words("summary.next", next=card.next_step))
    return "\n".join(lines)


def summary_html(templates_dir: Path, summary: Mapping[str, Any], locale: str,
                 thumbnails: Mapping[str, str] | None = None) -> str:
    """The console's summary card (autoescaped): sentences, checklist with thumbnails, facts."""
    agent_words = words(templates_dir, locale)
    template = environment(templates_dir).get_template("summary/readable.html")
    return template.render(card=readable(summary, agent_words), w=agent_words,
                           thumbnails=thumbnails or {},
                           facts=render_summary(templates_dir, summary, agent_words.locale,
                                                "html")).strip()


def render_summary(templates_dir: Path, summary: Mapping[str, Any], locale: str,
                   fmt: str = "txt") -> str:
    """Every field labelled (text for chat and CLI, HTML for the console's facts panel)."""
    labels = summary_labels(templates_dir)
    if locale not in labels:
        raise ValueError(f"no summary labels for locale {locale!r}")
    template = environment(templates_dir).get_template(f"summary/case_summary.{fmt}")
    next_step = summary.get("next_step") or {}
    step = next_step.get(locale) or next(iter(next_step.values()), "")
    return template.render(s=summary, t=labels[locale], next_step=step).strip()


@cache
def summary_labels(templates_dir: Path) -> dict[str, dict[str, str]]:
    """The facts' field labels per locale (templates/summary/labels.yml)."""
    return dict(load_yaml(templates_dir / "summary" / "labels.yml"))
