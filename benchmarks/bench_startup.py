"""How long the program takes to load before a poll with no chat platform, and what it loads.

    python benchmarks/bench_startup.py [--runs N]

Starts a fresh interpreter N times (default 3) that imports the composition root
(``bot.app``, what ``poll --once`` loads before its first fetch) and prints the fastest
wall time, the peak resident memory of that interpreter, and which chat libraries it
loaded: none, since a platform is imported only when the config or the environment asks
for it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIBRARIES = ("discord", "slack_bolt", "slack_sdk", "aiohttp")

PROBE = f"""
import json, resource, sys
import bot.app
print(json.dumps({{
    "loaded": [m for m in {LIBRARIES!r} if m in sys.modules],
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}}))
"""


def main() -> None:
    """Run the probe in fresh interpreters and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    best, report = float("inf"), {}
    for _ in range(args.runs):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
        )
        best = min(best, time.perf_counter() - start)
        report = json.loads(done.stdout)
    loaded = ", ".join(report["loaded"]) or "none"
    print(f"import bot.app: {best:.2f} s (fastest of {args.runs}), {report['rss_mb']:.0f} MB")
    print(f"chat libraries loaded: {loaded}")


if __name__ == "__main__":
    main()
