"""A posted alert is edited at most once per poll cycle, however many later sources arrive in
it (issue 10, point 8): nine outlets confirming a change in one cycle make one edit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from bot.app import App, Watchlist
from bot.chat.deliver import Router
from bot.chat.store import ChatStore
from bot.chat.wiring import Chat
from bot.config import Config
from tests.fakes import FakeClock, FakeNotifier, MarkerExtractor
from tests.feeds import rss
from watchers.countries import default_countries
from watchers.fetch import FetchLimits, make_client
from watchers.store import Store
from watchers.watcher import FeedSpec, Watcher

WORDS = "[IND-RUS: particularly privileged strategic partnership]"


@pytest.fixture
async def app_and_notifier(httpserver: HTTPServer) -> AsyncIterator[tuple[App, FakeNotifier]]:
    store = Store.open(":memory:")
    # one database, as open_chat has it: the chat tables next to the changes they route
    chat_store = ChatStore(store.connection)
    clock = FakeClock()
    chat_store.add("discord", "555", "IND-RUS", now=clock.now())
    notifier = FakeNotifier()
    router = Router(
        chat=chat_store,
        history=store,
        notifiers={"discord": notifier},
        clock=clock,
    )
    feeds = tuple(
        FeedSpec(name=f"outlet{i}", url=httpserver.url_for(f"/outlet{i}"), baseline=False)
        for i in range(9)
    )
    limits = FetchLimits(connect_timeout=10, read_timeout=10, deadline=20)
    async with make_client(limits) as client:
        watchlist = Watchlist(frozenset({"IND-RUS"}), chat_store)
        watcher = Watcher(
            store=store,
            extractor=MarkerExtractor(),
            client=client,
            clock=clock,
            is_watched=watchlist,
            limits=limits,
        )
        countries = default_countries()
        config = Config(Path("watchlist.toml"), feeds, ())
        app = App(config, watcher, None, watchlist, countries)
        app.chat = Chat(router, chat_store, countries)
        yield app, notifier
    store.close()


def serve(server: HTTPServer, outlets: range) -> None:
    server.clear()
    for i in range(9):
        items = [(f"story{i}", f"Outlet {i} on Moscow", WORDS)] if i in outlets else []
        server.expect_request(f"/outlet{i}").respond_with_data(rss(*items, title=f"o{i}"))


async def test_nine_confirming_outlets_in_one_cycle_edit_the_alert_once(
    app_and_notifier: tuple[App, FakeNotifier], httpserver: HTTPServer
) -> None:
    app, notifier = app_and_notifier
    serve(httpserver, range(1))
    await app.poll_once()
    assert len(notifier.posts) == 1 and notifier.updates == []

    serve(httpserver, range(9))
    results = await app.poll_once()
    assert sum(len(r.changes) for r in results) == 8  # eight updates decided...
    (update,) = [alert for _, _, alert in notifier.updates]  # ...one edit made
    assert len(update.sources) == 9 and update.revision == 8


async def test_an_alert_and_its_later_sources_in_one_cycle_are_one_post_and_one_edit(
    app_and_notifier: tuple[App, FakeNotifier], httpserver: HTTPServer
) -> None:
    # The alert goes out as soon as its feed is read and the other outlets wait for the end
    # of the cycle; on a busy machine all three may be read before the first post, and then
    # the post itself carries them and no edit is needed.
    app, notifier = app_and_notifier
    serve(httpserver, range(3))
    await app.poll_once()
    ((_, alert),) = notifier.posts
    assert len(notifier.updates) <= 1
    latest = notifier.updates[-1][2] if notifier.updates else alert
    assert len(latest.sources) == 3
    if notifier.updates:
        assert len(alert.sources) < 3
