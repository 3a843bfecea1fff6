"""The baseline for `hubworkshop add`: a bare click command that opens SQLite (WAL,
synchronous=FULL), inserts one row in BEGIN IMMEDIATE and prints its id.
Usage: python bare_add.py --db FILE --room ROOM TEXT"""

import sqlite3
import uuid

import click


@click.command()
@click.option("--db", required=True)
@click.option("--room", required=True)
@click.argument("text")
def main(db: str, room: str, text: str) -> None:
    conn = sqlite3.connect(db, timeout=30, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS bare (id TEXT PRIMARY KEY, room TEXT, text TEXT)")
    conn.execute("BEGIN IMMEDIATE")
    new_id = str(uuid.uuid4())
    conn.execute("INSERT INTO bare VALUES (?, ?, ?)", (new_id, room, text))
    conn.execute("COMMIT")
    click.echo(new_id)


if __name__ == "__main__":
    main()
