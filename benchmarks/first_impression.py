"""What people meet first, measured as they meet it (issue #16).

* Question on screen: from process start to the room's question appearing in a real
  pseudo-terminal (the output is read and stripped of escape sequences), against a bare
  Textual app with a Header, the same question in a Static, an Input and a Footer
  (`bare_app.py`), launched the same way.
* `hubworkshop add` end to end, against a bare click command that opens SQLite (WAL,
  synchronous=FULL), inserts one row in BEGIN IMMEDIATE and prints its id (`bare_add.py`).
* Where start-up time goes: `python -X importtime` of both paths.

Runs alternate between the app and its baseline, and medians are reported, so a noisy
machine slows both alike.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ANSI = re.compile(
    rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])"
)

# Modules the two hot paths must not import (tests/test_imports.py checks this list).
HEAVY = (
    "markdown_it",
    "sqlite_utils",
    "dateutil",
    "tomllib",
    "hubworkshop.sources.bank",
    "hubworkshop.sources.plan",
    "hubworkshop.reports.summary",
    "hubworkshop.reports.data",
    "hubworkshop.reports.document",
    "hubworkshop.reports.wikitext",
    "hubworkshop.storage.schema",
)


def _command() -> list[str]:
    script = Path(sys.executable).with_name("hubworkshop")
    return [str(script)] if script.exists() else [sys.executable, "-m", "hubworkshop"]


def time_to_text(
    argv: list[str], needle: str, env: dict[str, str], size: tuple[int, int] = (24, 80)
) -> float:
    """Seconds from starting `argv` in a pseudo-terminal until `needle` is on its screen."""
    master, slave = pty.openpty()
    rows, cols = size
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    wanted, seen = needle.encode(), b""
    try:
        while time.perf_counter() - start < 60:
            ready, _, _ = select.select([master], [], [], 0.005)
            if not ready:
                continue
            try:
                seen += os.read(master, 1 << 16)
            except OSError:
                break
            if wanted in ANSI.sub(b"", seen):
                return time.perf_counter() - start
        raise RuntimeError(f"{needle!r} never appeared: {ANSI.sub(b'', seen)[-400:]!r}")
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        os.close(master)


def _wall(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def _environment(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        TERM="xterm-256color",
        COLORTERM="truecolor",
        XDG_STATE_HOME=str(folder / "state"),
        HUBWORKSHOP_NOTE_TAKER="bench",
    )
    env.pop("HUBWORKSHOP_DB", None)
    return env


def bench_first_paint(folder: Path, runs: int) -> dict[str, float]:
    """Process start to the room's question on screen, against the bare app."""
    from hubworkshop.sources.bundled import bundled_plan
    from hubworkshop.sources.plan import read_plan
    from hubworkshop.storage import Store

    db = folder / "first-paint.db"
    with Store.open(db, read_plan(bundled_plan())) as store:
        question = store.catalog.question(store.rooms.state("value").question or "")
        text = question.text.get_text(store.catalog.workshop().default_language)
    needle = " ".join(text.split()[:3])  # the first words: never wrapped at 80 columns
    env = _environment(folder)
    app = [*_command(), "--db", str(db), "--room", "value"]
    bare = [sys.executable, str(HERE / "bare_app.py"), text]
    time_to_text(app, needle, env)  # warm the file cache for both
    time_to_text(bare, needle, env)
    french = [*app, "--ui-lang", "fr"]
    return against_bare(
        runs,
        1.3,
        bare=lambda: time_to_text(bare, needle, env),
        app=lambda: time_to_text(app, needle, env),
        fr=lambda: time_to_text(french, needle, env),
    )


def bench_add(folder: Path, runs: int) -> dict[str, float]:
    """`hubworkshop add` end to end, against a bare click + sqlite3 script."""
    from hubworkshop.sources.bundled import bundled_plan
    from hubworkshop.sources.plan import read_plan
    from hubworkshop.storage import Store

    db, bare_db = folder / "add.db", folder / "bare-add.db"
    Store.open(db, read_plan(bundled_plan())).close()
    env = _environment(folder)
    app = [*_command(), "--db", str(db), "add", "--room", "value", "a point from a script"]
    bare = [sys.executable, str(HERE / "bare_add.py"), "--db", str(bare_db), "--room", "value"]
    bare.append("a point from a script")
    _wall(app, env)
    _wall(bare, env)
    return against_bare(runs, 1.5, bare=lambda: _wall(bare, env), app=lambda: _wall(app, env))


def against_bare(
    runs: int,
    goal: float,
    bare: Callable[[], float],
    app: Callable[[], float],
    **more: Callable[[], float],
) -> dict[str, float]:
    """Each measure (seconds) `runs` times, interleaved so that a machine that slows down slows
    them all; their medians in ms (`bare_ms`, `app_ms`, `<name>_ms`) and as ratios to the bare
    baseline (`ratio` for the app, `<name>_ratio` for the others), with the goal."""
    measures = {"bare": bare, "app": app, **more}
    samples: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(runs):
        for name, measure in measures.items():
            samples[name].append(measure())
    medians = {name: statistics.median(values) for name, values in samples.items()}
    result = {f"{name}_ms": median * 1000 for name, median in medians.items()}
    for name, median in medians.items():
        if name != "bare":
            result["ratio" if name == "app" else f"{name}_ratio"] = median / medians["bare"]
    result["goal"] = goal
    return result


IMPORT_PATHS = {
    # cli.main: the package itself is only the entry point (it starts `add`'s helper).
    "open a room": "import hubworkshop.cli.main, hubworkshop.tui.app, hubworkshop.tui.screens.room",
    "add": "import hubworkshop.cli.main; from hubworkshop.storage import Store",
}


def import_times(path: str) -> dict[str, float]:
    """Cumulative import time (ms) of each module `python -X importtime` reports for a path."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", IMPORT_PATHS[path]],
        capture_output=True,
        text=True,
        check=True,
    )
    times: dict[str, float] = {}
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = (part.strip() for part in line.split("|"))
        if cumulative.isdigit():
            times[name] = int(cumulative) / 1000
    return times


def bench_imports() -> dict[str, dict[str, float]]:
    """For each path: total, and the biggest pieces worth naming."""
    named = (
        "textual.app",
        "textual",
        "click",
        "sqlite3",
        "hubworkshop.storage.store",
        "hubworkshop.domain.model",
        "hubworkshop.tui.screens.room",
        "hubworkshop.cli.main",
        "hubworkshop.tui.app",
        *HEAVY,
    )
    table = {}
    for path in IMPORT_PATHS:
        times = import_times(path)
        table[path] = {name: times[name] for name in named if name in times}
        table[path]["(heavy modules present)"] = float(sum(1 for h in HEAVY if h in times))
    return table


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(bench_first_paint(folder, 5))
        print(bench_add(folder, 9))
        print(bench_imports())
        shutil.rmtree(folder / "state", ignore_errors=True)


def report_lines(paint: dict[str, float], add: dict[str, float]) -> list[str]:
    """The two rows of benchmarks/RESULTS.md's table."""

    def mark(ok: bool) -> str:
        return "met" if ok else "NOT met"

    return [
        f"| Question on screen, process start in a pty (median) | {paint['app_ms']:.0f} ms | "
        f"bare Textual app with Header, Static, Input, Footer {paint['bare_ms']:.0f} ms | "
        f"{paint['ratio']:.2f}× | ≤ 1.3× | {mark(paint['ratio'] <= 1.3)} |",
        f"| The same with the French interface (`--ui-lang fr`) | {paint['fr_ms']:.0f} ms | "
        f"the same bare app | {paint['fr_ratio']:.2f}× | ≤ 1.3× | "
        f"{mark(paint['fr_ratio'] <= 1.3)} |",
        f"| `hubworkshop add` end to end (median) | {add['app_ms']:.0f} ms | bare click + "
        f"sqlite3 insert {add['bare_ms']:.0f} ms | {add['ratio']:.2f}× | ≤ 1.5× | "
        f"{mark(add['ratio'] <= 1.5)} |",
    ]


def import_table(table: dict[str, dict[str, float]]) -> list[str]:
    """Where start-up goes, per path: cumulative import times from `python -X importtime`."""
    names = sorted({name for times in table.values() for name in times if not name.startswith("(")})
    paths = list(table)
    lines = [
        "",
        "## Import time by path (cumulative ms, `python -X importtime`)",
        "",
        "| Module | " + " | ".join(paths) + " |",
        "| --- |" + " --- |" * len(paths),
    ]
    for name in names:
        cells = [f"{table[p][name]:.1f}" if name in table[p] else "not imported" for p in paths]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    heavy = " | ".join(f"{table[p]['(heavy modules present)']:.0f}" for p in paths)
    lines.append(f"| heavy modules present ({', '.join(HEAVY)}) | {heavy} |")
    return lines


def compile_package() -> None:
    """Byte-compile the package first, as an installed wheel is: with PYTHONDONTWRITEBYTECODE
    set (as here), every start would otherwise compile every module from source."""
    import compileall

    import hubworkshop

    compileall.compile_dir(Path(hubworkshop.__file__).parent, quiet=1)
