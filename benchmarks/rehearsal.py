"""The rehearsal: the 27 November 2021 workshop compressed to a few minutes, end to end.

5 breakout rooms, 100 participants on the page (20 a room, through a proxy on this machine:
one X-Forwarded-For address each), 10 staff sessions in browsers through `serve` (two a
room: the first moves the room through its questions with F8, as a facilitator does, and both
take notes) and 2 staff in terminals (line mode, rooms 1 and 2). Over the run, in four
question periods, every participant adds a point a period and every staff member a note
every 30 s of the compressed clock; then a dot-vote opens in every room (three dots each),
participants rank the items with the page's buttons, the votes close, and the summary is
published to a throw-away MediaWiki (Debian's, as in tests/test_mediawiki.py).

Checked: nothing lost (every answered post, note and line is stored), the published page is
the summary of the database, each room's ballots are the orders the participants cast, and
the time from the last word to the page published (goal: 5 s).

    python benchmarks/rehearsal.py [--minutes 10]

Writes a Markdown table to stdout (for benchmarks/RESULTS.md).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).parent))
from participants import Participant
from serve_capacity import DOWN, SEED, TOKEN, Session, free_port, percentile

MEDIAWIKI = Path("/usr/share/mediawiki")
F8 = "\x1b[19~"  # as xterm.js sends it
PER_ROOM, STAFF_PER_ROOM, PERIODS = 20, 2, 4


def wiki(root: Path) -> tuple[subprocess.Popen[bytes], str, dict[str, str]]:
    """A throw-away MediaWiki on 127.0.0.1 and a bot password for it."""
    port = free_port()
    (root / "db").mkdir(parents=True)
    subprocess.run(
        [
            *("php", str(MEDIAWIKI / "maintenance" / "install.php"), "--dbtype=sqlite"),
            *(f"--dbpath={root / 'db'}", "--dbname=wiki", f"--confpath={root}"),
            *(f"--server=http://127.0.0.1:{port}", "--scriptpath=", "--pass=Rehearsal-123456"),
            *("--lang=en", "Rehearsal Wiki", "admin"),
        ],
        check=True,
        capture_output=True,
        cwd=root,
    )
    config = {**os.environ, "MW_CONFIG_FILE": str(root / "LocalSettings.php")}
    server = subprocess.Popen(
        ["php", "-S", f"127.0.0.1:{port}", "-t", str(MEDIAWIKI)],
        env=config,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=root,
    )
    api = f"http://127.0.0.1:{port}/api.php"
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{api}?action=query&format=json", timeout=2)
            break
        except OSError:
            time.sleep(0.1)
    made = subprocess.run(
        [
            *("php", str(MEDIAWIKI / "maintenance" / "createBotPassword.php")),
            *("--appid", "rehearsal", "--grants", "basic,editpage,createeditmovepage", "Admin"),
        ],
        env=config,
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"username:\s*'([^']+)'.*password:\s*'([^']+)'", made.stdout, re.S)
    assert found, made.stdout
    return (
        server,
        api,
        {"HUBWORKSHOP_WIKI_USER": found[1], "HUBWORKSHOP_WIKI_PASSWORD": found[2]},
    )


async def rehearse(minutes: float) -> dict[str, object]:
    from hubworkshop.reports.formats import render
    from hubworkshop.storage import Store

    folder = Path(tempfile.mkdtemp(prefix="hw-rehearsal-"))
    db = folder / "workshop.db"
    env = {**os.environ, "HUBWORKSHOP_DB": str(db), "XDG_STATE_HOME": str(folder / "state")}
    subprocess.run(
        [*SEED, "add", "--room", "value", "seed"], env=env, check=True, capture_output=True
    )
    wiki_server, api, bot = wiki(folder / "wiki")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "hubworkshop", "serve", "--port", str(port)),
            *("--token", TOKEN, "--max-sessions", "11", "--public-url", base),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines: list[subprocess.Popen[str]] = []
    try:
        links: list[str] = []
        assert server.stdout is not None
        for line in server.stdout:
            if found := re.search(r"(http://\S+/p/\S+/)", line):
                links.append(found.group(1))
            if line.startswith("Ctrl+C"):
                break
        with Store.open(db) as store:
            rooms = list(store.catalog.rooms())
            bank = [r.id for r in store.catalog.roles()]
        async with aiohttp.ClientSession() as probe:
            while True:
                try:
                    async with probe.get(base) as answer:
                        if answer.status == 403:
                            break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.1)
        staff = [Session(base, f"s{i:02d}") for i in range(STAFF_PER_ROOM * len(rooms))]
        for i, s in enumerate(staff):
            await s.open()
            await s.keys(DOWN * (i % len(rooms)) + "\r")
        for room, name in ((rooms[0], "Tea"), (rooms[1], "Ugo")):
            lines.append(
                subprocess.Popen(
                    [sys.executable, "-m", "hubworkshop", "line", "--room", room, "--name", name],
                    env=env,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    text=True,
                )
            )
        connector = aiohttp.TCPConnector(limit=0)
        people = [Participant(n, base, links[n % len(links)]) for n in range(PER_ROOM * len(rooms))]
        for person in people:
            await person.join(connector)
        await asyncio.sleep(5)  # the staff sessions have their rooms open

        chance = random.Random(27)
        length = minutes * 60
        start = time.perf_counter()
        last_word = [start]
        noted: list[str] = []

        def at(fraction: float) -> float:
            return start + fraction * length

        async def until(moment: float) -> None:
            await asyncio.sleep(max(0.0, moment - time.perf_counter()))

        async def facilitator(s: Session) -> None:
            for period in range(1, PERIODS):
                await until(at(0.7 * period / PERIODS))
                await s.keys(F8)  # the room's next question

        async def note_taker(s: Session) -> None:
            k = 0
            await until(start + chance.uniform(0, 30 * length / 10800))
            while time.perf_counter() < at(0.7):
                text = f"{s.name}n{k:03d} noted in the room"
                await s.keys(text + "\r")
                noted.append(text)
                last_word[0] = time.perf_counter()
                k += 1
                await asyncio.sleep(max(1.0, 30 * length / 10800 * 6))

        async def terminal(process: subprocess.Popen[str], name: str) -> None:
            k = 0
            assert process.stdin is not None
            while time.perf_counter() < at(0.7):
                text = f"{name}t{k:03d} said in the room"
                process.stdin.write(text + "\n")
                process.stdin.flush()
                noted.append(text)
                last_word[0] = time.perf_counter()
                k += 1
                await asyncio.sleep(max(1.0, 30 * length / 10800 * 6))

        async def participant(person: Participant) -> None:
            for period in range(PERIODS):
                await until(at(0.7 * (period + chance.uniform(0.1, 0.9)) / PERIODS))
                await person.add(period)
                last_word[0] = time.perf_counter()

        orders: dict[str, list[list[str]]] = {}

        async def ranker(person: Participant) -> None:
            await until(at(0.82 + chance.uniform(0, 0.08)))
            order = list(bank)
            for _move in range(3):
                role, step = chance.choice(bank), chance.choice((-1, 1))
                async with person.http.post(
                    person.link + "rank",
                    data={"role": role, "step": str(step)},
                    allow_redirects=False,
                ) as answer:
                    await answer.read()
                    assert answer.status == 303, answer.status
                at_ = order.index(role)
                order.insert(max(0, min(len(order) - 1, at_ + step)), order.pop(at_))
                last_word[0] = time.perf_counter()
            orders.setdefault(person.link, []).append(order)

        async def votes() -> None:
            await until(at(0.72))
            for room in rooms:
                subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "hubworkshop",
                        "vote",
                        "open",
                        "--room",
                        room,
                        "--dots",
                        "3",
                    ],
                    env=env,
                    capture_output=True,
                    check=True,
                )

            async def voter(person: Participant) -> None:
                await until(at(0.72 + chance.uniform(0, 0.08)))
                await person.vote()
                last_word[0] = time.perf_counter()

            await asyncio.gather(*(voter(x) for x in people))
            await until(at(0.95))
            for room in rooms:
                subprocess.run(
                    [sys.executable, "-m", "hubworkshop", "vote", "close", "--room", room],
                    env=env,
                    capture_output=True,
                    check=True,
                )
            last_word[0] = time.perf_counter()

        await asyncio.gather(
            *(facilitator(s) for s in staff[: len(rooms)]),
            *(note_taker(s) for s in staff),
            terminal(lines[0], "Tea"),
            terminal(lines[1], "Ugo"),
            *(participant(x) for x in people),
            *(ranker(x) for x in people),
            votes(),
        )
        for process in lines:
            assert process.stdin is not None
            process.stdin.close()
            process.wait(timeout=60)
        title = "Hubs/Documentation/Rehearsal"
        published = subprocess.run(
            [sys.executable, "-m", "hubworkshop", "publish", "--wiki", api, "--page", title],
            env={**env, **bot},
            capture_output=True,
            text=True,
        )
        after_last_word = time.perf_counter() - last_word[0]
        assert published.returncode == 0, published.stderr
        with Store.open(db) as store:
            snapshot = store.snapshot()
            stored = [c.text for c in store.contributions.find()]
            rankings = store.rankings.all()
            cast_dots = sum(
                r[0] for r in store.db.execute("SELECT coalesce(sum(dots),0) FROM votes")
            )
        expected = render("wikitext", snapshot).strip()
        query = (
            f"{api}?action=query&prop=revisions&rvprop=content&rvslots=main&format=json"
            f"&formatversion=2&titles={urllib.request.quote(title)}"
        )
        import json

        with urllib.request.urlopen(query, timeout=30) as answer:
            page = json.load(answer)["query"]["pages"][0]["revisions"][0]["slots"]["main"]
        tags = {t.split()[0] for t in stored}
        posted = [tag for x in people for tag in x.posted]
        lost = sum(1 for tag in posted if tag not in tags) + sum(
            1 for text in noted if text.split()[0] not in tags
        )
        ranking_ok = all(
            sorted(orders.get(link, []))
            == sorted(order for who, order in rankings.get(room, {}).items() if who is not None)
            for link, room in zip(links, rooms, strict=True)
        )
        submits = [s for x in people for s in x.submits]
        for x in people:
            await x.close()
        await connector.close()
        for s in staff:
            await s.close()
        return {
            "minutes": minutes,
            "points": len(posted),
            "notes": len(noted),
            "stored": len(stored),
            "lost": lost,
            "dots": cast_dots,
            "ballots": sum(len(v) for v in orders.values()),
            "ranking_as_cast": ranking_ok,
            "page_is_summary": page["content"].strip() == expected,
            "publish_after_last_word_s": after_last_word,
            "submit_p99_ms": percentile(submits, 99) * 1000,
        }
    finally:
        for process in lines:
            if process.poll() is None:
                process.kill()
        server.terminate()
        server.wait(timeout=60)
        wiki_server.terminate()
        wiki_server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    args = parser.parse_args()
    if shutil.which("php") is None or not (MEDIAWIKI / "maintenance" / "install.php").is_file():
        sys.exit("rehearsal: needs Debian's mediawiki and php (see .ci/run)")
    r = asyncio.run(rehearse(args.minutes))
    print("| " + " | ".join(r) + " |")
    print("| " + " | ".join("---" for _ in r) + " |")
    print(
        "| " + " | ".join(f"{v:.1f}" if isinstance(v, float) else str(v) for v in r.values()) + " |"
    )


if __name__ == "__main__":
    main()
