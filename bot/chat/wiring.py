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

from bot.chat.decide import Channel
from bot.chat.deliver import Notifier, PayloadNotifier, Router
from bot.chat.history import StorePairHistory, pair_from_key
from bot.chat.store import ChatStore, Resumed, config_subscriptions
from bot.config import Config
from bot.platforms.discord.client import DiscordBot, sign_in, token_from_env
from bot.platforms.discord.commands import CommandDeps
from bot.platforms.discord.delivery import DiscordDelivery, DiscordSender, webhook_senders
from bot.platforms.discord.notifier import DiscordNotifier
from bot.platforms.slack.app import SlackApp, SlackSecrets, make_delivery
from bot.render.digest import render_digest_slack
from bot.render.slack import render_slack
from watchers.countries import CountryTable
from watchers.model import Change, Pair
from watchers.ports import Clock
from watchers.store import Store

log = logging.getLogger(__name__)


@dataclass
class Chat:
    """The router and the subscription store behind it, while the platforms are open."""

    router: Router
    subscriptions: ChatStore
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
    subscriptions = ChatStore(store.connection)
    subscriptions.load_config(config_subscriptions(config.subscriptions), now=clock.now())
    for resumed in subscriptions.resume_config_pauses():
        _log_resumed(resumed)
    history = StorePairHistory(store, subscriptions, countries)
    deps = CommandDeps(
        subscriptions,
        countries,
        history,
        subscriptions,
        clock,
        manage_roles=config.discord.manage_roles,
    )

    async with AsyncExitStack() as stack:
        notifiers: dict[str, Notifier] = {}
        discord = await _open_discord(config, deps, env, stack, serve_commands=serve_commands)
        if discord is not None:
            notifiers["discord"] = discord
        slack = await _open_slack(config, deps, env, stack, serve_commands=serve_commands)
        if slack is not None:
            notifiers["slack"] = slack

        def on_gone(channel: Channel, reason: str) -> None:
            # pause_channel returns 0 when the channel was paused already: report once
            if subscriptions.pause_channel(
                channel.platform, channel.channel, reason, now=clock.now()
            ):
                log.warning(
                    "%s channel %s paused: %s (once that is fixed, /watch add of one of its "
                    "pairs resumes it; pairs from the config resume at the next start)",
                    channel.platform,
                    channel.channel,
                    reason,
                )

        router = Router(
            routes=subscriptions,
            history=store,
            channels=subscriptions.route_channels,
            notifiers=notifiers,
            clock=clock,
            on_gone=on_gone,
        )
        yield Chat(router, subscriptions, countries)


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


async def _open_discord(
    config: Config,
    deps: CommandDeps,
    env: Mapping[str, str],
    stack: AsyncExitStack,
    *,
    serve_commands: bool,
) -> DiscordNotifier | None:
    webhooks = webhook_senders(config.subscriptions, env)
    token = token_from_env(env)
    sender: DiscordSender | None = None
    if token is None:
        log.info("Discord bot not started: DISCORD_TOKEN is not set")
    elif serve_commands:
        bot = DiscordBot(deps, api_base=config.discord.api_base)
        stack.push_async_callback(bot.close)  # also closes what a failed start opened
        await sign_in(bot.start(token), config.discord.api_base)
        sender = bot.delivery()
    else:
        login = DiscordDelivery.login(token, api_base=config.discord.api_base)
        delivery = await sign_in(login, config.discord.api_base)
        stack.push_async_callback(delivery.close)
        sender = delivery
    if sender is None and not webhooks:
        return None
    notifier = DiscordNotifier(bot=sender, webhooks=webhooks)
    stack.push_async_callback(notifier.close)
    return notifier


async def _open_slack(
    config: Config,
    deps: CommandDeps,
    env: Mapping[str, str],
    stack: AsyncExitStack,
    *,
    serve_commands: bool,
) -> PayloadNotifier | None:
    secrets = SlackSecrets.from_env(env)
    if secrets is None:
        log.info("Slack app not started: SLACK_BOT_TOKEN is not set")
        return None
    if serve_commands:
        app = SlackApp(config.slack, secrets)
        app.serve_watch(deps.store, deps.countries, deps.history, deps.hours, deps.clock)
        stack.push_async_callback(app.close)  # also closes what a failed start opened
        await app.start()
        delivery = app.delivery()
    else:
        delivery = make_delivery(config.slack, secrets)
    return PayloadNotifier(
        post=delivery.post,
        update=delivery.update,
        render=render_slack,
        render_digest=render_digest_slack,
    )
