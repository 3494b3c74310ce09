"""``partnership-watch status``: feeds and channels as an operator asks about them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.torture import ALERTS, CHANNELS, FakePlatform, configure


@pytest.fixture
def config(tmp_path: Path, torture_platform: FakePlatform, monkeypatch: pytest.MonkeyPatch) -> str:
    """The torture config, as the service run in this process reads it."""
    return str(configure(tmp_path, torture_platform, monkeypatch))


def test_status_shows_what_each_channel_is_owed_while_discord_refuses_and_nothing_after(
    config: str, torture_platform: FakePlatform, capsys: pytest.CaptureFixture[str]
) -> None:
    torture_platform.failing = True
    assert main(["--config", config, "poll", "--once"]) == 0
    capsys.readouterr()

    assert main(["--config", config, "status"]) == 0
    out = capsys.readouterr().out
    assert "  Torture desk\n    last success: " in out and "last failure: none" in out
    assert f"so far:       {ALERTS} entries, {ALERTS} mentions, {ALERTS} changes" in out
    owed = [line for line in out.splitlines() if "owed since" in line]
    assert len(owed) == CHANNELS
    assert all("2 alert(s) owed" in line and "HTTP 429" in line for line in owed)

    torture_platform.failing = False
    assert main(["--config", config, "poll", "--once"]) == 0  # sends what is owed first
    capsys.readouterr()
    assert main(["--config", config, "--format", "json", "status"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["owed"] == [] and status["unrouted"] == 0
    assert sum(torture_platform.received.counts().values()) == ALERTS


def test_status_names_a_feed_that_fails_with_its_error(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = Path(config).read_text(encoding="utf-8").replace("/feed.xml", "/missing.xml")
    Path(config).write_text(text, encoding="utf-8")
    assert main(["--config", config, "poll", "--once"]) == 1  # every feed failed
    capsys.readouterr()

    assert main(["--config", config, "status"]) == 0
    out = capsys.readouterr().out
    assert "last success: never" in out
    assert "last failure: " in out and "404" in out
    assert "nothing owed" in out


def test_status_before_any_poll_says_so(
    config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", config, "status"]) == 0
    assert "nothing has been polled" in capsys.readouterr().out
    assert not (tmp_path / "store.sqlite3").exists()
