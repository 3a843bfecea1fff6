"""Textual's and textual-serve's private internals: used in two modules only
(`tui/upstream.py`, `cli/upstream_serve.py`), and each one still there in the pinned versions.

When an upgrade removes or changes one, `test_each_private_internal_is_still_there` fails
with its name, who uses it and why (docs/testing.md, "Upgrading Textual")."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from functools import cache
from pathlib import Path

import pytest

import hubworkshop
from hubworkshop.cli import upstream_serve
from hubworkshop.tui import upstream
from hubworkshop.tui.upstream import Internal

PACKAGE = Path(hubworkshop.__file__).resolve().parent
UPSTREAM_MODULES = {PACKAGE / "tui" / "upstream.py", PACKAGE / "cli" / "upstream_serve.py"}
UPSTREAM_PACKAGES = ("textual", "textual_serve")
INTERNALS = (*upstream.INTERNALS, *upstream_serve.INTERNALS)
HOOKS = (*upstream.HOOKS, *upstream_serve.HOOKS)


def _where(internal: Internal) -> str:
    return ".".join(part for part in (internal.module, internal.owner, internal.name) if part)


@pytest.mark.parametrize("internal", [*INTERNALS, *HOOKS], ids=_where)
def test_each_private_internal_is_still_there(internal: Internal) -> None:
    where = _where(internal)
    why = f"hubworkshop relies on it: {internal.why} (see tui/upstream.py, cli/upstream_serve.py)"
    try:
        module = importlib.import_module(internal.module)
    except ImportError:
        pytest.fail(f"{where} is gone: module {internal.module} no longer exists; {why}")
    owner = getattr(module, internal.owner, None) if internal.owner else module
    assert owner is not None, f"{where} is gone: {internal.owner} no longer exists; {why}"
    if internal.name.startswith("_") and not hasattr(owner, internal.name):
        # An instance attribute, set in the class's own code.
        assert isinstance(owner, type), f"{where} is gone; {why}"
        sources = "".join(inspect.getsource(c) for c in owner.__mro__ if _is_upstream(c))
        assert f"self.{internal.name} =" in sources, f"{where} is gone; {why}"
    else:
        assert hasattr(owner, internal.name), f"{where} is gone; {why}"
    if internal.parameters is not None:
        found = getattr(owner, internal.name)
        assert callable(found), f"{where} is no longer a function; {why}"
        names = tuple(inspect.signature(found).parameters)
        if isinstance(owner, type) and names[:1] in {("self",), ("cls",)}:
            names = names[1:]
        assert names == internal.parameters, (
            f"{where} changed: it takes {names}, hubworkshop calls it with "
            f"{internal.parameters}; {why}"
        )


def _is_upstream(cls: type) -> bool:
    return cls.__module__.split(".")[0] in UPSTREAM_PACKAGES


@cache
def _upstream_private_names() -> frozenset[str]:
    """Every private name Textual and textual-serve define: functions, methods, classes,
    attributes and variables they assign (read from their source text: a regular expression
    is ten times quicker than parsing it, and finding a few names too many only means a few
    more names are checked)."""
    defined = re.compile(r"\b(?:def|class)\s+(_\w+)|(?:\.|^\s*)(_\w+)\s*(?::|=(?!=))", re.MULTILINE)
    names: set[str] = set()
    for package in UPSTREAM_PACKAGES:
        root = Path(importlib.import_module(package).__file__ or "").parent
        for path in root.rglob("*.py"):
            for found in defined.findall(path.read_text(encoding="utf-8")):
                names.update(found)
    return frozenset(n for n in names if n.startswith("_") and not n.startswith("__"))


@cache
def _tree(path: Path) -> ast.Module:
    """A module of ours, parsed once for both readings of it."""
    return ast.parse(path.read_text(encoding="utf-8"))


def _defined(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def _our_modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _touches(path: Path, ours: set[str]) -> list[str]:
    """Where `path` imports a private module or name of Textual or textual-serve, or reads or
    calls one of their private names (one our own code does not define too)."""
    private = _upstream_private_names() - ours  # once, not at every attribute
    found: list[str] = []
    where = path.relative_to(PACKAGE)  # once, not at every node
    for node in ast.walk(_tree(path)):
        line = f"{where}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(UPSTREAM_PACKAGES):
            parts = [*(node.module or "").split("."), *(alias.name for alias in node.names)]
            if any(part.startswith("_") for part in parts):
                found.append(f"{line} imports {node.module}: {[a.name for a in node.names]}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(UPSTREAM_PACKAGES) and "._" in alias.name:
                    found.append(f"{line} imports {alias.name}")
        elif isinstance(node, ast.Attribute) and node.attr in private:
            found.append(f"{line} uses .{node.attr}")
    return found


def _overrides() -> list[str]:
    """The private methods of Textual's and textual-serve's classes that our classes
    override, as `Class.name`."""
    found: set[str] = set()
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="hubworkshop."):
        if not info.name.startswith(("hubworkshop.tui", "hubworkshop.cli")):
            continue
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == info.name:
                found |= _private_overrides(cls)
    # cli/serve.py makes its Server subclass inside a function: read from its source.
    from textual_serve.server import Server

    for node in ast.walk(ast.parse((PACKAGE / "cli" / "serve.py").read_text(encoding="utf-8"))):
        if isinstance(node, ast.ClassDef) and any(
            isinstance(base, ast.Name) and base.id == "Server" for base in node.bases
        ):
            found |= {
                f"{node.name}.{item.name}"
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                and item.name.startswith("_")
                and not item.name.startswith("__")
                and hasattr(Server, item.name)
            }
    return sorted(found)


def _private_overrides(cls: type) -> set[str]:
    upstream_bases = [base for base in cls.__mro__ if _is_upstream(base)]
    return {
        f"{cls.__name__}.{name}"
        for name, value in vars(cls).items()
        if name.startswith("_")
        and not name.startswith("__")
        and inspect.isfunction(value)
        and any(name in vars(base) for base in upstream_bases)
    }


def test_no_module_outside_the_upstream_modules_touches_textuals_private_internals() -> None:
    ours: set[str] = set()
    for path in _our_modules():
        if path not in UPSTREAM_MODULES:
            ours |= _defined(_tree(path))
    ours -= {hook.name for hook in HOOKS}  # defined by our overrides, but Textual's names
    touching = [
        where
        for path in _our_modules()
        if path not in UPSTREAM_MODULES
        for where in _touches(path, ours)
    ]
    assert touching == [], (
        "Textual's private internals belong in tui/upstream.py (textual-serve's in "
        "cli/upstream_serve.py), each named with its upstream issue"
    )
    # ...and the scanner finds them where they are.
    for path in UPSTREAM_MODULES:
        assert _touches(path, ours), path


def test_the_only_private_methods_overridden_are_the_named_hooks() -> None:
    """A private method of Textual's (or textual-serve's) that one of our classes overrides
    is named, with its upstream issue, in `HOOKS`."""
    hooks = {hook.name for hook in HOOKS}
    overridden = _overrides()
    assert [o for o in overridden if o.split(".")[1] not in hooks] == [], (
        "a private method of Textual's or textual-serve's is overridden without being named "
        "in tui/upstream.py HOOKS (cli/upstream_serve.py HOOKS for textual-serve)"
    )
    # ...and every hook named is overridden somewhere (none left over after a clean-up).
    assert {o.split(".")[1] for o in overridden} == hooks


def test_the_pause_the_test_harness_shortens_still_reads_its_two_constants() -> None:
    """tests/conftest.py makes Pilot's idle wait sleep 5 ms at a time instead of 20 by setting
    two constants of `textual._wait`. Setting a name a module no longer has raises nothing,
    so this reads the function: if an upgrade stops reading them, the suite is four times
    slower and this says why (docs/testing.md, "Upgrading Textual")."""
    from textual import _wait

    source = inspect.getsource(_wait.wait_for_idle)
    for name in ("SLEEP_GRANULARITY", "SLEEP_IDLE"):
        assert re.search(rf"\b{name}\b", source), (
            f"textual._wait.wait_for_idle no longer reads {name}: tests/conftest.py's shorter "
            "idle wait does nothing; find what Pilot.pause waits on now"
        )
    assert _wait.SLEEP_GRANULARITY == 0.005, "tests/conftest.py's setting was undone"
