"""Every use of textual-serve's private internals, each named with why (as `tui/upstream.py`
does for Textual's). `serve` subclasses textual-serve's `Server`; textual-serve 1.1.3 has no
public way to add an aiohttp middleware or to read a session's websocket frames, so the
subclass overrides the two private methods below (`HOOKS`) and calls them only through these
functions. `tests/test_upstream.py` fails with the name and the reason when an upgrade removes
or changes one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hubworkshop.tui.upstream import Internal

if TYPE_CHECKING:
    from aiohttp import web

MIDDLEWARE = (
    "no upstream issue found: textual-serve's Server builds its aiohttp application in the"
    " private `_make_app`, with no public way to add a middleware (the token check)"
)
UNTRUSTED_FRAMES = (
    "no upstream issue found: textual-serve's `_process_messages` raised (and logged a"
    " traceback) on a malformed frame and passed any resize through; serve reads the frames"
    " itself"
)

INTERNALS: tuple[Internal, ...] = ()
"""The private names this module reads or calls (the hooks' base versions are in `HOOKS`)."""

HOOKS: tuple[Internal, ...] = (
    Internal("textual_serve.server", "Server", "_make_app", (), MIDDLEWARE),
    Internal(
        "textual_serve.server", "Server", "_process_messages", ("websocket", "app_service"),
        UNTRUSTED_FRAMES,
    ),
)  # fmt: skip
"""The private methods `cli/serve.py`'s Server overrides (textual-serve calls them by name)."""


async def server_app(server: Any) -> web.Application:
    """The aiohttp application `server` serves (its own `_make_app`, ours included)."""
    app: web.Application = await server._make_app()
    return app


async def textual_serve_app(server: Any) -> web.Application:
    """textual-serve's own application for `server`, before ours adds to it."""
    from textual_serve.server import Server

    app: web.Application = await Server._make_app(server)
    return app


async def process_messages(server: Any, websocket: web.WebSocketResponse, service: Any) -> None:
    """Read a session's websocket frames until it closes (`server`'s `_process_messages`)."""
    await server._process_messages(websocket, service)
