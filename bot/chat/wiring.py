"""Chat delivery: which platforms run, the subscriptions they serve, and the router.

``open_chat`` is called by the composition root (``bot.app``). A platform whose token is
missing is not started, with one log line saying so; Discord channels with a webhook in the
config need no token. With ``serve_commands`` (``run``) the Discord bot joins the gateway
and the Slack app listens, so ``/watch`` is answered; without it (``poll --once``) only the
REST senders are opened, to post and edit alerts.

An alert a platform did not take (it was down) waits in the store; ``Chat.retry_waiting``,
called after each poll and every minute, sends those whose time has come, the way
``Chat.flush_digests`` sends the digests that are due.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC

from bot.chat.commands import CommandDeps
from bot.chat.decide import Channel
from bot.chat.deliver import Router
from bot.chat.history import StoreHistoryReader, pair_from_key
from bot.chat.pings import PingStore
from bot.chat.ports import PLATFORMS, Notifier, Opening
from bot.chat.ports import platform as find_platform
from bot.chat.store import ChatStore, Resumed, config_hours, config_subscriptions
from bot.chat.stories import StoreStories
from bot.config import Config
from watchers.countries import CountryTable
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

    async def deliver(self, change: Change) -> None:
        """Send a change (or an update of one) to every channel that watches its pair."""
        for channel, route in await self.router.deliver(change):
            log.info(
                "%s:%s %s: %s", channel.platform, channel.channel, change.pair.key, route.action
            )

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
        for kind in PLATFORMS:
            platform = find_platform(kind)
            reason = platform.not_started(config, env)
            if reason is not None:
                log.info("%s", reason)
                continue
            notifiers[kind] = await platform.open(opening)

        def on_gone(channel: Channel, reason: str) -> None:
            # pause_channel returns 0 when the channel was paused already: report once
            if chat_store.pause_channel(channel.platform, channel.channel, reason, now=clock.now()):
                log.warning(
                    "%s channel %s paused: %s (once that is fixed, /watch add of one of its "
                    "pairs resumes it; pairs from the config resume at the next start)",
                    channel.platform,
                    channel.channel,
                    reason,
                )

        router = Router(
            chat=chat_store,
            history=store,
            channels=chat_store.route_channels,
            notifiers=notifiers,
            clock=clock,
            on_gone=on_gone,
            pings=pings.targets,
        )
        yield Chat(router, chat_store, countries)


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
