"""Prometheus metrics and a health check, served by ``run`` on ``[metrics] bind``.

``/metrics`` (prometheus-client's text format):

- ``partnership_watch_polls_total{feed, outcome}``: polls by outcome (``ok``,
  ``not_modified``, ``failed``), and ``partnership_watch_poll_seconds{feed}`` their duration;
- ``partnership_watch_changes_total``: changes found;
- ``partnership_watch_deliveries_total{platform, outcome}``: delivery attempts (``sent``,
  ``failed``, or ``deferred`` when a post tried before could not be looked for yet), and
  ``partnership_watch_delivery_seconds{platform}`` how long the platform took;
- ``partnership_watch_owed_deliveries{platform}``: alerts in the outbox, not yet accepted, and
  ``partnership_watch_owed_oldest_seconds{platform}``: how long the oldest has waited;
- ``partnership_watch_platform_started{platform}``: 1 when the platform is connected.

``/healthz`` answers 200 ``ok`` while the event loop serves and the store reads, else 503.
Off by default: the server runs only when ``[metrics] bind`` is set.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector

from bot.chat.store import Owed
from bot.listener import Listener
from watchers.watcher import PollResult

if TYPE_CHECKING:
    from aiohttp import web

log = logging.getLogger(__name__)


class Metrics:
    """The counters and histograms of one running partnership-watch."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.polls = Counter(
            "partnership_watch_polls", "Feed polls by outcome.", ["feed", "outcome"], registry=r
        )
        self.poll_seconds = Histogram(
            "partnership_watch_poll_seconds",
            "How long one poll of a feed took (fetch, parse, extract, remember).",
            ["feed"],
            buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
            registry=r,
        )
        self.changes = Counter("partnership_watch_changes", "Changes found.", registry=r)
        self.deliveries = Counter(
            "partnership_watch_deliveries",
            "Delivery attempts by platform and outcome.",
            ["platform", "outcome"],
            registry=r,
        )
        self.delivery_seconds = Histogram(
            "partnership_watch_delivery_seconds",
            "How long a platform took to answer a delivery.",
            ["platform"],
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=r,
        )

    def observe_poll(self, result: PollResult, seconds: float) -> None:
        """Count one poll of one feed and how long it took."""
        outcome = "failed" if result.error else "not_modified" if result.not_modified else "ok"
        self.polls.labels(result.feed, outcome).inc()
        self.poll_seconds.labels(result.feed).observe(seconds)
        self.changes.inc(len(result.changes))

    def observe_delivery(self, platform: str, outcome: str, seconds: float) -> None:
        """Count one delivery attempt and how long the platform took."""
        self.deliveries.labels(platform, outcome).inc()
        self.delivery_seconds.labels(platform).observe(seconds)

    def watch_outbox(
        self,
        owed: Callable[[], list[Owed]],
        started: Callable[[], dict[str, bool]],
        now: Callable[[], datetime],
    ) -> None:
        """Report the outbox and the platforms as they are at each scrape."""
        self.registry.register(_OutboxCollector(owed, started, now))


class _OutboxCollector(Collector):
    def __init__(
        self,
        owed: Callable[[], list[Owed]],
        started: Callable[[], dict[str, bool]],
        now: Callable[[], datetime],
    ) -> None:
        self._owed = owed
        self._started = started
        self._now = now

    def collect(self) -> Iterator[Metric]:
        count = GaugeMetricFamily(
            "partnership_watch_owed_deliveries",
            "Alerts owed to channels: in the outbox, not yet accepted by the platform.",
            labels=["platform"],
        )
        oldest = GaugeMetricFamily(
            "partnership_watch_owed_oldest_seconds",
            "How long the oldest owed alert of a platform has waited.",
            labels=["platform"],
        )
        up = GaugeMetricFamily(
            "partnership_watch_platform_started",
            "1 when the platform is connected, 0 when it failed to start.",
            labels=["platform"],
        )
        totals: dict[str, int] = {}
        since: dict[str, datetime] = {}
        for o in self._owed():
            totals[o.platform] = totals.get(o.platform, 0) + o.count
            since[o.platform] = min(since.get(o.platform, o.since), o.since)
        platforms = self._started()
        now = self._now()
        for platform in sorted(set(platforms) | set(totals)):
            count.add_metric([platform], totals.get(platform, 0))
            waited = (now - since[platform]).total_seconds() if platform in since else 0.0
            oldest.add_metric([platform], max(waited, 0.0))
        for platform, is_up in sorted(platforms.items()):
            up.add_metric([platform], 1.0 if is_up else 0.0)
        yield count
        yield oldest
        yield up


class MetricsServer:
    """``/metrics`` and ``/healthz`` on one address, served from the event loop."""

    def __init__(self, metrics: Metrics, healthy: Callable[[], bool]) -> None:
        self.metrics = metrics
        self.healthy = healthy
        self._listener = Listener()

    @property
    def port(self) -> int | None:
        """The port listened on (useful with port 0)."""
        return self._listener.port

    async def start(self, host: str, port: int) -> None:
        """Listen on ``host:port``."""
        # Imported here: a run without metrics or chat platforms never loads aiohttp.
        from aiohttp import web

        app = web.Application()
        app.add_routes([web.get("/metrics", self._metrics), web.get("/healthz", self._health)])
        await self._listener.start(app, host, port, access_log=False)
        log.info("metrics on http://%s:%s/metrics, health on /healthz", host, self.port)

    async def close(self) -> None:
        """Stop listening."""
        await self._listener.close()

    async def _metrics(self, request: web.Request) -> web.Response:
        from aiohttp import web

        body = generate_latest(self.metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _health(self, request: web.Request) -> web.Response:
        from aiohttp import web

        try:
            ok = self.healthy()
        except Exception as e:  # a health check that fails says why, and is unhealthy
            log.warning("health check failed: %s", e)
            ok = False
        return web.Response(status=200 if ok else 503, text="ok\n" if ok else "unhealthy\n")
