from __future__ import annotations

import contextlib
import inspect
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import traceback
import types
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from textual import _wait as textual_wait

from hubworkshop.sources.bundled import bundled_bank, bundled_plan
from hubworkshop.sources.plan import read_plan
from hubworkshop.storage import Store

REPO = Path(__file__).resolve().parent.parent


# Hypothesis: a developer's run tries fewer examples than CI does. HYPOTHESIS_PROFILE=ci
# (set by .ci/run) runs every property test at its full count; `dev` (the default) at a fifth.
settings.register_profile("ci", max_examples=100, deadline=None, print_blob=True)
settings.register_profile("dev", max_examples=20, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or "dev")


def examples(full: int) -> int:
    """How many examples a property test with `full` examples in CI tries in this run."""
    if settings.get_current_profile_name() == "ci":
        return full
    return max(10, full // 5)


# Pilot's pauses wait for "idle": Textual sleeps 20 ms at a time until a sleep passes in which
# the process used under a twentieth of it. Nearly every pause ends after its first sleep,
# so 20 ms was three quarters of the fast tests' time (62 s of test_tui.py's 80). Five ms at
# a time, idle under a tenth, ends the same pauses at the same points four times sooner: the
# tests wait for what they check (`settle`, `wait_until`), never for a pause to be long.
# test_upstream.py checks both names are still there (HARNESS_INTERNALS).
textual_wait.SLEEP_GRANULARITY = 0.005
textual_wait.SLEEP_IDLE = 0.0005


SLOW_KINDS = ("process", "pty", "browser", "mediawiki", "slow")
"""The markers `./dev test --fast` leaves out (pyproject.toml describes each)."""

_SIGNS = {
    "pty": ("openpty(", "pty.fork(", "Terminal("),  # test_line.py's Terminal, used elsewhere
    "process": (
        *("subprocess.", "Popen(", "serving(", "process=True", "entry=", "os.fork("),
        *('"--help"', '("serve"', '("line"'),  # what run_cli runs in a process (_IN_A_PROCESS)
    ),
    "browser": ("need_browser(",),  # test_browser.py's chromium, used elsewhere
}
"""What in a test's code (or the code of its module's helpers and fixtures it uses) makes it
of a kind, so that a test added anywhere is marked without anyone marking it."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with the slow kinds its code shows (`_SIGNS`); explicit marks
    (`pytestmark` of test_browser.py, test_mediawiki.py; `@pytest.mark.serial`) add to these."""
    for item in items:
        if not isinstance(item, pytest.Function):
            continue
        code = _code_of(item)
        for kind, signs in _SIGNS.items():
            if any(sign in code for sign in signs):
                item.add_marker(kind)


_sources: dict[object, str] = {}


def _names(code: types.CodeType) -> set[str]:
    """The global names `code` (and the functions and lambdas inside it) refers to."""
    names = set(code.co_names)
    for inner in code.co_consts:
        if isinstance(inner, types.CodeType):
            names |= _names(inner)
    return names


def _code_of(item: pytest.Function) -> str:
    """The source of a test, of the fixtures it asks for that its module defines, and of the
    functions of its own module that these call (transitively)."""
    module = item.module
    todo: list[object] = [item.function, *(vars(module).get(n) for n in item.fixturenames)]
    seen: set[object] = set()
    parts: list[str] = []
    while todo:
        function = todo.pop()
        for inner in ("hypothesis_inner_test", "__wrapped__"):  # @given; a fixture's function
            function = getattr(function, inner, function)
        if getattr(function, "__module__", None) != module.__name__:
            continue
        if isinstance(function, type):  # a helper class: its methods
            todo.extend(vars(function).values())
            continue
        code = getattr(function, "__code__", None)
        if code is None:
            continue
        if code in seen:
            continue
        seen.add(code)
        if code not in _sources:
            try:
                _sources[code] = inspect.getsource(function)  # type: ignore[arg-type]
            except (OSError, TypeError):
                _sources[code] = ""
        parts.append(_sources[code])
        todo.extend(vars(module).get(name) for name in _names(code))
    return "\n".join(parts)


@pytest.fixture(autouse=True)
def private_state_home(tmp_path_factory, monkeypatch):
    """Remembered rooms and drafts go to a folder of the test's own, never the real home.
    (A test that needs two apps to share them sets XDG_STATE_HOME itself.)"""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))
    monkeypatch.delenv("HUBWORKSHOP_TERMINAL", raising=False)


@pytest.fixture(scope="session")
def hubs_plan():
    """The bundled Hubs 2021 plan, read once."""
    return read_plan(bundled_plan())


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "workshop.db"


@pytest.fixture(scope="session")
def new_hubs_workshop(tmp_path_factory, hubs_plan) -> Path:
    """A new workshop made from the Hubs plan, once per test process: creating one runs
    every migration and seeds the plan (20 ms), copying it takes 2 ms. Never opened after."""
    path = tmp_path_factory.mktemp("new-workshop") / "workshop.db"
    Store.open(path, hubs_plan).close()
    assert not path.with_name(f"{path.name}-wal").exists()  # all of it is in the one file
    return path


@pytest.fixture
def store(db_path: Path, hubs_plan, new_hubs_workshop: Path):
    """A new workshop from the Hubs plan at `db_path`: a copy (content and private mode) of
    `new_hubs_workshop`, opened as the app opens an existing database. The tests of how a
    database is made (tests/test_store.py) call `Store.open(path, plan)` themselves."""
    shutil.copy(new_hubs_workshop, db_path)
    with Store.open(db_path, hubs_plan) as opened:
        yield opened


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write a folder of files; text is dedented, so tests can indent it."""
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def make_bank(tmp_path: Path):
    """A small valid bank, with files replaced or added as a test needs."""

    def make(files: dict[str, str | bytes] | None = None, *, drop: tuple[str, ...] = ()) -> Path:
        base = {
            "bank.md": """
                # tiny

                title: Tiny bank
                languages: en, fr

                ## roles

                - id: mentorship
                  en: Mentorship
                  fr: Mentorat
            """,
            "01-value.md": """
                # value

                en: Value
                fr: Valeur

                ## value.benefit

                en: What is the benefit?
                fr: Quel est l'avantage ?

                - en: For whom?
                  fr: Pour qui ?

                ## value.cost

                en: What does it cost?
                fr: Combien cela coûte-t-il ?
            """,
        }
        for name in drop:
            base.pop(name)
        base.update(files or {})
        return write_files(tmp_path / "bank", base)

    return make


HUBS = "hubs-2021-11-27"
"""The bundled Hubs example, as `--plan` names it."""


def run_cli(
    *args: str,
    db: Path | None = None,
    plan: str | None = HUBS,
    stdin: str | None = None,
    env=None,
    cwd: Path = REPO,
    entry: tuple[str, ...] | None = None,
    process: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run the `hubworkshop` command: in this process through click's `CliRunner` (fast), or
    in a real subprocess when the process itself matters: `process=True`, a given `entry`
    (how Python starts it), `--help` (it translates click's command tree in place) and the
    commands that run until stopped (`serve`, `line`). Either way the answer is a
    `CompletedProcess` with the exit code, stdout and stderr the user would see.

    A workshop is made only from a plan asked for: `plan` (the Hubs example unless the test
    says otherwise) is what a new database is made from, through $HUBWORKSHOP_NEW_PLAN as
    `./dev run` does; a database that exists ignores it."""
    overrides: dict[str, str | None] = {
        "PYTHONIOENCODING": "utf-8",
        **(env or {}),
        "HUBWORKSHOP_DB": str(db) if db is not None else None,
        "HUBWORKSHOP_NEW_PLAN": plan,
    }
    if process or entry is not None or not set(args).isdisjoint(_IN_A_PROCESS):
        full_env = {**os.environ, **overrides}
        return subprocess.run(
            [sys.executable, *(entry or ("-m", "hubworkshop")), *args],
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env={name: value for name, value in full_env.items() if value is not None},
            timeout=60,
            cwd=cwd,
        )
    return _run_in_process(list(args), stdin, overrides, cwd)


_IN_A_PROCESS = frozenset({"--help", "-h", "serve", "line"})
"""Arguments that make `run_cli` start a real process (see there)."""


def _run_in_process(
    args: list[str], stdin: str | None, env: dict[str, str | None], cwd: Path
) -> subprocess.CompletedProcess[str]:
    """`hubworkshop ARGS` through click's `CliRunner`: the same entry point as the real
    command (every failure becomes one line there), its own stdin, stdout, stderr and
    environment; an exception that escapes it is shown as Python would show it."""
    from click.testing import CliRunner

    from hubworkshop.cli.main import main

    code: int = 0
    escaped = ""
    here = os.getcwd()
    with CliRunner().isolation(input=stdin, env=env) as (out, err, _):
        os.chdir(cwd)
        try:
            main(args)
        except SystemExit as done:
            if isinstance(done.code, int) or done.code is None:
                code = done.code or 0
            else:
                sys.stderr.write(f"{done.code}\n")
                code = 1
        except Exception:
            escaped = traceback.format_exc()
            code = 1
        finally:
            os.chdir(here)
            sys.stdout.flush()
            sys.stderr.flush()
        stdout = out.getvalue().decode("utf-8", "replace")
        stderr = err.getvalue().decode("utf-8", "replace") + escaped
    return subprocess.CompletedProcess(["hubworkshop", *args], code, stdout, stderr)


@pytest.fixture
def cli():
    return run_cli


__all__ = ["HUBS", "REPO", "bundled_bank", "bundled_plan", "examples", "run_cli", "write_files"]


SERVE_TOKEN = "a-test-token-of-32-characters-xx"
"""The facilitators' link's secret in tests."""
NOTE_TAKER_TOKEN = "a-note-takers-token-of-32-chars-"
"""The note-takers' link's secret in tests."""


@contextlib.contextmanager
def serving(
    tmp_path: Path, plan, *options: str, env: dict[str, str] | None = None
) -> Iterator[tuple[str, Path, subprocess.Popen[str]]]:
    """`hubworkshop serve [options]` on a new workshop, in a subprocess, once it answers (403
    without the token) on 127.0.0.1: its address there, its database and its process."""
    db = tmp_path / "workshop.db"
    Store.open(db, plan).close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {
        **os.environ,
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "HUBWORKSHOP_DB": str(db),
        **(env or {}),
    }
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "hubworkshop", "serve"),
            *("--port", str(port), "--token", SERVE_TOKEN),
            *("--note-taker-token", NOTE_TAKER_TOKEN, *options),
        ],
        env=env,
        cwd=tmp_path,  # where a file written by mistake would land
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                urllib.request.urlopen(base, timeout=2)
            except urllib.error.HTTPError as answer:  # 403 without the token: it is up
                if answer.code == 403:
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    output = server.stdout.read() if server.stdout else ""
                    pytest.fail(f"serve did not start: {output}")
                time.sleep(0.1)
        yield base, db, server
    finally:
        server.terminate()
        server.wait(timeout=30)
