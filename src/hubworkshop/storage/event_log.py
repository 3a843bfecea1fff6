"""The event log as the app and the reports read it, and the dashboard's totals."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from hubworkshop.domain.events import EventName
from hubworkshop.domain.records import Event, RoomOverview, RoomState
from hubworkshop.storage.base import Database
from hubworkshop.storage.catalog import Catalog


class EventLog:
    """The event log as readers see it, publications, and the dashboard's totals."""

    def __init__(self, database: Database, catalog: Catalog) -> None:
        self.database = database
        self.catalog = catalog

    def all(
        self, *, room: str | None = None, after_seq: int = 0, with_global: bool = False
    ) -> list[Event]:
        """The log, oldest first; `with_global` adds events of no room (consent changes...)."""
        sql = "SELECT * FROM events WHERE seq > ?"
        params: list[Any] = [after_seq]
        if room is not None:
            sql += " AND (room = ? OR room IS NULL)" if with_global else " AND room = ?"
            params.append(room)
        return self._events(sql + " ORDER BY seq", params)

    def record_publication(self, wiki: str, page: str, revision: int, actor: str | None) -> None:
        """Remember that the summary became `revision` of `page` on `wiki`."""
        with self.database.write():
            self.database.log(
                EventName.WORKSHOP_PUBLISH,
                actor=actor,
                data={"wiki": wiki, "page": page, "revision": revision},
            )

    def last_publication(self, wiki: str, page: str) -> int | None:
        """The revision of `page` on `wiki` that the last publish made, if any."""
        found = None
        for event in self._events(
            "SELECT * FROM events WHERE action = ? ORDER BY seq", [EventName.WORKSHOP_PUBLISH.value]
        ):
            if event.data.get("wiki") == wiki and event.data.get("page") == page:
                found = int(event.data["revision"])
        return found

    def question_timeline(self) -> list[Event]:
        """The events that tell how long each room spent on each question, oldest first.

        Question opens and closes, timer starts, each room's first contribution and each
        room's last event: a few hundred rows where `events()` would return one per
        contribution.
        """
        sql = """
            SELECT * FROM events WHERE room IS NOT NULL AND (
                action IN (?, ?, ?)
                OR seq IN (SELECT min(seq) FROM events
                           WHERE action = ? AND room IS NOT NULL GROUP BY room)
                OR seq IN (SELECT max(seq) FROM events WHERE room IS NOT NULL GROUP BY room)
            ) ORDER BY seq
        """
        names = (
            EventName.QUESTION_OPEN,
            EventName.QUESTION_CLOSE,
            EventName.TIMER_START,
            EventName.CONTRIBUTION_ADD,
        )
        return self._events(sql, [name.value for name in names])

    def _events(self, sql: str, params: Sequence[Any] = ()) -> list[Event]:
        with self.database.read() as db:
            rows = list(db.query(sql, params))
        return [
            Event(**{**r, "action": EventName(r["action"]), "data": json.loads(r["data"])})
            for r in rows
        ]

    def last_seq(self) -> int:
        with self.database.read() as db:
            return int(db.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0])

    def room_overview(self) -> list[RoomOverview]:
        """Every room at a glance, for the lead facilitator's dashboard."""
        with self.database.read() as db:
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
            RoomOverview(
                room=room,
                state=RoomState(**states[room.id]) if room.id in states else None,
                kinds=kinds.get(room.id, {}),
                last_activity=last.get(room.id),
                votes=dots.get(room.id, 0),
            )
            for room in self.catalog.rooms().values()
        ]
