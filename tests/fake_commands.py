"""Small fakes for the command layer: a country table, a history and a clock."""

from __future__ import annotations

import difflib
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from bot.chat.commands import PastChange
from bot.chat.store import ChatStore
from watchers.model import Change, Country
from watchers.store import StoredChange

INDIA = Country("IND", "India")
RUSSIA = Country("RUS", "Russia")
USA = Country("USA", "United States")
VIETNAM = Country("VNM", "Vietnam")
CHINA = Country("CHN", "China")
INDONESIA = Country("IDN", "Indonesia")
PAKISTAN = Country("PAK", "Pakistan")

_ALIASES = {
    INDIA: ["Bharat", "Republic of India"],
    RUSSIA: ["Russian Federation"],
    USA: ["US", "U.S.", "United States of America", "America"],
    VIETNAM: ["Viet Nam"],
    CHINA: ["PRC", "People's Republic of China"],
    INDONESIA: [],
    PAKISTAN: [],
}


class FakeCountries:
    """A CountryLookup over a handful of countries, with aliases and codes."""

    def __init__(self) -> None:
        self._names: dict[str, Country] = {}
        for country, aliases in _ALIASES.items():
            for name in [country.name, country.code, *aliases]:
                self._names[name.casefold()] = country

    def lookup(self, name: str) -> Country | None:
        return self._names.get(name.strip().casefold())

    def suggest(self, name: str, limit: int = 5) -> list[Country]:
        typed = name.strip().casefold()
        if not typed:
            return []
        found: list[Country] = []
        prefixed = [c for k, c in sorted(self._names.items()) if k.startswith(typed)]
        close = [self._names[k] for k in difflib.get_close_matches(typed, self._names, n=10)]
        for country in prefixed + close:
            if country not in found:
                found.append(country)
        return found[:limit]


@dataclass
class FakeHistory:
    """A PairHistory held in dicts."""

    descriptors: dict[str, str] = field(default_factory=dict)
    changes: dict[str, list[Change | StoredChange]] = field(default_factory=dict)
    decisions: dict[tuple[str, str, str], tuple[str, str]] = field(default_factory=dict)

    def current(self, pair_key: str) -> str | None:
        return self.descriptors.get(pair_key)

    def recent_changes(self, pair_key: str, limit: int) -> Sequence[PastChange]:
        return self.changes.get(pair_key, [])[:limit]

    def last_decision(self, pair_key: str, platform: str, channel: str) -> tuple[str, str] | None:
        return self.decisions.get((pair_key, platform, channel))


@dataclass
class FixedClock:
    """A clock that only moves when told to."""

    at: datetime = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at

    def advance(self, by: timedelta) -> None:
        self.at += by


# Fixtures shared by the command tests of every platform (import them by name).


@pytest.fixture
def store() -> Iterator[ChatStore]:
    """A subscription store in memory."""
    conn = sqlite3.connect(":memory:")
    subscriptions = ChatStore(conn)
    yield subscriptions
    conn.close()


@pytest.fixture
def hours(store: ChatStore) -> ChatStore:
    """The router's store, which keeps the channel's hours next to the subscriptions."""
    return ChatStore(store.connection)


@pytest.fixture
def history() -> FakeHistory:
    """India–Russia's current words, nothing else."""
    return FakeHistory(descriptors={"IND-RUS": "special and privileged strategic partnership"})


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()
