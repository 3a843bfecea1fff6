"""A consistent copy of a live workshop database (`hubworkshop backup`).

`VACUUM INTO` copies the database as one read transaction sees it: every row committed before
the copy began, nothing half-written, while other terminals keep writing (WAL mode lets them).
The copy is written under a temporary name beside the destination, readable by its owner only
(it holds off-the-record words), and linked into place when complete: an existing file is
never replaced.
"""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

from hubworkshop.domain.errors import StoreError
from hubworkshop.domain.i18n import _
from hubworkshop.storage.files import create_private_file, explain, link_into_place
from hubworkshop.storage.store import Store


def backup(store: Store, destination: Path) -> int:
    """Copy the workshop to `destination` (a new file), check the copy, and return how many
    contributions it holds."""
    destination = Path(destination)
    if destination.exists() or destination.is_symlink():
        raise StoreError(
            _("{destination}: already exists; a backup never replaces a file").format(
                destination=destination
            )
        )
    if destination.resolve() == store.path.resolve():
        raise StoreError(
            _("{destination}: that is the database itself").format(destination=destination)
        )
    if not destination.parent.is_dir():
        raise StoreError(_("{parent}: no such folder").format(parent=destination.parent))
    temporary = destination.with_name(f".{destination.name}.{uuid.uuid4().hex[:12]}.backup")
    create_private_file(temporary)
    try:
        # On the connection that may write (the pooled readers are read-only, and VACUUM
        # INTO writes the new file); it reads the source in one transaction, without a lock
        # on writers.
        try:
            store.connections.writer.conn.execute("VACUUM INTO ?", [str(temporary)])
        except sqlite3.Error as error:
            raise StoreError(
                _("{destination}: the copy failed: {explain}").format(
                    destination=destination, explain=explain(error)
                )
            ) from None
        link_into_place(
            temporary, destination, exists="already exists; a backup never replaces a file"
        )
    finally:
        temporary.unlink(missing_ok=True)
    return _checked(destination)


def _checked(copy: Path) -> int:
    """Open the copy read-only: it must pass SQLite's integrity check."""
    conn = sqlite3.connect(f"{copy.resolve().as_uri()}?mode=ro", uri=True)
    try:
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise StoreError(
                _("{copy}: the copy fails SQLite's integrity check: {verdict}").format(
                    copy=copy, verdict=verdict
                )
            )
        return int(
            conn.execute("SELECT count(*) FROM contributions WHERE deleted_at IS NULL").fetchone()[
                0
            ]
        )
    finally:
        conn.close()
