"""Distributed mode: ``partnership-watch worker`` processes, any number on any machines, share
polling and delivery through Procrastinate's job queue in the PostgreSQL store.

The jobs, and what keeps each one from running twice:

- ``tick``, a periodic task every ``TICK_SECONDS``: Procrastinate defers it once per period
  however many workers run. It defers the feeds that are due (``due_feeds``) and not already
  waiting or running, in ``poll_batch`` jobs (``poll_batches``), and the deliveries of any
  change no poll dispatched (``undispatched``: a worker was killed between remembering a
  change and deferring its deliveries).
- ``poll_batch(feeds, slow)``: fetches, reads and remembers a few feeds, so that the queue's
  own round trips (taking and finishing a job) are paid once for them all. It takes each
  feed's lock (``Store.claim_feeds``, a PostgreSQL session lock, freed when the worker's
  connection ends) in the statement that reads their validators, and skips a feed another
  worker holds: two polls of one feed never run at once. The store decides on a pair under
  a per-pair lock, so two workers reading one syndicated story in two feeds make one change
  (and the later one an update of it). ``poll(feed)``, the single-feed job of earlier
  versions, still runs the same way: jobs queued before an upgrade are not lost.
- ``deliver(change, channel)``: routes the change, as it is when the job runs, to one
  channel. Its lock ``channel:<platform>:<channel>`` runs one channel's deliveries one at a
  time, in the order they were deferred, and ``PACE_SECONDS`` apart (the job holds the lock
  that long after a post); its queueing lock keeps one waiting per change and channel. What
  each channel got is in ``route_deliveries``, whose key (platform, channel, change) lets a
  later job see the alert is there: a change reaches a channel once, then only as edits.
- ``send_waiting``: retries the alerts a platform did not take, and sends digests that are due.
  It runs beside the deliveries, outside their channel locks: the router sends a channel's
  owed alerts only while it holds that channel in the store (``ChatStore.take_channel``, a
  session lock), so a retry never posts an alert a delivery is posting at the same moment.
- ``retry_stalled``: the jobs of a worker that stopped sending heartbeats (killed, or its
  machine lost) go back to the queue for another worker.

The chat connections (Discord's gateway, Slack's socket) live in one ``partnership-watch
gateway`` process; workers post and edit through the platforms' REST APIs.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued, UniqueViolation

from bot.app import CONFIG_CHECK_SECONDS, App, ChatMode, ConfigFileWatcher, open_app
from bot.chat.decide import Action, Channel
from bot.chat.history import pair_from_key
from bot.config import Config
from watchers import migrations
from watchers.db import Database
from watchers.errors import PartnershipWatchError, StoreError
from watchers.extraction import default_extractor
from watchers.store import Store
from watchers.watcher import FeedSpec, PollResult, host_of, slow_to_answer

log = logging.getLogger(__name__)

TICK_SECONDS = 10
"""How often the due feeds are deferred; a feed's poll interval is at least a minute."""
DUE_EARLY = timedelta(seconds=TICK_SECONDS / 2)
"""A feed this close to due is due: a tick a moment early does not skip a whole interval."""
PACE_SECONDS = 1.0
"""Posts to one channel are at least this far apart, whichever workers send them."""
DISPATCH_GRACE = timedelta(seconds=30)
"""A change its poll has not dispatched after this long is dispatched by the tick."""
DISPATCH_WINDOW = timedelta(hours=6)
"""How far back the tick looks for changes no poll dispatched."""
SWITCH_SECONDS = 0.0005
"""How long a thread may hold the interpreter's lock while another waits for it, in a worker.
Its event loop waits on PostgreSQL for each of a poll's few dozen statements; when an answer
came, a thread parsing another feed kept the lock for up to Python's default 5 ms before the
loop got it back, which made a worker's cold cycle over 1,000 feeds three times as long."""
DEFER_BATCH = 500
"""Poll jobs deferred by one statement: thousands of due feeds take a few round trips."""
FEEDS_PER_JOB = 32
"""Feeds polled by one job at most (``worker --feeds-per-job``). The queue's own work for a
job (taking it, finishing it) is paid once for its feeds: two workers' warm cycle of the
benchmark's farm took about a tenth (5,000 feeds) to a quarter (1,000) less CPU a feed in
jobs of 32 than of 8."""
DOCUMENT_CONNECTIONS = 4
"""Documents a worker remembers at once, each in a thread on a database connection of its
own. A document's transaction mostly waits on round trips (a cold one's thread ran for a
sixth of its time): with one connection, a worker's cold cycle over 500 feeds lasted as
long as its documents' transactions one after another, the rest of the worker waiting.
Documents naming the same pair still go in turn, across workers (``lock_pairs``); a
worker's documents that wait for the same pairs go together, in one transaction
(``watchers.watcher.DOCUMENTS_AT_ONCE``)."""
HEARTBEAT_SECONDS = 10.0
"""How often a worker says it is alive; one silent for three times as long is stalled."""

# The tasks are declared here, on an app without a database; a worker binds them to the
# store's PostgreSQL with ``App.with_connector``.
jobs = procrastinate.App(connector=procrastinate.PsycopgConnector())

# The dispatch marks live next to the store's tables, in the same database, and are created
# and upgraded like every store's (``watchers.migrations``). Jobs in flight are no state to
# export: ``bot.state`` leaves out the tables named ``dist_``.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE dist_dispatched (
        change_id INTEGER NOT NULL,
        revision INTEGER NOT NULL,
        dispatched_at TEXT NOT NULL,
        PRIMARY KEY (change_id, revision)
    );
    CREATE TABLE dist_meta (
        started_at TEXT NOT NULL
    )
    """,
)


def due_feeds(
    feeds: Sequence[FeedSpec], last_polled: Mapping[str, datetime], now: datetime
) -> list[FeedSpec]:
    """The feeds whose poll interval has passed since their last poll (or never polled)."""
    due = []
    for feed in feeds:
        last = last_polled.get(feed.name)
        if last is None or now - last >= timedelta(seconds=feed.poll_interval) - DUE_EARLY:
            due.append(feed)
    return due


class Dispatches:
    """Which (change, revision) had their deliveries deferred: the tick defers the rest."""

    def __init__(self, db: Database, now: datetime) -> None:
        self.db = db
        migrations.migrate(migrations.DatabaseLedger(db), "workers", MIGRATIONS)
        with db:
            db.lock("dist_meta")  # workers starting together: the first one's time is kept
            if db.execute("SELECT started_at FROM dist_meta").fetchone() is None:
                db.execute("INSERT INTO dist_meta (started_at) VALUES (?)", (now.isoformat(),))

    def mark(self, change_id: str, revision: int, now: datetime) -> None:
        """Note that a change's deliveries at this revision are deferred."""
        with self.db:
            self.db.execute(
                """INSERT OR IGNORE INTO dist_dispatched (change_id, revision, dispatched_at)
                   VALUES (?, ?, ?)""",
                (int(change_id), revision, now.isoformat()),
            )

    def undispatched(self, now: datetime) -> list[tuple[str, str]]:
        """Changes (id, pair key) updated lately by workers and never dispatched."""
        (started,) = self.db.execute("SELECT started_at FROM dist_meta").fetchone()
        since = max(datetime.fromisoformat(started), now - DISPATCH_WINDOW)
        rows = self.db.execute(
            """SELECT c.id, c.pair_key FROM changes AS c
               WHERE c.updated_at >= ? AND c.updated_at <= ? AND NOT EXISTS (
                 SELECT 1 FROM dist_dispatched AS d
                 WHERE d.change_id = c.id AND d.revision = c.revision)
               ORDER BY c.id""",
            (since.isoformat(), (now - DISPATCH_GRACE).isoformat()),
        ).fetchall()
        return [(str(r[0]), str(r[1])) for r in rows]


@dataclass
class Worker:
    """What a worker's jobs use: the config, the opened store, watcher and chat."""

    config: Config
    app: App
    queue: procrastinate.App
    dispatches: Dispatches
    heartbeat: float = HEARTBEAT_SECONDS
    concurrency: int = 4
    feeds_per_job: int = FEEDS_PER_JOB
    _feeds_of: Sequence[FeedSpec] | None = field(default=None, init=False, repr=False)
    _feeds: dict[str, FeedSpec] = field(default_factory=dict, init=False, repr=False)
    _polling: set[str] = field(default_factory=set, init=False, repr=False)
    """Feeds this process polls now: its jobs share one connection, whose session locks
    would let a second job of this process take a feed again."""

    @property
    def store(self) -> Store:
        return self.app.watcher.store

    def feed(self, name: str) -> FeedSpec | None:
        feeds = self.app.config.feeds
        if self._feeds_of is not feeds:  # the config was reloaded
            self._feeds_of, self._feeds = feeds, {f.name: f for f in feeds}
        return self._feeds.get(name)

    async def poll_feeds(self, names: Sequence[str], *, at_once: bool = False) -> None:
        """Poll the feeds no other job is polling, then defer the deliveries of what changed."""
        specs = [
            spec
            for name in dict.fromkeys(names)
            if name not in self._polling and (spec := self.feed(name)) is not None
        ]
        gone = [n for n in names if self.feed(n) is None]
        if gone:
            log.info("feeds %s are no longer in the config; not polled", ", ".join(map(repr, gone)))
        claimed = self.store.claim_feeds([s.name for s in specs])
        specs = [s for s in specs if s.name in claimed]
        if not specs:
            return
        self._polling.update(claimed)
        try:
            batch = self.app.watcher.poll_batch(specs, claimed, at_once=at_once, claimed=True)
            async with contextlib.aclosing(batch) as results:  # its last writes, at once
                async for result in results:
                    await self._polled(result)
        finally:
            self._polling.difference_update(claimed)
            try:
                self.store.release_feeds(list(claimed))
            except StoreError as e:  # a lost connection took its locks with it
                log.warning("could not free %d feeds: %s", len(claimed), e)

    async def _polled(self, result: PollResult) -> None:
        if result.error:
            return  # the watcher logged it, naming the feed; the next interval tries again
        log.info(
            "feed %r: %d new entries, %d mentions, %d changes%s",
            result.feed,
            result.new_entries,
            result.mentions,
            len(result.changes),
            " (not modified)" if result.not_modified else "",
        )
        for change in result.changes:
            assert change.change_id is not None
            await self.dispatch(change.change_id, change.pair.key)

    async def dispatch(self, change_id: str, pair_key: str) -> None:
        """Defer the delivery of a change to each channel watching its pair, then mark it."""
        now = self.app.watcher.clock.now()
        chat = self.app.chat
        pair = pair_from_key(self.app.countries, pair_key)
        change = self.store.change(change_id, pair) if pair else None
        if change is None:
            return
        if chat is not None:
            for channel in chat.store.route_channels(pair_key):
                target = f"{channel.platform}:{channel.channel}"
                task = deliver.configure(
                    lock=f"channel:{target}", queueing_lock=f"deliver:{target}:{change_id}"
                )
                # one already waiting sends the change as it is when it runs
                with contextlib.suppress(AlreadyEnqueued):
                    await task.defer_async(
                        change_id=change_id,
                        pair_key=pair_key,
                        platform=channel.platform,
                        channel=channel.channel,
                    )
        self.dispatches.mark(change_id, change.revision, now)


_worker: Worker | None = None
"""The running worker's resources: Procrastinate calls tasks as plain module functions."""


def current() -> Worker:
    """The worker this process runs."""
    if _worker is None:
        raise PartnershipWatchError("no worker is running in this process")
    return _worker


@jobs.periodic(cron=f"* * * * * */{TICK_SECONDS}", periodic_id="tick")
@jobs.task(name="pw.tick", queueing_lock="pw.tick")
async def tick(timestamp: int) -> None:
    """Defer polls of the due feeds, any undispatched change, and the waiting alerts."""
    worker = current()
    now = worker.app.watcher.clock.now()
    # A feed whose poll waits or runs gets no other (asking the queue for each feed cost a
    # round trip per feed, every tick); read before the feeds' last polls, so a poll that
    # ends meanwhile is seen in one or the other.
    queued = await _polls_queued(worker.queue)
    due = due_feeds(worker.app.config.feeds, worker.store.last_polls(), now)
    due = [f for f in due if f.name not in queued]
    if due:
        slow = slow_to_answer(due, worker.store.answer_seconds())
        slots = await _live_workers(worker.queue, worker.heartbeat) * worker.concurrency
        size = batch_size(len(due), slots, worker.feeds_per_job)
        await _defer_polls(worker.queue, poll_batches(due, slow, size))
    for change_id, pair_key in worker.dispatches.undispatched(now):
        log.warning("change %s was not dispatched by its poll; dispatching it now", change_id)
        await worker.dispatch(change_id, pair_key)
    with contextlib.suppress(AlreadyEnqueued):
        await send_waiting.defer_async()


def batch_size(due: int, slots: int, most: int) -> int:
    """Feeds per poll job: as many as fill the workers' job slots (``slots``, all workers'
    concurrency) with ``due`` feeds, but at most ``most``: a few due feeds still spread over
    the workers, thousands cost a job per ``most``."""
    return max(1, min(most, -(-due // max(1, slots))))


def poll_batches(
    due: Sequence[FeedSpec], slow: Sequence[FeedSpec], size: int
) -> list[tuple[list[str], bool]]:
    """The due feeds as poll jobs' (feeds, slow) of ``size`` feeds at most: the feeds slow to
    answer last time first (``slow``, slowest first), together, so that their waits overlap
    each other and the rest of the cycle; then the others grouped by host, in the order
    each host is first listed, so that a job's polls share a kept-alive connection."""
    slow_names = {f.name for f in slow}
    by_host: dict[str, list[str]] = {}
    for feed in dict.fromkeys(due):
        if feed.name not in slow_names:
            by_host.setdefault(host_of(feed.url), []).append(feed.name)
    rest = [name for names in by_host.values() for name in names]
    slow_first = [f.name for f in dict.fromkeys(slow)]
    return [
        *((slow_first[i : i + size], True) for i in range(0, len(slow_first), size)),
        *((rest[i : i + size], False) for i in range(0, len(rest), size)),
    ]


async def _defer_polls(queue: procrastinate.App, batches: Sequence[tuple[list[str], bool]]) -> None:
    """Defer a poll job for each batch, in this order, a few hundred jobs per statement."""
    deferrer = poll_batch.configure()
    args: list[dict[str, Any]] = [{"feeds": names, "slow": slow} for names, slow in batches]
    jobs = [deferrer.make_new_job(**a) for a in args]
    for start in range(0, len(jobs), DEFER_BATCH):
        await queue.job_manager.batch_defer_jobs_async(jobs[start : start + DEFER_BATCH])


async def _polls_queued(queue: procrastinate.App) -> set[str]:
    """The feeds whose poll job waits or runs (batches, and single feeds of earlier jobs)."""
    rows = await queue.connector.execute_query_all_async(
        "SELECT args FROM procrastinate_jobs "
        "WHERE task_name IN ('pw.poll', 'pw.poll_batch') AND status IN ('todo', 'doing')"
    )
    return {feed for row in rows for feed in _feeds_of_job(row["args"])}


def _feeds_of_job(args: Mapping[str, object]) -> list[str]:
    feeds = args.get("feeds")
    if isinstance(feeds, list):
        return [str(f) for f in feeds]
    return [str(args["feed"])] if "feed" in args else []


async def _live_workers(queue: procrastinate.App, heartbeat: float) -> int:
    """How many workers said lately that they are alive (this one at least)."""
    row = await queue.connector.execute_query_one_async(
        "SELECT count(*) AS n FROM procrastinate_workers "
        "WHERE last_heartbeat > now() - make_interval(secs => %(seconds)s)",
        seconds=3 * heartbeat,
    )
    return max(1, int(row["n"]))


@jobs.task(name="pw.poll_batch", retry=2)
async def poll_batch(feeds: list[str], slow: bool = False) -> None:
    """Poll a few feeds (those slow last time at once) and defer the deliveries of what
    changed."""
    await current().poll_feeds(feeds, at_once=slow)


@jobs.task(name="pw.poll", retry=2)
async def poll(feed: str) -> None:
    """Poll one feed: the job of earlier versions, still queued after an upgrade."""
    await current().poll_feeds([feed])


@jobs.task(name="pw.deliver", retry=procrastinate.RetryStrategy(max_attempts=5, wait=5))
async def deliver(change_id: str, pair_key: str, platform: str, channel: str) -> None:
    """Route a change, as it is now, to one channel; the next post to it waits its turn."""
    worker = current()
    chat = worker.app.chat
    pair = pair_from_key(worker.app.countries, pair_key)
    change = worker.store.change(change_id, pair) if pair else None
    if chat is None or change is None:
        return
    # The chat's own router, seeing only this channel; it shares the router's turn, so this
    # worker's retries and digests do not touch the channel's rows meanwhile.
    one = copy.copy(chat.router)
    every = chat.router.channels

    def this_channel(key: str) -> list[Channel]:
        return [c for c in every(key) if (c.platform, c.channel) == (platform, channel)]

    one.channels = this_channel
    decided = await one.deliver(change)
    for target, r in decided:
        log.info("%s:%s %s: %s", target.platform, target.channel, pair_key, r.action)
    if any(r.action in (Action.POST, Action.UPDATE) for _, r in decided):
        await asyncio.sleep(PACE_SECONDS)  # still holding the channel's lock


@jobs.task(name="pw.send_waiting", queueing_lock="pw.send_waiting", lock="pw.send_waiting")
async def send_waiting() -> None:
    """Retry the alerts a platform did not take, then send the digests that are due."""
    await current().app.send_waiting()


@jobs.periodic(cron="* * * * * */15", periodic_id="stalled")
@jobs.task(name="pw.retry_stalled", queueing_lock="pw.retry_stalled")
async def retry_stalled(timestamp: int) -> None:
    """Put the jobs of workers that stopped sending heartbeats back in the queue."""
    worker = current()
    manager = worker.queue.job_manager
    for job in await manager.get_stalled_jobs(seconds_since_heartbeat=3 * worker.heartbeat):
        log.warning("job %s (%s) of a silent worker goes back in the queue", job.id, job.task_name)
        try:
            await manager.retry_job(job)
        except UniqueViolation:
            # The same work waits in the queue already (a later tick deferred it): that job
            # does it, once this one stops holding the lock.
            await manager.finish_job(job, procrastinate.jobs.Status.FAILED, delete_job=False)


def _ensure_queue_schema(url: str) -> None:
    """Create Procrastinate's tables in an empty database, once, whichever worker comes first,
    and the index its job taking needs with thousands of jobs waiting."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("SELECT pg_advisory_lock(hashtext('partnership-watch:queue-schema'))")
        try:
            row = connection.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
            if row is None or row[0] is None:
                log.info("creating the job queue's tables")
                connection.execute(jobs.schema_manager.get_schema())
            # Taking a job looks for others waiting or running under its lock; the queue's own
            # indexes leave that a scan of every waiting job (9 ms a job at 5,000 waiting,
            # the whole cycle's time once the tick defers thousands of polls at once).
            connection.execute(
                "CREATE INDEX IF NOT EXISTS pw_jobs_by_lock ON procrastinate_jobs (lock) "
                "WHERE status IN ('todo', 'doing')"
            )
        finally:
            connection.execute(
                "SELECT pg_advisory_unlock(hashtext('partnership-watch:queue-schema'))"
            )


async def run_worker(
    config: Config,
    *,
    concurrency: int = 4,
    heartbeat: float = HEARTBEAT_SECONDS,
    feeds_per_job: int = FEEDS_PER_JOB,
) -> None:
    """Run one worker until SIGINT or SIGTERM: poll, deliver, retry, as the queue says."""
    global _worker
    if config.store_url is None:
        raise PartnershipWatchError(
            "workers share a PostgreSQL store: set [store] url in the config"
        )
    sys.setswitchinterval(SWITCH_SECONDS)
    await asyncio.to_thread(_ensure_queue_schema, config.store_url)
    # The queue's commits do not wait for the disk either (see watchers.db._connect): a job
    # whose end a server crash lost runs again, and a poll or delivery is safe to repeat.
    connector = procrastinate.PsycopgConnector(
        conninfo=config.store_url,
        min_size=1,
        max_size=max(2, concurrency),
        kwargs={"options": "-c synchronous_commit=off"},
    )
    async with open_app(
        config, extractor=default_extractor(), console=None, chat=ChatMode.SEND
    ) as app:
        # Documents are remembered on connections of their own, in threads: a cold poll's
        # transaction is several round trips, which the event loop would otherwise wait on
        # while the worker's other polls wait for it.
        opened: list[Store] = []
        app.watcher.documents = opened  # closed below, however many were opened
        try:
            for _ in range(DOCUMENT_CONNECTIONS):
                opened.append(await asyncio.to_thread(Store.open, config.store_url))
            now = app.watcher.clock.now()
            dispatches = Dispatches(app.watcher.store.connection, now)
            watching = asyncio.create_task(_watch_config(app))
            with jobs.replace_connector(connector) as queue:
                _worker = Worker(
                    config, app, queue, dispatches, heartbeat, concurrency, max(1, feeds_per_job)
                )
                try:
                    async with queue.open_async():
                        log.info(
                            "worker started: %d feeds, %d jobs at once, up to %d feeds a job",
                            len(app.config.feeds),
                            concurrency,
                            feeds_per_job,
                        )
                        await queue.run_worker_async(
                            concurrency=concurrency,
                            update_heartbeat_interval=heartbeat,
                            stalled_worker_timeout=3 * heartbeat,
                            delete_jobs="successful",
                        )
                finally:
                    _worker = None
                    watching.cancel()
        finally:
            await asyncio.to_thread(app.watcher.close_documents)


async def _watch_config(app: App) -> None:
    """Apply an edit of the config file, as ``run`` does (a broken edit is refused)."""
    watcher = ConfigFileWatcher(app.config.path)
    while True:
        await asyncio.sleep(CONFIG_CHECK_SECONDS)
        if watcher.changed():
            try:
                app.reload()
            except StoreError as e:  # the next edit, or a restart, tries again
                log.error("config edit not applied: %s", e)


async def run_gateway(config: Config, stop: asyncio.Event | None = None) -> None:
    """Hold the chat connections and answer ``/watch`` until SIGINT or SIGTERM; no polling."""
    import signal

    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with open_app(
        config, extractor=default_extractor(), console=None, chat=ChatMode.SERVE
    ) as app:
        connected = sorted(app.chat.router.notifiers) if app.chat else []
        log.info("gateway serving /watch on %s", ", ".join(connected) or "no platform")
        watching = asyncio.create_task(_watch_config(app))
        try:
            await stop.wait()
        finally:
            watching.cancel()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
