"""Every change the room can undo returns the workshop to exactly what it was.

A hypothesis model applies random sequences of the room's undoable actions (kind, tags, star,
park, edit, owner and due, cluster, merge, split, vote, consent, takeaways, delete) through
the same command objects the room uses (`workshop/history.py`), undoes them all, and compares
every user-visible table of the database (but update times) with the snapshot before; then
redoes them all and compares with the snapshot after.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import examples
from hubworkshop.domain.errors import InputError
from hubworkshop.domain.model import Consent, Kind
from hubworkshop.domain.records import Draft
from hubworkshop.sources.bundled import bundled_plan
from hubworkshop.sources.plan import read_plan
from hubworkshop.storage import Store
from hubworkshop.workshop.history import (
    Delete,
    Edit,
    History,
    Merge,
    MergePeople,
    Rename,
    SetAction,
    SetCluster,
    SetConsent,
    SetTakeaways,
    Split,
    Vote,
)

PLAN = read_plan(bundled_plan())


def snapshot(store: Store) -> dict[str, list[tuple]]:
    """Every user-visible table: every field of every row but when it last changed (and
    when a point was deleted: whether it is counts; a redo deletes again, at its own time),
    votes without their ids and times (a redone vote is cast again)."""
    conn = sqlite3.connect(store.path)
    try:
        q = conn.execute
        return {
            "contributions": sorted(
                tuple(
                    (v is not None) if k == "deleted_at" else v
                    for k, v in zip([d[0] for d in cursor.description], row, strict=True)
                    if k not in ("updated_at", "changed")
                )
                for cursor in [q("SELECT * FROM contributions")]
                for row in cursor.fetchall()
            ),
            "tags": sorted(q("SELECT contribution, tag FROM contribution_tags").fetchall()),
            "votes": sorted(
                q("SELECT contribution, participant, dots, note_taker, round FROM votes"),
                key=repr,
            ),
            "participants": sorted(
                q("SELECT id, name, consent, language, room FROM participants").fetchall()
            ),
            "takeaways": sorted(q("SELECT * FROM takeaways").fetchall()),
            "rounds": sorted(q("SELECT * FROM vote_rounds").fetchall(), key=repr),
            "rankings": sorted(q("SELECT * FROM rankings").fetchall()),
            "purpose": sorted(q("SELECT * FROM purpose_statements").fetchall()),
            "room_state": sorted(q("SELECT * FROM room_state").fetchall(), key=repr),
        }
    finally:
        conn.close()


PEOPLE = ["Amina", "Kwame", "Zoé"]


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
                "split",
                "vote",
                "consent",
                "rename",
                "merge people",
                "takeaways",
                "delete",
            ]
        ),
        st.integers(0, 3),  # which point
        st.integers(0, 3),  # another point, a value
    ),
    min_size=1,
    max_size=8,
)


def command_for(store: Store, action: str, i: int, j: int):
    points = [c for c in store.contributions.find() if not c.merged_into]
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
    if action == "split":
        grouped = [p for p in store.contributions.find() if p.merged_into or p.merged_count]
        return Split(grouped[i % len(grouped)]) if grouped else None
    if action == "vote":
        return Vote(c, PEOPLE[j % len(PEOPLE)], "nt")
    people = store.participants.all()
    if action == "consent" and people:
        person = people[i % len(people)]
        level = list(Consent)[j % len(Consent)]
        return SetConsent(person.id, person.name, person.consent, level)
    if action == "merge people" and len(people) > 1:
        gone, kept = people[i % len(people)], people[j % len(people)]
        return MergePeople(gone.name, kept.name) if gone.id != kept.id else None
    if action == "rename" and people:
        person = people[i % len(people)]
        return Rename(person.id, person.name, f"{person.name} {j}")
    if action == "takeaways":
        before = tuple(t.id for t in store.points.takeaways("lifecycle"))
        return SetTakeaways("lifecycle", before, tuple(p.id for p in points[: j + 1]))
    return Delete(c)


@settings(
    max_examples=int(os.environ.get("HUBWORKSHOP_UNDO_EXAMPLES") or examples(60)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@example(actions=[("merge people", 2, 1)])  # Zoé into Kwame: both ranked, both said, she voted
@example(actions=[("vote", 0, 0), ("split", 0, 0), ("consent", 1, 0), ("merge people", 0, 1)])
@given(actions=ACTIONS)
def test_undoing_every_action_restores_the_workshop_and_redo_restores_the_changes(
    tmp_path_factory, actions
):
    db = tmp_path_factory.mktemp("undo") / "workshop.db"
    with Store.open(db, PLAN) as store:
        for n, text in enumerate(("first", "second", "third", "fourth")):
            c = store.contributions.add(Draft("lifecycle", text, kind=list(Kind)[n]))
            if n == 3:
                store.points.set_action(c.id, owner="Amina", due="2021-12-01")
        for name, consent in zip(PEOPLE, Consent, strict=True):
            store.participants.save(name, consent, room="lifecycle")
        store.votes.open("lifecycle", dots=3)
        store.contributions.update(c.id, author="Kwame")
        store.votes.add(c.id, participant="Zoé")
        store.rankings.record("lifecycle", ["funding", "mentorship"], participant="Zoé")
        store.rankings.record("lifecycle", ["mentorship", "funding"], participant="Kwame")
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
    c = store.contributions.add(Draft("lifecycle", "pilot first"))
    history = History()
    history.run(store, SetAction(c, "Amina", "2021-12-01"), "nt")
    history.undo(store, "nt")
    after = store.contributions.get(c.id)
    assert (after.kind, after.owner, after.due) == (Kind.IDEA, None, None)


# -- the room's keys ------------------------------------------------------------------------


async def test_ctrl_z_in_the_room_undoes_a_split_a_vote_and_a_consent(store, tmp_path, monkeypatch):
    """Split, vote and consent were not undoable: Ctrl+Z undid whatever came before them."""
    from hubworkshop.tui.dialogs.common import ChoiceDialog, ParticipantPicker
    from hubworkshop.tui.screens.roster import RosterScreen
    from test_tui import room_app, screen_text, settle

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    store.participants.save("Ana", Consent.NAMED, room="lifecycle")
    store.participants.save("Kwame", Consent.ANONYMOUS, room="lifecycle")
    a = store.contributions.add(Draft("lifecycle", "hubs need a clear exit", question=None)).id
    b = store.contributions.add(Draft("lifecycle", "a way to close hubs", question=None)).id
    store.points.merge(b, a)
    store.votes.open("lifecycle", dots=3)
    app = room_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("escape")  # the list, on the merged point
        await settle(pilot)
        await pilot.press("enter", "M")  # split
        await settle(pilot)
        assert store.contributions.get(b).merged_into is None
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert store.contributions.get(b).merged_into == a
        assert "⊕1" in screen_text(app)

        await pilot.press("enter", "v")  # a dot
        await settle(pilot)
        assert isinstance(app.screen, ParticipantPicker)
        await pilot.press("enter")  # Ana
        await settle(pilot)
        assert store.contributions.get(a).votes == 1
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert store.contributions.get(a).votes == 0
        assert store.votes.round("lifecycle").used == {}
        assert store.contributions.get(b).merged_into == a  # and nothing else was undone

        await pilot.press("enter", "N")  # the roster, from the room's menu
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        await pilot.press("down", "c")  # Kwame
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("up", "enter")  # named
        await settle(pilot)
        consent = {p.name: p.consent for p in store.participants.all()}
        assert consent["Kwame"] is Consent.NAMED
        await pilot.press("escape")  # back in the room
        await settle(pilot)
        await pilot.press("ctrl+z")
        await settle(pilot)
        consent = {p.name: p.consent for p in store.participants.all()}
        assert consent == {"Ana": Consent.NAMED, "Kwame": Consent.ANONYMOUS}
        await pilot.press("ctrl+y")  # and redo gives it back
        await settle(pilot)
        assert {p.name: p.consent for p in store.participants.all()}["Kwame"] is Consent.NAMED
        said = [str(n.message) for n in app._notifications]
        assert any("Undone: consent of Kwame" in m for m in said)

        await pilot.press("enter", "N", "down", "m")  # Kwame is Ana entered twice
        await settle(pilot)
        await pilot.press("enter")  # into Ana (both named: nothing to ask)
        await settle(pilot)
        assert {p.name for p in store.participants.all()} == {"Ana"}
        await pilot.press("ctrl+z")  # undone from the roster itself
        await settle(pilot)
        people = {p.name: p.consent for p in store.participants.all()}
        assert people == {"Ana": Consent.NAMED, "Kwame": Consent.NAMED}


def test_undoing_a_merge_of_two_people_is_refused_once_one_was_erased(store):
    """Undo never brings back what an erasure took."""
    from hubworkshop.storage.erase import forget

    store.participants.save("Zanele", Consent.NAMED, room="lifecycle")
    store.participants.save("Zanele M.", Consent.ANONYMOUS, room="lifecycle")
    store.contributions.add(Draft("lifecycle", "her words", author="Zanele M."))
    history = History()
    history.run(store, MergePeople("Zanele M.", "Zanele"), "nt")
    forget(store, "Zanele", with_contributions=True)
    with pytest.raises(InputError, match="erased"):
        history.undo(store, "nt")
    assert not {p.name for p in store.participants.all()} & {"Zanele", "Zanele M."}
    assert "her words" not in {c.text for c in store.contributions.find(include_deleted=True)}


def test_moderation_undoes_to_what_the_point_was(store):
    """Hiding a shown point, approving a waiting one: undo puts each back as it was, and
    redo does it again (the room's Enter → h, the participants' page screen's a and h)."""
    from hubworkshop.domain.model import UserRole
    from hubworkshop.storage import pages
    from hubworkshop.workshop import participate
    from hubworkshop.workshop.history import History, Moderate

    room = next(iter(store.catalog.rooms()))
    shown = store.contributions.add(Draft(room, "a point said aloud"))
    history = History()
    history.run(store, Moderate(shown, "hide", UserRole.FACILITATOR), "Fac")
    assert [c.text for c in store.contributions.find(room=room)] == []
    history.undo(store, "Fac")
    assert [c.text for c in store.contributions.find(room=room)] == ["a point said aloud"]
    assert pages.is_held(store, shown.id) is None
    history.redo(store, "Fac")
    assert pages.is_held(store, shown.id) == "hidden"

    me, _uid = participate.join(store, room, "anonymous")
    participate.set_moderation(store, room, "pre", role=UserRole.FACILITATOR, actor="Fac")
    waiting = participate.add(store, me, "idea", "please approve me")
    history.run(store, Moderate(waiting, "approve", UserRole.FACILITATOR), "Fac")
    assert "please approve me" in [c.text for c in store.contributions.find(room=room)]
    history.undo(store, "Fac")
    assert "please approve me" not in [c.text for c in store.contributions.find(room=room)]
    assert [c.id for c in participate.waiting(store, room)] == [waiting.id]


def test_moderation_is_refused_to_a_note_taker_by_the_step_whatever_the_face(store):
    """The terminal app hides the keys from a note-taker; the steps refuse as well (line
    mode, the command line or a later face cannot hide, approve or change moderation)."""
    from hubworkshop.domain.model import UserRole
    from hubworkshop.storage import pages
    from hubworkshop.workshop import participate
    from hubworkshop.workshop.history import History, Moderate
    from hubworkshop.workshop.roles import NotAllowed

    room = next(iter(store.catalog.rooms()))
    shown = store.contributions.add(Draft(room, "a point said aloud"))
    history = History()
    with pytest.raises(NotAllowed, match="facilitator"):
        history.run(store, Moderate(shown, "hide", UserRole.NOTE_TAKER), "nt")
    with pytest.raises(NotAllowed):
        participate.set_moderation(store, room, "pre", role=UserRole.NOTE_TAKER, actor="nt")
    with pytest.raises(NotAllowed):
        participate.hide(store, shown.id, role=UserRole.NOTE_TAKER, actor="nt")
    assert pages.is_held(store, shown.id) is None
    assert pages.moderation(store, room) == "post"
    assert not history.can_undo  # nothing was done, so nothing to undo
