"""/watch in Slack at the wire: signed slash-command requests to the running bolt app.

Each command is acknowledged with an empty answer and answered through its
``response_url``, which the fake Slack serves. The app runs in HTTP mode on 127.0.0.1 with
``process_before_response=True``, so the answer has arrived when the request returns (one
test runs it as in production, answering after the acknowledgement); permissions are asked
of the fake Slack Web API.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import time as time_of_day
from datetime import timedelta

import pytest

from bot.chat.commands import CommandDeps
from bot.chat.decide import QuietHours, Schedule
from bot.chat.store import ChatStore, ConfigSubscription, Origin
from bot.config import SlackSettings
from bot.platforms.slack.app import SlackApp, SlackSecrets
from tests.fake_slack import (
    APP_TOKEN,
    BOT_TOKEN,
    BOT_USER_ID,
    SHOWN_IN_CHANNEL,
    SIGNING_SECRET,
    FakeSlack,
    http_app,
    slash,
    slash_command,
    watch,
)
from tests.fakes import (
    FakeClock,
    FakeHistory,
    rewording,
)
from watchers.model import Level

CHANNEL = "C0ALERTS"
ANALYSTS = "S0ANALYSTS"
INDIA_RUSSIA = "IND-RUS"

ADMIN, OWNER, READER, ANALYST, NAMED = "U0ADMIN", "U0OWNER", "U0READER", "U0ANALYST", "U0NAMED"


@pytest.fixture
def slack_api(slack_api: FakeSlack) -> FakeSlack:
    """The shared fake, with what this file's tests expect in it."""
    slack_api.add_user(ADMIN, admin=True)
    slack_api.add_user(OWNER, owner=True)
    slack_api.add_user(READER)
    slack_api.add_user(ANALYST)
    slack_api.add_user(NAMED)
    slack_api.add_usergroup(ANALYSTS, [ANALYST])
    return slack_api


@pytest.fixture
async def app(
    slack_api: FakeSlack,
    store: ChatStore,
    deps: CommandDeps,
) -> AsyncIterator[SlackApp]:
    async with http_app(slack_api, deps, admin_users=(NAMED,), admin_groups=(ANALYSTS,)) as slack:
        yield slack


def pairs(store: ChatStore, channel: str = CHANNEL) -> list[str]:
    return [s.pair_key for s in store.for_channel("slack", channel)]


# ---- help


@pytest.mark.parametrize("text", ["", "help", "  HELP  "])
async def test_help_for_watch_alone_or_watch_help(
    slack_api: FakeSlack, app: SlackApp, text: str
) -> None:
    body = await watch(slack_api, app, READER, text)

    assert body["response_type"] == "ephemeral"
    assert "/watch add &lt;country&gt; &lt;country&gt;" in body["text"]
    assert "/watch digest on [HH:MM] [time zone]" in body["text"]
    assert "/watch quiet HH:MM-HH:MM [time zone]" in body["text"]


async def test_an_unknown_subcommand_answers_with_help(slack_api: FakeSlack, app: SlackApp) -> None:
    body = await watch(slack_api, app, READER, "subscribe India Russia")

    assert body["response_type"] == "ephemeral"
    assert "There is no /watch subscribe" in body["text"]
    assert "/watch list" in body["text"]


# ---- add


async def test_an_admin_adds_a_pair_for_the_whole_channel(
    slack_api: FakeSlack, app: SlackApp, store: ChatStore
) -> None:
    body = await watch(slack_api, app, ADMIN, "add India Russia")

    assert body["response_type"] == "in_channel"
    assert "now watches India–Russia" in body["text"]
    assert "“special and privileged strategic partnership”" in body["text"]
    # The channel is told who posts the alerts and how to let it in.
    assert f"/invite <@{BOT_USER_ID}>" in body["text"]
    [sub] = store.for_channel("slack", CHANNEL)
    assert (sub.pair_key, sub.source, sub.created_by) == (INDIA_RUSSIA, Origin.CHAT, ADMIN)
    assert [c.args["user"] for c in slack_api.calls_to("users.info")] == [ADMIN]


async def test_names_of_several_words_and_aliases_are_understood(
    slack_api: FakeSlack, app: SlackApp, store: ChatStore
) -> None:
    await watch(slack_api, app, ADMIN, "add United States Viet Nam")
    await watch(slack_api, app, ADMIN, 'add "Russian Federation" bharat')

    assert pairs(store) == ["IND-RUS", "USA-VNM"]


@pytest.mark.parametrize("user", [OWNER, NAMED, ANALYST])
async def test_owners_named_users_and_group_members_may_add(
    slack_api: FakeSlack, app: SlackApp, store: ChatStore, user: str
) -> None:
    body = await watch(slack_api, app, user, "add India Russia")

    assert body["response_type"] == "in_channel"
    assert pairs(store) == [INDIA_RUSSIA]


async def test_a_named_user_is_not_looked_up_in_slack(slack_api: FakeSlack, app: SlackApp) -> None:
    await watch(slack_api, app, NAMED, "add India Russia")

    assert slack_api.calls_to("users.info") == []
    assert slack_api.calls_to("usergroups.users.list") == []


@pytest.mark.parametrize("slack_makes_sense", [True, False])
async def test_anyone_else_is_refused_privately_and_nothing_changes(
    slack_api: FakeSlack, app: SlackApp, store: ChatStore, slack_makes_sense: bool
) -> None:
    if not slack_makes_sense:
        # An answer about the caller that makes no sense is a refusal too.
        slack_api.users[READER] = "not a user"  # type: ignore[assignment]
        slack_api.usergroups[ANALYSTS] = "U0READER"  # type: ignore[assignment]

    body = await watch(slack_api, app, READER, "add India Russia")

    assert body["response_type"] == "ephemeral"
    assert "needs a workspace admin or owner" in body["text"]
    assert "admin_groups" in body["text"]
    assert pairs(store) == []


async def test_an_unknown_country_gets_suggestions(
    slack_api: FakeSlack, app: SlackApp, store: ChatStore
) -> None:
    body = await watch(slack_api, app, ADMIN, "add Indai Russia")

    assert body["response_type"] == "ephemeral"
    assert "Indai" in body["text"]
    assert "India" in body["text"]
    assert pairs(store) == []


async def test_subscriptions_belong_to_the_channel_they_were_made_in(
    slack_api: FakeSlack, app: SlackApp, store: ChatStore
) -> None:
    await watch(slack_api, app, ADMIN, "add India Russia", channel="C0OTHER")

    assert pairs(store) == []
    assert pairs(store, "C0OTHER") == [INDIA_RUSSIA]
    body = await watch(slack_api, app, READER, "list")
    assert "watches no pairs" in body["text"]


# ---- remove


async def test_remove_takes_a_pair_off_the_channel(
    slack_api: FakeSlack, app: SlackApp, store: ChatStore
) -> None:
    await watch(slack_api, app, ADMIN, "add India Russia")

    refused = await watch(slack_api, app, READER, "remove India Russia")
    assert refused["response_type"] == "ephemeral"
    assert pairs(store) == [INDIA_RUSSIA]

    body = await watch(slack_api, app, ADMIN, "remove Russia India")
    assert body["response_type"] == "in_channel"
    assert "no longer watches India–Russia" in body["text"]
    assert pairs(store) == []


async def test_a_pair_from_the_config_file_is_changed_there(
    slack_api: FakeSlack, app: SlackApp, store: ChatStore, clock: FakeClock
) -> None:
    store.load_config([ConfigSubscription("slack", CHANNEL, INDIA_RUSSIA)], now=clock.now())

    body = await watch(slack_api, app, ADMIN, "remove India Russia")

    assert body["response_type"] == "ephemeral"
    assert "config file" in body["text"]
    assert pairs(store) == [INDIA_RUSSIA]


# ---- list, history, why: anyone may read, and reading asks Slack nothing


async def test_anyone_may_list_the_channel_pairs(
    slack_api: FakeSlack, app: SlackApp, store: ChatStore, clock: FakeClock
) -> None:
    store.add("slack", CHANNEL, INDIA_RUSSIA, now=clock.now(), created_by=ADMIN)
    store.load_config([ConfigSubscription("slack", CHANNEL, "USA-VNM")], now=clock.now())

    body = await watch(slack_api, app, READER, "list")

    assert body["response_type"] == "ephemeral"
    assert "watches 2 pairs" in body["text"]
    assert "India–Russia: “special and privileged strategic partnership”" in body["text"]
    assert "United States–Vietnam" in body["text"]
    assert "set in the config file" in body["text"]
    assert slack_api.calls_to("users.info") == []


async def test_history_shows_the_recent_changes(
    slack_api: FakeSlack, app: SlackApp, history: FakeHistory, clock: FakeClock
) -> None:
    history.changes[INDIA_RUSSIA] = [rewording(level=Level.OFFICIAL, at=clock.now())]

    body = await watch(slack_api, app, READER, "history India Russia")

    assert body["response_type"] == "ephemeral"
    assert "“special and privileged strategic partnership” → " in body["text"]
    assert "“particularly privileged strategic partnership”" in body["text"]
    assert "World desk" in body["text"]


async def test_why_gives_the_last_decision_and_its_reason(
    slack_api: FakeSlack,
    app: SlackApp,
    history: FakeHistory,
    store: ChatStore,
    clock: FakeClock,
) -> None:
    store.add("slack", CHANNEL, INDIA_RUSSIA, now=clock.now(), created_by=ADMIN)
    history.decisions[(INDIA_RUSSIA, "slack", CHANNEL)] = (
        "not alerted",
        "below this channel's level",
    )

    body = await watch(slack_api, app, READER, "why India Russia")

    assert body["response_type"] == "ephemeral"
    assert "not alerted, below this channel's level" in body["text"]


async def test_feed_text_in_a_reply_cannot_ping_the_channel(
    slack_api: FakeSlack, app: SlackApp, history: FakeHistory
) -> None:
    history.descriptors[INDIA_RUSSIA] = "partnership <!channel> & <@U0ADMIN> <https://x.test|y>"

    body = await watch(slack_api, app, READER, "history India Russia")

    assert "<!channel>" not in body["text"]
    assert "<@U0ADMIN>" not in body["text"]
    assert "&lt;!channel&gt; &amp; &lt;@U0ADMIN&gt;" in body["text"]


# ---- mute, level, digest


async def test_mute_silences_a_pair_for_a_while_and_off_lifts_it(
    slack_api: FakeSlack, app: SlackApp, store: ChatStore, clock: FakeClock
) -> None:
    await watch(slack_api, app, ADMIN, "add India Russia")

    refused = await watch(slack_api, app, READER, "mute India Russia 2d")
    assert refused["response_type"] == "ephemeral"
    assert store.get("slack", CHANNEL, INDIA_RUSSIA).muted_until is None  # type: ignore[union-attr]

    body = await watch(slack_api, app, ADMIN, "mute India Russia 2d")
    assert body["response_type"] == "in_channel"
    assert "muted in this channel until 2025-03-16 09:30 UTC" in body["text"]
    sub = store.get("slack", CHANNEL, INDIA_RUSSIA)
    assert sub is not None and sub.muted_until == clock.now() + timedelta(days=2)

    await watch(slack_api, app, ADMIN, "mute India Russia off")
    sub = store.get("slack", CHANNEL, INDIA_RUSSIA)
    assert sub is not None and sub.muted_until is None


async def test_a_bad_duration_is_explained(
    slack_api: FakeSlack, app: SlackApp, store: ChatStore
) -> None:
    await watch(slack_api, app, ADMIN, "add India Russia")

    body = await watch(slack_api, app, ADMIN, "mute India Russia soon")

    assert body["response_type"] == "ephemeral"
    assert "not a duration" in body["text"]


async def test_level_sets_how_corroborated_a_change_must_be(
    slack_api: FakeSlack, app: SlackApp, store: ChatStore
) -> None:
    await watch(slack_api, app, ADMIN, "add India Russia")

    refused = await watch(slack_api, app, READER, "level India Russia official")
    assert refused["response_type"] == "ephemeral"

    body = await watch(slack_api, app, ANALYST, "level India Russia official")
    assert body["response_type"] == "in_channel"
    sub = store.get("slack", CHANNEL, INDIA_RUSSIA)
    assert sub is not None and sub.min_level is Level.OFFICIAL


async def test_digest_switches_the_channel_to_one_summary_a_day(
    slack_api: FakeSlack, app: SlackApp, store: ChatStore
) -> None:
    refused = await watch(slack_api, app, READER, "digest on")
    assert refused["response_type"] == "ephemeral"
    assert store.digest("slack", CHANNEL) is False

    body = await watch(slack_api, app, OWNER, "digest on")
    assert body["response_type"] == "in_channel"
    assert store.digest("slack", CHANNEL) is True

    await watch(slack_api, app, OWNER, "digest off")
    assert store.digest("slack", CHANNEL) is False


async def test_quiet_hours_and_the_digest_time_are_set_from_slack(
    slack_api: FakeSlack, app: SlackApp, store: ChatStore
) -> None:
    refused = await watch(slack_api, app, READER, "quiet 22:00-07:00 Europe/Paris")
    assert refused["response_type"] == "ephemeral"
    assert "needs a workspace admin or owner" in refused["text"]
    assert store.schedule("slack", CHANNEL) == Schedule()

    quiet = await watch(slack_api, app, ADMIN, "quiet 22:00 - 07:00 Europe/Paris")
    digest = await watch(slack_api, app, OWNER, "digest on 09:30 Asia/Kolkata")
    await watch(slack_api, app, ADMIN, "add India Russia")
    listed = await watch(slack_api, app, READER, "list")

    assert quiet["response_type"] == "in_channel"
    assert quiet["text"].startswith("Quiet hours 22:00–07:00 Europe/Paris: alerts")
    assert digest["response_type"] == "in_channel" and "at 09:30 Asia/Kolkata" in digest["text"]
    assert store.schedule("slack", CHANNEL) == Schedule(
        QuietHours(time_of_day(22), time_of_day(7), "Europe/Paris"),
        time_of_day(9, 30),
        "Asia/Kolkata",
    )
    assert store.digest("slack", CHANNEL) is True
    assert "daily digest on, at 09:30 Asia/Kolkata; quiet hours 22:00–07:00" in listed["text"]

    lifted = await watch(slack_api, app, ADMIN, "quiet off")
    assert lifted["text"].startswith("Quiet hours off")
    assert store.schedule("slack", CHANNEL).quiet is None


# ---- the edges


async def test_a_forged_request_changes_nothing(app: SlackApp, store: ChatStore) -> None:
    status, _ = await slash(app, ADMIN, "add India Russia", secret="guessed-secret")

    assert status == 401
    assert pairs(store) == []


async def test_a_broken_store_gets_a_private_apology_not_a_slack_error(
    slack_api: FakeSlack, app: SlackApp, store: ChatStore, caplog: pytest.LogCaptureFixture
) -> None:
    store.connection.close()  # the database went away under the running bot

    body = await watch(slack_api, app, READER, "list")

    assert body["response_type"] == "ephemeral"
    assert "went wrong on our side" in body["text"]
    assert "Slack: /watch list in C0ALERTS failed" in caplog.text


async def test_an_answer_that_cannot_be_delivered_is_logged(
    app: SlackApp, store: ChatStore, caplog: pytest.LogCaptureFixture
) -> None:
    # Nothing listens at the default response_url: the command is done, its answer is lost.
    status, ack = await slash(app, ADMIN, "add India Russia")

    assert (status, ack) == (200, SHOWN_IN_CHANNEL)
    assert pairs(store) == [INDIA_RUSSIA]
    assert "Slack: the answer to /watch add was not delivered" in caplog.text


async def test_watch_works_over_socket_mode_too(
    slack_api: FakeSlack,
    store: ChatStore,
    deps: CommandDeps,
) -> None:
    settings = SlackSettings(mode="socket", api_base=slack_api.api_base)
    slack = SlackApp(settings, SlackSecrets(bot_token=BOT_TOKEN, app_token=APP_TOKEN))
    slack.serve_watch(deps)
    await slack.start()
    command = slash_command(
        "/watch", "add India Russia", ADMIN, response_url=slack_api.response_url("socket")
    )
    try:
        ack = await slack_api.send_envelope("slash_commands", command)
        answer = await slack_api.wait_for_response("socket")
    finally:
        await slack.close()

    assert ack["payload"] == SHOWN_IN_CHANNEL
    assert answer["response_type"] == "in_channel"
    assert "now watches India–Russia" in answer["text"]
    assert pairs(store) == [INDIA_RUSSIA]


async def test_a_slow_slack_gets_its_acknowledgement_before_the_caller_is_looked_up(
    slack_api: FakeSlack,
    store: ChatStore,
    deps: CommandDeps,
) -> None:
    # As in production: the HTTP answer goes back as soon as the command is acknowledged.
    settings = SlackSettings(mode="http", api_base=slack_api.api_base, port=0)
    slack = SlackApp(
        settings, SlackSecrets(bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET), host="127.0.0.1"
    )
    slack.serve_watch(deps)
    await slack.start()
    slack_api.hold("users.info")
    try:
        request = asyncio.create_task(
            slash(slack, ADMIN, "add India Russia", response_url=slack_api.response_url("slow"))
        )
        await slack_api.wait_for_call("users.info")  # asked, and not answered yet
        # Slack wants the acknowledgement within 3 seconds, whatever users.info takes.
        done, _ = await asyncio.wait({request}, timeout=10)
        assert request in done, "the acknowledgement waited for users.info"
        assert request.result() == (200, SHOWN_IN_CHANNEL)
        assert slack_api.responses == [] and pairs(store) == []

        slack_api.release("users.info")
        answer = await slack_api.wait_for_response("slow")
    finally:
        slack_api.release("users.info")
        await slack.close()

    assert answer["response_type"] == "in_channel"
    assert "now watches India–Russia" in answer["text"]
    assert pairs(store) == [INDIA_RUSSIA]


# ---- /watch test


async def test_watch_test_posts_a_sample_alert_in_the_channel(
    slack_api: FakeSlack, app: SlackApp
) -> None:
    slack_api.add_channel(CHANNEL)
    answer = await watch(slack_api, app, ADMIN, "test")
    assert answer["response_type"] == "ephemeral"
    assert answer["text"] == "A sample alert was posted in this channel."
    (posted,) = slack_api.posted(CHANNEL)
    assert posted.text.startswith("Sample alert (/watch test): India–Russia")
    assert posted.blocks[0]["type"] == "header"


async def test_watch_test_where_the_app_is_not_invited_says_how_to_invite_it(
    slack_api: FakeSlack, app: SlackApp
) -> None:
    slack_api.add_channel(CHANNEL, member=False)
    answer = await watch(slack_api, app, ADMIN, "test")
    assert answer["text"].startswith(
        "Alerts cannot be posted here: Slack chat.postMessage failed: not_in_channel."
    )
    assert "/invite" in answer["text"]
    assert slack_api.posted(CHANNEL) == []


async def test_watch_test_is_refused_to_a_reader(slack_api: FakeSlack, app: SlackApp) -> None:
    slack_api.add_channel(CHANNEL)
    answer = await watch(slack_api, app, READER, "test")
    assert answer["text"].startswith("Posting a sample alert here needs")
    assert slack_api.posted(CHANNEL) == []
