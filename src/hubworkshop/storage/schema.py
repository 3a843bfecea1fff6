"""The database schema: tables, indexes, triggers, and the migrations that build them.

Migrations are named and ordered (sqlite-utils' `Migrations`); a database records which it
has applied, and a newer one than this code knows is refused untouched (`store.py`).
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from hubworkshop.domain.model import Consent, Kind
from hubworkshop.storage.changes import GROUPS as CHANGE_GROUPS
from hubworkshop.storage.version import MIGRATION_SET

MIGRATIONS = Migrations(MIGRATION_SET)


@MIGRATIONS(name="0001_initial")
def _initial(db: Database) -> None:
    for statement in _INITIAL_SCHEMA.split(";\n"):
        if statement.strip():
            db.execute(statement)
    # Trigram FTS: substring search in any script (CJK has no spaces between words).
    db.table("contributions").enable_fts(["text"], create_triggers=True, tokenize="trigram")


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


# Rows that another copy of the workshop may also hold get an id of their own that never
# changes, so `hubworkshop merge` can tell "the same row" from "a new one" (contributions
# already have one; rankings, takeaways and clusters merge by content: room and person).
STABLE_ID_TABLES = ("participants", "votes", "vote_rounds", "purpose_statements", "events")


@MIGRATIONS(name="0005_stable_ids")
def _stable_ids(db: Database) -> None:
    """A random `uid` on every row of STABLE_ID_TABLES. Events get theirs from the statement
    that writes them (`EVENT_UID`): an insert trigger on a table written at every change
    made a bulk import of 100,000 lines a fifth slower. The other tables are written a row
    at a time, and a trigger fills their uid in, so no writer has to remember it."""
    for table in STABLE_ID_TABLES:
        for statement in (
            f"ALTER TABLE {table} ADD COLUMN uid TEXT",
            f"UPDATE {table} SET uid = lower(hex(randomblob(16)))",
            f"CREATE UNIQUE INDEX {table}_uid ON {table} (uid)",
        ):
            db.execute(statement)
        if table != "events":
            db.execute(
                f"""
                CREATE TRIGGER {table}_uid AFTER INSERT ON {table}
                WHEN NEW.uid IS NULL BEGIN
                    UPDATE {table} SET uid = lower(hex(randomblob(16))) WHERE id = NEW.id;
                END
                """
            )


@MIGRATIONS(name="0006_plan_record")
def _plan_record(db: Database) -> None:
    """Which plan file a workshop was made from (its path and the SHA-256 of its bytes), so a
    command naming another plan is refused; what the bank says its ranked items are; the
    language each room works in; and the questions each phase discusses. Older databases keep empty values: no plan recorded, no
    subject, every room in the workshop's first language."""
    for statement in (
        "ALTER TABLE workshop ADD COLUMN plan_source TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE workshop ADD COLUMN plan_sha256 TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE workshop ADD COLUMN ranking_subject TEXT NOT NULL DEFAULT '{}'",
        "ALTER TABLE rooms ADD COLUMN language TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE phases ADD COLUMN questions TEXT NOT NULL DEFAULT '[]'",
    ):
        db.execute(statement)


@MIGRATIONS(name="0007_erasure_tombstones")
def _erasure_tombstones(db: Database) -> None:
    """What `hubworkshop forget` erased, kept so that no merged copy brings it back: the
    person's random uid, a keyed hash of every spelling of their name (never the name), and
    the ids of the contributions removed with them. Filled from the log's earlier erasures."""
    db.execute(
        """
        CREATE TABLE erasures (
            kind TEXT NOT NULL CHECK (kind IN ('person', 'name', 'contribution')),
            value TEXT NOT NULL,
            with_contributions INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (kind, value)
        ) STRICT
        """
    )
    db.execute(
        "INSERT OR IGNORE INTO erasures (kind, value, with_contributions) "
        "SELECT 'person', subject, coalesce(json_extract(data, '$.contributions_removed'), 0) "
        "FROM events WHERE action = 'participant.forget' AND subject IS NOT NULL "
        "AND json_valid(data)"
    )
    db.execute(
        "INSERT OR IGNORE INTO erasures (kind, value) "
        "SELECT 'contribution', r.value FROM events e, json_each(e.data, '$.removed') r "
        "WHERE e.action = 'participant.forget' AND json_valid(e.data) "
        "AND json_type(e.data, '$.removed') = 'array' AND r.type = 'text'"
    )


@MIGRATIONS(name="0008_change_times")
def _change_times(db: Database) -> None:
    """When each group of a contribution's fields last changed (`storage/changes.py`), so a
    merge keeps independent edits of one point made on two copies (the search index's update
    trigger now follows the text only); and votes withdrawn by an
    undo, kept so that no merged copy brings them back. Rows changed before this migration
    get their last update time for every group (as merges treated them until now)."""
    db.execute("ALTER TABLE contributions ADD COLUMN changed TEXT NOT NULL DEFAULT '{}'")
    # The search index follows the text only: recording a change time must not re-index a
    # row from inside another update (and parking or starring never needed re-indexing).
    db.execute('DROP TRIGGER IF EXISTS "contributions_au"')
    db.execute(
        """
        CREATE TRIGGER "contributions_au" AFTER UPDATE OF "text" ON "contributions" BEGIN
          INSERT INTO "contributions_fts" ("contributions_fts", rowid, "text")
          VALUES ('delete', old.rowid, old."text");
          INSERT INTO "contributions_fts" (rowid, "text") VALUES (new.rowid, new."text");
        END
        """
    )
    groups = ", ".join(f"'{g}', updated_at" for g in CHANGE_GROUPS)
    db.execute(
        f"UPDATE contributions SET changed = json_object({groups}) WHERE updated_at > created_at"
    )
    for group, columns in CHANGE_GROUPS.items():
        if not columns:
            continue  # tags: set_tags records their time
        differs = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)
        db.execute(
            f"""
            CREATE TRIGGER contributions_changed_{group}
            AFTER UPDATE OF {", ".join(columns)} ON contributions
            WHEN NEW.changed IS OLD.changed AND ({differs}) BEGIN
                UPDATE contributions SET changed = json_set(changed, '$.{group}', NEW.updated_at)
                WHERE seq = NEW.seq;
            END
            """
        )
    db.execute(
        """
        CREATE TABLE withdrawn_votes (
            uid TEXT PRIMARY KEY,
            at TEXT NOT NULL
        ) STRICT
        """
    )


@MIGRATIONS(name="0009_contribution_context")
def _contribution_context(db: Database) -> None:
    """Where and when a contribution was made, and what it answers: the agenda phase its room
    was in when it was saved, and the point an agreement or disagreement responds to. Older
    contributions keep neither (NULL): the summary shows them as it always did."""
    for statement in (
        "ALTER TABLE contributions ADD COLUMN phase TEXT",
        "ALTER TABLE contributions ADD COLUMN responds_to TEXT",
    ):
        db.execute(statement)


@MIGRATIONS(name="0010_participant_pages")
def _participant_pages(db: Database) -> None:
    """Participants on their own devices (issue #32). `room_pages`: each room's moderation
    (post: a point shows at once; pre: once approved) and, while `serve` runs, the room's
    link secret, its typed code and the page's address for the QR code (written when it
    starts, cleared when it stops: they expire with the session). `held`: a point waiting
    for approval, or hidden by a facilitator; the contribution itself is soft-deleted
    meanwhile, so every list and export skips it as it skips any deleted point, and the log
    says why."""
    db.execute(
        """
        CREATE TABLE room_pages (
            room TEXT PRIMARY KEY REFERENCES rooms(id),
            moderation TEXT NOT NULL DEFAULT 'post' CHECK (moderation IN ('post', 'pre')),
            secret TEXT UNIQUE,
            code TEXT UNIQUE,
            link TEXT,
            updated_at TEXT NOT NULL
        ) STRICT
        """
    )
    db.execute(
        """
        CREATE TABLE held (
            contribution TEXT PRIMARY KEY REFERENCES contributions(id) ON DELETE CASCADE,
            room TEXT NOT NULL REFERENCES rooms(id),
            state TEXT NOT NULL CHECK (state IN ('waiting', 'hidden')),
            at TEXT NOT NULL
        ) STRICT
        """
    )
    db.execute("CREATE INDEX held_room ON held (room, state)")


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


def migrate(conn: sqlite3.Connection) -> None:
    """Apply the migrations this database has not had, inside the caller's transaction."""
    MIGRATIONS.apply(Database(conn, execute_plugins=False))
