"""Facilitation activities, driven through Pilot: keys in, then the database and the screen."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Static

from hubworkshop.domain.errors import InputError
from hubworkshop.domain.model import Consent
from hubworkshop.domain.records import Draft
from hubworkshop.storage import Store
from hubworkshop.tui.app import HubworkshopApp
from hubworkshop.tui.dialogs.common import ParticipantPicker
from hubworkshop.tui.dialogs.contribution import TakeawaysDialog
from hubworkshop.tui.screens.dashboard import DashboardScreen
from hubworkshop.tui.screens.purpose import PurposeScreen
from hubworkshop.tui.screens.ranking import RankingScreen
from hubworkshop.tui.screens.report_back import ReportBackScreen
from hubworkshop.tui.screens.roster import RosterScreen
from hubworkshop.tui.widgets.contribution_list import ContributionList
from test_tui import room_app, screen_text, settle, type_and_enter, wait_until

SIZE = (140, 40)


@pytest.fixture(autouse=True)
def private_state(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def seed(store: Store, room: str = "lifecycle", texts=("first point", "second point")) -> list[str]:
    return [store.contributions.add(Draft(room, t, question=None)).id for t in texts]


async def to_list(pilot) -> None:
    await settle(pilot)
    await pilot.press("escape")  # from the capture bar to the list (cursor on the newest)


# -- dot-voting ----------------------------------------------------------------------------------


def test_dot_budget_is_enforced_per_round(store):
    [a, b] = seed(store)
    store.votes.open("lifecycle", dots=2)
    store.votes.add(a, participant="Ana")
    store.votes.add(b, participant="Ana")
    with pytest.raises(InputError, match="Ana has used 2 of 2 dots"):
        store.votes.add(a, participant="Ana")
    assert store.votes.round("lifecycle").used == {"Ana": 2}
    assert store.votes.close("lifecycle") == [(a, 1), (b, 1)]
    assert store.votes.round("lifecycle") is None


async def test_dot_voting_from_the_keyboard_and_a_second_terminal_sees_it(store, db_path):
    [a, _b] = seed(store)
    store.participants.save("Ana", "named", room="lifecycle")
    with Store.open(db_path) as other:
        facilitator = room_app(store, role="facilitator", user_name="fac")
        watcher = room_app(other)
        async with facilitator.run_test(size=SIZE) as pilot, watcher.run_test(size=SIZE) as two:
            await settle(two)
            await to_list(pilot)
            await pilot.press("enter", "V")  # open the vote
            await settle(pilot)
            assert store.votes.round("lifecycle") is not None
            # every terminal in the room says a vote is open, and counts the dots
            await wait_until(two, lambda: "VOTE OPEN: 3 dots each" in screen_text(watcher))
            await pilot.press("up", "enter", "v")  # on "first point"
            await settle(pilot)
            assert isinstance(facilitator.screen, ParticipantPicker)
            await pilot.press("enter")  # Ana
            await settle(pilot)
            assert store.contributions.get(a).votes == 1
            await wait_until(two, lambda: "●1" in screen_text(watcher))
            await wait_until(two, lambda: "1 cast" in screen_text(watcher))
            await pilot.press("enter", "V")  # close it
            await settle(pilot)
            assert store.votes.round("lifecycle") is None
            await wait_until(two, lambda: "VOTE OPEN" not in screen_text(watcher))
            closed = [e for e in store.events.all() if e.action == "vote.close"]
            assert closed[-1].data["ranking"] == [[a, 1]]
            said = [str(n.message) for n in facilitator._notifications]
            assert any("Vote closed" in m and "1 · first point" in m for m in said)  # the result


async def test_a_dot_with_no_open_vote_is_refused_with_a_message(store):
    [a, _b] = seed(store)
    store.participants.save("Ana", "named", room="lifecycle")
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await to_list(pilot)
        await pilot.press("up", "enter", "v")
        await settle(pilot)
        assert not isinstance(app.screen, ParticipantPicker)
        assert any("No vote is open" in str(n.message) for n in app._notifications)
        assert store.contributions.get(a).votes == 0


# -- task ranking ------------------------------------------------------------------------------


async def test_task_ranking_moves_roles_and_shows_the_chart(store):
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await to_list(pilot)
        await pilot.press("enter", "R")
        await settle(pilot)
        assert isinstance(app.screen, RankingScreen)
        await pilot.press("down", "down", "shift+up", "shift+up")  # funding to the top
        await pilot.press("ctrl+s")
        await settle(pilot)
        order = store.rankings.all()["lifecycle"][None]
        assert order[:3] == ["funding", "legal-support", "grant-making"]
        chart = str(app.screen.query_one("#chart", Static).render())
        assert "1. Funding" in chart and "█" in chart and " 8" in chart


async def test_task_ranking_per_participant_is_combined_by_borda(store):
    store.participants.save("Ana", "named", room="lifecycle")
    store.participants.save("Kwame", "anonymous", room="lifecycle")
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await to_list(pilot)
        await pilot.press("enter", "R")
        await settle(pilot)
        await pilot.press("down", "down", "shift+up", "shift+up", "ctrl+n")  # funding first
        await settle(pilot)
        await pilot.press("enter")  # Ana (names are listed alphabetically)
        await settle(pilot)
        await pilot.press("down", "down", "shift+up", "shift+up", "ctrl+n")  # grant-making
        await settle(pilot)
        await pilot.press("down", "enter")  # Kwame
        await settle(pilot)
        rankings = store.rankings.all()["lifecycle"]
        assert set(rankings) == {"Ana", "Kwame"}
        assert rankings["Ana"][0] == "funding" and rankings["Kwame"][0] == "grant-making"
        chart = str(app.screen.query_one("#chart", Static).render())
        # Ana: funding, legal, grant...; Kwame: grant, funding, legal... Within the room:
        # funding 8 + 7 = 15, grant-making 6 + 8 = 14, legal-support 7 + 6 = 13, so the room's
        # order (one ballot across rooms, 8 points for the first) is funding, grant, legal.
        lines = [line.split("█")[0].strip() for line in chart.splitlines()[:3]]
        assert lines == ["1. Funding", "2. Grant-making", "3. Legal support"]


# -- purpose statement -------------------------------------------------------------------------


async def test_purpose_statement_revisions_are_kept(store):
    app = room_app(store, user_name="Asaf")
    async with app.run_test(size=SIZE) as pilot:
        await to_list(pilot)
        await pilot.press("enter", "P")
        await settle(pilot)
        assert isinstance(app.screen, PurposeScreen)
        await pilot.press(*"Hubs share power.", "ctrl+s")
        await settle(pilot)
        await pilot.press("end", *" And support.", "ctrl+f")
        await settle(pilot)
        revisions = store.purposes.all("lifecycle")
        assert [(r.text, r.final, r.author) for r in revisions] == [
            ("Hubs share power.", False, "Asaf"),
            ("Hubs share power. And support.", True, "Asaf"),
        ]
        assert "★ final" in screen_text(app)


# -- clustering ---------------------------------------------------------------------------------


async def test_merge_and_split_lose_no_text(store):
    store.participants.save("Ana", "named")
    [a, b] = [
        store.contributions.add(Draft("lifecycle", "hubs need a clear exit", author="Ana")).id,
        store.contributions.add(Draft("lifecycle", "a way to close hubs", author="Kwame")).id,
    ]
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await to_list(pilot)  # cursor on b
        await pilot.press("enter", "m", "up", "enter")  # merge b into a
        await settle(pilot)
        assert store.contributions.get(b).merged_into == a
        lst = app.screen.query_one(ContributionList)
        assert lst.count == 1 and "⊕1" in screen_text(app)
        texts = {c.text for c in [store.contributions.get(a), *store.points.merged_into(a)]}
        assert texts == {"hubs need a clear exit", "a way to close hubs"}
        await pilot.press("enter", "M")  # split again
        await settle(pilot)
        assert store.contributions.get(b).merged_into is None
        assert lst.count == 2
        assert {c.author for c in store.contributions.find()} == {"Ana", "Kwame"}
        await pilot.press("enter", "c", *"exit", "enter")
        await settle(pilot)
        assert store.contributions.get(lst.highlighted.id).cluster == "exit"


async def test_undoing_a_merge_elsewhere_leaves_no_stale_count_on_screen(store, db_path):
    """Another terminal merges and undoes: this screen's ⊕1 comes and goes with it."""
    from hubworkshop.workshop.history import History, Merge

    store.participants.save("Ana", "named")
    [a, b] = seed(store)
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with Store.open(db_path) as other:
            history = History()
            history.run(
                other, Merge.of(other, other.contributions.get(b), other.contributions.get(a)), "X"
            )
            await wait_until(pilot, lambda: "⊕1" in screen_text(app))
            history.undo(other, "X")
            await wait_until(pilot, lambda: "⊕1" not in screen_text(app))
            lst = app.screen.query_one(ContributionList)
            assert lst.count == 2


# -- parking lot and actions -----------------------------------------------------------------------


async def test_park_and_action_owner(store):
    [_a, b] = seed(store)
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await to_list(pilot)
        await pilot.press("enter", "p")
        await settle(pilot)
        assert store.contributions.get(b).parked
        await pilot.press("enter", "o", *"Amina; 2021-12-15", "enter")
        await settle(pilot)
        action = store.contributions.get(b)
        assert (action.kind.value, action.owner, action.due) == ("action", "Amina", "2021-12-15")
        await pilot.press("enter", "o", "ctrl+u", *"Amina; next week", "enter")
        await settle(pilot)
        assert "not a date" in screen_text(app) or store.contributions.get(b).due == "2021-12-15"


# -- wrap-up and report-back ------------------------------------------------------------------------


async def test_wrap_up_takeaways_and_report_back(store):
    ids = seed(store, texts=("exit rules", "pilot first", "not starred"))
    store.contributions.update(ids[0], starred=True)
    store.contributions.update(ids[1], starred=True)
    store.purposes.add("lifecycle", "Hubs exist to share power.", final=True)
    app = room_app(store, role="facilitator")
    async with app.run_test(size=SIZE) as pilot:
        await to_list(pilot)
        await pilot.press("enter", "W")
        await settle(pilot)
        assert isinstance(app.screen, TakeawaysDialog)
        await pilot.press("down", "space", "shift+up", "down", "space", "ctrl+s")
        await settle(pilot)
        assert [c.text for c in store.points.takeaways("lifecycle")] == [
            "pilot first",
            "exit rules",
        ]
        await pilot.press("enter", "B")
        await settle(pilot)
        assert isinstance(app.screen, ReportBackScreen)
        text = screen_text(app)
        assert "Room 2: Lifecycle and support" in text
        assert "Hubs exist to share power." in text and "1. pilot first" in text
        await pilot.press("right")
        await settle(pilot)
        assert "Room 3: Exclusivity" in screen_text(app)


# -- dashboard ------------------------------------------------------------------------------------


async def test_dashboard_shows_every_room_and_jumps_in(store, db_path):
    seed(store, room="overlap", texts=("? who pays", "! risk"))
    store.contributions.add(Draft("overlap", "a concern", kind="concern"))
    store.rooms.start_timer("overlap")
    app = HubworkshopApp(store, role="facilitator")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 5
        row = table.get_row("overlap")
        assert str(row[0]).startswith("Room 3: Exclusivity")
        assert row[4:7] == ["2", "0", "1"]  # ideas, questions, concerns
        assert row[3].endswith("▶")
        with Store.open(db_path) as other:  # another terminal adds a question
            other.contributions.add(Draft("overlap", "another", kind="question"))
        await wait_until(pilot, lambda: table.get_row("overlap")[5] == "1")
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert app.screen.room_id == "overlap"


# -- participants --------------------------------------------------------------------------------


async def test_roster_adds_people_and_logs_consent(store):
    app = room_app(store, user_name="fac")
    async with app.run_test(size=SIZE) as pilot:
        await to_list(pilot)
        await pilot.press("enter", "N")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        await pilot.press("a", *"Amina Diallo", "enter")
        await settle(pilot)
        [amina] = store.participants.all()
        assert (amina.name, amina.consent, amina.room) == (
            "Amina Diallo",
            Consent.ANONYMOUS,
            "lifecycle",
        )
        await pilot.press("c")  # the consent picker, on her consent now: anonymous
        await settle(pilot)
        await pilot.press("up", "enter")  # named
        await settle(pilot)
        await pilot.press("l", *"fr", "enter")
        await settle(pilot)
        [amina] = store.participants.all()
        assert (amina.consent, amina.language) == (Consent.NAMED, "fr")
        changes = [e for e in store.events.all() if e.action == "participant.update"]
        assert changes[0].data == {
            "before": {"consent": "anonymous"},
            "after": {"consent": "named"},
        }
        assert changes[0].actor == "fac"


async def test_a_consent_goes_to_the_person_chosen_when_someone_is_added_above(store):
    """Another terminal adds a person whose name sorts first: the cursor stays on the
    person chosen, so the consent recorded next is theirs, not their neighbour's."""
    for name in ("Bea", "Cleo"):
        store.participants.save(name, room="lifecycle")
    app = room_app(store, user_name="fac")
    async with app.run_test(size=SIZE) as pilot:
        await to_list(pilot)
        await pilot.press("enter", "N")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        await pilot.press("down")  # Cleo
        await settle(pilot)
        store.participants.save("Aaron", room="lifecycle")  # from another terminal
        app.screen.sync()
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("up", "enter")  # named
        await settle(pilot)
        consent = {p.name: p.consent for p in store.participants.all()}
        assert consent["Cleo"] is Consent.NAMED
        assert consent["Bea"] is Consent.ANONYMOUS and consent["Aaron"] is Consent.ANONYMOUS


HOSTILE_NAMES = ["[/]Mallory", "[@click=app.quit]Eve[/]", "[link=http://e.x]Trudy"]


@pytest.mark.slow
async def test_user_text_is_never_markup_in_notifications_dialogs_and_pickers(store):
    """Names and words that look like Textual markup pass through every surface that shows
    them — the new-person notice, the vote picker, the roster, the edit form, cluster and
    owner dialogs, presenter and report-back — literally, without a crash."""
    from hubworkshop.tui.screens.roster import RosterScreen

    app = room_app(store, role="facilitator", user_name="[b]fac")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        for name in HOSTILE_NAMES:
            await type_and_enter(pilot, f"[i]said[/i] by @{name}")
        assert app.is_running
        notices = " ".join(str(n.message) for n in app._notifications)
        for name in HOSTILE_NAMES:
            assert f"«{name}»" in notices  # the new-person notice, literally
        assert {p.name for p in store.participants.all()} >= set(HOSTILE_NAMES)
        await to_list(pilot)
        await pilot.press("enter", "V")  # open a vote
        await settle(pilot)
        await pilot.press("enter", "v")
        await settle(pilot)
        assert isinstance(app.screen, ParticipantPicker)
        shown = " ".join(
            str(app.screen.query_one("OptionList").get_option_at_index(i).prompt)
            for i in range(app.screen.query_one("OptionList").option_count)
        )
        for name in HOSTILE_NAMES:
            assert name in shown
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("enter", "e")
        await settle(pilot)
        assert "[i]said[/i]" in screen_text(app) or app.screen.query_one("#edit-text").value
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("enter", "c")
        await settle(pilot)
        await pilot.press(*"[red]cluster[/]", "enter")
        await settle(pilot)
        await pilot.press("enter", "o")
        await settle(pilot)
        await pilot.press(*"[/]Mallory; 2021-12-15", "enter")
        await settle(pilot)
        assert app.is_running
        app.screen.action_roster()
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        roster = screen_text(app) + " ".join(
            str(app.screen.query_one("DataTable").get_cell_at((r, 0)))
            for r in range(app.screen.query_one("DataTable").row_count)
        )
        for name in HOSTILE_NAMES:
            assert name in roster
        await pilot.press("escape", "f3")
        await settle(pilot)
        assert "[i]said[/i]" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await to_list(pilot)
        await pilot.press("enter", "B")
        await settle(pilot)
        assert app.is_running
    last = store.contributions.find()[-1]
    assert (last.cluster, last.owner) == ("[red]cluster[/]", "[/]Mallory")


async def test_the_vote_picker_lists_this_rooms_people_first(store):
    seed(store)
    store.participants.save("Aaron", "named", room="value")
    store.participants.save("zoé", "named", room="lifecycle")
    store.participants.save("Émile", "named", room="lifecycle")
    store.votes.open("lifecycle")
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await to_list(pilot)
        await pilot.press("up", "enter", "v")
        await settle(pilot)
        options = app.screen.query_one("OptionList")
        names = [str(options.get_option_at_index(i).id) for i in range(options.option_count)]
        assert names[:3] == ["Émile", "zoé", "Aaron"]


async def test_the_owner_dialog_keeps_the_input_and_says_what_is_wrong(store):
    [a, _b] = seed(store)
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await to_list(pilot)
        await pilot.press("up", "enter", "o")
        await settle(pilot)
        await pilot.press(*"Amina; next week", "enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "TextDialog"  # still open, input kept
        assert app.screen.query_one("Input").value == "Amina; next week"
        assert "not a date" in str(app.screen.query_one("#problem").render())
        await pilot.press(*["backspace"] * len("next week"), *"2021-12-15", "enter")
        await settle(pilot)
        assert (store.contributions.get(a).owner, store.contributions.get(a).due) == (
            "Amina",
            "2021-12-15",
        )
        assert "→Amina 12-15" in screen_text(app)  # the owner and due date, in the room
        assert "action: Amina, due 2021-12-15" in screen_text(app)


async def test_roster_rename_and_merge_reach_every_terminal(store, db_path):
    """One person entered twice is merged in the roster of one terminal: the other terminal's
    list and @name completion follow within a second; asked which consent the person gave,
    the stricter is offered first."""
    from hubworkshop.tui.screens.roster import RosterScreen

    store.participants.save("Ami", "named", room="lifecycle")
    store.participants.save("Amina Diallo", "anonymous", room="lifecycle")
    store.contributions.add(Draft("lifecycle", "said by the short name", author="Ami"))
    with Store.open(db_path) as other:
        fac = room_app(store, role="facilitator", user_name="fac")
        watcher = room_app(other)
        async with fac.run_test(size=SIZE) as pilot, watcher.run_test(size=SIZE) as two:
            await settle(two)
            assert "Ami " in screen_text(watcher)
            await to_list(pilot)
            await pilot.press("enter", "N")  # the roster
            await settle(pilot)
            assert isinstance(fac.screen, RosterScreen)
            table = fac.screen.query_one("DataTable")
            table.move_cursor(row=[p.name for p in fac.screen.people].index("Ami"))
            await pilot.press("m")
            await settle(pilot)
            assert isinstance(fac.screen, ParticipantPicker)
            await pilot.press("home", "enter")  # Amina Diallo, the only other person
            await settle(pilot)
            await pilot.press("enter")  # which consent: the stricter, preselected
            await settle(pilot)
            [person] = store.participants.all()
            assert (person.name, person.consent.value) == ("Amina Diallo", "anonymous")
            await wait_until(two, lambda: "Amina Diallo" in screen_text(watcher))
            assert watcher.screen.query_one("CaptureBar").names.names == ["Amina Diallo"]
            table.move_cursor(row=0)
            await pilot.press("r")
            await settle(pilot)
            await pilot.press(*["backspace"] * 20, *"Amina D.", "enter")
            await settle(pilot)
            await wait_until(two, lambda: "Amina D." in screen_text(watcher))
            assert store.contributions.find()[0].author == "Amina D."


async def test_consent_is_chosen_never_stepped_through_and_a_merge_asks(store):
    """Making someone off the record went through named (a cycle), logged and synced to
    every terminal; merging "Amina Dialo" (anonymous) into "Amina Diallo" (named) made
    her anonymous without a word. Consent is now picked from the three, and a merge of two
    entries that disagree asks which the person gave, the stricter preselected."""
    store.participants.save("Amina Diallo", "named", room="lifecycle")
    store.participants.save("Amina Dialo", "anonymous", room="lifecycle")
    store.participants.save("Kwame", "anonymous", room="lifecycle")
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await to_list(pilot)
        await pilot.press("enter", "N")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        table = app.screen.query_one("DataTable")
        names = [p.name for p in app.screen.people]
        table.move_cursor(row=names.index("Kwame"))
        before = len(store.events.all())
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("down", "enter")  # anonymous -> off the record, in one choice
        await settle(pilot)
        assert {p.name: p.consent for p in store.participants.all()}["Kwame"] == Consent.OFF_RECORD
        updates = [e for e in store.events.all()[before:] if e.action == "participant.update"]
        assert len(updates) == 1  # never named on the way

        names = [p.name for p in app.screen.people]
        table.move_cursor(row=names.index("Amina Dialo"))
        await pilot.press("m")
        await settle(pilot)
        picker = app.screen.query_one("OptionList")
        target = [picker.get_option_at_index(i).id for i in range(picker.option_count)]
        picker.highlighted = target.index("Amina Diallo")
        await pilot.press("enter")
        await settle(pilot)
        choices = app.screen.query_one("#choices")
        assert choices.get_option_at_index(choices.highlighted).id == "anonymous"  # stricter
        await pilot.press("down", "enter")  # she said: named
        await settle(pilot)
    people = {p.name: p.consent for p in store.participants.all()}
    assert "Amina Dialo" not in people and people["Amina Diallo"] == Consent.NAMED


def test_merging_two_entries_of_one_person_from_the_command_line_asks_for_consent(
    cli, store, db_path
):
    store.participants.save("Amina Diallo", "named")
    store.participants.save("Amina Dialo", "anonymous")
    result = cli("participant", "Amina Dialo", "--merge-into", "Amina Diallo", db=db_path)
    assert result.returncode == 2 and "say which consent the person gave with --consent" in (
        result.stderr
    )
    assert len(store.participants.all()) == 2  # nothing merged
    result = cli(
        "participant", "Amina Dialo", "--merge-into", "Amina Diallo", "--consent", "named",
        db=db_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert [(p.name, p.consent) for p in store.participants.all()] == [
        ("Amina Diallo", Consent.NAMED)
    ]
