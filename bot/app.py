"""The composition root: validates the config early, owns every resource (store, HTTP
client, scheduler, notifiers), and wires a poll's changes to where they are delivered."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Coroutine, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import httpx
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.chat.deliver import NotStarted
from bot.chat.store import ChatStore, config_hours, config_subscriptions, subscribed_read
from bot.chat.wiring import Chat, open_chat
from bot.config import Config, load_config
from bot.metrics import Metrics, MetricsServer
from bot.output import plural
from bot.platforms.console.printer import ConsolePrinter
from bot.store_lock import writing_alone
from watchers.countries import CountryTable, default_countries
from watchers.db import Params
from watchers.errors import ConfigError
from watchers.fetch import make_client
from watchers.fulltext import CountryNamer, FullText, trafilatura_reader
from watchers.ports import Clock, Extractor
from watchers.reading import InProcesses, InThreads
from watchers.store import Store
from watchers.watcher import FeedSpec, PollResult, Watcher

log = logging.getLogger(__name__)

DIGEST_CHECK_SECONDS = 60
"""How often ``run`` looks for digests that are due."""
CONFIG_CHECK_SECONDS = 30
"""How often ``run`` looks for an edited config file."""
STOP_GRACE_SECONDS = 10.0
"""How long ``run`` lets polls and deliveries in flight finish after SIGTERM or Ctrl-C; what
is still going then is cancelled, and its deliveries stay owed for the next start."""


class InFlight:
    """The jobs running now, so that a stop can let them finish (for a while)."""

    def __init__(self) -> None:
        self.tasks: set[asyncio.Task[object]] = set()

    def track(
        self, job: Callable[..., Awaitable[object]]
    ) -> Callable[..., Coroutine[object, object, object]]:
        """``job``, noting each run of it while it runs."""

        async def tracked(*args: object) -> object:
            task = asyncio.current_task()
            if task is None:
                return await job(*args)
            self.tasks.add(task)
            try:
                return await job(*args)
            finally:
                self.tasks.discard(task)

        return tracked

    async def settle(self, grace: float) -> int:
        """Wait up to ``grace`` seconds for the jobs in flight, then cancel the rest;
        returns how many were cancelled."""
        running = {t for t in self.tasks if t is not asyncio.current_task()}
        if not running:
            return 0
        _, pending = await asyncio.wait(running, timeout=grace)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        return len(pending)


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class SetClock:
    """A clock that says the time it was last set to: the demo's story, a replay's snapshots."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current


class ChatMode(StrEnum):
    """How much of the chat platforms a command opens."""

    OFF = "off"
    """Console only (demo, replay)."""
    SEND = "send"
    """Post and edit alerts through the platforms' REST APIs (``poll --once``)."""
    SERVE = "serve"
    """Also join Discord's gateway and Slack's socket to answer ``/watch`` (``run``)."""


class Watchlist:
    """Which pairs are watched: the config's, and any pair a chat channel subscribed to."""

    def __init__(self, keys: frozenset[str], subscriptions: ChatStore | None) -> None:
        self.keys = keys
        self.subscriptions = subscriptions

    def __call__(self, pair_key: str) -> bool:
        if pair_key in self.keys:
            return True
        return self.subscriptions is not None and bool(self.subscriptions.channels_for(pair_key))

    def watched_among(self, pair_keys: Collection[str]) -> dict[str, bool]:
        """Whether each of these pairs is watched, the subscriptions asked once for all."""
        asked = self._asked(pair_keys)
        subscribed = self.subscriptions.subscribed_among(asked) if self.subscriptions else set()
        return self._watched(pair_keys, subscribed)

    def watched_read(self, pair_keys: Collection[str]) -> tuple[str, Params] | None:
        """The read of the subscriptions that ``watched_among`` asks (see ``WatchesByRead``),
        for a caller to send on a connection of its own to the store's database."""
        asked = self._asked(pair_keys)
        if not asked or self.subscriptions is None:
            return None
        return subscribed_read(asked, self.subscriptions.connection.dialect)

    def watched_from(
        self, pair_keys: Collection[str], rows: Sequence[Sequence[object]]
    ) -> dict[str, bool]:
        """``watched_among``, given the rows of ``watched_read``'s read."""
        return self._watched(pair_keys, {str(r[0]) for r in rows})

    def _asked(self, pair_keys: Collection[str]) -> list[str]:
        """The pairs only the subscriptions can say are watched: those the config lacks."""
        return [key for key in pair_keys if key not in self.keys]

    def _watched(self, pair_keys: Collection[str], subscribed: Collection[str]) -> dict[str, bool]:
        return {key: key in self.keys or key in subscribed for key in pair_keys}


@dataclass
class App:
    """A running partnership-watch: one watcher and the places its changes go."""

    config: Config
    watcher: Watcher
    console: ConsolePrinter | None
    watchlist: Watchlist
    countries: CountryTable
    chat: Chat | None = None
    stop_grace: float = STOP_GRACE_SECONDS
    metrics: Metrics = field(default_factory=Metrics)

    async def poll_once(self, feeds: Sequence[FeedSpec] | None = None) -> list[PollResult]:
        """Poll every feed (or the given ones) once and deliver the changes."""
        results = []
        # Each feed is reported, and its new alerts delivered, as soon as it is done; later
        # sources of an alert wait for the end of the cycle, so that a posted alert is edited
        # once per cycle however many outlets confirm it meanwhile.
        async for result in self.watcher.poll_each(
            feeds if feeds is not None else self.config.feeds
        ):
            results.append(result)
            self._report(result)
            if result.changes and self.chat is not None:
                await self._route(new_only=True)
        if self.chat is not None:
            # The changes were stored unrouted with the entries that made them: routing them
            # from the store (not from the results) also picks up what an earlier run found
            # and died before routing. Later sources of alerts already routed go now, once.
            await self._route(new_only=False)
        await self.send_waiting()
        return results

    async def send_owed(self) -> None:
        """What earlier runs left owed goes out first, in order per channel."""
        if self.chat is not None:
            await self.chat.send_owed()

    async def send_waiting(self) -> None:
        """Retry the chat alerts that wait for a platform, then send the digests that are due."""
        if self.chat is not None:
            await self.chat.retry_waiting()
            await self.chat.flush_digests()

    def _report(self, result: PollResult) -> None:
        if result.error:
            return  # the watcher has logged it, naming the feed
        log.info(
            "feed %r: %s, %s, %s%s",
            result.feed,
            plural(result.new_entries, "new entry", "new entries"),
            plural(result.mentions, "mention"),
            plural(len(result.changes), "change"),
            " (not modified)" if result.not_modified else "",
        )
        if self.console is not None:
            for change in result.changes:
                self.console.send(change)

    async def _route(self, *, new_only: bool) -> None:
        assert self.chat is not None
        try:
            await self.chat.deliver_unrouted(new_only=new_only)
        except Exception:
            # a fault in routing must not stop the cycle; what was not routed stays owed
            log.exception("routing the new changes failed; they stay owed")

    def reload(self) -> bool:
        """Read the config file again and apply it; a broken edit is refused and logged.

        Feeds, pairs, subscriptions, limits and the alert rules change at once; the store,
        the chat platforms' settings and Discord webhooks need a restart.
        """
        try:
            new = load_config(self.config.path, self.countries)
        except ConfigError as e:
            lines = "\n".join(f"  {p}" for p in e.problems)
            log.error("config edit refused, still running on the previous one:\n%s", lines)
            return False
        restart = [
            name
            for name, old_value, new_value in (
                ("[store]", self.config.store_location, new.store_location),
                ("[discord]", self.config.discord, new.discord),
                ("[slack]", self.config.slack, new.slack),
                # Webhook senders are made at start, from the environment.
                ("[[subscriptions]] webhook_env", _webhooks(self.config), _webhooks(new)),
            )
            if old_value != new_value
        ]
        if restart:
            log.warning("changes to %s take effect after a restart", ", ".join(restart))
        self.config = new
        self.watchlist.keys = new.watched_keys()
        self.watcher.limits = new.fetch
        self.watcher.rules = new.alerts
        self.watcher.lexicon = new.lexicon
        if self.chat is not None:
            specs = config_subscriptions(new.subscriptions)
            self.chat.store.load_config(specs, now=self.watcher.clock.now())
            self.chat.store.load_config_hours(config_hours(new.subscriptions))
        log.info(
            "config reloaded: %s, %s, %s",
            plural(len(new.feeds), "feed"),
            plural(len(new.pairs), "pair"),
            plural(len(new.subscriptions), "subscription"),
        )
        return True

    async def run_forever(self, stop: asyncio.Event | None = None) -> None:
        """Poll each feed on its interval until SIGINT/SIGTERM (or ``stop``); SIGHUP or an
        edit of the config file reloads it."""
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        scheduler = AsyncIOScheduler(timezone=UTC)
        in_flight = InFlight()
        schedule = FeedSchedule(scheduler, in_flight.track(self.poll_once))
        schedule.apply(self.config.feeds)
        watcher = ConfigFileWatcher(self.config.path)

        def reload(forced: bool = False) -> None:
            if (watcher.changed() or forced) and self.reload():
                schedule.apply(self.config.feeds)

        async def check_config() -> None:
            # A coroutine, so the scheduler runs it in the event loop: a plain function would
            # go to a worker thread, where the store's SQLite connection may not be used.
            reload()

        loop.add_signal_handler(signal.SIGHUP, reload, True)
        scheduler.add_job(
            check_config,
            IntervalTrigger(seconds=CONFIG_CHECK_SECONDS, timezone=UTC),
            id="config",
            coalesce=True,
            max_instances=1,
        )
        if self.chat is not None:
            scheduler.add_job(
                in_flight.track(self.send_waiting),
                IntervalTrigger(seconds=DIGEST_CHECK_SECONDS, timezone=UTC),
                id="digests",
                coalesce=True,
                max_instances=1,
            )
        # What earlier runs left owed goes out first; the feeds' first polls start with it,
        # and their alerts line up behind it in each channel.
        owed = asyncio.create_task(in_flight.track(self.send_owed)())
        server = await self._serve_metrics()
        scheduler.start()
        log.info("watching %s; Ctrl-C to stop", plural(len(self.config.feeds), "feed"))
        try:
            await stop.wait()
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                loop.remove_signal_handler(sig)
            # Start nothing new, let what runs finish for a while; only then shut down (which
            # cancels the jobs still running).
            scheduler.pause()
            cancelled = await in_flight.settle(self.stop_grace)
            scheduler.shutdown(wait=False)
            if owed.done() and not owed.cancelled() and owed.exception() is not None:
                log.error("sending what was owed failed: %s", owed.exception())
            if cancelled:
                log.warning(
                    "stopped after %.0f s with %s still running, cancelled: what they "
                    "had not delivered stays owed and goes out first at the next start",
                    self.stop_grace,
                    plural(cancelled, "job"),
                )
            if server is not None:
                await server.close()
            log.info("stopped")

    async def _serve_metrics(self) -> MetricsServer | None:
        """Serve /metrics and /healthz when ``[metrics] bind`` is set."""
        if self.config.metrics.bind is None:
            return None
        store = self.watcher.store

        def healthy() -> bool:
            store.connection.execute("SELECT 1 FROM feed_state LIMIT 1").fetchall()
            return True

        server = MetricsServer(self.metrics, healthy)
        host, port = self.config.metrics.bind
        try:
            await server.start(host, port)
        except OSError as e:
            # The metrics are a window on the service, not the service: it goes on.
            log.error("metrics not served on %s:%s: %s", host, port, e)
            return None
        return server


def _time_polls(watcher: Watcher, metrics: Metrics) -> None:
    """Each poll of a feed counted and timed in the metrics."""
    watcher.observe = metrics.observe_poll


def _measure_chat(metrics: Metrics, chat: Chat, clock: Clock) -> None:
    """Delivery attempts, the outbox and the platforms, in the metrics."""
    chat.router.observe = metrics.observe_delivery
    metrics.watch_outbox(
        chat.store.owed,
        lambda: {k: not isinstance(n, NotStarted) for k, n in chat.router.notifiers.items()},
        clock.now,
    )


def _webhooks(config: Config) -> set[tuple[str, str]]:
    return {(s.channel, s.webhook_env) for s in config.subscriptions if s.webhook_env}


class FeedSchedule:
    """One interval job per feed; applying a new feed list touches only what changed."""

    def __init__(
        self,
        scheduler: AsyncIOScheduler,
        poll: Callable[[Sequence[FeedSpec]], Awaitable[object]],
    ) -> None:
        self.scheduler = scheduler
        self.poll = poll
        self.feeds: dict[str, FeedSpec] = {}

    def apply(self, feeds: Sequence[FeedSpec]) -> None:
        """Schedule new and changed feeds (polled at once), unschedule removed ones."""
        wanted = {f.name: f for f in feeds}
        for name in self.feeds.keys() - wanted.keys():
            self.scheduler.remove_job(f"feed:{name}")
        for name, feed in wanted.items():
            if self.feeds.get(name) == feed:
                continue  # unchanged: keep its place in the schedule
            self.scheduler.add_job(
                self.poll,
                IntervalTrigger(seconds=feed.poll_interval, timezone=UTC),
                args=[[feed]],
                id=f"feed:{name}",
                replace_existing=True,
                coalesce=True,
                max_instances=1,
                next_run_time=datetime.now(UTC),
            )
        self.feeds = wanted


class ConfigFileWatcher:
    """Notices edits of the config file (by modification time and size)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen = self._stamp()

    def _stamp(self) -> tuple[int, int] | None:
        try:
            info = self.path.stat()
        except OSError:
            return None  # a file being replaced may be missing for a moment
        return (info.st_mtime_ns, info.st_size)

    def changed(self) -> bool:
        """Whether the file differs from when last asked (a missing file is no change)."""
        stamp = self._stamp()
        if stamp is None or stamp == self.seen:
            return False
        self.seen = stamp
        return True


@asynccontextmanager
async def open_app(
    config: Config,
    *,
    extractor: Extractor,
    console: ConsolePrinter | None,
    chat: ChatMode = ChatMode.OFF,
    clock: Clock | None = None,
    countries: CountryTable | None = None,
) -> AsyncIterator[App]:
    """Open the store, HTTP client and chat platforms for a config; close them on exit.

    A store on SQLite is this process's alone while the app is open
    (``bot.store_lock``)."""
    with writing_alone(config.store_location):
        countries = countries or default_countries()
        clock = clock or SystemClock()
        store = Store.open(config.store_location)
        processes = config.fetch.reading_processes
        work = InProcesses(extractor, processes) if processes else InThreads(extractor)
        try:
            async with make_client(config.fetch) as client, AsyncExitStack() as stack:
                opened = None
                if chat is not ChatMode.OFF:
                    opened = await stack.enter_async_context(
                        open_chat(
                            config, store, countries, clock, serve_commands=chat is ChatMode.SERVE
                        )
                    )
                watchlist = Watchlist(config.watched_keys(), opened.store if opened else None)
                watcher = Watcher(
                    store=store,
                    extractor=extractor,
                    client=client,
                    clock=clock,
                    is_watched=watchlist,
                    limits=config.fetch,
                    rules=config.alerts,
                    lexicon=config.lexicon,
                    fulltext=_full_text(config, client, countries),
                    work=work,
                )
                app = App(config, watcher, console, watchlist, countries, opened)
                _time_polls(watcher, app.metrics)
                if opened is not None:
                    _measure_chat(app.metrics, opened, clock)
                yield app
        finally:
            work.close()
            store.close()


def _full_text(
    config: Config, client: httpx.AsyncClient, countries: CountryTable
) -> FullText | None:
    """The article reader for feeds marked ``fulltext``, or None (said once) without the extra."""
    wanting = [f.name for f in config.feeds if f.fulltext]
    if not wanting:
        return None
    reader = trafilatura_reader()
    if reader is None:
        log.warning(
            "%s for full text, but the [fulltext] extra is not installed "
            "(pip install 'partnership-watch[fulltext]'); reading their summaries only",
            "1 feed asks" if len(wanting) == 1 else f"{len(wanting)} feeds ask",
        )
        return None
    codes = {code for key in config.watched_keys() for code in key.split("-")}
    return FullText(client, CountryNamer(countries, codes), reader, config.fulltext)
