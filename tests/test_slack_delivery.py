"""Slack delivery at the wire: the real slack_sdk client against the local fake Web API."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest

from bot.platforms.pacing import ChannelPacer
from bot.platforms.slack.delivery import SlackDelivery, make_web_client
from tests.fake_slack import BOT_TOKEN, FakeSlack
from tests.fakes import FakeMonotonic
from watchers.errors import DeliveryError

CHANNEL = "C0ALERTS"

PAYLOAD = {
    "text": "India–Russia: special and privileged → particularly privileged",
    "blocks": [
        {"type": "header", "text": {"type": "plain_text", "text": "India–Russia: reworded"}},
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "~special and~ *particularly* privileged"},
        },
    ],
}


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = FakeSlack()
    await server.start()
    server.add_channel(CHANNEL)
    yield server
    await server.close()


@pytest.fixture
def time_() -> FakeMonotonic:
    return FakeMonotonic()


@pytest.fixture
def delivery(fake: FakeSlack, time_: FakeMonotonic) -> SlackDelivery:
    pacer = ChannelPacer(1.0, clock=time_.clock, sleep=time_.sleep)
    return SlackDelivery(make_web_client(BOT_TOKEN, fake.api_base), pacer=pacer)


async def test_post_delivers_blocks_with_fallback_text_and_returns_ts(
    fake: FakeSlack, delivery: SlackDelivery
) -> None:
    ts = await delivery.post(CHANNEL, PAYLOAD)

    [message] = fake.posted(CHANNEL)
    assert message.ts == ts
    assert message.text == PAYLOAD["text"]
    assert message.blocks == PAYLOAD["blocks"]
    [call] = fake.calls_to("chat.postMessage")
    assert call.token == BOT_TOKEN
    # A source link in the alert must not unfold into a large preview under it.
    assert call.args["unfurl_links"] is False
    assert call.args["unfurl_media"] is False
    assert "thread_ts" not in call.args and message.thread_ts is None


async def test_update_edits_the_posted_message_in_place(
    fake: FakeSlack, delivery: SlackDelivery
) -> None:
    ts = await delivery.post(CHANNEL, PAYLOAD)
    newer = {"text": "India–Russia: now reported by 3 outlets", "blocks": [{"type": "divider"}]}

    await delivery.update(CHANNEL, ts, newer)

    [message] = fake.posted(CHANNEL)
    assert (message.ts, message.text, message.blocks, message.edits) == (
        ts,
        newer["text"],
        newer["blocks"],
        1,
    )


async def test_update_of_a_vanished_message_is_a_temporary_failure(
    delivery: SlackDelivery,
) -> None:
    with pytest.raises(DeliveryError) as caught:
        await delivery.update(CHANNEL, "1699999999.000001", PAYLOAD)
    assert caught.value.permanent is False
    assert "message_not_found" in str(caught.value)


async def test_a_429_is_waited_out_and_the_message_still_arrives(
    fake: FakeSlack, delivery: SlackDelivery
) -> None:
    fake.rate_limit_next("chat.postMessage", retry_after=0)

    ts = await delivery.post(CHANNEL, PAYLOAD)

    assert len(fake.calls_to("chat.postMessage")) == 2
    assert [m.ts for m in fake.posted(CHANNEL)] == [ts]


async def test_rate_limited_beyond_the_retries_is_a_temporary_failure(
    fake: FakeSlack, delivery: SlackDelivery
) -> None:
    fake.rate_limit_next("chat.postMessage", retry_after=0, times=5)

    with pytest.raises(DeliveryError) as caught:
        await delivery.post(CHANNEL, PAYLOAD)

    assert caught.value.permanent is False
    assert "ratelimited" in str(caught.value)
    assert fake.posted(CHANNEL) == []
    assert len(fake.calls_to("chat.postMessage")) == 3  # the first try and two retries


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        ({}, "channel_not_found"),
        ({"member": False}, "not_in_channel"),
        ({"archived": True}, "is_archived"),
    ],
)
async def test_channels_we_cannot_post_to_fail_permanently(
    fake: FakeSlack,
    delivery: SlackDelivery,
    setup: dict[str, bool],
    code: str,
) -> None:
    channel = "C0ELSEWHERE"
    if setup:
        fake.add_channel(channel, **setup)

    with pytest.raises(DeliveryError) as caught:
        await delivery.post(channel, PAYLOAD)

    assert caught.value.permanent is True
    assert caught.value.channel == channel
    assert code in str(caught.value)


async def test_an_archived_channel_fails_permanently_on_update(
    fake: FakeSlack, delivery: SlackDelivery
) -> None:
    ts = await delivery.post(CHANNEL, PAYLOAD)
    fake.channels[CHANNEL].archived = True

    with pytest.raises(DeliveryError) as caught:
        await delivery.update(CHANNEL, ts, PAYLOAD)

    assert caught.value.permanent is True


@pytest.mark.parametrize("code", ["internal_error", "fatal_error", "invalid_blocks"])
async def test_other_slack_errors_are_temporary(
    fake: FakeSlack, delivery: SlackDelivery, code: str
) -> None:
    fake.fail_next("chat.postMessage", code)

    with pytest.raises(DeliveryError) as caught:
        await delivery.post(CHANNEL, PAYLOAD)

    assert caught.value.permanent is False
    assert code in str(caught.value)


async def test_an_unreachable_api_is_a_temporary_failure(time_: FakeMonotonic) -> None:
    server = FakeSlack()
    await server.start()
    base = server.api_base
    await server.close()  # nothing listens on that port any more
    pacer = ChannelPacer(1.0, clock=time_.clock, sleep=time_.sleep)
    delivery = SlackDelivery(make_web_client(BOT_TOKEN, base), pacer=pacer)

    with pytest.raises(DeliveryError) as caught:
        await delivery.post(CHANNEL, PAYLOAD)

    assert caught.value.permanent is False
    assert "unreachable" in str(caught.value)


async def test_a_wrong_token_is_reported_without_the_token(
    fake: FakeSlack, time_: FakeMonotonic
) -> None:
    pacer = ChannelPacer(1.0, clock=time_.clock, sleep=time_.sleep)
    delivery = SlackDelivery(make_web_client("xoxb-not-the-right-one", fake.api_base), pacer=pacer)

    with pytest.raises(DeliveryError) as caught:
        await delivery.post(CHANNEL, PAYLOAD)

    assert "invalid_auth" in str(caught.value)
    assert "xoxb" not in str(caught.value)


async def test_the_token_never_reaches_the_logs(
    fake: FakeSlack, delivery: SlackDelivery, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake.rate_limit_next("chat.postMessage", retry_after=0)

    await delivery.post(CHANNEL, PAYLOAD)

    assert caplog.records, "the SDK logs its requests at debug level"
    assert BOT_TOKEN not in caplog.text


async def test_payload_without_fallback_text_is_refused_before_sending(
    fake: FakeSlack, delivery: SlackDelivery
) -> None:
    with pytest.raises(ValueError, match="fallback"):
        await delivery.post(CHANNEL, {"blocks": PAYLOAD["blocks"]})
    assert fake.calls_to("chat.postMessage") == []


async def test_posts_to_one_channel_are_paced_a_second_apart(
    fake: FakeSlack, delivery: SlackDelivery, time_: FakeMonotonic
) -> None:
    fake.add_channel("C0OTHER")

    for _ in range(3):
        await delivery.post(CHANNEL, PAYLOAD)
    await delivery.post("C0OTHER", PAYLOAD)

    assert time_.sleeps == [1.0, 1.0]  # the other channel did not wait
    assert len(fake.posted(CHANNEL)) == 3
    assert len(fake.posted("C0OTHER")) == 1
