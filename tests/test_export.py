"""Exports: golden files, consent, Borda, coverage, and user text that tries to escape its slot."""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
from pathlib import Path

import mwparserfromhell
import pytest
from markdown_it import MarkdownIt

from hubworkshop.domain.ranking import across_rooms, borda
from hubworkshop.domain.records import Draft
from hubworkshop.reports.data import to_csv
from hubworkshop.reports.document import md_escape, plain_text
from hubworkshop.reports.formats import FORMATS, render
from hubworkshop.reports.labels import plural
from hubworkshop.reports.scope import ExportRequest
from hubworkshop.reports.wikitext import escape_wikitext
from hubworkshop.storage import Store
from markdown_to_wikitext import to_wikitext as markdown_to_wikitext
from markdown_to_wikitext import without_folds
from workshop_fixture import build

GOLDEN = Path(__file__).with_name("golden")
UPDATE = os.environ.get("HUBWORKSHOP_UPDATE_GOLDEN") == "1"


EVENT_PAGE = (
    "https://meta.wikimedia.org/wiki/Hubs/Workshop_November_27,_2021"  # the bundled plan's url
)


@pytest.fixture
def workshop(tmp_path, hubs_plan):
    with build(tmp_path / "fixture.db", hubs_plan) as store:
        yield store


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    assert path.read_bytes().decode("utf-8") == text, f"{name} differs from its golden file"


@pytest.mark.parametrize(
    ("name", "fmt", "scope"),
    [
        ("workshop.md", "markdown", {}),
        ("workshop-attributed.md", "markdown", {"attribute": True}),
        ("workshop.wiki", "wikitext", {}),
        ("workshop-fr.wiki", "wikitext", {"lang": "fr", "attribute": True}),
        ("room-lifecycle.md", "markdown", {"room": "lifecycle"}),
        ("room-lifecycle-fr.wiki", "wikitext", {"room": "lifecycle", "lang": "fr"}),
        ("theme-value.md", "markdown", {"theme": "value"}),
        ("theme-value-fr.md", "markdown", {"theme": "value", "lang": "fr"}),
        ("workshop.csv", "csv", {}),
        ("workshop.json", "json", {"attribute": True}),
        ("workshop.html", "html", {}),
    ],
)
def test_golden_exports(workshop, name, fmt, scope):
    text = render(fmt, workshop.snapshot(), **scope)
    check_golden(name, text)
    assert render(fmt, workshop.snapshot(), **scope) == text  # deterministic


@pytest.mark.parametrize(
    "scope",
    [{}, {"attribute": True, "lang": "fr"}, {"room": "lifecycle"}, {"theme": "value"}],
)
def test_wikitext_says_what_the_markdown_says(workshop, scope):
    """Parsing the Markdown with markdown-it-py and walking its tree gives the same wikitext."""
    markdown = render("markdown", workshop.snapshot(), **scope)
    wikitext = render("wikitext", workshop.snapshot(), **scope)
    assert markdown_to_wikitext(markdown) == without_folds(wikitext)


def test_exports_change_nothing(workshop):
    before = workshop.db.execute("SELECT total_changes()").fetchone()[0]
    events = len(workshop.events.all())
    for fmt in FORMATS:
        render(fmt, workshop.snapshot(), attribute=True)
    assert workshop.db.execute("SELECT total_changes()").fetchone()[0] == before
    assert len(workshop.events.all()) == events


def test_consent_in_summaries(workshop):
    anonymous = render("markdown", workshop.snapshot())
    attributed = render("markdown", workshop.snapshot(), attribute=True)
    for name in ("Amina Diallo", "Li Wei", "Layla", "Kwame", "Secret Sam"):
        assert name not in anonymous
    assert "**Amina Diallo:** Hubs bring decisions closer" in attributed
    assert "**Li Wei:**" in attributed
    assert "Kwame" not in attributed  # anonymous, even with --attribute
    for text in (anonymous, attributed):
        assert "This stays between us" not in text  # off the record
        assert "**Withheld contributions:** 1" in text


def test_borda_across_three_rooms_matches_the_hand_count(workshop):
    roles = [r.id for r in workshop.catalog.roles()]
    scores, orders = across_rooms(workshop.rankings.all(), roles)
    assert [(s.role, s.points, s.rank, s.tied) for s in scores] == [
        # 11 roles: first place earns 10 points; each room's order is one ballot
        ("funding", 28, 1, False),
        ("capacity-building", 27, 2, False),
        ("coordination", 23, 3, False),
        ("legal-support", 22, 4, False),
        ("mentorship", 14, 5, False),
        ("grant-making", 9, 6, True),
        ("evaluation", 9, 6, True),
        ("technology", 5, 8, True),
        ("intermediary", 5, 8, True),
        ("knowledge-sharing", 0, 10, True),  # no room ranked them
        ("governance", 0, 10, True),
    ]
    assert orders["overlap"] == ["coordination", "funding", "capacity-building", "legal-support"]
    summary = render("markdown", workshop.snapshot())
    assert "- **1.** Funding — 28 points" in summary
    assert "- **6.** Grant-making — 9 points (tie)" in summary


def test_borda_abstentions_earn_nothing():
    scores = borda([["a", "b"], ["b"]], ["a", "b", "c"])
    assert [(s.role, s.points, s.ballots) for s in scores] == [
        ("b", 3, 2),
        ("a", 2, 1),
        ("c", 0, 0),
    ]


def test_coverage_uses_the_event_log(workshop):
    summary = render("markdown", workshop.snapshot())
    open_questions = summary[summary.index("### Open questions") : summary.index("## Discussion")]
    assert "Questions no room reached" in open_questions
    assert "(support.trainers)" in open_questions  # nobody discussed it
    assert "(value.benefit)" not in open_questions  # room 1 did
    # value.benefit was open in room 1 from the first timer start until it moved on.
    assert "*Discussed in: Room 1: Value and minimum roles (" in summary


def test_csv_is_one_row_per_contribution_and_safe_in_spreadsheets(workshop):
    workshop.contributions.add(Draft("value", '=HYPERLINK("http://evil")', kind="idea"))
    rows = list(csv.DictReader(io.StringIO(to_csv(workshop.snapshot(), ExportRequest()))))
    assert len(rows) == len(workshop.contributions.find()) - 1  # the off-the-record one is left out
    formula = next(r for r in rows if "HYPERLINK" in r["text"])
    assert formula["text"].startswith("'=")
    arabic = next(r for r in rows if r["language"] == "ar")
    assert arabic["text"] == "يجب أن تتعاون المراكز بدلاً من التنافس"
    assert all(r["author"] == "" for r in rows)


def test_csv_cells_show_control_characters_rather_than_carry_them(workshop):
    """`cat workshop.csv` in a terminal must not clear it, retitle it or reverse what
    follows: ESC, BEL, NUL and bidi overrides are written as visible escapes; a line break
    stays (the cell is quoted)."""
    workshop.contributions.add(Draft("value", "red\x1b[2J\x07bell\x00\u202eevil\nnext line"))
    text = to_csv(workshop.snapshot(), ExportRequest())
    assert not any(ch in text for ch in "\x1b\x07\x00\u202e")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["text"].startswith("red"))
    assert row["text"] == "red\\x1b[2J\\x07bell\\x00\\u202eevil\nnext line"


@pytest.mark.parametrize("lead", [" ", "\n", "\u00a0", "\u200b", "\ufeff", " \u200b\u00a0", ""])
@pytest.mark.parametrize("formula", ["=1+1", "+1", "-1", "@SUM(A1)"])
def test_csv_guard_sees_formulas_behind_spaces_and_invisible_characters(workshop, lead, formula):
    workshop.contributions.add(
        Draft("value", f"x{lead}{formula}", kind="idea", tags=(f"{lead.strip()}{formula}",))
    )
    workshop.contributions.add(Draft("value", f"{lead}{formula}", kind="idea"))
    text = to_csv(workshop.snapshot(), ExportRequest())
    rows = list(csv.DictReader(io.StringIO(text)))
    cells = [row[field] for row in rows for field in ("text", "tags")]
    for cell in cells:
        visible = cell.lstrip(" \n\u00a0\u200b\ufeff")
        assert not visible.startswith(("=", "+", "-", "@")), repr(cell)
    assert any(cell.startswith("'") and cell.endswith(formula) for cell in cells)


INJECTIONS = [
    "# heading?",
    "## not a heading either",
    "- not a list",
    "1. not a numbered list",
    "> not a quote",
    "    indented code?",
    "```fenced```",
    "`code span`",
    "**bold** _em_ ~~strike~~",
    "[link](http://example.org) ![image](http://example.org/x.png)",
    "<http://example.org> https://example.org www.example.org",
    "<b>html</b> <script>alert(1)</script> <!-- comment -->",
    "&amp; &lt;tag&gt; &#123;",
    "| a | table | row |",
    "---",
    "line one\nline two\n\n# after a blank line",
    "trailing backslash \\",
    "[[Category:Hubs]] [[Main Page|a link]]",
    "{{Template|x=1}} {{subst:CURRENTYEAR}} {{{param}}}",
    "~~~~ and ~~~ and ~~~~~",
    "__NOTOC__ __FORCETOC__ __NOINDEX__",
    '{| class="wikitable"\n|-\n| cell\n|}',
    "</nowiki> <nowiki> </pre> <pre>",
    "'''bold''' ''italic''",
    "; term : definition",
    ":indented",
    "* star list",
    "== heading ==",
    "ISBN 978-3-16-148410-0 RFC 1234 PMID 12345",
    "mailto:someone@example.org",
    "-{zh-hans:foo; zh-hant:bar}-",
    "[bold]rich[/bold] [@click=app.quit]x[/]",
    "\x1b[31mred\x1b[0m \x07 bell",
    "מה דעתכם? \u202eevil\u202c right-to-left",
    "مرحبا [[Link]] ~~~~",
    "👩🏽‍💻 emoji 中文 日本語",
]


@pytest.fixture
def hostile(tmp_path, hubs_plan):
    with Store.open(tmp_path / "hostile.db", hubs_plan) as store:
        for text in INJECTIONS:
            store.contributions.add(Draft("value", text, question="value.benefit"))
        store.participants.save("[[User:Mallory]] ~~~~", "named")
        store.contributions.add(Draft("value", "named hostile", author="[[User:Mallory]] ~~~~"))
        yield store


def _markdown_texts(markdown: str) -> tuple[list[str], set[str]]:
    tokens = MarkdownIt("js-default").parse(markdown)
    texts, types = [], set()
    for token in tokens:
        types.add(token.type)
        for child in token.children or []:
            types.add(child.type)
            if child.type == "text":
                texts.append(child.content)
    return texts, types


def test_hostile_wikitext_says_what_the_markdown_says(hostile):
    markdown = render("markdown", hostile.snapshot(), attribute=True)
    wikitext = render("wikitext", hostile.snapshot(), attribute=True)
    assert markdown_to_wikitext(markdown) == without_folds(wikitext)


def test_markdown_keeps_user_text_in_its_slot(hostile):
    markdown = render("markdown", hostile.snapshot(), attribute=True)
    texts, types = _markdown_texts(markdown)
    joined = "\n".join(texts)
    for text in INJECTIONS:
        assert plain_text(text) in joined, text
    # The one link is the event page, from the plan: never from what people said.
    assert markdown.count("](<") == 1 and f"](<{EVENT_PAGE}>)" in markdown
    assert not types & {
        "image",
        "html_inline",
        "html_block",
        "code_inline",
        "fence",
        "code_block",
        "blockquote_open",
        "s_open",
        "hr",
    }
    headings = [line for line in markdown.splitlines() if line.startswith("#")]
    assert all("heading?" not in h and "not a heading" not in h for h in headings)


@pytest.mark.parametrize("text", INJECTIONS)
def test_markdown_escape_renders_back_to_the_same_text(text):
    rendered = MarkdownIt("js-default").render(f"- {md_escape(text)}")
    expected = html.escape(plain_text(text), quote=False).replace('"', "&quot;")
    assert rendered == f"<ul>\n<li>{expected}</li>\n</ul>\n"


def test_wikitext_keeps_user_text_in_its_slot(hostile):
    wikitext = render("wikitext", hostile.snapshot(), attribute=True)
    code = mwparserfromhell.parse(wikitext)
    assert not code.filter_templates()
    assert not code.filter_wikilinks()
    assert [str(link.url) for link in code.filter_external_links()] == [EVENT_PAGE]
    assert {str(tag.tag) for tag in code.filter_tags()} <= {
        "bdi",
        "table",
        "tr",
        "th",
        "td",
        "li",
        "dt",
        "dd",
        "b",
        "i",
        "div",  # only our own collapsible folds:
    }
    assert {str(t.get("class").value) for t in code.filter_tags() if str(t.tag) == "div"} == {
        "mw-collapsible mw-collapsed"
    }
    for forbidden in (
        "~~~~",
        "~~~",
        "__NOTOC__",
        "__FORCETOC__",
        "</nowiki>",
        "<nowiki>",
        "{{",
        "[[",
        "://",
        "ISBN 9",
    ):
        assert forbidden not in wikitext.replace(EVENT_PAGE, ""), forbidden
    headings = [str(h.title).strip() for h in code.filter_headings()]
    assert all("heading" not in h for h in headings), headings
    unescaped = html.unescape(wikitext)
    for text in INJECTIONS:
        assert plain_text(text) in unescaped, text
    assert "[[User:Mallory]] ~~~~" in unescaped


def test_wikitext_structure_follows_meta_conventions(workshop):
    wikitext = render("wikitext", workshop.snapshot())
    code = mwparserfromhell.parse(wikitext)
    headings = [(h.level, str(h.title).strip()) for h in code.filter_headings()]
    assert {level for level, _ in headings} == {2, 3}  # one level apart; questions are bold
    top = [title for level, title in headings if level == 2]
    assert top[:2] == ["Outcomes", "Discussion by theme"]  # what was concluded, then how
    assert len(headings) <= 20  # a table of contents short enough to read
    assert wikitext.count('<div class="mw-collapsible mw-collapsed">') == wikitext.count("</div>")
    assert (
        "[https://meta.wikimedia.org/wiki/Hubs/Workshop_November_27,_2021 Event page]" in wikitext
    )
    assert '{| class="wikitable"' in wikitext and "\n|}" in wikitext
    assert "\n* '''Date:''' 2021-11-27" in wikitext
    assert "<bdi>يجب أن تتعاون المراكز بدلاً من التنافس</bdi>" in wikitext


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a ~~~~ b", "a ~~&#126;~ b"),
        ("__NOTOC__", "_&#95;NOTOC_&#95;"),
        ("</nowiki>", "&#60;/nowiki&#62;"),
        ("# x", "&#35; x"),
        ("http://x", "http&#58;//x"),
    ],
)
def test_escape_wikitext(text, expected):
    assert escape_wikitext(text) == expected


def test_cli_exports(cli, tmp_path, hubs_plan):
    db = tmp_path / "fixture.db"
    build(db, hubs_plan).close()
    out = tmp_path / "summary.wiki"
    result = cli("export", "--format", "wikitext", "--room", "value", "-o", str(out), db=db)
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("'''Hubs workshop")
    assert "== Discussion by theme ==" in out.read_text(encoding="utf-8")
    french = cli("export", "--lang", "fr", "--theme", "lifecycle", db=db)
    assert "## Discussion par thème" in french.stdout
    assert json.loads(cli("export", "--format", "json", db=db).stdout)["withheld"] == 1
    bad = cli("export", "--theme", "nope", db=db)
    assert bad.returncode == 2 and "unknown theme 'nope'" in bad.stderr
    both = cli("export", "--theme", "value", "--room", "value", db=db)
    assert both.returncode == 2 and "not both" in both.stderr


def test_every_number_in_the_outcomes_comes_from_the_record(workshop):
    """Change a vote and a room's ranking: the outcomes say so, figures and reading alike."""

    def outcomes() -> str:
        summary = render("markdown", workshop.snapshot())
        return summary[summary.index("## Outcomes") : summary.index("## Discussion")]

    before = outcomes()
    assert "**3 dots** *concern:* Un hub pourrait devenir un guichet obligatoire" in before
    assert "Funding (28 of 30 points)" in before
    gatekeeper = next(
        c for c in workshop.contributions.find() if c.text.startswith("Un hub pourrait")
    )
    workshop.votes.open(gatekeeper.room)
    workshop.votes.add(gatekeeper.id, participant="Kwame")
    roles = [r.id for r in workshop.catalog.roles()]
    workshop.rankings.record("lifecycle", list(reversed(roles)))  # funding now last there
    after = outcomes()
    assert "**4 dots** *concern:* Un hub pourrait devenir un guichet obligatoire" in after
    assert "Funding (28 of 30 points)" not in after
    scores = {s.role: s.points for s in across_rooms(workshop.rankings.all(), roles)[0]}
    assert f"Funding — {scores['funding']} points" in after


def test_export_never_destroys_a_file(cli, tmp_path, hubs_plan):
    """The database, by any path that leads to it, is refused; an existing file is replaced
    only with --force; the attributed archive is readable by its owner only."""
    db = tmp_path / "workshop.db"
    build(db, hubs_plan).close()
    original = db.read_bytes()
    (tmp_path / "link.db").symlink_to(db)
    for target in (db, tmp_path / "." / "workshop.db", tmp_path / "link.db"):
        refused = cli("export", "-o", str(target), db=db)
        assert refused.returncode == 2 and "database" in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr
    refused = cli("export", "-o", f"{db}-wal", "--force", db=db)
    assert refused.returncode == 2
    assert db.read_bytes() == original
    with Store.open(db) as store:
        assert store.integrity_check() == "ok"

    summary = tmp_path / "summary.md"
    summary.write_text("mine", encoding="utf-8")
    kept = cli("export", "-o", str(summary), db=db)
    assert kept.returncode == 2 and "already exists" in kept.stderr
    assert summary.read_text(encoding="utf-8") == "mine"
    replaced = cli("export", "-o", str(summary), "--force", db=db)
    assert replaced.returncode == 0, replaced.stderr
    assert summary.read_text(encoding="utf-8").startswith("# Hubs workshop")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # nothing left over

    archive = tmp_path / "archive.json"
    assert (
        cli("export", "--format", "json", "--attribute", "-o", str(archive), db=db).returncode == 0
    )
    assert archive.stat().st_mode & 0o777 == 0o600
    public = tmp_path / "public.json"
    assert cli("export", "--format", "json", "-o", str(public), db=db).returncode == 0
    assert public.stat().st_mode & 0o044  # readable by others, as the umask allows

    dash = cli("export", "-o", "-", db=db, cwd=tmp_path)
    assert dash.returncode == 0 and dash.stdout.startswith("# Hubs workshop")
    assert not (tmp_path / "-").exists()


def test_a_database_path_that_is_no_file_is_refused(cli, tmp_path):
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    result = cli("list", db=fifo)  # would hang if it were read
    assert result.returncode == 2 and "not a regular file" in result.stderr
    added = cli("add", "--room", "value", "x", db=fifo)  # its language helper must not read it
    assert added.returncode == 2 and "not a regular file" in added.stderr
    folder = cli("list", db=tmp_path)
    assert folder.returncode == 2 and "folder" in folder.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.db"]  # no side files made


@pytest.mark.parametrize("fmt", ["markdown", "wikitext"])
def test_a_rooms_summary_is_about_that_room(workshop, fmt):
    room = workshop.catalog.room("value")
    others = {q for r in workshop.catalog.rooms().values() if r.id != "value" for q in r.questions}
    text = render(fmt, workshop.snapshot(), room="value")
    for question in others - set(room.questions):
        assert f"({question})" not in text, question  # not "a question no room reached"
    theme_titles = {t.id: t.title.get_text("en") for t in workshop.snapshot().themes}
    room_themes = {q.split(".")[0] for q in room.questions}
    if fmt == "markdown":  # the counts table has a row per theme of the room, no other
        for theme, title in theme_titles.items():
            assert (f"| {title} |" in text) is (theme in room_themes), title
    speakers = {c.author for c in workshop.contributions.find(room="value") if c.author}
    shown = {
        c.author
        for c in workshop.contributions.find(room="value")
        if c.author and c.consent.value != "off-record"
    }
    assert f"{plural('en', 'participants', len(shown))}," in text
    assert shown <= speakers


def test_a_themes_archive_holds_no_rooms_outcomes(workshop):
    document = json.loads(render("json", workshop.snapshot(), theme="value", attribute=True))
    assert document["purpose_statements"] == [] and document["takeaways"] == {}
    assert document["task_ranking"]["scores"] == [] and document["task_ranking"]["rooms"] == {}
    spoke = {c["author"] for c in document["contributions"]}
    assert document["participants"]["count"] >= len(spoke - {None})
    assert document["participants"]["count"] < len(workshop.participants.all())
    room = json.loads(render("json", workshop.snapshot(), room="value"))
    assert {p["room"] for p in room["purpose_statements"]} <= {"value"}
    assert set(room["takeaways"]) == {"value"}


def test_a_question_with_no_time_shows_no_minutes(workshop):
    """Points added from the command line to a question no room's clock showed."""
    room = workshop.catalog.room("overlap")
    unseen = next(q for q in room.questions if q != workshop.rooms.state("overlap").question)
    workshop.contributions.add(Draft("overlap", "Added from a script", question=unseen))
    text = render("markdown", workshop.snapshot())
    assert not re.search(r"\b0 min", text)


def test_a_summary_marks_what_was_said_in_another_language(store):
    store.contributions.add(Draft("value", "Hubs could become gatekeepers", language="en"))
    store.contributions.add(Draft("value", "Les hubs pourraient devenir des guichets"))
    english = render("markdown", store.snapshot())
    french = render("markdown", store.snapshot(), lang="fr")
    assert "Les hubs pourraient devenir des guichets *(fr)*" in english
    assert "Hubs could become gatekeepers *(en)*" in french
    assert "gatekeepers *(en)*" not in english and "guichets *(fr)*" not in french
