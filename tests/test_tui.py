"""The live room, driven through Textual's Pilot: keys in, then the database and the screen."""

from __future__ import annotations

import datetime as dt
import gc
import sqlite3
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.renderables.digits import Digits as DigitsRenderable
from textual.widgets import Input, OptionList, Static
from textual.widgets.input import Selection

from hubworkshop.domain.model import Consent, Kind
from hubworkshop.domain.records import Draft
from hubworkshop.domain.timer import parse_time
from hubworkshop.reports.formats import render
from hubworkshop.storage import Store
from hubworkshop.tui.app import HubworkshopApp, last_room, remember_room
from hubworkshop.tui.dialogs.common import ConfirmDialog
from hubworkshop.tui.dialogs.contribution import EditDialog, PasteDialog
from hubworkshop.tui.dialogs.help import HelpScreen
from hubworkshop.tui.screens.export import ExportScreen
from hubworkshop.tui.screens.presenter import PresenterScreen
from hubworkshop.tui.screens.room import RoomScreen
from hubworkshop.tui.screens.start import StartScreen
from hubworkshop.tui.widgets.capture_bar import CaptureBar
from hubworkshop.tui.widgets.contribution_list import ContributionList
from hubworkshop.tui.widgets.room_panels import BigDigits, CountdownDisplay, StatusBar

SIZE = (120, 36)


@pytest.fixture(autouse=True)
def private_state(tmp_path, monkeypatch):
    """Each test remembers its last room in its own state folder."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def screen_text(app) -> str:
    """Everything the current screen shows in Static widgets, plus the list's visible rows."""
    parts = [str(w.render()) for w in app.screen.query(Static)]
    for lst in app.screen.query(ContributionList):
        parts.extend(lst.render_line(y).text for y in range(lst.size.height))
    return "\n".join(parts)


def footer_keys(app) -> list[str]:
    """The descriptions of the keys the footer shows."""
    return [key.description for key in app.screen.query("FooterKey")]


async def settle(pilot) -> None:
    """Let the app finish what it started: its messages, and its workers, and the work they
    start in turn (the room reads its list after its first frame, then the list its page):
    on a loaded machine one round may end before the next has begun."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_and_enter(pilot, text: str) -> None:
    """Fill the capture bar (as a fast typist would) and press Enter."""
    bar = pilot.app.screen.query_one(CaptureBar)
    bar.focus()
    bar.value = text
    await pilot.press("enter")
    await settle(pilot)


async def wait_until(pilot, condition, timeout: float = 30.0) -> float:
    """Let the app run until `condition()` holds; returns how long it took. The deadline only
    stops a test that would hang: how fast it happens is the benchmarks' business (sync lag),
    and a busy machine must not fail a test."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.02)
    return time.monotonic() - start


def room_app(store: Store, **kwargs) -> HubworkshopApp:
    return HubworkshopApp(store, room=kwargs.pop("room", "lifecycle"), **kwargs)


# -- start screen ------------------------------------------------------------------------------


async def test_start_screen_shows_workshop_agenda_rooms_and_database(store):
    app = HubworkshopApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        text = screen_text(app)
        assert "Hubs workshop: co-creation on the concept of Hubs" in text
        assert "No decision making at this event." in text
        assert str(store.path) in text
        assert app.screen.query_one("#rooms", OptionList).option_count == 5


async def test_small_terminal_scrolls_the_start_screen_to_the_focused_field(store):
    app = HubworkshopApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("tab", "tab")  # past the room list and the role, to the name
        await settle(pilot)
        name = app.screen.query_one("#name")
        assert app.focused is name
        assert app.screen.region.contains_region(name.region), name.region


async def test_choose_room_and_role_from_the_keyboard(store):
    app = HubworkshopApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down")  # room 2
        await pilot.press("tab")  # the role radio set
        await pilot.press("right", "enter")  # facilitator
        await pilot.press("tab", *"Asaf")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RoomScreen)
        assert app.screen.room_id == "lifecycle"
        assert (app.role, app.user_name) == ("facilitator", "Asaf")
        assert isinstance(app.focused, CaptureBar)


async def test_room_option_opens_straight_into_the_room_with_the_cursor_in_the_bar(store):
    app = room_app(store, room="relationships")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RoomScreen)
        assert isinstance(app.focused, CaptureBar)
        assert "Does an individual community get to choose" in screen_text(app)


async def test_the_app_turns_the_cycle_collector_back_on_after_its_first_frame(store):
    """Started from the command line, the app runs with Python's cycle collector paused
    (`cli/__init__.py`); it runs for hours, so after its first frame the collector is on."""
    gc.disable()
    try:
        app = room_app(store)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0  # start-up's objects left out of its walks
    finally:
        gc.unfreeze()
        gc.enable()


async def test_restart_returns_to_the_last_room(store, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("HUBWORKSHOP_TERMINAL", "pts/7")
    remember_room(store.path, "overlap", "facilitator", "Ana")
    app = HubworkshopApp(store, resume=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RoomScreen) and app.screen.room_id == "overlap"
        assert (app.role, app.user_name) == ("facilitator", "Ana")
        await pilot.press("escape", "enter", "R")  # an activity screen open above the room
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
    assert last_room(store.path) is None


async def test_two_people_sharing_an_account_never_come_back_as_each_other(
    store, monkeypatch, tmp_path
):
    """Asaf (facilitator) in one terminal, Bea (note-taker) in another, one machine account."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    remember_room(store.path, "overlap", "facilitator", "Asaf", terminal="pts/1")
    remember_room(store.path, "value", "note-taker", "Bea", terminal="pts/2")
    for terminal, name, expected in [
        ("pts/1", None, ("overlap", "facilitator", "Asaf")),  # the same terminal, no name
        ("pts/2", None, ("value", "note-taker", "Bea")),
        ("pts/9", "asaf", ("overlap", "facilitator", "asaf")),  # a new terminal, his name
        ("pts/9", "Bea", ("value", "note-taker", "Bea")),
    ]:
        monkeypatch.setenv("HUBWORKSHOP_TERMINAL", terminal)
        app = HubworkshopApp(store, user_name=name, resume=True)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, RoomScreen)
            assert (app.screen.room_id, app.role, app.user_name) == expected
    monkeypatch.setenv("HUBWORKSHOP_TERMINAL", "pts/10")  # an unknown terminal, no name
    app = HubworkshopApp(store, resume=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StartScreen) and app.user_name is None


# -- capture -----------------------------------------------------------------------------------


async def test_type_and_enter_commits_then_shows_then_clears(store):
    app = room_app(store, user_name="nt1")
    async with app.run_test(size=SIZE) as pilot:
        await type_and_enter(pilot, "Hubs bring decisions closer")
        [row] = store.contributions.find(room="lifecycle")
        assert (row.text, row.kind, row.note_taker) == (
            "Hubs bring decisions closer",
            Kind.IDEA,
            "nt1",
        )
        assert row.question == "lifecycle.overview"
        assert app.screen.query_one(CaptureBar).value == ""
        assert "Hubs bring decisions closer" in screen_text(app)
        assert "saved " in screen_text(app)


def burst(app, keys: str) -> None:
    """Keys as a terminal delivers a fast typist's burst: all queued at once, none awaited
    (`\r` is Enter)."""
    for ch in keys:
        if ch == "\r":
            app.post_message(events.Key("enter", "\r"))
        else:
            app.post_message(events.Key(ch if ch.isalnum() else "x", ch))


@pytest.mark.parametrize("first", ["k3 plain", "k2 @yann", "k6 #tag", "x @José"])
async def test_a_burst_of_entries_is_saved_as_typed_never_glued_or_twice(store, first):
    """Keys typed after Enter must not reach the entry before it: Enter is handled in the
    bar's own queue, in order with the characters, not as a binding that fires only once the
    key has bubbled up to the app."""
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one(CaptureBar).focus()
        await pilot.pause()
        burst(app, f"{first}\rnext\rlast\r")
        await wait_until(pilot, lambda: store.contributions.count() >= 3)
        await settle(pilot)
        texts = [c.text for c in store.contributions.find(room="lifecycle")]
        assert texts == [first.split(" @")[0].split(" #")[0], "next", "last"]
        assert app.screen.query_one(CaptureBar).value == ""


async def test_detail_pane_fits_the_highlighted_text_at_any_width(store):
    words = " ".join(f"word{i}" for i in range(40))  # about 300 characters
    store.contributions.add(Draft(room="lifecycle", text=words))
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        detail = app.screen.query_one("#detail", Static)
        wide = detail.size.height
        assert "word39" in screen_text(app)  # 120 columns: the whole text is shown
        await pilot.resize_terminal(60, 36)
        await settle(pilot)
        assert detail.size.height > wide  # measured again for the narrower screen
        assert detail.size.height <= 6
        await pilot.resize_terminal(*SIZE)
        await settle(pilot)
        assert detail.size.height == wide


async def test_quick_syntax(store):
    store.participants.save("Amina Diallo", "named")
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await type_and_enter(pilot, "? Who trains the trainers @Amina Diallo #support #quality")
        await type_and_enter(pilot, "! hubs may gatekeep @Kwame")
        await type_and_enter(pilot, "+ a charter clause")
        await type_and_enter(pilot, "= agreed")
        await type_and_enter(pilot, "~ not so")
        await type_and_enter(pilot, "> draft a note #next")
        rows = store.contributions.find(room="lifecycle")
        assert [(r.kind, r.text) for r in rows] == [
            (Kind.QUESTION, "Who trains the trainers"),
            (Kind.CONCERN, "hubs may gatekeep"),
            (Kind.PROPOSAL, "a charter clause"),
            (Kind.AGREEMENT, "agreed"),
            (Kind.DISAGREEMENT, "not so"),
            (Kind.ACTION, "draft a note"),
        ]
        assert rows[0].author == "Amina Diallo" and rows[0].tags == ("quality", "support")
        kwame = next(p for p in store.participants.all() if p.name == "Kwame")
        assert kwame.consent is Consent.ANONYMOUS
        assert "Who trains the trainers" in screen_text(app)


async def test_quick_syntax_language_marker(store):
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await type_and_enter(pilot, "%es Necesitamos un proceso claro")
        await type_and_enter(pilot, "50% of hubs %xx stay")  # no language: text as typed
        rows = store.contributions.find(room="lifecycle")
        assert [(r.text, r.language) for r in rows] == [
            ("Necesitamos un proceso claro", "es"),
            ("50% of hubs %xx stay", "en"),
        ]


@pytest.mark.parametrize(
    ("name", "typed"),
    [
        ("Amina Diallo", "= yes @Ami"),
        # A note-taker on a keyboard without accents: the bar offers the person on the
        # roster (it offered nothing, and a new anonymous "jose n" joined the roster).
        ("José Ñandú", "hubs need budgets @jose n"),
    ],
)
async def test_name_completion(store, name, typed):
    store.participants.save(name, "named")
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*typed)
        await settle(pilot)
        await pilot.press("right", "enter")
        await settle(pilot)
        [row] = store.contributions.find()
        assert row.author == name
        assert [p.name for p in store.participants.all()] == [name]


@pytest.mark.parametrize("shown", [True, False])
@pytest.mark.parametrize("accept", ["right", "end"])
async def test_a_completion_accepted_and_saved_in_one_breath_is_saved_accepted(
    store, accept, shown
):
    """→ (or End) and Enter pressed together, as a fast note-taker does once the grey name
    shows: the entry is saved with the name completed, not as typed (`@jose n` left `n` in
    the text, because Enter was handled before the binding that accepts). And typed so fast
    that the grey name had not been worked out yet (one burst, as tmux or a busy browser
    session delivers it): → takes the completion of what is in the bar then."""
    store.participants.save("Jose Nandu", "named")
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if shown:
            await pilot.press(*"budgets @jose n")
            bar = app.screen.query_one(CaptureBar)
            await wait_until(pilot, lambda: bar._suggestion == "budgets @Jose Nandu")
            await _burst(app, [accept, "enter"])
        else:
            await _burst(app, [*_keys("budgets @jose n"), accept, "enter"])
        await wait_until(pilot, lambda: store.contributions.count() == 1)
        [row] = store.contributions.find()
        assert (row.text, row.author) == ("budgets", "Jose Nandu")


async def test_end_accepts_name_and_tag_completions_as_documented(store):
    store.participants.save("Élodie Martin", "named")
    store.contributions.add(Draft("value", "elsewhere", tags=("funding",)))
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(CaptureBar)
        await pilot.press(*"! gatekeeping @élo")  # typed in lower case, accent and all
        await settle(pilot)
        await pilot.press("end", *" #fun")
        await settle(pilot)
        await pilot.press("end")
        assert bar.value == "! gatekeeping @Élodie Martin #funding"
        await pilot.press("enter")
        await settle(pilot)
        [row] = store.contributions.find(room="lifecycle")
        assert (row.author, row.tags) == ("Élodie Martin", ("funding",))


async def test_tag_dialog_lists_this_rooms_tags_and_completes_them(store):
    store.contributions.add(Draft("value", "elsewhere", tags=("funding",)))
    here = store.contributions.add(Draft("lifecycle", "here", tags=("legal",)))
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape", "enter", "t")
        await settle(pilot)
        hint = screen_text(app)
        assert "In this room: #legal" in hint and "Other rooms: #funding" in hint
        await pilot.press(*" #fu", "end", "enter")
        await settle(pilot)
        assert store.contributions.get(here.id).tags == ("funding", "legal")


async def test_cluster_names_complete(store):
    a = store.contributions.add(Draft("lifecycle", "one"))
    b = store.contributions.add(Draft("lifecycle", "two"))
    store.points.set_cluster(a.id, "Gatekeeping risk")
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape", "enter", "c")  # on "two", the newest
        await settle(pilot)
        await pilot.press(*"gate", "end", "enter")
        await settle(pilot)
        assert store.contributions.get(b.id).cluster == "Gatekeeping risk"


async def test_markup_and_escapes_are_shown_literally(store):
    hostile = "[bold]x[/bold] [@click=app.quit]y[/] [link=http://e.x]z[/link]"
    store.contributions.add(Draft(room="lifecycle", text=hostile + " \x1b[31mred \u202eevil"))
    store.participants.save("[red]Mallory[/red]", "named")
    store.contributions.add(Draft(room="lifecycle", text="hi", author="[red]Mallory[/red]"))
    app = room_app(store)
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert hostile in text
        assert "\\x1b[31mred \\u202eevil" in text
        assert "[red]Mallory[/red]" in text
        await type_and_enter(pilot, "[b]typed[/b] @[i]Eve[/i]")
        assert app.is_running
        assert "[b]typed[/b]" in screen_text(app)
        assert store.contributions.find()[-1].text == "[b]typed[/b]"


async def open_for_correction(pilot, text: str) -> None:
    """Type `text` and Enter in the bar, then Up: the entry's edit dialog is open."""
    await type_and_enter(pilot, text)
    await pilot.press("up")
    await settle(pilot)
    assert isinstance(pilot.app.screen, EditDialog)


async def test_the_edit_form_fits_an_80_by_24_terminal_whole(store):
    """Every field and the hint that says how to save stay on screen (the hint was cut off
    below the tags field at 80 x 24)."""
    app = room_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_for_correction(pilot, "! hubs gatekeep @Amina #power")
        dialog = pilot.app.screen
        hint = dialog.query_one(".hint")
        inside = hint.parent.content_region  # within the form's border, not cut by it
        for widget in (*dialog.query("Input"), hint):
            assert widget.region.height > 0 and widget.region.bottom <= inside.bottom, widget
        assert "Ctrl+S" in str(hint.render())


async def test_up_opens_the_last_entry_for_correction(store):
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_for_correction(pilot, "! hubs gatekeep #power")
        await pilot.press("end", *" funding", "enter")
        await settle(pilot)
        [row] = store.contributions.find()
        assert (row.text, row.kind, row.tags) == ("hubs gatekeep funding", Kind.CONCERN, ("power",))
        assert app.screen.query_one(CaptureBar).value == ""


async def test_a_burst_of_corrections_in_the_edit_dialog_acts_in_order(store):
    """The dialog's fields act on their keys in the order typed, as the capture bar does: a
    Backspace in a burst deletes the character before it, not one typed after it."""
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_for_correction(pilot, "hubs gatekeep")
        await _burst(
            app, ["end", *_keys("ers"), "backspace", "backspace", "home", *_keys("Do "), "enter"]
        )
        await wait_until(pilot, lambda: store.contributions.find()[0].text != "hubs gatekeep")
        [row] = store.contributions.find()
        assert row.text == "Do hubs gatekeepe"


async def test_failed_save_keeps_the_text_and_says_so(store, db_path):
    with sqlite3.connect(db_path) as other:  # the disk, or a colleague's tool, says no
        other.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON contributions "
            "BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
        )
    other.close()
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await type_and_enter(pilot, "do not lose me")
        assert app.screen.query_one(CaptureBar).value == ""  # ready for the next entry
        shown = screen_text(app)
        assert "NOT SAVED" in shown and "disk says no" in shown and "do not lose me" in shown
        assert store.contributions.find() == []
        with sqlite3.connect(db_path) as other:  # the disk has room again
            other.execute("DROP TRIGGER refuse")
        other.close()
        await pilot.press("enter")  # Enter in the empty bar tries again
        await settle(pilot)
        assert [c.text for c in store.contributions.find()] == ["do not lose me"]
        assert "NOT SAVED" not in screen_text(app)


async def paste(pilot, text: str) -> CaptureBar:
    """Paste `text` into the capture bar (a terminal's bracketed paste), and let it land."""
    bar = pilot.app.screen.query_one(CaptureBar)
    bar.post_message(events.Paste(text))
    await settle(pilot)
    return bar


async def test_multi_line_paste_offers_one_contribution_per_line(store):
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste(pilot, "first idea\n\n? a question\n! a concern #risk\n")
        assert isinstance(app.screen, PasteDialog)
        await pilot.press("enter")
        await settle(pilot)
        rows = store.contributions.find()
        assert [(r.kind, r.text, r.tags) for r in rows] == [
            (Kind.IDEA, "first idea", ()),
            (Kind.QUESTION, "a question", ()),
            (Kind.CONCERN, "a concern", ("risk",)),
        ]


async def test_one_pasted_line_is_inserted_once(store):
    """A line pasted into the bar (a terminal's bracketed paste) read `second pastesecond
    paste`: Textual ran Input's own paste handler after the bar's. Over a selection, the
    paste replaces it."""
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = await paste(pilot, "second paste")
        assert bar.value == "second paste"
        await paste(pilot, "\n  \nthird\n")  # one line among blank ones
        assert bar.value == "second pastethird"
        bar.select_all()
        await paste(pilot, "all of it")
        assert bar.value == "all of it"


async def test_a_paste_with_lines_of_markers_only_saves_the_others_and_holds_nothing(store):
    """One line per contribution, with `! #funding` among them: the whole paste failed ("a
    contribution needs some text"), and every entry typed after it waited for good."""
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste(pilot, "first idea\n! #funding\nsecond idea\n! @Zo\n")
        assert isinstance(app.screen, PasteDialog)
        await pilot.press("enter")
        await settle(pilot)
        await type_and_enter(pilot, "typed after the paste")
        await wait_until(
            pilot,
            lambda: (
                [c.text for c in store.contributions.find()]
                == ["first idea", "second idea", "typed after the paste"]
            ),
        )
        said = [str(n.message) for n in app._notifications]
        assert any("Nothing to save" in m and "! #funding" in m and "! @Zo" in m for m in said)
        assert app.screen.queue.items == []


async def test_a_paste_on_the_list_goes_to_the_bar(store):
    """Esc, then a paste: typing on the list goes to the bar, a paste was lost silently."""
    from hubworkshop.tui.widgets.contribution_list import ContributionList

    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        listed = app.screen.query_one(ContributionList)
        assert app.focused is listed
        listed.post_message(events.Paste("pasted on the list"))
        await settle(pilot)
        bar = app.screen.query_one(CaptureBar)
        assert app.focused is bar and bar.value == "pasted on the list"


async def test_a_paste_dialog_counts_what_it_stores_and_joins_over_a_selection(store):
    """The dialog promised "store 4 contributions" for 2 lines with text and 2 of markers
    only; markers only, it stored none and the lines were gone; "join" over a selection
    left the selected text in place (`abc one twodef`)."""
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = await paste(pilot, "first line\r\n\r\n! #funding\r\nsecond line\r\n")
        assert isinstance(app.screen, PasteDialog)
        assert "store 2 contributions" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await paste(pilot, "! #funding\n+ @Zo\n")  # markers only: kept in the bar
        assert not isinstance(app.screen, PasteDialog)
        assert bar.value == "! #funding + @Zo"
        bar.value = "abc def"
        bar.selection = Selection(4, 7)
        await paste(pilot, "one\ntwo")
        await pilot.press("j")
        await settle(pilot)
        assert bar.value == "abc one two"
        assert store.contributions.count() == 0


# -- the list ----------------------------------------------------------------------------------


async def _room_with(store, texts, **kwargs):
    for text in texts:
        store.contributions.add(Draft(room="lifecycle", text=text))
    return room_app(store, **kwargs)


async def test_edit_delete_and_undo(store):
    app = await _room_with(store, ["first", "second"], user_name="nt")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape")  # to the list; the cursor is on the newest row
        assert isinstance(app.focused, ContributionList)
        await pilot.press("enter", "e")
        await settle(pilot)
        assert isinstance(app.screen, EditDialog)
        app.screen.query_one("#edit-text", Input).value = "second, corrected"
        app.screen.query_one("#edit-kind").value = "question"
        app.screen.query_one("#edit-tags", Input).value = "#fixed"
        await pilot.press("enter")
        await settle(pilot)
        second = store.contributions.find()[1]
        assert (second.text, second.kind, second.tags) == (
            "second, corrected",
            Kind.QUESTION,
            ("fixed",),
        )
        assert "second, corrected" in screen_text(app)

        await pilot.press("up", "delete")
        await settle(pilot)
        assert [c.text for c in store.contributions.find()] == ["second, corrected"]
        assert "first" not in [
            r.text for r in app.screen.query_one(ContributionList).visible_rows()
        ]

        await pilot.press("ctrl+z")
        await settle(pilot)
        assert [c.text for c in store.contributions.find()] == ["first", "second, corrected"]
        await pilot.press("ctrl+z")  # undo the edit too
        await settle(pilot)
        assert [(c.text, c.kind, c.tags) for c in store.contributions.find()][1] == (
            "second",
            Kind.IDEA,
            (),
        )
        actions = [e.action for e in store.events.all(room="lifecycle") if e.actor == "nt"]
        assert actions.count("contribution.edit") >= 2 and "contribution.delete" in actions

        await pilot.press("ctrl+y")  # redo the edit
        await settle(pilot)
        assert store.contributions.find()[1].text == "second, corrected"
        await pilot.press("ctrl+y", "ctrl+y")  # redo the delete; nothing more to redo
        await settle(pilot)
        assert [c.text for c in store.contributions.find()] == ["second, corrected"]


async def test_kind_keys_tag_and_star(store):
    app = await _room_with(store, ["an idea"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape", "enter", "3")
        await settle(pilot)
        assert store.contributions.find()[0].kind is Kind.CONCERN
        await pilot.press("enter", "t")
        await pilot.press(*"#funding power", "enter")
        await settle(pilot)
        await pilot.press("enter", "s")
        await settle(pilot)
        row = store.contributions.find()[0]
        assert (row.tags, row.starred) == (("funding", "power"), True)
        assert "★" in screen_text(app) and "#funding #power" in screen_text(app)


async def test_search_and_filters(store):
    app = await _room_with(
        store, ["Regional hubs need legal support", "枢纽应该支持社区", "mentors"]
    )
    store.contributions.update(store.contributions.find()[2].id, kind="concern")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(ContributionList)
        await pilot.press("escape", "ctrl+f", *"legal")
        await settle(pilot)
        assert [r.text for r in lst.visible_rows()] == ["Regional hubs need legal support"]
        await pilot.press("escape")
        await settle(pilot)
        assert lst.count == 3
        await pilot.press("ctrl+f", *"支持", "enter")
        await settle(pilot)
        assert [r.text for r in lst.visible_rows()] == ["枢纽应该支持社区"]
        await pilot.press("escape", "enter", "f")
        await settle(pilot)
        await pilot.press(*["down"] * 4, "enter")  # all, this question, idea, ..., concern
        await settle(pilot)
        assert [r.text for r in lst.visible_rows()] == ["mentors"]
        assert "kind: concern" in screen_text(app)


async def test_every_row_of_the_list_fills_its_width_exactly_whatever_the_text(store):
    """Wide characters, combining accents, emoji, markup, newlines, long names and tags: a
    row is cut with an ellipsis or padded, never wider or narrower than the list (a row
    too wide would push the dots under the scrollbar, one too narrow leave stale cells)."""
    texts = [
        "枢纽应该支持社区，" * 12,
        "Cafe\u0301 e\u0301te\u0301 " * 10,
        "🎉 hubs 👩🏽‍💻 " * 9,
        "[b]not bold[/b] $x$ https://example.org\nsecond line",
        "short",
    ]
    store.contributions.add_many(
        [
            Draft(
                room="value", text=t, author="Zoë Ñandú-Żółć 長い名前の人", tags=("資金", "x" * 30)
            )
            for t in texts
        ]
    )
    app = room_app(store, room="value")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(ContributionList)
        # The rows are read after the first frame, in a worker: wait for them, however slow.
        await wait_until(pilot, lambda: len(lst.visible_rows()) == len(texts))
        rows = lst.visible_rows()
        for width in (29, 40, 69, 70, 99, 100, 160):
            for row in rows:
                for cursor in (None, Style(reverse=True)):
                    strip = lst.format_row(row, width, cursor)
                    assert strip.cell_length == width, (width, row.text[:20])
                    assert row.text.replace("\n", " ⏎ ")[:2] in strip.text


async def test_every_cell_of_a_list_row_has_the_lists_background(store):
    """A row's pieces (its text, tags, dots) had no background of their own, so a terminal
    showed its default one under them: black bands on the grey list in a browser."""
    store.contributions.add(Draft(room="lifecycle", text="plain words", tags=("funding",)))
    store.contributions.add(Draft(room="lifecycle", text="the last one", author="Ana"))
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows = app.screen.query_one(ContributionList)
        background = rows.rich_style.bgcolor
        assert background is not None
        for y in range(2):
            line = rows.render_line(y)
            assert "plain words" in line.text or "the last one" in line.text
            assert all(segment.style and segment.style.bgcolor for segment in line), y
        first = rows.render_line(0)  # not the cursor's row: the list's own background
        assert {segment.style.bgcolor for segment in first} == {background}


async def test_the_list_shows_the_search_typed_last_whichever_read_ends_last(store):
    """Each change of the search field reads the list in a thread; the reads may end in any
    order, and the last to end was shown: typing `gate` showed the rows of `gat`."""
    for text in ("gatekeepers", "a gate", "gathering", "other"):
        store.contributions.add(Draft(room="lifecycle", text=text))
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        room = app.screen
        await pilot.press("escape", "ctrl+f")
        search = room.query_one("#search", Input)
        with room._list_lock:  # every read waits; let go, they run in the order they get it
            for typed in ("g", "ga", "gat", "gath", "gat", "ga", "gat", "gate"):
                search.value = typed
                await pilot.pause()
        await settle(pilot)
        shown = room.query_one(ContributionList)
        assert shown.row_filter.search == "gate"
        assert "search: “gate” · 2 shown" in screen_text(app)


async def test_list_pages_a_big_room_from_the_database(store):
    store.contributions.add_many([Draft(room="value", text=f"idea {i}") for i in range(5000)])
    app = room_app(store, room="value")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(ContributionList)
        await wait_until(pilot, lambda: lst.count == 5000)
        # The newest page is read, then drawn at the end: both may take a few frames.
        await wait_until(pilot, lambda: [r.text for r in lst.visible_rows()][-1:] == ["idea 4999"])
        assert len(lst._rows) <= 400  # only the pages near the view are held
        await pilot.press("escape", "home")
        await wait_until(pilot, lambda: [r.text for r in lst.visible_rows()][:1] == ["idea 0"])


# -- facilitation ------------------------------------------------------------------------------


async def test_facilitator_moves_questions_and_the_log_records_it(store):
    app = room_app(store, role="facilitator", user_name="fac")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Next Q" in footer_keys(app)
        await pilot.press("f8")
        await settle(pilot)
        assert store.rooms.state("lifecycle").question == "lifecycle.recognition"
        # (drawn once the room reads the change back: on a busy machine, after `settle`)
        await wait_until(pilot, lambda: "How does a hub become a hub?" in screen_text(app))
        await pilot.press("f9", "f9")  # back to the first, then no further: it says so
        await settle(pilot)
        assert store.rooms.state("lifecycle").question == "lifecycle.overview"
        assert any("first question" in str(n.message) for n in app._notifications)
        opened = [
            e.subject for e in store.events.all(room="lifecycle") if e.action == "question.open"
        ]
        assert opened == ["lifecycle.recognition", "lifecycle.overview"]
        last = store.catalog.room("lifecycle").questions[-1]
        store.rooms.open_question("lifecycle", last)
        await wait_until(pilot, lambda: app.screen.snapshot.question.id == last)
        await pilot.press("f8")
        await settle(pilot)
        assert store.rooms.state("lifecycle").question == last
        assert any("last question" in str(n.message) for n in app._notifications)


async def test_note_taker_cannot_move_the_question(store):
    app = room_app(store, role="note-taker")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f8", "f5")
        await settle(pilot)
        assert store.rooms.state("lifecycle").question == "lifecycle.overview"
        assert store.rooms.countdown("lifecycle").running is False
        keys = footer_keys(app)
        assert "Export" in keys  # the footer is there, without the facilitator's keys
        assert "Next Q" not in keys and "Timer ▶/‖" not in keys


async def test_language_toggle_shows_french_then_both(store):
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        assert "Comment les hubs voient-ils le jour ?" in screen_text(app)
        await pilot.press("f2")
        text = screen_text(app)
        assert (
            "Comment les hubs voient-ils le jour ?" in text
            and "How do hubs come into being?" in text
        )


async def test_a_change_read_while_the_presenter_view_opens_breaks_nothing(store):
    """A commit read by the watcher just as F3 opened the presenter view asked the view to
    redraw before its widgets were there: NoMatches, and the app stopped (seen once in the
    suite). The view now waits for its own mount, which draws it."""
    from hubworkshop.tui.screens.presenter import PresenterScreen

    app = room_app(store, role="facilitator")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        room = app.screen
        presenter = PresenterScreen("lifecycle", room)
        presenter.refresh_view()  # not composed yet: nothing to draw into, and no error
        await app.push_screen(presenter)
        await settle(pilot)
        assert "question 1 of" in screen_text(app)


async def test_presenter_view_and_help(store):
    question = store.rooms.state("lifecycle").question
    store.contributions.add(Draft("lifecycle", "[bold]literal[/bold] idea", question=question))
    app = room_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, PresenterScreen)
        text = screen_text(app)
        assert "How do hubs come into being?" in text and "[bold]literal[/bold] idea" in text
        await pilot.press("escape", "f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "escape", "f1")
        assert isinstance(app.screen, HelpScreen)


async def test_command_palette_runs_room_actions(store):
    app = room_app(store, role="facilitator")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"Next question")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert store.rooms.state("lifecycle").question == "lifecycle.recognition"


# -- two terminals on one database -------------------------------------------------------------


async def test_two_instances_see_each_others_writes(store, db_path):
    with Store.open(db_path) as other_store:
        first, second = room_app(store), room_app(other_store)
        async with first.run_test(size=SIZE) as one, second.run_test(size=SIZE) as two:
            await settle(one)
            await settle(two)
            await type_and_enter(one, "written in terminal one")
            await wait_until(two, lambda: "written in terminal one" in screen_text(second))
            await type_and_enter(two, "and an answer from terminal two")
            await wait_until(one, lambda: "answer from terminal two" in screen_text(first))
            assert store.contributions.count() == 2


async def test_a_row_from_elsewhere_reaches_the_list_and_the_detail_in_one_frame(store, db_path):
    """Every terminal in a room draws each sync: the list and the detail under it change in
    the same frame, not in two (the detail used to wait for the list's Highlighted message)."""
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with Store.open(db_path) as other:
            row = other.contributions.add(Draft(room="lifecycle", text="said in the other room"))
        screen = app.screen
        screen.apply_changes([row])
        # No pause: no message has been handled since, and no frame drawn.
        assert screen.contribution_list.highlighted == row
        assert "said in the other room" in str(screen.query_one("#detail", Static).render())
        await settle(pilot)
        assert "said in the other room" in screen_text(app)


async def test_the_cursor_is_steady_when_asked(store):
    for steady in (False, True):
        app = room_app(store, steady_cursor=steady)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.screen.query_one(CaptureBar).cursor_blink is not steady
            assert app.screen.query_one("#search", Input).cursor_blink is not steady


async def test_timer_is_shared_by_two_instances(store, db_path):
    with Store.open(db_path) as other_store:
        facilitator = room_app(store, role="facilitator")
        viewer = room_app(other_store)
        async with facilitator.run_test(size=SIZE) as fac, viewer.run_test(size=SIZE) as view:
            await settle(fac)
            await settle(view)
            await fac.press("f5")  # start
            await settle(fac)

            def viewer_running() -> bool:
                snapshot = viewer.screen.snapshot
                return snapshot is not None and snapshot.countdown.running

            await wait_until(view, viewer_running)
            await fac.press("f7")  # +5 minutes
            await wait_until(
                view, lambda: viewer.screen.snapshot.countdown.total_seconds == 35 * 60
            )
            display = viewer.screen.query_one(CountdownDisplay)
            assert "running" in str(display.query_one("#timer-state", Static).render())
            await fac.press("f5")  # pause
            await wait_until(view, lambda: not viewer.screen.snapshot.countdown.running)
            assert store.rooms.countdown("lifecycle").elapsed_ms >= 0


async def test_timer_warns_in_the_last_minute_and_rings_at_zero(store):
    store.rooms.start_timer("lifecycle")
    start = parse_time(store.rooms.countdown("lifecycle").started_at)
    app = room_app(store, frozen_time=start + dt.timedelta(minutes=29, seconds=30))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        display = app.screen.query_one(CountdownDisplay)
        assert display.has_class("-warning") and not display.has_class("-over")
        rang = []
        app.bell = lambda: rang.append(True)
        app.frozen_time = start + dt.timedelta(minutes=30, seconds=2)
        app.screen.tick()
        await pilot.pause()
        assert display.has_class("-over") and rang == [True]
        app.screen.tick()
        assert rang == [True]  # once, not every second


async def test_wide_and_right_to_left_text_keeps_the_layout(store):
    texts = [
        "枢纽应该支持社区" * 20,
        "👩🏽‍💻🌍" * 40,
        "يجب أن تكون المراكز مسؤولة أمام المجتمعات " * 5,
    ]
    for text in texts:
        store.contributions.add(
            Draft(room="lifecycle", text=text, author="ליילה", tags=("多语言",))
        )
    app = room_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(ContributionList)
        for y in range(3):
            strip = lst.render_line(y)
            assert strip.cell_length == lst.size.width
        assert [c.text for c in store.contributions.find()] == texts


async def test_theme_toggles_between_dark_and_light(store):
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dark = app.current_theme.dark
        await pilot.press("ctrl+t")
        assert app.current_theme.dark is not dark


async def test_export_screen_previews_and_writes_without_changing_the_session(
    store, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    store.contributions.add(
        Draft("value", "[[Category:Spam]] stays text", question="value.benefit")
    )
    app = room_app(store, room="value")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        events_before = len(store.events.all())
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        assert "stays text" in app.screen.query_one("#preview-markdown").source
        await pilot.press("tab", "down", "enter")  # format: Meta-Wiki wikitext
        await settle(pilot)
        preview = app.screen.query_one("#preview-text").text
        assert "&#91;&#91;Category:Spam&#93;&#93; stays text" in preview
        await pilot.press("ctrl+s")
        await settle(pilot)
        written = tmp_path / "hubs-2021-11-27-room-value-en.wiki"
        assert written.read_text(encoding="utf-8") == render(
            "wikitext", store.snapshot(), room="value"
        )
        assert str(written) in screen_text(app)
        assert len(store.events.all()) == events_before
        # Writing again asks before replacing the file: no keeps it, yes replaces it.
        written.write_text("kept", encoding="utf-8")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert written.read_text(encoding="utf-8") == "kept"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert written.read_text(encoding="utf-8").startswith("'''Hubs workshop")
        await pilot.press("escape")
        assert isinstance(app.screen, RoomScreen)


async def test_a_sentence_typed_into_the_list_changes_nothing(store):
    """With the list focused and a point selected, `deal with it` and Enter is written as a
    new point: no letter of it runs as a command."""
    app = await _room_with(store, ["first point", "second point"], user_name="nt")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        assert isinstance(app.focused, ContributionList)
        assert "LIST" in str(app.screen.query_one("#status").render())
        before = store.contributions.find()
        await pilot.press(*"deal with it", "enter")
        await settle(pilot)
        after = store.contributions.find()
        assert after[: len(before)] == before  # every existing point exactly as it was
        assert [c.text for c in after[len(before) :]] == ["deal with it"]
        assert isinstance(app.focused, CaptureBar)
        # Delete is a key of its own, and says what it deleted.
        await pilot.press("escape", "delete")
        await settle(pilot)
        assert [c.text for c in store.contributions.find()] == ["first point", "second point"]
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert [c.text for c in store.contributions.find()][-1] == "deal with it"


async def test_saving_the_edit_form_unchanged_changes_nothing(store):
    """The text is not re-parsed: `@` and `#` inside it, a speaker with a space and an accent
    registered in another room, markup: all stay as they were."""
    store.participants.save("Élodie Dupont", "off-record", room="overlap")
    store.participants.save("Bob", "named")
    c = store.contributions.add(
        Draft(
            "lifecycle",
            "thanks @Bob — see #later and [b]this[/b]",
            kind="concern",
            author="Élodie Dupont",
            tags=("x",),
        )
    )
    app = room_app(store, user_name="nt")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: store.events.all()[-1].action == "role.take")
        events = len(store.events.all())  # entering the room is logged, beside it
        await pilot.press("escape", "enter", "e")
        await settle(pilot)
        assert isinstance(app.screen, EditDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert store.contributions.get(c.id) == c
        assert len(store.events.all()) == events
        # A real change changes that field only.
        await pilot.press("enter", "e")
        await settle(pilot)
        await pilot.press("end", *"!", "enter")
        await settle(pilot)
        after = store.contributions.get(c.id)
        assert after.text == c.text + "!"
        assert (after.author, after.kind, after.tags) == ("Élodie Dupont", Kind.CONCERN, ("x",))


async def test_a_new_name_is_announced_and_a_known_one_found(store):
    store.participants.save("Amina Diallo", "named")
    app = room_app(store, user_name="nt")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_and_enter(pilot, "@Ami hubs should share power")
        await type_and_enter(pilot, "@Zed a new voice")
        await settle(pilot)
        rows = store.contributions.find()
        assert [c.author for c in rows] == ["Amina Diallo", "Zed"]
        assert [p.name for p in store.participants.all()] == ["Amina Diallo", "Zed"]
        messages = [n.message for n in app._notifications]
        assert any("New participant «Zed»" in m for m in messages)
        assert not any("Amina" in m for m in messages)


async def test_the_list_header_follows_the_search_box_and_says_no_match(store):
    app = await _room_with(store, ["funding hubs", "legal support"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.action_search()
        await pilot.press(*"fund")
        await settle(pilot)
        header = str(app.screen.query_one("#list-header").render())
        assert "search: “fund”" in header and "1 shown" in header
        await pilot.press(*"xyz")
        await settle(pilot)
        header = str(app.screen.query_one("#list-header").render())
        assert "search: “fundxyz”" in header and "no match" in header
        await pilot.press("escape")
        await settle(pilot)
        assert "all contributions · 2 shown" in str(app.screen.query_one("#list-header").render())


async def test_undoing_a_change_logs_no_no_op_events(store):
    """Undo puts back what changed and logs only that: a kind change undone is two edits,
    never a tag or action entry that changed nothing."""
    c = store.contributions.add(Draft("lifecycle", "owned", kind="action", tags=("x",)))
    store.points.set_action(c.id, owner="Amina", due="2021-12-15")
    app = room_app(store, user_name="nt")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = len(store.events.all())
        await pilot.press("escape", "enter", "1")  # kind: idea
        await settle(pilot)
        await pilot.press("ctrl+z")
        await settle(pilot)
        logged = [e.action for e in store.events.all()][before:]
        assert logged == ["contribution.edit", "contribution.edit"]
        assert store.contributions.get(c.id).kind.value == "action"


async def test_the_start_screens_name_label_follows_the_role(store):
    app = HubworkshopApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        label = app.screen.query_one("#name-label")
        assert "recorded as note-taker" in str(label.render())
        app.screen.query_one("#facilitator").value = True
        await settle(pilot)
        assert "recorded as facilitator" in str(label.render())


@pytest.mark.parametrize("languages", ["one", "both"])
async def test_at_80x24_the_bar_the_status_and_five_list_rows_stay_visible(store, languages):
    for i in range(12):
        store.contributions.add(Draft("lifecycle", f"point {i}", author=f"Person {i}"))
    store.votes.open("lifecycle")
    store.votes.add(store.contributions.find()[-1].id, participant="Ana", dots=3)
    app = room_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        if languages == "both":
            await pilot.press("f2", "f2")
            await settle(pilot)
        screen = app.screen
        rows = screen.query_one(ContributionList)
        bar, status = screen.query_one(CaptureBar), screen.query_one("#status")
        assert rows.region.height >= 5
        assert bar.region.height == 3 and bar.region.bottom <= status.region.y
        assert status.region.bottom <= 23  # above the footer
        # The dots column ends left of the scrollbar, not under it.
        last = rows.render_line(rows.size.height - 1)
        assert rows.scrollable_content_region.width < rows.size.width  # a scrollbar is shown
        assert last.cell_length == rows.scrollable_content_region.width
        assert last.text.rstrip().endswith("●3")


async def test_keys_browsers_keep_for_themselves_have_alternatives(store):
    """In a browser Ctrl+T opens a tab: Alt+T switches the theme too."""
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dark = app.current_theme.dark
        await pilot.press("alt+t")
        await settle(pilot)
        assert app.current_theme.dark is not dark


@given(st.text(alphabet=" 0123456789:-.+x^ABCDEF$£€()ab,", max_size=12))
def test_the_clock_draws_textuals_digits_exactly(value):
    """The room's clock draws Textual's 3x3 font itself (BigDigits, for a quicker first
    frame): what it draws is what Textual's Digits draws."""
    expected = [s.text for s in DigitsRenderable(value).render(Style()) if s.text != "\n"]
    drawn = BigDigits(value).render().plain.split("\n")
    assert drawn == expected
    width = BigDigits(value).get_content_width(Size(80, 3), Size(80, 24))
    assert width == DigitsRenderable.get_width(value)


async def _burst(app, keys: list[str]) -> None:
    """Keys as the driver posts a burst of them (a fast typist, a browser's queued keys): all
    at once, none waiting for the app to be idle."""
    for key in keys:
        named = {"enter": "\r", "space": " ", "backspace": "\x7f"}
        character = key if len(key) == 1 else named.get(key)  # an arrow has none
        app.post_message(events.Key(key, character))


def _keys(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


async def test_a_burst_of_keys_is_one_edit_of_the_bar_in_the_order_typed(store):
    """A served session gets a typist's keys a few frames at a time: the characters waiting
    together are inserted as one edit (one value change, not one per key, which was most of a
    note's CPU in every session), and the editing keys among them still act in order."""
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(CaptureBar)
        bar.focus()
        await pilot.pause()
        values: list[str] = []
        bar.watch(bar, "value", lambda value: values.append(value), init=False)
        keys = [*_keys("hubs"), "left", "left", "X", "Y", "end", *_keys(" ok?"), "backspace"]
        await _burst(app, [*keys, *_keys(" served by communities"), "enter"])
        await wait_until(pilot, lambda: store.contributions.count() == 1)
        [row] = store.contributions.find(room="lifecycle")
        assert row.text == "huXYbs ok served by communities"
        assert len(values) <= 6, values  # 34 keys: hubs, XY, " ok?", backspace, the rest, ""
        assert bar.value == ""


async def test_keys_typed_while_a_room_opens_reach_its_bar_in_order(store):
    """Enter on the start screen, then at once a note and its Enter: the room opens once and
    the note is saved whole (the keys used to go to the start screen's list, or the room's
    search field, or nowhere, while the room was being built)."""
    app = HubworkshopApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        await _burst(app, ["enter", *_keys("said at once"), "enter", *_keys("and more")])
        await wait_until(pilot, lambda: store.contributions.count() == 1)
        await settle(pilot)
        assert [c.text for c in store.contributions.find()] == ["said at once"]
        assert len(app.room_screens()) == 1
        assert app.screen.query_one(CaptureBar).value == "and more"
        assert app.screen.query_one("#search", Input).value == ""


@pytest.mark.parametrize("size", [(80, 24), (100, 24), (120, 32)])
async def test_everything_needed_to_start_is_on_screen_without_scrolling(store, size):
    """The rooms, the role and the name field fit at 80x24 (a browser's default terminal,
    a laptop's split screen): below 100 columns they come first, full width, and the
    agenda under them; before, the name field was below the fold at 80x24."""
    app = HubworkshopApp(store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.screen
        status = screen.query_one(StatusBar)
        room_names = [room.name for room in store.catalog.rooms().values()]
        for selector in ("#rooms", "#role", "#name", "#name-label"):
            widget = screen.query_one(selector)
            top, bottom = widget.region.y, widget.region.bottom
            assert top > 0 and bottom <= status.region.y, (selector, widget.region)
        rooms = screen.query_one("#rooms", OptionList)
        assert rooms.option_count == len(room_names)
        assert rooms.region.height >= len(room_names) + 2  # every room, and the border
        await pilot.press(*"Zoé")  # typing a name scrolls nothing away
        await settle(pilot)
        assert screen.query_one("#name", Input).value == "Zoé"
        assert screen.query_one("#rooms").region.y > 0


async def test_a_name_typed_on_the_list_survives_the_list_getting_the_focus_back(store):
    """A browser's focus coming back mid-name gives the room list the focus again (Textual
    restores what was focused): the rest of the name still goes to the name field (one CI
    run of the browser test saved 'Lidiwe' for 'Lindiwe'). Choosing a room with ↑/↓ ends
    the name: a letter typed after that is a stray key."""
    app = HubworkshopApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rooms = app.screen.query_one("#rooms", OptionList)
        await pilot.press(*"Lin")
        rooms.focus()
        await pilot.pause()
        await pilot.press(*"diwe")
        name = app.screen.query_one("#name", Input)
        assert name.value == "Lindiwe"
        rooms.focus()
        await pilot.press("down", "x")
        assert name.value == "Lindiwe"


async def test_keys_typed_after_the_name_and_enter_are_not_added_to_the_name(store):
    app = HubworkshopApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#name", Input).focus()
        await pilot.press(*"Nia")
        await _burst(app, ["enter", *_keys("first words")])
        await wait_until(pilot, lambda: bool(app.room_screens()))
        await settle(pilot)
        assert app.user_name == "Nia"
        assert app.screen.query_one(CaptureBar).value == "first words"
        app.action_rooms()  # back on the start screen, the name field types again
        await settle(pilot)
        app.screen.query_one("#name", Input).focus()
        await pilot.press("a")
        assert app.screen.query_one("#name", Input).value == "Niaa"


@pytest.mark.parametrize("delivery", ["typed", "burst"])
async def test_someone_new_types_their_name_at_once_picks_a_room_from_it_and_enters(
    store, delivery
):
    """The start screen opens on the room list; a person new to it types their name first.
    The letters go to the name field (they used to go nowhere, and Enter opened the room
    unnamed), ↓ in the name field picks the room, Enter opens it."""
    app = HubworkshopApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rooms = app.screen.query_one("#rooms", OptionList)
        assert app.focused is rooms
        name = "Ngozi Okonjo-Iweala"
        if delivery == "burst":  # a browser's queued keys: all at once
            await _burst(app, _keys(name))
        else:
            await pilot.press(*_keys(name))
        await settle(pilot)
        assert app.screen.query_one("#name", Input).value == name
        assert app.focused is app.screen.query_one("#name", Input)
        await pilot.press("down", "down", "up")
        assert rooms.highlighted == 1
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(app.room_screens()))
        assert app.screen.room_id == "lifecycle" and app.user_name == name


async def test_a_stray_key_on_the_room_list_never_replaces_a_name_already_there(store):
    app = HubworkshopApp(store)
    app.user_name = "Asaf"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "k")
        await settle(pilot)
        assert app.screen.query_one("#name", Input).value == "Asaf"
        assert app.focused is app.screen.query_one("#rooms", OptionList)


async def test_question_mark_on_the_room_list_still_opens_help(store):
    app = HubworkshopApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert app.screen_stack[-2].query_one("#name", Input).value == ""


async def test_enter_with_nothing_focused_in_a_room_goes_to_the_bar(store):
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.set_focus(None)
        await pilot.press("enter")
        assert isinstance(app.focused, CaptureBar)
        await pilot.press(*"ok", "enter")
        await wait_until(pilot, lambda: store.contributions.count() == 1)


async def test_a_line_of_markers_only_is_not_queued_and_holds_nothing_up(store):
    """`!#onlytag` has no text: it used to wait in the queue as "saving…" for good, and every
    entry typed after it with it. It goes back in the bar, with a word; the next is saved."""
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"!#onlytag", "enter")
        await settle(pilot)
        bar = app.screen.query_one(CaptureBar)
        assert bar.value == "!#onlytag" and app.screen.queue.items == []
        assert any("Nothing to save" in str(n.message) for n in app._notifications)
        await pilot.press("ctrl+u", *"real words", "enter")
        await settle(pilot)
        await wait_until(
            pilot, lambda: [c.text for c in store.contributions.find()] == ["real words"]
        )


async def test_ctrl_u_right_after_enter_on_markers_only_empties_the_bar_for_good(store):
    """`! @Zo`, Enter and Ctrl+U arriving together (a fast typist, a browser's queued keys):
    the Ctrl+U emptied the bar, then the room put the line back, and the next sentence was
    glued to it (`! @Zofirst words`, saved as a mention of "Zofirst"). Found by test_typing
    in a real terminal; here the three keys wait in the bar's queue together."""
    from textual import events

    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(CaptureBar)
        bar.focus()
        for key, character in [*((c, c) for c in "! @Zo"), ("enter", "\r"), ("ctrl+u", None)]:
            bar.post_message(events.Key(key, character))
        await settle(pilot)
        assert bar.value == ""
        assert any("Nothing to save" in str(n.message) for n in app._notifications)
        await pilot.press(*"first words", "enter")
        await wait_until(
            pilot, lambda: [c.text for c in store.contributions.find()] == ["first words"]
        )


@pytest.mark.parametrize(
    ("keys", "saved"),
    [
        ([*"scratch this", "ctrl+u", *"kept line"], "kept line"),
        ([*"typo fixd", "backspace", "backspace", *"xed here"], "typo fixed here"),
        ([*"one two", "ctrl+w", *"three"], "one three"),
        ([*"! @Qx", "enter", "ctrl+u", *"we need more mentors"], "we need more mentors"),
    ],
    ids=["ctrl+u", "backspace", "ctrl+w", "markers-then-ctrl+u"],
)
async def test_a_burst_typed_on_the_list_corrects_itself_as_in_the_bar(store, keys, saved):
    """Esc, then a sentence that corrects itself, in one burst: the keys queued on the list
    reached the bar as characters only, so Ctrl+U and Backspace were lost (`scratch thiskept
    line` was saved; `! @Qx` glued to the next sentence made a participant "Qxwe")."""
    from textual import events

    from hubworkshop.tui.widgets.contribution_list import ContributionList

    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        listed = app.screen.query_one(ContributionList)
        assert app.focused is listed
        for key in [*keys, "enter"]:
            character = key if len(key) == 1 else {"enter": "\r"}.get(key)
            listed.post_message(events.Key(key, character))
        await settle(pilot)
        await wait_until(pilot, lambda: [c.text for c in store.contributions.find()] == [saved])
        assert app.screen.query_one(CaptureBar).value == ""
        assert not any(p.name.startswith("Qx") for p in store.participants.all())


async def test_the_merge_prompt_comes_first_on_the_status_line_whole(store):
    """At 120 columns the merge's prompt was cut off behind the save state, the vote, the
    name and the path: nothing seemed to happen after choosing merge."""
    for text in ("one", "two"):
        store.contributions.add(Draft("lifecycle", text))
    store.votes.open("lifecycle", dots=3)
    app = room_app(store, user_name="A note-taker with a long name")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("escape", "enter", "m")
        await settle(pilot)
        status = app.screen.query_one("#status")
        shown = status.render_line(0).text.strip()
        assert shown.startswith("Merging ") and "then Enter · Esc cancels" in shown


async def test_the_list_can_show_this_question_only(store):
    """The list had no "this question only" filter; its header always said "all
    contributions"."""
    first, second = store.catalog.room("lifecycle").questions[:2]
    store.contributions.add(Draft("lifecycle", "on the first question", question=first))
    store.contributions.add(Draft("lifecycle", "on the second question", question=second))
    store.rooms.open_question("lifecycle", second)
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape", "enter", "f")
        await settle(pilot)
        await pilot.press("down", "enter")  # This question only
        await settle(pilot)
        text = screen_text(app)
        assert "this question only · 1 shown" in text
        assert "on the second question" in text and "on the first question" not in text
