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
SETTLE_SECONDS = 0.7
"""The period of each watcher's own moments: a quiet room hears of a commit at the next poll,
then the watcher lets the next commits settle until its next moment, on a grid
`SETTLE_SECONDS` apart whose phase it draws at random when it starts. A busy room
(forty note-takers, sixteen notes a second) is then read and redrawn by each terminal about
1.4 times a second instead of at every poll (each terminal's reading and drawing is the cost
that grows with the number of terminals), its terminals at moments spread evenly over the
period rather than all together after the same commit, and no commit waits longer than
this, and a poll, to be shown."""


class ChangeWatcher:
    """Calls `changed()` from its own thread after another connection commits."""

    def __init__(
        self,
        connections: Connections,
        changed: Callable[[], None],
        *,
        interval: float = POLL_SECONDS,
        settle: float = SETTLE_SECONDS,
        phase: float | None = None,
    ) -> None:
        """`phase`: where this watcher's moments fall in each `settle` period (seconds of
        the monotonic clock, modulo `settle`); drawn at random unless given."""
        self._connections = connections
        self._changed = changed
        self._interval = interval
        self._settle = settle
        self._phase = phase
        self._stop = threading.Event()
        self._watching = threading.Event()
        # A daemon thread, not a Textual worker, so waiting for an app's workers ends.
        self._thread = threading.Thread(target=self._run, name="hubworkshop-watcher", daemon=True)

    def start(self) -> ChangeWatcher:
        """Start watching; returns once the watcher knows the database's present version, so
        a commit made after this returns is always reported (on a busy machine the thread
        could otherwise read its first version after that commit, and never report it)."""
        self._thread.start()
        while not self._watching.wait(0.05):
            if not self._thread.is_alive():
                break  # the database went away before it could be read: nothing to watch
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        # Here rather than at the top: concurrent.futures brings logging, which a
        # command-line `add` (that never watches) need not load.
        from concurrent.futures import CancelledError
        from random import uniform
        from time import monotonic

        settle = self._settle
        phase = uniform(0, settle) if self._phase is None else self._phase
        try:
            with self._connections.dedicated() as conn:
                last = conn.execute("PRAGMA data_version").fetchone()[0]
                self._watching.set()
                while not self._stop.wait(self._interval):
                    version = conn.execute("PRAGMA data_version").fetchone()[0]
                    if version != last:
                        last = version
                        try:
                            self._changed()
                        except sqlite3.OperationalError:
                            # The receiver's read met a busy moment (a lock, a checkpoint):
                            # it is told again at the next poll. Ending here left line mode
                            # deaf for good to every later commit (seen on a loaded machine).
                            last = None
                            continue
                        if settle <= 0:
                            continue
                        # Poll next at this watcher's next moment (or at the next poll).
                        now = monotonic()
                        wait = (phase - now) % settle - self._interval
                        if wait > 0 and self._stop.wait(wait):
                            return
        except (sqlite3.Error, RuntimeError, CancelledError):
            return  # the database went away, or the receiver is closing: nothing to watch
