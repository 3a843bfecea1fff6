"""Key bindings in the interface language.

Textual reads a class's BINDINGS once, when the class is created; their descriptions and
tooltips are written here as English message ids (`N_`) and translated when an app starts,
for the interface language then in effect (`domain/i18n.py`), so the footer, the help and
the command palette speak the person's language, and a test can switch it.
"""

from __future__ import annotations

import dataclasses

from textual.binding import Binding
from textual.dom import DOMNode

from hubworkshop.domain.i18n import _, ui_language
from hubworkshop.tui import upstream

_SOURCE = "_hubworkshop_source_bindings"
_translated_once = False
_LANGUAGE = "_hubworkshop_bindings_language"


def _ours(cls: type) -> bool:
    return cls.__module__.startswith("hubworkshop.")


def _all_subclasses(cls: type) -> list[type]:
    found: list[type] = []
    todo: list[type] = [cls]
    while todo:
        subclasses: list[type] = todo.pop().__subclasses__()
        found += subclasses
        todo += subclasses
    return found


def translate_bindings() -> bool:
    """Give every hubworkshop widget's bindings the interface language's words: the classes
    loaded so far (screens load lazily, so the app calls this again before showing one).
    True when some class's bindings changed."""
    global _translated_once
    language = ui_language()
    if language == "en" and not _translated_once:
        return False  # the source words: nothing to do (every start in English)
    _translated_once = True
    classes = [c for c in _all_subclasses(DOMNode) if _ours(c)]
    stale = [c for c in classes if c.__dict__.get(_LANGUAGE, "en") != language]
    if not stale:
        return False
    for cls in stale:
        setattr(cls, _LANGUAGE, language)
        if "BINDINGS" not in cls.__dict__:
            continue
        if _SOURCE not in cls.__dict__:
            setattr(cls, _SOURCE, list(cls.__dict__["BINDINGS"]))
        cls.BINDINGS = [_translated(b) for b in cls.__dict__[_SOURCE]]  # type: ignore[attr-defined]
    for cls in classes:  # a subclass merges its parents' bindings: recompute them all
        upstream.merge_bindings_again(cls)
    return True


def in_language(screen: object) -> None:
    """A screen made before its class's bindings were translated takes the translated ones."""
    if translate_bindings() and isinstance(screen, DOMNode):
        upstream.take_class_bindings(screen)


def _translated(binding: Binding | tuple[str, ...]) -> Binding | tuple[str, ...]:
    if isinstance(binding, Binding):
        return dataclasses.replace(
            binding,
            description=_(binding.description) if binding.description else "",
            tooltip=_(binding.tooltip) if binding.tooltip else "",
        )
    if len(binding) == 3:
        key, action, description = binding
        return key, action, _(description)
    return binding
