"""The question bank: a folder of human-editable Markdown files, parsed with markdown-it-py.

Layout (see README, "Writing a question bank"):

    bank.md          # <bank-id>, then `title:` and `languages:` lines, then `## roles`
    01-value.md      # one file per theme, read in file-name order
    02-lifecycle.md

A theme file holds one `# theme-id` heading with its title in each language, then one
`## theme.question-id` heading per question with its text in each language, optionally
followed by a bullet list of follow-up prompts. The first question of a theme is its
headline question. Text lines are `lang: text`; a line that does not start with a field
name continues the previous one, so long questions can be wrapped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from hubworkshop.domain.errors import Problem, SourceError
from hubworkshop.domain.i18n import _
from hubworkshop.domain.languages import display_name, is_language
from hubworkshop.domain.model import DEFAULT_LANGUAGE, Bank, LocalText, Question, Role, Theme
from hubworkshop.sources.files import UnreadableFile, read_source

BANK_FILE = "bank.md"
_NOT_THEMES = {BANK_FILE, "readme.md"}

ID_PATTERN = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*(?:\.[a-z0-9]+(?:[-_][a-z0-9]+)*)*")
# A field line inside a paragraph: `en: text`. Anything else continues the previous field.
_FIELD_LINE = re.compile(r"(?P<key>[a-z][a-z0-9_-]*):(?:[ \t]+(?P<value>.*))?")
_LANGUAGE_LIKE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]+)*")

_markdown = MarkdownIt("commonmark")


@dataclass
class _Fields:
    """The `key: value` lines of one paragraph, with the line each key stands on."""

    values: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    first_line: int = 0


class _Reader:
    """Reads one bank folder, collecting every problem instead of stopping at the first."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.problems: list[Problem] = []
        self.languages: tuple[str, ...] = (DEFAULT_LANGUAGE,)
        self.question_ids: dict[str, tuple[Path, int]] = {}
        self.theme_ids: dict[str, tuple[Path, int]] = {}

    # -- reporting ---------------------------------------------------------------------------

    def error(self, path: Path, line: int | None, message: str) -> None:
        self.problems.append(Problem(path, line, message))

    def warn(self, path: Path, line: int | None, message: str) -> None:
        self.problems.append(Problem(path, line, message, "warning"))

    # -- files -------------------------------------------------------------------------------

    def read_file(self, path: Path) -> bytes | None:
        try:
            return read_source(path, inside=self.directory)
        except UnreadableFile as problem:
            self.error(path, None, str(problem))
            return None

    def parse_file(self, path: Path) -> SyntaxTreeNode | None:
        data = self.read_file(path)
        if data is None:
            return None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            self.error(
                path, line, _("not UTF-8 text (byte 0x{byte:02x})").format(byte=data[error.start])
            )
            return None
        if "\x00" in text:
            line = text[: text.index("\x00")].count("\n") + 1
            self.error(path, line, _("contains a NUL character"))
            return None
        return SyntaxTreeNode(_markdown.parse(text))

    def fields(
        self, paragraph: SyntaxTreeNode, path: Path, extra_keys: frozenset[str] = frozenset()
    ) -> _Fields | None:
        """Split a paragraph into `key: value` fields; keys are languages or `extra_keys`.

        Returns None (after reporting it) when the paragraph is not made of fields at all.
        """
        inline = paragraph.children[0]
        start = paragraph.map[0] if paragraph.map else 0
        result = _Fields(first_line=start + 1)
        current: str | None = None
        for offset, raw in enumerate(inline.content.split("\n")):
            line_no = start + offset + 1
            line = raw.strip()
            match = _FIELD_LINE.fullmatch(line)
            key = match["key"] if match else None
            if match and key is not None and (key in extra_keys or _LANGUAGE_LIKE.fullmatch(key)):
                if key not in extra_keys and key not in self.languages:
                    if is_language(key):
                        self.error(
                            path,
                            line_no,
                            _(
                                "unknown language '{key}': this bank's languages are {known} (see {BANK_FILE})"
                            ).format(key=key, known=", ".join(self.languages), BANK_FILE=BANK_FILE),
                        )
                    else:
                        self.error(path, line_no, _("unknown language '{key}'").format(key=key))
                    current = None
                    continue
                if key in result.values:
                    self.error(
                        path, line_no, _("'{key}:' given twice in one paragraph").format(key=key)
                    )
                result.values[key] = (match["value"] or "").strip()
                result.lines[key] = line_no
                current = key
            elif key is not None and current is None:
                expected = ", ".join(sorted(extra_keys)) or "a language code"
                self.error(
                    path,
                    line_no,
                    _("unknown field '{key}:' (expected {expected})").format(
                        key=key, expected=expected
                    ),
                )
                return None
            elif current is not None:
                joined = f"{result.values[current]} {line}".strip()
                result.values[current] = joined
            else:
                self.error(
                    path,
                    line_no,
                    _(
                        "expected 'lang: text' lines here (for example 'en: ...'); write notes as <!-- comments -->"
                    ),
                )
                return None
        return result

    def local_text(self, fields: _Fields, path: Path, what: str) -> LocalText | None:
        """The language fields of a paragraph; None (with an error) when English is empty."""
        texts = {lang: fields.values[lang] for lang in self.languages if fields.values.get(lang)}
        default = self.languages[0]
        if default not in texts:
            line = fields.lines.get(default, fields.first_line)
            self.error(
                path,
                line,
                _("empty {what}: no '{default}:' text").format(what=what, default=default),
            )
            return None
        for lang in self.languages[1:]:
            if lang not in texts:
                self.warn(
                    path,
                    fields.first_line,
                    _(
                        "{what} has no {language} ('{lang}:') text; {fallback} is shown instead"
                    ).format(
                        what=what,
                        language=display_name(lang),
                        lang=lang,
                        fallback=display_name(default),
                    ),
                )
        return LocalText(texts, default)

    def check_id(self, path: Path, line: int, kind: str, value: str) -> bool:
        if ID_PATTERN.fullmatch(value):
            return True
        self.error(
            path,
            line,
            _("invalid {kind} id '{value}': use lower-case letters, digits, '-' and '.'").format(
                kind=kind, value=value
            ),
        )
        return False

    def claim(
        self, seen: dict[str, tuple[Path, int]], kind: str, value: str, path: Path, line: int
    ) -> bool:
        if value in seen:
            first_path, first_line = seen[value]
            self.error(
                path,
                line,
                _("duplicate {kind} id '{value}' (first at {name}:{first_line})").format(
                    kind=kind, value=value, name=first_path.name, first_line=first_line
                ),
            )
            return False
        seen[value] = (path, line)
        return True

    # -- bank.md -----------------------------------------------------------------------------

    def read_bank_file(self) -> tuple[str, str, tuple[Role, ...], LocalText] | None:
        path = self.directory / BANK_FILE
        if not path.exists():
            self.error(
                path,
                None,
                _("missing: a question bank folder needs {BANK_FILE}").format(BANK_FILE=BANK_FILE),
            )
            return None
        tree = self.parse_file(path)
        if tree is None:
            return None
        bank_id, title = "", ""
        roles: list[Role] = []
        subject: LocalText | None = None
        section: str | None = None
        role_ids: dict[str, tuple[Path, int]] = {}
        for node in tree.children:
            line = _line(node)
            if node.type == "heading":
                text = _heading_text(node)
                if node.tag == "h1" and not bank_id and section is None:
                    if self.check_id(path, line, "bank", text):
                        bank_id = text
                    section = "bank"
                elif node.tag == "h2" and text.lower() == "roles" and section == "bank":
                    section = "roles"
                else:
                    self.error(
                        path,
                        line,
                        _(
                            "misplaced heading '{markup} {text}': {BANK_FILE} holds '# bank-id' and then '## roles'"
                        ).format(markup=node.markup, text=text, BANK_FILE=BANK_FILE),
                    )
            elif node.type == "paragraph" and section == "bank" and not title:
                fields = self.fields(node, path, frozenset({"title", "languages"})) or _Fields()
                title = fields.values.get("title", "")
                if not title:
                    self.error(path, line, _("missing 'title:' line"))
                self.languages = self._languages(fields, path, line)
            elif node.type == "paragraph" and section == "roles" and subject is None and not roles:
                # What the items are, in each language: the ranking's subject in summaries.
                said = self.fields(node, path, frozenset())
                if said is not None:
                    subject = self.local_text(said, path, _("the ranking's subject"))
                subject = subject or LocalText({})
            elif node.type == "bullet_list" and section == "roles":
                for item in node.children:
                    role = self._role(item, path, role_ids)
                    if role is not None:
                        roles.append(role)
            elif not _is_comment(node):
                self.error(
                    path,
                    line,
                    _("unexpected {describe} in {BANK_FILE}").format(
                        describe=_describe(node), BANK_FILE=BANK_FILE
                    ),
                )
        if not bank_id:
            self.error(path, 1, _("missing '# bank-id' heading"))
        return bank_id, title, tuple(roles), subject or LocalText({})

    def _languages(self, fields: _Fields, path: Path, line: int) -> tuple[str, ...]:
        raw = fields.values.get("languages", "")
        line = fields.lines.get("languages", line)
        codes = tuple(code.strip() for code in raw.split(",") if code.strip())
        if not codes:
            self.error(path, line, _("missing 'languages:' line (for example 'languages: en, fr')"))
            return (DEFAULT_LANGUAGE,)
        for code in codes:
            if not is_language(code):
                self.error(
                    path,
                    line,
                    _("unknown language '{code}' (use ISO 639-1 codes)").format(code=code),
                )
        if len(set(codes)) != len(codes):
            self.error(path, line, _("a language is listed twice"))
        return codes

    def _role(
        self, item: SyntaxTreeNode, path: Path, seen: dict[str, tuple[Path, int]]
    ) -> Role | None:
        paragraphs = [child for child in item.children if child.type == "paragraph"]
        line = _line(item)
        if len(paragraphs) != 1 or len(item.children) != 1:
            self.error(
                path,
                line,
                _("an item to rank (## roles) is one list item of 'id:' and 'lang:' lines"),
            )
            return None
        fields = self.fields(paragraphs[0], path, frozenset({"id"}))
        if fields is None:
            return None
        role_id = fields.values.get("id", "")
        if not role_id:
            self.error(path, line, _("item to rank without an 'id:' line"))
            return None
        id_line = fields.lines["id"]
        if not self.check_id(path, id_line, "item", role_id):
            return None
        if not self.claim(seen, "item", role_id, path, id_line):
            return None
        label = self.local_text(fields, path, _("item to rank '{id}'").format(id=role_id))
        return Role(role_id, label) if label is not None else None

    # -- theme files -------------------------------------------------------------------------

    def read_theme(self, path: Path) -> Theme | None:
        tree = self.parse_file(path)
        if tree is None:
            return None
        theme_id: str | None = None
        title: LocalText | None = None
        theme_line = 1
        has_title = False
        questions: list[_Draft] = []
        for node in tree.children:
            line = _line(node)
            if node.type == "heading":
                text = _heading_text(node)
                if node.tag == "h1" and theme_id is None:
                    theme_id, theme_line = text, line
                    if self.check_id(path, line, "theme", text):
                        self.claim(self.theme_ids, "theme", text, path, line)
                elif node.tag == "h2" and theme_id is not None:
                    questions.append(_Draft(text, line))
                    if self.check_id(path, line, "question", text):
                        if not text.startswith(f"{theme_id}."):
                            self.error(
                                path,
                                line,
                                _(
                                    "question id '{text}' must start with its theme id '{theme_id}.'"
                                ).format(text=text, theme_id=theme_id),
                            )
                        self.claim(self.question_ids, "question", text, path, line)
                elif node.tag == "h1":
                    self.error(
                        path,
                        line,
                        _(
                            "misplaced heading '# {text}': a theme file holds one '# theme' heading"
                        ).format(text=text),
                    )
                elif node.tag == "h2":
                    self.error(
                        path,
                        line,
                        _(
                            "misplaced heading '## {text}': the '# theme-id' heading comes first"
                        ).format(text=text),
                    )
                else:
                    self.error(
                        path,
                        line,
                        _(
                            "misplaced heading '{markup} {text}': use '# theme-id' and '## question-id' only; follow-ups are a '- ' list"
                        ).format(markup=node.markup, text=text),
                    )
            elif node.type == "paragraph" and theme_id is not None:
                fields = self.fields(node, path)
                if fields is None:
                    continue
                if not questions:
                    if not has_title:
                        has_title = True
                        title = self.local_text(
                            fields, path, _("theme '{id}' title").format(id=theme_id)
                        )
                    else:
                        self.error(path, line, _("the theme takes one title paragraph"))
                elif not questions[-1].has_text:
                    draft = questions[-1]
                    draft.has_text = True
                    draft.fields = fields  # read when the question ends (see below)
                elif (
                    questions[-1].fields is not None
                    and not questions[-1].follow_ups
                    and not set(fields.values) & set(questions[-1].fields.values)
                ):
                    # Another language's block after a blank line: the same text.
                    said = questions[-1].fields
                    said.values.update(fields.values)
                    said.lines.update(fields.lines)
                else:
                    self.error(
                        path,
                        line,
                        _(
                            "question '{id}' already has its text; write follow-up prompts as a '- ' list"
                        ).format(id=questions[-1].id),
                    )
            elif node.type == "bullet_list" and questions and questions[-1].has_text:
                self._read_text(questions[-1], path)
                for item in node.children:
                    follow_up = self._follow_up(item, path, questions[-1].id)
                    if follow_up is not None:
                        questions[-1].follow_ups.append(follow_up)
            elif not _is_comment(node):
                self.error(path, line, _("unexpected {describe}").format(describe=_describe(node)))
        for draft in questions:
            self._read_text(draft, path)
        if theme_id is None:
            self.error(path, 1, _("missing the '# theme-id' heading"))
            return None
        if not has_title:
            self.error(
                path,
                theme_line,
                _("theme '{theme_id}' has no title (add 'en: ...')").format(theme_id=theme_id),
            )
        for draft in questions:
            if not draft.has_text:
                self.error(
                    path,
                    draft.line,
                    _("empty question '{id}': no text under it").format(id=draft.id),
                )
        if not questions:
            self.error(
                path, theme_line, _("theme '{theme_id}' has no questions").format(theme_id=theme_id)
            )
        if title is None or any(d.text is None for d in questions):
            return None
        built = tuple(
            Question(
                id=d.id,
                theme=theme_id,
                text=d.text,
                follow_ups=tuple(d.follow_ups),
                headline=index == 0,
            )
            for index, d in enumerate(questions)
            if d.text is not None
        )
        return Theme(theme_id, title, built)

    def _read_text(self, draft: _Draft, path: Path) -> None:
        """A question's text from its language lines, once they are all read."""
        if draft.fields is not None and draft.text is None:
            draft.text = self.local_text(
                draft.fields, path, _("question '{id}'").format(id=draft.id)
            )
            draft.fields = None

    def _follow_up(self, item: SyntaxTreeNode, path: Path, question_id: str) -> LocalText | None:
        line = _line(item)
        if len(item.children) != 1 or item.children[0].type != "paragraph":
            self.error(path, line, _("a follow-up is one list item of 'lang: text' lines"))
            return None
        fields = self.fields(item.children[0], path)
        if fields is None:
            return None
        return self.local_text(fields, path, _("follow-up of '{id}'").format(id=question_id))


@dataclass
class _Draft:
    id: str
    line: int
    text: LocalText | None = None
    follow_ups: list[LocalText] = field(default_factory=list)
    has_text: bool = False
    fields: _Fields | None = None
    """The language lines read so far, until the question's text is made of them."""


def _line(node: SyntaxTreeNode) -> int:
    return node.map[0] + 1 if node.map else 1


def _heading_text(node: SyntaxTreeNode) -> str:
    return node.children[0].content.strip() if node.children else ""


def _is_comment(node: SyntaxTreeNode) -> bool:
    return node.type == "html_block" and node.content.lstrip().startswith("<!--")


def _describe(node: SyntaxTreeNode) -> str:
    return {
        "paragraph": _("paragraph before the '# id' heading"),
        "bullet_list": _("list (follow-ups belong under a question's text)"),
        "ordered_list": _("numbered list"),
        "fence": _("code block"),
        "code_block": _("indented code block"),
        "blockquote": _("quote"),
        "hr": _("horizontal rule"),
        "html_block": _("HTML (only <!-- comments --> are allowed)"),
        "table": _("table"),
    }.get(node.type, node.type.replace("_", " "))


def load_bank(directory: Path) -> tuple[Bank | None, list[Problem]]:
    """Read a bank folder; returns the bank (None when there are errors) and all problems."""
    directory = Path(directory)
    reader = _Reader(directory)
    if not directory.is_dir():
        reader.error(directory, None, _("not a folder: a question bank is a folder of .md files"))
        return None, reader.problems
    header = reader.read_bank_file()
    if header is None or any(p.severity == "error" for p in reader.problems):
        # Without a valid bank.md the languages are unknown: theme errors would be noise.
        return None, reader.problems
    theme_files = sorted(p for p in directory.glob("*.md") if p.name.lower() not in _NOT_THEMES)
    if not theme_files:
        reader.error(directory, None, _("no theme files (*.md besides bank.md)"))
    themes = [reader.read_theme(path) for path in theme_files]
    if header is None or any(p.severity == "error" for p in reader.problems):
        return None, reader.problems
    bank_id, title, roles, subject = header
    bank = Bank(
        id=bank_id,
        title=title,
        languages=reader.languages,
        themes=tuple(t for t in themes if t is not None),
        roles=roles,
        ranking_subject=subject,
    )
    return bank, reader.problems


def read_bank(directory: Path) -> Bank:
    """Read a bank folder or raise SourceError listing every error with its file and line."""
    bank, problems = load_bank(directory)
    if bank is None:
        raise SourceError(problems)
    return bank
