"""The documentation people read: the generated command-line reference is current and is
what `--help` prints, every relative link between the documents leads somewhere, and the
README stays a front page."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import click
import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "command-line.md"


def _env(**changes: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUBWORKSHOP_")}
    env.update(changes)
    return env


def test_the_command_line_reference_is_current() -> None:
    """docs/command-line.md is what `./dev docs` writes now, whatever the interface
    language, the locale and the terminal's width of whoever runs it."""
    done = subprocess.run(
        [sys.executable, "-m", "hubworkshop.cli.reference", "--check", str(REFERENCE)],
        env=_env(LANG="fr_FR.UTF-8", HUBWORKSHOP_UI_LANG="fr", COLUMNS="40"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, (
        f"docs/command-line.md is not current: run ./dev docs ({done.stderr.strip()})"
    )


def _section(reference: str, command: str) -> str:
    heading = f"## {' '.join(['hubworkshop', *command.split()])}\n\n```text\n"
    start = reference.index(heading) + len(heading)
    return reference[start : reference.index("```", start)]


@pytest.mark.parametrize("command", ["", "add", "vote cast", "serve", "export", "room timer"])
def test_the_reference_is_what_help_prints(command: str) -> None:
    """Each command's section is `hubworkshop COMMAND --help` in English on a terminal of 80
    columns, as a user sees it."""
    done = subprocess.run(
        [sys.executable, "-m", "hubworkshop", *command.split(), "--help"],
        env=_env(LANG="C.UTF-8", COLUMNS="80"),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert _section(REFERENCE.read_text(encoding="utf-8"), command) == done.stdout


def test_the_reference_lists_every_command() -> None:
    from hubworkshop.cli.main import cli
    from hubworkshop.cli.reference import reference

    text = reference()
    for name in cli.list_commands(click.Context(cli)):
        assert f"\n## hubworkshop {name}\n" in text


# -- links ---------------------------------------------------------------------------------


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading's text: lower case, punctuation dropped, spaces to -."""
    kept = "".join(
        c for c in heading.strip().lower() if c in " -_" or unicodedata.category(c)[0] in "LN"
    )
    return kept.replace(" ", "-")


def _anchors(tokens: list[Token]) -> set[str]:
    found: set[str] = set()
    for opening, inline in itertools.pairwise(tokens):
        if opening.type == "heading_open":
            text = "".join(child.content for child in inline.children or [])
            base, n = anchor(text), 0
            while (candidate := base if n == 0 else f"{base}-{n}") in found:
                n += 1
            found.add(candidate)
    return found


def _links(tokens: list[Token]) -> list[str]:
    found = []
    for token in tokens:
        for child in token.children or []:
            if child.type == "link_open":
                found.append(str(child.attrs["href"]))
            elif child.type == "image":
                found.append(str(child.attrs["src"]))
    return found


def broken_links(files: list[Path]) -> list[str]:
    """Every relative link in `files` that leads to no file, or to no heading of it."""
    md = MarkdownIt("commonmark")
    parsed = {path.resolve(): md.parse(path.read_text(encoding="utf-8")) for path in files}
    anchors: dict[Path, set[str]] = {}
    broken = []
    for path, tokens in parsed.items():
        for link in _links(tokens):
            if re.match(r"[a-z][a-z0-9+.-]*:", link, re.IGNORECASE):
                continue  # https:, mailto: — not a file of ours
            target, _, fragment = link.partition("#")
            file = (path.parent / target).resolve() if target else path
            if not file.exists():
                broken.append(f"{path.name}: {link} (no such file)")
                continue
            if fragment and file.suffix == ".md":
                if file not in anchors:
                    tokens_there = parsed.get(file) or md.parse(file.read_text(encoding="utf-8"))
                    anchors[file] = _anchors(tokens_there)
                if fragment not in anchors[file]:
                    broken.append(f"{path.name}: {link} (no such heading)")
    return broken


def _documents() -> list[Path]:
    return [ROOT / "README.md", ROOT / "ARCHITECTURE.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_every_relative_link_between_the_documents_resolves() -> None:
    assert broken_links(_documents()) == []


GUIDES = [
    "running-the-day",
    "keys",
    "command-line",
    "online",
    "summaries",
    "privacy",
    "translating",
    "banks-and-plans",
    "storage",
    "performance",
    "development",
]


def test_every_guide_is_reachable_from_the_readme() -> None:
    """The guides people read exist, and each document in docs/ can be found by following
    links from README.md: none is left where no reader will come across it."""
    md = MarkdownIt("commonmark")
    seen, todo = set(), [(ROOT / "README.md").resolve()]
    while todo:
        path = todo.pop()
        if path in seen or path.suffix != ".md" or not path.is_file():
            continue
        seen.add(path)
        for link in _links(md.parse(path.read_text(encoding="utf-8"))):
            target = link.partition("#")[0]
            if target and not re.match(r"[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
                todo.append((path.parent / target).resolve())
    docs = ROOT / "docs"
    assert [g for g in GUIDES if not (docs / f"{g}.md").is_file()] == []
    assert sorted(p.name for p in docs.glob("*.md") if p.resolve() not in seen) == []


def test_a_broken_link_or_anchor_is_named(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(
        "# Title\n\n## Two words: `code`\n\n"
        "[ok](b.md) [ok](#two-words-code) [ok](b.md#here-too) [web](https://example.org/x.md)\n"
        "[gone](c.md) [no](#nowhere) [no](b.md#elsewhere) ![pic](pic.svg)\n\n"
        "`[in code](nowhere.md)`\n",
        encoding="utf-8",
    )
    (tmp_path / "b.md").write_text("# Here, too!\n", encoding="utf-8")
    assert broken_links([tmp_path / "a.md", tmp_path / "b.md"]) == [
        "a.md: c.md (no such file)",
        "a.md: #nowhere (no such heading)",
        "a.md: b.md#elsewhere (no such heading)",
        "a.md: pic.svg (no such file)",
    ]


def test_the_readme_is_a_front_page() -> None:
    """At most 200 lines, with the two commands of the quick start as they are typed."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200
    assert "\n./dev run" in readme
    assert "\n./dev test" in readme
