"""Shared code that keeps rendered text within a limit without breaking words or escapes."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

ELLIPSIS = "…"

# A hard cut may not leave half an escape behind: a lone backslash (Discord) or an
# unfinished HTML entity (Slack).
_PARTIAL_ENTITY = re.compile(r"&[#a-zA-Z0-9]*$")


def _drop_partial_escape(text: str) -> str:
    text = _PARTIAL_ENTITY.sub("", text)
    backslashes = len(text) - len(text.rstrip("\\"))
    if backslashes % 2:
        text = text[:-1]
    return text


def fit(text: str, limit: int, ellipsis: str = ELLIPSIS) -> str:
    """``text`` in at most ``limit`` characters, cut at a space when there is one, with "…"."""
    if len(text) <= limit:
        return text
    room = max(limit - len(ellipsis), 0)
    head = text[:room]
    if text[room : room + 1].isspace():
        cut = head
    elif (space := head.rfind(" ")) > 0:
        cut = head[:space]
    else:
        # One word longer than the limit: there is no word boundary to cut at.
        cut = _drop_partial_escape(head)
    return cut.rstrip() + ellipsis if room else ellipsis[:limit]


def join_within(
    parts: Sequence[str],
    limit: int,
    sep: str = " ",
    more: Callable[[int], str] = lambda n: ELLIPSIS,
) -> str:
    """Whole ``parts`` joined by ``sep`` while they fit in ``limit``, then ``more(left_out)``.

    For lists (sources, diff words) that must never be cut inside one item; callers keep
    each item short enough on its own.
    """
    joined = sep.join(parts)
    if len(joined) <= limit:
        return joined
    for keep in range(len(parts) - 1, 0, -1):
        text = sep.join([*parts[:keep], more(len(parts) - keep)])
        if len(text) <= limit:
            return text
    return fit(joined, limit)


def shrink_until(render: Callable[[int], str], limit: int, start: int) -> str:
    """The first ``render(n)`` that fits ``limit``, for n falling from ``start``.

    For text whose rendered length is not its raw length (escapes, markup): render, and
    if too long, render again with less raw text.
    """
    n = start
    while True:
        out = render(n)
        if len(out) <= limit or n <= 0:
            return fit(out, limit) if len(out) > limit else out
        n = min(n - 1, int(n * limit / len(out)))
