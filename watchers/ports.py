"""The seams between deciding code and the world, as documented protocols.

Tests use small fakes of these (see ``tests/fakes.py``); production wires the real ones in
``bot.app``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from watchers.model import Country, Entry, Extraction

if TYPE_CHECKING:
    from watchers.reading import Reading


class Clock(Protocol):
    """Tells the time, always as an aware UTC datetime."""

    def now(self) -> datetime: ...


class CountryLookup(Protocol):
    """Resolves what a user types (a name, alias or code) to a country."""

    def lookup(self, name: str) -> Country | None:
        """The country this name, alias or code stands for, or None."""
        ...

    def suggest(self, name: str, limit: int = 5) -> list[Country]:
        """Countries whose names are close to an unknown name, best first."""
        ...


class Extractor(Protocol):
    """Finds (pair, descriptor) mentions in a text. Pure: no I/O, no clock.

    The watcher calls it from worker threads, several feeds at once: it keeps no state that
    one call could change under another.
    """

    def extract(self, text: str, *, on: date | None = None) -> list[Extraction]:
        """Every descriptor for every pair in ``text``; ``on`` dates leaders' terms."""
        ...


class DocumentWork(Protocol):
    """Runs the CPU work of reading a fetched document: parsing it, extracting its entries.

    Off the event loop, so that fetching and chat connections go on meanwhile.
    """

    async def parse(self, feed: str, body: bytes, headers: Mapping[str, str]) -> list[Entry]:
        """The entries of a document; ParseError when it is not a feed."""
        ...

    async def extract(self, feed: str, entries: list[Entry]) -> list[list[Extraction]]:
        """What each entry says, in order; an entry that cannot be read says nothing."""
        ...

    async def read(
        self,
        feed: str,
        body: bytes,
        headers: Mapping[str, str],
        now: datetime,
        known: Mapping[str, str | None],
    ) -> Reading:
        """Parse and extract in one go: the entries not ``known`` (id to the text hash seen),
        and what each says; ParseError when it is not a feed."""
        ...

    def close(self) -> None:
        """Release what it holds (worker processes)."""
        ...


@runtime_checkable
class WatchesMany(Protocol):
    """Says which pairs are watched, of one pair or of several at once.

    The watcher asks it once for all the pairs of a document: where watching is read from a
    database (chat subscriptions), that is one query rather than one a pair.
    """

    def __call__(self, pair_key: str) -> bool:
        """Whether this pair is watched."""
        ...

    def watched_among(self, pair_keys: Collection[str]) -> dict[str, bool]:
        """Whether each of these pairs is watched."""
        ...


@runtime_checkable
class WatchesByRead(Protocol):
    """Says which pairs are watched by one read of the store's database (the chat's
    subscriptions are kept beside the store's tables), which the caller sends with reads of
    its own: a worker asks it on a document's own connection, in the round trip that reads
    the document's pair histories, rather than in a round trip of its own on the event loop.
    """

    def __call__(self, pair_key: str) -> bool:
        """Whether this pair is watched."""
        ...

    def watched_read(self, pair_keys: Collection[str]) -> tuple[str, Sequence[object]] | None:
        """The read (SQL and parameters) whose rows ``watched_from`` takes; None when none is
        needed to say it of these pairs."""
        ...

    def watched_from(
        self, pair_keys: Collection[str], rows: Sequence[Sequence[object]]
    ) -> dict[str, bool]:
        """Whether each of these pairs is watched, given the rows of ``watched_read``'s read
        (none when it needed none)."""
        ...
