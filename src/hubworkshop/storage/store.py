"""The workshop database: one SQLite file (WAL) shared by every terminal of a workshop.

`Store` opens, creates and checks the file, owns its connections, and composes one service
per concern; each service is given only the others it uses:

    store.database       base.py           connections, clock, ids, the event-log writer
    store.catalog        catalog.py        the plan and question bank, as the database keeps them
    store.rooms          room_clock.py     each room's question, phase, clock and roles taken
    store.participants   participants.py   names, consent, language
    store.contributions  contributions.py  capture, reading, search, edits
    store.votes          votes.py          dot-vote rounds and dots
    store.points         points.py         merge and split, clusters, actions, takeaways
    store.rankings       rankings.py       task rankings
    store.purposes       rankings.py       purpose statements
    store.events         event_log.py      the log as readers see it, the dashboard's totals
    store.snapshot()     snapshot.py       one consistent read for reports

Whole-file work (merging a copy, erasing a person, backup, archive import) is in functions
that take the store: merge.py, erase.py, backup.py, restore.py.

Rules every write keeps: one `BEGIN IMMEDIATE` transaction that has committed before the
call returns, with its entry in the append-only `events` table in the same transaction.
Reads run on connections of their own (`connections.py`) and never wait for a write. The
database keeps a snapshot of the plan and bank it was created from, so a later edit of the
bank never rewrites what a workshop discussed.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path

from hubworkshop.domain.errors import StoreError
from hubworkshop.domain.i18n import _
from hubworkshop.domain.model import Plan
from hubworkshop.domain.records import WorkshopRecord
from hubworkshop.storage.base import Database, utc_now
from hubworkshop.storage.catalog import Catalog
from hubworkshop.storage.connections import Connections, connect
from hubworkshop.storage.contributions import Contributions
from hubworkshop.storage.event_log import EventLog
from hubworkshop.storage.files import (
    create_private_file,
    explain,
    link_into_place,
    refuse_foreign_file,
    remove_with_side_files,
    set_orphans_aside,
)
from hubworkshop.storage.participants import Participants
from hubworkshop.storage.points import Points
from hubworkshop.storage.rankings import Purposes, Rankings
from hubworkshop.storage.room_clock import Rooms
from hubworkshop.storage.snapshot import take_snapshot
from hubworkshop.storage.sql import Db
from hubworkshop.storage.version import (
    MIGRATION_NAMES,
    MIGRATION_SET,
    MIGRATIONS_TABLE,
    SCHEMA_VERSION,
)
from hubworkshop.storage.votes import Votes
from hubworkshop.storage.watcher import POLL_SECONDS, ChangeWatcher

PlanSource = Plan | Callable[[], Plan]


class Store:
    """A workshop database. Open it with `Store.open(path, plan=...)`."""

    def __init__(
        self, connections: Connections, path: Path, clock: Callable[[], str] = utc_now
    ) -> None:
        self.database = database = Database(connections, path, clock)
        self.catalog = catalog = Catalog(database)
        self.rooms = Rooms(database, catalog)
        self.participants = participants = Participants(database, catalog)
        self.contributions = contributions = Contributions(database, catalog, participants)
        self.votes = Votes(database, catalog, participants, contributions)
        self.points = Points(database, catalog, contributions)
        self.rankings = Rankings(database, catalog, participants)
        self.purposes = Purposes(database, catalog)
        self.events = EventLog(database, catalog)

    # -- the file and its connections ---------------------------------------------------------

    @property
    def path(self) -> Path:
        return self.database.path

    @property
    def connections(self) -> Connections:
        return self.database.connections

    @property
    def clock(self) -> Callable[[], str]:
        return self.database.clock

    @property
    def new_id(self) -> Callable[[], str]:
        return self.database.new_id

    @new_id.setter
    def new_id(self, make: Callable[[], str]) -> None:
        """Tests give ids in a known order (so a snapshot of the screen is repeatable)."""
        self.database.new_id = make

    @property
    def db(self) -> Db:
        """The write connection (for tests and maintenance; services use `write()`)."""
        return self.database.connections.writer

    def write(self, *, wait: bool = True) -> contextlib.AbstractContextManager[Db]:
        """One write transaction: `BEGIN IMMEDIATE` ... `COMMIT`, returning after the commit."""
        return self.database.write(wait=wait)

    def read(self, *, transaction: bool = False) -> contextlib.AbstractContextManager[Db]:
        """A read connection; it never waits for a write of this process."""
        return self.database.read(transaction=transaction)

    def snapshot(self) -> WorkshopRecord:
        """Everything an export reads, as of one moment: terminals may write meanwhile."""
        return take_snapshot(self)

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        plan: PlanSource | None = None,
        *,
        clock: Callable[[], str] = utc_now,
    ) -> Store:
        """Open (or create from `plan`) a workshop database.

        `plan` may be a callable, so it is only read when the database is new. Raises
        StoreError, with a message for the user, for anything that is not a usable
        hubworkshop database; in that case the file is left exactly as it was.

        A new database is built under a temporary name and linked into place only when
        complete, so several processes starting at once never see a half-made one.
        """
        path = Path(path)
        refuse_foreign_file(path)
        if not path.exists():
            if plan is None:
                raise StoreError(
                    _("{path}: no such database, and no plan to create it from").format(path=path)
                )
            cls._create(path, plan, clock)
        return cls._connect(path, plan, clock)

    def file_is_gone(self) -> bool:
        """Whether the file this store opened is no longer at its path (removed, or replaced
        by another): SQLite goes on writing to the file it holds, which nobody will read."""
        try:
            now = os.stat(self.path)
        except OSError:
            return True
        return self._identity is not None and (now.st_dev, now.st_ino) != self._identity

    _identity: tuple[int, int] | None = None

    @classmethod
    def _connect(cls, path: Path, plan: PlanSource | None, clock: Callable[[], str]) -> Store:
        conn = connect(path)
        store = cls(Connections(path, conn), path, clock)
        with contextlib.suppress(OSError):
            opened = os.stat(path)
            store._identity = (opened.st_dev, opened.st_ino)
        try:
            store._check_version()
            store._configure()
            store._migrate_and_seed(plan)
        except sqlite3.DatabaseError as error:
            store.close()
            raise StoreError(f"{path}: {explain(error)}") from None
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def _create(cls, path: Path, plan: PlanSource, clock: Callable[[], str]) -> None:
        set_orphans_aside(path)
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.creating")
        create_private_file(temporary)
        try:
            cls._connect(temporary, plan, clock).close()
            link_into_place(temporary, path, exists=None)  # another process first: theirs
        finally:
            remove_with_side_files(temporary)

    def close(self) -> None:
        self.connections.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_version(self) -> None:
        """Read-only checks, before anything (even WAL mode) touches the file."""
        db = self.connections.writer
        tables = {r["name"] for r in db.query("SELECT name FROM sqlite_master")}
        user_version = db.execute("PRAGMA user_version").fetchone()[0]
        if user_version > SCHEMA_VERSION:
            raise StoreError(
                _(
                    "{path}: this database was written by a newer hubworkshop (schema {user_version}; this version knows up to {SCHEMA_VERSION}). Upgrade hubworkshop to open it; the file was not changed."
                ).format(path=self.path, user_version=user_version, SCHEMA_VERSION=SCHEMA_VERSION)
            )
        if tables and MIGRATIONS_TABLE not in tables:
            raise StoreError(
                _(
                    "{path}: this is an SQLite database, but not a hubworkshop one; the file was not changed. Give another path with --db."
                ).format(path=self.path)
            )
        applied = (
            [
                row[0]
                for row in db.execute(
                    f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ?",
                    [MIGRATION_SET],
                )
            ]
            if tables
            else []
        )
        unknown = [name for name in applied if name not in MIGRATION_NAMES]
        if unknown:
            raise StoreError(
                _(
                    "{path}: this database was written by a newer hubworkshop (it has migration {unknown!r}). Upgrade hubworkshop to open it; the file was not changed."
                ).format(path=self.path, unknown=unknown[0])
            )

    def _configure(self) -> None:
        db = self.connections.writer
        mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise StoreError(
                _("{path}: cannot switch the database to WAL mode ({mode})").format(
                    path=self.path, mode=mode
                )
            )
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")

    def _migrate_and_seed(self, plan: PlanSource | None) -> None:
        writer = self.connections.writer
        if (
            writer.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
            and writer.execute("SELECT 1 FROM workshop LIMIT 1").fetchone() is not None
        ):
            return  # up to date and seeded: nothing to write (every start, every `add`)
        with self.write() as db:
            if db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                # Only a new or older database pays for loading the migrations.
                from hubworkshop.storage.schema import migrate

                migrate(db.conn)
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            if db.count("workshop") == 0:
                if plan is None:
                    raise StoreError(
                        _("{path}: the database is empty and no plan was given").format(
                            path=self.path
                        )
                    )
                self.catalog.seed(plan() if callable(plan) else plan)

    # -- watching and checking ---------------------------------------------------------------

    def watch(
        self, changed: Callable[[], None], *, interval: float = POLL_SECONDS
    ) -> ChangeWatcher:
        """Call `changed()` (from a thread of its own) whenever another connection commits."""
        return ChangeWatcher(self.connections, changed, interval=interval).start()

    def integrity_check(self) -> str:
        with self.read() as db:
            return str(db.execute("PRAGMA integrity_check").fetchone()[0])
