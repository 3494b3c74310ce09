"""Scoring extractions against a labeled set, the way the project's evaluation defines it.

Items are (pair, descriptor). Strict: the descriptors' normalised words are equal.
Lenient: one is a contiguous run of the other's words covering at least half of the longer.
Precision, recall and F1 are over items; a negative passage (no expected item) that gets
any extraction is a false alarm. Matching is greedy in the gold order, each prediction
used once. The functions here are pure; ``load_records`` is the only I/O.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from watchers.errors import ConfigError, Problem
from watchers.ports import CountryLookup, Extractor

Words = tuple[str, ...]
Item = tuple[tuple[str, str], Words]

# Leading words dropped before comparing ("the special relationship", "their alliance").
_DROP = frozenset({"a", "an", "the", "its", "their", "our"})
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_QUOTES = re.compile(r"[\"'“”‘’«»]")
_WORDS = re.compile(r"[\w]+(?:-[\w]+)*")
_ALPHA3 = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class Record:
    """One labeled passage."""

    id: str
    text: str
    expected: tuple[dict[str, Any], ...]
    date: date | None = None
    kind: str = "positive"


@dataclass(frozen=True)
class Predicted:
    """One predicted extraction, with the sentence it came from when known."""

    pair: tuple[str, str]
    descriptor: str
    sentence: str = ""


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class Report:
    """The figures of one evaluation run."""

    strict: Scores
    lenient: Scores
    negatives_with_false_alarm: int
    negatives: int
    passages: int
    missing_predictions: int

    def as_dict(self) -> dict[str, Any]:
        """The same keys as the reference scorer's ``--json`` output."""
        return {
            "strict": _scores_dict(self.strict),
            "lenient": _scores_dict(self.lenient),
            "negatives_with_false_alarm": self.negatives_with_false_alarm,
            "negatives": self.negatives,
            "passages": self.passages,
            "missing_predictions": self.missing_predictions,
        }


@dataclass(frozen=True)
class Error:
    """A miss (expected, not found) or a false alarm (found, not expected)."""

    record_id: str
    kind: str
    """``miss`` or ``false alarm``."""
    pair: tuple[str, str]
    descriptor: str
    sentence: str


@dataclass(frozen=True)
class Evaluation:
    report: Report
    errors: tuple[Error, ...] = field(default=())


def words(descriptor: str) -> Words:
    """Normalised words: NFKC, lower case, plain hyphens, no quotes, no leading article."""
    text = unicodedata.normalize("NFKC", descriptor).lower()
    text = _DASHES.sub("-", text)
    text = _QUOTES.sub("", text)
    toks = _WORDS.findall(text)
    while toks and toks[0] in _DROP:
        toks = toks[1:]
    return tuple(toks)


def lenient(a: Words, b: Words) -> bool:
    """One is a contiguous run of the other covering at least half of the longer."""
    if not a or not b:
        return False
    big, small = (a, b) if len(a) >= len(b) else (b, a)
    n = len(small)
    found = any(big[i : i + n] == small for i in range(len(big) - n + 1))
    return found and n * 2 >= len(big)


def strict(a: Words, b: Words) -> bool:
    """The normalised words are equal."""
    return a == b


def country_code(name: str, countries: CountryLookup) -> str:
    """ISO alpha-3 for a code or an English name; ``?name`` when unknown."""
    name = name.strip()
    if _ALPHA3.fullmatch(name):
        return name
    found = countries.lookup(name)
    return found.code if found else "?" + name


def items(
    extractions: Iterable[dict[str, Any] | Predicted], countries: CountryLookup
) -> list[Item]:
    """(sorted pair codes, descriptor words) for each extraction."""
    out: list[Item] = []
    for e in extractions:
        pair, descriptor = (
            (e.pair, e.descriptor) if isinstance(e, Predicted) else (e["pair"], e["descriptor"])
        )
        a, b = sorted(country_code(x, countries) for x in pair)
        out.append(((a, b), words(descriptor)))
    return out


def matched(
    gold: Sequence[Item], pred: Sequence[Item], same: Callable[[Words, Words], bool]
) -> int:
    """Greedy one-to-one matches, gold in order, each prediction used once."""
    used: set[int] = set()
    tp = 0
    for g in gold:
        for i, p in enumerate(pred):
            if i not in used and p[0] == g[0] and same(p[1], g[1]):
                used.add(i)
                tp += 1
                break
    return tp


def prf(tp: int, predicted: int, expected: int) -> Scores:
    """Precision, recall and F1, with the reference scorer's conventions for empty sets."""
    p = tp / predicted if predicted else (0.0 if expected else 1.0)
    r = tp / expected if expected else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return Scores(p, r, f)


def score(
    records: Sequence[Record],
    predictions: dict[str, list[Predicted]],
    countries: CountryLookup,
) -> Evaluation:
    """Strict and lenient figures, false alarms on negatives, and every error."""
    gold = {r.id: items(r.expected, countries) for r in records}
    pred = {i: items(p, countries) for i, p in predictions.items()}
    figures: dict[str, Scores] = {}
    for name, same in (("strict", strict), ("lenient", lenient)):
        tp = n_pred = n_gold = 0
        for rid, g in gold.items():
            p = pred.get(rid, [])
            tp += matched(g, p, same)
            n_pred += len(p)
            n_gold += len(g)
        figures[name] = prf(tp, n_pred, n_gold)
    negatives = [rid for rid, g in gold.items() if not g]
    report = Report(
        strict=figures["strict"],
        lenient=figures["lenient"],
        negatives_with_false_alarm=sum(1 for rid in negatives if pred.get(rid)),
        negatives=len(negatives),
        passages=len(gold),
        missing_predictions=sum(1 for rid in gold if rid not in pred),
    )
    return Evaluation(report, tuple(_errors(records, gold, predictions, pred)))


def _errors(
    records: Sequence[Record],
    gold: dict[str, list[Item]],
    raw: dict[str, list[Predicted]],
    pred: dict[str, list[Item]],
) -> list[Error]:
    out: list[Error] = []
    for r in records:
        g, p, found = gold[r.id], pred.get(r.id, []), raw.get(r.id, [])
        for item, e in zip(g, r.expected, strict=True):
            if not any(q[0] == item[0] and lenient(q[1], item[1]) for q in p):
                out.append(Error(r.id, "miss", item[0], str(e["descriptor"]), r.text))
        for item, x in zip(p, found, strict=True):
            if not any(q[0] == item[0] and lenient(q[1], item[1]) for q in g):
                out.append(Error(r.id, "false alarm", item[0], x.descriptor, x.sentence or r.text))
    return out


PARTS = ("all", "tune", "holdout")


def part_of(record: Record, countries: CountryLookup) -> str:
    """``tune`` or ``holdout``: the fixed half a record belongs to.

    A passage with expected items goes by its first expected pair (ISO codes, sorted, as
    ``AAA-BBB``), so every passage whose first pair is the same lands in the same half; a
    negative passage goes by its id. The half is the parity of the first byte of the
    SHA-256 of ``half:`` and that key: even is ``tune``, odd is ``holdout``. (The prefix
    was chosen, by the sizes alone, so that both halves of the labeled sets are about even.)
    """
    if record.expected:
        first = record.expected[0]["pair"]
        key = "-".join(sorted(country_code(x, countries) for x in first))
    else:
        key = record.id
    return "tune" if hashlib.sha256(f"half:{key}".encode()).digest()[0] % 2 == 0 else "holdout"


def select_part(records: Iterable[Record], part: str, countries: CountryLookup) -> list[Record]:
    """The records of one half (``tune``/``holdout``), or all of them for ``all``."""
    if part not in PARTS:
        raise ValueError(f"unknown part {part!r}; expected one of {', '.join(PARTS)}")
    if part == "all":
        return list(records)
    return [r for r in records if part_of(r, countries) == part]


def predict(extractor: Extractor, records: Iterable[Record]) -> dict[str, list[Predicted]]:
    """Run the extractor over each record's text with the record's date.

    A hypothetical ("could become allies") is nobody's words for the pair, and the labels
    never hold one, so it is left out.
    """
    out: dict[str, list[Predicted]] = {}
    for r in records:
        found = extractor.extract(r.text, on=r.date)
        out[r.id] = [
            Predicted(x.pair.codes, x.descriptor, x.sentence) for x in found if not x.hypothetical
        ]
    return out


def parse_records(lines: Iterable[str], source: str = "-") -> list[Record]:
    """Labeled records from JSONL lines; ConfigError lists every bad line."""
    out: list[Record] = []
    problems: list[Problem] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            raw = json.loads(line)
            if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
                raise ValueError('expected an object with a "text" string')
            expected = raw.get("expected", [])
            if not isinstance(expected, list) or not all(_is_item(e) for e in expected):
                raise ValueError('"expected" must be a list of {"pair": [A, B], "descriptor"}')
            when = date.fromisoformat(raw["date"][:10]) if raw.get("date") else None
        except (ValueError, TypeError) as e:
            problems.append(Problem(source, where, str(e)))
            continue
        out.append(
            Record(
                id=str(raw.get("id", where)),
                text=raw["text"],
                expected=tuple(expected),
                date=when,
                kind=str(raw.get("kind", "positive" if expected else "negative")),
            )
        )
    if problems:
        raise ConfigError(problems)
    return out


def load_records(path: Path) -> list[Record]:
    """Read a labeled JSONL file."""
    with path.open(encoding="utf-8") as f:
        return parse_records(f, path.name)


def format_report(report: Report) -> str:
    """The figures as the reference scorer prints them."""
    lines = []
    for name, s in (("strict", report.strict), ("lenient", report.lenient)):
        lines.append(f"{name:8s} P={s.precision:.3f} R={s.recall:.3f} F1={s.f1:.3f}")
    lines.append(
        f"false alarms on negatives: {report.negatives_with_false_alarm}/{report.negatives}; "
        f"missing: {report.missing_predictions}"
    )
    return "\n".join(lines)


def format_table(rows: Sequence[tuple[str, Report]]) -> str:
    """One row of figures per labeled file (and the total), aligned for reading."""
    width = max([len("file")] + [len(name) for name, _ in rows])
    head = (
        f"{'file':{width}s}  passages  strict P     R    F1  lenient P     R    F1"
        "  false alarms"
    )
    lines = [head]
    for name, r in rows:
        s, le = r.strict, r.lenient
        lines.append(
            f"{name:{width}s}  {r.passages:8d}  {s.precision:8.3f} {s.recall:5.3f} {s.f1:5.3f}"
            f"  {le.precision:9.3f} {le.recall:5.3f} {le.f1:5.3f}"
            f"  {r.negatives_with_false_alarm:5d}/{r.negatives}"
        )
    return "\n".join(lines)


def format_errors(errors: Iterable[Error]) -> str:
    """Every miss and false alarm with its sentence, grouped by record."""
    lines: list[str] = []
    last = None
    for e in errors:
        if e.record_id != last:
            lines.append(f"{e.record_id}")
            last = e.record_id
        lines.append(f'  {e.kind}: {e.pair[0]}-{e.pair[1]} "{e.descriptor}"')
        lines.append(f"    {' '.join(e.sentence.split())}")
    return "\n".join(lines)


def _is_item(e: object) -> bool:
    return (
        isinstance(e, dict)
        and isinstance(e.get("descriptor"), str)
        and isinstance(e.get("pair"), list)
        and len(e["pair"]) == 2
        and all(isinstance(x, str) for x in e["pair"])
    )


def _scores_dict(s: Scores) -> dict[str, float]:
    return {"precision": s.precision, "recall": s.recall, "f1": s.f1}
