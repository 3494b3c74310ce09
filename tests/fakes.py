"""Fakes of our own ports, small enough to read in one go."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from watchers.diff import word_diff
from watchers.model import Change, ChangeKind, Country, Extraction, Level, Pair, Source

COUNTRIES = {
    "IND": "India",
    "RUS": "Russia",
    "CHN": "China",
    "USA": "United States",
    "VNM": "Vietnam",
    "PAK": "Pakistan",
    "IRN": "Iran",
    "PRK": "North Korea",
}
ALIASES = {"us": "USA", "u.s.": "USA", "usa": "USA", "viet nam": "VNM", "dprk": "PRK"}


@dataclass
class FakeClock:
    """A clock that moves only when told to."""

    current: datetime = field(default_factory=lambda: datetime(2025, 3, 10, 15, 0, tzinfo=UTC))

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> None:
        self.current += timedelta(**kwargs)


class FakeCountries:
    """A handful of countries by name, code and a few aliases."""

    def lookup(self, name: str) -> Country | None:
        key = name.strip().lower()
        code = ALIASES.get(key) or next(
            (c for c, n in COUNTRIES.items() if key in (n.lower(), c.lower())), None
        )
        return Country(code, COUNTRIES[code]) if code else None

    def suggest(self, name: str, limit: int = 5) -> list[Country]:
        key = name.strip().lower()[:3]
        return [Country(c, n) for c, n in COUNTRIES.items() if n.lower().startswith(key)][:limit]


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
