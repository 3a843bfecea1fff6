"""Erasure on request (`hubworkshop forget NAME`): a person's name leaves the workshop.

In one write transaction the name leaves the roster, the contributions they made (which
become anonymous, or are removed with `with_contributions`), their dots and their own
rankings, action owners, purpose-statement authors, note-taker fields and every event
payload and actor. The event log then records that an erasure happened, without the name.
Afterwards the database is vacuumed with `secure_delete` on and its write-ahead log
checkpointed and truncated, so the name's bytes are gone from the file and its WAL.

Words other people said that mention the person are theirs and are not rewritten.
"""

from __future__ import annotations

import json
import re
from typing import Any

from hubworkshop.domain.events import EventName
from hubworkshop.domain.names import name_key
from hubworkshop.storage.participants import _same_person, no_such_person
from hubworkshop.storage.rows import clean_name
from hubworkshop.storage.sql import Db
from hubworkshop.storage.store import Store

ERASED = "(erased)"


def forget(
    store: Store, name: str, *, with_contributions: bool = False, actor: str | None = None
) -> dict[str, int]:
    """Erase `name` from the workshop; returns what was changed, as counts."""
    name = clean_name(name)
    # Freed pages are overwritten with zeros from here on, not left holding the name.
    store.connections.writer.conn.execute("PRAGMA secure_delete = ON")
    with store.write() as db:
        person = _same_person(db, name)
        if person is None:
            raise no_such_person(db, name)
        done = erase_in_transaction(
            store, db, person, {name}, with_contributions=with_contributions, actor=actor
        )
    done["wal cleared"] = int(compact(store))
    return done


def erase_in_transaction(
    store: Store,
    db: Db,
    person: dict[str, Any],
    spellings: set[str],
    *,
    with_contributions: bool,
    actor: str | None = None,
    log: bool = True,
) -> dict[str, int]:
    """Inside a write: erase the participant row `person` (and every spelling of their name).

    The log's entry keeps the person's random `uid` and the ids of removed contributions,
    never the name, so `hubworkshop merge` can keep a copy made before the erasure from
    bringing the person back (a merge that carries out another copy's erasure copies that
    copy's entry instead: `log=False`)."""
    pid = person["id"]
    spellings = {person["name"], *spellings}
    theirs = [r[0] for r in db.execute("SELECT id FROM contributions WHERE author = ?", [pid])]
    if with_contributions:
        _remove_contributions(db.conn, theirs)
    else:
        db.execute("UPDATE contributions SET author = NULL WHERE author = ?", [pid])
    dots = db.execute("UPDATE votes SET participant = NULL WHERE participant = ?", [pid]).rowcount
    ballots = db.execute("DELETE FROM rankings WHERE participant = ?", [pid]).rowcount
    owners = _clear_matching(db.conn, "contributions", "owner", spellings)
    _clear_matching(db.conn, "contributions", "note_taker", spellings)
    _clear_matching(db.conn, "purpose_statements", "author", spellings)
    _clear_matching(db.conn, "events", "actor", spellings)
    events = _scrub_events(db.conn, spellings)
    db.execute("DELETE FROM participants WHERE id = ?", [pid])
    done = {
        "contributions": len(theirs),
        "dots": dots,
        "rankings": ballots,
        "owned actions": owners,
        "events rewritten": events,
    }
    if not log:
        return done
    store._log(
        EventName.PARTICIPANT_FORGET,
        actor=actor,
        subject=person.get("uid"),
        data={
            **done,
            "contributions_removed": with_contributions,
            "removed": theirs if with_contributions else [],
        },
    )
    return done


def _remove_contributions(conn: Any, ids: list[str]) -> None:
    if not ids:
        return
    marks = ",".join("?" * len(ids))
    conn.execute(f"UPDATE contributions SET merged_into = NULL WHERE merged_into IN ({marks})", ids)
    for table, column in (
        ("contribution_tags", "contribution"),
        ("votes", "contribution"),
        ("takeaways", "contribution"),
    ):
        conn.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", ids)
    conn.execute(f"DELETE FROM contributions WHERE id IN ({marks})", ids)
    # Their words leave the log too: the payloads of events about these contributions.
    conn.execute(f"UPDATE events SET data = '{{}}' WHERE subject IN ({marks})", ids)


def _clear_matching(conn: Any, table: str, column: str, spellings: set[str]) -> int:
    keys = {name_key(s) for s in spellings}
    rows = conn.execute(
        f"SELECT rowid, {column} FROM {table} WHERE {column} IS NOT NULL"
    ).fetchall()
    hits = [(row[0],) for row in rows if name_key(row[1]) in keys]
    conn.executemany(f"UPDATE {table} SET {column} = NULL WHERE rowid = ?", hits)
    return len(hits)


def _pattern(spellings: set[str]) -> re.Pattern[str]:
    return re.compile(
        "|".join(re.escape(s) for s in sorted(spellings, key=len, reverse=True)), re.IGNORECASE
    )


def scrub_names(value: Any, spellings: set[str]) -> Any:
    """A decoded event payload with every spelling of the names replaced by `(erased)`."""
    return _scrub(value, _pattern(spellings)) if spellings else value


def _scrub_events(conn: Any, spellings: set[str]) -> int:
    """Every event payload that holds the name, with the name replaced by `(erased)`."""
    pattern = _pattern(spellings)
    changed = []
    for seq, data in conn.execute("SELECT rowid, data FROM events").fetchall():
        if not data or not pattern.search(data):
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
    """Rewrite the file without the freed pages and empty the write-ahead log; False when
    another process still reads an old version, so the log could not be emptied yet."""
    conn = store.connections.writer.conn
    conn.execute("VACUUM")
    busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return not busy
