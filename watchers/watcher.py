"""Polling feeds: fetch, parse, extract, remember, decide. The I/O around the pure parts."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
import hashlib
import logging
import queue
import time
from collections.abc import (
    AsyncGenerator,
    Callable,
    Collection,
    Coroutine,
    Iterable,
    Mapping,
    Sequence,
)
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TypeVar, overload

import httpx

from watchers.detect import DEFAULT_RULES, Decision, Rules, decide, representatives
from watchers.errors import FeedError, StoreError
from watchers.extraction.canonical import canonical
from watchers.fetch import BytesAhead, Fetched, FetchLimits, Validators, fetch, parsed_url
from watchers.fulltext import FullText
from watchers.model import (
    Change,
    ChangeKind,
    Entry,
    Extraction,
    Heard,
    Mention,
    Pair,
    PairHistory,
    PairState,
    SeenDescriptor,
    SpeakerState,
)
from watchers.ports import Clock, DocumentWork, Extractor, WatchesByRead, WatchesMany
from watchers.reading import InThreads, Reading, fresh_entries, trusted_time
from watchers.store import PollOutcome, Store
from watchers.tiers import Lexicon, load_lexicon

log = logging.getLogger(__name__)

T = TypeVar("T")

SEEN_SENT_ALONG = 500
"""Entries seen of a feed that are sent along with its document, so that it is parsed and its
new entries extracted in one trip (see ``Ingester._read_in_one``); past that, two trips."""


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


DOCUMENTS_AT_ONCE = 16
"""Documents remembered together at most, in one transaction (``Ingester.documents``): those
that came while their pairs were held by a transaction of this process. The benchmark's
farm names the same few pairs in every document, as syndicated news does, and a document's
transaction holds its pairs for its round trips while every other one naming them waits:
one at a time, two workers' cold cycle of 1,000 feeds had five of their eight document
connections waiting on a pair on average. Together, they take their turn once."""

Remembered = tuple[list[Decision], int, int]
"""What remembering a document did: the decisions, the entries new, the mentions stored."""


@dataclass(frozen=True)
class DocumentRead:
    """A fetched document, parsed and extracted, to be remembered and decided on."""

    feed: FeedSpec
    read: Reading
    validators: Validators | None
    answer_seconds: float | None
    now: datetime
    claimed: bool
    """The poll holds the feed (``Store.claim_feeds``): no other poll of it runs meanwhile."""
    watched: Mapping[str, bool] | None = None
    """Which of its pairs are watched, when read already."""
    polled: bool | None = None
    """Whether the feed has been polled before, when known already."""

    @property
    def writes_first(self) -> bool:
        """Whether its entries seen and its poll's outcome may be written first in its
        transaction: the feed is held, so no other poll of it reads them meanwhile, and
        whether it was polled before is known already, so the transaction does not read
        them either."""
        return self.claimed and self.polled is not None

    @functools.cached_property
    def pairs(self) -> dict[str, Pair]:
        """The pairs its new entries name, by key (asked each time a store frees up, while
        it waits: worked out once)."""
        return {x.pair.key: x.pair for xs in self.read.found for x in xs}


@dataclass(frozen=True)
class ToStore:
    """What a document adds to the store: each new entry's mentions (in the order of its
    entries), which of its pairs are watched, and whether it is its feed's baseline."""

    by_entry: list[list[Mention]]
    watched: Mapping[str, bool]
    baseline: bool


class Ingester:
    """Turns a feed's fetched documents into changes, remembering it all in the store.

    It needs no network (``replay`` feeds it archived documents); ``Watcher`` fetches.
    """

    def __init__(
        self,
        *,
        store: Store,
        extractor: Extractor,
        clock: Clock,
        is_watched: Callable[[str], bool],
        rules: Rules = DEFAULT_RULES,
        lexicon: Lexicon | None = None,
        fulltext: FullText | None = None,
        work: DocumentWork | None = None,
    ) -> None:
        self.store = store
        self.extractor = extractor
        self.clock = clock
        self.is_watched = is_watched
        self.rules = rules
        self.lexicon = lexicon if lexicon is not None else load_lexicon()
        self.fulltext = fulltext
        self._work = work
        self.documents: Sequence[Store] = ()
        """Stores on connections of their own, where documents are remembered in threads off
        the event loop, one thread a store, several documents at once (workers on
        PostgreSQL, whose every statement is a round trip); none: in ``store``, on the loop."""
        self._document_threads: ThreadPoolExecutor | None = None
        self._free_documents: queue.SimpleQueue[Store] = queue.SimpleQueue()
        self._waiting: list[tuple[DocumentRead, asyncio.Future[Remembered]]] = []
        """Documents read waiting for a free store, in the order they came."""
        self._remembering = 0
        """Transactions of documents running in ``documents`` now."""
        self._pairs_taken: collections.Counter[str] = collections.Counter()
        """The pairs named by the documents of those transactions (how many hold each)."""
        self._feeds_taken: collections.Counter[str] = collections.Counter()
        """The feeds of the documents of those transactions (how many of each)."""
        self._closing = False
        """Whether ``close_documents`` is closing the stores (in another thread)."""

    @property
    def work(self) -> DocumentWork:
        """Where parsing and extraction run: the loop's threads unless told otherwise."""
        return self._work if self._work is not None else InThreads(self.extractor)

    @work.setter
    def work(self, work: DocumentWork) -> None:
        self._work = work

    async def ingest(
        self,
        feed: FeedSpec,
        body: bytes,
        headers: Mapping[str, str],
        validators: Validators | None = None,
        *,
        answer_seconds: float | None = None,
        claimed: bool = False,
    ) -> PollResult:
        """Take one fetched document of a feed through parse, extract, remember and decide.

        ``poll`` calls it after fetching; ``replay`` calls it with archived documents. The
        document is remembered in one transaction: when the store fails, none of it is kept
        and the next poll reads it again. ``claimed``: the caller holds the feed
        (``Store.claim_feeds``), so no other poll of it runs meanwhile.
        """
        now = self.clock.now()
        try:
            wants_article = feed.fulltext and self.fulltext is not None
            read_in = self._read_in_two if wants_article else self._read_in_one
            read = await read_in(feed, body, headers, now)
            document = DocumentRead(feed, read, validators, answer_seconds, now, claimed)
            if not self.documents:
                (remembered,) = self._remember_documents(self.store, [document])
            else:
                # which pairs are watched: read in the document's transaction, with its
                # pairs' histories, when ``is_watched`` says it by a read (see
                # ``_remember_documents``); else here, on this store's connection (the
                # chat's subscriptions), the other connection being the thread's alone
                watched = None
                if not isinstance(self.is_watched, WatchesByRead):
                    watched = watched_among(self.is_watched, document.pairs)
                # a claimed feed's first poll is known from its claim on this store (the
                # thread's store, claiming nothing, would ask the database each document)
                polled = self.store.has_been_polled(feed.name) if claimed else None
                remembered = await self._in_document_thread(
                    replace(document, watched=watched, polled=polled)
                )
        except StoreError as e:
            return self._failed(feed.name, now, str(e), answer_seconds)
        except FeedError as e:  # the reading process died: nothing is kept, read it next time
            return self._failed(feed.name, now, e.message, answer_seconds)
        decisions, new_entries, mention_count = remembered
        # New changes and updates of reported ones (revision > 0), in the order decided.
        changes = tuple(c for d in decisions for c in (d.change, d.update) if c is not None)
        return PollResult(
            feed.name,
            new_entries=new_entries,
            mentions=mention_count,
            changes=changes,
            decisions=tuple(decisions),
        )

    def _remember_documents(
        self, store: Store, documents: Sequence[DocumentRead]
    ) -> list[Remembered]:
        """Remember documents read and decide on what they say, in one transaction of
        ``store``, in the order given, each as if remembered alone after those before it:
        for each, the decisions, the entries new and the mentions stored. No two of them
        may be of the same feed (each asks which of its entries are new before any is
        marked seen). On a store of ``documents`` (a connection of its own to the store's
        database), which pairs are watched, for the documents that come without it, is read
        there when ``is_watched`` says it by a read (``WatchesByRead``)."""
        # The transaction holds no other feed's writes (nothing else runs on ``store``
        # meanwhile), and what was unseen is asked again, in case another poll of the feed
        # took it meanwhile (none can when the feed is claimed: a round trip saved).
        # Each pair's history is read once for the documents and kept here as decisions
        # change it; their small writes go to the store together at the end (on
        # PostgreSQL each statement is a round trip, and those that need no answer go
        # with the next that does).
        with store.document():
            # What the documents list and their polls' outcomes, when nothing read in the
            # transaction depends on them, go before the pairs' locks: the documents naming
            # those pairs do not wait for these writes too.
            first = [d for d in documents if d.writes_first]
            for document in first:
                self._note_read(store, document)
            store.send_held_writes()
            pairs = {key: pair for d in documents for key, pair in d.pairs.items()}
            # every pair of every document, locked at once: documents naming the same pairs
            # (a syndicated story in many feeds) take their turn once for all of them
            store.lock_pairs(pairs)
            # which pairs are watched, for the documents that come without it: on a store
            # of ``documents``, read with the pairs' histories when a read says it
            asking = sorted({k for d in documents if d.watched is None for k in d.pairs})
            by_read: WatchesByRead | None = None
            on_own = any(store is own for own in self.documents)
            if asking and on_own and isinstance(self.is_watched, WatchesByRead):
                by_read = self.is_watched
            watched_read = by_read.watched_read(asking) if by_read else None
            stored = [self._entries_to_store(store, d, ask=by_read is None) for d in documents]
            # The pairs' histories and the documents' mentions in one round trip on
            # PostgreSQL (the pairs are held from there to the end: every document naming
            # one of them waits meanwhile), with which pairs are watched when read here;
            # each entry is then decided on as if stored alone, seeing the mentions up to
            # its own last id and none of those after it.
            mentions = [m for s in stored for ms in s.by_entry for m in ms]
            histories, mention_ids, answers = store.histories_and_mentions_with(
                pairs.values(),
                mentions,
                [watched_read] if watched_read else [],
                recent=self.rules.flipflop_descriptors,
            )
            if by_read is not None:
                # read once for all, but each document is given its own pairs only, as
                # when it is asked alone
                watched = by_read.watched_from(asking, answers[0] if answers else [])
                stored = [
                    s if d.watched is not None else replace(s, watched=_own(watched, d.pairs))
                    for d, s in zip(documents, stored, strict=True)
                ]
            ids = iter(mention_ids)
            remembered: list[Remembered] = []
            for document, s in zip(documents, stored, strict=True):
                decisions: list[Decision] = []
                for ms in s.by_entry:
                    entry_ids = [next(ids) for _ in ms]
                    decisions.extend(
                        self._remember(
                            store, ms, entry_ids, histories, s.watched, baseline=s.baseline
                        )
                    )
                if not document.writes_first:
                    self._note_read(store, document)
                remembered.append((decisions, len(s.by_entry), sum(map(len, s.by_entry))))
        return remembered

    def _note_read(self, store: Store, document: DocumentRead) -> None:
        """Remember the entries a document lists as seen, and its poll's success."""
        feed, now = document.feed.name, document.now
        store.mark_seen(feed, document.read.fingerprints, now)
        store.record_poll(
            feed, now, document.validators, None, answer_seconds=document.answer_seconds
        )

    def _entries_to_store(self, store: Store, document: DocumentRead, *, ask: bool) -> ToStore:
        """What a document read adds to the store (in its transaction, its pairs held);
        ``ask``: which of its pairs are watched is asked here when the document does not say
        (else it is left empty, for the caller to fill in)."""
        feed, read = document.feed, document.read
        polled = document.polled
        if polled is None and feed.baseline:
            polled = store.has_been_polled(feed.name)
        to_read = read.to_read
        if not document.claimed:
            to_read = store.entries_to_read(
                feed.name, {e.entry_id: read.fingerprints[e.entry_id] for e in read.fresh}
            )
        watched = document.watched
        if watched is None:
            watched = watched_among(self.is_watched, document.pairs) if ask else {}
        by_entry: list[list[Mention]] = []
        for entry, extractions in zip(read.fresh, read.found, strict=True):
            if entry.entry_id not in to_read:
                continue
            if to_read[entry.entry_id]:  # edited: what was counted counts once
                extractions = self._added(store, entry, extractions)
            by_entry.append(self._mentions(entry, extractions, feed))
        return ToStore(by_entry, watched, baseline=feed.baseline and not polled)

    def _remember_apart(
        self, store: Store, documents: Sequence[DocumentRead]
    ) -> list[Remembered | Exception]:
        """``_remember_documents``, each document's failure its own: when their transaction
        fails (and so kept none of them), each is remembered again alone."""
        try:
            return list(self._remember_documents(store, documents))
        except Exception as e:
            if len(documents) == 1:
                return [e]
        remembered: list[Remembered | Exception] = []
        for document in documents:
            try:
                remembered.extend(self._remember_documents(store, [document]))
            except Exception as e:
                remembered.append(e)
        return remembered

    async def _in_document_thread(self, document: DocumentRead) -> Remembered:
        """Remember a document on one of ``documents``, in a thread that has it to itself
        meanwhile, so that the event loop goes on fetching and reading while it waits on
        the database, and other documents are remembered at the same time. Documents that
        arrive while every store is busy wait, and are then remembered together, in one
        transaction (``_start_remembering``)."""
        done: asyncio.Future[Remembered] = asyncio.get_running_loop().create_future()
        self._waiting.append((document, done))
        self._start_remembering()
        try:
            return await asyncio.shield(done)
        except asyncio.CancelledError:
            waiting = [w for w in self._waiting if w[1] is done]
            if waiting:  # not handed to a transaction yet: nothing of it was written
                self._waiting.remove(waiting[0])
                done.cancel()
                raise
            # The transaction cannot be stopped half-way: its caller stops once it has
            # ended, however often it is cancelled meanwhile, so that a worker lets its
            # claim on the feed go only after it.
            while not done.done():
                try:
                    await asyncio.wait([done])
                except asyncio.CancelledError:
                    continue  # the first cancel is the one raised, below
            failure = None if done.cancelled() else done.exception()
            if failure is not None:
                log.warning(
                    "a document's transaction failed while its poll was cancelled: %r", failure
                )
            raise

    def _start_remembering(self) -> None:
        """Hand the documents waiting to free stores, as many together as may be (see
        ``DOCUMENTS_AT_ONCE``), in the order they came."""
        if self._closing:
            for _, done in list(self._waiting):
                self._closed_before(done)
            return
        if self._document_threads is None:
            self._document_threads = ThreadPoolExecutor(
                max(1, len(self.documents)), thread_name_prefix="documents"
            )
            for store in self.documents:
                self._free_documents.put(store)
        loop = asyncio.get_running_loop()
        while self._waiting and self._remembering < len(self.documents):
            batch = self._next_batch()
            if not batch:
                break  # each names a pair a transaction running holds: they go after it
            try:
                running = loop.run_in_executor(
                    self._document_threads,
                    self._on_free_store,
                    functools.partial(self._remember_apart, documents=[d for d, _ in batch]),
                )
            except RuntimeError as e:  # the threads were shut down: the ingester is closing
                for _, done in batch:
                    if not done.done():
                        done.set_exception(StoreError(f"documents are closed: {e}"))
                continue
            self._remembering += 1
            self._pairs_taken.update(key for d, _ in batch for key in d.pairs)
            self._feeds_taken.update(d.feed.name for d, _ in batch)
            running.add_done_callback(functools.partial(self._remembered, batch))

    def _next_batch(self) -> list[tuple[DocumentRead, asyncio.Future[Remembered]]]:
        """The waiting documents remembered next, together: the first ones, at most
        ``DOCUMENTS_AT_ONCE``, one a feed (a feed's later document waits until its earlier one is
        remembered), none naming a pair that a transaction running holds.

        A document naming a held pair would only wait on the database for it, its store
        taken meanwhile: it waits here instead, and goes with the others that came
        meanwhile, in one turn. Documents of other pairs go on free stores at once. A
        document left waiting keeps its pairs for the next batch: those after it that
        name them do not go first."""
        batch: list[tuple[DocumentRead, asyncio.Future[Remembered]]] = []
        later: list[tuple[DocumentRead, asyncio.Future[Remembered]]] = []
        feeds: set[str] = set()
        kept = set(self._pairs_taken)
        # a feed with a document in a transaction running, or left waiting, keeps its later
        # documents waiting too: a feed's documents are remembered in the order they came
        feeds_kept = set(self._feeds_taken)
        for waiting in self._waiting:
            document = waiting[0]
            pairs = document.pairs.keys()
            feed = document.feed.name
            if (
                len(batch) < DOCUMENTS_AT_ONCE
                and feed not in feeds
                and feed not in feeds_kept
                and kept.isdisjoint(pairs)
            ):
                feeds.add(feed)
                batch.append(waiting)
            else:
                kept.update(pairs)
                feeds_kept.add(feed)
                later.append(waiting)
        self._waiting = later
        return batch

    def _remembered(
        self,
        batch: list[tuple[DocumentRead, asyncio.Future[Remembered]]],
        running: asyncio.Future[list[Remembered | Exception]],
    ) -> None:
        """A batch's transaction has ended: tell each of its documents' polls, and start
        the documents waiting meanwhile."""
        self._remembering -= 1
        self._pairs_taken.subtract(key for d, _ in batch for key in d.pairs)
        self._pairs_taken = +self._pairs_taken  # the pairs no transaction holds any more
        self._feeds_taken.subtract(d.feed.name for d, _ in batch)
        self._feeds_taken = +self._feeds_taken
        outcomes: Sequence[Remembered | BaseException]
        if running.cancelled():
            outcomes = [asyncio.CancelledError()] * len(batch)
        elif (failure := running.exception()) is not None:
            outcomes = [failure] * len(batch)
        else:
            outcomes = running.result()
        for (_, done), outcome in zip(batch, outcomes, strict=True):
            if done.done():
                continue
            if isinstance(outcome, BaseException):
                done.set_exception(outcome)
            else:
                done.set_result(outcome)
        if self._document_threads is not None:
            self._start_remembering()

    def _on_free_store(self, work: Callable[[Store], T]) -> T:
        # as many threads as stores: a thread always finds one free
        store = self._free_documents.get()
        try:
            return work(store)
        finally:
            self._free_documents.put(store)

    def close_documents(self) -> None:
        """Close the stores documents are remembered in off the event loop, if any.

        Documents still waiting for a store are not remembered: their polls fail, as when
        the database is gone, and the next poll of their feeds reads them again."""
        self._closing = True  # documents that come meanwhile are not started either
        if self._document_threads is not None:
            self._document_threads.shutdown(wait=True)
            self._document_threads = None
        for _, done in list(self._waiting):  # told on their loop, which owns the list
            done.get_loop().call_soon_threadsafe(self._closed_before, done)
        self._free_documents = queue.SimpleQueue()
        self._remembering, self._pairs_taken = 0, collections.Counter()
        self._feeds_taken = collections.Counter()
        for store in self.documents:
            store.close()
        self.documents = ()
        self._closing = False

    def _closed_before(self, done: asyncio.Future[Remembered]) -> None:
        """Fail the poll of a document still waiting when the documents' stores closed."""
        self._waiting = [w for w in self._waiting if w[1] is not done]
        if not done.done():
            done.set_exception(StoreError("the store closed before the document was remembered"))

    async def _read_in_one(
        self, feed: FeedSpec, body: bytes, headers: Mapping[str, str], now: datetime
    ) -> Reading:
        """Parse a document and extract its entries not seen before, in one trip to where the
        work runs (``self.work``), given what the store has seen of the feed; in two trips
        when it has seen too many of the feed's entries to send them along."""
        known = self.store.seen_entries(feed.name, most=SEEN_SENT_ALONG)
        if known is None:
            return await self._read_in_two(feed, body, headers, now)
        return await self.work.read(feed.name, body, headers, now, known)

    async def _read_in_two(
        self, feed: FeedSpec, body: bytes, headers: Mapping[str, str], now: datetime
    ) -> Reading:
        """Parse a document, ask the store which entries to read, fill in their article
        text when the feed wants it, and extract them (as ``read_document`` does in one)."""
        # Parsing and extraction take seconds of CPU on a large document: they run off
        # the event loop (self.work), so that chat connections (Slack's 3-second acks,
        # Discord's heartbeats) are served meanwhile. The store stays on this thread.
        entries = [trusted_time(e, now) for e in await self.work.parse(feed.name, body, headers)]
        fingerprints = {e.entry_id: e.fingerprint() for e in entries}
        to_read = self.store.entries_to_read(feed.name, fingerprints)
        fresh = fresh_entries(entries, to_read, now)
        if feed.fulltext and self.fulltext is not None:
            fresh = await self._with_full_text(fresh, feed.url)
        found = await self.work.extract(feed.name, fresh) if fresh else []
        return Reading(fingerprints, to_read, fresh, found)

    def _failed(
        self,
        feed: str,
        now: datetime,
        message: str,
        answer_seconds: float | None = None,
        held: list[PollOutcome] | None = None,
    ) -> PollResult:
        """Log a feed's failure, note it in the store when the store lets us (or in ``held``,
        for the store later), and say so."""
        log.warning("feed %r: %s", feed, message)
        try:
            self._note_poll(PollOutcome(feed, now, None, message, answer_seconds), held)
        except StoreError as e:
            log.warning("feed %r: could not note the failure: %s", feed, e)
        return PollResult(feed, error=message)

    def _note_poll(self, outcome: PollOutcome, held: list[PollOutcome] | None) -> None:
        """Write a poll's outcome that is its only write (a 304, a failure), or add it to
        ``held`` for the caller to write with others (``poll_batch``)."""
        if held is not None:
            held.append(outcome)
            return
        self.store.record_poll(
            outcome.feed,
            outcome.at,
            outcome.validators,
            outcome.error,
            answer_seconds=outcome.answer_seconds,
        )

    async def _with_full_text(self, entries: list[Entry], feed_url: str) -> list[Entry]:
        """Entries with their article text filled in (see ``FullText.enrich_all``)."""
        assert self.fulltext is not None
        return await self.fulltext.enrich_all(entries, feed_url)

    def _added(self, store: Store, entry: Entry, extractions: list[Extraction]) -> list[Extraction]:
        """What an entry edited in place says that it did not say before, for each pair."""
        counted = store.counted(entry.feed, entry.entry_id)
        return [x for x in extractions if (x.pair.key, x.canonical) not in counted]

    def _mentions(
        self, entry: Entry, extractions: list[Extraction], feed: FeedSpec
    ) -> list[Mention]:
        seen_at = self.clock.now()
        return [
            Mention(extraction=x, entry=entry, official=feed.official, seen_at=seen_at)
            for x in extractions
        ]

    def _remember(
        self,
        store: Store,
        mentions: list[Mention],
        mention_ids: list[int],
        histories: dict[str, PairHistory],
        watched: Mapping[str, bool],
        *,
        baseline: bool,
    ) -> list[Decision]:
        """Decide on one representative of an entry's stored mentions (with their ids, in
        order) per pair.

        ``histories`` holds the history of each pair mentioned (``Store.pair_histories``);
        it is brought up to date with each decision kept. ``watched`` says which are watched.
        """
        if not mentions:
            return []
        ids = dict(zip(map(id, mentions), mention_ids, strict=True))
        up_to = max(mention_ids)  # what the store knows once this entry is stored
        now = mentions[0].seen_at
        recent = self.rules.flipflop_descriptors
        since = now - timedelta(hours=self.rules.syndication_hours)
        current = {k: h.current.canonical for k, h in histories.items() if h.current}
        decisions = []
        chosen = representatives(mentions, current, now=now, rules=self.rules, lexicon=self.lexicon)
        for m in chosen:
            # who else used these very words lately (several outlets make shorter words news)
            heard = HeardLater(store, m.pair.key, m.extraction.canonical, since, up_to)
            history = replace(histories[m.pair.key], heard=heard)
            is_watched = watched[m.pair.key]
            decision = decide(
                None,
                m,
                watched=is_watched,
                baseline=baseline,
                now=m.seen_at,
                history=history,
                rules=self.rules,
                lexicon=self.lexicon,
            )
            decision = self._keep(store, decision, ids[id(m)], up_to, history.latest_change)
            histories[m.pair.key] = history_after(histories[m.pair.key], decision, recent)
            if is_watched:
                change_id = decision.change or decision.update
                store.record_decision(
                    m.pair.key,
                    m.seen_at,
                    decision.outcome.value,
                    decision.reason,
                    change_id.change_id if change_id else None,
                )
            decisions.append(decision)
        return decisions

    def _keep(
        self,
        store: Store,
        decision: Decision,
        mention_id: int,
        up_to: int,
        pending: Change | None,
    ) -> Decision:
        """Write what a decision says to the store; the decision with its change's new id.
        ``up_to`` is the last mention id its entry stored (``Store.set_established``)."""
        m = decision.mention
        at = m.seen_at
        if decision.settled is not None:
            store.settle_change(decision.settled, at)
        if decision.challenge and pending is not None and pending.change_id is not None:
            store.challenge_change(pending.change_id, at)
        if decision.remember:
            store.remember_words(m)
        if decision.establish is not None:
            if decision.establish == m.extraction.descriptor:
                store.set_pair_state(m, mention_id)
            else:
                store.set_established(m.pair.key, decision.establish, at, up_to=up_to)
        if decision.change is not None:
            change_id = str(store.record_change(decision.change))
            decision = replace(decision, change=replace(decision.change, change_id=change_id))
        if decision.update is not None:
            store.update_change(decision.update, at)
        return decision


def _own(watched: Mapping[str, bool], pair_keys: Collection[str]) -> dict[str, bool]:
    """Whether each of these pairs is watched, out of a map that says it of these and more."""
    return {key: watched[key] for key in pair_keys}


def watched_among(is_watched: Callable[[str], bool], pair_keys: Collection[str]) -> dict[str, bool]:
    """Whether each pair is watched: in one look when ``is_watched`` can say it of several
    at once (``WatchesMany``), else pair by pair."""
    if isinstance(is_watched, WatchesMany):
        return is_watched.watched_among(pair_keys)
    return {key: is_watched(key) for key in pair_keys}


def history_after(history: PairHistory, decision: Decision, recent: int) -> PairHistory:
    """A pair's history as the store holds it once ``Ingester._keep`` has written a decision
    (with its new change's id): what ``Store.pair_history`` would read again."""
    m = decision.mention
    x, at = m.extraction, m.seen_at
    latest, asymmetry, challenged = (
        history.latest_change,
        history.latest_asymmetry,
        history.challenged_at,
    )

    def settled(kept: Change | None, settled: Change) -> Change | None:
        if kept is None or kept.change_id != settled.change_id:
            return kept
        return replace(kept, status=settled.status)

    if decision.settled is not None:
        latest = settled(latest, decision.settled)
        asymmetry = settled(asymmetry, decision.settled)
    if decision.challenge and latest is not None and latest.change_id is not None:
        challenged = at
    words, speakers = history.recent, history.speakers
    if decision.remember:
        words = (
            SeenDescriptor(x.canonical, x.descriptor, at),
            *(w for w in words if w.canonical != x.canonical),
        )
        # newest first, words seen at the same moment by their canonical form, as the store
        # orders them
        by_form = sorted(words, key=lambda w: w.canonical)
        words = tuple(sorted(by_form, key=lambda w: w.last_seen, reverse=True)[:recent])
        if x.speaker:
            said = history.speaker(x.speaker)
            first = said.first_seen if said and said.canonical == x.canonical else at
            now_said = SpeakerState(m.pair.key, x.speaker, x.descriptor, x.canonical, first, at)
            others = tuple(s for s in speakers if s.speaker != x.speaker)
            speakers = tuple(sorted((*others, now_said), key=lambda s: s.speaker))
    current = history.current
    if decision.establish is not None:
        mine = decision.establish == x.descriptor  # Store.set_pair_state, else set_established
        canon = x.canonical if mine else canonical(decision.establish)
        first = current.first_seen if current and current.canonical == canon else at
        last = at if mine or current is None else max(current.last_seen, at)
        current = PairState(m.pair.key, decision.establish, canon, first, last)
    if decision.change is not None:
        change = decision.change
        if change.kind is ChangeKind.ASYMMETRY:
            if asymmetry is None or change.detected_at >= asymmetry.detected_at:
                asymmetry = change
        elif latest is None or change.detected_at >= latest.detected_at:
            latest, challenged = change, None
    if decision.update is not None:
        latest = updated(latest, decision.update)
        asymmetry = updated(asymmetry, decision.update)
    return replace(
        history,
        current=current,
        recent=words,
        speakers=speakers,
        latest_change=latest,
        latest_asymmetry=asymmetry,
        challenged_at=challenged,
        heard=(),
    )


def updated(kept: Change | None, update: Change) -> Change | None:
    """A stored change once ``Store.update_change`` has written ``update`` of it."""
    if kept is None or kept.change_id != update.change_id:
        return kept
    known = {(s.feed, s.url) for s in kept.sources}
    return replace(
        kept,
        level=update.level,
        revision=update.revision,
        status=update.status,
        sources=(*kept.sources, *(s for s in update.sources if (s.feed, s.url) not in known)),
    )


class HeardLater(Sequence[Heard]):
    """Who else used a pair's words lately (``Store.heard``), read when first looked at.

    Most mentions repeat the pair's words or are a feed's baseline, and the rules never look
    at who else said them; reading up to 500 mentions for each one cost more than the rest of
    the poll. It is read in the decision's transaction, where it is made.
    """

    def __init__(
        self, store: Store, pair_key: str, canon: str, since: datetime, up_to: int | None = None
    ) -> None:
        self._store, self._asked = store, (pair_key, canon, since)
        self._up_to = up_to
        self._heard: tuple[Heard, ...] | None = None

    def _all(self) -> tuple[Heard, ...]:
        if self._heard is None:
            self._heard = self._store.heard(*self._asked, up_to=self._up_to)
        return self._heard

    @overload
    def __getitem__(self, index: int) -> Heard: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Heard]: ...
    def __getitem__(self, index: int | slice) -> Heard | Sequence[Heard]:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())


class Watcher(Ingester):
    """Polls feeds over HTTP, a bounded number at once, and ingests what they send."""

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
        work: DocumentWork | None = None,
    ) -> None:
        super().__init__(
            store=store,
            extractor=extractor,
            clock=clock,
            is_watched=is_watched,
            rules=rules,
            lexicon=lexicon,
            fulltext=fulltext,
            work=work,
        )
        self.client = client
        self.limits = limits or FetchLimits()
        self.observe: Callable[[PollResult, float], None] | None = None
        """Told of each poll's result and how many seconds it took (the metrics)."""

    async def poll_each(self, feeds: Sequence[FeedSpec]) -> AsyncGenerator[PollResult, None]:
        """Poll every feed, a bounded number at once; yield each result as it finishes.

        A poll is a fetch, which mostly waits on a server, then a reading (parse, extract,
        remember), which is CPU. They run apart: ``limits.fetches_at_once`` fetchers run
        ahead of ``limits.polls_at_once`` readers while the documents fetched and not yet
        read hold less than ``limits.bytes_ahead`` bytes, so that a server slow to answer
        waits while other feeds are read instead of at the end of the cycle, and memory and
        the connection pool stay bounded however many feeds there are. At most
        ``limits.polls_per_host`` fetches run on one host at once; a fetcher keeps to its
        host while that host has feeds left, so its kept-alive connection serves them. A
        failing feed is a result, never the end of the run. Feeds that were slow to answer
        last time start first, in up to ``polls_at_once`` fetchers of their own.
        """
        plan = HostTurns(feeds, self.limits.polls_per_host, self.store.answer_seconds())
        # the validators read for every feed at once: one statement, not one per poll
        pipeline = self._pipeline(plan, len(feeds), self._validators_of(feeds))
        # closed with this generator, not when it is collected: its fetchers and readers
        # stop before the caller goes on
        async with contextlib.aclosing(pipeline) as results:
            async for result in results:
                yield result

    async def _pipeline(
        self,
        plan: HostTurns,
        count: int,
        known: Mapping[str, Validators],
        held: list[PollOutcome] | None = None,
        *,
        claimed: bool = False,
    ) -> AsyncGenerator[PollResult, None]:
        """Poll the ``count`` feeds of ``plan``, fetching ahead of reading (see
        ``poll_each``); ``held`` and ``claimed`` as for ``poll``."""
        done: asyncio.Queue[PollResult] = asyncio.Queue()
        to_read: asyncio.Queue[tuple[float, ToRead]] = asyncio.Queue()
        # Reading starts once the fetch front has passed: every feed handed to a fetcher, or
        # a fetcher finding none it may start (the hosts' turns hold the front, not the
        # loop), or half of ``bytes_ahead`` held, or a fetch waiting for room (which only
        # reading makes). Until then the event loop's time goes to starting fetches, not to
        # the readers' share of it, so that a server slow to answer (unknown on a first
        # cycle) waits while the others are read, not after them. A front that stops
        # (every fetcher waiting on a server that does not answer) has passed as far as it
        # can: reading goes on.
        front_passed = asyncio.Event()
        ahead = BytesAhead(self.limits.bytes_ahead, on_wait=front_passed.set)
        fetches_started = 0

        async def watch_front() -> None:
            seen = -1
            while not front_passed.is_set() and fetches_started != seen:
                seen = fetches_started
                await asyncio.sleep(FRONT_STALLED)
            front_passed.set()

        def note_front() -> None:
            if plan.all_started() or ahead.held >= ahead.most // 2:
                front_passed.set()

        async def fetcher(slow_only: bool) -> None:
            nonlocal fetches_started
            host = None
            while True:
                await ahead.room()
                if (turn := plan.next(host, slow_only=slow_only)) is None:
                    front_passed.set()
                    return
                fetches_started += 1
                note_front()
                host, feed = turn
                validators = known.get(feed.name, Validators())
                started = time.monotonic()
                try:
                    got = await self._guarded(feed, self._fetch(feed, validators, held, ahead))
                finally:
                    plan.finished(host)
                if isinstance(got, ToRead):  # its body is held in ``ahead`` until read
                    to_read.put_nowait((started, got))
                    note_front()
                else:
                    done.put_nowait(self._observed(got, started))

        async def reader() -> None:
            while True:
                await front_passed.wait()
                started, got = await to_read.get()
                try:
                    result = await self._guarded(got.feed, self._read(got, claimed=claimed))
                    done.put_nowait(self._observed(result, started))
                finally:
                    ahead.give(len(got.fetched.body))

        slow = min(len(plan.slow), self.limits.polls_at_once)
        tasks = [asyncio.create_task(watch_front())]
        tasks += [asyncio.create_task(fetcher(slow_only=True)) for _ in range(slow)]
        tasks += [
            asyncio.create_task(fetcher(slow_only=False))
            for _ in range(min(count, self.limits.fetches_at_once))
        ]
        tasks += [
            asyncio.create_task(reader()) for _ in range(min(count, self.limits.polls_at_once))
        ]
        try:
            for _ in range(count):
                yield await done.get()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _guarded(self, feed: FeedSpec, step: Coroutine[object, object, T]) -> T | PollResult:
        """A step of a poll; a fault of ours in it is the feed's result, not an exception."""
        try:
            return await step
        except Exception as e:  # it must not cost the other feeds their changes
            log.exception("feed %r: poll failed", feed.name)
            return self._failed(feed.name, self.clock.now(), f"{type(e).__name__}: {e}")

    def _validators_of(self, feeds: Sequence[FeedSpec]) -> dict[str, Validators]:
        try:
            return self.store.validators_of([f.name for f in feeds])
        except StoreError as e:  # each poll reads its own then, and fails on its own
            log.warning("could not read the feeds' validators: %s", e)
            return {}

    async def poll_batch(
        self,
        feeds: Sequence[FeedSpec],
        validators: Mapping[str, Validators],
        *,
        at_once: bool = False,
        claimed: bool = False,
    ) -> AsyncGenerator[PollResult, None]:
        """Poll a batch of feeds whose validators were read together (``Store.claim_feeds``);
        yield each result as it finishes.

        Each host's feeds are fetched one after another, on its kept-alive connection, the
        hosts at once, each fetch ahead of the reading of those before it (as in
        ``poll_each``); with ``at_once`` (feeds slow to answer last time) every feed is
        fetched at once, so that their waits overlap. The outcomes that are a poll's only write (a
        304, a failed fetch) are written together when the batch ends: a killed process
        loses them, and those feeds are polled again. ``claimed``: the feeds are this
        process's alone until the batch ends (see ``ingest``).
        """
        held: list[PollOutcome] = []
        # feeds slow last time are all "slow": fetched at once, outside the per-host limit
        slow = {f.name: SLOW_ANSWER for f in feeds} if at_once else None
        # one fetch at a time per host, as the job's feeds are grouped: its kept-alive
        # connection serves them in turn
        plan = HostTurns(feeds, 1, slow)
        try:
            # closed before the held outcomes are written and the claim is let go: no fetch
            # or reading of this batch goes on after that
            pipeline = self._pipeline(plan, len(feeds), validators, held, claimed=claimed)
            async with contextlib.aclosing(pipeline) as results:
                async for result in results:
                    yield result
        finally:
            try:
                self.store.record_polls(held)
            except StoreError as e:  # those feeds are polled again, nothing worse
                log.warning("could not note %d polls: %s", len(held), e)

    async def poll_all(self, feeds: Sequence[FeedSpec]) -> list[PollResult]:
        """Poll every feed (see ``poll_each``); the results in the order of ``feeds``."""
        position = {feed.name: i for i, feed in enumerate(feeds)}
        results = [result async for result in self.poll_each(feeds)]
        return sorted(results, key=lambda r: position.get(r.feed, len(position)))

    async def poll(
        self,
        feed: FeedSpec,
        validators: Validators | None = None,
        held: list[PollOutcome] | None = None,
        *,
        claimed: bool = False,
    ) -> PollResult:
        """Poll one feed once; any failure is the feed's result, never an exception.

        ``validators``, when given, were read from the store already. With ``held``, an
        outcome that would be the poll's only write (a 304, a failed fetch) is added to it
        for the caller to write (``Store.record_polls``) instead of written at once.
        """
        started = time.monotonic()
        result = await self._guarded(feed, self._poll(feed, validators, held, claimed))
        return self._observed(result, started)

    def _observed(self, result: PollResult, started: float) -> PollResult:
        """The result of a poll that started at ``started`` (``time.monotonic``), once told
        to ``observe``."""
        if self.observe is not None:
            self.observe(result, time.monotonic() - started)
        return result

    async def _poll(
        self,
        feed: FeedSpec,
        validators: Validators | None,
        held: list[PollOutcome] | None,
        claimed: bool,
    ) -> PollResult:
        got = await self._fetch(feed, validators, held)
        if isinstance(got, PollResult):
            return got
        return await self._read(got, claimed=claimed)

    async def _fetch(
        self,
        feed: FeedSpec,
        validators: Validators | None,
        held: list[PollOutcome] | None,
        ahead: BytesAhead | None = None,
    ) -> PollResult | ToRead:
        """The first half of a poll: fetch the feed. Its result when that is all the poll is
        (not modified, an unchanged body, a failure), else the document to read, its body
        held in ``ahead`` (when given) until the caller gives it back."""
        now = self.clock.now()
        answer_seconds = None  # how long the server takes: the slow go first next time
        fetched: Fetched | None = None
        to_read: ToRead | None = None
        try:
            if validators is None:
                validators = self.store.validators(feed.name)
            asked = time.monotonic()
            try:
                fetched = await fetch(
                    self.client, feed.name, feed.url, validators, self.limits, ahead=ahead
                )
            finally:
                answer_seconds = round(time.monotonic() - asked, 3)
            if fetched.not_modified:
                outcome = PollOutcome(feed.name, now, fetched.validators, None, answer_seconds)
                self._note_poll(outcome, held)
                return PollResult(feed.name, not_modified=True)
            digest = None
            if fetched.validators == Validators():
                digest = hashlib.sha256(fetched.body).hexdigest()
                if unchanged_body(self.store.last_body(feed.name), digest, now):
                    self.store.record_poll(
                        feed.name, now, fetched.validators, None, answer_seconds=answer_seconds
                    )
                    return PollResult(feed.name, not_modified=True)
            to_read = ToRead(feed, fetched, answer_seconds, digest, now)
            return to_read
        except FeedError as e:
            return self._failed(feed.name, now, e.message, answer_seconds, held)
        except StoreError as e:
            return self._failed(feed.name, now, str(e), answer_seconds)
        finally:
            if ahead is not None and fetched is not None and to_read is None:
                ahead.give(len(fetched.body))  # no reading will give it back

    async def _read(self, got: ToRead, *, claimed: bool = False) -> PollResult:
        """The second half of a poll: read a fetched document and remember what it says."""
        feed, fetched = got.feed, got.fetched
        result = await self.ingest(
            feed,
            fetched.body,
            fetched.headers,
            fetched.validators,
            answer_seconds=got.answer_seconds,
            claimed=claimed,
        )
        if got.digest is not None and result.error is None:
            try:
                self.store.record_body(feed.name, got.digest, got.fetched_at)
            except StoreError as e:  # the body is read again next time, nothing worse
                log.warning("feed %r: could not note its body: %s", feed.name, e)
        return result


@dataclass(frozen=True)
class ToRead:
    """A fetched document waiting to be read: the first half of a poll done."""

    feed: FeedSpec
    fetched: Fetched
    answer_seconds: float | None
    digest: str | None
    """The body's hash when the server sent no validators (``unchanged_body``)."""
    fetched_at: datetime


BODY_REREAD = timedelta(hours=20)
"""An unchanged body is read again this often anyway: reading refreshes when its entries were
last listed (``Store.mark_seen``), which keeps them remembered as seen."""


def unchanged_body(last: tuple[str, datetime] | None, digest: str, now: datetime) -> bool:
    """Whether a body is the one last read whole, recently enough to skip reading it."""
    return last is not None and last[0] == digest and now - last[1] < BODY_REREAD


def host_of(url: str) -> str:
    """A feed URL's host, in small letters ("" for a URL with none)."""
    try:
        return parsed_url(url).host.lower()
    except httpx.InvalidURL:
        return ""


SLOW_ANSWER = 1.0
"""Seconds a feed's server took to answer (or fail) last time that make it start first."""

FRONT_STALLED = 0.5
"""Seconds without a fetch starting after which a cycle's reading starts anyway: every fetcher
is waiting on a server, and the documents already fetched need not wait with them."""


def slow_to_answer(
    feeds: Iterable[FeedSpec], answer_seconds: Mapping[str, float]
) -> list[FeedSpec]:
    """The feeds that took ``SLOW_ANSWER`` or more to answer last time, slowest first."""
    slow = [f for f in feeds if answer_seconds.get(f.name, 0.0) >= SLOW_ANSWER]
    return sorted(slow, key=lambda f: -answer_seconds[f.name])


class HostTurns:
    """Which feed a worker polls next: its own host's while that has feeds left and room,
    else the next host in turn with both (hosts in the order their first feed was listed);
    feeds slow to answer last time (slowest first) go to workers of their own; never more
    than ``per_host`` at once on a host, besides its slow feeds."""

    def __init__(
        self,
        feeds: Iterable[FeedSpec],
        per_host: int,
        answer_seconds: Mapping[str, float] | None = None,
    ) -> None:
        feeds = list(feeds)
        self.per_host = per_host
        slow = slow_to_answer(feeds, answer_seconds or {})
        self.slow = [(host_of(f.url), f) for f in slow]
        self.pending: dict[str, collections.deque[FeedSpec]] = {}
        taken = {id(f) for f in slow}
        for feed in feeds:
            if id(feed) not in taken:
                self.pending.setdefault(host_of(feed.url), collections.deque()).append(feed)
        self.busy: collections.Counter[str] = collections.Counter()
        self.turns = collections.deque(self.pending)

    def next(
        self, host: str | None, *, slow_only: bool = False
    ) -> tuple[str | None, FeedSpec] | None:
        """The next (host, feed) for a worker last on ``host``; None when none is left for
        it (the hosts still listed are at their limit, and their own workers finish them).
        A worker for slow feeds takes only those; the others take them last."""
        if slow_only:
            return self._next_slow()
        if host is None or host not in self.pending or self.busy[host] >= self.per_host:
            host = self._next_host()
            if host is None:
                return self._next_slow()
        queue = self.pending[host]
        feed = queue.popleft()
        if not queue:
            del self.pending[host]
        self.busy[host] += 1
        return host, feed

    def _next_host(self) -> str | None:
        """The next host in turn with feeds left and room. In turn, not the first listed:
        workers spread over the hosts, so that every host's feeds (a slow one among them)
        are reached early in the cycle, not only once the first hosts are done."""
        for _ in range(len(self.turns)):
            host = self.turns[0]
            self.turns.rotate(-1)
            if host not in self.pending:
                self.turns.pop()  # done: out of the turns
            elif self.busy[host] < self.per_host:
                return host
        return None

    def _next_slow(self) -> tuple[None, FeedSpec] | None:
        # Not counted against its host's limit: a worker of slow feeds stops when they are
        # done, and a host it had filled would be left with no worker of its own.
        return (None, self.slow.pop(0)[1]) if self.slow else None

    def all_started(self) -> bool:
        """Whether every feed has been handed to a worker."""
        return not self.pending and not self.slow

    def finished(self, host: str | None) -> None:
        """A worker is done with a feed of ``host`` (None: a slow feed, not counted)."""
        if host is not None:
            self.busy[host] -= 1
