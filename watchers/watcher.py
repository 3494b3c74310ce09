"""Polling one feed: fetch, parse, extract, remember, decide. The I/O around the pure parts."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import httpx

from watchers.detect import DEFAULT_RULES, Decision, Rules, decide, representatives
from watchers.errors import FeedError, StoreError
from watchers.fetch import FetchLimits, Validators, fetch
from watchers.fulltext import FullText
from watchers.model import Change, Entry, Extraction, Mention
from watchers.parse import parse_feed
from watchers.ports import Clock, Extractor
from watchers.store import Store
from watchers.tiers import Lexicon

log = logging.getLogger(__name__)

CLOCK_SKEW = timedelta(days=1)
"""How far past the time of reading a feed's publication time may lie (servers' clocks and
mislabelled time zones) before it is taken for a mistake."""

EARLIEST_PUBLISHED = datetime(1990, 1, 1, tzinfo=UTC)
"""Publication times before this are taken for a feed's stand-in for a missing date (the Unix
epoch, 1970-01-01, above all) rather than for news of that time."""

FULLTEXT_CONCURRENCY = 4
"""Article pages fetched at once for one feed: polite to publishers, quick enough."""


@dataclass(frozen=True)
class FeedSpec:
    """A feed to watch, as the config describes it."""

    name: str
    url: str
    official: bool = False
    poll_interval: float = 1800.0
    baseline: bool = True
    """On the first successful poll, remember what the feed says but alert nothing."""
    fulltext: bool = False
    """Read the article page of summary-only entries that name a tracked country."""


@dataclass(frozen=True)
class PollResult:
    """What one poll of one feed did: new entries, mentions, changes, or the error."""

    feed: str
    new_entries: int = 0
    mentions: int = 0
    changes: tuple[Change, ...] = ()
    decisions: tuple[Decision, ...] = field(default=(), repr=False)
    not_modified: bool = False
    error: str | None = None


class Watcher:
    """Polls feeds and turns what they say into changes, remembering it all in the store."""

    def __init__(
        self,
        *,
        store: Store,
        extractor: Extractor,
        client: httpx.AsyncClient,
        clock: Clock,
        is_watched: Callable[[str], bool],
        limits: FetchLimits | None = None,
        rules: Rules = DEFAULT_RULES,
        lexicon: Lexicon | None = None,
        fulltext: FullText | None = None,
    ) -> None:
        self.store = store
        self.extractor = extractor
        self.client = client
        self.clock = clock
        self.is_watched = is_watched
        self.limits = limits or FetchLimits()
        self.rules = rules
        self.lexicon = lexicon
        self.fulltext = fulltext

    async def poll_all(self, feeds: Sequence[FeedSpec]) -> list[PollResult]:
        """Poll every feed concurrently; a failing feed is a result, never the end of the run."""
        return list(await asyncio.gather(*(self.poll(f) for f in feeds)))

    async def poll(self, feed: FeedSpec) -> PollResult:
        """Poll one feed once; any failure is the feed's result, never an exception."""
        try:
            return await self._poll(feed)
        except Exception as e:  # a fault of ours must not cost the other feeds their changes
            log.exception("feed %r: poll failed", feed.name)
            return self._failed(feed.name, self.clock.now(), f"{type(e).__name__}: {e}")

    async def _poll(self, feed: FeedSpec) -> PollResult:
        now = self.clock.now()
        try:
            fetched = await fetch(
                self.client, feed.name, feed.url, self.store.validators(feed.name), self.limits
            )
            if fetched.not_modified:
                self.store.record_poll(feed.name, now, fetched.validators, None)
                return PollResult(feed.name, not_modified=True)
        except FeedError as e:
            return self._failed(feed.name, now, e.message)
        except StoreError as e:
            return self._failed(feed.name, now, str(e))
        return await self.ingest(feed, fetched.body, fetched.headers, fetched.validators)

    async def ingest(
        self,
        feed: FeedSpec,
        body: bytes,
        headers: Mapping[str, str],
        validators: Validators | None = None,
    ) -> PollResult:
        """Take one fetched document of a feed through parse, extract, remember and decide.

        ``poll`` calls it after fetching; ``replay`` calls it with archived documents. The
        document is remembered in one transaction: when the store fails, none of it is kept
        and the next poll reads it again.
        """
        now = self.clock.now()
        try:
            # Parsing and extraction take seconds of CPU on a large document: they run in a
            # worker thread, so that chat connections (Slack's 3-second acks, Discord's
            # heartbeats) are served meanwhile. The store stays on this thread.
            parsed = await asyncio.to_thread(parse_feed, feed.name, body, headers)
        except FeedError as e:
            return self._failed(feed.name, now, e.message)
        entries = [_trusted_time(e, now) for e in parsed]
        try:
            with self.store.transaction():
                unseen = self.store.unseen_entries(feed.name, (e.entry_id for e in entries))
            # the same id twice in one document counts once
            fresh = list({e.entry_id: e for e in entries if e.entry_id in unseen}.values())
            fresh.sort(key=lambda e: (e.published is None, e.published or now))
            if feed.fulltext and self.fulltext is not None:
                fresh = await self._with_full_text(fresh, feed.url)
            found = await asyncio.to_thread(self._extract, fresh, feed) if fresh else []
            # No await from here on: the transaction holds no other feed's writes, and what
            # was unseen is asked again, in case another poll of this feed took it meanwhile.
            with self.store.transaction():
                self.store.lock_pairs(x.pair.key for xs in found for x in xs)
                baseline = feed.baseline and not self.store.has_been_polled(feed.name)
                unseen = self.store.unseen_entries(feed.name, (e.entry_id for e in fresh))
                decisions: list[Decision] = []
                mention_count = 0
                new_entries = 0
                for entry, extractions in zip(fresh, found, strict=True):
                    if entry.entry_id not in unseen:
                        continue
                    new_entries += 1
                    mentions = self._mentions(entry, extractions, feed)
                    mention_count += len(mentions)
                    decisions.extend(self._remember(mentions, baseline=baseline))
                self.store.mark_seen(feed.name, (e.entry_id for e in entries), now)
                self.store.record_poll(feed.name, now, validators, None)
        except StoreError as e:
            return self._failed(feed.name, now, str(e))
        # New changes and updates of reported ones (revision > 0), in the order decided.
        changes = tuple(c for d in decisions for c in (d.change, d.update) if c is not None)
        return PollResult(
            feed.name,
            new_entries=new_entries,
            mentions=mention_count,
            changes=changes,
            decisions=tuple(decisions),
        )

    def _failed(self, feed: str, now: datetime, message: str) -> PollResult:
        """Log a feed's failure, note it in the store when the store lets us, and say so."""
        log.warning("feed %r: %s", feed, message)
        try:
            self.store.record_poll(feed, now, None, message)
        except StoreError as e:
            log.warning("feed %r: could not note the failure: %s", feed, e)
        return PollResult(feed, error=message)

    async def _with_full_text(self, entries: list[Entry], feed_url: str) -> list[Entry]:
        """Entries with their article text filled in, a few pages at a time."""
        assert self.fulltext is not None
        fulltext = self.fulltext
        gate = asyncio.Semaphore(FULLTEXT_CONCURRENCY)

        async def one(entry: Entry) -> Entry:
            async with gate:
                return await fulltext.enrich(entry, feed_url)

        return list(await asyncio.gather(*(one(e) for e in entries)))

    def _extract(self, entries: list[Entry], feed: FeedSpec) -> list[list[Extraction]]:
        """What each entry says; run in a worker thread, so it touches neither store nor clock."""
        found = []
        for entry in entries:
            on = entry.published.date() if entry.published else None
            try:
                found.append(self.extractor.extract(entry.text(), on=on))
            except Exception:  # hostile text must not cost the feed its other entries
                log.exception(
                    "feed %r: entry %r could not be read; skipped", feed.name, entry.entry_id
                )
                found.append([])
        return found

    def _mentions(
        self, entry: Entry, extractions: list[Extraction], feed: FeedSpec
    ) -> list[Mention]:
        seen_at = self.clock.now()
        return [
            Mention(extraction=x, entry=entry, official=feed.official, seen_at=seen_at)
            for x in extractions
        ]

    def _remember(self, mentions: list[Mention], *, baseline: bool) -> list[Decision]:
        """Store every mention, then decide on one representative mention per pair."""
        ids = {id(m): self.store.record_mention(m) for m in mentions}
        # one read of each pair's history serves both choosing and deciding
        pairs = {m.pair.key: m.pair for m in mentions}
        recent = self.rules.flipflop_descriptors
        histories = {k: self.store.pair_history(p, recent=recent) for k, p in pairs.items()}
        current = {k: h.current.canonical for k, h in histories.items() if h.current}
        decisions = []
        for m in representatives(mentions, current):
            history = histories[m.pair.key]
            watched = self.is_watched(m.pair.key)
            decision = decide(
                history.current,
                m,
                watched=watched,
                baseline=baseline,
                now=m.seen_at,
                history=history,
                rules=self.rules,
                lexicon=self.lexicon,
            )
            if decision.remember:
                self.store.set_pair_state(m, ids[id(m)])
                self.store.remember_words(m)
            change_id = None
            if decision.change is not None:
                change_id = str(self.store.record_change(decision.change))
                decision = replace(decision, change=replace(decision.change, change_id=change_id))
            if decision.update is not None:
                self.store.update_change(decision.update, m.seen_at)
                change_id = decision.update.change_id
            if watched:
                self.store.record_decision(
                    m.pair.key, m.seen_at, decision.outcome.value, decision.reason, change_id
                )
            decisions.append(decision)
        return decisions


def _trusted_time(entry: Entry, now: datetime) -> Entry:
    """The entry, without a publication time that lies after its reading or before 1990.

    A future date is a feed's mistake (a wrong year, another calendar's era); kept, it would
    make today's words look recalled ("in 2025" read as the past) and date the evidence wrong.
    A date before 1990 is what some feeds send for none (1970-01-01); kept, it would make
    the leaders of its day the ones in office and the text look old.
    """
    if entry.published is None:
        return entry
    if entry.published > now + CLOCK_SKEW:
        log.info(
            "feed %r: entry %r dated %s, in the future; date ignored",
            entry.feed,
            entry.entry_id,
            entry.published.date(),
        )
        return replace(entry, published=None)
    if entry.published < EARLIEST_PUBLISHED:
        log.debug(
            "feed %r: entry %r dated %s, before %d; taken for a missing date",
            entry.feed,
            entry.entry_id,
            entry.published.date(),
            EARLIEST_PUBLISHED.year,
        )
        return replace(entry, published=None)
    return entry
