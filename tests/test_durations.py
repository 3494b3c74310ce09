import pytest

from bot.durations import parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("15m", 900), ("2h", 7200), ("3d", 259200), ("1w", 604800), ("1h30m", 5400)],
)
def test_durations_people_write(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "10", "5x", "h", "1h and 2m", "0m"])
def test_nonsense_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)
