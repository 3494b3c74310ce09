"""A pair's story from the store: descriptors, change points, and their text, JSON and CSV."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.story import (
    changes_from_json,
    day,
    india_russia,
    remember,
    spans_from_csv,
    spans_from_json,
    store_with_story,
)
from watchers.history import (
    FlipFlop,
    pair_story,
    story_csv,
    story_text,
    story_to_json,
)
from watchers.store import Store
from watchers.tiers import shipped_lexicon

SPECIAL = "special and privileged strategic partnership"


def test_each_descriptor_has_its_dates_tier_sources_and_speakers(history_store: Store) -> None:
    pair = store_with_story(history_store)
    story = pair_story(pair, history_store.mentions_of(pair.key), shipped_lexicon())
    by_words = {d.descriptor: d for d in story.descriptors}
    assert list(by_words) == ["strategic partnership", "close ties", SPECIAL]
    strategic = by_words["strategic partnership"]
    assert (strategic.first_seen, strategic.last_seen) == (day(1, 10), day(5, 20))
    assert (strategic.sources, strategic.official_sources, strategic.speakers) == (3, 1, ("IND",))
    special = by_words[SPECIAL]
    assert (special.sources, special.official, special.speakers) == (3, True, ("RUS",))
    assert special.tier == "special tier"
    assert by_words["close ties"].tier == "generic wording"


def test_change_points_skip_generic_wording_and_rank_the_move(history_store: Store) -> None:
    pair = store_with_story(history_store)
    story = pair_story(pair, history_store.mentions_of(pair.key), shipped_lexicon())
    assert [(c.at, c.kind, c.before, c.after) for c in story.changes] == [
        (day(1, 10), "new", None, "strategic partnership"),
        (day(3, 5), "upgrade", "strategic partnership", SPECIAL),
        (day(5, 20), "downgrade", SPECIAL, "strategic partnership"),
    ]
    assert story.changes[1].speaker == "RUS" and story.changes[1].official
    assert story.current == "strategic partnership"


def test_the_two_sides_get_their_own_steps_when_their_words_differ(history_store: Store) -> None:
    pair = store_with_story(history_store)
    story = pair_story(pair, history_store.mentions_of(pair.key), shipped_lexicon())
    own = {code: [s.descriptor for s in steps] for code, steps in story.speaker_steps.items()}
    assert own == {"IND": ["strategic partnership"], "RUS": [SPECIAL]}


def test_one_sides_words_alone_draw_no_second_line(history_store: Store) -> None:
    pair = india_russia()
    remember(history_store, pair, "strategic partnership", day(1, 1), url="u1", speaker="IND")
    remember(history_store, pair, "strategic partnership", day(1, 2), url="u2")
    story = pair_story(pair, history_store.mentions_of(pair.key), shipped_lexicon())
    assert story.speaker_steps == {}


def test_since_keeps_only_what_was_said_from_that_day(history_store: Store) -> None:
    pair = store_with_story(history_store)
    story = pair_story(
        pair, history_store.mentions_of(pair.key), shipped_lexicon(), since=day(3, 6)
    )
    assert [d.descriptor for d in story.descriptors] == [SPECIAL, "strategic partnership"]
    special = story.descriptors[0]
    assert (special.first_seen, special.sources, special.official) == (day(3, 6), 2, False)


def test_text_names_the_current_words_each_descriptor_and_each_change(history_store: Store) -> None:
    pair = store_with_story(history_store)
    text = story_text(pair_story(pair, history_store.mentions_of(pair.key), shipped_lexicon()))
    lines = text.splitlines()
    assert lines[0] == "India–Russia: now “strategic partnership”"
    assert (
        f"  2024-03-05 … 2024-03-06  “{SPECIAL}” [special tier] 3 sources, 1 official, "
        "said by RUS" in lines
    )
    assert f"  2024-03-05 upgrade: “strategic partnership” → “{SPECIAL}” (said by RUS)" in lines


def test_an_empty_story_says_so(history_store: Store) -> None:
    pair = india_russia()
    story = pair_story(pair, [], shipped_lexicon(), since=day(1, 1))
    assert story_text(story) == "India–Russia: no descriptor seen since 2024-01-01."


def test_json_and_csv_read_back_to_the_same_story(history_store: Store) -> None:
    pair = store_with_story(history_store)
    story = pair_story(pair, history_store.mentions_of(pair.key), shipped_lexicon())
    record = json.loads(json.dumps(story_to_json(story)))
    assert spans_from_json(record) == list(story.descriptors)
    assert changes_from_json(record) == list(story.changes)
    assert spans_from_csv(story_csv(story)) == list(story.descriptors)


def write_config(tmp_path: Path) -> Path:
    config = tmp_path / "watchlist.toml"
    config.write_text(f'[store]\npath = "{tmp_path / "store.sqlite3"}"\n', encoding="utf-8")
    return config


def test_history_command_prints_csv_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path)
    history_store = Store.open(tmp_path / "store.sqlite3")
    store_with_story(history_store)
    history_store.close()

    assert main(["--config", str(config), "history", "Russia", "India", "--format", "csv"]) == 0
    rows = spans_from_csv(capsys.readouterr().out)
    assert [r.descriptor for r in rows] == ["strategic partnership", "close ties", SPECIAL]

    argv = ["--config", str(config), "history", "india", "russia", "--since", "2024-03-01"]
    assert main([*argv, "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["pair"] == ["IND", "RUS"]
    assert [c["kind"] for c in record["changes"]] == ["new", "downgrade"]


@pytest.mark.parametrize("where", ["before", "after"])
def test_history_csv_is_accepted_before_the_subcommand_as_after_it(
    where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path)
    history_store = Store.open(tmp_path / "store.sqlite3")
    store_with_story(history_store)
    history_store.close()
    options = ["--config", str(config), "--format", "csv"]
    pair = ["history", "Russia", "India"]
    assert main([*options, *pair] if where == "before" else [*pair, *options]) == 0
    rows = spans_from_csv(capsys.readouterr().out)
    assert [r.descriptor for r in rows] == ["strategic partnership", "close ties", SPECIAL]


def test_history_of_an_unknown_country_says_which_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path)
    Store.open(tmp_path / "store.sqlite3").close()
    assert main(["--config", str(config), "history", "India", "Narnia"]) == 2
    err = capsys.readouterr().err
    assert "partnership-watch: 1 problem:\n  country: Narnia: is not a country we know" in err
    assert "config" not in err


def test_a_bad_since_date_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path)
    Store.open(tmp_path / "store.sqlite3").close()
    assert main(["--config", str(config), "history", "India", "Russia", "--since", "May"]) == 2
    assert "is not a date like 2024-01-31" in capsys.readouterr().err


def test_outlets_alternating_between_variants_make_no_steps(history_store: Store) -> None:
    pair = india_russia()
    words = ["strategic partnership", SPECIAL, "strategic partnership", SPECIAL]
    for n, descriptor in enumerate(words):
        remember(history_store, pair, descriptor, day(3, 1 + n), url=f"u{n}")
    # two months on, the older words again: that is a change
    remember(history_store, pair, "strategic partnership", day(5, 10), url="u9")
    story = pair_story(pair, history_store.mentions_of(pair.key), shipped_lexicon())
    assert [(c.at, c.after) for c in story.changes] == [
        (day(3, 1), "strategic partnership"),
        (day(3, 2), SPECIAL),
        (day(5, 10), "strategic partnership"),
    ]
    no_window = pair_story(
        pair, history_store.mentions_of(pair.key), shipped_lexicon(), flipflop=FlipFlop(days=0)
    )
    assert len(no_window.changes) == 5
