"""The timeline chart, checked through matplotlib's own objects rather than its pixels."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chart import SPEAKER_LABEL, STEP_LABEL, chart_png, draw_chart
from bot.cli import main
from tests.story import png_size, store_with_story
from watchers.history import PairStory, pair_story
from watchers.store import Store
from watchers.tiers import shipped_lexicon

pytest.importorskip("matplotlib", reason="the [charts] extra is not installed")

SPECIAL = "special and privileged strategic partnership"


@pytest.fixture
def story() -> Iterator[PairStory]:
    store = Store.open(":memory:")
    pair = store_with_story(store)
    yield pair_story(pair, store.mentions_of(pair.key), shipped_lexicon())
    store.close()


def labels(story: PairStory, gid: str) -> list[str]:
    (ax,) = draw_chart(story).axes
    return [t.get_text() for t in ax.texts if t.get_gid() == gid]


def test_each_step_is_labelled_with_its_descriptor(story: PairStory) -> None:
    assert labels(story, STEP_LABEL) == ["strategic partnership", SPECIAL, "strategic partnership"]


def test_both_sides_words_are_drawn_when_they_differ(story: PairStory) -> None:
    assert labels(story, SPEAKER_LABEL) == ["strategic partnership", SPECIAL]
    (ax,) = draw_chart(story).axes
    shown = ax.get_legend()
    assert shown is not None
    legend = [t.get_text() for t in shown.get_texts()]
    assert "said by India" in legend and "said by Russia" in legend


def test_official_sources_are_marked_apart_and_sized_by_count(story: PairStory) -> None:
    from matplotlib.collections import PathCollection

    (ax,) = draw_chart(story).axes
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    marks = {c.get_gid(): list(c.get_sizes()) for c in scatters}
    # Russia's official statement on 5 March, India's on 10 January; two outlets on 6 March
    assert sorted(marks["official-sources"]) == [24, 24]
    assert max(marks["sources"]) == 48


def test_the_tier_axis_names_the_tiers(story: PairStory) -> None:
    (ax,) = draw_chart(story).axes
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks == ["strategic partnership", "special tier"]


def test_the_png_is_a_readable_size(story: PairStory) -> None:
    data = chart_png(story)
    assert png_size(data) == (1000, 480)
    assert 10_000 < len(data) < 500_000


def test_history_chart_option_writes_the_png(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "watchlist.toml"
    config.write_text(f'[store]\npath = "{tmp_path / "s.sqlite3"}"\n', encoding="utf-8")
    store = Store.open(tmp_path / "s.sqlite3")
    store_with_story(store)
    store.close()
    chart = tmp_path / "india-russia.png"
    assert main(["--config", str(config), "history", "India", "Russia", "--chart", str(chart)]) == 0
    assert png_size(chart.read_bytes()) == (1000, 480)
    assert capsys.readouterr().out.startswith("India–Russia: now")
