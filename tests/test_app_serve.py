"""What ``run`` opens: a channel subscribes with /watch over Slack's socket, and the next
poll's change for that pair reaches the channel. The pair is in no config: subscribing from
chat is what makes it watched."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from bot.app import ChatMode, open_app
from bot.config import load_config
from tests.fake_slack import APP_TOKEN, BOT_TOKEN, FakeSlack
from tests.fakes import FakeClock
from tests.feeds import rss, watchlist
from watchers.countries import default_countries
from watchers.extraction import default_extractor

CHANNEL = "C0DESK"
ADMIN = "U0ADMIN"


@pytest.fixture
def slack_api(slack_api: FakeSlack) -> FakeSlack:
    """The shared fake, with what this file's tests expect in it."""
    slack_api.add_channel(CHANNEL)
    slack_api.add_user(ADMIN, admin=True)
    return slack_api


def watch_command(text: str, response_url: str) -> dict[str, str]:
    return {
        "team_id": "T0FAKE",
        "channel_id": CHANNEL,
        "channel_name": "desk",
        "user_id": ADMIN,
        "user_name": "admin",
        "command": "/watch",
        "text": text,
        "api_app_id": "A0APP",
        "response_url": response_url,
        "trigger_id": "1.2.3",
    }


async def test_a_pair_subscribed_in_chat_is_alerted_there(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    slack_api: FakeSlack,
    httpserver: HTTPServer,
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_APP_TOKEN", APP_TOKEN)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    httpserver.expect_request("/desk.xml").respond_with_data(
        rss(
            (
                "1",
                "Hanoi talks",
                "Vietnam and the United States upgraded their ties to a "
                "comprehensive strategic partnership.",
            )
        )
    )
    path = watchlist(
        tmp_path,
        f"""
[[feeds]]
name = "Desk"
url = "{httpserver.url_for("/desk.xml")}"
[slack]
api_base = "{slack_api.api_base}"
""",
    )
    config = load_config(path, default_countries())
    async with open_app(
        config,
        extractor=default_extractor(),
        console=None,
        chat=ChatMode.SERVE,
        clock=FakeClock(),
    ) as app:
        command = watch_command("add US Viet Nam", slack_api.response_url("add"))
        await slack_api.send_envelope("slash_commands", command)
        answer = await slack_api.wait_for_response("add")
        assert "now watches United States–Vietnam" in answer["text"]
        await app.poll_once()

    (alert,) = slack_api.posted(CHANNEL)
    assert alert.blocks[0]["text"]["text"] == "United States–Vietnam: new descriptor"
    assert "comprehensive strategic partnership" in alert.text
