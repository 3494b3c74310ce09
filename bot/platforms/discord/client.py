"""The Discord bot: a ``discord.Client`` carrying the ``/watch`` tree, run in our event loop.

The bot needs no privileged intent: only ``guilds`` (for channel and role names). Slash
commands reach it through the gateway; alerts go out through the same HTTP client, so the
library's rate-limit buckets cover both. Commands are registered with Discord only by
``partnership-watch discord sync``, never on start: registration is rate limited and
global changes take a while to show, so it is a deliberate step.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Mapping, Sequence
from typing import TextIO, TypeVar

import aiohttp
import discord
from discord import app_commands

from bot.chat.commands import CommandDeps
from bot.platforms.discord import TOKEN_VARIABLE
from bot.platforms.discord.commands import WatchCommands
from bot.platforms.discord.delivery import DEFAULT_API_BASE, DiscordDelivery, use_api_base
from bot.platforms.pacing import ChannelPacer
from watchers.errors import ConfigError, PlatformUnreachable, Problem, TokenRefused

log = logging.getLogger(__name__)

T = TypeVar("T")


def token_from_env(environ: Mapping[str, str] | None = None) -> str | None:
    """The bot token from ``DISCORD_TOKEN``, or None when it is unset or blank."""
    env = os.environ if environ is None else environ
    token = env.get(TOKEN_VARIABLE, "").strip()
    return token or None


async def sign_in(login: Awaitable[T], api_base: str | None) -> T:
    """Await a Discord login; a refused token or an unreachable API become our own errors."""
    # The command line turns these into a list of problems (exit 2) or one line (exit 1).
    where = api_base or DEFAULT_API_BASE
    try:
        return await login
    except discord.LoginFailure as e:
        raise TokenRefused(TOKEN_VARIABLE, "Discord refused this token") from e
    except discord.HTTPException as e:
        raise PlatformUnreachable(f"Discord API at {where} refused: {e}") from e
    except (aiohttp.ClientError, TimeoutError, OSError) as e:
        raise PlatformUnreachable(
            f"Discord API at {where} unreachable: {type(e).__name__}: {e}"
        ) from e


def bot_intents() -> discord.Intents:
    """The gateway intents the bot asks for: guilds only, nothing privileged."""
    intents = discord.Intents.none()
    intents.guilds = True
    return intents


class DiscordBot:
    """The client, its command tree and the gateway task; owns their lifetime."""

    def __init__(
        self,
        deps: CommandDeps | None,
        *,
        manage_roles: Sequence[str] = (),
        api_base: str | None = None,
    ) -> None:
        """``deps`` may be None for a bot that only registers its commands."""
        use_api_base(api_base)
        self.client = discord.Client(
            intents=bot_intents(), allowed_mentions=discord.AllowedMentions.none()
        )
        self.tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(self.client)
        self.tree.add_command(WatchCommands(deps, manage_roles))
        self._gateway: asyncio.Task[None] | None = None

    async def login(self, token: str) -> None:
        """Check the token and learn the application id (REST only, no gateway)."""
        await self.client.login(token)

    async def start(self, token: str) -> None:
        """Log in, then keep the gateway connection open in a background task."""
        await self.login(token)
        self._gateway = asyncio.create_task(
            self.client.connect(reconnect=True), name="discord-gateway"
        )
        self._gateway.add_done_callback(self._report_gateway_end)

    def _report_gateway_end(self, task: asyncio.Task[None]) -> None:
        # Errors while we close are part of closing; others mean the bot went deaf.
        if task.cancelled() or self.client.is_closed():
            return
        error = task.exception()
        if error is not None:
            log.error("Discord gateway stopped: %s", error, exc_info=error)

    async def close(self) -> None:
        """Disconnect and close the HTTP session."""
        await self.client.close()
        if self._gateway is not None:
            await asyncio.gather(self._gateway, return_exceptions=True)
            self._gateway = None

    def delivery(self, pacer: ChannelPacer | None = None) -> DiscordDelivery:
        """A sender sharing this client's HTTP session and rate-limit buckets."""
        return DiscordDelivery(self.client.http, pacer=pacer)

    async def sync(self, guild_id: int | None = None) -> list[str]:
        """Register ``/watch`` with Discord, globally or in one guild; returns the names."""
        guild = None if guild_id is None else discord.Object(id=guild_id)
        if guild is not None:
            # Guild commands show up at once, handy while trying the bot in one server.
            self.tree.copy_global_to(guild=guild)
        synced = await self.tree.sync(guild=guild)
        return [command.name for command in synced]


async def sync_commands(
    token: str, *, guild_id: int | None = None, api_base: str | None = None
) -> list[str]:
    """Log in, register the commands, log out: ``partnership-watch discord sync``."""
    bot = DiscordBot(None, api_base=api_base)
    try:
        await bot.login(token)
        return await bot.sync(guild_id)
    finally:
        await bot.close()


async def sync_from_cli(
    api_base: str | None,
    guild_id: int | None,
    out: TextIO,
    environ: Mapping[str, str] | None = None,
) -> int:
    """The ``discord sync`` subcommand: 0 when registered.

    A missing or refused token is a ``ConfigError`` and Discord failing a
    ``PlatformUnreachable``, as under ``run`` and ``poll``, so the exit status is the same.
    """
    token = token_from_env(environ)
    if token is None:
        raise ConfigError([Problem("environment", TOKEN_VARIABLE, "set it to the bot's token")])
    names = await sign_in(sync_commands(token, guild_id=guild_id, api_base=api_base), api_base)
    where = "globally" if guild_id is None else f"in guild {guild_id}"
    print(f"registered {', '.join('/' + n for n in names)} {where}", file=out)
    return 0
