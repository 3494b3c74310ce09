"""``/watch history`` with the pair's descriptors and chart: the chart uploaded to the fake
Discord and Slack servers, and the answer text alone, logged once, without the extra."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest

from bot.chat import commands
from bot.chat.commands import Caller, CommandDeps
from bot.chat.store import ChatStore
from bot.chat.stories import StoreStories
from bot.platforms.discord.client import DiscordBot
from bot.platforms.slack.app import SlackApp
from tests.fake_discord import FakeDiscord, interact, option
from tests.fake_slack import FakeSlack, http_app, watch
from tests.fakes import FakeClock, FakeCountries, FakeHistory
from tests.story import png_size, store_with_story
from watchers.store import Store
from watchers.tiers import shipped_lexicon

pytest.importorskip("matplotlib", reason="the [charts] extra is not installed")

CHANNEL = "C0ALERTS"


@pytest.fixture
def history_store(history_store: Store) -> Store:
    """The shared history store, with India and Russia's story in it."""
    store_with_story(history_store)
    return history_store


@pytest.fixture
def charts(history_store: Store) -> StoreStories:
    return StoreStories(history_store, shipped_lexicon())


async def test_discord_history_reply_uploads_the_chart(
    discord_api: FakeDiscord,
    store: ChatStore,
    history: FakeHistory,
    clock: FakeClock,
    charts: StoreStories,
) -> None:
    deps = CommandDeps(store, FakeCountries(), history, clock, stories=charts)
    bot = DiscordBot(deps, api_base=discord_api.api_base)
    await bot.login(discord_api.token)
    try:
        options = option("first", "India"), option("second", "Russia")
        request = await interact(bot, discord_api, "history", *options, permissions=0)
    finally:
        await bot.close()
    body = request.body
    assert body["data"]["content"].startswith("India–Russia now:")
    (attached,) = body["data"]["attachments"]
    assert attached["filename"] == "ind-rus-history.png"
    assert attached["description"] == "India–Russia: the words over time"
    ((filename, data),) = request.files.values()
    assert filename == "ind-rus-history.png"
    assert png_size(data) == (1000, 480)


@pytest.fixture
async def slack_app(
    slack_api: FakeSlack,
    store: ChatStore,
    history: FakeHistory,
    clock: FakeClock,
    charts: StoreStories,
) -> AsyncIterator[tuple[FakeSlack, SlackApp]]:
    slack_api.add_channel(CHANNEL)
    slack_api.add_user("U0READER")
    deps = CommandDeps(store, FakeCountries(), history, clock, stories=charts)
    async with http_app(slack_api, deps) as app:
        yield slack_api, app


async def test_slack_history_reply_shares_the_chart_in_the_channel(
    slack_app: tuple[FakeSlack, SlackApp],
) -> None:
    fake, app = slack_app
    answer = await watch(fake, app, "U0READER", "history India Russia")
    assert answer["text"].startswith("India–Russia now:")
    (shared,) = fake.shared
    assert (shared.channel, shared.filename) == (CHANNEL, "ind-rus-history.png")
    assert shared.initial_comment == "India–Russia: the words over time (from /watch history)"
    assert png_size(shared.data) == (1000, 480)


async def test_slack_chart_refused_by_the_channel_leaves_the_text_answer(
    slack_app: tuple[FakeSlack, SlackApp], caplog: pytest.LogCaptureFixture
) -> None:
    fake, app = slack_app
    fake.add_channel(CHANNEL, member=False)
    answer = await watch(fake, app, "U0READER", "history India Russia")
    assert answer["text"].startswith("India–Russia now:")
    assert fake.shared == []
    assert "the chart for C0ALERTS was not shared: not_in_channel" in caplog.text


def context(store: ChatStore, charts: StoreStories) -> commands.CommandContext:
    deps = CommandDeps(store, FakeCountries(), FakeHistory(), FakeClock(), stories=charts)
    return deps.context("discord", "1", Caller("u", can_manage=False))


def test_without_the_extra_history_is_text_and_the_log_says_so_once(
    store: ChatStore, history_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    charts = StoreStories(history_store, shipped_lexicon(), available=lambda: False)
    ctx = context(store, charts)
    with caplog.at_level(logging.WARNING):
        replies = [commands.history(ctx, "India", "Russia") for _ in range(2)]
    assert [r.attachment for r in replies] == [None, None]
    assert replies[0].text.startswith("India–Russia now:")
    assert caplog.text.count("needs the [charts] extra") == 1


def test_history_lists_the_descriptors_on_record(store: ChatStore, charts: StoreStories) -> None:
    text = commands.history(context(store, charts), "India", "Russia").text.splitlines()
    start = text.index("Descriptors on record:")
    assert text[start + 1 :] == [
        "• 2024-01-10 … 2024-05-20  “strategic partnership” [strategic partnership] 3 sources, "
        "1 official, said by IND",
        "• 2024-02-01 … 2024-02-01  “close ties” [generic wording] 1 source",
        "• 2024-03-05 … 2024-03-06  “special and privileged strategic partnership” "
        "[special tier] 3 sources, 1 official, said by RUS",
    ]


def test_a_pair_never_mentioned_gets_no_chart(store: ChatStore, charts: StoreStories) -> None:
    reply = commands.history(context(store, charts), "China", "Pakistan")
    assert reply.attachment is None
