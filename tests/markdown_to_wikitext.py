"""A second road to wikitext, for the tests: parse the Markdown summary with markdown-it-py and
walk its syntax tree (how hubworkshop made wikitext before it rendered its summary document
directly). Both roads must give the same bytes: that proves the Markdown and the wikitext of a
summary have the same structure, and that the Markdown means what the document says.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from hubworkshop.reports.wikitext import _text, escape_wikitext

_markdown = MarkdownIt("js-default")


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
        if kind == "link":
            return f"[{node.attrs['href']} {self.inline(node, False)}]"
        raise ValueError(f"no wikitext for Markdown {kind}")


def to_wikitext(markdown: str) -> str:
    return WikitextRenderer().render(markdown)


def without_folds(wikitext: str) -> str:
    """The wikitext without its collapsible wrappers, which Markdown has no way to say."""
    blocks = wikitext.rstrip("\n").split("\n\n")
    kept = [b for b in blocks if not b.startswith('<div class="mw-collapsible') and b != "</div>"]
    return "\n\n".join(kept) + "\n"
