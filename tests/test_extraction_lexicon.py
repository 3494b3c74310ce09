"""config/descriptors.toml: the shipped lexicon loads, and a broken one says what is wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from watchers.errors import ConfigError
from watchers.extraction.lexicon import load_vocabulary
from watchers.paths import config_dir


def test_shipped_lexicon_loads_with_every_list() -> None:
    lex = load_vocabulary(config_dir())
    assert {"partnership", "alliance", "ties", "friendship"} <= lex.heads
    assert lex.bare_heads <= lex.heads and lex.weak_heads <= lex.heads
    assert lex.strong <= lex.qualifying
    assert "trading" in lex.reject
    assert "not" in lex.negation


def test_a_broken_lexicon_lists_every_problem(tmp_path: Path) -> None:
    shutil.copy(config_dir() / "descriptors.toml", tmp_path / "descriptors.toml")
    path = tmp_path / "descriptors.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('bare = ["alliance",', 'bare = ["Alliance", "pact", "alliance",', 1)
    text = text.replace("[tails]", "[tails]\ncolour = []", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_vocabulary(tmp_path)
    reasons = {(p.key, p.reason.split(":")[0]) for p in caught.value.problems}
    assert ("heads.bare", "must be lower case") in reasons
    assert ("tails.colour", "unknown key") in reasons


def test_a_head_list_must_name_known_heads(tmp_path: Path) -> None:
    shutil.copy(config_dir() / "descriptors.toml", tmp_path / "descriptors.toml")
    path = tmp_path / "descriptors.toml"
    text = path.read_text(encoding="utf-8").replace(
        'bare = ["alliance",', 'bare = ["pact", "alliance",', 1
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_vocabulary(tmp_path)
    assert [p.key for p in caught.value.problems] == ["heads.bare"]
    assert "pact" in caught.value.problems[0].reason


def test_a_missing_lexicon_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_vocabulary(tmp_path)
    assert caught.value.problems[0].file == "descriptors.toml"


def test_misspellings_are_one_letter_off_a_head_and_never_a_word_the_tables_know() -> None:
    from watchers.extraction.lexicon import misspellings

    found = misspellings(["alliance", "relations"], {"alliance", "relations", "allied"})
    # a letter left out, changed, added, or two swapped
    for typo in ("aliance", "allaince", "alliamce", "allliance"):
        assert found[typo] == "alliance"
    # a word the tables know, and a head's singular, are no misspellings
    assert "relation" not in found
    assert "alliances" not in found
    assert "allied" not in found
    # two letters off is too far
    assert "alience" not in found
