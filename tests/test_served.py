"""A browser session of `serve`, as its app sees it (`--served-as ROLE`), through Pilot: the
role its link grants and no more, its own drafts and room, no file field, no host path.
What reaches the browser (the links, the websocket, the download) is in test_serve.py."""

from __future__ import annotations

import pytest
from textual.widgets import RadioButton

from hubworkshop.tui.app import HubworkshopApp, remember_room
from hubworkshop.tui.screens.export import ExportScreen
from hubworkshop.tui.screens.room import RoomScreen
from hubworkshop.tui.screens.start import StartScreen
from hubworkshop.tui.widgets.capture_bar import CaptureBar
from hubworkshop.tui.widgets.room_panels import StatusBar

SIZE = (120, 36)


@pytest.fixture(autouse=True)
def private_state(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def status(app) -> str:
    return str(app.screen.query_one(StatusBar).render())


async def test_a_note_takers_session_cannot_take_the_facilitators_role_anywhere(store, monkeypatch):
    """The same browser was a facilitator (through the facilitators' link); opened with the
    note-takers' link it comes back to its room as a note-taker: F5 does not start the clock,
    the palette has no facilitator's command, and the start screen offers only note-taking.
    The status line names the workshop, not the server's path."""
    monkeypatch.setenv("HUBWORKSHOP_TERMINAL", "browser-A")
    remember_room(store.path, "overlap", "facilitator", None)
    app = HubworkshopApp(store, served_as="note-taker", resume=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RoomScreen) and app.screen.room_id == "overlap"
        assert app.role == "note-taker"
        await pilot.press("escape", "f5", "f8")
        await settle(pilot)
        state = store.rooms.state("overlap")
        assert not store.rooms.countdown("overlap").running
        assert state.question == store.catalog.room("overlap").questions[0]
        commands = [str(c.title) for c in app.get_system_commands(app.screen)]
        assert "Kind: question" in commands  # a note-taker's own commands are there
        facilitators = ("Go to question", "Phase:", "Start or pause the timer", "Next question")
        assert not [c for c in commands if c.startswith(facilitators)]
        assert store.catalog.workshop().title in status(app) and str(store.path) not in status(app)

        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        assert [b.id for b in app.screen.query(RadioButton)] == ["note-taker"]
        assert str(store.path) not in status(app)
    taken = [
        (e.data["role"], e.data["face"]) for e in store.events.all() if e.action == "role.take"
    ]
    assert taken == [("note-taker", "browser")]


async def test_a_facilitators_session_starts_as_facilitator_and_may_take_notes(store, monkeypatch):
    monkeypatch.setenv("HUBWORKSHOP_TERMINAL", "browser-F")
    app = HubworkshopApp(store, served_as="facilitator")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        buttons = {b.id: b.value for b in app.screen.query(RadioButton)}
        assert buttons == {"note-taker": False, "facilitator": True}
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape", "f5")
        await settle(pilot)
        room = app.screen.room_id
        assert store.rooms.countdown(room).running


async def test_a_browser_never_gets_another_browsers_draft_by_typing_their_name(store, monkeypatch):
    """Browser A (Asaf) leaves unsent words in the bar. Browser B types "asaf" as its name
    on the start screen: its bar is empty, and A's words are still A's."""
    monkeypatch.setenv("HUBWORKSHOP_TERMINAL", "browser-A")
    first = HubworkshopApp(store, served_as="note-taker")
    async with first.run_test(size=SIZE) as pilot:
        await pilot.press(*"Asaf", "enter")
        await settle(pilot)
        await pilot.press(*"words Asaf has not sent")
        await settle(pilot)
        first.drafts().flush()
    monkeypatch.setenv("HUBWORKSHOP_TERMINAL", "browser-B")
    second = HubworkshopApp(store, served_as="note-taker", resume=True)
    async with second.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(second.screen, StartScreen)  # B resumes nothing of A's
        await pilot.press(*"asaf", "enter")
        await settle(pilot)
        assert isinstance(second.screen, RoomScreen)
        assert second.screen.query_one(CaptureBar).value == ""
    monkeypatch.setenv("HUBWORKSHOP_TERMINAL", "browser-A")
    again = HubworkshopApp(store, served_as="note-taker", resume=True)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.screen.query_one(CaptureBar).value == "words Asaf has not sent"


async def test_a_browsers_export_screen_has_no_file_field(store, monkeypatch):
    monkeypatch.setenv("HUBWORKSHOP_TERMINAL", "browser-A")
    app = HubworkshopApp(store, served_as="facilitator", room="value")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        assert not app.screen.query("#path")
        assert app.screen.check_action("download", ()) and not app.screen.check_action("write", ())
        # Nor in the palette (offered there, "Write file" crashed the session).
        commands = [str(c.title) for c in app.get_system_commands(app.screen)]
        assert "Download" in commands and "Write file" not in commands
        app.screen.action_write()  # called anyway: nothing happens
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)


async def test_a_terminals_export_screen_writes_files_and_never_downloads(store):
    app = HubworkshopApp(store, room="value")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        commands = [str(c.title) for c in app.get_system_commands(app.screen)]
        assert "Write file" in commands and "Download" not in commands


async def test_the_header_and_the_palette_draw_icons_a_browsers_font_has(store):
    """Textual's ⭘ and 🔎 are boxes in Chromium's default monospace font (checked in
    test_browser.py); ours are ≡ and ›."""
    from textual.command import SearchIcon
    from textual.widgets._header import HeaderIcon

    app = HubworkshopApp(store, room="value")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert [str(i.render()) for i in app.screen.query(HeaderIcon)] == ["≡"]
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert [i.icon for i in app.screen.query(SearchIcon)] == ["›"]
