"""Dot-votes: a round per room, dots within each person's budget, the round closed."""

from __future__ import annotations

import json
import os
from typing import Any

from hubworkshop.domain.errors import InputError
from hubworkshop.domain.events import EventName
from hubworkshop.domain.i18n import _
from hubworkshop.domain.records import VoteRound
from hubworkshop.storage.base import Database
from hubworkshop.storage.catalog import Catalog
from hubworkshop.storage.contributions import Contributions
from hubworkshop.storage.participants import Participants
from hubworkshop.storage.rows import first
from hubworkshop.storage.sql import Db


class Votes:
    """Dot-vote rounds, one open per room, and the dots people put within their budget."""

    def __init__(
        self,
        database: Database,
        catalog: Catalog,
        participants: Participants,
        contributions: Contributions,
    ) -> None:
        self.database = database
        self.catalog = catalog
        self.participants = participants
        self.contributions = contributions

    # -- dot-voting ----------------------------------------------------------------------------

    def open(self, room_id: str, *, dots: int | None = None, actor: str | None = None) -> int:
        """Open a dot-vote round in a room (one at a time); each participant gets `dots`."""
        self.catalog.room(room_id)
        dots = dots or self.catalog.workshop().dots
        if dots < 1:
            raise InputError(_("each participant needs at least one dot"))
        with self.database.write() as db:
            if self._open_round(db, room_id) is not None:
                raise InputError(
                    _("a vote is already open in {room}; close it first").format(
                        room=self.catalog.room(room_id).name
                    )
                )
            cursor = db.execute(
                "INSERT INTO vote_rounds (room, dots, opened_at) VALUES (?, ?, ?)",
                [room_id, dots, self.database.clock()],
            )
            self.database.log(
                EventName.VOTE_OPEN,
                room=room_id,
                actor=actor,
                subject=str(cursor.lastrowid),
                data={"dots": dots},
            )
            return int(cursor.lastrowid or 0)

    def _open_round(self, db: Db, room_id: str) -> dict[str, Any] | None:
        return first(
            db.query("SELECT * FROM vote_rounds WHERE room = ? AND closed_at IS NULL", [room_id])
        )

    def round(self, room_id: str) -> VoteRound | None:
        """The open round of a room, with the dots each participant has used."""
        with self.database.read() as db:
            row = self._open_round(db, room_id)
            if row is None:
                return None
            used = {
                r["name"]: r["used"]
                for r in db.query(
                    "SELECT p.name, sum(v.dots) AS used FROM votes v "
                    "JOIN participants p ON p.id = v.participant "
                    "WHERE v.round = ? GROUP BY p.name",
                    [row["id"]],
                )
            }
            cast = db.execute(
                "SELECT coalesce(sum(dots), 0) FROM votes WHERE round = ?", [row["id"]]
            ).fetchone()[0]
        return VoteRound(row["id"], room_id, row["dots"], row["opened_at"], used, cast)

    def add(
        self,
        contribution_id: str,
        *,
        participant: str | None = None,
        dots: int = 1,
        note_taker: str | None = None,
    ) -> str:
        """A participant puts dots on a contribution. Dots count only inside the room's open
        round and within each person's budget, both checked inside the write transaction, so
        many terminals voting at once cannot overspend. Returns the vote's stable id (what
        `withdraw_vote` takes)."""
        current = self.contributions.get(contribution_id)
        if dots < 1:
            raise InputError(_("a vote has at least one dot"))
        if not participant or not participant.strip():
            raise InputError(_("a dot needs the participant who casts it"))
        with self.database.write() as db:
            round_ = self._open_round(db, current.room)
            if round_ is None:
                raise InputError(
                    _(
                        "no vote is open in {room}: a facilitator opens one first (V in the room, or `hubworkshop vote open --room {id}`)"
                    ).format(room=self.catalog.room(current.room).name, id=current.room)
                )
            pid = self.participants.id_in(db, participant, current.room, note_taker)
            used = db.execute(
                "SELECT coalesce(sum(dots), 0) FROM votes WHERE round = ? AND participant = ?",
                [round_["id"], pid],
            ).fetchone()[0]
            if used + dots > round_["dots"]:
                raise InputError(
                    _("{participant} has used {used} of {dots} dots in this vote").format(
                        participant=participant, used=used, dots=round_["dots"]
                    )
                )
            uid = os.urandom(16).hex()  # as `secrets.token_hex`, without its imports on every `add`
            db.insert(
                "votes",
                {
                    "uid": uid,
                    "contribution": current.id,
                    "participant": pid,
                    "dots": dots,
                    "note_taker": note_taker,
                    "created_at": self.database.clock(),
                    "round": round_["id"],
                },
            )
            self.database.log(
                EventName.VOTE_ADD,
                subject=current.id,
                room=current.room,
                actor=note_taker,
                data={"participant": pid, "dots": dots},
            )
        return uid

    def withdraw(self, uid: str, *, actor: str | None = None) -> None:
        """Take a vote back (its undo): the row goes, and its stable id is kept among the
        withdrawn votes, so no copy merged later brings it back. Refused once its round is
        closed: the result the room was told stands."""
        with self.database.write() as db:
            row = first(
                db.query(
                    "SELECT v.id, v.contribution, v.participant, v.dots, r.closed_at, c.room "
                    "FROM votes v JOIN contributions c ON c.id = v.contribution "
                    "LEFT JOIN vote_rounds r ON r.id = v.round WHERE v.uid = ?",
                    [uid],
                )
            )
            if row is not None and row["closed_at"]:
                raise InputError(_("the vote is closed: its dots stay as they were counted"))
            db.execute(
                "INSERT OR IGNORE INTO withdrawn_votes (uid, at) VALUES (?, ?)",
                [uid, self.database.clock()],
            )
            if row is None:
                return
            db.execute("DELETE FROM votes WHERE id = ?", [row["id"]])
            self.database.log(
                EventName.VOTE_WITHDRAW,
                subject=row["contribution"],
                room=row["room"],
                actor=actor,
                data={"participant": row["participant"], "dots": row["dots"]},
            )

    def close(self, room_id: str, *, actor: str | None = None) -> list[tuple[str, int]]:
        """Close the room's open round and keep its ranking: (contribution id, dots), best first."""
        with self.database.write() as db:
            round_ = self._open_round(db, room_id)
            if round_ is None:
                raise InputError(
                    _("no vote is open in {room}").format(room=self.catalog.room(room_id).name)
                )
            ranking = [
                (r["contribution"], r["dots"])
                for r in db.query(
                    "SELECT v.contribution, sum(v.dots) AS dots FROM votes v "
                    "JOIN contributions c ON c.id = v.contribution "
                    "WHERE v.round = ? GROUP BY v.contribution ORDER BY dots DESC, min(c.seq)",
                    [round_["id"]],
                )
            ]
            db.execute(
                "UPDATE vote_rounds SET closed_at = ?, result = ? WHERE id = ?",
                [self.database.clock(), json.dumps(ranking), round_["id"]],
            )
            self.database.log(
                EventName.VOTE_CLOSE,
                room=room_id,
                actor=actor,
                subject=str(round_["id"]),
                data={"ranking": ranking},
            )
        return ranking

    # -- clustering, parking, actions, takeaways -----------------------------------------------
