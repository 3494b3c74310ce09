from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer

from tests.databases import fresh_postgres, mention_count
from tests.fakes import FakeClock, MarkerExtractor
from tests.feeds import rss
from watchers.detect import Rules
from watchers.errors import StoreError
from watchers.fetch import FetchLimits, Validators, make_client
from watchers.model import ChangeKind, Entry, Extraction, Mention
from watchers.reading import Reading
from watchers.store import Store
from watchers.watcher import DocumentRead, FeedSpec, Ingester, PollResult, Remembered, Watcher

# generous: a loaded test machine must not turn a local answer into a timeout
LIMITS = FetchLimits(connect_timeout=10, read_timeout=10, deadline=20)


def make_watcher(store: Store, client: httpx.AsyncClient) -> Watcher:
    return Watcher(
        store=store,
        extractor=MarkerExtractor(),
        client=client,
        clock=FakeClock(),
        is_watched={"IND-RUS", "IRN-RUS"}.__contains__,
        limits=LIMITS,
    )


@pytest.fixture
async def watcher(tmp_path: Path) -> AsyncIterator[Watcher]:
    store = Store.open(tmp_path / "store.sqlite3")
    async with make_client(LIMITS) as client:
        yield make_watcher(store, client)
    store.close()


def feed(server: HTTPServer, path: str, **kw: object) -> FeedSpec:
    return FeedSpec(name=path.strip("/"), url=server.url_for(path), **kw)  # type: ignore[arg-type]


async def test_baseline_then_change(watcher: Watcher, httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/news").respond_with_data(
        rss(("1", "Letter", "[IND-RUS: special and privileged strategic partnership]"))
    )
    httpserver.expect_ordered_request("/news").respond_with_data(
        rss(
            ("1", "Letter", "[IND-RUS: special and privileged strategic partnership]"),
            ("2", "Speech", "[IND-RUS: particularly privileged strategic partnership]"),
        )
    )
    spec = feed(httpserver, "/news")
    first = await watcher.poll(spec)
    assert (first.new_entries, first.mentions, first.changes) == (1, 1, ())
    second = await watcher.poll(spec)
    assert second.new_entries == 1  # entry 1 was seen already
    (change,) = second.changes
    assert change.kind == ChangeKind.REWORDING
    assert change.before == "special and privileged strategic partnership"
    assert change.after == "particularly privileged strategic partnership"
    assert change.sources[0].url == "http://news.example/2"


async def test_without_baseline_the_first_poll_alerts(
    watcher: Watcher, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/news").respond_with_data(
        rss(("1", "t", "[IRN-RUS: strategic partnership] and [CHN-RUS: strategic partnership]"))
    )
    result = await watcher.poll(feed(httpserver, "/news", baseline=False))
    assert [(c.pair.key, c.kind) for c in result.changes] == [("IRN-RUS", ChangeKind.NEW)]
    assert result.mentions == 2  # the unwatched pair is remembered all the same


async def test_unchanged_feed_is_not_downloaded_again(
    watcher: Watcher, httpserver: HTTPServer
) -> None:
    httpserver.expect_ordered_request("/news").respond_with_data(
        rss(("1", "t", "[IND-RUS: strategic partnership]")), headers={"ETag": '"abc"'}
    )
    httpserver.expect_ordered_request(
        "/news", headers={"If-None-Match": '"abc"'}
    ).respond_with_data("", status=304)
    spec = feed(httpserver, "/news")
    await watcher.poll(spec)
    second = await watcher.poll(spec)
    assert second.not_modified and second.error is None


async def test_one_bad_feed_does_not_stop_the_others(
    watcher: Watcher, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/good").respond_with_data(
        rss(("1", "t", "[IND-RUS: strategic partnership]"))
    )
    httpserver.expect_request("/missing").respond_with_data("nope", status=404)
    httpserver.expect_request("/html").respond_with_data("<html><body>hi</body></html>")
    results = await watcher.poll_all(
        [
            feed(httpserver, "/missing"),
            feed(httpserver, "/good", baseline=False),
            feed(httpserver, "/html"),
            FeedSpec(name="unreachable", url="http://127.0.0.1:9/feed"),
        ]
    )
    errors = {r.feed: r.error for r in results}
    assert errors["good"] is None
    assert "HTTP 404" in (errors["missing"] or "")
    assert "not a feed" in (errors["html"] or "")
    assert "ConnectError" in (errors["unreachable"] or "")
    assert [len(r.changes) for r in results if r.feed == "good"] == [1]


async def test_a_failed_first_poll_is_not_the_baseline(
    watcher: Watcher, httpserver: HTTPServer
) -> None:
    httpserver.expect_ordered_request("/news").respond_with_data("oops", status=500)
    httpserver.expect_ordered_request("/news").respond_with_data(
        rss(("1", "t", "[IND-RUS: strategic partnership]"))
    )
    httpserver.expect_ordered_request("/news").respond_with_data(
        rss(("2", "t", "[IND-RUS: special strategic partnership]"))
    )
    spec = feed(httpserver, "/news")
    assert (await watcher.poll(spec)).error == "HTTP 500 from " + spec.url
    assert (await watcher.poll(spec)).changes == ()  # this is the baseline
    assert len((await watcher.poll(spec)).changes) == 1


async def test_duplicate_ids_in_one_document_count_once(
    watcher: Watcher, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/news").respond_with_data(
        rss(
            ("same", "a", "[IND-RUS: strategic partnership]"),
            ("same", "b", "[IND-RUS: strategic partnership]"),
        )
    )
    result = await watcher.poll(feed(httpserver, "/news", baseline=False))
    assert result.new_entries == 1 and len(result.changes) == 1


async def test_entries_are_extracted_with_their_publication_date(
    watcher: Watcher, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/news").respond_with_data(rss(("1", "t", "text")))
    await watcher.poll(feed(httpserver, "/news"))
    extractor = watcher.extractor
    assert isinstance(extractor, MarkerExtractor)
    assert [str(on) for _, on in extractor.calls] == ["2025-03-10"]


async def test_a_store_that_cannot_be_written_fails_each_feed_and_loses_nothing(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    path = tmp_path / "store.sqlite3"
    Store.open(path).close()
    # another process holds the write lock; a short busy timeout keeps the test quick
    store = Store(sqlite3.connect(path, timeout=0.05))
    store.migrate()
    other = sqlite3.connect(path)
    other.execute("BEGIN IMMEDIATE")
    httpserver.expect_request("/a").respond_with_data(
        rss(("1", "t", "[IND-RUS: strategic partnership]"))
    )
    httpserver.expect_request("/b").respond_with_data(
        rss(("2", "t", "[IRN-RUS: comprehensive partnership]"))
    )
    feeds = [feed(httpserver, "/a", baseline=False), feed(httpserver, "/b", baseline=False)]
    async with make_client(LIMITS) as client:
        watcher = make_watcher(store, client)
        locked = await watcher.poll_all(feeds)
        assert [(r.feed, "database is locked" in (r.error or "")) for r in locked] == [
            ("a", True),
            ("b", True),
        ]
        other.rollback()
        again = await watcher.poll_all(feeds)
    store.close()
    other.close()
    # the entries were not taken as seen: the next poll reads them and alerts
    assert [(r.error, [c.after for c in r.changes]) for r in again] == [
        (None, ["strategic partnership"]),
        (None, ["comprehensive partnership"]),
    ]


class TrippingExtractor(MarkerExtractor):
    """Fails on any text with TRIP in it, the way a fault on hostile text would."""

    def extract(self, text: str, *, on: date | None = None) -> list[Extraction]:
        if "TRIP" in text:
            raise ValueError("cannot read this")
        return super().extract(text, on=on)


async def test_an_entry_that_trips_the_extractor_is_skipped_and_the_rest_goes_on(
    watcher: Watcher, httpserver: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    watcher.extractor = TrippingExtractor()
    httpserver.expect_request("/a").respond_with_data(
        rss(("bad", "t", "TRIP [IND-RUS: alliance]"), ("good", "t", "[IND-RUS: partnership]"))
    )
    httpserver.expect_request("/b").respond_with_data(
        rss(("1", "t", "[IRN-RUS: strategic partnership]"))
    )
    feeds = [feed(httpserver, "/a", baseline=False), feed(httpserver, "/b", baseline=False)]
    results = await watcher.poll_all(feeds)
    assert [(r.feed, r.error, [c.after for c in r.changes]) for r in results] == [
        ("a", None, ["partnership"]),
        ("b", None, ["strategic partnership"]),
    ]
    assert "feed 'a': entry 'bad' could not be read" in caplog.text


async def test_a_fault_in_one_feed_does_not_cost_the_others_their_changes(
    watcher: Watcher, httpserver: HTTPServer
) -> None:
    def watched(key: str) -> bool:
        if key == "CHN-RUS":
            raise RuntimeError("subscriptions unreadable")
        return True

    watcher.is_watched = watched
    httpserver.expect_request("/a").respond_with_data(
        rss(("1", "t", "[IND-RUS: strategic partnership]"))
    )
    httpserver.expect_request("/b").respond_with_data(
        rss(("2", "t", "[CHN-RUS: strategic partnership]"))
    )
    feeds = [feed(httpserver, "/a", baseline=False), feed(httpserver, "/b", baseline=False)]
    a, b = await watcher.poll_all(feeds)
    assert [c.pair.key for c in a.changes] == ["IND-RUS"]
    assert b.error == "RuntimeError: subscriptions unreadable"
    # nothing of feed b was kept: once the fault is gone, it is read again
    watcher.is_watched = lambda key: True
    (again,) = await watcher.poll_all(feeds[1:])
    assert [c.pair.key for c in again.changes] == ["CHN-RUS"]


async def test_a_publication_time_after_the_reading_is_not_trusted(
    watcher: Watcher, httpserver: HTTPServer
) -> None:
    from watchers.extraction import default_extractor

    watcher.extractor = default_extractor()
    watcher.is_watched = lambda key: True
    text = (
        "In 2025 Vietnam and the United States raised ties to a comprehensive strategic "
        "partnership."
    )
    # a year in another calendar (Buddhist era) or a typo in the feed's dates
    httpserver.expect_request("/news").respond_with_data(
        rss(("1", "Hanoi", text), published="Mon, 10 Mar 2568 10:00:00 +0000")
    )
    result = await watcher.poll(feed(httpserver, "/news", baseline=False))
    (change,) = result.changes
    assert change.after == "comprehensive strategic partnership"
    assert change.sources[0].published is None


@pytest.mark.parametrize(
    "published", ["Thu, 01 Jan 1970 00:00:00 +0000", "Sun, 31 Dec 1989 23:00:00 +0000"]
)
async def test_a_publication_time_before_1990_is_taken_for_a_missing_one(
    watcher: Watcher, httpserver: HTTPServer, caplog: pytest.LogCaptureFixture, published: str
) -> None:
    from watchers.extraction import default_extractor

    watcher.extractor = default_extractor()
    watcher.is_watched = lambda key: True
    watcher.rules = Rules(backdate_days=7)  # an entry older than a week would be history
    text = "Putin and Modi hailed their special and privileged strategic partnership."
    httpserver.expect_request("/news").respond_with_data(
        rss(("1", "Leaders meet", text), published=published)
    )
    with caplog.at_level(logging.DEBUG, logger="watchers.reading"):
        result = await watcher.poll(feed(httpserver, "/news", baseline=False))
    # today's leaders, not those of 1970; today's words, not old news
    (change,) = result.changes
    assert (change.pair.key, change.after) == (
        "IND-RUS",
        "special and privileged strategic partnership",
    )
    assert change.sources[0].published is None
    assert "taken for a missing date" in caplog.text


async def test_an_epoch_publication_time_does_not_make_the_words_old(watcher: Watcher) -> None:
    watcher.rules = Rules(backdate_days=7)
    spec = FeedSpec(name="news", url="http://news.example/feed", baseline=False)
    body = rss(
        ("1", "t", "[IND-RUS: strategic partnership]"),
        published="Thu, 01 Jan 1970 00:00:00 +0000",
    )
    result = await watcher.ingest(spec, body, {})
    assert [c.after for c in result.changes] == ["strategic partnership"]
    assert isinstance(watcher.extractor, MarkerExtractor)
    assert [on for _, on in watcher.extractor.calls] == [None]


async def test_a_publication_time_from_1990_on_is_kept(
    watcher: Watcher, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/news").respond_with_data(
        rss(
            ("1", "t", "[IND-RUS: strategic partnership]"),
            published="Mon, 01 Jan 1990 00:00:00 +0000",
        )
    )
    result = await watcher.poll(feed(httpserver, "/news", baseline=False))
    (change,) = result.changes
    assert change.sources[0].published == datetime(1990, 1, 1, tzinfo=UTC)


async def test_the_flip_flop_window_reaches_as_many_descriptors_as_configured(
    watcher: Watcher,
) -> None:
    watcher.rules = Rules(flipflop_descriptors=12)
    clock = watcher.clock
    assert isinstance(clock, FakeClock)
    spec = FeedSpec(name="news", url="http://news.example/feed", baseline=False)
    words = [f"{name} partnership" for name in "abcdefghijk"]  # eleven formulas in turn
    for n, descriptor in enumerate([*words, words[0]]):
        clock.advance(hours=1)
        result = await watcher.ingest(spec, rss((str(n), "t", f"[IND-RUS: {descriptor}]")), {})
        changes = [c.after for c in result.changes]
        assert changes == ([] if n == len(words) else [descriptor]), n


async def test_the_same_id_and_story_in_two_feeds_alerts_once(
    watcher: Watcher, httpserver: HTTPServer
) -> None:
    story = ("wire-1", "Leaders meet", "[IND-RUS: special strategic partnership]")
    httpserver.expect_request("/a").respond_with_data(rss(story))
    httpserver.expect_request("/b").respond_with_data(rss(story))
    results = await watcher.poll_all(
        [feed(httpserver, "/a", baseline=False), feed(httpserver, "/b", baseline=False)]
    )
    assert [(r.new_entries, r.error) for r in results] == [(1, None), (1, None)]
    # whichever feed came first alerted; the other carried a copy of the same article
    changes = [(c.kind, c.revision) for r in results for c in r.changes]
    assert changes == [(ChangeKind.NEW, 0)]


# --- the event loop stays free while a document is read -------------------------------------


def large_document(entries: int = 400) -> bytes:
    """An RSS document of long entries, each with one marked mention."""
    filler = "The ministers also spoke of trade, energy and the weather. " * 20
    return rss(
        *(
            (str(i), f"Item {i}", f"{filler}[IND-RUS: strategic partnership] {filler}")
            for i in range(entries)
        )
    )


class Neighbour:
    """Another task on the loop (the chat connections' heartbeats): counts its turns."""

    def __init__(self) -> None:
        self.ticks = 0
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            self.ticks += 1
            await asyncio.sleep(0)

    async def __aenter__(self) -> Neighbour:
        await asyncio.sleep(0)  # let it start
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.task.cancel()


async def test_parsing_a_large_document_leaves_the_loop_free(watcher: Watcher) -> None:
    spec = FeedSpec(name="big", url="http://news.example/big", baseline=False)
    body = large_document()
    first = await watcher.ingest(spec, body, {})
    assert first.new_entries == 400
    # Sent again unchanged: all seen, so what remains is parsing it.
    async with Neighbour() as neighbour:
        before = neighbour.ticks
        again = await watcher.ingest(spec, body, {})
        during = neighbour.ticks - before
    assert (again.new_entries, again.error) == (0, None)
    assert during > 0


class WaitingExtractor(MarkerExtractor):
    """Finishes reading only once another task has run on the loop while it reads."""

    def __init__(self) -> None:
        super().__init__()
        self.reading = threading.Event()
        self.other_task_ran = threading.Event()

    def extract(self, text: str, *, on: date | None = None) -> list[Extraction]:
        if not self.reading.is_set():  # the first entry waits; on the loop, it waits in vain
            self.reading.set()
            if not self.other_task_ran.wait(timeout=5):
                return []
        return super().extract(text, on=on)


async def test_extracting_a_large_document_leaves_the_loop_free(watcher: Watcher) -> None:
    extractor = WaitingExtractor()
    watcher.extractor = extractor
    spec = FeedSpec(name="big", url="http://news.example/big", baseline=False)

    async def other_task() -> None:
        while not extractor.reading.is_set():
            await asyncio.sleep(0.01)
        extractor.other_task_ran.set()

    async with Neighbour() as neighbour:
        ticker = asyncio.create_task(other_task())
        result = await watcher.ingest(spec, large_document(), {})
        await ticker
    assert neighbour.ticks > 0
    assert (result.new_entries, result.mentions, len(result.changes)) == (400, 400, 1)


async def test_an_entry_another_poll_took_meanwhile_is_decided_once(
    watcher: Watcher,
) -> None:
    # Two reads of one document overlap (a scheduled poll and a replay, say): each entry is
    # remembered and decided by one of them only.
    spec = FeedSpec(name="news", url="http://news.example/feed", baseline=False)
    body = rss(("1", "t", "[IND-RUS: special strategic partnership]"))
    a, b = await asyncio.gather(watcher.ingest(spec, body, {}), watcher.ingest(spec, body, {}))
    assert sorted((a.new_entries, b.new_entries)) == [0, 1]
    assert len(a.changes) + len(b.changes) == 1


async def test_an_entry_edited_in_place_is_read_again_and_a_redated_one_is_not(
    watcher: Watcher,
) -> None:
    spec = FeedSpec(name="mid", url="http://mid.example/feed", official=True)
    first = "Transcript to follow. [IRN-RUS: strategic partnership]"
    completed = (
        "Transcript. [IRN-RUS: strategic partnership] and "
        "[IND-RUS: particularly privileged strategic partnership]"
    )

    async def poll(text: str, published: str) -> tuple[int, int]:
        result = await watcher.ingest(spec, rss(("t", "Transcript", text), published=published), {})
        assert result.error is None
        return result.new_entries, result.mentions

    assert await poll(first, "Mon, 10 Mar 2025 10:00:00 +0000") == (1, 1)  # baseline
    # the feed re-dates its item: nothing new
    assert await poll(first, "Mon, 10 Mar 2025 11:00:00 +0000") == (0, 0)
    # the item is completed in place: read again, and only what it adds counts
    assert await poll(completed, "Mon, 10 Mar 2025 12:00:00 +0000") == (1, 1)
    assert mention_count(watcher.store, "IRN-RUS") == 1
    assert mention_count(watcher.store, "IND-RUS") == 1


async def test_a_hypothetical_in_the_real_extractor_raises_no_alert(watcher: Watcher) -> None:
    from watchers.extraction import default_extractor

    watcher.extractor = default_extractor()
    watcher.is_watched = lambda key: key == "CHL-NZL"
    spec = FeedSpec(name="news", url="http://news.example/feed")
    live = ("1", "Visit", "Chile and New Zealand hailed their strategic partnership.")
    supposed = (
        "2",
        "Outlook",
        "Analysts said Chile and New Zealand could become comprehensive strategic partners.",
    )
    upgrade = (
        "3",
        "Summit",
        "Chile and New Zealand agreed to upgrade ties to a comprehensive strategic partnership.",
    )
    first = await watcher.ingest(spec, rss(live), {})
    assert first.changes == ()  # the baseline
    second = await watcher.ingest(spec, rss(live, supposed), {})
    assert second.new_entries == 1
    assert second.changes == ()
    # the real upgrade still alerts, against the words the pair had, not the supposed ones
    third = await watcher.ingest(spec, rss(live, supposed, upgrade), {})
    (change,) = third.changes
    assert (change.before, change.after) == (
        "strategic partnership",
        "comprehensive strategic partnership",
    )


async def test_a_document_decides_its_entries_as_if_they_came_one_poll_at_a_time(
    store_url: str, tmp_path: Path
) -> None:
    # Each entry sees the words the entries before it left: the pair's history is read once
    # for the document and kept up to date as each entry is decided.
    said = [
        "[IND-RUS: strategic partnership]",
        "[IND-RUS: special strategic partnership] and [IRN-RUS: strategic partnership]",
        "[IND-RUS: strategic partnership]",
        "[IND-RUS: special and privileged strategic partnership]",
        "[IRN-RUS: comprehensive strategic partnership]",
        "[IND-RUS: special strategic partnership]",
    ]
    items = [(str(n), f"story {n}", text) for n, text in enumerate(said)]
    spec = FeedSpec(name="news", url="http://news.example/feed", baseline=False)

    async def changes(store: Store, documents: list[bytes]) -> list[tuple[str, str | None, str]]:
        async with make_client(LIMITS) as client:
            w = make_watcher(store, client)
            found = []
            for document in documents:
                result = await w.ingest(spec, document, {})
                found += [(c.pair.key, c.before, c.after) for c in result.changes]
        store.close()
        return found

    at_once = await changes(Store.open(store_url), [rss(*items)])
    one_by_one = await changes(
        Store.open(tmp_path / "one-by-one.sqlite3"), [rss(item) for item in items]
    )
    assert at_once == one_by_one
    assert [after for _, _, after in at_once][:2] == [
        "strategic partnership",
        "special strategic partnership",
    ]


async def test_a_claimed_batch_reads_new_and_edited_entries_as_a_lone_poll_does(
    watcher: Watcher, httpserver: HTTPServer
) -> None:
    # A worker holds the feeds it polls, so it does not ask again which entries are new
    # inside the document's transaction; what it reads must not change for that.
    letter = ("1", "Letter", "[IND-RUS: special and privileged strategic partnership]")
    speech = ("2", "Speech", "Opening remarks to follow.")
    completed = ("2", "Speech", "Remarks: [IND-RUS: particularly privileged strategic partnership]")
    httpserver.expect_ordered_request("/news").respond_with_data(rss(letter, speech))
    httpserver.expect_ordered_request("/news").respond_with_data(rss(letter, completed))
    spec = feed(httpserver, "/news")

    async def poll_claimed() -> list[tuple[int, int, tuple[str, ...]]]:
        claimed = watcher.store.claim_feeds([spec.name])
        try:
            return [
                (r.new_entries, r.mentions, tuple(c.after for c in r.changes))
                async for r in watcher.poll_batch([spec], claimed, claimed=True)
            ]
        finally:
            watcher.store.release_feeds(list(claimed))

    assert await poll_claimed() == [(2, 1, ())]  # the baseline
    assert await poll_claimed() == [(1, 1, ("particularly privileged strategic partnership",))]
    assert mention_count(watcher.store, "IND-RUS") == 2


async def test_a_document_remembered_off_the_loop_leaves_the_loop_free_while_it_waits() -> None:
    # Another process holds the pair the document names, so remembering it waits on the
    # database: the event loop goes on meanwhile (a worker's other polls), and the document
    # is remembered once the pair is free.
    with fresh_postgres() as url:
        store, documents, other = Store.open(url), Store.open(url), Store.open(url)
        ingester = Ingester(
            store=store,
            extractor=MarkerExtractor(),
            clock=FakeClock(),
            is_watched={"IND-RUS"}.__contains__,
        )
        ingester.documents = [documents]
        held, free = threading.Event(), threading.Event()

        def hold_the_pair() -> None:
            with other.transaction():
                other.lock_pairs(["IND-RUS"])
                held.set()
                free.wait(3)  # at most: the loop must not wait on this test for ever

        holder = threading.Thread(target=hold_the_pair)
        holder.start()
        ticks = 0

        async def ticking() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        try:
            assert held.wait(5)
            ticker = asyncio.create_task(ticking())
            document = rss(("1", "Talks", "[IND-RUS: strategic partnership]"))
            ingesting = asyncio.create_task(
                ingester.ingest(FeedSpec("wire", "http://wire.example/"), document, {})
            )
            await asyncio.sleep(0.5)
            waiting, ticked = ingesting.done(), ticks
            free.set()
            result = await asyncio.wait_for(ingesting, 10)
            ticker.cancel()
        finally:
            free.set()
            holder.join()
            ingester.close_documents()
            store.close()
            other.close()
    assert not waiting
    assert ticked >= 10
    assert (result.error, result.new_entries, result.mentions) == (None, 1, 1)


async def test_documents_of_other_pairs_are_remembered_while_one_waits_for_its_pair() -> None:
    # A worker remembers several documents at once: one whose pair another process holds
    # waits for it, and the documents naming other pairs are remembered meanwhile rather
    # than after it.
    with fresh_postgres() as url:
        store, other = Store.open(url), Store.open(url)
        ingester = Ingester(
            store=store,
            extractor=MarkerExtractor(),
            clock=FakeClock(),
            is_watched=lambda key: True,
        )
        ingester.documents = [Store.open(url), Store.open(url)]
        held, free = threading.Event(), threading.Event()

        def hold_the_pair() -> None:
            with other.transaction():
                other.lock_pairs(["IND-RUS"])
                held.set()
                free.wait(5)  # at most: the test must not wait for ever

        holder = threading.Thread(target=hold_the_pair)
        holder.start()
        try:
            assert held.wait(5)
            waiting = asyncio.create_task(
                ingester.ingest(
                    FeedSpec("wire", "http://wire.example/"),
                    rss(("1", "Talks", "[IND-RUS: strategic partnership]")),
                    {},
                )
            )
            await asyncio.sleep(0.2)  # its transaction has started, and waits for the pair
            others = [
                await asyncio.wait_for(
                    ingester.ingest(
                        FeedSpec(f"desk {n}", f"http://desk{n}.example/"),
                        rss(("1", "Visit", "[CHN-PAK: all-weather strategic partnership]")),
                        {},
                    ),
                    4,
                )
                for n in range(3)
            ]
            still_waiting = not waiting.done()
            free.set()
            first = await asyncio.wait_for(waiting, 10)
        finally:
            free.set()
            holder.join()
            ingester.close_documents()
            store.close()
            other.close()
    assert still_waiting
    assert [(r.error, r.mentions) for r in others] == [(None, 1)] * 3
    assert (first.error, first.mentions) == (None, 1)


async def test_a_poll_cancelled_twice_still_ends_only_after_its_document_transaction(
    watcher: Watcher,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started, release, ended = threading.Event(), threading.Event(), threading.Event()
    watcher.documents = [Store.open(tmp_path / "documents.sqlite3")]

    def transaction(store: Store, documents: Sequence[DocumentRead]) -> list[Remembered]:
        started.set()
        release.wait(10)
        ended.set()
        raise RuntimeError("the database went away")

    monkeypatch.setattr(watcher, "_remember_documents", transaction)
    document = DocumentRead(
        FeedSpec("wire", "http://wire.example/"),
        Reading({}, {}, [], []),
        None,
        None,
        FakeClock().now(),
        claimed=True,
    )
    remembering = asyncio.create_task(watcher._in_document_thread(document))
    try:
        await asyncio.to_thread(started.wait, 10)
        remembering.cancel()
        await asyncio.sleep(0.01)
        remembering.cancel()
        await asyncio.sleep(0.05)
        assert not remembering.done()  # the claim on the feed must not go yet
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await remembering
        assert ended.is_set()
        assert "the database went away" in caplog.text  # its failure is not lost
    finally:
        release.set()
        watcher.close_documents()


@pytest.mark.parametrize("polled_before", [False, True], ids=["first poll", "polled before"])
async def test_a_claimed_feed_remembered_off_the_loop_takes_its_first_poll_from_the_claim(
    monkeypatch: pytest.MonkeyPatch, polled_before: bool
) -> None:
    with fresh_postgres() as url:
        store, documents = Store.open(url), Store.open(url)
        ingester = Ingester(
            store=store,
            extractor=MarkerExtractor(),
            clock=FakeClock(),
            is_watched={"IND-RUS"}.__contains__,
        )
        ingester.documents = [documents]
        spec = FeedSpec("wire", "http://wire.example/")
        if polled_before:
            await ingester.ingest(spec, rss(("1", "Visit", "No news.")), {})
        asked: list[str] = []
        monkeypatch.setattr(documents, "has_been_polled", asked.append)
        try:
            store.claim_feeds([spec.name])
            document = rss(("2", "Talks", "[IND-RUS: strategic partnership]"))
            result = await ingester.ingest(spec, document, {}, claimed=True)
            store.release_feeds([spec.name])
        finally:
            ingester.close_documents()
            store.close()
    assert asked == []  # no statement of its own for what the claim told
    assert result.error is None
    # a first poll only records what the feed says; a later one reports the change
    assert len(result.changes) == (1 if polled_before else 0)


@contextlib.contextmanager
def pair_held_elsewhere(url: str, pair_key: str) -> Iterator[threading.Event]:
    """Another process holds a pair until the event given is set (a few seconds at most)."""
    other = Store.open(url)
    held, free = threading.Event(), threading.Event()

    def hold() -> None:
        with other.transaction():
            other.lock_pairs([pair_key])
            held.set()
            free.wait(5)  # at most: the test must not wait for ever

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(5)
        yield free
    finally:
        free.set()
        holder.join()
        other.close()


async def until(condition: Callable[[], bool]) -> None:
    """Until ``condition`` holds (ten seconds at most)."""
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the documents did not come to wait")


def waiting(*ingesters: Ingester) -> int:
    """How many documents wait for a free store, across ``ingesters``."""
    return sum(len(i._waiting) for i in ingesters)


def document_ingester(url: str, is_watched: Callable[[str], bool] = lambda key: True) -> Ingester:
    """An ingester as a worker's: its documents remembered on one connection of their own."""
    ingester = Ingester(
        store=Store.open(url), extractor=MarkerExtractor(), clock=FakeClock(), is_watched=is_watched
    )
    ingester.documents = [Store.open(url)]
    return ingester


def polls_of_one_pair(ingester: Ingester, count: int) -> list[asyncio.Task[PollResult]]:
    """``count`` polls of feeds of their own, each a document naming India and Russia."""
    return [
        asyncio.create_task(
            ingester.ingest(
                FeedSpec(f"wire {n}", f"http://wire{n}.example/"),
                rss(("1", "Talks", "[IND-RUS: strategic partnership]")),
                {},
            )
        )
        for n in range(count)
    ]


def close(ingesters: Sequence[Ingester]) -> None:
    for ingester in ingesters:
        ingester.close_documents()
        ingester.store.close()


async def test_two_workers_remembering_a_syndicated_story_together_report_its_change_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Eight outlets carry one story with new words for a pair. Their documents pile up in
    # two workers while another process holds the pair, and each worker then remembers
    # those waiting in one transaction: the change is reported once.
    story = "[IND-RUS: special and privileged strategic partnership]"
    with fresh_postgres() as url:
        workers = [document_ingester(url), document_ingester(url)]
        locked: list[int] = [0, 0]
        for n, worker in enumerate(workers):
            lock_pairs = worker.documents[0].lock_pairs

            def counting(keys: Iterable[str], n: int = n, lock: Any = lock_pairs) -> None:
                locked[n] += 1
                lock(keys)

            monkeypatch.setattr(worker.documents[0], "lock_pairs", counting)
        try:
            said_before = rss(("0", "Ties", "[IND-RUS: strategic partnership]"))
            await workers[0].ingest(FeedSpec("archive", "http://archive.example/"), said_before, {})
            with pair_held_elsewhere(url, "IND-RUS") as free:
                polls = [
                    asyncio.create_task(
                        workers[n % 2].ingest(
                            FeedSpec(f"outlet {n}", f"http://outlet{n}.example/", baseline=False),
                            rss((f"{n}-1", "Visit", story)),
                            {},
                        )
                    )
                    for n in range(8)
                ]
                # one document in each worker waits for the pair, the others for the store
                await until(lambda: waiting(*workers) == 6)
                free.set()
                results = await asyncio.wait_for(asyncio.gather(*polls), 20)
            stored = workers[0].store.recent_changes("IND-RUS")
        finally:
            close(workers)
    assert [r.error for r in results] == [None] * 8
    new = [c.after for r in results for c in r.changes if c.revision == 0]
    assert new == ["special and privileged strategic partnership"]
    assert [c.after for c in stored] == new
    # each worker's three waiting documents took the pair once: three turns, not six
    assert locked == [1 + 1 + 1, 1 + 1]


async def test_a_document_failing_among_others_remembered_together_costs_them_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with fresh_postgres() as url:
        ingester = document_ingester(url)
        mentions = ingester._mentions

        def refused(entry: Entry, extractions: list[Extraction], feed: FeedSpec) -> list[Mention]:
            if feed.name == "broken":
                raise StoreError("the database refused the entry")
            return mentions(entry, extractions, feed)

        monkeypatch.setattr(ingester, "_mentions", refused)
        try:
            with pair_held_elsewhere(url, "IND-RUS") as free:
                polls = [
                    asyncio.create_task(
                        ingester.ingest(
                            FeedSpec(name, f"http://{n}.example/"),
                            rss(("1", "Talks", "[IND-RUS: strategic partnership]")),
                            {},
                        )
                    )
                    for n, name in enumerate(["first", "second", "broken", "third"])
                ]
                await until(lambda: waiting(ingester) == 3)
                free.set()
                results = await asyncio.wait_for(asyncio.gather(*polls), 20)
            kept = mention_count(ingester.store, "IND-RUS")
        finally:
            close([ingester])
    assert [(r.feed, r.error, r.mentions) for r in results] == [
        ("first", None, 1),
        ("second", None, 1),
        ("broken", "the database refused the entry", 0),
        ("third", None, 1),
    ]
    assert kept == 3


async def test_two_documents_of_one_feed_waiting_together_are_remembered_one_after_the_other() -> (
    None
):
    # Both list the same entry: the second must see it as seen, as if polled later.
    with fresh_postgres() as url:
        ingester = document_ingester(url)
        wire = FeedSpec("wire", "http://wire.example/")
        document = rss(("1", "Talks", "[IND-RUS: strategic partnership]"))
        try:
            with pair_held_elsewhere(url, "IND-RUS") as free:
                first = asyncio.create_task(
                    ingester.ingest(FeedSpec("desk", "http://desk.example/"), document, {})
                )
                await until(lambda: ingester._remembering == 1)
                polls = [asyncio.create_task(ingester.ingest(wire, document, {})) for _ in "ab"]
                await until(lambda: waiting(ingester) == 2)
                free.set()
                results = await asyncio.wait_for(asyncio.gather(first, *polls), 20)
            kept = mention_count(ingester.store, "IND-RUS")
        finally:
            close([ingester])
    assert [(r.error, r.new_entries) for r in results] == [(None, 1), (None, 1), (None, 0)]
    assert kept == 2


async def test_a_document_of_other_pairs_is_not_held_up_by_many_waiting_for_one_pair() -> None:
    # Documents naming a pair that one of the worker's transactions holds wait for it
    # without taking the other connections: a document of other pairs still finds one.
    with fresh_postgres() as url:
        ingester = document_ingester(url)
        ingester.documents = [*ingester.documents, Store.open(url)]
        try:
            with pair_held_elsewhere(url, "IND-RUS") as free:
                stuck = polls_of_one_pair(ingester, 3)
                await until(lambda: waiting(ingester) == 2)
                other = await asyncio.wait_for(
                    ingester.ingest(
                        FeedSpec("desk", "http://desk.example/"),
                        rss(("1", "Visit", "[CHN-PAK: all-weather strategic partnership]")),
                        {},
                    ),
                    4,
                )
                still_waiting = not any(poll.done() for poll in stuck)
                free.set()
                results = await asyncio.wait_for(asyncio.gather(*stuck), 20)
        finally:
            close([ingester])
    assert still_waiting
    assert (other.error, other.mentions) == (None, 1)
    assert [(r.error, r.mentions) for r in results] == [(None, 1)] * 3


async def test_a_claimed_feeds_document_whose_transaction_fails_is_read_again_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Its entries are marked seen early in the transaction, before its pairs are locked:
    # they are kept only with the rest of it.
    with fresh_postgres() as url:
        ingester = document_ingester(url)
        spec = FeedSpec("wire", "http://wire.example/", baseline=False)
        document = rss(("1", "Talks", "[IND-RUS: strategic partnership]"))
        store = ingester.documents[0]

        def refused(*args: object, **kwargs: object) -> object:
            raise StoreError("the connection was lost")

        try:
            ingester.store.claim_feeds([spec.name])
            with monkeypatch.context() as patched:
                patched.setattr(store, "histories_and_mentions_with", refused)
                failed = await ingester.ingest(spec, document, {}, claimed=True)
            again = await ingester.ingest(spec, document, {}, claimed=True)
            ingester.store.release_feeds([spec.name])
            kept = mention_count(ingester.store, "IND-RUS")
        finally:
            close([ingester])
    assert failed.error == "the connection was lost"
    assert (again.error, again.new_entries, again.mentions) == (None, 1, 1)
    assert [c.after for c in again.changes] == ["strategic partnership"]
    assert kept == 1


async def test_a_feeds_later_document_waits_for_its_earlier_one_whatever_pairs_it_names() -> None:
    # The earlier document of "wire" waits for a pair another transaction holds; the later
    # one names no pair and a connection is free, yet it goes after the earlier one, so the
    # feed's validators end as the later document's.
    with fresh_postgres() as url:
        ingester = document_ingester(url)
        ingester.documents = [*ingester.documents, Store.open(url)]
        wire = FeedSpec("wire", "http://wire.example/")
        try:
            with pair_held_elsewhere(url, "IND-RUS") as free:
                desk = asyncio.create_task(
                    ingester.ingest(
                        FeedSpec("desk", "http://desk.example/"),
                        rss(("1", "Talks", "[IND-RUS: strategic partnership]")),
                        {},
                    )
                )
                await until(lambda: ingester._remembering == 1)
                earlier = asyncio.create_task(
                    ingester.ingest(
                        wire,
                        rss(("1", "Talks", "[IND-RUS: strategic partnership]")),
                        {},
                        Validators('"v1"', None),
                    )
                )
                await until(lambda: waiting(ingester) == 1)
                later = asyncio.create_task(
                    ingester.ingest(
                        wire, rss(("2", "Weather", "Sunny.")), {}, Validators('"v2"', None)
                    )
                )
                await until(lambda: waiting(ingester) == 2)
                later_went_first = later.done()
                free.set()
                await asyncio.wait_for(asyncio.gather(desk, earlier, later), 20)
            kept = ingester.store.validators("wire")
        finally:
            close([ingester])
    assert not later_went_first
    assert kept is not None and kept.etag == '"v2"'


async def test_documents_waiting_when_the_stores_close_end_their_polls_with_an_error() -> None:
    # A worker stopping while documents wait for a store: their polls end (with an error:
    # their feeds are read again next time) instead of waiting for ever, and a waiting
    # poll that is cancelled ends at once.
    with fresh_postgres() as url:
        ingester = document_ingester(url)
        try:
            with pair_held_elsewhere(url, "IND-RUS") as free:
                polls = polls_of_one_pair(ingester, 4)
                await until(lambda: waiting(ingester) == 3)
                polls[3].cancel()
                await asyncio.wait([polls[3]], timeout=5)
                cancelled_at_once = polls[3].cancelled()
                closing = asyncio.create_task(asyncio.to_thread(ingester.close_documents))
                await asyncio.sleep(0.2)
                free.set()
                await asyncio.wait_for(closing, 20)
                results = await asyncio.wait_for(asyncio.gather(*polls[:3]), 20)
        finally:
            close([ingester])
    assert cancelled_at_once
    assert results[0].error is None
    assert [bool(r.error) for r in results[1:]] == [True, True]


async def test_on_a_documents_connection_the_subscriptions_are_read_in_its_transaction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A worker's documents are remembered on connections of their own: which of their pairs a
    # chat channel watches is read there, with the pairs' histories, not by the event loop
    # on the worker's own connection. A pair is watched by the config or by a subscription
    # that is not paused; a paused one, or none, leaves it unwatched.
    from bot.app import Watchlist
    from bot.chat.store import ChatStore

    with fresh_postgres() as url:
        store = Store.open(url)
        chat = ChatStore(store.connection)
        now = FakeClock().now()
        chat.add("discord", "1", "CHN-IDN", now=now)
        chat.add("discord", "2", "IRN-RUS", now=now)
        chat.pause_channel("discord", "2", "missing permissions", now=now)
        ingester = Ingester(
            store=store,
            extractor=MarkerExtractor(),
            clock=FakeClock(),
            is_watched=Watchlist(frozenset({"IND-PAK"}), chat),
        )
        ingester.documents = [Store.open(url)]

        def not_on_the_loop(*args: object) -> object:
            raise AssertionError("the subscriptions were asked on the worker's own connection")

        monkeypatch.setattr(ChatStore, "subscribed_among", not_on_the_loop)
        marks = "[IND-PAK: close partners] [CHN-IDN: strategic allies] [IRN-RUS: old rivals] "
        document = rss(("1", "Summit", marks + "[PRK-USA: good neighbours]"))
        try:
            result = await ingester.ingest(
                FeedSpec("desk", "http://desk.example/", baseline=False), document, {}
            )
        finally:
            ingester.close_documents()
        decided = {k: store.last_decision(k) is not None for k in ("IND-PAK", "CHN-IDN")}
        undecided = {k: store.last_decision(k) is not None for k in ("IRN-RUS", "PRK-USA")}
        store.close()
    assert (result.error, result.mentions) == (None, 4)
    assert decided == {"IND-PAK": True, "CHN-IDN": True}  # watched: their decisions kept
    assert undecided == {"IRN-RUS": False, "PRK-USA": False}


async def test_a_documents_connection_asks_no_subscriptions_when_none_can_watch() -> None:
    # Without chat, or for pairs the config watches, there is nothing to read: the
    # transaction reads the histories alone, and the pairs are watched as the config says.
    from bot.app import Watchlist

    with fresh_postgres() as url:
        store = Store.open(url)
        watchlist = Watchlist(frozenset({"IND-PAK"}), None)
        assert watchlist.watched_read(["IND-PAK", "CHN-IDN"]) is None
        assert watchlist.watched_from(["IND-PAK", "CHN-IDN"], []) == {
            "IND-PAK": True,
            "CHN-IDN": False,
        }
        ingester = Ingester(
            store=store, extractor=MarkerExtractor(), clock=FakeClock(), is_watched=watchlist
        )
        ingester.documents = [Store.open(url)]
        document = rss(("1", "Summit", "[IND-PAK: close partners] [CHN-IDN: strategic allies]"))
        try:
            result = await ingester.ingest(
                FeedSpec("desk", "http://desk.example/", baseline=False), document, {}
            )
        finally:
            ingester.close_documents()
        decided = {k: store.last_decision(k) is not None for k in ("IND-PAK", "CHN-IDN")}
        store.close()
    assert (result.error, result.mentions) == (None, 2)
    assert decided == {"IND-PAK": True, "CHN-IDN": False}


async def test_documents_remembered_together_are_each_told_of_their_own_pairs_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Which pairs are watched is read once for the documents of one transaction; each
    # document is then decided on knowing of its own pairs only, as if it came alone.
    from bot.app import Watchlist
    from bot.chat.store import ChatStore

    with fresh_postgres() as url:
        store = Store.open(url)
        ChatStore(store.connection).add("discord", "1", "CHN-IDN", now=FakeClock().now())
        ingester = document_ingester(url, Watchlist(frozenset(), ChatStore(store.connection)))
        ingester.store.close()
        ingester.store = store
        remember = ingester._remember
        told: list[tuple[list[str], list[str]]] = []

        def noting(
            on: Store, ms: list[Mention], ids: list[int], histories: Any, watched: Any, **kw: Any
        ) -> Any:
            told.append((sorted({m.pair.key for m in ms}), sorted(watched)))
            return remember(on, ms, ids, histories, watched, **kw)

        monkeypatch.setattr(ingester, "_remember", noting)
        reads = 0
        (documents,) = ingester.documents
        read_together = documents.histories_and_mentions_with

        def counting(*args: Any, **kw: Any) -> Any:
            nonlocal reads
            reads += 1
            return read_together(*args, **kw)

        monkeypatch.setattr(documents, "histories_and_mentions_with", counting)
        try:
            with pair_held_elsewhere(url, "PAK-VNM") as free:
                first = asyncio.create_task(
                    ingester.ingest(
                        FeedSpec("desk", "http://desk.example/", baseline=False),
                        rss(("1", "Talks", "[PAK-VNM: close partners]")),
                        {},
                    )
                )
                await until(lambda: ingester._remembering == 1)
                stories = {
                    "east": "[PAK-VNM: old friends] [CHN-IDN: strategic partners]",
                    "west": "[PAK-VNM: old friends] [IRN-RUS: uneasy allies]",
                }
                polls = [
                    asyncio.create_task(
                        ingester.ingest(
                            FeedSpec(name, f"http://{name}.example/", baseline=False),
                            rss(("1", "Visit", story)),
                            {},
                        )
                    )
                    for name, story in stories.items()
                ]
                await until(lambda: waiting(ingester) == 2)
                free.set()
                results = await asyncio.wait_for(asyncio.gather(first, *polls), 20)
            kept = {k: store.last_decision(k) is not None for k in ("CHN-IDN", "IRN-RUS")}
        finally:
            close([ingester])
    assert [(r.error, r.mentions) for r in results] == [(None, 1), (None, 2), (None, 2)]
    # the two waiting went together, in whichever order they were read
    assert sorted(told) == [
        (["CHN-IDN", "PAK-VNM"], ["CHN-IDN", "PAK-VNM"]),
        (["IRN-RUS", "PAK-VNM"], ["IRN-RUS", "PAK-VNM"]),
        (["PAK-VNM"], ["PAK-VNM"]),
    ]
    assert reads == 2
    assert kept == {"CHN-IDN": True, "IRN-RUS": False}
