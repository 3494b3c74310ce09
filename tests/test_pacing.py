"""Per-channel pacing, shared by the Discord and Slack senders."""

from __future__ import annotations

import asyncio

from bot.platforms.pacing import ChannelPacer
from tests.fakes import FakeMonotonic


async def test_writes_to_one_channel_go_out_an_interval_apart() -> None:
    time = FakeMonotonic()
    pacer = ChannelPacer(1.0, clock=time.clock, sleep=time.sleep)

    await pacer.wait("C1")
    await pacer.wait("C2")
    await pacer.wait("C1")
    await pacer.wait("C1")

    assert time.sleeps == [1.0, 1.0]  # the other channel did not wait


async def test_concurrent_writers_queue_one_interval_apart() -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    pacer = ChannelPacer(1.0, clock=lambda: 50.0, sleep=sleep)

    await asyncio.gather(*(pacer.wait("C1") for _ in range(3)), pacer.wait("C2"))

    assert sorted(slept) == [1.0, 2.0]


async def test_no_wait_after_a_quiet_spell() -> None:
    time = FakeMonotonic(10.0)
    pacer = ChannelPacer(1.0, clock=time.clock, sleep=time.sleep)

    await pacer.wait("C1")
    time.now += 0.25
    await pacer.wait("C1")
    time.now += 5.0
    await pacer.wait("C1")

    assert time.sleeps == [0.75]


async def test_an_interval_of_zero_never_waits() -> None:
    time = FakeMonotonic()
    pacer = ChannelPacer(0, clock=time.clock, sleep=time.sleep)

    await asyncio.gather(*(pacer.wait("C1") for _ in range(5)))

    assert time.sleeps == []
