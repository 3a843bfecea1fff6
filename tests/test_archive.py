"""The JSON archive round trip: export -> import -> export gives the same bytes, for
hypothesis-generated workshops; and `hubworkshop import` refuses what it cannot rebuild."""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import examples
from hubworkshop.domain.errors import InputError
from hubworkshop.domain.model import Consent, Kind
from hubworkshop.domain.records import Draft
from hubworkshop.reports.archive import read_archive
from hubworkshop.reports.formats import FORMATS, render
from hubworkshop.sources.bundled import bundled_plan
from hubworkshop.sources.plan import read_plan
from hubworkshop.storage import Store
from hubworkshop.storage.restore import restore
from workshop_fixture import build

PLAN = read_plan(bundled_plan())
ROOMS = [r.id for r in PLAN.rooms]
ROLES = [r.id for r in PLAN.bank.roles]
PEOPLE = [
    ("Amina Diallo", "named"),
    ("Kwame", "anonymous"),
    ("Élodie", "off-record"),
    ("李伟", "named"),
]

TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=30).filter(
    str.strip
)
TAG = st.from_regex(r"[a-z][a-z0-9-]{0,6}", fullmatch=True)

contribution = st.fixed_dictionaries(
    {
        "room": st.sampled_from(ROOMS),
        "text": TEXT,
        "kind": st.sampled_from(list(Kind)),
        "author": st.one_of(st.none(), st.sampled_from([p for p, _ in PEOPLE])),
        "tags": st.lists(TAG, max_size=2, unique=True).map(tuple),
        "language": st.sampled_from(["en", "fr", "ar", "pt-BR"]),
        "starred": st.booleans(),
        "parked": st.booleans(),
        "cluster": st.one_of(st.none(), TEXT),
        "owner": st.one_of(st.none(), st.sampled_from(["Amina Diallo", "Kwame", "someone else"])),
        "voters": st.lists(st.sampled_from([p for p, _ in PEOPLE]), max_size=2, unique=True),
    }
)
workshops = st.fixed_dictionaries(
    {
        "contributions": st.lists(contribution, max_size=8),
        "merges": st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=3),
        "room_orders": st.dictionaries(
            st.sampled_from(ROOMS), st.lists(st.sampled_from(ROLES), unique=True, max_size=4)
        ),
        "own_orders": st.lists(
            st.tuples(
                st.sampled_from(ROOMS),
                st.sampled_from([p for p, _ in PEOPLE]),
                st.lists(st.sampled_from(ROLES), unique=True, min_size=1, max_size=3),
            ),
            max_size=3,
        ),
        "purpose": st.lists(st.tuples(st.sampled_from(ROOMS), TEXT, st.booleans()), max_size=3),
        "takeaways": st.dictionaries(
            st.sampled_from(ROOMS), st.lists(st.integers(0, 7), unique=True, max_size=3)
        ),
        # The workshop's time: phases and questions opened between the contributions.
        "moves": st.lists(
            st.tuples(st.integers(0, 7), st.sampled_from(ROOMS), st.integers(0, 9), st.booleans()),
            max_size=4,
        ),
        "responses": st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=2),
    }
)
PHASES = [p.id for p in PLAN.phases]
QUESTIONS = {r.id: r.questions for r in PLAN.rooms}


def make(store: Store, w: dict) -> None:
    for name, consent in PEOPLE:
        store.participants.save(name, consent)
    ids = []
    answers = {i: j for i, j in w["responses"] if j < i}
    for n, c in enumerate(w["contributions"]):
        for at, room, which, phase in w["moves"]:
            if at == n and phase:
                store.rooms.set_phase(room, PHASES[which % len(PHASES)])
            elif at == n:
                store.rooms.open_question(room, QUESTIONS[room][which % len(QUESTIONS[room])])
        row = store.contributions.add(
            Draft(
                c["room"],
                c["text"],
                kind=c["kind"],
                author=c["author"],
                tags=c["tags"],
                language=c["language"],
                question=store.rooms.state(c["room"]).question,
                responds_to=ids[answers[n]] if n in answers else None,
            )
        )
        ids.append(row.id)
        store.contributions.update(row.id, starred=c["starred"], parked=c["parked"])
        if c["cluster"]:
            store.points.set_cluster(row.id, c["cluster"])
        if c["owner"]:
            store.points.set_action(row.id, owner=c["owner"], due="2021-12-15")
        if c["voters"]:
            store.votes.open(c["room"], dots=3)
            for voter in c["voters"]:
                store.votes.add(row.id, participant=voter)
            store.votes.close(c["room"])
    for a, b in w["merges"]:
        if a < len(ids) and b < len(ids):
            with contextlib.suppress(InputError):  # refused, as in the room
                store.points.merge(ids[a], ids[b])
    for room, order in w["room_orders"].items():
        if order:
            store.rankings.record(room, order)
    for room, who, order in w["own_orders"]:
        store.rankings.record(room, order, participant=who)
    for room, text, final in w["purpose"]:
        store.purposes.add(room, text, final=final)
    for room, picks in w["takeaways"].items():
        chosen = [
            ids[i] for i in picks if i < len(ids) and store.contributions.get(ids[i]).room == room
        ]
        store.points.set_takeaways(room, chosen)


def round_trip(store: Store, folder: Path, fmt: str = "json") -> tuple[str, str]:
    archive = render("json", store.snapshot(), attribute=True)
    first = render(fmt, store.snapshot(), attribute=True)
    restore(folder / "again.db", read_archive(archive, "archive.json"))
    with Store.open(folder / "again.db") as again:
        second = render(fmt, again.snapshot(), attribute=True)
    return first, second


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workshops, st.sampled_from(["json", "markdown", "wikitext", "html", "csv"]))
def test_export_import_export_gives_the_same_bytes(w, fmt):
    with (
        tempfile.TemporaryDirectory() as folder,
        Store.open(Path(folder) / "one.db", PLAN) as store,
    ):
        make(store, w)
        first, second = round_trip(store, Path(folder), fmt)
    assert second == first


def test_the_fixture_workshop_round_trips(tmp_path, hubs_plan):
    store = build(tmp_path / "fixture.db", hubs_plan)
    first, second = round_trip(store, tmp_path)
    store.close()
    assert second == first
    document = json.loads(first)
    assert document["contributions"] and document["task_ranking"]["scores"]


@pytest.mark.parametrize("attribute", [False, True])
def test_every_format_is_the_same_after_an_import(tmp_path, hubs_plan, attribute):
    """export -> import -> export: every format, summaries with their minutes included."""
    store = build(tmp_path / "fixture.db", hubs_plan)
    archive = render("json", store.snapshot(), attribute=True)
    before = {fmt: render(fmt, store.snapshot(), attribute=attribute) for fmt in FORMATS}
    store.close()
    restore(tmp_path / "again.db", read_archive(archive, "archive.json"))
    with Store.open(tmp_path / "again.db") as again:
        after = {fmt: render(fmt, again.snapshot(), attribute=attribute) for fmt in FORMATS}
    for fmt in FORMATS:
        assert after[fmt] == before[fmt], fmt
    assert " min)" in before["markdown"]  # the fixture's rooms kept time


def test_import_command(cli, tmp_path, hubs_plan):
    build(tmp_path / "fixture.db", hubs_plan).close()
    archive = tmp_path / "archive.json"
    done = cli(
        "export", "--format", "json", "--attribute", "-o", str(archive), db=tmp_path / "fixture.db"
    )
    assert done.returncode == 0, done.stderr
    new = tmp_path / "new.db"
    result = cli("import", str(archive), "--db", str(new))
    assert result.returncode == 0, result.stderr
    assert "added 16 contributions" in result.stdout
    again = cli("export", "--format", "json", "--attribute", db=new)
    assert again.stdout == archive.read_text(encoding="utf-8")
    # an existing file is never replaced
    before = new.read_bytes()
    refused = cli("import", str(archive), "--db", str(new))
    assert refused.returncode == 2 and "already exists" in refused.stderr
    assert new.read_bytes() == before


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t[:-20], "archive.json:"),  # cut short: a JSON error with its line
        (
            lambda t: t.replace('"kind": "idea"', '"kind": "musing"', 1),
            "contributions[0].kind: 'musing' is not a kind",
        ),
        (lambda t: t.replace('"attributed": true', '"attributed": false'), "only the full archive"),
        (lambda t: t.replace('"schema_version": 1', '"schema_version": 99'), "schema_version: 99"),
        (lambda t: t.replace('"votes": 0', '"votes": "many"', 1), "votes: must be a number"),
    ],
)
def test_a_bad_archive_is_named_and_creates_nothing(cli, tmp_path, hubs_plan, edit, message):
    build(tmp_path / "fixture.db", hubs_plan).close()
    text = cli("export", "--format", "json", "--attribute", db=tmp_path / "fixture.db").stdout
    archive = tmp_path / "archive.json"
    archive.write_text(edit(text), encoding="utf-8")
    result = cli("import", str(archive), "--db", str(tmp_path / "new.db"))
    assert result.returncode == 2, result.stdout
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "new.db").exists()
    assert [p.name for p in tmp_path.iterdir() if "importing" in p.name] == []


def test_placeholders_keep_off_the_record_words_off_the_record(tmp_path, hubs_plan):
    with Store.open(tmp_path / "one.db", hubs_plan) as store:
        store.participants.save("Sam", "off-record")
        store.contributions.add(Draft("value", "secret words", author="Sam"))
        restore(
            tmp_path / "two.db", read_archive(render("json", store.snapshot(), attribute=True), "a")
        )
    with Store.open(tmp_path / "two.db") as again:
        [row] = again.contributions.find()
        assert row.consent is Consent.OFF_RECORD and "secret words" not in render(
            "markdown", again.snapshot()
        )
