"""The Slack app at the wire: HTTP mode with signed requests, Socket Mode over a WebSocket."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from slack_bolt.context.ack.async_ack import AsyncAck

from bot.config import SlackSettings
from bot.platforms.slack.app import MAX_REQUEST_BYTES, SlackApp, SlackSecrets
from tests.fake_slack import (
    APP_TOKEN,
    BOT_TOKEN,
    FORM,
    SIGNING_SECRET,
    FakeSlack,
    http_app,
    post_event,
    post_signed,
    signed_headers,
    slash_command,
)
from watchers.errors import ConfigError


def ping_command(text: str) -> dict[str, str]:
    """A payload of the test command ``/ping`` as Slack sends it."""
    return slash_command("/ping", text, "U0ALICE")


def add_ping(app: SlackApp, heard: list[str]) -> None:
    @app.bolt.command("/ping")
    async def ping(ack: AsyncAck, command: dict[str, Any]) -> None:
        heard.append(command["text"])
        await ack(f"pong {command['text']}")


@pytest.fixture(name="http_app")
async def ping_app(slack_api: FakeSlack) -> AsyncIterator[tuple[SlackApp, list[str]]]:
    async with http_app(slack_api) as app:
        heard: list[str] = []
        add_ping(app, heard)
        yield app, heard


async def test_http_mode_answers_a_signed_slash_command(
    slack_api: FakeSlack, http_app: tuple[SlackApp, list[str]]
) -> None:
    app, heard = http_app
    body = urlencode(ping_command("hello"))
    status, text = await post_signed(app, body)

    assert status == 200
    assert text == "pong hello"
    assert heard == ["hello"]
    # Start checked the bot token against the configured API base, not slack.com.
    assert [c.token for c in slack_api.calls_to("auth.test")][:1] == [BOT_TOKEN]


async def test_http_mode_refuses_a_bad_signature(http_app: tuple[SlackApp, list[str]]) -> None:
    app, heard = http_app
    body = urlencode(ping_command("hello"))
    status, _ = await post_signed(app, body, secret="not-the-secret")

    assert status == 401
    assert heard == []


async def test_http_mode_refuses_a_body_changed_after_signing(
    http_app: tuple[SlackApp, list[str]],
) -> None:
    app, heard = http_app
    signed = urlencode(ping_command("list"))
    headers = signed_headers(signed)

    status, _ = await post_event(app, urlencode(ping_command("remove India Russia")), headers)

    assert status == 401
    assert heard == []


async def test_http_mode_refuses_a_stale_timestamp(http_app: tuple[SlackApp, list[str]]) -> None:
    app, heard = http_app
    body = urlencode(ping_command("hello"))
    # Correctly signed, but ten minutes old: a replayed request.
    status, _ = await post_signed(app, body, age=600)

    assert status == 401
    assert heard == []


async def test_http_mode_refuses_an_unsigned_request(http_app: tuple[SlackApp, list[str]]) -> None:
    app, heard = http_app

    status, _ = await post_event(app, urlencode(ping_command("hello")), {"Content-Type": FORM})

    assert status == 401
    assert heard == []


async def test_http_mode_logs_no_content_of_refused_requests(
    http_app: tuple[SlackApp, list[str]], caplog: pytest.LogCaptureFixture
) -> None:
    app, _ = http_app
    caplog.set_level(logging.DEBUG)
    secret_url = "http://127.0.0.1:9/response-url-of-a-replayed-request"
    body = urlencode({**ping_command("x" * 20_000), "response_url": secret_url})
    stale = signed_headers(body, age=600)

    for headers in (stale, {"Content-Type": FORM}):
        status, _ = await post_event(app, body, headers)
        assert status == 401

    assert "refused a request without a valid Slack signature" in caplog.text
    assert secret_url not in caplog.text
    assert "x" * 100 not in caplog.text  # not the body, nor a piece of it


async def test_http_mode_answers_413_to_a_body_larger_than_a_slack_request(
    http_app: tuple[SlackApp, list[str]],
) -> None:
    app, heard = http_app
    body = urlencode(ping_command("x" * (MAX_REQUEST_BYTES + 1)))
    status, _ = await post_signed(app, body)

    assert status == 413
    assert heard == []


async def test_http_mode_listens_on_the_configured_bind(slack_api: FakeSlack) -> None:
    settings = SlackSettings(mode="http", api_base=slack_api.api_base, port=0, bind="127.0.0.1")
    app = SlackApp(settings, SlackSecrets(bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET))
    await app.start()
    try:
        assert app.listener.address is not None
        assert app.listener.address[0] == "127.0.0.1"
    finally:
        await app.close()


async def test_http_mode_close_stops_listening(slack_api: FakeSlack) -> None:
    settings = SlackSettings(mode="http", api_base=slack_api.api_base, port=0)
    secrets = SlackSecrets(bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET)
    app = SlackApp(settings, secrets, host="127.0.0.1")
    await app.start()
    port = app.port
    await app.close()
    await app.close()

    with pytest.raises(aiohttp.ClientConnectionError):
        async with aiohttp.ClientSession() as session:
            await session.post(f"http://127.0.0.1:{port}/slack/events", data=b"")


async def test_socket_mode_receives_a_command_and_acknowledges_it(slack_api: FakeSlack) -> None:
    settings = SlackSettings(mode="socket", api_base=slack_api.api_base)
    app = SlackApp(settings, SlackSecrets(bot_token=BOT_TOKEN, app_token=APP_TOKEN))
    heard: list[str] = []
    add_ping(app, heard)
    ticks = 0

    async def neighbour() -> None:
        # Another task in the same loop (the scheduler, Discord) keeps running.
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    other = asyncio.create_task(neighbour())
    try:
        await app.start()
        ack = await slack_api.send_envelope("slash_commands", ping_command("over the socket"))
    finally:
        await app.close()
        other.cancel()

    assert ack["payload"] == {"text": "pong over the socket"}
    assert heard == ["over the socket"]
    assert ticks > 0
    assert app.bot_user_id == "U0BOT"
    assert [c.token for c in slack_api.calls_to("apps.connections.open")][:1] == [APP_TOKEN]
    await asyncio.wait_for(_until_disconnected(slack_api), 5)


async def _until_disconnected(slack_api: FakeSlack) -> None:
    while slack_api.socket_connected.is_set():
        await asyncio.sleep(0.01)


async def test_a_refused_bot_token_stops_start_with_the_variable_named(
    slack_api: FakeSlack,
) -> None:
    settings = SlackSettings(mode="socket", api_base=slack_api.api_base)
    app = SlackApp(settings, SlackSecrets(bot_token="xoxb-revoked", app_token=APP_TOKEN))

    with pytest.raises(ConfigError) as caught:
        await app.start()

    [problem] = caught.value.problems
    assert problem.key == "SLACK_BOT_TOKEN"
    assert "invalid_auth" in problem.reason
    assert "xoxb-revoked" not in str(caught.value)
    await app.close()


async def test_a_refused_app_token_stops_start_before_any_socket(slack_api: FakeSlack) -> None:
    settings = SlackSettings(mode="socket", api_base=slack_api.api_base)
    app = SlackApp(settings, SlackSecrets(bot_token=BOT_TOKEN, app_token="xapp-wrong"))

    with pytest.raises(ConfigError) as caught:
        await app.start()

    assert [p.key for p in caught.value.problems] == ["SLACK_APP_TOKEN"]
    assert not slack_api.socket_connected.is_set()
    await app.close()


def test_secrets_absent_means_slack_stays_off() -> None:
    assert SlackSecrets.from_env({"SLACK_APP_TOKEN": APP_TOKEN}) is None
    assert SlackSecrets.from_env({"SLACK_BOT_TOKEN": "  "}) is None


def test_secrets_name_every_missing_variable_for_the_mode() -> None:
    secrets = SlackSecrets.from_env({"SLACK_BOT_TOKEN": "xapp-swapped"})
    assert secrets is not None

    with pytest.raises(ConfigError) as socket_problems:
        secrets.check("socket")
    with pytest.raises(ConfigError) as http_problems:
        secrets.check("http")

    assert [p.key for p in socket_problems.value.problems] == ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"]
    assert [p.key for p in http_problems.value.problems] == [
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
    ]
    assert "xapp-swapped" not in str(socket_problems.value)


def test_secrets_are_complete_for_their_mode() -> None:
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
    }
    secrets = SlackSecrets.from_env(env)
    assert secrets is not None
    secrets.check("socket")
    secrets.check("http")
    for value in env.values():
        assert value not in repr(secrets)


def link_click() -> dict[str, Any]:
    """What Slack sends when someone clicks the source button of an alert."""
    return {
        "type": "block_actions",
        "user": {"id": "U0ALICE", "username": "alice", "team_id": "T0FAKE"},
        "api_app_id": "A0APP",
        "team": {"id": "T0FAKE", "domain": "fake"},
        "channel": {"id": "C0ALERTS", "name": "alerts"},
        "container": {"type": "message", "message_ts": "1700000000.000001"},
        "trigger_id": "1.2.3",
        "response_url": "http://127.0.0.1:9/unused",
        "actions": [
            {
                "type": "button",
                "action_id": "source",
                "block_id": "links",
                "text": {"type": "plain_text", "text": "Read the source"},
                "url": "https://news.example/india-russia",
                "action_ts": "1700000001.000001",
            }
        ],
    }


async def test_a_click_on_a_link_button_is_acknowledged_over_http(
    http_app: tuple[SlackApp, list[str]],
) -> None:
    app, _ = http_app
    body = urlencode({"payload": json.dumps(link_click())})
    status, _ = await post_signed(app, body)

    # Bolt answers 404 to interactions nobody handles; Slack then marks the button with a warning.
    assert status == 200


async def test_a_click_on_a_link_button_is_acknowledged_over_the_socket(
    slack_api: FakeSlack,
) -> None:
    settings = SlackSettings(mode="socket", api_base=slack_api.api_base)
    app = SlackApp(settings, SlackSecrets(bot_token=BOT_TOKEN, app_token=APP_TOKEN))
    await app.start()
    try:
        ack = await slack_api.send_envelope("interactive", link_click())
    finally:
        await app.close()

    assert set(ack) == {"envelope_id"}
