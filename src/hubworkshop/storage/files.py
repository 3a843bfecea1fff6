"""The database file on disk: what may be opened, how a new one is made, what errors mean."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import time
from pathlib import Path

from hubworkshop.domain.errors import StoreError
from hubworkshop.domain.i18n import _

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_SECONDS = 30.0


def refuse_foreign_file(path: Path) -> None:
    """Refuse anything that exists but is not an SQLite file, before SQLite opens it."""
    if path.is_dir():
        raise StoreError(_("{path}: is a folder, not a database file").format(path=path))
    if not path.exists():
        if not path.parent.is_dir():
            raise StoreError(
                _("{path}: the folder {parent} does not exist").format(
                    path=path, parent=path.parent
                )
            )
        return
    if not stat.S_ISREG(path.stat().st_mode):  # a FIFO would hang, a device is no database
        raise StoreError(
            _("{path}: not a regular file, so not a database; nothing was changed").format(
                path=path
            )
        )
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise StoreError(
            _("{path}: cannot read the database: {strerror}").format(
                path=path, strerror=error.strerror
            )
        ) from None
    if header and header != SQLITE_HEADER:
        raise StoreError(
            _("{path}: not an SQLite database; the file was not changed").format(path=path)
        )


def link_into_place(temporary: Path, path: Path, *, exists: str | None) -> None:
    """Give the finished file built at `temporary` its name `path`, atomically and never over
    an existing file: then `exists` is the refusal (None: another process made it first,
    and theirs is used)."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        if exists is not None:
            raise StoreError(f"{path}: {exists}") from None
    except OSError as error:
        raise StoreError(
            _("{path}: cannot create the file: {strerror}").format(
                path=path, strerror=error.strerror
            )
        ) from None


def set_orphans_aside(path: Path) -> list[Path]:
    """The -wal and -shm files of a database that is no longer there (removed while an app
    had it open), renamed aside before a new database takes the name: SQLite would replay
    an orphaned write-ahead log into the new file, bringing back rows of the old one (or
    breaking it). Kept, not deleted: they are the old database's last writes. Returns where
    they went."""
    moved: list[Path] = []
    if path.exists():
        return moved
    stamp = time.strftime("%Y%m%dT%H%M%S")
    for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        if side.exists() and not path.exists():
            aside = side.with_name(f"{side.name}.orphaned-{stamp}")
            with contextlib.suppress(OSError):
                side.rename(aside)
                moved.append(aside)
    return moved


def remove_with_side_files(path: Path) -> None:
    """Remove a temporary database and the -wal and -shm files SQLite may have left beside it."""
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


def create_private_file(path: Path) -> None:
    """Create a new, empty database file readable by its owner only."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError as error:
        raise StoreError(
            _("{path}: cannot create the database: {strerror}").format(
                path=path, strerror=error.strerror
            )
        ) from None
    os.close(fd)


def is_busy(error: sqlite3.Error) -> bool:
    """Whether another connection's lock is what stopped this one."""
    lowered = str(error).lower()
    return "locked" in lowered or "busy" in lowered


def explain(error: sqlite3.Error) -> str:
    """An SQLite error as a sentence for the person whose work it stopped."""
    message = str(error)
    lowered = message.lower()
    if is_busy(error):
        return (
            f"the database stayed locked by another program for {BUSY_TIMEOUT_SECONDS:.0f} s "
            f"({message}); nothing was saved, try again"
        )
    if "readonly" in lowered or "read-only" in lowered:
        return "the database is read-only; nothing was saved"
    if "full" in lowered:
        return "the disk is full; nothing was saved"
    if "malformed" in lowered or "not a database" in lowered or "corrupt" in lowered:
        return f"the database file is damaged ({message}); the file was not changed"
    return f"database error: {message}"
