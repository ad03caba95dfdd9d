"""Cases for the link chart, made through the domain APIs (synthetic names only).

``story_case``: an Il-62M flown Vnukovo to Pyongyang and back, its operator and owner,
a person, a merged duplicate, an event, an article cited and tied. ``synthetic_case``: many
entities and links (the 300-node test, the benchmark)."""

from __future__ import annotations

import random
from datetime import datetime, timezone
from pathlib import Path

from osintdesk.findings.citations import add_citation
from osintdesk.findings.entities import add_entity, merge_entities
from osintdesk.findings.events import add_event
from osintdesk.findings.links import add_link
from osintdesk.findings.queries import get_entity, resolve_entity_id
from osintdesk.findings.ties import tie_source
from osintdesk.flights.ingest import import_flight_file
from osintdesk.sources import queries as source_queries
from osintdesk.sources.local_files import add_files
from osintdesk.store import Case
from tests.support import flight_samples

OUT_T = datetime(2023, 9, 19, 6, 0, tzinfo=timezone.utc).timestamp()
BACK_T = datetime(2023, 9, 21, 9, 0, tzinfo=timezone.utc).timestamp()
ARTICLE = ("<html><head><title>Il-62M seen in Pyongyang</title></head><body><article>"
           "<p>A Russian Air Force Il-62M landed at Pyongyang Sunan on 19 September.</p>"
           "</article></body></html>")
NOTE = "<html><head><title>Registry extract</title></head><body><p>Owner: Rosimushchestvo.</p></body></html>"


def story_case(folder: Path, name: str = "links") -> dict:
    """Write the story case in ``folder``; returns its path and the ids the tests name."""
    folder.mkdir(parents=True, exist_ok=True)
    outbound = flight_samples.synthetic_flight("UUWW", "ZKPY", OUT_T)
    back = flight_samples.synthetic_flight("ZKPY", "UUWW", BACK_T, callsign="RSD002")
    article, note = folder / "article.html", folder / "registry.html"
    article.write_text(ARTICLE, encoding="utf-8")
    note.write_text(NOTE, encoding="utf-8")
    with Case.create(folder / name, title="Il-62M links", examiner="Test Examiner") as case:
        import_flight_file(case, flight_samples.write_readsb_trace(folder / "trace_full_155abc.json",
                                                                   outbound + back))
        add_files(case, [article, note])
        sources = {s["name"]: s["uuid"] for s in source_queries.list_sources(case)}
        plane = get_entity(case, resolve_entity_id(case, "RA-86496"))   # the imported aircraft
        air_force = add_entity(case, "Organization", "Russian Air Force")
        owner = add_entity(case, "Company", "Rosimushchestvo")
        pilot = add_entity(case, "Person", "Ivan Petrov")
        twin = add_entity(case, "Person", "I. Petrov")
        loner = add_entity(case, "Person", "Nobody Linked")
        operator = add_link(case, air_force.id, plane.id, "operator", start="2019",
                            cite=[sources["article.html"], sources["registry.html"]])
        ownership = add_link(case, owner.id, plane.id, "owner", cite=[sources["registry.html"]])
        crew = add_link(case, twin.id, air_force.id, "member", start="2020-05")
        merge_entities(case, pilot.id, twin.id, reason="same pilot")
        event = add_event(case, "Landing at Pyongyang", "2023-09-19", place="ZKPY",
                          involved=[plane.id], cite=[sources["article.html"]])
        tie = tie_source(case, sources["article.html"], pilot.id, "the article names the crew")
        add_citation(case, "entity", air_force.id, sources["article.html"])
        return {"path": case.path, "plane": plane.id, "air_force": air_force.id, "owner": owner.id,
                "pilot": pilot.id, "twin": twin.id, "loner": loner.id, "operator": operator["uuid"],
                "ownership": ownership["uuid"], "crew": crew["uuid"], "event": event["uuid"],
                "tie": tie["uuid"], "article": sources["article.html"],
                "registry": sources["registry.html"]}


SCHEMATA = ("Person", "Person", "Person", "Company", "Organization", "Address")
LINK_KINDS = {("Person", "Company"): ["Directorship", "Employment", "owner"],
              ("Person", "Organization"): ["member", "Employment"],
              ("Company", "Company"): ["owner"], ("Organization", "Company"): ["owner"],
              ("Person", "Person"): ["Associate", "Family"]}
FIRST = ("Anna", "Boris", "Chen", "Dara", "Emil", "Farah", "Goran", "Hana", "Ilya", "Jana",
         "Kofi", "Lena", "Milo", "Nora", "Oleg", "Pia", "Quinn", "Rosa", "Sami", "Tove")
LAST = ("Adler", "Berg", "Costa", "Dvorak", "Eklund", "Fonseca", "Grau", "Holm", "Ivanic",
        "Jensen", "Kaur", "Lind", "Moreau", "Novak", "Orlov", "Park")


def synthetic_case(path: Path, entities: int, links: int, seed: int = 7) -> Path:
    """A case of ``entities`` synthetic people, companies, organisations and addresses
    and about ``links`` links between them (the kinds FtM allows), in one transaction."""
    rng = random.Random(seed)
    with Case.create(path, title="Synthetic network", examiner="Bench") as case:
        with case.transaction():
            made = []
            for i in range(entities):
                schema = SCHEMATA[i % len(SCHEMATA)]
                name = (f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}" if schema == "Person" else
                        f"{rng.choice(LAST)} {schema} {i}")
                made.append(add_entity(case, schema, name))
            made_links, tried = 0, 0
            while made_links < links and tried < links * 20:
                tried += 1
                # Mostly near neighbours by index: clusters, as real cases have.
                a = rng.randrange(len(made))
                b = min(len(made) - 1, max(0, a + rng.randint(-12, 12))) if rng.random() < 0.85 \
                    else rng.randrange(len(made))
                first, second = made[a], made[b]
                kinds = LINK_KINDS.get((first.schema, second.schema))
                if a == b or not kinds:
                    continue
                add_link(case, first.id, second.id, rng.choice(kinds))
                made_links += 1
        return case.path
