"""Characterising noun phrases read by their structure: ranked points and depths a tie is
in or is sent to, attitudes and states of a tie in slots only a tie fills. Each rule has
at least as many look-alike sentences that must give nothing as sentences that must give
a label."""

from __future__ import annotations

import pytest

from watchers.extraction.extractor import Extractor, default_extractor


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return default_extractor()


def labels(extractor: Extractor, text: str) -> set[tuple[str, str]]:
    """(pair as "AAA-BBB", descriptor) for every label the text gives."""
    return {
        (f"{x.pair.first.code}-{x.pair.second.code}", x.descriptor) for x in extractor.extract(text)
    }


def descriptors(extractor: Extractor, text: str) -> set[str]:
    return {d for _, d in labels(extractor, text)}


# --- ranked points and depths ------------------------------------------------------------

POINTS = [
    (
        "Relations between Peru and Chile are in their darkest hour since 1980.",
        ("CHL-PER", "darkest hour since 1980"),
    ),
    (
        "Ties between Oslo and Moscow are now in their lowest ebb since the Cold War ended.",
        ("NOR-RUS", "lowest ebb since the Cold War ended"),
    ),
    (
        "The ballot pushed relations between Lima and Quito to their worst point in decades.",
        ("ECU-PER", "worst point in decades"),
    ),
    (
        "A fishing clash drove Chilean-Argentine ties to their lowest point since 1978.",
        ("ARG-CHL", "lowest point since 1978"),
    ),
    (
        "Relations between Ghana and Togo hit their lowest level in two centuries, officials said.",
        ("GHA-TGO", "lowest level in two centuries"),
    ),
]

POINT_LOOKALIKES = [
    # a best interest is no point of the tie
    "Relations between Peru and Chile are in their best interest, the envoy said.",
    # the point is of something else
    "The ballot pushed prices in Lima and Quito to their highest point in decades.",
    # a count, not a point
    "Flights between Oslo and Moscow fell to their lowest number in decades.",
    # the tie is not what is pushed
    "The storm pushed farmers in Peru and Chile to their worst harvest in decades.",
    # a rating past an aside of its own
    "The clash pushed Peruvian-Chilean ties, tense since the spring, to their worst point.",
    # the darkest hour of a person, not of a tie
    "Peru's president, in his darkest hour since 1980, called Chile for help.",
]


@pytest.mark.parametrize(("text", "label"), POINTS)
def test_a_ranked_point_or_depth_of_a_tie_keeps_its_time(
    extractor: Extractor, text: str, label: tuple[str, str]
) -> None:
    assert label in labels(extractor, text)


@pytest.mark.parametrize("text", POINT_LOOKALIKES)
def test_a_point_that_is_not_the_tie_s_gives_no_label(extractor: Extractor, text: str) -> None:
    found = descriptors(extractor, text)
    assert not any(w in d for d in found for w in ("point", "hour", "interest", "harvest"))


# --- a span of time and a noun of attitude before the pair --------------------------------

SPANS = [
    (
        "Leaders vowed to leave behind decades of suspicion between Laos and Vietnam.",
        ("LAO-VNM", "suspicion"),
    ),
    (
        "Two centuries of wary pragmatism between Norway and Sweden have served both well.",
        ("NOR-SWE", "wary pragmatism"),
    ),
    (
        "After half a century of estrangement, Peru and Chile restored ties.",
        ("CHL-PER", "estrangement"),
    ),
    (
        "The envoys want to get past decades of mistrust between Lima and Santiago and to redraw "
        "the border.",
        ("CHL-PER", "mistrust"),
    ),
    (
        "Generations of quiet resentment between Quito and Lima surfaced at the summit.",
        ("ECU-PER", "quiet resentment"),
    ),
]

SPAN_LOOKALIKES = [
    "Decades of trade between Peru and Chile have made both richer.",
    "Years of tourism between Peru and Chile filled the hotels of Arica.",
    "After years of austerity, Greece and Portugal returned to growth.",
    "Decades of migration between Mexico and Guatemala shaped the border towns.",
    "Years of investment between Japan and Vietnam built new ports.",
    "A decade of membership with Norway in the fisheries council ended.",
    "Years of correspondence between Chile and Peru were published.",
    "Decades of partnership between Peru and Chile were marked by a stamp.",
    "After years of insecurity in the north, Chile and Peru signed a border pact.",
    "Two decades of leadership with Brazil in the bloc ended on Monday.",
]


@pytest.mark.parametrize(("text", "label"), SPANS)
def test_a_span_of_an_attitude_between_the_pair_is_theirs(
    extractor: Extractor, text: str, label: tuple[str, str]
) -> None:
    assert label in labels(extractor, text)


@pytest.mark.parametrize("text", SPAN_LOOKALIKES)
def test_a_span_of_an_activity_or_a_bare_tie_gives_no_label(
    extractor: Extractor, text: str
) -> None:
    assert labels(extractor, text) == set()


# "with" names one side only: the other is a state named before the span, and the noun is
# one the table lists, as an attitude read by its ending alone may be anyone's
SPANS_WITH = [
    ("Cuba ended decades of mistrust with Panama.", ("CUB-PAN", "mistrust")),
    ("Laos has moved past years of suspicion with Thailand.", ("LAO-THA", "suspicion")),
]

SPANS_WITH_LOOKALIKES = [
    "After years of optimism with Ecuador, traders left Bolivia.",
    "After a decade of pessimism with Nigeria, Ghanaian lenders returned to Senegal.",
    "After two decades of patriotism with Chile, fans in Peru cheered for Bolivia.",
    "Years of enthusiasm with Austria ended as tourists in Hungary chose Slovakia.",
]


@pytest.mark.parametrize(("text", "label"), SPANS_WITH)
def test_a_span_of_a_listed_attitude_with_a_state_is_the_named_state_s(
    extractor: Extractor, text: str, label: tuple[str, str]
) -> None:
    assert label in labels(extractor, text)


@pytest.mark.parametrize("text", SPANS_WITH_LOOKALIKES)
def test_a_span_of_a_mood_with_a_state_and_no_state_holding_it_gives_no_label(
    extractor: Extractor, text: str
) -> None:
    assert labels(extractor, text) == set()


# --- what a tie turned into ----------------------------------------------------------------

TURNED = [
    (
        "Ties between Lima and Madrid, soured for years by a fishing quarrel, have mellowed "
        "into a guarded pragmatism since the election.",
        ("ESP-PER", "guarded pragmatism"),
    ),
    ("Ties between Oslo and Moscow cooled into mutual wariness.", ("NOR-RUS", "mutual wariness")),
    ("Ties between Peru and Chile soured into open resentment.", ("CHL-PER", "open resentment")),
    (
        "Relations between Peru and Chile were one of quiet pragmatism.",
        ("CHL-PER", "quiet pragmatism"),
    ),
    (
        "Relations between Ghana and Togo have hardened into a sullen estrangement.",
        ("GHA-TGO", "sullen estrangement"),
    ),
]

TURNED_LOOKALIKES = [
    "Relations between Peru and Chile thawed into spring.",
    "Relations between Peru and Chile have thawed into trade talks.",
    "Ties between Peru and Chile cooled into a business arrangement.",
    "Trade between Peru and Chile collapsed into insolvency proceedings.",
    "Chile's mood soured into pessimism after Peru's victory, the coach said.",
    "Ties between Peru and Chile warmed into a tourism boom.",
    "Prices in Peru and Chile hardened into a new normal.",
]


@pytest.mark.parametrize(("text", "label"), TURNED)
def test_a_tie_turned_into_a_noun_of_attitude_is_labeled_known_or_not(
    extractor: Extractor, text: str, label: tuple[str, str]
) -> None:
    assert label in labels(extractor, text)


@pytest.mark.parametrize("text", TURNED_LOOKALIKES)
def test_a_tie_turned_into_an_activity_or_a_season_gives_no_label(
    extractor: Extractor, text: str
) -> None:
    assert labels(extractor, text) == set()


# --- an attitude one state holds toward another ------------------------------------------

HELD = [
    (
        "Norway's steadfast solidarity with Iceland was on show at the summit.",
        ("ISL-NOR", "steadfast solidarity"),
    ),
    (
        "Chile's foreign minister said Santiago would keep its historic solidarity with Havana.",
        ("CHL-CUB", "historic solidarity"),
    ),
    (
        "Chile's deep-seated wariness toward Peru has long shaped its navy.",
        ("CHL-PER", "deep-seated wariness"),
    ),
    ("Chile's goodwill toward Peru was evident at the summit.", ("CHL-PER", "goodwill")),
    (
        "Chile's lingering resentment with Lima surfaced again.",
        ("CHL-PER", "lingering resentment"),
    ),
]

HELD_LOOKALIKES = [
    "Norway's solidarity with flood victims in Iceland was praised.",
    "Norway expressed deep solidarity with the people of Iceland after the eruption.",
    "Chile's unwavering solidarity with dock workers was praised by unions in Peru.",
    "Norway's closer cooperation with Iceland on fisheries was praised.",
    "Chile's goodwill toward Peru's migrants was praised.",
    "Chile's interoperability with Peru improved.",
    "Chile's military alignment with Peru improved.",
    "Chile's engagement with Peru deepened.",
    "Chile's growing involvement with Peru worried Bolivia.",
    "The minister's deep resentment toward Peru was personal.",
]


# "its" after one state in its clause is that state's; after two it may be either's
HELD_BY_ITS = [
    (
        "Estonia restated its unwavering solidarity with Latvia.",
        ("EST-LVA", "unwavering solidarity"),
    ),
    (
        "Kenya said Nairobi would keep its abiding solidarity with Uganda.",
        ("KEN-UGA", "abiding solidarity"),
    ),
]

HELD_BY_ITS_OF_TWO = [
    "Bolivia praised Ecuador for its steadfast solidarity with Paraguay.",
    "Ghana thanked Togo for its unwavering solidarity with Benin.",
    "Chile commended Peru for its lingering resentment with Bolivia.",
    "Ghana thanked Togo for its deep-seated wariness toward Benin.",
]


@pytest.mark.parametrize(("text", "label"), HELD_BY_ITS)
def test_its_after_one_state_is_that_state_s_attitude(
    extractor: Extractor, text: str, label: tuple[str, str]
) -> None:
    assert label in labels(extractor, text)


@pytest.mark.parametrize("text", HELD_BY_ITS_OF_TWO)
def test_its_after_two_states_gives_no_label(extractor: Extractor, text: str) -> None:
    assert labels(extractor, text) == set()


@pytest.mark.parametrize(("text", "label"), HELD)
def test_a_modified_attitude_held_toward_a_state_is_the_pair_s(
    extractor: Extractor, text: str, label: tuple[str, str]
) -> None:
    assert label in labels(extractor, text)


@pytest.mark.parametrize("text", HELD_LOOKALIKES)
def test_an_attitude_toward_people_or_an_activity_with_a_state_gives_no_label(
    extractor: Extractor, text: str
) -> None:
    assert labels(extractor, text) == set()


# --- a headline's named partnership renewed by the two states that open it -----------------

RENEWED = [
    ("Fiji, Samoa Renew Talanoa Partnership", ("FJI-WSM", "Talanoa Partnership")),
    (
        "Fiji, Samoa Renew Talanoa Partnership as Rabuka Visits Apia",
        ("FJI-WSM", "Talanoa Partnership"),
    ),
    ("Ghana and Togo Sign Volta Partnership", ("GHA-TGO", "Volta Partnership")),
    ("Tonga, Samoa Upgrade Fetu Partnership", ("TON-WSM", "Fetu Partnership")),
    ("Ghana, Togo Reaffirm Kente Partnership", ("GHA-TGO", "Kente Partnership")),
]

RENEWED_LOOKALIKES = [
    "Fiji, Samoa Renew Pacific Partnership",
    "Fiji Hosts Samoa, Renews Talanoa Partnership",
    "Fiji, Samoa Join Talanoa Partnership",
    "Fiji, Samoa, Tonga Renew Talanoa Partnership",
    "Fiji, Samoa Renew Talanoa Partnership Agreement",
    "Fiji, Samoa Renew Energy Partnership",
    # a start, not a renewal: as often a firm's or a programme's
    "Ecuador, Colombia Launch Nestle Partnership",
    "Laos, Cambodia Seal Mekong Partnership",
    "Ghana, Togo Forge Cocoa Partnership",
    # a game's
    "Tonga, Samoa Strengthen Netball Partnership",
    "Chile, Peru Renew Football Partnership",
]


@pytest.mark.parametrize(("text", "label"), RENEWED)
def test_a_headline_s_pair_renewing_a_named_partnership_owns_it(
    extractor: Extractor, text: str, label: tuple[str, str]
) -> None:
    assert label in labels(extractor, text)


@pytest.mark.parametrize("text", RENEWED_LOOKALIKES)
def test_a_region_s_body_a_document_or_a_third_state_s_partnership_gives_no_label(
    extractor: Extractor, text: str
) -> None:
    assert labels(extractor, text) == set()


# --- a headline's pair stirring an old attitude again ------------------------------------

REVIVED = [
    (
        "Kenya, Uganda Spat Over Lake Kyoga Revives Old Suspicions",
        ("KEN-UGA", "Old Suspicions"),
    ),
    (
        "Chile and Peru Border Row Reignites Lingering Resentment",
        ("CHL-PER", "Lingering Resentment"),
    ),
]

REVIVED_LOOKALIKES = [
    "Kenya, Uganda Spat Revives Talk of Tariffs",
    "Kenya, Uganda Rail Deal Revives Investor Confidence",
    "Kenya, Uganda Deal Revives Tourism",
    "Kenya Revives Old Suspicions of Uganda",
    "Kenya, Uganda, Tanzania Spat Revives Old Suspicions",
    "Kenya, Uganda Election Revives Old Nationalism",
    "Kenya, Uganda Border Closure Revives Old Suspicions of Smugglers",
]

# a noun read by its ending alone is an old attitude only when said to be old
REVIVED_UNLISTED = [
    ("Ghana, Togo Port Dispute Rekindles Suspicions", ("GHA-TGO", "Suspicions")),
    ("Ghana, Togo Border Row Reignites Historic Enmity", ("GHA-TGO", "Historic Enmity")),
]

REVIVED_MOODS = [
    "Senegal, Gambia Ferry Deal Revives Optimism",
    "Uruguay, Paraguay Cup Victory Stokes Patriotism",
    "Chile, Bolivia Lithium Talks Reignite Excitement",
    "Laos, Cambodia Dam Deal Revives Deep Pessimism",
]


@pytest.mark.parametrize(("text", "label"), REVIVED_UNLISTED)
def test_a_headline_s_pair_stirring_a_listed_or_old_attitude_is_labeled(
    extractor: Extractor, text: str, label: tuple[str, str]
) -> None:
    assert label in labels(extractor, text)


@pytest.mark.parametrize("text", REVIVED_MOODS)
def test_a_headline_stirring_a_mood_of_the_day_gives_no_label(
    extractor: Extractor, text: str
) -> None:
    assert labels(extractor, text) == set()


@pytest.mark.parametrize(("text", "label"), REVIVED)
def test_a_headline_s_pair_stirring_an_old_attitude_again_is_labeled(
    extractor: Extractor, text: str, label: tuple[str, str]
) -> None:
    assert label in labels(extractor, text)


@pytest.mark.parametrize("text", REVIVED_LOOKALIKES)
def test_a_headline_stirring_talk_confidence_or_a_third_party_gives_no_label(
    extractor: Extractor, text: str
) -> None:
    assert labels(extractor, text) == set()
