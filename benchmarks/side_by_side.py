"""Two revisions of hubworkshop measured side by side, on this machine, in the same run.

    python benchmarks/side_by_side.py [BEFORE] [AFTER]     (or: ./dev bench --compare ...)
        BEFORE  default d650941, the last commit before #31's restructuring
        AFTER   default HEAD
    --rounds N       rounds (default 5; --quick: 2)
    --quick          fewer rounds and captures (a check that the harness runs, not a verdict)
    --instructions   also count the exports' instructions under valgrind's callgrind (10,000
                     rows; repeatable however busy the machine is, several minutes)
    --suite          also time each revision's whole suite once (wall and CPU): `pytest -q`
                     for a revision without pytest-xdist, `./dev test` for one with it
    --write FILE     write the Markdown report there too (benchmarks/side-by-side.md is
                     appended to RESULTS.md by run.py)
    --keep           leave the checkouts and virtual environments in /tmp (their path printed)
    --limit SECONDS  an export that takes longer is stopped and reported as over it (60)

Each revision is checked out with `git worktree add --detach` into a folder under /tmp with its
own virtual environment: hubworkshop installed editable, as `./dev` installs it, with the
revision's requirements/test.lock as constraints, or, for a revision older than the lock, the
other revision's lock (so both measure the code, not two resolutions of the dependencies);
then byte-compiled, as `./dev run` does. Both are removed at the end.

What is measured, for each revision, interleaved within every round (A B, then B A in the next
round), so that a machine whose load drifts slows both alike:

- capture p99: Enter -> committed -> on the list, in the room, in process (as run.py's
  bench_capture), each round in a fresh process on a fresh database;
- question on screen: process start to the room's question in a pseudo-terminal (as
  first_impression.py), 2 per round;
- `hubworkshop add`: one process's wall time, 3 per round;
- export of a 100,000-contribution workshop as Markdown, wikitext and JSON, through the
  command line (`hubworkshop export`, output thrown away): wall and CPU time, 1 per round.

The noise rule: a figure is "worse by more than noise" when the after median is above every
before sample (outside its min-max) and more than 10 % above the before median; "better" the
other way round. For instruction counts (deterministic but for hash seeds and addresses) when
it is more than 3 % above.

The in-process steps are in side_by_side_probe.py, run by each revision's own Python; everything
else drives the revision's command line, so an API that moved between the revisions matters
only to the probe.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from first_impression import time_to_text  # noqa: E402  (stdlib only at import)

DEFAULT_BEFORE = "d650941"
EXPORT_ROWS = 100_000
INSTRUCTION_ROWS = 10_000
FORMATS = ("markdown", "wikitext", "json")
WORDS = [  # as benchmarks/run.py's
    *("hubs", "regional", "thematic", "support", "funding", "legal", "mentorship"),
    *("coordination", "community", "charter", "governance", "capacity", "trust"),
    *("decentralise", "resources", "affiliates", "evaluation", "language"),
]
WORSE = 1.10  # and outside the other revision's min-max
WORSE_INSTRUCTIONS = 1.03


def sentence(i: int) -> str:
    """As benchmarks/run.py's contributions."""
    return " ".join(WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(8 + i % 9)) + f" #{i}"


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout.strip()


class TimedOut(Exception):
    """A command ran past its time limit (and was stopped)."""


def timed(
    argv: list[str], env: dict[str, str], stdin: bytes | None = None, limit: float = 600
) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, the process and what it waited for) of a command;
    TimedOut when it runs past `limit` seconds (a regression by orders of magnitude should
    not hold up the whole comparison)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        argv,
        env=env,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if stdin is not None:
        assert process.stdin is not None
        process.stdin.write(stdin)
        process.stdin.close()
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - start > limit:
            process.kill()
            process.wait()
            raise TimedOut(argv)
        time.sleep(0.002)
    wall = time.perf_counter() - start
    assert process.stderr is not None
    error = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:6])} ... failed ({process.returncode}): {error}")
    return wall, usage.ru_utime + usage.ru_stime


@dataclass
class Revision:
    label: str  # "before" / "after"
    rev: str
    sha: str = ""
    subject: str = ""
    root: Path = Path()
    folder: Path = Path()  # databases and state
    needle: str = ""
    question: str = ""
    versions: str = ""
    constraint: str = ""
    samples: dict[str, list[float]] = field(default_factory=dict)
    timed_out: set[str] = field(default_factory=set)  # measures given up after a time-out
    suite_summary: str = ""

    @property
    def python(self) -> str:
        return str(self.root / ".venv" / "bin" / "python")

    @property
    def command(self) -> list[str]:
        return [str(self.root / ".venv" / "bin" / "hubworkshop")]

    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            TERM="xterm-256color",
            COLORTERM="truecolor",
            XDG_STATE_HOME=str(self.folder / "state"),
            HUBWORKSHOP_NOTE_TAKER="bench",
        )
        for name in ("HUBWORKSHOP_DB", "HUBWORKSHOP_UI_LANG", "VIRTUAL_ENV", "PYTHONPATH"):
            env.pop(name, None)
        return env

    def add(self, name: str, value: float) -> None:
        self.samples.setdefault(name, []).append(value)

    def probe(self, *args: str) -> object:
        done = subprocess.run(
            [self.python, str(HERE / "side_by_side_probe.py"), *args],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(done.stdout)


# -- set-up ---------------------------------------------------------------------------------------


def check_out(revision: Revision, scratch: Path, lock: Path | None, suite: bool) -> None:
    revision.sha = git("rev-parse", "--short", f"{revision.rev}^{{commit}}")
    revision.subject = git("log", "-1", "--format=%s", revision.sha)
    revision.root = scratch / f"{revision.label}-{revision.sha}"
    revision.folder = scratch / f"{revision.label}-data"
    revision.folder.mkdir()
    log(f"{revision.label}: {revision.sha} {revision.subject}")
    git("worktree", "add", "--quiet", "--detach", str(revision.root), revision.sha)
    own = revision.root / "requirements" / "test.lock"
    constraint = own if own.exists() else lock
    revision.constraint = (
        "its own requirements/test.lock"
        if constraint == own
        else f"the lock of {constraint.parent.parent.name.split('-')[-1]}"
        if constraint
        else "none (resolved afresh)"
    )
    subprocess.run([sys.executable, "-m", "venv", str(revision.root / ".venv")], check=True)
    extras = "[test]" if suite else ""
    pip = [revision.python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if constraint:
        pip += ["--constraint", str(constraint)]
    installed = subprocess.run(
        [*pip, "--editable", f"{revision.root}{extras}"], capture_output=True, text=True
    )
    if installed.returncode != 0:
        raise RuntimeError(f"pip install failed:\n{installed.stdout}{installed.stderr}")
    subprocess.run(
        [revision.python, "-m", "compileall", "-q", str(revision.root / "src")], check=True
    )
    revision.versions = subprocess.run(
        [
            revision.python,
            "-c",
            "import importlib.metadata as m; print(', '.join(f'{n} {m.version(n)}' for n in "
            "('textual', 'sqlite-utils', 'lingua-language-detector', 'markdown-it-py')))",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def prepare(revision: Revision, instructions: bool) -> None:
    """The revision's own databases, made by its own code: empty ones from the probe, the
    export's filled through `hubworkshop add -` (language given, the room's first question)."""
    found = revision.probe("prepare", str(revision.folder))
    assert isinstance(found, dict)
    revision.needle, revision.question = found["needle"], found["question"]
    sizes = [("export", EXPORT_ROWS)]
    if instructions:
        shutil.copy(revision.folder / "export.db", revision.folder / "export-small.db")
        sizes.append(("export-small", INSTRUCTION_ROWS))
    for name, rows in sizes:
        for start, tag in zip(range(0, rows, rows // 5), WORDS, strict=False):
            lines = "\n".join(sentence(i) for i in range(start, start + rows // 5)) + "\n"
            timed(
                [
                    *revision.command,
                    "--db",
                    str(revision.folder / f"{name}.db"),
                    "add",
                    "--room",
                    "value",
                    "--question",
                    revision.question,
                    "--lang",
                    "en",
                    "--tag",
                    tag,
                    "-",
                ],
                revision.env,
                stdin=lines.encode(),
            )
    counted = sqlite3.connect(revision.folder / "export.db").execute(
        "SELECT count(*) FROM contributions"
    )
    log(f"{revision.label}: {counted.fetchone()[0]:,} contributions to export")


# -- the measures ---------------------------------------------------------------------------------


def first_paint(revision: Revision) -> None:
    argv = [*revision.command, "--db", str(revision.folder / "first-paint.db"), "--room", "value"]
    revision.add("paint", time_to_text(argv, revision.needle, revision.env))


def add_one(revision: Revision) -> None:
    argv = [*revision.command, "--db", str(revision.folder / "add.db"), "add", "--room", "value"]
    wall, cpu = timed([*argv, "a point from a script"], revision.env)
    revision.add("add", wall)
    revision.add("add_cpu", cpu)


def capture(revision: Revision, count: int, round_: int) -> None:
    db = revision.folder / f"capture-{round_}.db"
    shutil.copy(revision.folder / "capture.db", db)
    latencies = revision.probe("capture", str(db), str(count))
    assert isinstance(latencies, list)
    revision.add("capture_p99", percentile(latencies, 99))
    revision.add("capture_p50", percentile(latencies, 50))


def export(revision: Revision, fmt: str, limit: float) -> None:
    """Through the command line; a format that once took more than `limit` seconds is not run
    again (its figure: "over the limit")."""
    key = f"export_{fmt}"
    if key in revision.timed_out:
        return
    db = str(revision.folder / "export.db")
    argv = [*revision.command, "--db", db, "export", "--format", fmt]
    try:
        wall, cpu = timed(argv, revision.env, limit=limit)
    except TimedOut:
        log(f"{revision.label}: export {fmt} stopped after {limit:.0f} s")
        revision.timed_out |= {key, f"{key}_cpu"}
        return
    revision.add(f"export_{fmt}", wall)
    revision.add(f"export_{fmt}_cpu", cpu)


def instructions(revision: Revision, fmt: str) -> None:
    """Instructions of the whole `hubworkshop export` process (10,000 rows) under callgrind."""
    db = str(revision.folder / "export-small.db")
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            revision.python,
            "-m",
            "hubworkshop",
            "--db",
            db,
            "export",
            "--format",
            fmt,
        ],
        env={**revision.env, "PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if not found:
        raise RuntimeError(f"callgrind gave no count: {done.stderr[-400:]}")
    revision.add(f"instructions_{fmt}", float(found.group(1)))


def suite(revision: Revision) -> None:
    """The whole suite once: `./dev test` where the revision runs its tests with pytest-xdist
    (after a first run that installs what ./dev wants and warms mypy's cache, as a developer's
    second run), else `pytest -q`."""
    parallel = "pytest-xdist" in (revision.root / "pyproject.toml").read_text(encoding="utf-8")
    command = ["./dev", "test"] if parallel else [".venv/bin/pytest", "-q"]
    env = {**revision.env, "HOME": os.environ.get("HOME", "/root")}
    env.pop("XDG_STATE_HOME")
    if parallel:
        log(f"{revision.label}: ./dev test --fast --collect-only (installs, warms mypy's cache)")
        subprocess.run(
            ["./dev", "test", "--fast", "--collect-only", "-q"],
            cwd=revision.root,
            env=env,
            capture_output=True,
        )
    log(f"{revision.label}: {' '.join(command)}")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=revision.root, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    lines = [line for line in done.stdout.splitlines() if re.search(r"passed|failed|error", line)]
    summary = " + ".join(line.strip("= ") for line in lines if " in " in line) or "(no summary)"
    failed = [line for line in done.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
    if failed:
        summary += " (" + "; ".join(failed) + ")"
    revision.samples["suite"] = [wall]
    revision.samples["suite_cpu"] = [cpu]
    revision.suite_summary = f"`{' '.join(command)}`: {summary}, exit {done.returncode}"


# -- the report -----------------------------------------------------------------------------------

ROWS = (
    # key, what, unit, scale
    ("capture_p99", "Capture Enter→committed→on the list, p99 of {count} (per round)", "ms", 1000),
    ("capture_p50", "Capture, p50 of {count} (per round)", "ms", 1000),
    ("paint", "Question on screen, process start in a pty", "ms", 1000),
    ("add", "`hubworkshop add`, one process, wall", "ms", 1000),
    ("add_cpu", "`hubworkshop add`, one process, CPU", "ms", 1000),
    *(
        row
        for fmt in FORMATS
        for row in (
            (f"export_{fmt}", f"Export {fmt}, 100,000 contributions, wall", "s", 1),
            (f"export_{fmt}_cpu", f"Export {fmt}, 100,000 contributions, CPU", "s", 1),
        )
    ),
    *(
        (f"instructions_{fmt}", f"Export {fmt}, 10,000, instructions (callgrind)", "M", 1e-6)
        for fmt in FORMATS
    ),
    ("suite", "The whole suite once, wall", "s", 1),
    ("suite_cpu", "The whole suite once, CPU", "s", 1),
)


def judge(key: str, before: list[float], after: list[float]) -> tuple[float, str]:
    ratio = statistics.median(after) / statistics.median(before)
    if key.startswith("suite"):
        return ratio, "(once each)"
    limit = WORSE_INSTRUCTIONS if key.startswith("instructions") else WORSE
    exact = key.startswith("instructions")
    if ratio > limit and (exact or statistics.median(after) > max(before)):
        return ratio, "**worse by more than noise**"
    if ratio < 1 / limit and (exact or statistics.median(after) < min(before)):
        return ratio, "better by more than noise"
    return ratio, "within noise"


def cell(values: list[float], unit: str, scale: float) -> str:
    digits = 0 if unit in ("ms", "M") else 2
    if unit == "ms" and statistics.median(values) * scale < 100:
        digits = 1
    median = f"{statistics.median(values) * scale:,.{digits}f}"
    if len(values) == 1:
        return f"{median} {unit}"
    low, high = min(values) * scale, max(values) * scale
    return f"{median} {unit} ({low:,.{digits}f}–{high:,.{digits}f}, n={len(values)})"


def report(a: Revision, b: Revision, args: argparse.Namespace, loads: list[str]) -> str:
    lines = [
        f"### Side by side: {a.sha} (before) and {b.sha} (after)",
        "",
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {args.rounds} rounds, "
        f"interleaved; load average at start / end: {loads[0]} / {loads[-1]}",
        f"- Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, SQLite "
        f"{sqlite3.sqlite_version}",
        f"- Before: `{a.sha}` {a.subject} ({a.versions}; constraints: {a.constraint})",
        f"- After: `{b.sha}` {b.subject} ({b.versions}; constraints: {b.constraint})",
        "- Command: `./dev bench --compare "
        + " ".join(
            [a.rev, b.rev]
            + [f"--rounds {args.rounds}"] * (args.rounds != (2 if args.quick else 5))
            + ["--quick"] * args.quick
            + ["--instructions"] * args.instructions
            + ["--suite"] * args.suite
        )
        + "`",
        "- Each cell: median (min–max, number of samples). Worse by more than noise: the after "
        "median above every before sample and > 10 % above the before median (instructions: "
        "> 3 %).",
        "",
        f"| What | Before {a.sha} | After {b.sha} | After / before | |",
        "| --- | --- | --- | --- | --- |",
    ]
    for key, what, unit, scale in ROWS:
        what = what.format(count=args.captures)
        over = f"over the {args.limit:.0f} s limit (stopped)"
        if key.endswith("_cpu") and (key in a.timed_out or key in b.timed_out):
            continue  # a stopped process's CPU time says nothing: its wall time's row does
        if key in a.timed_out or key in b.timed_out:
            if key in a.timed_out and key in b.timed_out:
                lines.append(f"| {what} | {over} | {over} | — | both over the limit |")
            elif key in b.timed_out:
                before = a.samples[key]
                ratio = args.limit / statistics.median(before)
                lines.append(
                    f"| {what} | {cell(before, unit, scale)} | {over} | > {ratio:.0f}× | "
                    "**worse by more than noise** |"
                )
            else:
                after = b.samples[key]
                ratio = statistics.median(after) / args.limit
                lines.append(
                    f"| {what} | {over} | {cell(after, unit, scale)} | < {ratio:.2f}× | "
                    "better by more than noise |"
                )
            continue
        if key not in a.samples or key not in b.samples:
            continue
        ratio, verdict = judge(key, a.samples[key], b.samples[key])
        lines.append(
            f"| {what} | {cell(a.samples[key], unit, scale)} | "
            f"{cell(b.samples[key], unit, scale)} | {ratio:.2f}× | {verdict} |"
        )
    if args.suite:
        lines += [
            "",
            f"- Suite before: {a.suite_summary}",
            f"- Suite after: {b.suite_summary}",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("before", nargs="?", default=DEFAULT_BEFORE)
    parser.add_argument("after", nargs="?", default="HEAD")
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--instructions", action="store_true")
    parser.add_argument("--suite", action="store_true")
    parser.add_argument("--write", type=Path)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--limit", type=float, default=60, help="seconds an export may take")
    args = parser.parse_args()
    if args.rounds is None:
        args.rounds = 2 if args.quick else 5
    args.captures = 150 if args.quick else 300
    if args.instructions and not shutil.which("valgrind"):
        parser.error("--instructions needs valgrind")

    a, b = Revision("before", args.before), Revision("after", args.after)
    scratch = Path(tempfile.mkdtemp(prefix="hubworkshop-side-by-side-"))
    loads = [" ".join(f"{x:.1f}" for x in os.getloadavg())]
    started = time.perf_counter()
    try:
        for revision in (b, a):  # the after first: its lock is the before's when it has none
            own = b.root / "requirements" / "test.lock" if b.root != Path() else None
            check_out(revision, scratch, own if own and own.exists() else None, args.suite)
        for revision in (a, b):
            if args.rounds or args.instructions:  # (--rounds 0 --suite: only the suites)
                prepare(revision, args.instructions)
            if args.rounds:
                first_paint(revision)  # warm the file cache for both, not counted
                add_one(revision)
                revision.samples.clear()
        log(f"set up in {time.perf_counter() - started:.0f} s; {args.rounds} rounds")

        def paint_twice(r: Revision, _: int) -> None:
            first_paint(r)
            first_paint(r)

        def add_thrice(r: Revision, _: int) -> None:
            for _ in range(3):
                add_one(r)

        steps: list[Callable[[Revision, int], None]] = [
            paint_twice,
            add_thrice,
            lambda r, n: capture(r, args.captures, n),
            *(lambda r, _, f=f: export(r, f, args.limit) for f in FORMATS),  # type: ignore[misc]
        ]
        for n in range(args.rounds):
            order = (a, b) if n % 2 == 0 else (b, a)
            for step in steps:
                for revision in order:
                    step(revision, n)
            log(f"round {n + 1}/{args.rounds} done ({os.getloadavg()[0]:.1f} load)")
        if args.instructions:
            for fmt in FORMATS:
                for revision in (a, b):
                    log(f"{revision.label}: callgrind, export {fmt}")
                    instructions(revision, fmt)
        loads.append(" ".join(f"{x:.1f}" for x in os.getloadavg()))
        if args.suite:
            for revision in (a, b):
                suite(revision)
            loads.append(" ".join(f"{x:.1f}" for x in os.getloadavg()))
    finally:
        if args.keep:
            log(f"kept: {scratch}")
        else:
            for revision in (a, b):
                if revision.root != Path() and revision.root.exists():
                    git("worktree", "remove", "--force", str(revision.root))
            shutil.rmtree(scratch, ignore_errors=True)
            git("worktree", "prune")
    text = report(a, b, args, loads)
    log(f"done in {time.perf_counter() - started:.0f} s")
    print(text)
    if args.write:
        args.write.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
