"""What a room makes of its points: merge and split, clusters, actions, takeaways."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from hubworkshop.domain.errors import InputError
from hubworkshop.domain.events import EventName
from hubworkshop.domain.i18n import _
from hubworkshop.domain.model import Contribution, Kind
from hubworkshop.storage.base import Database
from hubworkshop.storage.catalog import Catalog
from hubworkshop.storage.contributions import Contributions
from hubworkshop.storage.rows import CONTRIBUTION_SELECT, read_contributions


class Points:
    """What a room makes of its points: merged and split, clustered, turned into actions, kept as takeaways."""

    def __init__(self, database: Database, catalog: Catalog, contributions: Contributions) -> None:
        self.database = database
        self.catalog = catalog
        self.contributions = contributions

    def merge(self, source_id: str, target_id: str, *, actor: str | None = None) -> list[str]:
        """Make `source` part of `target`: one point that keeps every original text and author.

        Both rows are read inside the write transaction, so two terminals merging A into B and B
        into A at once cannot make a point part of itself: the second merge sees the first and is
        refused. Returns the ids of the points that were merged into the source and follow it.
        """
        with self.database.write() as db:
            source, target = self.contributions.get(source_id), self.contributions.get(target_id)
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
                root = self.contributions.get(target.merged_into)
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
                [target.id, self.database.clock(), source.id, source.id],
            )
            for moved in [source.id, *followers]:
                self.database.log(
                    EventName.CONTRIBUTION_MERGE,
                    subject=moved,
                    room=source.room,
                    actor=actor,
                    data={"into": target.id},
                )
            # The points whose ⊕ count changed: every screen reads them again.
            for changed in dict.fromkeys(filter(None, [target.id, source.merged_into])):
                self.database.log(
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
        with self.database.write() as db:
            source = self.contributions.get(source_id)
            former = source.merged_into
            if back_into is not None:
                home = self.contributions.get(back_into)
                if home.deleted_at or home.merged_into:
                    back_into = None  # its old place is gone: it stands alone rather than vanish
            now = self.database.clock()
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
            self.database.log(
                EventName.CONTRIBUTION_SPLIT,
                subject=source.id,
                room=source.room,
                actor=actor,
                data={"from": former, "into": back_into},
            )
            for changed in dict.fromkeys(filter(None, [former, back_into, *followers])):
                self.database.log(
                    EventName.CONTRIBUTION_EDIT,
                    subject=changed,
                    room=source.room,
                    actor=actor,
                    data={"unmerged": source.id},
                )

    def split(self, contribution_id: str, *, actor: str | None = None) -> list[str]:
        """Undo merges: the point and everything merged into it stand alone again."""
        with self.database.write() as db:
            point = self.contributions.get(contribution_id)
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
                [self.database.clock(), point.id, point.id],
            )
            for split_id in ids:
                self.database.log(
                    EventName.CONTRIBUTION_SPLIT,
                    subject=split_id,
                    room=point.room,
                    actor=actor,
                    data={"from": point.merged_into or point.id},
                )
            # The point itself and, if it was part of another, that one: their ⊕ counts changed.
            for changed in dict.fromkeys(filter(None, [point.id, point.merged_into])):
                self.database.log(
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
        with self.database.write() as db:
            now, moved = self.database.clock(), []
            for point_id, into in places:
                point = self.contributions.get(point_id)
                if into is not None:
                    home = self.contributions.get(into)
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
                self.database.log(
                    EventName.CONTRIBUTION_MERGE,
                    subject=point.id,
                    room=point.room,
                    actor=actor,
                    data={"into": into},
                )
            for changed in dict.fromkeys(i for _p, i in moved if i):
                self.database.log(
                    EventName.CONTRIBUTION_EDIT,
                    subject=changed,
                    room=moved[0][0].room,
                    actor=actor,
                    data={"regrouped": [p.id for p, i in moved if i == changed]},
                )

    def merged_into(self, target_id: str) -> list[Contribution]:
        """The contributions merged into a point, oldest first."""
        with self.database.read() as db:
            return read_contributions(
                db,
                f"{CONTRIBUTION_SELECT} WHERE c.merged_into = ? AND c.deleted_at IS NULL "
                "ORDER BY c.seq",
                [target_id],
            )

    def set_cluster(
        self, contribution_id: str, name: str | None, *, actor: str | None = None
    ) -> None:
        current = self.contributions.get(contribution_id)
        name = " ".join((name or "").split()) or None
        if name == current.cluster:
            return  # nothing changes, and nothing is logged
        with self.database.write() as db:
            db.execute(
                "UPDATE contributions SET cluster = ?, updated_at = ? WHERE id = ?",
                [name, self.database.clock(), current.id],
            )
            self.database.log(
                EventName.CONTRIBUTION_CLUSTER,
                subject=current.id,
                room=current.room,
                actor=actor,
                data={"before": current.cluster, "after": name},
            )

    def clusters(self, room_id: str) -> list[str]:
        """The cluster names used in a room, for completion."""
        with self.database.read() as db:
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
        current = self.contributions.get(contribution_id)
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
        with self.database.write() as db:
            db.execute(
                "UPDATE contributions SET owner = ?, due = ?, kind = 'action', updated_at = ? "
                "WHERE id = ?",
                [owner, due, self.database.clock(), current.id],
            )
            self.database.log(
                EventName.CONTRIBUTION_ACTION,
                subject=current.id,
                room=current.room,
                actor=actor,
                data={"owner": owner, "due": due},
            )

    def set_takeaways(self, room_id: str, ids: Sequence[str], *, actor: str | None = None) -> None:
        """The room's key takeaways for wrap-up and report-back, in order."""
        self.catalog.room(room_id)
        points = [self.contributions.get(i) for i in ids]
        with self.database.write() as db:
            db.execute("DELETE FROM takeaways WHERE room = ?", [room_id])
            db.conn.executemany(
                "INSERT INTO takeaways (room, position, contribution) VALUES (?, ?, ?)",
                [(room_id, i, c.id) for i, c in enumerate(points)],
            )
            self.database.log(
                EventName.WRAPUP_TAKEAWAYS,
                room=room_id,
                actor=actor,
                data={"takeaways": [c.id for c in points]},
            )

    def takeaways(self, room_id: str) -> list[Contribution]:
        with self.database.read() as db:
            ids = [
                r[0]
                for r in db.execute(
                    "SELECT contribution FROM takeaways WHERE room = ? ORDER BY position", [room_id]
                )
            ]
        return self.contributions.by_ids(ids)

    # -- task ranking and purpose statements ------------------------------------------------
