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
from hubworkshop.sources.bundled import plan_file


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
@click.argument("directory", type=click.Path(path_type=Path))
def bank_check(directory: Path) -> None:
    """Validate a question bank folder."""
    from hubworkshop.sources.bank import load_bank

    result, problems = load_bank(directory)
    summary = []
    if result is not None:
        summary = [
            f"{result.id}: {result.title}",
            ", ".join(
                (
                    nformat(len(result.themes), "{n} theme", "{n} themes"),
                    nformat(len(result.questions), "{n} question", "{n} questions"),
                    nformat(len(result.roles), "{n} item to rank", "{n} items to rank"),
                )
            )
            + _("; languages: {languages}").format(languages=", ".join(result.languages)),
        ]
    _report(problems, summary)


@cli.group()
def plan() -> None:
    """Check a workshop plan."""


@plan.command("check")
@click.argument("file", required=False, metavar="[PLAN]")
@_store_options
@_pass_settings
def plan_check(settings: Settings, file: str | None) -> None:
    """Validate a workshop plan (a file, or a bundled example by name) and its question
    bank."""
    from hubworkshop.sources.plan import load_plan

    path = plan_file(file) if file is not None else settings.plan
    if path is None:
        raise click.UsageError(_("name the plan to check: plan check PLAN.toml"))
    result, problems = load_plan(path)
    summary = []
    if result is not None:
        minutes = sum(p.minutes for p in result.phases)
        summary = [
            f"{result.id}: {result.title}",
            f"{result.date:%d %B %Y}, {result.start:%H:%M}-{result.end:%H:%M} {result.timezone}; "
            + ", ".join(
                (
                    nformat(len(result.phases), "{n} phase", "{n} phases")
                    + _(" ({minutes} min)").format(minutes=minutes),
                    nformat(len(result.rooms), "{n} room", "{n} rooms"),
                    nformat(
                        sum(len(r.questions) for r in result.rooms),
                        "{n} room question",
                        "{n} room questions",
                    ),
                )
            ),
        ]
    _report(problems, summary)
