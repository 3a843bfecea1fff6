"""Which language a contribution is in, when neither the note-taker nor the speaker's
registration says: detected among the workshop's languages with Lingua
(lingua-language-detector), in its low-accuracy mode.

Chosen on the bank's 90 bilingual questions and 60 short workshop notes in English, French,
Spanish and Arabic (README, "Languages"): Lingua's low-accuracy mode was as accurate as
py3langid and more so than fastText on two- and three-word notes, needs no NumPy, and costs
about 20 ms and 8 MB the first time (the high-accuracy mode: 0.3 s and 90 MB).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache
from typing import Any

_lock = threading.Lock()
SAMPLE = 400
"""Characters of a text the detector reads: a few sentences."""


def detect_language(text: str, candidates: Sequence[str]) -> str | None:
    """The one of `candidates` (ISO 639-1 codes, `pt-BR` counts as `pt`) `text` is most
    likely in, or None when there is no choice to make or the detector cannot tell."""
    if len(candidates) < 2:
        return candidates[0] if candidates else None
    detector, codes = _detector(tuple(candidates))
    if detector is None:
        return None
    # The first words tell as well as a whole paste, at a bounded cost.
    found = detector.detect_language_of(text[:SAMPLE])
    return codes.get(found) if found is not None else None


def detect_languages(texts: Sequence[str], candidates: Sequence[str]) -> list[str | None]:
    """`detect_language` for many texts at once, on every core (a bulk import)."""
    if len(candidates) < 2:
        return [candidates[0] if candidates else None] * len(texts)
    detector, codes = _detector(tuple(candidates))
    if detector is None:
        return [None] * len(texts)
    found = detector.detect_languages_in_parallel_of([t[:SAMPLE] for t in texts])
    return [codes.get(f) if f is not None else None for f in found]


@cache
def _detector(candidates: tuple[str, ...]) -> tuple[Any, dict[Any, str]]:
    """A detector for the languages Lingua knows among `candidates`, and each one's code."""
    with _lock:
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
        builder = LanguageDetectorBuilder.from_languages(*codes)
        return builder.with_low_accuracy_mode().build(), codes
