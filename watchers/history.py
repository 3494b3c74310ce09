"""A pair's story: every descriptor it has had, when, how often and from whom, and the points
where its words changed. Pure: takes the stored mentions and the lexicon, returns values.

What ``partnership-watch history`` prints, what the chart draws and what ``/watch history``
tells all come from :func:`pair_story`. A mention's time is its article's publication time
when known (so that a backfilled archive dates its words by the articles, not by the day it
was loaded), else the time it was read.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from watchers.model import ChangeKind, Pair, StoredMention, to_iso
from watchers.tiers import Lexicon

FORMAT_VERSION = 1
"""Version of the JSON form of a story; raised when a field changes meaning."""


@dataclass(frozen=True)
class DescriptorSpan:
    """One descriptor a pair has had: when it was first and last used, how and by whom."""

    descriptor: str
    """The latest written form of the words (their canonical form is ``canonical``)."""
    canonical: str
    first_seen: datetime
    last_seen: datetime
    tier: str | None
    """The lexicon's label for the words (``generic wording``, or None when unranked)."""
    height: float | None
    """The tier as one number across axes (higher is closer), for charts; None if unranked."""
    mentions: int
    sources: int
    """Distinct articles that used the words."""
    official_sources: int
    speakers: tuple[str, ...]
    """Alpha-3 codes of the countries heard saying them, in code order."""

    @property
    def official(self) -> bool:
        """Whether an official source used the words."""
        return self.official_sources > 0


@dataclass(frozen=True)
class ChangePoint:
    """Where the pair's words (or one speaker's) moved from one descriptor to another."""

    at: datetime
    kind: str
    """``new``, ``upgrade``, ``downgrade`` or ``rewording``, as the lexicon's tiers rank it."""
    before: str | None
    after: str
    speaker: str | None
    """Who said the new words, when known."""
    official: bool
    url: str | None
    title: str


@dataclass(frozen=True)
class Step:
    """One step of a timeline: from ``at`` the words were ``descriptor`` until the next step."""

    at: datetime
    descriptor: str
    height: float | None


@dataclass(frozen=True)
class SourceMark:
    """The articles (official, or not) of one day that used one descriptor, counted."""

    at: datetime
    descriptor: str
    height: float | None
    count: int
    official: bool


@dataclass(frozen=True)
class PairStory:
    """Everything known of one pair's words over time, from ``since`` on."""

    pair: Pair
    since: datetime | None
    descriptors: tuple[DescriptorSpan, ...]
    """In order of first use."""
    changes: tuple[ChangePoint, ...]
    """In time order."""
    steps: tuple[Step, ...]
    """The pair's words over time, whoever said them."""
    speaker_steps: dict[str, tuple[Step, ...]]
    """Each side's own words over time, when the two sides' words differ (else empty)."""
    marks: tuple[SourceMark, ...]

    @property
    def current(self) -> str | None:
        """The pair's latest words, or None before any."""
        return self.steps[-1].descriptor if self.steps else None


def tier_height(lexicon: Lexicon, descriptor: str) -> float | None:
    """The descriptor's general tier as one number: its rank, above the axes it outranks."""
    tier = lexicon.tier(descriptor)
    if tier is None:
        return None
    below = 0
    axis = next(a for a in lexicon.axes if a.name == tier.axis)
    for other in axis.outranks:
        # on the general ladder, the one every issuer without its own is ranked on
        general = [lad for lad in lexicon.ladders if lad.axis == other and not lad.issuers]
        below += max((t.rank for lad in general for t in lad.tiers), default=0)
    return float(below + tier.rank)


@dataclass(frozen=True)
class FlipFlop:
    """Words a pair used among its last ``descriptors`` distinct ones within ``days`` make no
    new step: outlets alternating between variants, as the alert rules read them."""

    descriptors: int = 3
    days: float = 30


DEFAULT_FLIPFLOP = FlipFlop()
"""The alert rules' defaults (``[alerts] flipflop_descriptors`` and ``flipflop_days``)."""


def pair_story(
    pair: Pair,
    mentions: Iterable[StoredMention],
    lexicon: Lexicon,
    *,
    since: datetime | None = None,
    flipflop: FlipFlop = DEFAULT_FLIPFLOP,
) -> PairStory:
    """The pair's story from its stored mentions (any order), from ``since`` on."""
    ordered = sorted(
        (m for m in mentions if since is None or m.at >= since),
        key=lambda m: (m.at, m.seen_at),
    )
    # generic wording ("close ties") never replaces the pair's words, so it makes no step
    ranked = [m for m in ordered if not lexicon.is_generic(m.descriptor)]
    steps, changes = _steps(ranked, lexicon, flipflop)
    per_speaker = {
        code: _steps([m for m in ranked if m.speaker == code], lexicon, flipflop)[0]
        for code in pair.codes
    }
    words = {code: {s.descriptor for s in st} for code, st in per_speaker.items()}
    differ = all(words.values()) and len({frozenset(w) for w in words.values()}) > 1
    return PairStory(
        pair=pair,
        since=since,
        descriptors=_spans(ordered, lexicon),
        changes=tuple(changes),
        steps=tuple(steps),
        speaker_steps={c: tuple(s) for c, s in per_speaker.items()} if differ else {},
        marks=_marks(ranked, lexicon),
    )


def _steps(
    mentions: Sequence[StoredMention], lexicon: Lexicon, flipflop: FlipFlop
) -> tuple[list[Step], list[ChangePoint]]:
    steps: list[Step] = []
    changes: list[ChangePoint] = []
    current: StoredMention | None = None
    last_used: dict[str, datetime] = {}
    for m in mentions:
        recent = sorted(last_used.items(), key=lambda kv: kv[1], reverse=True)
        recent = recent[: flipflop.descriptors]
        used = dict(recent).get(m.canonical)
        last_used[m.canonical] = m.at
        if current is not None and m.canonical == current.canonical:
            continue
        if (
            current is not None
            and used is not None
            and m.at - used <= timedelta(days=flipflop.days)
        ):
            continue  # back to words used lately: outlets alternating, not a change
        before = current.descriptor if current is not None else None
        kind = lexicon.classify(before, m.descriptor) or ChangeKind.NEW
        changes.append(
            ChangePoint(
                m.at, kind.value, before, m.descriptor, m.speaker, m.official, m.url, m.title
            )
        )
        steps.append(Step(m.at, m.descriptor, tier_height(lexicon, m.descriptor)))
        current = m
    return steps, changes


def _article(m: StoredMention) -> tuple[str, str]:
    return (m.feed, m.url or m.entry_id)


def _spans(mentions: Sequence[StoredMention], lexicon: Lexicon) -> tuple[DescriptorSpan, ...]:
    groups: dict[str, list[StoredMention]] = {}
    for m in mentions:
        groups.setdefault(m.canonical, []).append(m)
    spans = []
    for canon, group in groups.items():
        latest = group[-1]
        articles = {_article(m) for m in group}
        official = {_article(m) for m in group if m.official}
        spans.append(
            DescriptorSpan(
                descriptor=latest.descriptor,
                canonical=canon,
                first_seen=group[0].at,
                last_seen=latest.at,
                tier=lexicon.standing(latest.descriptor).label,
                height=tier_height(lexicon, latest.descriptor),
                mentions=len(group),
                sources=len(articles),
                official_sources=len(official),
                speakers=tuple(sorted({m.speaker for m in group if m.speaker})),
            )
        )
    return tuple(sorted(spans, key=lambda s: (s.first_seen, s.canonical)))


def _marks(mentions: Sequence[StoredMention], lexicon: Lexicon) -> tuple[SourceMark, ...]:
    # official and other sources of a day apart, so the chart can tell them at a glance
    days: dict[tuple[object, str, bool], list[StoredMention]] = {}
    for m in mentions:
        days.setdefault((m.at.date(), m.canonical, m.official), []).append(m)
    marks = []
    for group in days.values():
        first = group[0]
        day = first.at.replace(hour=12, minute=0, second=0, microsecond=0)
        marks.append(
            SourceMark(
                at=day,
                descriptor=first.descriptor,
                height=tier_height(lexicon, first.descriptor),
                count=len({_article(m) for m in group}),
                official=first.official,
            )
        )
    return tuple(sorted(marks, key=lambda k: (k.at, k.descriptor)))


# ---------------------------------------------------------------------------
# Text, JSON and CSV


def _day(t: datetime | None) -> str:
    return t.strftime("%Y-%m-%d") if t else "-"


def descriptor_lines(story: PairStory, limit: int | None = None) -> list[str]:
    """One line per descriptor (dates, words, tier, sources, speakers); the latest ``limit``."""
    spans = story.descriptors if limit is None else story.descriptors[-limit:]
    lines = []
    for d in spans:
        official = f", {d.official_sources} official" if d.official_sources else ""
        speakers = f", said by {', '.join(d.speakers)}" if d.speakers else ""
        lines.append(
            f"{_day(d.first_seen)} … {_day(d.last_seen)}  “{d.descriptor}” "
            f"[{d.tier or 'unranked'}] {d.sources} source{'s' if d.sources != 1 else ''}"
            f"{official}{speakers}"
        )
    return lines


def story_text(story: PairStory) -> str:
    """The story as a few readable lines: current words, each descriptor, each change."""
    label = story.pair.label
    since = f" since {_day(story.since)}" if story.since else ""
    if not story.descriptors:
        return f"{label}: no descriptor seen{since}."
    lines = [f"{label}{since}: now “{story.current or story.descriptors[-1].descriptor}”", ""]
    lines.append("Descriptors:")
    lines.extend(f"  {line}" for line in descriptor_lines(story))
    if story.changes:
        lines.extend(["", "Changes:"])
        for c in story.changes:
            by = f" (said by {c.speaker})" if c.speaker else ""
            was = f"“{c.before}” → " if c.before else ""
            lines.append(f"  {_day(c.at)} {c.kind}: {was}“{c.after}”{by}")
    return "\n".join(lines)


def story_to_json(story: PairStory) -> dict[str, Any]:
    """The story as one JSON object (``version``, ``pair``, ``descriptors``, ``changes``)."""
    return {
        "version": FORMAT_VERSION,
        "pair": list(story.pair.codes),
        "countries": [story.pair.first.name, story.pair.second.name],
        "since": to_iso(story.since),
        "current": story.current,
        "descriptors": [
            {
                **asdict(d),
                "first_seen": to_iso(d.first_seen),
                "last_seen": to_iso(d.last_seen),
                "speakers": list(d.speakers),
                "official": d.official,
            }
            for d in story.descriptors
        ],
        "changes": [{**asdict(c), "at": to_iso(c.at)} for c in story.changes],
    }


CSV_COLUMNS = (
    "pair", "descriptor", "canonical", "first_seen", "last_seen", "tier", "height",
    "mentions", "sources", "official_sources", "speakers",
)  # fmt: skip
"""One row per descriptor; the change points are in the text and JSON forms."""


def story_csv(story: PairStory) -> str:
    """The story's descriptors as CSV with a header row (speakers joined by spaces)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for d in story.descriptors:
        writer.writerow(
            [story.pair.key, d.descriptor, d.canonical, to_iso(d.first_seen), to_iso(d.last_seen),
             d.tier or "", "" if d.height is None else d.height, d.mentions, d.sources,
             d.official_sources, " ".join(d.speakers)]
        )  # fmt: skip
    return out.getvalue()


def story_json_text(story: PairStory) -> str:
    """The JSON form as one line of text."""
    return json.dumps(story_to_json(story), ensure_ascii=False)
