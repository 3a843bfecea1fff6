"""The wikitext export judged by MediaWiki itself (Debian's package, PHP and SQLite).

A throw-away wiki is installed into a temporary folder and served by `php -S` on 127.0.0.1;
its API parses the export with `pst=1`, so signatures and `subst:` would be expanded as on
save. `.ci/run` installs MediaWiki and sets HUBWORKSHOP_REQUIRE_MEDIAWIKI=1, so in CI this
test runs (or fails) instead of skipping.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import mwparserfromhell
import pytest

from hubworkshop.domain.records import Draft
from hubworkshop.reports.document import plain_text
from hubworkshop.reports.formats import render
from hubworkshop.storage import Store
from test_export import INJECTIONS
from workshop_fixture import build

MEDIAWIKI = Path("/usr/share/mediawiki")


def _missing() -> str | None:
    if shutil.which("php") is None:
        return "php is not installed"
    if not (MEDIAWIKI / "maintenance" / "install.php").is_file():
        return f"MediaWiki is not installed at {MEDIAWIKI} (Debian package 'mediawiki')"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Text(HTMLParser):
    """The visible text of parsed HTML (comments dropped)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    return " ".join(" ".join(parser.parts).split())


@pytest.fixture(scope="module")
def wiki(tmp_path_factory):
    reason = _missing()
    if reason:
        if os.environ.get("HUBWORKSHOP_REQUIRE_MEDIAWIKI") == "1":
            pytest.fail(f"MediaWiki is required here: {reason}")
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("mediawiki")
    (root / "db").mkdir()
    port = _free_port()
    install = subprocess.run(
        [
            "php",
            str(MEDIAWIKI / "maintenance" / "install.php"),
            "--dbtype=sqlite",
            f"--dbpath={root / 'db'}",
            "--dbname=wiki",
            f"--confpath={root}",
            f"--server=http://127.0.0.1:{port}",
            "--scriptpath=",
            "--pass=Hubworkshop-test-123",
            "--lang=en",
            "Test Wiki",
            "admin",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=root,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    server = subprocess.Popen(
        ["php", "-S", f"127.0.0.1:{port}", "-t", str(MEDIAWIKI)],
        env={**os.environ, "MW_CONFIG_FILE": str(root / "LocalSettings.php")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=root,
    )
    api = f"http://127.0.0.1:{port}/api.php"
    deadline = time.monotonic() + 30
    while True:  # wait until the server answers
        try:
            urllib.request.urlopen(f"{api}?action=query&meta=siteinfo&format=json", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("php -S did not start serving MediaWiki")
            time.sleep(0.1)
    yield api
    server.terminate()
    server.wait(timeout=10)


def parse(api: str, wikitext: str) -> dict:
    data = urllib.parse.urlencode(
        {
            "action": "parse",
            "text": wikitext,
            "contentmodel": "wikitext",
            "pst": "1",
            "format": "json",
            "formatversion": "2",
            "disablelimitreport": "1",
            "prop": "text|templates|categories|links|externallinks|sections|iwlinks",
        }
    ).encode()
    with urllib.request.urlopen(api, data=data, timeout=60) as response:
        return json.load(response)["parse"]


def test_hostile_text_stays_text_on_mediawiki(wiki, tmp_path, hubs_plan):
    with Store.open(tmp_path / "hostile.db", hubs_plan) as store:
        for text in INJECTIONS:
            store.add_contribution(Draft("value", text, question="value.benefit"))
        store.set_participant("[[User:Mallory]] ~~~~", "named")
        store.add_contribution(Draft("value", "named hostile", author="[[User:Mallory]] ~~~~"))
        wikitext = render("wikitext", store.snapshot(), attribute=True)
    page = parse(wiki, wikitext)
    assert page["templates"] == []
    assert page["categories"] == []
    assert page["links"] == [] and page["iwlinks"] == []
    assert page["externallinks"] in ([], [hubs_plan.url])  # only the plan's event page
    ours = [str(h.title).strip() for h in mwparserfromhell.parse(wikitext).filter_headings()]
    assert len(page["sections"]) == len(ours)
    text = visible_text(page["text"])
    assert "Special:Contributions" not in page["text"]  # no signature was expanded
    for injected in [*INJECTIONS, "[[User:Mallory]] ~~~~"]:
        assert " ".join(plain_text(injected).split()) in text, injected


def test_fixture_summary_renders_with_every_contribution(wiki, tmp_path, hubs_plan):
    with build(tmp_path / "fixture.db", hubs_plan) as store:
        wikitext = render("wikitext", store.snapshot(), attribute=True, lang="fr")
        kept = [c for c in store.contributions() if c.author != "Secret Sam"]
    page = parse(wiki, wikitext)
    assert page["templates"] == [] and page["links"] == [] and page["categories"] == []
    text = visible_text(page["text"])
    for c in kept:
        assert " ".join(plain_text(c.text).split()) in text, c.text
        assert c.short_id in text
    assert "This stays between us" not in text
    assert 'class="mw-collapsible mw-collapsed"' in page["text"]  # details fold away
    sections = [s["line"] for s in page["sections"]]
    assert sections.index("Résultats") < sections.index("Discussion par thème")
    assert "<bdi>يجب أن تتعاون المراكز بدلاً من التنافس</bdi>" in html.unescape(page["text"])
    assert 'class="wikitable"' in page["text"]
