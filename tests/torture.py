"""Killing real ``partnership-watch`` processes and counting what reaches the channels.

Shared by ``tests/test_torture.py`` (a few dozen kills) and ``benchmarks/bench_torture.py``
(hundreds). One local server on 127.0.0.1, in a thread of the calling process, plays the
news feed, Discord's webhook API and the few Slack Web API methods a bot-token post uses
(``chat.postMessage``, ``chat.update``, ``conversations.history``); the program under test
runs as a child process (``python -m bot``) with a config pointing at it, and is killed with
SIGKILL at a random moment or stopped with SIGTERM.

Each round starts from an empty store: the feed carries ``ALERTS`` items, each giving one
pair its first descriptor, so a complete poll owes ``ALERTS`` alerts, spread over
``CHANNELS`` channels of one platform: Discord webhooks, or Slack channels. The server
identifies each alert by the id in its Discord embed's footer ("partnership-watch · <id>")
or in its Slack message's metadata, and after the round the store says which alerts were
found; the difference is what was lost, and the repeats are the duplicates.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from tests.fake_discord import message_payload, user_payload

if TYPE_CHECKING:
    import pytest

ROOT = Path(__file__).resolve().parent.parent

ALERTS = 20
CHANNELS = 10

# 2 * ALERTS distinct states, paired first with last, so every alert is its own pair.
COUNTRIES = (
    "India", "Brazil", "Japan", "Vietnam", "France", "Nigeria", "Germany", "Kenya",
    "Mexico", "Egypt", "Canada", "Chile", "Italy", "Peru", "Spain", "Ghana", "Poland",
    "Turkey", "Norway", "Senegal", "Indonesia", "Argentina", "Australia", "Thailand",
    "Sweden", "Morocco", "Greece", "Colombia", "Portugal", "Ethiopia", "Austria",
    "Malaysia", "Finland", "Tanzania", "Ireland", "Philippines", "Denmark", "Angola",
    "Belgium", "Uruguay",
)  # fmt: skip
PAIRS = tuple(zip(COUNTRIES[:ALERTS], COUNTRIES[ALERTS:], strict=True))

_WEBHOOK = re.compile(r"/api/v10/webhooks/(?P<hook>[0-9]+)/(?P<token>[^/?]+)")
_FOOTER_ID = re.compile(r"partnership-watch · (?P<id>\S+)$")
_SLACK = re.compile(r"/slack/api/(?P<method>[a-zA-Z.]+)")
SLACK_TOKEN = "xoxb-torture"
PLATFORMS = ("discord", "slack")


def slack_channel(channel: int) -> str:
    """The (made-up) id of a Slack channel."""
    return f"C0TORTURE{channel:02d}"


def webhook_id(channel: int) -> str:
    """The (made-up) snowflake of a channel's webhook."""
    return f"13000000000000000{channel:02d}"


def feed(round_number: int) -> bytes:
    """The round's RSS document: one item per pair, each a sentence naming its tie."""
    items = []
    for i, (a, b) in enumerate(PAIRS):
        guid = f"round-{round_number}-item-{i}"
        text = f"{a} and {b} agreed to lift their ties to a comprehensive strategic partnership."
        items.append(
            f'<item><guid isPermaLink="false">{guid}</guid><title>{escape(a)} and '
            f"{escape(b)}</title><link>http://news.example/{guid}</link>"
            f"<pubDate>Mon, 10 Mar 2025 10:00:00 +0000</pubDate>"
            f"<description>{escape(text)}</description></item>"
        )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Torture desk</title>'
        f"{''.join(items)}</channel></rss>"
    ).encode()


@dataclass
class Received:
    """What the fake Discord got: each webhook's alert ids in the order they came."""

    by_hook: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def counts(self) -> Counter[str]:
        """How many times each alert id arrived, over all channels."""
        return Counter(i for ids in self.by_hook.values() for i in ids)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client killed mid-request resets its connection: expected here


class FakePlatform:
    """The feed and Discord's webhook API on one port of 127.0.0.1, served from a thread."""

    def __init__(self) -> None:
        self.received = Received()
        self.round = 0
        self._lock = threading.Lock()
        self._message_ids = iter(range(1400000000000000000, 1500000000000000000))
        self.failing = False
        """Refuse every post (a platform that does not take alerts now)."""
        self.history_readable = True
        """Whether Slack lets the bot read its channels' history (the app has the scope)."""
        self.slack_messages: list[dict[str, Any]] = []
        """Every Slack message of the round, as ``conversations.history`` shows it."""
        self._slack_ts = itertools.count(1)
        self.kill_at_post: tuple[int, int] | None = None
        """(pid, n): kill that process once the round's n-th post is taken, before it is
        answered: the moment between a platform taking an alert and the program recording it.
        """
        self._posts_taken = 0
        handler = self._handler()
        self._server = _QuietServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakePlatform:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def new_round(self) -> None:
        """Serve the next round's feed and forget what was received."""
        with self._lock:
            self.round += 1
            self.received = Received()
            self.slack_messages = []
            self._posts_taken = 0

    def _taken(self) -> None:
        """Count a post taken (under the lock), and kill its sender if told to at this one."""
        self._posts_taken += 1
        if self.kill_at_post is not None and self.kill_at_post[1] == self._posts_taken:
            os.kill(self.kill_at_post[0], signal.SIGKILL)

    def total(self) -> int:
        """How many alert posts arrived in this round."""
        with self._lock:
            return sum(len(ids) for ids in self.received.by_hook.values())

    def _record(self, hook: str, payload: dict[str, Any]) -> dict[str, Any]:
        footer = (payload.get("embeds") or [{}])[0].get("footer", {}).get("text", "")
        found = _FOOTER_ID.search(footer)
        with self._lock:
            if found:
                self.received.by_hook[hook].append(found.group("id"))
            message_id = str(next(self._message_ids))
            self._taken()
        author = user_payload(hook, "partnership-watch", bot=True)
        message = message_payload(message_id, "1200000000000000001", payload, author)
        return {**message, "webhook_id": hook}

    def _slack(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        """Slack's answer to one Web API call, as far as a bot-token post needs."""
        channel = str(args.get("channel", ""))
        if method == "chat.postMessage":
            if self.failing:
                return {"ok": False, "error": "service_unavailable"}
            metadata = args.get("metadata") or {}
            with self._lock:
                ts = f"{int(time.time())}.{next(self._slack_ts):06d}"
                message = {"type": "message", "ts": ts, "text": args.get("text", "")}
                if metadata:
                    message["metadata"] = metadata
                self.slack_messages.append({**message, "channel": channel})
                alert = (metadata.get("event_payload") or {}).get("alert_id")
                if alert is not None:
                    self.received.by_hook[channel].append(str(alert))
                self._taken()
            return {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method == "chat.update":
            return {"ok": True, "channel": channel, "ts": args.get("ts"), "text": ""}
        if method == "conversations.history":
            if not self.history_readable:
                return {"ok": False, "error": "missing_scope", "needed": "channels:history"}
            oldest = float(args.get("oldest") or 0)
            with self._lock:
                found = [
                    {k: v for k, v in m.items() if k != "channel"}
                    for m in reversed(self.slack_messages)
                    if m["channel"] == channel and float(m["ts"]) >= oldest
                ]
            return {"ok": True, "messages": found, "has_more": False}
        return {"ok": False, "error": "unknown_method"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        platform = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet

            def _answer(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                # discord.py decodes JSON only for exactly this content type.
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _slack_call(self, args: dict[str, Any]) -> None:
                match = _SLACK.match(urlsplit(self.path).path)
                assert match is not None
                if self.headers.get("Authorization") != f"Bearer {SLACK_TOKEN}":
                    answer: dict[str, Any] = {"ok": False, "error": "invalid_auth"}
                else:
                    answer = platform._slack(match.group("method"), args)
                # The SDK takes an answer that is not ok with HTTP 200 as Slack's refusal.
                status = 503 if answer.get("error") == "service_unavailable" else 200
                self._answer(status, json.dumps(answer).encode(), "application/json")

            def do_GET(self) -> None:
                if self.path.startswith("/feed.xml"):
                    self._answer(200, feed(platform.round), "application/rss+xml")
                elif self.path.startswith("/slack/api/"):
                    query = parse_qs(urlsplit(self.path).query)
                    self._slack_call({k: v[-1] for k, v in query.items()})
                else:
                    self._answer(404, b"{}", "application/json")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path.startswith("/slack/api/"):
                    self._slack_call(json.loads(raw or b"{}"))
                    return
                match = _WEBHOOK.match(self.path)
                if match is None:
                    self._answer(404, b'{"message": "Unknown Webhook", "code": 10015}',
                                 "application/json")  # fmt: skip
                    return
                if platform.failing:
                    # A 429 without a Via header: discord.py gives up at once (it takes it
                    # for a ban of the address) where it would retry a 503 for seconds.
                    self._answer(429, b'{"message": "Too Many Requests", "retry_after": 60,'
                                 b' "global": false}', "application/json")  # fmt: skip
                    return
                message = platform._record(match.group("hook"), json.loads(raw or b"{}"))
                self._answer(200, json.dumps(message).encode(), "application/json")

        return Handler


def configure(directory: Path, platform: FakePlatform, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``write_config`` for a test that runs the service in its own process: the webhook
    URLs in the environment, and no chat token from the one the tests run in."""
    config, env = write_config(directory, platform.base)
    for name, value in env.items():
        if name.startswith("PW_TORTURE_WEBHOOK_"):
            monkeypatch.setenv(name, value)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    return config


def write_config(
    directory: Path, base: str, chat: str = "discord"
) -> tuple[Path, dict[str, str]]:
    """A config polling the fake feed and posting to CHANNELS channels of ``chat`` (Discord
    webhooks, or Slack channels as the bot); and the environment that holds their webhook
    URLs or the bot token."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "SLACK_", "PARTNERSHIP_WATCH"))
    }
    lines = [
        "[defaults]",
        "baseline = false",
        'poll_interval = "1m"',
        "[store]",
        f'path = "{directory / "store.sqlite3"}"',
        "[[feeds]]",
        'name = "Torture desk"',
        f'url = "{base}/feed.xml"',
        "[discord]",
        f'api_base = "{base}/api/v10"',
    ]
    if chat == "slack":
        env["SLACK_BOT_TOKEN"] = SLACK_TOKEN
        lines += ["[slack]", f'api_base = "{base}/slack/api/"']
        for channel in range(CHANNELS):
            pairs = ", ".join(f'["{a}", "{b}"]' for a, b in PAIRS[channel::CHANNELS])
            lines += [
                "[[subscriptions]]",
                'platform = "slack"',
                f'channel = "{slack_channel(channel)}"',
                f"pairs = [{pairs}]",
            ]
        path = directory / "watchlist.toml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path, env
    for channel in range(CHANNELS):
        variable = f"PW_TORTURE_WEBHOOK_{channel}"
        # The URL must look like Discord's; discord.py sends to api_base all the same.
        env[variable] = (
            f"https://discord.com/api/webhooks/{webhook_id(channel)}/" + "t" * 60 + str(channel)
        )
        pairs = ", ".join(f'["{a}", "{b}"]' for a, b in PAIRS[channel::CHANNELS])
        lines += [
            "[[subscriptions]]",
            'platform = "discord"',
            f'channel = "torture-{channel}"',
            f'webhook_env = "{variable}"',
            f"pairs = [{pairs}]",
        ]
    path = directory / "watchlist.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, env


def command(config: Path, *args: str) -> list[str]:
    """The command line of the program under test."""
    return [sys.executable, "-m", "bot", "--config", str(config), *args]


@dataclass
class RoundResult:
    """What one round found, delivered, lost and doubled."""

    expected: set[str]
    counts: Counter[str]
    kills: int
    in_order: bool
    exit_codes: list[int]
    log: str = ""

    @property
    def lost(self) -> set[str]:
        return self.expected - set(self.counts)

    @property
    def duplicates(self) -> int:
        return sum(n - 1 for n in self.counts.values() if n > 1)


def found_alerts(store: Path) -> set[str]:
    """The ids of the changes the store holds: what the pipeline found and owes."""
    connection = sqlite3.connect(store)
    try:
        return {str(r[0]) for r in connection.execute("SELECT id FROM changes")}
    finally:
        connection.close()


def _in_order(received: Received) -> bool:
    """Whether each channel got its alerts (first arrivals) in the order they were found."""
    for ids in received.by_hook.values():
        first: list[int] = []
        for i in ids:
            if int(i) not in first:
                first.append(int(i))
        if first != sorted(first):
            return False
    return True


def _log_file(directory: Path, name: str) -> Any:
    return (directory / name).open("ab")


def poll_round(
    platform: FakePlatform,
    directory: Path,
    rng: random.Random,
    *,
    kills: int,
    window: float,
    chat: str = "discord",
) -> RoundResult:
    """One round: runs of ``poll --once``, each killed (SIGKILL) at a random moment within
    ``window`` seconds, until ``kills`` were killed or one finished first; then one run
    left to finish."""
    platform.new_round()
    directory.mkdir(parents=True, exist_ok=True)
    config, env = write_config(directory, platform.base, chat)
    done_kills = 0
    codes = []
    with _log_file(directory, "stderr.log") as log:
        for _ in range(kills):
            process = subprocess.Popen(
                command(config, "poll", "--once"),
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
            )  # fmt: skip
            try:
                process.wait(timeout=rng.uniform(0.05, window))
            except subprocess.TimeoutExpired:
                process.send_signal(signal.SIGKILL)
                done_kills += 1
            codes.append(process.wait())
            if codes[-1] == 0:
                break  # it finished first: the round's work is done
        codes.append(_poll_to_the_end(config, env, log))
    return _result(platform, directory, kills=done_kills, exit_codes=codes)


def killed_at_post_round(
    platform: FakePlatform, directory: Path, *, post: int, chat: str = "discord"
) -> RoundResult:
    """One round of ``poll --once`` killed (SIGKILL) the moment the platform took its
    ``post``-th post, before the answer left; then one run left to finish."""
    platform.new_round()
    directory.mkdir(parents=True, exist_ok=True)
    config, env = write_config(directory, platform.base, chat)
    with _log_file(directory, "stderr.log") as log:
        process = subprocess.Popen(
            command(config, "poll", "--once"),
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
        platform.kill_at_post = (process.pid, post)
        try:
            codes = [process.wait(timeout=120)]
        finally:
            platform.kill_at_post = None
        codes.append(_poll_to_the_end(config, env, log))
    killed = int(codes[0] == -signal.SIGKILL)
    return _result(platform, directory, kills=killed, exit_codes=codes)


def term_round(
    platform: FakePlatform, directory: Path, *, after_alerts: int, timeout: float = 60.0
) -> tuple[RoundResult, float]:
    """One round of ``run`` stopped with SIGTERM once ``after_alerts`` alerts arrived, then
    ``poll --once``; also returns the seconds ``run`` took to exit after SIGTERM."""
    platform.new_round()
    directory.mkdir(parents=True, exist_ok=True)
    config, env = write_config(directory, platform.base)
    codes = []
    with _log_file(directory, "stderr.log") as log:
        process = subprocess.Popen(
            command(config, "run"), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log
        )
        deadline = time.monotonic() + timeout
        while platform.total() < after_alerts and time.monotonic() < deadline:
            if process.poll() is not None:
                break
            time.sleep(0.01)
        process.send_signal(signal.SIGTERM)
        asked = time.monotonic()
        codes.append(process.wait(timeout=timeout))
        took = time.monotonic() - asked
        codes.append(_poll_to_the_end(config, env, log))
    return _result(platform, directory, kills=1, exit_codes=codes), took


def _poll_to_the_end(config: Path, env: dict[str, str], log: IO[bytes]) -> int:
    """One ``poll --once`` left to finish after the round's stops; its exit status."""
    finished = subprocess.run(
        command(config, "poll", "--once"),
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log, timeout=120,
    )  # fmt: skip
    return finished.returncode


def _result(
    platform: FakePlatform, directory: Path, *, kills: int, exit_codes: list[int]
) -> RoundResult:
    """What a round found, what the platform received, and the programs' log."""
    with platform._lock:
        received = platform.received
    return RoundResult(
        expected=found_alerts(directory / "store.sqlite3"),
        counts=received.counts(),
        kills=kills,
        in_order=_in_order(received),
        exit_codes=exit_codes,
        log=(directory / "stderr.log").read_text(encoding="utf-8", errors="replace"),
    )


def complete_poll_seconds(platform: FakePlatform, directory: Path, chat: str = "discord") -> float:
    """How long an undisturbed ``poll --once`` of a round takes here: the kill window."""
    platform.new_round()
    directory.mkdir(parents=True, exist_ok=True)
    config, env = write_config(directory, platform.base, chat)
    started = time.monotonic()
    subprocess.run(
        command(config, "poll", "--once"),
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        timeout=120, check=True,
    )  # fmt: skip
    return time.monotonic() - started
