"""The first screens, driven through Textual's Pilot."""

from __future__ import annotations

from textual.widgets import OptionList, Static

from hubworkshop.tui.app import HubworkshopApp, RoomScreen, StartScreen


def screen_text(app) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


async def test_start_screen_shows_workshop_rooms_and_database(store):
    app = HubworkshopApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        text = screen_text(app)
        assert "Hubs workshop: co-creation on the concept of Hubs" in text
        assert "No decision making at this event." in text
        assert str(store.path) in text
        rooms = app.screen.query_one("#rooms", OptionList)
        assert rooms.option_count == 5


async def test_enter_opens_a_room_and_n_moves_through_its_questions(store):
    app = HubworkshopApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, RoomScreen)
        assert app.screen.room.id == "lifecycle"
        assert "1/6  How do hubs come into being?" in screen_text(app)
        await pilot.press("n")
        assert "2/6  How does a hub become a hub?" in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, StartScreen)


async def test_room_option_opens_straight_into_the_room(store):
    app = HubworkshopApp(store, room="relationships")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RoomScreen)
        assert "Does an individual community get to choose" in screen_text(app)
