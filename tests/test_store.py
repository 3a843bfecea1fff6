"""The store: round trips, history, migrations, refusing bad files, and many writers."""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from hubworkshop.domain.errors import InputError, NotFoundError, StoreError
from hubworkshop.domain.model import Consent, Kind
from hubworkshop.domain.records import Draft
from hubworkshop.sources.bundled import bundled_plan
from hubworkshop.storage import Store
from hubworkshop.storage.contributions import BULK_ROWS
from hubworkshop.storage.schema import MIGRATIONS
from hubworkshop.storage.version import MIGRATION_NAMES, SCHEMA_VERSION

WRITER = Path(__file__).with_name("writer_process.py")


def test_add_and_read_back(store):
    added = store.contributions.add(
        Draft(
            room="value",
            question="value.benefit",
            text="Hubs bring decisions closer to communities",
            kind="proposal",
            author="Amina",
            tags=("#power", "decentralise", "power"),
        ),
        note_taker="nt1",
    )
    [read] = store.contributions.find(room="value")
    assert read == added
    assert read.kind is Kind.PROPOSAL
    assert read.author == "Amina" and read.consent is Consent.ANONYMOUS
    assert read.tags == ("decentralise", "power")
    assert read.note_taker == "nt1"
    assert read.language == "en"
    assert len(read.id) == 36 and read.short_id == read.id[:8]
    assert store.contributions.get(read.short_id) == read
    actions = [(e.action, e.subject) for e in store.events.all(room="value")]
    assert ("participant.add", str(read.author_id)) in actions
    assert ("contribution.add", read.id) in actions


def test_text_is_stored_exactly_as_typed(store):
    texts = [
        "نحتاج إلى مراكز إقليمية",  # Arabic, right to left
        "שלום עולם",  # Hebrew
        "枢纽应该支持社区 🌍👩🏽‍💻",  # Chinese and emoji with ZWJ
        "[bold]not bold[/bold] [@click=app.quit]x[/] \x1b[31mred\x1b[0m \u202eevil",
        "x" * 1_000_000,  # a 1 MB paste
        "  leading and trailing spaces  \n and a second line ",
    ]
    ids = [store.contributions.add(Draft(room="value", text=t)).id for t in texts]
    assert [c.text for c in store.contributions.by_ids(ids)] == texts


@pytest.mark.parametrize("text", ["", "   \n\t ", "bad \ud800 surrogate"])
def test_unusable_text_is_refused_and_nothing_is_written(store, text):
    with pytest.raises(InputError):
        store.contributions.add(Draft(room="value", text=text))
    assert store.contributions.find() == []


def test_unknown_room_question_and_kind(store):
    with pytest.raises(NotFoundError, match="unknown room 'nope'"):
        store.contributions.add(Draft(room="nope", text="x"))
    with pytest.raises(NotFoundError, match=r"unknown question id 'value\.nope'"):
        store.contributions.add(Draft(room="value", question="value.nope", text="x"))
    with pytest.raises(InputError, match="unknown kind 'rant'"):
        store.contributions.add(Draft(room="value", kind="rant", text="x"))


def test_batch_is_one_transaction(store):
    drafts = [
        Draft(room="value", text="one"),
        Draft(room="value", text="two"),
        Draft(room="x", text="3"),
    ]
    with pytest.raises(NotFoundError):
        store.contributions.add_many(drafts)
    assert store.contributions.find() == []
    added = store.contributions.add_many(drafts[:2])
    assert [c.text for c in added] == ["one", "two"]


def test_edit_delete_restore_and_tags_are_logged(store):
    c = store.contributions.add(Draft(room="lifecycle", text="first wording"))
    store.contributions.update(c.id, text="second wording", kind="concern", actor="nt")
    store.contributions.set_tags(c.id, ["demotion", "#process"], actor="nt")
    store.contributions.update(c.id, starred=True, parked=True)
    store.contributions.delete(c.id, actor="nt")
    assert store.contributions.find() == []
    assert [x.id for x in store.contributions.find(include_deleted=True)] == [c.id]
    store.contributions.restore(c.id)
    [now] = store.contributions.find()
    assert (now.text, now.kind, now.tags, now.starred, now.parked) == (
        "second wording",
        Kind.CONCERN,
        ("demotion", "process"),
        True,
        True,
    )
    store.contributions.add(Draft(room="value", text="elsewhere", tags=("funding",)))
    assert store.contributions.tags() == [
        "demotion",
        "funding",
        "process",
    ]  # one vocabulary for every room
    edits = [e for e in store.events.all(room="lifecycle") if e.subject == c.id]
    assert [e.action for e in edits] == [
        "contribution.add",
        "contribution.edit",
        "contribution.tag",
        "contribution.edit",
        "contribution.delete",
        "contribution.restore",
    ]
    assert edits[1].data["before"] == {"text": "first wording", "kind": "idea"}
    assert edits[1].actor == "nt"


def test_participants_and_consent_changes(store):
    store.contributions.add(Draft(room="value", text="x", author="Kwame"))
    [kwame] = store.participants.all()
    assert kwame.consent is Consent.ANONYMOUS
    store.participants.save("kwame", "named", language="fr", room="value", actor="facilitator")
    [kwame] = store.participants.all(room="value")
    assert (kwame.name, kwame.consent, kwame.language) == ("Kwame", Consent.NAMED, "fr")
    [update] = [e for e in store.events.all() if e.action == "participant.update"]
    assert update.data["before"]["consent"] == "anonymous"
    assert update.data["after"]["consent"] == "named"
    with pytest.raises(InputError, match="unknown consent"):
        store.participants.save("Kwame", "maybe")


def test_votes_count_dots(store):
    c = store.contributions.add(Draft(room="value", text="x"))
    store.votes.open("value", dots=3)
    store.votes.add(c.id, participant="Ana", dots=2)
    store.votes.add(c.id, participant="Kim")
    assert store.contributions.get(c.id).votes == 3


def test_a_dot_needs_an_open_vote_and_a_participant(store):
    c = store.contributions.add(Draft(room="value", text="x"))
    with pytest.raises(InputError, match="no vote is open in Room 1: Value"):
        store.votes.add(c.id, participant="Ana")
    store.votes.open("value", dots=1)
    with pytest.raises(InputError, match="who casts it"):
        store.votes.add(c.id)
    store.votes.add(c.id, participant="Ana")
    with pytest.raises(InputError, match="used 1 of 1 dots"):
        store.votes.add(c.id, participant="ana")  # the same person, typed otherwise
    store.votes.close("value")
    with pytest.raises(InputError, match="no vote is open"):
        store.votes.add(c.id, participant="Kim")
    assert store.contributions.get(c.id).votes == 1


def test_search_finds_substrings_in_any_script(store):
    for text in [
        "Regional HUBS need legal support",
        "枢纽应该支持社区",
        "Mentorship for trainers",
        "a% b_",
    ]:
        store.contributions.add(Draft(room="value", text=text))

    def found(query):
        rows = store.contributions.find(search=query)
        # The list's search (a different query plan) finds the same rows.
        assert store.contributions.seqs(search=query) == [c.seq for c in rows]
        assert store.contributions.seqs(room="value", search=query) == [c.seq for c in rows]
        return [c.text for c in rows]

    assert found("hubs legal") == ["Regional HUBS need legal support"]
    assert found("ubs") == ["Regional HUBS need legal support"]
    assert found("支持") == ["枢纽应该支持社区"]
    assert found("train") == ["Mentorship for trainers"]
    assert found("%") == ["a% b_"]
    assert found('"quoted') == []
    assert found("ment rs") == ["Mentorship for trainers"]  # a long and a short word
    assert found("a%") == ["a% b_"]


def test_a_rooms_search_finds_only_its_live_points(store):
    """The room's search looks matches up in the index of live points: what was deleted,
    merged into another point or said in another room is not found."""
    kept, gone, merged, target = (
        store.contributions.add(Draft(room="value", text=f"funding {word}"))
        for word in ("kept", "gone", "merged", "target")
    )
    elsewhere = store.contributions.add(Draft(room="lifecycle", text="funding elsewhere"))
    store.contributions.delete(gone.id)
    store.points.merge(merged.id, target.id)
    assert store.contributions.seqs(room="value", search="funding") == [kept.seq, target.seq]
    assert store.contributions.seqs(room="lifecycle", search="fund") == [elsewhere.seq]
    assert store.contributions.seqs(search="funding") == [kept.seq, target.seq, elsewhere.seq]
    store.contributions.restore(gone.id)
    assert store.contributions.seqs(room="value", search="funding gone") == [gone.seq]


def test_bulk_import_is_searchable_like_single_adds(store):
    ids = store.contributions.bulk_import(
        [Draft("value", f"bulk line {i} about funding") for i in range(BULK_ROWS + 10)]
    )
    store.contributions.add(Draft("value", "one more about funding"))
    assert len(store.contributions.seqs(search="funding")) == BULK_ROWS + 11
    assert len(store.contributions.seqs(search=f"line {BULK_ROWS + 9} ")) == 1
    store.contributions.update(ids[0], text="renamed entirely")
    assert store.contributions.seqs(search="renamed") == [store.contributions.get(ids[0]).seq]
    triggers = {
        r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
    }
    assert {"contributions_ai", "contributions_ad", "contributions_au"} <= triggers
    assert (
        store.db.execute(
            "INSERT INTO contributions_fts(contributions_fts) VALUES ('integrity-check')"
        )
        is not None
    )


def test_current_question_is_shared_and_logged(store, db_path, hubs_plan):
    assert store.rooms.state("lifecycle").question == "lifecycle.overview"
    store.rooms.open_question("lifecycle", "lifecycle.demotion", actor="fac")
    with Store.open(db_path, hubs_plan) as other:
        assert other.rooms.state("lifecycle").question == "lifecycle.demotion"
    actions = [(e.action, e.subject) for e in store.events.all(room="lifecycle")]
    assert actions == [
        ("question.close", "lifecycle.overview"),
        ("question.open", "lifecycle.demotion"),
    ]


def test_database_keeps_the_bank_it_was_created_with(db_path, hubs_plan, tmp_path, make_bank):
    Store.open(db_path, hubs_plan).close()
    other_plan = tmp_path / "other.toml"
    other_plan.write_text(
        bundled_plan().read_text().replace("../question_bank/hubs-2021", str(make_bank())),
        encoding="utf-8",
    )
    # Reopening with another plan (and bank) changes nothing: history is not rewritten.
    with Store.open(db_path, other_plan) as store:
        assert store.catalog.question("value.benefit").text["en"] == (
            "What is the benefit of becoming a hub over the status quo?"
        )
        assert len(store.catalog.questions()) == len(hubs_plan.bank.questions)


def test_new_database_is_private_and_in_wal_mode(db_path, hubs_plan):
    # Made here, not by the `store` fixture (a copy of one made once per process).
    with Store.open(db_path, hubs_plan) as store:
        assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_forward_migration_keeps_data(db_path, hubs_plan):
    # A database as version 1 of the schema left it, with a contribution in it.
    db = Database(db_path)
    MIGRATIONS.apply(db, stop_before="0002_room_state")
    db.execute("PRAGMA user_version=1")
    with db.conn:  # one transaction
        db["workshop"].insert(
            {
                "id": "w",
                "title": "Old",
                "date": "2021-11-27",
                "start": "13:00",
                "end": "16:00",
                "timezone": "UTC",
                "languages": '["en"]',
                "note": "",
                "dots": 3,
                "url": "",
                "organisers": "",
                "bank_id": "b",
                "bank_title": "B",
                "bank_languages": '["en"]',
                "created_at": "2021-11-27T13:00:00.000Z",
            }
        )
        db["themes"].insert({"id": "value", "position": 0, "title": '{"en": "Value"}'})
        db["questions"].insert(
            {
                "id": "value.a",
                "theme": "value",
                "position": 0,
                "headline": 1,
                "text": '{"en": "A?"}',
                "follow_ups": "[]",
            }
        )
        db["rooms"].insert({"id": "r", "position": 0, "name": "R"})
        db["room_questions"].insert({"room": "r", "question": "value.a", "position": 0})
        db.execute(  # as version 1 wrote it
            "INSERT INTO contributions (id, room, kind, text, language, created_at, updated_at) "
            "VALUES ('c1', 'r', 'idea', 'said before the upgrade', 'en', 't', 't')"
        )
    db.close()

    with Store.open(db_path, hubs_plan) as upgraded:
        assert [m.name for m in MIGRATIONS.applied(Database(upgraded.db.conn))] == [
            "0001_initial",
            "0002_room_state",
            "0003_activities",
            "0004_live_points_index",
            "0005_stable_ids",
            "0006_plan_record",
            "0007_erasure_tombstones",
            "0008_change_times",
            "0009_contribution_context",
            "0010_participant_pages",
        ]
        # A database from before 0006 records no plan, and its rooms work in the first
        # language.
        assert (upgraded.catalog.workshop().plan_sha256, upgraded.catalog.room("r").language) == (
            "",
            "",
        )
        # Rows from before 0005 got stable ids, and rows written now get them too.
        upgraded.participants.save("Amina", Consent.NAMED)
        uids = [r[0] for r in upgraded.db.execute("SELECT uid FROM participants")]
        uids += [r[0] for r in upgraded.db.execute("SELECT uid FROM events")]
        assert uids and all(len(u) == 32 for u in uids) and len(set(uids)) == len(uids)
        assert upgraded.rooms.state("r").question == "value.a"
        assert [c.text for c in upgraded.contributions.find()] == ["said before the upgrade"]
        # The list's query reads the new index.
        plan = " ".join(
            str(row)
            for row in upgraded.db.execute(
                "EXPLAIN QUERY PLAN SELECT c.seq FROM contributions c WHERE c.room = 'r' "
                "AND c.deleted_at IS NULL AND c.merged_into IS NULL ORDER BY c.seq"
            )
        )
        assert "contributions_live" in plan
        assert upgraded.contributions.seqs(room="r") == [upgraded.contributions.find()[0].seq]
        assert upgraded.catalog.workshop().title == "Old"


def test_newer_database_is_refused_and_unchanged(db_path, hubs_plan):
    Store.open(db_path, hubs_plan).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match="newer hubworkshop"):
        Store.open(db_path, hubs_plan)
    assert db_path.read_bytes() == before


def test_unknown_migration_means_newer(db_path, hubs_plan):
    Store.open(db_path, hubs_plan).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('hubworkshop', '0099_future', 'x')"
        )
    conn.close()
    with pytest.raises(StoreError, match="newer hubworkshop"):
        Store.open(db_path, hubs_plan)


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"this is a text file, not a database\n", "not an SQLite database"),
        (b"SQLite format 3\x00" + b"\x00" * 84 + b"garbage" * 20, "damaged"),
    ],
)
def test_foreign_or_damaged_file_is_refused_and_unchanged(tmp_path, hubs_plan, content, needle):
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    with pytest.raises(StoreError, match=needle):
        Store.open(path, hubs_plan)
    assert path.read_bytes() == content


def test_truncated_database_is_refused(db_path, hubs_plan):
    with Store.open(db_path, hubs_plan) as store:
        store.contributions.add_many([Draft(room="value", text=f"idea {i}") for i in range(500)])
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 2])
    with pytest.raises(StoreError):
        store = Store.open(db_path, hubs_plan)
        store.contributions.find()


def test_someone_elses_sqlite_database_is_refused(tmp_path, hubs_plan):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a hubworkshop one"):
        Store.open(path, hubs_plan)
    assert path.read_bytes() == before


def test_missing_folder_and_empty_database_without_plan(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        Store.open(tmp_path / "no" / "such.db")
    with pytest.raises(StoreError, match="no plan to create it from"):
        Store.open(tmp_path / "new.db")
    assert not (tmp_path / "new.db").exists()


def _writers(db: Path, count: int, each: int) -> list[subprocess.Popen]:
    return [
        subprocess.Popen(
            [sys.executable, str(WRITER), str(db), str(bundled_plan()), f"w{n}", str(each)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(count)
    ]


def test_eight_processes_lose_and_duplicate_nothing(db_path, hubs_plan):
    Store.open(db_path, hubs_plan).close()
    procs = _writers(db_path, 8, 250)
    reported: list[str] = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "locked" not in err
        reported.extend(out.split())
    with Store.open(db_path) as store:
        rows = store.contributions.find()
        assert len(rows) == 2000
        assert len({c.id for c in rows}) == 2000
        assert {c.id for c in rows} == set(reported)
        assert {c.text for c in rows} == {f"w{n} idea {i}" for n in range(8) for i in range(250)}
        assert sum(1 for e in store.events.all() if e.action == "contribution.add") == 2000
        assert len(store.participants.all()) == 24
        assert store.integrity_check() == "ok"


def test_processes_racing_to_create_one_database(db_path):
    procs = _writers(db_path, 8, 5)
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    with Store.open(db_path) as store:
        assert store.db.count("workshop") == 1
        assert len(MIGRATIONS.applied(Database(store.db.conn))) == SCHEMA_VERSION
        assert store.contributions.count() == 40


# -- connections: reads never wait for a write ----------------------------------------------------


def test_a_read_does_not_wait_for_a_write_in_progress(store):
    """One thread is inside a write transaction (as when it waits for another terminal's
    lock); another thread's read returns at once, and sees only what was committed."""
    import threading

    from hubworkshop.domain.records import Draft

    store.contributions.add(Draft("value", "committed"))
    inside, release = threading.Event(), threading.Event()

    def writer() -> None:
        with store.write() as db:
            db.execute("UPDATE contributions SET text = 'uncommitted'")
            inside.set()
            release.wait(30)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert inside.wait(30)
        assert [c.text for c in store.contributions.find()] == ["committed"]
        assert thread.is_alive()  # the write is still open: the read did not wait for it
    finally:
        release.set()
        thread.join()
    assert [c.text for c in store.contributions.find()] == ["uncommitted"]


def test_a_snapshot_is_one_moment_while_others_write(store, db_path):
    """Every part of a report comes from the same read transaction."""
    from hubworkshop.domain.records import Draft

    store.contributions.add(Draft("value", "before"))
    with Store.open(db_path) as other, store.read(transaction=True):
        first = store.contributions.find()
        other.contributions.add(Draft("value", "during"))
        other.purposes.add("value", "written during the read")
        assert store.contributions.find() == first
        assert store.purposes.all() == []
    assert [c.text for c in store.contributions.find()] == ["before", "during"]


# -- undo and redo as commands -----------------------------------------------------------------


def test_history_undoes_and_redoes_edits_deletes_merges_and_clusters(store):
    from hubworkshop.domain.records import Draft
    from hubworkshop.workshop.history import Delete, Edit, History, Merge, SetCluster

    a = store.contributions.add(Draft("value", "first point", tags=("x",)))
    b = store.contributions.add(Draft("value", "second point"))
    c = store.contributions.add(Draft("value", "third point"))
    history = History()
    history.run(store, Edit(a, text="first point, corrected", tags=("y",)), "Asaf")
    history.run(store, SetCluster(a, "funding"), "Asaf")
    history.run(store, Merge.of(store, b, a), "Asaf")
    history.run(store, Delete(c), "Asaf")
    assert store.contributions.count() == 2  # c is deleted; b, merged into a, remains

    for _ in range(4):
        assert history.undo(store, "Asaf") is not None
    assert history.undo(store, "Asaf") is None
    restored = store.contributions.get(a.id)
    assert (restored.text, restored.tags, restored.cluster) == ("first point", ("x",), None)
    assert store.contributions.get(b.id).merged_into is None

    for _ in range(4):
        assert history.redo(store, "Asaf") is not None
    assert history.redo(store, "Asaf") is None
    final = store.contributions.get(a.id)
    assert store.contributions.get(c.id).deleted_at is not None
    assert final.deleted_at is None and final.text == "first point, corrected"
    assert (final.tags, final.cluster) == (("y",), "funding")
    assert store.contributions.get(b.id).merged_into == a.id


def test_the_schema_version_known_without_migrations_matches_them():
    """Opening a database checks `user_version` against version.py, never loading the
    migrations: the two must agree."""
    assert [m.name for m in MIGRATIONS._migrations] == list(MIGRATION_NAMES)
    assert len(MIGRATION_NAMES) == SCHEMA_VERSION


def test_one_person_however_the_name_is_typed(store):
    """Case, accents composed or decomposed (pasted from a call's participant list), extra
    spaces: one participant. SQLite's NOCASE would have made two of 'Élodie' and 'élodie'."""
    from hubworkshop.domain.records import Draft

    first = store.participants.save("Élodie  Dupont", "named")
    assert first.name == "Élodie Dupont"
    for typed in ("élodie dupont", "E\u0301lodie Dupont", " ÉLODIE   DUPONT "):
        c = store.contributions.add(Draft("value", f"said by {typed!r}", author=typed))
        assert c.author_id == first.id, typed
    assert store.participants.save("élodie dupont", "off-record").id == first.id
    assert [p.name for p in store.participants.all()] == ["Élodie Dupont"]
    assert store.participants.all()[0].consent.value == "off-record"


# -- merge and split --------------------------------------------------------------------------


def visible_texts(store: Store) -> set[str]:
    """Every text the list and the summary show: top-level points and the points merged into
    them. A contribution that is in neither has vanished."""
    top = [c for c in store.contributions.find() if c.merged_into is None]
    return {t.text for c in top for t in [c, *store.points.merged_into(c.id)]}


def test_merge_refuses_what_would_make_a_point_vanish(store):
    a, b, c = (store.contributions.add(Draft("value", t)).id for t in ("a", "b", "c"))
    with pytest.raises(InputError, match="itself"):
        store.points.merge(a, a)
    store.points.merge(b, a)
    with pytest.raises(InputError, match="merged into"):
        store.points.merge(a, b)  # b is part of a: a would become part of itself
    with pytest.raises(InputError, match="already merged"):
        store.points.merge(b, a)
    with pytest.raises(InputError, match="split it"):
        store.contributions.delete(a)  # b would vanish with it
    store.contributions.delete(c)
    with pytest.raises(InputError, match="deleted"):
        store.points.merge(b, c)
    with pytest.raises(InputError, match="deleted"):
        store.points.merge(c, a)
    assert visible_texts(store) == {"a", "b"}
    assert store.contributions.get(b).merged_into == a


def test_two_terminals_merging_a_into_b_and_b_into_a_at_once_lose_nothing(store, db_path):
    """Each merge reads both rows inside its write transaction: whichever commits second sees
    the first and is refused, never leaving a point merged into itself."""
    import threading

    a, b = (store.contributions.add(Draft("value", t)).id for t in ("A", "B"))
    with Store.open(db_path) as other:
        start = threading.Barrier(2)
        outcomes: list[str] = []

        def merge(on: Store, source: str, target: str) -> None:
            start.wait()
            try:
                on.points.merge(source, target)
                outcomes.append("merged")
            except InputError:
                outcomes.append("refused")

        threads = [
            threading.Thread(target=merge, args=(store, a, b)),
            threading.Thread(target=merge, args=(other, b, a)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(outcomes) == ["merged", "refused"]
    rows = [store.contributions.get(i) for i in (a, b)]
    assert all(r.merged_into != r.id for r in rows)
    assert sum(r.merged_into is None for r in rows) == 1
    assert visible_texts(store) == {"A", "B"}


def test_undoing_a_merge_of_a_group_restores_every_row(store):
    """Merging A (with A1 inside) into B moves both; undo puts A back alone and A1 back in A."""
    from hubworkshop.workshop.history import History, Merge

    a, a1, b = (store.contributions.add(Draft("value", t)) for t in ("A", "A1", "B"))
    store.points.merge(a1.id, a.id)
    history = History()
    history.run(store, Merge.of(store, store.contributions.get(a.id), b), "Asaf")
    assert {c.id for c in store.points.merged_into(b.id)} == {a.id, a1.id}
    history.undo(store, "Asaf")
    assert store.contributions.get(a.id).merged_into is None
    assert store.contributions.get(a1.id).merged_into == a.id
    assert store.contributions.get(b.id).merged_count == 0
    assert visible_texts(store) == {"A", "A1", "B"}
    history.redo(store, "Asaf")
    assert {c.id for c in store.points.merged_into(b.id)} == {a.id, a1.id}


def test_a_restored_point_whose_group_was_deleted_comes_back_alone(store):
    a, b = (store.contributions.add(Draft("value", t)).id for t in ("A", "B"))
    store.points.merge(b, a)
    store.contributions.delete(b)
    store.contributions.delete(a)  # nothing live is merged into it any more
    store.contributions.restore(b)
    assert store.contributions.get(b).merged_into is None
    assert visible_texts(store) == {"B"}


def test_rename_and_merge_participants(store):
    store.participants.save("Élodie", "named")
    store.participants.save("elodie M.", "off-record", language="fr")
    a = store.contributions.add(Draft("value", "one", author="Élodie"))
    b = store.contributions.add(Draft("value", "two", author="elodie M."))
    store.votes.open("value")
    store.votes.add(a.id, participant="elodie M.")
    store.rankings.record("value", ["funding"], participant="elodie M.")
    with pytest.raises(InputError, match="already on the roster: merge"):
        store.participants.rename("elodie M.", "ÉLODIE")
    store.participants.merge("elodie M.", "Élodie", actor="fac")
    [person] = store.participants.all()
    assert (person.name, person.consent.value, person.language) == ("Élodie", "off-record", "fr")
    assert {c.author for c in store.contributions.find()} == {"Élodie"}
    assert all(c.consent.value == "off-record" for c in store.contributions.by_ids([a.id, b.id]))
    assert store.rankings.all()["value"] == {"Élodie": ["funding"]}
    assert store.votes.round("value").used == {"Élodie": 1}
    store.participants.rename("élodie", "Élodie Martin", actor="fac")
    assert store.contributions.get(a.id).author == "Élodie Martin"
    logged = [e.action for e in store.events.all()]
    assert "participant.merge" in logged and "participant.rename" in logged
    with pytest.raises(InputError, match="themselves"):
        store.participants.merge("Élodie Martin", "élodie martin")


def test_new_contributions_get_distinct_version_4_uuids(store):
    """Ids are made in bulk from one read of the random source; they are still what
    uuid.uuid4() would give: distinct, version 4, RFC 4122 variant, in its spelling."""
    import uuid

    one = store.contributions.bulk_import([Draft("value", "one")])
    many = store.contributions.bulk_import([Draft("value", f"line {i}") for i in range(2000)])
    ids = one + many
    assert len(set(ids)) == len(ids) == 2001
    for value in ids:
        parsed = uuid.UUID(value)
        assert (parsed.version, parsed.variant, str(parsed)) == (4, uuid.RFC_4122, value)


# -- watching for other connections' commits ---------------------------------------------------


def _watching(store: Store, *, settle: float, phase: float | None = None):
    import threading

    from hubworkshop.storage.watcher import ChangeWatcher

    calls: list[float] = []
    called = threading.Event()

    def changed() -> None:
        import time

        calls.append(time.monotonic())
        called.set()

    watcher = ChangeWatcher(
        store.connections, changed, interval=0.01, settle=settle, phase=phase
    ).start()
    return watcher, calls, called


@contextlib.contextmanager
def _busy(db_path: Path) -> Iterator[None]:
    """Another connection committing all the time, as a busy room's note-takers do."""
    import threading
    import time

    done = threading.Event()

    def write() -> None:
        with Store.open(db_path) as other:
            n = 0
            while not done.is_set():
                other.contributions.add(Draft(room="lifecycle", text=f"note {n}"))
                n += 1
                time.sleep(0.005)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        yield
    finally:
        done.set()
        writer.join()


def _wait_for(calls: list[float], n: int) -> None:
    import time

    deadline = time.monotonic() + 120
    while len(calls) < n and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(calls) >= n


@pytest.mark.parametrize("settle", [0.0, 3600.0])
def test_the_watcher_says_at_once_then_lets_the_next_commits_settle(db_path, hubs_plan, settle):
    """A commit in a quiet room is reported at the next poll; the commits that follow before
    the watcher's next moment become one later report, not one per poll (every terminal
    reads and redraws at each report). Without settling, they are reported poll by poll."""
    import time

    Store.open(db_path, hubs_plan).close()
    with Store.open(db_path) as store, Store.open(db_path) as other:
        # (its next moment half an hour away)
        phase = (time.monotonic() + 1800) % settle if settle else None
        watcher, calls, called = _watching(store, settle=settle, phase=phase)
        try:
            other.contributions.add(Draft(room="lifecycle", text="first"))
            assert called.wait(60)
            for n in range(3):
                other.contributions.add(Draft(room="lifecycle", text=f"then {n}"))
            if settle:
                time.sleep(0.5)  # fifty polls' time: none of them may report
                assert len(calls) == 1
            else:
                _wait_for(calls, 2)
        finally:
            watcher.stop()


@pytest.mark.serial  # its reports' lateness is bounded: it needs the machine to itself
def test_a_watcher_in_a_busy_room_reports_at_moments_of_its_own(db_path, hubs_plan):
    """While commits keep coming, each report after the first falls on the watcher's own
    grid: at `phase` plus a whole number of periods, never before (a report can be late on
    a busy machine, so the test allows up to half a period late)."""
    import time

    settle = 0.4
    Store.open(db_path, hubs_plan).close()
    with Store.open(db_path) as store, _busy(db_path):
        phase = (time.monotonic() + 0.1) % settle
        watcher, calls, _ = _watching(store, settle=settle, phase=phase)
        try:
            _wait_for(calls, 6)
        finally:
            watcher.stop()
    late = [(t - phase) % settle for t in calls[1:6]]
    assert all(lateness < settle / 2 for lateness in late), late
    gaps = [b - a for a, b in itertools.pairwise(calls[1:6])]
    assert all(gap > settle / 2 for gap in gaps), gaps  # once a period, not at every poll


def test_watchers_in_a_busy_room_draw_at_moments_spread_over_the_period(db_path, hubs_plan):
    """Forty terminals that saw the same commit would otherwise read and draw together at
    every period after it: each watcher's moments are drawn at random when it starts, so
    after the first report (all at once, at the commit) they part."""
    settle = 0.4
    Store.open(db_path, hubs_plan).close()
    stores = [Store.open(db_path) for _ in range(10)]
    try:
        with _busy(db_path):
            watching = [_watching(store, settle=settle) for store in stores]
            try:
                for _watcher, calls, _called in watching:
                    _wait_for(calls, 2)
            finally:
                for watcher, _calls, _called in watching:
                    watcher.stop()
    finally:
        for store in stores:
            store.close()
    seconds = [calls[1] for _watcher, calls, _called in watching]
    # Ten moments drawn over 0.4 s all within 0.1 s of each other: about 3 in 100,000.
    assert max(seconds) - min(seconds) > settle / 4, seconds


def test_a_new_database_never_replays_the_log_a_removed_one_left(tmp_path, hubs_plan):
    """The database was removed while an app had it open (its -wal and -shm stayed); a new
    one made under its name replayed that log: the old rows came back into the new file.
    The orphans are set aside, kept, and the new database starts empty."""
    import shutil

    path = tmp_path / "workshop.db"
    old = Store.open(path, hubs_plan)
    old.contributions.add(Draft("value", "a row of the removed database"))
    saved = tmp_path / "saved"
    saved.mkdir()
    for side in ("-wal", "-shm"):
        shutil.copy(f"{path}{side}", saved / f"x{side}")
    old.close()
    path.unlink()
    for side in ("-wal", "-shm"):
        shutil.copy(saved / f"x{side}", f"{path}{side}")

    with Store.open(path, hubs_plan) as new:
        assert new.contributions.find() == []
        assert new.integrity_check() == "ok"
    assert len(list(tmp_path.glob("workshop.db-wal.orphaned-*"))) == 1


def test_a_watcher_whose_reader_meets_a_locked_database_tells_it_again(db_path, hubs_plan):
    """Line mode reads the log in the watcher's callback; a busy moment there (database is
    locked) ended the watcher's thread, and line mode printed nothing more, ever (a test
    waited its 60 s beside two busy loops). The watcher now tells it again at the next
    poll, and keeps reporting later commits."""
    import sqlite3
    import threading

    from hubworkshop.storage.watcher import ChangeWatcher

    Store.open(db_path, hubs_plan).close()
    calls: list[int] = []
    told = threading.Event()

    def changed() -> None:
        calls.append(len(calls))
        if len(calls) == 1:
            raise sqlite3.OperationalError("database is locked")
        told.set()

    with Store.open(db_path) as store, Store.open(db_path) as other:
        watcher = ChangeWatcher(store.connections, changed, interval=0.01, settle=0).start()
        try:
            other.contributions.add(Draft(room="lifecycle", text="first"))
            assert told.wait(60)  # told again, without another commit
            told.clear()
            other.contributions.add(Draft(room="lifecycle", text="second"))
            assert told.wait(60)  # and still watching
        finally:
            watcher.stop()
    assert len(calls) >= 3
