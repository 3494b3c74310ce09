"""Printing alerts on the terminal: readable text, or one JSON object per line."""

from __future__ import annotations

import json
from typing import TextIO

from bot.alert import alert_from_change
from bot.render.json import alert_to_json
from bot.render.text import render_text
from watchers.model import Change


class ConsolePrinter:
    """Writes alerts to a text stream in the chosen format."""

    def __init__(self, out: TextIO, fmt: str = "text") -> None:
        self.out = out
        self.fmt = fmt

    def send(self, change: Change) -> None:
        """Print one alert (or an update of one already printed)."""
        alert = alert_from_change(change)
        if self.fmt == "json":
            self.out.write(json.dumps(alert_to_json(alert), ensure_ascii=False) + "\n")
        else:
            self.out.write(render_text(alert) + "\n\n")
        self.out.flush()
