"""The commands read history, wording and decisions from the real stores."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.chat import commands
from bot.chat.commands import Caller, CommandDeps, Context
from bot.chat.decide import Action, Channel, Route
from bot.chat.history import StoreHistoryReader
from bot.chat.store import ChatStore
from tests.fakes import INDIA, RUSSIA, FakeClock, FakeCountries, rewording
from watchers.model import Change, Entry, Extraction, Level, Mention, Pair
from watchers.store import Store

PAIR = Pair.of(INDIA, RUSSIA)
BEFORE = "special and privileged strategic partnership"
AFTER = "particularly privileged strategic partnership"
SENTENCE = "Moscow spoke of a particularly privileged strategic partnership with New Delhi."
AT = datetime(2025, 3, 14, 8, 0, tzinfo=UTC)


@pytest.fixture
def ctx(history_store: Store) -> Context:
    chat = ChatStore(history_store.connection)
    history = StoreHistoryReader(history_store, chat, FakeCountries())
    deps = CommandDeps(chat, FakeCountries(), history, FakeClock())
    return deps.context("discord", "555", Caller("1", can_manage=True))


def change() -> Change:
    return rewording(quote=SENTENCE, level=Level.MULTI_SOURCE, at=AT)


def test_history_shows_the_stored_change_and_its_outlet(ctx: Context, history_store: Store) -> None:
    history_store.record_change(change())
    assert commands.history(ctx, "India", "Russia").text.splitlines()[1:] == [
        "Recent changes:",
        f"• 2025-03-14 rewording: “{BEFORE}” → “{AFTER}”, level multi-source (World desk)",
    ]


def test_current_wording_comes_from_the_pair_state(ctx: Context, history_store: Store) -> None:
    assert commands.history(ctx, "India", "Russia").text.startswith(
        "India–Russia now: no descriptor seen yet."
    )
    entry = Entry("World desk", "e1", "https://news.example.org/1", "Minister", SENTENCE)
    mention = Mention(Extraction(PAIR, AFTER, AFTER, SENTENCE), entry, False, AT)
    history_store.set_pair_state(mention, history_store.record_mention(mention))
    assert commands.history(ctx, "India", "Russia").text.startswith(f"India–Russia now: “{AFTER}”.")


def test_why_reads_the_channels_last_routing_decision(ctx: Context, history_store: Store) -> None:
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
