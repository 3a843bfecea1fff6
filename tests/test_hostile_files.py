"""Files from elsewhere are data, never a way in (issue #28): an archive for `import` and a
copy for `merge` are checked field by field as typed input is; each refusal is one line
naming the file and the field, exit 2 (never 70), and nothing half-written. A fuzz test
feeds generated hostile archives and copies to both commands."""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, examples
from hubworkshop.cli.main import main
from hubworkshop.domain.records import Draft
from hubworkshop.storage import Store
from workshop_fixture import build

OFF_RECORD_WORDS = "only for the room, never published"


@pytest.fixture(scope="module")
def workshop(tmp_path_factory, hubs_plan) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "workshop.db"
    build(path, hubs_plan).close()
    with Store.open(path) as store:
        store.contributions.add(Draft("lifecycle", OFF_RECORD_WORDS, author="Secret Sam"))
    return path


@pytest.fixture(scope="module")
def archive(workshop, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("archive") / "full.json"
    with contextlib.redirect_stdout(io.StringIO()):
        main(["export", "--db", str(workshop), "--format", "json", "--attribute", "-o", str(out)])
    return json.loads(out.read_text(encoding="utf-8"))


def state(path: Path) -> list:
    """What a workshop file holds, to see that a refused merge changed nothing."""
    conn = sqlite3.connect(path)
    try:
        return [
            sorted(map(repr, conn.execute(f"SELECT * FROM {table}")))
            for table in ("participants", "contributions", "events", "votes", "erasures")
        ]
    finally:
        conn.close()


def refused(result, *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


# -- import ------------------------------------------------------------------------------------


def test_a_crafted_archive_cannot_lower_consent(cli, archive, tmp_path):
    crafted = json.loads(json.dumps(archive))
    crafted["participants"]["named"].append("(off the record 1)")
    crafted["participants"]["by_consent"]["named"] += 1
    path = write(tmp_path / "crafted.json", crafted)
    new = tmp_path / "new.db"
    refused(cli("import", str(path), "--db", str(new)), "crafted.json", "participants.named")
    assert not new.exists() and sorted(os.listdir(tmp_path)) == ["crafted.json"]

    credited = json.loads(json.dumps(archive))
    point = next(c for c in credited["contributions"] if c["off_record"])
    point["author"] = "Amina Diallo"
    path = write(tmp_path / "credited.json", credited)
    refused(cli("import", str(path), "--db", str(new)), "contributions[", "].author")
    assert not new.exists()

    # The honest archive still round-trips, off-the-record words kept off the record.
    ok = cli("import", str(write(tmp_path / "ok.json", archive)), "--db", str(new))
    assert ok.returncode == 0, ok.stderr
    for fmt in ("markdown", "wikitext"):
        out = cli("export", "--format", fmt, "--attribute", db=new)
        assert out.returncode == 0 and OFF_RECORD_WORDS not in out.stdout


def test_a_count_in_the_file_allocates_nothing(cli, archive, tmp_path):
    crafted = json.loads(json.dumps(archive))
    crafted["participants"]["by_consent"]["anonymous"] = 10_000_000
    path = write(tmp_path / "big.json", crafted)
    refused(cli("import", str(path), "--db", str(tmp_path / "new.db")), "by_consent.anonymous")
    assert sorted(os.listdir(tmp_path)) == ["big.json"]  # no temporary file left behind


def test_deep_nesting_is_refused_not_an_internal_error(cli, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 200_000 + "]" * 200_000)
    refused(cli("import", str(path), "--db", str(tmp_path / "new.db")), "deep.json", "nests")


@pytest.mark.parametrize(
    "field, value",
    [
        ("language", "![x](https://example.org/x.png)"),
        ("language", '<img src=x onerror="alert(1)">'),
        ("id", "\x1b[2J\x1b]0;owned\x07"),
        ("merged_into", "\x1b[2J"),
    ],
)
def test_archive_fields_are_checked_as_typed_input(cli, archive, tmp_path, field, value):
    crafted = json.loads(json.dumps(archive))
    crafted["contributions"][0][field] = value
    path = write(tmp_path / "field.json", crafted)
    result = cli("import", str(path), "--db", str(tmp_path / "new.db"))
    refused(result, "field.json", f"contributions[0].{field}")
    assert "\x1b" not in result.stderr


def test_a_merge_cycle_in_an_archive_is_refused(cli, archive, tmp_path):
    crafted = json.loads(json.dumps(archive))
    a, b = crafted["contributions"][:2]
    a["merged_into"], b["merged_into"] = b["id"], a["id"]
    path = write(tmp_path / "ring.json", crafted)
    refused(cli("import", str(path), "--db", str(tmp_path / "new.db")), "merged_into", "ring")


# -- merge -------------------------------------------------------------------------------------


def tampered(workshop: Path, folder: Path, *statements: str) -> Path:
    copy = folder / "copy.db"
    shutil.copyfile(workshop, copy)
    conn = sqlite3.connect(copy, isolation_level=None)
    try:
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()
    return copy


@pytest.mark.parametrize(
    "statement, words",
    [
        (
            "UPDATE contributions SET language = '![x](https://example.org/x.png)' "
            "WHERE seq = (SELECT min(seq) FROM contributions)",
            ["contributions[0].language"],
        ),
        (
            "UPDATE contributions SET id = char(27) || '[2J' || char(27) || ']0;' "
            "WHERE seq = (SELECT max(seq) FROM contributions)",
            [".id", "is not an id"],
        ),
        (
            "UPDATE participants SET consent = 'named', name = '(anonymous 1)' || char(10) "
            "WHERE id = 1",
            ["participants[0].name"],
        ),
        ("CREATE VIEW harmless AS SELECT 1", ["'harmless' (view)"]),
    ],
)
def test_copy_fields_and_schema_are_checked(cli, workshop, tmp_path, statement, words):
    target = tmp_path / "target.db"
    shutil.copyfile(workshop, target)
    with Store.open(target) as store:
        store.contributions.add(Draft("value", "a point of the target's own"))
    before = state(target)
    copy = tampered(workshop, tmp_path, statement)
    result = cli("merge", str(copy), db=target)
    refused(result, "copy.db", *words)
    assert "\x1b" not in result.stderr
    assert state(target) == before


def test_a_copy_whose_table_is_an_endless_view_is_refused(workshop, tmp_path):
    """Run under a memory limit: the old code read the view until memory ran out."""
    target = tmp_path / "target.db"
    shutil.copyfile(workshop, target)
    copy = tampered(
        workshop,
        tmp_path,
        "PRAGMA foreign_keys = OFF",
        "PRAGMA legacy_alter_table = ON",
        "ALTER TABLE takeaways RENAME TO old_takeaways",
        "CREATE VIEW takeaways AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL "
        "SELECT n + 1 FROM r) SELECT 'value' AS room, n AS position, 'x' AS contribution FROM r",
    )
    before = state(target)
    limit = 1536 * 1024 * 1024
    result = subprocess.run(
        [sys.executable, "-m", "hubworkshop", "merge", str(copy), "--db", str(target)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        cwd=REPO,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)),
    )
    refused(result, "copy.db", "'takeaways' (view)")
    assert state(target) == before


def test_a_merge_cycle_in_a_copy_is_refused(cli, workshop, tmp_path):
    target = tmp_path / "target.db"
    shutil.copyfile(workshop, target)
    before = state(target)
    copy = tampered(
        workshop,
        tmp_path,
        "UPDATE contributions SET merged_into = (SELECT id FROM contributions WHERE seq = 2) "
        "WHERE seq = 1",
        "UPDATE contributions SET merged_into = (SELECT id FROM contributions WHERE seq = 1) "
        "WHERE seq = 2",
        "UPDATE contributions SET updated_at = '2030-01-01T00:00:00.000Z' WHERE seq <= 2",
    )
    refused(cli("merge", str(copy), db=target), "copy.db", "merged_into", "ring")
    assert state(target) == before


def test_list_shows_control_characters_escaped(cli, workshop, tmp_path):
    """A row that reached the file anyway (an older version's import) prints inert."""
    db = tampered(
        workshop,
        tmp_path,
        "UPDATE contributions SET id = char(27) || '[2J' || char(27) || ']0;x' || char(7) "
        "WHERE seq = 1",
    )
    result = cli("list", db=db)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\\x1b[2J" in result.stdout


# -- the state folder ----------------------------------------------------------------------------


def test_a_fifo_in_the_state_folder_never_hangs_the_app(tmp_path):
    """The drafts file and last-room.json are read only if they are regular files."""
    state_home = tmp_path / "state"
    script = (
        "from pathlib import Path\n"
        "from hubworkshop.tui.drafts import Drafts\n"
        "from hubworkshop.tui.resume import last_room, state_file\n"
        "db = Path('workshop.db')\n"
        "drafts = Drafts(db, 'Amina')\n"
        "drafts.path.parent.mkdir(parents=True)\n"
        "import os\n"
        "os.mkfifo(drafts.path)\n"
        "os.mkfifo(state_file())\n"
        "print(drafts.get('value/bar'), last_room(db, 'Amina'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={**os.environ, "XDG_STATE_HOME": str(state_home)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None None"


# -- fuzz: generated hostile archives and copies --------------------------------------------------

FUZZ_EXAMPLES = int(os.environ.get("HUBWORKSHOP_FUZZ_EXAMPLES") or examples(60))

hostile_text = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(max_codepoint=0x9F), max_size=20),
    st.sampled_from(["\x1b[2J", "![x](http://e/x.png)", "<img onerror=x>", "(off the record 1)",
                     "[[Special:Random]]", "{{subst:x}}", "ŁØ\u202e", "", " "]),
)  # fmt: skip
hostile_json = st.recursive(
    st.one_of(
        st.none(), st.booleans(), hostile_text,
        st.integers(min_value=-(2**70), max_value=2**70), st.floats(allow_nan=False),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(hostile_text, inner, max_size=4)
    ),
    max_leaves=12,
)  # fmt: skip


def run_main(*args: str) -> tuple[int, str]:
    """The command line in this process (fast): its exit code and its stderr."""
    err, out = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            main(list(args))
        except SystemExit as done:
            code = int(done.code or 0)
    return code, err.getvalue()


def nested(depth: int) -> list:
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


def _paths(value: object, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for i, inner in enumerate(value[:3]):
            found += _paths(inner, (*prefix, i))
    return found


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_fuzz_import_ends_in_success_or_one_line(archive, tmp_path, data):
    document = json.loads(json.dumps(archive))
    paths = _paths(document)
    for _ in range(data.draw(st.integers(1, 3))):
        where = data.draw(st.sampled_from(paths))
        value = data.draw(
            st.one_of(
                hostile_json,
                st.integers(1, 60).map(nested),
            )
        )
        if not where:
            document = value
            break
        holder = document
        try:
            for key in where[:-1]:
                holder = holder[key]
            holder[where[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    folder = Path(tmp_path) / f"i{len(list(Path(tmp_path).iterdir()))}"
    folder.mkdir()
    source = folder / "a.json"
    try:
        source.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    except (UnicodeEncodeError, ValueError):
        return
    new = folder / "new.db"
    code, err = run_main("import", str(source), "--db", str(new))
    assert code in (0, 1, 2), err
    if code:
        assert len(err.strip().splitlines()) == 1, err
        assert "internal error" not in err
        assert sorted(os.listdir(folder)) == ["a.json"]  # nothing half-written


copy_statement = st.one_of(
    st.tuples(
        st.sampled_from([
            ("contributions", "id"), ("contributions", "language"), ("contributions", "text"),
            ("contributions", "note_taker"), ("contributions", "owner"),
            ("contributions", "merged_into"), ("contributions", "updated_at"),
            ("participants", "name"), ("participants", "consent"), ("participants", "uid"),
            ("events", "data"), ("events", "action"), ("events", "actor"),
            ("votes", "dots"), ("erasures", "value"), ("contribution_tags", "tag"),
        ]),
        st.one_of(
            hostile_text, st.integers(-(2**63), 2**63 - 1), st.binary(max_size=8),
            st.floats(allow_nan=False), st.none(),
            st.integers(0, 5000).map(lambda n: "[" * n + "]" * n),
        ),
    ),
    st.sampled_from([
        "CREATE VIEW v AS SELECT 1",
        "CREATE TRIGGER t AFTER UPDATE ON participants BEGIN SELECT 1; END",
        "DROP TABLE IF EXISTS takeaways",
        "DELETE FROM workshop",
        "INSERT INTO erasures VALUES ('person', (SELECT uid FROM participants LIMIT 1), 1)",
        "PRAGMA user_version = 99",
    ]),
)  # fmt: skip


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(statements=st.lists(copy_statement, min_size=1, max_size=3))
def test_fuzz_merge_ends_in_success_or_one_line(workshop, tmp_path, statements):
    folder = Path(tmp_path) / f"m{len(list(Path(tmp_path).iterdir()))}"
    folder.mkdir()
    target, copy = folder / "target.db", folder / "copy.db"
    shutil.copyfile(workshop, target)
    shutil.copyfile(workshop, copy)
    conn = sqlite3.connect(copy, isolation_level=None)
    try:
        for statement in statements:
            try:
                if isinstance(statement, str):
                    conn.execute(statement)
                else:
                    (table, column), value = statement
                    conn.execute(
                        f"UPDATE {table} SET {column} = ? WHERE rowid = "
                        f"(SELECT min(rowid) FROM {table})",
                        [value],
                    )
            except sqlite3.Error:
                pass  # SQLite itself refused to write it (a STRICT column): still a copy
    finally:
        conn.close()
    before = state(target)
    code, err = run_main("merge", str(copy), "--db", str(target))
    assert code in (0, 1, 2), err
    if code:
        assert len(err.strip().splitlines()) == 1, err
        assert "internal error" not in err
        assert state(target) == before


def test_a_room_without_questions_is_refused_not_an_internal_error(cli, archive, tmp_path):
    """Found by the fuzz test: the plan inside an archive keeps a plan's rules."""
    crafted = json.loads(json.dumps(archive))
    crafted["rooms"][2]["questions"] = []
    path = write(tmp_path / "room.json", crafted)
    refused(cli("import", str(path), "--db", str(tmp_path / "new.db")), "rooms[2].questions")


def test_every_command_prints_inert_on_a_terminal(workshop, tmp_path):
    """Not only `list`: on a terminal, whatever a command prints from the file shows its
    control characters escaped (here the room's question, from an older version's file)."""
    import pty

    db = tampered(
        workshop,
        tmp_path,
        "PRAGMA foreign_keys = OFF",
        "UPDATE room_state SET question = char(27) || '[2J' || char(27) || ']0;x' || char(7) "
        "WHERE room = 'value'",
    )
    leader, follower = pty.openpty()
    try:
        process = subprocess.run(
            [
                sys.executable,
                "-m",
                "hubworkshop",
                "room",
                "show",
                "--room",
                "value",
                "--db",
                str(db),
            ],
            stdout=follower,
            stderr=subprocess.PIPE,
            timeout=60,
            cwd=REPO,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    assert process.returncode == 0, process.stderr
    assert b"question:" in shown
    assert b"\x1b" not in shown and b"\x07" not in shown and b"\\x1b[2J" in shown


async def test_the_app_reaches_its_room_with_fifos_in_the_state_folder(db_path, hubs_plan):
    """The app reads last-room.json and the person's drafts before its first screen: FIFOs
    there (nothing ever writes to them) must not hold it back."""
    from hubworkshop.tui.app import HubworkshopApp
    from hubworkshop.tui.drafts import Drafts
    from hubworkshop.tui.resume import state_file
    from hubworkshop.tui.screens.room import RoomScreen

    with Store.open(db_path, hubs_plan) as store:
        drafts = Drafts(db_path, "Amina")
        drafts.path.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(drafts.path)
        os.mkfifo(state_file())
        app = HubworkshopApp(store, room="lifecycle", user_name="Amina")
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            assert isinstance(app.screen, RoomScreen)
