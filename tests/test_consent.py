"""One consent rule, every surface: what an off-the-record, an anonymous and a named person
said, walked through each screen and export that shows or writes contributions."""

from __future__ import annotations

import json

import pytest

from hubworkshop.domain.records import Draft
from hubworkshop.reports.formats import FORMATS, render
from hubworkshop.tui.screens.presenter import PresenterScreen
from hubworkshop.tui.screens.report_back import ReportBackScreen
from hubworkshop.tui.screens.room import RoomScreen
from test_tui import SIZE, room_app, screen_text, settle

SECRET = "SECRET-words-said-off-the-record"
ANON = "ANON-words-said-without-a-name"
NAMED = "NAMED-words-said-on-the-record"


@pytest.fixture
def consent_walk(store):
    """Three people, one of each consent level, each with a starred, voted, takeaway point;
    the named point's action owner is the off-the-record person."""
    store.set_participant("Sam Secret", "off-record")
    store.set_participant("Ann Anon", "anonymous")
    store.set_participant("Nia Named", "named")
    question = store.room_state("lifecycle").question
    ids = []
    for who, text in (("Sam Secret", SECRET), ("Ann Anon", ANON), ("Nia Named", NAMED)):
        c = store.add_contribution(Draft("lifecycle", text, question=question, author=who))
        store.update_contribution(c.id, starred=True)
        store.add_vote(c.id, participant="Nia Named")
        ids.append(c.id)
    store.set_action(ids[2], owner="Sam Secret", due="2021-12-15")
    store.set_takeaways("lifecycle", ids)
    return store


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("scope", [{}, {"room": "lifecycle"}, {"theme": "lifecycle"}])
@pytest.mark.parametrize("attribute", [False, True])
def test_exports_keep_every_consent_level(consent_walk, fmt, scope, attribute):
    text = render(fmt, consent_walk.snapshot(), attribute=attribute, **scope)
    archive = fmt == "json" and attribute
    assert NAMED in text and ANON in text
    assert (SECRET in text) is archive  # only the attributed archive keeps it, marked
    assert "Ann Anon" not in text
    assert "Sam Secret" not in text  # neither as a speaker nor as an action owner
    assert ("Nia Named" in text) is attribute
    if archive:
        rows = {c["text"]: c for c in json.loads(text)["contributions"]}
        assert rows[SECRET]["off_record"] is True and rows[SECRET]["author"] is None


async def test_presenter_view_shows_only_what_may_be_published(consent_walk):
    app = room_app(consent_walk, role="facilitator")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RoomScreen)
        assert SECRET in screen_text(app)  # the note-takers' own record has it
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, PresenterScreen)
        shown = screen_text(app)
        assert NAMED in shown and ANON in shown
        assert SECRET not in shown


async def test_report_back_shows_only_what_may_be_published(consent_walk):
    app = room_app(consent_walk, role="facilitator")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("ContributionList").focus()
        await pilot.press("B")
        await settle(pilot)
        assert isinstance(app.screen, ReportBackScreen)
        shown = screen_text(app)
        assert NAMED in shown and ANON in shown
        assert SECRET not in shown
