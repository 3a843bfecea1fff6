"""Erasure on request: `hubworkshop forget NAME` leaves no byte of the name in the database
files, keeps (or removes) what they said, and logs that an erasure happened without the name."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import REPO
from hubworkshop.domain.records import Draft
from hubworkshop.reports.formats import render
from hubworkshop.storage import Store
from test_tui import SIZE, room_app, screen_text, settle, wait_until

NAME = "Zanele Mthembu-Ørsted"


def files_of(db_path):
    return [p for p in db_path.parent.iterdir() if p.name.startswith(db_path.name)]


def spellings():
    for form in (NAME, NAME.upper(), NAME.casefold()):
        yield form.encode("utf-8")
        yield json.dumps(form).encode("ascii")  # \\u escaped, as JSON may store it


@pytest.fixture
def workshop_with_her(db_path, hubs_plan):
    with Store.open(db_path, hubs_plan) as store:
        store.participants.save(NAME, "named", language="en", room="value")
        said = store.contributions.add(Draft("value", "hubs must be accountable", author=NAME))
        other = store.contributions.add(Draft("value", "agreed", author="Kwame"))
        store.contributions.add(Draft("value", "typed by her", author="Kwame"), note_taker=NAME)
        store.contributions.update(said.id, kind="proposal", actor=NAME)
        store.points.set_action(other.id, owner=NAME.upper(), due="2021-12-15", actor=NAME)
        store.votes.open("value")
        store.votes.add(other.id, participant=NAME, dots=2)
        store.rankings.record("value", ["funding"], participant=NAME)
        store.purposes.add("value", "Hubs exist to serve", author=NAME)
        store.contributions.set_tags(said.id, ["accountability"], actor=NAME)
    return db_path, said, other


@pytest.mark.parametrize("with_contributions", [False, True])
def test_forget_leaves_no_byte_of_the_name(cli, workshop_with_her, with_contributions):
    db_path, _said, other = workshop_with_her
    assert any(form in p.read_bytes() for p in files_of(db_path) for form in spellings())
    args = ["forget", NAME.casefold(), "--as", "dpo"]
    if with_contributions:
        args.append("--with-contributions")
    result = cli(*args, db=db_path)
    assert result.returncode == 0, result.stderr
    assert "forgot" in result.stdout
    for path in files_of(db_path):
        data = path.read_bytes()
        for form in spellings():
            assert form not in data, (path.name, form)
    with Store.open(db_path) as store:
        assert store.integrity_check() == "ok"
        assert NAME not in {p.name for p in store.participants.all()}
        texts = {c.text: c for c in store.contributions.find()}
        if with_contributions:
            assert "hubs must be accountable" not in texts
        else:
            assert texts["hubs must be accountable"].author is None
        assert store.contributions.get(other.id).owner is None
        assert store.contributions.get(other.id).votes == 2  # the dots stay, without her name
        assert "value" not in store.rankings.all()
        erased = [e for e in store.events.all() if e.action == "participant.forget"]
        assert len(erased) == 1 and erased[0].actor == "dpo"
        assert NAME not in json.dumps(erased[0].data, ensure_ascii=False)
        summary = render("markdown", store.snapshot(), attribute=True)
        assert NAME not in summary and "agreed" in summary


def test_forget_names_a_person_who_is_not_there(cli, workshop_with_her):
    db_path, _said, _other = workshop_with_her
    result = cli("forget", "Nobody Here", db=db_path)
    assert result.returncode == 2 and "no participant called 'Nobody Here'" in result.stderr


def test_a_name_typed_without_its_accents_is_not_erased_but_offered(cli, workshop_with_her):
    """An erasure request typed without the accents names who may be meant, and erases no
    one: only a person can say that `Zanele Mbete` is the one on the roster."""
    db_path, said, _other = workshop_with_her
    bare = "zanele mthembu-orsted"  # Ø typed as o, as on a keyboard without it
    result = cli("forget", bare, db=db_path)
    assert result.returncode == 2
    assert result.stderr == (
        f"hubworkshop: no participant called '{bare}'; did you mean '{NAME}'?\n"
    )
    with Store.open(db_path) as store:
        assert store.contributions.get(said.id).author == NAME


# -- issue #28: one erasure, everywhere --------------------------------------------------------


def raw_files(db_path):
    """Every byte of the database, its WAL and its shared-memory file."""
    return b"".join(p.read_bytes() for p in files_of(db_path))


def forms(*names):
    for name in names:
        for form in (name, name.upper(), name.casefold()):
            yield form.encode("utf-8")


def test_earlier_and_merged_away_names_are_erased_too(cli, db_path, hubs_plan):
    """Renamed `Zanele M.` → `Zanele Mokoena`, and `jose nandu` merged into `José Ñandú`:
    forgetting the names they go by now leaves none of the old ones in the log."""
    with Store.open(db_path, hubs_plan) as store:
        store.participants.save("Zanele M.", "named", room="value")
        store.contributions.add(Draft("value", "hubs need funding", author="Zanele M."))
        store.participants.rename("Zanele M.", "Zanele Mokoena")
        store.participants.save("José Ñandú", "named", room="value")
        store.contributions.add(Draft("value", "mentors matter", author="jose nandu"))
        store.participants.merge("jose nandu", "José Ñandú")
        store.contributions.add(Draft("value", "kept by others", author="Kwame"))
    assert b"Zanele M." in raw_files(db_path) and b"jose nandu" in raw_files(db_path)
    for name in ("Zanele Mokoena", "José Ñandú"):
        result = cli("forget", name, db=db_path)
        assert result.returncode == 0, result.stderr
    data = raw_files(db_path)
    for form in forms("Zanele M.", "Zanele Mokoena", "jose nandu", "José Ñandú", "Mokoena"):
        assert form not in data, form
    with Store.open(db_path) as store:
        assert {p.name for p in store.participants.all()} == {"Kwame"}
        texts = {c.text: c.author for c in store.contributions.find()}
        assert texts["hubs need funding"] is None and texts["mentors matter"] is None
        # The log's entries about them point at their random uid, not a reusable row number:
        # a row number left in the log is a person still on the roster.
        live = {str(p.id) for p in store.participants.all()}
        subjects = {
            e.subject for e in store.events.all() if e.action.value.startswith("participant.")
        }
        assert {s for s in subjects if s and s.isdigit()} <= live, subjects


def test_an_owner_written_without_accents_is_the_person_it_means(cli, db_path, hubs_plan):
    with Store.open(db_path, hubs_plan) as store:
        store.participants.save("José Ñandú", "off-record", room="value")
        point = store.contributions.add(Draft("value", "write the hub charter", author="Kwame"))
        store.participants.save("Kwame", "named")
        store.points.set_action(point.id, owner="jose nandu", due="2021-12-15")
    for fmt in ("markdown", "wikitext", "json"):
        out = cli("export", "--format", fmt, "--attribute", db=db_path)
        assert out.returncode == 0, out.stderr
        assert "jose nandu" not in out.stdout.casefold(), fmt
        assert "write the hub charter" in out.stdout
    result = cli("forget", "José Ñandú", db=db_path)
    assert result.returncode == 0, result.stderr
    assert "1 owned action" in result.stdout
    assert b"jose nandu" not in raw_files(db_path).lower()


def test_erased_words_leave_no_fragment_in_the_search_index(cli, db_path, hubs_plan):
    words = "xylqzv zanqwk qwexyj"
    with Store.open(db_path, hubs_plan) as store:
        store.participants.save("Zanele Mokoena", "named", room="value")
        said = store.contributions.add(Draft("value", words, author="Zanele Mokoena"))
        store.contributions.update(said.id, text=words + " again")
        store.contributions.add(Draft("value", "kept by others", author="Kwame"))
    assert b"zanqwk" in raw_files(db_path)
    result = cli("forget", "Zanele Mokoena", "--with-contributions", db=db_path)
    assert result.returncode == 0, result.stderr
    data = raw_files(db_path)
    for word in words.split():
        for start in range(len(word) - 2):
            assert word[start : start + 3].encode() not in data, word[start : start + 3]
    search = cli("list", "--search", "kept", db=db_path)
    assert "kept by others" in search.stdout  # the index still answers


def test_a_note_taker_who_is_no_participant_can_be_forgotten(cli, db_path, hubs_plan):
    with Store.open(db_path, hubs_plan) as store:
        point = store.contributions.add(Draft("value", "typed by him"), note_taker="Kwame Mensah")
        store.contributions.update(point.id, kind="proposal", actor="Kwame Mensah")
        store.purposes.add("value", "Hubs exist to serve", author="Kwame Mensah")
        store.votes.open("value")
    with Store.open(db_path) as store:
        store.votes.add(point.id, participant="Amina", note_taker="kwame mensah")
    result = cli("forget", "kwame mensah", "--as", "dpo", db=db_path)
    assert result.returncode == 0, result.stderr
    for form in forms("Kwame Mensah"):
        assert form not in raw_files(db_path), form
    with Store.open(db_path) as store:
        assert store.contributions.get(point.id).text == "typed by him"
        assert store.contributions.get(point.id).note_taker is None


def test_forget_clears_what_this_machine_remembers(cli, db_path, hubs_plan, tmp_path):
    from hubworkshop.tui.drafts import Drafts
    from hubworkshop.tui.resume import remember_room, state_file

    with Store.open(db_path, hubs_plan) as store:
        store.participants.save("Zanele Mokoena", "named", room="value")
    remember_room(db_path, "value", "note-taker", "Zanele Mokoena", terminal="/dev/pts/9")
    remember_room(db_path, "value", "note-taker", "Kwame", terminal="/dev/pts/8")
    Drafts(db_path, "Zanele Mokoena").keep("value/bar", "her half-typed xylqzv words")
    Drafts(db_path, "Kwame").keep("value/bar", "! ask Zanele Mokoena about hubs")
    Drafts(db_path, "Kwame").keep("value/edit", "his own words")
    folder = state_file().parent

    def state_bytes():
        return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())

    assert b"Zanele Mokoena" in state_bytes() and b"xylqzv" in state_bytes()
    result = cli("forget", "zanele mokoena", db=db_path)
    assert result.returncode == 0, result.stderr
    data = state_bytes()
    assert b"zanele mokoena" not in data.lower() and b"xylqzv" not in data
    assert b"his own words" in data and b"Kwame" in data  # what is not about her stays


def test_a_forgotten_name_cannot_come_back_on_the_roster(cli, db_path, hubs_plan):
    with Store.open(db_path, hubs_plan) as store:
        store.participants.save("Zanele Mokoena", "named", room="value")
    assert cli("forget", "Zanele Mokoena", db=db_path).returncode == 0
    again = cli("participant", "ZANELE MOKOENA", "--consent", "named", db=db_path)
    assert again.returncode == 2 and "was erased from this workshop" in again.stderr
    added = cli("add", "--room", "value", "--by", "zanele mokoena", "hello", db=db_path)
    assert added.returncode == 2 and "was erased" in added.stderr
    assert b"zanele mokoena" not in raw_files(db_path).lower()


def test_forget_on_a_full_disk_finishes_or_changes_nothing(cli, db_path, hubs_plan):
    """A file-size limit stands in for a full disk: whatever fails, the answer is one line
    (never an internal error) and the database is whole, either erased or as it was."""
    import resource

    with Store.open(db_path, hubs_plan) as store:
        store.participants.save("Zanele Mokoena", "named", room="value")
        for i in range(300):
            store.contributions.add(Draft("value", f"point {i} " * 20, author="Zanele Mokoena"))
    limit = sum(p.stat().st_size for p in files_of(db_path)) + 4096
    env = {"PYTHONPATH": str(REPO / "src")}
    result = subprocess.run(
        [sys.executable, "-m", "hubworkshop", "forget", "Zanele Mokoena", "--with-contributions"],
        env={**os.environ, **env, "HUBWORKSHOP_DB": str(db_path)},
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)),
    )
    assert result.returncode in (0, 2), result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 1, result.stderr
    with Store.open(db_path) as store:
        assert store.integrity_check() == "ok"
        left = [c for c in store.contributions.find() if c.author == "Zanele Mokoena"]
        people = {p.name for p in store.participants.all()}
    if result.returncode == 0:
        assert not left and "Zanele Mokoena" not in people
        assert b"Zanele Mokoena" not in raw_files(db_path)
    else:
        assert len(left) == 300 and "Zanele Mokoena" in people  # as it was


async def test_a_forgotten_name_leaves_every_open_terminal_at_once(store, db_path, cli):
    """Rows already drawn (author column, `→Zanele 12-01`) are drawn again when another
    process erases the person: the log names no row, so the whole list is read again."""
    store.participants.save("Zanele Mokoena", "named", room="lifecycle")
    said = store.contributions.add(Draft("lifecycle", "hubs need funding", author="Zanele Mokoena"))
    other = store.contributions.add(Draft("lifecycle", "write the charter", author="Kwame"))
    store.points.set_action(other.id, owner="Zanele Mokoena", due="2021-12-01")
    app = room_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Zanele" in screen_text(app)
        result = cli("forget", "Zanele Mokoena", db=db_path)
        assert result.returncode == 0, result.stderr
        await wait_until(
            pilot,
            lambda: "Zanele" not in screen_text(app) and "hubs need funding" in screen_text(app),
        )
        assert store.contributions.get(said.id).author is None
