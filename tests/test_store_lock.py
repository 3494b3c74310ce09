"""Two writing processes on one SQLite store: the second stops at once and says who holds it."""

import os
import selectors
import signal
import subprocess
import sys
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

from pytest_httpserver import HTTPServer

from bot.store_lock import StoreBusy, lock_path, writing_alone
from tests.feeds import rss, watchlist


def _config(tmp_path: Path, httpserver: HTTPServer) -> Path:
    httpserver.expect_request("/desk.xml").respond_with_data(
        rss(
            ("1", "t", "Chile and Peru hailed their strategic partnership."),
            published=format_datetime(datetime.now(UTC)),
        )
    )
    return watchlist(
        tmp_path,
        f"""
[[feeds]]
name = "Desk"
url = "{httpserver.url_for("/desk.xml")}"
[watch]
pairs = [["Chile", "Peru"]]
""",
    )


def _command(config: Path, *words: str) -> list[str]:
    return [sys.executable, "-m", "bot", "--config", str(config), "--format", "json", *words]


def test_a_poll_beside_a_running_service_stops_without_touching_the_store(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    config = _config(tmp_path, httpserver)
    service = subprocess.Popen(
        _command(config, "run"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert service.stdout is not None
        waiting = selectors.DefaultSelector()
        waiting.register(service.stdout, selectors.EVENT_READ)
        # a guard against hanging the suite, not a timing assertion
        first_alert = service.stdout.readline() if waiting.select(timeout=60) else ""
        waiting.close()
        assert '"pair": ["CHL", "PER"]' in first_alert

        beside = subprocess.run(_command(config, "poll", "--once"), capture_output=True, text=True)
        assert beside.returncode == 1
        assert "in use by another partnership-watch process" in beside.stderr
        assert f"pid {service.pid}" in beside.stderr
        assert "Traceback" not in beside.stderr
        assert beside.stdout == ""  # it polled nothing, so it alerted nothing

        # a killed service leaves no lock behind: the operating system drops it
        service.send_signal(signal.SIGKILL)
        service.communicate(timeout=60)
        after = subprocess.run(_command(config, "poll", "--once"), capture_output=True, text=True)
        assert after.returncode == 0, after.stderr
    finally:
        if service.poll() is None:
            service.kill()
        service.communicate(timeout=60)


def test_a_backfill_beside_a_held_store_is_refused(tmp_path: Path) -> None:
    store = tmp_path / "state" / "watch.db"
    with writing_alone(str(store)):
        held = lock_path(str(store))
        assert held is not None and held.exists()
        try:
            with writing_alone(str(store)):
                raise AssertionError("a second writer got the store")
        except StoreBusy as e:
            assert f"pid {os.getpid()}" in str(e)
    # released when the holder is done
    with writing_alone(str(store)):
        pass


def test_postgresql_and_memory_stores_take_no_lock() -> None:
    assert lock_path("postgresql://postgres@127.0.0.1:5432/watch") is None
    assert lock_path(":memory:") is None
