"""Console text: a few aligned lines per alert, no colour, nothing a terminal could execute."""

from __future__ import annotations

from bot.alert import Alert
from bot.render import escape
from bot.render.common import (
    diff_plain,
    level_line,
    said_lines,
    shows_diff,
    source_label,
    update_note,
    when,
)

MAX_SOURCES = 10


def render_text(alert: Alert) -> str:
    """The alert as plain text lines for a terminal or a log."""
    e = escape.console
    head = f"{e(alert.title)} · {alert.level.value}"
    if note := update_note(alert):
        head += f" · {note}"
    lines = [head]
    rows = said_lines(alert)
    if shows_diff(alert):
        rows.append(("diff", diff_plain(alert.diff)))
    if alert.tier_arrow:
        rows.append(("tier", alert.tier_arrow))
    quote = alert.quote.marked(escape.console, "«", "»")
    rows.append(("quote", f"“{quote}”"))
    if alert.speaker:
        rows.append(("said by", alert.speaker.name))
    rows.append(("level", level_line(alert)))
    width = max(len(label) for label, _ in rows) + 1
    lines.extend(f"  {label + ':':<{width}} {e(value)}" for label, value in rows)
    for s in alert.sources[:MAX_SOURCES]:
        line = f"    - {e(s.title)} ({e(source_label(s))})"
        if url := escape.safe_url(s.url):
            line += f" {url}"
        lines.append(line)
    if len(alert.sources) > MAX_SOURCES:
        lines.append(f"    … and {len(alert.sources) - MAX_SOURCES} more")
    lines.append(f"  {'detected:':<{width}} {when(alert.detected_at)} · id {alert.alert_id}")
    return "\n".join(lines)
