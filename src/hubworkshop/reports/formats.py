"""Every export format, once: its name, file extension, description and renderer.

The CLI's `--format` choices, the export screen's list and the file names all come from
`FORMATS`; adding a format is one entry here. Renderers are imported when first used, so
listing the formats (the CLI does at start-up) costs nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from hubworkshop.domain.i18n import N_

if TYPE_CHECKING:
    from hubworkshop.domain.records import WorkshopRecord
    from hubworkshop.reports.scope import ExportRequest

Renderer = Callable[["WorkshopRecord", "ExportRequest"], str]
"""What every format provides: the record and the request in, the file's text out."""


class Format(NamedTuple):
    name: str
    extension: str
    description: str
    renderer: str
    """`module:function` of the renderer, imported on first use."""
    summary: bool
    """A summary for people to read (Markdown, wikitext), rather than data for tools."""
    surface: str = "summary"
    """The consent surface its content follows (`domain/consent.Surface`)."""
    mime_type: str = "text/plain"
    """What a browser is told the file is, when a served session downloads it."""

    def publishable(self, attribute: bool) -> bool:
        """Whether this export, so attributed, holds only what may be published."""
        from hubworkshop.domain.consent import Surface, policy

        return policy(Surface(self.surface), attribute=attribute).publishable

    def render(self, record: WorkshopRecord, request: ExportRequest) -> str:
        module, _, function = self.renderer.partition(":")
        renderer: Renderer = getattr(importlib.import_module(module), function)
        return renderer(record, request)


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "markdown",
            "md",
            N_("Markdown summary"),
            "hubworkshop.reports.summary:summary_markdown",
            summary=True,
            mime_type="text/markdown",
        ),
        Format(
            "wikitext",
            "wiki",
            N_("Meta-Wiki wikitext"),
            "hubworkshop.reports.summary:summary_wikitext",
            summary=True,
        ),
        Format(
            "html",
            "html",
            N_("HTML page with charts"),
            "hubworkshop.reports.html:summary_html",
            summary=True,
            mime_type="text/html",
        ),
        Format(
            "json",
            "json",
            N_("JSON (all data)"),
            "hubworkshop.reports.data:to_json",
            summary=False,
            surface="archive",
            mime_type="application/json",
        ),
        Format(
            "csv",
            "csv",
            N_("CSV (one row per contribution)"),
            "hubworkshop.reports.data:to_csv",
            summary=False,
            mime_type="text/csv",
        ),
    )
}


def render(
    name: str,
    record: WorkshopRecord,
    *,
    attribute: bool = False,
    room: str | None = None,
    theme: str | None = None,
    lang: str = "en",
) -> str:
    """The export `name` of the record."""
    from hubworkshop.reports.scope import ExportRequest

    request = ExportRequest(room=room, theme=theme, lang=lang, attribute=attribute)
    return FORMATS[name].render(record, request)
