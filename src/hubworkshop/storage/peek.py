"""A glance at a workshop database before the store opens it, for work the command line
starts while Python is still importing the rest (`cli/__init__.py`). It never raises, never
waits for a lock, and never creates, changes or migrates anything: whatever it cannot read
is simply not known yet, and the store opens the file properly afterwards."""

from __future__ import annotations

import os
import sqlite3
import stat


def workshop_languages(path: str) -> tuple[str, ...]:
    """The languages of the workshop in the SQLite file at `path`, or () when it is not a
    readable workshop database (not there yet, a FIFO, locked, another kind of file)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO would hang the read
            return ()
        quoted = os.path.abspath(path).replace("%", "%25").replace("?", "%3f").replace("#", "%23")
        conn = sqlite3.connect(f"file:{quoted}?mode=ro", uri=True, timeout=0)
    except (OSError, sqlite3.Error):
        return ()
    try:
        row = conn.execute("SELECT languages FROM workshop").fetchone()
        # A JSON list of ISO codes, read without the json module: this runs before the
        # helper starts, and every millisecond here is one the helper starts later.
        return tuple(code.strip(' "') for code in row[0].strip("[]").split(",")) if row else ()
    except (sqlite3.Error, AttributeError):
        return ()
    finally:
        conn.close()
