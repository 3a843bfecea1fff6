"""The participants' page, served by `serve` beside the staff sessions (aiohttp: the server
textual-serve already runs; benchmarks/web_stack.py measured it against Starlette).

- **Joining.** Each room has a link with a long random secret (`/p/SECRET/`, the QR code's)
  and a typed code of 8 letters (`/join`, rate-limited per address); both live only as long
  as this server. No account: the first page asks how the participant's words may be used
  (anonymous chosen), and a signed cookie then carries their participant's random uid.
- **Thin.** Every step is a function of `workshop/participate.py`, run in a small thread
  pool (the store's one write connection, `BEGIN IMMEDIATE`, short transactions). A form
  posts, the server answers with a redirect (or the page and a one-line message): it all
  works without JavaScript, and a reload shows what changed.
- **Live.** With JavaScript, the room's shared part (question, points, waiting count) comes
  as server-sent events: every 250 ms the log's last entry is read; a room whose entries
  moved is drawn once per language and sent to each of its open pages.
- **Bounded.** Event streams in all and per address; posts and joins per address.
- **Walled.** A page reaches only its own room's routes (the secret picks the room, the
  cookie's participant must be in it); nothing here reads a file or a staff route, and
  every participant's word is escaped (render.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import web

from hubworkshop.domain.errors import HubworkshopError, InputError
from hubworkshop.domain.i18n import N_, available, chain, translation
from hubworkshop.domain.model import Participant
from hubworkshop.storage import pages
from hubworkshop.storage.store import Store
from hubworkshop.web import render
from hubworkshop.workshop import participate

T = TypeVar("T")

PERSON_COOKIE, LANG_COOKIE = "hubworkshop_participant", "hubworkshop_lang"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
BATCH_SECONDS = 0.25
HEADERS = {
    "Cache-Control": "no-store",
    # The room's secret is in the address: no other site sees it in a Referer. (Not
    # no-referrer: browsers then send `Origin: null` with the page's own forms.)
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; "
        "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
}


def room_code() -> str:
    """A typed room code: 8 letters and digits, none that look alike (40 bits)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def new_links(rooms: list[str]) -> dict[str, tuple[str, str]]:
    """room -> (link secret, typed code), new for each run of `serve`."""
    codes: set[str] = set()
    while len(codes) < len(rooms):
        codes.add(room_code())
    return {
        room: (secrets.token_urlsafe(24), code)
        for room, code in zip(rooms, sorted(codes), strict=True)
    }


def see_other(to: str) -> web.Response:
    """After a post, the page again (a reload does not post twice)."""
    return web.Response(status=303, headers={**HEADERS, "Location": to})


def shown_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


class Bucket:
    """Token buckets per address: a burst, then a steady rate."""

    def __init__(
        self, burst: float, per_second: float, clock: Callable[[], float] = time.monotonic
    ):
        self.burst, self.rate, self.clock = burst, per_second, clock
        self.state: dict[str, tuple[float, float]] = {}

    def has(self, address: str) -> bool:
        """Whether `address` has a token left, without taking it."""
        now = self.clock()
        tokens, when = self.state.get(address, (self.burst, now))
        return min(self.burst, tokens + (now - when) * self.rate) >= 1

    def take(self, address: str) -> bool:
        now = self.clock()
        tokens, when = self.state.get(address, (self.burst, now))
        tokens = min(self.burst, tokens + (now - when) * self.rate)
        if tokens < 1:
            self.state[address] = (tokens, now)
            return False
        self.state[address] = (tokens - 1, now)
        if len(self.state) > 10_000:
            self.state = {a: s for a, s in self.state.items() if now - s[1] < 60}
        return True


class ParticipantPages:
    """The participants' routes for one workshop file and one run of `serve`."""

    def __init__(
        self,
        db: Path,
        links: Mapping[str, tuple[str, str]],
        key: bytes,
        *,
        address: Callable[[web.Request], str] = lambda r: r.remote or "",
        secure: bool = False,
        origins: frozenset[str] = frozenset(),
        max_streams: int = 2000,
        per_address: int = 100,
    ) -> None:
        self.db, self.key, self.address, self.secure = db, key, address, secure
        self.origins = origins
        self.links = dict(links)
        self.codes = {code: room for room, (_secret, code) in links.items()}
        self.max_streams, self.per_address = max_streams, per_address
        self.joins = Bucket(5, 0.2)  # a wrong code: 5 tries, then one every 5 s
        self.posts = Bucket(60, 10)
        self.streams: dict[tuple[str, str], set[asyncio.Queue[str]]] = {}
        self.shown: dict[tuple[str, str], tuple[participate.RoomView, str]] = {}
        """Per room and language: what the open pages show now, and its whole message."""
        self.open_by_address: dict[str, int] = {}
        self.pool = ThreadPoolExecutor(4, thread_name_prefix="page")
        self.store: Store | None = None
        self._batcher: asyncio.Task[None] | None = None

    def secrets(self) -> list[str]:
        """What `serve` redacts from its output: each room's link secret."""
        return [secret for secret, _code in self.links.values()]

    @staticmethod
    def owns(path: str) -> bool:
        return path == "/join" or path.startswith("/p/")

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/join", self._code_form),
            web.post("/join", self._code_entered),
            web.get("/p/style.css", self._style),
            web.get("/p/app.js", self._script),
            web.get("/p/{secret}/", self._page),
            # GET only: a HEAD would hold a live-stream slot with no one reading it.
            web.get("/p/{secret}/events", self._events, allow_head=False),
            web.post("/p/{secret}/{step:(join|add|edit|withdraw|vote|rank|consent)}", self._step),
        ]

    async def start(self, app: web.Application) -> None:
        self.store = await self._run(Store.open, self.db)
        self._batcher = asyncio.create_task(self._batches())

    async def stop(self, app: web.Application) -> None:
        if self._batcher is not None:
            self._batcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._batcher
        for queues in self.streams.values():
            for queue in queues:
                queue.put_nowait("")  # the stream ends
        if self.store is not None:
            await self._run(self.store.close)
        self.pool.shutdown(wait=False)

    async def _run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, partial(function, *args, **kwargs))

    # -- who and where -----------------------------------------------------------------

    def _room_of(self, request: web.Request) -> str:
        given = request.match_info.get("secret", "").encode()
        found = None
        for room, (secret, _code) in self.links.items():  # each compared: time says nothing
            if hmac.compare_digest(given, secret.encode()):
                found = room
        if found is None:
            raise web.HTTPNotFound(text="404: no such room (ask for the room's link or code)\n")
        return found

    def _sign(self, uid: str) -> str:
        return f"{uid}.{hmac.new(self.key, b'page:' + uid.encode(), 'sha256').hexdigest()[:32]}"

    def _uid_of(self, request: web.Request) -> str | None:
        value = request.cookies.get(PERSON_COOKIE, "")
        uid, _dot, _sig = value.partition(".")
        if re.fullmatch(r"[0-9a-f]{32}", uid) and hmac.compare_digest(value, self._sign(uid)):
            return uid
        return None

    async def _person(self, request: web.Request, room: str) -> Participant | None:
        uid = self._uid_of(request)
        if uid is None:
            return None
        assert self.store is not None
        person = await self._run(participate.who, self.store, uid)
        return person if person is not None and person.room == room else None

    def _language(self, request: web.Request) -> str:
        have = set(available())
        asked = [request.query.get("lang", ""), request.cookies.get(LANG_COOKIE, "")]
        weighted = []
        for n, part in enumerate(request.headers.get("Accept-Language", "").split(",")[:20]):
            code, _semi, q = part.strip().partition(";q=")
            try:
                weight = float(q) if q else 1.0
            except ValueError:
                weight = 0.0
            weighted.append((-weight, n, code.strip()))
        asked += [code for _w, _n, code in sorted(weighted)]
        for code in asked:
            if code and len(code) < 36:
                found = next((c for c in chain(code) if c in have), None)
                if found:
                    return found
        return "en"

    def _html(self, body: str, status: int = 200) -> web.Response:
        return web.Response(text=body, status=status, content_type="text/html", headers=HEADERS)

    def _same_site(self, request: web.Request) -> bool:
        """A form posted by this site's own page: its origin is the address the browser used
        (or `--public-url`'s). Browsers send Origin with every post; a client of its own
        that leaves it out carries no one else's cookie."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True
        return origin.lower() in {f"{request.scheme}://{request.host}".lower(), *self.origins}

    def _cookie(self, response: web.StreamResponse, name: str, value: str) -> None:
        response.set_cookie(
            name,
            value,
            path="/",
            httponly=True,
            samesite="Lax",
            secure=self.secure,
            max_age=60 * 60 * 24,
        )

    # -- pages -------------------------------------------------------------------------

    async def _style(self, request: web.Request) -> web.Response:
        return web.Response(text=render.STYLE, content_type="text/css", headers=HEADERS)

    async def _script(self, request: web.Request) -> web.Response:
        return web.Response(
            text=render.SCRIPT, content_type="application/javascript", headers=HEADERS
        )

    async def _code_form(self, request: web.Request) -> web.StreamResponse:
        lang = self._language(request)
        if "lang" in request.query:
            return self._switched(request, lang, "/join")
        return self._html(render.code_page(translation(lang), lang))

    async def _code_entered(self, request: web.Request) -> web.StreamResponse:
        lang = self._language(request)
        t = translation(lang)
        if not self._same_site(request):
            return self._cross_site(t, lang)
        # Only a wrong code costs a try: forty people behind one school's address typing
        # the right code are not refused (red team, #32).
        if not self.joins.has(self.address(request)):
            return self._html(
                render.code_page(
                    t, lang, t.gettext(N_("Too many tries: wait a minute, then try again."))
                ),
                429,
            )
        form = await self._form(request)
        if form is None:
            return web.Response(status=400, text="400: the form did not arrive whole\n")
        code = re.sub(r"[^A-Z0-9]", "", str(form.get("code", "")).upper())[:16]
        room = self.codes.get(code)
        if room is None or not hmac.compare_digest(code.encode(), self.links[room][1].encode()):
            self.joins.take(self.address(request))
            return self._html(
                render.code_page(
                    t, lang, t.gettext(N_("No room has this code: check it with your facilitator."))
                ),
                404,
            )
        raise web.HTTPSeeOther(f"/p/{self.links[room][0]}/", headers=HEADERS)

    @staticmethod
    async def _form(request: web.Request) -> Any:
        """The posted form, or None when the browser went away in the middle of sending it
        (no traceback in the server's output for that)."""
        try:
            return await request.post()
        except web.HTTPException:
            raise  # a body too large: 413, as aiohttp answers it
        except (ConnectionError, asyncio.IncompleteReadError, ValueError, OSError):
            return None
        except Exception as error:  # aiohttp's payload errors when the body stops short
            if type(error).__module__.startswith("aiohttp"):
                return None
            raise

    def _cross_site(self, t: Any, lang: str) -> web.Response:
        """A form posted from another site: refused (a participant's cookie rides along)."""
        page = render.plain_page(t, lang, "403", t.gettext(N_("This form came from another site.")))
        return self._html(page, 403)

    def _switched(self, request: web.Request, lang: str, to: str) -> web.StreamResponse:
        response = see_other(to)
        self._cookie(response, LANG_COOKIE, lang)
        return response

    async def _page(self, request: web.Request) -> web.StreamResponse:
        room = self._room_of(request)
        lang = self._language(request)
        if "lang" in request.query:
            return self._switched(request, lang, "./")
        return await self._draw(request, room, lang)

    async def _draw(
        self, request: web.Request, room: str, lang: str, *, error: str = "", status: int = 200
    ) -> web.Response:
        assert self.store is not None
        t = translation(lang)
        person = await self._person(request, room)
        if person is None:
            name = (await self._run(self.store.catalog.room, room)).name
            return self._html(
                render.join_page(t, lang, name, "join", t.gettext(error) if error else ""), status
            )
        view = await self._run(participate.view, self.store, person, lang)
        mine = await self._run(participate.mine, self.store, person)
        body = render.room_page(
            t, lang, view, person, mine, events="events", error=t.gettext(error) if error else ""
        )
        return self._html(body, status)

    async def _step(self, request: web.Request) -> web.StreamResponse:
        room = self._room_of(request)
        lang = self._language(request)
        t = translation(lang)
        if not self._same_site(request):
            return self._cross_site(t, lang)
        if not self.posts.take(self.address(request)):
            return await self._draw(
                request, room, lang, error=N_("Too many at once: wait a moment."), status=429
            )
        form = await self._form(request)
        if form is None:
            return web.Response(status=400, text="400: the form did not arrive whole\n")
        field = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        step = request.match_info["step"]
        assert self.store is not None
        store = self.store
        if step == "join":
            returning = None
            uid = self._uid_of(request)
            if uid is not None:
                returning = await self._run(participate.who, store, uid)
            try:
                _joined, new_uid = await self._run(
                    participate.join,
                    store,
                    room,
                    field.get("consent", ""),
                    name=field.get("name") or None,
                    language=lang,
                    returning=returning,
                )
            except InputError as error:
                return await self._draw(request, room, lang, error=str(error), status=400)
            response = see_other("./")
            self._cookie(response, PERSON_COOKIE, self._sign(new_uid))
            return response
        person = await self._person(request, room)
        if person is None:
            return await self._draw(
                request, room, lang, error=N_("Join the room first."), status=403
            )
        actions: dict[str, Callable[[], Awaitable[object]]] = {
            "add": lambda: self._run(
                participate.add, store, person, field.get("kind", ""), field.get("text", "")
            ),
            "edit": lambda: self._run(
                participate.edit,
                store,
                person,
                field.get("id", ""),
                field.get("text", ""),
                field.get("kind") or None,
            ),
            "withdraw": lambda: self._run(participate.withdraw, store, person, field.get("id", "")),
            "vote": lambda: self._run(participate.vote, store, person, field.get("id", "")),
            "rank": lambda: self._run(
                participate.move,
                store,
                person,
                field.get("role", ""),
                -1 if field.get("step") == "-1" else 1,
            ),
            "consent": lambda: self._run(
                participate.set_consent,
                store,
                person,
                field.get("consent", ""),
                name=field.get("name") or None,
            ),
        }
        try:
            await actions[step]()
        except HubworkshopError as error:
            return await self._draw(request, room, lang, error=str(error), status=400)
        return see_other("./")

    # -- live --------------------------------------------------------------------------

    async def _events(self, request: web.Request) -> web.StreamResponse:
        room = self._room_of(request)
        if await self._person(request, room) is None:
            raise web.HTTPForbidden(text="403: join the room first\n")
        address = self.address(request)
        total = sum(len(q) for q in self.streams.values())
        if total >= self.max_streams or self.open_by_address.get(address, 0) >= self.per_address:
            raise web.HTTPServiceUnavailable(
                text="503: too many live pages: reload to see what changed\n",
                headers={"Retry-After": "30"},
            )
        lang = self._language(request)
        response = web.StreamResponse(
            headers={**HEADERS, "Content-Type": "text/event-stream", "X-Accel-Buffering": "no"}
        )
        await response.prepare(request)
        queue: asyncio.Queue[str] = asyncio.Queue(maxsize=8)
        key = (room, lang)
        self.streams.setdefault(key, set()).add(queue)
        self.open_by_address[address] = self.open_by_address.get(address, 0) + 1
        if key in self.shown:  # what the others see now, whatever was drawn on this page
            queue.put_nowait(self.shown[key][1])
        try:
            await response.write(b"retry: 3000\n\n")
            while True:
                try:
                    chunk = await asyncio.wait_for(queue.get(), 20)
                except TimeoutError:
                    chunk = ": still here\n\n"
                if not chunk:
                    break
                await response.write(chunk.encode())
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self.streams.get(key, set()).discard(queue)
            if not self.streams.get(key):
                self.streams.pop(key, None)
                self.shown.pop(key, None)
            left = self.open_by_address.get(address, 1) - 1
            if left:
                self.open_by_address[address] = left
            else:
                self.open_by_address.pop(address, None)
        return response

    async def _batches(self) -> None:
        """Every BATCH_SECONDS: rooms whose log moved are drawn once per language and sent to
        each of their open pages: only the new points when that is all that changed (the
        list grows, nothing else moved), else the room's whole part. A page too slow to take
        a message gets the whole part instead, so it never misses a point."""
        assert self.store is not None
        store = self.store
        last = -1
        versions: dict[tuple[str, str], int] = {}
        while True:
            await asyncio.sleep(BATCH_SECONDS)
            if not self.streams:
                continue
            try:
                now = await self._run(pages.last_event, store)
                if now == last:
                    continue
                last = now
                rooms = sorted({room for room, _lang in self.streams})
                moved = await self._run(pages.room_versions, store, rooms)
                for key, queues in list(self.streams.items()):
                    room, lang = key
                    if key in self.shown and moved.get(room) == versions.get(key):
                        continue
                    versions[key] = moved.get(room, 0)
                    view = await self._run(participate.room_view, store, room, lang)
                    before = self.shown.get(key)
                    if before is not None and before[0] == view:
                        continue  # a change the pages do not show (a dot while hidden)
                    t = translation(lang)
                    whole = message(render.live_section(t, view))
                    self.shown[key] = (view, whole)
                    chunk = whole
                    if before is not None and grew(before[0], view):
                        known = len(before[0].points)
                        chunk = message(
                            "".join(
                                render.point_item(t, point, n, view)
                                for n, point in enumerate(view.points[known:], known + 1)
                            ),
                            "append",
                        )
                    for queue in list(queues):
                        try:
                            queue.put_nowait(chunk)
                        except asyncio.QueueFull:
                            while not queue.empty():
                                queue.get_nowait()
                            queue.put_nowait(whole)
            except HubworkshopError:
                continue  # the file is busy or gone: the next batch tries again


def message(html: str, event: str = "") -> str:
    """One server-sent event holding `html` (each of its lines a `data:` line)."""
    head = f"event: {event}\n" if event else ""
    return head + "".join(f"data: {line}\n" for line in html.splitlines() or [""]) + "\n"


def grew(before: participate.RoomView, now: participate.RoomView) -> bool:
    """Whether the only change is new points at the end of the list."""
    known = len(before.points)
    return (
        0 < known < len(now.points)
        and now.points[:known] == before.points
        and now._replace(points=[]) == before._replace(points=[])
    )
