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
