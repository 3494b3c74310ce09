"""What ``/watch history``, ``list`` and ``why`` read, taken from the stores.

Implements :class:`bot.chat.commands.HistoryReader` over the history store (current wording and
recorded changes) and the router's memory (the last decision per channel).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from bot.chat.commands import PastChange
from bot.chat.store import ChatStore
from watchers.detect import DEFAULT_RULES, PairWords, Rules, pair_words, settle
from watchers.model import Pair
from watchers.ports import Clock, CountryLookup
from watchers.store import Store


def pair_from_key(countries: CountryLookup, pair_key: str) -> Pair | None:
    """The pair a stored key such as ``IND-RUS`` stands for, or None if it names no pair."""
    codes = pair_key.split("-")
    if len(codes) != 2:
        return None
    first, second = (countries.lookup(code) for code in codes)
    if first is None or second is None or first.code == second.code:
        return None
    return Pair.of(first, second)


def latest_decision(
    history: Store, routes: ChatStore, pair_key: str, platform: str, channel: str
) -> tuple[str, str] | None:
    """The last decision for a pair in a channel and its reason, for ``/watch why``.

    The later of two: what the rules decided for the pair's last mention (baseline,
    flip-flop, backdated, generic wording, same words) and what this channel's controls
    decided for its last change (alerted, below the channel's level, muted, queued).
    """
    pair = history.last_decision(pair_key)
    here = routes.last_decision(platform, channel, pair_key)
    if here is not None and (
        pair is None or here[2] >= pair[2] or pair[0] in ("alerted", "updated")
    ):
        return here[0], here[1]
    if pair is not None:
        return pair[0], pair[1]
    return None


class StoreHistoryReader:
    """The command layer's view of the history store and the routing decisions."""

    def __init__(
        self,
        store: Store,
        routes: ChatStore,
        countries: CountryLookup,
        *,
        clock: Clock | None = None,
        rules: Rules = DEFAULT_RULES,
    ) -> None:
        self._store = store
        self._routes = routes
        self._countries = countries
        self._clock = clock
        self._rules = rules

    def _now(self) -> datetime:
        return self._clock.now() if self._clock is not None else datetime.now(UTC)

    def words(self, pair_key: str) -> PairWords | None:
        """The pair's established words and any report not yet confirmed, as of now."""
        pair = pair_from_key(self._countries, pair_key)
        if pair is None:
            return None
        return pair_words(self._store.pair_history(pair), self._now(), self._rules)

    def current(self, pair_key: str) -> str | None:
        """The pair's established words now, or None before any."""
        words = self.words(pair_key)
        if words is not None:
            return words.established
        state = self._store.pair_state(pair_key)
        return None if state is None else state.descriptor

    def recent_changes(self, pair_key: str, limit: int) -> Sequence[PastChange]:
        """The pair's latest changes, newest first, with their sources when known.

        A report still pending shows as such; one that has stood long enough since the
        pair's last mention shows as established or lapsed, as the rules now see it.
        """
        pair = pair_from_key(self._countries, pair_key)
        if pair is None:
            return self._store.recent_changes(pair_key, limit)
        changes = self._store.changes_of(pair, limit)
        _, settled = settle(self._store.pair_history(pair), self._now(), self._rules)
        if settled is None:
            return changes
        return [settled if c.change_id == settled.change_id else c for c in changes]

    def last_decision(self, pair_key: str, platform: str, channel: str) -> tuple[str, str] | None:
        """The later of the pair's last rule decision and this channel's last routing one,
        with the pair's established words and any report not yet confirmed."""
        decision = latest_decision(self._store, self._routes, pair_key, platform, channel)
        words = self.words(pair_key)
        if decision is None or words is None or not (words.established or words.reported):
            return decision
        verdict, reason = decision
        return verdict, f"{reason}. Words now: {words.describe()}"
