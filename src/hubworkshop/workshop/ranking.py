"""Task ranking, the same way from every face: a ballot (an order of the bank's items),
checked and recorded, and the order a ballot starts from.

The ranking screen (`tui/screens/ranking.py`: a room's agreed order, or one participant's),
the command line (`hubworkshop rank set`) and the participants' page
(`workshop/participate.py`) call these. A ballot lists at least one item, each of the
bank's items at most once, best first; an item left out is an abstention
(`domain/ballot.py` says what a ballot must be; `domain/ranking.py` counts them).
"""

from __future__ import annotations

from collections.abc import Sequence

from hubworkshop.domain.ballot import check_ballot
from hubworkshop.domain.ranking import Rankings
from hubworkshop.storage.store import Store


def record(
    store: Store,
    room: str,
    order: Sequence[str],
    *,
    participant: str | None = None,
    actor: str | None,
) -> list[str]:
    """Record a room's agreed order of the bank's items, or `participant`'s own, in place of
    the last one; returns it."""
    store.catalog.room(room)
    ballot = check_ballot(order, [r.id for r in store.catalog.roles()])
    store.rankings.record(room, ballot, participant=participant, actor=actor)
    return ballot


def ballot(
    rankings: Rankings,
    room: str,
    items: Sequence[str],
    participant: str | None = None,
) -> list[str]:
    """The order a ballot starts from: the one recorded (the room's agreed one, or
    `participant`'s), then the items it left out, in the bank's order; the bank's order
    while none is recorded."""
    mine = rankings.get(room, {}).get(participant)
    if not mine:
        return list(items)
    known = set(items)
    return [*(r for r in mine if r in known), *(r for r in items if r not in mine)]


def moved(order: Sequence[str], item: str, step: int) -> list[str]:
    """`order` with `item` moved up (-1) or down (+1), kept within the list."""
    result = list(order)
    at = result.index(item)
    to = max(0, min(len(result) - 1, at + step))
    result.insert(to, result.pop(at))
    return result
