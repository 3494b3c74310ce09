"""Extraction speed and memory on realistic ~4 KB news articles.

    python benchmarks/bench_extract.py [--articles N] [--seed S] [--repeat R]

Prints: the time to load the tables and build the extractor; articles per second on one
core; the same for the articles typeset with curly quotes (text that is not plain ASCII
takes other paths in Python's string functions); the time of one compiled-regex keyword
scan over the same texts (every country form and head noun the extractor looks for, as one
alternation) and the ratio between the two; peak memory of the extraction run. The
articles mix the seed article with sentences generated from our own templates, so most
sentences name states and only some carry a descriptor, as in a news feed. Each time is
the fastest of R passes over all the texts (3 by default), so that other work on the
machine does not skew one side of a ratio.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.demo import seed_article  # noqa: E402
from watchers.countries import CountryTable  # noqa: E402
from watchers.extraction.extractor import Extractor  # noqa: E402
from watchers.extraction.lexicon import load_vocabulary  # noqa: E402
from watchers.paths import config_dir  # noqa: E402

STATES = [
    "India",
    "Russia",
    "China",
    "the United States",
    "Japan",
    "Vietnam",
    "France",
    "Germany",
    "Brazil",
    "Indonesia",
    "Pakistan",
    "Saudi Arabia",
    "Turkey",
    "Egypt",
    "Australia",
    "South Korea",
    "the Philippines",
    "Kenya",
    "Nigeria",
    "Mexico",
    "Canada",
    "Iran",
]
DEMONYMS = ["Indian", "Russian", "Chinese", "American", "Japanese", "French", "German"]
FILLER = [
    "{a} and {b} held talks in the capital on {day}, officials said.",
    "The {d} delegation arrived late on {day} after a delay at the airport.",
    "Markets in {a} rose after the central bank kept interest rates unchanged.",
    "Analysts said the visit could shape regional trade flows for years.",
    "The minister of {a} is expected to travel to {b} next month for a summit.",
    "Officials in {a} declined to comment on the reports.",
    "Exports from {a} to {b} grew by {n} percent last year, according to customs data.",
    "The {d} foreign ministry said the talks covered energy, trade and security.",
    "A joint statement is expected at the end of the two-day meeting in {a}.",
    "Protesters gathered outside the embassy of {a} in {b} on {day}.",
    "The talks followed a phone call between the leaders of {a} and {b} in {month}.",
    "Both sides signed {n} agreements on agriculture, health and education.",
    "The {d} economy grew faster than expected in the third quarter.",
    "Weather forecasters warned of heavy rain across parts of {a} this week.",
    "The agreement still needs approval from parliament in {a}.",
    "Critics in {b} said the deal favoured large companies over farmers.",
]
DESCRIPTIVE = [
    "{a} and {b} agreed to deepen their comprehensive strategic partnership.",
    "The {d} side praised the time-tested friendship with {b}.",
    "Relations between {a} and {b} are at an unprecedented level, the envoy said.",
    "{a} values its special and privileged strategic partnership with {b}.",
    "The two countries have close ties that go back decades.",
    "{a} is not an ally of {b}, the spokesperson stressed.",
    "{a} remains the largest trading partner of {b}.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONTHS = ["January", "March", "May", "July", "September", "November"]


def article(rng: random.Random, seed_text: str, size: int = 4096) -> str:
    """One ~4 KB article: a headline, filler news and a few descriptor sentences."""
    parts: list[str] = []
    if rng.random() < 0.2:
        parts.append(seed_text)
    length = sum(len(p) for p in parts)
    while length < size:
        pool = DESCRIPTIVE if rng.random() < 0.12 else FILLER
        a, b = rng.sample(STATES, 2)
        sentence = rng.choice(pool).format(
            a=a,
            b=b,
            d=rng.choice(DEMONYMS),
            day=rng.choice(DAYS),
            month=rng.choice(MONTHS),
            n=rng.randint(2, 40),
        )
        sentence = sentence[0].upper() + sentence[1:]
        parts.append(sentence + ("\n\n" if rng.random() < 0.25 else " "))
        length += len(parts[-1])
    return "".join(parts)[: size + 200]


def typographic(text: str) -> str:
    """``text`` with curly quotes and apostrophes and one accented word, as sites print it."""
    text = text.replace(' "', " \u201c").replace('"', "\u201d").replace("'", "\u2019")
    return text.replace("the capital", "the capital, Bras\u00edlia,", 1)


def keyword_regex(words: set[str]) -> re.Pattern[str]:
    """One alternation of lower-case keywords, longest first, run over lower-cased text."""
    body = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"\b(?:{body})\b")


def scan_time(pattern: re.Pattern[str], texts: list[str], repeat: int) -> tuple[float, int]:
    """Seconds for one scan of every text (lower-cased first), and the number of hits."""
    best, hits = float("inf"), 0
    for _ in range(repeat):
        started = time.perf_counter()
        hits = 0
        for t in texts:
            hits += len(pattern.findall(t.lower()))
        best = min(best, time.perf_counter() - started)
    return best, hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    started = time.perf_counter()
    table = CountryTable.load(config_dir())
    lexicon = load_vocabulary(config_dir())
    extractor = Extractor(table, lexicon)
    load_s = time.perf_counter() - started

    rng = random.Random(args.seed)
    seed_text = seed_article()
    texts = [article(rng, seed_text) for _ in range(args.articles)]
    mean_kb = sum(len(t.encode("utf-8")) for t in texts) / len(texts) / 1024

    extractor.extract(texts[0])  # warm up caches
    extract_s, cpu_s, found = float("inf"), float("inf"), 0
    for _ in range(max(1, args.repeat)):
        started, cpu_started = time.perf_counter(), time.process_time()
        found = 0
        for t in texts:
            found += len(extractor.extract(t))
        extract_s = min(extract_s, time.perf_counter() - started)
        # CPU time too: on a shared machine the wall clock counts other processes' turns
        cpu_s = min(cpu_s, time.process_time() - cpu_started)

    # The same articles as news sites print them, with typographic quotes and an accent:
    # text that is not plain ASCII takes other paths in Python's string functions.
    typeset = [typographic(t) for t in texts]
    typeset_s = float("inf")
    for _ in range(max(1, args.repeat)):
        cpu_started = time.process_time()
        for t in typeset:
            extractor.extract(t)
        typeset_s = min(typeset_s, time.process_time() - cpu_started)

    # The regex baseline: find the same keywords the extractor looks for (every country
    # form and head noun), and, as a much cheaper floor, the head nouns alone.
    every = {f.text.lower() for f in table.surface_forms()} | set(lexicon.heads)
    repeat = max(1, args.repeat)
    regex_s, hits = scan_time(keyword_regex(every), texts, repeat)
    heads_s, head_hits = scan_time(keyword_regex(set(lexicon.heads)), texts, repeat)

    tracemalloc.start()
    for t in texts[:200]:
        extractor.extract(t)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    max_rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    print(f"articles:              {len(texts)} (mean {mean_kb:.1f} KB), {found} findings")
    print(f"table load + build:    {load_s * 1000:.0f} ms")
    print(
        f"extraction:            {len(texts) / extract_s:,.0f} articles/s on one core "
        f"({extract_s / len(texts) * 1000:.3f} ms each)"
    )
    print(
        f"extraction, CPU time:  {len(texts) / cpu_s:,.0f} articles per CPU second "
        f"({cpu_s / len(texts) * 1000:.3f} ms each)"
    )
    print(
        f"typographic quotes:    {len(typeset) / typeset_s:,.0f} articles per CPU second "
        f"({typeset_s / len(typeset) * 1000:.3f} ms each, same articles, not plain ASCII)"
    )
    print(
        f"regex scan, all words: {len(texts) / regex_s:,.0f} articles/s "
        f"({regex_s / len(texts) * 1000:.3f} ms each, {len(every)} keywords, {hits} hits)"
    )
    print(f"extraction / regex:    {extract_s / regex_s:.2f}x")
    print(
        f"regex scan, heads only:{len(texts) / heads_s:,.0f} articles/s "
        f"({heads_s / len(texts) * 1000:.3f} ms each, {len(lexicon.heads)} keywords, "
        f"{head_hits} hits)"
    )
    print(f"extraction / heads:    {extract_s / heads_s:.2f}x")
    print(f"peak traced memory:    {peak / 1024 / 1024:.1f} MB during extraction")
    print(f"max resident set size: {max_rss_kb / 1024:.0f} MB for the whole process")
    for size in (100_000, 1_000_000):
        print(
            f"run-on text {size // 1000:>5} KB:  {run_on_seconds(extractor, size):.2f} s of CPU "
            "(no sentence end; cost grows with the length only)"
        )


def run_on_seconds(extractor: Extractor, size: int) -> float:
    """CPU seconds to extract from one text of ``size`` characters with no sentence end."""
    unit = "China and Russia hailed their strategic partnership, and Japan's alliance with India "
    text = (unit * (size // len(unit) + 1))[:size]
    started = time.process_time()
    extractor.extract(text)
    return time.process_time() - started


if __name__ == "__main__":
    main()
