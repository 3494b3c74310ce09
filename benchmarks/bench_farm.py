"""Polling a farm of feeds: our watcher against the ``reader`` library, in the same run.

    python benchmarks/bench_farm.py [--feeds 1000 5000] [--hosts 32] [--reader-workers 8]
                                    [--at-once 16] [--processes 1] [--workers 2]
                                    [--feeds-per-job 32] [--pollers ours reader workers]
                                    [--postgres postgresql://postgres@127.0.0.1:5432/postgres]

Needs ``reader`` in the environment (``pip install reader sgmllib3k``); it is not a
dependency of the project, only its peer here. The workers need a PostgreSQL server where the
given role may create databases (``--workers 0`` leaves them out).

A farm of N generated RSS feeds (~10 KB, 15 items, three items in ten carrying a sentence
with a relationship descriptor) is served with ETags on 127.0.0.1 by a separate process,
spread over several loopback addresses (127.0.0.2, 127.0.0.3, ...) as feeds are spread over
sites. One feed in a hundred answers after 3 s, one in a hundred answers 500.

For each N, each poller runs in a process of its own, on an empty store (ours one process
on SQLite; ``--workers`` processes of ``partnership-watch worker`` sharing a new PostgreSQL
database, the polls deferred by their periodic job as in production):
- cold: the first poll of every feed (all bodies sent, every entry new);
- warm: a tenth of the feeds gain an item, then every feed is polled again (the others
  answer 304 Not Modified).
All pollers see the same farm in the same state. It prints feeds per second, CPU seconds
per feed (the poller's processes and their children: for workers, their reading processes,
left out before this was said here), peak resident memory of the poller's
process (and its children's largest, if any; for workers, the largest worker's), entries
stored, and our ratio to reader. Only the poll cycle is timed, not the start-up of the
process: for workers, from the first poll's start to the moment every feed is polled and no
poll job is left. For workers it also prints PostgreSQL's own share, which their CPU leaves
out (the CPU of the server's connections to their database and of its writers, read from
/proc, so the server must run on this machine; its transactions and the time it spent
running statements, a feed), and how many poll jobs waited and ran a quarter, half and
three quarters into the cycle.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

START = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
ITEMS = 15

DESCRIPTOR_SENTENCES = (
    "India and Russia reaffirmed their special and privileged strategic partnership.",
    "China and Pakistan hailed their all-weather strategic cooperative partnership.",
    "Vietnam and the United States upgraded ties to a comprehensive strategic partnership.",
    "Russia and Iran spoke of a comprehensive strategic partnership between them.",
    "Japan and the United States described their ironclad alliance as stronger than ever.",
    "China and Russia said their partnership has no limits.",
)
FILLER = (
    "Officials met on Monday to discuss trade, energy and the climate. "
    "The talks lasted several hours and touched on shipping routes and investment. "
    "Analysts said the meeting was routine and expected little change in policy. "
    "Markets were quiet as traders waited for figures due later in the week. "
)


# --- the farm ---------------------------------------------------------------------------------


def feed_url(host_count: int, port: int, number: int) -> str:
    """Where feed ``number`` lives in the farm."""
    return f"http://127.0.0.{2 + number % host_count}:{port}/feed/{number}.xml"


def item(feed: int, index: int) -> str:
    rng = random.Random(feed * 100_003 + index)
    text = FILLER
    if rng.random() < 0.3:
        text = rng.choice(DESCRIPTOR_SENTENCES) + " " + FILLER
    published = format_datetime(START + timedelta(minutes=index))
    return (
        f"<item><guid isPermaLink='false'>farm-{feed}-{index}</guid>"
        f"<title>Item {index} of feed {feed}</title>"
        f"<link>http://farm.example/{feed}/{index}</link><pubDate>{published}</pubDate>"
        f"<description>{escape('<p>' + text + '</p>')}</description></item>"
    )


def document(feed: int, version: int) -> bytes:
    """Feed ``feed`` at ``version``: the latest ITEMS items, newest first."""
    items = "".join(item(feed, i) for i in range(version + ITEMS - 1, version - 1, -1))
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Farm feed {feed}</title><link>http://farm.example/{feed}</link>"
        f"<description>Generated</description>{items}</channel></rss>"
    ).encode()


def serve_farm(host_count: int, ready: int) -> None:
    """Run the farm until killed; writes its port to the file descriptor ``ready``."""
    from aiohttp import web

    versions: dict[int, int] = {}
    cache: dict[tuple[int, int], bytes] = {}

    async def feed(request: web.Request) -> web.StreamResponse:
        number = int(request.match_info["number"])
        if number % 100 == 50:
            return web.Response(status=500, text="server error")
        if number % 100 == 75:
            await asyncio.sleep(3)
        version = versions.get(number, 0)
        etag = f'"{number}-{version}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        body = cache.get((number, version))
        if body is None:
            body = cache[(number, version)] = document(number, version)
        return web.Response(
            body=body, headers={"ETag": etag, "Content-Type": "application/rss+xml"}
        )

    async def bump(request: web.Request) -> web.Response:
        # a tenth of the feeds (the same ones each time) gain an item
        feeds = int(request.query["feeds"])
        for number in range(0, feeds, 10):
            versions[number] = versions.get(number, 0) + 1
        return web.Response(text="ok")

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/feed/{number}.xml", feed)
        app.router.add_post("/bump", bump)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        first = web.TCPSite(runner, "127.0.0.2", 0)
        await first.start()
        port = runner.addresses[0][1]
        for i in range(1, host_count):
            await web.TCPSite(runner, f"127.0.0.{2 + i}", port).start()
        os.write(ready, f"{port}\n".encode())
        os.close(ready)
        await asyncio.Event().wait()

    asyncio.run(main())


# --- the pollers, each in a process of its own ------------------------------------------------


def usage() -> dict[str, float]:
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "cpu": me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime,
        "main_cpu": time.process_time(),
        "rss_mb": me.ru_maxrss / 1024,
        "child_rss_mb": children.ru_maxrss / 1024,
    }


async def poll_ours(
    urls: list[str], store_path: str, at_once: int, processes: int
) -> dict[str, float]:
    from watchers.extraction import default_extractor
    from watchers.fetch import FetchLimits, make_client
    from watchers.reading import InProcesses, InThreads
    from watchers.store import Store
    from watchers.watcher import FeedSpec, Watcher

    class Clock:
        def now(self) -> datetime:
            return datetime.now(UTC)

    feeds = [FeedSpec(f"feed {i}", url) for i, url in enumerate(urls)]
    limits = FetchLimits(polls_at_once=at_once)
    store = Store.open(store_path)
    extractor = default_extractor()
    work = InProcesses(extractor, processes) if processes else InThreads(extractor)
    failed = 0
    async with make_client(limits) as client:
        watcher = Watcher(
            store=store,
            extractor=extractor,
            client=client,
            clock=Clock(),
            is_watched=lambda key: True,
            limits=limits,
            work=work,
        )
        before, started = usage(), time.perf_counter()
        finished = []  # when each feed's result came, from the start of the cycle
        async for result in watcher.poll_each(feeds):
            failed += result.error is not None
            finished.append(time.perf_counter() - started)
        elapsed = time.perf_counter() - started
        main_cpu = time.process_time() - before["main_cpu"]
    work.close()  # its processes' CPU and memory are counted once they have ended
    after = usage()
    entries = store.connection.execute("SELECT COUNT(*) FROM seen_entries").fetchone()[0]
    store.close()
    return {
        "seconds": elapsed,
        "cpu": after["cpu"] - before["cpu"],
        "rss_mb": after["rss_mb"],
        "child_rss_mb": after["child_rss_mb"],
        "failed": failed,
        "entries": entries,
        "main_cpu": main_cpu,
        # the cycle's last hundredth: on a first cycle, the feeds slow to answer reached last
        "most_done": finished[max(0, len(finished) * 99 // 100 - 1)] if finished else 0.0,
    }


def poll_reader(urls: list[str], store_path: str, workers: int) -> dict[str, float]:
    from reader import make_reader

    reader = make_reader(store_path)
    known = {f.url for f in reader.get_feeds()}
    for url in urls:
        if url not in known:
            reader.add_feed(url)
    before, started = usage(), time.perf_counter()
    reader.update_feeds(workers=workers, scheduled=False)
    elapsed = time.perf_counter() - started
    after = usage()
    failed = sum(1 for f in reader.get_feeds() if f.last_exception is not None)
    entries = reader.get_entry_counts().total
    reader.close()
    return {
        "seconds": elapsed,
        "cpu": after["cpu"] - before["cpu"],
        "rss_mb": after["rss_mb"],
        "child_rss_mb": after["child_rss_mb"],
        "failed": failed,
        "entries": entries,
    }


def run_poller(args: argparse.Namespace) -> None:
    urls = [feed_url(args.hosts, args.port, n) for n in range(args.count)]
    if args.poller == "ours":
        result = asyncio.run(poll_ours(urls, args.store, args.at_once, args.processes))
    else:
        result = poll_reader(urls, args.store, args.reader_workers)
    print(json.dumps(result))


# --- workers on PostgreSQL --------------------------------------------------------------------

LONG_AGO = "2000-01-01T00:00:00+00:00"


def _tree_cpu(pid: int) -> float:
    """CPU seconds so far of a running process and of its running descendants (a worker's
    reading processes), Linux."""
    try:
        total = _process_usage(pid)[0]
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += _tree_cpu(int(child))
    except (FileNotFoundError, ProcessLookupError):
        return 0.0  # it ended meanwhile
    return total


def _process_usage(pid: int) -> tuple[float, float]:
    """CPU seconds so far and peak resident MB of a running process (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    status = Path(f"/proc/{pid}/status").read_text()
    peak = next(int(x.split()[1]) for x in status.splitlines() if x.startswith("VmHWM:"))
    return cpu, peak / 1024


class WorkerFarm:
    """``workers`` processes of ``partnership-watch worker`` polling the farm's first ``count``
    feeds through a new PostgreSQL database, as deployed (see README, Deployment)."""

    def __init__(self, count: int, port: int, scratch: Path, args: argparse.Namespace) -> None:
        import psycopg

        self.count = count
        self.admin = args.postgres
        self.database = f"pw_bench_farm_{os.getpid()}"
        with psycopg.connect(self.admin, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {self.database}")
        self.url = self.admin.rsplit("/", 1)[0] + f"/{self.database}"
        self.config = scratch / "workers.toml"
        feeds = "".join(
            f'[[feeds]]\nname = "feed {n}"\nurl = "{feed_url(args.hosts, port, n)}"\n'
            for n in range(count)
        )
        # A day between polls: the benchmark, not the clock, says when the warm cycle starts.
        self.config.write_text(
            f'[defaults]\npoll_interval = "1d"\npolls_at_once = {args.at_once}\n'
            f'reading_processes = {args.processes}\n\n[store]\nurl = "{self.url}"\n\n{feeds}',
            encoding="utf-8",
        )
        self.logs = [scratch / f"worker-{i}.log" for i in range(args.workers)]
        self.concurrency = args.at_once
        self.feeds_per_job = args.feeds_per_job
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        """Start the workers and wait until each says it is ready."""
        command = [
            sys.executable, "-m", "bot", "--config", str(self.config), "worker",
            "--concurrency", str(self.concurrency),
            "--feeds-per-job", str(self.feeds_per_job),
        ]  # fmt: skip
        for log in self.logs:
            with log.open("wb") as out:
                self.processes.append(subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=out))
        deadline = time.monotonic() + 300
        while not all("worker started" in log.read_text(errors="replace") for log in self.logs):
            if time.monotonic() > deadline or any(p.poll() is not None for p in self.processes):
                self.stop()
                sys.exit("workers did not start:\n" + self.output())
            time.sleep(0.1)

    def output(self) -> str:
        return "\n".join(log.read_text(errors="replace")[-3000:] for log in self.logs)

    def cycle(self, phase: str) -> dict[str, float]:
        """One poll of every feed: the first (cold), or every feed made due again (warm)."""
        import psycopg

        before = [_tree_cpu(p.pid) for p in self.processes]
        with psycopg.connect(self.url, autocommit=True) as db:
            server_before = self._server_usage(db)
            if phase == "warm":
                db.execute("UPDATE feed_state SET last_polled_at = %s", (LONG_AGO,))
            since = LONG_AGO
            deadline = time.monotonic() + 3600
            queue: list[tuple[float, int, int]] = []  # (when, jobs waiting, jobs running)
            while True:
                polled, first, failed = db.execute(
                    "SELECT count(*), min(last_polled_at), "
                    "count(*) FILTER (WHERE last_error IS NOT NULL) "
                    "FROM feed_state WHERE last_polled_at > %s",
                    (since,),
                ).fetchone()
                todo, doing = db.execute(
                    "SELECT count(*) FILTER (WHERE status = 'todo'), "
                    "count(*) FILTER (WHERE status = 'doing') FROM procrastinate_jobs "
                    "WHERE task_name IN ('pw.poll', 'pw.poll_batch') "
                    "AND status IN ('todo', 'doing')"
                ).fetchone()
                waiting = todo + doing
                if polled:
                    queue.append((time.time(), todo, doing))
                if polled == self.count and waiting == 0:
                    ended = time.time()
                    break
                if time.monotonic() > deadline or any(p.poll() is not None for p in self.processes):
                    self.stop()
                    sys.exit(f"workers did not finish the {phase} cycle:\n" + self.output())
                time.sleep(0.2)
            entries = db.execute("SELECT count(*) FROM seen_entries").fetchone()[0]
            # when each feed's poll started (a poll notes the time it started), to see
            # whether the polls were spread over the cycle or came in bursts with waits between
            starts = [
                datetime.fromisoformat(at).timestamp() - datetime.fromisoformat(first).timestamp()
                for (at,) in db.execute(
                    "SELECT last_polled_at FROM feed_state WHERE last_polled_at > %s "
                    "ORDER BY last_polled_at",
                    (since,),
                )
            ]
            server = self._server_usage(db, since_cycle=server_before)
        after = [_tree_cpu(p.pid) for p in self.processes]
        begun = datetime.fromisoformat(first).timestamp()
        return {
            "seconds": ended - datetime.fromisoformat(first).timestamp(),
            "cpu": sum(a - b for a, b in zip(after, before, strict=True)),
            "rss_mb": max(_process_usage(p.pid)[1] for p in self.processes),
            "child_rss_mb": 0.0,
            "failed": failed,
            "entries": entries,
            "started": {q: starts[min(len(starts) - 1, len(starts) * q // 100)] for q in (50, 99)},
            "server": server,
            # the poll jobs waiting and running, a quarter, half and three quarters in
            "queue": {
                q: next(
                    ((w, r) for at, w, r in queue if at - begun >= q / 100 * (ended - begun)),
                    (0, 0),
                )
                for q in (25, 50, 75)
            },
        }

    def _server_usage(
        self, db: Any, since_cycle: dict[str, float] | None = None
    ) -> dict[str, float]:
        """PostgreSQL's own work for this database: the CPU seconds of its connections to it
        (the workers' and autovacuum's, read from /proc: the server must run on this
        machine) and of the server's background writers, its transactions, and the time
        its connections spent running statements. With ``since_cycle``, the difference."""
        if since_cycle is not None:
            time.sleep(1.2)  # the server counts a connection's statistics once idle a moment
        rows = db.execute(
            "SELECT pid, datname IS NOT NULL FROM pg_stat_activity "
            "WHERE (datname = current_database() AND pid <> pg_backend_pid()) "
            "OR backend_type IN ('walwriter', 'checkpointer', 'background writer')"
        ).fetchall()
        usage = {"backends": 0.0, "background": 0.0}
        for pid, own in rows:
            try:
                usage["backends" if own else "background"] += _process_usage(pid)[0]
            except (FileNotFoundError, ProcessLookupError, PermissionError):
                continue
        commits, active = db.execute(
            "SELECT xact_commit + xact_rollback, active_time / 1000 FROM pg_stat_database "
            "WHERE datname = current_database()"
        ).fetchone()
        usage.update(transactions=float(commits), active=float(active or 0.0))
        if since_cycle is None:
            return usage
        # a connection that ended meanwhile takes its CPU with it: those that stay are counted
        return {k: max(0.0, v - since_cycle.get(k, 0.0)) for k, v in usage.items()}

    def stop(self) -> None:
        """Stop the workers (SIGTERM, as an operator would) and drop their database."""
        import psycopg

        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes = []
        with psycopg.connect(self.admin, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")


# --- the comparison ---------------------------------------------------------------------------


def poller(kind: str, count: int, port: int, store: Path, args: argparse.Namespace) -> dict:
    command = [
        sys.executable, __file__, "--poller", kind, "--count", str(count), "--port", str(port),
        "--store", str(store), "--hosts", str(args.hosts), "--at-once", str(args.at_once),
        "--reader-workers", str(args.reader_workers), "--processes", str(args.processes),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{kind} poller failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bump(port: int, count: int) -> None:
    import urllib.request

    request = urllib.request.Request(f"http://127.0.0.2:{port}/bump?feeds={count}", method="POST")
    urllib.request.urlopen(request).read()


def line(name: str, phase: str, count: int, r: dict) -> str:
    child = f", children {r['child_rss_mb']:.0f} MB" if r["child_rss_mb"] > 0 else ""
    # where ours waits: its main process's share of the CPU, and how long the last hundredth
    # of the feeds took after the others were done
    stages = ""
    if "main_cpu" in r:
        stages = (
            f"\n{'':15}main process {r['main_cpu'] / count * 1000:.2f} CPU-ms/feed; "
            f"99% of feeds done at {r['most_done']:.1f} s"
        )
    if "started" in r:
        stages = f"\n{'':15}polls started by " + ", ".join(
            f"{at:.1f} s ({q}%)" for q, at in r["started"].items()
        )
    if "server" in r:
        s = r["server"]
        stages += (
            f"\n{'':15}PostgreSQL {s['backends'] / count * 1000:.2f} CPU-ms/feed in its "
            f"connections, {s['background'] / count * 1000:.2f} in its writers; "
            f"{s['transactions'] / count:.1f} transactions/feed, "
            f"{s['active'] / count * 1000:.2f} ms/feed running statements"
        )
        stages += f"\n{'':15}poll jobs waiting/running at " + ", ".join(
            f"{q}%: {w}/{n}" for q, (w, n) in r["queue"].items()
        )
    return (
        f"  {name:<8}{phase:<5} {count / r['seconds']:7.1f} feeds/s  {r['seconds']:6.1f} s  "
        f"{r['cpu'] / count * 1000:6.2f} CPU-ms/feed  peak RSS {r['rss_mb']:.0f} MB{child}  "
        f"{r['failed']} failed, {r['entries']} entries{stages}"
    )


def compare(args: argparse.Namespace) -> None:
    from watchers.fetch import FetchLimits

    read_end, write_end = os.pipe()
    farm = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--hosts", str(args.hosts),
         "--ready", str(write_end)],
        pass_fds=(write_end,),
    )  # fmt: skip
    os.close(write_end)
    try:
        with os.fdopen(read_end) as ready:
            port = int(ready.readline())
        print(
            f"farm: {args.hosts} loopback addresses, port {port}; ours: {args.at_once} polls at "
            f"once ({FetchLimits().fetches_at_once} fetches ahead of them, up to "
            f"{FetchLimits().bytes_ahead / 1e6:g} MB), {args.processes} reading processes; "
            f"reader {_reader_version()}: update_feeds(workers={args.reader_workers})"
        )
        for count in args.feeds:
            with tempfile.TemporaryDirectory() as scratch:
                ours_store = Path(scratch) / "ours.sqlite3"
                reader_store = Path(scratch) / "reader.sqlite3"
                with_workers = args.workers and "workers" in args.pollers
                workers = WorkerFarm(count, port, Path(scratch), args) if with_workers else None
                print(f"N = {count}, load average {_load()}")
                try:
                    for phase in ("cold", "warm"):
                        if phase == "warm":
                            bump(port, count)
                        results = {}
                        farm_cpu = _process_usage(farm.pid)[0]
                        for kind, store in (("ours", ours_store), ("reader", reader_store)):
                            if kind in args.pollers:
                                results[kind] = r = poller(kind, count, port, store, args)
                                print(line(kind, phase, count, r), flush=True)
                        if workers is not None:
                            if phase == "cold":
                                workers.start()
                            results["workers"] = r = workers.cycle(phase)
                            print(line("workers", phase, count, r), flush=True)
                        peer = results.get("reader")
                        for kind in ("ours", "workers"):
                            if kind in results and peer is not None:
                                ours = results[kind]
                                print(
                                    f"  ratio  {phase:<5} {kind}: "
                                    f"{peer['seconds'] / ours['seconds']:.1f}x reader's feeds/s, "
                                    f"{ours['cpu'] / peer['cpu']:.2f}x its CPU"
                                )
                        print(
                            f"  load average {_load()}; the farm's own CPU for the {phase} "
                            f"cycles: {_process_usage(farm.pid)[0] - farm_cpu:.1f} s",
                            flush=True,
                        )
                finally:
                    if workers is not None:
                        workers.stop()
            # the farm keeps its versions per feed number; the next N starts from them too
    finally:
        farm.kill()
        farm.wait()


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _reader_version() -> str:
    try:
        from importlib.metadata import version

        return version("reader")
    except Exception:
        return "(not installed)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--hosts", type=int, default=32)
    parser.add_argument("--at-once", type=int, default=16)
    parser.add_argument("--reader-workers", type=int, default=8)
    parser.add_argument(
        "--processes", type=int, default=1, help="our reading processes (0: threads)"
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="worker processes on PostgreSQL (0: none)"
    )
    parser.add_argument(
        "--feeds-per-job", type=int, default=32, help="the workers' --feeds-per-job"
    )
    parser.add_argument(
        "--pollers",
        nargs="+",
        choices=["ours", "reader", "workers"],
        default=["ours", "reader", "workers"],
        help="which pollers to run (default all; the ratios need reader)",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("PW_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="a database of a server where the workers' database is created and dropped",
    )
    # internal: the farm and the pollers
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--ready", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--poller", choices=["ours", "reader"], help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--store", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_farm(args.hosts, args.ready)
    elif args.poller:
        run_poller(args)
    else:
        compare(args)


if __name__ == "__main__":
    main()
