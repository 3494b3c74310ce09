"""Text plumbing: tokens keep the offsets of the text they come from."""

from __future__ import annotations

import nupunkt

from watchers.extraction.text import Keywords, lower, normalize, sentence_spans, tokens


def _tokens_of(text: str, start: int = 0, end: int | None = None) -> list[tuple[str, str]]:
    norm = normalize(text)
    low = lower(norm)
    found = tokens(norm, low, start, len(low) if end is None else end)
    # each token, as written and as found: the offsets must point at the token itself
    return [(text[t.start : t.end], c) for t, c in zip(found.toks, found.cased, strict=True)]


def test_tokens_are_words_and_marks_with_their_offsets() -> None:
    text = "Ghana's  ties_with\tTogo -- \u201crock-solid\u201d, she said."
    assert _tokens_of(text) == [
        ("Ghana's", "Ghana's"),
        ("ties", "ties"),
        ("with", "with"),
        ("Togo", "Togo"),
        ("-", "-"),
        ("-", "-"),
        ("\u201c", '"'),
        ("rock-solid", "rock-solid"),
        ("\u201d", '"'),
        (",", ","),
        ("she", "she"),
        ("said", "said"),
        (".", "."),
    ]


def test_tokens_of_a_stretch_count_offsets_from_the_whole_text() -> None:
    text = "Intro. Peru and Chile hailed their ties. Outro."
    start = text.index("Peru")
    end = text.index(" Outro")
    found = _tokens_of(text, start, end)
    assert [w for w, _ in found] == ["Peru", "and", "Chile", "hailed", "their", "ties", "."]


def test_a_stretch_ending_in_spaces_and_underscores_gives_its_words_only() -> None:
    text = "allies" + " _" * 2000
    norm = normalize(text)
    found = tokens(norm, lower(norm), 0, len(norm))
    assert found.lows == ["allies"]
    assert found.starts == [0]


def test_normalize_makes_quotes_dashes_and_spaces_plain_in_text_of_any_script() -> None:
    text = (
        "Peru\u2013Chile \u201cunbreakable\u201d ties\u2014Bogot\u00e1\u00a0said\tso\r"
        "\u2018twice\u2019"
    )
    plain = normalize(text)
    assert plain == "Peru-Chile \"unbreakable\" ties,Bogot\u00e1 said so\n'twice'"
    assert len(plain) == len(text)
    # the same characters in ASCII text: a backquote, a tab, a carriage return
    assert normalize("`a`\tb\rc") == "'a' b\nc"
    # each of them alone in an ASCII text, and a text with none left as it is
    assert normalize("Oslo\tand Rome") == "Oslo and Rome"
    assert normalize("Oslo and Rome\r") == "Oslo and Rome\n"
    assert normalize("the `old friends`") == "the 'old friends'"
    assert normalize("Oslo and Rome, allies.") == "Oslo and Rome, allies."


def test_a_word_holding_invisible_characters_is_one_token_spanning_it_as_written() -> None:
    # soft hyphen, zero-width space and word joiner inside words, and one at a word's edge
    text = "Ger\u200bmany's strategic part\u00adner\u00adship\u200b, a \ufeffquasi\u2060-alliance."
    norm = normalize(text)
    assert len(norm) == len(text)
    found = tokens(norm, lower(norm), 0, len(norm))
    assert found.lows == ["germany's", "strategic", "partnership", ",", "a", "quasi-alliance", "."]
    assert found.cased[0] == "Germany's"
    # the offsets cover each word as written, invisible characters and all
    spans = [text[t.start : t.end] for t in found.toks]
    assert spans[0] == "Ger\u200bmany's"
    assert spans[2].startswith("part\u00adner\u00adship")
    assert spans[5] == "quasi\u2060-alliance"


def test_labels_leave_out_invisible_characters_and_keep_their_span() -> None:
    from watchers.extraction import default_extractor

    text = "Peru and Ch\u200bile hailed their time-\u00adtested stra\u00adtegic partnership."
    found = default_extractor().extract(text)
    assert [(x.pair.key, x.descriptor) for x in found] == [
        ("CHL-PER", "time-tested strategic partnership")
    ]
    assert found[0].span is not None
    start, end = found[0].span
    assert text[start:end] == "time-\u00adtested stra\u00adtegic partnership"


def _splitter_sentences(text: str) -> list[str]:
    """The sentences nupunkt itself finds in each line, spaces trimmed."""
    splitter = nupunkt.load("default")
    out = []
    for line in text.split("\n"):
        out += [line[a:b].strip() for a, b in splitter.span_tokenize(line) if line[a:b].strip()]
    return out


def test_lines_of_plain_sentence_ends_are_cut_where_the_splitter_cuts_them() -> None:
    # plain ends are cut without the splitter; a word its model takes for an
    # abbreviation ("reports", "week") or an initial, "U.S." or "Gen." is left to it
    text = (
        "Fiji and Tonga signed a fisheries pact. Both sides hailed it. Talks went on.\n"
        "Samoa studied the reports. Both capitals agreed this week. The envoy left.\n"
        "The U.S. envoy met Gen. Ruiz. Palau and Nauru talked. J. Doe wrote it.\n"
        "  iv. A list item. Then Kiribati spoke, and Tuvalu replied.\n"
        "Vanuatu said so. Fiji? Yes. Tonga!  Then Samoa. Nauru (a) agreed.\n"
        'Palau spoke. Nauru said it was "a good start."\n'
        "Palau spoke. Nauru said it was a good start?')\n"
    )
    norm = normalize(text)
    found = [norm[a:b] for a, b in sentence_spans(norm)]
    assert found == _splitter_sentences(norm)
    assert "Both sides hailed it." in found
    assert "Palau and Nauru talked." in found


def test_a_plain_end_before_a_lower_case_word_ends_no_sentence() -> None:
    # the line's leading blank space is no part of its first sentence, and a sentence
    # never starts in lower case, on the quick path as on the splitter's
    text = "   Fiji signed the pact. then Tonga joined it. Both hailed it.\n"
    norm = normalize(text)
    found = [norm[a:b] for a, b in sentence_spans(norm)]
    assert found == ["Fiji signed the pact. then Tonga joined it.", "Both hailed it."]


def test_a_compound_ending_in_initials_ends_no_sentence() -> None:
    # "Peru-U.S." modifies the capitalised noun after it; the sentence goes on past it
    text = "Both hailed the Peru-U.S. Partnership and the U.S.-Chile Alliance. Talks ended."
    norm = normalize(text)
    found = [norm[a:b] for a, b in sentence_spans(norm)]
    assert found == [
        "Both hailed the Peru-U.S. Partnership and the U.S.-Chile Alliance.",
        "Talks ended.",
    ]


def test_ascii_and_other_text_split_into_the_same_tokens() -> None:
    # plain ASCII text takes a quicker pattern; the information separators \x1c-\x1f
    # count as spaces on both paths, as str.isspace says
    plain = "Laos\x1cand\x1fCambodia's 'iron-clad'_ties, 2-0!"
    accented = plain + " Bras\u00edlia"
    assert _tokens_of(plain) == _tokens_of(accented)[:-1]
    assert [w for w, _ in _tokens_of(plain)][:3] == ["Laos", "and", "Cambodia's"]


def test_keywords_are_found_overlapping_with_character_offsets() -> None:
    found = Keywords([("partner", "role"), ("partnership", "tie"), ("ship", "noun")])
    for text in ("a close partnership", "a \u201cclose\u201d partnership"):
        start = text.index("partnership")
        hits = sorted((found.values[i], a, b) for i, a, b in found.hits(text))
        # the same offsets whether the text is plain ASCII or not
        assert hits == [
            ("noun", start + 7, start + 11),
            ("role", start, start + 7),
            ("tie", start, start + 11),
        ]
    assert found.found_in("shipyard workers")
    assert not found.found_in("a close alliance")


def test_a_keyword_given_twice_keeps_its_last_value() -> None:
    found = Keywords([("ally", "first"), ("ally", "second")])
    assert [found.values[i] for i, _, _ in found.hits("an old ally")] == ["second"]
