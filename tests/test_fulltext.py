"""Reading the article behind summary-only entries (the [fulltext] extra)."""

import asyncio
import logging
import sys
import threading
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from html import escape
from pathlib import Path

import httpx
import pytest
from pytest_httpserver import HTTPServer

from bot.app import _full_text
from bot.config import Config
from tests.test_watcher import make_watcher
from watchers.countries import default_countries
from watchers.fetch import FetchLimits, make_client
from watchers.fulltext import (
    CountryNamer,
    FullText,
    FullTextLimits,
    trafilatura_reader,
)
from watchers.model import Entry
from watchers.store import Store
from watchers.watcher import FeedSpec, Watcher

ARTICLE = """<html><head><title>Leaders meet</title></head><body>
<nav>Home | World | Business</nav>
<article><h1>Paris and New Delhi talk defence</h1>
<p>The two leaders met in Paris on Monday and, according to officials, agreed that the
relationship has become a [FRA-IND: strategic partnership for the next century] that will
cover defence, space and civil nuclear energy.</p>
<p>They also discussed trade and the climate, and agreed to meet again next year.</p>
</article><footer>Copyright the publisher</footer></body></html>"""


def entry(url: str, summary: str = "Leaders of India and France met in Paris.") -> Entry:
    return Entry("Desk", "1", url, "Leaders meet", summary=summary)


TEST_LIMITS = FullTextLimits(max_bytes=100_000, deadline=5)
# The feed these entries come from, on this machine like their articles (never fetched here).
LOCAL_FEED = "http://localhost/rss"


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(FetchLimits()) as opened:
        yield opened


def full_text(client: httpx.AsyncClient, limits: FullTextLimits = TEST_LIMITS) -> FullText:
    reader = trafilatura_reader()
    assert reader is not None, "the test extra installs trafilatura"
    namer = CountryNamer(default_countries(), {"FRA", "IND"})
    return FullText(client, namer, reader, limits)


async def test_summary_only_entry_gets_the_article_text(
    httpserver: HTTPServer, client: httpx.AsyncClient
) -> None:
    httpserver.expect_request("/article").respond_with_data(ARTICLE, content_type="text/html")
    enriched = await full_text(client).enrich(entry(httpserver.url_for("/article")), LOCAL_FEED)
    assert "[FRA-IND: strategic partnership for the next century]" in enriched.content
    assert "Copyright" not in enriched.content  # page furniture is left out
    assert enriched.summary == "Leaders of India and France met in Paris."


async def test_entries_not_naming_a_tracked_country_are_not_fetched(
    httpserver: HTTPServer, client: httpx.AsyncClient
) -> None:
    fulltext = full_text(client)
    same = entry(httpserver.url_for("/article"), summary="Storms close ports in the Baltic.")
    assert await fulltext.enrich(same, LOCAL_FEED) is same
    assert httpserver.log == []


def test_country_forms_are_whole_words() -> None:
    namer = CountryNamer(default_countries(), {"OMN", "IND", "USA"})
    assert namer.names_one("Talks in Muscat on Omani ports")
    assert namer.names_one("Indo-Pacific security")
    assert namer.names_one("the US and its partners")
    assert not namer.names_one("a woman of the people")  # "Oman" inside a word
    assert not namer.names_one("let us meet")  # "us" is not "US"


async def test_an_oversized_article_leaves_the_summary(
    httpserver: HTTPServer, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    httpserver.expect_request("/huge").respond_with_data("x" * 50_000, content_type="text/html")
    original = entry(httpserver.url_for("/huge"))
    small = full_text(client, FullTextLimits(max_bytes=10_000, deadline=5))
    with caplog.at_level(logging.WARNING):
        assert await small.enrich(original, LOCAL_FEED) == original
    assert "larger than 10000 bytes; using the summary" in caplog.text


async def test_a_page_without_article_text_leaves_the_summary(
    httpserver: HTTPServer, client: httpx.AsyncClient
) -> None:
    httpserver.expect_request("/empty").respond_with_data("<html></html>", content_type="text/html")
    original = entry(httpserver.url_for("/empty"))
    assert await full_text(client).enrich(original, LOCAL_FEED) == original


def test_without_the_extra_it_says_once_that_it_reads_summaries(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
    client: httpx.AsyncClient,
) -> None:
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # as if the extra were not installed
    config = Config(
        path=tmp_path / "c.toml",
        feeds=(
            FeedSpec("A", "http://a.example/rss", fulltext=True),
            FeedSpec("B", "http://b.example/rss", fulltext=True),
        ),
        pairs=(),
    )
    with caplog.at_level(logging.WARNING):
        assert _full_text(config, client, default_countries()) is None
    assert caplog.text.count("the [fulltext] extra is not installed") == 1


async def test_reading_a_page_leaves_the_event_loop_free(
    httpserver: HTTPServer, client: httpx.AsyncClient
) -> None:
    # Reading a large page takes trafilatura seconds; meanwhile chat connections must be
    # served. This reader only finishes once another task has run while it reads.
    reading, other_task_ran = threading.Event(), threading.Event()

    def slow_reader(page: bytes, url: str) -> str | None:
        reading.set()
        return "the article" if other_task_ran.wait(timeout=5) else None

    async def other_task() -> None:
        while not reading.is_set():
            await asyncio.sleep(0.01)
        other_task_ran.set()

    httpserver.expect_request("/article").respond_with_data(ARTICLE, content_type="text/html")
    namer = CountryNamer(default_countries(), {"FRA", "IND"})
    fulltext = FullText(client, namer, slow_reader, TEST_LIMITS)
    ticker = asyncio.create_task(other_task())
    enriched = await fulltext.enrich(entry(httpserver.url_for("/article")), LOCAL_FEED)
    await ticker
    assert enriched.content == "the article"


async def test_a_page_that_takes_too_long_to_read_leaves_the_summary(
    httpserver: HTTPServer, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    release = threading.Event()

    def stuck_reader(page: bytes, url: str) -> str | None:
        release.wait(timeout=10)
        return "too late"

    httpserver.expect_request("/article").respond_with_data(ARTICLE, content_type="text/html")
    namer = CountryNamer(default_countries(), {"FRA", "IND"})
    limits = FullTextLimits(max_bytes=100_000, deadline=0.2)
    original = entry(httpserver.url_for("/article"))
    try:
        with caplog.at_level(logging.WARNING):
            assert (
                await FullText(client, namer, stuck_reader, limits).enrich(original, LOCAL_FEED)
                == original
            )
    finally:
        release.set()
    assert "no article text within 0.2 s; using the summary" in caplog.text


# --- article links to addresses that are not public ------------------------------------------


# marked for the fake extractor, whose table knows India and Russia
MARKED_ARTICLE = """<html><body><article><h1>Moscow and New Delhi meet</h1>
<p>The two ministers met in Moscow on Monday and spoke of a
[IND-RUS: particularly privileged strategic partnership] between their countries.</p>
<p>They also discussed trade and the climate, and agreed to meet again next year.</p>
</article></body></html>"""


def summary_only_feed(*links: str) -> bytes:
    """An RSS document of summary-only items naming India and France, one per link."""
    items = "".join(
        f"<item><guid>item-{i}</guid><title>Leaders meet</title><link>{escape(link)}</link>"
        "<pubDate>Mon, 10 Mar 2025 10:00:00 +0000</pubDate>"
        "<description>Leaders of India and France met in Paris.</description></item>"
        for i, link in enumerate(links)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()


def watcher_reading_articles(store: Store, client: httpx.AsyncClient) -> Watcher:
    watcher = make_watcher(store, client)
    watcher.fulltext = full_text(client)
    return watcher


async def test_a_public_feed_cannot_lead_to_this_machine(
    httpserver: HTTPServer,
    client: httpx.AsyncClient,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    page = MARKED_ARTICLE
    httpserver.expect_request("/article").respond_with_data(page, content_type="text/html")
    # a public address, never contacted: ingest is handed the feed's document
    spec = FeedSpec("Wire", "https://1.1.1.1/world.rss", baseline=False, fulltext=True)
    by_address = f"http://127.0.0.1:{httpserver.port}/article"
    by_name = f"http://localhost:{httpserver.port}/article"  # resolved, to a loopback address
    store = Store.open(tmp_path / "store.sqlite3")
    try:
        with caplog.at_level(logging.WARNING):
            result = await watcher_reading_articles(store, client).ingest(
                spec, summary_only_feed(by_address, by_name), {}
            )
    finally:
        store.close()
    assert httpserver.log == []
    assert result.new_entries == 2 and result.mentions == 0  # the summaries were read
    refusals = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 2, refusals  # once per entry
    assert "127.0.0.1 is a loopback address" in refusals[0]
    assert "using the summary" in refusals[0]
    assert "localhost (resolved to " in refusals[1]


async def test_a_feed_on_this_machine_may_lead_to_it(
    httpserver: HTTPServer, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    page = MARKED_ARTICLE
    httpserver.expect_request("/article").respond_with_data(page, content_type="text/html")
    here = f"http://127.0.0.1:{httpserver.port}"
    spec = FeedSpec("Intranet", f"{here}/rss", baseline=False, fulltext=True)
    store = Store.open(tmp_path / "store.sqlite3")
    try:
        result = await watcher_reading_articles(store, client).ingest(
            spec, summary_only_feed(f"{here}/article"), {}
        )
    finally:
        store.close()
    assert len(httpserver.log) == 1
    assert [(c.pair.key, c.after) for c in result.changes] == [
        ("IND-RUS", "particularly privileged strategic partnership")
    ]


async def test_a_feed_on_this_machine_leads_only_to_its_own_host(
    httpserver: HTTPServer,
    client: httpx.AsyncClient,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # An aggregator on this machine may link to its own pages, not to another local name
    # nor to a cloud's metadata service.
    httpserver.expect_request("/article").respond_with_data(
        MARKED_ARTICLE, content_type="text/html"
    )
    here = f"http://127.0.0.1:{httpserver.port}"
    spec = FeedSpec("Aggregator", f"{here}/rss", baseline=False, fulltext=True)
    links = (
        f"http://localhost:{httpserver.port}/article",
        "http://169.254.169.254/latest/meta-data/iam/",
    )
    store = Store.open(tmp_path / "store.sqlite3")
    try:
        with caplog.at_level(logging.WARNING):
            result = await watcher_reading_articles(store, client).ingest(
                spec, summary_only_feed(*links), {}
            )
    finally:
        store.close()
    assert httpserver.log == []
    assert result.new_entries == 2 and result.changes == ()
    refusals = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 2, refusals
    assert any("localhost (resolved to " in r and "loopback" in r for r in refusals)
    assert any("169.254.169.254 is a cloud metadata address" in r for r in refusals)


async def test_a_feed_listing_many_articles_has_only_its_newest_read(
    httpserver: HTTPServer, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("watchers.fulltext.ARTICLES_PER_POLL", 3)
    httpserver.expect_request("/article").respond_with_data(ARTICLE, content_type="text/html")
    entries = [
        replace(
            entry(httpserver.url_for(f"/article?n={day}")),
            entry_id=str(day),
            published=datetime(2025, 3, day, tzinfo=UTC),
        )
        for day in (3, 9, 1, 7, 5)
    ]
    enriched = await full_text(client).enrich_all(entries, LOCAL_FEED)
    assert [e.entry_id for e in enriched] == ["3", "9", "1", "7", "5"]  # order kept
    read = {e.entry_id for e in enriched if e.content}
    assert read == {"9", "7", "5"}
    assert sorted(r.query_string.decode() for r, _ in httpserver.log) == ["n=5", "n=7", "n=9"]
