"""Printing alerts on the terminal: readable text, or one JSON object per line."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, TextIO

from watchers.diff import diff_text
from watchers.model import Change


def _time(t: datetime | None) -> str | None:
    return t.isoformat() if t else None


def change_to_json(change: Change) -> dict[str, Any]:
    """The JSON form of an alert, as ``--format json`` prints it."""
    return {
        "pair": list(change.pair.codes),
        "countries": [change.pair.first.name, change.pair.second.name],
        "kind": change.kind.value,
        "before": change.before,
        "after": change.after,
        "diff": [{"op": w.op, "word": w.word} for w in change.diff],
        "quote": change.quote,
        "speaker": change.speaker,
        "level": change.level.value,
        "sources": [
            {"url": s.url, "title": s.title, "feed": s.feed, "published": _time(s.published)}
            for s in change.sources
        ],
        "detected_at": _time(change.detected_at),
        # 0 for a new alert; higher when later sources updated an alert printed before
        "revision": change.revision,
    }


def format_change_text(change: Change) -> str:
    """A few readable lines for one alert."""
    head = f"{change.pair.label} [{change.pair.key}]: {change.kind.value}"
    lines = [head]
    if change.before is None:
        lines.append(f'  now:    "{change.after}"')
    else:
        lines.append(f'  was:    "{change.before}"')
        lines.append(f'  now:    "{change.after}"')
        lines.append(f"  diff:   {diff_text(change.diff)}")
    lines.append(f'  quote:  "{change.quote}"')
    for s in change.sources:
        when = f" ({s.published:%Y-%m-%d})" if s.published else ""
        lines.append(f"  source: {s.feed}: {s.title}{when} {s.url or ''}".rstrip())
    return "\n".join(lines)


class ConsoleNotifier:
    """Writes alerts to a text stream in the chosen format."""

    def __init__(self, out: TextIO, fmt: str = "text") -> None:
        self.out = out
        self.fmt = fmt

    def send(self, change: Change) -> None:
        """Print one alert."""
        if self.fmt == "json":
            self.out.write(json.dumps(change_to_json(change), ensure_ascii=False) + "\n")
        elif change.revision:
            # A later source of an alert printed before: one line, not a second alert.
            via = f" (+ {change.sources[-1].feed})" if change.sources else ""
            self.out.write(
                f"{change.pair.label} [{change.pair.key}]: {change.kind.value} updated: now "
                f"{change.level.value}, {len(change.sources)} sources{via}\n\n"
            )
        else:
            self.out.write(format_change_text(change) + "\n\n")
        self.out.flush()
