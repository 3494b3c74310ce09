"""Fixtures shared by several test files: the command layer's stores, history and clock.

They live in ``tests/fake_commands.py``; naming them here lets pytest find them by name in
the command tests of every platform. A test file that defines a fixture of the same name
uses its own.
"""

from tests.fake_commands import clock, deps, history, store  # noqa: F401
