"""`hubworkshop serve`: the app in the browser, through textual-serve, for remote staff.

textual-serve runs one app process per browser session (about 40 MB each) on the shared
database; it has no authentication of its own. This wraps its server so that a served
workshop is a locked room:

- **Two links, two roles.** `serve` prints a facilitator's link and a note-taker's link, each
  with a random secret of its own (or `--token` / `--note-taker-token`), compared in constant
  time; a request with neither gets 403 before any app process starts. A session's app is
  started with the role its link grants (`--served-as`): a note-taker's link offers no
  facilitator's choice, and its keys to the clock and the question are not there.
- **The link carries the secret once**: the server answers it with a cookie (HttpOnly,
  SameSite=Lax) that the page, its assets and its websocket then carry, and a redirect to the
  same page without it, so the address bar a facilitator shares does not show it. Lax, not
  Strict: a link clicked in a chat or a mail page is a navigation from another site, and a
  Strict cookie set on its way would not come with the redirect that follows. Lax keeps the
  cookie off every request another site's page makes itself; and a websocket is refused
  unless its `Origin` is the page's own (or `--public-url`'s), since a sibling port or
  subdomain would send the cookie.
- **Each browser is itself.** A second cookie gives each browser an id, which becomes its
  app's terminal identity (HUBWORKSHOP_TERMINAL): its resumed room and its drafts are the
  browser's own. Nothing of the host's environment names a visitor (HUBWORKSHOP_NOTE_TAKER
  is dropped), and a served app writes no file a visitor names: exports are downloads.
- **No secret in the output.** Apart from the two links printed at the start, nothing `serve`
  prints holds a secret or a cookie value: the access log and every log line are redacted,
  malformed frames are ignored without a traceback.
- **Bounded.** At most `--max-sessions` sessions (default 40, where the capacity curve still
  meets its goal on two cores) and `--max-per-browser` per browser; a terminal no larger than
  500 x 200; a burst of sessions from one address is slowed (10 at once, then 2 a second) and
  refused past 30 s of waiting. Past a limit, the page says so.

It binds 127.0.0.1 unless `--host` says otherwise; README shows a deployment behind an HTTPS
reverse proxy (`--public-url`).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hmac
import ipaddress
import json
import logging
import os
import re
import secrets
import shlex
import signal
import socket
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import click

from hubworkshop.cli import upstream_serve
from hubworkshop.cli.ahead import SHARED_ENV, share
from hubworkshop.cli.gate import (
    BROWSER_COOKIE,
    TOKEN_COOKIE,
    Limits,
    Redacted,
    Redacting,
    browser_signing_key,
    terminal_size,
)
from hubworkshop.cli.main import NOTE_TAKER_ENV, Settings, _pass_settings, _store_options, cli
from hubworkshop.domain.errors import HubworkshopError, InputError
from hubworkshop.domain.i18n import _, ui_language
from hubworkshop.domain.model import UserRole
from hubworkshop.storage.pages import clear_links, publish_links
from hubworkshop.storage.peek import workshop_languages
from hubworkshop.web.page import ParticipantPages, new_links, shown_code

SECRET_ENV = ("HUBWORKSHOP_SERVE_TOKEN", "HUBWORKSHOP_SERVE_NOTE_TAKER_TOKEN")


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def make_server(
    command: str,
    tokens: dict[UserRole, str],
    *,
    host: str,
    port: int,
    public_url: str | None,
    limits: Limits | None = None,
    participants: ParticipantPages | None = None,
) -> Any:
    """A textual-serve Server that admits only requests carrying one of `tokens`, and
    starts each session's app with the role of the token it came with; beside it, the
    participants' pages (their own routes, their own cookie, never a staff one)."""
    from aiohttp import WSCloseCode, WSMsgType, web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server

    bounds = limits or Limits(40, 4)

    def role_of(given: str) -> UserRole | None:
        found = None
        for role, token in tokens.items():  # every one compared: the time says nothing
            if hmac.compare_digest(given.encode(), token.encode()):
                found = role
        return found

    def granted(request: web.Request) -> UserRole | None:
        """The role a request's secret grants: the link's (or a script's socket address's)
        when it has one, which alone decides (a wrong one is refused, never replaced by the
        cookie); else its cookie's."""
        if "token" in request.query:
            return role_of(request.query["token"])
        return role_of(request.cookies.get(TOKEN_COOKIE) or "")

    signing_key = browser_signing_key()

    def browser_id() -> str:
        """A new browser id, signed: only this server makes them, so a made-up cookie is
        nobody (it cannot pose as a browser, nor dodge the per-browser cap, nor carry
        arbitrary bytes into an app's identity)."""
        ident = secrets.token_urlsafe(12)
        return f"{ident}.{_sign(signing_key, ident)}"

    def browser_of(request: web.Request) -> str | None:
        ident, _dot, signature = (request.cookies.get(BROWSER_COOKIE) or "").partition(".")
        valid = re.fullmatch(r"[A-Za-z0-9_-]{16}", ident) and hmac.compare_digest(
            signature, _sign(signing_key, ident)
        )
        return ident if valid else None

    def page(status: int, text: str) -> web.Response:
        return web.Response(status=status, text=text + "\n", headers={"Cache-Control": "no-store"})

    def address(request: web.Request) -> str:
        """Who opens sessions: the peer, or behind a proxy on this machine (`--public-url`)
        the client address the proxy saw (the last X-Forwarded-For entry)."""
        peer = request.remote or ""
        forwarded = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
        with contextlib.suppress(ValueError):
            if public_url and forwarded and ipaddress.ip_address(peer).is_loopback:
                return forwarded
        return peer

    def same_origin(request: web.Request) -> bool:
        """A websocket from the page's own origin: `--public-url`'s, or the address this
        browser used. A missing Origin is a client of its own (no browser omits it): it
        must then bring the token itself, not a cookie."""
        origin = request.headers.get("Origin")
        if origin is None:
            return "token" in request.query
        allowed = {origin_of(public_url)} if public_url else set()
        if _PLAIN_HOST.fullmatch(request.host):
            allowed.add(f"{request.scheme}://{request.host}".lower())
        return origin.lower() in allowed

    hidden = [*tokens.values(), *(participants.secrets() if participants else ())]
    if participants is not None:
        participants.address = address

    @web.middleware
    async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
        if participants is not None and participants.owns(request.path):
            own: web.StreamResponse = await handler(request)  # no staff token needed
            return own
        role = granted(request)
        if role is None:
            return page(
                403, "403: this workshop needs its link (with the token), and cookies allowed"
            )
        upgrade = request.headers.get("Upgrade", "").lower() == "websocket"
        if upgrade and not same_origin(request):
            return page(403, "403: this page may not open a session here (another site's)")
        if upgrade and browser_of(request) is None and "token" not in request.query:
            return page(403, "403: this browser has no identity here: open the link again")
        if request.path == "/" and not upgrade and bounds.full(role):
            return page(
                503,
                f"503: this workshop is full ({bounds.sessions} sessions are open); "
                "try again when someone leaves",
            )
        secure = request.secure or (public_url or "").startswith("https")
        if "token" not in request.query or upgrade:  # a cookie's, or a client's own socket
            answer: web.StreamResponse = await handler(request)
            if not upgrade and browser_of(request) is None:
                answer.set_cookie(BROWSER_COOKIE, browser_id(), **_cookie(secure, long=True))
            return answer
        # The link: set the cookies, then send the browser to the same page without the
        # token, so that it is not left in the address bar (a facilitator shares their
        # screen), the history or a Referer header. The page is always this folder's own
        # (relative: it works behind a proxy's prefix; never an address the request names).
        rest = urlencode([(k, v) for k, v in request.query.items() if k != "token"])
        response = web.Response(
            status=303,
            headers={"Location": "./" + ("?" + rest if rest else ""), "Cache-Control": "no-store"},
        )
        response.set_cookie(TOKEN_COOKIE, request.query["token"], **_cookie(secure))
        if browser_of(request) is None:
            response.set_cookie(BROWSER_COOKIE, browser_id(), **_cookie(secure, long=True))
        return response

    sockets: set[web.WebSocketResponse] = set()

    async def refuse(websocket: web.WebSocketResponse, why: str) -> web.WebSocketResponse:
        """Past a limit: the session's terminal says why, and the socket closes."""
        with contextlib.suppress(ConnectionError, RuntimeError):
            await websocket.send_bytes(f"\r\n  {why}\r\n".encode())
            await websocket.close(code=WSCloseCode.TRY_AGAIN_LATER, message=b"limit")
        return websocket

    class GuardedServer(Server):
        def initialize_logging(self) -> None:
            """Plain lines on stderr, every secret and cookie value redacted, and no frame's
            local variables in a traceback (textual-serve's own handler showed them, with
            other browsers' cookies among them)."""
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(Redacting(hidden))
            root = logging.getLogger()
            root.handlers[:] = [handler]
            root.setLevel(logging.INFO)

        def serve(self, debug: bool = False) -> None:
            """textual-serve's, with an access log that names the path only (never a query,
            where a link's token is, nor a Referer), and everything printed after this point
            (the apps' own error output, which textual-serve copies to stdout) redacted."""
            from aiohttp.abc import AbstractAccessLogger

            class PathOnly(AbstractAccessLogger):
                def log(self, request: web.BaseRequest, response: Any, time: float) -> None:
                    self.logger.info(
                        "%s %s %s %s",
                        request.remote,
                        request.method,
                        request.path,
                        response.status,
                    )

            self.debug = debug
            self.initialize_logging()
            sys.stdout = Redacted(sys.stdout, hidden)
            loop = asyncio.new_event_loop()
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(signal.SIGINT, self.request_exit)
                loop.add_signal_handler(signal.SIGTERM, self.request_exit)
            web.run_app(
                upstream_serve.server_app(self),
                host=self.host,
                port=self.port,
                handle_signals=False,
                loop=loop,
                print=lambda *args: None,
                access_log_class=PathOnly,
            )

        async def on_startup(self, app: web.Application) -> None:
            """Quiet: `serve` has printed the links. (textual-serve's banner showed the inner
            command line and, with --host 0.0.0.0, an address no browser can use.)"""

        async def on_shutdown(self, app: web.Application) -> None:
            """Ctrl+C (or SIGTERM): every browser session is told the server is going away
            and its app quits, at once. (aiohttp otherwise waits for open websockets: about
            20 s with one session open.)"""
            await asyncio.gather(
                *(
                    ws.close(code=WSCloseCode.GOING_AWAY, message=b"server stopped")
                    for ws in sockets
                ),
                return_exceptions=True,
            )

        async def handle_index(self, request: web.Request) -> Any:
            """textual-serve's page, whose asset and websocket addresses are absolute: made
            from the address this browser used (a LAN address, a host name, 127.0.0.1)
            unless `--public-url` fixed them. (Left to textual-serve, `--host 0.0.0.0` gave
            every browser `ws://0.0.0.0:…`, which only works on the machine itself.)"""
            if public_url is None and _PLAIN_HOST.fullmatch(request.host):
                self.public_url = f"{request.scheme}://{request.host}"
            # No await between this and the page's use of it: one request's address.
            return await super().handle_index(request)

        async def _make_app(self) -> web.Application:
            app = await upstream_serve.textual_serve_app(self)
            app.middlewares.append(guard)
            if participants is not None:
                app.add_routes(participants.routes())
                app.on_startup.append(participants.start)
                app.on_shutdown.append(participants.stop)
            return app

        async def _process_messages(
            self, websocket: web.WebSocketResponse, service: AppService
        ) -> None:
            """textual-serve's loop, for untrusted frames: a malformed one is ignored (its
            own raised, and logged a traceback), a resize is clamped to MAX_WIDTH x
            MAX_HEIGHT."""
            async for message in websocket:
                if message.type != WSMsgType.TEXT:
                    continue
                try:
                    envelope = json.loads(message.data)
                    kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
                except (ValueError, TypeError, IndexError, KeyError, RecursionError):
                    continue
                if kind == "stdin" and isinstance(data, str):
                    await service.send_bytes(data.encode("utf-8", "replace"))
                elif kind == "resize" and isinstance(data, dict):
                    width, height = terminal_size(data.get("width"), data.get("height"))
                    await service.set_terminal_size(width, height)
                elif kind == "ping" and isinstance(data, str | int) and len(str(data)) < 100:
                    await websocket.send_json(["pong", data])
                elif kind == "blur":
                    await service.blur()
                elif kind == "focus":
                    await service.focus()

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            """textual-serve's handler, with this browser's identity and its link's role in
            the app's command, within the server's bounds."""
            role = granted(request) or UserRole.NOTE_TAKER  # the guard let it in
            # A script with the token in its socket's address is a browser of its own.
            browser = browser_of(request) or secrets.token_urlsafe(12)
            websocket = web.WebSocketResponse(heartbeat=15)
            await websocket.prepare(request)
            if bounds.full(role):
                return await refuse(
                    websocket,
                    f"This workshop is full: {bounds.sessions} sessions are open. "
                    "Try again when someone leaves.",
                )
            if bounds.browser_full(browser):
                return await refuse(
                    websocket,
                    f"This browser has {bounds.per_browser} sessions open here already: "
                    "close one, then reload.",
                )
            wait = bounds.wait_for(address(request))
            if wait is None:
                return await refuse(
                    websocket, "Too many sessions opened from this address: wait a minute."
                )
            bounds.open[websocket] = (browser, role)  # counted while it waits its turn
            try:
                await asyncio.sleep(wait)
                return await self._run_session(request, websocket, role, browser)
            finally:
                bounds.open.pop(websocket, None)

        async def _run_session(
            self,
            request: web.Request,
            websocket: web.WebSocketResponse,
            role: UserRole,
            browser: str,
        ) -> web.WebSocketResponse:
            # `exec`: the shell textual-serve starts the command with becomes the app, rather
            # than waiting beside it (one process and about 2 MB less per session). `env -u`:
            # the host's own name is nobody's in a browser.
            own = (
                f"exec env {' '.join(f'-u {name}' for name in (NOTE_TAKER_ENV, *SECRET_ENV))} "
                f"HUBWORKSHOP_TERMINAL={shlex.quote('browser-' + browser)} "
                f"HUBWORKSHOP_UI_LANG={shlex.quote(ui_language())} "
                f"HUBWORKSHOP_STEADY_CURSOR=1 {command} --served-as {role.value}"
            )
            width, height = terminal_size(request.query.get("width"), request.query.get("height"))
            service: AppService | None = None
            try:
                sockets.add(websocket)
                service = AppService(
                    own,
                    write_bytes=websocket.send_bytes,
                    write_str=websocket.send_str,
                    close=websocket.close,  # type: ignore[arg-type]  # as textual-serve does
                    download_manager=self.download_manager,
                    debug=self.debug,
                )
                await service.start(width, height)
                await upstream_serve.process_messages(self, websocket, service)
            except (ConnectionError, asyncio.CancelledError):
                pass  # the browser went away
            finally:
                sockets.discard(websocket)
                if service is not None:
                    await service.stop()
                    # That returns once the app's output ends; the app may still be closing
                    # the database. Wait for it, so `serve` ends after its sessions' apps.
                    process = getattr(service, "_process", None)  # textual-serve 1.1's own
                    if process is not None:
                        with contextlib.suppress(TimeoutError, ProcessLookupError):
                            await asyncio.wait_for(process.wait(), 10)
            return websocket

    return GuardedServer(command, host=host, port=port, title="hubworkshop", public_url=public_url)


def _sign(key: bytes, ident: str) -> str:
    return hmac.new(key, ident.encode(), "sha256").hexdigest()[:22]


def _cookie(secure: bool, *, long: bool = False) -> dict[str, Any]:
    """The cookies' attributes: HttpOnly, SameSite=Lax, Secure behind HTTPS; the browser's
    id is kept 30 days (the token's, for the browser's session)."""
    attributes: dict[str, Any] = {"httponly": True, "samesite": "Lax", "secure": secure}
    if long:
        attributes["max_age"] = 60 * 60 * 24 * 30
    return attributes


def _check_address(host: str, port: int) -> None:
    """Refuse an address that cannot be listened on before printing a link to it."""
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM)
        family, kind, proto, _name, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp does
            probe.bind(address)
    except OSError as error:
        why = error.strerror or str(error)
        if error.errno == errno.EADDRINUSE:
            why = _("already in use (another serve?); choose another --port")
        raise InputError(f"--host {host} --port {port}: {why}") from None


_PLAIN_HOST = re.compile(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")
"""A Host header that is a name or an address and a port, nothing else."""


@cli.command()
@_store_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--token",
    envvar=SECRET_ENV[0],
    help="The facilitators' secret (default: a new random one, printed in their link).",
)
@click.option(
    "--note-taker-token",
    envvar=SECRET_ENV[1],
    help="The note-takers' secret (default: a new random one, printed in their link).",
)
@click.option(
    "--public-url",
    help="The address people open, when behind a proxy (e.g. https://workshop.example.org).",
)
@click.option(
    "--max-sessions",
    default=40,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="Browser sessions open at once (40 meet the capacity goal on two cores).",
)
@click.option(
    "--max-per-browser",
    default=4,
    show_default=True,
    type=click.IntRange(1, 100),
    help="Sessions one browser may have open at once.",
)
@_pass_settings
def serve(
    settings: Settings,
    host: str,
    port: int,
    token: str | None,
    note_taker_token: str | None,
    public_url: str | None,
    max_sessions: int,
    max_per_browser: int,
) -> None:
    """Serve the app to browsers (one app process per browser session) on this workshop's
    database. Nobody gets in without one of the two printed links: the facilitators' link
    runs rooms, the note-takers' link takes notes only."""
    with settings.open_store() as store:
        # create the database now, from the plan, and refuse a bad one before serving
        title = store.catalog.workshop().title
        rooms = {room.id: room.name for room in store.catalog.rooms().values()}
    tokens = {
        UserRole.FACILITATOR: token or secrets.token_urlsafe(24),
        UserRole.NOTE_TAKER: note_taker_token or secrets.token_urlsafe(24),
    }
    for option, given in (("--token", token), ("--note-taker-token", note_taker_token)):
        if given is not None and len(given) < 16:
            raise click.UsageError(_("{option}: use at least 16 characters").format(option=option))
    if tokens[UserRole.FACILITATOR] == tokens[UserRole.NOTE_TAKER]:
        raise click.UsageError(_("--note-taker-token: must differ from --token"))
    for private in (NOTE_TAKER_ENV, *SECRET_ENV):  # no visitor's app inherits these
        os.environ.pop(private, None)
    db = Path(settings.db_path).resolve()
    command = f"{shlex.quote(sys.executable)} -m hubworkshop --db {shlex.quote(str(db))}"
    close_detector = None
    languages = workshop_languages(str(db))
    if len(languages) >= 2:  # the sessions will detect languages: one detector for all
        detector, close_detector = share(languages)
        command = f"{SHARED_ENV}={shlex.quote(detector)} {command}"
    if public_url is not None:
        if not re.fullmatch(r"https?://[^/?#\s]+(/[^?#\s]*)?", public_url):
            raise click.UsageError(
                _("--public-url: give the address people open, such as {example}").format(
                    example="https://workshop.example.org"
                )
            )
        public_url = public_url.rstrip("/")
    _check_address(host, port)
    links = new_links(list(rooms))
    participants = ParticipantPages(
        db,
        links,
        browser_signing_key(),
        secure=(public_url or "").startswith("https"),
        origins=frozenset({origin_of(public_url)} if public_url else ()),
    )
    server = make_server(
        command,
        tokens,
        host=host,
        port=port,
        public_url=public_url,
        limits=Limits(max_sessions, max_per_browser),
        participants=participants,
    )
    if public_url is None and host in ("0.0.0.0", "::", ""):  # every address of this machine
        bases = [f"http://{socket.gethostname()}:{port}", f"http://127.0.0.1:{port}"]
    else:
        bases = [server.public_url]
    click.echo(_("hubworkshop: serving {title} ({db})").format(title=title, db=db))
    for role, label in (
        (UserRole.FACILITATOR, _("facilitators")),
        (UserRole.NOTE_TAKER, _("note-takers")),
    ):
        for base in bases:
            link = f"{base}/?token={quote(tokens[role], safe='')}"
            click.echo(_("{who}: {link}").format(who=label, link=link))
    click.echo(_("(keep the links secret: each is a key; a note-taker's runs no room)"))
    click.echo(
        _("participants, one link per room (or the room's code at {join}):").format(
            join=f"{bases[0]}/join"
        )
    )
    for room, (secret, code) in links.items():
        click.echo(f"  {rooms[room]}: {bases[0]}/p/{secret}/  ({shown_code(code)})")
    click.echo(_("Ctrl+C stops serving."))
    with settings.open_store() as store:
        publish_links(store, links, bases[0])  # for the staff's terminals to show
    try:
        server.serve()
    except OSError as error:  # the address was taken between the check and now
        raise InputError(f"--host {host} --port {port}: {error.strerror or error}") from None
    finally:
        with contextlib.suppress(HubworkshopError), settings.open_store() as store:
            clear_links(store)  # the links and codes end with the session
        if close_detector is not None:
            close_detector()
