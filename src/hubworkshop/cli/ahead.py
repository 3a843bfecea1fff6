"""The helper process `hubworkshop add` starts to detect its text's language ahead
(`domain/detect.py`): it loads the detector for the workshop's languages while the command
imports itself, then answers the command over a pipe."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

# The helper is a new Python without `site` (started about 3 ms sooner) that is given this
# process's module path instead.
_HELPER = "import sys; sys.path[:] = sys.argv[2:]; from hubworkshop.cli.ahead import serve; serve()"
"""The helper's program: its first argument is the workshop's languages, comma-separated."""


def start(db: str) -> None:
    """Start the helper for the workshop in `db` and make `detect_language` ask it. Quick:
    posix_spawn copies nothing of this process (a fork would, and then pay for every page
    this process writes while the helper lives). Where posix_spawn is missing, or the helper
    cannot start, nothing changes."""
    if not hasattr(os, "posix_spawn"):
        return
    from hubworkshop.storage.peek import workshop_languages

    languages = workshop_languages(db)  # read here: sqlite3 is loaded sooner or later anyway
    if len(languages) < 2:  # nothing to detect
        return
    requests, ask = os.pipe()
    answer, answers = os.pipe()
    null = os.open(os.devnull, os.O_RDWR)
    try:
        os.posix_spawn(
            sys.executable,
            [sys.executable, "-I", "-S", "-c", _HELPER, ",".join(languages), *sys.path],
            os.environ,
            file_actions=[
                (os.POSIX_SPAWN_DUP2, requests, 0),
                (os.POSIX_SPAWN_DUP2, answers, 1),
                (os.POSIX_SPAWN_DUP2, null, 2),
            ],
        )
    except OSError:
        os.close(ask)
        os.close(answer)
        return
    finally:
        for fd in (requests, answers, null):
            os.close(fd)
    use_helper(ask, answer)


def serve() -> None:
    """The helper's main."""
    try:  # noqa: SIM105 (contextlib would be one more import before the helper is ready)
        _answer_pipe(0, 1, sys.argv[1].split(","))
    except (KeyboardInterrupt, BrokenPipeError):
        pass


# -- this process's end, and the helper's ------------------------------------------------
#
# Loading Lingua's models takes about 20 ms and holds the GIL, so a thread cannot hide it. A
# short-lived command (`hubworkshop add`) starts a helper process before it imports anything
# heavy: the helper loads the models for the workshop's languages on another core while the
# command imports itself, then answers its questions over a pipe. Any failure of the helper
# only means the command detects by itself (`domain/detect.py`), as it would have without it.

_PATIENCE = 5.0
"""Seconds to wait for the helper's answer before detecting here instead."""


class _Ahead:
    """This process's end of a helper detector. A request is two lines: the candidates
    separated by commas, then the text (its line breaks as spaces); the answer is a line with
    the code, or an empty line when the detector cannot tell (`domain.detect.answer`). (No
    json: the helper starts sooner without it.)"""

    def __init__(self, ask: int, answer: int) -> None:
        from _thread import allocate_lock

        self._ask, self._answer = ask, answer
        self._one_at_a_time = allocate_lock()  # an app detects in its worker threads

    def __call__(self, text: str, candidates: tuple[str, ...]) -> tuple[bool, str | None]:
        """Whether the helper answered, and its answer."""
        with self._one_at_a_time:
            return self._ask_now(text, candidates)

    def _ask_now(self, text: str, candidates: tuple[str, ...]) -> tuple[bool, str | None]:
        import select

        request = ",".join(candidates) + "\n" + " ".join(text.splitlines()) + "\n"
        try:
            os.write(self._ask, request.encode(errors="replace"))
            received = b""
            while not received.endswith(b"\n"):
                ready, _, _ = select.select([self._answer], [], [], _PATIENCE)
                chunk = os.read(self._answer, 4096) if ready else b""
                if not chunk:
                    return False, None
                received += chunk
        except OSError:
            return False, None
        answer = received.decode(errors="replace").strip()
        if not answer:
            return True, None
        return (True, answer) if answer in candidates else (False, None)


class _Shared(_Ahead):
    """A detector shared by the sessions of `hubworkshop serve`: the same requests, over a
    Unix socket that is connected at the first question."""

    def __init__(self, path: str) -> None:
        super().__init__(-1, -1)
        self._path = path
        self._socket: Any = None

    def _ask_now(self, text: str, candidates: tuple[str, ...]) -> tuple[bool, str | None]:
        if self._socket is None:
            import socket

            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                connection.connect(self._path)
            except OSError:
                connection.close()
                return False, None
            self._socket = connection
            self._ask = self._answer = connection.fileno()
        return super()._ask_now(text, candidates)


def use_helper(ask: int, answer: int) -> None:
    """From now on, `detect_language` first asks the helper process that reads requests from
    the pipe `ask` and answers on the pipe `answer` (see `serve`)."""
    from hubworkshop.domain.detect import ask_elsewhere

    ask_elsewhere(_Ahead(ask, answer))


def use_shared_helper(path: str) -> None:
    """From now on, `detect_language` first asks the detector listening on the Unix socket
    `path` (`hubworkshop serve` shares one between its sessions: see `share`)."""
    from hubworkshop.domain.detect import ask_elsewhere

    ask_elsewhere(_Shared(path))


def _answer_pipe(requests: int, answers: int, candidates: Sequence[str]) -> None:
    """The helper's side: load the detector for `candidates`, then answer every request until
    the asking process closes its end (see `_Ahead`)."""
    from hubworkshop.domain.detect import answer, warm_now

    warm_now(candidates)
    with os.fdopen(requests, "rb") as lines:
        answer(lines.readline, lambda line: os.write(answers, line))


SHARED_ENV = "HUBWORKSHOP_DETECTOR"
"""The Unix socket of the detector `hubworkshop serve` shares between its sessions."""


def share(languages: tuple[str, ...]) -> tuple[str, Callable[[], None]]:
    """A detector for the sessions of `hubworkshop serve`, in this process: a Unix socket
    (in a new directory only this user can open) answered by one thread per session, and
    the function that closes it. Loaded once here, Lingua's models are not loaded again by
    each session's process (about 10 MB each). A session that cannot reach it detects by
    itself (`domain/detect.py`)."""
    import contextlib
    import shutil
    import socketserver
    import tempfile
    import threading
    from pathlib import Path

    from hubworkshop.domain.detect import answer, warm_now

    class Session(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            with contextlib.suppress(OSError):  # the session went away
                answer(self.rfile.readline, self._write)

        def _write(self, line: bytes) -> None:
            self.wfile.write(line)
            self.wfile.flush()

    folder = Path(tempfile.mkdtemp(prefix="hubworkshop-detector-"))
    path = str(folder / "socket")
    server = socketserver.ThreadingUnixStreamServer(path, Session)
    server.daemon_threads = True

    def run() -> None:
        warm_now(languages)  # before the first note, not at it
        server.serve_forever()

    threading.Thread(target=run, name="hubworkshop-detector", daemon=True).start()

    def close() -> None:
        server.server_close()  # (its threads are daemons: they end with the process)
        shutil.rmtree(folder, ignore_errors=True)

    return path, close
