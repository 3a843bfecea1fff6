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
import re
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

pytestmark = pytest.mark.mediawiki

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
    os.environ["HUBWORKSHOP_TEST_WIKI_CONFIG"] = str(root / "LocalSettings.php")
    yield api
    os.environ.pop("HUBWORKSHOP_TEST_WIKI_CONFIG", None)
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
            store.contributions.add(Draft("value", text, question="value.benefit"))
        store.participants.save("[[User:Mallory]] ~~~~", "named")
        store.contributions.add(Draft("value", "named hostile", author="[[User:Mallory]] ~~~~"))
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
        kept = [c for c in store.contributions.find() if c.author != "Secret Sam"]
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


def bot_password(appid: str) -> tuple[str, str]:
    """A bot password for the wiki's admin, as Special:BotPasswords would make it."""
    made = subprocess.run(
        [
            "php",
            str(MEDIAWIKI / "maintenance" / "createBotPassword.php"),
            "--appid",
            appid,
            "--grants",
            "basic,editpage,createeditmovepage",
            "Admin",
        ],
        env={**os.environ, "MW_CONFIG_FILE": os.environ["HUBWORKSHOP_TEST_WIKI_CONFIG"]},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    match = re.search(r"username:\s*'([^']+)'.*password:\s*'([^']+)'", made.stdout, re.S)
    assert match, made.stdout
    return match[1], match[2]


def page_text(api: str, title: str) -> str | None:
    query = urllib.parse.urlencode(
        {
            "action": "query",
            "prop": "revisions",
            "rvprop": "content",
            "rvslots": "main",
            "titles": title,
            "format": "json",
            "formatversion": "2",
        }
    )
    with urllib.request.urlopen(f"{api}?{query}", timeout=30) as response:
        page = json.load(response)["query"]["pages"][0]
    if page.get("missing"):
        return None
    return page["revisions"][0]["slots"]["main"]["content"]


def test_publish_to_mediawiki(wiki, cli, tmp_path, hubs_plan):
    """Publish, publish again (nothing changed), refuse to overwrite someone else's edit,
    then --force; the bot password never appears in what the command prints."""
    import mwclient

    db = tmp_path / "fixture.db"
    build(db, hubs_plan).close()
    user, password = bot_password("hubworkshop")
    env = {"HUBWORKSHOP_WIKI_USER": user, "HUBWORKSHOP_WIKI_PASSWORD": password}
    title = "Hubs/Documentation/27 November Workshop"
    first = cli("publish", "--wiki", wiki, "--page", title, db=db, env=env)
    assert first.returncode == 0, first.stderr
    assert "published" in first.stdout and password not in first.stdout + first.stderr
    published = page_text(wiki, title)
    expected = render("wikitext", Store.open(db).snapshot())
    assert published is not None and published.strip() == expected.strip()
    assert "This stays between us" not in published  # unattributed, off the record left out
    again = cli("publish", "--wiki", wiki, "--page", title, db=db, env=env)
    assert again.returncode == 0 and "nothing changed" in again.stdout
    # Someone edits the page on the wiki.
    other_user, other_password = bot_password("someone")
    parts = urllib.parse.urlsplit(wiki)
    site = mwclient.Site(parts.netloc, path="/", scheme="http")
    site.login(other_user, other_password)
    site.pages[title].edit(published + "\n\nA note from the committee.", summary="note")
    store = Store.open(db)
    store.contributions.add(Draft("value", "a late point", question="value.benefit"))
    store.close()
    diff = cli("publish", "--wiki", wiki, "--page", title, "--dry-run", db=db, env=env)
    assert diff.returncode == 0 and "+" in diff.stdout and "a late point" in diff.stdout
    refused = cli("publish", "--wiki", wiki, "--page", title, db=db, env=env)
    assert refused.returncode == 2 and "edited by someone else" in refused.stderr
    assert "A note from the committee." in page_text(wiki, title)
    forced = cli("publish", "--wiki", wiki, "--page", title, "--force", db=db, env=env)
    assert forced.returncode == 0, forced.stderr
    assert "a late point" in page_text(wiki, title)
    wrong = cli(
        "publish",
        "--wiki",
        wiki,
        "--page",
        title,
        db=db,
        env={**env, "HUBWORKSHOP_WIKI_PASSWORD": "nope"},
    )
    assert (
        wrong.returncode == 2 and "refused the login" in wrong.stderr and "nope" not in wrong.stderr
    )
