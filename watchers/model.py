"""The values that flow through the pipeline.

    feed bytes -> Entry -> Extraction -> Mention -> Change

All are frozen dataclasses: deciding code takes them and returns new ones. Times are
timezone-aware UTC datetimes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import overload


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
    hypothetical: bool = False
    """The sentence only supposes the words ("could become strategic partners", "talks on a
    possible alliance"): they are nobody's words for the pair, and never replace them."""


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

    def fingerprint(self) -> str:
        """A hash of the entry's words (not its dates): an edit in place changes it, a feed
        that re-dates every item on each poll does not."""
        words = " ".join(self.text().split())
        return hashlib.sha256(words.encode("utf-8")).hexdigest()[:32]


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


class ChangeStatus(StrEnum):
    """Whether a change's words are the pair's established words yet."""

    PENDING = "pending"
    """Reported by one outlet only: alerted, but the pair's established words stay as they were
    until later evidence confirms the report or it lapses."""
    ESTABLISHED = "established"
    """Said officially, by independent outlets, or standing unchallenged for a while."""
    LAPSED = "lapsed"
    """A report that was challenged and never confirmed: the established words never moved."""


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
    status: ChangeStatus = ChangeStatus.ESTABLISHED
    """Whether the change's words are the pair's established words, or only reported so far."""


# --- what the alert rules know of one pair (the decider's input) -----------------------------


@dataclass(frozen=True)
class PairState:
    """A pair's established words and when they were first and last seen."""

    pair_key: str
    descriptor: str
    canonical: str
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True)
class SpeakerState:
    """What one side of a pair last called the tie, and when."""

    pair_key: str
    speaker: str
    descriptor: str
    canonical: str
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True)
class SeenDescriptor:
    """A descriptor the pair had, and when it was last used (for the flip-flop window)."""

    canonical: str
    descriptor: str
    last_seen: datetime


@dataclass(frozen=True)
class Heard:
    """One outlet's use of some words for the pair lately: how many outlets say the same."""

    canonical: str
    entry_id: str
    source: Source
    seen_at: datetime


@dataclass(frozen=True)
class StoredMention:
    """One stored mention of a pair: its words, who said them, and where they were read."""

    descriptor: str
    canonical: str
    speaker: str | None
    feed: str
    entry_id: str
    url: str | None
    title: str
    published: datetime | None
    official: bool
    seen_at: datetime

    @property
    def at(self) -> datetime:
        """When the words were said: the article's time, else when we read it."""
        return self.published or self.seen_at


@dataclass(frozen=True)
class PairHistory:
    """Everything the alert rules know of one pair when a new mention arrives."""

    current: PairState | None = None
    """The pair's established words: said officially, by independent outlets, or standing
    unchallenged for a while. A report from one outlet alone does not move them."""
    recent: tuple[SeenDescriptor, ...] = ()
    """Distinct descriptors, most recently used first."""
    speakers: tuple[SpeakerState, ...] = ()
    latest_change: Change | None = None
    """The pair's last reported change, with its sources, ``change_id`` and ``revision``."""
    latest_asymmetry: Change | None = None
    challenged_at: datetime | None = None
    """When the established words were last said again while ``latest_change`` was pending."""
    heard: Sequence[Heard] = ()
    """The pair's mentions of late, newest first (for counting outlets behind some words).

    Few decisions read it (shorter words, new words), so a store may hand over a sequence
    that reads itself only when first looked at."""

    @property
    def pending(self) -> Change | None:
        """The single-source report awaiting evidence, if the pair has one."""
        c = self.latest_change
        return c if c is not None and c.status is ChangeStatus.PENDING else None

    def speaker(self, code: str) -> SpeakerState | None:
        """The words ``code`` last used for the pair, if any."""
        return next((s for s in self.speakers if s.speaker == code), None)


@overload
def to_iso(t: datetime) -> str: ...
@overload
def to_iso(t: None) -> None: ...
def to_iso(t: datetime | None) -> str | None:
    """A time as ISO 8601 text in UTC, the form every store and JSON output keeps."""
    if t is None:
        return None
    if t.tzinfo is None:
        # A naive time would be read as the machine's local time: refuse it rather than guess.
        raise ValueError(f"times must be timezone-aware: {t!r}")
    return t.astimezone(UTC).isoformat()


@overload
def from_iso(text: str) -> datetime: ...
@overload
def from_iso(text: None) -> None: ...
def from_iso(text: str | None) -> datetime | None:
    """The time ``to_iso`` wrote."""
    return None if text is None else datetime.fromisoformat(text)
