"""The timeline chart sent with ``/watch history``: the pair's story from the history store,
drawn by ``bot.chart`` when the ``[charts]`` extra is installed.

Without matplotlib the history is answered as text, and the log says so once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.chart import chart_png, charts_available
from bot.chat.commands import Attachment
from watchers.history import pair_story
from watchers.model import Pair
from watchers.store import Store
from watchers.tiers import Lexicon

log = logging.getLogger(__name__)


class StoreCharts:
    """Draws a pair's chart from the stored mentions (implements ``commands.Charts``)."""

    def __init__(
        self,
        store: Store,
        lexicon: Lexicon,
        *,
        available: Callable[[], bool] = charts_available,
    ) -> None:
        self._store = store
        self._lexicon = lexicon
        self._available = available
        self._said_unavailable = False

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
        story = pair_story(pair, self._store.mentions_of(pair.key), self._lexicon)
        if not story.steps:
            return None
        return Attachment(
            filename=f"{pair.key.lower()}-history.png",
            data=chart_png(story),
            description=f"{pair.label}: the words over time",
        )
