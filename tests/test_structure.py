"""The codebase keeps the shape the architecture promises (see ARCHITECTURE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

from textual.binding import Binding

from hubworkshop.tui.app import HubworkshopApp
from hubworkshop.tui.screens.room import RoomScreen

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "hubworkshop"
CONSENT_RULE = PACKAGE / "domain" / "consent.py"

# Classes, not modules, are what a reader has to hold in mind. The numbers come from the
# anchors of issue #31: `Store` was a tower of 9 classes, 1,673 lines and 65 public methods,
# the room screen a tower of 4 classes, 1,313 lines and 96 methods. The largest class that
# reads well today (the summary writer, the bank reader) is about 420 lines; a service of
# the store has at most 16 public methods. So: at most 500 lines and 25 public methods a
# class (Textual's own hooks - `action_*`, `on_*`, `watch_*`, `compose` - are not API), and
# at most two classes of ours above any class (a base, a specialisation, then the class - as
# the capture bar builds on the completing input, which builds on the ordered input): the
# store's tower had 8, the room's 3. Exceptions are left out: a family of errors is a tree
# on purpose (`except InputError` catches each kind).
MAX_CLASS_LINES = 500
MAX_PUBLIC_METHODS = 25
MAX_OWN_ANCESTORS = 2
NOT_YET = {
    "tui.screens.room:RoomScreen",
    "tui.screens.room_actions:ContributionActions",
}
TEXTUAL_HOOKS = ("action_", "on_", "watch_", "validate_", "compute_", "key_", "render")


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _consent_decisions(tree: ast.AST) -> list[int]:
    """Lines that compare a consent level: `c.consent is ...`, `... == Consent.NAMED`."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        for operand in (node.left, *node.comparators):
            reads_consent = isinstance(operand, ast.Attribute) and operand.attr == "consent"
            names_level = (
                isinstance(operand, ast.Attribute)
                and isinstance(operand.value, ast.Name)
                and operand.value.id == "Consent"
            )
            if reads_consent or names_level:
                found.append(node.lineno)
    return found


def test_the_consent_rule_is_decided_in_one_module_only():
    bypasses = [
        f"{path.relative_to(PACKAGE)}:{line}"
        for path in _modules()
        if path != CONSENT_RULE
        for line in _consent_decisions(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert bypasses == [], "consent decided outside domain/consent.py"
    # ...and the scanner does find a decision where there is one.
    assert _consent_decisions(ast.parse(CONSENT_RULE.read_text(encoding="utf-8")))


def _classes() -> dict[str, tuple[ast.ClassDef, str]]:
    """Every class of the package by name (`module:Class`), with its module's dotted name."""
    found = {}
    for path in _modules():
        module = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                found[f"{module}:{node.name}"] = (node, module)
    return found


def _public_methods(node: ast.ClassDef) -> list[str]:
    return [
        item.name
        for item in node.body
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
        and not item.name.startswith("_")
        and not item.name.startswith(TEXTUAL_HOOKS)
        and item.name != "compose"
    ]


def test_no_class_is_larger_than_the_architecture_allows():
    classes = _classes()
    long = {
        name: n
        for name, (node, _) in classes.items()
        if (n := (node.end_lineno or node.lineno) - node.lineno + 1) > MAX_CLASS_LINES
        and name not in NOT_YET
    }
    wide = {
        name: len(public)
        for name, (node, _) in classes.items()
        if len(public := _public_methods(node)) > MAX_PUBLIC_METHODS and name not in NOT_YET
    }
    assert long == {}, f"classes over {MAX_CLASS_LINES} lines: split them by concern"
    assert wide == {}, f"classes with over {MAX_PUBLIC_METHODS} public methods"
    # ...and the scanner measures what it claims to: the store's services are all found.
    assert 5 <= len(_public_methods(classes["storage.contributions:Contributions"][0])) < 25


def test_no_class_stands_on_a_tower_of_our_own_classes():
    """A class of ours builds on at most two others of ours, never on a chain of concerns:
    concerns are composed, as `Store` composes its services."""
    classes = _classes()
    by_name = {name.split(":")[1]: name for name in classes}

    def own_ancestors(name: str, seen: frozenset[str] = frozenset()) -> int:
        node, _ = classes[name]
        bases = [b.id for b in node.bases if isinstance(b, ast.Name) and b.id in by_name]
        return max(
            (1 + own_ancestors(by_name[b], seen | {name}) for b in bases if by_name[b] not in seen),
            default=0,
        )

    towers = {
        name: depth
        for name in classes
        if (depth := own_ancestors(name)) > MAX_OWN_ANCESTORS and name not in NOT_YET
    }
    assert towers == {}


def test_the_store_composes_its_services():
    """`Store` is no class tower: it composes one service per concern, and each service is
    given only the services it uses."""
    from hubworkshop.storage.store import Store

    assert [c for c in Store.__mro__ if c.__module__.startswith("hubworkshop")] == [Store]
    services = [
        node
        for name, (node, module) in _classes().items()
        if module.startswith("storage.")
        and any(
            isinstance(item, ast.FunctionDef)
            and item.name == "__init__"
            and [a.arg for a in item.args.args[1:2]] == ["database"]
            for item in node.body
        )
    ]
    assert len(services) >= 8
    unused = {}
    for node in services:
        init = next(i for i in node.body if isinstance(i, ast.FunctionDef) and i.name == "__init__")
        given = [a.arg for a in init.args.args[1:]]
        rest = [i for i in node.body if i is not init]
        used = {
            n.attr
            for item in rest
            for n in ast.walk(item)
            if isinstance(n, ast.Attribute)
            and isinstance(n.value, ast.Name)
            and n.value.id == "self"
        }
        if missing := [g for g in given if g not in used]:
            unused[node.name] = missing
    assert unused == {}, "services given others they never use"


def test_every_key_has_a_palette_name():
    """The command palette is built from the bindings: each needs its tooltip (the name)."""
    for owner in (HubworkshopApp, RoomScreen):
        for binding in owner.BINDINGS:
            assert isinstance(binding, Binding)
            if binding.action not in {"app.pop_screen"}:
                assert binding.tooltip, f"{owner.__name__}: {binding.key} has no palette name"


def _is_fixed_text(node: ast.expr) -> bool:
    """A string literal, or a choice between string literals: our words, not the user's."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.IfExp):
        return _is_fixed_text(node.body) and _is_fixed_text(node.orelse)
    if isinstance(node, ast.JoinedStr):  # an f-string of numbers only, e.g. f"+{minutes} min"
        return all(
            isinstance(v, ast.Constant)
            or (
                isinstance(v, ast.FormattedValue)
                and isinstance(v.value, ast.Name)
                and v.value.id in {"minutes", "n", "count"}
            )
            for v in node.values
        )
    return False


def test_every_notification_with_user_text_is_plain():
    """notify() parses Textual markup unless told not to: a participant called `[/]Mallory`
    once crashed the app. Any message that is not our own fixed words passes markup=False."""
    offenders = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "notify"
                and node.args
                and not _is_fixed_text(node.args[0])
            ):
                markup = {k.arg: k.value for k in node.keywords}.get("markup")
                if not (isinstance(markup, ast.Constant) and markup.value is False):
                    offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == []


IO_MODULES = frozenset(
    {"socket", "socketserver", "select", "subprocess", "sqlite3", "sqlite_utils", "asyncio",
     "urllib", "http", "shutil", "tempfile", "threading", "aiohttp", "mwclient"}
)  # fmt: skip
"""What the domain never imports: it does no I/O of its own (sockets, processes, databases,
files it writes, threads). A detector in another process is asked through a function the
face gives it (`domain.detect.ask_elsewhere`, `cli/ahead.py`)."""


def _imported(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def test_the_domain_does_no_io():
    doing_io = {
        str(path.relative_to(PACKAGE)): sorted(_imported(ast.parse(path.read_text())) & IO_MODULES)
        for path in sorted((PACKAGE / "domain").glob("*.py"))
    }
    assert {k: v for k, v in doing_io.items() if v} == {}
    # ...and the scanner sees such an import where there is one.
    assert _imported(ast.parse("import socket\nfrom select import select")) >= {"socket", "select"}


SHORT_SUBJECTS_SINCE = "1a0bf6b"
"""The last commit before subjects were held to 72 characters (issue #31)."""


def test_commit_subjects_are_short():
    """`git log --oneline` stays readable: every subject since the rule began is at most 72
    characters (the limit git's own tools and most viewers fold at)."""
    import shutil
    import subprocess

    root = PACKAGE.parent.parent
    git = shutil.which("git")
    if git is None or not (root / ".git").exists():
        import pytest

        pytest.skip("not a git checkout")
    known = subprocess.run(
        [git, "cat-file", "-e", f"{SHORT_SUBJECTS_SINCE}^{{commit}}"], cwd=root, check=False
    )
    span = [f"{SHORT_SUBJECTS_SINCE}..HEAD"] if known.returncode == 0 else ["-1", "HEAD"]
    subjects = subprocess.run(
        [git, "log", "--format=%h %s", *span], cwd=root, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    long = [line for line in subjects if len(line.split(" ", 1)[1]) > 72]
    assert long == [], "commit subjects over 72 characters"
