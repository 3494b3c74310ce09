"""Where a document's CPU work runs: parsing it and extracting what its entries say.

``InThreads`` runs it in the event loop's worker threads: the loop stays free to serve chat
connections, but with the interpreter's lock it uses one core. ``InProcesses`` runs it in
worker processes, so that a machine's other cores read while this one fetches and stores
(see README, "Sizing"). Both are ``watchers.ports.DocumentWork``.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import sys
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from watchers.errors import ParseError
from watchers.model import Entry, Extraction
from watchers.parse import parse_feed
from watchers.ports import Extractor

log = logging.getLogger(__name__)

T = TypeVar("T")

SWITCH_SECONDS = 0.0005
"""How long a thread may hold the interpreter's lock while the event loop waits for it, once
documents are read off the loop. Python's default is 5 ms: the threads that hand documents to
a reading process (pickling them) or parse them kept the loop waiting that long each time it
let go of the lock for a write, and the loop is what feeds every other stage of a poll."""


def loop_first() -> None:
    """Let the event loop take the interpreter's lock back within ``SWITCH_SECONDS``."""
    if sys.getswitchinterval() > SWITCH_SECONDS:
        sys.setswitchinterval(SWITCH_SECONDS)


CLOCK_SKEW = timedelta(days=1)
"""How far past the time of reading a feed's publication time may lie (servers' clocks and
mislabelled time zones) before it is taken for a mistake."""

EARLIEST_PUBLISHED = datetime(1990, 1, 1, tzinfo=UTC)
"""Publication times before this are taken for a feed's stand-in for a missing date (the Unix
epoch, 1970-01-01, above all) rather than for news of that time."""


def trusted_time(entry: Entry, now: datetime) -> Entry:
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


def to_read(fingerprints: Mapping[str, str], known: Mapping[str, str | None]) -> dict[str, bool]:
    """Which entries (id to text hash) to read, given those seen before (id to the hash seen,
    None when seen before hashes were kept): id to True when edited in place.

    An entry not seen before is read; one seen with another hash was edited and is read
    again; one seen with the same hash, or seen before hashes were kept, is not.
    """
    out: dict[str, bool] = {}
    for entry_id, fingerprint in fingerprints.items():
        if entry_id not in known:
            out[entry_id] = False
        elif known[entry_id] is not None and known[entry_id] != fingerprint:
            out[entry_id] = True
    return out


def fresh_entries(entries: list[Entry], reading: Mapping[str, bool], now: datetime) -> list[Entry]:
    """The entries to read (``reading``), each id once (its last), oldest first, undated last."""
    fresh = list({e.entry_id: e for e in entries if e.entry_id in reading}.values())
    fresh.sort(key=lambda e: (e.published is None, e.published or now))
    return fresh


@dataclass(frozen=True)
class Reading:
    """A document read in one go: what each entry's text hashes to, which entries were read
    (id to True when edited in place), those entries (oldest first) and what each says."""

    fingerprints: dict[str, str]
    to_read: dict[str, bool]
    fresh: list[Entry]
    found: list[list[Extraction]]


def read_document(
    extractor: Extractor,
    feed: str,
    body: bytes,
    headers: Mapping[str, str],
    now: datetime,
    known: Mapping[str, str | None],
) -> Reading:
    """Parse a document and extract its entries not ``known`` (see ``to_read``); ParseError
    when it is not a feed."""
    entries = [trusted_time(e, now) for e in parse_feed(feed, body, headers)]
    # Entries are known by id and by a hash of their words: an entry edited in place is
    # read again, while a feed that re-dates every item on each poll makes nothing new.
    # The same id twice in one document counts once (the last one).
    fingerprints = {e.entry_id: e.fingerprint() for e in entries}
    reading = to_read(fingerprints, known)
    fresh = fresh_entries(entries, reading, now)
    return Reading(fingerprints, reading, fresh, extract_entries(extractor, feed, fresh))


def extract_entries(
    extractor: Extractor, feed: str, entries: list[Entry]
) -> list[list[Extraction]]:
    """What each entry says; an entry whose text cannot be read says nothing."""
    found = []
    for entry in entries:
        on = entry.published.date() if entry.published else None
        try:
            found.append(extractor.extract(entry.text(), on=on))
        except Exception:  # hostile text must not cost the feed its other entries
            log.exception("feed %r: entry %r could not be read; skipped", feed, entry.entry_id)
            found.append([])
    return found


_reading_thread: ThreadPoolExecutor | None = None


def _in_the_reading_thread(work: Callable[..., T], *args: object) -> asyncio.Future[T]:
    """Run ``work`` in the one thread that reads documents for every ``InThreads``.

    One, not the loop's default pool of several: parsing and extraction hold the
    interpreter's lock, so more threads read no faster; they only took turns with each
    other and with the event loop, which then fetched at a few threads' pace behind them.
    """
    global _reading_thread
    if _reading_thread is None:
        _reading_thread = ThreadPoolExecutor(1, thread_name_prefix="reading")
    return asyncio.get_running_loop().run_in_executor(_reading_thread, work, *args)


class InThreads:
    """Parsing and extraction in a thread of their own, off the event loop."""

    def __init__(self, extractor: Extractor) -> None:
        self.extractor = extractor
        loop_first()

    async def parse(self, feed: str, body: bytes, headers: Mapping[str, str]) -> list[Entry]:
        """The entries of a document; ParseError when it is not a feed."""
        return await _in_the_reading_thread(parse_feed, feed, body, headers)

    async def extract(self, feed: str, entries: list[Entry]) -> list[list[Extraction]]:
        """What each entry says, in order."""
        return await _in_the_reading_thread(extract_entries, self.extractor, feed, entries)

    async def read(
        self,
        feed: str,
        body: bytes,
        headers: Mapping[str, str],
        now: datetime,
        known: Mapping[str, str | None],
    ) -> Reading:
        """Parse a document and extract its entries not ``known`` (``read_document``)."""
        return await _in_the_reading_thread(
            read_document, self.extractor, feed, body, headers, now, known
        )

    def close(self) -> None:
        """Nothing to release: the reading thread serves every instance."""


# the extractor of a worker process, given once when it starts
_extractor: Extractor | None = None


def _start(extractor: Extractor) -> None:
    global _extractor
    _extractor = extractor


def _ready() -> None:
    """Nothing: asked of a new pool so that its processes start."""


def _parse_here(feed: str, body: bytes, headers: Mapping[str, str]) -> list[Entry] | str:
    # the error's message comes back, not the error: ours do not survive pickling
    try:
        return parse_feed(feed, body, headers)
    except ParseError as e:
        return e.message


def _extract_here(feed: str, entries: list[Entry]) -> list[list[Extraction]]:
    assert _extractor is not None, "the worker process was started without its extractor"
    return extract_entries(_extractor, feed, entries)


def _read_here(
    feed: str,
    body: bytes,
    headers: Mapping[str, str],
    now: datetime,
    known: Mapping[str, str | None],
) -> Reading | str:
    assert _extractor is not None, "the worker process was started without its extractor"
    try:
        return read_document(_extractor, feed, body, headers, now, known)
    except ParseError as e:
        return e.message


class InProcesses:
    """Parsing and extraction in ``processes`` worker processes.

    Workers are spawned (not forked: the parent has threads), each with its own copy of the
    extractor. A worker that dies (killed, out of memory) costs only the documents it was
    reading: they fail as their feeds' results and a new pool takes the next ones.
    """

    def __init__(self, extractor: Extractor, processes: int) -> None:
        self.extractor = extractor
        self.processes = processes
        loop_first()
        self.pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(
            self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(self.extractor,),
        )
        # Start the processes now (each takes a second or two to load the extractor), while
        # the first feeds are fetched, rather than when the first document waits for them.
        for _ in range(self.processes):
            pool.submit(_ready)
        return pool

    async def parse(self, feed: str, body: bytes, headers: Mapping[str, str]) -> list[Entry]:
        """The entries of a document; ParseError when it is not a feed."""
        parsed = await self._run(feed, _parse_here, feed, body, dict(headers))
        if isinstance(parsed, str):
            raise ParseError(feed, parsed)
        return parsed

    async def extract(self, feed: str, entries: list[Entry]) -> list[list[Extraction]]:
        """What each entry says, in order."""
        return await self._run(feed, _extract_here, feed, entries)

    async def read(
        self,
        feed: str,
        body: bytes,
        headers: Mapping[str, str],
        now: datetime,
        known: Mapping[str, str | None],
    ) -> Reading:
        """Parse a document and extract its entries not ``known``, in one trip to a worker
        process (``read_document``)."""
        read = await self._run(feed, _read_here, feed, body, dict(headers), now, dict(known))
        if isinstance(read, str):
            raise ParseError(feed, read)
        return read

    async def _run(self, feed: str, work: Callable[..., T], *args: object) -> T:
        pool = self.pool
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, work, *args)
        except BrokenProcessPool as e:
            if pool is self.pool:  # the first to notice starts the new pool
                log.error("feed %r: a reading process died; starting another", feed)
                pool.shutdown(wait=False, cancel_futures=True)
                self.pool = self._new_pool()
            raise ParseError(feed, "the process reading this document died") from e

    def close(self) -> None:
        """Stop the worker processes."""
        self.pool.shutdown(wait=True, cancel_futures=True)
