"""No alert is lost to a crash or a stop: real processes, killed, against fake platforms.

Each round runs ``partnership-watch poll --once`` as a child process against a local feed of
20 new alerts for 10 webhook channels, kills it with SIGKILL at a random moment (several
times), and then lets one run finish. Every alert the store found must have reached its
channel, in order; duplicates (the platform took a post and the process died before
recording it) are reported, not failed. Another kills the process at that very moment:
Slack then shows the alert once (the next run finds it in the channel's history), a
webhook channel twice. A last test stops ``run`` with SIGTERM in the middle of a burst.
``benchmarks/bench_torture.py`` does the same hundreds of times.

The seed of the random kill moments is printed with each round's figures; set
``PW_TORTURE_SEED`` to replay one.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.torture import (
    ALERTS,
    FakePlatform,
    RoundResult,
    complete_poll_seconds,
    killed_at_post_round,
    poll_round,
    term_round,
)

MIN_KILLS = 20
KILLS_PER_ROUND = 3
# a run that finishes before its kill moment ends the round early; a loaded machine needs
# more rounds to reach MIN_KILLS
MAX_ROUNDS = 40


@pytest.fixture(scope="module")
def platform() -> Iterator[FakePlatform]:
    with FakePlatform() as server:
        yield server


@pytest.fixture
def seed() -> int:
    return int(os.environ.get("PW_TORTURE_SEED") or random.randrange(10**6))


@pytest.fixture
def rng(seed: int) -> random.Random:
    return random.Random(seed)


def explain(result: RoundResult, seed: object) -> str:
    """What a failing round shows: its figures and the programs' logs."""
    return (
        f"seed {seed}: lost {sorted(result.lost, key=int)}, duplicates {result.duplicates}, "
        f"kills {result.kills}, exit codes {result.exit_codes}\n{result.log[-4000:]}"
    )


def assert_all_delivered_in_order(result: RoundResult, seed: object) -> None:
    """Every alert the round found reached its channel, each channel's in order."""
    assert len(result.expected) == ALERTS, explain(result, seed)
    assert result.lost == set(), explain(result, seed)
    assert result.in_order, explain(result, seed)


def test_kill_9_at_random_moments_of_poll_once_loses_no_alert(
    platform: FakePlatform,
    tmp_path: Path,
    rng: random.Random,
    seed: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Kill moments are spread over the time an undisturbed run takes on this machine.
    window = complete_poll_seconds(platform, tmp_path / "undisturbed")
    assert platform.received.counts() and set(platform.received.counts().values()) == {1}
    kills = duplicates = rounds = 0
    while kills < MIN_KILLS and rounds < MAX_ROUNDS:
        rounds += 1
        result = poll_round(
            platform, tmp_path / f"round-{rounds}", rng, kills=KILLS_PER_ROUND, window=window
        )
        assert_all_delivered_in_order(result, seed)
        assert result.exit_codes[-1] == 0, explain(result, seed)
        kills += result.kills
        duplicates += result.duplicates
    assert kills >= MIN_KILLS
    with capsys.disabled():
        print(
            f"\ntorture: {rounds} rounds, {kills} SIGKILLs, {rounds * ALERTS} alerts, "
            f"0 lost, {duplicates} duplicates (seed {seed})"
        )


@pytest.mark.parametrize(
    ("chat", "history", "twice"),
    [("slack", True, 0), ("slack", False, 1), ("discord", False, 1)],
    ids=["slack", "slack-without-history-scope", "discord-webhooks"],
)
def test_a_kill_after_the_platform_took_a_post_shows_it_once_where_the_channel_can_be_read(
    platform: FakePlatform,
    tmp_path: Path,
    rng: random.Random,
    seed: int,
    chat: str,
    history: bool,
    twice: int,
) -> None:
    # Killed between the platform taking an alert and the program recording it: the next
    # run owes it. Slack's history shows it was taken; a webhook channel cannot be read.
    platform.history_readable = history
    try:
        result = killed_at_post_round(
            platform, tmp_path / "killed", post=rng.randint(1, ALERTS), chat=chat
        )
    finally:
        platform.history_readable = True

    assert result.kills == 1, explain(result, seed)
    assert_all_delivered_in_order(result, seed)
    assert result.exit_codes[-1] == 0, explain(result, seed)
    assert result.duplicates == twice, explain(result, seed)


def test_sigterm_during_a_burst_exits_0_and_loses_no_alert(
    platform: FakePlatform,
    tmp_path: Path,
    rng: random.Random,
    seed: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    duplicates = 0
    for number in range(2):
        after = rng.randint(1, ALERTS - 5)
        result, _ = term_round(platform, tmp_path / f"term-{number}", after_alerts=after)
        assert result.exit_codes[0] == 0, explain(result, seed)  # stopped, not failed
        assert_all_delivered_in_order(result, seed)
        duplicates += result.duplicates
    with capsys.disabled():
        print(f"\ntorture: 2 SIGTERMs during a burst, 0 lost, {duplicates} duplicates")
