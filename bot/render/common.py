"""Wording shared by every renderer, so the console, Discord and Slack say the same thing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.alert import Alert, Quote
from bot.render import escape
from bot.render.fit import fit, join_within, shrink_until
from watchers.model import ChangeKind, DiffWord, Level, Source

LEVEL_WORDS: dict[Level, str] = {
    Level.REPORTED: "reported",
    Level.MULTI_SOURCE: "multi-source",
    Level.OFFICIAL: "official",
}

SOURCE_TITLE_LIMIT = 200
"""Characters of a source's title shown in a list of sources."""
DIFF_LIMIT = 600
"""Characters of a marked-up word diff in a chat message."""
DESCRIPTOR_LIMIT = 300
"""Characters of one descriptor (raw) in a chat message."""
QUOTE_BUDGET = 1500
"""Characters of the quote in a chat message, at the most."""


def when(t: datetime | None) -> str:
    """A time as readers see it: ``2023-09-11 08:00 UTC``."""
    if t is None:
        return "time unknown"
    return t.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def day(t: datetime | None) -> str:
    """A date, ``2023-09-11``, or empty when unknown."""
    return t.astimezone(UTC).strftime("%Y-%m-%d") if t else ""


def level_line(alert: Alert) -> str:
    """``multi-source, 4 sources``: the level and how many outlets carry the change."""
    n = len(alert.sources)
    return f"{LEVEL_WORDS[alert.level]}, {n} source{'s' if n != 1 else ''}"


def update_note(alert: Alert) -> str:
    """Said on an alert that later sources updated, empty on the first report."""
    return f"updated: now {alert.level.value}" if alert.revision else ""


def said_lines(alert: Alert) -> list[tuple[str, str]]:
    """(label, descriptor) rows for the before/after part of an alert, by kind."""
    if alert.kind is ChangeKind.ASYMMETRY and alert.speaker and alert.other_side:
        return [
            (f"{alert.speaker.name} says", alert.after),
            (f"{alert.other_side.name} says", alert.before or ""),
        ]
    if alert.kind is ChangeKind.REAFFIRMED or alert.before is None:
        return [("now", alert.after)]
    return [("was", alert.before), ("now", alert.after)]


def shows_diff(alert: Alert) -> bool:
    """Whether a word diff adds anything: only when two different descriptors are compared."""
    return alert.before is not None and alert.kind not in (ChangeKind.NEW, ChangeKind.REAFFIRMED)


def source_label(source: Source) -> str:
    """``feed, 2023-09-11`` (and ``official``) for a source line."""
    bits = [source.feed]
    if source.published:
        bits.append(day(source.published))
    if source.official:
        bits.append("official")
    return ", ".join(bits)


def source_parts(source: Source, markup: Markup) -> tuple[str, str, str | None]:
    """A source's title (its feed when it has none) and label, escaped for the platform,
    and its URL when it is safe to link."""
    title = markup.escape(fit(escape.clean(source.title) or source.feed, SOURCE_TITLE_LIMIT))
    return title, markup.escape(source_label(source)), escape.safe_url(source.url)


def titled(alert: Alert) -> str:
    """The alert's title, with the update note when later sources updated it."""
    note = update_note(alert)
    return f"{alert.title} ({note})" if note else alert.title


def diff_runs(diff: tuple[DiffWord, ...]) -> list[tuple[str, str]]:
    """Neighbouring words with the same op joined: ``[("-", "special and"), ("+", …)]``."""
    runs: list[tuple[str, list[str]]] = []
    for w in diff:
        if runs and runs[-1][0] == w.op:
            runs[-1][1].append(w.word)
        else:
            runs.append((w.op, [w.word]))
    return [(op, " ".join(words)) for op, words in runs]


def diff_plain(diff: tuple[DiffWord, ...]) -> str:
    """The diff for plain text: ``[-special and-] {+particularly+} privileged``."""
    marks = {"-": ("[-", "-]"), "+": ("{+", "+}"), "=": ("", "")}
    return " ".join(f"{marks[op][0]}{text}{marks[op][1]}" for op, text in diff_runs(diff))


@dataclass(frozen=True)
class Markup:
    """How a chat platform marks text: its escape, bold and strike-through, a block quote."""

    escape: Callable[[str], str]
    bold: str
    strike: str
    quote: str


def changed_lines(alert: Alert, markup: Markup) -> list[str]:
    """What changed, marked up: the word diff (or the labelled descriptors), then the tier.

    In the diff, removed words are struck through, added words bold, kept words plain;
    it is cut between words only.
    """
    esc, bold = markup.escape, markup.bold
    if shows_diff(alert):
        marks = {"-": markup.strike, "+": bold, "=": ""}
        runs = [f"{marks[op]}{esc(text)}{marks[op]}" for op, text in diff_runs(alert.diff)]
        lines = [join_within(runs, DIFF_LIMIT)]
    else:
        lines = [
            f"{bold}{esc(label)}:{bold} {esc(fit(value, DESCRIPTOR_LIMIT))}"
            for label, value in said_lines(alert)
        ]
    if alert.tier_arrow:
        lines.append(f"Tier: {esc(alert.tier_arrow)}")
    return lines


def quote_block(quote: Quote, markup: Markup, limit: int) -> str:
    """The quote as a block quote with the phrase in bold, within ``limit`` characters."""

    def render(n: int) -> str:
        marked = quote.shortened(n).marked(markup.escape, markup.bold, markup.bold)
        return f"{markup.quote}“{marked}”"

    return shrink_until(render, limit, len(quote))
