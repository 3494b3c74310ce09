"""``partnership-watch demo``: the real pipeline on bundled sample feeds.

The samples are served over HTTP on 127.0.0.1, so the demo runs the same fetch, parse,
extract, store, detect and deliver code as a real poll, with a temporary store. The story
takes two polls: Putin's January 2025 letter calls Russian-Indian relations a "special and
privileged strategic partnership"; in March Lavrov speaks of a "particularly privileged" one.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TextIO

from bot.app import SetClock, open_app
from bot.config import load_config
from bot.platforms.console.printer import ConsolePrinter
from watchers.countries import default_countries
from watchers.extraction import default_extractor
from watchers.parse import parse_feed

DEMO_DATA = Path(__file__).parent / "demo_data"
# Each poll of the story runs at the time it tells of: the alert rules treat articles read
# long after publication as history, so the demo's clock is the story's.
STAGES = (
    ("poll1", datetime(2025, 1, 27, 8, 0, tzinfo=UTC)),
    ("poll2", datetime(2025, 3, 10, 18, 0, tzinfo=UTC)),
)


def seed_article() -> str:
    """The article this project started from, as the pipeline reads it from the demo feed.

    The demo's March 2025 item is the one copy of it in the project; tests and benchmarks
    read it from there.
    """
    body = (DEMO_DATA / "poll2" / "world.xml").read_bytes()
    (entry,) = (e for e in parse_feed("demo", body, {}) if "lavrov" in (e.url or ""))
    return entry.text()


class SampleFeeds:
    """Serves one stage of the sample feeds; ``stage`` can be switched between polls."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.stage = STAGES[0][0]

    def body(self, name: str) -> bytes | None:
        """The bytes of a sample feed in the current stage, or None."""
        path = self.root / self.stage / name
        if path.parent != self.root / self.stage or not path.is_file():
            return None
        return path.read_bytes()


@contextmanager
def serve(feeds: SampleFeeds) -> Iterator[str]:
    """Serve the sample feeds on 127.0.0.1 (a free port); yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = feeds.body(self.path.lstrip("/"))
            if body is None:
                self.send_error(404)
                return
            # a real ETag, so the second poll of an unchanged feed is a 304
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the demo's output is the alerts

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


async def run_demo(out: TextIO, fmt: str = "text") -> int:
    """Run the two-poll story and print its alerts to ``out``."""
    feeds = SampleFeeds(DEMO_DATA)
    # narration goes to stderr in JSON mode so stdout stays one JSON object per line
    say = sys.stderr if fmt == "json" else out
    with tempfile.TemporaryDirectory(prefix="partnership-watch-demo-") as tmp, serve(feeds) as base:
        template = (DEMO_DATA / "demo.toml").read_text(encoding="utf-8")
        config_file = Path(tmp) / "demo.toml"
        config_file.write_text(
            template.replace("{base}", base).replace("{store}", str(Path(tmp) / "demo.sqlite3")),
            encoding="utf-8",
        )
        config = load_config(config_file, default_countries())
        clock = SetClock(STAGES[0][1])
        async with open_app(
            config, extractor=default_extractor(), console=ConsolePrinter(out, fmt), clock=clock
        ) as app:
            for number, (stage, when) in enumerate(STAGES, start=1):
                feeds.stage, clock.current = stage, when
                heading = f"== poll {number} of {len(STAGES)}, on {when:%d %B %Y} =="
                print(heading + "\n", file=say, flush=True)
                results = await app.poll_once()
                alerts = sum(len(r.changes) for r in results)
                print(
                    f"({alerts} alert{'s' if alerts != 1 else ''} from {len(results)} feeds)\n",
                    file=say,
                    flush=True,
                )
    return 0
