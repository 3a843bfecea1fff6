"""`hubworkshop bank check` and `plan check`: validate the files a workshop is made from,
every problem on a line of its own (file, line, field), exit 1 when there are errors."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hubworkshop.cli.main import Settings, _pass_settings, _store_options, cli
from hubworkshop.domain.errors import Problem
from hubworkshop.domain.i18n import _, nformat
from hubworkshop.domain.text import printable
from hubworkshop.sources.bundled import bundled_bank


def _report(problems: list[Problem], summary: list[str]) -> None:
    for problem in problems:
        click.echo(printable(str(problem), keep_newlines=True), err=True)
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    if errors:
        click.echo(
            nformat(errors, "{n} error", "{n} errors")
            + ", "
            + nformat(warnings, "{n} warning", "{n} warnings"),
            err=True,
        )
        sys.exit(1)
    for line in summary:
        click.echo(line)
    click.echo(
        _("ok, {warnings}").format(warnings=nformat(warnings, "{n} warning", "{n} warnings"))
    )


@cli.group()
def bank() -> None:
    """Check a question bank."""


@bank.command("check")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
def bank_check(directory: Path | None) -> None:
    """Validate a question bank folder (default: the bundled Hubs bank)."""
    from hubworkshop.sources.bank import load_bank

    directory = directory or bundled_bank()
    result, problems = load_bank(directory)
    summary = []
    if result is not None:
        summary = [
            f"{result.id}: {result.title}",
            f"{len(result.themes)} themes, {len(result.questions)} questions, "
            f"{len(result.roles)} roles; languages: {', '.join(result.languages)}",
        ]
    _report(problems, summary)


@cli.group()
def plan() -> None:
    """Check a workshop plan."""


@plan.command("check")
@click.argument("file", required=False, type=click.Path(path_type=Path))
@_store_options
@_pass_settings
def plan_check(settings: Settings, file: Path | None) -> None:
    """Validate a workshop plan and its question bank (default: the bundled Hubs plan)."""
    from hubworkshop.sources.plan import load_plan

    result, problems = load_plan(file or settings.plan_path)
    summary = []
    if result is not None:
        minutes = sum(p.minutes for p in result.phases)
        summary = [
            f"{result.id}: {result.title}",
            f"{result.date:%d %B %Y}, {result.start:%H:%M}-{result.end:%H:%M} {result.timezone}; "
            f"{len(result.phases)} phases ({minutes} min), {len(result.rooms)} rooms, "
            f"{sum(len(r.questions) for r in result.rooms)} room questions",
        ]
    _report(problems, summary)
