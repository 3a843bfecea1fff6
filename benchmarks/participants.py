"""Participants on their own devices beside the staff's browser sessions: `hubworkshop serve`
with P simulated participants (a plain asyncio HTTP client on loopback, aiohttp's, bounded
in connections and time) while 10 staff sessions type notes through `serve` as browsers do
(serve_capacity.py's sessions: xterm.js's key frames over textual-serve's websocket).

Each participant joins a room by its link (anonymous), keeps the room's live stream open
(server-sent events), adds two points at random moments over ADD_SECONDS, then, once the
facilitators have opened a dot-vote in every room, casts four dots (the fourth must be
refused: three each). The participants come through a proxy on this machine
(`--public-url`, one X-Forwarded-For address each), as behind the HTTPS proxy of a real
event. Measured:

- submit: a point's form post, sent to answered (the redirect), p50 / p99;
- seen on other pages: from the post to the point's words on each other participant's
  live stream in the room, p50 / p99 over every (point, reader) pair;
- staff capture: a staff note's Enter to its row committed (polled every 5 ms), p50 / p99;
- lost (answered but not stored), duplicated (stored twice), dots refused past the budget;
- memory per participant connection: the server's PSS with every stream open, less before
  they joined, over P.

Usage: python benchmarks/participants.py [P ...]   (default 200 1000). Takes a minute or two
per P; writes Markdown rows to stdout.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).parent))
from serve_capacity import (
    DOWN,
    SEED,
    TOKEN,
    Committed,
    Session,
    _pss,
    app_processes,
    free_port,
    percentile,
    settled,
)

STAFF = 10
ADD_SECONDS = 30.0
NOTE_EVERY = 2.5
VOTE_SECONDS = 10.0
AT_ONCE = 50  # participants joining at the same moment (a QR code on a shared screen)
TAG = re.compile(rb"\bp\d{4}x\d\b")


class Participant:
    def __init__(self, n: int, base: str, link: str) -> None:
        self.n, self.base, self.link = n, base, link
        self.address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
        self.seen: dict[bytes, float] = {}
        self.buffer = b""
        self.posted: dict[str, float] = {}
        self.submits: list[float] = []
        self.refused = self.dots = self.errors = 0

    async def join(self, connector: aiohttp.BaseConnector) -> None:
        self.http = aiohttp.ClientSession(
            connector=connector,
            connector_owner=False,
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            headers={"X-Forwarded-For": self.address},
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=60),
        )
        async with self.http.get(self.link) as page:
            await page.read()
        async with self.http.post(
            self.link + "join", data={"consent": "anonymous"}, allow_redirects=False
        ) as answer:
            assert answer.status == 303, answer.status
        self.stream = await self.http.get(self.link + "events")
        assert self.stream.status == 200, self.stream.status
        self.reader = asyncio.create_task(self.read())

    async def read(self) -> None:
        with_tail = b""
        async for chunk in self.stream.content.iter_any():
            now = time.perf_counter()
            data = with_tail + chunk
            for tag in TAG.findall(data):
                self.seen.setdefault(tag, now)
            with_tail = data[-12:]  # a tag cut between two chunks

    async def add(self, k: int) -> None:
        tag = f"p{self.n:04d}x{k}"
        text = f"{tag} hubs could share what works between communities"
        started = time.perf_counter()
        self.posted[tag] = started
        try:
            async with self.http.post(
                self.link + "add", data={"kind": "idea", "text": text}, allow_redirects=False
            ) as answer:
                await answer.read()
                if answer.status != 303:
                    self.errors += 1
                    del self.posted[tag]
                    return
        except aiohttp.ClientError:
            self.errors += 1
            del self.posted[tag]
            return
        self.submits.append(time.perf_counter() - started)

    async def vote(self) -> None:
        async with self.http.get(self.link) as page:
            html = await page.text()
        ids = re.findall(r'action="vote"><input type="hidden" name="id" value="([^"]+)"', html)
        if not ids:
            return
        chance = random.Random(self.n)
        for _dot in range(4):
            async with self.http.post(
                self.link + "vote", data={"id": chance.choice(ids)}, allow_redirects=False
            ) as answer:
                await answer.read()
                if answer.status == 303:
                    self.dots += 1
                else:
                    self.refused += 1

    async def close(self) -> None:
        self.reader.cancel()
        self.stream.close()
        await self.http.close()


async def run(p: int) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp(prefix="hw-participants-"))
    db = folder / "workshop.db"
    env = {**os.environ, "HUBWORKSHOP_DB": str(db), "XDG_STATE_HOME": str(folder / "state")}
    subprocess.run(
        [*SEED, "add", "--room", "value", "seed"], env=env, check=True, capture_output=True
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "hubworkshop", "serve", "--port", str(port)),
            *("--token", TOKEN, "--max-sessions", str(STAFF + 1), "--public-url", base),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        links: dict[str, str] = {}
        assert server.stdout is not None
        for line in server.stdout:
            found = re.search(r"(http://\S+/p/\S+/)", line)
            if found:
                links[line.split(":")[0].strip()] = found.group(1)
            if line.startswith("Ctrl+C"):
                break
        rooms = list(links.values())
        async with aiohttp.ClientSession() as probe:
            while True:
                try:
                    async with probe.get(base) as answer:
                        if answer.status == 403:
                            break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.1)
        staff = [Session(base, f"s{i:02d}") for i in range(STAFF)]
        for i, s in enumerate(staff):
            await s.open()
            await s.keys(DOWN * (i % len(rooms)) + "\r")
        await asyncio.sleep(5)
        await settled(list(app_processes()))
        before = _pss(server.pid)
        connector = aiohttp.TCPConnector(limit=0, limit_per_host=0)
        people = [Participant(n, base, rooms[n % len(rooms)]) for n in range(p)]
        gate = asyncio.Semaphore(AT_ONCE)

        async def joined(person: Participant) -> None:
            async with gate:
                await person.join(connector)

        started = time.perf_counter()
        await asyncio.gather(*(joined(x) for x in people))
        join_seconds = time.perf_counter() - started
        await asyncio.sleep(2)
        with_streams = _pss(server.pid)

        sent_at: dict[str, float] = {}
        chance = random.Random(p)

        async def note_taker(s: Session) -> None:
            await asyncio.sleep(chance.uniform(0, NOTE_EVERY))
            k, end = 0, time.perf_counter() + ADD_SECONDS
            while time.perf_counter() < end:
                text = f"{s.name}n{k:03d} hubs should support the communities they serve"[:60]
                await s.keys(text)
                sent_at[text] = time.perf_counter()
                await s.keys("\r")
                k += 1
                await asyncio.sleep(NOTE_EVERY)

        async def participant(person: Participant) -> None:
            for k in range(2):
                await asyncio.sleep(chance.uniform(0, ADD_SECONDS / 2))
                await person.add(k)

        committed: dict[str, float] = {}

        async def observe() -> None:
            rows = Committed(db)
            while True:
                for text in rows.new():
                    committed.setdefault(text, time.perf_counter())
                await asyncio.sleep(0.005)

        observer = asyncio.create_task(observe())
        cpu = time.process_time()
        wall = time.perf_counter()
        await asyncio.gather(*(note_taker(s) for s in staff), *(participant(x) for x in people))
        client_cpu = (time.process_time() - cpu) / (time.perf_counter() - wall)
        await asyncio.sleep(3)
        # The facilitators open a dot-vote in every room; everyone casts four dots.
        conn = sqlite3.connect(db)
        for room in [r for (r,) in conn.execute("SELECT id FROM rooms")]:
            subprocess.run(
                [sys.executable, "-m", "hubworkshop", "vote", "open", "--room", room],
                env=env,
                capture_output=True,
            )

        async def voter(person: Participant) -> None:
            await asyncio.sleep(chance.uniform(0, VOTE_SECONDS))
            async with gate:
                await person.vote()

        await asyncio.gather(*(voter(x) for x in people))
        await asyncio.sleep(2)
        observer.cancel()
        # Points: answered, stored, seen by the other participants of the room.
        stored = [t for (t,) in conn.execute("SELECT text FROM contributions")]
        tags = [t.split()[0] for t in stored if t.startswith("p")]
        posted = {tag: (x, at) for x in people for tag, at in x.posted.items()}
        lost = sum(1 for tag in posted if tag not in tags)
        duplicated = len(tags) - len(set(tags))
        seen, unseen = [], 0
        for tag, (author, at) in posted.items():
            for other in people:
                if other is author or other.link != author.link:
                    continue
                when = other.seen.get(tag.encode())
                if when is None:
                    unseen += 1
                else:
                    seen.append(when - at)
        dots_stored = conn.execute("SELECT coalesce(sum(dots), 0) FROM votes").fetchone()[0]
        conn.close()
        submits = [s for x in people for s in x.submits]
        capture = [committed[t] - sent_at[t] for t in sent_at if t in committed]
        for x in people:
            await x.close()
        await connector.close()
        for s in staff:
            await s.close()
        return {
            "participants": p,
            "join_s": join_seconds,
            "points": len(posted),
            "errors": sum(x.errors for x in people),
            "submit_p50": percentile(submits, 50) * 1000,
            "submit_p99": percentile(submits, 99) * 1000,
            "seen_p50": percentile(seen, 50) * 1000,
            "seen_p99": percentile(seen, 99) * 1000,
            "unseen": unseen,
            "capture_p50": percentile(capture, 50) * 1000,
            "capture_p99": percentile(capture, 99) * 1000,
            "notes": len(sent_at),
            "notes_saved": len(capture),
            "lost": lost,
            "duplicated": duplicated,
            "dots": sum(x.dots for x in people),
            "dots_stored": dots_stored,
            "refused": sum(x.refused for x in people),
            "kb_per_connection": (with_streams - before) * 1024 / p,
            "client_cpu": client_cpu,
        }
    finally:
        server.terminate()
        server.wait(timeout=60)


def main() -> None:
    counts = [int(a) for a in sys.argv[1:]] or [200, 1000]
    print(
        f"{STAFF} staff sessions typing a note every {NOTE_EVERY} s; each participant adds 2 "
        f"points over {ADD_SECONDS:.0f} s, then 4 dots (3 allowed)\n"
    )
    print(
        "| participants | joined in | points | submit p50 / p99 | seen elsewhere p50 / p99 "
        "| unseen | staff capture p50 / p99 | lost | dup. | dots stored / refused "
        "| KB per connection | client CPU |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for p in counts:
        r = asyncio.run(run(p))
        print(
            f"| {p} | {r['join_s']:.1f} s | {r['points']:.0f} ({r['errors']:.0f} errors) "
            f"| {r['submit_p50']:.0f} / {r['submit_p99']:.0f} ms "
            f"| {r['seen_p50']:.0f} / {r['seen_p99']:.0f} ms | {r['unseen']:.0f} "
            f"| {r['capture_p50']:.0f} / {r['capture_p99']:.0f} ms "
            f"({r['notes_saved']:.0f}/{r['notes']:.0f}) "
            f"| {r['lost']:.0f} | {r['duplicated']:.0f} "
            f"| {r['dots_stored']:.0f} / {r['refused']:.0f} | {r['kb_per_connection']:.0f} "
            f"| {r['client_cpu']:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
