"""`export --format html`: one page that loads nothing, outcomes first, the task ranking and
the most-voted points as inline SVG bar charts with their numbers beside them, print-ready on
A4; user text is text. Checked as text, then in Debian's chromium (selenium): a screenshot,
a print to PDF (`Page.printToPDF`), and hostile text rendered as text."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from hubworkshop.domain.records import Draft
from hubworkshop.reports.formats import render
from test_browser import browser, need_browser
from test_export import INJECTIONS
from workshop_fixture import build

HOSTILE = [
    *INJECTIONS,
    "</style><script>document.title='pwned'</script>",
    '"><img src=x onerror="document.title=\'pwned\'">',
    "<svg onload=\"document.title='pwned'\">",
    "]]></text><script>alert(1)</script>",
]


class _Page(HTMLParser):
    """The page's tags, attributes and character data, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.data.append(data)


def parse(page: str) -> _Page:
    parsed = _Page()
    parsed.feed(page)
    return parsed


@pytest.fixture
def workshop(tmp_path, hubs_plan):
    store = build(tmp_path / "fixture.db", hubs_plan)
    yield store
    store.close()


@pytest.fixture
def hostile_store(store):
    store.participants.save("Mallory <b>", "named")
    question = store.rooms.state("value").question
    store.votes.open("value", dots=10)
    for i, said in enumerate(HOSTILE):
        c = store.contributions.add(Draft("value", said, question=question, author="Mallory <b>"))
        if i < 6:
            store.votes.add(c.id, participant="Mallory <b>")
    store.purposes.add("value", "<script>alert('purpose')</script>", final=True)
    return store


def test_the_page_loads_nothing_and_says_so(workshop):
    page = render("html", workshop.snapshot())
    parsed = parse(page)
    tags = {tag for tag, _attrs in parsed.tags}
    assert "script" not in tags and "img" not in tags and "link" not in tags
    assert "iframe" not in tags and "object" not in tags
    csp = next(
        a["content"] for t, a in parsed.tags if a.get("http-equiv") == "Content-Security-Policy"
    )
    assert "default-src 'none'" in csp and "script-src 'none'" in csp
    assert "unsafe-inline" not in csp
    # nothing from elsewhere: the one address is the plan's event page, a link
    hrefs = [a.get("href") for t, a in parsed.tags if t == "a"]
    addresses = set(re.findall(r"(?:src|href)=\"([^\"]*)\"", page))
    assert addresses == set(hrefs) and all(h.startswith("https://") for h in hrefs)
    assert not re.search(r"\bstyle=", page)  # the CSP allows the style sheet by its hash only
    assert "@page" in page and "size: A4" in page and "@media print" in page


def test_outcomes_come_first_and_the_charts_say_what_the_lists_say(workshop):
    page = render("html", workshop.snapshot())
    markdown = render("markdown", workshop.snapshot())
    assert page.index('id="outcomes"') < page.index("Discussion by theme")
    assert page.index("<svg") > page.index('id="outcomes"')
    assert page.count("<svg") == 2  # the ranking and the most-voted points
    ranking, votes = re.findall(r"<svg.*?</svg>", page, re.S)
    # each bar: its rank and label, its number written beside it
    bars = re.findall(r'<text class="label"[^>]*>(\d+)\. ([^<]*)</text>.*?'
                      r'<text class="number"[^>]*>([^<]*)</text>', ranking)  # fmt: skip
    listed = re.findall(r"^- \*\*(\d+)\.\*\* (.*) — (\d+ points?(?: \(tie\))?)$", markdown, re.M)
    assert bars and [(r, label.strip("\u2068\u2069"), n) for r, label, n in bars] == listed
    assert "dots</text>" in votes or "dot</text>" in votes


@pytest.mark.parametrize("attribute", [False, True])
def test_hostile_text_is_only_text(hostile_store, attribute):
    page = render("html", hostile_store.snapshot(), attribute=attribute)
    parsed = parse(page)
    tags = {tag for tag, _attrs in parsed.tags}
    assert tags <= {
        "html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "h3", "h4",
        "p", "ul", "ol", "li", "strong", "em", "a", "table", "thead", "tbody", "tr", "th",
        "td", "div", "bdi", "figure", "figcaption", "svg", "g", "text", "rect",
    }  # fmt: skip
    assert not any(k.startswith("on") for _t, attrs in parsed.tags for k in attrs)
    text = "".join(parsed.data)
    for said in HOSTILE:
        shown = " / ".join(p.strip() for p in said.splitlines() if p.strip())
        shown = re.sub(
            r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", "", shown
        )
        assert shown in text, said
    assert ("Mallory <b>" in text) is attribute


def _png_size(png: bytes) -> tuple[int, int]:
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def test_chromium_shows_the_page_prints_it_on_a4_and_runs_nothing(hostile_store, tmp_path):
    need_browser()
    from selenium.webdriver.common.by import By

    page = tmp_path / "summary.html"
    page.write_text(render("html", hostile_store.snapshot()), encoding="utf-8")
    driver = browser()
    try:
        driver.get(page.as_uri())
        assert driver.title.startswith("Hubs workshop") and "pwned" not in driver.title
        assert driver.execute_script("return document.scripts.length") == 0
        assert driver.find_elements(By.CSS_SELECTOR, "img") == []
        body = driver.find_element(By.TAG_NAME, "body").text
        assert "<script>alert('purpose')</script>" in body
        assert "</style><script>document.title='pwned'</script>" in body
        # the style sheet applies (allowed by its hash): headings are bold, bars are drawn
        assert driver.execute_script(
            "return getComputedStyle(document.querySelector('svg .bar')).fill"
        ) in ("rgb(51, 102, 204)", "rgb(20, 134, 109)")
        bars = driver.execute_script(
            "return [...document.querySelectorAll('svg rect.bar')].map(r => r.getBBox().width)"
        )
        assert bars and max(bars) > 0
        shot = driver.get_screenshot_as_png()
        (tmp_path / "summary.png").write_bytes(shot)
        assert shot[:8] == b"\x89PNG\r\n\x1a\n" and _png_size(shot)[0] > 0
        printed = driver.execute_cdp_cmd(
            "Page.printToPDF",
            {"paperWidth": 8.27, "paperHeight": 11.69, "preferCSSPageSize": True},
        )
        pdf = base64.b64decode(printed["data"])
        (tmp_path / "summary.pdf").write_bytes(pdf)
        assert pdf.startswith(b"%PDF")
        boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
        assert boxes, "no page in the PDF"
        for width, height in boxes:  # A4 is 595 x 842 points
            assert abs(float(width) - 595.3) < 2 and abs(float(height) - 841.9) < 2
    finally:
        driver.quit()


def test_export_command_writes_the_page(cli, tmp_path, hubs_plan):
    build(tmp_path / "fixture.db", hubs_plan).close()
    out = tmp_path / "summary.html"
    done = cli("export", "--format", "html", "-o", str(out), db=tmp_path / "fixture.db")
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert Path(out).stat().st_size > 10_000


async def test_the_room_s_ranking_chart_and_the_html_one_say_the_same(workshop):
    from textual.widgets import Static

    from test_tui import room_app, settle

    page = render("html", workshop.snapshot())
    ranking = re.findall(r"<svg.*?</svg>", page, re.S)[0]
    drawn = [
        (int(rank), label, int(number))
        for rank, label, number in re.findall(
            r'<text class="label"[^>]*>(\d+)\. \u2068([^<]*)\u2069</text>.*?'
            r'<text class="number"[^>]*>(\d+) points?',
            ranking,
        )
    ]
    app = room_app(workshop, room="value", role="facilitator")
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        app.screen.action_ranking()
        await settle(pilot)
        chart = str(app.screen.query_one("#chart", Static).render())
    shown = [
        (int(m[1]), m[2].strip(), int(m[3]))
        for m in re.finditer(r"^\s*(\d+)\. (.{1,34}?)\s+█*\s*(\d+)(?: =)?\s*$", chart, re.M)
    ]
    assert len(shown) == len(drawn) > 3
    for (rank, label, points), (h_rank, h_label, h_points) in zip(shown, drawn, strict=True):
        assert (rank, points) == (h_rank, h_points)
        assert h_label.startswith(label)


def test_the_page_s_language_is_its_headings(workshop):
    assert '<html lang="fr">' in render("html", workshop.snapshot(), lang="fr")
    assert '<html lang="en">' in render("html", workshop.snapshot())


def test_a_page_in_a_language_without_a_catalog_says_its_headings_are_english(tmp_path):
    from hubworkshop.sources.bundled import bundled_plan
    from hubworkshop.sources.plan import read_plan
    from hubworkshop.storage import Store

    plan = read_plan(bundled_plan("community-conversation-2026"))
    with Store.open(tmp_path / "c.db", plan) as store:
        page = render("html", store.snapshot(), lang="es")
    assert '<html lang="en">' in page and "Spanish" in page
