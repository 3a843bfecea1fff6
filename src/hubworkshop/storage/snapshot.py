"""One consistent picture of the workshop for reports, read in a single read transaction."""

from __future__ import annotations

from hubworkshop.domain.records import WorkshopRecord
from hubworkshop.storage.event_log import EventLogStore


class SnapshotStore(EventLogStore):
    def snapshot(self) -> WorkshopRecord:
        """Everything an export reads, as of one moment: terminals may write meanwhile."""
        with self.read(transaction=True):
            rooms = dict(self.rooms())
            return WorkshopRecord(
                workshop=self.workshop(),
                phases=tuple(self.phases()),
                rooms=rooms,
                themes=tuple(self.themes()),
                questions=dict(self.questions()),
                roles=tuple(self.roles()),
                participants=tuple(self.participants()),
                contributions=tuple(self.every_contribution()),
                room_states={room: self.room_state(room) for room in rooms},
                timeline=tuple(self.question_timeline()),
                rankings=self.rankings(),
                purpose_statements=tuple(self.purpose_statements()),
                takeaways={room: tuple(self.takeaways(room)) for room in rooms},
            )
