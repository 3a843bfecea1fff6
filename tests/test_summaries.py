"""What a summary says about where and when things were said (issue #30): responses keep the
point they answer, language marks only when sure, every contribution keeps its phase, the
points tied to no question grouped by room and phase, the questions no room reached, and the
CSV's columns."""

from __future__ import annotations

import csv
import io

import pytest

from hubworkshop.domain.detect import SURE_WORDS, detect_language
from hubworkshop.domain.records import Draft
from hubworkshop.reports.formats import render
from hubworkshop.sources.bank import load_bank
from hubworkshop.sources.bundled import bundled_plan
from language_notes import ENGLISH_NOTES

# -- responses keep their subject ----------------------------------------------------------


@pytest.fixture
def responses(store):
    store.participants.save("Kwame", "named")
    store.participants.save("Ann", "anonymous")
    question = store.rooms.state("value").question
    point = store.contributions.add(Draft("value", "Hubs need steady funding", question=question))
    store.contributions.add(
        Draft(
            "value",
            "agrees",
            question=question,
            kind="agreement",
            author="Kwame",
            responds_to=point.short_id,
        )
    )
    store.contributions.add(
        Draft(
            "value",
            "Funding alone is not enough",
            question=question,
            kind="disagreement",
            author="Ann",
            responds_to=point.id,
        )
    )
    return store, point


@pytest.mark.parametrize("attribute", [False, True])
def test_a_response_says_which_point_it_answers(responses, attribute):
    store, point = responses
    text = render("markdown", store.snapshot(), attribute=attribute)
    speaker = "**Kwame**" if attribute else "A participant"
    agreed = f"*Agreement with:* Hubs need steady funding *({point.short_id})* — {speaker} agrees"
    assert agreed in text
    # a response that is a whole sentence keeps it; Ann is never named
    assert (
        f"*Disagreement with:* Hubs need steady funding *({point.short_id})* — "
        "Funding alone is not enough" in text
    )
    assert "Ann" not in text
    wiki = render("wikitext", store.snapshot(), attribute=attribute)
    assert "''Agreement with:'' Hubs need steady funding" in wiki


def test_a_response_to_a_point_off_the_record_answers_nothing(store):
    store.participants.save("Sam", "off-record")
    secret = store.contributions.add(Draft("value", "SECRET point", author="Sam"))
    store.contributions.add(Draft("value", "agrees", kind="agreement", responds_to=secret.id))
    text = render("markdown", store.snapshot())
    assert "SECRET" not in text and secret.short_id not in text
    assert "agrees" in text
    csv_text = render("csv", store.snapshot())
    assert secret.id not in csv_text


def test_a_response_to_an_unknown_point_is_refused(store):
    from hubworkshop.domain.errors import NotFoundError

    with pytest.raises(NotFoundError):
        store.contributions.add(Draft("value", "agrees", kind="agreement", responds_to="zzzzzzzz"))
    assert store.contributions.find() == []


# -- language marks only when sure -----------------------------------------------------------


def _bank_texts():
    root = bundled_plan().parent.parent / "question_bank"
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        bank, _problems = load_bank(folder)
        assert bank is not None
        for theme in bank.themes:
            yield bank.languages, theme.title
            for q in theme.questions:
                yield bank.languages, q.text
                for follow_up in q.follow_ups:
                    yield bank.languages, follow_up
        for role in bank.roles:
            yield bank.languages, role.label


def test_the_detector_marks_no_bank_text_in_the_wrong_language():
    wrong = [
        (lang, said)
        for candidates, local in _bank_texts()
        for lang, said in local.items()
        if detect_language(said, candidates) not in (None, lang)
    ]
    assert wrong == []


@pytest.mark.parametrize("candidates", [("en", "fr"), ("en", "es", "ar"), ("en", "fr", "es", "ar")])
def test_short_english_notes_are_never_marked_as_another_language(candidates):
    wrong = [n for n in ENGLISH_NOTES if detect_language(n, candidates) not in (None, "en")]
    assert wrong == []
    short = [n for n in ENGLISH_NOTES if len(n.split()) < SURE_WORDS]
    assert short and all(detect_language(n, candidates) is None for n in short)


def test_a_summary_marks_a_language_only_when_sure(store):
    store.participants.save("Layla", "named", language="fr")
    store.contributions.add(Draft("value", "typo add test"))
    store.contributions.add(Draft("value", "See https://meta.wikimedia.org/ and $E=mc^2$"))
    store.contributions.add(Draft("value", "Trop lent", language="fr"))  # typed: %fr
    store.contributions.add(Draft("value", "Mentorat", author="Layla"))  # the speaker's
    store.contributions.add(Draft("value", "Les hubs pourraient devenir des guichets uniques"))
    text = render("markdown", store.snapshot())
    assert "typo add test *(fr)*" not in text
    assert "E=mc^2" in text and "mc^2\\$ *(fr)*" not in text
    assert "Trop lent *(fr)*" in text
    assert "Mentorat *(fr)*" in text
    assert "guichets uniques *(fr)*" in text


# -- every contribution knows its phase; loose points by room, then phase ----------------------


def test_points_tied_to_no_question_are_grouped_by_room_then_phase(store):
    phases = store.catalog.phases()
    store.rooms.set_phase("value", phases[1].id)
    store.contributions.add(Draft("value", "first draft of the purpose"))
    store.rooms.set_phase("value", phases[2].id)
    store.contributions.add(Draft("value", "ranking discussion"))
    store.contributions.add(Draft("lifecycle", "lifecycle note"))
    added = store.contributions.find()
    assert [c.phase for c in added][:2] == [phases[1].id, phases[2].id]
    text = render("markdown", store.snapshot())
    loose = text[text.index("### Not tied to a question") :]
    value, lifecycle = store.catalog.room("value").name, store.catalog.room("lifecycle").name
    assert f"**{phases[1].title} — {value}**" in loose
    assert f"**{phases[2].title} — {value}**" in loose
    assert loose.index(phases[1].title) < loose.index("first draft")
    assert loose.index(phases[2].title) < loose.index("ranking discussion")
    assert loose.index("ranking discussion") < loose.index(lifecycle) < loose.index("lifecycle")
    # the room is named on its group, not on every point
    assert f"first draft of the purpose *({value}" not in loose
    assert render("csv", store.snapshot()).count(phases[2].id) == 1


def test_a_question_a_room_opened_is_reached_even_without_points(store):
    room = store.catalog.room("value")
    second = room.questions[1]
    store.contributions.add(Draft("value", "a point on the first question"))
    store.rooms.open_question("value", second)
    text = render("markdown", store.snapshot())
    reached = text[text.index("Questions no room reached") : text.index("Questions participants")]
    assert f"({second})" not in reached
    assert f"({room.questions[0]})" not in reached  # the room's first, where it began


# -- the CSV ---------------------------------------------------------------------------------


@pytest.mark.parametrize("attribute", [False, True])
def test_the_csv_has_owner_due_cluster_merged_into_and_phase(store, attribute):
    store.participants.save("Nia", "named")
    store.participants.save("Ann", "anonymous")
    store.rooms.set_phase("value", store.catalog.phases()[1].id)
    a = store.contributions.add(Draft("value", "do the thing", kind="action"))
    b = store.contributions.add(Draft("value", "=SUM(A1)"))
    c = store.contributions.add(Draft("value", "merged away"))
    d = store.contributions.add(Draft("value", "Ann's task", kind="action"))
    store.points.set_action(a.id, owner="Nia", due="2021-12-15")
    store.points.set_action(d.id, owner="Ann", due="2021-12-16")
    store.points.set_cluster(b.id, "=funding")
    store.points.merge(c.id, b.id)
    rows = {
        r["id"]: r
        for r in csv.DictReader(io.StringIO(render("csv", store.snapshot(), attribute=attribute)))
    }
    assert rows[a.id]["owner"] == ("Nia" if attribute else "")
    assert rows[a.id]["due"] == "2021-12-15"
    assert rows[d.id]["owner"] == "" and rows[d.id]["due"] == "2021-12-16"
    assert rows[b.id]["cluster"] == "'=funding"  # a formula stays text
    assert rows[c.id]["merged_into"] == b.id
    assert {r["phase"] for r in rows.values()} == {store.catalog.phases()[1].id}


# -- Markdown escapes only what a renderer reads ----------------------------------------------


def test_markdown_escapes_an_address_once_per_part_and_leaves_plain_punctuation():
    from hubworkshop.reports.document import md_escape

    said = "See https://meta.wikimedia.org/wiki/Hubs: the draft, v2.1 (R&D, snake_case)!"
    assert md_escape(said) == (
        "See https:\\//meta\\.wikimedia\\.org/wiki/Hubs: the draft, v2.1 (R&D, snake_case)!"
    )
    assert md_escape("&amp; _em_ a_") == "\\&amp; \\_em\\_ a\\_"


# -- a response typed in the room answers the selected point ----------------------------------


async def test_equals_typed_on_a_selected_point_answers_it_in_the_summary(store):
    from hubworkshop.tui.widgets.capture_bar import CaptureBar
    from hubworkshop.tui.widgets.contribution_list import ContributionList
    from test_tui import SIZE, room_app, screen_text, settle

    store.participants.save("Kwame", "named")
    question = store.rooms.state("lifecycle").question
    first = store.contributions.add(Draft("lifecycle", "Hubs need an exit plan", question=question))
    store.contributions.add(Draft("lifecycle", "Another point", question=question))
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        listing = app.screen.query_one(ContributionList)
        listing.focus()
        await pilot.press("up")  # from the last point to the first
        await settle(pilot)
        assert listing.highlighted.id == first.id
        await pilot.press("equals_sign")
        await pilot.pause()
        bar = app.screen.query_one(CaptureBar)
        assert bar.value == f"= ^{first.short_id} "  # seen, and can be deleted
        for key in ("@", "K", "w", "a", "m", "e", "space", "a", "g", "r", "e", "e", "s"):
            await pilot.press(key)
        await pilot.press("enter")
        await settle(pilot)
        assert f"^{first.short_id} agrees" in screen_text(app)  # the list says what it answers
        # typed straight into the bar, `~` answers nothing
        await pilot.press("~", "space", "n", "o", "p", "e", "enter")
        await settle(pilot)
    rows = {c.text: c for c in store.contributions.find()}
    assert rows["agrees"].responds_to == first.id and rows["agrees"].author == "Kwame"
    assert rows["nope"].responds_to is None and rows["nope"].kind.value == "disagreement"
    text = render("markdown", store.snapshot(), attribute=True)
    assert (
        f"*Agreement with:* Hubs need an exit plan *({first.short_id})* — **Kwame** agrees" in text
    )


# -- `add` takes the room's open question ------------------------------------------------------


def test_add_takes_the_room_s_open_question_unless_told(cli, store, db_path):
    store.rooms.set_phase("value", store.catalog.phases()[2].id)
    question = store.rooms.state("value").question
    store.close()
    plain = cli("add", "--room", "value", "added from a script", db=db_path)
    assert plain.returncode == 0, plain.stderr
    told = cli("add", "--room", "value", "--question", "-", "tied to nothing", db=db_path)
    assert told.returncode == 0, told.stderr
    many = cli("add", "--room", "value", "-", db=db_path, stdin="one\ntwo\n")
    assert many.returncode == 0, many.stderr
    from hubworkshop.storage import Store

    with Store.open(db_path) as again:
        rows = {c.text: c for c in again.contributions.find()}
        point = rows["one"]
        answer = cli(
            "add", "--room", "value", "--kind", "agreement", "--answers", point.short_id,
            "agrees", db=db_path,
        )  # fmt: skip
        assert answer.returncode == 0, answer.stderr
        rows = {c.text: c for c in again.contributions.find()}
        text = render("markdown", again.snapshot())
    assert rows["added from a script"].question == question
    assert rows["one"].question == rows["two"].question == question
    assert rows["tied to nothing"].question is None
    assert {c.phase for c in rows.values()} == {again.catalog.phases()[2].id}
    assert rows["agrees"].responds_to == point.id
    reached = text[text.index("Questions no room reached") : text.index("Questions participants")]
    assert f"({question})" not in reached
    unknown = cli("add", "--room", "value", "--answers", "ffffffff", "x", db=db_path)
    assert unknown.returncode != 0 and "Traceback" not in unknown.stderr


# -- the export screen opens on the Outcomes ---------------------------------------------------


async def test_the_export_screen_opens_on_the_outcomes(tmp_path, hubs_plan):
    from textual.widgets import TextArea

    from hubworkshop.tui.screens.export import ExportScreen
    from test_tui import room_app, settle
    from workshop_fixture import build

    store = build(tmp_path / "fixture.db", hubs_plan)
    app = room_app(store, room="value")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        scroll = app.screen.query_one("#preview-scroll")
        heading = next(h for h in app.screen.query("MarkdownH2") if "Outcomes" in h.source)
        assert scroll.scroll_y > 0
        assert 0 <= heading.region.y - scroll.region.y <= 3  # the Outcomes at the top
        await pilot.press("tab", "down", "enter")  # wikitext
        await settle(pilot)
        area = app.screen.query_one("#preview-text", TextArea)
        assert area.document.get_line(area.cursor_location[0]) == "== Outcomes =="
        assert area.scroll_y > 0
    store.close()


# -- line mode and merged copies keep what a point answers and its phase ------------------------


def test_line_mode_answers_a_point_by_its_id_and_takes_the_room_s_question_and_phase(store):
    from hubworkshop.cli.line import LineRoom

    store.rooms.set_phase("lifecycle", store.catalog.phases()[1].id)
    question = store.rooms.state("lifecycle").question
    point = store.contributions.add(Draft("lifecycle", "Hubs need an exit plan", question=question))
    out = io.StringIO()
    room = LineRoom(store, "lifecycle", "Bea", out)
    assert room.handle(f"= ^{point.short_id} @Kwame agrees")
    assert room.handle("= ^ffffffff agrees")
    assert out.getvalue().splitlines()[-1].startswith("not saved: ")
    answer = next(c for c in store.contributions.find() if c.text == "agrees")
    assert (answer.responds_to, answer.question, answer.phase) == (
        point.id,
        question,
        store.catalog.phases()[1].id,
    )


def test_a_merged_copy_keeps_what_a_point_answers_and_its_phase(tmp_path, hubs_plan):
    import shutil

    from hubworkshop.storage import Store
    from hubworkshop.storage.merge import merge

    with Store.open(tmp_path / "main.db", hubs_plan) as main:
        point = main.contributions.add(Draft("value", "Hubs need steady funding"))
    shutil.copyfile(tmp_path / "main.db", tmp_path / "offline.db")
    with Store.open(tmp_path / "offline.db") as offline:
        offline.rooms.set_phase("value", offline.catalog.phases()[2].id)
        answer = offline.contributions.add(
            Draft("value", "agrees", kind="agreement", responds_to=point.id)
        )
    with Store.open(tmp_path / "main.db") as main:
        merge(main, [tmp_path / "offline.db"])
        merged = main.contributions.get(answer.id)
        assert (merged.responds_to, merged.phase) == (point.id, main.catalog.phases()[2].id)
