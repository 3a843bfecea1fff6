"""The participants' page of `hubworkshop serve`, over HTTP, without JavaScript: the real
server in a subprocess, plain form posts with a cookie jar, judged by the pages it answers
and by the database. (tests/test_participant_browser.py drives it in Chromium.)"""

from __future__ import annotations

import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from html import unescape

import pytest

from conftest import SERVE_TOKEN, run_cli, serving
from hubworkshop.storage import Store, pages
from hubworkshop.workshop.participate import SELF_TYPED


class Visitor:
    """One browser without JavaScript: its own cookies, forms posted as a browser would."""

    def __init__(self, base: str, language: str = "en") -> None:
        self.base, self.language = base, language
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str, **headers: str) -> tuple[int, str]:
        request = urllib.request.Request(
            self.base + path, headers={"Accept-Language": self.language, **headers}
        )
        return self._open(request)

    def post(self, path: str, origin: str | None = None, **fields: str) -> tuple[int, str]:
        request = urllib.request.Request(
            self.base + path,
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Accept-Language": self.language, "Origin": origin or self.base},
        )
        return self._open(request)

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=30) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as refused:
            return refused.code, refused.read().decode()


@pytest.fixture
def served(tmp_path, hubs_plan):
    with serving(tmp_path, hubs_plan) as (base, db, _server):
        with Store.open(db) as store:
            rooms = list(store.catalog.rooms())
            links = {room: pages.room_link(store, room) for room in rooms}
        yield base, db, rooms, links


def room_path(links, room) -> str:
    return f"/p/{links[room][0]}/"


def text_of(page: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", page))


def contributions(db):
    with Store.open(db) as store:
        return store.contributions.find()


def test_join_by_link_consent_first_then_add_and_see_it_everywhere(served):
    base, db, rooms, links = served
    path = room_path(links, rooms[0])
    amina, bruno = Visitor(base), Visitor(base)
    status, page = amina.get(path)
    assert status == 200
    # Consent first: the join form, anonymous chosen, where the words go in one sentence.
    assert 'value="anonymous" checked' in page and "Meta-Wiki" in page
    assert 'name="text"' not in page  # nothing can be sent before joining
    assert len(page.encode()) < 4096  # the first page weighs a few KB
    assert amina.post(path + "join", consent="anonymous")[0] == 200  # redirected to the room
    assert bruno.post(path + "join", consent="named", name="Bruno B")[0] == 200
    status, _page = amina.post(path + "add", kind="concern", text="Hubs could gatekeep")
    assert status == 200
    [point] = contributions(db)
    assert (point.kind.value, point.text, point.note_taker) == (
        "concern",
        "Hubs could gatekeep",
        SELF_TYPED,
    )
    assert point.author.startswith("Guest ")  # anonymous: no name asked for
    # Bruno's page shows Amina's point (on reload: no JavaScript here), marked, no name.
    page = text_of(bruno.get(path)[1])
    assert "Hubs could gatekeep" in page and "typed by a participant" in page
    assert point.author not in page
    # Without a cookie, the same link asks for consent again and shows no point's form.
    assert 'name="text"' not in Visitor(base).get(path)[1]


def test_another_participants_point_arrives_on_the_live_stream(served):
    base, _db, rooms, links = served
    path = room_path(links, rooms[0])
    watcher, writer = Visitor(base), Visitor(base)
    watcher.post(path + "join", consent="anonymous")
    writer.post(path + "join", consent="anonymous")
    received: list[str] = []
    opened, first_seen = threading.Event(), threading.Event()

    def listen() -> None:
        request = urllib.request.Request(base + path + "events")
        with watcher.opener.open(request, timeout=30) as stream:
            opened.set()
            for line in stream:
                received.append(line.decode())
                if "live and new" in received[-1]:
                    first_seen.set()
                if "and then another" in received[-1]:
                    return

    reader = threading.Thread(target=listen, daemon=True)
    reader.start()
    assert opened.wait(30)
    writer.post(path + "add", kind="idea", text="live and new")
    assert first_seen.wait(30)  # a safety net, not a measurement
    assert any(line.startswith("data: ") and "live and new" in line for line in received)
    # Once the page has the list, a new point comes alone, to be appended to it.
    writer.post(path + "add", kind="idea", text="and then another <i>one</i>")
    reader.join(30)
    last = [line for line in received if line.strip()][-2:]
    assert last[0] == "event: append\n"
    assert "and then another &lt;i&gt;one&lt;/i&gt;" in last[1]
    assert "live and new" not in last[1]


def test_dots_within_the_budget_results_hidden_until_the_vote_closes(served):
    base, db, rooms, links = served
    room, path = rooms[0], room_path(links, rooms[0])
    me = Visitor(base)
    me.post(path + "join", consent="anonymous")
    me.post(path + "add", kind="idea", text="worth three dots")
    [point] = contributions(db)
    with Store.open(db) as store:
        store.votes.open(room, dots=3)
    for used in (1, 2, 3):
        status, page = me.post(path + "vote", id=point.id)
        assert status == 200 and f"Your dots: {used} of 3 used" in text_of(page)
        assert "3 dots" not in text_of(page)  # hidden while the vote is open
    status, page = me.post(path + "vote", id=point.id)
    assert status == 400 and "you have used all your dots" in text_of(page)
    with Store.open(db) as store:
        assert store.votes.round(room).cast == 3
        store.votes.close(room)
    assert "3 dots" in text_of(me.get(path)[1])


def test_rank_with_buttons_is_stored_as_the_participants_ballot(served):
    base, db, rooms, links = served
    room, path = rooms[0], room_path(links, rooms[0])
    me = Visitor(base)
    me.post(path + "join", consent="named", name="Rana")
    with Store.open(db) as store:
        bank = [r.id for r in store.catalog.roles()]
    status, _ = me.post(path + "rank", role=bank[2], step="-1")
    assert status == 200
    with Store.open(db) as store:
        assert store.rankings.all()[room]["Rana"][:3] == [bank[0], bank[2], bank[1]]


def test_edit_and_withdraw_only_ones_own_point(served):
    base, db, rooms, links = served
    path = room_path(links, rooms[0])
    me, other = Visitor(base), Visitor(base)
    me.post(path + "join", consent="anonymous")
    other.post(path + "join", consent="anonymous")
    me.post(path + "add", kind="idea", text="mine to change")
    [point] = contributions(db)
    assert other.post(path + "edit", id=point.id, text="taken over")[0] == 400
    assert other.post(path + "withdraw", id=point.id)[0] == 400
    assert me.post(path + "edit", id=point.id, text="changed by me", kind="proposal")[0] == 200
    assert [(c.text, c.kind.value) for c in contributions(db)] == [("changed by me", "proposal")]
    assert me.post(path + "withdraw", id=point.id)[0] == 200
    assert contributions(db) == []


def test_hostile_text_is_shown_as_text(served):
    base, _db, rooms, links = served
    path = room_path(links, rooms[0])
    me = Visitor(base)
    me.post(path + "join", consent="anonymous")
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)> [[Link]] {{T}} \" ' &amp;"
    me.post(path + "add", kind="idea", text=hostile)
    page = me.get(path)[1]
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert hostile in text_of(page)


def test_a_page_reaches_no_staff_route_no_other_room_and_no_file(served, tmp_path):
    base, db, rooms, links = served
    first, second = room_path(links, rooms[0]), room_path(links, rooms[1])
    me = Visitor(base)
    me.post(first + "join", consent="anonymous")
    (tmp_path / "secret.txt").write_text("not for you")
    for path in (
        "/",
        "/ws",
        "/static/js/textual.js",
        "/p/../static/js/textual.js",
        "/p/%2e%2e/static/js/textual.js",
        "/p/..%2f..%2fsecret.txt",
        "/p/style.css/../../secret.txt",
        "/secret.txt",
        "/p/not-a-room-secret/",
        f"/p/{links[rooms[0]][0][:-1]}/",
    ):
        status, page = me.get(path)
        assert status in (403, 404), path
        assert "not for you" not in page
    # The second room's page, with the first room's cookie: only its join form.
    status, page = me.get(second)
    assert status == 200 and 'name="text"' not in page
    assert me.post(second + "add", kind="idea", text="into the wrong room")[0] == 403
    # A point of the second room cannot be voted from the first.
    other = Visitor(base)
    other.post(second + "join", consent="anonymous")
    other.post(second + "add", kind="idea", text="second room's")
    [theirs] = contributions(db)
    with Store.open(db) as store:
        store.votes.open(rooms[1], dots=3)
        store.votes.open(rooms[0], dots=3)
    assert me.post(first + "vote", id=theirs.id)[0] == 400
    with Store.open(db) as store:
        assert store.votes.round(rooms[1]).cast == 0
    # Without the room's cookie, no live stream; a form from another site is refused.
    assert Visitor(base).get(first + "events")[0] == 403
    assert me.post(first + "add", origin="http://evil.example", kind="idea", text="x")[0] == 403
    # The staff's link is still what opens the staff's app.
    assert Visitor(base).get(f"/?token={SERVE_TOKEN}")[0] == 200


def test_the_typed_code_opens_the_room_and_guessing_is_slowed(served):
    base, _db, rooms, links = served
    me = Visitor(base)
    code = links[rooms[2]][1]
    status, page = me.post("/join", code=f" {code[:4].lower()}-{code[4:]} ")
    assert status == 200 and 'value="anonymous" checked' in page
    # Forty people behind one address typing the right code: none is slowed (only a wrong
    # code costs a try; loopback is one address for every visitor here).
    for _ in range(12):
        assert Visitor(base).post("/join", code=code)[0] == 200
    guesser = Visitor(base)
    answers = [guesser.post("/join", code="ZZZZZZZZ")[0] for _ in range(8)]
    assert answers[:5] == [404] * 5 and 429 in answers


def test_a_head_request_holds_no_live_stream(served):
    """HEAD on the live stream answered at once and kept its slot for tens of seconds."""
    base, _db, rooms, links = served
    me = Visitor(base)
    me.post(room_path(links, rooms[0]) + "join", consent="anonymous")
    request = urllib.request.Request(base + room_path(links, rooms[0]) + "events", method="HEAD")
    try:
        with me.opener.open(request, timeout=30) as answer:
            status = answer.status
    except urllib.error.HTTPError as refused:
        status = refused.code
    assert status == 405


def test_forget_erases_a_participant_who_used_the_page(served):
    base, db, rooms, links = served
    path = room_path(links, rooms[0])
    me = Visitor(base)
    me.post(path + "join", consent="named", name="Page Person")
    me.post(path + "add", kind="idea", text="words of a page person")
    done = run_cli("forget", "Page Person", "--with-contributions", db=db)
    assert done.returncode == 0, done.stderr
    assert contributions(db) == []
    # Their cookie names nobody now: the page asks again, as for a stranger.
    page = me.get(path)[1]
    assert 'value="anonymous" checked' in page and "Page Person" not in page


def test_the_links_end_with_the_session(tmp_path, hubs_plan):
    with serving(tmp_path, hubs_plan) as (_base, db, _server), Store.open(db) as store:
        assert pages.room_link(store, next(iter(store.catalog.rooms())))
    deadline = time.monotonic() + 30
    while True:
        with Store.open(db) as store:
            if pages.room_link(store, next(iter(store.catalog.rooms()))) is None:
                break
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_french_from_accept_language_or_the_switch_question_in_french_when_the_bank_has_it(
    served,
):
    base, db, rooms, links = served
    path = room_path(links, rooms[0])
    with Store.open(db) as store:
        question = store.catalog.question(store.rooms.state(rooms[0]).question).text
    assert question.has("fr")  # the Hubs bank has the question in French
    french = Visitor(base, language="fr-CA,fr;q=0.9,en;q=0.5")
    status, page = french.get(path)
    assert status == 200 and '<html lang="fr"' in page
    assert "Aller au contenu" in page and "Rejoindre le groupe" in page
    french.post(path + "join", consent="anonymous")
    page = text_of(french.get(path)[1])
    assert question.get_text("fr") in page and question.get_text("en") not in page
    # An English browser that chooses Français on the page keeps it.
    switcher = Visitor(base, language="en")
    assert "Skip to content" in switcher.get(path)[1]
    status, page = switcher.get(path + "?lang=fr")
    assert status == 200 and "Aller au contenu" in page
    assert "Aller au contenu" in switcher.get(path)[1]


async def test_live_streams_are_bounded_per_address_and_in_all(tmp_path, hubs_plan):
    """The page's own server in this process (aiohttp's test server): two streams in all,
    one per address; past a limit 503, and a closed stream frees its place."""
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    from hubworkshop.web.page import ParticipantPages

    db = tmp_path / "workshop.db"
    with Store.open(db, hubs_plan) as store:
        room = next(iter(store.catalog.rooms()))
    links = {room: ("a-room-secret-of-32-characters-xx", "ABCD2345")}
    served = ParticipantPages(
        db,
        links,
        b"k" * 32,
        address=lambda request: request.headers.get("X-Test-Address", ""),
        max_streams=2,
        per_address=1,
    )
    app = web.Application()
    app.add_routes(served.routes())
    app.on_startup.append(served.start)
    app.on_shutdown.append(served.stop)
    async with TestClient(TestServer(app)) as client:
        path = f"/p/{links[room][0]}/"
        joined = await client.post(path + "join", data={"consent": "anonymous"})
        assert joined.status == 200  # after the redirect
        first = await client.get(path + "events", headers=at("10.0.0.1"))
        assert first.status == 200
        same_address = await client.get(path + "events", headers=at("10.0.0.1"))
        assert same_address.status == 503
        second = await client.get(path + "events", headers=at("10.0.0.2"))
        assert second.status == 200
        third = await client.get(path + "events", headers=at("10.0.0.3"))  # two open in all
        assert third.status == 503
        first.close()
        await wait_for_free(served)
        again = await client.get(path + "events", headers=at("10.0.0.3"))  # one closed
        assert again.status == 200
        second.close()
        again.close()


def at(address: str) -> dict[str, str]:
    return {"X-Test-Address": address}


async def wait_for_free(served, timeout: float = 30.0) -> None:
    import asyncio

    deadline = time.monotonic() + timeout
    while sum(len(q) for q in served.streams.values()) >= served.max_streams:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.01)
