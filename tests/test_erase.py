"""Erasure on request: `hubworkshop forget NAME` leaves no byte of the name in the database
files, keeps (or removes) what they said, and logs that an erasure happened without the name."""

from __future__ import annotations

import json

import pytest

from hubworkshop.domain.records import Draft
from hubworkshop.reports.formats import render
from hubworkshop.storage import Store

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
        store.set_participant(NAME, "named", language="en", room="value")
        said = store.add_contribution(Draft("value", "hubs must be accountable", author=NAME))
        other = store.add_contribution(Draft("value", "agreed", author="Kwame"))
        store.add_contribution(Draft("value", "typed by her", author="Kwame"), note_taker=NAME)
        store.update_contribution(said.id, kind="proposal", actor=NAME)
        store.set_action(other.id, owner=NAME.upper(), due="2021-12-15", actor=NAME)
        store.open_vote("value")
        store.add_vote(other.id, participant=NAME, dots=2)
        store.record_ranking("value", ["funding"], participant=NAME)
        store.add_purpose_statement("value", "Hubs exist to serve", author=NAME)
        store.set_tags(said.id, ["accountability"], actor=NAME)
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
        assert NAME not in {p.name for p in store.participants()}
        texts = {c.text: c for c in store.contributions()}
        if with_contributions:
            assert "hubs must be accountable" not in texts
        else:
            assert texts["hubs must be accountable"].author is None
        assert store.contribution(other.id).owner is None
        assert store.contribution(other.id).votes == 2  # the dots stay, without her name
        assert "value" not in store.rankings()
        erased = [e for e in store.events() if e.action == "participant.forget"]
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
        assert store.contribution(said.id).author == NAME
