"""A pair's story for ``/watch history``: its descriptors from the history store, as the
``history`` command tells them, and its timeline chart, drawn by ``bot.chart`` when the
``[charts]`` extra is installed.

Without matplotlib the history is answered as text, and the log says so once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.chart import chart_png, charts_available
from bot.chat.commands import Attachment
from watchers.history import DEFAULT_FLIPFLOP, FlipFlop, PairStory, descriptor_lines, pair_story
from watchers.model import Pair
from watchers.store import Store
from watchers.tiers import Lexicon

log = logging.getLogger(__name__)


class StoreStories:
    """Draws a pair's chart from the stored mentions (implements ``commands.Charts``)."""

    def __init__(
        self,
        store: Store,
        lexicon: Lexicon,
        *,
        available: Callable[[], bool] = charts_available,
        flipflop: FlipFlop = DEFAULT_FLIPFLOP,
    ) -> None:
        self._store = store
        self._lexicon = lexicon
        self._flipflop = flipflop
        self._available = available
        self._said_unavailable = False

    def lines(self, pair: Pair, limit: int) -> list[str]:
        """The pair's latest ``limit`` descriptors, one line each."""
        return descriptor_lines(self._story(pair), limit)

    def _story(self, pair: Pair) -> PairStory:
        mentions = self._store.mentions_of(pair.key)
        return pair_story(pair, mentions, self._lexicon, flipflop=self._flipflop)

    def chart(self, pair: Pair) -> Attachment | None:
        """The pair's timeline as a PNG, or None before any words or without matplotlib."""
        if not self._available():
            if not self._said_unavailable:
                log.warning(
                    "/watch history answers with text only: the chart needs the [charts] "
                    "extra (pip install 'partnership-watch[charts]')"
                )
                self._said_unavailable = True
            return None
        story = self._story(pair)
        if not story.steps:
            return None
        return Attachment(
            filename=f"{pair.key.lower()}-history.png",
            data=chart_png(story),
            description=f"{pair.label}: the words over time",
        )
