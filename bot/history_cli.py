"""``partnership-watch history``, ``backfill``, ``export`` and ``import``: a pair's story and
the store's whole state, from the command line.

The deciding and formatting live in ``watchers.history``, ``bot.chart``, ``bot.backfill``
and ``bot.state``; this module only reads arguments, opens the store and prints.
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from bot.config import Config
from watchers.countries import default_countries
from watchers.errors import ConfigError, PartnershipWatchError, Problem
from watchers.history import PairStory, pair_story, story_csv, story_json_text, story_text
from watchers.model import Pair
from watchers.ports import CountryLookup
from watchers.store import Store
from watchers.tiers import load_lexicon

log = logging.getLogger(__name__)

COMMANDS = ("history",)


def add_commands(commands: Any) -> None:
    """Add the history subcommands to the CLI's subparsers."""
    history = commands.add_parser(
        "history", help="print a pair's descriptors over time, as text, JSON, CSV or a chart"
    )
    history.add_argument("countries", nargs=2, metavar="COUNTRY", help="the two countries")
    history.add_argument("--since", help="only from this date on (YYYY-MM-DD)")
    history.add_argument(
        "--format", dest="history_format", choices=("text", "json", "csv"), help="output form"
    )
    history.add_argument("--chart", metavar="FILE.png", help="also draw the timeline as a PNG")


def parse_since(value: str | None) -> datetime | None:
    """A ``--since`` date (or date and time) as an aware UTC datetime; ConfigError if bad."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as e:
        raise ConfigError([Problem("--since", value, "is not a date like 2024-01-31")]) from e
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def resolve_pair(countries: CountryLookup, first: str, second: str) -> Pair:
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
    lexicon = load_lexicon(config.lexicon_path)
    return pair_story(pair, store.mentions_of(pair.key), lexicon, since=since)


def run(args: argparse.Namespace, config: Config, out: TextIO | None = None) -> int:
    """Run one of this module's subcommands; returns the exit status."""
    out = out or sys.stdout
    if args.command == "history":
        return history(config, args, out)
    raise AssertionError(f"unhandled command {args.command}")


def history(config: Config, args: argparse.Namespace, out: TextIO) -> int:
    """Print a pair's story, and draw its chart when asked."""
    pair = resolve_pair(default_countries(), *args.countries)
    since = parse_since(args.since)
    fmt = args.history_format or (args.format if args.format in ("text", "json") else "text")
    if not config.store_path.exists():
        raise HistoryError(f"no store at {config.store_path}: poll or backfill first")
    store = Store.open(config.store_path)
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
        from bot.chart import ChartError, save_chart

        try:
            save_chart(story, Path(args.chart))
        except ChartError as e:
            raise HistoryError(str(e)) from e
        log.info("chart written to %s", args.chart)
    return 0


class HistoryError(PartnershipWatchError):
    """A history, backfill, export or import cannot be done as asked."""
