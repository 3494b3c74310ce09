"""Fixtures every test file may ask for by name: the chat store and what the /watch commands
share, one clock, the history store, the local Discord and Slack servers the platform
tests talk to, with an unpaced sender logged in to each, and the torture test's webhook and
feed server."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from discord.http import Route

from bot.chat.commands import CommandDeps
from bot.chat.ports import PlatformNotifier
from bot.chat.store import ChatStore
from bot.platforms.discord.delivery import (
    DEFAULT_API_BASE,
    DiscordDelivery,
    DiscordWebhookDelivery,
)
from bot.platforms.discord.platform import discord_notifier
from bot.platforms.discord.senders import DiscordSenders
from bot.platforms.pacing import ChannelPacer
from bot.platforms.slack.delivery import SlackDelivery, make_web_client
from tests.databases import store_location
from tests.fake_discord import WEBHOOK_URL, FakeDiscord
from tests.fake_slack import BOT_TOKEN, FakeSlack
from tests.fakes import FakeClock, FakeCountries, FakeHistory
from tests.torture import FakePlatform
from watchers.store import Store


@pytest.fixture
def clock() -> FakeClock:
    """The one clock of the tests; it moves only when told to."""
    return FakeClock(datetime(2025, 3, 14, 9, 30, tzinfo=UTC))


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    """An empty SQLite database in memory."""
    connection = sqlite3.connect(":memory:")
    yield connection
    connection.close()


@pytest.fixture
def store(conn: sqlite3.Connection) -> ChatStore:
    """A chat store in memory."""
    return ChatStore(conn)


@pytest.fixture
def history() -> FakeHistory:
    """India–Russia's current words, nothing else."""
    return FakeHistory(descriptors={"IND-RUS": "special and privileged strategic partnership"})


@pytest.fixture
def deps(store: ChatStore, history: FakeHistory, clock: FakeClock) -> CommandDeps:
    """What every platform's /watch handlers share, over the fakes above."""
    return CommandDeps(store, FakeCountries(), history, clock)


@pytest.fixture
async def discord_api() -> AsyncIterator[FakeDiscord]:
    """A Discord API on 127.0.0.1 that discord.py is pointed at by each test's api_base."""
    server = FakeDiscord()
    await server.start()
    yield server
    await server.close()
    Route.BASE = DEFAULT_API_BASE  # discord.py keeps its base URL in a class attribute


@pytest.fixture
async def slack_api() -> AsyncIterator[FakeSlack]:
    """A Slack Web API (and Socket Mode server) on 127.0.0.1, with no channels yet."""
    server = FakeSlack()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def discord_bot(discord_api: FakeDiscord) -> AsyncIterator[DiscordDelivery]:
    """Messages sent as the bot to the fake Discord, with no pause between them."""
    sender = await DiscordDelivery.login(
        discord_api.token, api_base=discord_api.api_base, pacer=ChannelPacer(interval=0)
    )
    yield sender
    await sender.close()


@pytest.fixture
async def discord_alerts(
    discord_bot: DiscordDelivery,
) -> AsyncIterator[PlatformNotifier[DiscordSenders]]:
    """Alerts rendered for the fake Discord: "analysts" by its webhook, others as the bot."""
    hook = DiscordWebhookDelivery(WEBHOOK_URL, pacer=ChannelPacer(interval=0))
    notifier = discord_notifier(DiscordSenders(bot=discord_bot, webhooks={"analysts": hook}))
    yield notifier
    await notifier.sender.close()


@pytest.fixture
def slack_delivery(slack_api: FakeSlack) -> SlackDelivery:
    """Messages sent to the fake Slack through its Web API, with no pause between them."""
    return SlackDelivery(
        make_web_client(BOT_TOKEN, slack_api.api_base), pacer=ChannelPacer(interval=0)
    )


@pytest.fixture
def history_store() -> Iterator[Store]:
    """An empty history store in memory."""
    store = Store.open(":memory:")
    yield store
    store.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store location on each database the stores run on: the test runs on both.

    PostgreSQL gets a fresh database per test; without a server the test skips saying so
    (or fails, with PW_REQUIRE_SERVICES=1)."""
    if request.param == "postgresql":
        request.applymarker(pytest.mark.postgres)
    with store_location(request.param, tmp_path) as location:
        yield location


@pytest.fixture
def torture_platform(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePlatform]:
    """The torture test's feed and Discord webhook server, for one round."""
    # discord.py keeps its base URL in a class attribute: put it back afterwards.
    monkeypatch.setattr(Route, "BASE", Route.BASE)
    with FakePlatform() as server:
        server.new_round()
        yield server
