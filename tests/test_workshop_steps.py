"""Voting, ranking and merging points as steps of the application layer (`workshop/voting.py`,
`workshop/ranking.py`, `workshop/points.py`, `workshop/people.py`), on a real database: the
rules every face shares, and the faces that used to differ from one another (line mode and
the command line) now refusing what the room and the participants' page refuse."""

from __future__ import annotations

import io

import pytest

from hubworkshop.cli.line import LineRoom
from hubworkshop.domain.errors import InputError
from hubworkshop.domain.events import EventName
from hubworkshop.domain.model import UserRole
from hubworkshop.domain.records import Draft
from hubworkshop.workshop import participate, people, points, ranking, voting
from hubworkshop.workshop.history import History, Merge, Split, Vote
from hubworkshop.workshop.people import known_as, maybe_meant

FACILITATOR = UserRole.FACILITATOR


@pytest.fixture
def two(store):
    a = store.contributions.add(Draft("value", "Hubs could become gatekeepers"), note_taker="Bea")
    b = store.contributions.add(Draft("value", "Hubs should serve communities"), note_taker="Bea")
    return store, a, b


def actions(store, prefix: str) -> list[str]:
    return [e.action for e in store.events.all() if e.action.startswith(prefix)]


# -- voting --------------------------------------------------------------------------------


def test_a_round_opens_and_closes_for_a_facilitator_only(two):
    store, a, _b = two
    with pytest.raises(InputError, match="only a facilitator"):
        voting.open_round(store, "value", role=UserRole.NOTE_TAKER, actor="Bea")
    assert store.votes.round("value") is None
    opened = voting.open_round(store, "value", role=FACILITATOR, dots=2, actor="Asaf")
    assert (opened.room, opened.dots, opened.cast) == ("value", 2, 0)
    voting.cast(store, a.id, "Ana", note_taker="Bea")
    with pytest.raises(InputError, match="only a facilitator"):
        voting.close_round(store, "value", role=UserRole.NOTE_TAKER, actor="Bea")
    result = voting.close_round(store, "value", role=FACILITATOR, actor="Asaf")
    assert result == [voting.Tally(a.id, 1, a.text)]
    assert actions(store, "vote.") == ["vote.open", "vote.add", "vote.close"]
    assert {e.actor for e in store.events.all() if e.action in ("vote.open", "vote.close")} == {
        "Asaf"
    }


def test_a_dot_keeps_to_the_budget_whoever_types_the_name(two):
    store, a, b = two
    store.participants.save("Ana", "named", room="value")
    voting.open_round(store, "value", role=FACILITATOR, dots=2, actor=None)
    first = voting.cast(store, a.id, "Ana", note_taker="Bea")
    assert first.left == 1 and store.votes.round("value").cast == 1
    # "ANA" is Ana: her budget, not a fresh one.
    second = voting.cast(store, b.short_id, "ANA", note_taker="Bea")
    assert second.left == 0
    with pytest.raises(voting.OverBudget, match="used 2 of 2 dots"):
        voting.cast(store, a.id, "ana", note_taker="Bea")
    assert [p.name for p in store.participants.all()] == ["Ana"]
    round_ = store.votes.round("value")
    assert round_ is not None
    assert (voting.used(round_, "aNa"), voting.left(round_, "Ana")) == (2, 0)
    assert voting.left(round_, "Kwame") == 2


def test_a_dot_goes_on_a_live_point_of_the_voters_room_in_an_open_round(two):
    store, a, b = two
    with pytest.raises(voting.NotOpen, match="no vote is open"):
        voting.cast(store, a.id, "Ana", note_taker="Bea")
    voting.open_round(store, "value", role=FACILITATOR, actor=None)
    with pytest.raises(voting.NotThere, match="not a point of this room"):
        voting.cast(store, a.id, "Ana", note_taker="Bea", room="lifecycle")
    store.contributions.delete(b.id)
    with pytest.raises(voting.NotThere, match="deleted"):
        voting.cast(store, b.id, "Ana", note_taker="Bea")
    assert actions(store, "vote.add") == []
    assert store.participants.all() == []  # nobody added by a refused dot


def test_a_dot_from_the_room_is_undone_and_redone_and_a_cast_is_taken_back(two):
    store, a, b = two
    voting.open_round(store, "value", role=FACILITATOR, dots=3, actor=None)
    history = History()
    done = voting.cast(store, a.id, "Kwame", note_taker="Bea", room="value", history=history)
    assert isinstance(done.vote, Vote) and done.vote.uid is not None
    assert store.contributions.get(a.id).votes == 1
    history.undo(store, "Bea")
    assert store.contributions.get(a.id).votes == 0
    assert [p.name for p in store.participants.all()] == []  # the voter the dot added, gone too
    history.redo(store, "Bea")
    assert store.contributions.get(a.id).votes == 1
    # A face without a history (the command line) takes back the cast it holds.
    other = voting.cast(store, b.id, "Ana", note_taker="Bea")
    voting.take_back(store, other, actor="Bea")
    assert store.contributions.get(b.id).votes == 0
    assert actions(store, "vote.") == [
        "vote.open",
        "vote.add",
        "vote.withdraw",
        "vote.add",
        "vote.add",
        "vote.withdraw",
    ]


def test_the_participants_page_votes_through_the_same_step(two):
    store, a, _b = two
    person, _uid = participate.join(store, "value", "anonymous")
    with pytest.raises(participate.Refused, match="no vote is open"):
        participate.vote(store, person, a.id)
    voting.open_round(store, "value", role=FACILITATOR, dots=1, actor=None)
    participate.vote(store, person, a.id)
    with pytest.raises(participate.Refused, match="used all your dots"):
        participate.vote(store, person, a.id)
    assert participate.view(store, person, "en").used == 1


# -- line mode: the fixes ------------------------------------------------------------------


def line_room(store, room: str = "value", name: str | None = "Bea") -> tuple[LineRoom, io.StringIO]:
    out = io.StringIO()
    return LineRoom(store, room, name, out), out


def test_line_mode_puts_no_dot_on_another_rooms_point(store):
    """Fixed: `/vote ID` in line mode put a dot on any point of any room (in that room's
    round); the room and the participants' page only vote in their own room."""
    elsewhere = store.contributions.add(Draft("lifecycle", "a point of another room"))
    voting.open_round(store, "lifecycle", role=FACILITATOR, actor=None)
    session, out = line_room(store, "value")
    session.handle(f"/vote {elsewhere.short_id}\n")
    assert "not saved" in out.getvalue() and "not a point of this room" in out.getvalue()
    assert store.contributions.get(elsewhere.id).votes == 0


def test_line_mode_puts_no_dot_on_a_deleted_point(store):
    """Fixed: a deleted point took dots from line mode and the command line, and came out
    in the round's result; the room and the page never offer it."""
    gone = store.contributions.add(Draft("value", "said, then deleted"))
    store.contributions.delete(gone.id)
    voting.open_round(store, "value", role=FACILITATOR, actor=None)
    session, out = line_room(store)
    session.handle(f"/vote {gone.short_id}\n")
    assert "deleted" in out.getvalue()
    assert voting.close_round(store, "value", role=FACILITATOR, actor=None) == []


def test_no_face_puts_a_dot_on_a_point_merged_into_another(two, cli, db_path):
    """The room and the page offer only the point others were merged into; line mode and
    the command line refuse the merged one too, and say where the dot goes."""
    store, a, b = two
    store.points.merge(b.id, a.id)
    store.participants.save("Ana", "named", room="value")
    voting.open_round(store, "value", role=FACILITATOR, actor=None)
    with pytest.raises(voting.NotThere, match=f"merged into {a.short_id}"):
        voting.cast(store, b.id, "Ana", note_taker="Bea")
    session, out = line_room(store)
    session.handle(f"/vote {b.short_id}\n")
    assert f"merged into {a.short_id}" in out.getvalue()
    result = cli("vote", "cast", b.short_id, "--by", "Ana", db=db_path)
    assert result.returncode == 2 and f"merged into {a.short_id}" in result.stderr
    assert store.contributions.get(b.id).votes == 0
    assert voting.cast(store, a.id, "Ana", note_taker="Bea").left >= 0


def test_line_mode_votes_as_the_one_typing(two):
    store, a, _b = two
    voting.open_round(store, "value", role=FACILITATOR, actor=None)
    session, out = line_room(store)
    session.handle(f"/vote {a.short_id}\n")
    assert f"a dot on {a.short_id}; 2 dots left" in out.getvalue()  # of the plan's 3
    round_ = store.votes.round("value")
    assert round_ is not None and round_.used == {"Bea": 1}


def test_the_command_line_puts_no_dot_on_a_deleted_point(cli, db_path, store):
    gone = store.contributions.add(Draft("value", "said, then deleted"))
    store.contributions.delete(gone.id)
    store.participants.save("Ana", "named", room="value")
    voting.open_round(store, "value", role=FACILITATOR, actor=None)
    result = cli("vote", "cast", gone.short_id, "--by", "Ana", db=db_path)
    assert result.returncode == 2 and "deleted" in result.stderr
    assert "Traceback" not in result.stderr
    assert store.contributions.get(gone.id).votes == 0


# -- ranking ---------------------------------------------------------------------------------


def test_a_ballot_is_checked_once_for_every_face(store):
    items = [r.id for r in store.catalog.roles()]
    assert len(items) >= 3
    with pytest.raises(InputError, match="at least one item"):
        ranking.record(store, "value", [], actor="Bea")
    with pytest.raises(InputError, match="unknown item 'nope'"):
        ranking.record(store, "value", [items[0], "nope"], actor="Bea")
    with pytest.raises(InputError, match="each item once"):
        ranking.record(store, "value", [items[0], items[0]], actor="Bea")
    assert store.rankings.all() == {}
    assert ranking.record(store, "value", items[:2], actor="Bea") == items[:2]
    ranking.record(store, "value", [items[2]], participant="Ana", actor="Bea")
    assert store.rankings.all() == {"value": {None: items[:2], "Ana": [items[2]]}}
    assert actions(store, "ranking.") == ["ranking.record", "ranking.record"]


def test_a_ballot_starts_from_the_recorded_order_then_the_banks(store):
    items = [r.id for r in store.catalog.roles()]
    assert ranking.ballot(store.rankings.all(), "value", items) == items
    ranking.record(store, "value", [items[2], items[0]], actor=None)
    ranking.record(store, "value", [items[1]], participant="Ana", actor=None)
    rest = [i for i in items if i not in (items[2], items[0])]
    assert ranking.ballot(store.rankings.all(), "value", items) == [items[2], items[0], *rest]
    assert ranking.ballot(store.rankings.all(), "value", items, "Ana")[0] == items[1]
    # An order that names an item the bank no longer has starts from what the bank has.
    recorded = {"value": {None: ["gone", items[1]]}}
    assert ranking.ballot(recorded, "value", items) == [
        items[1],
        *(i for i in items if i != items[1]),
    ]


def test_moving_an_item_keeps_it_in_the_list():
    order = ["a", "b", "c"]
    assert ranking.moved(order, "b", -1) == ["b", "a", "c"]
    assert ranking.moved(order, "b", 1) == ["a", "c", "b"]
    assert ranking.moved(order, "a", -1) == order
    assert ranking.moved(order, "c", 1) == order


def test_the_participants_page_ranks_through_the_same_step(store):
    person, _uid = participate.join(store, "value", "anonymous")
    items = [r.id for r in store.catalog.roles()]
    with pytest.raises(participate.Refused, match="rank each item once"):
        participate.rank(store, person, [])
    assert participate.move(store, person, items[1], -1)[:2] == [items[1], items[0]]
    assert store.rankings.all()["value"][person.name][:2] == [items[1], items[0]]


# -- merging points --------------------------------------------------------------------------


def test_a_merge_and_a_split_are_undone_with_the_rooms_history(two):
    store, a, b = two
    history = History()
    merged = points.merge(store, b, a, actor="Bea", history=history)
    assert isinstance(merged, Merge)
    assert store.contributions.get(b.id).merged_into == a.id
    history.undo(store, "Bea")
    assert store.contributions.get(b.id).merged_into is None
    history.redo(store, "Bea")
    assert store.contributions.get(b.id).merged_into == a.id
    split = points.split(store, a.id, actor="Bea", history=history)
    assert isinstance(split, Split) and split.places == ((b.id, a.id),)
    assert store.contributions.get(b.id).merged_into is None
    history.undo(store, "Bea")
    assert store.contributions.get(b.id).merged_into == a.id


def test_a_merge_by_ids_from_the_command_line_and_the_stores_refusals(two):
    store, a, b = two
    with pytest.raises(InputError, match="cannot be merged into itself"):
        points.merge(store, a.id, a.short_id, actor=None)
    done = points.merge(store, b.short_id, a.short_id, actor="Asaf")
    assert (done.source.id, done.target.id) == (b.id, a.id)
    with pytest.raises(InputError, match="part of itself"):
        points.merge(store, a.id, b.id, actor=None)
    assert actions(store, "contribution.merge") == ["contribution.merge"]


def test_a_split_with_nothing_merged_is_refused_by_every_face(cli, db_path, two):
    """Fixed: the room said "Nothing is merged into this point." while `hubworkshop split`
    said "split 0 contributions off …" and succeeded."""
    store, a, b = two
    assert not points.can_split(store.contributions.get(a.id))
    with pytest.raises(InputError, match="nothing is merged into"):
        points.split(store, a.id, actor=None)
    result = cli("split", a.short_id, db=db_path)
    assert result.returncode == 2 and "nothing is merged into" in result.stderr
    points.merge(store, b, a, actor=None)
    # Either end of a merge can be split: the point, or the one merged into it.
    assert points.can_split(store.contributions.get(a.id))
    assert points.can_split(store.contributions.get(b.id))
    assert points.split(store, b.id, actor=None).places == ((b.id, a.id),)
    assert EventName.CONTRIBUTION_SPLIT.value in actions(store, "contribution.split")


# -- who a typed name means ------------------------------------------------------------------


def test_a_typed_name_is_the_rosters_spelling_and_a_typo_is_no_new_voter(store):
    store.participants.save("José Ñandú", "named", room="value")
    assert known_as(store, "JOSÉ  ñandú", new=False) == "José Ñandú"
    with pytest.raises(InputError, match="did you mean 'José Ñandú'"):
        known_as(store, "jose nandu", new=False)
    assert known_as(store, "Kwame", new=True) == "Kwame"
    assert known_as(store, "Someone Else", new=False, anyone=True) == "Someone Else"
    assert maybe_meant(store, "jose nandu") == ["José Ñandú"]
    assert maybe_meant(store, "JOSÉ ÑANDÚ") == []


def test_one_person_entered_twice_is_merged_asking_their_consent_when_the_two_differ(store):
    a = store.contributions.add(Draft("value", "said by the first entry", author="Amina K"))
    store.participants.save("Amina K", "named", room="value")
    store.participants.save("Amina", "off-record", room="value")
    with pytest.raises(people.ConsentToAsk, match="which consent") as asked:
        people.merge(store, "Amina K", "amina", consent=None, actor="Bea")
    assert {asked.value.one.name, asked.value.other.name} == {"Amina K", "Amina"}
    assert len(store.participants.all()) == 2  # nothing merged without the answer
    history = History()
    people.merge(store, "Amina K", "amina", consent="anonymous", actor="Bea", history=history)
    [kept] = store.participants.all()
    assert (kept.name, kept.consent.value) == ("Amina", "anonymous")
    assert store.contributions.get(a.id).author == "Amina"
    history.undo(store, "Bea")
    assert sorted(p.name for p in store.participants.all()) == ["Amina", "Amina K"]
    assert store.contributions.get(a.id).author == "Amina K"


# -- the agenda ------------------------------------------------------------------------------


def test_only_a_facilitator_runs_the_agenda_whatever_the_face(store):
    """The step refuses a note-taker even where a face forgot to hide the key."""
    from hubworkshop.workshop import agenda
    from hubworkshop.workshop.roles import NotAllowed

    before = store.rooms.state("value")
    note_taker = UserRole.NOTE_TAKER
    refused = [
        lambda: agenda.step_question(store, "value", 1, role=note_taker, actor="Bea"),
        lambda: agenda.open_question(store, "value", "value.benefit", role=note_taker, actor="Bea"),
        lambda: agenda.set_phase(store, "value", "break", role=note_taker, actor="Bea"),
        lambda: agenda.toggle_clock(store, "value", role=note_taker, actor="Bea"),
        lambda: agenda.extend_clock(store, "value", 5, role=note_taker, actor="Bea"),
        lambda: voting.open_round(store, "value", role=note_taker, actor="Bea"),
    ]
    for attempt in refused:
        with pytest.raises(NotAllowed, match="only a facilitator"):
            attempt()
    assert store.rooms.state("value") == before
    assert actions(store, "question.") == actions(store, "phase.") == []


def test_two_facilitators_stepping_from_the_same_question_open_the_same_next_one(store):
    from hubworkshop.workshop import agenda

    questions = store.catalog.room("value").questions
    seen = store.rooms.state("value").question
    assert seen == questions[0]
    first = agenda.step_question(store, "value", 1, role=FACILITATOR, actor="Asaf", seen=seen)
    second = agenda.step_question(store, "value", 1, role=FACILITATOR, actor="Kwame", seen=seen)
    assert first == second == questions[1] == store.rooms.state("value").question
    # Without what a face saw (line mode, the command line), from the room's current one.
    assert agenda.step_question(store, "value", 1, role=FACILITATOR, actor=None) == questions[2]
    with pytest.raises(agenda.AtEnd) as end:
        agenda.step_question(store, "value", -1, role=FACILITATOR, actor=None, seen=questions[0])
    assert end.value.step == -1 and "first question" in str(end.value)
    with pytest.raises(agenda.AtEnd, match="last question"):
        agenda.step_question(store, "value", 1, role=FACILITATOR, actor=None, seen=questions[-1])


def test_the_clock_toggles_and_extends(store):
    from hubworkshop.workshop import agenda

    assert agenda.toggle_clock(store, "value", role=FACILITATOR, actor="Asaf") is True
    assert store.rooms.countdown("value").running
    agenda.extend_clock(store, "value", 5, role=FACILITATOR, actor="Asaf")
    assert agenda.toggle_clock(store, "value", role=FACILITATOR, actor="Asaf") is False
    assert not store.rooms.countdown("value").running


# -- what a staff room shows ---------------------------------------------------------------


def test_the_room_view_reads_what_changed_since_the_room_last_looked(store):
    """The room's reads, without Textual (`workshop/room_view.py`): its rows under a filter,
    then only what was logged after them, and whether the room itself must be read again."""
    from hubworkshop.domain.model import Kind
    from hubworkshop.workshop.room_view import RowFilter, read_changes, read_room, read_rows

    store.votes.open("value", dots=3)
    first = store.contributions.add(Draft("value", "Hubs need funding", tags=["money"]))
    store.contributions.add(Draft("lifecycle", "another room's point"))
    view = read_room(store, "value")
    assert view.vote is not None and view.tags == ["money"]
    assert view.position.startswith("question 1 of ")
    assert read_room(store, "value", everything=False).tags == []

    rows = read_rows(store, "value", RowFilter())
    assert rows.seqs == [first.seq]
    assert read_rows(store, "value", RowFilter(kind=Kind.CONCERN)).seqs == []
    assert read_changes(store, "value", rows.last_event, {"money"}) is None

    second = store.contributions.add(Draft("value", "with a known tag", tags=["money"]))
    changes = read_changes(store, "value", rows.last_event, {"money"})
    assert changes is not None
    assert [c.text for c in changes.rows] == [second.text]
    assert not changes.room_changed and not changes.renamed  # a known tag: nothing above moves

    store.contributions.add(Draft("value", "with a new tag", tags=["brand-new"]))
    changes = read_changes(store, "value", changes.last_event, {"money"})
    assert changes is not None and changes.room_changed  # the tag list must be read again

    store.participants.save("Bea", room="value")
    store.participants.rename("Bea", "Beatriz")
    changes = read_changes(store, "value", changes.last_event, {"money", "brand-new"})
    assert changes is not None and changes.renamed


def _busy_once(read):
    """`read`, whose first call meets a locked database (a fault injected into one read of
    the real store)."""
    import sqlite3

    calls = []

    def busy_once(*args):
        calls.append(args)
        if len(calls) == 1:
            raise sqlite3.OperationalError("database is locked")
        return read(*args)

    return busy_once


def test_line_mode_reads_again_from_the_same_point_after_a_busy_moment(store, monkeypatch):
    """Line mode moved its place in the log forward before reading the new rows: when that
    read met a locked database, the watcher's retry began after them, and the contribution
    was never printed. (The fault is injected into one read of the real store.)"""
    import sqlite3

    room, out = line_room(store, "lifecycle", "Bea")
    store.contributions.add(Draft("lifecycle", "said during a busy moment"), note_taker="Kwame")
    monkeypatch.setattr(store.contributions, "by_ids", _busy_once(store.contributions.by_ids))
    with pytest.raises(sqlite3.OperationalError):
        room.catch_up()  # the watcher catches this and calls again at its next poll
    room.catch_up()
    store.contributions.add(Draft("lifecycle", "said afterwards"), note_taker="Kwame")
    room.catch_up()
    printed = out.getvalue()
    assert printed.count("said during a busy moment") == 1
    assert printed.count("said afterwards") == 1

    # The question and the vote of the same moment are said too (the room's state was read
    # after the place in the log had moved: they were skipped for good).
    from hubworkshop.workshop import agenda

    agenda.step_question(store, "lifecycle", 1, role=FACILITATOR, actor="Asaf")
    voting.open_round(store, "lifecycle", role=FACILITATOR, actor="Asaf")
    store.contributions.add(Draft("lifecycle", "with the new question"), note_taker="Kwame")
    monkeypatch.setattr(store.rooms, "state", _busy_once(store.rooms.state))
    with pytest.raises(sqlite3.OperationalError):
        room.catch_up()
    room.catch_up()
    printed = out.getvalue()
    second = store.catalog.question(store.catalog.room("lifecycle").questions[1])
    assert printed.count("with the new question") == 1
    assert printed.count(second.text.get_text("en")) == 1
    assert printed.count("a vote is open") == 1
