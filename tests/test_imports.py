"""The two paths people meet first load only what they need (issue #16).

`python -X importtime` lists every module a process imports; opening a room or adding a line
to an existing database must not bring back the Markdown parser, sqlite-utils, the bank or
plan readers, the exporters or the migrations (benchmarks/first_impression.py times them).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from types import ModuleType

from conftest import REPO
from hubworkshop.cli import ahead
from hubworkshop.domain import detect
from hubworkshop.storage import Store


def _benchmark() -> ModuleType:
    """benchmarks/first_impression.py, which measures the same hot paths: one list of the
    modules they must not import serves both."""
    path = REPO / "benchmarks" / "first_impression.py"
    spec = importlib.util.spec_from_file_location("first_impression", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HEAVY: tuple[str, ...] = _benchmark().HEAVY


def imported(
    *args: str, env: dict[str, str] | None = None
) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """The modules a Python process imports, and how it ended."""
    env = {
        **os.environ,
        "PYTHONIOENCODING": "utf-8",
        "XDG_STATE_HOME": os.devnull + "-state",
        **(env or {}),
    }
    env.pop("HUBWORKSHOP_DB", None)
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=REPO,
    )
    modules = {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return modules, done


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


def test_adding_a_line_imports_nothing_heavy(store, db_path):
    modules, done = imported(
        "-m", "hubworkshop", "--db", str(db_path), "add", "--room", "value", "a point"
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert [(c.text, c.language) for c in store.contributions.find()] == [("a point", "en")]
    assert "hubworkshop.storage.contributions" in modules  # the list is read
    assert heavy(modules) == []
    # The language was detected by the helper process (cli/ahead.py), which loaded Lingua
    # while this one imported itself: this process never loaded it.
    assert "lingua" not in modules


def test_the_helper_answers_and_ends_with_the_command(hubs_plan, tmp_path):
    """`hubworkshop add` detects through its helper, which is gone once the command is."""
    db_path = tmp_path / "a ?b#c%20d.db"  # a name a file: URI would misread
    store = Store.open(db_path, hubs_plan)
    marker = tmp_path / "helper-marker"  # on the helper's module path, so on its command line
    marker.mkdir()
    path = f"{marker}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"
    for text in ("Nous devons construire des hubs régionaux", "We need hubs"):
        modules, done = imported(
            "-m",
            "hubworkshop",
            "--db",
            str(db_path),
            "add",
            "--room",
            "value",
            text,
            env={"PYTHONPATH": path},
        )
        assert done.returncode == 0, done.stderr[-500:]
        assert "lingua" not in modules  # the helper detected it
    assert [c.language for c in store.contributions.find()] == ["fr", "en"]
    store.close()
    deadline = time.monotonic() + 30
    while helpers(str(marker)) and time.monotonic() < deadline:
        time.sleep(0.05)  # polling for an exit, bounded: not a timing assumption
    assert helpers(str(marker)) == []


def helpers(marker: str) -> list[str]:
    """Processes whose command line mentions `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if entry.name.isdigit() and marker in command and "hubworkshop.cli.ahead" in command:
            found.append(command)
    return found


def test_a_helper_that_is_gone_changes_nothing(monkeypatch):
    """Whatever happens to the helper, the command detects by itself."""
    ask_read, ask = os.pipe()
    answer, answer_write = os.pipe()
    os.close(ask_read)
    os.close(answer_write)  # the helper died before it answered
    monkeypatch.setattr(detect, "_ahead", None)
    ahead.use_helper(ask, answer)
    assert detect.detect_language("Nous devons construire des hubs régionaux", ("en", "fr")) == "fr"
    os.close(ask)
    os.close(answer)


def test_opening_a_room_imports_nothing_heavy(store, db_path, tmp_path):
    script = textwrap.dedent(
        f"""
        import asyncio
        from hubworkshop.storage import Store
        from hubworkshop.tui.app import HubworkshopApp
        from hubworkshop.tui.widgets.room_panels import QuestionPanel

        async def main():
            app = HubworkshopApp(Store.open({str(db_path)!r}), room="value")
            async with app.run_test() as pilot:
                while "What" not in str(app.screen.query_one(QuestionPanel).query_one(
                        "#question-a").render()):
                    await pilot.pause()
                print("question shown")

        asyncio.run(main())
        """
    )
    modules, done = imported("-c", script)
    assert done.returncode == 0, done.stderr[-800:]
    assert "question shown" in done.stdout
    assert "hubworkshop.tui.screens.room" in modules
    assert heavy(modules) == []


def test_creating_a_database_still_reads_the_plan(tmp_path):
    """The check above would pass vacuously if the heavy modules never loaded at all."""
    modules, done = imported(
        "-m",
        "hubworkshop",
        "--db",
        str(tmp_path / "new.db"),
        "--plan",
        "hubs-2021-11-27",
        "add",
        "--room",
        "value",
        "x",
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert {"hubworkshop.sources.plan", "hubworkshop.storage.schema", "markdown_it"} <= modules


def test_the_command_is_guessed_as_click_reads_it():
    """`add`'s helper starts only for `add`; the guess skips the group's options' values,
    which the test reads from the group itself so the two cannot drift apart."""
    import click

    from hubworkshop.cli import _GROUP_VALUES, _command
    from hubworkshop.cli.main import cli

    valued = {
        opt
        for param in cli.params
        if isinstance(param, click.Option) and not param.is_flag and not param.count
        for opt in param.opts
        if opt.startswith("--")
    }
    assert valued == set(_GROUP_VALUES)
    assert _command(["--db", "x.db", "add", "--room", "value", "a point"]) == "add"
    assert _command(["--db=x.db", "--bidi", "add", "a point"]) == "add"
    assert _command(["--room", "add"]) is None  # a room called "add": the app, no helper
    assert _command(["--db", "add", "list"]) == "list"
    assert _command([]) is None
