"""The shipped extractor reads in a reading process exactly as in the process that polls.

``reading_processes`` sends the extractor to each process it spawns; every table and finder
in it has to cross that boundary whole."""

from __future__ import annotations

from watchers.extraction import default_extractor
from watchers.model import Entry
from watchers.reading import InProcesses, extract_entries


async def test_the_shipped_extractor_finds_the_same_in_a_reading_process() -> None:
    extractor = default_extractor()
    entries = [
        Entry("Desk", "1", None, "Chile and Peru hail their strategic partnership"),
        Entry(
            "Desk",
            "2",
            None,
            "Ministers meet",
            summary="Officials in Lima called Chile a close friend and a strategic partner.",
        ),
        Entry("Desk", "3", None, "Markets close higher on Friday"),
    ]
    work = InProcesses(extractor, 1)
    try:
        there = await work.extract("Desk", entries)
    finally:
        work.close()
    here = extract_entries(extractor, "Desk", entries)
    assert there == here
    assert there[0]  # the headline's words are found there too
