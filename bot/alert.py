"""The platform-neutral alert: everything a reader sees about one change, before rendering.

An ``Alert`` is built from a ``watchers.model.Change`` and rendered by ``bot.render`` as
console text, a Discord message, Slack blocks or JSON. Text here is raw feed text; each
renderer escapes it for its platform.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from watchers.extraction.canonical import canonical
from watchers.model import Change, ChangeKind, Country, DiffWord, Level, Pair, Source

QUOTE_LIMIT = 300
"""Characters of quote an alert keeps around the phrase by default."""

_SPACE = re.compile(r"\s+")
_BETWEEN_WORDS = r"[\s\"'\u2018\u2019\u201c\u201d\u00ab\u00bb\-\u2010\u2011\u2013\u2014]+"

KIND_TITLES: dict[ChangeKind, str] = {
    ChangeKind.NEW: "new descriptor",
    ChangeKind.UPGRADE: "upgrade",
    ChangeKind.DOWNGRADE: "downgrade",
    ChangeKind.REWORDING: "rewording",
    ChangeKind.ASYMMETRY: "asymmetry",
    ChangeKind.REAFFIRMED: "reaffirmed",
}


def _fold(text: str) -> str:
    return _SPACE.sub(" ", text)


@dataclass(frozen=True)
class Quote:
    """A sentence cut into the text before the phrase, the phrase, and the text after.

    ``cut_before``/``cut_after`` say where words were left out, so a renderer can show "…".
    """

    lead: str
    phrase: str
    tail: str
    cut_before: bool = False
    cut_after: bool = False

    @property
    def text(self) -> str:
        """The quote as one plain string, with "…" where words were left out."""
        return (
            ("…" if self.cut_before else "")
            + self.lead
            + self.phrase
            + self.tail
            + ("…" if self.cut_after else "")
        )

    @property
    def phrase_span(self) -> tuple[int, int] | None:
        """Where the phrase stands in ``text``, or None when it was not found in the sentence."""
        if not self.phrase:
            return None
        start = (1 if self.cut_before else 0) + len(self.lead)
        return (start, start + len(self.phrase))

    def __len__(self) -> int:
        return len(self.text)

    def marked(self, esc: Callable[[str], str], start: str, end: str) -> str:
        """The quote with each piece passed through ``esc`` and the phrase between marks.

        ``esc`` may trim the pieces; the single spaces around the phrase are kept.
        """
        lead = esc(self.lead) + (" " if self.lead.endswith(" ") else "")
        tail = (" " if self.tail.startswith(" ") else "") + esc(self.tail)
        phrase = f"{start}{esc(self.phrase)}{end}" if self.phrase else ""
        dots_before = "…" if self.cut_before else ""
        dots_after = "…" if self.cut_after else ""
        return f"{dots_before}{lead}{phrase}{tail}{dots_after}"

    def shortened(self, limit: int) -> Quote:
        """This quote in at most ``limit`` characters, cut at word boundaries around the phrase."""
        if len(self) <= limit:
            return self
        if len(self.phrase) + 2 > limit:
            # Even the phrase is too long: keep its first words only.
            kept, cut = _keep_start(self.phrase, max(limit - 2, 0))
            return Quote(
                "",
                kept,
                "",
                cut_before=bool(self.lead) or self.cut_before,
                cut_after=cut or bool(self.tail) or self.cut_after,
            )
        room = limit - len(self.phrase) - 2  # two ellipses at most
        left = min(len(self.lead), room // 2)
        right = min(len(self.tail), room - left)
        left = min(len(self.lead), room - right)
        lead, cut_lead = _keep_end(self.lead, left)
        tail, cut_tail = _keep_start(self.tail, right)
        return Quote(
            lead, self.phrase, tail, self.cut_before or cut_lead, self.cut_after or cut_tail
        )


def _keep_end(text: str, n: int) -> tuple[str, bool]:
    """At most ``n`` characters from the end of ``text``, starting at a word; and whether cut."""
    if len(text) <= n:
        return text, False
    start = len(text) - n
    while start < len(text) and not text[start - 1].isspace():
        start += 1
    return text[start:].lstrip(), True


def _keep_start(text: str, n: int) -> tuple[str, bool]:
    """At most ``n`` characters from the start of ``text``, ending at a word; and whether cut."""
    if len(text) <= n:
        return text, False
    end = n
    while end > 0 and not text[end].isspace():
        end -= 1
    return text[:end].rstrip(), True


def find_phrase(sentence: str, descriptor: str) -> tuple[int, int] | None:
    """Where ``descriptor`` stands in ``sentence``, allowing quotes, dashes and case to differ."""
    words = [re.escape(w) for w in re.split(r"[\s\-\u2010\u2011\u2013\u2014]+", descriptor) if w]
    if not words:
        return None
    match = re.search(r"\b" + _BETWEEN_WORDS.join(words) + r"\b", sentence, re.IGNORECASE)
    return (match.start(), match.end()) if match else None


def quote_around(
    sentence: str, span: tuple[int, int] | None, descriptor: str, limit: int = QUOTE_LIMIT
) -> Quote:
    """The sentence as a Quote with the descriptor marked, shortened to ``limit`` around it."""
    if span is None or not (0 <= span[0] < span[1] <= len(sentence)):
        span = find_phrase(sentence, descriptor)
    if span is None:
        whole = _fold(sentence).strip()
        kept, cut = _keep_start(whole, max(limit - 1, 0))
        return Quote(kept, "", "", cut_after=cut)
    lead = _fold(sentence[: span[0]]).lstrip()
    phrase = _fold(sentence[span[0] : span[1]])
    tail = _fold(sentence[span[1] :]).rstrip()
    return Quote(lead, phrase, tail).shortened(limit)


@dataclass(frozen=True)
class PingTarget:
    """Whom a channel asked to be pinged by an alert (``/watch notify``): a Discord role or
    user, a Slack user group or user, by the platform's id."""

    kind: str
    """``role``, ``group`` or ``user``."""
    id: str


@dataclass(frozen=True)
class Alert:
    """One change as people read it, independent of the chat platform."""

    alert_id: str
    pair: Pair
    kind: ChangeKind
    before: str | None
    after: str
    diff: tuple[DiffWord, ...]
    tier_arrow: str
    quote: Quote
    speaker: Country | None
    sources: tuple[Source, ...]
    level: Level
    detected_at: datetime
    before_tier: str | None = None
    after_tier: str | None = None
    revision: int = 0
    """0 for the first report; higher when later sources updated the change."""
    pings: tuple[PingTarget, ...] = ()
    """Who this post pings, as the channel asked; never anyone named in feed text."""

    @property
    def title(self) -> str:
        """A short headline, e.g. ``United States–Vietnam: upgrade``."""
        return f"{self.pair.label}: {KIND_TITLES[self.kind]}"

    @property
    def other_side(self) -> Country | None:
        """For a speaker from the pair, the other member; otherwise None."""
        if self.speaker == self.pair.first:
            return self.pair.second
        if self.speaker == self.pair.second:
            return self.pair.first
        return None

    @property
    def summary(self) -> str:
        """One plain line of what changed, e.g. ``“comprehensive partnership” → “…”``."""
        if self.kind is ChangeKind.NEW or self.before is None:
            return f"“{self.after}” (first descriptor on record)"
        if self.kind is ChangeKind.REAFFIRMED:
            return f"“{self.after}” again"
        if self.kind is ChangeKind.ASYMMETRY and self.speaker and self.other_side:
            return (
                f"{self.speaker.name} says “{self.after}”; "
                f"{self.other_side.name} says “{self.before}”"
            )
        return f"“{self.before}” → “{self.after}”"

    @property
    def official(self) -> bool:
        """Whether a feed marked official is among the sources."""
        return any(s.official for s in self.sources)

    def primary_source(self) -> Source | None:
        """The source a reader should open first: an official one, else the earliest."""
        for s in self.sources:
            if s.official and s.url:
                return s
        return next((s for s in self.sources if s.url), None)


def alert_id_for(change: Change) -> str:
    """The change's own id, or a stable one made from what it is about."""
    if change.change_id:
        return change.change_id
    basis = "|".join(
        [
            change.pair.key,
            change.kind.value,
            canonical(change.before or ""),
            canonical(change.after),
            change.speaker or "",
        ]
    )
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


def _speaker(pair: Pair, code: str | None) -> Country | None:
    if not code:
        return None
    for country in (pair.first, pair.second):
        if country.code == code:
            return country
    return Country(code, code)


def alert_from_change(change: Change, *, quote_limit: int = QUOTE_LIMIT) -> Alert:
    """The alert people read for ``change``."""
    return Alert(
        alert_id=alert_id_for(change),
        pair=change.pair,
        kind=change.kind,
        before=change.before,
        after=change.after,
        diff=change.diff,
        tier_arrow=change.tier_arrow,
        quote=quote_around(change.quote, change.span, change.after, quote_limit),
        speaker=_speaker(change.pair, change.speaker),
        sources=change.sources,
        level=change.level,
        detected_at=change.detected_at,
        before_tier=change.before_tier,
        after_tier=change.after_tier,
        revision=change.revision,
    )
