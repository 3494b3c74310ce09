"""The platform-neutral /watch commands, driven directly with fakes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.chat import commands
from bot.chat.commands import Caller, CommandContext, CommandDeps, Reply
from bot.chat.decide import QuietHours, Schedule
from bot.chat.store import ChatStore, ConfigSubscription, Origin
from bot.platforms.slack import parse
from tests.fakes import (
    PARTICULARLY,
    SPECIAL,
    FakeClock,
    FakeCountries,
    FakeHistory,
    rewording,
)
from watchers.model import Country, Level
from watchers.store import StoredChange

MANAGER = Caller("100", can_manage=True)
READER = Caller("200", can_manage=False, needs="the Manage Channels permission")


def ctx_for(
    store: ChatStore,
    history: FakeHistory,
    clock: FakeClock,
    caller: Caller = MANAGER,
    channel: str = "555",
) -> CommandContext:
    return CommandDeps(store, FakeCountries(), history, clock).context("discord", channel, caller)


@pytest.fixture
def ctx(store: ChatStore, history: FakeHistory, clock: FakeClock) -> CommandContext:
    return ctx_for(store, history, clock)


def test_add_stores_the_pair_and_announces_it(ctx: CommandContext, store: ChatStore) -> None:
    reply = commands.add(ctx, "india", "Russian Federation")
    assert reply.ephemeral is False
    assert "now watches India–Russia" in reply.text
    assert "“special and privileged strategic partnership”" in reply.text
    sub = store.get("discord", "555", "IND-RUS")
    assert sub is not None
    assert (sub.source, sub.created_by) == (Origin.CHAT, "100")


def test_add_takes_countries_in_either_order_and_by_code(ctx: CommandContext) -> None:
    commands.add(ctx, "RUS", "IND")
    again = commands.add(ctx, "Bharat", "Russia")
    assert again == Reply("This channel already watches India–Russia.", ephemeral=True)


def test_unknown_country_gets_suggestions(ctx: CommandContext, store: ChatStore) -> None:
    reply = commands.add(ctx, "Indai", "Russia")
    assert reply.ephemeral is True
    assert "I don't know a country called “Indai”" in reply.text
    assert "Did you mean: India" in reply.text
    assert store.all() == []


def test_unknown_country_without_suggestions_explains_what_works(ctx: CommandContext) -> None:
    reply = commands.add(ctx, "India", "Zzzzqqq")
    assert "Use its English name" in reply.text


def test_echoed_input_cannot_mention_anyone(ctx: CommandContext) -> None:
    reply = commands.add(ctx, "@everyone <@&123> <!channel>", "India")
    assert "@" not in reply.text
    assert "<" not in reply.text


def test_same_country_twice_is_not_a_pair(ctx: CommandContext) -> None:
    reply = commands.add(ctx, "US", "America")
    assert reply.text == "A pair needs two different countries; both names mean United States."


def test_readers_may_not_change_subscriptions(
    store: ChatStore, history: FakeHistory, clock: FakeClock
) -> None:
    ctx = ctx_for(store, history, clock, caller=READER)
    for reply in [
        commands.add(ctx, "India", "Russia"),
        commands.remove(ctx, "India", "Russia"),
        commands.mute(ctx, "India", "Russia", "2h"),
        commands.level(ctx, "India", "Russia", "official"),
        commands.digest(ctx, "on"),
        commands.digest(ctx, "on", "09:00"),
        commands.quiet(ctx, "22:00-07:00"),
        commands.quiet(ctx, "off"),
    ]:
        assert reply == Reply(
            "Changing this channel's pairs or hours needs the Manage Channels permission.",
            ephemeral=True,
        )
    assert store.all() == []
    assert store.digest("discord", "555") is False
    assert store.schedule("discord", "555") == Schedule()


def test_readers_may_read(store: ChatStore, history: FakeHistory, clock: FakeClock) -> None:
    commands.add(ctx_for(store, history, clock), "India", "Russia")
    ctx = ctx_for(store, history, clock, caller=READER)
    assert "India–Russia" in commands.list_pairs(ctx).text
    assert "India–Russia now" in commands.history(ctx, "India", "Russia").text
    assert "India–Russia" in commands.why(ctx, "India", "Russia").text


def test_remove_chat_subscription(ctx: CommandContext, store: ChatStore) -> None:
    commands.add(ctx, "India", "Russia")
    reply = commands.remove(ctx, "Russia", "India")
    assert reply == Reply("This channel no longer watches India–Russia.", ephemeral=False)
    assert store.all() == []
    assert (
        commands.remove(ctx, "Russia", "India").text == "This channel does not watch India–Russia."
    )


def test_config_subscriptions_are_changed_in_the_config_file(
    ctx: CommandContext, store: ChatStore, clock: FakeClock
) -> None:
    store.load_config([ConfigSubscription("discord", "555", "IND-RUS")], now=clock.now())
    removed = commands.remove(ctx, "India", "Russia")
    assert removed.ephemeral and "config file" in removed.text and "removed there" in removed.text
    levelled = commands.level(ctx, "India", "Russia", "official")
    assert levelled.ephemeral and "level is set there" in levelled.text
    added = commands.add(ctx, "India", "Russia")
    assert added.text == "This channel already watches India–Russia (set in the config file)."
    listed = commands.list_pairs(ctx).text
    assert "set in the config file" in listed
    sub = store.get("discord", "555", "IND-RUS")
    assert sub is not None and sub.min_level is Level.REPORTED


def test_list_shows_level_mute_origin_and_wording(
    ctx: CommandContext, store: ChatStore, clock: FakeClock
) -> None:
    assert "watches no pairs yet" in commands.list_pairs(ctx).text
    commands.add(ctx, "India", "Russia")
    commands.add(ctx, "United States", "Vietnam")
    commands.level(ctx, "India", "Russia", "multi-source")
    commands.mute(ctx, "US", "Viet Nam", "2d")
    store.load_config([ConfigSubscription("discord", "555", "CHN-RUS")], now=clock.now())
    commands.digest(ctx, "on")

    reply = commands.list_pairs(ctx)
    assert reply.ephemeral is True
    assert reply.text.splitlines() == [
        "This channel watches 3 pairs (daily digest on, at 08:00 UTC; no quiet hours):",
        "• China–Russia: no descriptor seen yet · level reported · set in the config file",
        "• India–Russia: “special and privileged strategic partnership” · level multi-source",
        "• United States–Vietnam: no descriptor seen yet · level reported"
        " · muted until 2025-03-16 09:30 UTC",
    ]


def test_list_only_shows_this_channel(
    store: ChatStore, history: FakeHistory, clock: FakeClock
) -> None:
    commands.add(ctx_for(store, history, clock, channel="1"), "India", "Russia")
    assert "no pairs" in commands.list_pairs(ctx_for(store, history, clock, channel="2")).text


def test_mute_then_expire_then_unmute(
    ctx: CommandContext, store: ChatStore, clock: FakeClock
) -> None:
    commands.add(ctx, "India", "Russia")
    reply = commands.mute(ctx, "India", "Russia", "1d12h")
    assert reply == Reply(
        "India–Russia is muted in this channel until 2025-03-15 21:30 UTC.", ephemeral=False
    )
    (sub,) = store.channels_for("IND-RUS")
    assert sub.muted(clock.now())
    clock.advance(hours=37)
    (sub,) = store.channels_for("IND-RUS")
    assert not sub.muted(clock.now())
    assert "muted" not in commands.list_pairs(ctx).text

    commands.mute(ctx, "India", "Russia", "1w")
    commands.mute(ctx, "India", "Russia", "off")
    assert store.channels_for("IND-RUS")[0].muted_until is None


def test_mute_rejects_bad_durations_and_unwatched_pairs(ctx: CommandContext) -> None:
    assert "nothing to mute" in commands.mute(ctx, "India", "Russia", "2h").text
    commands.add(ctx, "India", "Russia")
    for bad in ["2", "soon", "2x", "0h", "-1d", "h2"]:
        reply = commands.mute(ctx, "India", "Russia", bad)
        assert reply.ephemeral and "is not a duration" in reply.text, bad


@pytest.mark.parametrize("duration", ["9999w", "99999999999w", "9" * 400 + "s"])
def test_mute_is_capped_at_a_year(
    ctx: CommandContext, clock: FakeClock, store: ChatStore, duration: str
) -> None:
    commands.add(ctx, "India", "Russia")
    reply = commands.mute(ctx, "India", "Russia", duration)
    assert "muted in this channel until 2026-03-14 09:30 UTC" in reply.text
    sub = store.get("discord", "555", "IND-RUS")
    assert sub is not None and sub.muted_until == clock.now() + timedelta(days=365)


def test_mute_works_on_config_subscriptions(
    ctx: CommandContext, store: ChatStore, clock: FakeClock
) -> None:
    store.load_config([ConfigSubscription("discord", "555", "IND-RUS")], now=clock.now())
    assert commands.mute(ctx, "India", "Russia", "3h").ephemeral is False
    sub = store.get("discord", "555", "IND-RUS")
    assert sub is not None and sub.muted_until == clock.now() + timedelta(hours=3)


@pytest.mark.parametrize(
    ("typed", "level"),
    [
        ("official", Level.OFFICIAL),
        ("Multi-Source", Level.MULTI_SOURCE),
        ("reported", Level.REPORTED),
    ],
)
def test_level_sets_the_minimum(
    ctx: CommandContext, store: ChatStore, typed: str, level: Level
) -> None:
    commands.add(ctx, "India", "Russia")
    reply = commands.level(ctx, "India", "Russia", typed)
    assert reply.ephemeral is False
    assert f"once a change is {level.value}" in reply.text
    assert store.channels_for("IND-RUS")[0].min_level is level


def test_level_rejects_unknown_levels_and_unwatched_pairs(ctx: CommandContext) -> None:
    assert "add it first" in commands.level(ctx, "India", "Russia", "official").text
    commands.add(ctx, "India", "Russia")
    assert "is not a level" in commands.level(ctx, "India", "Russia", "rumour").text


def test_history_lists_recent_changes(ctx: CommandContext, history: FakeHistory) -> None:
    at = datetime(2025, 3, 12, 8, 0, tzinfo=UTC)
    history.changes["IND-RUS"] = [
        rewording(level=Level.MULTI_SOURCE, at=at),
        # the history store's own rows fit too
        StoredChange(
            pair_key="IND-RUS",
            kind="new",
            before=None,
            after=SPECIAL,
            quote="The special and privileged strategic partnership was hailed.",
            level="official",
            detected_at=datetime(2025, 1, 20, 12, 0, tzinfo=UTC),
        ),
    ]
    history.descriptors["IND-RUS"] = PARTICULARLY
    reply = commands.history(ctx, "Russia", "India")
    assert reply.ephemeral is True
    assert reply.text.splitlines() == [
        "India–Russia now: “particularly privileged strategic partnership”.",
        "Recent changes:",
        "• 2025-03-12 rewording: “special and privileged strategic partnership” → "
        "“particularly privileged strategic partnership”, level multi-source (World desk)",
        "• 2025-01-20 new: “special and privileged strategic partnership”, level official",
    ]


def test_history_of_a_quiet_pair(ctx: CommandContext) -> None:
    reply = commands.history(ctx, "China", "Pakistan")
    assert reply.text == "China–Pakistan now: no descriptor seen yet.\nNo changes recorded yet."


def test_why_gives_the_last_decision_and_current_state(
    ctx: CommandContext, history: FakeHistory
) -> None:
    commands.add(ctx, "India", "Russia")
    commands.mute(ctx, "India", "Russia", "2h")
    history.decisions[("IND-RUS", "discord", "555")] = ("not alerted", "muted until 11:30 UTC")
    reply = commands.why(ctx, "India", "Russia")
    assert reply.ephemeral is True
    assert reply.text.splitlines() == [
        "Last decision for India–Russia here: not alerted, muted until 11:30 UTC.",
        "Now: India–Russia: “special and privileged strategic partnership” · level reported"
        " · muted until 2025-03-14 11:30 UTC.",
    ]


def test_why_for_an_unwatched_pair(ctx: CommandContext) -> None:
    reply = commands.why(ctx, "China", "Russia")
    assert reply.text.splitlines() == [
        "No change of China–Russia has been weighed for this channel yet.",
        "This channel does not watch China–Russia.",
    ]


def test_quiet_hours_are_set_in_a_zone_shown_and_lifted(
    ctx: CommandContext, store: ChatStore
) -> None:
    commands.add(ctx, "India", "Russia")

    reply = commands.quiet(ctx, "22:00-07:00", "europe/paris")

    assert reply == Reply(
        "Quiet hours 22:00–07:00 Europe/Paris: alerts that come in then wait, and go out "
        "together as a digest when the quiet hours end.",
        ephemeral=False,
    )
    assert store.schedule("discord", "555").quiet == QuietHours(time(22), time(7), "Europe/Paris")
    assert commands.list_pairs(ctx).text.splitlines()[0] == (
        "This channel watches 1 pair (daily digest off; quiet hours 22:00–07:00 Europe/Paris):"
    )
    lifted = commands.quiet(ctx, "off")
    assert lifted == Reply(
        "Quiet hours off: this channel gets each alert as it happens.", ephemeral=False
    )
    assert store.schedule("discord", "555").quiet is None
    assert "no quiet hours" in commands.list_pairs(ctx).text


def test_quiet_hours_without_a_zone_are_utc(ctx: CommandContext, store: ChatStore) -> None:
    commands.quiet(ctx, "7:00-9:30")
    assert store.schedule("discord", "555").quiet == QuietHours(time(7), time(9, 30), "UTC")


@pytest.mark.parametrize("span", ["22:00", "22-07", "22:00-22:00", "25:00-07:00", "night"])
def test_a_span_that_is_not_one_is_explained(
    ctx: CommandContext, store: ChatStore, span: str
) -> None:
    reply = commands.quiet(ctx, span)
    assert reply.ephemeral and "is not a span of quiet hours" in reply.text
    assert "/watch quiet 22:00-07:00 Europe/Paris" in reply.text
    assert store.schedule("discord", "555") == Schedule()


def test_an_unknown_zone_is_answered_with_close_names(
    ctx: CommandContext, store: ChatStore
) -> None:
    reply = commands.quiet(ctx, "22:00-07:00", "Europe/Pariss")
    assert reply.ephemeral
    assert reply.text.startswith(
        "I don't know a time zone called “Europe/Pariss”. Did you mean: Europe/Paris"
    )
    by_city = commands.digest(ctx, "on", "09:00", "Kolkata")
    assert "Did you mean: Asia/Kolkata?" in by_city.text
    assert store.schedule("discord", "555") == Schedule()


def test_the_digest_time_is_chosen_with_digest_on(ctx: CommandContext, store: ChatStore) -> None:
    commands.add(ctx, "India", "Russia")
    first = commands.digest(ctx, "on")
    assert first.text == (
        "Daily digest on: this channel gets one summary a day, at 08:00 UTC, instead of each alert."
    )

    chosen = commands.digest(ctx, "on", "09:15", "asia/kolkata")

    assert not chosen.ephemeral and "at 09:15 Asia/Kolkata" in chosen.text
    schedule = store.schedule("discord", "555")
    assert (schedule.digest_at, schedule.digest_zone) == (time(9, 15), "Asia/Kolkata")
    assert "(daily digest on, at 09:15 Asia/Kolkata; no quiet hours)" in (
        commands.list_pairs(ctx).text
    )
    # Off and on again keeps the chosen time; quiet hours in another zone do not move it.
    commands.digest(ctx, "off")
    commands.quiet(ctx, "23:00-06:00", "America/New_York")
    commands.quiet(ctx, "off")
    assert "at 09:15 Asia/Kolkata" in commands.digest(ctx, "on").text
    assert store.digest("discord", "555") is True


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("on", "9am"), "“9am” is not a time of day"),
        (("on", "24:00"), "“24:00” is not a time of day"),
        (("on", None, "Europe/Paris"), "Give the time with the zone"),
        (("off", "09:00"), "Usage: /watch digest on [HH:MM] [time zone], or /watch digest off"),
    ],
)
def test_a_digest_time_that_is_not_one_is_explained(
    ctx: CommandContext, store: ChatStore, args: tuple[str, ...], says: str
) -> None:
    reply = commands.digest(ctx, *args)
    assert reply.ephemeral and says in reply.text
    assert store.digest("discord", "555") is False
    assert store.schedule("discord", "555") == Schedule()


def test_digest_on_and_off(ctx: CommandContext, store: ChatStore) -> None:
    assert commands.digest(ctx, "ON").ephemeral is False
    assert store.digest("discord", "555") is True
    commands.digest(ctx, "off")
    assert store.digest("discord", "555") is False
    assert commands.digest(ctx, "maybe").ephemeral is True


def test_a_channel_has_a_pair_limit(
    ctx: CommandContext, store: ChatStore, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(commands, "MAX_PAIRS_PER_CHANNEL", 1)
    commands.add(ctx, "India", "Russia")
    reply = commands.add(ctx, "China", "Russia")
    assert "the most one channel may" in reply.text
    assert len(store.all()) == 1


def test_adding_a_paused_pair_resumes_it(ctx: CommandContext, store: ChatStore) -> None:
    commands.add(ctx, "India", "Russia")
    store.pause_channel("discord", "555", "missing permissions", now=ctx.clock.now())
    reply = commands.add(ctx, "India", "Russia")
    assert "watches again India–Russia" in reply.text
    assert store.channels_for("IND-RUS")[0].paused is False


def test_adding_one_paused_pair_resumes_the_whole_channel(
    ctx: CommandContext, store: ChatStore
) -> None:
    # Delivery pauses every pair of a channel it cannot reach; once it is fixed, one add
    # brings the channel back, not one add per pair.
    commands.add(ctx, "India", "Russia")
    commands.add(ctx, "China", "Russia")
    store.pause_channel("discord", "555", "missing permissions", now=ctx.clock.now())
    reply = commands.add(ctx, "India", "Russia")
    assert "watches again India–Russia and 1 other paused pair" in reply.text
    assert [s.paused for s in store.for_channel("discord", "555")] == [False, False]


# The text front end (Slack hands over the whole line).


def test_dispatch_splits_multi_word_names(ctx: CommandContext, store: ChatStore) -> None:
    reply = parse.dispatch(ctx, "add United States Viet Nam")
    assert "now watches United States–Vietnam" in reply.text
    parse.dispatch(ctx, 'mute "United States" Vietnam 2h')
    parse.dispatch(ctx, "level united states of america vietnam official")
    sub = store.get("discord", "555", "USA-VNM")
    assert sub is not None
    assert sub.min_level is Level.OFFICIAL
    assert sub.muted_until is not None


class CountingCountries(FakeCountries):
    """The fake table, counting how often a name is looked up."""

    def __init__(self) -> None:
        super().__init__()
        self.lookups = 0

    def lookup(self, name: str) -> Country | None:
        self.lookups += 1
        return super().lookup(name)


@pytest.mark.parametrize("sub", ["add", "mute", "level"])
def test_a_flood_of_words_is_answered_with_usage_without_trying_every_split(
    store: ChatStore, history: FakeHistory, clock: FakeClock, sub: str
) -> None:
    countries = CountingCountries()
    ctx = CommandDeps(store, countries, history, clock).context("slack", "C1", MANAGER)
    # Trying every split of 20,000 words took minutes and blocked the bot meanwhile.
    reply = parse.dispatch(ctx, f"{sub} " + "a " * 20000)
    assert reply.ephemeral and reply.text.startswith(f"Usage: /watch {sub} ")
    assert countries.lookups <= 100
    assert store.all() == []


def test_dispatch_names_the_unknown_half(ctx: CommandContext) -> None:
    reply = parse.dispatch(ctx, "add India Narnia")
    assert "“Narnia”" in reply.text


def test_dispatch_help_usage_and_unknown(ctx: CommandContext) -> None:
    assert parse.dispatch(ctx, "") == commands.help_reply()
    assert parse.dispatch(ctx, "help").text.startswith("/watch follows")
    assert parse.dispatch(ctx, "add India").text == "Usage: /watch add <country> <country>"
    assert parse.dispatch(ctx, "digest").text == (
        "Usage: /watch digest on [HH:MM] [time zone], or /watch digest off"
    )
    assert parse.dispatch(ctx, "quiet").text == (
        "Usage: /watch quiet HH:MM-HH:MM [time zone], or /watch quiet off"
    )
    assert parse.dispatch(ctx, "mute").text.startswith("Usage: /watch mute")
    unknown = parse.dispatch(ctx, "frobnicate")
    assert unknown.ephemeral and unknown.text.startswith("There is no /watch frobnicate.")


def test_dispatch_runs_every_subcommand(ctx: CommandContext, store: ChatStore) -> None:
    assert not parse.dispatch(ctx, "add India Russia").ephemeral
    assert "India–Russia" in parse.dispatch(ctx, "list").text
    assert "India–Russia now" in parse.dispatch(ctx, "history India Russia").text
    assert "weighed" in parse.dispatch(ctx, "why India Russia").text
    assert "muted" in parse.dispatch(ctx, "mute India Russia 30m").text
    assert "official" in parse.dispatch(ctx, "level India Russia official").text
    assert "on" in parse.dispatch(ctx, "digest on").text
    assert "09:00 Europe/Paris" in parse.dispatch(ctx, "digest on 09:00 Europe/Paris").text
    assert "22:00–07:00 UTC" in parse.dispatch(ctx, "quiet 22:00-07:00").text
    spaced = parse.dispatch(ctx, "quiet 22:00 - 07:00 Asia/Ho_Chi_Minh")
    assert "22:00–07:00 Asia/Ho_Chi_Minh" in spaced.text
    assert "off" in parse.dispatch(ctx, "quiet off").text
    assert parse.dispatch(ctx, "quiet off UTC").text.startswith("Usage: /watch quiet")
    assert "no longer" in parse.dispatch(ctx, "remove India Russia").text
    assert store.all() == []


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30m", 1800), ("2h", 7200), ("3d", 259200), ("1w", 604800), ("1d 12h", 129600), ("2H", 7200)],
)
def test_mute_length(text: str, seconds: int) -> None:
    assert commands.mute_length(text) == timedelta(seconds=seconds)
