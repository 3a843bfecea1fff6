"""The helper process `hubworkshop add` starts to detect its text's language ahead
(`domain/detect.py`): it loads the detector for the workshop's languages while the command
imports itself, then answers the command over a pipe."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

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
    from hubworkshop.domain.detect import use_helper

    use_helper(ask, answer)


def serve() -> None:
    """The helper's main."""
    from hubworkshop.domain.detect import serve as answer_requests

    try:  # noqa: SIM105 (contextlib would be one more import before the helper is ready)
        answer_requests(0, 1, sys.argv[1].split(","))
    except (KeyboardInterrupt, BrokenPipeError):
        pass


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
