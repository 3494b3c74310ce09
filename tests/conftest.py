"""Fixtures shared by several test files: the command layer's stores, history and clock.

They live in ``tests/fake_commands.py``; naming them here lets pytest find them by name in
the command tests of every platform. A test file that defines a fixture of the same name
uses its own.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.databases import store_location
from tests.fake_commands import clock, history, hours, store  # noqa: F401


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store location on each database the store runs on: run the test on both."""
    if request.param == "postgresql":
        request.applymarker(pytest.mark.postgres)
    with store_location(request.param, tmp_path) as location:
        yield location
