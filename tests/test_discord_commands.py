"""The /watch slash commands, driven by real discord.Interaction objects at the wire.

Each test feeds an INTERACTION_CREATE payload to the client's connection state, exactly as
the gateway would; discord.py builds the Interaction, the command tree runs our handler,
and the reply travels back through the library's HTTP code to the fake API, where we read
the interaction callback body.
"""

from __future__ import annotations

import asyncio
import gc
import io
import logging
import os
import sys
from collections.abc import AsyncIterator
from datetime import time, timedelta
from pathlib import Path
from typing import Any

import pytest
import yarl
from discord.gateway import DiscordWebSocket

from bot.chat.commands import CommandDeps
from bot.chat.decide import QuietHours, Schedule
from bot.chat.store import ChatStore, ConfigSubscription
from bot.cli import main
from bot.platforms.discord.client import DiscordBot, sync_commands, sync_from_cli, token_from_env
from bot.platforms.discord.commands import manage_requirement, split_message
from tests.fake_discord import (
    APPLICATION_ID,
    CHANNEL,
    GUILD,
    MANAGE_CHANNELS,
    USER,
    VIEW_AND_SEND,
    FakeDiscord,
    interact,
    interaction_payload,
    option,
)
from tests.fakes import (
    FakeClock,
    FakeHistory,
)
from watchers.errors import ConfigError, TokenRefused
from watchers.model import Level

ANALYSTS_ROLE = "1400000000000000003"
OTHER_ROLE = "1400000000000000004"

EPHEMERAL = 64


def guild_payload() -> dict[str, Any]:
    """The guild as GUILD_CREATE describes it: roles, so role names can be checked."""
    return {
        "id": GUILD,
        "name": "Analysts' server",
        "roles": [
            role_payload(GUILD, "@everyone", 0),
            role_payload(ANALYSTS_ROLE, "Analysts", 1),
            role_payload(OTHER_ROLE, "Readers", 2),
        ],
        "channels": [],
    }


def role_payload(role_id: str, name: str, position: int) -> dict[str, Any]:
    return {
        "id": role_id,
        "name": name,
        "color": 0,
        "hoist": False,
        "position": position,
        "permissions": "0",
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


@pytest.fixture
async def bot(discord_api: FakeDiscord, deps: CommandDeps) -> AsyncIterator[DiscordBot]:
    discord_bot = DiscordBot(deps, manage_roles=("Analysts",), api_base=discord_api.api_base)
    await discord_bot.login(discord_api.token)
    # What GUILD_CREATE would have cached through the guilds intent: the role names.
    discord_bot.client._connection._add_guild_from_data(guild_payload())  # type: ignore[arg-type]
    yield discord_bot
    await discord_bot.close()


async def run(
    bot: DiscordBot, discord_api: FakeDiscord, sub: str, *options: dict[str, Any], **asked: Any
) -> dict[str, Any]:
    """Deliver one interaction as the gateway would (``asked`` as ``interact`` takes it) and
    return the callback body."""
    request = await interact(bot, discord_api, sub, *options, **asked)
    body: dict[str, Any] = request.body
    return body


def pair(a: str = "India", b: str = "Russia") -> tuple[dict[str, Any], dict[str, Any]]:
    return option("first", a), option("second", b)


async def test_add_by_a_manager_stores_and_announces(
    bot: DiscordBot, discord_api: FakeDiscord, store: ChatStore
) -> None:
    body = await run(bot, discord_api, "add", *pair("Bharat", "RUS"), permissions=MANAGE_CHANNELS)

    assert body["type"] == 4
    assert body["data"]["content"] == (
        "This channel now watches India–Russia (alerts from level reported). "
        "Current wording: “special and privileged strategic partnership”."
    )
    assert body["data"].get("flags", 0) & EPHEMERAL == 0
    assert body["data"]["allowed_mentions"] == {"parse": []}
    sub = store.get("discord", CHANNEL, "IND-RUS")
    assert sub is not None and sub.created_by == USER


async def test_add_without_permission_is_refused(
    bot: DiscordBot, discord_api: FakeDiscord, store: ChatStore
) -> None:
    body = await run(bot, discord_api, "add", *pair(), roles=[OTHER_ROLE])

    assert body["data"]["flags"] & EPHEMERAL
    assert body["data"]["content"] == (
        "Changing this channel's pairs or hours needs the Manage Channels permission "
        "or the “Analysts” role."
    )
    assert store.all() == []


async def test_a_manager_role_may_change_subscriptions(
    bot: DiscordBot, discord_api: FakeDiscord, store: ChatStore
) -> None:
    body = await run(bot, discord_api, "add", *pair(), roles=[ANALYSTS_ROLE])
    assert "now watches India–Russia" in body["data"]["content"]
    assert [s.pair_key for s in store.all()] == ["IND-RUS"]


async def test_unknown_country_is_answered_with_suggestions(
    bot: DiscordBot, discord_api: FakeDiscord, store: ChatStore
) -> None:
    body = await run(
        bot, discord_api, "add", *pair("Indonesai", "Russia"), permissions=MANAGE_CHANNELS
    )
    assert body["data"]["flags"] & EPHEMERAL
    assert "Did you mean: Indonesia" in body["data"]["content"]
    assert store.all() == []


async def test_list_is_ephemeral_and_needs_no_permission(
    bot: DiscordBot, discord_api: FakeDiscord, store: ChatStore, clock: FakeClock
) -> None:
    store.load_config([ConfigSubscription("discord", CHANNEL, "IND-RUS")], now=clock.now())
    body = await run(bot, discord_api, "list")
    assert body["data"]["flags"] & EPHEMERAL
    assert body["data"]["content"].splitlines() == [
        "This channel watches 1 pair (daily digest off; no quiet hours):",
        "• India–Russia: “special and privileged strategic partnership” · level reported"
        " · set in the config file",
    ]


async def test_remove_of_a_config_pair_points_to_the_config(
    bot: DiscordBot, discord_api: FakeDiscord, store: ChatStore, clock: FakeClock
) -> None:
    store.load_config([ConfigSubscription("discord", CHANNEL, "IND-RUS")], now=clock.now())
    body = await run(bot, discord_api, "remove", *pair(), permissions=MANAGE_CHANNELS)
    assert "config file" in body["data"]["content"]
    assert len(store.all()) == 1


async def test_remove_a_chat_pair(
    bot: DiscordBot, discord_api: FakeDiscord, store: ChatStore, clock: FakeClock
) -> None:
    store.add("discord", CHANNEL, "IND-RUS", now=clock.now())
    body = await run(bot, discord_api, "remove", *pair("Russia", "India"), roles=[ANALYSTS_ROLE])
    assert body["data"]["content"] == "This channel no longer watches India–Russia."
    assert store.all() == []


async def test_mute_level_and_digest_are_stored(
    bot: DiscordBot, discord_api: FakeDiscord, store: ChatStore, clock: FakeClock
) -> None:
    store.add("discord", CHANNEL, "IND-RUS", now=clock.now())

    muted = await run(
        bot, discord_api, "mute", *pair(), option("duration", "3d"), permissions=MANAGE_CHANNELS
    )
    levelled = await run(
        bot,
        discord_api,
        "level",
        *pair(),
        option("level", "multi-source"),
        permissions=MANAGE_CHANNELS,
    )
    digest = await run(
        bot, discord_api, "digest", option("state", "on"), permissions=MANAGE_CHANNELS
    )

    assert muted["data"]["content"] == (
        "India–Russia is muted in this channel until 2025-03-17 09:30 UTC."
    )
    assert "once a change is multi-source" in levelled["data"]["content"]
    assert digest["data"]["content"].startswith("Daily digest on")
    sub = store.get("discord", CHANNEL, "IND-RUS")
    assert sub is not None
    assert sub.muted_until == clock.now() + timedelta(days=3)
    assert sub.min_level is Level.MULTI_SOURCE
    assert sub.digest is True


async def test_quiet_hours_and_the_digest_time_are_set_from_discord(
    bot: DiscordBot, discord_api: FakeDiscord, store: ChatStore
) -> None:
    refused = await run(bot, discord_api, "quiet", option("hours", "22:00-07:00"))
    assert refused["data"]["flags"] & EPHEMERAL
    assert store.schedule("discord", CHANNEL) == Schedule()

    quiet = await run(
        bot,
        discord_api,
        "quiet",
        option("hours", "22:00-07:00"),
        option("zone", "Europe/Paris"),
        permissions=MANAGE_CHANNELS,
    )
    digest = await run(
        bot,
        discord_api,
        "digest",
        option("state", "on"),
        option("time", "09:30"),
        option("zone", "Asia/Kolkata"),
        roles=[ANALYSTS_ROLE],
    )
    listed = await run(bot, discord_api, "list")

    assert quiet["data"]["content"].startswith("Quiet hours 22:00–07:00 Europe/Paris: alerts")
    assert quiet["data"].get("flags", 0) & EPHEMERAL == 0
    assert "at 09:30 Asia/Kolkata" in digest["data"]["content"]
    schedule = store.schedule("discord", CHANNEL)
    assert schedule == Schedule(
        QuietHours(time(22), time(7), "Europe/Paris"), time(9, 30), "Asia/Kolkata"
    )
    assert store.digest("discord", CHANNEL) is True
    assert (
        "daily digest on, at 09:30 Asia/Kolkata; quiet hours 22:00–07:00 Europe/Paris"
        in listed["data"]["content"]
    )

    lifted = await run(
        bot, discord_api, "quiet", option("hours", "off"), permissions=MANAGE_CHANNELS
    )
    assert lifted["data"]["content"].startswith("Quiet hours off")
    assert store.schedule("discord", CHANNEL).quiet is None


async def test_autocomplete_offers_time_zones(bot: DiscordBot, discord_api: FakeDiscord) -> None:
    body = await run(
        bot,
        discord_api,
        "quiet",
        option("hours", "22:00-07:00"),
        option("zone", "kolk", focused=True),
        kind=4,
    )
    assert [c["value"] for c in body["data"]["choices"]] == ["Asia/Kolkata"]
    empty = await run(
        bot, discord_api, "digest", option("state", "on"), option("zone", "", focused=True), kind=4
    )
    assert [c["value"] for c in empty["data"]["choices"]] == ["UTC"]


async def test_history_and_why_read_the_history(
    bot: DiscordBot, discord_api: FakeDiscord, history: FakeHistory
) -> None:
    history.decisions[("IND-RUS", "discord", CHANNEL)] = ("not alerted", "flip-flop")
    told = await run(bot, discord_api, "history", *pair())
    why = await run(bot, discord_api, "why", *pair())
    assert told["data"]["content"].startswith(
        "India–Russia now: “special and privileged strategic partnership”."
    )
    assert why["data"]["content"].splitlines()[0] == (
        "Last decision for India–Russia here: not alerted, flip-flop."
    )
    assert told["data"]["flags"] & EPHEMERAL and why["data"]["flags"] & EPHEMERAL


async def test_help(bot: DiscordBot, discord_api: FakeDiscord) -> None:
    body = await run(bot, discord_api, "help")
    assert body["data"]["content"].startswith("/watch follows")
    assert body["data"]["flags"] & EPHEMERAL


async def test_autocomplete_offers_countries(bot: DiscordBot, discord_api: FakeDiscord) -> None:
    body = await run(
        bot, discord_api, "add", option("first", "Ind", focused=True), option("second", ""), kind=4
    )
    assert body["type"] == 8
    names = [c["name"] for c in body["data"]["choices"]]
    assert names[:2] == ["India", "Indonesia"]
    assert all(c["name"] == c["value"] for c in body["data"]["choices"])


async def test_autocomplete_with_nothing_typed_offers_this_channels_countries(
    bot: DiscordBot, discord_api: FakeDiscord, store: ChatStore, clock: FakeClock
) -> None:
    store.add("discord", CHANNEL, "USA-VNM", now=clock.now())
    body = await run(
        bot, discord_api, "remove", option("first", "", focused=True), option("second", ""), kind=4
    )
    assert [c["name"] for c in body["data"]["choices"]] == ["United States", "Vietnam"]


async def test_a_long_reply_continues_in_followups(
    bot: DiscordBot,
    discord_api: FakeDiscord,
    store: ChatStore,
    history: FakeHistory,
    clock: FakeClock,
) -> None:
    codes = ["CHN", "IDN", "IND", "PAK", "RUS", "USA", "VNM"]
    keys = [f"{a}-{b}" for i, a in enumerate(codes) for b in codes[i + 1 :]]
    for key in keys:
        store.add("discord", CHANNEL, key, now=clock.now())
        history.descriptors[key] = "comprehensive strategic partnership of coordination " * 2
    first = await run(bot, discord_api, "list")
    followups = await discord_api.wait_for(
        "POST", rf"/webhooks/{APPLICATION_ID}/interaction-token-.*"
    )

    texts = [first["data"]["content"]] + [r.body["content"] for r in followups]
    assert all(len(t) <= 2000 for t in texts)
    assert len(texts) >= 2
    assert sum(t.count("•") for t in texts) == len(keys) == 21
    assert all(r.body["flags"] & EPHEMERAL for r in followups)


async def test_a_broken_store_gets_a_private_apology(
    bot: DiscordBot,
    discord_api: FakeDiscord,
    store: ChatStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    store.connection.close()  # the database went away under the running bot

    body = await run(bot, discord_api, "list")

    assert body["data"]["content"] == "Something went wrong on our side; it has been logged."
    assert body["data"]["flags"] & EPHEMERAL
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == ["/watch list failed"]


async def test_a_failed_command_is_logged_once(
    bot: DiscordBot, discord_api: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    # The interaction expired before the answer: the reply fails, and so does the apology.
    callback = r"/interactions/\d+/[^/]+/callback"
    discord_api.fail("POST", callback, 404, times=None, message="Unknown interaction", code=10062)
    payload = interaction_payload("list", [], permissions=VIEW_AND_SEND, roles=[], kind=2)

    bot.client._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
    await discord_api.wait_for("POST", callback, count=2)  # the answer, then the apology
    while any(t.get_name() == "CommandTree-invoker" for t in asyncio.all_tasks()):
        await asyncio.sleep(0.01)
    gc.collect()  # a task's exception nobody retrieved is logged when the task goes

    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, errors
    assert errors == ["/watch list failed"]


async def test_sync_to_a_guild_registers_the_group(
    bot: DiscordBot, discord_api: FakeDiscord
) -> None:
    names = await bot.sync(int(GUILD))
    assert names == ["watch"]
    (put,) = discord_api.sent("PUT", rf"/applications/{APPLICATION_ID}/guilds/{GUILD}/commands")
    (watch,) = put.body
    subcommands = {o["name"]: o for o in watch["options"]}
    assert set(subcommands) == {
        "add",
        "remove",
        "list",
        "history",
        "mute",
        "level",
        "why",
        "digest",
        "quiet",
        "notify",
        "test",
        "help",
    }
    add_first = subcommands["add"]["options"][0]
    assert (add_first["name"], add_first["autocomplete"], add_first["required"]) == (
        "first",
        True,
        True,
    )
    level_choices = [c["value"] for c in subcommands["level"]["options"][2]["choices"]]
    assert level_choices == ["reported", "multi-source", "official"]
    assert watch["contexts"] == [0]


async def test_sync_commands_globally(discord_api: FakeDiscord) -> None:
    names = await sync_commands(discord_api.token, api_base=discord_api.api_base)
    assert names == ["watch"]
    assert len(discord_api.sent("PUT", rf"/applications/{APPLICATION_ID}/commands")) == 1


def test_token_comes_from_the_environment() -> None:
    assert token_from_env({"DISCORD_TOKEN": " abc "}) == "abc"
    assert token_from_env({"DISCORD_TOKEN": ""}) is None
    assert token_from_env({}) is None


def test_refusal_names_what_is_needed() -> None:
    assert manage_requirement(()) == "the Manage Channels permission"
    assert manage_requirement(("Analysts", "Editors")) == (
        "the Manage Channels permission or the “Analysts” or “Editors” roles"
    )


def test_split_message_keeps_lines_whole() -> None:
    text = "\n".join(f"line {i:03d} " + "x" * 40 for i in range(100))
    chunks = split_message(text, limit=500)
    assert all(len(c) <= 500 for c in chunks)
    assert "\n".join(chunks) == text
    assert split_message("y" * 1200, limit=500) == ["y" * 500, "y" * 500, "y" * 200]


async def test_discord_sync_subcommand(discord_api: FakeDiscord) -> None:
    out = io.StringIO()
    env = {"DISCORD_TOKEN": discord_api.token}
    status = await sync_from_cli(discord_api.api_base, int(GUILD), out, env)
    assert (status, out.getvalue()) == (0, f"registered /watch in guild {GUILD}\n")
    assert (
        len(discord_api.sent("PUT", rf"/applications/{APPLICATION_ID}/guilds/{GUILD}/commands"))
        == 1
    )


async def test_discord_sync_without_or_with_a_wrong_token(
    discord_api: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    out = io.StringIO()
    with pytest.raises(ConfigError) as missing:
        await sync_from_cli(discord_api.api_base, None, out, {})
    assert "environment: DISCORD_TOKEN: set it" in str(missing.value)
    with pytest.raises(TokenRefused) as refused:
        await sync_from_cli(discord_api.api_base, None, out, {"DISCORD_TOKEN": "wrong-secret"})
    assert str(refused.value) == "environment: DISCORD_TOKEN: Discord refused this token"
    assert "wrong-secret" not in caplog.text
    assert out.getvalue() == ""
    assert discord_api.sent("PUT", r"/applications/.*") == []


async def test_the_bot_answers_over_the_gateway(
    discord_api: FakeDiscord,
    deps: CommandDeps,
    store: ChatStore,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(discord_api.gateway_url))
    discord_api.guilds.append(guild_payload())
    bot = DiscordBot(deps, manage_roles=("Analysts",), api_base=discord_api.api_base)
    await bot.start(discord_api.token)
    try:
        await asyncio.wait_for(bot.client.wait_until_ready(), timeout=10)
        identify = next(m for m in discord_api.gateway_received if m["op"] == 2)
        assert identify["d"]["intents"] == 1  # guilds only, nothing privileged
        assert identify["d"]["token"] == discord_api.token

        payload = interaction_payload(
            "add", list(pair()), permissions=VIEW_AND_SEND, roles=[ANALYSTS_ROLE], kind=2
        )
        await discord_api.dispatch("INTERACTION_CREATE", payload)
        (callback,) = await discord_api.wait_for(
            "POST", rf"/interactions/{payload['id']}/{payload['token']}/callback"
        )
    finally:
        await bot.close()
    assert "now watches India–Russia" in callback.body["data"]["content"]
    assert [s.pair_key for s in store.all()] == ["IND-RUS"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_the_cli_registers_the_commands(discord_api: FakeDiscord, tmp_path: Path) -> None:
    config = tmp_path / "watchlist.toml"
    config.write_text(f'[discord]\napi_base = "{discord_api.api_base}"\n', encoding="utf-8")
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root), "DISCORD_TOKEN": discord_api.token}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--config",
        str(config),
        "discord",
        "sync",
        "--guild",
        GUILD,
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()
    assert out.decode() == f"registered /watch in guild {GUILD}\n"
    assert discord_api.token not in err.decode()
    assert (
        len(discord_api.sent("PUT", rf"/applications/{APPLICATION_ID}/guilds/{GUILD}/commands"))
        == 1
    )


# ---- /watch test

EMBED_LINKS = 1 << 14


async def test_watch_test_names_the_permissions_the_bot_lacks(
    bot: DiscordBot, discord_api: FakeDiscord
) -> None:
    body = await run(bot, discord_api, "test", permissions=MANAGE_CHANNELS)
    assert body["data"]["flags"] & EPHEMERAL
    assert body["data"]["content"].startswith(
        "Alerts cannot be posted here: the bot lacks Embed Links in this channel."
    )
    assert "embeds" not in body["data"] or not body["data"]["embeds"]


async def test_watch_test_posts_a_sample_alert_when_the_bot_may_post(
    bot: DiscordBot, discord_api: FakeDiscord
) -> None:
    body = await run(
        bot,
        discord_api,
        "test",
        permissions=MANAGE_CHANNELS,
        app_permissions=VIEW_AND_SEND | EMBED_LINKS,
    )
    data = body["data"]
    assert not data.get("flags", 0) & EPHEMERAL
    assert data["content"].startswith("Sample alert (/watch test): India–Russia")
    (embed,) = data["embeds"]
    assert embed["title"] == "India–Russia: rewording"
    assert "This is a sample alert" in embed["description"]
    assert data["allowed_mentions"] == {"parse": []}


async def test_watch_test_is_for_those_who_manage_the_channel(
    bot: DiscordBot, discord_api: FakeDiscord
) -> None:
    body = await run(bot, discord_api, "test", app_permissions=VIEW_AND_SEND | EMBED_LINKS)
    assert body["data"]["flags"] & EPHEMERAL
    assert body["data"]["content"].startswith("Posting a sample alert here needs")


async def test_a_refused_token_exits_2_under_discord_sync_as_under_run_and_poll(
    discord_api: FakeDiscord,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "watchlist.toml"
    config.write_text(f'[discord]\napi_base = "{discord_api.api_base}"\n', encoding="utf-8")
    monkeypatch.setenv("DISCORD_TOKEN", "wrong-secret")
    argv = ["--config", str(config), "discord", "sync"]
    # in a thread: the fake answers from this test's event loop
    assert await asyncio.to_thread(main, argv) == 2
    err = capsys.readouterr().err
    assert "environment: DISCORD_TOKEN: Discord refused this token" in err
    assert "wrong-secret" not in err
