"""Backfill, history and chart speed: an archive of articles into a fresh store, then a
pair's history and its chart.

    python benchmarks/bench_backfill.py [--articles N] [--seed S]

Writes a JSON Lines archive of N articles spread over four years, each ~4 KB (as
bench_extract.py makes them: filler paragraphs around one sentence that names a pair and a
descriptor, or none), loads it with the real backfill (parse, extract, remember, in time
order, resumable bookkeeping included) into a fresh SQLite store, then builds one pair's
history from the store and draws its chart. Prints articles per second, the time of the
history query and of the PNG, and the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_extract import article  # noqa: E402

from bot.backfill import backfill, read_archive  # noqa: E402
from bot.chart import chart_png  # noqa: E402
from bot.config import load_config  # noqa: E402
from watchers.countries import default_countries  # noqa: E402
from watchers.extraction import default_extractor  # noqa: E402
from watchers.history import pair_story  # noqa: E402
from watchers.model import Pair  # noqa: E402
from watchers.store import Store  # noqa: E402
from watchers.tiers import shipped_lexicon  # noqa: E402

START = datetime(2021, 1, 4, 8, 0, tzinfo=UTC)
WORDS = (
    "strategic partnership",
    "comprehensive strategic partnership",
    "special and privileged strategic partnership",
)


def write_archive(path: Path, count: int, rng: random.Random) -> None:
    """``count`` articles over four years; India–Russia's words climb one tier a year."""
    span = timedelta(days=4 * 365)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            at = START + span * i / count
            words = WORDS[min((at - START).days // 365, len(WORDS) - 1)]
            lead = f"Russia and India reaffirmed their {words} at talks in Moscow."
            filler = article(rng, "")
            text = filler if i % 2 else f"{lead}\n\n{filler}"
            record = {
                "url": f"https://archive.example/{i}",
                "title": f"Roundup {i}",
                "text": text,
                "published": at.isoformat(),
                "feed": "Archive desk",
            }
            out.write(json.dumps(record) + "\n")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        archive = folder / "archive.jsonl"
        write_archive(archive, args.articles, rng)
        config_path = folder / "watchlist.toml"
        config_path.write_text(f'[store]\npath = "{folder / "store.sqlite3"}"\n', "utf-8")
        config = load_config(config_path, default_countries())
        store = Store.open(config.store_path)
        extractor = default_extractor()
        began = time.perf_counter()
        summary = await backfill(config, store, read_archive(archive), extractor=extractor)
        loaded = time.perf_counter() - began
        countries = default_countries()
        india, russia = countries.lookup("India"), countries.lookup("Russia")
        assert india is not None and russia is not None
        pair = Pair.of(india, russia)
        began = time.perf_counter()
        story = pair_story(pair, store.mentions_of(pair.key), shipped_lexicon())
        queried = time.perf_counter() - began
        began = time.perf_counter()
        png = chart_png(story)
        drawn = time.perf_counter() - began
        store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"backfill: {summary.loaded} articles, {summary.mentions} mentions in {loaded:.2f} s")
    each = 1000 * loaded / summary.loaded
    print(f"  {summary.loaded / loaded:,.0f} articles/s ({each:.2f} ms each)")
    print(
        f"history of India–Russia: {len(story.descriptors)} descriptors, "
        f"{len(story.changes)} changes, in {1000 * queried:.1f} ms"
    )
    print(f"chart: {len(png) / 1024:.0f} KB PNG in {1000 * drawn:.0f} ms")
    print(f"peak resident memory: {peak:.0f} MB")


if __name__ == "__main__":
    asyncio.run(main())
