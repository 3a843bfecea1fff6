"""The summary as one self-contained HTML page, for the plenary and for print (issue #30).

The same document as the Markdown and the wikitext (`summary.py`), outcomes first, drawn for
people to look at: the task ranking and the most-voted points are inline SVG bar charts, each
bar's number written beside it, so the chart reads the same in a screen reader and on paper.

The page loads nothing: no script, font, image or style sheet from anywhere, and its
Content-Security-Policy says so to the browser (`default-src 'none'`; the one style sheet is
allowed by its SHA-256, so no style attribute or injected `<style>` would apply). Every
piece of text — participants', the plan's and ours — is escaped; participants' words are only
ever character data. `@page` and `@media print` lay it out on A4.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Sequence
from typing import cast

from hubworkshop.domain.ranking import bar_length
from hubworkshop.domain.records import WorkshopRecord
from hubworkshop.reports.document import (
    Block,
    Chart,
    Fold,
    Heading,
    ListBlock,
    Paragraph,
    Spans,
    plain_text,
)
from hubworkshop.reports.labels import summary_language
from hubworkshop.reports.scope import ExportRequest

STYLE = """
:root { color-scheme: light; --ink: #202122; --muted: #54595d; --line: #c8ccd1;
  --bar: #3366cc; --bar-top: #14866d; }
html { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  color: var(--ink); background: #fff; }
body { max-width: 52rem; margin: 2rem auto; padding: 0 1.25rem; }
h1 { font-size: 1.8rem; line-height: 1.2; margin: 0 0 1rem; }
h2 { font-size: 1.4rem; border-bottom: 1px solid var(--line); margin-top: 2.2rem; }
h3 { font-size: 1.15rem; margin-top: 1.6rem; }
ul, ol { padding-left: 1.6rem; }
li { margin: 0.2rem 0; }
em { color: var(--muted); }
table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.9rem; }
th, td { border: 1px solid var(--line); padding: 0.25rem 0.5rem; text-align: left;
  vertical-align: top; }
th { background: #eaecf0; }
figure.chart { margin: 1rem 0 1.4rem; }
figure.chart figcaption { font-weight: 600; margin-bottom: 0.3rem; }
figure.chart svg { width: 100%; height: auto; display: block; }
svg .label { font-size: 13px; fill: var(--ink); }
svg .number { font-size: 13px; font-weight: 600; fill: var(--ink); }
svg .bar { fill: var(--bar); }
svg .bar.top { fill: var(--bar-top); }
.fold { margin-left: 0; }
@page { size: A4; margin: 16mm 15mm 18mm; }
@media print {
  html { font-size: 10.5pt; }
  body { max-width: none; margin: 0; padding: 0; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  figure.chart, tr, li { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  a[href]::after { content: " <" attr(href) ">"; font-size: 0.85em; color: var(--muted); }
  svg .bar, svg .bar.top { print-color-adjust: exact;
    -webkit-print-color-adjust: exact; }
}
""".strip()

_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; img-src 'none'; "
    "script-src 'none'; base-uri 'none'; form-action 'none'"
)
"""Nothing is loaded or run; the one style sheet is allowed by its hash."""

_RTL = re.compile(
    "[\u200f\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]"
)

# The chart's geometry, in SVG units (the page scales the whole drawing to its width).
WIDTH, ROW, BAR, LABEL_CHARS, NUMBER_ROOM = 640, 40, 14, 90, 120


def escape(value: str) -> str:
    """Text as HTML character data or an attribute value: never markup."""
    return html.escape(value, quote=True)


def _text(value: str) -> str:
    """Participants' or the plan's words: one line, escaped; `<bdi>` around right-to-left
    text, so it keeps its direction without reordering what follows."""
    shown = escape(plain_text(value))
    return f"<bdi>{shown}</bdi>" if _RTL.search(shown) else shown


def _inline(spans: Spans) -> str:
    out = []
    for kind, value in spans:
        if kind == "text":
            out.append(_text(cast(str, value)))
        elif kind == "label":
            out.append(escape(cast(str, value)))
        elif kind == "link":  # from the plan, a plain http(s) address (`document.link`)
            address, name = cast(tuple[str, str], value)
            out.append(f'<a href="{escape(address)}" rel="noopener noreferrer">{escape(name)}</a>')
        else:
            tag = "strong" if kind == "strong" else "em"
            out.append(f"<{tag}>{_inline(cast(Spans, value))}</{tag}>")
    return "".join(out).strip()


def html_block(block: Block, outcomes: str = "") -> str:
    """One block as HTML; the heading that reads `outcomes` is the page's `#outcomes`."""
    if isinstance(block, Heading):
        level = min(block.level, 6)
        inner = _inline(block.spans)
        anchor = ' id="outcomes"' if level == 2 and inner == outcomes else ""
        return f"<h{level}{anchor}>{inner}</h{level}>"
    if isinstance(block, Paragraph):
        return f"<p>{_inline(block.spans)}</p>"
    if isinstance(block, Fold):
        return '<div class="fold">' if block.opens else "</div>"
    if isinstance(block, Chart):
        return chart_svg(block)
    if isinstance(block, ListBlock):
        tag = "ol" if block.ordered else "ul"
        items = "\n".join(f"<li>{_inline(item)}</li>" for item in block.items)
        return f"<{tag}>\n{items}\n</{tag}>"
    head = "".join(f'<th scope="col">{_inline(cell)}</th>' for cell in block.header)
    rows = "\n".join(
        "<tr>" + "".join(f"<td>{_inline(cell)}</td>" for cell in row) + "</tr>"
        for row in block.rows
    )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>"


def chart_svg(chart: Chart) -> str:
    """A horizontal bar chart: per row the label above its bar, the number beside the bar.
    The rows are a list to a screen reader; each reads its label, then its number."""
    rows = chart.rows
    top = max((r.value for r in rows), default=0)
    height = ROW * len(rows) + 4
    room = WIDTH - NUMBER_ROOM
    parts = [
        f'<figure class="chart"><figcaption>{escape(chart.caption)}</figcaption>',
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="list" aria-label="{escape(chart.caption)}">',
    ]
    for i, (row, number) in enumerate(zip(rows, chart.numbers, strict=True)):
        y = i * ROW
        said = plain_text(row.label)
        shown = said if len(said) <= LABEL_CHARS else said[: LABEL_CHARS - 1].rstrip() + "…"
        length = bar_length(row.value, top, room)
        bar_class = "bar top" if row.rank == 1 and row.value else "bar"
        parts.append(
            f'<g role="listitem"><title>{escape(said)}: {escape(number)}</title>'
            # The label isolated (FSI … PDI): right-to-left words keep the rank before them.
            f'<text class="label" x="0" y="{y + 14}">{row.rank}. \u2068{escape(shown)}\u2069'
            "</text>"
            f'<rect class="{bar_class}" x="0" y="{y + 19}" width="{length:.1f}" '
            f'height="{BAR}" aria-hidden="true"/>'
            f'<text class="number" x="{length + 6:.1f}" y="{y + 31}">{escape(number)}</text>'
            "</g>"
        )
    parts.append("</svg></figure>")
    return "\n".join(parts)  # a bar a line: a diff of two exports reads bar by bar


def page(title: str, lang: str, body: Sequence[str]) -> str:
    """The blocks in one page that loads nothing."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{escape(lang)}">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">',
            '<meta name="referrer" content="no-referrer">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(title)}</title>",
            f"<style>{STYLE}</style>",
            "</head>",
            "<body>",
            "<main>",
            *[b for b in body if b],
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )


def summary_html(record: WorkshopRecord, request: ExportRequest) -> str:
    """The summary as a self-contained HTML page."""
    from hubworkshop.reports.summary import SummaryWriter

    writer = SummaryWriter(record, request)
    outcomes = escape(writer.t("outcomes"))
    parts: list[str] = []
    writer.write(lambda block: parts.append(html_block(block, outcomes)))
    title = f"{record.workshop.title} — {writer.t('summary')}"
    # The page's language is its headings' (English where hubworkshop has no catalog for
    # the language asked: the page says so under its lead, as the other summaries do).
    return page(title, summary_language(writer.lang), parts)
