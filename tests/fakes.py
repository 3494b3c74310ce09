"""Fakes of our own ports, small enough to read in one go."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from bot.alert import Alert
from bot.chat.commands import PastChange
from bot.render.digest import Digest
from watchers.diff import word_diff
from watchers.errors import DeliveryError
from watchers.model import Change, ChangeKind, Country, Extraction, Level, Pair, Source
from watchers.store import StoredChange

COUNTRIES = {
    "IND": "India",
    "RUS": "Russia",
    "CHN": "China",
    "USA": "United States",
    "VNM": "Vietnam",
    "PAK": "Pakistan",
    "IRN": "Iran",
    "PRK": "North Korea",
    "IDN": "Indonesia",
}
ALIASES = {
    "IND": ["Bharat", "Republic of India"],
    "RUS": ["Russian Federation"],
    "USA": ["US", "U.S.", "USA", "United States of America", "America"],
    "VNM": ["Viet Nam"],
    "CHN": ["PRC", "People's Republic of China"],
    "PRK": ["DPRK"],
}

INDIA = Country("IND", "India")
RUSSIA = Country("RUS", "Russia")
USA = Country("USA", "United States")
VIETNAM = Country("VNM", "Vietnam")
CHINA = Country("CHN", "China")
INDONESIA = Country("IDN", "Indonesia")
PAKISTAN = Country("PAK", "Pakistan")


@dataclass
class FakeClock:
    """A clock that moves only when told to."""

    current: datetime = field(default_factory=lambda: datetime(2025, 3, 10, 15, 0, tzinfo=UTC))

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> None:
        self.current += timedelta(**kwargs)


class FakeCountries:
    """A CountryLookup over a handful of countries, by name, code and a few aliases."""

    def __init__(self) -> None:
        self._names: dict[str, Country] = {}
        for code, name in COUNTRIES.items():
            for typed in [name, code, *ALIASES.get(code, [])]:
                self._names[typed.casefold()] = Country(code, name)

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


def country(code: str) -> Country:
    """A fake-table country by code."""
    return Country(code, COUNTRIES[code])


def pair(a: str, b: str) -> Pair:
    """The pair of two fake-table countries by code."""
    return Pair.of(country(a), country(b))


class MarkerExtractor:
    """Extracts exactly what the text marks, as ``[IND-RUS: special partnership]``.

    Pipeline tests use it so that what they assert does not depend on extraction quality.
    """

    MARK = re.compile(r"\[([A-Z]{3})-([A-Z]{3}): ([^\]]+)\]")

    def __init__(self) -> None:
        self.calls: list[tuple[str, date | None]] = []

    def extract(self, text: str, *, on: date | None = None) -> list[Extraction]:
        self.calls.append((text, on))
        return [
            Extraction(
                pair=pair(m.group(1), m.group(2)),
                descriptor=m.group(3),
                canonical=m.group(3).lower(),
                sentence=m.group(0),
            )
            for m in self.MARK.finditer(text)
        ]


class FakeMonotonic:
    """A monotonic clock (seconds) whose sleep only moves it, recording each wait."""

    def __init__(self, start: float = 100.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


SPECIAL = "special and privileged strategic partnership"
PARTICULARLY = "particularly privileged strategic partnership"


def rewording(
    after: str = PARTICULARLY,
    *,
    quote: str | None = None,
    level: Level = Level.REPORTED,
    at: datetime = datetime(2025, 3, 14, 8, 0, tzinfo=UTC),
) -> Change:
    """India–Russia's words moving from "special and privileged" to ``after``, one source."""
    return Change(
        pair=pair("IND", "RUS"),
        kind=ChangeKind.REWORDING,
        before=SPECIAL,
        after=after,
        diff=tuple(word_diff(SPECIAL, after)),
        quote=quote or f"Moscow spoke of a {after} with New Delhi.",
        sources=(Source("World desk", "https://news.example.org/1", "Minister", None),),
        detected_at=at,
        level=level,
        speaker="RUS",
    )


def india_russia_change() -> Change:
    """The rewording as the store keeps it: with an id, and its phrase found in the quote."""
    quote = (
        "Speaking in Moscow, the foreign minister praised the particularly privileged strategic "
        "partnership between Russia and India."
    )
    start = quote.index(PARTICULARLY)
    change = rewording(quote=quote, at=datetime(2025, 3, 14, 9, 30, tzinfo=UTC))
    return replace(change, span=(start, start + len(PARTICULARLY)), change_id="ind-rus-1")


@dataclass
class FakeHistory:
    """A HistoryReader held in dicts."""

    descriptors: dict[str, str] = field(default_factory=dict)
    changes: dict[str, list[Change | StoredChange]] = field(default_factory=dict)
    decisions: dict[tuple[str, str, str], tuple[str, str]] = field(default_factory=dict)

    def current(self, pair_key: str) -> str | None:
        return self.descriptors.get(pair_key)

    def recent_changes(self, pair_key: str, limit: int) -> Sequence[PastChange]:
        return self.changes.get(pair_key, [])[:limit]

    def last_decision(self, pair_key: str, platform: str, channel: str) -> tuple[str, str] | None:
        return self.decisions.get((pair_key, platform, channel))


class FakeNotifier:
    """Records what it was asked to send; can be told a channel is gone."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, Alert]] = []
        self.updates: list[tuple[str, str | None, Alert]] = []
        self.digests: list[tuple[str, Digest]] = []
        self.gone: set[str] = set()
        self.down: set[str] = set()
        self.broken: set[str] = set()
        self.digest_tries: list[str] = []

    async def post(self, channel: str, alert: Alert, *, tried_at: datetime | None = None) -> str:
        if channel in self.gone:
            raise DeliveryError(channel, "channel_not_found", permanent=True)
        if channel in self.down:
            raise DeliveryError(channel, "service_unavailable")
        if channel in self.broken:
            raise KeyError("ts")  # an answer without what every answer has
        self.posts.append((channel, alert))
        return f"msg-{len(self.posts)}"

    async def update(
        self, channel: str, message_ref: str, alert: Alert, *, tried_at: datetime | None = None
    ) -> str | None:
        self.updates.append((channel, message_ref, alert))
        return None

    async def digest(
        self, channel: str, digest: Digest, *, tried_at: datetime | None = None
    ) -> None:
        self.digest_tries.append(channel)
        if channel in self.down:
            raise DeliveryError(channel, "service_unavailable")
        if channel in self.broken:
            raise KeyError("ts")
        self.digests.append((channel, digest))
