"""Reading the article behind a summary-only feed item (the optional ``[fulltext]`` extra).

Many feeds carry a headline and a line of summary; the words that matter are in the article.
For a feed marked ``fulltext = true``, an entry that has no content of its own and whose
title or summary names a tracked country has its page fetched (bounded in size and time, like
a feed) and its main text extracted with trafilatura, in a thread and within the same time.
Any failure leaves the entry as it was: the summary is still read.

A feed's items may link anywhere, so an article whose host is on a loopback, private or
otherwise non-public address (an intranet) is not fetched, redirects included, unless it is
the feed's own host and the feed is on such an address; link-local addresses and the clouds'
metadata services never are (see ``watchers.fetch``).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import httpcore
import httpx

from watchers.countries import CountryTable, FormKind
from watchers.errors import FeedError
from watchers.extraction.mentions import STATE_KINDS
from watchers.fetch import (
    PUBLIC_ONLY,
    AddressPolicy,
    FetchLimits,
    Validators,
    fetch,
    non_public,
    resolve,
)
from watchers.model import Entry

log = logging.getLogger(__name__)

ArticleReader = Callable[[bytes, str], str | None]
"""Main text of an article page (bytes, URL), or None when there is none."""

# forms that name the state itself; leaders and ambiguous words are left to extraction
_NAMING_KINDS = STATE_KINDS - {FormKind.LEADER}


def trafilatura_reader() -> ArticleReader | None:
    """The trafilatura article reader, or None when the ``[fulltext]`` extra is not installed."""
    try:
        import trafilatura
    except ImportError:
        return None

    def read(page: bytes, url: str) -> str | None:
        text = trafilatura.extract(
            page, url=url, include_comments=False, include_tables=False, favor_precision=True
        )
        return str(text) if text else None

    return read


class CountryNamer:
    """Tells whether a text names one of the tracked countries (by name, demonym, capital...)."""

    def __init__(self, table: CountryTable, codes: Iterable[str]) -> None:
        tracked = set(codes)
        forms = [f for f in table.surface_forms() if f.code in tracked and f.kind in _NAMING_KINDS]
        exact = sorted({f.text for f in forms if f.case_sensitive}, key=len, reverse=True)
        folded = sorted({f.text for f in forms if not f.case_sensitive}, key=len, reverse=True)
        parts = []
        if exact:
            parts.append("|".join(map(_whole, exact)))
        if folded:
            parts.append("(?i:" + "|".join(map(_whole, folded)) + ")")
        self.pattern = re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")") if parts else None

    def names_one(self, text: str) -> bool:
        """Whether ``text`` names a tracked country."""
        return bool(self.pattern and self.pattern.search(text))


def _whole(form: str) -> str:
    # a prefix such as "Indo-" is followed by a word; any other form ends at a word boundary
    return re.escape(form) + ("" if form.endswith("-") else r"(?!\w)")


ARTICLES_AT_ONCE = 4
"""Article pages fetched at once for one feed: polite to publishers, quick enough."""

ARTICLES_PER_POLL = 40
"""Article pages read for one feed in one poll, at most."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class FullTextLimits:
    """How much and how long one article fetch may take."""

    max_bytes: int = 2_000_000
    deadline: float = 20.0


class FullText:
    """Fills in the content of summary-only entries from their article pages."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        namer: CountryNamer,
        reader: ArticleReader,
        limits: FullTextLimits,
    ) -> None:
        self.client = client
        self.namer = namer
        self.reader = reader
        self.limits = FetchLimits(
            connect_timeout=min(10.0, limits.deadline),
            read_timeout=limits.deadline,
            deadline=limits.deadline,
            max_bytes=limits.max_bytes,
        )

    async def enrich_all(self, entries: list[Entry], feed_url: str) -> list[Entry]:
        """Entries with their article text filled in, a few pages at a time.

        At most ``ARTICLES_PER_POLL`` pages of one feed are read in one poll, the newest
        first: a feed listing thousands of entries costs minutes, not hours; the others are
        read from their summaries.
        """
        wanted = [i for i, entry in enumerate(entries) if self.wants(entry)]
        newest = sorted(wanted, key=lambda i: entries[i].published or _EPOCH, reverse=True)
        chosen = set(newest[:ARTICLES_PER_POLL])
        if len(wanted) > len(chosen):
            log.warning(
                "feed %r: %d entries want their article; reading the newest %d, the others' "
                "summaries",
                entries[0].feed,
                len(wanted),
                len(chosen),
            )
        gate = asyncio.Semaphore(ARTICLES_AT_ONCE)

        async def one(entry: Entry) -> Entry:
            async with gate:
                return await self.enrich(entry, feed_url)

        read = await asyncio.gather(*(one(entries[i]) for i in sorted(chosen)))
        enriched = list(entries)
        for i, entry in zip(sorted(chosen), read, strict=True):
            enriched[i] = entry
        return enriched

    def wants(self, entry: Entry) -> bool:
        """Whether an entry is summary-only, has a page, and names a tracked country."""
        return (
            not entry.content
            and entry.url is not None
            and entry.url.startswith(("http://", "https://"))
            and self.namer.names_one(f"{entry.title}\n{entry.summary}")
        )

    async def enrich(self, entry: Entry, feed_url: str) -> Entry:
        """The entry with its article's text as content, or unchanged when that fails.

        ``feed_url`` is the address of the entry's feed: only a feed on a non-public address
        may lead to articles on one.
        """
        if not self.wants(entry):
            return entry
        assert entry.url is not None
        policy = await _feed_policy(feed_url)
        try:
            page = await fetch(
                self.client, entry.feed, entry.url, Validators(), self.limits, policy=policy
            )
        except FeedError as e:
            log.warning("full text of %s: %s; using the summary", entry.url, e.message)
            return entry
        try:
            # Reading a large page takes seconds of CPU: off the event loop, so chat
            # connections are served meanwhile, and bounded like the fetch. A read that
            # overruns is left to finish in its thread; its result is not waited for.
            text = await asyncio.wait_for(
                asyncio.to_thread(self.reader, page.body, page.url), self.limits.deadline
            )
        except TimeoutError:
            log.warning(
                "full text of %s: no article text within %g s; using the summary",
                entry.url,
                self.limits.deadline,
            )
            return entry
        except Exception as e:  # a third-party parser on hostile HTML: never lose the entry
            name = type(e).__name__
            log.warning("full text of %s: %s: %s; using the summary", entry.url, name, e)
            return entry
        if not text:
            log.info("full text of %s: no article text found; using the summary", entry.url)
            return entry
        return replace(entry, content=text)


async def _feed_policy(feed_url: str) -> AddressPolicy:
    """Articles may be on non-public addresses only on the feed's own host, and only when
    that host is itself on one (an intranet feed linking to its intranet)."""
    own = AddressPolicy.own_host(feed_url)
    try:
        url = httpx.URL(feed_url)
        port = url.port or (443 if url.scheme == "https" else 80)
        addresses = await resolve(url.host, port, 10.0)
    except (httpx.InvalidURL, httpcore.ConnectError, httpcore.ConnectTimeout):
        return PUBLIC_ONLY
    return own if any(non_public(a) for a in addresses) else PUBLIC_ONLY
