"""Connections to one workshop database: one write path, and read connections that never wait
on it.

* Every write is one explicit `BEGIN IMMEDIATE` transaction on the single write connection,
  under a lock, and returns only after `COMMIT`. (sqlite-utils' `db.atomic()` opens a
  *deferred* transaction, which under several writer processes fails with "database is
  locked" instead of waiting.)
* Reads take a connection of their own from a small pool (WAL lets them run beside a write),
  so a write that waits for another process's lock never holds up a read, on the UI thread
  or in a worker. Textual starts a thread per worker, so connections are pooled rather than
  kept per thread. A read made inside a write, on the writing thread, uses the write
  connection and sees the transaction's own changes.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from hubworkshop.domain.errors import StoreError
from hubworkshop.domain.i18n import _
from hubworkshop.storage.files import BUSY_TIMEOUT_SECONDS, explain, is_busy
from hubworkshop.storage.sql import Db

NOTICE_AFTER_SECONDS = 1.0
"""How long a write waits for another process's lock before `on_wait` is told."""
QUICK_SECONDS = 0.1
"""How long a write that must not wait (`write(wait=False)`) tries for the locks."""


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), usable from any thread."""
    try:
        conn = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False, isolation_level=None
        )
    except sqlite3.Error as error:
        raise StoreError(
            _("{path}: cannot open the database: {error}").format(path=path, error=error)
        ) from None
    conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
    conn.execute("PRAGMA recursive_triggers=ON")  # as sqlite-utils, which made the schema, sets
    return conn


class Connections:
    """The write connection and the pool of read connections of one `Store`."""

    def __init__(self, path: Path, writer: sqlite3.Connection) -> None:
        self.path = path
        self.writer = Db(writer)
        self._write_lock = threading.RLock()
        self._writing: int | None = None  # the thread inside write(), if any
        self._pool_lock = threading.Lock()
        self._idle: list[Db] = []
        self._open: list[Db] = []
        self._closed = False
        self._local = threading.local()  # the read connection this thread is using, if any
        self.on_wait: Callable[[], None] | None = None
        """Called once when a write has waited `NOTICE_AFTER_SECONDS` for another process's
        lock, and goes on waiting (the command line says so; the room shows "saving…")."""

    # -- writing ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def write(self, *, wait: bool = True) -> Iterator[Db]:
        """One write transaction: `BEGIN IMMEDIATE` ... `COMMIT`, returning after the commit.
        With `wait=False`, a write that would wait for another (this process's or another
        one's) is refused at once with StoreError: for bookkeeping that can come later."""
        db = self.writer
        if not self._write_lock.acquire(timeout=-1 if wait else QUICK_SECONDS):
            raise StoreError(f"{self.path}: {_('busy: another write is under way')}")
        try:
            try:
                if wait:
                    self._begin(db)
                else:
                    self._begin_quickly(db)
            except sqlite3.OperationalError as error:
                raise StoreError(f"{self.path}: {explain(error)}") from None
            self._writing = threading.get_ident()
            try:
                yield db
                db.execute("COMMIT")
            except sqlite3.Error as error:
                db.conn.rollback()
                raise StoreError(f"{self.path}: {explain(error)}") from None
            except BaseException:
                db.conn.rollback()
                raise
            finally:
                self._writing = None
        finally:
            self._write_lock.release()

    def _begin_quickly(self, db: Db) -> None:
        conn = db.conn
        conn.execute(f"PRAGMA busy_timeout={int(QUICK_SECONDS * 1000)}")
        try:
            conn.execute("BEGIN IMMEDIATE")
        finally:
            conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")

    def _begin(self, db: Db) -> None:
        """`BEGIN IMMEDIATE`, waiting up to BUSY_TIMEOUT_SECONDS for another process's
        write lock; with `on_wait`, a first short wait, the call, then the rest."""
        if self.on_wait is None:
            db.execute("BEGIN IMMEDIATE")
            return
        conn = db.conn
        conn.execute(f"PRAGMA busy_timeout={int(NOTICE_AFTER_SECONDS * 1000)}")
        try:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if not is_busy(error):
                    raise
            self.on_wait()
            rest = BUSY_TIMEOUT_SECONDS - NOTICE_AFTER_SECONDS
            conn.execute(f"PRAGMA busy_timeout={int(rest * 1000)}")
            conn.execute("BEGIN IMMEDIATE")
        finally:
            conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")

    # -- reading ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def read(self, *, transaction: bool = False) -> Iterator[Db]:
        """A read connection. With `transaction`, every query inside sees one snapshot of the
        database (a deferred read transaction), whatever other connections commit meanwhile.
        Reads nested in it on the same thread use the same connection, so they see it too."""
        if self._writing == threading.get_ident():
            yield self.writer  # inside this thread's write: see its own changes
            return
        current: Db | None = getattr(self._local, "db", None)
        if current is not None:
            yield current  # nested in a read of this thread: the same connection and snapshot
            return
        db = self._checkout()
        self._local.db = db
        try:
            if transaction:
                db.execute("BEGIN")
            try:
                yield db
            finally:
                if transaction:
                    db.execute("COMMIT")
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: {explain(error)}") from None
        finally:
            self._local.db = None
            self._checkin(db)

    def _checkout(self) -> Db:
        with self._pool_lock:
            if self._closed:
                raise StoreError(_("{path}: the database is closed").format(path=self.path))
            if self._idle:
                return self._idle.pop()
        conn = connect(self.path)
        conn.execute("PRAGMA query_only=ON")  # a read connection never writes, by mistake or not
        db = Db(conn)
        with self._pool_lock:
            self._open.append(db)
        return db

    def _checkin(self, db: Db) -> None:
        with self._pool_lock:
            if self._closed:
                db.close()
            else:
                self._idle.append(db)

    @contextlib.contextmanager
    def dedicated(self) -> Iterator[sqlite3.Connection]:
        """A read connection for one long-lived user (the change watcher), closed after."""
        conn = connect(self.path)
        try:
            yield conn
        finally:
            conn.close()

    # -- closing ---------------------------------------------------------------------------

    def close(self) -> None:
        with self._pool_lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for db in idle:
            db.close()
        with self._write_lock:
            self.writer.close()
