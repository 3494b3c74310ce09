"""The command line as a user meets it: exit codes, messages, output formats."""

import json
from pathlib import Path

import pytest

from bot.cli import main

BAD_CONFIG = """
[[feeds]]
name = "Desk"
url = "https://desk.example/rss"
pol_interval = "1h"

[watch]
pairs = [["India", "Narnia"]]
"""


def test_check_config_lists_every_problem_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(BAD_CONFIG, encoding="utf-8")
    assert main(["check-config", str(path)]) == 2
    err = capsys.readouterr().err
    assert "partnership-watch: 2 problems:" in err
    assert f"{path}: feeds[0].pol_interval: unknown key" in err
    assert f"{path}: watch.pairs[0]: unknown country 'Narnia'" in err
    assert "Traceback" not in err


def test_the_shipped_watchlist_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    config = Path(__file__).parent.parent / "config" / "watchlist.toml"
    assert main(["check-config", str(config)]) == 0
    assert "ok (" in capsys.readouterr().out


def test_poll_with_a_missing_config_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(tmp_path / "nope.toml"), "poll", "--once"]) == 2
    assert "file not found" in capsys.readouterr().err


def test_extract_jsonl_writes_one_line_per_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = tmp_path / "in.jsonl"
    records.write_text(
        json.dumps(
            {
                "id": "a",
                "text": "India and France agreed to deepen their strategic partnership.",
                "date": "2024-01-26",
            }
        )
        + "\n"
        + "{not json\n"
        + json.dumps({"id": "c", "text": "The weather in Paris was mild."})
        + "\n",
        encoding="utf-8",
    )
    assert main(["extract", "--jsonl", str(records)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in lines] == ["a", None, "c"]
    (x,) = lines[0]["extractions"]
    assert (x["pair"], x["countries"], x["descriptor"]) == (
        ["FRA", "IND"],
        ["France", "India"],
        "strategic partnership",
    )
    assert "line 2" in lines[1]["error"]
    assert lines[2]["extractions"] == []


def test_extract_marks_a_hypothetical_and_leaves_it_out_of_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "text.txt"
    text.write_text(
        "Malta and Chile may seek an alliance. Malta and Chile hailed their strategic partnership.",
        encoding="utf-8",
    )
    assert main(["extract", str(text)]) == 0
    shown = capsys.readouterr().out.splitlines()
    assert shown[0] == 'Chile–Malta: "alliance" (hypothetical: not the pair\'s words)'
    assert shown[2] == 'Chile–Malta: "strategic partnership"'
    assert main(["extract", "--format", "json", str(text)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["descriptor"] == "strategic partnership"


@pytest.mark.parametrize(
    ("command", "says"),
    [("extract", "cannot read"), ("import", "cannot read"), ("backfill", "no archive at")],
)
def test_a_missing_input_file_is_bad_usage_with_a_clear_error(
    command: str, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "watchlist.toml"
    config.write_text(f'[store]\npath = "{tmp_path / "store.sqlite3"}"\n', encoding="utf-8")
    missing = tmp_path / "missing.txt"
    assert main(["--config", str(config), command, str(missing)]) == 2
    err = capsys.readouterr().err
    assert f"partnership-watch: error: {says} {missing}" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("where", ["before", "after"])
def test_csv_is_refused_for_a_command_that_cannot_print_it(
    where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "seed.txt"
    text.write_text(SEED_LINE, encoding="utf-8")
    options, command = ["--format", "csv"], ["extract", str(text)]
    argv = [*options, *command] if where == "before" else [*command, *options]
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "argument --format: extract prints text or json; csv is for history" in err


@pytest.mark.parametrize("where", ["before", "after"])
def test_demo_refuses_a_config_it_would_not_use(
    where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    options = ["--config", str(tmp_path / "bad.toml")]
    argv = [*options, "demo"] if where == "before" else ["demo", *options]
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert "demo runs on its own bundled config" in captured.err
    assert captured.out == ""


def test_check_config_counts_in_the_singular_when_there_is_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "one.toml"
    path.write_text(
        '[[feeds]]\nname = "Desk"\nurl = "https://desk.example/rss"\n\n'
        '[watch]\npairs = [["India", "Russia"]]\n',
        encoding="utf-8",
    )
    assert main(["check-config", str(path)]) == 0
    assert f"{path}: ok (1 feed, 1 pair, 0 subscriptions)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["--format", "json", "extract", "FILE"],
        ["extract", "FILE", "--format", "json"],
        ["extract", "--format", "json", "FILE"],
    ],
)
def test_global_options_work_before_and_after_the_subcommand(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "seed.txt"
    text.write_text(SEED_LINE, encoding="utf-8")
    assert main([str(text) if a == "FILE" else a for a in argv]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["descriptor"] == "particularly privileged strategic partnership"


@pytest.mark.parametrize("where", ["before", "after"])
def test_config_and_verbose_after_the_subcommand_are_used(
    where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "missing.toml")
    options = ["-v", "--config", missing]
    argv = [*options, "poll", "--once"] if where == "before" else ["poll", "--once", *options]
    assert main(argv) == 2
    assert f"{missing}: -: file not found" in capsys.readouterr().err


SEED_LINE = (
    "Russian Foreign Minister Sergey Lavrov described relations with India as a "
    "particularly privileged strategic partnership.\n"
)


@pytest.mark.parametrize(
    "text", ["", "# my watchlist\n", '[defaults]\npoll_interval = "5m"\n'], ids=repr
)
def test_an_empty_or_near_empty_config_is_refused_and_creates_no_store(
    text: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "watchlist.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for argv in (["poll", "--once"], ["run"], ["check-config"]):
        assert main(["--config", str(path), *argv]) == 2
        assert "no [[feeds]]: there is nothing to watch" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["watchlist.toml"]  # no store made


def test_metrics_bind_is_off_unless_set_and_must_be_host_and_port(tmp_path: Path) -> None:
    from bot.config import load_config
    from tests.fakes import FakeCountries

    path = tmp_path / "watchlist.toml"
    path.write_text("", encoding="utf-8")
    assert load_config(path, FakeCountries()).metrics.bind is None
    path.write_text('[metrics]\nbind = "127.0.0.1:9108"\n', encoding="utf-8")
    assert load_config(path, FakeCountries()).metrics.bind == ("127.0.0.1", 9108)
    path.write_text('[metrics]\nbind = "9108"\n', encoding="utf-8")
    assert main(["check-config", str(path)]) == 2
