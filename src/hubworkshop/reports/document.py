"""The summary as a small document, and its Markdown.

`summary.py` describes the summary once, as blocks of spans; `to_markdown` here and
`wikitext.to_wikitext` render that one description. (Wikitext used to be made by parsing the
Markdown with markdown-it-py: 13 of the 15 seconds a 100,000-contribution summary took. The
tests still parse the Markdown that way and check both renderers say the same thing.)

A span is a tagged tuple, typed by its tag:

* `("text", s)`: what a participant or the plan wrote. Data, never markup: escaped by every
  renderer.
* `("label", s)`: our own words (headings, labels, numbers). Markdown takes them as written.
* `("strong", spans)` and `("em", spans)`.

Tuples rather than classes: a summary of 100,000 contributions is about a million spans, and
a tuple costs a tenth of an instance. Blocks, a few hundred, are classes: `Heading`,
`Paragraph`, `ListBlock` and `Table`, where each cell is a sequence of spans.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Literal, NamedTuple, TypeAlias, cast

from hubworkshop.domain.ranking import ChartRow

TextSpan: TypeAlias = tuple[Literal["text"], str]
LabelSpan: TypeAlias = tuple[Literal["label"], str]
StrongSpan: TypeAlias = tuple[Literal["strong"], "Spans"]
EmSpan: TypeAlias = tuple[Literal["em"], "Spans"]
LinkSpan: TypeAlias = tuple[Literal["link"], tuple[str, str]]
"""A link to a web address from the plan (never from participants): (address, label)."""
Span: TypeAlias = TextSpan | LabelSpan | StrongSpan | EmSpan | LinkSpan
Spans: TypeAlias = Sequence[Span]


class Heading(NamedTuple):
    level: int
    spans: Spans


class Paragraph(NamedTuple):
    spans: Spans


class ListBlock(NamedTuple):
    ordered: bool
    items: Iterable[Spans]
    """Made as the renderer reads them, where the summary can: a list of 100,000 points then
    never exists all at once, and the cycle collector has no growing heap to walk."""


class Table(NamedTuple):
    header: Sequence[Spans]
    rows: Sequence[Sequence[Spans]]


class Fold(NamedTuple):
    """Where a long detail section starts (`opens`) or ends: collapsible on MediaWiki
    (`mw-collapsible`), nothing at all in Markdown, which has no such thing without HTML."""

    opens: bool


class Chart(NamedTuple):
    """A bar chart of what the list just before it says in words: drawn in HTML (inline SVG,
    each bar's number written beside it); Markdown and wikitext have the list alone."""

    caption: str
    """Our words: what the bars count."""
    rows: Sequence[ChartRow]
    """Each bar: its rank, its label (plan or participants' text: data), its number."""
    numbers: Sequence[str]
    """Each bar's number as written beside it, in the summary's language ("22 points")."""


Block: TypeAlias = Heading | Paragraph | ListBlock | Table | Fold | Chart

# Dropped from summaries (the database, JSON and CSV keep them): control characters, which
# HTML cannot carry (MediaWiki strips them too), and the invisible bidi controls that
# reorder the text around them, since one contribution must not rearrange its neighbours.
_INVISIBLE = dict.fromkeys(
    [
        *range(0x00, 0x09),
        0x0B,
        0x0C,
        *range(0x0E, 0x20),
        *range(0x7F, 0xA0),
        *map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"),
    ]
)


def text(value: str) -> TextSpan:
    return ("text", value)


def label(value: str) -> LabelSpan:
    return ("label", value)


def strong(*spans: Span) -> StrongSpan:
    return ("strong", spans)


def em(*spans: Span) -> EmSpan:
    return ("em", spans)


def link(address: str, label_text: str) -> LinkSpan | TextSpan:
    """A link, if `address` is a plain web address; otherwise the address as text."""
    if _WEB_ADDRESS.fullmatch(address):
        return ("link", (address, label_text))
    return text(address)


_WEB_ADDRESS = re.compile(r"https?://[^\s\[\]<>\"'{}|\\^`]+")


def heading(level: int, *spans: Span) -> Heading:
    return Heading(level, spans)


def paragraph(*spans: Span) -> Paragraph:
    return Paragraph(spans)


def bullets(items: Iterable[Spans]) -> ListBlock:
    return ListBlock(False, items)


def numbered(items: Iterable[Spans]) -> ListBlock:
    return ListBlock(True, items)


def table(header: Sequence[Spans], rows: Sequence[Sequence[Spans]]) -> Table:
    return Table(header, rows)


def plain_text(value: str) -> str:
    """User text as it reads in a summary: one line, without control or bidi characters."""
    if value.isprintable():  # the common case: no line breaks, control or bidi characters
        return value.strip()
    value = value.translate(_INVISIBLE)
    return " / ".join(part.strip() for part in value.splitlines() if part.strip())


# -- Markdown --------------------------------------------------------------------------------

# What a renderer a summary is pasted into reads as markup in a line (CommonMark; GFM on
# GitHub; markdown-it with linkify and dollar math, as on Discourse), and only that, is
# escaped with a backslash, which CommonMark allows before any ASCII punctuation:
# - always: `*` (emphasis, even inside a word), `` ` `` (code), `[` `]` (links, footnotes),
#   `|` (table cells), `~` (strikethrough), `$` (math), `@` (mentions, e-mail addresses);
# - `\` before punctuation or at the end (an escape of its own, or of our next character);
# - `_` unless between two letters or digits (CommonMark reads no emphasis there: snake_case);
# - `<` before a letter, `/`, `!` or `?` (HTML, autolinks); `&` that spells an entity;
# - the `//` of an address and a dot between a word and a letter (`example.org`, `www.`),
#   which splits the text there, so no linkifier finds a link (GitHub, linkify-it).
# `!`, `:`, `>` and `#` inside a line read as text everywhere and are left alone.
# (Each alternative starts with its character, so the engine skips ahead to the next one of
# them; a lookbehind first made it try every position: 4 µs more per contribution.)
_INLINE = re.compile(
    r"[*`\[\]|~$@]"
    r"|\\(?=[!-/:-@\[-`{-~]|$)"
    r"|_(?<![^\W_]_)|_(?![^\W_])"
    r"|<(?=[A-Za-z/!?])"
    r"|&(?=#[0-9]+;|#[xX][0-9A-Fa-f]+;|[A-Za-z][A-Za-z0-9]*;)"
)
_ADDRESS_PARTS = re.compile(r"\.(?<=\w\.)(?=[^\W\d_])|/(?=/)")
# What opens a block at the start of a line: headings, quotes, lists, setext lines, fences.
_BLOCK_START = re.compile(r"^(\s*)([#>+\-=:]|\d+(?=[.)]))")


def md_escape(value: str) -> str:
    """User text as Markdown that can only ever render as `plain_text(value)`, on one line:
    no markup, no link found by a linkifier, no math; with no more backslashes than that
    needs."""
    value = _INLINE.sub(r"\\\g<0>", plain_text(value))
    if "." in value or "/" in value:
        value = _ADDRESS_PARTS.sub(r"\\\g<0>", value)
    match = _BLOCK_START.match(value)
    if match:
        start = match.end(1)
        marker = match.group(2)
        if marker[0].isdigit():
            value = value[: match.end()] + "\\" + value[match.end() :]
        else:
            value = value[:start] + "\\" + value[start:]
    return value.strip()


def _inline(spans: Spans) -> str:
    out = []
    for kind, value in spans:
        if isinstance(value, str):
            out.append(md_escape(value) if kind == "text" else value)
        elif kind == "link":
            address, name = cast(tuple[str, str], value)
            out.append(f"[{md_escape(name)}](<{address}>)")
        elif kind == "strong":
            out.append(f"**{_inline(cast(Spans, value))}**")
        else:
            out.append(f"*{_inline(cast(Spans, value))}*")
    return "".join(out)


def markdown_block(block: Block) -> str:
    """One block as Markdown."""
    if isinstance(block, Heading):
        return f"{'#' * block.level} {_inline(block.spans)}"
    if isinstance(block, Paragraph):
        return _inline(block.spans)
    if isinstance(block, Fold | Chart):
        return ""
    if isinstance(block, ListBlock):
        if block.ordered:
            return "\n".join(f"{i}. {_inline(item)}" for i, item in enumerate(block.items, 1))
        return "\n".join(f"- {_inline(item)}" for item in block.items)
    header, rows = block.header, block.rows
    lines = ["| " + " | ".join(map(_inline, header)) + " |", "|" + " --- |" * len(header)]
    lines.extend("| " + " | ".join(map(_inline, row)) + " |" for row in rows)
    return "\n".join(lines)


def join_markdown(rendered: Sequence[str]) -> str:
    """Rendered blocks as one Markdown document."""
    return "\n\n".join(r for r in rendered if r) + "\n"


def to_markdown(blocks: Sequence[Block]) -> str:
    return join_markdown([markdown_block(block) for block in blocks])
