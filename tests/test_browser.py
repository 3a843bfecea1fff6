"""`hubworkshop serve` in a real browser: Debian's chromium, driven by selenium.

The terminal is drawn on a canvas, so the test judges by the database and a screenshot; keys
reach the app through xterm.js's `textarea.xterm-helper-textarea`. `.ci/run` installs
chromium and chromium-driver and sets HUBWORKSHOP_REQUIRE_BROWSER=1, so in CI this test runs
(or fails) instead of skipping.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import NOTE_TAKER_TOKEN, SERVE_TOKEN, serving
from hubworkshop.storage import Store

pytestmark = pytest.mark.browser

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
REFUSED = "403: this workshop needs its link"
"""The page a refused browser gets (not just "403": a port number may hold those digits)."""


def need_browser() -> None:
    if not (CHROMIUM and DRIVER):
        if os.environ.get("HUBWORKSHOP_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium and chromium-driver are required here")
        pytest.skip(
            "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)"
        )


@pytest.fixture
def served(tmp_path, hubs_plan):
    need_browser()
    with serving(tmp_path, hubs_plan) as (base, db, _server):
        yield base, db


def browser(downloads: Path | None = None):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    if downloads is not None:
        options.add_experimental_option(
            "prefs",
            {"download.default_directory": str(downloads), "download.prompt_for_download": False},
        )
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(DRIVER), options=options)


def wait_for(condition, timeout: float = 60.0):
    """Poll `condition` until it is true; the deadline is a safety net, not a measurement."""
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
    return found


def type_keys(driver, *keys: str) -> None:
    from selenium.webdriver.common.by import By

    area = wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "textarea.xterm-helper-textarea"))
    for key in keys:
        area[0].send_keys(key)
        time.sleep(0.05)  # a person's pace; correctness never depends on it


def rooms_open(state: Path) -> list[str]:
    """The browsers (terminal ids) that have a room open, from the app's resume state."""
    import json

    try:
        remembered = json.loads((state / "hubworkshop" / "last-room.json").read_text())
    except (OSError, ValueError):
        return []
    return [t for entry in remembered.values() for t in entry.get("terminals", {})]


def texts(db: Path) -> list[str]:
    with Store.open(db) as store:
        return [c.text for c in store.contributions.find()]


def test_a_wrong_or_missing_token_gets_403_and_starts_nothing(tmp_path, hubs_plan):
    need_browser()
    with serving(tmp_path, hubs_plan) as (base, _db, server):
        for url in (base + "/", base + "/?token=wrong-token-wrong-token-wrong-tok", base + "/ws"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(url, timeout=10)
            assert refused.value.code == 403
        assert not children(server.pid)  # no app process (only this server's are looked at)


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


@pytest.mark.timeout(300)
def test_two_browsers_type_into_one_workshop(served, tmp_path):
    from selenium.webdriver.common.keys import Keys

    base, db = served
    first, second = browser(), browser()
    try:
        for n, (driver, text) in enumerate(
            ((first, "typed in the first browser"), (second, "and in the second")), 1
        ):
            driver.get(f"{base}/?token={SERVE_TOKEN}")
            type_keys(driver, Keys.ENTER)  # the start screen: open the first room
            # The room is open once the app remembers it for this browser (tui/resume.py).
            wait_for(lambda n=n: len(rooms_open(tmp_path / "state")) == n)
            type_keys(driver, *text, Keys.ENTER)
            started = time.monotonic()
            wait_for(lambda t=text: t in texts(db))
            assert time.monotonic() - started < 30
        # Back in the first browser (its cookie, no token in the address): it resumes its
        # room, so what is typed goes straight to the capture bar.
        state = tmp_path / "state" / "hubworkshop" / "last-room.json"
        before = state.stat().st_mtime_ns
        first.get(f"{base}/")
        wait_for(lambda: state.stat().st_mtime_ns != before)  # its room, open again
        type_keys(first, *"after a reload", Keys.ENTER)
        wait_for(lambda: "after a reload" in texts(db))
        shot = tmp_path / "room.png"
        first.save_screenshot(str(shot))
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5000
        with Store.open(db) as store:
            rows = store.contributions.find()
        assert {c.text for c in rows} == {
            "typed in the first browser",
            "and in the second",
            "after a reload",
        }
    finally:
        first.quit()
        second.quit()


@pytest.mark.timeout(300)
def test_the_link_opened_from_another_site_lets_the_browser_in_and_hides_the_token(
    served, tmp_path
):
    """The link, clicked in a chat or a mail page (another site), admits the browser, and the
    address bar no longer shows the token (a facilitator shares their screen)."""
    import urllib.parse

    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    base, db = served
    link = f"{base}/?token={SERVE_TOKEN}&fontsize=18"
    elsewhere = "data:text/html," + urllib.parse.quote(f'<a id="link" href="{link}">workshop</a>')
    driver = browser()
    try:
        driver.get(elsewhere)
        driver.find_element(By.ID, "link").click()
        wait_for(lambda: driver.current_url.startswith(base))
        assert SERVE_TOKEN not in driver.current_url
        assert urllib.parse.urlsplit(driver.current_url).query == "fontsize=18"
        assert REFUSED not in driver.page_source
        type_keys(driver, Keys.ENTER)  # the start screen: open the first room
        wait_for(lambda: rooms_open(tmp_path / "state"))
        type_keys(driver, *"from a link in the chat", Keys.ENTER)
        wait_for(lambda: "from a link in the chat" in texts(db))
        # Another site's page cannot use this browser's cookie to open a session of its own.
        driver.get("data:text/html,<title>elsewhere</title>")
        opened = driver.execute_async_script(
            """const done = arguments[arguments.length - 1];
            const ws = new WebSocket(arguments[0]);
            ws.onopen = () => done("open");
            ws.onerror = () => done("refused");""",
            base.replace("http", "ws") + "/ws?width=80&height=24",
        )
        assert opened == "refused"
    finally:
        driver.quit()


@pytest.mark.timeout(300)
def test_a_new_token_locks_the_old_link_out_and_each_browser_comes_back_as_itself(
    tmp_path, hubs_plan
):
    """The link leaked: `serve` restarts with a new token. The old link and the cookie made
    from it get 403; the new link brings the browser back to its room, as the same person,
    with what it had typed but not saved still in the bar."""
    from selenium.webdriver.common.keys import Keys

    need_browser()
    state = tmp_path / "state" / "hubworkshop"
    driver = browser()
    try:
        with serving(tmp_path, hubs_plan) as (base, db, _server):
            driver.get(f"{base}/?token={SERVE_TOKEN}")
            type_keys(driver, *"Lindiwe", Keys.ENTER)  # a name, then the first room
            wait_for(lambda: rooms_open(tmp_path / "state"))
            type_keys(driver, *"not saved yet")
            wait_for(
                lambda: (
                    "not saved yet"
                    in "".join(p.read_text() for p in state.glob("drafts*/**/*") if p.is_file())
                )
            )
        new = "a-new-token-after-the-leak-0123456789"
        with serving(tmp_path, hubs_plan, "--token", new) as (base, db, _server):
            for old in (f"{base}/?token={SERVE_TOKEN}", f"{base}/"):
                driver.get(old)
                assert REFUSED in driver.page_source
            driver.get(f"{base}/?token={new}")
            type_keys(driver, *" but now", Keys.ENTER)  # straight into its room's bar
            wait_for(lambda: "not saved yet but now" in texts(db))
            with Store.open(db) as store:
                [said] = store.contributions.find()
            assert said.room == "value" and said.note_taker == "Lindiwe"
    finally:
        driver.quit()


@pytest.mark.timeout(300)
def test_a_fast_typists_corrections_act_where_they_were_typed(served, tmp_path):
    """Keys typed faster than the session draws (here: one send_keys of a whole burst) reach
    the app together. The capture bar's editing keys used to act only after the characters
    queued behind them: this burst was saved as 'hubY okk fastsX' and 'second2nd'."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    base, db = served
    driver = browser()
    try:
        driver.get(f"{base}/?token={SERVE_TOKEN}")
        type_keys(driver, Keys.ENTER)  # the first room
        wait_for(lambda: rooms_open(tmp_path / "state"))
        [area] = driver.find_elements(By.CSS_SELECTOR, "textarea.xterm-helper-textarea")
        area.send_keys(
            "hubs" + Keys.LEFT * 2 + "XY" + Keys.END + " okk" + Keys.BACKSPACE + " fast"
            + Keys.ENTER + "second" + Keys.HOME + "2nd " + Keys.ENTER
        )  # fmt: skip
        wait_for(lambda: len(texts(db)) == 2)
        assert texts(db) == ["huXYbs ok fast", "2nd second"]
    finally:
        driver.quit()


def timer_running(db: Path) -> bool:
    with Store.open(db) as store:
        return any(store.rooms.countdown(room).running for room in store.catalog.rooms())


@pytest.mark.timeout(300)
def test_a_note_takers_link_cannot_run_the_room_and_an_export_lands_in_downloads(served, tmp_path):
    """Two browsers, the facilitators' link and the note-takers' link, as a new user would:
    the note-taker's F5 does nothing to the clock (and no facilitator's role is offered), the
    facilitator's starts it; the facilitator's export (F4, Ctrl+S) lands in the browser's
    download folder and nowhere on the server."""
    from selenium.webdriver.common.keys import Keys

    base, db = served
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    note_taker, facilitator = browser(), browser(downloads)
    try:
        note_taker.get(f"{base}/?token={NOTE_TAKER_TOKEN}")
        type_keys(note_taker, Keys.ENTER)  # the first room
        wait_for(lambda: rooms_open(tmp_path / "state"))
        type_keys(note_taker, Keys.F5, *"noted", Keys.ENTER)
        wait_for(lambda: "noted" in texts(db))
        assert not timer_running(db)
        with Store.open(db) as store:
            [(role, face)] = [
                (e.data["role"], e.data["face"])
                for e in store.events.all()
                if e.action == "role.take"
            ]
        assert (role, face) == ("note-taker", "browser")

        facilitator.get(f"{base}/?token={SERVE_TOKEN}")
        type_keys(facilitator, Keys.ENTER)
        wait_for(lambda: len(rooms_open(tmp_path / "state")) == 2)
        type_keys(facilitator, Keys.F5, *"started", Keys.ENTER)
        wait_for(lambda: "started" in texts(db))
        assert timer_running(db)
        facilitator.save_screenshot(str(tmp_path / "facilitator.png"))
        type_keys(facilitator, Keys.F4)
        time.sleep(1)  # a person reads the screen; the download is waited for below
        type_keys(facilitator, Keys.CONTROL + "s")
        [summary] = wait_for(lambda: [p for p in downloads.glob("*.md")])
        assert "noted" in summary.read_text() and "started" in summary.read_text()
        assert not [p for p in tmp_path.glob("*.md")]  # nothing written where serve runs
    finally:
        note_taker.quit()
        facilitator.quit()


def test_every_symbol_the_app_draws_has_a_glyph_in_chromiums_monospace_font():
    """xterm.js draws with the system's monospace font (DejaVu Sans Mono on Debian): a
    symbol it lacks is a box in every browser session (the parked and paused icon was)."""
    import re
    import unicodedata

    fc_list = shutil.which("fc-list")
    if fc_list is None:
        need_browser()
        pytest.skip("fontconfig is not installed")
    root = Path(__file__).parent.parent / "src" / "hubworkshop"
    sources = [*(root / "tui").rglob("*.py"), *(root / "locale").rglob("*.po")]
    drawn = {
        ch
        for path in sources
        for literal in re.findall(r'"(?:[^"\\\n]|\\.)*"', path.read_text(encoding="utf-8"))
        for ch in literal
        if ord(ch) > 0x7F and unicodedata.category(ch)[0] in "SP"
    }
    assert {"→", "‖", "≡", "›"} <= drawn  # the scan sees what it should
    missing = [
        f"{ch} U+{ord(ch):04X}"
        for ch in sorted(drawn)
        if "DejaVu Sans Mono"
        not in subprocess.run(
            [fc_list, f":charset={ord(ch):x}", "family"], capture_output=True, text=True
        ).stdout
    ]
    assert not missing
