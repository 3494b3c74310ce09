"""The labeled sets we ship in eval/ load, and every pair they label is one our table reads.

A state name the country table cannot read would make each of its items a silent miss, and
a repeated id would hide one record's errors behind another's."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchers.countries import CountryTable
from watchers.evaluate import country_code, load_records
from watchers.paths import config_dir

SETS = sorted((Path(__file__).resolve().parent.parent / "eval").glob("*.jsonl"))


@pytest.fixture(scope="module")
def table() -> CountryTable:
    return CountryTable.load(config_dir())


def test_there_are_sets_to_check() -> None:
    assert len(SETS) >= 3


@pytest.mark.parametrize("path", SETS, ids=[p.name for p in SETS])
def test_a_shipped_set_loads_with_pairs_our_table_reads(path: Path, table: CountryTable) -> None:
    records = load_records(path)
    assert len({r.id for r in records}) == len(records)
    for record in records:
        assert (record.kind == "negative") == (not record.expected), record.id
        for item in record.expected:
            codes = [country_code(name, table) for name in item["pair"]]
            assert not any(c.startswith("?") for c in codes), (record.id, item["pair"])
            assert codes[0] != codes[1], record.id
            assert item["descriptor"].strip(), record.id
