"""SVG snapshots of the start, room and presenter screens (pytest-textual-snapshot).

Time is frozen, ids and timestamps are fixed, the cursor does not blink and the database
watcher is off, so the pictures change only when the screens do. Update them on purpose
with `./dev test tests/test_snapshots.py --snapshot-update`, and look at what changed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
import uuid

import pytest

from hubworkshop.domain.records import Draft
from hubworkshop.storage import Store
from hubworkshop.tui.app import HubworkshopApp
from test_tui import settle
from workshop_fixture import build

FROZEN = dt.datetime(2021, 11, 27, 13, 41, 5, tzinfo=dt.UTC)

SAMPLE = [
    Draft(
        "lifecycle",
        "Hubs should be recognised by the communities they serve, not only by the Foundation",
        author="Amina Diallo",
        tags=("recognition",),
    ),
    Draft("lifecycle", "Who decides when a hub is demoted?", kind="question", author="Kwame"),
    Draft(
        "lifecycle",
        "A hub could become a gatekeeper for funding",
        kind="concern",
        tags=("funding", "power"),
    ),
    Draft(
        "lifecycle",
        "Start with a pilot phase of two years, then review",
        kind="proposal",
        author="Ana",
    ),
    Draft(
        "lifecycle",
        "يجب أن تكون المراكز مسؤولة أمام المجتمعات",
        author="Layla",
        tags=("accountability",),
    ),
    Draft("lifecycle", "枢纽应该支持社区 🌍", kind="agreement"),
    Draft("lifecycle", "[bold]not markup[/bold] stays literal", kind="disagreement"),
    Draft(
        "lifecycle",
        "Draft a one-page lifecycle proposal for the charter committee",
        kind="action",
        author="Ana",
    ),
]


@pytest.fixture
def frozen_store(tmp_path, monkeypatch, hubs_plan):
    """A store with fixed clock and ids, opened by a relative path (shown on screen)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    minutes = itertools.count()
    store = Store.open(
        "workshop.db",
        hubs_plan,
        clock=lambda: f"2021-11-27T13:{30 + next(minutes) % 30:02d}:00.000Z",
    )
    numbers = itertools.count(1)
    store.new_id = lambda: str(uuid.UUID(int=next(numbers) << 96 | 0xABC))
    yield store
    store.close()


def seeded(store: Store) -> Store:
    for draft in SAMPLE:
        store.contributions.add(draft, note_taker="Asaf")
    rows = store.contributions.find(room="lifecycle")
    store.contributions.update(rows[0].id, starred=True)
    store.votes.open("lifecycle", dots=3)
    store.votes.add(rows[0].id, participant="Kwame", dots=2)
    store.votes.close("lifecycle")
    store.rooms.start_timer("lifecycle")
    return store


def app_for(store: Store, **kwargs) -> HubworkshopApp:
    return HubworkshopApp(store, frozen_time=FROZEN, user_name="Asaf", **kwargs)


def test_start_screen(snap_compare, frozen_store):
    assert snap_compare(app_for(frozen_store), terminal_size=(120, 32))


def test_room_screen(snap_compare, frozen_store):
    app = app_for(seeded(frozen_store), room="lifecycle", role="facilitator")

    assert snap_compare(app, terminal_size=(120, 36), run_before=settle)


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
@pytest.mark.parametrize("languages", ["one", "both"])
def test_room_screen_small_and_large(snap_compare, frozen_store, size, languages):
    """At 80×24, with one language or both, the bar, the status line and five list rows stay
    on screen (a Pilot test measures it too); at 200×60 nothing is stretched oddly."""
    app = app_for(seeded(frozen_store), room="lifecycle", role="facilitator")
    presses = ("f2", "f2") if languages == "both" else ()
    assert snap_compare(app, terminal_size=size, run_before=_pressing(*presses))


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
def test_vote_picker_with_forty_people(snap_compare, frozen_store, size):
    """A 40-person roster scrolls inside the picker; the new-name field stays visible."""
    store = seeded(frozen_store)
    for i in range(40):
        store.participants.save(f"Participant {i + 1:02d}", room="lifecycle")
    store.votes.open("lifecycle")
    app = app_for(store, room="lifecycle", role="facilitator")
    assert snap_compare(app, terminal_size=size, run_before=_pressing("escape", "enter", "v"))


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
def test_presenter_view(snap_compare, frozen_store, size):
    app = app_for(seeded(frozen_store), room="lifecycle", role="facilitator")

    async def present(pilot):
        await settle(pilot)
        await pilot.press("f2", "f2", "f3")  # both languages, then present
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=present)


@pytest.fixture
def fixture_store(tmp_path, monkeypatch, hubs_plan):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    store = build("fixture.db", hubs_plan)
    yield store
    store.close()


async def _settle(pilot):
    """As the Pilot tests settle (test_tui.py): the room's reads start reads of their own."""
    await settle(pilot)


def _pressing(*keys):
    async def run(pilot):
        await _settle(pilot)
        await pilot.press(*keys)
        await _settle(pilot)

    return run


@pytest.mark.parametrize("size", [(80, 24), (140, 24), (200, 60)])
def test_dashboard(snap_compare, fixture_store, size):
    app = app_for(fixture_store, role="facilitator")
    assert snap_compare(app, terminal_size=size, run_before=_pressing("f10"))


def test_ranking_chart(snap_compare, fixture_store):
    app = app_for(fixture_store, room="value", role="facilitator")
    assert snap_compare(app, terminal_size=(140, 30), run_before=_pressing("escape", "enter", "R"))


def test_report_back(snap_compare, fixture_store):
    app = app_for(fixture_store, room="value", role="facilitator")
    assert snap_compare(app, terminal_size=(100, 30), run_before=_pressing("escape", "enter", "B"))


@pytest.fixture
def french():
    """The interface in French for one test (the question language stays apart: F2)."""
    from hubworkshop.domain.i18n import set_ui_language

    set_ui_language("fr")
    yield
    set_ui_language("en")


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_room_screen_in_french(snap_compare, frozen_store, french, size):
    app = app_for(seeded(frozen_store), room="lifecycle", role="facilitator")
    assert snap_compare(app, terminal_size=size, run_before=_pressing())


def _opening_the_export():
    """F4, then until the preview has moved to its Outcomes: the Markdown is laid out, then
    scrolled to the heading, a few frames after the screen first draws (on a busy machine
    more of them than a settle waits for)."""

    async def run(pilot):
        # The preview scrolls to its Outcomes as a person sees it, smoothly: a snapshot
        # taken during that animation was two lines short of it.
        pilot.app.animation_level = "none"
        await _pressing("f4")(pilot)
        scroll = pilot.app.screen.query_one("#preview-scroll")
        deadline = time.monotonic() + 30  # a safety net: the snapshot shows what is wrong
        while scroll.scroll_y == 0 and time.monotonic() < deadline:
            await pilot.pause(0.02)
        await _settle(pilot)

    return run


def test_export_screen_in_french(snap_compare, frozen_store, french):
    app = app_for(seeded(frozen_store), room="lifecycle", role="facilitator")
    assert snap_compare(app, terminal_size=(120, 36), run_before=_opening_the_export())


def test_help_in_french(snap_compare, frozen_store, french):
    app = app_for(seeded(frozen_store), room="lifecycle", role="facilitator")
    assert snap_compare(app, terminal_size=(100, 30), run_before=_pressing("f1"))
