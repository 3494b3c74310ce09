"""Hundreds of kills: what a crash or a stop costs in lost and doubled alerts.

    python benchmarks/bench_torture.py [--kills N] [--seed S] [--sigterms M]
        [--post-kills P] [--chat discord|slack] [--no-history]

Runs real ``partnership-watch`` processes against a local feed and fake Discord webhooks,
or fake Slack channels posted to as the bot with ``--chat slack`` (``tests/torture.py``):
each round a feed of 20 new alerts for 10 channels, ``poll --once`` killed with SIGKILL at
random moments until one run finishes. Half the rounds start with the platform down (503),
so the alerts are owed and the kills land while they are being sent as retries by the next
runs. Then P rounds each killed at the moment the platform took a post (a random one of
the 20) and before its answer left, the case a random kill seldom hits. Then (Discord only)
``run`` stopped with SIGTERM mid-burst, M times. ``--no-history`` has the fake Slack refuse
``conversations.history`` (``missing_scope``), as for an app without the history scopes.

Prints the kills, alerts, lost (must be 0) and duplicates, and the duplicate window: the
time between the platform's answer and our commit of it, measured in the program (its
debug log) over an undisturbed run, and estimated from the duplicates seen.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.torture import (  # noqa: E402
    ALERTS,
    FakePlatform,
    command,
    complete_poll_seconds,
    killed_at_post_round,
    poll_round,
    term_round,
    write_config,
)

_RECORDED = re.compile(r"recorded ([0-9.]+) ms after the platform answered")


def measured_window(platform: FakePlatform, directory: Path, chat: str) -> list[float]:
    """Milliseconds from each platform answer to its commit, in one undisturbed run."""
    platform.new_round()
    directory.mkdir(parents=True)
    config, env = write_config(directory, platform.base, chat)
    done = subprocess.run(
        [*command(config, "poll", "--once")[:3], "-vv", *command(config, "poll", "--once")[3:]],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return [float(m.group(1)) for m in _RECORDED.finditer(done.stderr)]


def owe_everything(platform: FakePlatform, directory: Path, chat: str) -> None:
    """A first run while the platform is down: every alert of the round is owed."""
    directory.mkdir(parents=True)
    config, env = write_config(directory, platform.base, chat)
    platform.failing = True
    try:
        subprocess.run(
            command(config, "poll", "--once"),
            cwd=ROOT, env=env, capture_output=True, timeout=120, check=True,
        )  # fmt: skip
    finally:
        platform.failing = False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=300)
    parser.add_argument("--sigterms", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--post-kills", type=int, default=20)
    parser.add_argument("--chat", choices=("discord", "slack"), default="discord")
    parser.add_argument("--no-history", action="store_true")
    args = parser.parse_args()
    chat = args.chat
    sigterms = args.sigterms if chat == "discord" else 0  # run would open Socket Mode
    rng = random.Random(args.seed)
    with FakePlatform() as platform, tempfile.TemporaryDirectory() as tmp:
        platform.history_readable = not args.no_history
        work = Path(tmp)
        window_ms = measured_window(platform, work / "measure", chat)
        full = complete_poll_seconds(platform, work / "undisturbed", chat)
        kills = rounds = lost = duplicates = alerts = 0
        retry_kills = retry_duplicates = 0
        started = time.monotonic()
        while kills < args.kills:
            rounds += 1
            directory = work / f"round-{rounds}"
            retries = rounds % 2 == 0
            if retries:
                owe_everything(platform, directory, chat)
            # poll_round starts a new round; keep the feed of the owing run instead.
            platform.round -= retries
            result = poll_round(platform, directory, rng, kills=3, window=full, chat=chat)
            kills += result.kills
            alerts += len(result.expected)
            lost += len(result.lost)
            duplicates += result.duplicates
            if retries:
                retry_kills += result.kills
                retry_duplicates += result.duplicates
            if result.lost or not result.in_order:
                print(f"round {rounds}: lost {sorted(result.lost)}, in order {result.in_order}")
        kill_seconds = time.monotonic() - started
        post_kills = post_lost = post_duplicates = 0
        for number in range(args.post_kills):
            result = killed_at_post_round(
                platform, work / f"at-post-{number}", post=rng.randint(1, ALERTS), chat=chat
            )
            post_kills += result.kills
            post_lost += len(result.lost)
            post_duplicates += result.duplicates
        term_lost = term_duplicates = 0
        stop_times = []
        for number in range(sigterms):
            result, took = term_round(
                platform, work / f"term-{number}", after_alerts=rng.randint(1, ALERTS - 5)
            )
            term_lost += len(result.lost)
            term_duplicates += result.duplicates
            stop_times.append(took)
    where = "Discord webhooks" if chat == "discord" else "Slack channels as the bot"
    if chat == "slack" and args.no_history:
        where += ", history not readable (missing_scope)"
    print(f"platform: {where}")
    print(f"undisturbed poll --once: {full:.2f} s for {ALERTS} alerts to 10 channels")
    print(
        f"SIGKILL: {kills} kills in {rounds} rounds ({retry_kills} while retries were sent), "
        f"{alerts} alerts, lost {lost}, duplicates {duplicates} "
        f"({retry_duplicates} in retry rounds), {kill_seconds:.0f} s"
    )
    print(
        f"SIGKILL once the platform took a post, before its answer: {post_kills} kills, "
        f"lost {post_lost}, duplicates {post_duplicates}"
    )
    if stop_times:
        print(
            f"SIGTERM: {sigterms} stops of run mid-burst, lost {term_lost}, duplicates "
            f"{term_duplicates}, exit after SIGTERM median {statistics.median(stop_times):.2f} "
            f"s, max {max(stop_times):.2f} s"
        )
    if window_ms:
        print(
            f"duplicate window (platform answered -> recorded), measured over {len(window_ms)} "
            f"deliveries: median {statistics.median(window_ms):.2f} ms, "
            f"max {max(window_ms):.2f} ms"
        )
    per_kill = duplicates / kills if kills else 0.0
    print(
        f"duplicates per kill: {per_kill:.3f}; with kills spread over a {full:.2f} s run "
        f"holding {ALERTS} deliveries, about {per_kill * full / ALERTS * 1000:.1f} ms of "
        "window per delivery (this includes the time the answer takes to reach us)"
    )


if __name__ == "__main__":
    main()
