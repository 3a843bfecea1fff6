"""The `hubworkshop` command as a user runs it (in this process through `run_cli`, or in a real
one where the process matters)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from conftest import HUBS, run_cli


def test_add_list_and_search(cli, db_path):
    added = cli(
        "add",
        "--room",
        "value",
        "--question",
        "value.benefit",
        "--kind",
        "concern",
        "--by",
        "Amina",
        "--tag",
        "funding",
        "Hubs could become gatekeepers",
        db=db_path,
    )
    assert added.returncode == 0, added.stderr
    contribution_id = added.stdout.strip()
    assert len(contribution_id) == 36

    listed = cli("list", "--json", db=db_path)
    [row] = json.loads(listed.stdout)
    assert row["id"] == contribution_id
    assert (row["kind"], row["author"], row["tags"]) == ("concern", "Amina", ["funding"])
    assert (row["room"], row["question"]) == ("value", "value.benefit")

    table = cli("list", "--room", "value", db=db_path)
    assert contribution_id[:8] in table.stdout and "gatekeepers" in table.stdout
    assert cli("list", "--search", "keeper", db=db_path).stdout.count("\n") == 1
    assert cli("list", "--search", "nothing", db=db_path).stdout == ""


def test_db_and_plan_options_work_before_and_after_the_command(cli, tmp_path):
    first = tmp_path / "first.db"
    second = tmp_path / "second.db"
    assert cli("--db", str(first), "add", "--room", "value", "one").returncode == 0
    assert cli("add", "--db", str(second), "--room", "value", "two").returncode == 0
    assert json.loads(cli("list", "--json", "--db", str(first)).stdout)[0]["text"] == "one"
    assert json.loads(cli("--db", str(second), "list", "--json").stdout)[0]["text"] == "two"


def test_stdin_adds_one_contribution_per_line(cli, db_path):
    result = cli(
        "add",
        "--room",
        "lifecycle",
        "--kind",
        "idea",
        "-",
        db=db_path,
        stdin="first line\n\nsecond — with ünïcödé\nثالث\n",
    )
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.split()) == 3
    texts = [r["text"] for r in json.loads(cli("list", "--json", db=db_path).stdout)]
    assert texts == ["first line", "second — with ünïcödé", "ثالث"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"fine\n\xff\xfe broken\n", "standard input, line 2: not UTF-8 text (byte 0xff)"),
        (b"", "standard input is empty: nothing to add"),
        (b"\n   \n", "standard input is empty: nothing to add"),
    ],
)
def test_stdin_that_is_not_text_is_named_and_adds_nothing(db_path, data, message):
    env = {**os.environ, "HUBWORKSHOP_DB": str(db_path)}
    result = subprocess.run(
        [sys.executable, "-m", "hubworkshop", "--plan", HUBS, "add", "--room", "value", "-"],
        input=data,
        capture_output=True,
        env=env,
        timeout=60,
    )
    stderr = result.stderr.decode()
    assert result.returncode == 2 and message in stderr and "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert json.loads(run_cli("list", "--json", db=db_path).stdout) == []


def test_list_shows_control_characters_instead_of_obeying_them(cli, db_path):
    cli("add", "--room", "value", "\x1b[2J\x1b[31mred\u202eevil", db=db_path)
    table = cli("list", db=db_path).stdout
    assert "\x1b" not in table and "\u202e" not in table
    assert "\\x1b[2J\\x1b[31mred\\u202eevil" in table


def test_list_tells_nobody_recorded_from_someone_who_asked_to_stay_anonymous(cli, db_path):
    """No `--by`: nobody was recorded, "—" (the room's list says the same); it used to say
    "anonymous", as if someone had asked not to be named."""
    cli("add", "--room", "value", "said by nobody in particular", db=db_path)
    cli("add", "--room", "value", "--by", "Quiet Person", "said by someone", db=db_path)
    lines = cli("list", db=db_path).stdout.splitlines()
    nobody = next(line for line in lines if "nobody in particular" in line)
    someone = next(line for line in lines if "said by someone" in line)
    assert " — " in nobody and "anonymous" not in nobody
    assert "Quiet Person" in someone  # the room's surface: names as recorded


HOSTILE = "Eve\x1b]0;owned\x07\x1b[2J\u202eevil"
"""A name that, printed raw, retitles the terminal, clears it and reverses what follows."""


@pytest.mark.parametrize(
    "args",
    [
        ("forget", HOSTILE),  # an error that quotes what was typed
        ("add", f"--{HOSTILE}", "text"),  # click's own error
        ("add", "--room", HOSTILE, "text"),  # an unknown room
    ],
    ids=["error", "no-such-option", "unknown-room"],
)
def test_messages_show_control_characters_instead_of_obeying_them(cli, db_path, args):
    cli("add", "--room", "value", "seed", db=db_path)
    result = cli(*args, db=db_path)
    assert result.returncode == 2
    said = result.stdout + result.stderr
    assert "Eve" in said and "Traceback" not in said
    assert not {"\x1b", "\x07", "\u202e"} & set(said), said
    assert "\\x1b]0;owned\\x07" in said


def test_forget_says_whom_it_forgot_as_shown_not_obeyed(cli, db_path):
    cli("participant", HOSTILE, "--consent", "named", db=db_path)
    result = cli("forget", f"  {HOSTILE}  ", db=db_path)
    assert result.returncode == 0, result.stderr
    assert not {"\x1b", "\x07", "\u202e"} & set(result.stdout)
    assert result.stdout.startswith("forgot Eve\\x1b]0;owned\\x07\\x1b[2J\\u202eevil: ")


def test_participant_consent(cli, db_path):
    result = cli("participant", "Kwame", "--consent", "named", "--lang", "fr", db=db_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Kwame: named"
    again = cli("participant", "kwame", "--consent", "off-record", db=db_path)
    assert again.stdout.strip() == "Kwame: off-record"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["add", "--room", "nope", "text"], "unknown room 'nope'"),
        (["add", "--room", "value", "--question", "value.nope", "x"], "unknown question id"),
        (["add", "--room", "value", "--kind", "rant", "x"], "Invalid value for '--kind'"),
        (["add", "--room", "value", "   "], "needs some text"),
        (["add", "text"], "Missing option '--room'"),
        (["list", "--room", "nope"], "unknown room 'nope'"),
        (["participant", "X", "--consent", "maybe"], "Invalid value for '--consent'"),
        (["frobnicate"], "No such command"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(cli, db_path, args, needle):
    result = cli(*args, db=db_path)
    assert result.returncode == 2
    assert needle in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("content", "needle"),
    [(b"hello, not a database", "not an SQLite database"), (b"", None)],
)
def test_unusable_database_exits_2(cli, tmp_path, content, needle):
    path = tmp_path / "odd.db"
    path.write_bytes(content)
    result = cli("list", db=path)
    if needle is None:  # an empty file is a new database: it is set up, not refused
        assert result.returncode == 0, result.stderr
        return
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and needle in result.stderr
    assert path.read_bytes() == content


def test_newer_database_exits_2_and_is_unchanged(cli, db_path):
    cli("add", "--room", "value", "x", db=db_path)
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA user_version=999")
    conn.close()
    before = db_path.read_bytes()
    result = cli("list", db=db_path)
    assert result.returncode == 2
    assert "newer hubworkshop" in result.stderr and "Traceback" not in result.stderr
    assert db_path.read_bytes() == before


def test_broken_plan_for_a_new_database(cli, tmp_path):
    plan = tmp_path / "plan.toml"
    plan.write_text("[workshop\n", encoding="utf-8")
    result = cli("--plan", str(plan), "list", db=tmp_path / "new.db")
    assert result.returncode == 2
    assert f"{plan}:1: TOML syntax error" in result.stderr
    assert not (tmp_path / "new.db").exists()


def test_unknown_room_for_the_tui_exits_2(cli, db_path):
    result = cli("--room", "nope", db=db_path)
    assert result.returncode == 2
    assert "unknown room 'nope'" in result.stderr


def test_version_and_module_entry_point(cli):
    result = cli("--version")
    assert result.returncode == 0 and "hubworkshop" in result.stdout


def _seed_consent_fixture(cli, db_path):
    cli("participant", "Named Person", "--consent", "named", db=db_path)
    cli("participant", "Quiet Person", "--consent", "anonymous", db=db_path)
    cli("participant", "Secret Person", "--consent", "off-record", db=db_path)
    for who in ("Named Person", "Quiet Person", "Secret Person"):
        cli("add", "--room", "value", "--by", who, f"said by {who}", db=db_path)
    cli("add", "--room", "value", "nobody in particular", db=db_path)


def test_json_export_respects_consent(cli, db_path):
    _seed_consent_fixture(cli, db_path)

    anonymous = json.loads(cli("export", "--format", "json", db=db_path).stdout)
    assert anonymous["schema_version"] == 1 and anonymous["format"] == "hubworkshop-export"
    assert anonymous["withheld"] == 1
    texts = [c["text"] for c in anonymous["contributions"]]
    assert "said by Secret Person" not in texts and len(texts) == 3
    assert all(c["author"] is None for c in anonymous["contributions"])
    dump = json.dumps(anonymous)
    assert "Named Person" not in dump.replace("said by Named Person", "")
    assert "Quiet Person" not in dump.replace("said by Quiet Person", "")

    attributed = json.loads(cli("export", "--format", "json", "--attribute", db=db_path).stdout)
    authors = {c["text"]: c["author"] for c in attributed["contributions"]}
    assert authors == {
        "said by Named Person": "Named Person",
        "said by Quiet Person": None,
        "said by Secret Person": None,
        "nobody in particular": None,
    }
    assert attributed["withheld"] == 0
    assert attributed["participants"]["named"] == ["Named Person"]
    assert attributed["participants"]["by_consent"] == {
        "named": 1,
        "anonymous": 1,
        "off-record": 1,
    }


def test_json_export_holds_the_whole_workshop_and_is_deterministic(cli, db_path, tmp_path):
    cli(
        "add",
        "--room",
        "overlap",
        "--question",
        "exclusivity.overlap",
        "--tag",
        "glam",
        "--by",
        "Ana",
        "One project, three hubs",
        db=db_path,
    )
    out = tmp_path / "export.json"
    result = cli("export", "--format", "json", "-o", str(out), db=db_path)
    assert result.returncode == 0, result.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["workshop"]["date"] == "2021-11-27"
    assert document["workshop"]["note"] == "No decision making at this event."
    assert len(document["agenda"]) == 8 and len(document["rooms"]) == 5
    assert len(document["themes"]) == 10 and len(document["roles"]) == 11
    assert {q["id"] for q in document["questions"]} >= {"lifecycle.demotion", "support.trainers"}
    [c] = document["contributions"]
    assert (c["room"], c["question"], c["tags"], c["votes"]) == (
        "overlap",
        "exclusivity.overlap",
        ["glam"],
        0,
    )
    assert cli("export", "--format", "json", db=db_path).stdout == out.read_text(encoding="utf-8")


def test_each_contribution_records_the_language_it_was_said_in(cli, db_path):
    """Explicit --lang, else the text's own when it is long enough to tell (issue #33),
    else the speaker's registered language, else detected among the workshop's languages
    (English and French in the bundled plan)."""
    assert cli("participant", "Layla", "--lang", "ar", db=db_path).returncode == 0
    cli("add", "--room", "value", "--lang", "es", "Necesitamos un proceso claro", db=db_path)
    cli("add", "--room", "value", "--by", "Layla", "Hubs cooperate", db=db_path)  # two words
    cli("add", "--room", "value", "Les hubs pourraient devenir des guichets", db=db_path)
    cli("add", "--room", "value", "Hubs could become gatekeepers", db=db_path)
    rows = json.loads(cli("list", "--json", db=db_path).stdout)
    assert [r["language"] for r in rows] == ["es", "ar", "fr", "en"]


@pytest.mark.parametrize("command", [("add", "--room", "value", "text"), ("participant", "Kim")])
def test_a_language_code_that_is_not_iso_639_is_refused(cli, db_path, command):
    result = cli(*command, "--lang", "klingon", db=db_path)
    assert result.returncode == 2
    assert "unknown language 'klingon'" in result.stderr and "Traceback" not in result.stderr


COLLECTOR_AT_EXIT = (
    "import atexit, gc\n"
    "atexit.register(lambda: print('collector on' if gc.isenabled() else 'collector off'))\n"
    "from hubworkshop.cli import main\n"
    "main()\n"
)


@pytest.mark.parametrize(
    ("args", "stdin", "state"),
    [
        # A short command runs with Python's cycle collector paused ...
        (["add", "--room", "value", "--lang", "en", "a point"], None, "collector off"),
        (["add", "--room", "value", "--lang", "en", "-"], "one\ntwo\n", "collector off"),
        # ... one that runs until stopped keeps it from the start.
        (["line", "--room", "value"], "/quit\n", "collector on"),
        (["serve", "--token", "short"], None, "collector on"),  # refused, but it was on
    ],
)
def test_only_short_commands_pause_the_cycle_collector(cli, db_path, args, stdin, state):
    result = cli(*args, db=db_path, stdin=stdin, entry=("-c", COLLECTOR_AT_EXIT))
    assert result.stdout.splitlines()[-1] == state, result.stderr
    assert result.returncode == (2 if "serve" in args else 0), result.stderr


def test_a_command_says_when_it_waits_for_another_programs_write(cli, db_path):
    """A write that waits for another program's lock says so on stderr, keeps waiting, and
    is saved once the lock goes (it used to wait up to 30 s without a word)."""
    from test_robustness import lock_held

    cli("add", "--room", "value", "seed", db=db_path)
    env = {**os.environ, "HUBWORKSHOP_DB": str(db_path), "PYTHONIOENCODING": "utf-8"}
    with lock_held(db_path) as release:
        add = subprocess.Popen(
            [sys.executable, "-m", "hubworkshop", "add", "--room", "value", "later"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert add.stderr is not None
        said = add.stderr.readline()
        assert said == f"{db_path}: waiting for another program to finish writing…\n"
        assert add.poll() is None  # still waiting, for as long as the lock is held
        release()
        assert add.wait(timeout=60) == 0
    assert [c["text"] for c in json.loads(cli("list", "--json", db=db_path).stdout)] == [
        "seed",
        "later",
    ]


def test_a_new_name_close_to_someone_on_the_roster_is_saved_and_pointed_out(cli, db_path):
    """`add --by` with the accents left out still saves (a new, anonymous person, as
    documented) but says who may have been meant; the same name however typed, or a name
    like no one's, says nothing."""
    assert cli("participant", "José Ñandú", "--consent", "named", db=db_path).returncode == 0
    typo = cli("add", "--room", "value", "--lang", "en", "--by", "jose nandu", "x", db=db_path)
    assert typo.returncode == 0 and len(typo.stdout.split()) == 1
    assert typo.stderr == (
        "note: 'jose nandu' is new on the roster (anonymous); did you mean 'José Ñandú'? "
        "The room's participants (N) can merge the two.\n"
    )
    for quiet in ("JOSE\u0301  ñandú", "Brand New"):
        said = cli("add", "--room", "value", "--lang", "en", "--by", quiet, "y", db=db_path)
        assert said.returncode == 0 and said.stderr == ""
    roster = cli("participant", "jose nandu", db=db_path).stdout
    assert roster == "jose nandu: anonymous\n"
