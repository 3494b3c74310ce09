from watchers.diff import word_diff
from watchers.model import DiffWord


def marked(diff: tuple[DiffWord, ...]) -> str:
    return " ".join(w.word if w.op == "=" else f"{w.op}{w.word}" for w in diff)


def test_rewording_marks_removed_and_added_words() -> None:
    diff = word_diff(
        "special and privileged strategic partnership",
        "particularly privileged strategic partnership",
    )
    assert marked(diff) == "-special -and +particularly privileged strategic partnership"


def test_first_descriptor_is_all_added() -> None:
    assert [w.op for w in word_diff(None, "comprehensive strategic partnership")] == ["+", "+", "+"]


def test_upgrade_inserts_the_new_word() -> None:
    diff = word_diff("comprehensive partnership", "comprehensive strategic partnership")
    assert marked(diff) == "comprehensive +strategic partnership"
