"""Meta-Wiki wikitext of a summary document (`document.py`).

Structure (headings, lists, tables, bold, italics) follows Meta's conventions: `== Heading ==`,
`*`/`#` lists, `{| class="wikitable"` tables, `'''bold'''`.
Every piece of text is escaped the way MediaWiki's own `wfEscapeWikiText` does it, with
HTML entities, so no text can open a template, link, table, tag, signature, magic word or
`<nowiki>`; text with right-to-left letters is wrapped in `<bdi>` so it keeps its direction
without reordering what follows it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import cast

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

BOLD, ITALIC = "'''", "''"
# MediaWiki's own collapsible class, no template: the summary renders the same on any wiki.
FOLD_OPEN, FOLD_CLOSE = '<div class="mw-collapsible mw-collapsed">', "</div>"

_CHARACTERS = {  # "&" first: the entities that replace the others start with one
    "&": "&#38;",
    "'": "&#39;",
    "<": "&#60;",
    "=": "&#61;",
    ">": "&#62;",
    "[": "&#91;",
    "]": "&#93;",
    "{": "&#123;",
    "|": "&#124;",
    "}": "&#125;",
}
_SEQUENCES = [
    ("!!", "&#33;!"),  # a table cell separator
    ("__", "_&#95;"),  # magic words: __NOTOC__
    ("~~~", "~~&#126;"),  # signatures: ~~~~
    ("://", "&#58;//"),  # free external links
    ("\n", "&#10;"),
    ("\r", "&#13;"),
    ("\t", "&#9;"),
]
_MAGIC_LINKS = re.compile(r"\b(ISBN|RFC|PMID)(\s)")
_PROTOCOLS = re.compile(  # the lookahead lets most positions fail on their first letter
    r"\b(?=[bgmnstux])(bitcoin|geo|magnet|mailto|matrix|news|sip|sips|sms|tel|urn|xmpp):",
    re.IGNORECASE,
)
_LINE_START = {
    "#": "&#35;",
    "*": "&#42;",
    ":": "&#58;",
    " ": "&#32;",
    "!": "&#33;",
    "-": "&#45;",
    "+": "&#43;",
    ";": "&#59;",
    "=": "&#61;",
}

# The right-to-left mark and the strong right-to-left scripts: Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic,
# their presentation forms, and the historic RTL blocks of the supplementary planes.
_RTL = re.compile(
    "[\u200f\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]"
)


def escape_wikitext(text: str, *, line_start: bool = True) -> str:
    """Text that MediaWiki shows as exactly this text (after MediaWiki's wfEscapeWikiText).

    `line_start`: the text may begin a line, where `#`, `*`, `:`, `;`, space... mean lists,
    definitions or preformatted text.
    """
    # `in` before each replacement, and substring tests before each regex: most text needs
    # few escapes, and a test costs a fraction of a replacement (str.translate with
    # entities is 7 times slower).
    out = text
    for character, entity in _CHARACTERS.items():
        if character in out:
            out = out.replace(character, entity)
    for sequence, replacement in _SEQUENCES:
        if sequence in out:
            out = out.replace(sequence, replacement)
    if "ISBN" in out or "RFC" in out or "PMID" in out:
        out = _MAGIC_LINKS.sub(lambda m: f"{m[1]}&#{ord(m[2])};", out)
    if ":" in out:
        out = _PROTOCOLS.sub(lambda m: f"{m[1]}&#58;", out)
    if line_start and out[:1] in _LINE_START:
        out = _LINE_START[out[0]] + out[1:]
    return out


def _has_rtl(text: str) -> bool:
    return _RTL.search(text) is not None


def _text(text: str, line_start: bool) -> str:
    if not _has_rtl(text):
        return escape_wikitext(text, line_start=line_start)
    core = text.strip()
    before, after = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    return f"{before}<bdi>{escape_wikitext(core, line_start=False)}</bdi>{after}"


def _inline(spans: Spans, block: bool = True) -> str:
    """Adjacent text and labels are escaped as one run, as a Markdown parser would see them:
    `<bdi>` wraps a whole run, and a sequence split across two spans is still caught.
    `block`: these spans are a whole block (a paragraph, list item, heading or cell); like
    Markdown, its outer spaces are dropped, and its first character starts a line."""
    out: list[str] = []
    run: list[str] = []
    for kind, value in spans:
        if isinstance(value, str):
            run.append(plain_text(value) if kind == "text" else value)
        else:
            if run:
                piece = "".join(run).lstrip() if block and not out else "".join(run)
                if piece:
                    out.append(_text(piece, block and not out))
                run = []
            if kind == "link":
                address, name = cast(tuple[str, str], value)
                out.append(f"[{address} {escape_wikitext(name, line_start=False)}]")
                continue
            mark = BOLD if kind == "strong" else ITALIC
            out.append(f"{mark}{_inline(cast(Spans, value), False)}{mark}")
    if run:  # the last run: no markup follows it
        piece = "".join(run)
        if block:
            piece = piece.rstrip() if out else piece.strip()
        if piece:
            out.append(_text(piece, block and not out))
    return "".join(out)


def wikitext_block(block: Block) -> str:
    """One block as wikitext ("" for a block that says nothing)."""
    if isinstance(block, Heading):
        level, spans = block.level, block.spans
        if level == 1:
            # The page's own name is its title on Meta: the summary's title becomes bold lead.
            return f"{BOLD}{_inline(spans)}{BOLD}"
        marks = "=" * level
        return f"{marks} {_inline(spans)} {marks}"
    if isinstance(block, Paragraph):
        return _inline(block.spans)
    if isinstance(block, Fold):
        return FOLD_OPEN if block.opens else FOLD_CLOSE
    if isinstance(block, Chart):  # the list before it says it in words
        return ""
    if isinstance(block, ListBlock):
        bullet = "#" if block.ordered else "*"
        return "\n".join(f"{bullet} {_inline(item)}" for item in block.items)
    header, rows = block.header, block.rows
    lines = ['{| class="wikitable"', "|-", "! " + " !! ".join(map(_inline, header))]
    for row in rows:
        lines.extend(("|-", "| " + " || ".join(map(_inline, row))))
    lines.append("|}")
    return "\n".join(lines)


def join_wikitext(rendered: Sequence[str]) -> str:
    """Rendered blocks as one page of wikitext."""
    return "\n\n".join(b for b in rendered if b).rstrip() + "\n"


def to_wikitext(blocks: Sequence[Block]) -> str:
    """Meta-Wiki wikitext of a summary document (see `document.py`)."""
    return join_wikitext([wikitext_block(block) for block in blocks])
