"""Issue #33: any workshop, in every language its plan lists, with nothing of the Hubs event
left in the code. Each test is named by the issue's numbered point it proves."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import write_files
from hubworkshop.storage import Store

# -- a workshop that has nothing to do with hubs ---------------------------------------------

BANK = {
    "bank.md": """
        # orchard

        title: Orchard cooperative gathering
        languages: en, es, ar

        ## roles

        en: What the cooperative should buy first
        es: Lo que la cooperativa debería comprar primero
        ar: ما يجب أن تشتريه التعاونية أولاً

        - id: ladders
          en: Ladders
          es: Escaleras
          ar: سلالم
        - id: crates
          en: Crates
          es: Cajas
          ar: صناديق
        - id: press
          en: Cider press
          es: Prensa de sidra
          ar: معصرة
    """,
    "01-harvest.md": """
        # harvest

        en: Harvest
        es: Cosecha
        ar: الحصاد

        ## harvest.timing

        en: When should picking start?
        es: ¿Cuándo debería empezar la recogida?
        ar: متى يجب أن يبدأ القطف؟

        ## harvest.sharing

        en: How are the apples shared?
        es: ¿Cómo se reparten las manzanas?
        ar: كيف يتم تقاسم التفاح؟
    """,
}

PLAN = """
[workshop]
id = "orchard-2030"
title = "Orchard cooperative gathering"
date = 2030-09-14
start = 09:00:00
end = 11:00:00
languages = ["en", "es", "ar"]
bank = "bank"

[[agenda]]
id = "talk"
title = "Open talk"
minutes = 60
activity = "brainstorm"

[[room]]
id = "barn"
name = "The barn"
questions = ["harvest.timing", "harvest.sharing"]

[[room]]
id = "cellar"
name = "The cellar"
language = "ar"
questions = ["harvest.sharing", "harvest.timing"]
"""


def orchard(root: Path, plan: str = PLAN) -> Path:
    """The orchard workshop's plan file (its bank beside it)."""
    write_files(root / "bank", BANK)
    path = root / "orchard.toml"
    path.write_text(plan.lstrip("\n"), encoding="utf-8")
    return path


# -- 6. an explicit workshop -----------------------------------------------------------------


def test_6_a_first_command_without_a_plan_makes_no_workshop(cli, tmp_path):
    db = tmp_path / "new.db"
    result = cli("add", "--room", "value", "an idea", db=db, plan=None)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert "no workshop here yet" in result.stderr and "--plan" in result.stderr
    assert "value" not in result.stderr.replace("--room", "")  # no Hubs room is listed
    assert not db.exists()
    opened = cli("list", db=db, plan=None)  # the app's own entry: the same answer
    assert opened.returncode == 2 and not db.exists()


def test_6_a_missing_plan_is_an_error_even_on_an_existing_workshop(cli, tmp_path):
    db = tmp_path / "w.db"
    plan = orchard(tmp_path)
    assert cli("--plan", str(plan), "list", db=db, plan=None).returncode == 0
    result = cli("--plan", str(tmp_path / "nowhere.toml"), "list", db=db, plan=None)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "nowhere.toml: no such file" in result.stderr


def test_6_the_database_records_its_plan_and_refuses_another(cli, tmp_path):
    db = tmp_path / "w.db"
    plan = orchard(tmp_path)
    made = cli("--plan", str(plan), "add", "--room", "barn", "first", db=db, plan=None)
    assert made.returncode == 0, made.stderr
    with Store.open(db) as store:
        workshop = store.workshop()
    assert workshop.plan_source == str(plan.resolve())
    assert len(workshop.plan_sha256) == 64

    again = cli("--plan", str(plan), "add", "--room", "barn", "second", db=db, plan=None)
    assert again.returncode == 0, again.stderr  # the same plan: fine

    other = cli("--plan", "hubs-2021-11-27", "list", db=db, plan=None)
    assert other.returncode == 2
    assert other.stderr.count("\n") == 1
    assert "'orchard-2030'" in other.stderr and "'hubs-2021-11-27'" in other.stderr

    plan.write_text(plan.read_text().replace("The barn", "The old barn"), encoding="utf-8")
    changed = cli("--plan", str(plan), "list", db=db, plan=None)
    assert changed.returncode == 2
    assert "a changed plan needs a new database" in changed.stderr

    listed = cli("list", "--json", db=db, plan=None)  # without --plan: the database is the record
    assert [r["text"] for r in json.loads(listed.stdout)] == ["first", "second"]


def test_6_the_bundled_hubs_plan_is_used_only_when_named(cli, tmp_path):
    db = tmp_path / "hubs.db"
    made = cli("--plan", "hubs-2021-11-27", "add", "--room", "value", "x", db=db, plan=None)
    assert made.returncode == 0, made.stderr
    with Store.open(db) as store:
        assert store.workshop().id == "hubs-2021-11-27"
