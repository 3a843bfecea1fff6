"""The in-process half of `side_by_side.py`: run by each compared revision's own Python, with
that revision's hubworkshop installed. It prints one JSON object.

    python side_by_side_probe.py prepare FOLDER        databases for start-up and `add`; the
                                                       question's first words; the question id
    python side_by_side_probe.py capture DB COUNT      Enter -> committed -> visible, COUNT times

Only what every compared revision has is used: `Store.open`, the plan reader, `HubworkshopApp`,
the capture bar and the list. Where a later revision moved a method (the Store recomposed into
services, #31), `_call` tries the new place too, and says clearly what it could not find.
Everything else (filling a workshop, exporting it, `add`) goes through the command line.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import json
import sys
import time
from pathlib import Path
from typing import Any


def _call(store: Any, names: tuple[str, ...], *args: Any) -> Any:
    """`store.<name>(*args)` for the first of `names` ("a.b" for a service's method) the
    revision has."""
    for name in names:
        target = store
        for part in name.split("."):
            target = getattr(target, part, None)
            if target is None:
                break
        if target is not None:
            return target(*args)
    raise SystemExit(f"side_by_side_probe: this revision's Store has none of {names}")


def prepare(folder: Path) -> dict[str, str]:
    from hubworkshop.sources.bundled import bundled_plan
    from hubworkshop.sources.plan import read_plan
    from hubworkshop.storage import Store

    plan = read_plan(bundled_plan())
    for name in ("first-paint", "add", "capture", "export"):
        Store.open(folder / f"{name}.db", plan).close()
    with Store.open(folder / "first-paint.db") as store:
        state = _call(store, ("room_state", "rooms.state", "clock.room_state"), "value")
        question = _call(store, ("question", "catalog.question"), state.question or "")
        workshop = _call(store, ("workshop", "catalog.workshop"))
        text = question.text.get_text(workshop.default_language)
        room = _call(store, ("room", "catalog.room"), "value")
    return {
        # The first words: never wrapped at 80 columns (as first_impression.py does).
        "needle": " ".join(text.split()[:3]),
        "question": room.questions[0],
    }


async def _capture(db: str, count: int) -> list[float]:
    # As benchmarks/run.py measures it (bench_capture): what Enter does, without the test
    # harness's own waiting, until the row is on the list.
    from hubworkshop.storage import Store
    from hubworkshop.tui.app import HubworkshopApp
    from hubworkshop.tui.widgets.capture_bar import CaptureBar
    from hubworkshop.tui.widgets.contribution_list import ContributionList

    app = HubworkshopApp(Store.open(db), room="value", frozen_time=dt.datetime.now(dt.UTC))
    latencies: list[float] = []
    gc.disable()  # as the command line starts the app (cli/__init__.py); the app turns it on
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            bar = app.screen.query_one(CaptureBar)
            lst = app.screen.query_one(ContributionList)
            for i in range(count):
                before = lst.count
                bar.value = f"idea number {i}"
                start = time.perf_counter()
                await bar.action_submit()
                while lst.count == before:
                    await asyncio.sleep(0.0005)
                latencies.append(time.perf_counter() - start)
    finally:
        gc.unfreeze()
        gc.enable()
    return latencies


def main() -> None:
    kind, *rest = sys.argv[1:]
    if kind == "prepare":
        print(json.dumps(prepare(Path(rest[0]))))
    elif kind == "capture":
        print(json.dumps(asyncio.run(_capture(rest[0], int(rest[1])))))
    else:
        raise SystemExit(f"side_by_side_probe: unknown step {kind!r}")


if __name__ == "__main__":
    main()
