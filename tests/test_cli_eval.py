"""``partnership-watch eval``: figures, JSON and the error listing, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

RECORDS = [
    {
        "id": "pos",
        "text": "Egypt and Jordan celebrated their fraternal and strategic relations.",
        "date": "2024-05-01",
        "expected": [
            {"pair": ["Egypt", "Jordan"], "descriptor": "fraternal and strategic relations"}
        ],
        "kind": "positive",
    },
    {
        "id": "missed",
        "text": "Ties that bind Peru and Chile keep growing.",
        "date": None,
        "expected": [{"pair": ["Chile", "Peru"], "descriptor": "ties that bind"}],
        "kind": "positive",
    },
    {
        "id": "neg",
        "text": "Canada is not an ally of Cuba.",
        "date": None,
        "expected": [],
        "kind": "negative",
    },
]


@pytest.fixture
def labeled(tmp_path: Path) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    return path


def test_eval_prints_strict_and_lenient_figures(
    labeled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", str(labeled)]) == 0
    out = capsys.readouterr().out
    assert "strict   P=1.000 R=0.500 F1=0.667" in out
    assert "lenient  P=1.000 R=0.500 F1=0.667" in out
    assert "false alarms on negatives: 0/1; missing: 0" in out


def test_eval_json_with_errors_lists_the_miss(
    labeled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", str(labeled), "--json", "--errors"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["lenient"]["recall"] == pytest.approx(0.5)
    assert figures["negatives"] == 1
    assert figures["errors"] == [
        {
            "id": "missed",
            "kind": "miss",
            "pair": ["CHL", "PER"],
            "descriptor": "ties that bind",
            "sentence": "Ties that bind Peru and Chile keep growing.",
        }
    ]


def test_eval_errors_in_text_show_the_sentence(
    labeled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", str(labeled), "--errors"]) == 0
    out = capsys.readouterr().out
    assert 'miss: CHL-PER "ties that bind"' in out
    assert "Ties that bind Peru and Chile keep growing." in out


def test_eval_of_a_missing_file_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", str(tmp_path / "nope.jsonl")]) == 1
    err = capsys.readouterr().err
    assert "cannot read" in err and "nope.jsonl" in err


def test_eval_of_a_bad_line_names_it_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "x"}\n', encoding="utf-8")
    assert main(["eval", str(path)]) == 2
    assert "bad.jsonl: line 1" in capsys.readouterr().err
