"""Distributed mode with real processes: ``partnership-watch worker`` on a real PostgreSQL, a
local feed farm, and the fake Discord REST API taking the posts.

Three feeds carry one syndicated story. However the workers share the polls, each channel is
posted the alert once (later copies edit it); and a worker killed in the middle of a poll
has that poll done by another worker, the alert still posted once. Polls go in batches of
feeds, one job each: hundreds of feeds are each polled once, a batch of a killed worker is
done again by another, and two workers never poll one feed at the same time.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import procrastinate
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from bot.config import load_config
from bot.distributed import due_feeds, run_gateway
from tests.databases import fresh_postgres
from tests.fake_discord import FakeDiscord
from tests.fake_slack import APP_TOKEN, BOT_TOKEN, FakeSlack
from tests.feeds import rss
from watchers.countries import default_countries

pytestmark = pytest.mark.postgres

CHANNELS = ("1200000000000000042", "1200000000000000043")
STORY = (
    "Russian Foreign Minister Sergey Lavrov said on Monday that Moscow and New Delhi are bound "
    "by a particularly privileged strategic partnership."
)
POSTS = r"/channels/(\d+)/messages"


@pytest.fixture
def farm() -> Iterator[HTTPServer]:
    """The feed farm, answering requests at once (several workers ask together)."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def database() -> Iterator[str]:
    with fresh_postgres() as url:
        yield url


def write_config(tmp_path: Path, url: str, feeds: dict[str, str], discord: str) -> Path:
    path = tmp_path / "watchlist.toml"
    listed = "".join(f'[[feeds]]\nname = "{n}"\nurl = "{u}"\n\n' for n, u in feeds.items())
    path.write_text(
        f"""
[defaults]
baseline = false
read_timeout = 30
deadline = 60

[store]
url = "{url}"

{listed}
[[subscriptions]]
platform = "discord"
channel = "{CHANNELS[0]}"
pairs = [["India", "Russia"]]

[[subscriptions]]
platform = "discord"
channel = "{CHANNELS[1]}"
pairs = [["Russia", "India"]]

[discord]
api_base = "{discord}"
""",
        encoding="utf-8",
    )
    return path


class Workers:
    """Worker processes of the real command line, each logging to a file."""

    def __init__(self, config: Path, logs: Path, token: str | None) -> None:
        self.config = config
        self.token = token
        self.logs = logs
        self.processes: list[asyncio.subprocess.Process] = []

    async def start(
        self, concurrency: int = 2, feeds_per_job: int = 8
    ) -> asyncio.subprocess.Process:
        number = len(self.processes)
        log = (self.logs / f"worker-{number}.log").open("wb")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        if self.token is not None:
            env["DISCORD_TOKEN"] = self.token
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "-v",
            "--config",
            str(self.config),
            "worker",
            "--concurrency",
            str(concurrency),
            "--heartbeat",
            "1",
            "--feeds-per-job",
            str(feeds_per_job),
            env=env,
            stdout=log,
            stderr=log,
        )
        log.close()
        self.processes.append(process)
        return process

    def output(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')}"
            for p in sorted(self.logs.glob("worker-*.log"))
        )

    async def stop(self) -> None:
        for process in self.processes:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                await asyncio.wait_for(process.wait(), 20)
            except TimeoutError:
                process.kill()
                await process.wait()


@pytest.fixture
async def workers(tmp_path: Path) -> AsyncIterator[list[Workers]]:
    made: list[Workers] = []
    yield made
    for w in made:
        await w.stop()


def posts_per_channel(discord: FakeDiscord) -> dict[str, int]:
    counts = dict.fromkeys(CHANNELS, 0)
    for request in discord.sent("POST", POSTS):
        channel = request.path.split("/")[2]
        counts[channel] = counts.get(channel, 0) + 1
    return counts


async def settled(url: str, feeds: int) -> bool:
    """Every feed polled, no job of polling or delivery left to run, and nothing owed."""
    import psycopg

    async with await psycopg.AsyncConnection.connect(url) as connection:
        polled = await (
            await connection.execute(
                "SELECT count(*) FROM feed_state WHERE last_error IS NULL "
                "AND last_polled_at IS NOT NULL"
            )
        ).fetchone()
        pending = await (
            await connection.execute(
                "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing') "
                "AND task_name IN ('pw.poll', 'pw.poll_batch', 'pw.deliver')"
            )
        ).fetchone()
        # a delivery another worker's retry had the channel for waits for the next round
        owed = await (await connection.execute("SELECT count(*) FROM chat_retries")).fetchone()
    assert polled is not None and pending is not None and owed is not None
    return bool(polled[0] == feeds and pending[0] == 0 and owed[0] == 0)


async def wait_until_settled(url: str, feeds: int, w: Workers, timeout: float = 90) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            if await settled(url, feeds):
                return
        except Exception:  # the workers may not have made the tables yet
            pass
        if loop.time() > deadline:
            raise AssertionError(f"the workers did not settle in {timeout} s\n{w.output()}")
        await asyncio.sleep(0.5)


async def test_three_workers_post_a_syndicated_change_once_per_channel(
    tmp_path: Path,
    farm: HTTPServer,
    discord_api: FakeDiscord,
    database: str,
    workers: list[Workers],
) -> None:
    names = ("wire-a", "wire-b", "wire-c")
    # Each worker takes one feed (a job polls one); the farm answers when all three have
    # asked, so the three read the story and decide on the pair at the same moment.
    together = threading.Barrier(len(names), timeout=30)

    def answer(name: str) -> Callable[[Request], Response]:
        def handler(request: Request) -> Response:
            with contextlib.suppress(threading.BrokenBarrierError):
                together.wait()
            # the same story, under each outlet's own id and link, as syndication delivers it
            body = rss((f"{name}-1", "Lavrov on India", STORY))
            return Response(body, mimetype="application/rss+xml")

        return handler

    feeds = {}
    for name in names:
        farm.expect_request(f"/{name}.xml").respond_with_handler(answer(name))
        feeds[name] = farm.url_for(f"/{name}.xml")
    config = write_config(tmp_path, database, feeds, discord_api.api_base)
    w = Workers(config, tmp_path, discord_api.token)
    workers.append(w)
    for _ in names:
        await w.start(concurrency=1, feeds_per_job=1)

    await wait_until_settled(database, len(feeds), w)

    assert posts_per_channel(discord_api) == dict.fromkeys(CHANNELS, 1), w.output()
    # the other outlets' copies became sources of that one alert, shown by editing it
    edits = discord_api.sent("PATCH", r"/channels/\d+/messages/\d+")
    assert {r.path.split("/")[2] for r in edits} <= set(CHANNELS)


def test_due_feeds_are_those_whose_interval_has_passed() -> None:
    from datetime import UTC, datetime, timedelta

    from watchers.watcher import FeedSpec

    now = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
    hourly = FeedSpec("hourly", "http://a.example/", poll_interval=3600)
    quarter = FeedSpec("quarter", "http://b.example/", poll_interval=900)
    new = FeedSpec("new", "http://c.example/", poll_interval=900)
    last: dict[str, Any] = {
        "hourly": now - timedelta(minutes=30),
        "quarter": now - timedelta(minutes=15),
    }
    assert [f.name for f in due_feeds([hourly, quarter, new], last, now)] == ["quarter", "new"]
    # a tick a few seconds early still finds the feed due, rather than a whole tick later
    last["quarter"] = now - timedelta(minutes=15) + timedelta(seconds=3)
    assert [f.name for f in due_feeds([quarter], last, now)] == ["quarter"]


def test_a_worker_on_a_sqlite_store_says_it_needs_postgresql(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    config = tmp_path / "watchlist.toml"
    config.write_text(
        f'[store]\npath = "{tmp_path / "s.sqlite3"}"\n[[feeds]]\nname = "a"\nurl = "http://a.example/"\n',
        encoding="utf-8",
    )
    assert main(["--config", str(config), "worker"]) == 1
    assert "workers share a PostgreSQL store: set [store] url" in capsys.readouterr().err


def test_a_change_no_poll_dispatched_is_found_until_it_is(database: str) -> None:
    """What a worker killed between remembering a change and deferring its deliveries left."""
    from dataclasses import replace
    from datetime import UTC, datetime, timedelta

    from bot.distributed import Dispatches
    from tests.fakes import pair
    from watchers.diff import word_diff
    from watchers.model import Change, ChangeKind, Source
    from watchers.store import Store

    now = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
    store = Store.open(database)
    dispatches = Dispatches(store.connection, now - timedelta(hours=1))
    after = "particularly privileged strategic partnership"
    change = Change(
        pair=pair("IND", "RUS"),
        kind=ChangeKind.NEW,
        before=None,
        after=after,
        diff=word_diff(None, after),
        quote=STORY,
        sources=(Source("wire-a", "http://news.example/1", "Lavrov on India", None),),
        detected_at=now - timedelta(minutes=5),
    )
    change_id = str(store.record_change(change))
    assert dispatches.undispatched(now) == [(change_id, "IND-RUS")]
    dispatches.mark(change_id, 0, now)
    assert dispatches.undispatched(now) == []
    # a later source makes a new revision, which needs its own dispatch
    update = replace(change, change_id=change_id, revision=1)
    store.update_change(update, now - timedelta(minutes=2))
    assert dispatches.undispatched(now) == [(change_id, "IND-RUS")]
    # a change made before the workers first started (by `run`) is not theirs to dispatch
    older = replace(change, detected_at=now - timedelta(hours=2))
    store.record_change(older)
    assert dispatches.undispatched(now) == [(change_id, "IND-RUS")]
    store.close()


async def test_a_channel_subscribed_through_the_gateway_is_alerted_by_a_worker(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    slack_api: FakeSlack,
    farm: HTTPServer,
    database: str,
    workers: list[Workers],
) -> None:
    """The gateway holds Slack's socket and takes /watch; a worker polls and posts."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_APP_TOKEN", APP_TOKEN)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    slack_api.add_channel("C0DESK")
    slack_api.add_user("U0ADMIN", admin=True)
    text = (
        "Vietnam and the United States upgraded their ties to a "
        "comprehensive strategic partnership."
    )
    farm.expect_request("/desk.xml").respond_with_data(
        rss(("1", "Hanoi talks", text)), content_type="application/rss+xml"
    )
    path = tmp_path / "watchlist.toml"
    path.write_text(
        f"""
[defaults]
baseline = false
[store]
url = "{database}"
[[feeds]]
name = "Desk"
url = "{farm.url_for("/desk.xml")}"
[slack]
api_base = "{slack_api.api_base}"
""",
        encoding="utf-8",
    )
    stop = asyncio.Event()
    gateway = asyncio.create_task(run_gateway(load_config(path, default_countries()), stop))
    command = {
        "team_id": "T0FAKE",
        "channel_id": "C0DESK",
        "channel_name": "desk",
        "user_id": "U0ADMIN",
        "user_name": "admin",
        "command": "/watch",
        "text": "add US Viet Nam",
        "api_app_id": "A0APP",
        "response_url": slack_api.response_url("add"),
        "trigger_id": "1.2.3",
    }
    await slack_api.send_envelope("slash_commands", command, timeout=30)
    answer = await slack_api.wait_for_response("add", timeout=30)
    assert "now watches United States–Vietnam" in answer["text"]

    w = Workers(path, tmp_path, None)
    workers.append(w)
    await w.start()
    await wait_until_settled(database, 1, w)
    stop.set()
    await gateway

    (alert,) = slack_api.posted("C0DESK")
    assert alert.blocks[0]["text"]["text"] == "United States–Vietnam: new descriptor"


class Farm:
    """Feeds answered by a handler that counts each feed's requests, and how many of one
    feed were in flight at once at most."""

    def __init__(self, server: HTTPServer, delay: float = 0.0) -> None:
        self.server = server
        self.delay = delay
        self.requests: dict[str, int] = {}
        self.in_flight: dict[str, int] = {}
        self.most_at_once: dict[str, int] = {}
        self._lock = threading.Lock()
        server.expect_request(re.compile(r"/f/[\w-]+\.xml")).respond_with_handler(self.answer)

    def url(self, name: str) -> str:
        return self.server.url_for(f"/f/{name}.xml")

    def answer(self, request: Request) -> Response:
        name = request.path.rsplit("/", 1)[1].removesuffix(".xml")
        with self._lock:
            self.requests[name] = self.requests.get(name, 0) + 1
            self.in_flight[name] = self.in_flight.get(name, 0) + 1
            self.most_at_once[name] = max(self.most_at_once.get(name, 0), self.in_flight[name])
        try:
            if self.delay:
                time.sleep(self.delay)
            body = rss((f"{name}-1", f"Weather in {name}", "Rain is expected on the coast."))
            return Response(body, mimetype="application/rss+xml")
        finally:
            with self._lock:
                self.in_flight[name] -= 1


async def test_five_hundred_feeds_in_batches_are_each_polled_once(
    tmp_path: Path,
    farm: HTTPServer,
    discord_api: FakeDiscord,
    database: str,
    workers: list[Workers],
) -> None:
    feeds = Farm(farm)
    names = [f"site-{n}" for n in range(500)]
    config = write_config(
        tmp_path, database, {n: feeds.url(n) for n in names}, discord_api.api_base
    )
    w = Workers(config, tmp_path, discord_api.token)
    workers.append(w)
    await w.start(concurrency=4)
    await w.start(concurrency=4)

    await wait_until_settled(database, len(names), w, timeout=120)

    assert feeds.requests == dict.fromkeys(names, 1), w.output()
    # a job polled several feeds: far fewer poll jobs ran than feeds were polled
    started = re.findall(r"Starting job pw\.poll_batch\[\d+\]", w.output())
    assert 0 < len(started) <= len(names) // 4, w.output()


async def test_a_batch_of_a_killed_worker_is_done_by_another_with_nothing_lost_or_twice(
    tmp_path: Path,
    farm: HTTPServer,
    discord_api: FakeDiscord,
    database: str,
    workers: list[Workers],
) -> None:
    asked = threading.Event()
    release = threading.Event()

    def wire(request: Request) -> Response:
        return Response(rss(("wire-1", "Lavrov on India", STORY)), mimetype="application/rss+xml")

    def slow(request: Request) -> Response:
        asked.set()
        release.wait(60)  # the first worker is killed while it waits for this answer
        return Response(rss(("slow-1", "Lavrov on India", STORY)), mimetype="application/rss+xml")

    quiet = Farm(farm)
    farm.expect_request("/wire.xml").respond_with_handler(wire)
    farm.expect_request("/slow.xml").respond_with_handler(slow)
    # one host, one job: its feeds are fetched one after another, in this order, so the
    # quiet feeds are asked for only once the slow one has answered
    listed = {
        "wire": farm.url_for("/wire.xml"),
        "slow": farm.url_for("/slow.xml"),
        "quiet-1": quiet.url("quiet-1"),
        "quiet-2": quiet.url("quiet-2"),
    }
    config = write_config(tmp_path, database, listed, discord_api.api_base)
    w = Workers(config, tmp_path, discord_api.token)
    workers.append(w)
    first = await w.start(concurrency=1)
    assert await asyncio.to_thread(asked.wait, 60), w.output()
    assert "pw.poll_batch" in w.output()

    first.kill()  # mid-batch: no goodbye, no heartbeat any more
    await first.wait()
    release.set()
    await w.start(concurrency=1)

    await wait_until_settled(database, len(listed), w)
    assert "goes back in the queue" in w.output()
    # every feed polled, the feeds after the kill too, and the story posted once per channel
    assert quiet.requests == {"quiet-1": 1, "quiet-2": 1}, w.output()
    assert posts_per_channel(discord_api) == dict.fromkeys(CHANNELS, 1), w.output()


async def test_two_workers_never_poll_one_feed_at_once(
    tmp_path: Path,
    farm: HTTPServer,
    discord_api: FakeDiscord,
    database: str,
    workers: list[Workers],
) -> None:
    from bot import distributed

    feeds = Farm(farm, delay=1.0)
    names = ["shared", "a", "b", "c"]
    config = write_config(
        tmp_path, database, {n: feeds.url(n) for n in names}, discord_api.api_base
    )
    # Jobs waiting before the workers start, as a tick and an earlier version's tick may
    # leave them: two batches and a single-feed poll all name one feed.
    await asyncio.to_thread(distributed._ensure_queue_schema, database)
    connector = procrastinate.PsycopgConnector(conninfo=database)
    with distributed.jobs.replace_connector(connector) as queue:
        async with queue.open_async():
            await queue.job_manager.batch_defer_jobs_async(
                [
                    distributed.poll_batch.configure().make_new_job(feeds=["shared", "a"]),
                    distributed.poll_batch.configure().make_new_job(feeds=["shared", "b"]),
                    distributed.poll.configure(
                        lock="feed:shared", queueing_lock="poll:shared"
                    ).make_new_job(feed="shared"),
                    distributed.poll_batch.configure().make_new_job(feeds=["c", "shared"]),
                ]
            )
    w = Workers(config, tmp_path, discord_api.token)
    workers.append(w)
    await w.start(concurrency=2)
    await w.start(concurrency=2)

    await wait_until_settled(database, len(names), w)
    assert feeds.most_at_once["shared"] == 1, w.output()
    assert {n: feeds.requests[n] for n in ("a", "b", "c")} == {"a": 1, "b": 1, "c": 1}


def test_due_feeds_go_in_batches_slow_ones_first_then_by_host() -> None:
    from bot.distributed import batch_size, poll_batches
    from watchers.watcher import FeedSpec

    def feed(name: str, host: str) -> FeedSpec:
        return FeedSpec(name, f"http://{host}/{name}.xml")

    due = [
        feed("a1", "a.example"),
        feed("b1", "b.example"),
        feed("a2", "a.example"),
        feed("s1", "a.example"),
        feed("b2", "b.example"),
        feed("a3", "a.example"),
        feed("s2", "c.example"),
    ]
    slow = [due[6], due[3]]  # slowest first
    assert poll_batches(due, slow, 2) == [
        (["s2", "s1"], True),
        (["a1", "a2"], False),
        (["a3", "b1"], False),
        (["b2"], False),
    ]
    # a job's size fills the workers' job slots, within the most a job may take
    assert batch_size(1000, 2 * 16, 8) == 8
    assert batch_size(40, 2 * 16, 8) == 2
    assert batch_size(5, 2 * 16, 8) == 1
    assert batch_size(5, 0, 8) == 5


async def test_two_processes_sending_one_channels_line_post_the_alert_once(
    database: str, slack_api: FakeSlack
) -> None:
    """A worker's delivery and another worker's retry of what waits, on one channel at once.

    Each opens the store on its own connection, as two processes do. The first posts the
    alert and Slack is slow to answer; meanwhile the second retries the channel's owed
    line, where the alert still waits (it leaves the line only once the post is recorded).
    """
    from dataclasses import replace

    from bot.chat.deliver import Router
    from bot.chat.ports import Notifier
    from bot.chat.store import ChatStore
    from bot.platforms.pacing import ChannelPacer
    from bot.platforms.slack.delivery import SlackDelivery, make_web_client
    from bot.platforms.slack.platform import slack_notifier
    from tests.fakes import FakeClock, rewording
    from watchers.model import Pair
    from watchers.store import Store

    slack_api.add_channel("C0DESK")
    clock = FakeClock()
    change = rewording()
    stores = [Store.open(database), Store.open(database)]
    try:
        routers = []
        for store in stores:
            chat = ChatStore(store.connection)
            delivery = SlackDelivery(
                make_web_client(BOT_TOKEN, slack_api.api_base), pacer=ChannelPacer(interval=0)
            )
            notifiers: dict[str, Notifier] = {"slack": slack_notifier(delivery)}
            routers.append(Router(chat=chat, history=store, notifiers=notifiers, clock=clock))
        routers[0].chat.add("slack", "C0DESK", change.pair.key, now=clock.now())
        change = replace(change, change_id=str(stores[0].record_change(change)))

        def pair_of(key: str) -> Pair | None:
            return change.pair if key == change.pair.key else None

        slack_api.hold("chat.postMessage")
        first = asyncio.create_task(routers[0].deliver(change))
        await slack_api.wait_for_call("chat.postMessage")
        # the other worker's round of retries, while Slack has not answered the first post
        second = asyncio.create_task(routers[1].retry_waiting(pair_of))
        async with asyncio.timeout(10):
            while not second.done() and len(slack_api.calls_to("chat.postMessage")) < 2:
                await asyncio.sleep(0.01)
        slack_api.release("chat.postMessage")
        await asyncio.gather(first, second)
        await routers[1].retry_waiting(pair_of)  # and its next round: nothing owed now

        assert len(slack_api.calls_to("chat.postMessage")) == 1
        assert len(slack_api.posted("C0DESK")) == 1
        assert routers[1].chat.owed() == []
    finally:
        for store in stores:
            store.close()
