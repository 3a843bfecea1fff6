"""Property-based tests: no input makes a parser raise anything but our own error with a
line, and no user text escapes its slot in an export."""

from __future__ import annotations

import html
import re
import tempfile
from pathlib import Path

import mwparserfromhell
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from conftest import examples
from hubworkshop.domain.capture import Capture, compose_capture, parse_capture
from hubworkshop.domain.model import Contribution, Kind
from hubworkshop.reports.document import (
    bullets,
    em,
    heading,
    label,
    md_escape,
    plain_text,
    strong,
    table,
    to_markdown,
)
from hubworkshop.reports.document import text as text_span
from hubworkshop.reports.wikitext import to_wikitext
from hubworkshop.sources.bank import load_bank
from hubworkshop.sources.plan import load_plan
from hubworkshop.tui.dialogs.contribution import edit_of, form_of, read_form
from markdown_to_wikitext import to_wikitext as markdown_to_wikitext
from markdown_to_wikitext import without_folds

FAST = settings(
    max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Text with the characters markup is made of, plus anything Unicode has.
MARKUP = st.sampled_from(
    [
        *"#*-+=>|[]{}<>!~_`\\&;:'\"/\n\t $@.",
        *("~~~~", "__", "://", "1. ", "$$", "http://", "https://", "www.", "mailto:", "//"),
        *("example.org", "wikimedia.org/wiki/Hubs", "a@b.co", "xn--80ak6aa92e.com", "localhost"),
    ]
)
TEXT = st.lists(st.one_of(MARKUP, st.text(max_size=8)), max_size=30).map("".join)


@FAST
@given(TEXT)
def test_quick_capture_never_raises(raw):
    capture = parse_capture(raw, ["Amina Diallo", "Kwame"])
    assert isinstance(capture.kind, Kind)
    assert "\n" not in "".join(capture.tags)


WORD = st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=10)


@FAST
@given(
    text=st.lists(WORD, min_size=1, max_size=6).map(" ".join),
    kind=st.sampled_from(list(Kind)),
    author=st.one_of(st.none(), st.sampled_from(["Amina Diallo", "Kwame"])),
    tags=st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True), max_size=3, unique=True),
)
def test_recalled_entries_parse_back_to_the_same_contribution(text, kind, author, tags):
    capture = Capture(text, kind, author, tuple(tags))
    again = parse_capture(compose_capture(capture), ["Amina Diallo", "Kwame"])
    assert again == capture


@FAST
@given(TEXT)
def test_markdown_escape_keeps_text_as_text(text):
    rendered = MarkdownIt("js-default").render(f"- {md_escape(text)}")
    expected = html.escape(plain_text(text), quote=False).replace('"', "&quot;")
    assert rendered == (
        f"<ul>\n<li>{expected}</li>\n</ul>\n" if expected else "<ul>\n<li></li>\n</ul>\n"
    )


def _renderers() -> dict[str, MarkdownIt]:
    """The renderers a summary is pasted into: CommonMark, GFM-like with linkify (GitHub's
    autolinks), markdown-it with linkify and dollar math (Discourse)."""
    discourse = MarkdownIt("js-default", {"linkify": True}).enable("linkify").use(dollarmath_plugin)
    return {
        "commonmark": MarkdownIt("commonmark"),
        "gfm-like": MarkdownIt("gfm-like"),
        "linkify+dollarmath": discourse,
    }


RENDERERS = _renderers()


@FAST
@given(TEXT)
def test_markdown_escape_yields_only_text_under_every_renderer(text):
    escaped = md_escape(text)
    for name, renderer in RENDERERS.items():
        blocks = renderer.parse(f"- {escaped}")
        inline = [t for t in blocks if t.type == "inline"]
        children = [child for token in inline for child in token.children or []]
        assert {c.type for c in children} <= {"text"}, (name, escaped, children)
        assert "".join(c.content for c in children) == plain_text(text), name


def _document(text: str) -> list:
    """A user's text in every slot a summary puts it: heading, name, point, room, table cell."""
    return [
        heading(2, label("Heading")),
        bullets(
            [
                [
                    strong(text_span(text), label(":")),
                    label(" "),
                    text_span(text),
                    label(" "),
                    em(label("("), text_span(text), label("; 1234abcd)")),
                ]
            ]
        ),
        table([[label("Question")], [text_span(text)]], [[[text_span(text)], [label("1")]]]),
    ]


@FAST
@given(TEXT)
def test_wikitext_keeps_text_as_text(text):
    document = _document(text)
    wikitext = to_wikitext(document)
    code = mwparserfromhell.parse(wikitext)
    assert not code.filter_templates() and not code.filter_wikilinks()
    assert not code.filter_external_links()
    assert {str(t.tag) for t in code.filter_tags()} <= {
        "bdi",
        "li",
        "b",
        "i",
        "table",
        "tr",
        "th",
        "td",
    }
    assert len(code.filter_headings()) == 1
    assert "~~~" not in wikitext and "__" not in wikitext.replace("_&#95;", "")
    shown = " ".join(html.unescape(wikitext).split())
    assert shown.count(" ".join(plain_text(text).split())) >= 5 or not plain_text(text).strip()
    # The Markdown of the same document, parsed by markdown-it-py, says the same thing.
    assert markdown_to_wikitext(to_markdown(document)) == without_folds(wikitext)


@FAST
@given(st.binary(max_size=400) | TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_bank_parser_reports_instead_of_raising(data):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "bank.md").write_text("# b\n\ntitle: B\nlanguages: en, fr\n", encoding="utf-8")
        (root / "01-x.md").write_bytes(data)
        bank, problems = load_bank(root)
        lines = len(re.split(rb"\r\n|\r|\n", data))  # CommonMark's line endings: \r is one too
        for problem in problems:
            assert problem.line is None or 1 <= problem.line <= lines
        assert bank is not None or problems


@FAST
@given(st.binary(max_size=400) | TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_plan_parser_reports_instead_of_raising(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.toml"
        path.write_bytes(data)
        plan, problems = load_plan(path)
        assert plan is None and problems
        assert all(str(p).startswith(str(path)) for p in problems)


NAME = (
    st.text(alphabet=st.characters(categories=["L", "N", "P", "S", "Zs"]), min_size=1)
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)


@FAST
@given(
    text=TEXT.filter(lambda t: t.strip()),
    kind=st.sampled_from(list(Kind)),
    author=st.one_of(st.none(), NAME),
    tags=st.lists(st.from_regex(r"[^\s#][^\s]{0,8}", fullmatch=True), max_size=3, unique=True),
)
def test_the_edit_form_saved_unchanged_is_the_identity(text, kind, author, tags):
    """Any text (with `@`, `#`, markup, any script), any speaker, any tags: the form shows
    them and gives them back exactly, so saving it unchanged changes nothing."""
    c = Contribution(
        "id", 1, "value", None, kind, text, "en", None, author, None, "nt", "t", "t",
        tags=tuple(sorted(tags)),
    )  # fmt: skip
    assert edit_of(c, read_form(form_of(c))) is None


def test_mentions_find_people_as_they_write_names():
    names = ["Amina Diallo", "Élodie Dupont", "Kwame"]
    assert parse_capture("@Ami hubs should share", names).author == "Amina Diallo"
    decomposed = parse_capture("@E\u0301lodie Dupont: hubs first", names)
    assert (decomposed.author, decomposed.text) == ("Élodie Dupont", "hubs first")
    assert parse_capture("@élodie yes", names).author == "Élodie Dupont"
    assert parse_capture("@Zed a new voice", names).author == "Zed"  # nobody known begins so
    assert parse_capture("@A too short to choose", ["Amina", "Asaf"]).author == "A"


def test_a_new_name_of_several_words_is_taken_whole():
    """A name on no one yet, typed the way note-takers type it: at the end of the line, before
    a colon at its start, or in quotes (any script); in mid-sentence only the first word."""
    known = ["Kwame"]
    cases = {
        "Hubs need funding @José Ñandú": ("José Ñandú", "Hubs need funding"),
        "Hubs need funding @José Ñandú #funding": ("José Ñandú", "Hubs need funding"),
        "@José Ñandú: hubs first": ("José Ñandú", "hubs first"),
        "money first @María José de la Cruz.": ("María José de la Cruz", "money first."),
        'we agree @"ليلى أحمد"': ("ليلى أحمد", "we agree"),
        "@\u201cAna María\u201d says hi": ("Ana María", "says hi"),
        "@José Hubs need money": ("José", "Hubs need money"),
        "@Zed a new voice": ("Zed", "a new voice"),
        "@Kwame Nkrumah said": ("Kwame", "Nkrumah said"),
        "end @Ana de": ("Ana", "end de"),
        # The name ends at punctuation, and no acronym nor "I" is taken for a surname.
        "@Ana: Yes": ("Ana", "Yes"),
        "Good point @Ana, Kwame": ("Ana", "Good point, Kwame"),
        "ok @Ana. Next": ("Ana", "ok. Next"),
        "@Lena: WMF Should Fund It": ("Lena", "WMF Should Fund It"),
        "ping @Lena ASAP": ("Lena", "ping ASAP"),
        "agreed with @Lena WMF": ("Lena", "agreed with WMF"),
        "hubs help @Ana I": ("Ana", "hubs help I"),
        '@"Ana": Yes': ("Ana", "Yes"),
    }
    for typed, (author, text) in cases.items():
        capture = parse_capture(typed, known)
        assert (capture.author, capture.text) == (author, text), typed


def test_a_new_name_of_several_words_is_one_participant(store):
    from hubworkshop.workshop.capture import capture_lines

    captured = capture_lines(
        store, "value", ["Hubs need funding @José Ñandú #funding"], note_taker="nt"
    )
    assert captured.new_people == ["José Ñandú"]
    assert [p.name for p in store.participants.all()] == ["José Ñandú"]
    again = capture_lines(store, "value", ["= @jose nandu agrees"], note_taker="nt")
    assert again.new_people == [] and again.rows[0].author == "José Ñandú"


@settings(max_examples=examples(200), deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.characters(categories=["L", "Zs"]), min_size=1, max_size=20).filter(
            str.strip
        ),
        min_size=1,
        max_size=8,
    ),
    st.data(),
)
def test_a_name_typed_without_accents_or_case_finds_its_person(names, data):
    """Whatever the roster, a person's name typed without its accents, in lower case or
    with other spaces is among the names offered, and nothing offered is not on the
    roster."""
    from hubworkshop.domain.names import reading_order, similar_names

    person = data.draw(st.sampled_from(names))
    typed = "  ".join(reading_order(person).split())
    offered = similar_names(typed, names)
    assert set(offered) <= set(names)
    same = [n for n in names if reading_order(n).split() == reading_order(person).split()]
    assert person in offered or len(same) > 3  # offered: at most three
