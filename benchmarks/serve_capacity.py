"""How many browser sessions one machine serves: `hubworkshop serve` under N note-takers.

Speaks textual-serve's websocket protocol as a browser does (["stdin", keys], ["resize", …],
binary frames of terminal output back). Each session opens the first room from the start
screen, then adds a 60-character note every 2.5 s (from its own random moment), typed key by
key as xterm.js sends keys; one more session only watches. Measured per note:

- capture: from Enter to the row committed in the database (polled read-only every 5 ms);
- seen elsewhere: from Enter to the note's tag appearing in the watcher's terminal output;
- traffic: bytes the session sent and received per note;
- memory per session: the app processes' PSS (proportional set size: each page shared between
  processes, such as libpython's, counted once across them: what one more session adds), and
  their RSS (every shared page counted in every process).

Before the curve, where a session's time goes: the CPU one app process spends per note when
the keys arrive one at a time (as textual-serve hands them over), in a pseudo-terminal,
against a bare Textual app (Header, Static, Input, Footer) measured in the same run.

Usage: python benchmarks/serve_capacity.py [N | N/ROOMS ...]   (default 10 20 30 40 60 40/5 60/5)
Writes the curve to stdout as Markdown rows; `run.py` is not involved (this takes minutes).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

TOKEN = "capacity-benchmark-token-0123456789"
NOTE_EVERY = 2.5
DURATION = 30.0  # seconds of notes per run, after every session has its room open


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] if ordered else float("nan")


class Session:
    def __init__(self, base: str, name: str) -> None:
        self.base, self.name = base, name
        self.sent = self.received = 0
        self.output = bytearray()
        self.dropped = 0  # bytes of output no longer kept
        self.ws: aiohttp.ClientWebSocketResponse | None = None

    async def open(self) -> None:
        jar = aiohttp.CookieJar(unsafe=True)
        self.http = aiohttp.ClientSession(cookie_jar=jar)
        async with self.http.get(f"{self.base}/?token={TOKEN}") as page:
            assert page.status == 200, page.status
        self.ws = await self.http.ws_connect(
            f"{self.base.replace('http', 'ws')}/ws?width=100&height=30", origin=self.base
        )
        self.reader = asyncio.create_task(self.read())

    async def read(self) -> None:
        assert self.ws is not None
        async for message in self.ws:
            data = message.data if isinstance(message.data, bytes) else str(message.data).encode()
            self.received += len(data)
            self.output += data
            if len(self.output) > 1_000_000:
                del self.output[:500_000]
                self.dropped += 500_000

    async def keys(self, text: str) -> None:
        assert self.ws is not None
        for ch in text:  # xterm.js sends a key at a time
            payload = json.dumps(["stdin", ch])
            self.sent += len(payload)
            await self.ws.send_str(payload)

    async def close(self) -> None:
        self.reader.cancel()
        if self.ws is not None:
            await self.ws.close()
        await self.http.close()


class Committed:
    """The notes committed so far, read on one read-only connection: only when another
    connection has committed (PRAGMA data_version), and only the rows added since the last
    look (this client shares the machine with what it measures)."""

    def __init__(self, db: Path) -> None:
        self.conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, check_same_thread=False)
        self.version, self.last_rowid = -1, 0

    def new(self) -> list[str]:
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        if version == self.version:
            return []
        self.version = version
        rows = self.conn.execute(
            "SELECT rowid, text FROM contributions WHERE rowid > ? ORDER BY rowid",
            (self.last_rowid,),
        ).fetchall()
        if rows:
            self.last_rowid = rows[-1][0]
        return [text for _, text in rows]


def app_processes() -> dict[int, float]:
    """The served app processes: pid → RSS in MB."""
    out = subprocess.run(["ps", "-eo", "pid,ppid,rss,args"], capture_output=True, text=True).stdout
    return {
        int(parts[0]): int(parts[2]) / 1024
        for line in out.splitlines()[1:]
        if (parts := line.split(None, 3))
        and len(parts) == 4
        and parts[3].startswith(f"{sys.executable} -m hubworkshop --db")  # not the shells
    }


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):  # gone meanwhile
            total += _process_cpu(pid)
    return total


ROOMS = 5  # the bundled plan's breakout rooms
SEED = [sys.executable, "-m", "hubworkshop", "--plan", "hubs-2021-11-27"]
"""The command that makes the workshop: from the bundled Hubs plan, named."""
DOWN = "\x1b[B"  # the arrow key, as xterm.js sends it


async def run(n: int, rooms: int = 1) -> dict[str, float]:
    """N note-takers in the first `rooms` rooms of the plan (session i in room i mod rooms),
    and the watcher in the first room."""
    folder = Path(tempfile.mkdtemp(prefix="hw-capacity-"))
    db = folder / "workshop.db"
    env = {**os.environ, "HUBWORKSHOP_DB": str(db), "XDG_STATE_HOME": str(folder / "state")}
    subprocess.run(
        [*SEED, "add", "--room", "value", "--lang", "en", "seed"],
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "hubworkshop", "serve", "--port", str(port)),
            *("--token", TOKEN, "--max-sessions", str(n + 1)),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as probe:
            while True:
                try:
                    async with probe.get(base) as answer:
                        if answer.status == 403:
                            break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.1)
        sessions = [Session(base, f"s{i:02d}") for i in range(n)]
        watcher = Session(base, "watch")
        for i, s in enumerate([watcher, *sessions]):
            await s.open()
            await s.keys(DOWN * ((i - 1) % rooms if i else 0) + "\r")  # a room, from the start
        watched = {s.name for i, s in enumerate(sessions) if i % rooms == 0}
        state = folder / "state" / "hubworkshop" / "last-room.json"
        deadline = time.monotonic() + 300
        while True:  # every session has its room open
            try:
                opened = sum(
                    len(v.get("terminals", {})) for v in json.loads(state.read_text()).values()
                )
            except (OSError, ValueError):
                opened = 0
            if opened >= n + 1 or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
        await settled(list(app_processes()))
        sent_at: dict[str, float] = {}
        chance = random.Random(n)

        async def note_taker(s: Session) -> None:
            await asyncio.sleep(chance.uniform(0, NOTE_EVERY))
            k = 0
            end = time.perf_counter() + DURATION
            while time.perf_counter() < end:
                tag = f"{s.name}n{k:03d}"
                text = f"{tag} hubs should support the communities they serve"[:60]
                await s.keys(text)
                sent_at[text] = time.perf_counter()
                await s.keys("\r")
                k += 1
                await asyncio.sleep(NOTE_EVERY)

        seen_db: dict[str, float] = {}
        seen_watch: dict[str, float] = {}

        async def observe() -> None:
            rows = Committed(db)
            scanned = 0  # the watcher's output before this was searched already
            while True:
                for text in rows.new():
                    seen_db.setdefault(text, time.perf_counter())
                output, dropped = watcher.output, watcher.dropped
                start = max(scanned - 16, dropped)  # 16: a tag cut at the last look's edge
                screen = bytes(output[start - dropped :])
                scanned = dropped + len(output)
                for text in list(sent_at):
                    if text not in seen_watch and text[:9].encode() in screen:
                        seen_watch[text] = time.perf_counter()
                await asyncio.sleep(0.005)

        observer = asyncio.create_task(observe())

        apps = sorted(app_processes(), key=_started_at)
        watching = apps[:1]  # the watcher's app started first
        started = time.perf_counter()
        cpu_before = (
            cpu_seconds(apps),
            cpu_seconds([server.pid]),
            time.process_time(),
            cpu_seconds(watching),
        )
        await asyncio.gather(*(note_taker(s) for s in sessions))
        cpu_after = (
            cpu_seconds(apps),
            cpu_seconds([server.pid]),
            time.process_time(),
            cpu_seconds(watching),
        )
        wall = time.perf_counter() - started
        apps_cpu, server_cpu, client_cpu, watcher_cpu = (
            (after - before) / wall for before, after in zip(cpu_before, cpu_after, strict=True)
        )
        await asyncio.sleep(5)  # the last notes land
        observer.cancel()
        capture = [seen_db[t] - sent_at[t] for t in sent_at if t in seen_db]
        elsewhere = [seen_watch[t] - sent_at[t] for t in sent_at if t in seen_watch]
        in_watched_room = sum(1 for t in sent_at if t[:3] in watched)
        rss = list(app_processes().values())
        pss = [_pss(pid) for pid in app_processes()]
        server_mb = _pss(server.pid)
        notes = len(sent_at)
        traffic = sum(s.sent + s.received for s in sessions) / max(notes, 1) / 1024
        for s in [watcher, *sessions]:
            await s.close()
        return {
            "sessions": n,
            "rooms": rooms,
            "notes": notes,
            "notes_in_watched_room": in_watched_room,
            "saved": len(capture),
            "capture_p50": percentile(capture, 50) * 1000,
            "capture_p99": percentile(capture, 99) * 1000,
            "seen": len(elsewhere),
            "seen_p50": percentile(elsewhere, 50),
            "seen_p99": percentile(elsewhere, 99),
            "rss_mean_mb": statistics.mean(rss) if rss else float("nan"),
            "pss_mean_mb": statistics.mean(pss) if pss else float("nan"),
            "server_pss_mb": server_mb,
            "kib_per_note": traffic,
            "apps_cpu": apps_cpu,
            "server_cpu": server_cpu,
            "client_cpu": client_cpu,
            "watcher_ms": watcher_cpu * 1000,
            "typist_ms": (apps_cpu - watcher_cpu) / n * 1000,
        }
    finally:
        server.terminate()
        server.wait(timeout=60)


async def settled(apps: list[int], quiet: float = 0.1, limit: float = 60.0) -> None:
    """Wait until the app processes, all started just now, have settled: less than `quiet`
    of a core busy over a second (the notes measure a workshop under way, not its start)."""
    deadline = time.monotonic() + limit
    before = cpu_seconds(apps)
    while time.monotonic() < deadline:
        await asyncio.sleep(1.0)
        now = cpu_seconds(apps)
        if now - before < quiet:
            return
        before = now


def _pss(pid: int) -> float:
    """A process's proportional set size in MB (0 when it is gone)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _started_at(pid: int) -> int:
    with contextlib.suppress(OSError, IndexError, ValueError):
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    return 0


def _process_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_per_note(argv: list[str], env: dict[str, str], notes: int = 10) -> tuple[float, float]:
    """CPU ms and output KiB per 60-character note typed into the app in a pty, a key every
    4 ms (each key its own read, as from a browser), then Enter."""
    import fcntl
    import pty
    import select
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    process = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    received = 0

    def drain(seconds: float) -> None:
        nonlocal received
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if select.select([master], [], [], 0.002)[0]:
                try:
                    received += len(os.read(master, 65536))
                except OSError:
                    return

    try:
        drain(4.0)
        cpu, before = _process_cpu(process.pid), received
        for i in range(notes):
            for ch in f"n{i:03d} hubs should support the communities they serve, ok"[:60]:
                os.write(master, ch.encode())
                drain(0.004)
            os.write(master, b"\r")
            drain(0.4)
        drain(1.0)
        return (_process_cpu(process.pid) - cpu) / notes * 1000, (received - before) / notes / 1024
    finally:
        process.terminate()
        process.wait(timeout=30)
        os.close(master)


def per_key_cost() -> list[str]:
    folder = Path(tempfile.mkdtemp(prefix="hw-perkey-"))
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "HUBWORKSHOP_DB": str(folder / "workshop.db"),
        "XDG_STATE_HOME": str(folder / "state"),
    }
    subprocess.run(
        [*SEED, "add", "--room", "value", "--lang", "en", "seed"],
        env=env,
        check=True,
        capture_output=True,
    )
    bare = [sys.executable, str(Path(__file__).with_name("bare_app.py")), "A question?"]
    room = [sys.executable, "-m", "hubworkshop", "--room", "value", "--name", "Nia"]
    lines = [
        "| One app process in a pty, keys one at a time | CPU per note (median of 5) "
        "| output per note |",
        "| --- | --- | --- |",
    ]
    for label, argv in (
        ("bare Textual app (Header, Static, Input, Footer)", bare),
        ("hubworkshop room", room),
    ):
        runs = [cpu_per_note(argv, env) for _ in range(5)]
        cpu = statistics.median(r[0] for r in runs)
        kib = statistics.median(r[1] for r in runs)
        lines.append(f"| {label} | {cpu:.0f} ms | {kib:.0f} KiB |")
        print(lines[-1], file=sys.stderr, flush=True)
    return lines


SECTION = "## Browser sessions (`hubworkshop serve`)"


def main() -> None:
    # "N" is N sessions in one room (the watcher's); "N/R" spreads them over R rooms.
    sizes = sys.argv[1:] or ["10", "20", "30", "40", "60", "40/5", "60/5"]
    lines = [
        f"{SECTION}, measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"{os.cpu_count()} cores",
        "",
        f"`python benchmarks/serve_capacity.py {' '.join(sizes)}`: N sessions speaking "
        "textual-serve's websocket protocol, each typing a 60-character note key by key every "
        "2.5 s (the 60 keys sent at once, as from a very fast typist, then Enter), plus one "
        "session that only watches, in the first room. N/R: the sessions spread over R "
        "breakout rooms. Goal: 40 sessions with capture p99 ≤ 150 ms and seen-elsewhere "
        "p99 ≤ 1 s, ≤ 40 MB per session.",
        "",
        "Where a session's time goes, first (the baseline measured in the same run):",
        "",
        *per_key_cost(),
        "",
        "| Sessions | rooms | notes saved | capture p50 / p99 | seen in another browser "
        "p50 / p99 (seen / in its room) | memory per session: PSS (RSS) | traffic per note "
        "| cores busy: apps / server / this client | CPU a second: watcher / typist |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    verdicts = []
    for size in sizes:
        n, _, rooms = size.partition("/")
        r = asyncio.run(run(int(n), int(rooms or 1)))
        lines.append(
            f"| {r['sessions']} | {r['rooms']} | {r['saved']}/{r['notes']} "
            f"| {r['capture_p50']:.0f} / {r['capture_p99']:.0f} ms "
            f"| {r['seen_p50']:.2f} / {r['seen_p99']:.2f} s "
            f"({r['seen']}/{r['notes_in_watched_room']}) "
            f"| {r['pss_mean_mb']:.0f} ({r['rss_mean_mb']:.0f}) MB | {r['kib_per_note']:.0f} KiB "
            f"| {r['apps_cpu']:.2f} / {r['server_cpu']:.2f} / {r['client_cpu']:.2f} "
            f"| {r['watcher_ms']:.0f} / {r['typist_ms']:.0f} ms |"
        )
        print(lines[-1], file=sys.stderr, flush=True)
        if r["sessions"] == 40:
            met = r["capture_p99"] <= 150 and r["seen_p99"] <= 1 and r["pss_mean_mb"] <= 40
            where = "one room" if r["rooms"] == 1 else f"{r['rooms']} rooms"
            verdicts.append(f"40 sessions in {where}: {'met' if met else 'NOT met'}.")
    lines += ["", " ".join(verdicts) or "40 sessions: not measured.", "", NOTES]
    section = "\n".join(lines) + "\n"
    print(section)
    (HERE / "serve-capacity.md").write_text(section, encoding="utf-8")


HERE = Path(__file__).parent
NOTES = """Reading it. The cores go to the app processes: textual-serve's server relays every
key and frame for 0.01-0.05 of a core and this client takes 0.03-0.08. The last column splits
an app's CPU: the session that only watches spends 10-13 ms a second, a typist 16-20 ms.
Typing a note costs a typist about 15 ms when its keys arrive together, as here (a frame per
key, in a pty, costs about 110 ms: the first table, where a bare Textual app spends as much
on the same keys). Each sync, reading the rows other sessions added and drawing them, costs
about 7 ms, most of it Textual drawing the frame; an idle session 2.5 ms a second. In one
room every session sees every note (16 a second at 40 sessions), in five rooms a fifth of
them. "Seen / in its room" counts the notes drawn on the watcher's 100x30 screen, which shows
the list's last rows: a sync that brings more notes than fit (about 11 a sync, in one room
of 40) draws only the newest, and the others are never on that screen.

What changed, each measured here. 2026-11-27, morning: the watcher lets commits settle after
telling the app, until a moment of its own on a 0.7 s grid whose phase each session draws at
start, so a busy room is read and drawn about 1.4 times a second instead of five, by its
sessions at moments spread evenly over the period rather than all together after the same
commit (a quiet room still sees a commit within the 0.2 s poll); the list draws the rows it
has not drawn yet as segments rather than through a Rich Text and the console, and works out
what its lines share once per frame (a frame with ten new rows: 3.1-3.2 ms instead of
4.0-4.1, headless); a sync draws the list and the detail under it in one frame, not two;
served sessions keep a steady cursor (a blink is a frame: 4 of an idle session's 6.5 ms a
second, and 2 KB of traffic); one language detector, in `serve`'s process, answers every
session (each typist loaded Lingua's models at its first note: 10 MB and 20-40 ms); the
shell textual-serve starts execs the app. This benchmark also stopped counting
textual-serve's shells as sessions and reads the database and the watcher's output
incrementally (0.17 of a core before). 2026-11-27, later: the capture bar inserts the
characters waiting together in its queue as one edit, as a paste, instead of one edit per
key, each with its value change, cursor move, Changed message and completion check (a note's
60 keys in one write to a pty: 21-36 ms of the app's CPU before, 13-17 ms after); with 40
sessions in one room the apps went from 0.80-1.28 of the 2 cores to 0.69-0.86.

The 40-session goal over the runs of the final code (this one and seven of 40 alone): in one
room, where every session sees every note, capture p99 47, 50, 57, 57, 68, 77, 90 and 110 ms
(p50 15-21 ms), seen elsewhere p99 0.71-0.74 s, 35 MB per session, the apps on 0.69-0.86 of
the 2 cores: met in eight runs of eight (before the one-edit change: in seven runs of
fifteen, p99 93-675 ms). The list's rows then got the list's background under every piece
(a terminal showed its own under their text: black bands in a browser), which sends about
1 KiB more per note (29 KiB); with it, the final code met the goal in four runs of five:
capture p99 78, 84, 88, 127 and 161 ms (p50 17-21 ms, seen elsewhere p99 0.71-0.73 s, the
apps on 0.79-0.86 cores), against 77, 96, 105 and 112 ms for the code before it in runs
interleaved with those. In five rooms, the real
workshop's shape: p99 75 ms here (67-110 ms in three runs before). Past the goal, 60
sessions in one room keep the cores below saturation (1.20) but their tail is long (p99
854 ms, seen elsewhere 1.19 s): at 24 notes a second, syncs and notes meet on the cores
often; in five rooms, p99 175 ms. The host's speed varies between runs by a fifth or more,
and the tail follows it.
"""


if __name__ == "__main__":
    main()
