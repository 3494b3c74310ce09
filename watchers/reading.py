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
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from watchers.errors import ParseError
from watchers.model import Entry, Extraction
from watchers.parse import parse_feed
from watchers.ports import Extractor

log = logging.getLogger(__name__)

T = TypeVar("T")


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


class InThreads:
    """Parsing and extraction in the event loop's worker threads."""

    def __init__(self, extractor: Extractor) -> None:
        self.extractor = extractor

    async def parse(self, feed: str, body: bytes, headers: Mapping[str, str]) -> list[Entry]:
        """The entries of a document; ParseError when it is not a feed."""
        return await asyncio.to_thread(parse_feed, feed, body, headers)

    async def extract(self, feed: str, entries: list[Entry]) -> list[list[Extraction]]:
        """What each entry says, in order."""
        return await asyncio.to_thread(extract_entries, self.extractor, feed, entries)

    def close(self) -> None:
        """Nothing to release."""


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


class InProcesses:
    """Parsing and extraction in ``processes`` worker processes.

    Workers are spawned (not forked: the parent has threads), each with its own copy of the
    extractor. A worker that dies (killed, out of memory) costs only the documents it was
    reading: they fail as their feeds' results and a new pool takes the next ones.
    """

    def __init__(self, extractor: Extractor, processes: int) -> None:
        self.extractor = extractor
        self.processes = processes
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
