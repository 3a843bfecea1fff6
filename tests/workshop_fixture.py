"""A small but complete workshop, the same every time: for golden files and export tests.

Three rooms, French, Arabic, Chinese and emoji text, every kind, every consent level, votes,
stars, a parked point, question moves (so coverage has durations), task rankings in three
rooms and purpose statements.
"""

from __future__ import annotations

import itertools
import uuid
from pathlib import Path

from hubworkshop.domain.records import Draft
from hubworkshop.sources.plan import Plan
from hubworkshop.storage import Store


class Clock:
    """Each reading is one minute after the last, from 13:25 UTC on the workshop's day."""

    def __init__(self) -> None:
        self.minutes = itertools.count()

    def __call__(self) -> str:
        minute = 13 * 60 + 25 + next(self.minutes)
        return f"2021-11-27T{minute // 60:02d}:{minute % 60:02d}:00.000Z"


def build(path: Path, plan: Plan) -> Store:
    store = Store.open(path, plan, clock=Clock())
    numbers = itertools.count(1)
    store.new_id = lambda: str(uuid.UUID(int=(next(numbers) << 96) | 0xC0FFEE))

    store.participants.save("Amina Diallo", "named", language="fr", room="value")
    store.participants.save("Kwame", "anonymous", room="value")
    store.participants.save("Secret Sam", "off-record", room="lifecycle")
    store.participants.save("Li Wei", "named", language="zh", room="lifecycle")
    store.participants.save("Layla", "named", language="ar", room="overlap")

    def add(room: str, question: str | None, text: str, **kw) -> str:
        return store.contributions.add(
            Draft(room, text, question=question, **kw), note_taker="nt"
        ).id

    store.rooms.start_timer("value")
    a = add(
        "value",
        "value.benefit",
        "Hubs bring decisions closer to the communities they serve",
        author="Amina Diallo",
        tags=("decentralisation",),
    )
    b = add(
        "value",
        "value.benefit",
        "What does a hub add that a regional network cannot?",
        kind="question",
        author="Kwame",
    )
    c = add(
        "value",
        "value.benefit",
        "Un hub pourrait devenir un guichet obligatoire",
        kind="concern",
        language="fr",
        author="Amina Diallo",
        tags=("gatekeeping",),
    )
    add(
        "value",
        "value.benefit",
        "Let the first hubs be pilots, reviewed after two years",
        kind="proposal",
    )
    add("value", "value.benefit", "Agreed: hubs must add value beyond networks", kind="agreement")
    add(
        "value",
        "value.benefit",
        "Not every region needs a hub",
        kind="disagreement",
        author="Kwame",
    )
    d = add("value", "value.benefit", "Talk about the 2030 strategy timeline", kind="idea")
    store.rooms.open_question("value", "minimum-roles.minimal-set")
    add(
        "value",
        "minimum-roles.minimal-set",
        "Write up the minimum roles as a table",
        kind="action",
        author="Amina Diallo",
    )

    store.rooms.start_timer("lifecycle")
    e = add(
        "lifecycle",
        "lifecycle.overview",
        "Recognition should come from the communities",
        author="Li Wei",
    )
    add("lifecycle", "lifecycle.overview", "This stays between us", author="Secret Sam")
    store.rooms.open_question("lifecycle", "lifecycle.demotion")
    add(
        "lifecycle",
        "lifecycle.demotion",
        "枢纽应该有明确的降级程序 🌍",
        language="zh",
        author="Li Wei",
        kind="proposal",
    )
    add(
        "lifecycle",
        "lifecycle.demotion",
        "[[Category:Hubs]] {{Template}} ~~~~ __NOTOC__",
        kind="concern",
    )

    store.rooms.start_timer("overlap")
    f = add(
        "overlap",
        "exclusivity.overlap",
        "يجب أن تتعاون المراكز بدلاً من التنافس",
        language="ar",
        author="Layla",
        kind="proposal",
    )
    add("overlap", None, "Who pays for interpretation?", kind="question")

    dup = add(
        "value", "value.benefit", "Decisions should be made closer to communities", author="Kwame"
    )
    store.points.merge(dup, a)
    act = add(
        "value",
        "minimum-roles.minimal-set",
        "Ask the legal team which roles are hard where",
        kind="action",
    )
    store.points.set_action(act, owner="Amina Diallo", due="2021-12-15")
    store.points.set_cluster(c, "gatekeeping risk")
    store.votes.open("lifecycle", dots=2)
    store.votes.add(e, participant="Li Wei", dots=2)
    store.votes.close("lifecycle")
    store.points.set_takeaways("value", [a, c])
    store.contributions.update(a, starred=True)
    store.contributions.update(e, starred=True)
    store.contributions.update(d, parked=True)
    voted = {store.contributions.get(x).room for x in (b, c, f)}
    for room in sorted(voted):
        store.votes.open(room, dots=3)
    store.votes.add(c, participant="Kwame", dots=2)
    store.votes.add(c, participant="Amina Diallo")
    store.votes.add(f, participant="Layla", dots=3)
    store.votes.add(b, participant="Kwame")
    for room in sorted(voted):
        store.votes.close(room)

    store.rankings.record(
        "value",
        [
            "funding",
            "capacity-building",
            "legal-support",
            "coordination",
            "mentorship",
            "grant-making",
            "evaluation",
            "technology",
            "intermediary",
        ],
    )
    store.rankings.record(
        "lifecycle",
        [
            "capacity-building",
            "funding",
            "mentorship",
            "legal-support",
            "coordination",
            "evaluation",
            "grant-making",
            "intermediary",
            "technology",
        ],
    )
    # Room 3 ranked only four roles (the rest are abstentions), one participant at a time.
    store.rankings.record(
        "overlap",
        ["coordination", "funding", "capacity-building", "legal-support"],
        participant="Layla",
    )
    store.rankings.record(
        "overlap",
        ["coordination", "capacity-building", "funding", "legal-support"],
        participant="Kwame",
    )

    store.purposes.add("value", "Hubs exist to move support closer to communities.")
    store.purposes.add(
        "value",
        "Hubs exist to bring support and decisions closer to the communities they serve.",
        final=True,
    )
    store.purposes.add("lifecycle", "Les hubs existent pour partager le pouvoir.")
    return store
