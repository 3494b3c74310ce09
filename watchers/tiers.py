"""The descriptor lexicon: ranks relationship descriptors and classifies a change of words.

The lexicon is data (``config/tiers.toml``, documented there). This module reads and
validates it, reporting every problem at once, and answers two pure questions: which tier
a descriptor stands on (optionally for the issuing country), and what kind of change it is
to go from one descriptor to another.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from watchers.errors import ConfigError, Problem
from watchers.extraction.canonical import canonical
from watchers.model import Change, ChangeKind
from watchers.paths import config_dir

_ISSUER = re.compile(r"^[A-Z]{3}$")

STANDINGS_REMEMBERED = 10_000
"""How many descriptors' standings a lexicon keeps at once: the common ones are asked for
again and again, while a service that runs for months meets new wordings without end."""

_Bad = Callable[[str, str], None]


def _contains(haystack: str, phrase: str) -> bool:
    """Whether ``phrase`` stands in ``haystack`` as whole words (both canonical)."""
    return f" {phrase} " in f" {haystack} "


@dataclass(frozen=True)
class Tier:
    """One rung of one ladder."""

    axis: str
    ladder: str
    rank: int
    label: str
    match: tuple[str, ...]


@dataclass(frozen=True)
class Ladder:
    """Ranked tiers on one axis, for every issuer (``issuers`` empty) or for some countries."""

    name: str
    axis: str
    issuers: tuple[str, ...]
    tiers: tuple[Tier, ...]

    def rank(self, canon: str) -> Tier | None:
        """The highest tier one of whose phrases stands in ``canon``, or None."""
        best: Tier | None = None
        for tier in self.tiers:
            if any(_contains(canon, p) for p in tier.match) and (
                best is None or tier.rank > best.rank
            ):
                best = tier
        return best


@dataclass(frozen=True)
class Axis:
    """A kind of tie (partnership, alliance); ``marks`` put a descriptor on it."""

    name: str
    marks: tuple[str, ...]
    outranks: tuple[str, ...]


@dataclass(frozen=True)
class Standing:
    """Where a descriptor stands: its canonical form, and its tier or why it has none."""

    canonical: str
    tier: Tier | None
    generic: bool

    @property
    def label(self) -> str | None:
        """The tier's label, ``generic wording``, or None when the lexicon does not know it."""
        if self.tier is not None:
            return self.tier.label
        return "generic wording" if self.generic else None


@dataclass(frozen=True)
class Lexicon:
    """The validated lexicon: axes in matching order, ladders, generic phrases."""

    axes: tuple[Axis, ...]
    ladders: tuple[Ladder, ...]
    generic: tuple[str, ...]
    generic_heads: frozenset[str] = frozenset()
    generic_modifiers: frozenset[str] = frozenset()
    # Standings asked for again and again (every mention of a pair is compared); the lexicon
    # never changes once built, so they are remembered.
    _standings: dict[tuple[str, str | None], Standing] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    def _is_generic(self, canon: str) -> bool:
        """A listed phrase, or only everyday modifiers before a generic head ("close ties").

        Anything more telling ("brotherly ties", "iron-clad friendship", "an unprecedented
        level of mutual trust") is a characterisation of its own and may alert.
        """
        if any(canon == canonical(p) for p in self.generic):
            return True
        words = canon.split()
        return (
            bool(words)
            and words[-1] in self.generic_heads
            and all(w in self.generic_modifiers for w in words[:-1])
        )

    def axis_of(self, canon: str) -> Axis:
        """The first axis whose marks stand in ``canon``; the unmarked axis otherwise."""
        for axis in self.axes:
            if axis.marks and any(_contains(canon, m) for m in axis.marks):
                return axis
        return next(a for a in self.axes if not a.marks)

    def _ladders_for(self, axis: str, issuer: str | None) -> list[Ladder]:
        own = [lad for lad in self.ladders if lad.axis == axis and issuer in lad.issuers]
        general = [lad for lad in self.ladders if lad.axis == axis and not lad.issuers]
        return own + general

    def standing(self, descriptor: str, issuer: str | None = None) -> Standing:
        """Where ``descriptor`` stands, on ``issuer``'s own ladder when it has one that ranks it."""
        key = (descriptor, issuer)
        found = self._standings.get(key)
        if found is None:
            if len(self._standings) >= STANDINGS_REMEMBERED:
                self._standings.clear()  # simple, and cheap to fill again with what is current
            found = self._standings[key] = self._standing(descriptor, issuer)
        return found

    def _standing(self, descriptor: str, issuer: str | None) -> Standing:
        canon = canonical(descriptor)
        axis = self.axis_of(canon)
        for ladder in self._ladders_for(axis.name, issuer):
            tier = ladder.rank(canon)
            if tier is not None:
                return Standing(canon, tier, generic=False)
        return Standing(canon, None, generic=self._is_generic(canon))

    def tier(self, descriptor: str, issuer: str | None = None) -> Tier | None:
        """The tier of ``descriptor`` (for ``issuer`` when given), or None."""
        return self.standing(descriptor, issuer).tier

    def is_generic(self, descriptor: str) -> bool:
        """Whether ``descriptor`` is generic wording that never alerts on its own."""
        return self.standing(descriptor).generic

    def compared(
        self, before: str, after: str, issuer: str | None = None
    ) -> tuple[Standing, Standing]:
        """Both descriptors placed on one ladder: the issuer's when it ranks both, else general."""
        b = self.standing(before, issuer)
        a = self.standing(after, issuer)
        same_axis = b.tier is not None and a.tier is not None and b.tier.axis == a.tier.axis
        if (
            same_axis
            and b.tier is not None
            and a.tier is not None
            and b.tier.ladder != a.tier.ladder
        ):
            return self.standing(before), self.standing(after)
        return b, a

    def classify(
        self, before: str | None, after: str, issuer: str | None = None
    ) -> ChangeKind | None:
        """The kind of change from ``before`` to ``after``; None when ``after`` is generic wording.

        No earlier descriptor (or only generic wording before) makes it new; the same
        canonical form is reaffirmed; otherwise the tiers decide upgrade, downgrade or
        rewording (same tier, or a tier the lexicon cannot compare).
        """
        if self.is_generic(after):
            return None
        if before is None or self.is_generic(before):
            return ChangeKind.NEW
        b, a = self.compared(before, after, issuer)
        if a.canonical == b.canonical:
            return ChangeKind.REAFFIRMED
        move = self._move(b.tier, a.tier)
        if move > 0:
            return ChangeKind.UPGRADE
        if move < 0:
            return ChangeKind.DOWNGRADE
        return ChangeKind.REWORDING

    def _move(self, before: Tier | None, after: Tier | None) -> int:
        """Positive up, negative down, 0 for same tier or not comparable."""
        if before is None or after is None:
            return 0
        if before.axis == after.axis:
            return after.rank - before.rank
        if before.axis in self._axis(after.axis).outranks:
            return 1
        if after.axis in self._axis(before.axis).outranks:
            return -1
        return 0

    def _axis(self, name: str) -> Axis:
        return next(a for a in self.axes if a.name == name)

    def tier_arrow(self, before: str | None, after: str, issuer: str | None = None) -> str:
        """A short line of the tier move, e.g. ``partnership ↑ strategic partnership``."""
        if before is None or self.is_generic(before):
            a = self.standing(after, issuer)
            return f"new at {a.label or 'an unranked tier'}"
        b, a = self.compared(before, after, issuer)
        move = self._move(b.tier, a.tier)
        left = b.label or "unranked"
        right = a.label or "unranked"
        if move > 0:
            return f"{left} ↑ {right}"
        if move < 0:
            return f"{left} ↓ {right}"
        if a.canonical == b.canonical:
            return f"{right} (unchanged)"
        if b.tier is not None and a.tier is not None and left == right:
            return f"{right} (same tier)"
        return f"{left} → {right}"

    def annotate(self, change: Change) -> Change:
        """``change`` with its tier labels and tier arrow filled in, for the speaker's country."""
        issuer = change.speaker
        if change.before is None:
            before_tier = None
            after_tier = self.standing(change.after, issuer).label
        else:
            b, a = self.compared(change.before, change.after, issuer)
            before_tier, after_tier = b.label, a.label
        return replace(
            change,
            before_tier=before_tier,
            after_tier=after_tier,
            tier_arrow=self.tier_arrow(change.before, change.after, issuer),
        )


# ---------------------------------------------------------------------------
# Loading and validation


def default_path() -> Path:
    """The shipped lexicon: ``config/`` in a checkout, ``watchers/_config`` when installed."""
    return config_dir() / "tiers.toml"


@cache
def shipped_lexicon() -> Lexicon:
    """The lexicon shipped in ``config/tiers.toml`` (read once)."""
    return load_lexicon()


def load_lexicon(path: Path | None = None) -> Lexicon:
    """Read and validate a lexicon file; raises ConfigError listing every problem."""
    path = path or default_path()
    name = str(path.name)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ConfigError([Problem(name, "-", f"cannot read: {e.strerror or e}")]) from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError([Problem(name, "-", f"not valid TOML: {e}")]) from e
    return parse_lexicon(raw, name)


def parse_lexicon(raw: dict[str, Any], file: str = "tiers.toml") -> Lexicon:
    """Validate a parsed lexicon document; raises ConfigError listing every problem."""
    problems: list[Problem] = []

    def bad(key: str, reason: str) -> None:
        problems.append(Problem(file, key, reason))

    _unknown_keys(raw, {"version", "axes", "generic", "ladders"}, "", bad)
    if raw.get("version", 1) != 1:
        bad("version", "only version 1 is understood")

    axes = _parse_axes(raw.get("axes"), bad)
    axis_names = {a.name for a in axes}
    generic = _strings(
        raw.get("generic", {}).get("phrases") if isinstance(raw.get("generic"), dict) else None,
        "generic.phrases",
        bad,
    )
    generic_table: dict[str, Any] = raw["generic"] if isinstance(raw.get("generic"), dict) else {}
    heads = _strings(generic_table.get("heads", []), "generic.heads", bad)
    modifiers = _strings(generic_table.get("modifiers", []), "generic.modifiers", bad)
    if isinstance(raw.get("generic"), dict):
        _unknown_keys(raw["generic"], {"phrases", "heads", "modifiers"}, "generic", bad)
    elif "generic" in raw:
        bad("generic", "must be a table with `phrases`, `heads` and `modifiers` lists")

    ladders = _parse_ladders(raw.get("ladders"), axis_names, bad)

    # Generic wording must not also be a rung, or "close ties" would rank and alert.
    for phrase in generic:
        canon = canonical(phrase)
        for ladder in ladders:
            if ladder.rank(canon) is not None:
                bad("generic.phrases", f"{phrase!r} also ranks on ladder {ladder.name!r}")

    for axis in axes:
        general = [lad for lad in ladders if lad.axis == axis.name and not lad.issuers]
        if len(general) != 1:
            bad(
                f"axes.{axis.name}",
                f"needs exactly one general ladder (no issuers), found {len(general)}",
            )
    seen: dict[tuple[str, str], str] = {}
    for ladder in ladders:
        for issuer in ladder.issuers:
            other = seen.get((ladder.axis, issuer))
            if other is not None:
                bad(
                    f"ladders.{ladder.name}.issuers",
                    f"{issuer} already has ladder {other!r} on axis {ladder.axis!r}",
                )
            seen[(ladder.axis, issuer)] = ladder.name

    if problems:
        raise ConfigError(problems)
    return Lexicon(
        axes=tuple(axes),
        ladders=tuple(ladders),
        generic=tuple(generic),
        generic_heads=frozenset(canonical(h) for h in heads),
        # "long-standing" is two words once canonical; each counts as everyday
        generic_modifiers=frozenset(w for m in modifiers for w in canonical(m).split()),
    )


def _unknown_keys(table: dict[str, Any], allowed: set[str], where: str, bad: _Bad) -> None:
    for key in table:
        if key not in allowed:
            bad(
                f"{where}.{key}" if where else key,
                f"unknown key (expected one of {', '.join(sorted(allowed))})",
            )


def _strings(value: Any, key: str, bad: _Bad, *, required: bool = False) -> list[str]:
    if value is None:
        if required:
            bad(key, "is missing")
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        bad(key, "must be a list of strings")
        return []
    out: list[str] = []
    for v in value:
        if not canonical(v):
            bad(key, f"{v!r} is empty once canonical")
        else:
            out.append(v)
    return out


def _parse_axes(value: Any, bad: _Bad) -> list[Axis]:
    if not isinstance(value, dict):
        bad("axes", "is missing or not a table")
        return []
    order = value.get("order")
    if not isinstance(order, list) or not order or not all(isinstance(o, str) for o in order):
        bad("axes.order", "must be a non-empty list of axis names")
        return []
    axes: list[Axis] = []
    for name in order:
        table = value.get(name)
        if not isinstance(table, dict):
            bad(f"axes.{name}", "is listed in axes.order but has no table")
            continue
        _unknown_keys(table, {"marks", "outranks"}, f"axes.{name}", bad)
        marks = tuple(
            canonical(m) for m in _strings(table.get("marks", []), f"axes.{name}.marks", bad)
        )
        outranks = tuple(_strings(table.get("outranks", []), f"axes.{name}.outranks", bad))
        for other in outranks:
            if other not in order:
                bad(f"axes.{name}.outranks", f"unknown axis {other!r}")
            elif other == name:
                bad(f"axes.{name}.outranks", "an axis cannot outrank itself")
        axes.append(Axis(name, marks, outranks))
    for key in value:
        if key != "order" and key not in order:
            bad(f"axes.{key}", "is not listed in axes.order")
    unmarked = [a.name for a in axes if not a.marks]
    if len(unmarked) != 1:
        bad(
            "axes",
            "exactly one axis must have no marks (it takes every other descriptor), "
            f"found {len(unmarked)}",
        )
    for a in axes:
        for other in a.outranks:
            if any(b.name == other and a.name in b.outranks for b in axes):
                bad(f"axes.{a.name}.outranks", f"{a.name!r} and {other!r} outrank each other")
    return axes


def _parse_ladders(value: Any, axis_names: set[str], bad: _Bad) -> list[Ladder]:
    if not isinstance(value, dict) or not value:
        bad("ladders", "is missing or empty")
        return []
    ladders: list[Ladder] = []
    for name, table in value.items():
        key = f"ladders.{name}"
        if not isinstance(table, dict):
            bad(key, "must be a table")
            continue
        _unknown_keys(table, {"axis", "issuers", "tiers"}, key, bad)
        axis = table.get("axis")
        if not isinstance(axis, str) or axis not in axis_names:
            bad(f"{key}.axis", f"must name an axis in axes.order, got {axis!r}")
            axis = ""
        issuers = _strings(table.get("issuers", []), f"{key}.issuers", bad)
        for code in issuers:
            if not _ISSUER.match(code):
                bad(f"{key}.issuers", f"{code!r} is not an ISO 3166-1 alpha-3 code in capitals")
        tiers = _parse_tiers(table.get("tiers"), name, axis, key, bad)
        ladders.append(Ladder(name, axis, tuple(issuers), tuple(tiers)))
    return ladders


def _parse_tiers(value: Any, ladder: str, axis: str, key: str, bad: _Bad) -> list[Tier]:
    if not isinstance(value, list) or not value:
        bad(f"{key}.tiers", "must be a non-empty array of tables")
        return []
    tiers: list[Tier] = []
    ranks: set[int] = set()
    phrases: dict[str, int] = {}
    for i, table in enumerate(value):
        where = f"{key}.tiers[{i}]"
        if not isinstance(table, dict):
            bad(where, "must be a table")
            continue
        _unknown_keys(table, {"rank", "label", "match"}, where, bad)
        rank = table.get("rank")
        if not isinstance(rank, int) or isinstance(rank, bool) or rank < 1:
            bad(f"{where}.rank", f"must be a whole number from 1, got {rank!r}")
            continue
        if rank in ranks:
            bad(f"{where}.rank", f"rank {rank} appears twice in ladder {ladder!r}")
        ranks.add(rank)
        label = table.get("label")
        if not isinstance(label, str) or not label.strip():
            bad(f"{where}.label", "must be a non-empty string")
            label = ""
        match = _strings(table.get("match"), f"{where}.match", bad, required=True)
        if "match" in table and not match and isinstance(table.get("match"), list):
            bad(f"{where}.match", "must list at least one phrase")
        canon = tuple(canonical(m) for m in match)
        for phrase, c in zip(match, canon, strict=True):
            if c in phrases and phrases[c] != rank:
                bad(f"{where}.match", f"{phrase!r} is also a phrase of rank {phrases[c]}")
            phrases[c] = rank
        tiers.append(Tier(axis, ladder, rank, label, canon))
    return sorted(tiers, key=lambda t: t.rank)
