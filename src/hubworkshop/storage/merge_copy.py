"""Reading another copy of the workshop for `hubworkshop merge`: from a private copy of
the file (migrated there if an older hubworkshop wrote it), with the other file's schema
objects never run here, and every field checked as typed input is (`domain/fields.py`).
A refusal names the file, the table, the row and the field; nothing is merged."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from hubworkshop.domain import fields
from hubworkshop.domain.errors import StoreError
from hubworkshop.domain.events import EventName
from hubworkshop.domain.i18n import _
from hubworkshop.storage.changes import bad_changes
from hubworkshop.storage.files import explain, refuse_foreign_file
from hubworkshop.storage.store import Store

Row = dict[str, Any]


def read_copy(path: Path, store: Store, scratch: Path) -> tuple[Path, dict[str, list[Row]]]:
    """Every table of the workshop file at `path`, read from a migrated private copy."""
    refuse_foreign_file(path)
    if not path.exists():
        raise StoreError(_("{path}: no such file").format(path=path))
    if os.path.samefile(path, store.path):
        raise StoreError(_("{path}: that is the database itself").format(path=path))
    copy = scratch / f"{len(list(scratch.iterdir()))}.db"
    try:
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            target = sqlite3.connect(copy)
            try:
                source.backup(target)
            finally:
                target.close()
        finally:
            source.close()
    except sqlite3.Error as error:
        raise StoreError(
            _("{path}: cannot read it: {explain}").format(path=path, explain=explain(error))
        ) from None
    _disarm(path, copy)
    try:
        Store.open(copy).close()  # checks it is a hubworkshop workshop, and migrates the copy
    except StoreError as error:
        raise StoreError(str(error).replace(str(copy), str(path))) from None
    _disarm(path, copy)  # and what the migration made
    conn = sqlite3.connect(copy)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        tables = {
            name: [dict(row) for row in conn.execute(f"SELECT * FROM {name}")] for name in _TABLES
        }
    except sqlite3.Error as error:
        raise StoreError(
            _("{path}: cannot read it: {explain}").format(path=path, explain=explain(error))
        ) from None
    finally:
        conn.close()
    _check_rows(path, tables)
    return path, tables


_TABLES = (
    "workshop", "rooms", "questions", "roles", "participants", "contributions",
    "contribution_tags", "vote_rounds", "votes", "rankings", "purpose_statements",
    "takeaways", "events", "room_state", "erasures", "withdrawn_votes",
)  # fmt: skip


def _disarm(path: Path, copy: Path) -> None:
    """Schema objects of the other file are never run here: its triggers are dropped from
    the private copy, and a view (hubworkshop makes none), or a view or virtual table
    standing where one of the workshop's tables should be, refuses the file."""
    conn = sqlite3.connect(copy)
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        objects = conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        for kind, name, sql in objects:
            if kind == "view" or (
                name in _TABLES and (kind != "table" or "VIRTUAL" in str(sql).upper()[:40])
            ):
                raise StoreError(
                    _(
                        "{path}: schema object {name!r} ({kind}) is not hubworkshop's; nothing was merged"
                    ).format(path=path, name=str(name), kind=kind)
                )
        with conn:
            for kind, name, _sql in objects:
                if kind == "trigger":
                    conn.execute(
                        f'DROP TRIGGER IF EXISTS "{str(name).replace(chr(34), chr(34) * 2)}"'
                    )
    except sqlite3.Error as error:
        raise StoreError(
            _("{path}: cannot read it: {explain}").format(path=path, explain=explain(error))
        ) from None
    finally:
        conn.close()


def _known(ids: set[str]) -> Any:
    return lambda v: None if v in ids else f"is not one of this workshop's ({v!r})"


def _maybe(check: Any) -> Any:
    return lambda v: None if v is None else check(v)


_FLAG = lambda v: fields.bad_count(v, 0, 1)  # noqa: E731
_NUMBER = lambda v: fields.bad_count(v, 0, 2**31)  # noqa: E731
_ROWID = lambda v: fields.bad_count(v, 1, 2**62)  # noqa: E731
_ACTIONS = frozenset(e.value for e in EventName)


def _json_payload(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) > 1024 * 1024:
        return "is not a log entry's data (JSON text)"
    if fields.json_too_deep(value):
        return f"nests deeper than {fields.MAX_JSON_DEPTH} levels"
    try:
        json.loads(value)
    except ValueError:
        return "is not JSON"
    return None


def _row_rules(tables: dict[str, list[Row]]) -> dict[str, dict[str, Any]]:
    """What each field the merge reads must be: the rules of typed input (`domain/fields`)."""
    return {
        "participants": {
            "id": _ROWID, "name": fields.bad_name, "consent": fields.bad_consent,
            "language": _maybe(fields.bad_language), "uid": fields.bad_uid,
            "created_at": fields.bad_time, "updated_at": fields.bad_time,
        },
        "contributions": {
            "id": fields.bad_id, "room": fields.bad_id, "question": _maybe(fields.bad_id),
            "kind": fields.bad_kind, "text": fields.bad_text,
            "language": fields.bad_language, "author": _maybe(_ROWID),
            "note_taker": _maybe(fields.bad_name), "created_at": fields.bad_time,
            "updated_at": fields.bad_time, "deleted_at": _maybe(fields.bad_time),
            "parked": _FLAG, "starred": _FLAG, "merged_into": _maybe(fields.bad_id),
            "cluster": _maybe(lambda v: fields.bad_text(v, empty=True)),
            "owner": _maybe(fields.bad_name), "due": _maybe(fields.bad_date),
            "changed": bad_changes,
            "phase": _maybe(fields.bad_id), "responds_to": _maybe(fields.bad_id),
        },
        "contribution_tags": {"contribution": fields.bad_id, "tag": fields.bad_text},
        "vote_rounds": {
            "id": _ROWID, "uid": fields.bad_uid, "room": fields.bad_id, "dots": _NUMBER, "opened_at": fields.bad_time,
            "closed_at": _maybe(fields.bad_time), "result": _maybe(_json_payload),
        },
        "votes": {
            "uid": fields.bad_uid, "contribution": fields.bad_id, "participant": _maybe(_ROWID),
            "dots": lambda v: fields.bad_count(v, 1, 1000), "note_taker": _maybe(fields.bad_name),
            "created_at": fields.bad_time, "round": _maybe(_ROWID),
        },
        "rankings": {
            "room": fields.bad_id, "participant": _maybe(_ROWID), "role": fields.bad_id, "position": _NUMBER,
            "created_at": fields.bad_time,
        },
        "purpose_statements": {
            "id": _ROWID, "uid": fields.bad_uid, "room": fields.bad_id, "text": fields.bad_text,
            "author": _maybe(fields.bad_name), "final": _FLAG, "created_at": fields.bad_time,
        },
        "takeaways": {"room": fields.bad_id, "position": _NUMBER, "contribution": fields.bad_id},
        "events": {
            "uid": fields.bad_uid, "at": fields.bad_time, "actor": _maybe(fields.bad_name),
            "action": lambda v: None if v in _ACTIONS else f"is not a kind of log entry ({v!r})",
            "subject": _maybe(lambda v: fields.bad_text(v, empty=True)),
            "room": _maybe(fields.bad_id), "data": _json_payload,
        },
        "room_state": {
            "room": fields.bad_id, "question": _maybe(fields.bad_id), "question_opened_at": _maybe(fields.bad_time),
            "phase": _maybe(fields.bad_id), "timer_seconds": _NUMBER,
            "timer_elapsed_ms": lambda v: fields.bad_count(v, 0, 2**62),
            "timer_started_at": _maybe(fields.bad_time), "updated_at": fields.bad_time,
        },
        "withdrawn_votes": {"uid": fields.bad_uid, "at": fields.bad_time},
        "erasures": {
            "kind": lambda v: None if v in ("person", "name", "contribution") else "unknown",
            "value": lambda v: None if isinstance(v, str) and 0 < len(v) <= 100 else "not an id",
            "with_contributions": _FLAG,
        },
    }  # fmt: skip


def _check_rows(path: Path, tables: dict[str, list[Row]]) -> None:
    """Every field the merge reads, checked as typed input is; the first bad one refuses the
    file, naming the table, the row and the field."""
    for table, rules in _row_rules(tables).items():
        for index, row in enumerate(tables[table]):
            for column, rule in rules.items():
                why = rule(row.get(column))
                if why is not None:
                    raise StoreError(
                        _("{path}: {table}[{index}].{column} {why}; nothing was merged").format(
                            path=path, table=table, index=index, column=column, why=why
                        )
                    )
    cycle = fields.merge_cycle({r["id"]: r["merged_into"] for r in tables["contributions"]})
    if cycle:
        raise StoreError(
            _(
                "{path}: contributions.merged_into: {ids} are merged into each other in a ring; nothing was merged"
            ).format(path=path, ids=" → ".join([*cycle, cycle[0]]))
        )
