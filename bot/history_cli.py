"""``partnership-watch history``, ``backfill``, ``export`` and ``import``: a pair's story and
the store's whole state, from the command line.

The deciding and formatting live in ``watchers.history``, ``bot.chart``, ``bot.backfill``
and ``bot.state``; this module only reads arguments, opens the store and prints.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot.config import Config
from bot.output import discard_stdout, plural
from bot.store_lock import writing_alone
from watchers.countries import default_countries
from watchers.db import redact
from watchers.errors import ChartError, ConfigError, HistoryError, InputError, Problem
from watchers.history import FlipFlop, PairStory, pair_story, story_csv, story_json_text, story_text
from watchers.model import Pair
from watchers.ports import CountryLookup
from watchers.store import Store

if TYPE_CHECKING:
    from bot.backfill import Item

log = logging.getLogger(__name__)

COMMANDS = ("history", "backfill", "export", "import")


def add_commands(commands: Any) -> None:
    """Add the history subcommands to the CLI's subparsers."""
    history = commands.add_parser(
        "history", help="print a pair's descriptors over time, as text, JSON, CSV or a chart"
    )
    history.add_argument("countries", nargs=2, metavar="COUNTRY", help="the two countries")
    history.add_argument("--since", help="only from this date on (YYYY-MM-DD)")
    history.add_argument("--chart", metavar="FILE.png", help="also draw the timeline as a PNG")

    backfill = commands.add_parser(
        "backfill",
        help="load an archive (JSONL of articles, or a folder of snapshots) into the history, "
        "alerting nothing",
    )
    backfill.add_argument("path", help="a JSONL file of articles, or a replay folder")
    backfill.add_argument("--no-progress", action="store_true", help="no progress bar")

    export = commands.add_parser(
        "export", help="write the whole state (history, subscriptions, settings) as JSON Lines"
    )
    export.add_argument("file", nargs="?", default="-", help="where to write (default: stdout)")
    load = commands.add_parser("import", help="read an export into an empty store")
    load.add_argument("file", help="a file written by export, or - for standard input")


def parse_since(value: str | None) -> datetime | None:
    """A ``--since`` date (or date and time) as an aware UTC datetime; ConfigError if bad."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as e:
        raise ConfigError([Problem("--since", value, "is not a date like 2024-01-31")]) from e
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def pair_named(countries: CountryLookup, first: str, second: str) -> Pair:
    """The pair two country names stand for; ConfigError naming what is unknown."""
    found = []
    problems = []
    for name in (first, second):
        country = countries.lookup(name)
        if country is None:
            close = ", ".join(c.name for c in countries.suggest(name, 3))
            hint = f" (did you mean {close}?)" if close else ""
            problems.append(Problem("country", name, f"is not a country we know{hint}"))
        else:
            found.append(country)
    if problems:
        raise ConfigError(problems)
    if found[0].code == found[1].code:
        raise ConfigError([Problem("country", first, "a pair needs two different countries")])
    return Pair.of(found[0], found[1])


def load_story(store: Store, config: Config, pair: Pair, since: datetime | None) -> PairStory:
    """The pair's story from the store, ranked by the config's lexicon."""
    lexicon = config.lexicon
    rules = config.alerts
    flipflop = FlipFlop(rules.flipflop_descriptors, rules.flipflop_days)
    return pair_story(pair, store.mentions_of(pair.key), lexicon, since=since, flipflop=flipflop)


def run(args: argparse.Namespace, config: Config, out: TextIO | None = None) -> int:
    """Run one of this module's subcommands; returns the exit status."""
    out = out or sys.stdout
    if args.command == "history":
        return print_history(config, args, out)
    if args.command == "backfill":
        try:
            return asyncio.run(
                run_backfill(config, Path(args.path), out, progress=not args.no_progress)
            )
        except KeyboardInterrupt:
            # The article being loaded was rolled back with its done-mark; the rest is kept.
            print(
                "partnership-watch: backfill interrupted; run the same command again to go on "
                "from where it stopped",
                file=sys.stderr,
            )
            return 1
    if args.command == "export":
        return export_state(config, args.file, out)
    if args.command == "import":
        return import_state(config, args.file, out)
    raise AssertionError(f"unhandled command {args.command}")


def print_history(config: Config, args: argparse.Namespace, out: TextIO) -> int:
    """Print a pair's story, and draw its chart when asked."""
    pair = pair_named(default_countries(), *args.countries)
    since = parse_since(args.since)
    fmt = args.format or "text"
    if config.store_url is None and not config.store_path.exists():
        raise HistoryError(f"no store at {config.store_path}: poll or backfill first")
    store = Store.open(config.store_location)
    try:
        story = load_story(store, config, pair, since)
    finally:
        store.close()
    if fmt == "json":
        out.write(story_json_text(story) + "\n")
    elif fmt == "csv":
        out.write(story_csv(story))
    else:
        out.write(story_text(story) + "\n")
    if args.chart:
        from bot.chart import save_chart

        try:
            save_chart(story, Path(args.chart))
        except ChartError as e:
            raise HistoryError(str(e)) from e
        log.info("chart written to %s", args.chart)
    return 0


async def run_backfill(config: Config, path: Path, out: TextIO, *, progress: bool) -> int:
    """Load an archive into the store, with a progress bar on the terminal, then a summary."""
    from bot.backfill import backfill as load
    from bot.backfill import read_archive
    from watchers.extraction import default_extractor

    archive = read_archive(path)
    with writing_alone(config.store_location):
        store = Store.open(config.store_location)
        try:
            with RichProgress(enabled=progress) as bar:
                summary = await load(
                    config,
                    store,
                    archive,
                    extractor=default_extractor(),
                    lexicon=config.lexicon,
                    progress=bar,
                )
        finally:
            store.close()
    out.write("\n".join(summary.lines()) + "\n")
    return 1 if summary.failed and not summary.loaded else 0


def export_state(config: Config, file: str, out: TextIO) -> int:
    """Write the whole state to ``file`` (or ``out`` for -)."""
    from bot.state import export_lines, open_state

    if config.store_url is None and not config.store_path.exists():
        raise HistoryError(f"no store at {config.store_path}: nothing to export")
    store = open_state(config.store_location)
    try:
        lines = export_lines(store, datetime.now(UTC))
        if file == "-":
            try:
                for line in lines:
                    out.write(line + "\n")
                out.flush()
            except BrokenPipeError:
                discard_stdout()
        else:
            try:
                with Path(file).open("w", encoding="utf-8") as target:
                    count = sum(target.write(line + "\n") > 0 for line in lines) - 1
            except OSError as e:
                raise HistoryError(f"cannot write {file}: {e.strerror}") from e
            out.write(f"exported {plural(count, 'row')} to {file}\n")
    finally:
        store.close()
    return 0


def import_state(config: Config, file: str, out: TextIO) -> int:
    """Read an export into the (empty) store the config names."""
    from bot.state import import_lines, open_state

    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read {file}: {e}") from e
    with writing_alone(config.store_location):
        store = open_state(config.store_location)
        try:
            counts = import_lines(store, text.splitlines(), source=file)
        finally:
            store.close()
    # rows per section: a section is a kind of state ("history"), not a thing to count
    parts = ", ".join(f"{section} {n}" for section, n in counts.items())
    total = plural(sum(counts.values()), "row")
    where = redact(config.store_location)
    summary = f"{total} ({parts})" if parts else "nothing"
    out.write(f"imported into {where}: {summary}\n")
    return 0


class RichProgress:
    """A backfill's progress as a bar on standard error (rich), or nothing."""

    def __init__(self, *, enabled: bool) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        self._bar = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            disable=not enabled,
        )
        self._task: Any = None

    def __enter__(self) -> RichProgress:
        self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()

    def start(self, total: int) -> None:
        """Show a bar of ``total`` items."""
        self._task = self._bar.add_task("backfill", total=total)

    def step(self, item: Item) -> None:
        """One more item done; the bar names the date it reached."""
        self._bar.update(self._task, advance=1, description=f"backfill {item.at:%Y-%m-%d}")
