"""Task ranking: combine rooms' orders of hub roles with a Borda count.

In a ranking of N roles, the first earns N-1 points, the next N-2, ... the last 0. A role a
ballot leaves out is an abstention and earns nothing from it. A room that recorded only
individual participants' orders is first combined into one room order (Borda again), so
every room weighs the same across the workshop. Roles with equal points share a rank.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Score:
    role: str
    points: int
    rank: int
    tied: bool
    ballots: int  # how many ballots ranked this role at all


def borda(ballots: Sequence[Sequence[str]], candidates: Sequence[str]) -> list[Score]:
    """Scores of every candidate, best first; equal points keep the candidates' own order."""
    size = len(candidates)
    points = dict.fromkeys(candidates, 0)
    counted = dict.fromkeys(candidates, 0)
    for ballot in ballots:
        for position, role in enumerate(ballot):
            if role in points:
                points[role] += size - 1 - position
                counted[role] += 1
    order = sorted(candidates, key=lambda c: (-points[c], candidates.index(c)))
    values = [points[c] for c in order]
    return [
        Score(
            role=c,
            points=points[c],
            rank=1 + sum(1 for v in values if v > points[c]),
            tied=values.count(points[c]) > 1,
            ballots=counted[c],
        )
        for c in order
    ]


def room_order(ballots: Mapping[str | None, Sequence[str]], candidates: Sequence[str]) -> list[str]:
    """A room's order: its agreed order if it recorded one, else its participants' Borda."""
    if None in ballots:
        return list(ballots[None])
    scores = borda(list(ballots.values()), candidates)
    return [s.role for s in scores if s.ballots]


Rankings = Mapping[str, Mapping[str | None, Sequence[str]]]
"""room -> participant name (None: the room's agreed order) -> role ids, best first."""


def across_rooms(
    rankings: Rankings, candidates: Sequence[str]
) -> tuple[list[Score], dict[str, list[str]]]:
    """The workshop's Borda scores, and each room's order that went into them."""
    orders = {room: room_order(ballots, candidates) for room, ballots in rankings.items()}
    return borda(list(orders.values()), candidates), orders
