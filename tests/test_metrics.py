"""The Prometheus endpoint and health check, scraped over HTTP as Prometheus would."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from bot.app import ChatMode, open_app
from bot.config import load_config
from bot.metrics import MetricsServer
from tests.torture import ALERTS, CHANNELS, FakePlatform, configure
from watchers.countries import default_countries
from watchers.extraction import default_extractor


async def scrape(port: int, path: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}{path}") as response,
    ):
        return response.status, await response.text()


def sample(text: str, name: str) -> float:
    """The value of one sample line (name with its labels) of the exposition text."""
    (line,) = [x for x in text.splitlines() if x.startswith(name + " ")]
    return float(line.split()[-1])


async def test_metrics_count_polls_changes_failed_deliveries_and_what_is_owed(
    tmp_path: Path, torture_platform: FakePlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = configure(tmp_path, torture_platform, monkeypatch)
    config = load_config(path, default_countries())
    torture_platform.failing = True

    async with open_app(
        config, extractor=default_extractor(), console=None, chat=ChatMode.SEND
    ) as app:
        await app.poll_once()
        server = MetricsServer(app.metrics, lambda: True)
        await server.start("127.0.0.1", 0)
        assert server.port is not None
        try:
            status, text = await scrape(server.port, "/metrics")
            health, ok = await scrape(server.port, "/healthz")
        finally:
            await server.close()

    assert status == 200 and (health, ok) == (200, "ok\n")
    assert sample(text, 'partnership_watch_polls_total{feed="Torture desk",outcome="ok"}') == 1
    assert sample(text, "partnership_watch_changes_total") == ALERTS
    # Each channel's first alert was tried and refused; the one behind it waits its turn.
    failed = 'partnership_watch_deliveries_total{outcome="failed",platform="discord"}'
    assert sample(text, failed) == CHANNELS
    assert sample(text, 'partnership_watch_owed_deliveries{platform="discord"}') == ALERTS
    assert sample(text, 'partnership_watch_platform_started{platform="discord"}') == 1
    assert 'partnership_watch_poll_seconds_count{feed="Torture desk"} 1.0' in text


async def test_healthz_is_503_when_the_check_fails() -> None:
    from bot.metrics import Metrics

    def broken() -> bool:
        raise OSError("disk I/O error")

    server = MetricsServer(Metrics(), broken)
    await server.start("127.0.0.1", 0)
    assert server.port is not None
    try:
        assert await scrape(server.port, "/healthz") == (503, "unhealthy\n")
    finally:
        await server.close()
