"""The second bundled example, end to end (issue #33): a five-language community conversation
with nothing of the Hubs event in it, built by the command line as a new user would, every
question shown in every language in the room and the presenter view, every export in every
language, and none of the first event's words anywhere."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import uuid

import pytest

from hubworkshop.domain.records import Draft
from hubworkshop.reports.formats import FORMATS, render
from hubworkshop.sources.bundled import bundled_plan
from hubworkshop.sources.plan import read_plan
from hubworkshop.storage import Store
from hubworkshop.tui.app import HubworkshopApp

NAME = "community-conversation-2026"
LANGUAGES = ("en", "es", "ar", "fr", "ru")
ROOMS = {"english": "en", "espanol": "es", "arabic": "ar", "francais": "fr", "russian": "ru"}
FIRST_EVENT = re.compile(
    r"\bhubs?\b|hub roles|movement strategy|27 november|no decision making|\bdecisions?:|"
    r"why hubs exist|what hubs should do",
    re.IGNORECASE,
)
"""The first (Hubs) event's words: its subject, its organiser, its date, its note."""

SAID = {
    "english": ("A friendly message on the talk page the same day", "first-edit"),
    "espanol": ("Un mensaje amable en la página de discusión el mismo día", "first-edit"),
    "arabic": ("رسالة ودية في صفحة النقاش في اليوم نفسه", "first-edit"),
    "francais": ("Un message bienveillant sur la page de discussion le jour même", "reverts"),
    "russian": ("Дружелюбное сообщение на странице обсуждения в тот же день", "languages"),
}


@pytest.fixture(scope="module")
def plan():
    return read_plan(bundled_plan(NAME))


def test_the_example_is_built_and_exported_from_the_command_line(cli, tmp_path):
    db = tmp_path / "conversation.db"
    made = cli("--plan", NAME, "participant", "Nadia", "--consent", "named", db=db, plan=None)
    assert made.returncode == 0, made.stderr
    for room, (text, question) in SAID.items():
        added = cli(
            "add", "--room", room, "--question", f"welcome.{question}", "--by", "Nadia", text,
            db=db, plan=None,
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        order = ["mentorship", "help-desk", "first-tasks", "video-tutorials", "local-events"]
        ranked = cli("rank", "set", "--room", room, *order, db=db, plan=None)
        assert ranked.returncode == 0, ranked.stderr
    listed = json.loads(cli("list", "--json", db=db, plan=None).stdout)
    assert [r["language"] for r in listed] == list(ROOMS.values())  # each as said
    for lang in LANGUAGES:
        summary = cli("export", "--lang", lang, "--attribute", db=db, plan=None)
        assert summary.returncode == 0, summary.stderr
        assert FIRST_EVENT.search(summary.stdout) is None
        assert ("catalog" in summary.stderr) is (lang not in ("en", "fr"))
        subject = {
            "en": "What to fund first for newcomers",
            "es": "Qué financiar primero para los recién llegados",
            "ar": "ما الذي يجب تمويله أولاً من أجل القادمين الجدد",
            "fr": "Ce qu'il faut financer en premier pour les nouveaux venus",
            "ru": "Что финансировать в первую очередь для новичков",
        }[lang]
        assert subject in summary.stdout
        assert "Purpose statements" not in summary.stdout  # no such phase in this plan
        assert "Split between rooms" not in summary.stdout  # five rooms agreed


def test_every_export_in_every_language_has_none_of_the_first_event_s_words(tmp_path, plan):
    with Store.open(tmp_path / "w.db", plan) as store:
        for room, lang in ROOMS.items():
            for question in store.catalog.room(room).questions:
                store.contributions.add(
                    Draft(room, f"{lang} · {question}", question=question, language=lang)
                )
        store.rankings.record("arabic", ["help-desk", "first-tasks", "mentorship"])
        record = store.snapshot()
    scopes = [{}, *({"room": r} for r in ROOMS), {"theme": "welcome"}, {"theme": "staying"}]
    for fmt in FORMATS:
        for lang in LANGUAGES:
            for scope in scopes:
                out = render(fmt, record, lang=lang, attribute=True, **scope)
                found = FIRST_EVENT.search(out)
                assert found is None, (fmt, lang, scope, found)
                if fmt == "markdown" and scope.get("theme") == "welcome":
                    question = plan.bank.questions["welcome.reverts"].text[lang]
                    assert question in out  # the bank's text, in the summary's language


async def _settle(pilot):
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _questions(app) -> list[str]:
    from textual.widgets import Static

    return [str(w.render()) for w in app.screen.query(".question").results(Static) if w.display]


@pytest.mark.slow
async def test_every_question_in_every_language_in_the_room_and_the_presenter(tmp_path, plan):
    """In the Arabic room (every room has the same questions; each opens in its own
    language, as the snapshots below show): every question in each of the five languages
    and two side by side, in the room and in the presenter view."""
    room = "arabic"
    own = ROOMS[room]
    others = [lang for lang in LANGUAGES if lang != own]
    pair = [own, "en"] if own != "en" else ["en", "es"]
    with Store.open(tmp_path / "w.db", plan) as store:
        app = HubworkshopApp(store, room=room, role="facilitator", user_name="Nadia")
        async with app.run_test(size=(120, 36)) as pilot:
            await _settle(pilot)
            for index, question_id in enumerate(plan.rooms[0].questions):
                text = plan.bank.questions[question_id].text
                expected = [[text[own]], *([text[o]] for o in others), [text[p] for p in pair]]
                assert _questions(app) == expected[0], (question_id, own)
                for want in expected[1:]:
                    await pilot.press("f2")
                    assert _questions(app) == want
                await pilot.press("f2", "f3")  # back to the room's own, then present it
                await _settle(pilot)
                assert _questions(app) == expected[0]
                for want in [*expected[1:], expected[0]]:
                    await pilot.press("f2")
                    assert _questions(app) == want
                await pilot.press("escape")
                if index + 1 < len(plan.rooms[0].questions):
                    await pilot.press("escape", "f8")  # to the list, then the next question
                    await _settle(pilot)
                    await pilot.press("i")


# -- snapshots: each room as it opens, and the Arabic room's presenter view --------------------

FROZEN = dt.datetime(2026, 3, 14, 14, 25, 0, tzinfo=dt.UTC)


@pytest.fixture
def example_store(tmp_path, monkeypatch, plan):
    monkeypatch.chdir(tmp_path)
    minutes = itertools.count()
    store = Store.open(
        "conversation.db",
        plan,
        clock=lambda: f"2026-03-14T14:{20 + next(minutes) % 30:02d}:00.000Z",
    )
    numbers = itertools.count(1)
    store.new_id = lambda: str(uuid.UUID(int=next(numbers) << 96 | 0xABC))
    for room, (text, _question) in SAID.items():
        store.contributions.add(Draft(room, text, author="Nadia"), note_taker="Omar")
    yield store
    store.close()


@pytest.mark.parametrize("room", list(ROOMS))
def test_snapshot_each_room_opens_in_its_language(snap_compare, example_store, room):
    app = HubworkshopApp(example_store, room=room, frozen_time=FROZEN, user_name="Omar")
    assert snap_compare(app, terminal_size=(100, 30), run_before=_settle)


def test_snapshot_arabic_presenter_two_languages_side_by_side(snap_compare, example_store):
    app = HubworkshopApp(
        example_store, room="arabic", role="facilitator", frozen_time=FROZEN, user_name="Omar"
    )

    async def present(pilot):
        await _settle(pilot)
        await pilot.press("f2", "f2", "f2", "f2", "f2", "f3")  # both: Arabic and English
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(100, 30), run_before=present)
