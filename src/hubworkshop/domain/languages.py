"""Language codes a question bank may use: ISO 639-1, with their names for display."""

from __future__ import annotations

from hubworkshop.domain.i18n import _

# ISO 639-1 two-letter codes. A bank declares which of them it uses.
_ISO_639_1_CODES = """
aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy
da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht
hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky
la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny
oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss
st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo
za zh zu
"""
ISO_639_1 = frozenset(_ISO_639_1_CODES.split())

# English names for messages; other languages display as their code.
NAMES = {
    "ar": "Arabic",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "he": "Hebrew",
    "hi": "Hindi",
    "id": "Indonesian",
    "ja": "Japanese",
    "pt": "Portuguese",
    "ru": "Russian",
    "sw": "Swahili",
    "zh": "Chinese",
}


def is_language(code: str) -> bool:
    return code in ISO_639_1


def language_code(value: str) -> str:
    """A language code as stored: an ISO 639-1 code, optionally with a region (`pt-BR`),
    in its usual case; raises ValueError naming what is wrong."""
    code = value.strip().replace("_", "-")
    base, _sep, region = code.partition("-")
    base = base.lower()
    if base not in ISO_639_1 or (region and not (region.isalpha() and len(region) == 2)):
        raise ValueError(
            _(
                "unknown language '{value}' (use an ISO 639-1 code such as en, fr, ar, or pt-BR)"
            ).format(value=value)
        )
    return f"{base}-{region.upper()}" if region else base


def display_name(code: str) -> str:
    return NAMES.get(code, code)


# Each language's name for itself, for choosing a language in the app.
ENDONYMS = {
    "ar": "العربية",
    "de": "Deutsch",
    "en": "English",
    "es": "Español",
    "fr": "Français",
    "pt": "Português",
    "ru": "Русский",
    "sw": "Kiswahili",
    "zh": "中文",
}


def native_name(code: str) -> str:
    """The language's name in itself where known (Français), else its English name or code."""
    return ENDONYMS.get(code) or display_name(code)


BOTH = "both"
"""The language mode that shows a question in two languages side by side."""


def room_language(languages: tuple[str, ...], room_language: str = "") -> str:
    """The language a room works in: its own (the plan's `language`), else the workshop's
    first."""
    return room_language if room_language in languages else languages[0]


def language_modes(languages: tuple[str, ...], own: str = "") -> list[str]:
    """What F2 (and line mode's /lang) cycles through: the room's language, every other
    language of the plan in its order, then two side by side."""
    first = room_language(languages, own)
    return [first, *(code for code in languages if code != first)] + (
        [BOTH] if len(languages) > 1 else []
    )


def languages_shown(languages: tuple[str, ...], mode: str, own: str = "") -> list[str]:
    """The languages a question is shown in for a mode (a language of the plan, or BOTH):
    side by side are the room's language and the workshop's first, or, in a room that works
    in the workshop's first, that and the plan's second. An unknown mode is the room's."""
    first = room_language(languages, own)
    if mode == BOTH and len(languages) > 1:
        return [first, languages[0]] if first != languages[0] else list(languages[:2])
    return [mode] if mode in languages else [first]


def next_mode(languages: tuple[str, ...], mode: str, own: str = "") -> str:
    modes = language_modes(languages, own)
    current = mode if mode in modes else modes[0]
    return modes[(modes.index(current) + 1) % len(modes)]
