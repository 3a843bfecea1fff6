"""The workshop plan: the real 27 November 2021 event, and every error with its line."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from hubworkshop.domain.model import Activity
from hubworkshop.sources.bundled import bundled_bank
from hubworkshop.sources.plan import load_plan


def test_bundled_plan_is_the_real_event(hubs_plan):
    plan = hubs_plan
    assert plan.date == dt.date(2021, 11, 27)
    assert (plan.start, plan.end, plan.timezone) == (dt.time(13), dt.time(16), "UTC")
    assert plan.languages == ("en", "fr")
    assert "No decision making" in plan.note
    agenda = [(p.title, p.minutes, p.activity) for p in plan.phases]
    assert agenda[:7] == [
        ("Welcome, Friendly Space Policy, agenda and objectives, icebreaker", 25, Activity.PLENARY),
        ("Brainstorming and discussion", 30, Activity.BRAINSTORM),
        ("Purpose statements", 40, Activity.PURPOSE_STATEMENT),
        ("Break", 10, Activity.BREAK),
        ("Task ranking and discussion", 40, Activity.TASK_RANKING),
        ("Task ranking and discussion (continued)", 10, Activity.DISCUSSION),
        ("Wrap-up and next steps", 10, Activity.WRAP_UP),
    ]
    assert plan.phases[1].part == "Part I: Why do hubs exist?"
    assert plan.phases[4].part == "Part II: What do hubs do?"
    assert plan.phases[-1].end == dt.time(16)


def test_bundled_rooms_cover_every_bank_question_once(hubs_plan):
    in_rooms = [q for room in hubs_plan.rooms for q in room.questions]
    assert sorted(in_rooms) == sorted(hubs_plan.bank.questions)
    assert len(in_rooms) == len(set(in_rooms))


PLAN = """
[workshop]
id = "test"
title = "Test workshop"
date = 2021-11-27
start = 13:00:00
end = 14:00:00
bank = "{bank}"

[[agenda]]
id = "welcome"
title = "Welcome"
minutes = 10

[[agenda]]
id = "ideas"
title = "Ideas"
minutes = 30
activity = "brainstorm"

[[room]]
id = "a"
name = "Room A"
questions = [
    "value.benefit",
    "coverage.funded-work",
]
"""


def write_plan(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(text.replace("{bank}", str(bundled_bank())).lstrip("\n"), encoding="utf-8")
    return path


def errors_of(path: Path) -> list[str]:
    plan, problems = load_plan(path)
    assert plan is None
    return [str(p) for p in problems if p.severity == "error"]


def test_minimal_plan_loads(tmp_path):
    plan, problems = load_plan(write_plan(tmp_path, PLAN))
    assert problems == []
    assert plan is not None
    assert [p.start for p in plan.phases] == [dt.time(13), dt.time(13, 10)]
    assert plan.rooms[0].questions == ("value.benefit", "coverage.funded-work")


@pytest.mark.parametrize(
    ("edit", "line", "needle"),
    [
        # TOML syntax error
        (lambda t: t.replace('title = "Welcome"', "title = Welcome"), 11, "TOML syntax error"),
        # unknown question id: the line of that very value
        (
            lambda t: t.replace('"coverage.funded-work"', '"coverage.nope"'),
            25,
            "unknown question id 'coverage.nope'",
        ),
        # negative duration
        (lambda t: t.replace("minutes = 30", "minutes = -5"), 17, "'minutes' must be between 1"),
        # too long for a phase (and for SQLite, at 2**63)
        (
            lambda t: t.replace("minutes = 30", f"minutes = {2**63}"),
            17,
            "must be between 1 and 1440",
        ),
        # no language at all
        (lambda t: t.replace('bank = "', 'languages = []\nbank = "'), 7, "lists no language"),
        # dots beyond any vote
        (lambda t: t.replace('bank = "', f'dots = {2**63}\nbank = "'), 7, "'dots' must be between"),
        # a time zone that does not exist
        (
            lambda t: t.replace('bank = "', 'timezone = "Mars/Olympus_Mons"\nbank = "'),
            7,
            "unknown time zone 'Mars/Olympus_Mons'",
        ),
        # overlapping phases
        (
            lambda t: t.replace("minutes = 30\n", "minutes = 30\nstart = 13:05:00\n"),
            18,
            "overlapping phase 'welcome'",
        ),
        # runs past the end of the workshop
        (lambda t: t.replace("minutes = 30", "minutes = 55"), 17, "past the end of the workshop"),
        # room without questions
        (
            lambda t: t.split("questions = [")[0] + "questions = []\n",
            20,
            "room 'a' has no questions",
        ),
        # unknown field (a typo)
        (lambda t: t.replace("minutes = 10", "minuts = 10"), 12, "unknown field 'minuts'"),
        # wrong type
        (lambda t: t.replace("date = 2021-11-27", 'date = "27 Nov"'), 4, "'date' must be a date"),
        # unknown activity
        (lambda t: t.replace('"brainstorm"', '"brainstrom"'), 18, "unknown activity 'brainstrom'"),
    ],
)
def test_plan_errors_name_their_line(tmp_path, edit, line, needle):
    path = write_plan(tmp_path, edit(PLAN))
    errors = errors_of(path)
    assert any(e.startswith(f"{path}:{line}:") and needle in e for e in errors), errors


@pytest.mark.parametrize(
    "extra",
    ['languages = ["fr"]', "dots = 100", 'timezone = "Asia/Kathmandu"', 'languages = ["fr", "en"]'],
)
def test_what_plan_check_accepts_the_app_runs(cli, tmp_path, extra):
    path = write_plan(tmp_path, PLAN.replace('bank = "', f'{extra}\nbank = "'))
    assert cli("plan", "check", str(path)).returncode == 0
    db = tmp_path / "w.db"
    added = cli("add", "--room", "a", "a point", "--plan", str(path), db=db)
    assert added.returncode == 0, added.stderr
    exported = cli("export", "--plan", str(path), db=db)
    assert exported.returncode == 0 and "a point" in exported.stdout, exported.stderr


def test_plan_with_a_broken_bank_reports_the_bank_files(tmp_path, make_bank):
    bank = make_bank({"01-value.md": "# value\n\nen: Value\nfr: Valeur\n\n## value.a\n"})
    path = tmp_path / "plan.toml"
    path.write_text(PLAN.replace("{bank}", str(bank)), encoding="utf-8")
    errors = errors_of(path)
    assert any("01-value.md:6: empty question 'value.a'" in e for e in errors)
    assert any(e.startswith(f"{path}:") and "question bank" in e for e in errors)


def test_plan_check_command(cli, tmp_path):
    good = cli("plan", "check", "hubs-2021-11-27")  # a bundled example, by name
    assert good.returncode == 0, good.stderr
    assert "hubs-2021-11-27" in good.stdout and "5 rooms" in good.stdout
    nothing = cli("plan", "check")
    assert nothing.returncode == 2 and "name the plan to check" in nothing.stderr

    path = write_plan(tmp_path, PLAN.replace('"value.benefit"', '"value.nope"'))
    bad = cli("plan", "check", str(path))
    assert bad.returncode == 1
    assert f"{path}:24: room 'a': unknown question id 'value.nope'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_plan_check_shows_a_bad_value_s_control_characters_instead_of_obeying_them(cli, tmp_path):
    path = write_plan(tmp_path, PLAN.replace('"value.benefit"', '"value.\\u001b]0;owned\\u0007"'))
    bad = cli("plan", "check", str(path))
    assert bad.returncode == 1
    assert "\x1b" not in bad.stderr and "\x07" not in bad.stderr
    assert "unknown question id 'value.\\x1b]0;owned\\x07'" in bad.stderr


def test_unreadable_plan(tmp_path):
    plan, problems = load_plan(tmp_path / "missing.toml")
    assert plan is None
    assert "cannot read" in str(problems[0])


def test_a_plan_that_is_a_fifo_is_named_not_waited_on(cli, tmp_path):
    fifo = tmp_path / "plan.toml"
    os.mkfifo(fifo)
    result = cli("plan", "check", str(fifo))
    assert result.returncode == 1
    assert f"{fifo}: not a regular file" in result.stderr
