"""Polling many feeds: a bounded number at once, per host too, each result as it finishes.

The feeds are served by a real HTTP server on 127.0.0.1 (aiohttp, port 0), reached under two
host names (127.0.0.1 and localhost), so that the per-host limit can be seen at the wire.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections import Counter
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pytest
from aiohttp import web

from bot.config import load_config
from tests.fakes import FakeClock, FakeCountries, MarkerExtractor
from tests.feeds import rss
from tests.test_watcher import make_watcher
from watchers.errors import ConfigError
from watchers.fetch import FetchLimits, make_client
from watchers.model import Entry, Extraction
from watchers.reading import InProcesses, InThreads, Reading
from watchers.store import Store
from watchers.watcher import FeedSpec, Ingester


@dataclass
class FeedFarm:
    """Serves /feed/N with an ETag; counts requests in flight, overall and per host."""

    delay: float = 0.01
    with_etags: bool = True
    in_flight: Counter[str] = field(default_factory=Counter)
    most_in_flight: int = 0
    most_per_host: Counter[str] = field(default_factory=Counter)
    requests: int = 0
    held: dict[str, asyncio.Event] = field(default_factory=dict)
    version: int = 1
    port: int = 0
    connections: set[object] = field(default_factory=set)
    slow: dict[str, float] = field(default_factory=dict)
    """Seconds some feeds (by number) take to answer."""
    asked: list[str] = field(default_factory=list)
    """The feeds' numbers in the order they were asked for."""
    chunked: bool = False
    """Bodies sent in chunks, with no Content-Length."""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        host = request.host.rsplit(":", 1)[0]
        number = request.match_info["number"]
        self.requests += 1
        self.asked.append(number)
        assert request.transport is not None
        self.connections.add(request.transport.get_extra_info("peername"))
        self.in_flight[host] += 1
        self.most_in_flight = max(self.most_in_flight, sum(self.in_flight.values()))
        self.most_per_host[host] = max(self.most_per_host[host], self.in_flight[host])
        try:
            await asyncio.sleep(self.slow.get(number, self.delay))
            if number in self.held:
                await self.held[number].wait()
        finally:
            self.in_flight[host] -= 1
        etag = f'"{number}-{self.version}"'
        headers = {"ETag": etag} if self.with_etags else {}
        if self.with_etags and request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers=headers)
        text = f"item {number} version {self.version} [IND-RUS: strategic partnership]"
        body = rss((f"{number}-{self.version}", "News", text))
        if self.chunked:
            response = web.StreamResponse(headers=headers)
            response.content_type = "application/rss+xml"
            response.enable_chunked_encoding()
            await response.prepare(request)
            await response.write(body)
            await response.write_eof()
            return response
        return web.Response(body=body, content_type="application/rss+xml", headers=headers)

    def feeds(self, count: int) -> list[FeedSpec]:
        """``count`` feeds, alternately on the two host names."""
        hosts = ("127.0.0.1", "localhost")
        return [
            FeedSpec(f"feed {n}", f"http://{hosts[n % 2]}:{self.port}/feed/{n}")
            for n in range(count)
        ]


@pytest.fixture
async def farm() -> AsyncIterator[FeedFarm]:
    serving = FeedFarm()
    app = web.Application()
    app.router.add_get("/feed/{number}", serving.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    serving.port = runner.addresses[0][1]
    try:
        yield serving
    finally:
        for held in serving.held.values():
            held.set()
        await runner.cleanup()


def farm_limits(at_once: int, per_host: int, fetches: int = 64) -> FetchLimits:
    return FetchLimits(
        connect_timeout=10, read_timeout=10, deadline=30, polls_at_once=at_once,
        polls_per_host=per_host, fetches_at_once=fetches,
    )  # fmt: skip


async def poll_all(
    tmp_path: Path, limits: FetchLimits, feeds: list[FeedSpec], cycles: int = 1
) -> list[list[str | None]]:
    """The errors of each feed's result (None when it was polled), cycle by cycle."""
    store = Store.open(tmp_path / "store.sqlite3")
    outcomes = []
    try:
        async with make_client(limits) as client:
            watcher = make_watcher(store, client)
            watcher.limits = limits
            for _ in range(cycles):
                results = await watcher.poll_all(feeds)
                outcomes.append([r.error for r in results])
    finally:
        store.close()
    return outcomes


async def test_hundreds_of_feeds_are_polled_a_bounded_number_at_once(
    farm: FeedFarm, tmp_path: Path
) -> None:
    feeds = farm.feeds(400)
    (errors,) = await poll_all(tmp_path, farm_limits(at_once=12, per_host=5), feeds)
    assert errors == [None] * 400
    assert farm.requests == 400
    assert 1 < farm.most_in_flight <= 10  # two hosts, at most five each
    assert set(farm.most_per_host) == {"127.0.0.1", "localhost"}
    assert max(farm.most_per_host.values()) <= 5


async def test_the_overall_limit_holds_when_hosts_allow_more(
    farm: FeedFarm, tmp_path: Path
) -> None:
    limits = farm_limits(at_once=2, per_host=50, fetches=6)
    (errors,) = await poll_all(tmp_path, limits, farm.feeds(300))
    assert errors == [None] * 300
    assert 1 < farm.most_in_flight <= 6


async def test_an_unchanged_farm_answers_not_modified_on_the_next_cycle(
    farm: FeedFarm, tmp_path: Path
) -> None:
    store = Store.open(tmp_path / "store.sqlite3")
    limits = farm_limits(at_once=16, per_host=8)
    try:
        async with make_client(limits) as client:
            watcher = make_watcher(store, client)
            watcher.limits = limits
            first = await watcher.poll_all(farm.feeds(200))
            second = await watcher.poll_all(farm.feeds(200))
    finally:
        store.close()
    assert [r.new_entries for r in first] == [1] * 200
    assert all(r.not_modified and r.error is None for r in second)


async def test_each_result_comes_as_soon_as_its_feed_is_done(
    farm: FeedFarm, tmp_path: Path
) -> None:
    # feed 0 hangs until every other feed has been reported: were results gathered at the
    # end, the poll would never finish
    farm.held["0"] = asyncio.Event()
    feeds = farm.feeds(50)
    store = Store.open(tmp_path / "store.sqlite3")
    reported: list[str] = []
    limits = farm_limits(at_once=8, per_host=4)
    try:
        async with make_client(limits) as client:
            watcher = make_watcher(store, client)
            watcher.limits = limits
            async with asyncio.timeout(30):
                async for result in watcher.poll_each(feeds):
                    assert result.error is None
                    reported.append(result.feed)
                    if len(reported) == len(feeds) - 1:
                        farm.held["0"].set()
    finally:
        store.close()
    assert reported[-1] == "feed 0"
    assert sorted(reported) == sorted(f.name for f in feeds)


async def test_a_body_unchanged_without_validators_is_not_read_again(
    farm: FeedFarm, tmp_path: Path
) -> None:
    farm.with_etags = False
    store = Store.open(tmp_path / "store.sqlite3")
    feeds = farm.feeds(3)
    try:
        async with make_client(farm_limits(4, 4)) as client:
            watcher = make_watcher(store, client)
            first = await watcher.poll_all(feeds)
            same = await watcher.poll_all(feeds)
            farm.version = 2
            changed = await watcher.poll_all(feeds)
    finally:
        store.close()
    assert [r.new_entries for r in first] == [1, 1, 1]
    assert [(r.not_modified, r.new_entries) for r in same] == [(True, 0)] * 3
    assert [(r.not_modified, r.new_entries) for r in changed] == [(False, 1)] * 3
    assert farm.requests == 9  # fetched every time: only the reading was skipped


async def test_a_body_unchanged_without_validators_is_not_read_again_after_a_restart(
    farm: FeedFarm, tmp_path: Path
) -> None:
    farm.with_etags = False
    feeds = farm.feeds(2)
    results = []
    for _ in range(2):  # the process stops and starts again in between
        store = Store.open(tmp_path / "store.sqlite3")
        try:
            async with make_client(farm_limits(4, 4)) as client:
                results.append(await make_watcher(store, client).poll_all(feeds))
        finally:
            store.close()
    first, again = results
    assert [(r.not_modified, r.new_entries) for r in first] == [(False, 1)] * 2
    assert [(r.not_modified, r.new_entries) for r in again] == [(True, 0)] * 2


async def test_a_feed_slow_to_answer_is_asked_first_in_the_next_cycle(
    farm: FeedFarm, tmp_path: Path
) -> None:
    farm.delay = 0
    farm.slow = {"15": 2.5}  # well past SLOW_ANSWER, so a busy machine does not blur it
    feeds = farm.feeds(20)
    orders = []
    for _ in range(2):  # the process stops and starts again in between
        farm.asked.clear()
        (errors,) = await poll_all(tmp_path, farm_limits(at_once=1, per_host=1), feeds)
        assert errors == [None] * 20
        orders.append(list(farm.asked))
    first, second = orders
    assert first.index("15") > 10  # the first time, about where it is listed
    # Then at once, beside the others, so its wait overlaps theirs. Its worker starts with
    # the first ordinary one; on a busy machine that one may have been answered a few times
    # before the slow feed's request arrives, so "among the first" rather than "first".
    assert second.index("15") < 5


def test_the_limits_are_read_from_the_config_defaults(tmp_path: Path) -> None:
    path = tmp_path / "watchlist.toml"
    rest = '[[feeds]]\nname = "Desk"\nurl = "http://desk.example/rss"\n'
    rest += '[watch]\npairs = [["India", "Russia"]]\n'
    path.write_text("[defaults]\npolls_at_once = 40\npolls_per_host = 2\n" + rest)
    limits = load_config(path, FakeCountries()).fetch
    assert (limits.polls_at_once, limits.polls_per_host) == (40, 2)
    path.write_text("[defaults]\npolls_at_once = 0\npolls_per_host = 'many'\n" + rest)
    with pytest.raises(ConfigError) as caught:
        load_config(path, FakeCountries())
    assert "defaults.polls_at_once: must be a positive number" in str(caught.value)
    assert "defaults.polls_per_host: must be a positive number" in str(caught.value)


async def test_a_hosts_feeds_share_its_kept_alive_connections(
    farm: FeedFarm, tmp_path: Path
) -> None:
    farm.delay = 0
    (errors,) = await poll_all(tmp_path, farm_limits(at_once=16, per_host=3), farm.feeds(200))
    assert errors == [None] * 200
    assert len(farm.connections) <= 6  # three per host name, each reused for its feeds


class DyingExtractor(MarkerExtractor):
    """Kills the process it runs in on a text saying DIE, as an out-of-memory kill would."""

    def extract(self, text: str, *, on: date | None = None) -> list[Extraction]:
        if "DIE" in text:
            os._exit(1)
        return super().extract(text, on=on)


async def test_documents_read_in_worker_processes_give_the_same_changes(
    farm: FeedFarm, tmp_path: Path
) -> None:
    feeds = farm.feeds(40)
    found = []
    for name, work in (
        ("threads", InThreads(MarkerExtractor())),
        ("processes", InProcesses(MarkerExtractor(), 1)),
    ):
        store = Store.open(tmp_path / f"{name}.sqlite3")
        try:
            async with make_client(farm_limits(8, 4)) as client:
                watcher = make_watcher(store, client)
                watcher.work = work
                results = await watcher.poll_all(feeds)
        finally:
            work.close()
            store.close()
        found.append([(r.feed, r.error, r.new_entries, r.mentions) for r in results])
    assert found[0] == found[1]
    assert sum(mentions for *_, mentions in found[1]) == 40


async def test_a_reading_process_that_dies_costs_only_its_document(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store.sqlite3")
    work = InProcesses(DyingExtractor(), 1)
    try:
        ingester = Ingester(
            store=store,
            extractor=MarkerExtractor(),
            clock=FakeClock(),
            is_watched={"IND-RUS"}.__contains__,
            work=work,
        )
        killer = await ingester.ingest(FeedSpec("killer", "http://a.example/"), KILLER, {})
        after = await ingester.ingest(FeedSpec("next", "http://b.example/"), SAFE, {})
    finally:
        work.close()
        store.close()
    assert killer.error == "the process reading this document died"
    assert (after.error, after.new_entries, after.mentions) == (None, 1, 1)


KILLER = rss(("1", "t", "DIE [IND-RUS: strategic partnership]"))
SAFE = rss(("1", "t", "[IND-RUS: strategic partnership]"))


class HeldReading(InThreads):
    """Reads documents as ``InThreads`` does, but only once ``open`` is set: what a busy
    reading process looks like from the event loop."""

    def __init__(self) -> None:
        super().__init__(MarkerExtractor())
        self.open = asyncio.Event()

    async def parse(self, feed: str, body: bytes, headers: Mapping[str, str]) -> list[Entry]:
        await self.open.wait()
        return await super().parse(feed, body, headers)

    async def read(
        self,
        feed: str,
        body: bytes,
        headers: Mapping[str, str],
        now: datetime,
        known: Mapping[str, str | None],
    ) -> Reading:
        await self.open.wait()
        return await super().read(feed, body, headers, now, known)


async def poll_while_reading_is_held(
    farm: FeedFarm, tmp_path: Path, limits: FetchLimits, count: int
) -> tuple[int, list[str | None]]:
    """How many feeds the farm was asked for while no document could be read, and then the
    errors of every feed's result once reading went on."""
    store = Store.open(tmp_path / "store.sqlite3")
    work = HeldReading()
    try:
        async with make_client(limits) as client:
            watcher = make_watcher(store, client)
            watcher.limits, watcher.work = limits, work
            polling = asyncio.create_task(watcher.poll_all(farm.feeds(count)))
            # until the farm has been asked for nothing more for a while
            asked = -1
            while asked != farm.requests:
                asked = farm.requests
                await asyncio.sleep(0.5)
            work.open.set()
            async with asyncio.timeout(30):
                results = await polling
    finally:
        store.close()
    return asked, [r.error for r in results]


async def test_feeds_are_fetched_while_the_documents_before_them_wait_to_be_read(
    farm: FeedFarm, tmp_path: Path
) -> None:
    # one document read at once, and that one held: every feed is fetched meanwhile, so a
    # server slow to answer would be waiting too, not asked for once the others are read
    limits = FetchLimits(polls_at_once=1, fetches_at_once=4, polls_per_host=4)
    asked, errors = await poll_while_reading_is_held(farm, tmp_path, limits, 30)
    assert asked == 30
    assert errors == [None] * 30


async def test_fetching_waits_once_the_documents_not_yet_read_reach_the_bytes_allowed(
    farm: FeedFarm, tmp_path: Path
) -> None:
    # a farm document is a few hundred bytes: 1,000 bytes allow a few ahead of the reading
    limits = FetchLimits(polls_at_once=1, fetches_at_once=2, polls_per_host=2, bytes_ahead=1000)
    asked, errors = await poll_while_reading_is_held(farm, tmp_path, limits, 30)
    assert 2 <= asked < 10
    assert errors == [None] * 30


class AskedBeforeReading(InThreads):
    """Reads documents as ``InThreads`` does, noting how many feeds the farm had been asked
    for when the first document was read."""

    def __init__(self, farm: FeedFarm) -> None:
        super().__init__(MarkerExtractor())
        self.farm = farm
        self.asked_at_first: int | None = None

    def _note(self) -> None:
        if self.asked_at_first is None:
            self.asked_at_first = self.farm.requests

    async def parse(self, feed: str, body: bytes, headers: Mapping[str, str]) -> list[Entry]:
        self._note()
        return await super().parse(feed, body, headers)

    async def read(
        self,
        feed: str,
        body: bytes,
        headers: Mapping[str, str],
        now: datetime,
        known: Mapping[str, str | None],
    ) -> Reading:
        self._note()
        return await super().read(feed, body, headers, now, known)


async def test_every_feed_is_asked_for_before_the_first_document_is_read(
    farm: FeedFarm, tmp_path: Path
) -> None:
    # the last feed listed is slow to answer, which a first cycle cannot know: every fetch
    # starts before any reading takes the loop's time, so its wait overlaps the reading
    # (the last few handed out may not have reached the farm yet)
    farm.slow["39"] = 0.5
    limits = farm_limits(at_once=2, per_host=4, fetches=4)
    store = Store.open(tmp_path / "store.sqlite3")
    work = AskedBeforeReading(farm)
    try:
        async with make_client(limits) as client:
            watcher = make_watcher(store, client)
            watcher.limits, watcher.work = limits, work
            results = await watcher.poll_all(farm.feeds(40))
    finally:
        store.close()
    assert work.asked_at_first is not None
    assert work.asked_at_first >= 40 - limits.fetches_at_once
    assert [r.error for r in results] == [None] * 40


class BodiesHeld(HeldReading):
    """``HeldReading`` that also counts the bytes of the documents waiting in it: with more
    readers than documents, what has been fetched and not yet read."""

    def __init__(self) -> None:
        super().__init__()
        self.holding = 0
        self.most_held = 0

    async def read(
        self,
        feed: str,
        body: bytes,
        headers: Mapping[str, str],
        now: datetime,
        known: Mapping[str, str | None],
    ) -> Reading:
        self.holding += len(body)
        self.most_held = max(self.most_held, self.holding)
        try:
            return await super().read(feed, body, headers, now, known)
        finally:
            self.holding -= len(body)


@pytest.mark.parametrize("chunked", [False, True], ids=["with Content-Length", "chunked"])
async def test_the_bytes_fetched_ahead_of_reading_stay_within_those_allowed(
    farm: FeedFarm, tmp_path: Path, chunked: bool
) -> None:
    # Eight fetches at once, every document held before it is read: the bodies kept in
    # memory stay within the 1,000 bytes allowed (a body alone may pass it), where eight
    # fetches that all started with nothing held used to read all eight bodies.
    farm.chunked = chunked
    size = len(rss(("0-1", "News", "item 0 version 1 [IND-RUS: strategic partnership]")))
    limits = FetchLimits(polls_at_once=30, fetches_at_once=8, polls_per_host=8, bytes_ahead=1000)
    store = Store.open(tmp_path / "store.sqlite3")
    work = BodiesHeld()
    try:
        async with make_client(limits) as client:
            watcher = make_watcher(store, client)
            watcher.limits, watcher.work = limits, work
            polling = asyncio.create_task(watcher.poll_all(farm.feeds(30)))
            asked = -1
            while asked != farm.requests:  # until the farm has been asked for nothing more
                asked = farm.requests
                await asyncio.sleep(0.5)
            held_while_waiting = work.most_held
            work.open.set()
            async with asyncio.timeout(30):
                results = await polling
    finally:
        store.close()
    assert size < 1000 < 8 * size
    assert 0 < held_while_waiting <= 1000
    assert [r.error for r in results] == [None] * 30
    assert sum(r.new_entries for r in results) == 30


def _cycle_tasks() -> list[asyncio.Task[object]]:
    """The poll cycle's fetchers and readers still running."""
    return [
        t
        for t in asyncio.all_tasks()
        if not t.done() and "_pipeline" in getattr(t.get_coro(), "__qualname__", "")
    ]


async def test_a_caller_that_stops_early_stops_the_cycles_fetches_with_it(
    farm: FeedFarm, tmp_path: Path
) -> None:
    # every feed but the first hangs: the cycle has fetches in flight when the caller stops
    for n in range(1, 20):
        farm.held[str(n)] = asyncio.Event()
    feeds = farm.feeds(20)
    store = Store.open(tmp_path / "store.sqlite3")
    limits = farm_limits(at_once=4, per_host=4)
    try:
        async with make_client(limits) as client:
            watcher = make_watcher(store, client)
            watcher.limits = limits
            async with contextlib.aclosing(watcher.poll_each(feeds)) as results:
                async for result in results:
                    assert result.feed == "feed 0"
                    assert _cycle_tasks()  # the others are being fetched
                    break
            # stopped with the caller, not later when the generator is collected: a
            # worker lets its claim on the feeds go right after this
            assert _cycle_tasks() == []
    finally:
        store.close()


async def test_documents_are_read_while_every_fetcher_waits_on_a_server_that_does_not_answer(
    farm: FeedFarm, tmp_path: Path
) -> None:
    # two fetchers, both stuck on servers that hold their answers while a feed is left: the
    # front of fetches cannot pass, and the document already fetched is read meanwhile
    hung = {number: asyncio.Event() for number in ("1", "2", "3")}
    farm.held.update(hung)
    limits = farm_limits(at_once=2, per_host=4, fetches=2)
    store = Store.open(tmp_path / "store.sqlite3")
    first: list[str] = []
    try:
        async with make_client(limits) as client:
            watcher = make_watcher(store, client)
            watcher.limits = limits

            async def poll() -> list[str | None]:
                errors = []
                async for result in watcher.poll_each(farm.feeds(4)):
                    if not first:
                        # the servers still hold their answers when the first result comes
                        first.append(result.feed)
                        assert not any(event.is_set() for event in hung.values())
                        for event in hung.values():
                            event.set()
                    errors.append(result.error)
                return errors

            # a bound on waiting, not on speed: without reading, the first result would
            # come only once the held answers time out
            errors = await asyncio.wait_for(poll(), timeout=limits.deadline / 2)
    finally:
        store.close()
    assert first == ["feed 0"]
    assert errors == [None] * 4
