"""The participants' page in headless Chromium (Debian's chromium and chromium-driver, as in
tests/test_browser.py), at a phone's viewport (360 x 740) and a laptop's: join by link,
consent, add, a dot-vote within the budget, rank with buttons, another participant's point
arriving live, results hidden then revealed; the same with JavaScript off; French from the
browser's language; axe-core with 0 violations; a keyboard-only walk."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import serving
from hubworkshop.storage import Store, pages
from test_browser import CHROMIUM, DRIVER, need_browser, wait_for

AXE = Path(__file__).parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
PHONE, LAPTOP = (360, 740), (1280, 800)


def chrome(size=LAPTOP, *, javascript: bool = True, language: str = "en"):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    prefs = {"intl.accept_languages": language}
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    options.add_experimental_option("prefs", prefs)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        f"--window-size={size[0]},{size[1]}",
        f"--lang={language}",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(DRIVER), options=options)


@pytest.fixture
def served(tmp_path, hubs_plan):
    need_browser()
    with serving(tmp_path, hubs_plan) as (base, db, _server):
        with Store.open(db) as store:
            room = next(iter(store.catalog.rooms()))
            secret, _code = pages.room_link(store, room)
        yield base, db, room, f"{base}/p/{secret}/"


@pytest.fixture
def drivers():
    opened = []

    def make(*args, **kwargs):
        driver = chrome(*args, **kwargs)
        opened.append(driver)
        return driver

    yield make
    for driver in opened:
        driver.quit()


def css(driver, selector):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def join(driver, link: str, *, consent: str | None = None, name: str = "") -> None:
    driver.get(link)
    assert css(driver, "#c-anonymous")[0].is_selected()  # anonymous is the default
    if consent:
        css(driver, f"#c-{consent}")[0].click()
    if name:
        css(driver, "#name")[0].send_keys(name)
    css(driver, "form[action=join] button")[0].click()
    wait_for(lambda: css(driver, "#text"))


def add(driver, text: str, kind: str = "idea") -> None:
    from selenium.webdriver.support.ui import Select

    Select(css(driver, "#kind")[0]).select_by_value(kind)
    css(driver, "#text")[0].send_keys(text)
    css(driver, "form[action=add] button")[0].click()
    wait_for(lambda: text in live_text(driver) or text in page_text(driver))


def page_text(driver) -> str:
    return text_of(driver, "body")


def live_text(driver) -> str:
    return text_of(driver, "#live")


def text_of(driver, selector: str) -> str:
    """The element's text, or "" while the page is being replaced (a form was posted)."""
    from selenium.common.exceptions import WebDriverException

    try:
        found = css(driver, selector)
        return found[0].text if found else ""
    except WebDriverException:
        return ""


def click(driver, selector: str, index: int = 0) -> None:
    """Click the element, again if the live stream replaced it meanwhile."""
    from selenium.common.exceptions import WebDriverException

    def attempt() -> bool:
        try:
            css(driver, selector)[index].click()
        except (WebDriverException, IndexError):
            return False
        return True

    wait_for(attempt)


def ballots(db, room: str) -> dict:
    with Store.open(db) as store:
        return store.rankings.all().get(room, {})


def fits(driver) -> bool:
    """No horizontal scrolling: the page reflows to the viewport."""
    return driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth + 1"
    )


@pytest.mark.timeout(240)
@pytest.mark.parametrize("size", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_join_add_vote_rank_and_see_the_room_live(served, drivers, size):
    _base, db, room, link = served
    amina, bruno = drivers(size), drivers(size)
    join(amina, link)
    assert fits(amina)
    join(bruno, link, consent="named", name="Bruno")
    add(amina, "Hubs could gatekeep <b>not bold</b>", "concern")
    # Bruno's page shows it without a reload (server-sent events), marked, as text.
    wait_for(lambda: "Hubs could gatekeep <b>not bold</b>" in live_text(bruno))
    assert "typed by a participant" in live_text(bruno)
    assert not css(bruno, "#live b")
    with Store.open(db) as store:
        store.votes.open(room, dots=3)
    amina.refresh()
    for used in (1, 2, 3):
        click(amina, "#live form[action=vote] button")
        wait_for(lambda used=used: f"Your dots: {used} of 3 used" in page_text(amina))
        assert "3 dots" not in page_text(amina)  # results hidden while the vote is open
    click(amina, "#live form[action=vote] button")
    wait_for(lambda: "you have used all your dots" in page_text(amina))
    with Store.open(db) as store:
        assert store.votes.round(room).cast == 3
        roles = [r.id for r in store.catalog.roles()]
    # Rank with buttons: the second item up.
    click(amina, "form[action=rank] button", 1)
    wait_for(lambda: ballots(db, room))
    with Store.open(db) as store:
        [(who, order)] = store.rankings.all()[room].items()
        assert order[:2] == [roles[1], roles[0]] and who.startswith("Guest ")
        store.votes.close(room)
    # The facilitator closes the vote: the results appear on the open page.
    wait_for(lambda: "3 dots" in live_text(bruno))
    assert fits(amina) and fits(bruno)


@pytest.mark.timeout(240)
def test_without_javascript_forms_work_and_a_reload_shows_changes(served, drivers):
    _base, db, room, link = served
    plain, other = drivers(PHONE, javascript=False), drivers(PHONE)
    join(plain, link)
    add(plain, "typed with scripts off")
    join(other, link)
    add(other, "typed by the other")
    assert "typed by the other" not in page_text(plain)
    plain.refresh()
    assert "typed by the other" in page_text(plain)
    with Store.open(db) as store:
        store.votes.open(room, dots=3)
    plain.refresh()
    click(plain, "#live form[action=vote] button")
    wait_for(lambda: "Your dots: 1 of 3 used" in page_text(plain))
    with Store.open(db) as store:
        assert {c.text for c in store.contributions.find()} == {
            "typed with scripts off",
            "typed by the other",
        }
        assert store.votes.round(room).cast == 1


@pytest.mark.timeout(120)
def test_french_from_the_browsers_language(served, drivers):
    _base, _db, _room, link = served
    driver = drivers(PHONE, language="fr")
    driver.get(link)
    assert driver.find_element("tag name", "html").get_attribute("lang") == "fr"
    assert "Quel usage peut-on faire de vos mots ?" in page_text(driver)
    css(driver, "form[action=join] button")[0].click()
    wait_for(lambda: "Ajouter un point" in page_text(driver))


def axe(driver) -> list[dict]:
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
        ".then(r => done(JSON.stringify(r.violations)));"
    )
    return [
        {"id": v["id"], "nodes": [n["html"] for n in v["nodes"]][:3]} for v in json.loads(result)
    ]


@pytest.mark.timeout(240)
@pytest.mark.parametrize("size", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_axe_finds_no_violation(served, drivers, size):
    if not AXE.is_file():
        if os.environ.get("HUBWORKSHOP_REQUIRE_BROWSER") == "1":
            pytest.fail("axe-core is required here: cd tests/browser && npm ci")
        pytest.skip("axe-core is not installed (cd tests/browser && npm ci)")
    base, db, room, link = served
    driver = drivers(size)
    driver.set_script_timeout(60)
    driver.get(f"{base}/join")
    assert axe(driver) == []
    driver.get(link)
    assert axe(driver) == []
    join(driver, link)
    add(driver, "a point to check")
    with Store.open(db) as store:
        store.votes.open(room, dots=3)
    driver.refresh()
    assert axe(driver) == []
    # 200% zoom: the laptop's page at half its width still reflows without scrolling.
    driver.set_window_size(size[0] // 2 if size == LAPTOP else size[0], size[1])
    assert fits(driver)


@pytest.mark.timeout(180)
def test_a_keyboard_only_walk(served, drivers):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    _base, db, _room, link = served
    driver = drivers(LAPTOP)
    driver.get(link)

    def press(*keys) -> None:
        ActionChains(driver).send_keys(*keys).perform()

    def focused() -> str:
        return driver.execute_script(
            "const e = document.activeElement;"
            "return e.id || e.getAttribute('href') || e.textContent.trim();"
        )

    press(Keys.TAB)
    assert focused() == "#main"  # the skip link comes first
    press(Keys.ENTER)
    assert focused() == "main"
    # Through the language switch to the consent choice, anonymous already chosen.
    while focused() not in ("c-anonymous", "c-named"):
        press(Keys.TAB)
    while focused() != "Join the room":
        press(Keys.TAB)
    press(Keys.ENTER)
    wait_for(lambda: css(driver, "#text"))
    press(Keys.TAB)
    assert focused() == "#main"
    while focused() != "text":
        press(Keys.TAB)
    press(*"said with the keyboard only")
    press(Keys.TAB)
    assert focused() == "Add"
    press(Keys.ENTER)
    wait_for(lambda: "said with the keyboard only" in page_text(driver))
    with Store.open(db) as store:
        assert [c.text for c in store.contributions.find()] == ["said with the keyboard only"]
