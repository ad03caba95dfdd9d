"""Exercises for a demo: a trainee sheet and a separate answer key for the trainer. The
pages, files and claims come from the story's plan (what was invented); the flights, stays
and coverage gap from the demo case built from it (what the app derives, to the second),
so the tests can hold every answer against that case.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from ..errors import InputError
from ..flights import queries
from ..store import Case
from ..timefmt import record_time
from . import DEMO_MARK
from .build import DEFAULT_SEED, DEMO_EXAMINER, create_demo, plan_for
from .classroom import CHANGING_PAGE, DEFAULT_PORT, redirect_chain
from .stories import Plan

SHEET = "trainee-sheet.md"
KEY = "answer-key.md"
KEY_JSON = "answer-key.json"


def answers(plan: Plan, case, port: int = DEFAULT_PORT) -> dict:
    """What the exercises ask for: pages, files and claims from the plan; flights, stays
    and the coverage gap as ``case`` (the demo built from the plan) derives them from its
    tracks, to the second the trainee will see."""
    base = f"http://127.0.0.1:{port}"
    flights = queries.select_flights(case)
    gaps = queries.coverage_gaps(case)
    gap_flight = next((f for f in flights if gaps and f["uuid"] == gaps[0]["flight_uuid"]), None)
    return {
        "demo": plan.name,
        "title": plan.title,
        "aircraft": {"registration": plan.aircraft.registration, "hex": plan.aircraft.hex},
        "pages": [{"url": base + p.path, "path": p.path, "title": p.title,
                   "published_utc": record_time(p.published_t) if p.published_t else None}
                  for p in plan.pages if p.in_case],
        "changing_page": base + CHANGING_PAGE,
        "redirect_chain": [base + path for path in redirect_chain(plan)],
        "files": [{"name": f.name, "format": f.format, "flights": len(f.legs)} for f in plan.files],
        "flights": [{"origin": f["origin"], "destination": f["destination"],
                     "takeoff_utc": f["departure_utc"], "landing_utc": f["arrival_utc"],
                     "callsign": f["callsigns"]} for f in flights],
        "stays": [{"airport": s["airport"], "from_utc": s["from_utc"], "to_utc": s["to_utc"]}
                  for s in queries.ground_times(case)],
        "coverage_gap": None if not gaps else {
            "flight": f"{gap_flight['origin']}-{gap_flight['destination']}" if gap_flight else None,
            "from_utc": record_time(gaps[0]["start_t"]),
            "to_utc": record_time(gaps[0]["end_t"])},
        "claims": [{"text": c["text"], "check": c["expect"]} for c in plan.claims],
    }


def _sheet(plan: Plan, key: dict) -> str:
    reg = key["aircraft"]["registration"]
    pages = "\n".join(f"   - {p['url']}" for p in key["pages"])
    files = "\n".join(f"   - `{f['name']}`" for f in key["files"])
    home = {"il62": "ZKPY"}.get(plan.name, plan.legs[0].destination)
    return f"""# Exercises: {plan.title}

{DEMO_MARK}. Everything in these exercises was invented for training: the aircraft
{reg}, its flights, the people and the pages. Nothing here is evidence.

Your trainer runs `osintdesk demo serve {plan.name}`; the pages below are on that server.

1. **Capture.** Make a new case (`osintdesk new my-case --title "Exercise"`) and capture
   these pages (`osintdesk capture my-case URL`, or Sources › Capture in the window):
{pages}
   Note each page's publication date beside its capture time.
2. **A page that changes.** Capture {key['changing_page']} twice and compare the two
   captures (`osintdesk diff`). What changed?
3. **Redirects.** Capture {key['redirect_chain'][0]}. Which page did you end on, and
   through which addresses?
4. **Import.** Import the flight files the trainer hands out (or download them from the
   server's front page):
{files}
   Some of them do not name the aircraft, so say which one it is:
   `osintdesk import-flights my-case FILE... --aircraft {reg}` (or the window's Import
   Flight Files). How many aircraft and flights does the case hold afterwards?
5. **On the ground.** When was {reg} on the ground at {home}? Give each stay's start
   and end in UTC.
6. **Coverage.** Where does the data lose the aircraft in flight, and for how long?
7. **Cite it.** Record a claim that {reg} was on the ground at {home} during the first
   stay, cite the article that reports it with a quote, and add an on-ground check. What
   does the check say, and why?
8. **Check the claims.** In the demo case (`osintdesk demo create {plan.name} demo`), list
   the claims (`osintdesk claim list demo.osintcase`): which does the track data support,
   which does it contradict, and which can it not decide?
9. **Hand it on.** Export a bundle of your case for your neighbour
   (`osintdesk export-bundle my-case.osintcase my-case.osintbundle`) and verify theirs
   (`osintdesk verify-bundle`).
"""


def _key_text(key: dict) -> str:
    lines = [f"# Answer key: {key['title']}", "", f"{DEMO_MARK}. For the trainer only.", ""]
    lines += ["## 1. Pages and their publication dates", ""]
    lines += [f"- {p['url']}: \"{p['title']}\", published {p['published_utc'] or '(no date)'}"
              for p in key["pages"]]
    lines += ["", "## 2. The changing page", "",
              "Odd visits say the aircraft is parked on the west apron, even visits that it is "
              "no longer there: the diff shows that one sentence changed.", "",
              "## 3. The redirect chain", "", " -> ".join(key["redirect_chain"]), "",
              "## 4. Import", "",
              f"{len(key['flights'])} flights from {len(key['files'])} files:", ""]
    lines += [f"- {f['origin']} -> {f['destination']}, took off {f['takeoff_utc']}, landed "
              f"{f['landing_utc']} ({f['callsign']})" for f in key["flights"]]
    lines += ["", "## 5. Ground stays (UTC, from landing to take-off)", ""]
    lines += [f"- {s['airport']}: {s['from_utc']} to {s['to_utc']}" for s in key["stays"]]
    gap = key["coverage_gap"]
    lines += ["", "## 6. Coverage gap", "",
              f"On {gap['flight']}: from {gap['from_utc']} to {gap['to_utc']}, at cruise near "
              "the border; never drawn as flown." if gap else "None.", "",
              "## 7-8. Claims and their checks", ""]
    lines += [f"- {c['check']}: {c['text']}" for c in key["claims"]]
    lines += ["", "A stay with no positions seen (a parked aircraft is rarely received) is "
              "not_covered: a gap in the data is never read as support.", ""]
    return "\n".join(lines)


def write_exercises(name: str, out_dir: str | os.PathLike, *, seed: int = DEFAULT_SEED,
                    port: int = DEFAULT_PORT, force: bool = False) -> dict:
    """Write the trainee sheet, the answer key (Markdown) and its JSON into ``out_dir``;
    an existing sheet or key is refused (nothing written) unless ``force``."""
    out = Path(out_dir)
    if not force:
        for existing in (out / SHEET, out / KEY, out / KEY_JSON):
            if existing.exists():
                raise InputError("already exists: exercises are never written over another "
                                 "file; choose another folder or use --force", path=existing)
    plan = plan_for(name, seed)
    with tempfile.TemporaryDirectory(prefix="osintdesk-exercises-") as folder:
        built = create_demo(name, Path(folder) / name, seed=seed)
        with Case.open(built.path, examiner=DEMO_EXAMINER, readonly=True) as case:
            key = answers(plan, case, port)
    out.mkdir(parents=True, exist_ok=True)
    (out / SHEET).write_text(_sheet(plan, key), encoding="utf-8")
    (out / KEY).write_text(_key_text(key), encoding="utf-8")
    (out / KEY_JSON).write_text(json.dumps(key, indent=2) + "\n", encoding="utf-8")
    return {"sheet": str(out / SHEET), "answer_key": str(out / KEY),
            "answer_key_json": str(out / KEY_JSON), "demo": name, "seed": seed}
