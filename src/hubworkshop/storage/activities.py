"""Facilitation activities: dot-votes, merge and split, clusters, actions, takeaways, task
ranking and purpose statements."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Sequence
from typing import Any

from hubworkshop.domain.errors import InputError
from hubworkshop.domain.events import EventName
from hubworkshop.domain.i18n import _
from hubworkshop.domain.model import Contribution, Kind
from hubworkshop.domain.records import PurposeStatement, VoteRound
from hubworkshop.storage.contributions import ContributionStore
from hubworkshop.storage.rows import CONTRIBUTION_SELECT, clean_text, first, read_contributions
from hubworkshop.storage.sql import Db


class ActivityStore(ContributionStore):
    # -- dot-voting ----------------------------------------------------------------------------

    def open_vote(self, room_id: str, *, dots: int | None = None, actor: str | None = None) -> int:
        """Open a dot-vote round in a room (one at a time); each participant gets `dots`."""
        self.room(room_id)
        dots = dots or self.workshop().dots
        if dots < 1:
            raise InputError(_("each participant needs at least one dot"))
        with self.write() as db:
            if self._open_round(db, room_id) is not None:
                raise InputError(
                    _("a vote is already open in {room}; close it first").format(
                        room=self.room(room_id).name
                    )
                )
            cursor = db.execute(
                "INSERT INTO vote_rounds (room, dots, opened_at) VALUES (?, ?, ?)",
                [room_id, dots, self.clock()],
            )
            self._log(
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

    def vote_round(self, room_id: str) -> VoteRound | None:
        """The open round of a room, with the dots each participant has used."""
        with self.read() as db:
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

    def add_vote(
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
        current = self.contribution(contribution_id)
        if dots < 1:
            raise InputError(_("a vote has at least one dot"))
        if not participant or not participant.strip():
            raise InputError(_("a dot needs the participant who casts it"))
        with self.write() as db:
            round_ = self._open_round(db, current.room)
            if round_ is None:
                raise InputError(
                    _(
                        "no vote is open in {room}: a facilitator opens one first (V in the room, or `hubworkshop vote open --room {id}`)"
                    ).format(room=self.room(current.room).name, id=current.room)
                )
            pid = self._participant_id(db, participant, current.room, note_taker)
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
            uid = secrets.token_hex(16)
            db.insert(
                "votes",
                {
                    "uid": uid,
                    "contribution": current.id,
                    "participant": pid,
                    "dots": dots,
                    "note_taker": note_taker,
                    "created_at": self.clock(),
                    "round": round_["id"],
                },
            )
            self._log(
                EventName.VOTE_ADD,
                subject=current.id,
                room=current.room,
                actor=note_taker,
                data={"participant": pid, "dots": dots},
            )
        return uid

    def withdraw_vote(self, uid: str, *, actor: str | None = None) -> None:
        """Take a vote back (its undo): the row goes, and its stable id is kept among the
        withdrawn votes, so no copy merged later brings it back. Refused once its round is
        closed: the result the room was told stands."""
        with self.write() as db:
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
                "INSERT OR IGNORE INTO withdrawn_votes (uid, at) VALUES (?, ?)", [uid, self.clock()]
            )
            if row is None:
                return
            db.execute("DELETE FROM votes WHERE id = ?", [row["id"]])
            self._log(
                EventName.VOTE_WITHDRAW,
                subject=row["contribution"],
                room=row["room"],
                actor=actor,
                data={"participant": row["participant"], "dots": row["dots"]},
            )

    def close_vote(self, room_id: str, *, actor: str | None = None) -> list[tuple[str, int]]:
        """Close the room's open round and keep its ranking: (contribution id, dots), best first."""
        with self.write() as db:
            round_ = self._open_round(db, room_id)
            if round_ is None:
                raise InputError(
                    _("no vote is open in {room}").format(room=self.room(room_id).name)
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
                [self.clock(), json.dumps(ranking), round_["id"]],
            )
            self._log(
                EventName.VOTE_CLOSE,
                room=room_id,
                actor=actor,
                subject=str(round_["id"]),
                data={"ranking": ranking},
            )
        return ranking

    # -- clustering, parking, actions, takeaways -----------------------------------------------

    def merge(self, source_id: str, target_id: str, *, actor: str | None = None) -> list[str]:
        """Make `source` part of `target`: one point that keeps every original text and author.

        Both rows are read inside the write transaction, so two terminals merging A into B and B
        into A at once cannot make a point part of itself: the second merge sees the first and is
        refused. Returns the ids of the points that were merged into the source and follow it.
        """
        with self.write() as db:
            source, target = self.contribution(source_id), self.contribution(target_id)
            if source.id == target.id:
                raise InputError(_("a point cannot be merged into itself"))
            for point in (source, target):
                if point.deleted_at:
                    raise InputError(
                        _("{short_id} is deleted: restore it before merging").format(
                            short_id=point.short_id
                        )
                    )
            if target.merged_into:
                root = self.contribution(target.merged_into)
                if root.id == source.id:
                    raise InputError(
                        _(
                            "{short_id} is already merged into {short_id2}: merging back would make a point part of itself"
                        ).format(short_id=target.short_id, short_id2=source.short_id)
                    )
                if root.deleted_at:
                    raise InputError(
                        _("{short_id} is deleted: restore it before merging").format(
                            short_id=root.short_id
                        )
                    )
                target = root
            if source.merged_into == target.id:
                raise InputError(
                    _("{short_id} is already merged into {short_id2}").format(
                        short_id=source.short_id, short_id2=target.short_id
                    )
                )
            followers = [
                r[0]
                for r in db.execute(
                    "SELECT id FROM contributions WHERE merged_into = ? ORDER BY seq", [source.id]
                )
            ]
            # Points merged into the source follow it, so nothing is ever two levels deep.
            db.execute(
                "UPDATE contributions SET merged_into = ?, updated_at = ? "
                "WHERE id = ? OR merged_into = ?",
                [target.id, self.clock(), source.id, source.id],
            )
            for moved in [source.id, *followers]:
                self._log(
                    EventName.CONTRIBUTION_MERGE,
                    subject=moved,
                    room=source.room,
                    actor=actor,
                    data={"into": target.id},
                )
            # The points whose ⊕ count changed: every screen reads them again.
            for changed in dict.fromkeys(filter(None, [target.id, source.merged_into])):
                self._log(
                    EventName.CONTRIBUTION_EDIT,
                    subject=changed,
                    room=target.room,
                    actor=actor,
                    data={"merged": source.id},
                )
        return followers

    def unmerge(
        self,
        source_id: str,
        *,
        back_into: str | None = None,
        followers: Sequence[str] = (),
        actor: str | None = None,
    ) -> None:
        """Undo one merge exactly: the source goes back to where it was (`back_into`, or
        standing alone) and the points that followed it are merged into it again."""
        with self.write() as db:
            source = self.contribution(source_id)
            former = source.merged_into
            if back_into is not None:
                home = self.contribution(back_into)
                if home.deleted_at or home.merged_into:
                    back_into = None  # its old place is gone: it stands alone rather than vanish
            now = self.clock()
            db.execute(
                "UPDATE contributions SET merged_into = ?, updated_at = ? WHERE id = ?",
                [back_into, now, source.id],
            )
            if followers and former is not None:
                marks = ", ".join("?" for _ in followers)
                db.execute(
                    "UPDATE contributions SET merged_into = ?, updated_at = ? "
                    f"WHERE merged_into = ? AND id IN ({marks})",
                    [source.id, now, former, *followers],
                )
            self._log(
                EventName.CONTRIBUTION_SPLIT,
                subject=source.id,
                room=source.room,
                actor=actor,
                data={"from": former, "into": back_into},
            )
            for changed in dict.fromkeys(filter(None, [former, back_into, *followers])):
                self._log(
                    EventName.CONTRIBUTION_EDIT,
                    subject=changed,
                    room=source.room,
                    actor=actor,
                    data={"unmerged": source.id},
                )

    def split(self, contribution_id: str, *, actor: str | None = None) -> list[str]:
        """Undo merges: the point and everything merged into it stand alone again."""
        with self.write() as db:
            point = self.contribution(contribution_id)
            ids = [
                r[0]
                for r in db.execute(
                    "SELECT id FROM contributions WHERE merged_into = ? OR id = ? AND merged_into IS NOT NULL",
                    [point.id, point.id],
                )
            ]
            db.execute(
                "UPDATE contributions SET merged_into = NULL, updated_at = ? "
                "WHERE merged_into = ? OR id = ?",
                [self.clock(), point.id, point.id],
            )
            for split_id in ids:
                self._log(
                    EventName.CONTRIBUTION_SPLIT,
                    subject=split_id,
                    room=point.room,
                    actor=actor,
                    data={"from": point.merged_into or point.id},
                )
            # The point itself and, if it was part of another, that one: their ⊕ counts changed.
            for changed in dict.fromkeys(filter(None, [point.id, point.merged_into])):
                self._log(
                    EventName.CONTRIBUTION_EDIT,
                    subject=changed,
                    room=point.room,
                    actor=actor,
                    data={"split": ids},
                )
        return ids

    def regroup(
        self, places: Sequence[tuple[str, str | None]], *, actor: str | None = None
    ) -> None:
        """Put points back where they were merged (a split undone): each (point, the point it
        was merged into). A point whose old place is gone (deleted, or merged itself) stays
        standing alone rather than vanish."""
        with self.write() as db:
            now, moved = self.clock(), []
            for point_id, into in places:
                point = self.contribution(point_id)
                if into is not None:
                    home = self.contribution(into)
                    if home.deleted_at or home.merged_into or point.merged_count:
                        continue
                if point.merged_into == into:
                    continue
                db.execute(
                    "UPDATE contributions SET merged_into = ?, updated_at = ? WHERE id = ?",
                    [into, now, point.id],
                )
                moved.append((point, into))
            for point, into in moved:
                self._log(
                    EventName.CONTRIBUTION_MERGE,
                    subject=point.id,
                    room=point.room,
                    actor=actor,
                    data={"into": into},
                )
            for changed in dict.fromkeys(i for _p, i in moved if i):
                self._log(
                    EventName.CONTRIBUTION_EDIT,
                    subject=changed,
                    room=moved[0][0].room,
                    actor=actor,
                    data={"regrouped": [p.id for p, i in moved if i == changed]},
                )

    def merged_into(self, target_id: str) -> list[Contribution]:
        """The contributions merged into a point, oldest first."""
        with self.read() as db:
            return read_contributions(
                db,
                f"{CONTRIBUTION_SELECT} WHERE c.merged_into = ? AND c.deleted_at IS NULL "
                "ORDER BY c.seq",
                [target_id],
            )

    def set_cluster(
        self, contribution_id: str, name: str | None, *, actor: str | None = None
    ) -> None:
        current = self.contribution(contribution_id)
        name = " ".join((name or "").split()) or None
        if name == current.cluster:
            return  # nothing changes, and nothing is logged
        with self.write() as db:
            db.execute(
                "UPDATE contributions SET cluster = ?, updated_at = ? WHERE id = ?",
                [name, self.clock(), current.id],
            )
            self._log(
                EventName.CONTRIBUTION_CLUSTER,
                subject=current.id,
                room=current.room,
                actor=actor,
                data={"before": current.cluster, "after": name},
            )

    def clusters(self, room_id: str) -> list[str]:
        """The cluster names used in a room, for completion."""
        with self.read() as db:
            rows = db.execute(
                "SELECT DISTINCT cluster FROM contributions WHERE room = ? AND cluster IS NOT NULL "
                "AND deleted_at IS NULL ORDER BY cluster",
                [room_id],
            )
            return [row[0] for row in rows]

    def set_action(
        self,
        contribution_id: str,
        *,
        owner: str | None,
        due: str | None,
        actor: str | None = None,
    ) -> None:
        """An action item's owner and due date (YYYY-MM-DD); either may be empty."""
        current = self.contribution(contribution_id)
        owner = " ".join((owner or "").split()) or None
        due = (due or "").strip() or None
        if due is not None:
            try:
                due = dt.date.fromisoformat(due).isoformat()
            except ValueError:
                raise InputError(
                    _("due date '{due}' is not a date like 2021-12-15").format(due=due)
                ) from None
        if (owner, due, current.kind) == (current.owner, current.due, Kind.ACTION):
            return  # nothing changes, and nothing is logged
        with self.write() as db:
            db.execute(
                "UPDATE contributions SET owner = ?, due = ?, kind = 'action', updated_at = ? "
                "WHERE id = ?",
                [owner, due, self.clock(), current.id],
            )
            self._log(
                EventName.CONTRIBUTION_ACTION,
                subject=current.id,
                room=current.room,
                actor=actor,
                data={"owner": owner, "due": due},
            )

    def set_takeaways(self, room_id: str, ids: Sequence[str], *, actor: str | None = None) -> None:
        """The room's key takeaways for wrap-up and report-back, in order."""
        self.room(room_id)
        points = [self.contribution(i) for i in ids]
        with self.write() as db:
            db.execute("DELETE FROM takeaways WHERE room = ?", [room_id])
            db.conn.executemany(
                "INSERT INTO takeaways (room, position, contribution) VALUES (?, ?, ?)",
                [(room_id, i, c.id) for i, c in enumerate(points)],
            )
            self._log(
                EventName.WRAPUP_TAKEAWAYS,
                room=room_id,
                actor=actor,
                data={"takeaways": [c.id for c in points]},
            )

    def takeaways(self, room_id: str) -> list[Contribution]:
        with self.read() as db:
            ids = [
                r[0]
                for r in db.execute(
                    "SELECT contribution FROM takeaways WHERE room = ? ORDER BY position", [room_id]
                )
            ]
        return self.contributions_by_id(ids)

    # -- task ranking and purpose statements ------------------------------------------------

    def record_ranking(
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
        self.room(room_id)
        known = {role.id for role in self.roles()}
        unknown = [r for r in roles if r not in known]
        if unknown:
            raise InputError(
                _("unknown item '{unknown}' (the items to rank: {known})").format(
                    unknown=unknown[0], known=", ".join(sorted(known))
                )
            )
        if len(set(roles)) != len(roles):
            raise InputError(_("a ranking lists each item once"))
        with self.write() as db:
            pid = self._participant_id(db, participant, room_id, actor) if participant else None
            db.execute("DELETE FROM rankings WHERE room = ? AND participant IS ?", [room_id, pid])
            now = self.clock()
            db.conn.executemany(
                "INSERT INTO rankings (room, participant, role, position, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [(room_id, pid, role, i, now) for i, role in enumerate(roles)],
            )
            self._log(
                EventName.RANKING_RECORD,
                room=room_id,
                actor=actor,
                data={"participant": pid, "roles": list(roles)},
            )

    def rankings(self) -> dict[str, dict[str | None, list[str]]]:
        """room -> participant name (None: the room's agreed order) -> role ids, best first."""
        with self.read() as db:
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

    def add_purpose_statement(
        self, room_id: str, text: str, *, author: str | None = None, final: bool = False
    ) -> int:
        """Keep a revision of a room's purpose statement; `final` marks the one to report."""
        self.room(room_id)
        text = clean_text(text)
        with self.write() as db:
            if final:
                db.execute("UPDATE purpose_statements SET final = 0 WHERE room = ?", [room_id])
            cursor = db.execute(
                "INSERT INTO purpose_statements (room, text, author, final, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [room_id, text, author, int(final), self.clock()],
            )
            self._log(
                EventName.PURPOSE_REVISE,
                room=room_id,
                actor=author,
                subject=str(cursor.lastrowid),
                data={"final": final},
            )
            return int(cursor.lastrowid or 0)

    def purpose_statements(self, room_id: str | None = None) -> list[PurposeStatement]:
        sql = "SELECT * FROM purpose_statements"
        params: list[Any] = []
        if room_id is not None:
            sql += " WHERE room = ?"
            params.append(room_id)
        with self.read() as db:
            rows = list(db.query(sql + " ORDER BY id", params))
        return [
            PurposeStatement(
                r["id"], r["room"], r["text"], r["author"], bool(r["final"]), r["created_at"]
            )
            for r in rows
        ]
