"""`hubworkshop line` through a pseudo-terminal: lines typed are stored, lines from other
processes appear, and nothing but plain text and newlines is written."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time

import pytest

from hubworkshop.domain.records import Draft
from hubworkshop.storage import Store


class Terminal:
    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env)
        os.close(slave)
        self.seen = b""

    def type(self, line: str) -> None:
        os.write(self.master, (line + "\n").encode())

    def wait_for(self, text: str, timeout: float = 60.0) -> None:
        """Read until `text` has been written; the deadline is a safety net."""
        deadline = time.monotonic() + timeout
        while text.encode() not in self.seen:
            assert time.monotonic() < deadline, self.seen.decode(errors="replace")
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                try:
                    self.seen += os.read(self.master, 65536)
                except OSError:
                    break

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()
        os.close(self.master)


@pytest.mark.timeout(180)
def test_line_mode_reads_and_writes_the_live_room(db_path, hubs_plan, tmp_path):
    Store.open(db_path, hubs_plan).close()
    env = {**os.environ, "HUBWORKSHOP_DB": str(db_path), "XDG_STATE_HOME": str(tmp_path / "st")}
    term = Terminal(
        [
            *(sys.executable, "-m", "hubworkshop", "line", "--room", "lifecycle"),
            *("--name", "Bea", "--role", "facilitator"),
        ],
        env,
    )
    try:
        term.wait_for("/help for commands")
        term.type("! Hubs could become gatekeepers @Amina #funding")
        term.wait_for("saved: Amina, concern: Hubs could become gatekeepers")
        with Store.open(db_path) as store:
            [row] = store.contributions.find()
            assert (row.kind.value, row.author, row.tags, row.note_taker) == (
                "concern",
                "Amina",
                ("funding",),
                "Bea",
            )
            # Another terminal adds a point, moves the question and opens a vote.
            store.contributions.add(
                Draft("lifecycle", "\x1b[31mfrom elsewhere", author="Kwame"), note_taker="Asaf"
            )
            store.rooms.open_question("lifecycle", store.catalog.room("lifecycle").questions[1])
            store.votes.open("lifecycle", dots=3)
        term.wait_for("Kwame, idea: \\x1b[31mfrom elsewhere")
        term.wait_for("question (en): How does a hub become a hub?")
        term.wait_for("a vote is open: 3 dots each")
        term.type(f"/vote {row.short_id}")
        term.wait_for(f"a dot on {row.short_id}")
        term.type("/list 5")
        term.wait_for("Kwame, idea")
        term.type("/search gatekeepers")
        term.wait_for("1 found")
        term.type("/nonsense")
        term.wait_for("unknown command /nonsense")
        term.type("/timer")
        term.wait_for("timer started")
    finally:
        term.close()
    written = term.seen.replace(b"\r\n", b"\n")
    # Only plain text and newlines: no escape sequence, no cursor movement, no colour.
    assert all(b >= 0x20 or b in (0x0A, 0x0D) for b in written), written
    with Store.open(db_path) as store:
        assert store.contributions.get(row.id).votes == 1


@pytest.mark.timeout(180)
def test_line_mode_announces_the_timer(db_path, hubs_plan, tmp_path):
    Store.open(db_path, hubs_plan).close()
    env = {**os.environ, "HUBWORKSHOP_DB": str(db_path), "XDG_STATE_HOME": str(tmp_path / "st")}
    term = Terminal([sys.executable, "-m", "hubworkshop", "line", "--room", "value"], env)
    try:
        term.wait_for("/help for commands")
        with Store.open(db_path) as store:
            total = store.rooms.state("value").timer_seconds
            store.rooms.extend_timer("value", -(total // 60) + 4)  # four minutes on the clock
            store.rooms.start_timer("value")
        term.wait_for("5 minutes left")
        with Store.open(db_path) as store:
            store.rooms.extend_timer("value", -4)  # past zero
        term.wait_for("time is up")
        assert b"1 minute left" not in term.seen  # a jump past zero says only that
    finally:
        term.close()


@pytest.mark.timeout(180)
def test_a_note_taker_in_line_mode_cannot_run_the_clock_or_move_the_question(
    db_path, hubs_plan, tmp_path
):
    """Line mode follows the role it was started with: a note-taker's /timer, /next and
    /previous are refused with one line and change nothing; a facilitator's work. Taking
    the role is logged."""
    Store.open(db_path, hubs_plan).close()
    env = {**os.environ, "HUBWORKSHOP_DB": str(db_path), "XDG_STATE_HOME": str(tmp_path / "st")}
    line = [sys.executable, "-m", "hubworkshop", "line", "--room", "lifecycle", "--name"]
    with Store.open(db_path) as store:
        store.rooms.start_timer("lifecycle", actor="Asaf")  # the facilitator's clock is running
        first = store.rooms.state("lifecycle").question
        second = store.catalog.question(store.catalog.room("lifecycle").questions[1]).text.get_text(
            "en"
        )
    term = Terminal([*line, "Bea"], env)
    try:
        term.wait_for("/help for commands")
        for verb in ("timer", "next", "previous"):
            term.type(f"/{verb}")
            term.wait_for(
                f"/{verb}: only a facilitator does that (line mode started as note-taker)"
            )
        term.type("/help")
        term.wait_for("/quit")
        assert b"/timer (start" not in term.seen  # not offered
        term.type("still typing")
        term.wait_for("saved: someone, idea: still typing")
    finally:
        term.close()
    with Store.open(db_path) as store:
        state = store.rooms.state("lifecycle")
        assert store.rooms.countdown("lifecycle").running and state.question == first
        taken = [e for e in store.events.all() if e.action.value == "role.take"]
        assert [(e.actor, e.data) for e in taken] == [
            ("Bea", {"role": "note-taker", "face": "line"})
        ]

    term = Terminal([*line, "Asaf", "--role", "facilitator"], env)
    try:
        term.wait_for("/help for commands")
        term.type("/timer")
        term.wait_for("timer paused")
        term.type("/next")
        term.wait_for(f"question (en): {second}")
        with Store.open(db_path) as store:  # what others add is printed after the question
            for marker in ("marker one", "marker two"):
                store.contributions.add(Draft("lifecycle", marker), note_taker="Kwame")
                term.wait_for(marker)
        assert term.seen.count(second.encode()) == 1  # said once, not by /next and again
    finally:
        term.close()
    with Store.open(db_path) as store:
        assert not store.rooms.countdown("lifecycle").running
        assert store.rooms.state("lifecycle").question != first


@pytest.mark.timeout(180)
def test_a_line_typed_after_the_database_was_removed_is_not_said_saved(
    db_path, hubs_plan, tmp_path
):
    """`rm` of the database while line mode was open: the line went to the file SQLite
    still held, which nobody will read, and line mode said `saved:`."""
    Store.open(db_path, hubs_plan).close()
    env = {**os.environ, "HUBWORKSHOP_DB": str(db_path), "XDG_STATE_HOME": str(tmp_path / "st")}
    term = Terminal([sys.executable, "-m", "hubworkshop", "line", "--room", "lifecycle"], env)
    try:
        term.wait_for("/help for commands")
        for path in (db_path, *db_path.parent.glob(f"{db_path.name}-*")):
            path.unlink()
        term.type("words worth keeping")
        term.wait_for("was removed or replaced since line mode opened it")
        term.wait_for("(your line: words worth keeping)")
        assert b"saved: " not in term.seen.replace(b"not saved: ", b"")
    finally:
        term.close()
