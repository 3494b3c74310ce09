"""The composition root: validates the config early, owns every resource (store, HTTP
client, scheduler, notifiers), and wires a poll's changes to where they are delivered."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import httpx
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.chat import Chat, open_chat
from bot.config import Config
from bot.console import ConsoleNotifier
from watchers.countries import CountryTable, default_countries
from watchers.fetch import make_client
from watchers.fulltext import CountryNamer, FullText, trafilatura_reader
from watchers.ports import Clock, Extractor
from watchers.store import Store
from watchers.tiers import load_lexicon
from watchers.watcher import FeedSpec, PollResult, Watcher

log = logging.getLogger(__name__)

DIGEST_CHECK_SECONDS = 60
"""How often ``run`` looks for digests that are due."""


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


@dataclass
class App:
    """A running partnership-watch: one watcher and the places its changes go."""

    config: Config
    watcher: Watcher
    console: ConsoleNotifier | None
    chat: Chat | None = None

    async def poll_once(self, feeds: Sequence[FeedSpec] | None = None) -> list[PollResult]:
        """Poll every feed (or the given ones) once and deliver the changes."""
        results = await self.watcher.poll_all(feeds if feeds is not None else self.config.feeds)
        for result in results:
            await self._report(result)
        await self.flush_digests()
        return results

    async def flush_digests(self) -> None:
        """Send the chat digests that are due."""
        if self.chat is not None:
            await self.chat.flush_digests()

    async def _report(self, result: PollResult) -> None:
        if result.error:
            return  # the watcher has logged it, naming the feed
        log.info(
            "feed %r: %d new entries, %d mentions, %d changes%s",
            result.feed,
            result.new_entries,
            result.mentions,
            len(result.changes),
            " (not modified)" if result.not_modified else "",
        )
        for change in result.changes:
            if self.console is not None:
                self.console.send(change)
            if self.chat is None:
                continue
            try:
                await self.chat.deliver(change)
            except Exception:
                # a fault in one delivery must not cost the other changes theirs
                log.exception("delivering %s change for %s failed", change.kind, change.pair.key)

    async def run_forever(self, stop: asyncio.Event | None = None) -> None:
        """Poll each feed on its own interval until SIGINT/SIGTERM (or ``stop``) arrives."""
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        scheduler = AsyncIOScheduler(timezone=UTC)
        for feed in self.config.feeds:
            scheduler.add_job(
                self.poll_once,
                IntervalTrigger(seconds=feed.poll_interval, timezone=UTC),
                args=[[feed]],
                id=f"feed:{feed.name}",
                coalesce=True,
                max_instances=1,
                next_run_time=datetime.now(UTC),
            )
        if self.chat is not None:
            scheduler.add_job(
                self.flush_digests,
                IntervalTrigger(seconds=DIGEST_CHECK_SECONDS, timezone=UTC),
                id="digests",
                coalesce=True,
                max_instances=1,
            )
        scheduler.start()
        log.info("watching %d feeds; Ctrl-C to stop", len(self.config.feeds))
        try:
            await stop.wait()
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
            scheduler.shutdown(wait=False)
            log.info("stopped")


@asynccontextmanager
async def open_app(
    config: Config,
    *,
    extractor: Extractor,
    console: ConsoleNotifier | None,
    chat: ChatMode = ChatMode.OFF,
    clock: Clock | None = None,
    countries: CountryTable | None = None,
) -> AsyncIterator[App]:
    """Open the store, HTTP client and chat platforms for a config; close them on exit."""
    lexicon = load_lexicon(config.lexicon_path)  # a broken lexicon stops the start, clearly
    countries = countries or default_countries()
    clock = clock or SystemClock()
    store = Store.open(config.store_path)
    try:
        async with make_client(config.fetch) as client:
            watched = config.watched_keys()
            watcher = Watcher(
                store=store,
                extractor=extractor,
                client=client,
                clock=clock,
                is_watched=watched.__contains__,
                limits=config.fetch,
                rules=config.alerts,
                lexicon=lexicon,
                fulltext=_full_text(config, client, countries),
            )
            if chat is ChatMode.OFF:
                yield App(config, watcher, console)
                return
            serve = chat is ChatMode.SERVE
            async with open_chat(config, store, countries, clock, serve_commands=serve) as opened:
                yield App(config, watcher, console, opened)
    finally:
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
            "%d feed(s) ask for full text, but the [fulltext] extra is not installed "
            "(pip install 'partnership-watch[fulltext]'); reading their summaries only",
            len(wanting),
        )
        return None
    codes = {code for key in config.watched_keys() for code in key.split("-")}
    return FullText(client, CountryNamer(countries, codes), reader, config.fulltext)
