"""`hubworkshop serve` without a browser: a client speaking textual-serve's websocket protocol
as xterm.js does (["stdin", keys] in, terminal output back), and the processes it starts.

What a browser adds (the page, xterm.js, the canvas) is tested in test_browser.py; this
checks what each session's process is, so it runs wherever Linux's /proc does.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import sys
import time
from pathlib import Path

import pytest

from conftest import NOTE_TAKER_TOKEN, SERVE_TOKEN, serving

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def is_app(pid: int) -> bool:
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return [a.decode() for a in args[:4]] == [sys.executable, "-m", "hubworkshop", "--db"]


def running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def environment(pid: int) -> dict[str, str]:
    pairs = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(p.decode(errors="replace").split("=", 1) for p in pairs if b"=" in p)


async def eventually(condition, timeout: float = 60.0):
    """Poll until `condition()` is truthy; the deadline only stops a test that would hang."""
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)
    return found


def room_open(state: Path) -> bool:
    """Whether the session has its room open (the app remembers it after the first frame)."""
    try:
        remembered = json.loads((state / "hubworkshop" / "last-room.json").read_text())
    except (OSError, ValueError):
        return False
    return any(v.get("terminals") for v in remembered.values())


def saved(db: Path) -> dict[str, str | None]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return dict(conn.execute("SELECT text, language FROM contributions"))


@pytest.mark.timeout(180)
async def test_a_session_is_the_app_itself_with_a_steady_cursor_and_the_shared_detector(
    tmp_path, hubs_plan
):
    """Each browser session's process is the app (no shell left waiting beside it), with a
    cursor that does not blink, and asks the one language detector `serve` holds instead of
    loading Lingua's models itself (the workshop is in English and French)."""
    import aiohttp

    with serving(tmp_path, hubs_plan) as (base, db, server):
        # unsafe=True: the jar keeps cookies from an IP address (127.0.0.1), as a browser does
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            async with http.get(f"{base}/?token={SERVE_TOKEN}") as page:
                assert page.status == 200
            ws = await http.ws_connect(
                base.replace("http", "ws") + "/ws?width=100&height=30", origin=base
            )
            output = bytearray()

            async def read() -> None:
                async for message in ws:
                    data = message.data
                    output.extend(data if isinstance(data, bytes) else str(data).encode())

            reader = asyncio.create_task(read())
            try:
                # The shell textual-serve starts becomes `env`, which becomes the app.
                [app] = await eventually(lambda: [p for p in children(server.pid) if is_app(p)])
                assert children(server.pid) == [app]  # and nothing else waits beside it
                env = environment(app)
                assert env["HUBWORKSHOP_STEADY_CURSOR"] == "1"
                assert Path(env["HUBWORKSHOP_DETECTOR"]).is_socket()

                await ws.send_str(json.dumps(["stdin", "\r"]))  # the start screen: a room
                await eventually(lambda: room_open(tmp_path / "state"))
                said = "Les hubs doivent soutenir les communautés qui les font vivre"
                for key in [*said, "\r"]:  # a key at a time, as xterm.js sends them
                    await ws.send_str(json.dumps(["stdin", key]))
                try:
                    languages = await eventually(lambda: saved(db).get(said) and saved(db))
                except AssertionError:
                    shown = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", bytes(output[-4000:]))
                    raise AssertionError(f"{saved(db)}\n{shown.decode(errors='replace')}") from None
                assert languages[said] == "fr"
                assert "lingua" not in Path(f"/proc/{app}/maps").read_text()
            finally:
                reader.cancel()
                await ws.close()


def test_on_every_address_the_page_points_each_browser_back_at_the_address_it_used(
    tmp_path, hubs_plan
):
    """`--host 0.0.0.0`: the link is printed for this machine's name and for 127.0.0.1; the
    link's token is traded for a cookie and leaves the address; and the page's websocket and
    assets are at the address the browser used (textual-serve alone wrote ws://0.0.0.0)."""
    import http.cookiejar
    import socket
    import urllib.request

    with serving(tmp_path, hubs_plan, "--host", "0.0.0.0") as (base, _db, server):
        port = base.rsplit(":", 1)[1]
        browser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        with browser.open(f"{base}/?token={SERVE_TOKEN}&fontsize=20", timeout=30) as page:
            assert page.url == f"{base}/?fontsize=20"  # redirected: no token left
            assert f'"ws://127.0.0.1:{port}/ws"' in page.read().decode()
        named = urllib.request.Request(f"{base}/", headers={"Host": f"localhost:{port}"})
        with browser.open(named, timeout=30) as page:  # admitted by its cookie alone
            html = page.read().decode()
        assert f'"ws://localhost:{port}/ws"' in html and "0.0.0.0" not in html
        server.terminate()
        printed = server.communicate(timeout=30)[0]
    assert f"facilitators: http://{socket.gethostname()}:{port}/?token={SERVE_TOKEN}" in printed
    assert f"facilitators: http://127.0.0.1:{port}/?token={SERVE_TOKEN}" in printed
    assert f"note-takers: http://127.0.0.1:{port}/?token={NOTE_TAKER_TOKEN}" in printed


@pytest.mark.timeout(180)
async def test_ctrl_c_tells_every_session_the_server_is_going_away_and_their_apps_quit(
    tmp_path, hubs_plan
):
    """Stopping `serve` closes each open session's websocket as "going away" (1001) and its
    app quits, rather than aiohttp waiting on the open websockets (about 20 s for one)."""
    import signal

    import aiohttp

    with serving(tmp_path, hubs_plan) as (base, _db, server):
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            async with http.get(f"{base}/?token={SERVE_TOKEN}") as page:
                assert page.status == 200
            ws = await http.ws_connect(
                base.replace("http", "ws") + "/ws?width=100&height=30", origin=base
            )
            [app] = await eventually(lambda: [p for p in children(server.pid) if is_app(p)])
            await ws.send_str(json.dumps(["stdin", "\r"]))  # the start screen: a room
            await eventually(lambda: room_open(tmp_path / "state"))
            server.send_signal(signal.SIGINT)
            async for _message in ws:  # what the app still draws, until the close
                pass
            assert ws.close_code == aiohttp.WSCloseCode.GOING_AWAY
        assert await asyncio.to_thread(server.wait, 60) == 0
        assert not running(app)  # exited (a zombie until the system reaps it)


def test_a_port_already_taken_is_one_line_and_no_link(tmp_path, cli):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("serve", "--port", str(port), db=tmp_path / "w.db")
    assert result.returncode == 2
    assert result.stderr == (
        f"hubworkshop: --host 127.0.0.1 --port {port}: already in use (another serve?); "
        "choose another --port\n"
    )
    assert "token" not in result.stdout


@pytest.mark.timeout(180)
async def test_a_client_of_its_own_may_open_a_session_with_the_token_in_the_socket_address(
    tmp_path, hubs_plan
):
    """A script (no page, no cookie) connects its websocket with the token in the address: it
    gets a session, not the redirect a browser's page gets; without the token, 403."""
    import aiohttp

    with serving(tmp_path, hubs_plan) as (base, _db, server):
        async with aiohttp.ClientSession() as http:
            socket_url = base.replace("http", "ws") + "/ws?width=80&height=24"
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(socket_url)
            assert refused.value.status == 403
            ws = await http.ws_connect(f"{socket_url}&token={SERVE_TOKEN}")
            try:
                await eventually(lambda: [p for p in children(server.pid) if is_app(p)])
            finally:
                await ws.close()


# -- a locked room: roles, downloads, origins, limits, secrets ----------------------------------

F4, F5, CTRL_S = "\x1bOS", "\x1b[15~", "\x13"


class Browser:
    """One browser as textual-serve's page is one: a cookie jar, the link opened, then the
    page's websocket (with the page's Origin), its output kept."""

    def __init__(self, base: str) -> None:
        import aiohttp

        self.base = base
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.output = bytearray()
        self.texts: list[str] = []
        self.ws = None

    async def open(self, token: str | None, query: str = "width=100&height=30", **kwargs):
        if token is not None:
            async with self.http.get(f"{self.base}/?token={token}") as page:
                assert page.status == 200
        kwargs.setdefault("origin", self.base)
        self.ws = await self.http.ws_connect(
            self.base.replace("http", "ws") + "/ws?" + query, **kwargs
        )
        self.reader = asyncio.create_task(self.read())
        return self

    async def read(self) -> None:
        async for message in self.ws:
            if isinstance(message.data, bytes):
                self.output.extend(message.data)
            elif isinstance(message.data, str):
                self.texts.append(message.data)

    async def keys(self, *keys: str) -> None:
        for key in keys:
            await self.ws.send_str(json.dumps(["stdin", key]))

    async def close(self) -> None:
        if self.ws is not None:
            self.reader.cancel()
            await self.ws.close()
        await self.http.close()

    def cookie(self, name: str) -> str:
        return next(c.value for c in self.http.cookie_jar if c.key == name)


def rows(db: Path) -> list[tuple[str, str | None]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return list(conn.execute("SELECT text, note_taker FROM contributions ORDER BY rowid"))


def roles_taken(db: Path) -> list[tuple[str | None, str]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        found = conn.execute("SELECT actor, data FROM events WHERE action = 'role.take'")
        return [(actor, json.loads(data)["role"]) for actor, data in found]


def timer_running(db: Path, room: str) -> bool:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        query = "SELECT timer_started_at FROM room_state WHERE room = ?"
        return conn.execute(query, [room]).fetchone()[0] is not None


def first_room(db: Path) -> str:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT id FROM rooms ORDER BY position LIMIT 1").fetchone()[0]


@pytest.mark.timeout(240)
async def test_each_link_grants_its_role_and_the_hosts_name_is_nobodys(tmp_path, hubs_plan):
    """The note-takers' link gives a session that cannot run the clock (F5 does nothing),
    the facilitators' link one that can; each role taken is logged; and although `serve`
    runs with HUBWORKSHOP_NOTE_TAKER=Asaf, no browser records its notes as Asaf's."""
    env = {
        "HUBWORKSHOP_NOTE_TAKER": "Asaf",
        "HUBWORKSHOP_SERVE_TOKEN": SERVE_TOKEN,  # (also given as options: the same)
        "HUBWORKSHOP_SERVE_NOTE_TAKER_TOKEN": NOTE_TAKER_TOKEN,
    }
    with serving(tmp_path, hubs_plan, env=env) as (base, db, server):
        room = first_room(db)
        note_taker = await Browser(base).open(NOTE_TAKER_TOKEN)
        facilitator = await Browser(base).open(SERVE_TOKEN)
        try:
            await note_taker.keys("\r")  # the start screen: the first room
            await eventually(lambda: roles_taken(db) == [(None, "note-taker")])
            await note_taker.keys(F5, *"from the note-taker", "\r")
            await eventually(lambda: ("from the note-taker", None) in rows(db))
            assert not timer_running(db, room)  # F5 came first, and did nothing

            await facilitator.keys("\r")
            await eventually(lambda: len(roles_taken(db)) == 2)
            assert roles_taken(db)[1] == (None, "facilitator")
            await facilitator.keys(F5, *"from the facilitator", "\r")
            await eventually(lambda: ("from the facilitator", None) in rows(db))
            # F5's write is a worker of its own: it may commit after the row does.
            await eventually(lambda: timer_running(db, room))
            apps = [p for p in children(server.pid) if is_app(p)]
            assert len(apps) == 2
            for app in apps:  # no visitor's app knows the host's name or either secret
                assert not set(env) & set(environment(app))
                assert SERVE_TOKEN not in Path(f"/proc/{app}/environ").read_text()
        finally:
            await note_taker.close()
            await facilitator.close()


@pytest.mark.timeout(240)
async def test_an_export_from_a_browser_is_a_download_and_no_file_on_the_server(
    tmp_path, hubs_plan
):
    """F4 then Ctrl+S in a served session: the page is told of a download, which holds the
    summary; nothing is written in the server's folders."""
    with serving(tmp_path, hubs_plan) as (base, db, _server):
        exports = (".md", ".wiki", ".json", ".csv")
        state = tmp_path / "state"  # the server keeps resume state and drafts there
        browser = await Browser(base).open(SERVE_TOKEN)
        try:
            await browser.keys("\r")
            await eventually(lambda: roles_taken(db))
            await browser.keys(*"a point worth exporting", "\r")
            await eventually(lambda: rows(db))
            await browser.keys(F4)
            await eventually(lambda: b"downloads the file in your browser" in browser.output)
            await browser.keys(CTRL_S)
            found = await eventually(
                lambda: [json.loads(t)[1] for t in browser.texts if "deliver_file_start" in t]
            )
            async with browser.http.get(f"{base}/download/{found[0]}") as download:
                assert download.status == 200
                assert "attachment" in download.headers["Content-Disposition"]
                summary = await download.text()
            assert "a point worth exporting" in summary
            assert summary.startswith("#")  # the Markdown summary, the screen's first format
        finally:
            await browser.close()
        written = [p for p in tmp_path.rglob("*") if state not in p.parents]
        assert not [p for p in written if p.name.endswith(exports)]
        assert not (Path.home() / "Downloads").exists() or not [
            p for p in (Path.home() / "Downloads").iterdir() if p.name.startswith("hubs-")
        ]


@pytest.mark.timeout(180)
async def test_a_websocket_from_another_origin_is_refused_and_starts_nothing(tmp_path, hubs_plan):
    """Another site's page (or a sibling port) sends the token cookie with its websocket:
    refused unless its Origin is the page's own; a missing Origin needs the token itself."""
    import aiohttp

    with serving(tmp_path, hubs_plan) as (base, _db, server):
        for origin in ("http://evil.example", base.replace("127.0.0.1", "127.0.0.2"), None):
            browser = Browser(base)
            try:
                with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                    await browser.open(SERVE_TOKEN, origin=origin)
                assert refused.value.status == 403
            finally:
                await browser.close()
        browser = Browser(base)
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await browser.open(None, f"width=80&height=24&token={SERVE_TOKEN}", origin="http://x.y")
        await browser.close()
        # A cookie and an empty (or wrong) token in the socket's address, no Origin: the
        # address's token alone decides, and it is wrong.
        browser = Browser(base)
        try:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await browser.open(NOTE_TAKER_TOKEN, "width=80&height=24&token=", origin=None)
            assert refused.value.status == 403
        finally:
            await browser.close()
        assert not [p for p in children(server.pid) if is_app(p)]


@pytest.mark.timeout(240)
async def test_sessions_are_capped_in_all_and_per_browser_with_a_clear_message(tmp_path, hubs_plan):
    """--max-sessions 2 --max-per-browser 1: a browser's second session and a third browser
    are told why in their terminal (closed as 'try again later'), and the page says the
    workshop is full; only two apps run."""
    import aiohttp

    options = ("--max-sessions", "2", "--max-per-browser", "1")
    with serving(tmp_path, hubs_plan, *options) as (base, _db, server):
        one, two, three = Browser(base), Browser(base), Browser(base)
        try:
            await one.open(SERVE_TOKEN)
            await eventually(lambda: [p for p in children(server.pid) if is_app(p)])
            again = await one.http.ws_connect(
                base.replace("http", "ws") + "/ws?width=80&height=24", origin=base
            )
            said = b"".join([m.data async for m in again if isinstance(m.data, bytes)])
            assert b"This browser has 1 sessions open here already" in said
            assert again.close_code == aiohttp.WSCloseCode.TRY_AGAIN_LATER

            async with three.http.get(f"{base}/?token={NOTE_TAKER_TOKEN}") as page:
                assert page.status == 200  # its page loaded while there was room
            await two.open(NOTE_TAKER_TOKEN)
            await eventually(lambda: len([p for p in children(server.pid) if is_app(p)]) == 2)
            await three.open(None)
            await eventually(lambda: three.ws.closed)
            assert b"This workshop is full: 2 sessions are open" in three.output
            async with three.http.get(f"{base}/") as page:
                assert page.status == 503 and "this workshop is full" in await page.text()
            assert len([p for p in children(server.pid) if is_app(p)]) == 2
        finally:
            for browser in (one, two, three):
                await browser.close()


@pytest.mark.timeout(180)
async def test_a_huge_terminal_is_clamped(tmp_path, hubs_plan):
    """A session asking for 12000 x 12000 gets 500 x 200, at the start and on resize."""
    with serving(tmp_path, hubs_plan) as (base, _db, server):
        browser = await Browser(base).open(SERVE_TOKEN, "width=12000&height=12000")
        try:
            [app] = await eventually(lambda: [p for p in children(server.pid) if is_app(p)])
            env = environment(app)
            assert (env["COLUMNS"], env["ROWS"]) == ("500", "200")
            await browser.keys("\r")
            await eventually(lambda: room_open(tmp_path / "state"))
            await browser.ws.send_str(json.dumps(["resize", {"width": 12000, "height": 12000}]))
            mark = len(browser.output)
            await browser.keys("?")  # something to draw at the new size
            await eventually(lambda: len(browser.output) > mark)
            await browser.ws.send_str(json.dumps(["resize", {"width": 90, "height": 30}]))
            await browser.keys(*"after", "\r")
            await eventually(lambda: b"after" in browser.output[mark:])
            rows_drawn = [int(r) for r in re.findall(rb"\x1b\[(\d+);\d+H", browser.output)]
            assert rows_drawn and max(rows_drawn) <= 200
            assert len(browser.output) < 20_000_000  # one 12000 x 12000 frame was 580 MB
        finally:
            await browser.close()


@pytest.mark.timeout(240)
async def test_nothing_serve_prints_holds_a_secret_even_after_malformed_frames(tmp_path, hubs_plan):
    """Everything `serve` prints while browsers use both links and send malformed frames:
    each secret appears only in its link, printed at the start; no cookie value, no
    traceback. The session survives the bad frames."""
    import signal

    with serving(tmp_path, hubs_plan) as (base, db, server):
        browser = await Browser(base).open(NOTE_TAKER_TOKEN)
        other = await Browser(base).open(SERVE_TOKEN)
        cookies = [b.cookie(name) for b in (browser, other) for name in ("hubworkshop_browser",)]
        try:
            await browser.keys("\r")
            await eventually(lambda: roles_taken(db))
            for bad in (
                "not json",
                "[]",
                '{"a": 1}',
                '["resize", "x"]',
                json.dumps(["resize", {"width": "9" * 5000, "height": -1}]),
                '["stdin", 5]',
                '["stdin", "\\ud800"]',
                "[" * 100_000 + "]" * 100_000,
                '["ping", {"deep": [1, 2]}]',
                '["nonsense", 1]',
            ):
                await browser.ws.send_str(bad)
            await browser.ws.send_bytes(b"\x00\xff binary")
            await browser.keys(*"still here", "\r")
            await eventually(lambda: ("still here", None) in rows(db))
            async with browser.http.get(f"{base}/?token=not-the-right-one") as refused:
                assert refused.status == 403
            encoded = "%".join(f"{b:02X}" for b in NOTE_TAKER_TOKEN.encode())
            async with browser.http.get(
                f"{base}/?tok%65n=%{encoded}", allow_redirects=False
            ) as link:
                assert link.status == 303  # percent-encoded, and still never printed
        finally:
            await browser.close()
            await other.close()
        server.send_signal(signal.SIGINT)
        printed = (await asyncio.to_thread(server.communicate, timeout=60))[0]
    links = [line for line in printed.splitlines() if line.startswith(("facilitators:", "note"))]
    assert [line.split(":", 1)[0] for line in links] == ["facilitators", "note-takers"]
    assert "GET / 303" in printed  # the access log is there, with the path only
    for secret in (SERVE_TOKEN, NOTE_TAKER_TOKEN):
        assert printed.count(secret) == 1, printed
    for cookie in cookies:
        assert cookie not in printed
    assert "Traceback" not in printed and "not-the-right-one" not in printed


def test_a_burst_of_sessions_from_one_address_is_slowed_then_refused():
    """From one address, ten sessions open at once; the next wait their turn, two a second;
    one that would wait more than 30 s is refused. Other addresses are not slowed."""
    from hubworkshop.cli import serve

    now = [1000.0]
    limits = serve.Limits(100, 4, clock=lambda: now[0])
    waits = [limits.wait_for("198.51.100.7") for _ in range(75)]
    assert waits[:10] == [0.0] * 10
    assert waits[10:12] == [0.5, 1.0]
    assert all(w is not None and w <= 30 for w in waits[:70])
    assert waits[71:] == [None] * 4
    assert limits.wait_for("203.0.113.9") == 0.0
    now[0] += 60  # a minute later the burst is available again
    assert limits.wait_for("198.51.100.7") == 0.0


@pytest.mark.timeout(240)
async def test_the_note_takers_link_cannot_lock_the_facilitators_out(tmp_path, hubs_plan):
    """--max-sessions 3: two sessions are kept for the facilitators' link. Note-takers get
    one; a second note-taker's session is refused (as full) while a facilitator still gets
    in. A socket with a made-up browser id is nobody: refused, no process."""
    import aiohttp

    with serving(tmp_path, hubs_plan, "--max-sessions", "3") as (base, _db, server):
        first, second, facilitator, forger = (Browser(base) for _ in range(4))
        try:
            await first.open(NOTE_TAKER_TOKEN)
            await eventually(lambda: [p for p in children(server.pid) if is_app(p)])
            async with second.http.get(f"{base}/?token={NOTE_TAKER_TOKEN}") as page:
                assert page.status == 503  # no session left for this link
            await facilitator.open(SERVE_TOKEN)
            await eventually(lambda: len([p for p in children(server.pid) if is_app(p)]) == 2)

            forger.http.cookie_jar.update_cookies(
                {
                    "hubworkshop_token": NOTE_TAKER_TOKEN,
                    "hubworkshop_browser": "forgedforgedforg.0123456789abcdef012345",
                }
            )
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await forger.open(None)
            assert refused.value.status == 403
            assert len([p for p in children(server.pid) if is_app(p)]) == 2
        finally:
            for browser in (first, second, facilitator, forger):
                await browser.close()


def test_a_link_never_sends_a_browser_elsewhere_nor_logs_it_out(tmp_path, hubs_plan):
    """The link's redirect is always to the workshop's own page (`/\\\\evil.example` was an
    open redirect), and a link with a wrong or empty token changes no cookie: another site
    could otherwise log a browser out, or turn its facilitator into a note-taker."""
    import http.cookiejar
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    with serving(tmp_path, hubs_plan) as (base, _db, _server):
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as sent:
            browser.open(f"{base}/%5C%5Cevil.example?token={SERVE_TOKEN}", timeout=30)
        assert sent.value.code == 303 and sent.value.headers["Location"] == "./"
        assert {c.name: c.value for c in jar}["hubworkshop_token"] == SERVE_TOKEN
        for wrong in ("", "not-a-token-of-this-workshop"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                browser.open(f"{base}/?token={wrong}", timeout=30)
            assert refused.value.code == 403 and "Set-Cookie" not in refused.value.headers
        assert {c.name: c.value for c in jar}["hubworkshop_token"] == SERVE_TOKEN
