from datetime import UTC, datetime

from tests.fakes import pair
from watchers.detect import Decision, decide, representatives
from watchers.model import ChangeKind, Entry, Extraction, Mention, PairState
from watchers.tiers import load_lexicon

LEXICON = load_lexicon()

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
ENTRY = Entry("World desk", "e1", "http://news.example/1", "Lavrov on India", published=NOW)


def mention(descriptor: str, codes: tuple[str, str] = ("IND", "RUS")) -> Mention:
    x = Extraction(pair(*codes), descriptor, descriptor.lower(), f"... {descriptor} ...")
    return Mention(x, ENTRY, official=False, seen_at=NOW)


def state(descriptor: str) -> PairState:
    return PairState("IND-RUS", descriptor, descriptor.lower(), NOW, NOW)


def decide_now(
    before: str | None, after: str, *, watched: bool = True, baseline: bool = False
) -> Decision:
    """The decision on ``after`` said of India–Russia now, its words ``before`` if any."""
    return decide(
        state(before) if before else None,
        mention(after),
        watched=watched,
        baseline=baseline,
        now=NOW,
        lexicon=LEXICON,
    )


def test_first_descriptor_of_a_watched_pair_is_new() -> None:
    d = decide_now(None, "strategic partnership")
    assert d.change is not None
    assert (d.change.kind, d.change.before, d.change.after) == (
        ChangeKind.NEW,
        None,
        "strategic partnership",
    )
    assert d.change.sources[0].url == "http://news.example/1"


def test_a_different_descriptor_is_a_change_with_its_diff() -> None:
    d = decide_now(
        "special and privileged strategic partnership",
        "particularly privileged strategic partnership",
    )
    assert d.change is not None
    assert d.change.before == "special and privileged strategic partnership"
    assert [w.word for w in d.change.diff if w.op == "+"] == ["particularly"]


def test_the_same_descriptor_again_is_no_change() -> None:
    d = decide_now("Strategic Partnership", "strategic partnership")
    assert d.change is None and d.reason == "same descriptor as before"


def test_baseline_and_unwatched_pairs_alert_nothing() -> None:
    assert decide_now(None, "x ties", baseline=True).change is None
    assert decide_now(None, "x ties", watched=False).change is None


def test_one_entry_speaks_for_a_pair_once_preferring_the_new_full_formula() -> None:
    mentions = [
        mention("privileged strategic partnership"),  # headline short form
        mention("particularly privileged strategic partnership"),
        mention("special and privileged strategic partnership"),  # recalled, current
        mention("friendly ties", ("IRN", "RUS")),
    ]
    chosen = representatives(mentions, {"IND-RUS": "special and privileged strategic partnership"})
    assert sorted(m.extraction.descriptor for m in chosen) == [
        "friendly ties",
        "particularly privileged strategic partnership",
    ]


def _said(descriptor: str, sentence: str, hypothetical: bool = False) -> Mention:
    x = Extraction(
        pair("IND", "RUS"), descriptor, descriptor.lower(), sentence, hypothetical=hypothetical
    )
    return Mention(x, ENTRY, official=False, seen_at=NOW)


def test_a_sentence_recalling_the_past_does_not_hide_the_live_one_whichever_is_longer() -> None:
    recalled = _said(
        "special and privileged strategic partnership",
        "In 2010 the two sides agreed a special and privileged strategic partnership.",
    )
    live = _said("ironclad alliance", "On Monday the ministers spoke of an ironclad alliance.")
    supposed = _said(
        "comprehensive strategic partnership and alliance",
        "They could become a comprehensive strategic partnership and alliance.",
        hypothetical=True,
    )
    for order in ([recalled, live, supposed], [supposed, live, recalled]):
        (chosen,) = representatives(order, {}, now=NOW, lexicon=LEXICON)
        assert chosen.extraction.descriptor == "ironclad alliance"
    # with nothing live, one of them still speaks (and is decided as history)
    (only,) = representatives([recalled], {}, now=NOW, lexicon=LEXICON)
    assert only is recalled
