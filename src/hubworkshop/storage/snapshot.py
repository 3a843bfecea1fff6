"""One consistent picture of the workshop for reports, read in a single read transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hubworkshop.domain.records import WorkshopRecord

if TYPE_CHECKING:
    from hubworkshop.storage.store import Store


def take_snapshot(store: Store) -> WorkshopRecord:
    """Everything an export reads, as of one moment: terminals may write meanwhile."""
    with store.read(transaction=True):
        catalog = store.catalog
        rooms = dict(catalog.rooms())
        return WorkshopRecord(
            workshop=catalog.workshop(),
            phases=tuple(catalog.phases()),
            rooms=rooms,
            themes=tuple(catalog.themes()),
            questions=dict(catalog.questions()),
            roles=tuple(catalog.roles()),
            participants=tuple(store.participants.all()),
            contributions=tuple(store.contributions.every()),
            room_states={room: store.rooms.state(room) for room in rooms},
            timeline=tuple(store.events.question_timeline()),
            rankings=store.rankings.all(),
            purpose_statements=tuple(store.purposes.all()),
            takeaways={room: tuple(store.points.takeaways(room)) for room in rooms},
        )
