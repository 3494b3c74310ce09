"""Golden files: one sentence or passage per construction and trap, each stating what an
analyst expects from it.

File format: ``# <what it checks>`` (on one line or several), optionally ``# date:
YYYY-MM-DD`` (the entry's date, for leaders' terms), then ``# expect: PAIR | descriptor``
lines (``| speaker=XXX`` to check the speaker too, ``| speaker=none`` for none,
``| hypothetical`` for words the sentence only supposes) or ``# expect: nothing``, then the
text.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from watchers.extraction import canonical, default_extractor

GOLDEN = Path(__file__).parent / "golden" / "extraction"
FILES = sorted(GOLDEN.glob("*.txt"))


def parse(
    path: Path,
) -> tuple[str, date | None, set[tuple[str, str, bool]], dict[str, str | None], str]:
    what, when = "", None
    expected: set[tuple[str, str, bool]] = set()
    speakers: dict[str, str | None] = {}
    body: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# date:"):
            when = date.fromisoformat(line.split(":", 1)[1].strip())
        elif line.startswith("# expect:"):
            value = line.split(":", 1)[1].strip()
            if value == "nothing":
                continue
            pair, descriptor, *extra = (v.strip() for v in value.split("|"))
            supposed = "hypothetical" in extra
            expected.add((pair, canonical(descriptor), supposed))
            for e in extra:
                if e == "hypothetical":
                    continue
                said_by = e.removeprefix("speaker=")
                speakers[canonical(descriptor)] = None if said_by == "none" else said_by
        elif line.startswith("#") and not body:
            # the description may run over several lines, all before the text
            what = f"{what} {line[1:].strip()}".strip()
        else:
            body.append(line)
    return what, when, expected, speakers, "\n".join(body)


def test_there_is_a_golden_file_per_construction_and_trap() -> None:
    names = {f.stem for f in FILES}
    assert len(names) >= 50
    for required in ("trap-georgia-us-state", "trap-congo", "trap-korea", "distributive"):
        assert required in names


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_golden(path: Path) -> None:
    what, when, expected, speakers, text = parse(path)
    found = default_extractor().extract(text, on=when)
    got = {(x.pair.key, x.canonical, x.hypothetical) for x in found}
    assert got == expected, what
    for x in found:
        if x.canonical in speakers:
            assert x.speaker == speakers[x.canonical], what
