"""Every change the room can undo returns the workshop to exactly what it was.

A hypothesis model applies random sequences of the room's undoable actions (kind, tags, star,
park, edit, owner and due, cluster, merge, delete) through the same command objects the room
uses (`storage/history.py`), undoes them all, and compares every contribution's every field
(but its update time) with the snapshot before; then redoes them all and compares with the
snapshot after.
"""

from __future__ import annotations

import contextlib
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import examples
from hubworkshop.domain.errors import InputError
from hubworkshop.domain.model import Kind
from hubworkshop.domain.records import Draft
from hubworkshop.sources.bundled import bundled_plan
from hubworkshop.sources.plan import read_plan
from hubworkshop.storage import Store
from hubworkshop.storage.history import Delete, Edit, History, Merge, SetAction, SetCluster

PLAN = read_plan(bundled_plan())


def snapshot(store: Store) -> list[tuple]:
    """Every field of every contribution, but when it last changed (and when it was deleted:
    whether it is counts; a redo deletes again, at its own time)."""
    return [
        tuple(
            (v is not None) if k == "deleted_at" else v
            for k, v in c._asdict().items()
            if k != "updated_at"
        )
        for c in sorted(store.contributions(include_deleted=True), key=lambda c: c.id)
    ]


ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "kind",
                "tags",
                "star",
                "park",
                "edit",
                "owner",
                "unowner",
                "cluster",
                "merge",
                "delete",
            ]
        ),
        st.integers(0, 3),  # which point
        st.integers(0, 3),  # another point, a value
    ),
    min_size=1,
    max_size=6,
)


def command_for(store: Store, action: str, i: int, j: int):
    points = [c for c in store.contributions() if not c.merged_into]
    if not points:
        return None
    c = points[i % len(points)]
    if action == "kind":
        return Edit(c, kind=list(Kind)[j % len(Kind)])
    if action == "tags":
        return Edit(c, tags=(f"tag{j}",) if j else ())
    if action == "star":
        return Edit(c, starred=not c.starred)
    if action == "park":
        return Edit(c, parked=not c.parked)
    if action == "edit":
        return Edit(c, text=f"{c.text} (edited {j})", author=f"Person {j}")
    if action == "owner":
        return SetAction(c, f"Owner {j}", f"2021-12-1{j}")
    if action == "unowner":
        return SetAction(c, None, None)
    if action == "cluster":
        return SetCluster(c, f"cluster {j}" if j else None)
    if action == "merge":
        others = [p for p in points if p.id != c.id]
        return Merge.of(store, c, others[j % len(others)]) if others else None
    return Delete(c)


@settings(
    max_examples=int(os.environ.get("HUBWORKSHOP_UNDO_EXAMPLES") or examples(60)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(actions=ACTIONS)
def test_undoing_every_action_restores_the_workshop_and_redo_restores_the_changes(
    tmp_path_factory, actions
):
    db = tmp_path_factory.mktemp("undo") / "workshop.db"
    with Store.open(db, PLAN) as store:
        for n, text in enumerate(("first", "second", "third", "fourth")):
            c = store.add_contribution(Draft("lifecycle", text, kind=list(Kind)[n]))
            if n == 3:
                store.set_action(c.id, owner="Amina", due="2021-12-01")
        before = snapshot(store)
        history = History()
        for action, i, j in actions:
            command = command_for(store, action, i, j)
            if command is not None:
                with contextlib.suppress(InputError):  # refused, as the room refuses it
                    history.run(store, command, "nt")
        after = snapshot(store)
        while history.undo(store, "nt") is not None:
            pass
        assert snapshot(store) == before
        while history.redo(store, "nt") is not None:
            pass
        assert snapshot(store) == after


def test_undoing_an_owner_takes_the_owner_and_due_date_away(store):
    """Undo of "owner" put the kind back and left the owner and due date: the summary then
    showed an idea "(due: 2021-12-01)"."""
    c = store.add_contribution(Draft("lifecycle", "pilot first"))
    history = History()
    history.run(store, SetAction(c, "Amina", "2021-12-01"), "nt")
    history.undo(store, "nt")
    after = store.contribution(c.id)
    assert (after.kind, after.owner, after.due) == (Kind.IDEA, None, None)
