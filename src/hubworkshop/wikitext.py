"""Meta-Wiki wikitext from the Markdown summary, by walking markdown-it-py's syntax tree.

Structure comes from the Markdown (headings, lists, tables, bold, italics) and becomes Meta's
conventions: `== Heading ==`, `*`/`#` lists, `{| class="wikitable"` tables, `'''bold'''`.
Every piece of text is escaped the way MediaWiki's own `wfEscapeWikiText` does it, with
HTML entities, so no text can open a template, link, table, tag, signature, magic word or
`<nowiki>`; text with right-to-left letters is wrapped in `<bdi>` so it keeps its direction
without reordering what follows it.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

_markdown = MarkdownIt("js-default")

_CHARACTERS = {
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
_PROTOCOLS = re.compile(
    r"\b(bitcoin|geo|magnet|mailto|matrix|news|sip|sips|sms|tel|urn|xmpp):", re.IGNORECASE
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


_TABLE = str.maketrans(_CHARACTERS)
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
    out = text.translate(_TABLE)
    for sequence, replacement in _SEQUENCES:
        out = out.replace(sequence, replacement)
    out = _MAGIC_LINKS.sub(lambda m: f"{m[1]}&#{ord(m[2])};", out)
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


class WikitextRenderer:
    """One method per node type of markdown-it-py's syntax tree."""

    def render(self, markdown: str) -> str:
        tree = SyntaxTreeNode(_markdown.parse(markdown))
        blocks = [self.block(node, depth=0) for node in tree.children]
        return "\n\n".join(b for b in blocks if b).rstrip() + "\n"

    def block(self, node: SyntaxTreeNode, depth: int, bullets: str = "") -> str:
        method = getattr(self, f"block_{node.type}", None)
        if method is None:
            raise ValueError(f"no wikitext for Markdown {node.type}")
        return method(node, depth, bullets)

    def block_heading(self, node: SyntaxTreeNode, _depth: int, _bullets: str) -> str:
        level = int(node.tag[1])
        if level == 1:
            # The page's own name is its title on Meta: the Markdown title becomes bold lead.
            return f"'''{self.inline(node.children[0])}'''"
        marks = "=" * level
        return f"{marks} {self.inline(node.children[0])} {marks}"

    def block_paragraph(self, node: SyntaxTreeNode, _depth: int, bullets: str) -> str:
        return self.inline(node.children[0])

    def block_bullet_list(self, node: SyntaxTreeNode, depth: int, bullets: str) -> str:
        return self._list(node, depth, bullets + "*")

    def block_ordered_list(self, node: SyntaxTreeNode, depth: int, bullets: str) -> str:
        return self._list(node, depth, bullets + "#")

    def _list(self, node: SyntaxTreeNode, depth: int, bullets: str) -> str:
        lines = []
        for item in node.children:
            first = True
            for child in item.children:
                if child.type in ("bullet_list", "ordered_list"):
                    lines.append(self.block(child, depth + 1, bullets))
                elif first:
                    lines.append(f"{bullets} {self.block(child, depth, bullets)}")
                    first = False
                else:
                    lines.append(f"{bullets}: {self.block(child, depth, bullets)}")
        return "\n".join(lines)

    def block_table(self, node: SyntaxTreeNode, _depth: int, _bullets: str) -> str:
        lines = ['{| class="wikitable"']
        for section in node.children:  # thead, tbody
            for row in section.children:
                lines.append("|-")
                cells = [
                    self.inline(cell.children[0]) if cell.children else "" for cell in row.children
                ]
                if section.type == "thead":
                    lines.append("! " + " !! ".join(cells))
                else:
                    lines.append("| " + " || ".join(cells))
        lines.append("|}")
        return "\n".join(lines)

    def block_hr(self, _node: SyntaxTreeNode, _depth: int, _bullets: str) -> str:
        return "----"

    # -- inline ------------------------------------------------------------------------------

    def inline(self, node: SyntaxTreeNode, line_start: bool = True) -> str:
        return "".join(
            self.span(child, line_start and i == 0) for i, child in enumerate(node.children)
        )

    def span(self, node: SyntaxTreeNode, line_start: bool = False) -> str:
        kind = node.type
        if kind == "text":
            return _text(node.content, line_start)
        if kind == "strong":
            return f"'''{self.inline(node, False)}'''"
        if kind == "em":
            return f"''{self.inline(node, False)}''"
        if kind == "softbreak":
            return " "
        if kind == "hardbreak":
            return "<br />"
        if kind == "code_inline":
            return f"<code>{escape_wikitext(node.content)}</code>"
        if kind == "s":
            return f"<s>{self.inline(node, False)}</s>"
        raise ValueError(f"no wikitext for Markdown {kind}")


def to_wikitext(markdown: str) -> str:
    return WikitextRenderer().render(markdown)
