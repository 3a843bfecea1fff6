"""A participant's own steps (workshop/participate.py) on a real database: the rows and
events they write are the room's own, so exports, consent, forget and the dashboard treat
them like any other."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubworkshop.domain.consent import Surface, policy
from hubworkshop.domain.events import EventName
from hubworkshop.domain.model import Consent, UserRole
from hubworkshop.domain.records import Draft
from hubworkshop.storage import pages
from hubworkshop.storage.erase import forget
from hubworkshop.workshop import participate as p

FAC = UserRole.FACILITATOR


def rooms(store) -> list[str]:
    return list(store.catalog.rooms())


def events(store, action: EventName) -> list[dict]:
    return list(store.db.query("SELECT * FROM events WHERE action = ?", [action.value]))


def test_joining_is_anonymous_by_default_and_needs_no_name(store):
    room = rooms(store)[0]
    person, uid = p.join(store, room, "anonymous")
    assert person.consent is Consent.ANONYMOUS and person.name.startswith("Guest ")
    assert person.room == room
    assert p.who(store, uid) == person
    assert p.who(store, "not-a-uid") is None


def test_named_needs_a_name_and_never_takes_over_someone_on_the_roster(store):
    room = rooms(store)[0]
    with pytest.raises(p.Refused, match="give the name"):
        p.join(store, room, "named")
    store.participants.save("Amina", Consent.OFF_RECORD)
    with pytest.raises(p.Refused, match="cannot be used here"):
        p.join(store, room, "named", name="amina")
    # Amina's own consent is untouched by the stranger's attempt.
    assert [x.consent for x in store.participants.all() if x.name == "Amina"] == [
        Consent.OFF_RECORD
    ]
    person, _uid = p.join(store, room, "named", name="  Mira   K ")
    assert (person.name, person.consent) == ("Mira K", Consent.NAMED)


def test_a_point_is_the_rooms_own_row_marked_as_typed_by_the_participant(store):
    room = rooms(store)[0]
    question = store.rooms.state(room).question
    person, _uid = p.join(store, room, "anonymous")
    point = p.add(store, person, "concern", "  Hubs could become gatekeepers ")
    stored = store.contributions.get(point.id)
    assert (stored.room, stored.question, stored.kind.value, stored.text) == (
        room,
        question,
        "concern",
        "Hubs could become gatekeepers",
    )
    assert (stored.author, stored.note_taker) == (person.name, p.SELF_TYPED)
    assert [e["subject"] for e in events(store, EventName.CONTRIBUTION_ADD)] == [point.id]
    view = p.view(store, person, "en")
    assert [(x.text, x.own, x.self_typed) for x in view.points] == [
        ("Hubs could become gatekeepers", True, True)
    ]


def test_only_their_own_point_while_its_question_is_open(store):
    room = rooms(store)[0]
    me, _ = p.join(store, room, "anonymous")
    other, _ = p.join(store, room, "anonymous")
    mine = p.add(store, me, "idea", "first words")
    theirs = p.add(store, other, "idea", "their words")
    by_staff = store.contributions.add(Draft(room=room, text="noted by staff"))
    for cid in (theirs.id, by_staff.id, theirs.id[:8], "nope"):
        with pytest.raises(p.Refused, match="not yours"):
            p.edit(store, me, cid, "rewritten")
        with pytest.raises(p.Refused, match="not yours"):
            p.withdraw(store, me, cid)
    p.edit(store, me, mine.id, "better words", "proposal")
    assert (store.contributions.get(mine.id).text, store.contributions.get(mine.id).kind.value) == (
        "better words",
        "proposal",
    )
    p.withdraw(store, me, mine.id)
    assert store.contributions.get(mine.id).deleted_at is not None
    assert events(store, EventName.CONTRIBUTION_DELETE)[0]["actor"] == p.SELF_TYPED
    # Once the room moves to its next question, what was said stays as it was.
    still = p.add(store, me, "idea", "said under the first question")
    later = next(
        q for q in store.catalog.room(room).questions if q != store.rooms.state(room).question
    )
    store.rooms.open_question(room, later)
    with pytest.raises(p.Refused, match="closed"):
        p.edit(store, me, still.id, "changed afterwards")
    assert store.contributions.get(still.id).text == "said under the first question"


def test_a_participant_acts_only_in_their_own_room(store):
    first, second = rooms(store)[:2]
    me, _ = p.join(store, first, "anonymous")
    elsewhere = store.contributions.add(Draft(room=second, text="another room's point"))
    store.votes.open(second, dots=3)
    with pytest.raises(p.Refused, match="not in your room"):
        p.vote(store, me, elsewhere.id)
    assert store.votes.round(second).cast == 0


def test_dots_within_the_budget_the_fourth_refused_results_hidden_until_closed(store):
    room = rooms(store)[0]
    me, _ = p.join(store, room, "anonymous")
    point = p.add(store, me, "idea", "vote for me")
    with pytest.raises(p.Refused, match="no vote is open"):
        p.vote(store, me, point.id)
    store.votes.open(room, dots=3)
    for _ in range(3):
        p.vote(store, me, point.id)
    with pytest.raises(p.Refused, match="all your dots"):
        p.vote(store, me, point.id)
    view = p.view(store, me, "en")
    assert (view.vote_open, view.dots, view.used) == (True, 3, 3)
    assert [x.votes for x in view.points] == [None]  # hidden while the vote is open
    # The same rows as the room's dots: the round counts them, without names.
    assert store.votes.round(room).cast == 3
    store.votes.close(room)
    view = p.view(store, me, "en")
    assert view.revealed and [x.votes for x in view.points] == [3]


def test_a_dot_on_a_point_merged_since_the_page_was_drawn_says_so(store):
    room = rooms(store)[0]
    me, _ = p.join(store, room, "anonymous")
    first = p.add(store, me, "idea", "hubs share staff")
    second = p.add(store, me, "idea", "hubs pool their staff")
    store.votes.open(room, dots=3)
    store.points.merge(second.id, first.id)  # a facilitator, while the page still shows both
    with pytest.raises(p.Refused, match="merged into another"):
        p.vote(store, me, second.id)
    p.vote(store, me, first.id)
    assert store.votes.round(room).cast == 1


def test_ranking_with_buttons_is_the_rooms_ballot_row(store):
    room = rooms(store)[0]
    me, _ = p.join(store, room, "named", name="Ranker")
    bank = [r.id for r in store.catalog.roles()]
    assert p.ballot(store, me) == bank
    order = p.move(store, me, bank[1], -1)
    assert order[:2] == [bank[1], bank[0]]
    assert store.rankings.all()[room]["Ranker"] == order
    with pytest.raises(p.Refused):
        p.rank(store, me, [bank[0], bank[0]])
    # Named: the summary surface may list the ballot by name with --attribute.
    named = policy(
        Surface.SUMMARY, attribute=True, participants=store.participants.all()
    ).named_ballots(store.rankings.all())
    assert named[room]["Ranker"] == order


def test_consent_rules_what_the_summary_shows_of_page_points(store):
    room = rooms(store)[0]
    off, _ = p.join(store, room, "off-record")
    anon, _ = p.join(store, room, "anonymous")
    p.add(store, off, "idea", "not for publication")
    p.add(store, anon, "idea", "publish without my name")
    summary = policy(Surface.SUMMARY, attribute=True, participants=store.participants.all())
    shown = summary.visible(store.contributions.find(room=room))
    assert [c.text for c in shown] == ["publish without my name"]
    assert [summary.author(c) for c in shown] == [None]
    # Everyone in the room heard both: the page shows both, and no names.
    assert [x.text for x in p.view(store, anon, "en").points] == [
        "not for publication",
        "publish without my name",
    ]


def test_pre_moderated_points_wait_then_show_and_hidden_ones_are_logged(store):
    room = rooms(store)[0]
    me, _ = p.join(store, room, "anonymous")
    p.set_moderation(store, room, "pre", role=FAC, actor="Fac")
    waiting = p.add(store, me, "idea", "please approve me")
    assert [c.text for c in store.contributions.find(room=room)] == []
    assert [c.id for c in p.waiting(store, room)] == [waiting.id]
    assert p.view(store, me, "en").waiting == 1
    p.approve(store, waiting.id, role=FAC, actor="Fac")
    assert [c.text for c in store.contributions.find(room=room)] == ["please approve me"]
    assert p.view(store, me, "en").waiting == 0
    p.hide(store, waiting.id, role=FAC, actor="Fac")
    assert [c.text for c in store.contributions.find(room=room)] == []
    # Hidden, not deleted: the row stays and the log says who hid it.
    assert store.contributions.get(waiting.id).text == "please approve me"
    assert [e["actor"] for e in events(store, EventName.CONTRIBUTION_HIDE)] == ["Fac"]
    assert [e["actor"] for e in events(store, EventName.ROOM_MODERATION)] == ["Fac"]
    with pytest.raises(Exception, match="not one of"):
        p.set_moderation(store, room, "sometimes", role=FAC)


def test_forget_erases_a_participant_who_used_the_page(store):
    room = rooms(store)[0]
    me, uid = p.join(store, room, "named", name="Zelda Page")
    point = p.add(store, me, "idea", "my own words")
    store.votes.open(room, dots=2)
    p.vote(store, me, point.id)
    p.move(store, me, store.catalog.roles()[1].id, -1)
    pages.set_moderation(store, room, "pre")
    held = p.add(store, me, "idea", "waiting words")
    forget(store, "Zelda Page", with_contributions=True)
    assert p.who(store, uid) is None
    assert "Zelda Page" not in store.rankings.all().get(room, {})
    assert store.votes.round(room).cast == 0
    dump = "\n".join(store.db.conn.iterdump())
    assert "Zelda Page" not in dump and "my own words" not in dump
    assert pages.is_held(store, held.id) is None


def test_the_page_never_shows_names(store):
    room = rooms(store)[0]
    question = store.rooms.state(room).question
    store.contributions.add(
        Draft(room=room, text="said by a named person", author="Amina", question=question)
    )
    store.participants.save("Amina", Consent.NAMED)
    me, _ = p.join(store, room, "anonymous")
    view = p.view(store, me, "en")
    assert [(x.text, x.own, x.self_typed) for x in view.points] == [
        ("said by a named person", False, False)
    ]
    assert "Amina" not in repr(view)


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1, max_size=300).filter(lambda t: t.strip() and "\x00" not in t))
def test_any_text_is_stored_as_typed_apart_from_its_outer_spaces(store, text):
    room = rooms(store)[0]
    me, _ = p.join(store, room, "anonymous")
    try:
        point = p.add(store, me, "idea", text)
    except Exception as error:  # only our own one-line refusals
        assert type(error).__name__ in ("InputError", "Refused")
        return
    assert store.contributions.get(point.id).text == text.strip()


def test_becoming_named_needs_a_name_of_ones_own(store):
    room = rooms(store)[0]
    me, uid = p.join(store, room, "anonymous")
    with pytest.raises(p.Refused, match="give the name"):
        p.set_consent(store, me, "named")
    store.participants.save("Amina", Consent.ANONYMOUS)
    with pytest.raises(p.Refused, match="cannot be used here"):
        p.set_consent(store, me, "named", name="AMINA")
    p.set_consent(store, me, "off-record")
    assert p.who(store, uid).consent is Consent.OFF_RECORD
    p.set_consent(store, p.who(store, uid), "named", name="Mira Named")
    assert (p.who(store, uid).name, p.who(store, uid).consent) == ("Mira Named", Consent.NAMED)


# -- what a red team tried (#32) ------------------------------------------------------------


def test_a_name_taken_on_the_page_never_edits_what_a_note_taker_recorded(store):
    """A stranger took the name of someone nobody had typed yet; a note-taker then recorded
    that person's words under it. The page's owner of the name may not rewrite or withdraw
    them: a point is theirs only when they typed it on the page."""
    room = rooms(store)[0]
    impostor, _ = p.join(store, room, "named", name="Jan Ainali")
    [recorded] = store.contributions.add_many(
        [Draft(room, "Hubs must stay small", question=store.rooms.state(room).question,
               author="Jan Ainali")],
        note_taker="NT Nina",
    )  # fmt: skip
    assert recorded.author_id == impostor.id  # the same entry, by name
    with pytest.raises(p.Refused, match="not yours"):
        p.edit(store, impostor, recorded.id, "hubs are useless")
    with pytest.raises(p.Refused, match="not yours"):
        p.withdraw(store, impostor, recorded.id)
    assert store.contributions.get(recorded.id).text == "Hubs must stay small"


def test_an_edit_is_as_long_as_an_addition_may_be(store):
    room = rooms(store)[0]
    me, _ = p.join(store, room, "anonymous")
    point = p.add(store, me, "idea", "short")
    with pytest.raises(p.Refused, match="2,000"):
        p.edit(store, me, point.id, "x" * (p.MAX_TEXT + 1))
    assert store.contributions.get(point.id).text == "short"


def test_a_withdrawn_waiting_point_can_never_be_approved(store):
    room = rooms(store)[0]
    me, _ = p.join(store, room, "anonymous")
    p.set_moderation(store, room, "pre", role=FAC, actor="Fac")
    point = p.add(store, me, "idea", "on second thought, no")
    p.withdraw(store, me, point.id)
    assert p.waiting(store, room) == [] and p.view(store, me, "en").waiting == 0
    with pytest.raises(Exception, match="not held"):
        p.approve(store, point.id, role=FAC, actor="Fac")
    assert store.contributions.find(room=room) == []


def test_an_approved_point_edited_in_a_pre_moderated_room_waits_again(store):
    room = rooms(store)[0]
    me, _ = p.join(store, room, "anonymous")
    p.set_moderation(store, room, "pre", role=FAC, actor="Fac")
    point = p.add(store, me, "idea", "a fair point")
    p.approve(store, point.id, role=FAC, actor="Fac")
    p.edit(store, me, point.id, "ABUSIVE AFTER APPROVAL")
    assert store.contributions.find(room=room) == []  # nobody sees it
    assert [c.text for c in p.waiting(store, room)] == ["ABUSIVE AFTER APPROVAL"]


def test_a_point_others_voted_on_or_said_in_an_earlier_phase_stays_as_it_is(store):
    room = rooms(store)[0]
    author, _ = p.join(store, room, "anonymous")
    voter, _ = p.join(store, room, "anonymous")
    point = p.add(store, author, "idea", "Hubs should get funding")
    store.votes.open(room, dots=3)
    p.vote(store, voter, point.id)
    for change in (
        lambda: p.edit(store, author, point.id, "Hubs should be abolished"),
        lambda: p.withdraw(store, author, point.id),
    ):
        with pytest.raises(p.Refused, match="voted"):
            change()
    other = p.add(store, author, "idea", "said in this phase")
    phases = [ph.id for ph in store.catalog.phases()]
    state = store.rooms.state(room)
    store.rooms.set_phase(room, next(ph for ph in phases if ph != state.phase))
    assert store.rooms.state(room).question == state.question  # the same question, a new phase
    with pytest.raises(p.Refused, match="closed"):
        p.edit(store, author, other.id, "rewritten later")
    assert store.contributions.get(other.id).text == "said in this phase"


def test_joining_again_from_the_same_browser_never_makes_a_second_person(store):
    """Each entry has its own dots: a second join with the cookie would have been a second
    budget."""
    room = rooms(store)[0]
    me, uid = p.join(store, room, "anonymous")
    again, uid_again = p.join(store, room, "anonymous", name="x", returning=me)
    named, uid_named = p.join(store, room, "named", name="Mira K", returning=again)
    assert uid == uid_again == uid_named and me.id == again.id == named.id
    assert (named.name, named.consent) == ("Mira K", Consent.NAMED)
    assert len(store.participants.all()) == 1


def test_a_name_erased_on_request_is_refused_as_a_taken_one_is(store):
    """The page tells a stranger neither who is here nor who asked to be forgotten."""
    room = rooms(store)[0]
    store.participants.save("Forget Me Fred", Consent.NAMED)
    forget(store, "Forget Me Fred")
    store.participants.save("Here Now", Consent.ANONYMOUS)
    for name in ("Forget Me Fred", "here now"):
        with pytest.raises(p.Refused) as refused:
            p.join(store, room, "named", name=name)
        assert str(refused.value) == p.NAME_REFUSED
