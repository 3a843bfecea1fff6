"""Erasure on request (`hubworkshop forget NAME`): a person's name leaves the workshop.

In one write transaction every spelling of the person's name — the name now, earlier names
(renames), names merged into theirs, action owners written so that they point at them
(`jose nandu` for `José Ñandú`) — leaves the roster, the contributions they made (which
become anonymous, or are removed with `with_contributions`; an off-the-record person's
words always go with them, as anonymous they would be published), their dots and their own
rankings, action owners, purpose-statement authors, note-taker fields, and every event
payload and actor; the log's entries about the person point at their random uid instead.
A note-taker or facilitator who is on no roster is erased from the fields that name them.

What was erased is recorded (`erasures`, migration 0006): the person's uid, a keyed hash of
each spelling (never the name) and the ids of removed contributions, so that no merged copy
brings any of it back, and no one is added again under an erased name.

Afterwards the search index is rebuilt, the database vacuumed with `secure_delete` on and
its write-ahead log checkpointed and truncated, so the name's bytes (and removed words'
index fragments) are gone from the file and its WAL. Words other people said that mention
the person are theirs and are not rewritten.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from typing import Any

from hubworkshop.domain.consent import erased_with_their_words
from hubworkshop.domain.errors import StoreError
from hubworkshop.domain.events import EventName
from hubworkshop.domain.i18n import _
from hubworkshop.domain.model import Consent
from hubworkshop.domain.names import loose_key, name_key, name_token
from hubworkshop.storage.participants import _same_person, no_such_person
from hubworkshop.storage.rows import clean_name
from hubworkshop.storage.sql import Db
from hubworkshop.storage.store import Store

ERASED = "(erased)"

# Where a name is written as text, not as a participant id: (table, column).
NAME_FIELDS = (
    ("contributions", "owner"),
    ("contributions", "note_taker"),
    ("votes", "note_taker"),
    ("purpose_statements", "author"),
    ("events", "actor"),
)
PERSON_EVENTS = tuple(
    e.value
    for e in (
        EventName.PARTICIPANT_ADD,
        EventName.PARTICIPANT_UPDATE,
        EventName.PARTICIPANT_RENAME,
        EventName.PARTICIPANT_MERGE,
    )
)


def forget(
    store: Store,
    name: str,
    *,
    with_contributions: bool = False,
    actor: str | None = None,
    spellings: set[str] | None = None,
) -> dict[str, int]:
    """Erase `name` from the workshop; returns what was changed, as counts, and adds every
    spelling erased to `spellings` (for what this machine keeps outside the database)."""
    name = clean_name(name)
    room_to_compact(store)
    # Freed pages are overwritten with zeros from here on, not left holding the name.
    store.connections.writer.conn.execute("PRAGMA secure_delete = ON")
    with store.write() as db:
        person = _same_person(db, name)
        if person is None and not _named_anywhere(db, name):
            raise no_such_person(db, name)
        erased = {name}
        done = erase_in_transaction(
            store, db, person, erased, with_contributions=with_contributions, actor=actor
        )
    if spellings is not None:
        spellings |= erased
    cleared, failed = compact_file(store)
    done["wal cleared"] = int(cleared)
    done["not compacted"] = int(failed is not None)
    return done


def room_to_compact(store: Store) -> None:
    """Refuse, before anything is changed, when the disk cannot hold the vacuum's copy of
    the file (and its log): an erasure that could not finish leaves the database as it was."""
    size = store.path.stat().st_size
    wal = store.path.with_name(store.path.name + "-wal")
    need = 2 * size + (wal.stat().st_size if wal.exists() else 0) + 1024 * 1024
    free = shutil.disk_usage(store.path.parent).free
    if free < need:
        raise StoreError(
            _(
                "{path}: the disk has {free} KiB free, and erasing needs about {need} KiB to rewrite the file; nothing was changed"
            ).format(path=store.path, free=free // 1024, need=need // 1024)
        )


def _named_anywhere(db: Db, name: str) -> bool:
    """Whether a name on no roster is still written somewhere (a note-taker, a facilitator)."""
    key = name_key(name)
    for table, column in NAME_FIELDS:
        for (value,) in db.conn.execute(
            f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL"
        ):
            if isinstance(value, str) and name_key(value) == key:
                return True
    return False


def identity(db: Db, person: dict[str, Any]) -> tuple[set[int], set[str]]:
    """Every participant id and every spelling one person has had, read from the log: the
    names they were added, renamed and merged under, and the entries merged into theirs."""
    live = {row[0] for row in db.conn.execute("SELECT id FROM participants")}
    events = db.conn.execute(
        f"SELECT subject, data FROM events WHERE action IN ({','.join('?' * 4)})",
        PERSON_EVENTS,
    ).fetchall()
    return lineage(int(person["id"]), str(person["name"]), live, events)


def lineage(
    pid: int, name: str, live: set[int], events: list[tuple[Any, Any]]
) -> tuple[set[int], set[str]]:
    """`identity` over rows already read: `events` are the (subject, data) of the log's
    participant entries, `live` the ids on the roster now."""
    pids, names = {pid}, {name}
    decoded = []
    for subject, data in events:
        if not (isinstance(subject, str) and subject.isdigit() and isinstance(data, str)):
            continue
        try:
            payload = json.loads(data or "{}")
        except (ValueError, RecursionError):
            continue
        if isinstance(payload, dict):
            decoded.append((int(subject), payload))
    while True:
        keys = {name_key(n) for n in names}
        before = (len(pids), len(names))
        for subject, payload in decoded:
            spelled = [
                v
                for k in ("name", "before", "after", "merged", "into")
                if isinstance(v := payload.get(k), str) and v
            ]
            if subject in pids:
                names.update(spelled)
            elif subject not in live and any(name_key(v) in keys for v in spelled):
                pids.add(subject)  # an entry merged into theirs (or theirs before a rename)
                names.update(spelled)
        if (len(pids), len(names)) == before:
            return pids, names


def erase_in_transaction(
    store: Store,
    db: Db,
    person: dict[str, Any] | None,
    spellings: set[str],
    *,
    with_contributions: bool,
    actor: str | None = None,
    log: bool = True,
) -> dict[str, int]:
    """Inside a write: erase the participant row `person` (or, None, a name on no roster)
    with every spelling of their name, and record the erasure (`erasures`).

    The log's entry keeps the person's random `uid` and the ids of removed contributions,
    never the name (a merge that carries out another copy's erasure passes `log=False`)."""
    conn = db.conn
    pids: set[int] = set()
    if person is not None:
        pids, names = identity(db, person)
        # An earlier name that is someone else's on the roster now is theirs: left alone.
        others = {
            name_key(row[0])
            for row in conn.execute("SELECT name FROM participants WHERE id != ?", [person["id"]])
        }
        spellings |= {n for n in names if name_key(n) not in others}
        with_contributions |= erased_with_their_words(Consent(person["consent"]))
    spellings |= _owners_meaning(conn, spellings, person)
    marks = ",".join("?" * len(pids))
    theirs = [
        r[0]
        for r in conn.execute(f"SELECT id FROM contributions WHERE author IN ({marks})", [*pids])
    ]
    if with_contributions:
        remove_contributions(conn, theirs)
    else:
        conn.execute(f"UPDATE contributions SET author = NULL WHERE author IN ({marks})", [*pids])
    dots = conn.execute(
        f"UPDATE votes SET participant = NULL WHERE participant IN ({marks})", [*pids]
    ).rowcount
    ballots = conn.execute(f"DELETE FROM rankings WHERE participant IN ({marks})", [*pids]).rowcount
    cleared = {
        (table, column): _clear_matching(conn, table, column, spellings)
        for table, column in NAME_FIELDS
    }
    uid = person.get("uid") if person is not None else None
    conn.execute(  # the log's entries about them point at their random uid, not a row number
        f"UPDATE events SET subject = ? WHERE subject IN ({marks}) "
        f"AND action IN ({','.join('?' * len(PERSON_EVENTS))})",
        [uid, *(str(p) for p in pids), *PERSON_EVENTS],
    )
    events = _scrub_events(conn, spellings)
    conn.execute(f"DELETE FROM participants WHERE id IN ({marks})", [*pids])
    record_erasure(conn, uid, spellings, theirs if with_contributions else [], with_contributions)
    if with_contributions and theirs:
        rebuild_search_index(conn)
    done = {
        "contributions": len(theirs),
        "dots": dots,
        "rankings": ballots,
        "owned actions": cleared[("contributions", "owner")],
        "events rewritten": events,
    }
    if not log:
        return done
    store.database.log(
        EventName.PARTICIPANT_FORGET,
        actor=actor,
        subject=uid,
        data={
            **done,
            "contributions_removed": with_contributions,
            "removed": theirs if with_contributions else [],
        },
    )
    return done


def workshop_salt(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT id FROM workshop LIMIT 1").fetchone()
    return str(row[0]) if row else ""


def record_erasure(
    conn: sqlite3.Connection,
    uid: str | None,
    spellings: set[str],
    removed: list[str],
    with_contributions: bool,
) -> None:
    """Inside a write: the tombstones of one erasure (uid, keyed hashes of the spellings,
    removed contribution ids). The stricter record wins: with contributions over without."""
    salt = workshop_salt(conn)
    rows = [("name", name_token(s, salt)) for s in spellings]
    rows += [("contribution", cid) for cid in removed]
    if uid:
        rows.append(("person", uid))
    conn.executemany(
        "INSERT INTO erasures (kind, value, with_contributions) VALUES (?, ?, ?) "
        "ON CONFLICT (kind, value) DO UPDATE SET "
        "with_contributions = max(with_contributions, excluded.with_contributions)",
        [(kind, value, int(with_contributions)) for kind, value in rows],
    )


def rebuild_search_index(conn: sqlite3.Connection) -> None:
    """Rebuild the full-text index from the rows it indexes: FTS5 keeps deleted rows'
    trigrams in its older segments until they are merged, and a rebuild leaves none."""
    found = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'contributions_fts'"
    ).fetchone()
    if found:
        conn.execute("INSERT INTO contributions_fts (contributions_fts) VALUES ('rebuild')")


def _owners_meaning(
    conn: sqlite3.Connection, spellings: set[str], person: dict[str, Any] | None
) -> set[str]:
    """Owner strings that point at the person: their name however written, accents left out
    too — unless the string is exactly someone else's name on the roster."""
    if person is None:
        return set()
    others = {
        name_key(row[0])
        for row in conn.execute("SELECT name FROM participants WHERE id != ?", [person["id"]])
    }
    loose = {loose_key(s) for s in spellings}
    return {
        owner
        for (owner,) in conn.execute(
            "SELECT DISTINCT owner FROM contributions WHERE owner IS NOT NULL"
        )
        if isinstance(owner, str) and name_key(owner) not in others and loose_key(owner) in loose
    }


def remove_contributions(conn: Any, ids: list[str]) -> None:
    if not ids:
        return
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        conn.execute(
            f"UPDATE contributions SET merged_into = NULL WHERE merged_into IN ({marks})", chunk
        )
        for table, column in (
            ("contribution_tags", "contribution"),
            ("votes", "contribution"),
            ("takeaways", "contribution"),
        ):
            conn.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk)
        conn.execute(f"DELETE FROM contributions WHERE id IN ({marks})", chunk)
        # Their words leave the log too: the payloads of events about these contributions.
        conn.execute(f"UPDATE events SET data = '{{}}' WHERE subject IN ({marks})", chunk)


def _clear_matching(conn: Any, table: str, column: str, spellings: set[str]) -> int:
    keys = {name_key(s) for s in spellings}
    rows = conn.execute(
        f"SELECT rowid, {column} FROM {table} WHERE {column} IS NOT NULL"
    ).fetchall()
    hits = [(row[0],) for row in rows if isinstance(row[1], str) and name_key(row[1]) in keys]
    conn.executemany(f"UPDATE {table} SET {column} = NULL WHERE rowid = ?", hits)
    return len(hits)


def _pattern(spellings: set[str]) -> re.Pattern[str]:
    return re.compile(
        "|".join(rf"(?<!\w){re.escape(s)}(?!\w)" for s in sorted(spellings, key=len, reverse=True)),
        re.IGNORECASE,
    )


def scrub_names(value: Any, spellings: set[str]) -> Any:
    """A decoded event payload with every spelling of the names replaced by `(erased)`."""
    return _scrub(value, _pattern(spellings)) if spellings else value


def _scrub_events(conn: Any, spellings: set[str]) -> int:
    """Every event payload that holds the name, with the name replaced by `(erased)`."""
    pattern = _pattern(spellings)
    changed = []
    for seq, data in conn.execute("SELECT rowid, data FROM events").fetchall():
        if not isinstance(data, str) or not pattern.search(data):
            continue
        try:
            payload = json.loads(data)
        except ValueError:
            payload = data
        scrubbed = _scrub(payload, pattern)
        changed.append((json.dumps(scrubbed, ensure_ascii=False), seq))
    conn.executemany("UPDATE events SET data = ? WHERE rowid = ?", changed)
    return len(changed)


def _scrub(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, list):
        return [_scrub(v, pattern) for v in value]
    if isinstance(value, dict):
        return {_scrub(k, pattern): _scrub(v, pattern) for k, v in value.items()}
    return value


def compact(store: Store) -> bool:
    """`compact_file`, for a merge: whether the log could be emptied."""
    return compact_file(store)[0]


def compact_file(store: Store) -> tuple[bool, str | None]:
    """Rewrite the file without the freed pages and empty the write-ahead log; False when
    another process still reads an old version, so the log could not be emptied yet; and why
    the vacuum failed, if it did.

    The erasure has committed by now, and `secure_delete` has zeroed what it freed. A vacuum
    that fails (the disk filled meanwhile) still lets the log be folded into the file, which
    needs no new space: the erased bytes are gone, only the file keeps its size (said on
    stderr by the command). Only if that fails too is it an error, as one line."""
    conn = store.connections.writer.conn
    failed = None
    try:
        conn.execute("VACUUM")
    except sqlite3.Error as error:
        failed = str(error)
    try:
        busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.Error as error:
        raise StoreError(
            _(
                "{path}: the erasure is saved, but its log could not be folded into the file yet ({error}); SQLite does so when the last program closes it with space free"
            ).format(path=store.path, error=error)
        ) from None
    return not busy, failed
