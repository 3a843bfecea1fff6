"""A connection with the few conveniences the store needs, on the standard library's sqlite3.

sqlite-utils builds and migrates the schema (`schema.py`); everything a running workshop
does goes through this thin layer instead, so opening a room or adding a line from the
command line never imports sqlite-utils (about 60 ms of a 100 ms start).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

Params = Sequence[Any] | Mapping[str, Any]


class Db:
    """One sqlite3 connection. Table and column names passed here are the code's own."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def query(self, sql: str, params: Params = ()) -> Iterator[dict[str, Any]]:
        """Rows as dictionaries of column name to value."""
        cursor = self.conn.execute(sql, params)
        names = [column[0] for column in cursor.description]
        for row in cursor:
            yield dict(zip(names, row, strict=True))

    def insert(self, table: str, values: Mapping[str, Any]) -> int:
        """Insert one row; returns its rowid."""
        columns = ", ".join(_quote(c) for c in values)
        marks = ", ".join("?" for _ in values)
        cursor = self.conn.execute(
            f"INSERT INTO {_quote(table)} ({columns}) VALUES ({marks})", list(values.values())
        )
        return int(cursor.lastrowid or 0)

    def insert_all(self, table: str, rows: Iterable[Mapping[str, Any]]) -> None:
        """Insert rows that all have the same columns, in one statement."""
        rows = list(rows)
        if not rows:
            return
        names = list(rows[0])
        columns = ", ".join(_quote(c) for c in names)
        marks = ", ".join("?" for _ in names)
        self.conn.executemany(
            f"INSERT INTO {_quote(table)} ({columns}) VALUES ({marks})",
            [[row[name] for name in names] for row in rows],
        )

    def update(self, table: str, key: str, value: Any, changes: Mapping[str, Any]) -> None:
        """Set `changes` on the row whose `key` column is `value`."""
        assignments = ", ".join(f"{_quote(c)} = ?" for c in changes)
        self.conn.execute(
            f"UPDATE {_quote(table)} SET {assignments} WHERE {_quote(key)} = ?",
            [*changes.values(), value],
        )

    def count(self, table: str) -> int:
        return int(self.conn.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()[0])

    def close(self) -> None:
        self.conn.close()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
