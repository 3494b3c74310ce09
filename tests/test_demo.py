import json

import pytest

from bot.cli import main


def test_demo_prints_the_india_russia_rewording(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    # the label column's width depends on the labels shown, so spaces are folded
    out = "\n".join(" ".join(line.split()) for line in capsys.readouterr().out.splitlines())
    poll1, poll2 = out.split("== poll 2 of 2, on 10 March 2025 ==")
    assert "India–Russia: new descriptor · official\n" in poll1
    assert "now: special and privileged strategic partnership\n" in poll1
    assert "India–Russia: rewording · reported\n" in poll2
    assert "was: special and privileged strategic partnership\n" in poll2
    assert "now: particularly privileged strategic partnership\n" in poll2
    assert "diff: [-special and-] {+particularly+} privileged strategic partnership\n" in poll2
    assert "said by: Russia\n" in poll2


def test_demo_json_is_one_object_per_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--format", "json", "demo"]) == 0
    captured = capsys.readouterr()
    alerts = [json.loads(line) for line in captured.out.splitlines()]
    india = [(a["before"], a["after"]) for a in alerts if a["pair"] == ["IND", "RUS"]]
    assert india == [
        (None, "special and privileged strategic partnership"),
        (
            "special and privileged strategic partnership",
            "particularly privileged strategic partnership",
        ),
    ]
    assert "== poll 1 of 2, on 27 January 2025 ==" in captured.err
