"""The workshop database: one SQLite file (WAL) shared by every terminal of a workshop.

Rules this module keeps:

* Every write is one explicit `BEGIN IMMEDIATE` transaction, and a write method returns
  only after `COMMIT`. (sqlite-utils' `db.atomic()` opens a *deferred* transaction, which
  under several writer processes fails with "database is locked" instead of waiting.)
* One connection per `Store`, usable from any thread (`check_same_thread=False`), every
  use serialised by a lock. Several processes each open their own `Store`.
* The database keeps a snapshot of the plan and question bank it was created from, so a
  later edit of the bank never rewrites what a workshop discussed.
* Every change is written to the append-only `events` table in the same transaction.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from hubworkshop.domain.errors import HubworkshopError, NotFoundError, StoreError
from hubworkshop.domain.model import (
    Activity,
    Consent,
    Contribution,
    Kind,
    LocalText,
    Participant,
    Phase,
    Plan,
    Question,
    Role,
    Room,
    Theme,
)
from hubworkshop.domain.timer import Countdown, parse_time

SQLITE_HEADER = b"SQLite format 3\x00"
BULK_ROWS = 500  # from this many rows in one batch, index them for search in one go
BUSY_TIMEOUT_SECONDS = 30.0

MIGRATIONS = Migrations("hubworkshop")


@MIGRATIONS(name="0001_initial")
def _initial(db: Database) -> None:
    for statement in _INITIAL_SCHEMA.split(";\n"):
        if statement.strip():
            db.execute(statement)
    # Trigram FTS: substring search in any script (CJK has no spaces between words).
    db["contributions"].enable_fts(["text"], create_triggers=True, tokenize="trigram")


@MIGRATIONS(name="0002_room_state")
def _room_state(db: Database) -> None:
    """Where each room is: its open question and its phase timer, shared by every terminal."""
    db.execute(
        """
        CREATE TABLE room_state (
            room TEXT PRIMARY KEY REFERENCES rooms(id),
            question TEXT REFERENCES questions(id),
            question_opened_at TEXT,
            phase TEXT REFERENCES phases(id),
            timer_seconds INTEGER NOT NULL DEFAULT 0,
            timer_elapsed_ms INTEGER NOT NULL DEFAULT 0,
            timer_started_at TEXT,
            updated_at TEXT NOT NULL
        ) STRICT
        """
    )
    # Databases created before this migration: every room starts on its first question.
    db.execute(
        """
        INSERT INTO room_state (room, question, updated_at)
        SELECT r.id,
            (SELECT question FROM room_questions q WHERE q.room = r.id ORDER BY position LIMIT 1),
            strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
        FROM rooms r
        """
    )


@MIGRATIONS(name="0003_activities")
def _activities(db: Database) -> None:
    """Dot-vote rounds, merged points, clusters, action owners, key takeaways."""
    for statement in (
        "ALTER TABLE contributions ADD COLUMN merged_into TEXT REFERENCES contributions(id)",
        "ALTER TABLE contributions ADD COLUMN cluster TEXT",
        "ALTER TABLE contributions ADD COLUMN owner TEXT",
        "ALTER TABLE contributions ADD COLUMN due TEXT",
        "ALTER TABLE votes ADD COLUMN round INTEGER REFERENCES vote_rounds(id)",
        """
        CREATE TABLE vote_rounds (
            id INTEGER PRIMARY KEY,
            room TEXT NOT NULL REFERENCES rooms(id),
            dots INTEGER NOT NULL,
            opened_at TEXT NOT NULL,
            closed_at TEXT,
            result TEXT
        ) STRICT
        """,
        """
        CREATE TABLE takeaways (
            room TEXT NOT NULL REFERENCES rooms(id),
            position INTEGER NOT NULL,
            contribution TEXT NOT NULL REFERENCES contributions(id),
            PRIMARY KEY (room, position)
        ) STRICT
        """,
        "CREATE INDEX contributions_merged ON contributions (merged_into)",
    ):
        db.execute(statement)


@MIGRATIONS(name="0004_live_points_index")
def _live_points_index(db: Database) -> None:
    """The rows a room's list shows, in order, straight from an index: 44 -> 27 ms for a room
    of 100,000, the first thing opening a room waits for."""
    db.execute(
        "CREATE INDEX contributions_live ON contributions (room, seq) "
        "WHERE deleted_at IS NULL AND merged_into IS NULL"
    )


_KINDS = ", ".join(f"'{k.value}'" for k in Kind)
_CONSENTS = ", ".join(f"'{c.value}'" for c in Consent)
_INITIAL_SCHEMA = f"""
CREATE TABLE workshop (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    date TEXT NOT NULL,
    start TEXT NOT NULL,
    end TEXT NOT NULL,
    timezone TEXT NOT NULL,
    languages TEXT NOT NULL,
    note TEXT NOT NULL,
    dots INTEGER NOT NULL,
    url TEXT NOT NULL,
    organisers TEXT NOT NULL,
    bank_id TEXT NOT NULL,
    bank_title TEXT NOT NULL,
    bank_languages TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE TABLE phases (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    part TEXT NOT NULL,
    title TEXT NOT NULL,
    activity TEXT NOT NULL,
    start TEXT NOT NULL,
    minutes INTEGER NOT NULL
) STRICT;
CREATE TABLE rooms (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    name TEXT NOT NULL
) STRICT;
CREATE TABLE themes (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    title TEXT NOT NULL
) STRICT;
CREATE TABLE questions (
    id TEXT PRIMARY KEY,
    theme TEXT NOT NULL REFERENCES themes(id),
    position INTEGER NOT NULL,
    headline INTEGER NOT NULL,
    text TEXT NOT NULL,
    follow_ups TEXT NOT NULL
) STRICT;
CREATE TABLE room_questions (
    room TEXT NOT NULL REFERENCES rooms(id),
    question TEXT NOT NULL REFERENCES questions(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (room, question)
) STRICT;
CREATE TABLE roles (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    label TEXT NOT NULL
) STRICT;
CREATE TABLE participants (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    consent TEXT NOT NULL CHECK (consent IN ({_CONSENTS})),
    language TEXT,
    room TEXT REFERENCES rooms(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE TABLE contributions (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    room TEXT NOT NULL REFERENCES rooms(id),
    question TEXT REFERENCES questions(id),
    kind TEXT NOT NULL CHECK (kind IN ({_KINDS})),
    text TEXT NOT NULL,
    language TEXT NOT NULL,
    author INTEGER REFERENCES participants(id),
    note_taker TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    parked INTEGER NOT NULL DEFAULT 0,
    starred INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX contributions_room ON contributions (room, seq);
CREATE INDEX contributions_question ON contributions (question, seq);
CREATE TABLE contribution_tags (
    contribution TEXT NOT NULL REFERENCES contributions(id),
    tag TEXT NOT NULL,
    PRIMARY KEY (contribution, tag)
) STRICT;
CREATE INDEX contribution_tags_tag ON contribution_tags (tag);
CREATE TABLE votes (
    id INTEGER PRIMARY KEY,
    contribution TEXT NOT NULL REFERENCES contributions(id),
    participant INTEGER REFERENCES participants(id),
    dots INTEGER NOT NULL DEFAULT 1,
    note_taker TEXT,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX votes_contribution ON votes (contribution);
CREATE TABLE rankings (
    id INTEGER PRIMARY KEY,
    room TEXT NOT NULL REFERENCES rooms(id),
    participant INTEGER REFERENCES participants(id),
    role TEXT NOT NULL REFERENCES roles(id),
    position INTEGER NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE TABLE purpose_statements (
    id INTEGER PRIMARY KEY,
    room TEXT NOT NULL REFERENCES rooms(id),
    text TEXT NOT NULL,
    author TEXT,
    final INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
) STRICT;
CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT,
    room TEXT,
    action TEXT NOT NULL,
    subject TEXT,
    data TEXT NOT NULL DEFAULT '{{}}'
) STRICT;
CREATE INDEX events_room ON events (room, seq)
"""

SCHEMA_VERSION = len(MIGRATIONS._migrations)


def utc_now() -> str:
    """The current time as ISO 8601 UTC with milliseconds, e.g. 2021-11-27T13:05:00.000Z."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class InputError(HubworkshopError):
    """A value a user typed cannot be stored as it is (empty text, unknown kind...)."""


@dataclass(frozen=True, slots=True)
class Draft:
    """A contribution as a note-taker typed it, before it is stored."""

    room: str
    text: str
    question: str | None = None
    kind: Kind | str = Kind.IDEA
    author: str | None = None
    tags: tuple[str, ...] = ()
    language: str | None = None
    parked: bool = False


@dataclass(frozen=True, slots=True)
class RoomState:
    """A room's open question and phase timer (the timer is driven by the live room UI)."""

    room: str
    question: str | None
    question_opened_at: str | None
    phase: str | None
    timer_seconds: int
    timer_elapsed_ms: int
    timer_started_at: str | None
    updated_at: str


@dataclass(frozen=True, slots=True)
class VoteRound:
    id: int
    room: str
    dots: int
    opened_at: str
    used: dict[str, int]
    cast: int


@dataclass(frozen=True, slots=True)
class PurposeStatement:
    id: int
    room: str
    text: str
    author: str | None
    final: bool
    created_at: str


@dataclass(frozen=True, slots=True)
class Event:
    seq: int
    at: str
    actor: str | None
    room: str | None
    action: str
    subject: str | None
    data: dict[str, Any]


class Store:
    """A workshop database. Open it with `Store.open(path, plan=...)`."""

    def __init__(self, db: Database, path: Path, clock: Callable[[], str] = utc_now):
        self.db = db
        self.path = path
        self.clock = clock
        self.new_id: Callable[[], str] = lambda: str(uuid.uuid4())
        self._phases: list[Phase] | None = None
        self._lock = threading.RLock()
        self._workshop: dict[str, Any] | None = None
        self._rooms: dict[str, Room] | None = None
        self._questions: dict[str, Question] | None = None

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        plan: Plan | Callable[[], Plan] | None = None,
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
        _refuse_foreign_file(path)
        if not path.exists():
            if plan is None:
                raise StoreError(f"{path}: no such database, and no plan to create it from")
            cls._create(path, plan, clock)
        return cls._connect(path, plan, clock)

    @classmethod
    def _connect(
        cls, path: Path, plan: Plan | Callable[[], Plan] | None, clock: Callable[[], str]
    ) -> Store:
        try:
            conn = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False, isolation_level=None
            )
        except sqlite3.Error as error:
            raise StoreError(f"{path}: cannot open the database: {error}") from None
        store = cls(Database(conn, execute_plugins=False), path, clock)
        try:
            store._check_version()
            store._configure()
            store._migrate_and_seed(plan)
        except sqlite3.DatabaseError as error:
            conn.close()
            raise StoreError(f"{path}: {_explain(error)}") from None
        except BaseException:
            conn.close()
            raise
        return store

    @classmethod
    def _create(cls, path: Path, plan: Plan | Callable[[], Plan], clock: Callable[[], str]) -> None:
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.creating")
        _create_private_file(temporary)
        try:
            cls._connect(temporary, plan, clock).close()
            try:
                os.link(temporary, path)  # atomic, and never replaces a file
            except FileExistsError:
                pass  # another process finished first: use theirs
            except OSError as error:
                raise StoreError(f"{path}: cannot create the database: {error.strerror}") from None
        finally:
            for leftover in (temporary, Path(f"{temporary}-wal"), Path(f"{temporary}-shm")):
                leftover.unlink(missing_ok=True)

    def close(self) -> None:
        with self._lock:
            self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_version(self) -> None:
        """Read-only checks, before anything (even WAL mode) touches the file."""
        tables = {r["name"] for r in self.db.query("SELECT name FROM sqlite_master")}
        user_version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if user_version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: this database was written by a newer hubworkshop "
                f"(schema {user_version}; this version knows up to {SCHEMA_VERSION}). "
                "Upgrade hubworkshop to open it; the file was not changed."
            )
        if tables and Migrations.migrations_table not in tables:
            raise StoreError(
                f"{self.path}: this is an SQLite database, but not a hubworkshop one; "
                "the file was not changed. Give another path with --db."
            )
        known = {m.name for m in MIGRATIONS._migrations}
        unknown = [m.name for m in MIGRATIONS.applied(self.db) if m.name not in known]
        if unknown:
            raise StoreError(
                f"{self.path}: this database was written by a newer hubworkshop "
                f"(it has migration {unknown[0]!r}). Upgrade hubworkshop to open it; "
                "the file was not changed."
            )

    def _configure(self) -> None:
        mode = self.db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise StoreError(f"{self.path}: cannot switch the database to WAL mode ({mode})")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")

    def _migrate_and_seed(self, plan: Plan | Callable[[], Plan] | None) -> None:
        with self.write() as db:
            if MIGRATIONS.pending(db):
                MIGRATIONS.apply(db)
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            if db["workshop"].count == 0:
                if plan is None:
                    raise StoreError(f"{self.path}: the database is empty and no plan was given")
                self._seed(plan() if callable(plan) else plan)

    def _seed(self, plan: Plan) -> None:
        """Copy the plan and its whole question bank into a new database."""
        db = self.db
        bank = plan.bank
        now = self.clock()
        db["workshop"].insert(
            {
                "id": plan.id,
                "title": plan.title,
                "date": plan.date.isoformat(),
                "start": f"{plan.start:%H:%M}",
                "end": f"{plan.end:%H:%M}",
                "timezone": plan.timezone,
                "languages": json.dumps(list(plan.languages)),
                "note": plan.note,
                "dots": plan.dots,
                "url": plan.url,
                "organisers": plan.organisers,
                "bank_id": bank.id,
                "bank_title": bank.title,
                "bank_languages": json.dumps(list(bank.languages)),
                "created_at": now,
            }
        )
        db["phases"].insert_all(
            {
                "id": p.id,
                "position": i,
                "part": p.part,
                "title": p.title,
                "activity": p.activity.value,
                "start": f"{p.start:%H:%M}",
                "minutes": p.minutes,
            }
            for i, p in enumerate(plan.phases)
        )
        db["themes"].insert_all(
            {"id": t.id, "position": i, "title": _dumps(t.title)} for i, t in enumerate(bank.themes)
        )
        db["questions"].insert_all(
            {
                "id": q.id,
                "theme": t.id,
                "position": i,
                "headline": int(q.headline),
                "text": _dumps(q.text),
                "follow_ups": json.dumps([f.as_dict() for f in q.follow_ups], ensure_ascii=False),
            }
            for t in bank.themes
            for i, q in enumerate(t.questions)
        )
        db["roles"].insert_all(
            {"id": r.id, "position": i, "label": _dumps(r.label)} for i, r in enumerate(bank.roles)
        )
        db["rooms"].insert_all(
            {"id": r.id, "position": i, "name": r.name} for i, r in enumerate(plan.rooms)
        )
        db["room_questions"].insert_all(
            {"room": r.id, "question": q, "position": i}
            for r in plan.rooms
            for i, q in enumerate(r.questions)
        )
        first = next(
            (p for p in plan.phases if p.activity is Activity.BRAINSTORM),
            plan.phases[0] if plan.phases else None,
        )
        db["room_state"].insert_all(
            {
                "room": r.id,
                "question": r.questions[0],
                "question_opened_at": None,
                "phase": first.id if first else None,
                "timer_seconds": first.minutes * 60 if first else 0,
                "updated_at": now,
            }
            for r in plan.rooms
        )
        self._log("workshop.create", subject=plan.id, data={"bank": bank.id})

    # -- transactions ------------------------------------------------------------------------

    @contextlib.contextmanager
    def write(self) -> Iterator[Database]:
        """One write transaction: `BEGIN IMMEDIATE` ... `COMMIT`, returning after the commit."""
        with self._lock:
            try:
                self.db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                raise StoreError(f"{self.path}: {_explain(error)}") from None
            try:
                yield self.db
                self.db.execute("COMMIT")
            except sqlite3.Error as error:
                self.db.rollback()
                raise StoreError(f"{self.path}: {_explain(error)}") from None
            except BaseException:
                self.db.rollback()
                raise

    @contextlib.contextmanager
    def read(self) -> Iterator[Database]:
        """Reads share the connection, so they take the lock too."""
        with self._lock:
            try:
                yield self.db
            except sqlite3.Error as error:
                raise StoreError(f"{self.path}: {_explain(error)}") from None

    def data_version(self) -> int:
        """Changes whenever another connection commits; microseconds to ask. Poll it."""
        with self.read() as db:
            return db.execute("PRAGMA data_version").fetchone()[0]

    def _log(
        self,
        action: str,
        *,
        subject: str | None = None,
        room: str | None = None,
        actor: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        self.db.execute(
            "INSERT INTO events (at, actor, room, action, subject, data) VALUES (?, ?, ?, ?, ?, ?)",
            (
                self.clock(),
                actor,
                room,
                action,
                subject,
                json.dumps(data or {}, ensure_ascii=False),
            ),
        )

    # -- the workshop as planned -------------------------------------------------------------

    def workshop(self) -> dict[str, Any]:
        """The workshop row (a copy). It never changes after creation, so this is cached."""
        if self._workshop is None:
            with self.read() as db:
                row = next(db.query("SELECT * FROM workshop"))
            row["languages"] = json.loads(row["languages"])
            row["bank_languages"] = json.loads(row["bank_languages"])
            self._workshop = row
        return dict(self._workshop)

    def phases(self) -> list[Phase]:
        """The agenda. It never changes after creation, so this is cached."""
        if self._phases is None:
            self._phases = self._read_phases()
        return list(self._phases)

    def _read_phases(self) -> list[Phase]:
        with self.read() as db:
            rows = list(db.query("SELECT * FROM phases ORDER BY position"))
        return [
            Phase(
                id=r["id"],
                title=r["title"],
                activity=Activity(r["activity"]),
                start=dt.time.fromisoformat(r["start"]),
                minutes=r["minutes"],
                part=r["part"],
            )
            for r in rows
        ]

    def rooms(self) -> dict[str, Room]:
        """Rooms by id, in plan order. They never change after creation, so this is cached."""
        if self._rooms is None:
            with self.read() as db:
                rooms = list(db.query("SELECT id, name FROM rooms ORDER BY position"))
                links = list(
                    db.query("SELECT room, question FROM room_questions ORDER BY position")
                )
            self._rooms = {
                r["id"]: Room(
                    r["id"], r["name"], tuple(q["question"] for q in links if q["room"] == r["id"])
                )
                for r in rooms
            }
        return self._rooms

    def room(self, room_id: str) -> Room:
        try:
            return self.rooms()[room_id]
        except KeyError:
            known = ", ".join(self.rooms())
            raise NotFoundError(f"unknown room '{room_id}' (rooms: {known})") from None

    def questions(self) -> dict[str, Question]:
        """Every question of the bank snapshot, by id, in bank order."""
        if self._questions is None:
            default = self.workshop()["bank_languages"][0]
            with self.read() as db:
                rows = list(
                    db.query(
                        "SELECT q.* FROM questions q JOIN themes t ON t.id = q.theme "
                        "ORDER BY t.position, q.position"
                    )
                )
            self._questions = {
                r["id"]: Question(
                    id=r["id"],
                    theme=r["theme"],
                    text=LocalText(json.loads(r["text"]), default),
                    follow_ups=tuple(LocalText(f, default) for f in json.loads(r["follow_ups"])),
                    headline=bool(r["headline"]),
                )
                for r in rows
            }
        return self._questions

    def question(self, question_id: str) -> Question:
        try:
            return self.questions()[question_id]
        except KeyError:
            raise NotFoundError(f"unknown question id '{question_id}'") from None

    def themes(self) -> list[Theme]:
        default = self.workshop()["bank_languages"][0]
        with self.read() as db:
            rows = list(db.query("SELECT * FROM themes ORDER BY position"))
        questions = self.questions().values()
        return [
            Theme(
                r["id"],
                LocalText(json.loads(r["title"]), default),
                tuple(q for q in questions if q.theme == r["id"]),
            )
            for r in rows
        ]

    def roles(self) -> list[Role]:
        default = self.workshop()["bank_languages"][0]
        with self.read() as db:
            rows = list(db.query("SELECT * FROM roles ORDER BY position"))
        return [Role(r["id"], LocalText(json.loads(r["label"]), default)) for r in rows]

    # -- where each room is ---------------------------------------------------------------

    def room_state(self, room_id: str) -> RoomState:
        self.room(room_id)
        with self.read() as db:
            row = next(db.query("SELECT * FROM room_state WHERE room = ?", [room_id]))
        return RoomState(**row)

    def countdown(self, room_id: str) -> Countdown:
        state = self.room_state(room_id)
        return Countdown(state.timer_seconds, state.timer_elapsed_ms, state.timer_started_at)

    def set_phase(self, room_id: str, phase_id: str, *, actor: str | None = None) -> None:
        """Make `phase_id` the room's phase; its countdown is reset to the phase's length."""
        self.room(room_id)
        phase = next((p for p in self.phases() if p.id == phase_id), None)
        if phase is None:
            raise NotFoundError(f"unknown phase '{phase_id}'")
        with self.write() as db:
            db["room_state"].update(
                room_id,
                {
                    "phase": phase.id,
                    "timer_seconds": phase.minutes * 60,
                    "timer_elapsed_ms": 0,
                    "timer_started_at": None,
                    "updated_at": self.clock(),
                },
            )
            self._log("phase.open", subject=phase.id, room=room_id, actor=actor)

    def start_timer(self, room_id: str, *, actor: str | None = None) -> None:
        self.room(room_id)
        with self.write() as db:
            state = self._state_in_write(room_id)
            if state["timer_started_at"] is None:
                now = self.clock()
                db["room_state"].update(room_id, {"timer_started_at": now, "updated_at": now})
                self._log("timer.start", room=room_id, actor=actor)

    def pause_timer(self, room_id: str, *, actor: str | None = None) -> None:
        self.room(room_id)
        with self.write() as db:
            state = self._state_in_write(room_id)
            if state["timer_started_at"] is not None:
                now = self.clock()
                run_ms = (parse_time(now) - parse_time(state["timer_started_at"])) / dt.timedelta(
                    milliseconds=1
                )
                db["room_state"].update(
                    room_id,
                    {
                        "timer_elapsed_ms": state["timer_elapsed_ms"] + max(int(run_ms), 0),
                        "timer_started_at": None,
                        "updated_at": now,
                    },
                )
                self._log("timer.pause", room=room_id, actor=actor)

    def extend_timer(self, room_id: str, minutes: int, *, actor: str | None = None) -> None:
        self.room(room_id)
        with self.write() as db:
            state = self._state_in_write(room_id)
            db["room_state"].update(
                room_id,
                {
                    "timer_seconds": max(state["timer_seconds"] + minutes * 60, 0),
                    "updated_at": self.clock(),
                },
            )
            self._log("timer.extend", room=room_id, actor=actor, data={"minutes": minutes})

    def _state_in_write(self, room_id: str) -> dict[str, Any]:
        return next(self.db.query("SELECT * FROM room_state WHERE room = ?", [room_id]))

    def open_question(self, room_id: str, question_id: str, *, actor: str | None = None) -> None:
        """Make `question_id` the room's current question; the log records close and open."""
        self.room(room_id)
        self.question(question_id)
        with self.write() as db:
            row = next(db.query("SELECT * FROM room_state WHERE room = ?", [room_id]))
            if row["question"] == question_id:
                return
            now = self.clock()
            if row["question"] is not None:
                self._log("question.close", subject=row["question"], room=room_id, actor=actor)
            db["room_state"].update(
                room_id, {"question": question_id, "question_opened_at": now, "updated_at": now}
            )
            self._log("question.open", subject=question_id, room=room_id, actor=actor)

    # -- participants ------------------------------------------------------------------------

    def participants(self, room: str | None = None) -> list[Participant]:
        sql = "SELECT * FROM participants"
        params: list[Any] = []
        if room is not None:
            sql += " WHERE room = ?"
            params.append(room)
        with self.read() as db:
            rows = list(db.query(sql + " ORDER BY name COLLATE NOCASE, id", params))
        return [_participant(r) for r in rows]

    def set_participant(
        self,
        name: str,
        consent: Consent | str | None = None,
        *,
        language: str | None = None,
        room: str | None = None,
        actor: str | None = None,
    ) -> Participant:
        """Add a participant, or update their consent, language or room. Logs every change."""
        name = _clean_name(name)
        consent = _enum(Consent, consent, "consent") if consent is not None else None
        if room is not None:
            self.room(room)
        with self.write() as db:
            row = _first(db.query("SELECT * FROM participants WHERE name = ?", [name]))
            now = self.clock()
            if row is None:
                values = {
                    "name": name,
                    "consent": (consent or Consent.ANONYMOUS).value,
                    "language": language,
                    "room": room,
                    "created_at": now,
                    "updated_at": now,
                }
                pid = db["participants"].insert(values).last_pk
                self._log("participant.add", subject=str(pid), room=room, actor=actor, data=values)
            else:
                pid = row["id"]
                changes = {
                    key: value
                    for key, value in (
                        ("consent", consent.value if consent else None),
                        ("language", language),
                        ("room", room),
                    )
                    if value is not None and row[key] != value
                }
                if changes:
                    db["participants"].update(pid, {**changes, "updated_at": now})
                    before = {key: row[key] for key in changes}
                    self._log(
                        "participant.update",
                        subject=str(pid),
                        room=room or row["room"],
                        actor=actor,
                        data={"before": before, "after": changes},
                    )
            return _participant(next(db.query("SELECT * FROM participants WHERE id = ?", [pid])))

    def _participant_id(self, name: str, room: str | None, actor: str | None) -> int:
        """Inside a write: the id of a participant, added as anonymous if new."""
        name = _clean_name(name)
        row = _first(self.db.query("SELECT id FROM participants WHERE name = ?", [name]))
        if row is not None:
            return row["id"]
        now = self.clock()
        values = {
            "name": name,
            "consent": Consent.ANONYMOUS.value,
            "language": None,
            "room": room,
            "created_at": now,
            "updated_at": now,
        }
        pid = self.db["participants"].insert(values).last_pk
        self._log("participant.add", subject=str(pid), room=room, actor=actor, data=values)
        return pid

    # -- contributions -----------------------------------------------------------------------

    def add_contribution(self, draft: Draft, *, note_taker: str | None = None) -> Contribution:
        return self.add_contributions([draft], note_taker=note_taker)[0]

    def add_contributions(
        self, drafts: Sequence[Draft], *, note_taker: str | None = None
    ) -> list[Contribution]:
        """Store contributions in one transaction; returns them once committed."""
        return self.contributions_by_id(self.import_contributions(drafts, note_taker=note_taker))

    def import_contributions(
        self, drafts: Sequence[Draft], *, note_taker: str | None = None
    ) -> list[str]:
        """Store contributions in one transaction; returns their ids once committed.

        Everything is checked before the transaction starts, so a bad line stores nothing.
        The rows of one import share one time: the moment it was saved.
        """
        default_language = self.workshop()["languages"][0]
        rooms, questions = self.rooms(), self.questions()
        checked = []
        for draft in drafts:
            if draft.room not in rooms:
                self.room(draft.room)  # raises, naming the known rooms
            if draft.question is not None and draft.question not in questions:
                self.question(draft.question)
            kind = _KIND_OF.get(draft.kind) or _enum(Kind, draft.kind, "kind")
            checked.append((self.new_id(), draft, kind.value, _clean_text(draft.text)))
        tags = [_clean_tags(d.tags) for d in drafts]
        with self.write() as db:
            now = self.clock()
            authors: dict[str, int] = {}
            payloads: dict[tuple, str] = {}  # most lines share kind, question and tags
            rows, events = [], []
            for (cid, draft, kind, text), row_tags in zip(checked, tags, strict=True):
                author = None
                if draft.author:
                    if draft.author not in authors:
                        authors[draft.author] = self._participant_id(
                            draft.author, draft.room, note_taker
                        )
                    author = authors[draft.author]
                language = draft.language or default_language
                rows.append(
                    (cid, draft.room, draft.question, kind, text, language, author,
                     int(draft.parked), note_taker, now, now)
                )  # fmt: skip
                key = (kind, draft.question, tuple(row_tags))
                if key not in payloads:
                    payloads[key] = json.dumps(
                        {"kind": kind, "question": draft.question, "tags": row_tags}
                    )
                events.append((now, note_taker, draft.room, "contribution.add", cid, payloads[key]))
            # executemany on the raw connection: a bulk import of 100,000 lines is one
            # statement per table, not 300,000 round trips through a wrapper.
            if len(rows) >= BULK_ROWS:
                self._insert_bulk(rows)
            else:
                db.conn.executemany(_INSERT_CONTRIBUTION, rows)
            db.conn.executemany(
                "INSERT INTO contribution_tags (contribution, tag) VALUES (?, ?)",
                [
                    (row[0], tag)
                    for row, row_tags in zip(rows, tags, strict=True)
                    for tag in row_tags
                ],
            )
            db.conn.executemany(
                "INSERT INTO events (at, actor, room, action, subject, data) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                events,
            )
        return [row[0] for row in rows]

    def _insert_bulk(self, rows: list[tuple]) -> None:
        """Inside a write: insert many rows, then index them for search in one statement.

        FTS5 indexes a batch several times faster than row by row through the insert
        trigger, so the trigger steps aside for this transaction (and only for it: the
        schema change commits or rolls back with the rows).
        """
        conn = self.db.conn
        trigger = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'contributions_ai'"
        ).fetchone()
        before = conn.execute("SELECT coalesce(max(seq), 0) FROM contributions").fetchone()[0]
        if trigger is not None:
            conn.execute('DROP TRIGGER "contributions_ai"')
        conn.executemany(_INSERT_CONTRIBUTION, rows)
        conn.execute(
            'INSERT INTO "contributions_fts" (rowid, "text") '
            "SELECT seq, text FROM contributions WHERE seq > ?",
            [before],
        )
        if trigger is not None:
            conn.execute(trigger[0])

    def contributions(
        self,
        *,
        room: str | None = None,
        question: str | None = None,
        kind: Kind | str | None = None,
        tag: str | None = None,
        search: str | None = None,
        include_deleted: bool = False,
        after_seq: int = 0,
        limit: int | None = None,
    ) -> list[Contribution]:
        """Contributions in the order they were captured, filtered as asked."""
        where, params = _filters(
            room=room, question=question, kind=kind, tag=tag, search=search, after_seq=after_seq
        )
        if not include_deleted:
            where.append("c.deleted_at IS NULL")
        sql = f"{_CONTRIBUTION_SELECT} WHERE {' AND '.join(where)} ORDER BY c.seq"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        with self.read() as db:
            return _contributions(db, sql, params)

    def contributions_by_id(self, ids: Iterable[str]) -> list[Contribution]:
        ids = list(ids)
        rows: dict[str, Contribution] = {}
        with self.read() as db:
            for start in range(0, len(ids), 5000):  # SQLite caps the number of parameters
                chunk = ids[start : start + 5000]
                marks = ", ".join("?" for _ in chunk)
                sql = f"{_CONTRIBUTION_SELECT} WHERE c.id IN ({marks})"
                rows.update((c.id, c) for c in _contributions(db, sql, chunk))
        return [rows[i] for i in ids if i in rows]

    def contribution(self, contribution_id: str) -> Contribution:
        """One contribution by its id, or by an unambiguous prefix of it (the short id)."""
        with self.read() as db:
            rows = _contributions(
                db,
                f"{_CONTRIBUTION_SELECT} WHERE c.id = ? OR c.id LIKE ? LIMIT 2",
                [contribution_id, contribution_id.replace("%", "").replace("_", "") + "%"],
            )
        exact = [c for c in rows if c.id == contribution_id]
        if exact or len(rows) == 1:
            return (exact or rows)[0]
        if rows:
            raise NotFoundError(f"contribution id '{contribution_id}' is ambiguous")
        raise NotFoundError(f"unknown contribution '{contribution_id}'")

    def count_contributions(self, *, room: str | None = None) -> int:
        sql = "SELECT count(*) FROM contributions WHERE deleted_at IS NULL"
        params: list[Any] = []
        if room is not None:
            sql += " AND room = ?"
            params.append(room)
        with self.read() as db:
            return db.execute(sql, params).fetchone()[0]

    def update_contribution(
        self,
        contribution_id: str,
        *,
        text: str | None = None,
        kind: Kind | str | None = None,
        question: str | None = None,
        starred: bool | None = None,
        parked: bool | None = None,
        author: str | None = None,
        actor: str | None = None,
    ) -> Contribution:
        """Change a contribution; the event log keeps what it was before.

        `author` is a participant name (added as anonymous if new); "" removes the author.
        """
        current = self.contribution(contribution_id)
        changes: dict[str, Any] = {}
        if text is not None and _clean_text(text) != current.text:
            changes["text"] = _clean_text(text)
        if kind is not None and _enum(Kind, kind, "kind") != current.kind:
            changes["kind"] = _enum(Kind, kind, "kind").value
        if question is not None and question != current.question:
            self.question(question)
            changes["question"] = question
        if starred is not None and starred != current.starred:
            changes["starred"] = int(starred)
        if parked is not None and parked != current.parked:
            changes["parked"] = int(parked)
        new_author = author is not None and (author or None) != current.author
        if not changes and not new_author:
            return current
        before = {key: _plain(getattr(current, key)) for key in changes}
        with self.write() as db:
            if new_author:
                pid = self._participant_id(author, current.room, actor) if author else None
                if pid != current.author_id:
                    changes["author"] = pid
                    before["author"] = current.author_id
            if not changes:
                return current
            db["contributions"].update(current.seq, {**changes, "updated_at": self.clock()})
            self._log(
                "contribution.edit",
                subject=current.id,
                room=current.room,
                actor=actor,
                data={"before": before, "after": changes},
            )
        return self.contribution(current.id)

    def delete_contribution(self, contribution_id: str, *, actor: str | None = None) -> None:
        """Soft delete: the row stays (and can be restored); lists and exports skip it."""
        current = self.contribution(contribution_id)
        with self.write() as db:
            now = self.clock()
            db.execute(
                "UPDATE contributions SET deleted_at = ?, updated_at = ? "
                "WHERE id = ? AND deleted_at IS NULL",
                [now, now, current.id],
            )
            self._log("contribution.delete", subject=current.id, room=current.room, actor=actor)

    def restore_contribution(self, contribution_id: str, *, actor: str | None = None) -> None:
        current = self.contribution(contribution_id)
        with self.write() as db:
            db.execute(
                "UPDATE contributions SET deleted_at = NULL, updated_at = ? WHERE id = ?",
                [self.clock(), current.id],
            )
            self._log("contribution.restore", subject=current.id, room=current.room, actor=actor)

    def set_tags(
        self, contribution_id: str, tags: Iterable[str], *, actor: str | None = None
    ) -> Contribution:
        current = self.contribution(contribution_id)
        tags = _clean_tags(tags)
        with self.write() as db:
            db.execute("DELETE FROM contribution_tags WHERE contribution = ?", [current.id])
            db["contribution_tags"].insert_all({"contribution": current.id, "tag": t} for t in tags)
            db.execute(
                "UPDATE contributions SET updated_at = ? WHERE id = ?", [self.clock(), current.id]
            )
            self._log(
                "contribution.tag",
                subject=current.id,
                room=current.room,
                actor=actor,
                data={"before": list(current.tags), "after": tags},
            )
        return self.contribution(current.id)

    # -- dot-voting ----------------------------------------------------------------------------

    def open_vote(self, room_id: str, *, dots: int | None = None, actor: str | None = None) -> int:
        """Open a dot-vote round in a room (one at a time); each participant gets `dots`."""
        self.room(room_id)
        dots = dots or self.workshop()["dots"]
        if dots < 1:
            raise InputError("each participant needs at least one dot")
        with self.write() as db:
            if self._open_round(room_id) is not None:
                raise InputError("a vote is already open in this room; close it first")
            cursor = db.execute(
                "INSERT INTO vote_rounds (room, dots, opened_at) VALUES (?, ?, ?)",
                [room_id, dots, self.clock()],
            )
            self._log(
                "vote.open",
                room=room_id,
                actor=actor,
                subject=str(cursor.lastrowid),
                data={"dots": dots},
            )
            return cursor.lastrowid

    def _open_round(self, room_id: str) -> dict[str, Any] | None:
        return _first(
            self.db.query(
                "SELECT * FROM vote_rounds WHERE room = ? AND closed_at IS NULL", [room_id]
            )
        )

    def vote_round(self, room_id: str) -> VoteRound | None:
        """The open round of a room, with the dots each participant has used."""
        with self.read() as db:
            row = self._open_round(room_id)
            if row is None:
                return None
            used = {
                r["name"]: r["used"]
                for r in db.query(
                    "SELECT p.name, sum(v.dots) AS used FROM votes v "
                    "JOIN participants p ON p.id = v.participant "
                    "WHERE v.round = ? GROUP BY p.name",
                    [row["id"]],
                )
            }
            cast = db.execute(
                "SELECT coalesce(sum(dots), 0) FROM votes WHERE round = ?", [row["id"]]
            ).fetchone()[0]
        return VoteRound(row["id"], room_id, row["dots"], row["opened_at"], used, cast)

    def add_vote(
        self,
        contribution_id: str,
        *,
        participant: str | None = None,
        dots: int = 1,
        note_taker: str | None = None,
    ) -> None:
        """Record dots on a contribution. In an open round a participant has a dot budget."""
        current = self.contribution(contribution_id)
        if dots < 1:
            raise InputError("a vote has at least one dot")
        with self.write() as db:
            pid = (
                self._participant_id(participant, current.room, note_taker) if participant else None
            )
            round_ = self._open_round(current.room)
            if round_ is not None and pid is not None:
                used = db.execute(
                    "SELECT coalesce(sum(dots), 0) FROM votes WHERE round = ? AND participant = ?",
                    [round_["id"], pid],
                ).fetchone()[0]
                if used + dots > round_["dots"]:
                    raise InputError(
                        f"{participant} has used {used} of {round_['dots']} dots in this vote"
                    )
            db["votes"].insert(
                {
                    "contribution": current.id,
                    "participant": pid,
                    "dots": dots,
                    "note_taker": note_taker,
                    "created_at": self.clock(),
                    "round": round_["id"] if round_ else None,
                }
            )
            self._log(
                "vote.add",
                subject=current.id,
                room=current.room,
                actor=note_taker,
                data={"participant": pid, "dots": dots},
            )

    def close_vote(self, room_id: str, *, actor: str | None = None) -> list[tuple[str, int]]:
        """Close the room's open round and keep its ranking: (contribution id, dots), best first."""
        with self.write() as db:
            round_ = self._open_round(room_id)
            if round_ is None:
                raise InputError("no vote is open in this room")
            ranking = [
                (r["contribution"], r["dots"])
                for r in db.query(
                    "SELECT v.contribution, sum(v.dots) AS dots FROM votes v "
                    "JOIN contributions c ON c.id = v.contribution "
                    "WHERE v.round = ? GROUP BY v.contribution ORDER BY dots DESC, min(c.seq)",
                    [round_["id"]],
                )
            ]
            db.execute(
                "UPDATE vote_rounds SET closed_at = ?, result = ? WHERE id = ?",
                [self.clock(), json.dumps(ranking), round_["id"]],
            )
            self._log(
                "vote.close",
                room=room_id,
                actor=actor,
                subject=str(round_["id"]),
                data={"ranking": ranking},
            )
        return ranking

    # -- clustering, parking, actions, takeaways -----------------------------------------------

    def merge(self, source_id: str, target_id: str, *, actor: str | None = None) -> None:
        """Make `source` part of `target`: one point that keeps every original text and author."""
        source, target = self.contribution(source_id), self.contribution(target_id)
        if source.id == target.id:
            raise InputError("a point cannot be merged into itself")
        if target.merged_into:
            target = self.contribution(target.merged_into)
        with self.write() as db:
            # Points merged into the source follow it, so nothing is ever two levels deep.
            db.execute(
                "UPDATE contributions SET merged_into = ?, updated_at = ? "
                "WHERE id = ? OR merged_into = ?",
                [target.id, self.clock(), source.id, source.id],
            )
            self._log(
                "contribution.merge",
                subject=source.id,
                room=source.room,
                actor=actor,
                data={"into": target.id},
            )
            self._log(
                "contribution.edit",
                subject=target.id,
                room=target.room,
                actor=actor,
                data={"merged": source.id},
            )

    def split(self, contribution_id: str, *, actor: str | None = None) -> list[str]:
        """Undo merges: the point and everything merged into it stand alone again."""
        point = self.contribution(contribution_id)
        with self.write() as db:
            ids = [
                r[0]
                for r in db.execute(
                    "SELECT id FROM contributions WHERE merged_into = ? OR id = ? AND merged_into IS NOT NULL",
                    [point.id, point.id],
                )
            ]
            db.execute(
                "UPDATE contributions SET merged_into = NULL, updated_at = ? "
                "WHERE merged_into = ? OR id = ?",
                [self.clock(), point.id, point.id],
            )
            for split_id in ids:
                self._log(
                    "contribution.split",
                    subject=split_id,
                    room=point.room,
                    actor=actor,
                    data={"from": point.id},
                )
            self._log(
                "contribution.edit",
                subject=point.id,
                room=point.room,
                actor=actor,
                data={"split": ids},
            )
        return ids

    def merged_into(self, target_id: str) -> list[Contribution]:
        """The contributions merged into a point, oldest first."""
        with self.read() as db:
            return _contributions(
                db,
                f"{_CONTRIBUTION_SELECT} WHERE c.merged_into = ? AND c.deleted_at IS NULL "
                "ORDER BY c.seq",
                [target_id],
            )

    def set_cluster(self, contribution_id: str, name: str | None, *, actor: str | None = None):
        current = self.contribution(contribution_id)
        name = " ".join((name or "").split()) or None
        with self.write() as db:
            db.execute(
                "UPDATE contributions SET cluster = ?, updated_at = ? WHERE id = ?",
                [name, self.clock(), current.id],
            )
            self._log(
                "contribution.cluster",
                subject=current.id,
                room=current.room,
                actor=actor,
                data={"before": current.cluster, "after": name},
            )

    def set_action(
        self,
        contribution_id: str,
        *,
        owner: str | None,
        due: str | None,
        actor: str | None = None,
    ) -> None:
        """An action item's owner and due date (YYYY-MM-DD); either may be empty."""
        current = self.contribution(contribution_id)
        owner = " ".join((owner or "").split()) or None
        due = (due or "").strip() or None
        if due is not None:
            try:
                due = dt.date.fromisoformat(due).isoformat()
            except ValueError:
                raise InputError(f"due date '{due}' is not a date like 2021-12-15") from None
        with self.write() as db:
            db.execute(
                "UPDATE contributions SET owner = ?, due = ?, kind = 'action', updated_at = ? "
                "WHERE id = ?",
                [owner, due, self.clock(), current.id],
            )
            self._log(
                "contribution.action",
                subject=current.id,
                room=current.room,
                actor=actor,
                data={"owner": owner, "due": due},
            )

    def set_takeaways(self, room_id: str, ids: Sequence[str], *, actor: str | None = None) -> None:
        """The room's key takeaways for wrap-up and report-back, in order."""
        self.room(room_id)
        points = [self.contribution(i) for i in ids]
        with self.write() as db:
            db.execute("DELETE FROM takeaways WHERE room = ?", [room_id])
            db.conn.executemany(
                "INSERT INTO takeaways (room, position, contribution) VALUES (?, ?, ?)",
                [(room_id, i, c.id) for i, c in enumerate(points)],
            )
            self._log(
                "wrapup.takeaways",
                room=room_id,
                actor=actor,
                data={"takeaways": [c.id for c in points]},
            )

    def takeaways(self, room_id: str) -> list[Contribution]:
        with self.read() as db:
            ids = [
                r[0]
                for r in db.execute(
                    "SELECT contribution FROM takeaways WHERE room = ? ORDER BY position", [room_id]
                )
            ]
        return self.contributions_by_id(ids)

    # -- task ranking and purpose statements ------------------------------------------------

    def record_ranking(
        self,
        room_id: str,
        roles: Sequence[str],
        *,
        participant: str | None = None,
        actor: str | None = None,
    ) -> None:
        """Store a room's agreed order of hub roles (or one participant's), replacing the last.

        Roles left out are abstentions: they earn nothing from this ranking.
        """
        self.room(room_id)
        known = {role.id for role in self.roles()}
        unknown = [r for r in roles if r not in known]
        if unknown:
            raise InputError(f"unknown role '{unknown[0]}' (roles: {', '.join(sorted(known))})")
        if len(set(roles)) != len(roles):
            raise InputError("a ranking lists each role once")
        with self.write() as db:
            pid = self._participant_id(participant, room_id, actor) if participant else None
            db.execute("DELETE FROM rankings WHERE room = ? AND participant IS ?", [room_id, pid])
            now = self.clock()
            db.conn.executemany(
                "INSERT INTO rankings (room, participant, role, position, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [(room_id, pid, role, i, now) for i, role in enumerate(roles)],
            )
            self._log(
                "ranking.record",
                room=room_id,
                actor=actor,
                data={"participant": pid, "roles": list(roles)},
            )

    def rankings(self) -> dict[str, dict[str | None, list[str]]]:
        """room -> participant name (None: the room's agreed order) -> role ids, best first."""
        with self.read() as db:
            rows = list(
                db.query(
                    "SELECT r.room, p.name, r.role FROM rankings r "
                    "LEFT JOIN participants p ON p.id = r.participant "
                    "ORDER BY r.room, p.name, r.position"
                )
            )
        result: dict[str, dict[str | None, list[str]]] = {}
        for row in rows:
            result.setdefault(row["room"], {}).setdefault(row["name"], []).append(row["role"])
        return result

    def add_purpose_statement(
        self, room_id: str, text: str, *, author: str | None = None, final: bool = False
    ) -> int:
        """Keep a revision of a room's purpose statement; `final` marks the one to report."""
        self.room(room_id)
        text = _clean_text(text)
        with self.write() as db:
            if final:
                db.execute("UPDATE purpose_statements SET final = 0 WHERE room = ?", [room_id])
            cursor = db.execute(
                "INSERT INTO purpose_statements (room, text, author, final, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [room_id, text, author, int(final), self.clock()],
            )
            self._log(
                "purpose.revise",
                room=room_id,
                actor=author,
                subject=str(cursor.lastrowid),
                data={"final": final},
            )
            return cursor.lastrowid

    def purpose_statements(self, room_id: str | None = None) -> list[PurposeStatement]:
        sql = "SELECT * FROM purpose_statements"
        params: list[Any] = []
        if room_id is not None:
            sql += " WHERE room = ?"
            params.append(room_id)
        with self.read() as db:
            rows = list(db.query(sql + " ORDER BY id", params))
        return [
            PurposeStatement(
                r["id"], r["room"], r["text"], r["author"], bool(r["final"]), r["created_at"]
            )
            for r in rows
        ]

    # -- the event log -----------------------------------------------------------------------

    def events(
        self, *, room: str | None = None, after_seq: int = 0, with_global: bool = False
    ) -> list[Event]:
        """The log, oldest first; `with_global` adds events of no room (consent changes...)."""
        sql = "SELECT * FROM events WHERE seq > ?"
        params: list[Any] = [after_seq]
        if room is not None:
            sql += " AND (room = ? OR room IS NULL)" if with_global else " AND room = ?"
            params.append(room)
        return self._events(sql + " ORDER BY seq", params)

    def question_timeline(self) -> list[Event]:
        """The events that tell how long each room spent on each question, oldest first.

        Question opens and closes, timer starts, each room's first contribution and each
        room's last event: a few hundred rows where `events()` would return one per
        contribution.
        """
        sql = """
            SELECT * FROM events WHERE room IS NOT NULL AND (
                action IN ('question.open', 'question.close', 'timer.start')
                OR seq IN (SELECT min(seq) FROM events
                           WHERE action = 'contribution.add' AND room IS NOT NULL GROUP BY room)
                OR seq IN (SELECT max(seq) FROM events WHERE room IS NOT NULL GROUP BY room)
            ) ORDER BY seq
        """
        return self._events(sql)

    def _events(self, sql: str, params: Sequence[Any] = ()) -> list[Event]:
        with self.read() as db:
            rows = list(db.query(sql, params))
        return [Event(**{**r, "data": json.loads(r["data"])}) for r in rows]

    def last_event_seq(self) -> int:
        with self.read() as db:
            return db.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]

    def contribution_seqs(
        self,
        *,
        room: str | None = None,
        kind: Kind | str | None = None,
        tag: str | None = None,
        search: str | None = None,
    ) -> list[int]:
        """The seqs of matching points, oldest first: cheap even for 100,000 rows.

        Contributions merged into another point are not points of their own.
        """
        where, params = _filters(room=room, kind=kind, tag=tag)
        where += ["c.deleted_at IS NULL", "c.merged_into IS NULL"]
        match, likes = _search_terms(search) if search else (None, [])
        where += [_LIKE] * len(likes)
        params += likes
        source = "contributions c"
        if match:
            # Walk the index's matches and fetch each row by its key, rather than walk the
            # room's rows and probe the list of matches: 52 -> 40 ms for two common words
            # matching a third of 100,000 rows. CROSS JOIN is how SQLite is told the order.
            source = "contributions_fts f CROSS JOIN contributions c ON c.seq = f.rowid"
            where.insert(0, "f.contributions_fts MATCH ?")
            params.insert(0, match)
        sql = f"SELECT c.seq FROM {source} WHERE {' AND '.join(where)} ORDER BY c.seq"
        with self.read() as db:
            return [row[0] for row in db.execute(sql, params)]

    def contributions_by_seq(self, seqs: Sequence[int]) -> dict[int, Contribution]:
        if not seqs:
            return {}
        marks = ", ".join("?" for _ in seqs)
        with self.read() as db:
            sql = f"{_CONTRIBUTION_SELECT} WHERE c.seq IN ({marks})"
            return {c.seq: c for c in _contributions(db, sql, list(seqs))}

    def tags(self) -> list[str]:
        """Every tag of the workshop, for completion and the tag filter in every room: rooms
        share one vocabulary, which the theme summaries need. (Read from the tag index in a
        few milliseconds; the tags of one room took 130 ms to join in a room of 100,000.)"""
        with self.read() as db:
            sql = "SELECT DISTINCT tag FROM contribution_tags ORDER BY tag"
            return [row[0] for row in db.execute(sql)]

    def room_overview(self) -> list[dict[str, Any]]:
        """Every room at a glance, for the lead facilitator's dashboard."""
        with self.read() as db:
            states = {r["room"]: r for r in db.query("SELECT * FROM room_state")}
            kinds: dict[str, dict[str, int]] = {}
            for r in db.query(
                "SELECT room, kind, count(*) AS n FROM contributions "
                "WHERE deleted_at IS NULL GROUP BY room, kind"
            ):
                kinds.setdefault(r["room"], {})[r["kind"]] = r["n"]
            last = {
                r["room"]: r["at"]
                for r in db.query("SELECT room, max(at) AS at FROM events GROUP BY room")
            }
            dots = {
                r["room"]: r["n"]
                for r in db.query(
                    "SELECT c.room, sum(v.dots) AS n FROM votes v "
                    "JOIN contributions c ON c.id = v.contribution GROUP BY c.room"
                )
            }
        return [
            {
                "room": room,
                "state": RoomState(**states[room.id]) if room.id in states else None,
                "kinds": kinds.get(room.id, {}),
                "last_activity": last.get(room.id),
                "votes": dots.get(room.id, 0),
            }
            for room in self.rooms().values()
        ]

    def integrity_check(self) -> str:
        with self.read() as db:
            return db.execute("PRAGMA integrity_check").fetchone()[0]


_INSERT_CONTRIBUTION = """
INSERT INTO contributions
    (id, room, question, kind, text, language, author, parked, note_taker, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""

_CONTRIBUTION_SELECT = """
SELECT c.id, c.seq, c.room, c.question, c.kind, c.text, c.language, c.author,
    p.name, p.consent, c.note_taker, c.created_at, c.updated_at, c.deleted_at,
    c.parked, c.starred,
    (SELECT group_concat(tag, ' ') FROM
        (SELECT tag FROM contribution_tags t WHERE t.contribution = c.id ORDER BY tag)),
    (SELECT coalesce(sum(dots), 0) FROM votes v WHERE v.contribution = c.id),
    c.merged_into,
    (SELECT count(*) FROM contributions m WHERE m.merged_into = c.id AND m.deleted_at IS NULL),
    c.cluster, c.owner, c.due
FROM contributions c LEFT JOIN participants p ON p.id = c.author
"""
_KIND_OF = {kind.value: kind for kind in Kind}
_CONSENT_OF = {consent.value: consent for consent in Consent} | {None: None}


def _contributions(db: Database, sql: str, params: Sequence[Any] = ()) -> list[Contribution]:
    """Rows of `_CONTRIBUTION_SELECT` as contributions: by position, since a 100,000-row
    export spends more time building dicts than SQLite spends finding the rows. The select
    lists the columns in the order of Contribution's fields."""
    contributions = []
    for row in db.execute(sql, params):
        fields = list(row)
        fields[_KIND] = _KIND_OF[fields[_KIND]]
        fields[_CONSENT] = _CONSENT_OF[fields[_CONSENT]]
        fields[_PARKED] = bool(fields[_PARKED])
        fields[_STARRED] = bool(fields[_STARRED])
        tags = fields[_TAGS]  # space-joined: a tag is one word
        fields[_TAGS] = tuple(tags.split(" ")) if tags else ()
        contributions.append(Contribution(*fields))
    return contributions


_KIND, _CONSENT, _PARKED, _STARRED, _TAGS = (
    [f.name for f in dataclasses.fields(Contribution)].index(name)
    for name in ("kind", "consent", "parked", "starred", "tags")
)


def _participant(row: dict[str, Any]) -> Participant:
    return Participant(
        id=row["id"],
        name=row["name"],
        consent=Consent(row["consent"]),
        language=row["language"],
        room=row["room"],
    )


def _filters(
    *,
    room: str | None = None,
    question: str | None = None,
    kind: Kind | str | None = None,
    tag: str | None = None,
    search: str | None = None,
    after_seq: int = 0,
) -> tuple[list[str], list[Any]]:
    """WHERE clauses (on `contributions c`) and their parameters for the common filters."""
    where, params = ["c.seq > ?"], [after_seq]
    for clause, value in (("c.room = ?", room), ("c.question = ?", question)):
        if value is not None:
            where.append(clause)
            params.append(value)
    if kind is not None:
        where.append("c.kind = ?")
        params.append(_enum(Kind, kind, "kind").value)
    if tag is not None:
        where.append("c.id IN (SELECT contribution FROM contribution_tags WHERE tag = ?)")
        params.append(tag.lstrip("#"))
    if search:
        clause, search_params = _search_clause(search)
        where.append(clause)
        params.extend(search_params)
    return where, params


def _search_terms(search: str) -> tuple[str | None, list[str]]:
    """Every word must occur, as a substring, case-insensitively, in any script.

    Returns the trigram index's MATCH query for words of three characters or more, and LIKE
    patterns for shorter words (and CJK pairs), checked on the rows the index found.
    """
    terms = search.split()
    long_terms = [t for t in terms if len(t) >= 3]
    match = " ".join('"' + t.replace('"', '""') + '"' for t in long_terms) or None
    likes = []
    for term in (t for t in terms if len(t) < 3):
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        likes.append(f"%{escaped}%")
    return match, likes


_LIKE = "c.text LIKE ? ESCAPE '\\'"


def _search_clause(search: str) -> tuple[str, list[Any]]:
    match, likes = _search_terms(search)
    clauses = [_LIKE] * len(likes)
    params: list[Any] = list(likes)
    if match:
        clauses.insert(
            0, "c.seq IN (SELECT rowid FROM contributions_fts WHERE contributions_fts MATCH ?)"
        )
        params.insert(0, match)
    return " AND ".join(clauses) or "1", params


def _clean_text(text: str) -> str:
    """Contribution text is kept exactly as typed, but must be non-blank, encodable text."""
    if not isinstance(text, str) or not text.strip():
        raise InputError("a contribution needs some text")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("the text holds invalid characters (unpaired surrogates)") from None
    return text


def _clean_name(name: str) -> str:
    name = " ".join(str(name).split())
    if not name:
        raise InputError("a participant needs a name")
    _clean_text(name)
    return name


def _clean_tags(tags: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for tag in tags:
        tag = str(tag).strip().lstrip("#")
        if not tag:
            continue
        if any(ch.isspace() or ord(ch) < 32 for ch in tag):
            raise InputError(f"a tag is one word: {tag!r}")
        _clean_text(tag)
        if tag not in cleaned:
            cleaned.append(tag)
    return sorted(cleaned)


def _enum(enum_type: Any, value: Any, what: str) -> Any:
    try:
        return enum_type(value)
    except ValueError:
        known = ", ".join(member.value for member in enum_type)
        raise InputError(f"unknown {what} '{value}' (one of: {known})") from None


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Kind | Consent) else value


def _dumps(text: LocalText) -> str:
    return json.dumps(text.as_dict(), ensure_ascii=False)


def _first(rows: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    return next(iter(rows), None)


def _refuse_foreign_file(path: Path) -> None:
    """Refuse anything that exists but is not an SQLite file, before SQLite opens it."""
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a database file")
    if not path.exists():
        if not path.parent.is_dir():
            raise StoreError(f"{path}: the folder {path.parent} does not exist")
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise StoreError(f"{path}: cannot read the database: {error.strerror}") from None
    if header and header != SQLITE_HEADER:
        raise StoreError(f"{path}: not an SQLite database; the file was not changed")


def _create_private_file(path: Path) -> None:
    """Create a new, empty database file readable by its owner only."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError as error:
        raise StoreError(f"{path}: cannot create the database: {error.strerror}") from None
    os.close(fd)


def _explain(error: sqlite3.Error) -> str:
    message = str(error)
    lowered = message.lower()
    if "locked" in lowered or "busy" in lowered:
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
