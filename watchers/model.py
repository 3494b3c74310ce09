"""The values that flow through the pipeline.

    feed bytes -> Entry -> Extraction -> Mention -> Change

All are frozen dataclasses: deciding code takes them and returns new ones. Times are
timezone-aware UTC datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True, order=True)
class Country:
    """A state, by ISO 3166-1 alpha-3 code and common English short name."""

    code: str
    name: str


@dataclass(frozen=True)
class Pair:
    """Two countries in code order, so India–Russia and Russia–India are one pair."""

    first: Country
    second: Country

    def __post_init__(self) -> None:
        if self.first.code >= self.second.code:
            raise ValueError(f"pair members must be distinct and sorted: {self.key}")

    @classmethod
    def of(cls, a: Country, b: Country) -> Pair:
        """The pair of two distinct countries, in either order."""
        return cls(a, b) if a.code < b.code else cls(b, a)

    @property
    def key(self) -> str:
        """Stable identifier, e.g. ``IND-RUS``."""
        return f"{self.first.code}-{self.second.code}"

    @property
    def codes(self) -> tuple[str, str]:
        return (self.first.code, self.second.code)

    @property
    def label(self) -> str:
        """Readable name, e.g. ``India–Russia``."""
        return f"{self.first.name}–{self.second.name}"


@dataclass(frozen=True)
class Extraction:
    """One relationship descriptor found for one pair in one sentence."""

    pair: Pair
    descriptor: str
    """The words as written, whitespace folded: ``special and privileged strategic partnership``."""
    canonical: str
    """The form used for comparing: lower case, quotes dropped, hyphens and plurals unified."""
    sentence: str
    speaker: str | None = None
    """Alpha-3 code of the speaker's country, when the text names who said it."""
    span: tuple[int, int] | None = None
    """Where ``descriptor`` stands in ``sentence`` (start, end), when it stands there as one run."""


@dataclass(frozen=True)
class Entry:
    """One feed item, reduced to what extraction and evidence need."""

    feed: str
    entry_id: str
    url: str | None
    title: str
    summary: str = ""
    content: str = ""
    published: datetime | None = None

    def text(self) -> str:
        """Title, summary and content as one text, skipping a summary the content repeats."""
        parts = [self.title]
        if self.summary and self.summary not in self.content:
            parts.append(self.summary)
        if self.content:
            parts.append(self.content)
        return "\n\n".join(p.strip() for p in parts if p.strip())


@dataclass(frozen=True)
class Mention:
    """An extraction together with the entry it came from."""

    extraction: Extraction
    entry: Entry
    official: bool
    seen_at: datetime

    @property
    def pair(self) -> Pair:
        return self.extraction.pair


@dataclass(frozen=True)
class Source:
    """Where a change was read: the evidence shown with an alert."""

    feed: str
    url: str | None
    title: str
    published: datetime | None
    official: bool = False


class ChangeKind(StrEnum):
    """What happened to a pair's descriptor."""

    NEW = "new"
    UPGRADE = "upgrade"
    DOWNGRADE = "downgrade"
    REWORDING = "rewording"
    ASYMMETRY = "asymmetry"
    REAFFIRMED = "reaffirmed"


class Level(StrEnum):
    """How well a change is corroborated, lowest first."""

    REPORTED = "reported"
    MULTI_SOURCE = "multi-source"
    OFFICIAL = "official"


@dataclass(frozen=True)
class DiffWord:
    """One word of a word-level diff: ``op`` is ``=`` kept, ``-`` removed or ``+`` added."""

    op: str
    word: str


@dataclass(frozen=True)
class Change:
    """A watched pair's descriptor is new or differs from the one it had."""

    pair: Pair
    kind: ChangeKind
    before: str | None
    after: str
    diff: tuple[DiffWord, ...]
    quote: str
    sources: tuple[Source, ...]
    detected_at: datetime
    speaker: str | None = None
    span: tuple[int, int] | None = field(default=None)
    level: Level = Level.REPORTED
    before_tier: str | None = None
    """Label of the tier ``before`` stands on (``watchers.tiers``), when the lexicon ranks it."""
    after_tier: str | None = None
    """Label of the tier ``after`` stands on, when the lexicon ranks it."""
    tier_arrow: str = ""
    """One line of the tier move, e.g. ``partnership ↑ strategic partnership``."""
    change_id: str | None = None
    """Stable id of this change, so later sources update the same alert instead of a new one."""
    revision: int = 0
    """0 for the first report of a change; raised each time later sources update it."""
