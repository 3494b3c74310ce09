"""``partnership-watch run`` polls on a schedule and stops cleanly on SIGTERM."""

import os
import selectors
import signal
import subprocess
import sys
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.feeds import rss, watchlist


def test_run_polls_refuses_a_broken_edit_and_stops_cleanly(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/desk.xml").respond_with_data(
        # published now: the service reads it as today's news
        rss(
            ("1", "t", "India and France hailed their strategic partnership."),
            published=format_datetime(datetime.now(UTC)),
        )
    )
    config = watchlist(
        tmp_path,
        f"""
[[feeds]]
name = "Desk"
url = "{httpserver.url_for("/desk.xml")}"
[watch]
pairs = [["France", "India"]]
""",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "--config", str(config), "--format", "json", "run"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    waiting = selectors.DefaultSelector()
    waiting.register(process.stdout, selectors.EVENT_READ)
    # a guard against hanging the suite, not a timing assertion
    printed = bool(waiting.select(timeout=60))
    first_alert = process.stdout.readline() if printed else ""
    waiting.close()
    # a broken edit, announced with SIGHUP, is refused and the service goes on
    config.write_text(config.read_text(encoding="utf-8") + "\nunknown_section = 1\n")
    process.send_signal(signal.SIGHUP)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert '"pair": ["FRA", "IND"]' in first_alert, err
    assert process.returncode == 0, err
    assert "config edit refused, still running on the previous one" in err
    assert "unknown_section: unknown key" in err
    assert "stopped" in err and "Traceback" not in err
