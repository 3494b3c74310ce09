"""The evaluation: strict and lenient figures, false alarms, the error listing, and agreement
with the reference scorer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from watchers.countries import default_countries
from watchers.evaluate import (
    Predicted,
    Record,
    format_errors,
    format_report,
    lenient,
    parse_records,
    part_of,
    predict,
    score,
    select_part,
    words,
)
from watchers.extraction import default_extractor

ROOT = Path(__file__).resolve().parent.parent

# Our own sentences, labeled the way the evaluation set is.
GOLD = [
    {
        "id": "g1",
        "text": "Japan and India hailed their special strategic and global partnership.",
        "date": "2024-01-10",
        "expected": [
            {"pair": ["India", "Japan"], "descriptor": "special strategic and global partnership"}
        ],
        "kind": "positive",
    },
    {
        "id": "g2",
        "text": 'Brazil and Argentina described their ties as a "strategic alliance" and '
        "an unbreakable friendship.",
        "date": None,
        "expected": [
            {"pair": ["ARG", "BRA"], "descriptor": "strategic alliance"},
            {"pair": ["Argentina", "Brazil"], "descriptor": "unbreakable friendship"},
        ],
        "kind": "positive",
    },
    {
        "id": "g3",
        "text": "Kenya is Tanzania's largest trading partner.",
        "date": None,
        "expected": [],
        "kind": "negative",
    },
    {
        "id": "g4",
        "text": "Chile and Peru signed a fisheries deal.",
        "date": None,
        "expected": [],
        "kind": "negative",
    },
    {
        "id": "g5",
        "text": "Ghana and Togo reaffirmed their time-tested brotherly relations.",
        "date": None,
        "expected": [{"pair": ["Ghana", "Togo"], "descriptor": "time-tested brotherly relations"}],
        "kind": "positive",
    },
]
PRED: list[dict[str, Any]] = [
    # strict match
    {
        "id": "g1",
        "extractions": [
            {"pair": ["IND", "JPN"], "descriptor": "Special Strategic and Global Partnership"}
        ],
    },
    # one strict, one lenient only ("friendship" covers 1 of 2 words: exactly half)
    {
        "id": "g2",
        "extractions": [
            {"pair": ["BRA", "ARG"], "descriptor": "the 'strategic alliance'"},
            {"pair": ["BRA", "ARG"], "descriptor": "friendship"},
            {"pair": ["BRA", "ARG"], "descriptor": "good neighbours"},
        ],
    },
    # a false alarm on a negative
    {"id": "g3", "extractions": [{"pair": ["KEN", "TZA"], "descriptor": "partner"}]},
    {"id": "g4", "extractions": []},
    # g5 has no prediction line at all: counted as missing
]


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def predictions() -> dict[str, list[Predicted]]:
    out: dict[str, list[Predicted]] = {}
    for row in PRED:
        out[str(row["id"])] = [
            Predicted((e["pair"][0], e["pair"][1]), e["descriptor"]) for e in row["extractions"]
        ]
    return out


def test_words_ignore_case_quotes_dashes_and_a_leading_article() -> None:
    assert words("The “Special–Privileged” Partnership") == ("special-privileged", "partnership")
    assert words("its ironclad alliance") == ("ironclad", "alliance")


def test_lenient_needs_a_contiguous_run_of_at_least_half() -> None:
    assert lenient(words("strategic partnership"), words("comprehensive strategic partnership"))
    assert not lenient(words("partnership"), words("comprehensive strategic partnership"))
    assert not lenient(
        words("comprehensive partnership"), words("comprehensive strategic partnership")
    )


def test_figures_and_false_alarms() -> None:
    records = parse_records(json.dumps(r) for r in GOLD)
    result = score(records, predictions(), default_countries()).report
    # gold items: 4; predicted: 5; strict tp 2, lenient tp 3
    assert result.strict.precision == pytest.approx(2 / 5)
    assert result.strict.recall == pytest.approx(2 / 4)
    assert result.lenient.precision == pytest.approx(3 / 5)
    assert result.lenient.recall == pytest.approx(3 / 4)
    assert (result.negatives_with_false_alarm, result.negatives) == (1, 2)
    assert result.missing_predictions == 1
    assert "false alarms on negatives: 1/2; missing: 1" in format_report(result)


def test_error_listing_names_every_miss_and_false_alarm_with_its_sentence() -> None:
    records = parse_records(json.dumps(r) for r in GOLD)
    errors = score(records, predictions(), default_countries()).errors
    listed = {(e.record_id, e.kind, e.descriptor) for e in errors}
    assert listed == {
        ("g2", "false alarm", "good neighbours"),
        ("g3", "false alarm", "partner"),
        ("g5", "miss", "time-tested brotherly relations"),
    }
    text = format_errors(errors)
    assert "Ghana and Togo reaffirmed" in text


def test_bad_lines_are_all_reported() -> None:
    from watchers.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        parse_records(["{}", "not json", json.dumps({"text": "x", "expected": [{"pair": []}]})])
    assert [p.key for p in caught.value.problems] == ["line 1", "line 2", "line 3"]


def test_predict_runs_the_extractor_with_each_records_date() -> None:
    records = parse_records(json.dumps(r) for r in GOLD)
    found = predict(default_extractor(), records)
    assert [p.descriptor for p in found["g1"]] == ["special strategic and global partnership"]
    assert found["g3"] == [] and found["g4"] == []


def test_a_hypothetical_is_not_predicted_and_is_no_false_alarm() -> None:
    supposed = "Ecuador and Latvia may one day be allies."
    text = f"{supposed} Latvia and Ecuador hailed their alliance."
    records = parse_records(
        [
            json.dumps({"id": "n", "text": supposed, "expected": []}),
            json.dumps(
                {
                    "id": "p",
                    "text": text,
                    "expected": [{"pair": ["Ecuador", "Latvia"], "descriptor": "alliance"}],
                }
            ),
        ]
    )
    found = predict(default_extractor(), records)
    assert found["n"] == []
    assert [p.descriptor for p in found["p"]] == ["alliance"]
    report = score(records, found, default_countries()).report
    assert report.negatives_with_false_alarm == 0


def scorer() -> Path:
    given = os.environ.get("PW_EVAL_SCORER")
    return Path(given) if given else ROOT.parent / "shared" / "eval" / "score.py"


@pytest.mark.skipif(
    not scorer().is_file(),
    reason="reference scorer not found: set PW_EVAL_SCORER to the path of score.py",
)
def test_agrees_with_the_reference_scorer(tmp_path: Path) -> None:
    gold = write_jsonl(tmp_path / "gold.jsonl", GOLD)  # type: ignore[arg-type]
    pred = write_jsonl(tmp_path / "pred.jsonl", PRED)
    run = subprocess.run(
        [sys.executable, str(scorer()), str(gold), str(pred), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    theirs = json.loads(run.stdout)
    ours = score(parse_records(gold.read_text().splitlines()), predictions(), default_countries())
    mine = ours.report.as_dict()
    assert mine.keys() == theirs.keys()
    for key in ("strict", "lenient"):
        for figure in ("precision", "recall", "f1"):
            assert mine[key][figure] == pytest.approx(theirs[key][figure]), (key, figure)
    for key in ("negatives_with_false_alarm", "negatives", "passages", "missing_predictions"):
        assert mine[key] == theirs[key], key


def test_parts_keep_every_passage_of_a_pair_together_and_cover_the_file() -> None:
    countries = default_countries()
    names = ["France", "Germany", "India", "Japan", "Chile", "Peru", "Ghana", "Togo", "Kenya"]
    pairs = [(a, b) for a in names for b in names if a < b]
    records = [
        Record(
            f"{a}-{b}-{n}",
            "text",
            ({"pair": [b, a] if n else [a, b], "descriptor": "ties"},),
        )
        for a, b in pairs
        for n in range(2)
    ] + [Record(f"neg-{i}", "text", ()) for i in range(20)]
    tune = select_part(records, "tune", countries)
    holdout = select_part(records, "holdout", countries)
    assert {r.id for r in tune}.isdisjoint(r.id for r in holdout)
    assert len(tune) + len(holdout) == len(records) == len(select_part(records, "all", countries))
    # both halves are used, and the two orders of a pair fall in the same half
    assert tune and holdout
    for a, b in pairs:
        halves = {part_of(r, countries) for r in records if r.id.startswith(f"{a}-{b}-")}
        assert len(halves) == 1
    with pytest.raises(ValueError):
        select_part(records, "other", countries)
