"""The participants' page from the staff's terminal, through Pilot: the presenter view's QR
code and short link, the room's moderation screen, hiding a point, and a participant's
point arriving in the room like any other terminal's."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList, Static

from hubworkshop.domain.events import EventName
from hubworkshop.storage import pages
from hubworkshop.tui.app import HubworkshopApp
from hubworkshop.tui.screens.participants import ParticipantsScreen, qr_text
from hubworkshop.tui.screens.presenter import PresenterScreen
from hubworkshop.workshop import participate
from test_tui import screen_text, settle, wait_until

ROOM = "lifecycle"
LINK = ("secret-of-the-lifecycle-room-xxxxxx", "ABCD2345")


@pytest.fixture(autouse=True)
def private_state(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def served(store) -> None:
    pages.publish_links(store, {ROOM: LINK}, "https://workshop.example.org")


def facilitator(store) -> HubworkshopApp:
    return HubworkshopApp(store, room=ROOM, role="facilitator", user_name="Fay")


async def open_participants(pilot) -> None:
    """Enter on the room's list, then J in its menu."""
    pilot.app.screen.contribution_list.focus()
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("J")
    await settle(pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 45)])
async def test_the_presenter_shows_the_rooms_qr_code_whole_and_its_short_link(store, size):
    served(store)
    app = facilitator(store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, PresenterScreen)
        text = screen_text(app)
        assert "Join: https://workshop.example.org/join · code ABCD-2345" in text
        code = qr_text(f"https://workshop.example.org/p/{LINK[0]}/")
        qr = app.screen.query_one("#presenter-qr", Static)
        if size == (80, 24):  # too small for both: the code on J, alone
            assert not qr.display
            await pilot.press("j")
            await settle(pilot)
        assert qr.display and str(qr.render()) == code
        assert qr.region.height == code.count("\n") + 1  # whole: a cut code does not scan
        assert qr.region.bottom <= size[1]


async def test_without_serve_the_presenter_has_no_join_line(store):
    app = facilitator(store)
    async with app.run_test(size=(120, 45)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert "Join:" not in screen_text(app)
        assert not app.screen.query_one("#presenter-qr", Static).display
        await pilot.press("j")  # said, not silently nothing
        await settle(pilot)
        assert any("hubworkshop serve" in str(n.message) for n in app._notifications)


async def test_moderation_before_then_approve_from_the_participants_screen(store):
    served(store)
    person, _uid = participate.join(store, ROOM, "anonymous")
    app = facilitator(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await open_participants(pilot)
        assert isinstance(app.screen, ParticipantsScreen)
        assert "Moderation: after" in screen_text(app)
        await pilot.press("m")
        await settle(pilot)
        assert pages.moderation(store, ROOM) == "pre"
        assert "Moderation: before" in screen_text(app)
        point = participate.add(store, person, "idea", "waiting for a facilitator")
        app.screen.sync()
        await settle(pilot)
        waiting = app.screen.query_one("#page-waiting", OptionList)
        assert waiting.option_count == 1
        assert "1 point waiting for approval" in screen_text(app)
        waiting.highlighted = 0
        await pilot.press("a")
        await settle(pilot)
        assert [c.id for c in store.contributions.find(room=ROOM)] == [point.id]
        events = [
            e["actor"]
            for e in store.db.query(
                "SELECT actor FROM events WHERE action = ?", [EventName.CONTRIBUTION_APPROVE.value]
            )
        ]
        assert events == ["Fay"]


async def test_the_chosen_waiting_point_stays_chosen_when_another_arrives(store):
    """The list is drawn again whenever someone writes; `a` approves the point the
    facilitator chose, not whichever now stands in its place."""
    served(store)
    person, _uid = participate.join(store, ROOM, "anonymous")
    pages.set_moderation(store, ROOM, "pre")
    first = participate.add(store, person, "idea", "first waiting")
    second = participate.add(store, person, "idea", "second waiting")
    app = facilitator(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await open_participants(pilot)
        waiting = app.screen.query_one("#page-waiting", OptionList)
        await wait_until(pilot, lambda: waiting.option_count == 2)
        waiting.highlighted = [waiting.get_option_at_index(i).id for i in range(2)].index(second.id)
        participate.add(store, person, "question", "a newer one arrives")
        app.screen.sync()
        await settle(pilot)
        await wait_until(pilot, lambda: waiting.option_count == 3)
        await pilot.press("a")
        await settle(pilot)
        shown = {c.id for c in store.contributions.find(room=ROOM)}
        assert second.id in shown and first.id not in shown


async def test_a_note_taker_cannot_moderate(store):
    _person, _uid = participate.join(store, ROOM, "anonymous")
    app = HubworkshopApp(store, room=ROOM, role="note-taker", user_name="Nat")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert not app.screen.palette_allows("hide")
        await open_participants(pilot)
        # Neither the footer nor the page offers a note-taker keys they may not use.
        shown = screen_text(app)
        assert "Moderation: after" in shown and "Approve" not in shown
        assert "m: change" not in shown and "h: hide" not in shown
        await pilot.press("m")
        await settle(pilot)
        assert pages.moderation(store, ROOM) == "post"


async def test_a_participants_point_arrives_in_the_room_and_a_facilitator_hides_it(store):
    person, _uid = participate.join(store, ROOM, "anonymous")
    app = facilitator(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        point = participate.add(store, person, "concern", "typed on a phone <b>[x]</b>")
        # Another writer: the room's watcher sees the commit, as for another terminal.
        await wait_until(pilot, lambda: "typed on a phone <b>[x]</b>" in screen_text(app))
        room = app.screen
        room.contribution_list.focus()
        await settle(pilot)
        assert room.contribution_list.highlighted.id == point.id
        # Marked in the detail as typed by the participant, not by a note-taker.
        await wait_until(pilot, lambda: "Guest " in screen_text(app))
        assert "typed by a participant" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        await wait_until(pilot, lambda: "typed on a phone" not in screen_text(app))
        assert store.contributions.find(room=ROOM) == []
        assert pages.is_held(store, point.id) == "hidden"
        [hidden] = store.db.query(
            "SELECT actor, subject FROM events WHERE action = ?",
            [EventName.CONTRIBUTION_HIDE.value],
        )
        assert (hidden["actor"], hidden["subject"]) == ("Fay", point.id)
