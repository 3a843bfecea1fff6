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
    store.participants.save("Sam Secret", "off-record")
    store.participants.save("Ann Anon", "anonymous")
    store.participants.save("Nia Named", "named")
    question = store.rooms.state("lifecycle").question
    store.votes.open("lifecycle", dots=3)
    ids = []
    for who, text in (("Sam Secret", SECRET), ("Ann Anon", ANON), ("Nia Named", NAMED)):
        c = store.contributions.add(Draft("lifecycle", text, question=question, author=who))
        store.contributions.update(c.id, starred=True)
        store.votes.add(c.id, participant="Nia Named")
        ids.append(c.id)
    store.points.set_action(ids[2], owner="Sam Secret", due="2021-12-15")
    store.points.set_takeaways("lifecycle", ids)
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


async def test_presenter_view_shows_only_the_current_questions_unparked_points(consent_walk):
    store = consent_walk
    questions = store.catalog.room("lifecycle").questions
    current = store.rooms.state("lifecycle").question
    other = next(q for q in questions if q != current)
    parked = store.contributions.add(Draft("lifecycle", "PARKED-for-later", question=current))
    store.contributions.update(parked.id, parked=True)
    store.contributions.add(Draft("lifecycle", "OTHER-question-point", question=other))
    app = room_app(store, role="facilitator")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        shown = screen_text(app)
        assert NAMED in shown
        assert "PARKED-for-later" not in shown and "OTHER-question-point" not in shown


async def test_dashboard_and_ranking_chart_show_no_words_and_no_names(consent_walk):
    """The all-rooms dashboard counts; it shows no one's words or name."""
    app = room_app(consent_walk, role="facilitator")
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        table = app.screen.query_one("DataTable")
        cells = " ".join(
            str(table.get_cell_at((r, c)))
            for r in range(table.row_count)
            for c in range(len(table.columns))
        )
        for said in (SECRET, ANON, NAMED, "Sam Secret", "Ann Anon", "Nia Named"):
            assert said not in cells
        assert "3" in cells  # lifecycle's three points are counted


async def test_report_back_shows_only_what_may_be_published(consent_walk):
    app = room_app(consent_walk, role="facilitator")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("ContributionList").focus()
        await pilot.press("enter", "B")
        await settle(pilot)
        assert isinstance(app.screen, ReportBackScreen)
        shown = screen_text(app)
        assert NAMED in shown and ANON in shown
        assert SECRET not in shown


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("attribute", [False, True])
def test_an_off_the_record_ballot_is_never_published(store, fmt, attribute):
    """Room 'value' ranked only by an off-the-record person publishes no order; in
    'lifecycle' an anonymous ballot counts without a name and a named one is listed by name
    only with --attribute."""
    store.participants.save("Sam Secret", "off-record")
    store.participants.save("Ann Anon", "anonymous")
    store.participants.save("Nia Named", "named")
    roles = [r.id for r in store.catalog.roles()]
    secret_order = list(reversed(roles))
    store.rankings.record("value", secret_order, participant="Sam Secret")
    store.rankings.record("lifecycle", roles[:3], participant="Ann Anon")
    store.rankings.record("lifecycle", roles[1:4], participant="Nia Named")
    text = render(fmt, store.snapshot(), attribute=attribute)
    assert "Sam Secret" not in text and "Ann Anon" not in text
    assert ("Nia Named" in text) is (attribute and fmt != "csv")
    if fmt == "json":
        ranking = json.loads(text)["task_ranking"]
        assert set(ranking["rooms"]) == {"lifecycle"}  # no order for 'value'
        # lifecycle: the Borda of both counted ballots (roles[0] only Ann ranked)
        assert ranking["rooms"]["lifecycle"] == [roles[1], roles[2], roles[0], roles[3]]
        assert ranking["participants"] == (
            {"lifecycle": {"Nia Named": roles[1:4]}} if attribute else {}
        )
    elif fmt != "csv":
        names = {r.id: r.label.get_text("en") for r in store.catalog.roles()}
        value_room = store.catalog.room("value").name
        assert f"{value_room}: 1. " not in text and f"{value_room}</bdi>: 1. " not in text
        assert f"{store.catalog.room('lifecycle').name}: 1. " in text
        assert names[roles[-1]] + " — 0 points" in text  # the secret first choice earned nothing


async def test_ranking_chart_leaves_out_an_off_the_record_ballot(store):
    store.participants.save("Sam Secret", "off-record")
    roles = [r.id for r in store.catalog.roles()]
    store.rankings.record("value", list(reversed(roles)), participant="Sam Secret")
    app = room_app(store, room="lifecycle", role="facilitator")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.action_ranking()
        await settle(pilot)
        shown = screen_text(app)
        assert "0 rooms ranked" in shown


@pytest.fixture
def merged_walk(consent_walk):
    """The named and the anonymous point merged into the off-the-record one."""
    store = consent_walk
    by_text = {c.text: c for c in store.contributions.find()}
    secret = by_text[SECRET]
    store.points.merge(by_text[NAMED].id, secret.id)
    store.points.merge(by_text[ANON].id, secret.id)
    return store, secret


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("attribute", [False, True])
@pytest.mark.parametrize("scope", [{}, {"room": "lifecycle"}, {"theme": "lifecycle"}])
def test_points_merged_into_an_off_the_record_one_stay_visible(merged_walk, fmt, attribute, scope):
    store, secret = merged_walk
    text = render(fmt, store.snapshot(), attribute=attribute, **scope)
    assert NAMED in text and ANON in text
    if not (fmt == "json" and attribute):
        assert SECRET not in text and secret.id not in text and secret.short_id not in text
    if fmt == "json":
        rows = {c["text"]: c for c in json.loads(text)["contributions"]}
        expected = secret.id if attribute else None  # the archive keeps the merge it holds
        assert rows[NAMED]["merged_into"] == expected and rows[ANON]["merged_into"] == expected


async def test_presenter_shows_points_merged_into_an_off_the_record_one(merged_walk):
    store, _secret = merged_walk
    app = room_app(store, role="facilitator")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        shown = screen_text(app)
        assert NAMED in shown and ANON in shown and SECRET not in shown
