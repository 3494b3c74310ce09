"""Instructions per article of the extractor, counted by valgrind's callgrind.

    python benchmarks/bench_instructions.py [--articles N] [--seed S]

The machine's load moves wall-clock figures by a third from one minute to the next; the
number of instructions an extraction executes does not move with it, so two versions of
the extractor compare on it within a fraction of a percent. Runs this interpreter under
callgrind twice with PYTHONHASHSEED=0: once building the extractor and extracting the seed
article (to warm its caches), once doing the same and then extracting N of the benchmark's
articles (bench_extract.py's, same seed); the difference over N is the cost of one article.
Needs `valgrind` on the PATH.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RUN = """
import random, sys
sys.path[:0] = [{root!r}, {benchmarks!r}]
import bench_extract
from watchers.extraction.extractor import default_extractor
extractor = default_extractor()
seed_text = bench_extract.seed_article()
extractor.extract(seed_text)
rng = random.Random({seed})
for text in [bench_extract.article(rng, seed_text) for _ in range({articles})][:{count}]:
    extractor.extract(text)
"""


def collected(code: str, out_dir: str) -> int:
    """Instructions the interpreter executes running ``code`` under callgrind."""
    out_file = os.path.join(out_dir, "callgrind.out")
    command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}"]
    done = subprocess.run(
        [*command, sys.executable, "-c", code],
        env={**os.environ, "PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit("callgrind printed no count:\n" + done.stderr[-2000:])
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed; it counts the instructions")
    fields = {
        "root": str(ROOT),
        "benchmarks": str(ROOT / "benchmarks"),
        "seed": args.seed,
        "articles": args.articles,
    }
    with tempfile.TemporaryDirectory() as out_dir:
        base = collected(RUN.format(count=0, **fields), out_dir)
        full = collected(RUN.format(count=args.articles, **fields), out_dir)
    print(f"start-up, tables and warm-up: {base / 1e6:,.1f} million instructions")
    per_article = (full - base) / args.articles
    print(f"per article:                  {per_article / 1e6:,.2f} million instructions")


if __name__ == "__main__":
    main()
