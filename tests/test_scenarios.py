"""The replay scenarios of issue 10 (``tests/scenarios/``): each folder, replayed as
``partnership-watch replay DIR --format json`` would, raises exactly the alerts its
``expected.json`` names (kind, before and after words, level) and ends with the established
words, pending reports and level histories it names.

What each scenario holds is told in ``tests/scenarios/timelines.py`` and its ``about``.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from bot.config import load_config
from bot.replay import print_event, replay
from tests.fakes import FakeCountries
from tests.markers import SentenceMarkers
from tests.scenarios.timelines import HERE, TIMELINES, Timeline

NAMES = [t.name for t in TIMELINES]


async def replayed(folder: Path) -> list[dict[str, Any]]:
    """The JSON lines a replay of ``folder`` prints."""
    config = load_config(folder / "watchlist.toml", FakeCountries())
    out = io.StringIO()
    result = await replay(
        config,
        folder,
        extractor=SentenceMarkers(),
        emit=print_event(out, "json"),
        rules=config.alerts,
    )
    assert result.errors == []
    return [json.loads(line) for line in out.getvalue().splitlines()]


def _event(e: dict[str, Any]) -> dict[str, Any]:
    return {
        "event": e["event"],
        "pair": "-".join(e["pair"]),
        "kind": e["kind"],
        "before": e["before"],
        "after": e["after"],
        "level": e["level"],
        "speaker": e["speaker"],
    }


def _pair(e: dict[str, Any]) -> dict[str, Any]:
    return {
        "established": e["established"],
        "reported": e["reported"],
        "changes": [
            {
                "kind": c["kind"],
                "after": c["after"],
                "status": c["status"],
                "levels": [step["level"] for step in c["levels"]],
            }
            for c in e["changes"]
        ],
    }


@pytest.mark.parametrize("timeline", TIMELINES, ids=NAMES)
async def test_scenario_raises_exactly_the_expected_alerts(timeline: Timeline) -> None:
    folder = HERE / timeline.name
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    lines = await replayed(folder)
    events = [_event(e) for e in lines if e["event"] in ("alert", "update")]
    assert events == expected["events"]
    pairs = {"-".join(e["pair"]): _pair(e) for e in lines if e["event"] == "pair"}
    assert pairs == expected["pairs"]


@pytest.mark.parametrize("timeline", TIMELINES, ids=NAMES)
def test_scenario_folder_is_written_from_its_timeline(timeline: Timeline) -> None:
    folder = HERE / timeline.name
    on_disk = {
        str(p.relative_to(folder)): p.read_text(encoding="utf-8")
        for p in folder.rglob("*")
        if p.is_file() and p.name != "expected.json"
    }
    assert on_disk == timeline.files(), "run: python -m tests.scenarios.timelines"


async def test_every_alert_line_says_the_established_words_and_the_level_history() -> None:
    lines = await replayed(HERE / "1-established-and-reported")
    first, second, update = (
        e for e in lines if e["event"] in ("alert", "update") and e["pair"] == ["IND", "RUS"]
    )
    # the false report alerts, but the pair's established words stay
    assert first["status"] == "pending"
    assert first["established"] == "special and privileged strategic partnership"
    assert first["reported"] == "ironclad alliance"
    # the next change is compared with the established words, not the report
    assert second["before"] == "special and privileged strategic partnership"
    assert update["status"] == "established"
    assert update["established"] == update["after"]
    assert [step["level"] for step in update["levels"]] == ["reported", "official"]
