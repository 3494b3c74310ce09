"""Durations as people write them in config and chat: ``90s``, ``15m``, ``2h``, ``3d``, ``1w``."""

from __future__ import annotations

import re

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")


def parse_duration(text: str) -> float:
    """Seconds in a duration such as ``1h30m``; ValueError with a readable reason otherwise."""
    cleaned = text.strip().lower().replace(" ", "")
    if not cleaned:
        raise ValueError("empty duration")
    position, total = 0, 0.0
    for match in _PART.finditer(cleaned):
        if match.start() != position:
            break
        total += float(match.group(1)) * _UNITS[match.group(2)]
        position = match.end()
    if position != len(cleaned) or total <= 0:
        raise ValueError(f"{text!r} is not a duration like 90s, 15m, 2h, 3d or 1w")
    return total

