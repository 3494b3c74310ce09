from watchers.diff import diff_text, word_diff


def test_rewording_marks_removed_and_added_words() -> None:
    diff = word_diff(
        "special and privileged strategic partnership",
        "particularly privileged strategic partnership",
    )
    assert (
        diff_text(diff) == "[-special-] [-and-] {+particularly+} privileged strategic partnership"
    )


def test_first_descriptor_is_all_added() -> None:
    assert [w.op for w in word_diff(None, "comprehensive strategic partnership")] == ["+", "+", "+"]


def test_upgrade_inserts_the_new_word() -> None:
    diff = word_diff("comprehensive partnership", "comprehensive strategic partnership")
    assert diff_text(diff) == "comprehensive {+strategic+} partnership"
