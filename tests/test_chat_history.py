"""The commands read history, wording and decisions from the real stores."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.chat import commands
from bot.chat.commands import Caller, CommandContext, CommandDeps
from bot.chat.decide import Action, Channel, Route
from bot.chat.history import StoreHistoryReader
from bot.chat.store import ChatStore
from tests.fakes import INDIA, RUSSIA, FakeClock, FakeCountries, rewording
from watchers.model import Change, ChangeStatus, Entry, Extraction, Level, Mention, Pair
from watchers.store import Store

PAIR = Pair.of(INDIA, RUSSIA)
BEFORE = "special and privileged strategic partnership"
AFTER = "particularly privileged strategic partnership"
SENTENCE = "Moscow spoke of a particularly privileged strategic partnership with New Delhi."
AT = datetime(2025, 3, 14, 8, 0, tzinfo=UTC)


@pytest.fixture
def ctx(history_store: Store) -> CommandContext:
    chat = ChatStore(history_store.connection)
    history = StoreHistoryReader(history_store, chat, FakeCountries())
    deps = CommandDeps(chat, FakeCountries(), history, FakeClock())
    return deps.context("discord", "555", Caller("1", can_manage=True))


def change() -> Change:
    return rewording(quote=SENTENCE, level=Level.MULTI_SOURCE, at=AT)


def test_history_shows_the_stored_change_and_its_outlet(
    ctx: CommandContext, history_store: Store
) -> None:
    history_store.record_change(change())
    assert commands.history(ctx, "India", "Russia").text.splitlines()[1:] == [
        "Recent changes:",
        f"• 2025-03-14 rewording: “{BEFORE}” → “{AFTER}”, level multi-source (World desk)",
    ]


def test_current_wording_comes_from_the_pair_state(
    ctx: CommandContext, history_store: Store
) -> None:
    assert commands.history(ctx, "India", "Russia").text.startswith(
        "India–Russia now: no descriptor seen yet."
    )
    entry = Entry("World desk", "e1", "https://news.example.org/1", "Minister", SENTENCE)
    mention = Mention(Extraction(PAIR, AFTER, AFTER, SENTENCE), entry, False, AT)
    history_store.set_pair_state(mention, history_store.record_mention(mention))
    assert commands.history(ctx, "India", "Russia").text.startswith(f"India–Russia now: “{AFTER}”.")


def test_why_reads_the_channels_last_routing_decision(
    ctx: CommandContext, history_store: Store
) -> None:
    commands.add(ctx, "India", "Russia")
    stored = change()
    change_id = history_store.record_change(stored)
    routes = ChatStore(history_store.connection)
    channel = Channel("discord", "555", PAIR.key)
    decided = Route(Action.DROP, "muted", "muted until 2025-03-14 11:00 UTC")
    routes.record_decision(channel, replace(stored, change_id=str(change_id)), decided, AT)

    first_line = commands.why(ctx, "India", "Russia").text.splitlines()[0]
    assert first_line == (
        "Last decision for India–Russia here: muted, muted until 2025-03-14 11:00 UTC."
    )


def test_history_and_why_show_the_established_words_and_a_report_not_yet_confirmed(
    history_store: Store,
) -> None:
    chat = ChatStore(history_store.connection)
    clock = FakeClock(datetime(2025, 3, 14, 9, 30, tzinfo=UTC))
    history = StoreHistoryReader(history_store, chat, FakeCountries(), clock=clock)
    deps = CommandDeps(chat, FakeCountries(), history, clock)
    ctx = deps.context("discord", "555", Caller("1", can_manage=True))
    commands.add(ctx, "India", "Russia")
    entry = Entry("World desk", "e1", "https://news.example.org/1", "Minister", SENTENCE)
    for words in (BEFORE, AFTER):
        said = Mention(Extraction(PAIR, words, words, SENTENCE), entry, False, AT)
        mention_id = history_store.record_mention(said)
    history_store.set_pair_state(
        Mention(Extraction(PAIR, BEFORE, BEFORE, SENTENCE), entry, False, AT), mention_id
    )
    pending = replace(change(), level=Level.REPORTED, status=ChangeStatus.PENDING)
    change_id = history_store.record_change(pending)
    history_store.record_decision(
        PAIR.key, AT, "alerted", "descriptor changed (rewording)", str(change_id)
    )

    text = commands.history(ctx, "India", "Russia").text
    assert text.startswith(f"India–Russia now: “{BEFORE}”.")
    assert f"“{AFTER}”, level reported, pending (World desk)" in text
    why = commands.why(ctx, "India", "Russia").text.splitlines()[0]
    assert f"Words now: “{BEFORE}” (established" in why
    assert f"reported by one outlet on 2025-03-14, not yet confirmed: “{AFTER}”" in why

    # a week on, unchallenged, the report is the pair's established words
    clock.advance(days=8)
    text = commands.history(ctx, "India", "Russia").text
    assert text.startswith(f"India–Russia now: “{AFTER}”.")
    assert f"“{AFTER}”, level reported (World desk)" in text
