"""The article this project started from: the extractions an analyst expects from it."""

from __future__ import annotations

from datetime import UTC, date

import pytest

from bot.demo import seed_article
from watchers.extraction import canonical, default_extractor
from watchers.model import Extraction


@pytest.fixture(scope="module")
def found() -> list[Extraction]:
    return default_extractor().extract(seed_article(), on=date(2025, 3, 24))


def items(found: list[Extraction]) -> set[tuple[str, str]]:
    return {(x.pair.key, x.canonical) for x in found}


@pytest.mark.parametrize(
    ("pair", "descriptor"),
    [
        ("IND-RUS", "privileged strategic partnership"),
        ("IND-RUS", "particularly privileged strategic partnership"),
        ("IND-RUS", "special and privileged strategic partnership"),
        ("CHN-RUS", "unprecedented level of mutual trust"),
        ("IRN-RUS", "friendly ties"),
        ("PRK-RUS", "friendly ties"),
    ],
)
def test_seed_article_expected_extraction(
    found: list[Extraction], pair: str, descriptor: str
) -> None:
    assert (pair, canonical(descriptor)) in items(found)


def test_seed_article_names_no_other_pair(found: list[Extraction]) -> None:
    # CIS, CSTO, BRICS and Pakistan are named too, but never with a descriptor
    assert {x.pair.key for x in found} == {"IND-RUS", "CHN-RUS", "IRN-RUS", "PRK-RUS"}


def test_seed_article_keeps_the_speaker(found: list[Extraction]) -> None:
    by_descriptor = {x.canonical: x for x in found}
    lavrov = by_descriptor["particularly privileged strategic partnership"]
    assert lavrov.speaker == "RUS"
    assert "Lavrov" not in lavrov.descriptor
    putin = by_descriptor["special and privileged strategic partnership"]
    assert putin.speaker == "RUS"  # Putin wrote; Murmu and Modi were written to


def test_seed_article_quotes_the_sentence(found: list[Extraction]) -> None:
    for x in found:
        assert x.span is None or x.sentence[x.span[0] : x.span[1]] == x.descriptor
        assert x.descriptor.lower() in " ".join(x.sentence.replace('"', "").split()).lower()


def test_a_timestamp_dates_leaders_like_a_date() -> None:
    from datetime import datetime

    text = "Putin and Modi praised their special and privileged strategic partnership."
    at = datetime(2025, 1, 26, 9, 0, tzinfo=UTC)
    found = default_extractor().extract(text, on=at)
    assert [(x.pair.key, x.canonical) for x in found] == [
        ("IND-RUS", "special and privileged strategic partnership")
    ]
    # in 1990 neither name stood for a state
    assert default_extractor().extract(text, on=datetime(1990, 1, 1)) == []
