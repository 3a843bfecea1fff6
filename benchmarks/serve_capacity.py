"""How many browser sessions one machine serves: `hubworkshop serve` under N note-takers.

Speaks textual-serve's websocket protocol as a browser does (["stdin", keys], ["resize", …],
binary frames of terminal output back). Each session opens the first room from the start
screen, then adds a 60-character note every 2.5 s (from its own random moment), typed key by
key as xterm.js sends keys; one more session only watches. Measured per note:

- capture: from Enter to the row committed in the database (polled read-only every 5 ms);
- seen elsewhere: from Enter to the note's tag appearing in the watcher's terminal output;
- traffic: bytes the session sent and received per note; memory: the app processes' RSS.

Usage: python benchmarks/serve_capacity.py [N ...]   (default 10 20 30 40 60)
Writes the curve to stdout as Markdown rows; `run.py` is not involved (this takes minutes).
"""

from __future__ import annotations

import asyncio
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
        self.ws: aiohttp.ClientWebSocketResponse | None = None

    async def open(self, http: aiohttp.ClientSession) -> None:
        jar = aiohttp.CookieJar(unsafe=True)
        self.http = aiohttp.ClientSession(cookie_jar=jar)
        async with self.http.get(f"{self.base}/?token={TOKEN}") as page:
            assert page.status == 200, page.status
        self.ws = await self.http.ws_connect(
            f"{self.base.replace('http', 'ws')}/ws?width=100&height=30"
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


def committed(db: Path) -> dict[str, float]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {
            row[0]: time.perf_counter() for row in conn.execute("SELECT text FROM contributions")
        }
    finally:
        conn.close()


def app_rss_mb(server_pid: int) -> list[float]:
    out = subprocess.run(["ps", "-eo", "pid,ppid,rss,args"], capture_output=True, text=True).stdout
    return [
        int(parts[2]) / 1024
        for line in out.splitlines()[1:]
        if (parts := line.split(None, 3)) and len(parts) == 4 and "-m hubworkshop --db" in parts[3]
    ]


async def run(n: int) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp(prefix="hw-capacity-"))
    db = folder / "workshop.db"
    env = {**os.environ, "HUBWORKSHOP_DB": str(db), "XDG_STATE_HOME": str(folder / "state")}
    subprocess.run(
        [sys.executable, "-m", "hubworkshop", "add", "--room", "value", "--lang", "en", "seed"],
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "hubworkshop", "serve", "--port", str(port), "--token", TOKEN],
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
        for s in [watcher, *sessions]:
            await s.open(probe)  # type: ignore[arg-type]
            await s.keys("\r")  # the start screen: the first room
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
        await asyncio.sleep(2)
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
            while True:
                now_rows = await asyncio.to_thread(committed, db)
                for text, at in now_rows.items():
                    seen_db.setdefault(text, at)
                screen = bytes(watcher.output)
                for text in list(sent_at):
                    if text not in seen_watch and text[:9].encode() in screen:
                        seen_watch[text] = time.perf_counter()
                await asyncio.sleep(0.005)

        observer = asyncio.create_task(observe())
        await asyncio.gather(*(note_taker(s) for s in sessions))
        await asyncio.sleep(5)  # the last notes land
        observer.cancel()
        capture = [seen_db[t] - sent_at[t] for t in sent_at if t in seen_db]
        elsewhere = [seen_watch[t] - sent_at[t] for t in sent_at if t in seen_watch]
        rss = app_rss_mb(server.pid)
        notes = len(sent_at)
        traffic = sum(s.sent + s.received for s in sessions) / max(notes, 1) / 1024
        for s in [watcher, *sessions]:
            await s.close()
        return {
            "sessions": n,
            "notes": notes,
            "saved": len(capture),
            "capture_p50": percentile(capture, 50) * 1000,
            "capture_p99": percentile(capture, 99) * 1000,
            "seen": len(elsewhere),
            "seen_p50": percentile(elsewhere, 50),
            "seen_p99": percentile(elsewhere, 99),
            "rss_mean_mb": statistics.mean(rss) if rss else float("nan"),
            "kib_per_note": traffic,
        }
    finally:
        server.terminate()
        server.wait(timeout=60)


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10, 20, 30, 40, 60]
    print(
        "| Sessions | notes saved | capture p50 / p99 | seen in another browser p50 / p99 "
        "(seen) | RSS per session | traffic per note |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for n in sizes:
        r = asyncio.run(run(n))
        print(
            f"| {r['sessions']} | {r['saved']}/{r['notes']} | {r['capture_p50']:.0f} / "
            f"{r['capture_p99']:.0f} ms | {r['seen_p50']:.2f} / {r['seen_p99']:.2f} s "
            f"({r['seen']}) | {r['rss_mean_mb']:.0f} MB | {r['kib_per_note']:.0f} KiB |",
            flush=True,
        )


if __name__ == "__main__":
    main()
