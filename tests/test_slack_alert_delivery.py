"""An alert rendered as Block Kit reaches a Slack channel, and later sources update it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.alert import alert_from_change
from bot.config import SlackSettings
from bot.platforms.pacing import ChannelPacer
from bot.platforms.slack.app import SlackSecrets, make_delivery
from bot.platforms.slack.delivery import SlackDelivery
from bot.render.slack import render_slack
from tests.fake_slack import BOT_TOKEN, FakeSlack
from tests.fakes import PARTICULARLY, rewording
from watchers.errors import ConfigError
from watchers.model import Change, Level, Source

CHANNEL = "C0ALERTS"
AT = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
AFTER = PARTICULARLY


def source(feed: str, *, official: bool = False) -> Source:
    return Source(
        feed=feed,
        url=f"https://{feed}.example/india-russia",
        title=f"{feed} on the minister's visit",
        published=AT,
        official=official,
    )


def wire_rewording(quote: str) -> Change:
    """India–Russia's rewording as stored, said in ``quote``, from one wire."""
    change = rewording(quote=quote, at=AT)
    return replace(change, sources=(source("wire"),), change_id="ind-rus-1")


async def no_sleep(seconds: float) -> None:
    return None


@pytest.fixture
def slack_api(slack_api: FakeSlack) -> FakeSlack:
    """The shared fake, with what this file's tests expect in it."""
    slack_api.add_channel(CHANNEL)
    return slack_api


@pytest.fixture
def delivery(slack_api: FakeSlack) -> SlackDelivery:
    return make_delivery(
        SlackSettings(api_base=slack_api.api_base),
        SlackSecrets(bot_token=BOT_TOKEN),
        pacer=ChannelPacer(1.0, sleep=no_sleep),
    )


def block_texts(blocks: list[dict[str, Any]]) -> str:
    """Every piece of text in a message's blocks, in order."""
    out: list[str] = []
    for block in blocks:
        if "text" in block:
            out.append(block["text"]["text"])
        for element in block.get("elements", []):
            if "text" in element:
                text = element["text"]
                out.append(text["text"] if isinstance(text, dict) else text)
    return "\n".join(out)


async def test_the_india_russia_rewording_arrives_as_block_kit(
    slack_api: FakeSlack, delivery: SlackDelivery
) -> None:
    alert = alert_from_change(
        wire_rewording(f"Moscow and New Delhi enjoy a {AFTER}, the minister said.")
    )

    await delivery.post(CHANNEL, render_slack(alert))

    [message] = slack_api.posted(CHANNEL)
    assert message.text.startswith("India–Russia")
    assert message.blocks[0]["type"] == "header"
    assert "India–Russia" in message.blocks[0]["text"]["text"]
    texts = block_texts(message.blocks)
    assert "privileged" in texts and "particularly" in texts
    [actions] = [b for b in message.blocks if b["type"] == "actions"]
    [button] = actions["elements"]
    assert button["url"] == "https://wire.example/india-russia"


async def test_later_sources_edit_the_posted_alert_in_place(
    slack_api: FakeSlack, delivery: SlackDelivery
) -> None:
    change = wire_rewording(f"The two sides praised their {AFTER}.")
    ts = await delivery.post(CHANNEL, render_slack(alert_from_change(change)))

    sources = (source("wire"), source("kremlin", official=True))
    later = replace(change, sources=sources, level=Level.OFFICIAL, revision=1)
    await delivery.edit(CHANNEL, ts, render_slack(alert_from_change(later)))

    [message] = slack_api.posted(CHANNEL)
    assert message.edits == 1
    assert "updated: now official" in message.blocks[0]["text"]["text"]
    assert "2 sources" in block_texts(message.blocks)


async def test_feed_text_in_an_alert_pings_nobody(
    slack_api: FakeSlack, delivery: SlackDelivery
) -> None:
    quote = f"<!channel> <!here> <@U0ADMIN> read this: the {AFTER} is back"
    alert = alert_from_change(wire_rewording(quote))

    await delivery.post(CHANNEL, render_slack(alert))

    [message] = slack_api.posted(CHANNEL)
    everything = message.text + block_texts(message.blocks)
    for ping in ("<!channel>", "<!here>", "<@U0ADMIN>"):
        assert ping not in everything


def test_a_one_off_delivery_needs_only_a_bot_token() -> None:
    make_delivery(SlackSettings(mode="socket"), SlackSecrets(bot_token=BOT_TOKEN))

    with pytest.raises(ConfigError) as caught:
        make_delivery(SlackSettings(), SlackSecrets(bot_token="xapp-wrong-kind"))
    assert [p.key for p in caught.value.problems] == ["SLACK_BOT_TOKEN"]
