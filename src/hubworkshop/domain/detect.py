"""Which language a contribution is in, when neither the note-taker nor the speaker's
registration says: detected among the workshop's languages with Lingua
(lingua-language-detector), in its low-accuracy mode.

Chosen on the bank's 90 bilingual questions and 60 short workshop notes in English, French,
Spanish and Arabic (README, "Languages"): Lingua's low-accuracy mode was as accurate as
py3langid and more so than fastText on two- and three-word notes, needs no NumPy, and costs
about 20 ms and 8 MB the first time (the high-accuracy mode: 0.3 s and 90 MB).
"""

from __future__ import annotations

import os
from _thread import allocate_lock

TYPE_CHECKING = False
if TYPE_CHECKING:  # not imported at run time: the helper process starts sooner without them
    from collections.abc import Callable, Sequence
    from typing import Any

_lock = allocate_lock()
SAMPLE = 400
"""Characters of a text the detector reads: a few sentences."""


def detect_language(text: str, candidates: Sequence[str]) -> str | None:
    """The one of `candidates` (ISO 639-1 codes, `pt-BR` counts as `pt`) `text` is most
    likely in, or None when there is no choice to make or the detector is not sure: fewer
    than `SURE_WORDS` words once addresses, math, mentions, tags and ids are left out
    (`words_to_read`), or a confidence below `SURE_CONFIDENCE`."""
    if len(candidates) < 2:
        return candidates[0] if candidates else None
    # The first words tell as well as a whole paste, at a bounded cost.
    text = words_to_read(text[:SAMPLE])
    if not text:
        return None
    global _ahead
    if _ahead is not None:
        answered, code = _ahead.ask(text, tuple(candidates))
        if answered:
            return code
        _ahead = None  # gone or stuck: not asked again
    detector, codes = _detector(tuple(candidates))
    if detector is None:
        return None
    return _sure(detector, codes, text)


SURE_WORDS = 4
"""Words (of letters, addresses and ids left out) a text needs before its detected language
counts: on the bundled banks and 60 short English notes, every false mark left was in a note
of fewer words (docs/summaries.md, "Language marks")."""
SURE_CONFIDENCE = 0.6
"""Lingua's confidence in its first choice below which the text's language is not decided."""


def words_to_read(text: str) -> str:
    """The words of `text` that tell its language, or "" when too few do (`SURE_WORDS`):
    web addresses, `$math$`, @mentions, #tags, ^ids, e-mail addresses and anything holding
    a digit (ids, dates, versions) are left out."""
    if text.count("$") >= 2:  # the parts outside $…$ pairs
        text = " ".join(text.split("$")[::2])
    kept = []
    for word in text.split():
        if (
            word[0] in "@#^"
            or "://" in word
            or word.startswith("www.")
            or "@" in word
            or any(ch.isdigit() for ch in word)
            or not any(ch.isalpha() for ch in word)
        ):
            continue
        kept.append(word)
    return " ".join(kept) if len(kept) >= SURE_WORDS else ""


def _sure(detector: Any, codes: dict[Any, str], text: str) -> str | None:
    values = detector.compute_language_confidence_values(text)
    if not values or values[0].value < SURE_CONFIDENCE:
        return None
    return codes.get(values[0].language)


def long_enough(text: str) -> bool:
    """Whether detection on `text` could be sure enough to overrule the speaker's registered
    language: `SURE_WORDS` words of letters. A script written without spaces counts as one
    word: there the speaker's language stays."""
    return bool(words_to_read(text[:SAMPLE]))


def detect_languages(texts: Sequence[str], candidates: Sequence[str]) -> list[str | None]:
    """`detect_language` for many texts at once, on every core (a bulk import)."""
    if len(candidates) < 2:
        return [candidates[0] if candidates else None] * len(texts)
    detector, codes = _detector(tuple(candidates))
    if detector is None:
        return [None] * len(texts)
    readable = [words_to_read(t[:SAMPLE]) for t in texts]
    found = detector.compute_language_confidence_values_in_parallel([r for r in readable if r])
    answers = iter(found)
    decided: list[str | None] = []
    for r in readable:
        values = next(answers) if r else None
        sure = values and values[0].value >= SURE_CONFIDENCE
        decided.append(codes.get(values[0].language) if values and sure else None)
    return decided


def warm_now(candidates: Sequence[str]) -> None:
    """Load the detector for `candidates` now rather than at the first detection."""
    if len(candidates) >= 2:
        _detector(tuple(candidates))


# -- detecting ahead, in another process ---------------------------------------------------
#
# Loading Lingua's models takes about 20 ms and holds the GIL, so a thread cannot hide it. A
# short-lived command (`hubworkshop add`) starts a helper process before it imports anything
# heavy (`cli/ahead.py`): the helper loads the models for the workshop's languages on another
# core while the command imports itself, then answers its questions over a pipe. Any failure
# of the helper only means the command detects by itself, as it would have without it.

_PATIENCE = 5.0
"""Seconds to wait for the helper's answer before detecting here instead."""


class _Ahead:
    """This process's end of a helper detector. A request is two lines: the candidates
    separated by commas, then the text (its line breaks as spaces); the answer is a line with
    the code, or an empty line when the detector cannot tell. (No json: the helper starts
    sooner without it.)"""

    def __init__(self, ask: int, answer: int) -> None:
        self._ask, self._answer = ask, answer
        self._one_at_a_time = allocate_lock()  # an app detects in its worker threads

    def ask(self, text: str, candidates: tuple[str, ...]) -> tuple[bool, str | None]:
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


_ahead: _Ahead | None = None


def use_helper(ask: int, answer: int) -> None:
    """From now on, `detect_language` first asks the helper process that reads requests from
    the pipe `ask` and answers on the pipe `answer` (see `serve`)."""
    global _ahead
    _ahead = _Ahead(ask, answer)


def use_shared_helper(path: str) -> None:
    """From now on, `detect_language` first asks the detector listening on the Unix socket
    `path` (`hubworkshop serve` shares one between its sessions: see `answer`)."""
    global _ahead
    _ahead = _Shared(path)


def serve(requests: int, answers: int, candidates: Sequence[str]) -> None:
    """The helper's side: load the detector for `candidates`, then answer every request until
    the asking process closes its end (see `_Ahead`)."""
    warm_now(candidates)
    with os.fdopen(requests, "rb") as lines:
        answer(lines.readline, lambda line: os.write(answers, line))


def answer(read_line: Callable[[], bytes], write: Callable[[bytes], object]) -> None:
    """Answer requests (see `_Ahead`) read with `read_line` until there are no more."""
    while (asked := read_line()) and (text := read_line()):
        found = detect_language(
            text.decode(errors="replace").rstrip("\n"), asked.decode().strip().split(",")
        )
        write((found or "").encode() + b"\n")


_detectors: dict[tuple[str, ...], tuple[Any, dict[Any, str]]] = {}


def _detector(candidates: tuple[str, ...]) -> tuple[Any, dict[Any, str]]:
    """A detector for the languages Lingua knows among `candidates`, and each one's code;
    built once per process (a caller arriving while another thread builds it waits)."""
    with _lock:
        if candidates not in _detectors:
            _detectors[candidates] = _build(candidates)
        return _detectors[candidates]


def _build(candidates: tuple[str, ...]) -> tuple[Any, dict[Any, str]]:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    codes: dict[Any, str] = {}
    for code in candidates:
        try:
            language = Language.from_iso_code_639_1(IsoCode639_1.from_str(code[:2]))
        except ValueError:  # a language Lingua does not know
            continue
        codes.setdefault(language, code)
    if len(codes) < 2:
        return None, {}
    builder = LanguageDetectorBuilder.from_languages(*codes).with_low_accuracy_mode()
    detector = builder.with_preloaded_language_models().build()
    detector.detect_language_of("warm")  # the first detection still sets up (about 5 ms)
    return detector, codes
