"""Config edits reach a running app: applied when valid, refused (and logged) when not."""

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import App, ChatMode, ConfigFileWatcher, FeedSchedule, open_app
from bot.chat.store import ChatStore
from bot.config import load_config
from tests.fakes import FakeClock, MarkerExtractor
from watchers.countries import default_countries
from watchers.watcher import FeedSpec

CONFIG = """
[store]
path = "{store}"

[[feeds]]
name = "Desk"
url = "http://desk.example/rss"

[watch]
pairs = [["India", "Russia"]]
"""


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    path = tmp_path / "watchlist.toml"
    path.write_text(CONFIG.replace("{store}", str(tmp_path / "s.sqlite3")), encoding="utf-8")
    config = load_config(path, default_countries())
    async with open_app(
        config, extractor=MarkerExtractor(), console=None, clock=FakeClock()
    ) as opened:
        yield opened


def edit(app: App, old: str, new: str) -> None:
    text = app.config.path.read_text(encoding="utf-8")
    app.config.path.write_text(text.replace(old, new), encoding="utf-8")


async def test_a_valid_edit_is_applied(app: App) -> None:
    assert not app.watcher.is_watched("CHN-RUS")
    edit(app, '["India", "Russia"]', '["India", "Russia"], ["China", "Russia"]')
    edit(app, 'name = "Desk"', 'name = "Wire"')
    assert app.reload()
    assert app.watcher.is_watched("CHN-RUS")
    assert [f.name for f in app.config.feeds] == ["Wire"]


async def test_a_broken_edit_is_refused_and_the_old_config_kept(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    edit(app, '["India", "Russia"]', '["India", "Rusia"]')
    with caplog.at_level(logging.ERROR):
        assert not app.reload()
    assert "config edit refused, still running on the previous one" in caplog.text
    assert "watch.pairs[0]: unknown country 'Rusia'" in caplog.text
    assert app.watcher.is_watched("IND-RUS")


async def test_a_store_move_waits_for_a_restart(
    app: App, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    edit(app, "s.sqlite3", "elsewhere.sqlite3")
    with caplog.at_level(logging.WARNING):
        assert app.reload()
    assert "changes to [store] take effect after a restart" in caplog.text


async def test_pairs_subscribed_from_chat_are_watched(tmp_path: Path) -> None:
    from bot.app import Watchlist
    from watchers.store import Store

    store = Store.open(tmp_path / "s.sqlite3")
    subscriptions = ChatStore(store.connection)
    watchlist = Watchlist(frozenset({"IND-RUS"}), subscriptions)
    assert not watchlist("USA-VNM")
    subscriptions.add("discord", "123", "USA-VNM", now=FakeClock().now())
    assert watchlist("USA-VNM") and watchlist("IND-RUS")
    # the watcher asks for a document's pairs at once; the answer is the same
    asked = ["IND-RUS", "USA-VNM", "CHN-RUS"]
    assert watchlist.watched_among(asked) == {"IND-RUS": True, "USA-VNM": True, "CHN-RUS": False}
    assert Watchlist(frozenset({"IND-RUS"}), None).watched_among(asked) == {
        "IND-RUS": True,
        "USA-VNM": False,
        "CHN-RUS": False,
    }
    store.close()


async def test_schedule_changes_only_what_the_edit_changed() -> None:
    scheduler = AsyncIOScheduler()
    polled: list[object] = []

    async def poll(feeds: object) -> None:
        polled.append(feeds)

    scheduler.start(paused=True)  # jobs are kept and replaced as in a running app
    schedule = FeedSchedule(scheduler, poll)
    a, b = FeedSpec("A", "http://a.example/rss"), FeedSpec("B", "http://b.example/rss")
    schedule.apply([a, b])
    first_a = scheduler.get_job("feed:A").next_run_time
    schedule.apply([a, FeedSpec("B", "http://b.example/rss", poll_interval=60)])
    assert scheduler.get_job("feed:A").next_run_time == first_a
    assert scheduler.get_job("feed:B").trigger.interval.total_seconds() == 60
    schedule.apply([a])
    assert scheduler.get_job("feed:B") is None
    scheduler.shutdown(wait=False)


def test_the_file_watcher_notices_edits(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("a = 1\n")
    watcher = ConfigFileWatcher(path)
    assert not watcher.changed()
    path.write_text("a = 22\n")
    assert watcher.changed()
    assert not watcher.changed()
    path.unlink()
    assert not watcher.changed()  # a file being replaced is not an edit yet


async def test_run_applies_an_edit_it_notices_by_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.setattr("bot.app.CONFIG_CHECK_SECONDS", 0.05)
    path = tmp_path / "watchlist.toml"
    text = CONFIG.replace("{store}", str(tmp_path / "s.sqlite3"))
    path.write_text(text.replace("http://desk.example/rss", "http://127.0.0.1:9/rss"))
    config = load_config(path, default_countries())
    stop = asyncio.Event()
    async with open_app(
        config, extractor=MarkerExtractor(), console=None, chat=ChatMode.SERVE, clock=FakeClock()
    ) as app:
        assert app.chat is not None
        running = asyncio.create_task(app.run_forever(stop))
        await asyncio.sleep(0)  # run_forever starts and waits for the stop
        with path.open("a", encoding="utf-8") as f:  # no SIGHUP: the file check finds it
            f.write('\n[[subscriptions]]\nplatform = "slack"\nchannel = "C1"\n')
            f.write('pairs = [["China", "Russia"]]\n')
        for _ in range(1000):  # a guard against hanging, not a timing assertion
            if app.chat.store.get("slack", "C1", "CHN-RUS") is not None:
                break
            await asyncio.sleep(0.01)
        stop.set()
        await running
        assert app.chat.store.get("slack", "C1", "CHN-RUS") is not None
        assert app.watcher.is_watched("CHN-RUS")


async def test_a_new_webhook_waits_for_a_restart(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    with app.config.path.open("a", encoding="utf-8") as f:
        f.write('\n[[subscriptions]]\nplatform = "discord"\nchannel = "1200000000000000009"\n')
        f.write('pairs = [["India", "Russia"]]\nwebhook_env = "PW_HOOK_DESK"\n')
    with caplog.at_level(logging.WARNING):
        assert app.reload()
    assert "changes to [[subscriptions]] webhook_env take effect after a restart" in caplog.text
