"""Watching the database for commits made by other connections (other terminals, the CLI).

`PRAGMA data_version` changes only when another connection commits, and costs a few
microseconds: a daemon thread polls it on a connection of its own and says so.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable

from hubworkshop.storage.connections import Connections

POLL_SECONDS = 0.2
SETTLE_SECONDS = 0.75
"""The longest time between two calls of `changed()`: each gap is drawn between two thirds of
it and all of it (0.5-0.75 s, 0.625 s on average). A quiet room hears of a commit within a
poll; a busy one (forty note-takers, sixteen notes a second) reads and redraws about 1.6 times
a second instead of at every poll (each terminal's reading and drawing is the cost that grows
with the number of terminals), at moments of its own, not all terminals at once after the
same commit; and no commit waits longer than this, and a poll, to be shown."""
SETTLE_SHORTEST = 2 / 3
"""The shortest gap, as a share of the longest."""


class ChangeWatcher:
    """Calls `changed()` from its own thread after another connection commits."""

    def __init__(
        self,
        connections: Connections,
        changed: Callable[[], None],
        *,
        interval: float = POLL_SECONDS,
        settle: float = SETTLE_SECONDS,
    ) -> None:
        self._connections = connections
        self._changed = changed
        self._interval = interval
        self._settle = settle
        self._stop = threading.Event()
        # A daemon thread, not a Textual worker, so waiting for an app's workers ends.
        self._thread = threading.Thread(target=self._run, name="hubworkshop-watcher", daemon=True)

    def start(self) -> ChangeWatcher:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        # Here rather than at the top: concurrent.futures brings logging, which a
        # command-line `add` (that never watches) need not load.
        from concurrent.futures import CancelledError
        from random import uniform

        try:
            with self._connections.dedicated() as conn:
                last = conn.execute("PRAGMA data_version").fetchone()[0]
                while not self._stop.wait(self._interval):
                    version = conn.execute("PRAGMA data_version").fetchone()[0]
                    if version != last:
                        last = version
                        self._changed()
                        settle = self._settle * uniform(SETTLE_SHORTEST, 1.0) - self._interval
                        if settle > 0 and self._stop.wait(settle):
                            return
        except (sqlite3.Error, RuntimeError, CancelledError):
            return  # the database went away, or the receiver is closing: nothing to watch
