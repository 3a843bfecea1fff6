"""Where each room is: its open question, its agenda phase and its phase clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hubworkshop.domain.errors import NotFoundError
from hubworkshop.domain.events import EventName
from hubworkshop.domain.i18n import _
from hubworkshop.domain.model import Phase
from hubworkshop.domain.records import RoomState
from hubworkshop.domain.timer import Countdown, parse_time
from hubworkshop.storage.base import Database
from hubworkshop.storage.catalog import Catalog
from hubworkshop.storage.sql import Db


class Rooms:
    """Each room's question, phase and clock, and who takes which role in it."""

    def __init__(self, database: Database, catalog: Catalog) -> None:
        self.database = database
        self.catalog = catalog

    def state(self, room_id: str) -> RoomState:
        self.catalog.room(room_id)
        with self.database.read() as db:
            row = next(db.query("SELECT * FROM room_state WHERE room = ?", [room_id]))
        return RoomState(**row)

    def countdown(self, room_id: str) -> Countdown:
        state = self.state(room_id)
        return Countdown(state.timer_seconds, state.timer_elapsed_ms, state.timer_started_at)

    def take_role(
        self, room_id: str, role: str, *, actor: str | None, face: str, wait: bool = True
    ) -> None:
        """Someone takes a role in a room (a terminal, a browser session, line mode): logged,
        so the event log says who could run the room's clock and question, and from where.
        With `wait=False`, refused (StoreError) rather than waiting for a lock."""
        self.catalog.room(room_id)
        with self.database.write(wait=wait):
            self.database.log(
                EventName.ROLE_TAKE, room=room_id, actor=actor, data={"role": role, "face": face}
            )

    def set_phase(self, room_id: str, phase_id: str, *, actor: str | None = None) -> None:
        """Make `phase_id` the room's phase; its countdown is reset to the phase's length. A
        phase that names its questions opens the first of them the room has, unless the
        room's question is one of them already: phases and questions move together."""
        room = self.catalog.room(room_id)
        phase = next((p for p in self.catalog.phases() if p.id == phase_id), None)
        if phase is None:
            raise NotFoundError(_("unknown phase '{phase_id}'").format(phase_id=phase_id))
        with self.database.write() as db:
            self._open_phase_in(db, room_id, phase, actor)
            current = self._state_in_write(db, room_id)["question"]
            if phase.questions and current not in phase.questions:
                first = next((q for q in phase.questions if q in room.questions), None)
                if first is not None:
                    self._open_question_in(db, room_id, current, first, actor)

    def _open_phase_in(self, db: Db, room_id: str, phase: Phase, actor: str | None) -> None:
        db.update(
            "room_state",
            "room",
            room_id,
            {
                "phase": phase.id,
                "timer_seconds": phase.minutes * 60,
                "timer_elapsed_ms": 0,
                "timer_started_at": None,
                "updated_at": self.database.clock(),
            },
        )
        self.database.log(EventName.PHASE_OPEN, subject=phase.id, room=room_id, actor=actor)

    def start_timer(self, room_id: str, *, actor: str | None = None) -> None:
        self.catalog.room(room_id)
        with self.database.write() as db:
            state = self._state_in_write(db, room_id)
            if state["timer_started_at"] is None:
                now = self.database.clock()
                db.update(
                    "room_state", "room", room_id, {"timer_started_at": now, "updated_at": now}
                )
                self.database.log(EventName.TIMER_START, room=room_id, actor=actor)

    def pause_timer(self, room_id: str, *, actor: str | None = None) -> None:
        self.catalog.room(room_id)
        with self.database.write() as db:
            state = self._state_in_write(db, room_id)
            if state["timer_started_at"] is not None:
                now = self.database.clock()
                run_ms = (parse_time(now) - parse_time(state["timer_started_at"])) / dt.timedelta(
                    milliseconds=1
                )
                db.update(
                    "room_state",
                    "room",
                    room_id,
                    {
                        "timer_elapsed_ms": state["timer_elapsed_ms"] + max(int(run_ms), 0),
                        "timer_started_at": None,
                        "updated_at": now,
                    },
                )
                self.database.log(EventName.TIMER_PAUSE, room=room_id, actor=actor)

    def extend_timer(self, room_id: str, minutes: int, *, actor: str | None = None) -> None:
        self.catalog.room(room_id)
        with self.database.write() as db:
            state = self._state_in_write(db, room_id)
            db.update(
                "room_state",
                "room",
                room_id,
                {
                    "timer_seconds": max(state["timer_seconds"] + minutes * 60, 0),
                    "updated_at": self.database.clock(),
                },
            )
            self.database.log(
                EventName.TIMER_EXTEND, room=room_id, actor=actor, data={"minutes": minutes}
            )

    def _state_in_write(self, db: Db, room_id: str) -> dict[str, Any]:
        return next(db.query("SELECT * FROM room_state WHERE room = ?", [room_id]))

    def open_question(self, room_id: str, question_id: str, *, actor: str | None = None) -> None:
        """Make `question_id` the room's current question; the log records close and open.
        When the plan's phases name their questions and the room's phase does not name this
        one, the room moves to the phase that does (the next such one, else the first)."""
        self.catalog.room(room_id)
        self.catalog.question(question_id)
        phases = self.catalog.phases()
        with self.database.write() as db:
            row = next(db.query("SELECT * FROM room_state WHERE room = ?", [room_id]))
            if row["question"] == question_id:
                return
            self._open_question_in(db, room_id, row["question"], question_id, actor)
            current = next((i for i, p in enumerate(phases) if p.id == row["phase"]), 0)
            here = phases[current].questions if phases else ()
            if question_id not in here:
                later = [*phases[current:], *phases[:current]]
                target = next((p for p in later if question_id in p.questions), None)
                if target is not None:
                    self._open_phase_in(db, room_id, target, actor)

    def _open_question_in(
        self, db: Db, room_id: str, current: str | None, question_id: str, actor: str | None
    ) -> None:
        now = self.database.clock()
        if current is not None:
            self.database.log(EventName.QUESTION_CLOSE, subject=current, room=room_id, actor=actor)
        db.update(
            "room_state",
            "room",
            room_id,
            {"question": question_id, "question_opened_at": now, "updated_at": now},
        )
        self.database.log(EventName.QUESTION_OPEN, subject=question_id, room=room_id, actor=actor)
