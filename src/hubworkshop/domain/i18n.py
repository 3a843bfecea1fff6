"""The languages hubworkshop speaks: gettext catalogs, chosen per person and per summary.

Every word that is ours (not the participants', not the bank's) is a message in the
`hubworkshop` gettext domain. Translators work on `locale/<lang>/LC_MESSAGES/hubworkshop.po`
(the form translatewiki.net and Poedit read); `./dev i18n` extracts the messages from the
code with Babel, updates every catalog and compiles them to `.mo` files, which is all the
app reads at run time (the standard library's `gettext`, no Babel).

Two choices, independent of each other and of the question language (F2):

- the interface language: `--ui-lang`, else the locale ($LANGUAGE, $LC_ALL, $LC_MESSAGES,
  $LANG, as gettext reads them), else English;
- a summary's language: `export --lang`, one catalog per summary (`translation(lang)`).

A language falls back along its chain: `pt-BR` → `pt_BR` → `pt` → English, the source text.
Adding a language is adding a catalog: nothing in the code lists them.
"""

from __future__ import annotations

import gettext
import os
from functools import cache
from pathlib import Path

DOMAIN = "hubworkshop"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
SOURCE_LANGUAGE = "en"


def chain(lang: str) -> list[str]:
    """The catalogs to try for `lang`, most specific first: "pt-BR" -> ["pt_BR", "pt"]."""
    code = lang.strip().replace("-", "_")
    if not code:
        return []
    base = code.split(".")[0].split("@")[0]
    language, _, region = base.partition("_")
    language = language.lower()
    found = [f"{language}_{region.upper()}"] if region else []
    return [*found, language]


@cache
def translation(lang: str) -> gettext.NullTranslations:
    """The catalog for `lang` with its fallbacks; English (the source text) at the end."""
    if lang == SOURCE_LANGUAGE:  # the messages are English: no catalog to look for
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=chain(lang) or None, fallback=True)


@cache
def available() -> list[str]:
    """The languages a catalog exists for (compiled), and English: read from disk once."""
    found = {
        path.parent.parent.name
        for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")
        if path.is_file()
    }
    return sorted({SOURCE_LANGUAGE, *found})


def resolve(lang: str) -> str:
    """The language a request for `lang` is answered in: the first of its chain with a
    catalog, else English ("fr-CA" -> "fr", "pt-BR" -> "pt" when only "pt" exists)."""
    have = set(available())
    return next((code for code in chain(lang) if code in have), SOURCE_LANGUAGE)


def locale_language(environ: os._Environ[str] | dict[str, str] | None = None) -> str:
    """The interface language the environment asks for, as gettext reads it."""
    environ = os.environ if environ is None else environ
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if value:
            first = value.split(":")[0]
            return SOURCE_LANGUAGE if first in ("C", "POSIX") or first.startswith("C.") else first
    return SOURCE_LANGUAGE


_ui = translation(SOURCE_LANGUAGE)
_ui_language = SOURCE_LANGUAGE


def set_ui_language(lang: str | None) -> str:
    """Choose the interface language (None: from the locale); returns the one in effect."""
    global _ui, _ui_language
    _ui_language = resolve(lang or locale_language())
    _ui = translation(_ui_language)
    return _ui_language


def ui_language() -> str:
    return _ui_language


def _(message: str) -> str:
    """`message` in the interface language."""
    return _ui.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a counted message for `n`, by the interface language's plural rules."""
    return _ui.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return _ui.pgettext(context, message)


def N_(message: str) -> str:
    """Mark `message` for the catalog; it is translated where it is shown."""
    return message


def NP_(context: str, message: str) -> tuple[str, str]:
    """Mark `message` with its context (the same English words can need two translations)."""
    return context, message


def NNP_(context: str, singular: str, plural: str) -> tuple[str, str, str]:
    """Mark a counted message with its context."""
    return context, singular, plural


def kind_label(kind: str) -> str:
    """A contribution's kind ("idea", "concern"…) in the interface language."""
    return _ui.pgettext("kind", kind)


def role_label(role: str) -> str:
    """A role in the app ("facilitator", "note-taker") in the interface language."""
    return _ui.pgettext("role", role)


# Words the code names by value (an enum's), listed so the catalog has them.
_BY_VALUE = (
    NP_("role", "facilitator"),
    NP_("role", "note-taker"),
    NP_("activity", "plenary"),
    NP_("activity", "brainstorm"),
    NP_("activity", "discussion"),
    NP_("activity", "purpose-statement"),
    NP_("activity", "task-ranking"),
    NP_("activity", "break"),
    NP_("activity", "wrap-up"),
    NP_("consent", "named"),
    NP_("consent", "anonymous"),
    NP_("consent", "off-record"),
)


def nformat(n: int, singular: str, plural: str) -> str:
    """`n` counted in the interface language: nformat(2, "{n} dot", "{n} dots") -> "2 dots"."""
    return _ui.ngettext(singular, plural, n).format(n=n)


def NN_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a counted message for the catalog; `nformat(n, *pair)` shows it."""
    return singular, plural
