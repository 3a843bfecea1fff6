"""The command palette (Ctrl+P), built from the key bindings of the app and the open screen.

Each binding's tooltip is its name in the palette and the key is shown beside it, so a new
binding appears in the palette by itself and the two never say different things. Screens can
add entries of their own (rooms to open, questions and phases to go to).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from typing import Any

from textual.actions import parse
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

# "Back" closes a screen: a key of the moment, not a command.
SKIPPED_ACTIONS = frozenset({"app.pop_screen", "pop_screen"})


def binding_commands(
    app: App[Any],
    screen: Screen[Any],
    allows: Callable[[str], bool],
    owners: Sequence[DOMNode] = (),
) -> Iterator[SystemCommand]:
    """A palette entry for every binding of `screen` (and of the parts of it that own keys,
    `owners`, the screen first), then of `app`, once per action."""
    seen: set[str] = set()
    nodes = [*(owners or (screen,)), app]
    for node in nodes:
        for binding in _bindings(node.BINDINGS):
            if binding.action in SKIPPED_ACTIONS or binding.action in seen:
                continue
            namespace, name, params = _parse(binding.action)
            target = app if namespace == "app" or node is app else node
            method = getattr(target, f"action_{name}", None)
            if method is None or not allows(name) or target.check_action(name, params) is False:
                continue  # (a disabled key is no command either: a browser's "Write file")
            seen.add(binding.action)
            key = app.get_key_display(binding)
            yield SystemCommand(
                binding.tooltip or binding.description,
                f"{binding.description} ({key})",
                partial(method, *params),
            )


def _bindings(bindings: Iterable[object]) -> Iterator[Binding]:
    for binding in bindings:
        if isinstance(binding, Binding):
            yield binding


def _parse(action: str) -> tuple[str, str, tuple[Any, ...]]:
    namespace, name, params = parse(action)
    return namespace, name, params
