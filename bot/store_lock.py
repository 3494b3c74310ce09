"""One writing process at a time on a SQLite store.

``run``, ``poll`` and ``backfill`` write the store and send what it owes the channels. Two of
them on one SQLite file would each poll the same feeds and each send the same owed alerts:
SQLite gives no lock that outlives a transaction, so nothing else would stop the second
process from posting an alert the first is posting. The writing commands hold an exclusive
lock on a file beside the store (``<store>.lock``) for as long as they run; a second one
stops at once with an error naming the process that holds it. The operating system drops the
lock when its process ends, however it ends, so a crash never leaves the store locked.

Readers (``status``, ``history``, ``export``) take no lock: SQLite's write-ahead log lets them
read while a writer works. On PostgreSQL, any number of processes share the store; the
workers coordinate through the database itself (``bot.distributed``).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from watchers.db import is_postgres_url
from watchers.errors import StoreError

try:
    import fcntl
except ImportError:  # not on Windows: there, no lock is taken
    fcntl = None  # type: ignore[assignment]


class StoreBusy(StoreError):
    """Another process is writing the same SQLite store."""


def lock_path(location: str) -> Path | None:
    """The lock file for a store, or None when the store needs none (PostgreSQL, memory)."""
    if is_postgres_url(location) or location == ":memory:":
        return None
    return Path(f"{location}.lock")


@contextlib.contextmanager
def writing_alone(location: str) -> Iterator[None]:
    """Hold the store's lock for the block; ``StoreBusy`` when another process holds it."""
    path = lock_path(location)
    if path is None or fcntl is None:
        yield
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise StoreError(f"cannot open the store's lock file {path}: {e}") from e
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 200, 0).decode("utf-8", "replace").strip()
            raise StoreBusy(
                f"the store {location} is in use by another partnership-watch process "
                f"({holder or 'unknown'}); stop it first, give this command another "
                "[store] path, or keep the store on PostgreSQL to run several processes"
            ) from None
        except OSError as e:  # a file system without locks, say
            raise StoreError(f"cannot lock the store's lock file {path}: {e}") from e
        # Who holds it, for the error the next process prints (the lock itself is the flock);
        # only a courtesy, so a full disk does not stop the command here.
        with contextlib.suppress(OSError):
            os.ftruncate(descriptor, 0)
            command = " ".join([Path(sys.argv[0]).name, *sys.argv[1:2]])
            os.pwrite(descriptor, f"pid {os.getpid()}: {command}\n".encode(), 0)
        yield
    finally:
        os.close(descriptor)  # closing the file releases the lock
