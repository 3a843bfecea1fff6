"""Task ranking: combine rooms' orders of the bank's items with a Borda count.

In a ranking of N items, the first earns N-1 points, the next N-2, ... the last 0. An item a
ballot leaves out is an abstention and earns nothing from it. A room that recorded only
individual participants' orders is first combined into one room order (Borda again), so
every room weighs the same across the workshop. Items with equal points share a rank. (The
code calls the items "roles", the word of the bank format's `## roles` section.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple


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


class Reading(NamedTuple):
    """What the numbers of a task ranking say, in three groups of role ids (best first)."""

    strong: list[str]
    """At least three quarters of the points a role could have earned across the rooms."""
    split: list[str]
    """Neither strong nor low, but in the top third of one room's order and in the bottom
    third of another room's, or left out by it (a third of the items ranked, rounded down,
    at least one; so never of one room alone)."""
    low: list[str]
    """At most a quarter of the points a role could have earned."""
    possible: int
    """The points a role ranked first by every room would have: the scale of the others."""


def read_ranking(scores: Sequence[Score], orders: Mapping[str, Sequence[str]]) -> Reading:
    """Group the roles by how the rooms' orders treated them; nothing here is a judgement
    that the numbers do not make."""
    size = len(scores)
    possible = (size - 1) * len(orders)
    strong, split, low = [], [], []
    for score in scores:
        if possible and score.points * 4 >= possible * 3:
            strong.append(score.role)
        elif score.points * 4 <= possible:
            low.append(score.role)
        else:
            third = max(1, size // 3)
            places = [
                order.index(score.role) if score.role in order else None
                for order in orders.values()
            ]
            top = {i for i, p in enumerate(places) if p is not None and p < third}
            bottom = {i for i, p in enumerate(places) if p is None or p >= size - third}
            if any(i != j for i in top for j in bottom):  # two rooms, never one
                split.append(score.role)
    return Reading(strong, split, low, possible)


class ChartRow(NamedTuple):
    """One bar of a chart: its rank, what it is, its number, and whether others share it."""

    rank: int
    label: str
    value: int
    tied: bool = False


def ranking_chart(scores: Sequence[Score], labels: Mapping[str, str]) -> list[ChartRow]:
    """The task ranking as a bar chart's rows, best first: what the room's chart (the
    terminal) and the HTML summary both draw, so the two always say the same."""
    return [ChartRow(s.rank, labels[s.role], s.points, s.tied) for s in scores]


def bar_length(value: int, top: int, room: float) -> float:
    """The length of a bar of `value` where the longest, `top`, has `room`."""
    return room * value / top if top > 0 else 0.0
