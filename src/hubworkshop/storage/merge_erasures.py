"""What a merge does about erasures (`hubworkshop forget`), apart from the rest of the
merge: the other copy's records of erasures join this one's, and whatever either names —
a person by uid or by a keyed hash of a spelling, a contribution by id — is erased here
and never taken from the other copy; checked again before the transaction commits."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from hubworkshop.domain import fields
from hubworkshop.domain.errors import StoreError
from hubworkshop.domain.i18n import _
from hubworkshop.domain.names import name_token
from hubworkshop.storage.erase import (
    ERASED,
    NAME_FIELDS,
    PERSON_EVENTS,
    erase_in_transaction,
    identity,
    rebuild_search_index,
    remove_contributions,
    workshop_salt,
)
from hubworkshop.storage.sql import Db
from hubworkshop.storage.store import Store

Row = dict[str, Any]


class MergeResultLike(Protocol):
    source: Path

    def add(self, what: str, n: int = 1) -> None: ...


class ErasureMerge:
    """The erasure side of one merge; `_Merge` (merge.py) is the rest."""

    store: Store
    db: Db
    conn: sqlite3.Connection
    other: dict[str, list[Row]]
    result: MergeResultLike
    removed: set[str]

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        raise NotImplementedError

    def erasures(self) -> None:
        """What either copy erased (`erasures`: uids, keyed hashes of names, contribution
        ids) is erased in the result: the other copy's records join ours, and the people,
        names and words they name leave this side too."""
        salt = workshop_salt(self.conn)
        self.salt = salt
        for row in self.other["erasures"]:
            self.conn.execute(
                "INSERT INTO erasures (kind, value, with_contributions) VALUES (?, ?, ?) "
                "ON CONFLICT (kind, value) DO UPDATE SET "
                "with_contributions = max(with_contributions, excluded.with_contributions)",
                [row["kind"], row["value"], row["with_contributions"]],
            )
        self.load_erasures()
        self.their_events = [
            (e["subject"], e["data"]) for e in self.other["events"] if e["action"] in PERSON_EVENTS
        ]
        # Someone erased over there (or here) and still here: erased here too, the same way.
        for row in self.rows("SELECT * FROM participants ORDER BY id"):
            if not list(self.db.query("SELECT 1 FROM participants WHERE id = ?", [row["id"]])):
                continue  # erased with an entry merged into it
            _pids, names = identity(self.db, row)  # every name they had here too
            hit = self.erased_person(row["uid"], names)
            if hit is not None:
                erase_in_transaction(
                    self.store, self.db, row, set(), with_contributions=hit, log=False
                )
                self.result.add("erased")
        self.load_erasures()
        for table, column in NAME_FIELDS:
            hits = [
                (rowid,)
                for rowid, value in self.conn.execute(
                    f"SELECT rowid, {column} FROM {table} WHERE {column} IS NOT NULL"
                )
                if self.erased_name(value)
            ]
            self.conn.executemany(f"UPDATE {table} SET {column} = NULL WHERE rowid = ?", hits)
        gone = [
            r["id"] for r in self.rows("SELECT id FROM contributions") if r["id"] in self.removed
        ]
        if gone:
            remove_contributions(self.conn, gone)
            rebuild_search_index(self.conn)

    def load_erasures(self) -> None:
        self.erased_uids: dict[str, bool] = {}
        self.erased_tokens: dict[str, bool] = {}
        for kind, value, flag in self.conn.execute(
            "SELECT kind, value, with_contributions FROM erasures"
        ):
            if kind == "person":
                self.erased_uids[value] = bool(flag)
            elif kind == "name":
                self.erased_tokens[value] = bool(flag)
            else:
                self.removed.add(value)
        self._tokens: dict[str, str] = {}

    def token(self, name: str) -> str:
        if name not in self._tokens:
            self._tokens[name] = name_token(name, self.salt)
        return self._tokens[name]

    def erased_name(self, name: Any) -> bool:
        return isinstance(name, str) and self.token(name) in self.erased_tokens

    def erased_person(self, uid: Any, names: Iterable[str]) -> bool | None:
        """None if the person was never erased; else whether with their contributions."""
        flags = [self.erased_uids[uid]] if uid in self.erased_uids else []
        flags += [self.erased_tokens[t] for t in map(self.token, names) if t in self.erased_tokens]
        return max(flags) if flags else None

    def scrub_values(self, value: Any) -> Any:
        """A payload's strings that are an erased name, however spelled, as `(erased)`."""
        if isinstance(value, str):
            return ERASED if len(value) <= 200 and self.erased_name(value) else value
        if isinstance(value, list):
            return [self.scrub_values(v) for v in value]
        if isinstance(value, dict):
            return {k: self.scrub_values(v) for k, v in value.items()}
        return value

    def check(self) -> None:
        """In the write transaction, before it commits: no point merged into itself through
        others, and nothing erased on either side back."""
        links = dict(self.conn.execute("SELECT id, merged_into FROM contributions").fetchall())
        cycle = fields.merge_cycle(links)
        if cycle:
            raise StoreError(
                _(
                    "{source}: contributions.merged_into: {ids} would be merged into each other in a ring (each copy merged one into the other); split one of them on either side, then merge again; nothing was merged"
                ).format(source=self.result.source, ids=" → ".join([*cycle, cycle[0]]))
            )
        self.load_erasures()
        back = [
            name
            for uid, name in self.conn.execute("SELECT uid, name FROM participants")
            if self.erased_person(uid, [name]) is not None
        ] + [cid for cid in links if cid in self.removed]
        if back:
            raise StoreError(  # a bug, not the file: refuse rather than bring them back
                _(
                    "{source}: the merge would bring back what was erased; nothing was merged"
                ).format(source=self.result.source)
            )
