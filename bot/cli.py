"""The ``partnership-watch`` command line: where a newcomer starts reading.

    demo            the whole pipeline on bundled sample feeds served on 127.0.0.1
    poll --once     one cycle over the configured feeds
    run             poll on a schedule until Ctrl-C or SIGTERM
    worker          one of any number of processes sharing polling and delivery (PostgreSQL)
    gateway         hold the chat connections for the workers and answer /watch
    status          how each feed and channel stands: last success, failure, what is owed
    extract         print the extractions of a text (or of JSONL records)
    replay DIR      an archive of dated feed snapshots through the pipeline, alerts printed
    history A B     a pair's descriptors over time (text, JSON, CSV, or a PNG chart)
    backfill PATH   an archive of articles or snapshots into the history, alerting nothing
    export, import  the whole state as versioned JSON Lines
    eval            score the extractor against labeled JSONL files
    check-config    validate a config file
    discord sync    register the /watch command with Discord

Exit status: 0 success, 1 the run failed (store unusable, every feed failed), 2 bad config or
usage (a missing input file included).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO

from bot import history_cli
from bot.app import ChatMode, open_app
from bot.config import Config, config_path, load_config
from bot.output import discard_stdout, plural
from bot.platforms.console.printer import ConsolePrinter
from watchers import evaluate
from watchers.countries import default_countries
from watchers.errors import ConfigError, InputError, PartnershipWatchError, Problem
from watchers.extraction import default_extractor
from watchers.model import Extraction
from watchers.ports import Clock, Extractor
from watchers.store import Store
from watchers.tiers import default_path as default_lexicon_path

log = logging.getLogger("partnership-watch")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

FORMATS = ("text", "json", "csv")
# The commands that can print CSV; the others refuse --format csv with a usage error.
CSV_COMMANDS = ("history",)


def _global_options(parser: argparse.ArgumentParser, *, after: bool = False) -> None:
    """--config, --format and -v: before the subcommand, or after it with ``after``."""
    # After the subcommand they land in dests of their own, merged by _merge_globals: a
    # subparser's defaults would otherwise overwrite what was given before the subcommand.
    prefix = "after_" if after else ""
    parser.add_argument(
        "--config",
        dest=f"{prefix}config",
        help="config file (default: $PARTNERSHIP_WATCH_CONFIG, else config/watchlist.toml)",
    )
    parser.add_argument(
        "--format",
        dest=f"{prefix}format",
        choices=FORMATS,
        default=None if after else "text",
        help="how output is printed: text, json, or csv (history only)",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        dest=f"{prefix}verbose",
        action="count",
        default=0,
        help="more log output (-vv for debug)",
    )


def _merge_globals(args: argparse.Namespace) -> argparse.Namespace:
    """The global options given after the subcommand win over those given before it."""
    args.config = args.after_config or args.config
    args.format = args.after_format or args.format
    args.verbose += args.after_verbose
    return args


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(
        prog="partnership-watch",
        description="Watch news feeds for changes in how governments describe their ties.",
    )
    _global_options(parser)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser(
        "demo",
        help="run the pipeline on bundled sample feeds and print the alerts (with its own "
        "bundled config: --config does not apply)",
    )
    poll = commands.add_parser("poll", help="poll the configured feeds")
    poll.add_argument("--once", action="store_true", required=True, help="one cycle, then exit")
    commands.add_parser("run", help="poll on a schedule until Ctrl-C or SIGTERM")
    worker = commands.add_parser(
        "worker", help="share polling and delivery with other workers (needs [store] url)"
    )
    worker.add_argument(
        "--concurrency", type=int, default=4, help="jobs run at once by this worker (default 4)"
    )
    worker.add_argument(
        "--heartbeat",
        type=float,
        default=10.0,
        help="seconds between this worker's heartbeats; a worker silent for three is stalled "
        "and its jobs go to another (default 10)",
    )
    worker.add_argument(
        "--feeds-per-job",
        type=int,
        default=32,
        help="feeds polled by one job at most; fewer when too few are due to fill every "
        "worker's jobs (default 32)",
    )
    commands.add_parser(
        "gateway", help="hold the Discord and Slack connections and answer /watch (for workers)"
    )
    commands.add_parser(
        "status",
        help="per feed: last success, last failure, next poll, counts; per channel: what is "
        "owed and since when",
    )

    extract = commands.add_parser(
        "extract", help="print the relationship descriptors found in a text"
    )
    extract.add_argument(
        "file", nargs="?", default="-", help="a text file, or - for standard input"
    )
    extract.add_argument(
        "--jsonl",
        action="store_true",
        help='read {"id", "text", "date"?} records, write one result per line',
    )

    replay = commands.add_parser(
        "replay",
        help="feed a folder of dated feed snapshots through the pipeline and print the alerts",
    )
    replay.add_argument(
        "dir", help="folder of snapshot folders named by UTC time (see bot/replay.py)"
    )

    evaluation = commands.add_parser(
        "eval",
        help="score the extractor against labeled JSONL files",
        description="Score the extractor against labeled JSONL files: one row per file "
        "plus a total when several are given.",
    )
    evaluation.add_argument(
        "file", nargs="+", help="labeled records, one JSON object per line, or -"
    )
    evaluation.add_argument(
        "--part",
        choices=evaluate.PARTS,
        default="all",
        help="score only one fixed half of each file: a passage goes by the SHA-256 of "
        "'half:' and its first expected pair's sorted ISO codes (AAA-BBB), a negative by "
        "its id; an even first byte is tune, odd is holdout (see docs/extraction.md)",
    )
    evaluation.add_argument("--json", action="store_true", help="print the figures as JSON")
    evaluation.add_argument(
        "--errors", action="store_true", help="list every miss and false alarm with its sentence"
    )

    check = commands.add_parser(
        "check-config", help="validate a config file and list every problem"
    )
    check.add_argument("path", nargs="?", help="the file to check (default: the config in use)")

    discord = commands.add_parser("discord", help="Discord bot tasks")
    discord_tasks = discord.add_subparsers(dest="discord_command", required=True, metavar="TASK")
    sync = discord_tasks.add_parser("sync", help="register the /watch command with Discord")
    sync.add_argument("--guild", type=int, help="only in this server (shows at once)")
    history_cli.add_commands(commands)
    for command in [*commands.choices.values(), sync]:
        if command is not discord:
            _global_options(command, after=True)
    return parser


def _refuse_misplaced_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """A usage error (exit 2) for a global option the command cannot honour."""
    if args.format == "csv" and args.command not in CSV_COMMANDS:
        parser.error(f"argument --format: {args.command} prints text or json; csv is for history")
    if args.command == "demo" and args.config:
        parser.error("argument --config: demo runs on its own bundled config and takes no other")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = _merge_globals(parser.parse_args(argv))
    _refuse_misplaced_options(parser, args)
    quiet = ("demo", "extract", "eval", "check-config", "replay", *history_cli.COMMANDS)
    _setup_logging(args.verbose, quiet=args.command in quiet)
    try:
        return _dispatch(args)
    except ConfigError as e:
        _print_problems(e)
        return EXIT_USAGE
    except InputError as e:
        print(f"partnership-watch: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        discard_stdout()
        return EXIT_OK
    except PartnershipWatchError as e:
        print(f"partnership-watch: error: {e}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_FAILED


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "demo":
        from bot.demo import run_demo

        return asyncio.run(run_demo(sys.stdout, args.format))
    if args.command == "extract":
        return _extract(args.file, jsonl=args.jsonl, fmt=args.format)
    if args.command == "eval":
        return _eval(args.file, as_json=args.json, errors=args.errors, part=args.part)
    if args.command == "check-config":
        config = load_config(config_path(args.path or args.config), default_countries())
        refuse_nothing_to_watch(config)
        print(
            f"{config.path}: ok ({plural(len(config.feeds), 'feed')}, "
            f"{plural(len(config.pairs), 'pair')}, "
            f"{plural(len(config.subscriptions), 'subscription')})"
        )
        lexicon = config.lexicon_path or default_lexicon_path()
        print(f"{lexicon}: ok ({plural(len(config.lexicon.ladders), 'ladder')})")
        return EXIT_OK
    if args.command == "replay":
        return asyncio.run(_replay(Path(args.dir), args.config, args.format))
    config = load_config(config_path(args.config), default_countries())
    if args.command == "status":
        return _status(config, args.format)
    if args.command in ("poll", "run"):
        refuse_nothing_to_watch(config)
    if args.command == "poll":
        return asyncio.run(poll_once(config, sys.stdout, args.format))
    if args.command == "run":
        return asyncio.run(_run(config, sys.stdout, args.format))
    if args.command in ("worker", "gateway"):
        from bot.distributed import run_gateway, run_worker

        if args.command == "gateway":
            asyncio.run(run_gateway(config))
        else:
            asyncio.run(
                run_worker(
                    config,
                    concurrency=max(1, args.concurrency),
                    heartbeat=args.heartbeat,
                    feeds_per_job=max(1, args.feeds_per_job),
                )
            )
        return EXIT_OK
    if args.command in history_cli.COMMANDS:
        return history_cli.run(args, config)
    if args.command == "discord":
        from bot.platforms.discord.client import sync_from_cli

        return asyncio.run(sync_from_cli(config.discord.api_base, args.guild, sys.stdout))
    raise AssertionError(f"unhandled command {args.command}")


def _status(config: Config, fmt: str) -> int:
    """Print how the feeds and channels stand (read from the store, while ``run`` runs too)."""
    from bot.status import format_status, read_status, status_json

    if config.store_url is None and not config.store_path.exists():
        print(f"no store at {config.store_path} yet: nothing has been polled")
        return EXIT_OK
    store = Store.open(config.store_location)
    try:
        status = read_status(store.connection, config.feeds)
    finally:
        store.close()
    if fmt == "json":
        print(json.dumps(status_json(status), ensure_ascii=False))
    else:
        print(format_status(status, datetime.now(UTC)))
    return EXIT_OK


def refuse_nothing_to_watch(config: Config) -> None:
    """ConfigError for a config with no feeds: an empty file, or one a bad edit emptied,
    would otherwise poll nothing and say nothing (and create a store where it runs)."""
    if not config.feeds:
        raise ConfigError(
            [
                Problem(
                    str(config.path),
                    "feeds",
                    "no [[feeds]]: there is nothing to watch; add at least one [[feeds]] "
                    "with a name and a url (config/watchlist.toml shows every key)",
                )
            ]
        )


async def poll_once(
    config: Config,
    out: TextIO,
    fmt: str,
    extractor: Extractor | None = None,
    clock: Clock | None = None,
) -> int:
    """One cycle over the configured feeds, alerts printed to ``out``."""
    async with open_app(
        config,
        extractor=extractor or default_extractor(),
        console=ConsolePrinter(out, fmt),
        chat=ChatMode.SEND,
        clock=clock,
    ) as app:
        await app.send_owed()
        results = await app.poll_once()
        not_started = dict(app.chat.not_started) if app.chat else {}
    failed = [r for r in results if r.error]
    changes = sum(len(r.changes) for r in results)
    # A healthy poll is news to nobody (cron mails what is logged at WARNING); the feeds
    # that failed were each logged at WARNING already.
    log.log(
        logging.WARNING if failed else logging.INFO,
        "polled %s: %d ok, %d failed; %s",
        plural(len(results), "feed"),
        len(results) - len(failed),
        len(failed),
        plural(changes, "alert"),
    )
    # The feeds were polled and the other platforms served; a platform that did not start
    # keeps its alerts owed, and the exit status says it, as for a bad config or a failure.
    for error in not_started.values():
        if isinstance(error, ConfigError):
            _print_problems(error)
        else:
            print(f"partnership-watch: error: {error}", file=sys.stderr)
    if any(isinstance(e, ConfigError) for e in not_started.values()):
        return EXIT_USAGE
    if not_started or (results and len(failed) == len(results)):
        return EXIT_FAILED
    return EXIT_OK


async def _run(config: Config, out: TextIO, fmt: str) -> int:
    async with open_app(
        config,
        extractor=default_extractor(),
        console=ConsolePrinter(out, fmt),
        chat=ChatMode.SERVE,
    ) as app:
        await app.run_forever()
    return EXIT_OK


async def _replay(directory: Path, cli_config: str | None, fmt: str) -> int:
    """Replay an archive; its own ``watchlist.toml`` is the config unless --config is given."""
    from bot.replay import print_event, replay

    own = directory / "watchlist.toml"
    path = config_path(cli_config) if cli_config or not own.is_file() else own
    config = load_config(path, default_countries())
    result = await replay(
        config,
        directory,
        extractor=default_extractor(),
        emit=print_event(sys.stdout, fmt),
        rules=config.alerts,
        lexicon=config.lexicon,
    )
    for error in result.errors:
        log.warning("%s", error)
    log.info(
        "replayed %s: %s", plural(result.snapshots, "snapshot"), plural(len(result.alerts), "alert")
    )
    return EXIT_FAILED if result.errors and len(result.errors) == result.snapshots else EXIT_OK


def extraction_to_json(x: Extraction) -> dict[str, Any]:
    """One extraction as ``extract --jsonl`` writes it."""
    return {
        "pair": list(x.pair.codes),
        "countries": [x.pair.first.name, x.pair.second.name],
        "descriptor": x.descriptor,
        "sentence": x.sentence,
        "speaker": x.speaker,
    }


def _extract(file: str, *, jsonl: bool, fmt: str) -> int:
    extractor = default_extractor()
    with _open_input(file) as stream:
        if jsonl:
            for number, line in enumerate(stream, start=1):
                if line.strip():
                    print(json.dumps(extract_record(extractor, line, number), ensure_ascii=False))
            return EXIT_OK
        text = stream.read()
    for x in extractor.extract(text):
        if fmt == "json":
            # machine output holds the pair's words only: a hypothetical is nobody's
            if not x.hypothetical:
                print(json.dumps(extraction_to_json(x), ensure_ascii=False))
        else:
            supposed = " (hypothetical: not the pair's words)" if x.hypothetical else ""
            print(f'{x.pair.label}: "{x.descriptor}"{supposed}\n    {x.sentence}')
    return EXIT_OK


def extract_record(extractor: Extractor, line: str, number: int) -> dict[str, Any]:
    """The output record for one JSONL input line; a bad line gets an ``error``, never a crash."""
    try:
        record = json.loads(line)
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise ValueError('expected an object with a "text" string')
        on = date.fromisoformat(record["date"]) if record.get("date") else None
    except (ValueError, TypeError) as e:
        log.warning("line %d: %s", number, e)
        record_id = None
        try:
            parsed = json.loads(line)
            record_id = parsed.get("id") if isinstance(parsed, dict) else None
        except ValueError:
            pass
        return {"id": record_id, "extractions": [], "error": f"line {number}: {e}"}
    extractions = extractor.extract(record["text"], on=on)
    words = [extraction_to_json(x) for x in extractions if not x.hypothetical]
    return {"id": record.get("id"), "extractions": words}


def _eval(files: Sequence[str], *, as_json: bool, errors: bool, part: str = "all") -> int:
    """Score the extractor on labeled records, as watchers.evaluate defines the figures."""
    extractor, countries = default_extractor(), default_countries()
    results: list[tuple[str, evaluate.Evaluation]] = []
    everything: list[evaluate.Record] = []
    predictions: dict[str, list[evaluate.Predicted]] = {}
    for file in files:
        records = evaluate.select_part(_read_records(file), part, countries)
        predicted = evaluate.predict(extractor, records)
        results.append((file, evaluate.score(records, predicted, countries)))
        # ids are only unique within a file: the total keys them by file too
        for r in records:
            key = f"{file}:{r.id}"
            everything.append(evaluate.Record(key, r.text, r.expected, r.date, r.kind))
            predictions[key] = predicted[r.id]
    if len(results) == 1:
        _print_evaluation(results[0][1], as_json=as_json, errors=errors)
        return EXIT_OK
    total = evaluate.score(everything, predictions, countries)
    if as_json:
        print(
            json.dumps(
                {
                    "files": [
                        {"file": name, **_evaluation_json(result, errors)}
                        for name, result in results
                    ],
                    "total": total.report.as_dict(),
                },
                ensure_ascii=False,
            )
        )
        return EXIT_OK
    rows = [(name, result.report) for name, result in results] + [("total", total.report)]
    print(evaluate.format_table(rows))
    if errors:
        for name, result in results:
            if result.errors:
                print(f"\n== {name}")
                print(evaluate.format_errors(result.errors))
    return EXIT_OK


def _read_records(file: str) -> list[evaluate.Record]:
    if file == "-":
        return evaluate.parse_records(sys.stdin)
    try:
        return evaluate.load_records(Path(file))
    except OSError as e:
        raise InputError(f"cannot read {file}: {e.strerror}") from e


def _evaluation_json(result: evaluate.Evaluation, errors: bool) -> dict[str, Any]:
    figures = result.report.as_dict()
    if errors:
        figures["errors"] = [
            {
                "id": e.record_id,
                "kind": e.kind,
                "pair": list(e.pair),
                "descriptor": e.descriptor,
                "sentence": e.sentence,
            }
            for e in result.errors
        ]
    return figures


def _print_evaluation(result: evaluate.Evaluation, *, as_json: bool, errors: bool) -> None:
    if as_json:
        print(json.dumps(_evaluation_json(result, errors), ensure_ascii=False))
        return
    print(evaluate.format_report(result.report))
    if errors and result.errors:
        print()
        print(evaluate.format_errors(result.errors))


def _open_input(file: str) -> TextIO:
    if file == "-":
        # a wrapper that leaves stdin open when the caller's `with` ends
        return open(sys.stdin.fileno(), encoding="utf-8", closefd=False)
    try:
        return Path(file).open(encoding="utf-8")
    except OSError as e:
        raise InputError(f"cannot read {file}: {e.strerror}") from e


def _print_problems(error: ConfigError) -> None:
    # Not only the config: a data file, an argument or the store may be what is wrong, and
    # each problem line names which.
    print(f"partnership-watch: {plural(len(error.problems), 'problem')}:", file=sys.stderr)
    for problem in error.problems:
        print(f"  {problem}", file=sys.stderr)


def _setup_logging(verbose: int, *, quiet: bool) -> None:
    level = (
        logging.DEBUG if verbose > 1 else logging.INFO if verbose or not quiet else logging.WARNING
    )
    # force: each call (one per process, or per test) logs to the current stderr
    logging.basicConfig(
        level=level,
        format="partnership-watch: %(levelname)s: %(message)s",
        stream=sys.stderr,
        force=True,
    )
    # httpx logs every request at INFO; keep it for -vv
    logging.getLogger("httpx").setLevel(logging.DEBUG if verbose > 1 else logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.INFO if verbose else logging.WARNING)
