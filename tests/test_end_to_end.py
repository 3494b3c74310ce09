"""Two polls of local feeds through the real pipeline, asserting exactly the alerts printed."""

import asyncio
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import cast

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from bot.cli import poll_once
from bot.config import load_config
from tests.fakes import FakeClock
from tests.feeds import rss
from watchers.countries import default_countries

CONFIG = """
[defaults]
read_timeout = 5
deadline = 10

[store]
path = "{store}"

[[feeds]]
name = "Ministry"
url = "{base}/ministry.xml"
official = true

[[feeds]]
name = "Desk"
url = "{base}/desk.xml"

[[feeds]]
name = "Broken"
url = "{base}/broken.xml"

[watch]
pairs = [["India", "Russia"], ["United States", "Vietnam"]]
"""

LETTER = (
    "letter",
    "Greetings on Republic Day",
    "In his letter, the Russian President called Russian-Indian relations a special and "
    "privileged strategic partnership.",
)
SPEECH = (
    "speech",
    "Minister's speech",
    "Russia's Foreign Minister said that relations between Russia and India have become a "
    "particularly privileged strategic partnership.",
)
VIETNAM = (
    "hanoi",
    "Hanoi visit",
    "Vietnam and the United States upgraded their ties to a comprehensive strategic partnership.",
)


def run_poll(tmp_path: Path, server: HTTPServer) -> list[dict[str, object]]:
    text = CONFIG.replace("{base}", server.url_for("").rstrip("/")).replace(
        "{store}", str(tmp_path / "store.sqlite3")
    )
    path = tmp_path / "watchlist.toml"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    config = load_config(path, default_countries())
    # the clock stands on the day the test feeds were published
    assert asyncio.run(poll_once(config, out, "json", clock=FakeClock())) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_two_polls_give_exactly_the_expected_alerts(tmp_path: Path, httpserver: HTTPServer) -> None:
    # feeds are polled concurrently, so each path answers by poll number, not by call order
    polls = {
        "/ministry.xml": [rss(LETTER), rss(LETTER)],
        "/desk.xml": [rss(), rss(SPEECH, VIETNAM)],
    }
    stage = 0

    def answer(bodies: list[bytes]) -> Callable[[Request], Response]:
        return lambda request: Response(bodies[stage], content_type="application/rss+xml")

    for path, bodies in polls.items():
        httpserver.expect_request(path).respond_with_handler(answer(bodies))
    httpserver.expect_request("/broken.xml").respond_with_data("<html>gateway</html>", status=502)

    # first poll: the baseline of both feeds, nothing printed
    assert run_poll(tmp_path, httpserver) == []

    stage = 1
    alerts = run_poll(tmp_path, httpserver)

    assert [(a["pair"], a["before"], a["after"]) for a in alerts] == [
        (
            ["IND", "RUS"],
            "special and privileged strategic partnership",
            "particularly privileged strategic partnership",
        ),
        (["USA", "VNM"], None, "comprehensive strategic partnership"),
    ]
    india = alerts[0]
    assert india["countries"] == ["India", "Russia"]
    assert "particularly privileged strategic partnership" in str(india["quote"])
    (source,) = cast(list[dict[str, object]], india["sources"])
    assert source == {
        "url": "http://news.example/speech",
        "title": "Minister's speech",
        "feed": "Desk",
        "published": "2025-03-10T10:00:00+00:00",
        "official": False,
    }
