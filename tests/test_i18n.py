"""The catalogs: every marked message is in the template, every catalog translates all of it
without dropping a placeholder, and the compiled files are the catalogs' current text."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from hubworkshop.domain import i18n
from hubworkshop.reports.labels import LABELS, plural, summary_language

SRC = Path(i18n.__file__).resolve().parent.parent
LOCALE = SRC / "locale"
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "N_": None,
    "NP_": ((1, "c"), 2),
    "NNP_": ((1, "c"), 2, 3),
    "nformat": (2, 3),
    "NN_": (1, 2),
}
CATALOGS = sorted(LOCALE.glob("*/LC_MESSAGES/hubworkshop.po"))
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}|%(?:\([a-z_]+\))?[sd]")


def key(context: str | None, message: str | tuple[str, ...]) -> tuple[str | None, str]:
    return context, message if isinstance(message, str) else message[0]


def extracted() -> set[tuple[str | None, str]]:
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        SRC, [("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(key(context, message))
    return found


def read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def test_the_template_holds_every_marked_message():
    template = {key(m.context, m.id) for m in read(LOCALE / "hubworkshop.pot") if m.id}
    in_code = extracted()
    assert in_code - template == set(), "run ./dev i18n: messages missing from the template"
    assert template - in_code == set(), "run ./dev i18n: the template has messages no code uses"


def test_there_is_a_french_catalog():
    assert LOCALE / "fr" / "LC_MESSAGES" / "hubworkshop.po" in CATALOGS


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parent.parent.name)
def test_every_message_is_translated_with_its_placeholders(path):
    catalog = read(path)
    template = {key(m.context, m.id) for m in read(LOCALE / "hubworkshop.pot") if m.id}
    translated = {}
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, f"{path}: fuzzy: {message.id!r}"
        forms = [message.string] if isinstance(message.string, str) else list(message.string)
        assert all(forms), f"{path}: not translated: {message.id!r}"
        sources = [message.id] if isinstance(message.id, str) else list(message.id)
        wanted = set(PLACEHOLDER.findall(" ".join(sources)))
        for form in forms:
            assert set(PLACEHOLDER.findall(form)) == wanted, (
                f"{path}: {message.id!r}: the translation {form!r} changes the placeholders"
            )
            # Nor may a translation bring markup brackets the English has not.
            assert form.count("[") <= sum(s.count("[") for s in sources), (
                f"{path}: {message.id!r}: the translation {form!r} adds a bracket"
            )
        translated[key(message.context, message.id)] = forms
    assert template - set(translated) == set(), f"{path}: messages missing; run ./dev i18n"


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parent.parent.name)
def test_the_compiled_catalog_is_current(path):
    compiled = io.BytesIO()
    write_mo(compiled, read(path))
    assert path.with_suffix(".mo").read_bytes() == compiled.getvalue(), (
        f"{path.with_suffix('.mo')} is older than its catalog: run ./dev i18n"
    )


def test_fallback_chains():
    assert i18n.chain("pt-BR") == ["pt_BR", "pt"]
    assert i18n.chain("fr_CA.UTF-8") == ["fr_CA", "fr"]
    assert i18n.chain("") == []
    assert i18n.resolve("fr-CA") == "fr"
    assert i18n.resolve("pt-BR") == "en"  # no Portuguese catalog yet: English
    assert summary_language("fr_FR.UTF-8") == "fr"
    assert i18n.locale_language({"LANG": "fr_FR.UTF-8"}) == "fr_FR.UTF-8"
    assert i18n.locale_language({"LANGUAGE": "de:fr", "LANG": "en_US"}) == "de"
    assert i18n.locale_language({"LC_ALL": "C.UTF-8", "LANG": "fr_FR"}) == "en"
    assert i18n.locale_language({}) == "en"


def test_summary_words_follow_each_languages_plural_rules():
    # French says one for 0 and 1; English for 1 only (CLDR, through the catalog).
    assert plural("fr", "rooms", 0) == "0 salle de discussion"
    assert plural("fr", "rooms", 2) == "2 salles de discussion"
    assert plural("en", "rooms", 0) == "0 breakout rooms"
    assert plural("en", "rooms", 1) == "1 breakout room"
    assert LABELS["fr"]["tie"] == "égalité" and LABELS["fr"]["points"] == "points"
    assert LABELS["de"] == LABELS["en"]  # no German catalog: English


def test_the_command_lines_help_texts_are_in_the_catalog():
    """`_help_messages.py` lists every help text of the command line (./dev i18n makes it)."""
    from hubworkshop.cli.help_catalog import GENERATED, generated_module
    from hubworkshop.cli.main import cli

    assert GENERATED.read_text(encoding="utf-8") == generated_module(cli), "run ./dev i18n"


def test_help_in_french(tmp_path):
    import subprocess
    import sys

    env = {"LANG": "fr_FR.UTF-8", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    shown = subprocess.run(
        [sys.executable, "-m", "hubworkshop", "add", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    assert "Enregistre une contribution" in shown and "Identifiant de la salle" in shown
    english = subprocess.run(
        [sys.executable, "-m", "hubworkshop", "--ui-lang", "en", "add", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    assert "Store a contribution" in english


ARABIC = "المراكز مسؤولة"  # "hubs are accountable", stored in logical order


@pytest.mark.parametrize("bidi", [False, True])
async def test_bidi_shows_right_to_left_text_in_visual_order_only_on_screen(store, bidi):
    from bidi import get_display

    from hubworkshop.domain.records import Draft
    from hubworkshop.tui.app import HubworkshopApp
    from test_tui import screen_text, settle

    said = store.contributions.add(Draft("value", ARABIC, author="Layla"))
    app = HubworkshopApp(store, room="value", user_name="Asaf", bidi=bidi)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        shown = screen_text(app)
    visual = get_display(ARABIC)
    assert visual != ARABIC
    assert (visual in shown) is bidi and (ARABIC in shown) is not bidi
    assert store.contributions.get(said.id).text == ARABIC  # the record keeps logical order


def test_french_keys_and_words_in_the_room(store):
    """The interface language changes the footer's words and the room's, not the data."""
    import asyncio

    from hubworkshop.domain.i18n import set_ui_language
    from hubworkshop.domain.records import Draft
    from hubworkshop.tui.app import HubworkshopApp
    from test_tui import footer_keys, screen_text, settle

    store.contributions.add(Draft("value", "hubs need funding", kind="concern"))

    async def look() -> tuple[list[str], str]:
        app = HubworkshopApp(store, room="value", user_name="Asaf")
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            return footer_keys(app), screen_text(app)

    set_ui_language("fr")
    try:
        keys, text = asyncio.run(look())
    finally:
        set_ui_language("en")
    assert "Quitter" in keys and "Aide" in keys and "Quit" not in keys
    assert "préoccupation" in text and "hubs need funding" in text
    keys, text = asyncio.run(look())
    assert "Quit" in keys and "concern" in text


def test_a_banks_texts_fall_back_along_the_chain_too():
    from hubworkshop.domain.model import LocalText

    text = LocalText({"en": "Why hubs?", "pt": "Por que hubs?"}, "en")
    assert text.get_text("pt-BR") == "Por que hubs?"  # pt-BR -> pt
    assert text.get_text("pt_BR") == "Por que hubs?"
    assert text.get_text("fr") == "Why hubs?"  # -> the bank's first language


def test_the_start_screens_keys_are_in_french_in_a_real_terminal(db_path, hubs_plan, tmp_path):
    """The start screen's module loads after the app has translated the keys: its own keys
    (F1 Help) stayed in English in the footer of a French app, which only a fresh process
    shows (in this suite the module is loaded long before)."""
    import fcntl
    import struct
    import sys
    import termios

    from hubworkshop.storage import Store
    from test_line import Terminal

    Store.open(db_path, hubs_plan).close()
    env = {
        **os.environ,
        "HUBWORKSHOP_DB": str(db_path),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "HUBWORKSHOP_UI_LANG": "fr",
        "TERM": "xterm-256color",
    }
    term = Terminal([sys.executable, "-m", "hubworkshop", "--start"], env)
    try:
        fcntl.ioctl(term.master, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
        term.wait_for("Tableau de bord")  # the footer's last key: the footer is drawn
        assert b"Aide" in term.seen and b"Help" not in term.seen
    finally:
        term.close()
