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


def test_eval_of_several_files_prints_a_row_each_and_a_total(
    labeled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps(RECORDS[0]) + "\n", encoding="utf-8")
    assert main(["eval", str(labeled), str(other)]) == 0
    rows = capsys.readouterr().out.splitlines()
    by_name = {row.split()[0]: row.split() for row in rows[1:]}
    assert set(by_name) == {str(labeled), str(other), "total"}
    # file: passages, strict P R F1, lenient P R F1, false alarms
    assert by_name[str(labeled)][1:5] == ["3", "1.000", "0.500", "0.667"]
    assert by_name[str(other)][1:5] == ["1", "1.000", "1.000", "1.000"]
    # the same ids in two files are two passages of the total
    assert by_name["total"][1:5] == ["4", "1.000", "0.667", "0.800"]
    assert by_name["total"][-1] == "0/1"


def test_eval_of_several_files_as_json_has_each_file_and_the_total(
    labeled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps(RECORDS[1]) + "\n", encoding="utf-8")
    assert main(["eval", "--json", "--errors", str(labeled), str(other)]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert [f["file"] for f in figures["files"]] == [str(labeled), str(other)]
    assert [len(f["errors"]) for f in figures["files"]] == [1, 1]
    assert figures["total"]["passages"] == 4
    assert figures["total"]["lenient"]["recall"] == pytest.approx(1 / 3)


def test_eval_parts_split_a_file_in_two_disjoint_halves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pairs = [("France", "Germany"), ("India", "Japan"), ("Chile", "Peru"), ("Ghana", "Togo")]
    records = [
        {
            "id": f"p{i}-{n}",
            "text": f"{a} and {b} hailed their strategic partnership.",
            "expected": [{"pair": [b, a] if n else [a, b], "descriptor": "strategic partnership"}],
        }
        for i, (a, b) in enumerate(pairs)
        for n in range(2)
    ] + [{"id": f"neg{i}", "text": "Rain fell.", "expected": []} for i in range(6)]
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    halves = []
    for part in ("tune", "holdout", "all"):
        assert main(["eval", "--json", "--part", part, str(path)]) == 0
        figures = json.loads(capsys.readouterr().out)
        halves.append((figures["passages"], figures["negatives"]))
    (tune, tune_neg), (holdout, holdout_neg), whole = halves
    assert tune and holdout
    assert (tune + holdout, tune_neg + holdout_neg) == whole == (14, 6)
