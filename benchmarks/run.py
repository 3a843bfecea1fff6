"""hubworkshop benchmarks: every figure next to a baseline measured in the same run.

    python benchmarks/run.py            # the full run (several minutes)
    python benchmarks/run.py --quick    # under a minute, smaller sizes (for CI)

Prints a table and writes benchmarks/RESULTS.md (machine, date, every figure, goal met or not).
Sizes that need a process of their own (peak memory, writers, app instances) run in
subprocesses of this script (`--child ...`).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import json
import os
import platform
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

import first_impression  # noqa: E402  (benchmarks/first_impression.py)

from hubworkshop.domain.records import Draft  # noqa: E402
from hubworkshop.reports.formats import render  # noqa: E402
from hubworkshop.sources.bundled import bundled_plan  # noqa: E402
from hubworkshop.sources.plan import read_plan  # noqa: E402
from hubworkshop.storage import Store  # noqa: E402

PLAN = read_plan(bundled_plan())
ROOMS = [r.id for r in PLAN.rooms]
WORDS = [
    "hubs",
    "regional",
    "thematic",
    "support",
    "funding",
    "legal",
    "mentorship",
    "coordination",
    "community",
    "charter",
    "governance",
    "capacity",
    "trust",
    "decentralise",
    "resources",
    "affiliates",
    "evaluation",
    "language",
]


def sentence(i: int) -> str:
    return " ".join(WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(8 + i % 9)) + f" #{i}"


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def fill(store: Store, count: int, room: str = "value") -> None:
    question = store.catalog.room(room).questions[0]
    for start in range(0, count, 5000):
        store.contributions.bulk_import(
            [
                Draft(room, sentence(i), question=question, kind="idea", tags=(WORDS[i % 5],))
                for i in range(start, min(count, start + 5000))
            ]
        )


def new_store(folder: Path, name: str, count: int = 0) -> Store:
    store = Store.open(folder / f"{name}.db", PLAN)
    if count:
        fill(store, count)
    return store


# -- start-up ------------------------------------------------------------------------------------


async def _ready(make_app) -> float:
    start = time.perf_counter()
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        elapsed = time.perf_counter() - start
    return elapsed


def bench_startup(folder: Path, runs: int) -> dict:
    from textual.app import App
    from textual.widgets import Footer, Header, Input

    from hubworkshop.tui.app import HubworkshopApp

    class Bare(App):
        def compose(self):
            yield Header()
            yield Input()
            yield Footer()

    db = folder / "startup.db"
    Store.open(db, PLAN).close()

    def ours():
        return HubworkshopApp(Store.open(db), frozen_time=dt.datetime.now(dt.UTC))

    from hubworkshop.domain.i18n import set_ui_language

    def french() -> float:  # the same app with the French interface
        set_ui_language("fr")
        try:
            return asyncio.run(_ready(ours))
        finally:
            set_ui_language("en")

    return first_impression.against_bare(
        runs,
        1.3,
        bare=lambda: asyncio.run(_ready(Bare)),
        app=lambda: asyncio.run(_ready(ours)),
        fr=french,
    )


# -- capture latency -------------------------------------------------------------------------------


async def _capture_latencies(store: Store, count: int) -> list[float]:
    from hubworkshop.tui.app import HubworkshopApp
    from hubworkshop.tui.widgets.capture_bar import CaptureBar
    from hubworkshop.tui.widgets.contribution_list import ContributionList

    app = HubworkshopApp(store, room="value", frozen_time=dt.datetime.now(dt.UTC))
    latencies: list[float] = []
    # Started as the command line starts it (cli/__init__.py): the cycle collector paused
    # until the app's first frame, when the app turns it back on with start-up's objects
    # frozen out of its walks. (Left on, it walks everything this process has built, the
    # earlier benchmarks too: pauses of 60-200 ms, which no app a person starts has.)
    gc.disable()
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            bar = app.screen.query_one(CaptureBar)
            lst = app.screen.query_one(ContributionList)
            for i in range(count):
                before = lst.count
                bar.value = f"idea number {i}"
                # What Enter does, without the test harness's own waiting (pilot.press waits
                # for the whole app to go idle, which would be most of what we measure).
                start = time.perf_counter()
                await bar.action_submit()
                while lst.count == before:
                    await asyncio.sleep(0.0005)
                latencies.append(time.perf_counter() - start)
    finally:
        gc.unfreeze()
        gc.enable()
    return latencies


async def _bare_latencies(count: int) -> list[float]:
    from textual.app import App
    from textual.containers import VerticalScroll
    from textual.widgets import Input, Static

    class Bare(App):
        def compose(self):
            yield VerticalScroll(id="items")
            yield Input(id="bar")

        def on_input_submitted(self, event: Input.Submitted) -> None:
            self.query_one("#items").mount(Static(event.value))
            event.input.value = ""

    app = Bare()
    latencies = []
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        items = app.query_one("#items")
        bar = app.query_one("#bar")
        bar.focus()
        for i in range(count):
            before = len(items.children)
            bar.value = f"idea number {i}"
            start = time.perf_counter()
            await bar.action_submit()
            while len(items.children) == before:
                await asyncio.sleep(0.0005)
            latencies.append(time.perf_counter() - start)
    return latencies


def bench_capture(folder: Path, count: int) -> dict:
    from hubworkshop.domain.i18n import set_ui_language

    store = new_store(folder, "capture")
    ours = asyncio.run(_capture_latencies(store, count))
    set_ui_language("fr")  # the same with the French interface
    french = asyncio.run(_capture_latencies(store, count))
    set_ui_language("en")
    bare = asyncio.run(_bare_latencies(count))
    conn = sqlite3.connect(folder / "raw.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id TEXT, text TEXT)")
    raw = []
    for i in range(count):
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t VALUES (?, ?)", (str(i), f"idea number {i}"))
        conn.execute("COMMIT")
        raw.append(time.perf_counter() - start)
    ms = 1000
    return {
        "count": count,
        "p50_ms": percentile(ours, 50) * ms,
        "p99_ms": percentile(ours, 99) * ms,
        "fr_p50_ms": percentile(french, 50) * ms,
        "fr_p99_ms": percentile(french, 99) * ms,
        "bare_p50_ms": percentile(bare, 50) * ms,
        "bare_p99_ms": percentile(bare, 99) * ms,
        "raw_p50_ms": percentile(raw, 50) * ms,
        "raw_p99_ms": percentile(raw, 99) * ms,
        "goal_p99_ms": 16,
    }


# -- big rooms (each size in its own process, for peak memory) --------------------------------------


async def _open_room(db: str) -> dict:
    from hubworkshop.tui.app import HubworkshopApp
    from hubworkshop.tui.widgets.contribution_list import ContributionList

    store = Store.open(db)
    start = time.perf_counter()
    app = HubworkshopApp(store, room="value", frozen_time=dt.datetime.now(dt.UTC))
    async with app.run_test(size=(120, 36)) as pilot:
        lst = None
        while lst is None or not lst.visible_rows():
            await pilot.pause()
            found = app.screen.query(ContributionList)
            lst = found.first() if found else None
        first_paint = time.perf_counter() - start
        await pilot.press("escape", "home")
        start = time.perf_counter()
        await pilot.press("end")
        while not lst.visible_rows() or lst.visible_rows()[-1].seq != max(lst._seqs):
            await pilot.pause()
        to_end = time.perf_counter() - start
    return {
        "count": lst.count,
        "first_paint_ms": first_paint * 1000,
        "to_end_ms": to_end * 1000,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def bench_big_rooms(folder: Path, sizes: list[int], runs: int = 3) -> list[dict]:
    """Each size opened `runs` times, each time in a fresh process: the median times and the
    highest peak memory."""
    results = []
    for size in sizes:
        store = new_store(folder, f"room{size}", size)
        store.close()
        samples = [
            json.loads(
                subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--child",
                        "open-room",
                        str(folder / f"room{size}.db"),
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
            for _ in range(runs)
        ]
        results.append(
            {
                "count": samples[0]["count"],
                "first_paint_ms": statistics.median(s["first_paint_ms"] for s in samples),
                "to_end_ms": statistics.median(s["to_end_ms"] for s in samples),
                "peak_rss_mb": max(s["peak_rss_mb"] for s in samples),
            }
        )
    return results


# -- search, export, import -------------------------------------------------------------------------


def bench_search(folder: Path, size: int, queries: int) -> dict:
    store = Store.open(folder / f"room{size}.db")
    terms = [WORDS[i % len(WORDS)] + " " + WORDS[(i * 5) % len(WORDS)] for i in range(queries)]
    ours, scan = [], []
    for term in terms:
        start = time.perf_counter()
        store.contributions.seqs(room="value", search=term)
        ours.append(time.perf_counter() - start)
    conn = sqlite3.connect(folder / f"room{size}.db")
    for term in terms:
        a, b = term.split()
        start = time.perf_counter()
        conn.execute(
            "SELECT seq FROM contributions WHERE text LIKE ? AND text LIKE ?", (f"%{a}%", f"%{b}%")
        ).fetchall()
        scan.append(time.perf_counter() - start)
    return {
        "size": size,
        "p50_ms": percentile(ours, 50) * 1000,
        "p99_ms": percentile(ours, 99) * 1000,
        "scan_p99_ms": percentile(scan, 99) * 1000,
        "goal_p99_ms": 50,
    }


def bench_export(folder: Path, sizes: list[int]) -> dict:
    """Each export in a process of its own, as `hubworkshop export` runs: what earlier steps
    of this run left in memory must not weigh on it."""
    results: dict = {}
    for size in sizes:
        path = folder / f"room{size}.db"
        if not path.exists():
            new_store(folder, f"room{size}", size).close()
        for fmt in ("markdown", "wikitext"):
            done = subprocess.run(
                [sys.executable, __file__, "--child", "export", str(path), fmt],
                capture_output=True,
                text=True,
                check=True,
            )
            results.setdefault(fmt, {})[size] = float(done.stdout)
    return results


def export_child(db: str, fmt: str) -> None:
    """Read the snapshot and render it, as the export command does; print the best of three
    (one run of a small export is mostly noise)."""
    gc.disable()  # as `hubworkshop export` runs: its entry point pauses it (cli/__init__.py)
    store = Store.open(db)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        render(fmt, store.snapshot())
        times.append(time.perf_counter() - start)
    print(min(times))


def bench_import(folder: Path, count: int) -> dict:
    """In a process of its own, as `hubworkshop add -` runs (see bench_export)."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", "import", str(folder), str(count)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def import_child(folder: Path, count: int) -> dict:
    gc.disable()  # as `hubworkshop add -` runs: its entry point pauses it (cli/__init__.py)
    store = new_store(folder, "import")
    # Each line's language detected, as `add -` does without --lang ...
    drafts = [Draft("value", sentence(i)) for i in range(count)]
    start = time.perf_counter()
    store.contributions.bulk_import(drafts)
    ours = time.perf_counter() - start
    # ... and given, as `add --lang en -` does.
    given = new_store(folder, "import-lang")
    start = time.perf_counter()
    given.contributions.bulk_import([d._replace(language="en") for d in drafts])
    with_lang = time.perf_counter() - start
    conn = sqlite3.connect(folder / "raw-import.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id TEXT, text TEXT)")
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO t VALUES (?, ?)", ((str(i), d.text) for i, d in enumerate(drafts))
    )
    conn.execute("COMMIT")
    raw = time.perf_counter() - start
    return {
        "count": count,
        "seconds": ours,
        "with_lang_seconds": with_lang,
        "raw_seconds": raw,
        "goal_seconds": 3,
    }


# -- load -------------------------------------------------------------------------------------------


def writer_child(db: str, name: str, count: int) -> None:
    errors = 0
    with Store.open(db) as store:
        for i in range(count):
            try:
                store.contributions.add(
                    Draft(ROOMS[i % len(ROOMS)], f"{name} {i}"), note_taker=name
                )
            except Exception:  # counted, not hidden: the benchmark reports errors
                errors += 1
    print(json.dumps({"errors": errors}))


def bench_writers(folder: Path, counts: list[int], each: int) -> list[dict]:
    results = []
    for writers in counts:
        db = folder / f"load{writers}.db"
        Store.open(db, PLAN).close()
        start = time.perf_counter()
        procs = [
            subprocess.Popen(
                [sys.executable, __file__, "--child", "writer", str(db), f"w{n}", str(each)],
                stdout=subprocess.PIPE,
                text=True,
            )
            for n in range(writers)
        ]
        errors = sum(json.loads(p.communicate()[0])["errors"] for p in procs)
        elapsed = time.perf_counter() - start
        with Store.open(db) as store:
            texts = [c.text for c in store.contributions.find()]
        expected = {f"w{n} {i}" for n in range(writers) for i in range(each)}
        results.append(
            {
                "writers": writers,
                "rows_per_s": len(texts) / elapsed,
                "errors": errors,
                "lost": len(expected - set(texts)),
                "duplicated": len(texts) - len(set(texts)),
            }
        )
    return results


INSTANCE = """
import asyncio, datetime as dt, sys, time
from hubworkshop.storage import Store
from hubworkshop.tui.app import HubworkshopApp
from hubworkshop.tui.widgets.capture_bar import CaptureBar

async def main(db, room, name, writes, every, offset):
    app = HubworkshopApp(Store.open(db), room=room, user_name=name)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        print("ready", flush=True)
        sys.stdin.readline()  # go
        cpu = time.process_time()
        await asyncio.sleep(offset)
        for i in range(writes):
            app.screen.query_one(CaptureBar).value = f"{name} says {i}"
            await pilot.press("enter")
            await asyncio.sleep(every)
        print("idle", time.process_time() - cpu, flush=True)
        await asyncio.sleep(3600)

asyncio.run(main(*sys.argv[1:4], int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])))
"""


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _watch(db: str, instances: int, writes: int) -> list[float]:
    """A dashboard-like watcher: the lag from each commit to its row on this screen."""
    from hubworkshop.domain.timer import parse_time
    from hubworkshop.tui.app import HubworkshopApp
    from hubworkshop.tui.widgets.contribution_list import ContributionList

    app = HubworkshopApp(Store.open(db), room="value")
    lags: list[float] = []
    seen: set[str] = set()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        deadline = time.monotonic() + 120
        while len(seen) < instances * writes and time.monotonic() < deadline:
            await pilot.pause(0.01)
            lst = app.screen.query_one(ContributionList)
            now = dt.datetime.now(dt.UTC)
            for row in list(lst._rows.values()):
                if row.id not in seen and row.note_taker != "watcher":
                    seen.add(row.id)
                    lags.append((now - parse_time(row.created_at)).total_seconds())
    return lags


def bench_instances(
    folder: Path, instances: int, writes: int, idle_seconds: float, *, lockstep: bool = False
) -> dict:
    """`instances` app processes in one room, each adding a contribution every 2.5 s, while a
    watcher records when each one reaches its screen.

    Note-takers do not press Enter in step: each instance starts at its own random moment
    of the first 2.5 s (seeded, so runs compare). `lockstep` starts them all at once
    instead: the worst case, every terminal writing in the same instant.
    """
    every = 2.5
    db = folder / f"instances-{'lockstep' if lockstep else 'staggered'}.db"
    Store.open(db, PLAN).close()
    script = folder / "instance.py"
    script.write_text(INSTANCE)
    env = {
        **os.environ,
        "PYTHONPATH": str(HERE.parent / "src"),
        "XDG_STATE_HOME": str(folder / "state"),
    }
    offsets = [0.0 if lockstep else random.Random(n).uniform(0, every) for n in range(instances)]
    command = [sys.executable, str(script), str(db), "value"]
    procs = [
        subprocess.Popen(
            [*command, f"nt{n}", str(writes), str(every), str(offsets[n])],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for n in range(instances)
    ]
    for p in procs:
        assert p.stdout.readline().strip() == "ready"
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    lags = asyncio.run(_watch(str(db), instances, writes))
    active = [float(p.stdout.readline().split()[1]) for p in procs]  # "idle <cpu seconds>"
    before = [_cpu_seconds(p.pid) for p in procs]
    time.sleep(idle_seconds)
    after = [_cpu_seconds(p.pid) for p in procs]
    for p in procs:
        p.kill()
        p.wait()
    idle = [(a - b) / idle_seconds * 100 for a, b in zip(after, before, strict=True)]
    return {
        "instances": instances,
        "lockstep": lockstep,
        "seen": len(lags),
        "expected": instances * writes,
        "lag_p50_s": percentile(lags, 50) if lags else None,
        "lag_p99_s": percentile(lags, 99) if lags else None,
        "active_cpu_s_mean": statistics.mean(active),
        "active_seconds": writes * every,
        "idle_cpu_pct_mean": statistics.mean(idle),
        "idle_cpu_pct_max": max(idle),
        "goal_lag_p99_s": 1.0,
        "goal_idle_cpu_pct": 1.0,
    }


# -- report -----------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def report(results: dict, quick: bool) -> str:
    s, c, rooms = results["startup"], results["capture"], results["rooms"]
    search, exports, imp = results["search"], results["export"], results["import"]
    writers, inst = results["writers"], results["instances"]
    lines = [
        "# hubworkshop benchmark results",
        "",
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
        f"- Mode: {'--quick (smaller sizes)' if quick else 'full'}",
        "- Every figure is next to a baseline measured in the same run.",
        "",
        "| What | Figure | Baseline | Ratio | Goal | |",
        "| --- | --- | --- | --- | --- | --- |",
        *first_impression.report_lines(results["first_paint"], results["add"]),
        f"| Start-up in the process, app ready (median) | {s['app_ms']:.0f} ms | bare Header+Input+Footer app "
        f"{s['bare_ms']:.0f} ms | {s['ratio']:.2f}× | ≤ 1.3× | {verdict(s['ratio'] <= 1.3)} |",
        f"| Capture Enter→committed→visible, p50 / p99 ({c['count']}) | {c['p50_ms']:.1f} / "
        f"{c['p99_ms']:.1f} ms | bare app, no saving: {c['bare_p50_ms']:.1f} / "
        f"{c['bare_p99_ms']:.1f} ms; raw sqlite3 insert+commit: {c['raw_p50_ms']:.2f} / "
        f"{c['raw_p99_ms']:.2f} ms | {c['p99_ms'] / c['bare_p99_ms']:.2f}× bare | p99 ≤ 16 ms | "
        f"{verdict(c['p99_ms'] <= 16)} |",
        f"| The same two with the French interface (`--ui-lang fr`): app ready / capture p50 / "
        f"p99 | {s['fr_ms']:.0f} ms / {c['fr_p50_ms']:.1f} / {c['fr_p99_ms']:.1f} ms | "
        f"bare app {s['bare_ms']:.0f} ms / {c['bare_p99_ms']:.1f} ms p99 | "
        f"{s['fr_ratio']:.2f}× | ≤ 1.3×, p99 ≤ 16 ms | "
        f"{verdict(s['fr_ratio'] <= 1.3 and c['fr_p99_ms'] <= 16)} |",
    ]
    small = rooms[0]
    for r in rooms:
        lines.append(
            f"| Open a room of {r['count']:,}: first paint / to the end / peak RSS | "
            f"{r['first_paint_ms']:.0f} ms / {r['to_end_ms']:.0f} ms / {r['peak_rss_mb']:.0f} MB | "
            f"room of {small['count']:,}: {small['first_paint_ms']:.0f} ms | "
            f"{r['first_paint_ms'] / small['first_paint_ms']:.2f}× | ≤ 1.5×, ≤ 250 MB | "
            f"{verdict(r['first_paint_ms'] / small['first_paint_ms'] <= 1.5 and r['peak_rss_mb'] <= 250)} |"
        )
    lines.append(
        f"| Search over {search['size']:,}, p50 / p99 | {search['p50_ms']:.1f} / "
        f"{search['p99_ms']:.1f} ms | LIKE scan p99 {search['scan_p99_ms']:.1f} ms | "
        f"{search['p99_ms'] / search['scan_p99_ms']:.2f}× | p99 ≤ 50 ms | "
        f"{verdict(search['p99_ms'] <= 50)} |"
    )
    for fmt, times in exports.items():
        sizes = sorted(times)
        top, mid = sizes[-1], sizes[-2]
        growth = times[top] / times[mid]
        lines.append(
            f"| Export {fmt}: "
            + ", ".join(f"{n:,}: {times[n]:.2f} s" for n in sizes)
            + f" | {mid:,}: {times[mid]:.2f} s | {growth:.1f}× for {top // mid}× the rows | "
            f"linear, {top:,} in ≤ 2 s | {verdict(growth <= 11 * top / mid / 10 and (top < 100_000 or times[top] <= 2))} |"
        )
    lines.append(
        f"| Bulk import of {imp['count']:,} lines, language given | "
        f"{imp['with_lang_seconds']:.2f} s | raw executemany {imp['raw_seconds']:.2f} s | "
        f"{imp['with_lang_seconds'] / imp['raw_seconds']:.1f}× | ≤ 3 s | "
        f"{verdict(imp['with_lang_seconds'] <= 3 * imp['count'] / 100_000)} |"
    )
    lines.append(
        f"| Bulk import of {imp['count']:,} lines, each line's language detected | "
        f"{imp['seconds']:.2f} s | raw executemany {imp['raw_seconds']:.2f} s | "
        f"{imp['seconds'] / imp['raw_seconds']:.1f}× | ≤ 3 s | "
        f"{verdict(imp['seconds'] <= 3 * imp['count'] / 100_000)} |"
    )
    one = writers[0]["rows_per_s"]
    for w in writers:
        ok = w["errors"] == w["lost"] == w["duplicated"] == 0
        lines.append(
            f"| {w['writers']} writer process(es): rows/s; errors, lost, duplicated | "
            f"{w['rows_per_s']:.0f}; {w['errors']}, {w['lost']}, {w['duplicated']} | 1 writer "
            f"{one:.0f}/s | {w['rows_per_s'] / one:.2f}× | 0, 0, 0 | {verdict(ok)} |"
        )
    lag_ok = inst["lag_p99_s"] is not None and inst["lag_p99_s"] <= 1.0
    lines.append(
        f"| {inst['instances']} app instances + a watcher, each adding every 2.5 s: sync lag "
        f"p50 / p99 ({inst['seen']}/{inst['expected']} seen) | {inst['lag_p50_s']:.2f} / "
        f"{inst['lag_p99_s']:.2f} s | poll interval 0.2 s | — | p99 ≤ 1 s | {verdict(lag_ok)} |"
    )
    lock = results.get("lockstep")
    if lock:
        lines.append(
            f"| The same, all {lock['instances']} pressing Enter in the same instant (worst "
            f"case): sync lag p50 / p99 ({lock['seen']}/{lock['expected']} seen) | "
            f"{lock['lag_p50_s']:.2f} / {lock['lag_p99_s']:.2f} s | staggered p99 "
            f"{inst['lag_p99_s']:.2f} s | {lock['lag_p99_s'] / inst['lag_p99_s']:.2f}× | "
            f"(no goal) | — |"
        )
    lines.append(
        f"| CPU per instance while {inst['instances']} write ({inst['active_seconds']:.0f} s) | "
        f"{inst['active_cpu_s_mean']:.2f} s = "
        f"{inst['active_cpu_s_mean'] / inst['active_seconds'] * 100:.1f} % of a core | "
        f"{inst['instances'] + 1} processes on {os.cpu_count()} cores | — | — | — |"
    )
    lines.append(
        f"| Idle CPU per instance (mean / max) | {inst['idle_cpu_pct_mean']:.2f} / "
        f"{inst['idle_cpu_pct_max']:.2f} % of a core | — | — | ≤ 1 % | "
        f"{verdict(inst['idle_cpu_pct_max'] <= 1.0)} |"
    )
    lines += first_impression.import_table(results["imports"])
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "open-room":
            print(json.dumps(asyncio.run(_open_room(rest[0]))))
        elif kind == "import":
            print(json.dumps(import_child(Path(rest[0]), int(rest[1]))))
        elif kind == "export":
            export_child(rest[0], rest[1])
        elif kind == "writer":
            writer_child(rest[0], rest[1], int(rest[2]))
        return

    quick = args.quick
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sizes = [100, 2_000, 10_000] if quick else [100, 10_000, 100_000]
        results = {}
        first_impression.compile_package()
        steps = [
            ("first_paint", lambda: first_impression.bench_first_paint(folder, 5 if quick else 11)),
            ("add", lambda: first_impression.bench_add(folder, 9 if quick else 21)),
            ("imports", first_impression.bench_imports),
            ("startup", lambda: bench_startup(folder, 5 if quick else 21)),
            ("capture", lambda: bench_capture(folder, 60 if quick else 500)),
            ("rooms", lambda: bench_big_rooms(folder, sizes)),
            ("search", lambda: bench_search(folder, sizes[-1], 30 if quick else 200)),
            (
                "export",
                lambda: bench_export(
                    folder, [1_000, *sizes[1:]] if quick else [1_000, 10_000, 100_000]
                ),
            ),
            ("import", lambda: bench_import(folder, 10_000 if quick else 100_000)),
            (
                "writers",
                lambda: bench_writers(
                    folder, [1, 4] if quick else [1, 4, 8, 16], 200 if quick else 1000
                ),
            ),
            (
                "instances",
                lambda: bench_instances(
                    folder, 4 if quick else 30, 2 if quick else 4, 3 if quick else 10
                ),
            ),
            *(
                []
                if quick
                else [("lockstep", lambda: bench_instances(folder, 30, 4, 1, lockstep=True))]
            ),
        ]
        for name, step in steps:
            start = time.perf_counter()
            results[name] = step()
            print(f"{name}: {time.perf_counter() - start:.1f} s", file=sys.stderr)
    text = report(results, quick)
    capacity = HERE / "serve-capacity.md"  # the browser-session curve: serve_capacity.py
    if not quick and capacity.exists():
        text += "\n" + capacity.read_text(encoding="utf-8")
    compared = HERE / "side-by-side.md"  # two revisions compared: side_by_side.py
    if not quick and compared.exists():
        text += "\n" + compared.read_text(encoding="utf-8")
    print(text)
    (HERE / ("RESULTS-quick.md" if quick else "RESULTS.md")).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
