"""The warm-handoff summary: `facts` (the JSON stored on the case and served by the API),
`readable` (plain sentences in the agent's language), `render` (text for chat, HTML for the
console)."""

from handoff.desk.summary.facts import SummaryInputs, build_summary, masked
from handoff.desk.summary.readable import Readable, readable
from handoff.desk.summary.render import render_summary, summary_html, summary_labels, summary_text

__all__ = ["Readable", "SummaryInputs", "build_summary", "masked", "readable", "render_summary",
           "summary_html", "summary_labels", "summary_text"]
