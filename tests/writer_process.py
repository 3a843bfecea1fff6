"""A note-taker in another process: adds COUNT contributions, one transaction each.

Used by the concurrency tests: `python writer_process.py DB PLAN NAME COUNT`. Prints the id
of each contribution once `add_contribution` has returned (that is, once it is committed).
"""

from __future__ import annotations

import sys

from hubworkshop.domain.records import Draft
from hubworkshop.sources.plan import read_plan
from hubworkshop.storage import Store


def main() -> None:
    db, plan_path, name, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    rooms = ["value", "lifecycle", "overlap", "governance", "relationships"]
    with Store.open(db, plan=lambda: read_plan(plan_path)) as store:
        for i in range(count):
            draft = Draft(
                room=rooms[i % len(rooms)],
                text=f"{name} idea {i}",
                author=f"{name}-speaker-{i % 3}",
                tags=(name,),
            )
            contribution = store.contributions.add(draft, note_taker=name)
            print(contribution.id, flush=True)


if __name__ == "__main__":
    main()
