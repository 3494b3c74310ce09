"""``poll --once`` delivers to chat: the demo's story, run by the command line, reaches a
Discord channel as an embed and a Slack channel as Block Kit, through the real libraries
pointed at local fakes (``[discord] api_base``, ``[slack] api_base``)."""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
import yarl
from discord.gateway import DiscordWebSocket

from bot.chat import wiring
from bot.chat.deliver import NotStarted
from bot.chat.wiring import open_chat
from bot.cli import main
from bot.config import load_config
from bot.demo import DEMO_DATA, STAGES, SampleFeeds, serve
from tests.fake_discord import FakeDiscord
from tests.fake_slack import BOT_TOKEN, FakeSlack
from tests.fakes import FakeClock
from tests.feeds import sample_feeds_toml, watchlist
from watchers.countries import default_countries
from watchers.errors import TokenRefused
from watchers.store import Store

DISCORD_CHANNEL = "1200000000000000042"
SLACK_CHANNEL = "C0ANALYSTS"


@pytest.fixture(autouse=True)
def no_chat_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    """No token from the environment the tests run in: each test sets the ones it means."""
    for variable in ("DISCORD_TOKEN", "SLACK_BOT_TOKEN"):
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def slack_api(slack_api: FakeSlack) -> FakeSlack:
    """The shared fake, with what this file's tests expect in it."""
    slack_api.add_channel(SLACK_CHANNEL)
    return slack_api


@pytest.fixture
def sample_feeds() -> Iterator[tuple[SampleFeeds, str]]:
    feeds = SampleFeeds(DEMO_DATA)
    with serve(feeds) as base:
        yield feeds, base


NOBODY = "http://127.0.0.1:9/api/v10"
"""An API base where nothing listens: the platform a test does not use."""


def write_config(
    tmp_path: Path,
    base: str,
    *,
    discord: str = NOBODY,
    slack: str = NOBODY,
    webhook_env: str | None = None,
) -> Path:
    webhook = f'webhook_env = "{webhook_env}"' if webhook_env else ""
    return watchlist(
        tmp_path,
        f"""{sample_feeds_toml(base)}
[[subscriptions]]
platform = "discord"
channel = "{DISCORD_CHANNEL}"
pairs = [["India", "Russia"]]
{webhook}

[[subscriptions]]
platform = "slack"
channel = "{SLACK_CHANNEL}"
pairs = [["Russia", "India"]]

[discord]
api_base = "{discord}"

[slack]
api_base = "{slack}"
""",
    )


async def poll_once(config: Path, *options: str, at: datetime | None = None) -> int:
    """``poll --once`` on the command line, in a thread (the fakes answer from this test's
    event loop); ``options`` go before it, and the clock reads ``at`` when given."""
    argv = [*options, "--config", str(config), "poll", "--once"]
    if at is None:
        return await asyncio.to_thread(main, argv)
    with time_machine.travel(at, tick=True):
        return await asyncio.to_thread(main, argv)


async def poll_story(config: Path, feeds: SampleFeeds) -> None:
    """The two polls of the demo's story, as a user would run them."""
    for stage, _ in STAGES:
        feeds.stage = stage
        assert await poll_once(config) == 0


def embed_text(request_body: Any) -> str:
    (embed,) = request_body["embeds"]
    fields = " ".join(f"{f['name']} {f['value']}" for f in embed.get("fields", []))
    return f"{embed['title']} {embed['description']} {fields}"


async def test_poll_once_posts_the_india_russia_alert_as_an_embed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    discord_api: FakeDiscord,
    sample_feeds: tuple[SampleFeeds, str],
) -> None:
    feeds, base = sample_feeds
    monkeypatch.setenv("DISCORD_TOKEN", discord_api.token)
    config = write_config(tmp_path, base, discord=discord_api.api_base)

    await poll_story(config, feeds)

    posted = discord_api.sent("POST", f"/channels/{DISCORD_CHANNEL}/messages")
    assert len(posted) == 2  # the pair's first words, then the rewording; nothing else
    first, rewording = (embed_text(r.body) for r in posted)
    assert "special and privileged strategic partnership" in first
    assert "~~special and~~ **particularly** privileged strategic partnership" in rewording
    assert posted[1].body["allowed_mentions"]["parse"] == []  # feed text pings nobody
    assert posted[1].headers["Authorization"] == f"Bot {discord_api.token}"


async def test_poll_once_posts_the_india_russia_alert_as_block_kit(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    slack_api: FakeSlack,
    sample_feeds: tuple[SampleFeeds, str],
) -> None:
    feeds, base = sample_feeds
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    config = write_config(tmp_path, base, slack=slack_api.api_base)

    await poll_story(config, feeds)

    first, rewording = slack_api.posted(SLACK_CHANNEL)
    assert first.blocks[0]["type"] == "header"
    assert "special and privileged strategic partnership" in str(first.blocks)
    assert "particularly" in rewording.text  # the plain-text fallback says it too
    header, diff = rewording.blocks[:2]
    assert header["text"]["text"] == "India–Russia: rewording"
    assert diff["text"]["text"].startswith(
        "~special and~ *particularly* privileged strategic partnership"
    )
    (button,) = rewording.blocks[-1]["elements"]
    assert (
        button["url"] == "http://worlddesk.example/2025/03/lavrov-privileged-strategic-partnership"
    )


async def test_a_platform_without_its_token_is_not_started(
    tmp_path: Path,
    sample_feeds: tuple[SampleFeeds, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    feeds, base = sample_feeds
    config = write_config(tmp_path, base)
    feeds.stage = STAGES[0][0]
    assert await poll_once(config, "-v") == 0
    err = capsys.readouterr().err
    assert err.count("Discord bot not started: DISCORD_TOKEN is not set") == 1
    assert err.count("Slack app not started: SLACK_BOT_TOKEN is not set") == 1


async def test_webhook_only_discord_posts_to_the_configured_api_base(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    discord_api: FakeDiscord,
    sample_feeds: tuple[SampleFeeds, str],
) -> None:
    feeds, base = sample_feeds
    hook = f"1250000000000000001/{'w' * 68}"
    monkeypatch.setenv("PW_ANALYSTS_HOOK", f"https://discord.com/api/webhooks/{hook}")
    config = write_config(
        tmp_path, base, discord=discord_api.api_base, webhook_env="PW_ANALYSTS_HOOK"
    )

    await poll_story(config, feeds)

    # docs/discord.md: [discord] api_base covers webhooks too, with no bot token at all.
    posted = discord_api.sent("POST", f"/webhooks/{hook}")
    assert posted and "India–Russia" in embed_text(posted[0].body)


async def test_poll_without_a_platform_imports_no_platform_library(
    tmp_path: Path, sample_feeds: tuple[SampleFeeds, str]
) -> None:
    _, base = sample_feeds
    config = write_config(tmp_path, base)
    script = (
        "import sys\n"
        "from bot.cli import main\n"
        f"status = main(['--config', {str(config)!r}, 'poll', '--once'])\n"
        "loaded = [m for m in ('discord', 'slack_bolt', 'slack_sdk', 'aiohttp') "
        "if m in sys.modules]\n"
        "print(status, loaded)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "SLACK_BOT_TOKEN")}
    done = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-c", script], capture_output=True, text=True, env=env
    )
    assert done.stdout.splitlines()[-1] == "0 []", done.stderr


async def test_an_alert_waits_while_discord_is_down_and_a_later_poll_sends_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    discord_api: FakeDiscord,
    sample_feeds: tuple[SampleFeeds, str],
) -> None:
    feeds, base = sample_feeds
    monkeypatch.setenv("DISCORD_TOKEN", discord_api.token)
    config = write_config(tmp_path, base, discord=discord_api.api_base)
    feeds.stage = STAGES[0][0]
    messages = f"/channels/{DISCORD_CHANNEL}/messages"

    discord_api.fail("POST", messages, 503, times=None)  # Discord is down for this run
    assert await poll_once(config, at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC)) == 0
    assert discord_api.messages.get(DISCORD_CHANNEL, {}) == {}

    discord_api.failures.clear()  # back up; the next cron run, ten minutes later
    assert await poll_once(config, at=datetime(2026, 1, 5, 9, 10, tzinfo=UTC)) == 0
    (delivered,) = discord_api.messages[DISCORD_CHANNEL].values()
    assert "special and privileged strategic partnership" in embed_text(delivered)


async def test_a_config_channel_paused_for_missing_permissions_resumes_at_the_next_start(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    discord_api: FakeDiscord,
    sample_feeds: tuple[SampleFeeds, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    feeds, base = sample_feeds
    monkeypatch.setenv("DISCORD_TOKEN", discord_api.token)
    config = write_config(tmp_path, base, discord=discord_api.api_base)
    messages = f"/channels/{DISCORD_CHANNEL}/messages"

    (first, _), (second, _) = STAGES
    feeds.stage = first
    discord_api.fail("POST", messages, 403, times=None)  # the bot may not post there
    assert await poll_once(config, at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC)) == 0
    assert f"discord channel {DISCORD_CHANNEL} paused" in capsys.readouterr().err

    discord_api.failures.clear()  # the operator gave the bot its permissions back
    feeds.stage = second
    assert await poll_once(config, "-v", at=datetime(2026, 1, 5, 11, 0, tzinfo=UTC)) == 0

    err = capsys.readouterr().err
    assert err.count("resumed after restart") == 1
    assert (
        f"discord channel {DISCORD_CHANNEL} resumed after restart; paused since "
        f"2026-01-05 09:00 UTC because channel '{DISCORD_CHANNEL}': Missing Permissions "
        "(HTTP 403, Discord code 50013) (IND-RUS from the config)"
    ) in err
    (delivered,) = discord_api.messages[DISCORD_CHANNEL].values()
    assert "particularly privileged strategic partnership" in embed_text(delivered)


async def test_a_refused_discord_token_is_a_clear_config_problem(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    discord_api: FakeDiscord,
    sample_feeds: tuple[SampleFeeds, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, base = sample_feeds
    monkeypatch.setenv("DISCORD_TOKEN", "revoked-token-value")
    config = write_config(tmp_path, base, discord=discord_api.api_base)
    assert await poll_once(config) == 2
    err = capsys.readouterr().err
    assert "environment: DISCORD_TOKEN: Discord refused this token" in err
    assert "revoked-token-value" not in err


async def test_a_refused_discord_token_stops_neither_the_feeds_nor_slack_and_owes_discord(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    discord_api: FakeDiscord,
    slack_api: FakeSlack,
    sample_feeds: tuple[SampleFeeds, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    feeds, base = sample_feeds
    monkeypatch.setenv("DISCORD_TOKEN", "revoked-token-value")
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    config = write_config(tmp_path, base, discord=discord_api.api_base, slack=slack_api.api_base)
    feeds.stage = STAGES[0][0]

    assert await poll_once(config) == 2
    assert len(slack_api.posted(SLACK_CHANNEL)) == 1  # Slack got its alert all the same
    assert discord_api.sent("POST", f"/channels/{DISCORD_CHANNEL}/messages") == []
    capsys.readouterr()

    # The token is fixed: the next run sends Discord what it was owed, and nothing twice.
    discord_api.token = "revoked-token-value"
    assert await poll_once(config) == 0
    assert len(discord_api.sent("POST", f"/channels/{DISCORD_CHANNEL}/messages")) == 1
    assert len(slack_api.posted(SLACK_CHANNEL)) == 1


async def test_an_unreachable_discord_stops_the_start_with_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    discord_api: FakeDiscord,  # puts the library's base URL back afterwards
    sample_feeds: tuple[SampleFeeds, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, base = sample_feeds
    monkeypatch.setenv("DISCORD_TOKEN", "some-token")
    config = write_config(tmp_path, base)
    assert await poll_once(config) == 1
    err = capsys.readouterr().err
    assert "partnership-watch: error: Discord API at http://127.0.0.1:9/api/v10 unreachable" in err
    assert "Traceback" not in err


async def test_run_with_a_refused_discord_token_goes_on_and_starts_discord_once_accepted(
    tmp_path: Path,
    discord_api: FakeDiscord,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(wiring, "RESTART_FIRST_SECONDS", 0.05)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(discord_api.gateway_url))
    config = load_config(
        write_config(tmp_path, "http://127.0.0.1:9", discord=discord_api.api_base),
        default_countries(),
    )
    store = Store.open(tmp_path / "store.sqlite3")
    try:
        chat = open_chat(
            config,
            store,
            default_countries(),
            FakeClock(),
            serve_commands=True,
            environ={"DISCORD_TOKEN": "revoked-token-value"},
        )
        async with chat as opened:
            # Started all the same: the feeds and the other platforms go on.
            assert isinstance(opened.not_started["discord"], TokenRefused)
            assert "discord did not start: environment: DISCORD_TOKEN" in caplog.text
            # The operator fixes the token; the next try in the background starts Discord.
            discord_api.token = "revoked-token-value"
            for _ in range(500):
                if "discord" not in opened.not_started:
                    break
                await asyncio.sleep(0.01)
            assert opened.not_started == {}
            assert not isinstance(opened.router.notifiers["discord"], NotStarted)
        assert "revoked-token-value" not in caplog.text
    finally:
        store.close()
    gc.collect()  # a session a failed start left open would complain here
