"""The descriptor lexicon: the shipped file validates, and ranks the way readers expect."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from watchers.errors import ConfigError
from watchers.extraction.canonical import canonical
from watchers.model import ChangeKind
from watchers.tiers import STANDINGS_REMEMBERED, default_path, load_lexicon, parse_lexicon

SHIPPED = load_lexicon()


def test_shipped_lexicon_is_the_config_file_and_validates() -> None:
    assert default_path().parts[-2:] == ("config", "tiers.toml")
    lexicon = load_lexicon(default_path())
    assert {a.name for a in lexicon.axes} == {"partnership", "alliance"}
    assert {issuer for lad in lexicon.ladders for issuer in lad.issuers} >= {"CHN", "VNM"}


@pytest.mark.parametrize(
    ("written", "canon"),
    [
        ("Comprehensive Strategic Partnership", "comprehensive strategic partnership"),
        ("“no-limits” partnership", "no limits partnership"),
        (
            "all\u2011weather strategic cooperative partners",
            "all weather strategic cooperative partnership",
        ),
        (
            "a 'special and privileged'   strategic partner",
            "special and privileged strategic partnership",
        ),
        ("ironclad alliance.", "ironclad alliance"),
    ],
)
def test_canonical_form(written: str, canon: str) -> None:
    assert canonical(written) == canon


@pytest.mark.parametrize(
    ("descriptor", "issuer", "label"),
    [
        ("partnership", None, "partnership"),
        ("comprehensive partnership", None, "comprehensive partnership"),
        ("strategic partnership", None, "strategic partnership"),
        ("comprehensive strategic partnership", None, "comprehensive strategic partnership"),
        ("special and privileged strategic partnership", None, "special tier"),
        ("particularly privileged strategic partnership", None, "special tier"),
        ("all-weather strategic cooperative partnership", None, "special tier"),
        ("comprehensive strategic partnership of coordination for a new era", None, "special tier"),
        ("no limits partnership", None, "special tier"),
        ("ironclad alliance", None, "alliance"),
        (
            "global comprehensive strategic alliance",
            None,
            "global comprehensive strategic alliance",
        ),
        # China's own ladder is finer than the general one.
        ("strategic cooperative partnership", "CHN", "strategic cooperative partnership"),
        ("strategic cooperative partnership", None, "strategic partnership"),
        (
            "comprehensive strategic cooperative partnership",
            "CHN",
            "comprehensive strategic cooperative partnership",
        ),
        # Vietnam's top level for most partners, and its special relations.
        ("comprehensive strategic partnership", "VNM", "comprehensive strategic partnership"),
        ("great friendship, special solidarity", "VNM", "special relationship"),
        # An issuer without a ladder of its own uses the general one.
        ("comprehensive strategic partnership", "FRA", "comprehensive strategic partnership"),
    ],
)
def test_tier_labels(descriptor: str, issuer: str | None, label: str) -> None:
    assert SHIPPED.standing(descriptor, issuer).label == label


def test_generic_and_unknown_wording() -> None:
    assert SHIPPED.is_generic("close ties")
    assert SHIPPED.is_generic("Friendly Relations")
    assert SHIPPED.standing("close ties").label == "generic wording"
    unknown = SHIPPED.standing("community with a shared future")
    assert unknown.tier is None and not unknown.generic and unknown.label is None


@pytest.mark.parametrize(
    ("before", "after", "issuer", "kind"),
    [
        (None, "strategic partnership", None, ChangeKind.NEW),
        (
            "comprehensive partnership",
            "comprehensive strategic partnership",
            None,
            ChangeKind.UPGRADE,
        ),
        (
            "comprehensive partnership",
            "comprehensive strategic partnership",
            "VNM",
            ChangeKind.UPGRADE,
        ),
        (
            "comprehensive strategic partnership",
            "strategic partnership",
            None,
            ChangeKind.DOWNGRADE,
        ),
        (
            "special and privileged strategic partnership",
            "particularly privileged strategic partnership",
            "RUS",
            ChangeKind.REWORDING,
        ),
        ("strategic partners", "Strategic Partnership", None, ChangeKind.REAFFIRMED),
        ("“no-limits” partnership", "no limits partnership", None, ChangeKind.REAFFIRMED),
        # Same general tier, but China ranks these apart.
        ("strategic partnership", "strategic cooperative partnership", None, ChangeKind.REWORDING),
        ("strategic partnership", "strategic cooperative partnership", "CHN", ChangeKind.UPGRADE),
        # Onto the alliance axis and back.
        ("strategic partnership", "alliance", None, ChangeKind.UPGRADE),
        ("ironclad alliance", "comprehensive strategic partnership", None, ChangeKind.DOWNGRADE),
        ("alliance", "ironclad alliance", None, ChangeKind.REWORDING),
        # Wording the lexicon cannot rank is a rewording, never a guessed direction.
        (
            "community with a shared future",
            "comprehensive strategic partnership",
            "CHN",
            ChangeKind.REWORDING,
        ),
        # Generic wording before counts as nothing said yet.
        ("close ties", "strategic partnership", None, ChangeKind.NEW),
    ],
)
def test_classify(before: str | None, after: str, issuer: str | None, kind: ChangeKind) -> None:
    assert SHIPPED.classify(before, after, issuer) is kind


def test_generic_wording_never_alerts_on_its_own() -> None:
    assert SHIPPED.classify(None, "close ties") is None
    assert SHIPPED.classify("comprehensive strategic partnership", "friendly relations") is None


def test_issuer_ladder_used_only_when_it_ranks_both() -> None:
    # "partnership" is not a level on Vietnam's ladder: both fall back to the general one.
    assert SHIPPED.classify("partnership", "comprehensive partnership", "VNM") is ChangeKind.UPGRADE
    assert SHIPPED.tier_arrow("partnership", "comprehensive partnership", "VNM") == (
        "partnership ↑ comprehensive partnership"
    )


@pytest.mark.parametrize(
    ("before", "after", "arrow"),
    [
        (
            "comprehensive partnership",
            "comprehensive strategic partnership",
            "comprehensive partnership ↑ comprehensive strategic partnership",
        ),
        (
            "comprehensive strategic partnership",
            "partnership",
            "comprehensive strategic partnership ↓ partnership",
        ),
        (
            "special and privileged strategic partnership",
            "particularly privileged strategic partnership",
            "special tier (same tier)",
        ),
        (None, "strategic partnership", "new at strategic partnership"),
        (
            "community with a shared future",
            "strategic partnership",
            "unranked → strategic partnership",
        ),
    ],
)
def test_tier_arrow(before: str | None, after: str, arrow: str) -> None:
    assert SHIPPED.tier_arrow(before, after) == arrow


def _shipped_doc() -> dict[str, object]:
    return tomllib.loads(default_path().read_text(encoding="utf-8"))


def test_every_problem_is_reported_at_once() -> None:
    doc = _shipped_doc()
    ladders = doc["ladders"]
    assert isinstance(ladders, dict)
    ladders["general"]["tiers"][1]["rank"] = 1  # duplicate rank
    ladders["china"]["issuers"] = ["china"]  # not an alpha-3 code
    ladders["vietnam"]["axis"] = "friendship"  # no such axis
    ladders["china"]["tiers"][0]["colour"] = "red"  # unknown key
    generic = doc["generic"]
    assert isinstance(generic, dict)
    generic["phrases"] = [*generic["phrases"], "strategic ties"]  # generic that also ranks
    with pytest.raises(ConfigError) as caught:
        parse_lexicon(doc, "tiers.toml")
    keys = {(p.file, p.key) for p in caught.value.problems}
    assert ("tiers.toml", "ladders.general.tiers[1].rank") in keys
    assert ("tiers.toml", "ladders.china.issuers") in keys
    assert ("tiers.toml", "ladders.vietnam.axis") in keys
    assert ("tiers.toml", "ladders.china.tiers[0].colour") in keys
    assert ("tiers.toml", "generic.phrases") in keys
    assert "ladders.general.tiers[1].rank" in str(caught.value)


def test_axes_need_one_unmarked_axis_and_one_general_ladder_each() -> None:
    doc = _shipped_doc()
    axes = doc["axes"]
    ladders = doc["ladders"]
    assert isinstance(axes, dict) and isinstance(ladders, dict)
    axes["partnership"]["marks"] = ["partnership"]
    del ladders["alliance"]
    with pytest.raises(ConfigError) as caught:
        parse_lexicon(doc)
    reasons = " | ".join(str(p) for p in caught.value.problems)
    assert "exactly one axis must have no marks" in reasons
    assert "axes.alliance: needs exactly one general ladder" in reasons


def test_unreadable_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_lexicon(tmp_path / "missing.toml")
    broken = tmp_path / "tiers.toml"
    broken.write_text("[axes\norder = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML") as caught:
        load_lexicon(broken)
    assert caught.value.problems[0].file == "tiers.toml"


def test_an_edited_lexicon_changes_the_verdict(tmp_path: Path) -> None:
    # Users may edit the file; a phrase they add to a rung is used at once.
    before, after = "strategic partnership", "innovative strategic partnership"
    assert SHIPPED.classify(before, after) is ChangeKind.REWORDING
    text = default_path().read_text(encoding="utf-8")
    rung = 'match = [\n    "comprehensive strategic",\n'
    assert rung in text
    path = tmp_path / "tiers.toml"
    path.write_text(text.replace(rung, rung + '    "innovative strategic",\n'), encoding="utf-8")
    assert load_lexicon(path).classify(before, after) is ChangeKind.UPGRADE


@pytest.mark.parametrize(
    ("descriptor", "generic"),
    [
        ("close ties", True),
        ("close and friendly ties", True),
        ("deep friendship", True),
        ("mutual trust", True),
        ("brotherly ties", False),
        ("iron-clad friendship", False),
        ("unprecedented level of mutual trust", False),
    ],
)
def test_only_everyday_wording_is_generic(descriptor: str, generic: bool) -> None:
    assert load_lexicon().is_generic(descriptor) is generic


def test_a_long_running_lexicon_remembers_a_bounded_number_of_standings() -> None:
    lexicon = load_lexicon()
    # months of distinct descriptors, as a service that never restarts reads them
    for n in range(STANDINGS_REMEMBERED + 500):
        assert lexicon.standing(f"partnership number {n}").canonical == f"partnership number {n}"
    assert len(lexicon._standings) <= STANDINGS_REMEMBERED
    assert lexicon.tier("strategic partnership") is not None
