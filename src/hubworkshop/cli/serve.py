"""`hubworkshop serve`: the app in the browser, through textual-serve, for remote staff.

textual-serve runs one app process per browser session (about 40 MB each) on the shared
database; it has no authentication of its own. This wraps its server so that nobody gets in
without the workshop's secret: a random token, created and printed by `serve` (or given with
`--token`), compared in constant time; a request without it gets 403 before any app process
starts. The link carries the token once: the server answers it with a cookie (HttpOnly,
SameSite=Lax), which the page, its assets and its websocket then carry, and a redirect to
the same page without the token, so the address bar a facilitator shares does not show it.
Lax, not Strict: a link clicked in a chat or a mail page is a navigation from another site,
and a Strict cookie set on its way would not come with the redirect that follows. Lax still
keeps the cookie off every request another site's page makes itself, the websocket
included. Each browser also gets an
id of its own (a second cookie), which becomes the app's terminal identity
(HUBWORKSHOP_TERMINAL): the start screen asks name and role the first time, and that browser
comes back to its room and role after that (`tui/resume.py`).

It binds 127.0.0.1 unless `--host` says otherwise; README shows a deployment behind an HTTPS
reverse proxy (`--public-url`).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hmac
import re
import secrets
import shlex
import socket
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import click

from hubworkshop.cli.ahead import SHARED_ENV, share
from hubworkshop.cli.main import Settings, _pass_settings, _store_options, cli
from hubworkshop.domain.errors import InputError
from hubworkshop.domain.i18n import _, ui_language
from hubworkshop.storage.peek import workshop_languages

TOKEN_COOKIE, BROWSER_COOKIE = "hubworkshop_token", "hubworkshop_browser"


def make_server(command: str, token: str, *, host: str, port: int, public_url: str | None) -> Any:
    """A textual-serve Server that admits only requests carrying `token`."""
    from aiohttp import WSCloseCode, web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server

    def admitted(request: web.Request) -> bool:
        given = request.query.get("token") or request.cookies.get(TOKEN_COOKIE) or ""
        return hmac.compare_digest(given.encode(), token.encode())

    @web.middleware
    async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
        if not admitted(request):
            return web.Response(
                status=403,
                text="403: this workshop needs its link (with the token), and cookies allowed\n",
            )
        upgrade = request.headers.get("Upgrade", "").lower() == "websocket"
        if "token" not in request.query or upgrade:  # a cookie's, or a client's own socket
            answer: web.StreamResponse = await handler(request)
            return answer
        # The link: set the cookies, then send the browser to the same page without the
        # token, so that it is not left in the address bar (a facilitator shares their
        # screen), the history or a Referer header.
        rest = urlencode([(k, v) for k, v in request.query.items() if k != "token"])
        here = request.path.rsplit("/", 1)[-1] or "."  # relative: works behind a proxy's prefix
        response = web.Response(
            status=303,
            headers={"Location": here + ("?" + rest if rest else ""), "Cache-Control": "no-store"},
        )
        secure = request.secure or (public_url or "").startswith("https")
        response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="Lax", secure=secure)
        if BROWSER_COOKIE not in request.cookies:
            response.set_cookie(
                BROWSER_COOKIE,
                secrets.token_urlsafe(12),
                httponly=True,
                samesite="Lax",
                secure=secure,
                max_age=60 * 60 * 24 * 30,
            )
        return response

    sockets: set[web.WebSocketResponse] = set()

    class GuardedServer(Server):
        async def on_startup(self, app: web.Application) -> None:
            """Quiet: `serve` has printed the link. (textual-serve's banner showed the inner
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
            app: web.Application = await super()._make_app()
            app.middlewares.append(guard)
            return app

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            """textual-serve's handler, with this browser's identity in the app's command."""
            browser = request.cookies.get(BROWSER_COOKIE) or secrets.token_urlsafe(12)
            # `exec`: the shell textual-serve starts the command with becomes the app, rather
            # than waiting beside it (one process and about 2 MB less per session).
            own = (
                f"exec env HUBWORKSHOP_TERMINAL={shlex.quote('browser-' + browser)} "
                f"HUBWORKSHOP_UI_LANG={shlex.quote(ui_language())} "
                f"HUBWORKSHOP_STEADY_CURSOR=1 {command}"
            )
            websocket = web.WebSocketResponse(heartbeat=15)
            width = _int(request.query.get("width"), 80)
            height = _int(request.query.get("height"), 24)
            service: AppService | None = None
            try:
                await websocket.prepare(request)
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
                await self._process_messages(websocket, service)
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


def _int(value: str | None, default: int) -> int:
    try:
        return max(10, min(int(value or default), 1000))
    except ValueError:
        return default


@cli.command()
@_store_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--token",
    envvar="HUBWORKSHOP_SERVE_TOKEN",
    help="The workshop's secret (default: a new random one, printed).",
)
@click.option(
    "--public-url",
    help="The address people open, when behind a proxy (e.g. https://workshop.example.org).",
)
@_pass_settings
def serve(
    settings: Settings, host: str, port: int, token: str | None, public_url: str | None
) -> None:
    """Serve the app to browsers (one app process per browser session) on this workshop's
    database. Nobody gets in without the printed link's token."""
    with settings.open_store():
        pass  # create the database now, from the plan, and refuse a bad one before serving
    token = token or secrets.token_urlsafe(24)
    if len(token) < 16:
        raise click.UsageError(_("--token: use at least 16 characters"))
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
    server = make_server(command, token, host=host, port=port, public_url=public_url)
    secret = "/?token=" + quote(token, safe="")
    if public_url is None and host in ("0.0.0.0", "::", ""):  # every address of this machine
        links = [f"http://{socket.gethostname()}:{port}", f"http://127.0.0.1:{port}"]
    else:
        links = [server.public_url]
    click.echo(_("hubworkshop: serving {db}").format(db=db))
    for link in links:
        click.echo(_("open: {link}").format(link=link + secret))
    click.echo(_("(keep the link secret: it is the key)"))
    click.echo(_("Ctrl+C stops serving."))
    try:
        server.serve()
    except OSError as error:  # the address was taken between the check and now
        raise InputError(f"--host {host} --port {port}: {error.strerror or error}") from None
    finally:
        if close_detector is not None:
            close_detector()
