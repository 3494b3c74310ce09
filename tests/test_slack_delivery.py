"""Slack delivery at the wire: the real slack_sdk client against the local fake Web API."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.chat.ports import CannotCheck, Refused
from bot.platforms.pacing import ChannelPacer
from bot.platforms.slack.delivery import (
    EVENT_TYPE,
    HISTORY_LIMIT,
    HISTORY_PAGES,
    LOOK_BACK,
    SlackDelivery,
    delivery_metadata,
    make_web_client,
)
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
def slack_api(slack_api: FakeSlack) -> FakeSlack:
    """The shared fake, with what this file's tests expect in it."""
    slack_api.add_channel(CHANNEL)
    return slack_api


@pytest.fixture
def time_() -> FakeMonotonic:
    return FakeMonotonic()


@pytest.fixture
def delivery(slack_api: FakeSlack, time_: FakeMonotonic) -> SlackDelivery:
    pacer = ChannelPacer(1.0, clock=time_.clock, sleep=time_.sleep)
    return SlackDelivery(make_web_client(BOT_TOKEN, slack_api.api_base), pacer=pacer)


async def test_post_delivers_blocks_with_fallback_text_and_returns_ts(
    slack_api: FakeSlack, delivery: SlackDelivery
) -> None:
    ts = await delivery.post(CHANNEL, PAYLOAD)

    [message] = slack_api.posted(CHANNEL)
    assert message.ts == ts
    assert message.text == PAYLOAD["text"]
    assert message.blocks == PAYLOAD["blocks"]
    [call] = slack_api.calls_to("chat.postMessage")
    assert call.token == BOT_TOKEN
    # A source link in the alert must not unfold into a large preview under it.
    assert call.args["unfurl_links"] is False
    assert call.args["unfurl_media"] is False
    assert "thread_ts" not in call.args and message.thread_ts is None


async def test_update_edits_the_posted_message_in_place(
    slack_api: FakeSlack, delivery: SlackDelivery
) -> None:
    ts = await delivery.post(CHANNEL, PAYLOAD)
    newer = {"text": "India–Russia: now reported by 3 outlets", "blocks": [{"type": "divider"}]}

    await delivery.edit(CHANNEL, ts, newer)

    [message] = slack_api.posted(CHANNEL)
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
        await delivery.edit(CHANNEL, "1699999999.000001", PAYLOAD)
    assert caught.value.permanent is False
    assert "message_not_found" in str(caught.value)


async def test_a_429_is_waited_out_and_the_message_still_arrives(
    slack_api: FakeSlack, delivery: SlackDelivery
) -> None:
    slack_api.rate_limit_next("chat.postMessage", retry_after=0)

    ts = await delivery.post(CHANNEL, PAYLOAD)

    assert len(slack_api.calls_to("chat.postMessage")) == 2
    assert [m.ts for m in slack_api.posted(CHANNEL)] == [ts]


async def test_rate_limited_beyond_the_retries_is_a_temporary_failure(
    slack_api: FakeSlack, delivery: SlackDelivery
) -> None:
    slack_api.rate_limit_next("chat.postMessage", retry_after=0, times=5)

    with pytest.raises(DeliveryError) as caught:
        await delivery.post(CHANNEL, PAYLOAD)

    assert caught.value.permanent is False
    assert "ratelimited" in str(caught.value)
    assert slack_api.posted(CHANNEL) == []
    assert len(slack_api.calls_to("chat.postMessage")) == 3  # the first try and two retries


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        ({}, "channel_not_found"),
        ({"member": False}, "not_in_channel"),
        ({"archived": True}, "is_archived"),
    ],
)
async def test_channels_we_cannot_post_to_fail_permanently(
    slack_api: FakeSlack,
    delivery: SlackDelivery,
    setup: dict[str, bool],
    code: str,
) -> None:
    channel = "C0ELSEWHERE"
    if setup:
        slack_api.add_channel(channel, **setup)

    with pytest.raises(DeliveryError) as caught:
        await delivery.post(channel, PAYLOAD)

    assert caught.value.permanent is True
    assert caught.value.channel == channel
    assert code in str(caught.value)


async def test_an_archived_channel_fails_permanently_on_update(
    slack_api: FakeSlack, delivery: SlackDelivery
) -> None:
    ts = await delivery.post(CHANNEL, PAYLOAD)
    slack_api.channels[CHANNEL].archived = True

    with pytest.raises(DeliveryError) as caught:
        await delivery.edit(CHANNEL, ts, PAYLOAD)

    assert caught.value.permanent is True


@pytest.mark.parametrize("code", ["internal_error", "fatal_error", "invalid_blocks"])
async def test_other_slack_errors_are_temporary(
    slack_api: FakeSlack, delivery: SlackDelivery, code: str
) -> None:
    slack_api.fail_next("chat.postMessage", code)

    with pytest.raises(DeliveryError) as caught:
        await delivery.post(CHANNEL, PAYLOAD)

    assert caught.value.permanent is False
    assert code in str(caught.value)


@pytest.mark.parametrize(
    ("code", "status", "refused"),
    [
        ("invalid_blocks", 200, True),
        ("msg_too_long", 200, True),
        ("not_in_channel", 200, True),
        ("internal_error", 200, False),
        ("fatal_error", 200, False),
        ("service_unavailable", 503, False),
    ],
)
async def test_an_answered_error_says_whether_slack_may_have_posted(
    slack_api: FakeSlack, delivery: SlackDelivery, code: str, status: int, refused: bool
) -> None:
    slack_api.fail_next("chat.postMessage", code, status=status)

    with pytest.raises(DeliveryError) as caught:
        await delivery.post(CHANNEL, PAYLOAD)

    # Refused: Slack did nothing, so a later try need not look for this one first.
    assert isinstance(caught.value, Refused) is refused


async def test_a_post_rate_limited_beyond_the_retries_was_not_made(
    slack_api: FakeSlack, delivery: SlackDelivery
) -> None:
    slack_api.rate_limit_next("chat.postMessage", retry_after=0, times=3)

    with pytest.raises(Refused):
        await delivery.post(CHANNEL, PAYLOAD)


async def test_a_rate_limited_look_up_is_not_waited_out_nor_asked_again_too_soon(
    slack_api: FakeSlack, time_: FakeMonotonic
) -> None:
    pacer = ChannelPacer(1.0, clock=time_.clock, sleep=time_.sleep)
    client = make_web_client(BOT_TOKEN, slack_api.api_base)
    delivery = SlackDelivery(client, pacer=pacer, clock=time_.clock)
    slack_api.add_channel("C0OTHER")
    await delivery.post(CHANNEL, with_metadata("41"))
    slack_api.rate_limit_next("conversations.history", retry_after=45)

    with pytest.raises(CannotCheck) as caught:
        await delivery.find_posted(CHANNEL, with_metadata("41"), NOW)
    assert caught.value.retry_after == timedelta(seconds=45) and not caught.value.permanent
    assert len(slack_api.calls_to("conversations.history")) == 1  # answered at once
    # Slack's limit is the app's, not the channel's: no other look-up is asked meanwhile.
    time_.now += 30
    with pytest.raises(CannotCheck) as caught:
        await delivery.find_posted("C0OTHER", with_metadata("41"), NOW)
    assert caught.value.retry_after == timedelta(seconds=15)
    assert len(slack_api.calls_to("conversations.history")) == 1

    time_.now += 15
    assert await delivery.find_posted(CHANNEL, with_metadata("41"), NOW) is not None
    assert len(slack_api.calls_to("conversations.history")) == 2


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
    slack_api: FakeSlack, time_: FakeMonotonic
) -> None:
    pacer = ChannelPacer(1.0, clock=time_.clock, sleep=time_.sleep)
    delivery = SlackDelivery(
        make_web_client("xoxb-not-the-right-one", slack_api.api_base), pacer=pacer
    )

    with pytest.raises(DeliveryError) as caught:
        await delivery.post(CHANNEL, PAYLOAD)

    assert "invalid_auth" in str(caught.value)
    assert "xoxb" not in str(caught.value)


async def test_the_token_never_reaches_the_logs(
    slack_api: FakeSlack, delivery: SlackDelivery, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    slack_api.rate_limit_next("chat.postMessage", retry_after=0)

    await delivery.post(CHANNEL, PAYLOAD)

    assert caplog.records, "the SDK logs its requests at debug level"
    assert BOT_TOKEN not in caplog.text


async def test_payload_without_fallback_text_is_refused_before_sending(
    slack_api: FakeSlack, delivery: SlackDelivery
) -> None:
    with pytest.raises(ValueError, match="fallback"):
        await delivery.post(CHANNEL, {"blocks": PAYLOAD["blocks"]})
    assert slack_api.calls_to("chat.postMessage") == []


async def test_posts_to_one_channel_are_paced_a_second_apart(
    slack_api: FakeSlack, delivery: SlackDelivery, time_: FakeMonotonic
) -> None:
    slack_api.add_channel("C0OTHER")

    for _ in range(3):
        await delivery.post(CHANNEL, PAYLOAD)
    await delivery.post("C0OTHER", PAYLOAD)

    assert time_.sleeps == [1.0, 1.0]  # the other channel did not wait
    assert len(slack_api.posted(CHANNEL)) == 3
    assert len(slack_api.posted("C0OTHER")) == 1


NOW = datetime.now(UTC)


def with_metadata(alert_id: str, revision: int = 0) -> dict[str, object]:
    return {**PAYLOAD, "metadata": delivery_metadata(alert_id, revision)}


async def test_a_post_names_its_delivery_in_metadata_made_of_alert_and_channel(
    slack_api: FakeSlack, delivery: SlackDelivery
) -> None:
    slack_api.add_channel("C0OTHER")
    await delivery.post(CHANNEL, with_metadata("41", revision=2))
    await delivery.post("C0OTHER", with_metadata("41", revision=2))

    keys = [m.metadata["event_payload"]["key"] for m in slack_api.messages if m.metadata]
    assert keys == [f"41@{CHANNEL}", "41@C0OTHER"]
    assert slack_api.messages[0].metadata["event_type"] == EVENT_TYPE  # type: ignore[index]


async def test_a_post_whose_connection_broke_is_not_sent_again_by_the_sdk(
    slack_api: FakeSlack, delivery: SlackDelivery
) -> None:
    # Slack took it and the answer was lost: sending it again now would show it twice.
    slack_api.drop_after_taking("chat.postMessage")

    with pytest.raises(DeliveryError) as failed:
        await delivery.post(CHANNEL, with_metadata("41"))

    assert not failed.value.permanent
    assert len(slack_api.calls_to("chat.postMessage")) == 1
    assert len(slack_api.posted(CHANNEL)) == 1


async def test_a_read_whose_connection_broke_is_tried_again(
    slack_api: FakeSlack, delivery: SlackDelivery
) -> None:
    await delivery.post(CHANNEL, with_metadata("41"))
    slack_api.drop_after_taking("conversations.history")

    assert await delivery.find_posted(CHANNEL, with_metadata("41"), NOW) is not None
    assert len(slack_api.calls_to("conversations.history")) == 2


async def test_find_posted_finds_the_alert_of_this_channel_only(
    slack_api: FakeSlack, delivery: SlackDelivery
) -> None:
    slack_api.add_channel("C0OTHER")
    await delivery.post("C0OTHER", with_metadata("41"))
    ts = await delivery.post(CHANNEL, with_metadata("41"))
    await delivery.post(CHANNEL, with_metadata("42"))
    await delivery.post(CHANNEL, PAYLOAD)  # a digest carries no metadata

    # Found whatever revision the message shows: a retry may carry a later one.
    assert await delivery.find_posted(CHANNEL, with_metadata("41", revision=3), NOW) == ts
    assert await delivery.find_posted("C0OTHER", with_metadata("42"), NOW) is None
    [call, *_] = slack_api.calls_to("conversations.history")
    assert call.args["include_all_metadata"] in ("1", "true")
    assert float(call.args["oldest"]) == pytest.approx((NOW - LOOK_BACK).timestamp())


async def test_find_posted_looks_only_after_shortly_before_the_first_try(
    slack_api: FakeSlack, delivery: SlackDelivery
) -> None:
    slack_api.clock = lambda: (NOW - timedelta(hours=1)).timestamp()
    await delivery.post(CHANNEL, with_metadata("41"))  # an hour before the try: not it

    assert await delivery.find_posted(CHANNEL, with_metadata("41"), NOW) is None


async def test_find_posted_reads_a_few_pages_at_most(
    slack_api: FakeSlack, delivery: SlackDelivery, caplog: pytest.LogCaptureFixture
) -> None:
    await delivery.post(CHANNEL, with_metadata("41"))
    for n in range(HISTORY_LIMIT * HISTORY_PAGES):
        await delivery.post(CHANNEL, with_metadata(f"other-{n}"))

    with caplog.at_level(logging.WARNING):
        assert await delivery.find_posted(CHANNEL, with_metadata("41"), NOW) is None

    assert len(slack_api.calls_to("conversations.history")) == HISTORY_PAGES
    assert "may show twice" in caplog.text
    await delivery.post(CHANNEL, with_metadata("43"))
    slack_api.calls.clear()
    # One near the end of the last page is still found.
    assert await delivery.find_posted(CHANNEL, with_metadata("other-5"), NOW) is not None
    assert len(slack_api.calls_to("conversations.history")) == HISTORY_PAGES


async def test_without_the_history_scope_it_says_once_why_an_alert_may_show_twice(
    slack_api: FakeSlack, delivery: SlackDelivery, caplog: pytest.LogCaptureFixture
) -> None:
    await delivery.post(CHANNEL, with_metadata("41"))
    for _ in range(2):
        slack_api.fail_next("conversations.history", "missing_scope")

    with caplog.at_level(logging.WARNING):
        for _ in range(2):
            assert await delivery.find_posted(CHANNEL, with_metadata("41"), NOW) is None

    [warning] = [r for r in caplog.records if "history" in r.getMessage()]
    assert "missing_scope" in warning.getMessage()
    assert "channels:history" in warning.getMessage()


async def test_history_down_is_a_temporary_failure_not_a_second_post(
    slack_api: FakeSlack, delivery: SlackDelivery
) -> None:
    slack_api.fail_next("conversations.history", "internal_error", status=500)

    with pytest.raises(DeliveryError) as failed:
        await delivery.find_posted(CHANNEL, with_metadata("41"), NOW)

    assert not failed.value.permanent
