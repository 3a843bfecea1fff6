"""`hubworkshop publish`: the wikitext summary onto a MediaWiki page (Meta-Wiki), with mwclient.

mwclient (0.11, maintained, the client Wikimedia's own tools documentation points to for
Python) speaks the Action API: login with a bot password, edit with a base timestamp so
MediaWiki itself refuses an edit that would overwrite a newer revision. Credentials come only
from $HUBWORKSHOP_WIKI_USER and $HUBWORKSHOP_WIKI_PASSWORD, never from the command line, and
are never printed.

A page edited by someone else since our last publish (or a page we never published that
already has text) is not overwritten unless --force; the revision each publish made is kept in
the workshop's event log.
"""

from __future__ import annotations

import difflib
import os
import urllib.parse
from typing import Any

import click

from hubworkshop import __version__
from hubworkshop.cli.main import (
    Settings,
    _pass_settings,
    _store_options,
    actor_option,
    cli,
)
from hubworkshop.domain.errors import InputError, StoreError
from hubworkshop.domain.i18n import _
from hubworkshop.domain.text import one_line, printable
from hubworkshop.reports.formats import render
from hubworkshop.reports.labels import fallback_notice

USER_ENV, PASSWORD_ENV = "HUBWORKSHOP_WIKI_USER", "HUBWORKSHOP_WIKI_PASSWORD"


def _site(api_url: str) -> Any:
    """A logged-in mwclient Site for the API at `api_url` (…/api.php)."""
    import mwclient

    parts = urllib.parse.urlsplit(api_url)
    if parts.scheme not in ("http", "https") or not parts.path.endswith("api.php"):
        raise InputError(
            _("--wiki {api_url}: give the API address, ending in /api.php").format(api_url=api_url)
        )
    user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    if not user or not password:
        raise InputError(
            _(
                "set {USER_ENV} and {PASSWORD_ENV} to a bot password (Special:BotPasswords; grants: basic, editpage, createeditmovepage)"
            ).format(USER_ENV=USER_ENV, PASSWORD_ENV=PASSWORD_ENV)
        )
    try:
        site = mwclient.Site(
            parts.netloc,
            path=parts.path[: -len("api.php")],
            scheme=parts.scheme,
            clients_useragent=f"hubworkshop/{__version__}",
        )
        site.login(user, password)
    except mwclient.errors.LoginError:
        raise InputError(
            _("the wiki refused the login of {USER_ENV} (check the bot password)").format(
                USER_ENV=USER_ENV
            )
        ) from None
    except Exception as error:  # connection refused, DNS, TLS, not MediaWiki...
        raise StoreError(
            _("--wiki {api_url}: cannot reach the wiki ({kind})").format(
                api_url=api_url, kind=type(error).__name__
            )
        ) from None
    return site


@cli.command()
@_store_options
@click.option(
    "--wiki",
    "api_url",
    required=True,
    help="The wiki's API, e.g. https://meta.wikimedia.org/w/api.php",
)
@click.option(
    "--page",
    "title",
    required=True,
    help="The page to write, e.g. 'Project:Workshops/2030-09-14 report'.",
)
@click.option(
    "--lang", default=None, help="The summary's language (default: the workshop's first)."
)
@click.option("--attribute", is_flag=True, help="Name participants who agreed to be named.")
@click.option(
    "--summary", "edit_summary", default="Workshop summary from hubworkshop", show_default=True
)
@click.option(
    "--force", is_flag=True, help="Overwrite a page others edited since the last publish."
)
@click.option("--dry-run", is_flag=True, help="Print the change as a diff; edit nothing.")
@actor_option
@_pass_settings
def publish(
    settings: Settings,
    api_url: str,
    title: str,
    lang: str | None,
    attribute: bool,
    edit_summary: str,
    force: bool,
    dry_run: bool,
    actor: str | None,
) -> None:
    """Publish the wikitext summary to a MediaWiki page (unattributed unless --attribute)."""
    with settings.open_store() as store:
        language = lang or store.catalog.workshop().default_language
        text = render("wikitext", store.snapshot(), attribute=attribute, lang=language)
        if notice := fallback_notice(language):
            click.echo(notice, err=True)
        ours = store.events.last_publication(api_url, title)
        site = _site(api_url)
        page = site.pages[title]
        current = page.text() if page.exists else ""
        if current.strip() == text.strip():
            click.echo(
                _("{title}: nothing changed (revision {revision})").format(
                    title=one_line(title), revision=page.revision
                )
            )
            return
        if dry_run:
            diff = difflib.unified_diff(
                current.splitlines(), text.splitlines(), "on the wiki", "to publish", lineterm=""
            )
            click.echo(printable("\n".join(diff), keep_newlines=True))
            return
        if page.exists and page.revision != ours and not force:
            why = (
                "was edited by someone else since the last publish"
                if ours is not None
                else "already exists and was not published from this workshop"
            )
            raise InputError(
                _("{title} {why}: look at it, then publish with --force to replace it").format(
                    title=one_line(title), why=why
                )
            )
        result = page.edit(text, summary=edit_summary, bot=True)
        revision = int(result.get("newrevid") or page.revision)
        store.events.record_publication(api_url, title, revision, actor)
    click.echo(
        _("published {title} (revision {revision})").format(
            title=one_line(title), revision=revision
        )
    )
