"""Every facilitation activity from the command line: the real CLI in a subprocess writes what
the room's keys write (same store call, same events), refuses what the room refuses, and an
open terminal sees it live."""

from __future__ import annotations

import json

import pytest

from hubworkshop.domain.records import Draft
from hubworkshop.storage import Store
from hubworkshop.tui.screens.room import RoomScreen
from test_tui import SIZE, room_app, screen_text, settle, wait_until


@pytest.fixture
def two(store):
    a = store.contributions.add(Draft("value", "Hubs could become gatekeepers"))
    b = store.contributions.add(Draft("value", "Hubs should serve communities"))
    return store, a, b


def ok(result):
    assert result.returncode == 0, result.stderr
    return result.stdout


def refused(result, message):
    assert result.returncode == 2, result.stdout
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def actions(store, since=0):
    return [e.action for e in store.events.all()][since:]


def test_dot_voting(cli, db_path, two):
    store, a, b = two
    store.participants.save("Ana", "named", room="value")
    refused(cli("vote", "cast", a.id, "--by", "Ana", db=db_path), "no vote is open")
    ok(cli("vote", "open", "--room", "value", "--dots", "2", "--as", "Asaf", db=db_path))
    refused(cli("vote", "open", "--room", "value", db=db_path), "already open")
    ok(cli("vote", "cast", a.short_id, "--by", "Ana", "--dots", "2", db=db_path))
    refused(cli("vote", "cast", b.id, "--by", "ANA", db=db_path), "used 2 of 2 dots")
    status = json.loads(ok(cli("vote", "status", "--room", "value", "--json", db=db_path)))
    assert status["used"] == {"Ana": 2} and status["dots"] == 2
    result = json.loads(ok(cli("vote", "close", "--room", "value", "--json", db=db_path)))
    assert result == [{"id": a.id, "dots": 2, "text": a.text}]
    assert store.contributions.get(a.id).votes == 2
    assert "null" in ok(cli("vote", "status", "--room", "value", "--json", db=db_path))
    assert [a for a in actions(store) if a.startswith("vote.")] == [
        "vote.open",
        "vote.add",
        "vote.close",
    ]
    opened = next(e for e in store.events.all() if e.action == "vote.open")
    assert opened.actor == "Asaf"


def test_ranking_and_purpose(cli, db_path, two):
    store, _a, _b = two
    ok(cli("rank", "set", "--room", "value", "funding", "legal-support", db=db_path))
    ok(cli("rank", "set", "--room", "value", "--by", "Ana", "--new", "governance", db=db_path))
    refused(
        cli("rank", "set", "--room", "value", "funding", "funding", db=db_path), "each item once"
    )
    refused(cli("rank", "set", "--room", "value", "nope", db=db_path), "unknown item 'nope'")
    assert store.rankings.all()["value"] == {
        None: ["funding", "legal-support"],
        "Ana": ["governance"],
    }
    shown = json.loads(ok(cli("rank", "show", "--room", "value", "--json", db=db_path)))
    assert shown == {
        "value": {"room": ["funding", "legal-support"], "participants": {"Ana": ["governance"]}}
    }
    ok(cli("purpose", "add", "--room", "value", "Hubs exist to serve", db=db_path))
    ok(
        cli(
            "purpose",
            "add",
            "--room",
            "value",
            "--final",
            "Hubs exist to serve, nearer",
            db=db_path,
        )
    )
    revisions = json.loads(ok(cli("purpose", "show", "--room", "value", "--json", db=db_path)))
    assert [(r["text"], r["final"]) for r in revisions] == [
        ("Hubs exist to serve", False),
        ("Hubs exist to serve, nearer", True),
    ]
    assert actions(store).count("ranking.record") == 2
    assert actions(store).count("purpose.revise") == 2


def test_merge_split_cluster_park_owner_takeaways(cli, db_path, two):
    store, a, b = two
    refused(cli("merge", a.id, a.id, db=db_path), "cannot be merged into itself")
    ok(cli("merge", b.short_id, a.short_id, db=db_path))
    refused(cli("merge", a.id, b.id, db=db_path), "would make a point part of itself")
    assert store.contributions.get(b.id).merged_into == a.id
    ok(cli("split", a.short_id, db=db_path))
    assert store.contributions.get(b.id).merged_into is None
    ok(cli("cluster", a.id, "gatekeeping risk", db=db_path))
    assert store.contributions.get(a.id).cluster == "gatekeeping risk"
    ok(cli("cluster", a.id, "--clear", db=db_path))
    assert store.contributions.get(a.id).cluster is None
    ok(cli("park", b.id, db=db_path))
    assert store.contributions.get(b.id).parked
    ok(cli("park", b.id, "--undo", db=db_path))
    assert not store.contributions.get(b.id).parked
    ok(cli("owner", a.id, "Amina", "--due", "2021-12-15", db=db_path))
    refused(cli("owner", a.id, "--due", "soon", db=db_path), "due date 'soon' is not a date")
    assert (store.contributions.get(a.id).owner, store.contributions.get(a.id).due) == (
        "Amina",
        "2021-12-15",
    )
    ok(cli("takeaways", "set", "--room", "value", b.short_id, a.id, db=db_path))
    shown = json.loads(ok(cli("takeaways", "show", "--room", "value", "--json", db=db_path)))
    assert [t["id"] for t in shown] == [b.id, a.id]
    refused(cli("park", "ffffffff", db=db_path), "unknown contribution 'ffffffff'")
    for action in ("contribution.merge", "contribution.cluster", "contribution.action"):
        assert action in actions(store)


def test_room_clock_and_question(cli, db_path, store):
    room = store.catalog.room("value")
    first = store.rooms.state("value").question
    refused(cli("room", "question", "--room", "value", "--previous", db=db_path), "first question")
    ok(cli("room", "question", "--room", "value", "--next", db=db_path))
    assert store.rooms.state("value").question == room.questions[room.questions.index(first) + 1]
    refused(cli("room", "question", "--room", "value", "nope.nope", db=db_path), "nope.nope")
    ok(cli("room", "timer", "--room", "value", "start", db=db_path))
    ok(cli("room", "timer", "--room", "value", "extend", "5", db=db_path))
    state = json.loads(ok(cli("room", "show", "--room", "value", "--json", db=db_path)))
    assert state["running"] and state["timer_seconds"] == store.rooms.state("value").timer_seconds
    ok(cli("room", "timer", "--room", "value", "pause", db=db_path))
    assert not store.rooms.state("value").countdown.running
    phase = store.catalog.phases()[-1].id
    ok(cli("room", "phase", "--room", "value", phase, db=db_path))
    assert store.rooms.state("value").phase == phase


async def test_an_open_room_sees_a_command_line_change_live(cli, db_path, store):
    question = store.catalog.question(store.catalog.room("lifecycle").questions[1])
    with Store.open(db_path) as mine:
        app = room_app(mine, room="lifecycle")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, RoomScreen)
            ok(cli("room", "question", "--room", "lifecycle", "--next", db=db_path))
            await wait_until(pilot, lambda: question.text.get_text("en") in screen_text(app))


def test_cluster_and_owner_names_are_shown_not_obeyed(cli, db_path, two):
    store, a, _b = two
    hostile = "Eve\x1b]0;owned\x07\u202e"
    for said in (
        ok(cli("cluster", a.id, hostile, db=db_path)),
        ok(cli("owner", a.id, hostile, db=db_path)),
    ):
        assert not {"\x1b", "\x07", "\u202e"} & set(said)
        assert "Eve\\x1b]0;owned\\x07\\u202e" in said
    assert (store.contributions.get(a.id).cluster, store.contributions.get(a.id).owner) == (
        hostile,
        hostile,
    )


def test_every_command_that_names_a_person_finds_them_as_add_does(cli, db_path, two):
    """A typo in `vote cast --by` created a voter ("Nobody", "jose nandu"), counted among
    the summary's participants. Now a name is found however it is typed, spelled as the
    roster spells it; a name on no one is refused with who may have been meant, and is a
    new person only with --new. An owner may be no participant: a name close to none is
    taken as given, a name close to someone is asked about."""
    store, a, b = two
    store.participants.save("José Ñandú", "off-record", room="value")
    ok(cli("vote", "open", "--room", "value", "--dots", "3", db=db_path))
    refused(
        cli("vote", "cast", a.id, "--by", "Jose Nandoo", db=db_path),
        "no participant called 'Jose Nandoo': did you mean 'José Ñandú'?",
    )
    refused(cli("vote", "cast", a.id, "--by", "Nobody", db=db_path), "--new adds 'Nobody'")
    ok(cli("vote", "cast", a.id, "--by", "JOSÉ ÑANDÚ", db=db_path))
    ok(cli("vote", "cast", b.id, "--by", "Nobody", "--new", db=db_path))
    assert store.votes.round("value").used == {"José Ñandú": 1, "Nobody": 1}
    assert sorted(p.name for p in store.participants.all()) == ["José Ñandú", "Nobody"]
    refused(
        cli("rank", "set", "--room", "value", "--by", "jose nandu", "governance", db=db_path),
        "did you mean 'José Ñandú'?",
    )
    ok(cli("owner", a.id, "josé ñandú", "--due", "2021-12-15", db=db_path))
    assert store.contributions.get(a.id).owner == "José Ñandú"  # the roster's spelling
    refused(cli("owner", b.id, "Jose Nandoo", db=db_path), "did you mean 'José Ñandú'?")
    ok(cli("owner", b.id, "The Movement Strategy team", db=db_path))
    assert store.contributions.get(b.id).owner == "The Movement Strategy team"


def test_purpose_revisions_are_numbered_within_their_room(cli, db_path, two):
    """The first revision in a room said "revision 3" after two in another room."""
    for text in ("one", "two"):
        ok(cli("purpose", "add", "--room", "value", text, db=db_path))
    said = ok(cli("purpose", "add", "--room", "lifecycle", "Hubs exist to help", db=db_path))
    assert said.startswith("revision 1 of lifecycle's purpose statement")


def test_as_before_the_command_is_who_does_it(cli, db_path, two):
    """`hubworkshop --as Ines vote open` was refused: --as worked only after the command."""
    store, _a, _b = two
    ok(cli("--as", "Ines", "vote", "open", "--room", "value", db=db_path))
    opened = next(e for e in store.events.all() if e.action == "vote.open")
    assert opened.actor == "Ines"
