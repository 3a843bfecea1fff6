"""What rooms decide: task rankings (ballots) and purpose statements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hubworkshop.domain.ballot import check_ballot
from hubworkshop.domain.events import EventName
from hubworkshop.domain.records import PurposeStatement
from hubworkshop.storage.base import Database
from hubworkshop.storage.catalog import Catalog
from hubworkshop.storage.participants import Participants
from hubworkshop.storage.rows import clean_text


class Rankings:
    """Task rankings: a room's agreed order of the bank's items, or one participant's ballot."""

    def __init__(self, database: Database, catalog: Catalog, participants: Participants) -> None:
        self.database = database
        self.catalog = catalog
        self.participants = participants

    def record(
        self,
        room_id: str,
        roles: Sequence[str],
        *,
        participant: str | None = None,
        actor: str | None = None,
    ) -> None:
        """Store a room's agreed order of the bank's items (or one participant's), replacing
        the last. Items left out are abstentions: they earn nothing from this ranking.
        """
        self.catalog.room(room_id)
        if roles:  # none: the ballot is taken back (the faces ask for one item at least)
            roles = check_ballot(roles, [role.id for role in self.catalog.roles()])
        with self.database.write() as db:
            pid = self.participants.id_in(db, participant, room_id, actor) if participant else None
            db.execute("DELETE FROM rankings WHERE room = ? AND participant IS ?", [room_id, pid])
            now = self.database.clock()
            db.conn.executemany(
                "INSERT INTO rankings (room, participant, role, position, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [(room_id, pid, role, i, now) for i, role in enumerate(roles)],
            )
            self.database.log(
                EventName.RANKING_RECORD,
                room=room_id,
                actor=actor,
                data={"participant": pid, "roles": list(roles)},
            )

    def all(self) -> dict[str, dict[str | None, list[str]]]:
        """room -> participant name (None: the room's agreed order) -> role ids, best first."""
        with self.database.read() as db:
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


class Purposes:
    """Purpose statements: each revision a room writes, and the one marked final."""

    def __init__(self, database: Database, catalog: Catalog) -> None:
        self.database = database
        self.catalog = catalog

    def add(
        self, room_id: str, text: str, *, author: str | None = None, final: bool = False
    ) -> int:
        """Keep a revision of a room's purpose statement; `final` marks the one to report."""
        self.catalog.room(room_id)
        text = clean_text(text)
        with self.database.write() as db:
            if final:
                db.execute("UPDATE purpose_statements SET final = 0 WHERE room = ?", [room_id])
            cursor = db.execute(
                "INSERT INTO purpose_statements (room, text, author, final, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [room_id, text, author, int(final), self.database.clock()],
            )
            self.database.log(
                EventName.PURPOSE_REVISE,
                room=room_id,
                actor=author,
                subject=str(cursor.lastrowid),
                data={"final": final},
            )
            return int(cursor.lastrowid or 0)

    def all(self, room_id: str | None = None) -> list[PurposeStatement]:
        sql = "SELECT * FROM purpose_statements"
        params: list[Any] = []
        if room_id is not None:
            sql += " WHERE room = ?"
            params.append(room_id)
        with self.database.read() as db:
            rows = list(db.query(sql + " ORDER BY id", params))
        return [
            PurposeStatement(
                r["id"], r["room"], r["text"], r["author"], bool(r["final"]), r["created_at"]
            )
            for r in rows
        ]
