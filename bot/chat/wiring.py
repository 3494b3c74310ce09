"""Chat delivery: which platforms run, the subscriptions they serve, and the router.

``open_chat`` is called by the composition root (``bot.app``). A platform whose token is
missing is not started, with one log line saying so; Discord channels with a webhook in the
config need no token. With ``serve_commands`` (``run``) the Discord bot joins the gateway
and the Slack app listens, so ``/watch`` is answered; without it (``poll --once``) only the
REST senders are opened, to post and edit alerts.

An alert a platform did not take (it was down) waits in the store; ``Chat.retry_waiting``,
called after each poll and every minute, sends those whose time has come, the way
``Chat.flush_digests`` sends the digests that are due.

A platform that fails to start (down, unreachable, a refused token) stops nothing: it is
reported, its alerts are routed and kept owed, the feeds and the other platforms go on, and
under ``run`` it is tried again in the background (30 s, then doubling up to 10 minutes)
until it starts, when what it is owed goes out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC

from bot.chat.commands import CommandDeps
from bot.chat.deliver import NotStarted, Router
from bot.chat.history import StoreHistoryReader, pair_from_key
from bot.chat.pings import PingStore
from bot.chat.ports import PLATFORMS, Notifier, Opening, Platform
from bot.chat.ports import platform as find_platform
from bot.chat.store import ChatStore, Resumed, config_hours, config_subscriptions
from bot.chat.stories import StoreStories
from bot.config import Config
from watchers.countries import CountryTable
from watchers.errors import PlatformUnreachable, TokenRefused
from watchers.history import FlipFlop
from watchers.model import Change, Pair
from watchers.ports import Clock
from watchers.store import Store

log = logging.getLogger(__name__)


@dataclass
class Chat:
    """The router and the chat store behind it, while the platforms are open."""

    router: Router
    store: ChatStore
    countries: CountryTable
    not_started: dict[str, Exception] = field(default_factory=dict)
    """The platforms that failed to start, and why (emptied as they start)."""

    async def deliver(self, change: Change) -> None:
        """Send a change (or an update of one) to every channel that watches its pair."""
        for channel, route in await self.router.deliver(change):
            log.info(
                "%s:%s %s: %s", channel.platform, channel.channel, change.pair.key, route.action
            )

    async def deliver_unrouted(self, *, new_only: bool = False) -> int:
        """Route the stored changes not routed yet (with ``new_only``, only those never
        routed, not later sources of routed ones) and send them; returns how many."""
        return await self.router.deliver_unrouted(self._pair, new_only=new_only)

    async def send_owed(self) -> int:
        """At start: route what an earlier run found but did not route, then send every
        owed delivery now, in order per channel; returns how many went out."""
        await self.deliver_unrouted()
        return await self.router.retry_waiting(self._pair, all_now=True)

    async def flush_digests(self) -> int:
        """Send the digests that are due; returns how many went out."""
        return await self.router.flush_digests(self._pair)

    async def retry_waiting(self) -> int:
        """Try again the alerts a platform did not take, whose time has come."""
        return await self.router.retry_waiting(self._pair)

    def _pair(self, pair_key: str) -> Pair | None:
        return pair_from_key(self.countries, pair_key)


@asynccontextmanager
async def open_chat(
    config: Config,
    store: Store,
    countries: CountryTable,
    clock: Clock,
    *,
    serve_commands: bool,
    environ: Mapping[str, str] | None = None,
) -> AsyncIterator[Chat]:
    """Open the platforms that have credentials; close them all on exit."""
    env = os.environ if environ is None else environ
    chat_store = ChatStore(store.connection)
    chat_store.load_config(config_subscriptions(config.subscriptions), now=clock.now())
    chat_store.load_config_hours(config_hours(config.subscriptions))
    for resumed in chat_store.resume_config_pauses():
        _log_resumed(resumed)
    history = StoreHistoryReader(store, chat_store, countries, clock=clock, rules=config.alerts)
    pings = PingStore(store.connection)
    rules = config.alerts
    flipflop = FlipFlop(rules.flipflop_descriptors, rules.flipflop_days)
    stories = StoreStories(store, config.lexicon, flipflop=flipflop)
    commands = CommandDeps(chat_store, countries, history, clock, stories=stories, pings=pings)

    async with AsyncExitStack() as stack:
        opening = Opening(config, commands, env, stack, serve_commands)
        notifiers: dict[str, Notifier] = {}
        failed: dict[str, tuple[Platform, Exception]] = {}
        for kind in PLATFORMS:
            platform = find_platform(kind)
            reason = platform.not_started(config, env)
            if reason is not None:
                log.info("%s", reason)
                continue
            try:
                notifiers[kind] = await platform.open(opening)
            except (TokenRefused, PlatformUnreachable, OSError, TimeoutError) as e:
                # One platform down never stops the feeds or the other platforms.
                failed[kind] = (platform, e)
                notifiers[kind] = NotStarted(kind, str(e))
                log.log(
                    logging.ERROR if isinstance(e, TokenRefused) else logging.WARNING,
                    "%s did not start: %s; the feeds and the other platforms go on, and its "
                    "alerts are kept owed until it starts%s",
                    kind,
                    e,
                    f" (trying again in {RESTART_FIRST_SECONDS:.0f} s)" if serve_commands else "",
                )

        router = Router(
            chat=chat_store,
            history=store,
            notifiers=notifiers,
            clock=clock,
            pair_of=lambda key: pair_from_key(countries, key),
            pings=pings.targets,
        )
        chat = Chat(router, chat_store, countries, {k: e for k, (_, e) in failed.items()})
        if serve_commands:
            for kind, (platform, _) in failed.items():
                task = asyncio.create_task(_keep_starting(kind, platform, opening, chat))
                stack.push_async_callback(_cancel, task)
        yield chat


RESTART_FIRST_SECONDS = 30.0
"""How long ``run`` waits before trying again to start a platform that failed to start;
each failure doubles it, up to ``RESTART_MAX_SECONDS``."""
RESTART_MAX_SECONDS = 600.0


async def _keep_starting(kind: str, platform: Platform, opening: Opening, chat: Chat) -> None:
    """Try to start a platform until it starts, then send what it is owed."""
    delay = RESTART_FIRST_SECONDS
    while True:
        await asyncio.sleep(delay)
        try:
            notifier = await platform.open(opening)
        except (TokenRefused, PlatformUnreachable, OSError, TimeoutError) as e:
            delay = min(delay * 2, RESTART_MAX_SECONDS)
            chat.not_started[kind] = e
            log.warning("%s still did not start: %s; trying again in %.0f s", kind, e, delay)
            continue
        chat.router.notifiers[kind] = notifier
        chat.not_started.pop(kind, None)
        log.warning("%s started; sending what it is owed", kind)
        try:
            await chat.router.retry_waiting(chat._pair, all_now=True)
        except Exception:
            log.exception("sending what %s is owed failed; it stays owed", kind)
        return


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def _log_resumed(resumed: Resumed) -> None:
    since = "an earlier run"
    if resumed.paused_since is not None:
        since = resumed.paused_since.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    log.info(
        "%s channel %s resumed after restart; paused since %s because %s (%s from the config)",
        resumed.platform,
        resumed.channel,
        since,
        resumed.reason,
        ", ".join(resumed.pairs),
    )
