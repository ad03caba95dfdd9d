"""A story case for the export tests: the sample flights (RA-86496 UUWW → ZKPY → UNNT,
N7423C PANC → UHPP) with findings on them, an article tagged ``pyongyang`` and a
photo caption file, built through the real importers and findings functions.

``hostile=True`` puts quotes, ``<``, ``&``, newlines, right-to-left text and formula
prefixes in every text field a user or a source can fill."""

from __future__ import annotations

import html
from pathlib import Path

from tests.support import flight_samples
from tests.support.chart_samples import write_sample_case

HOSTILE = "\"q\" 'a' <b>&amp; x\nline \u202egnp.exe \u05e9\u05dc\u05d5\u05dd"
FORMULA = ("=", "+", "-", "@")


def _text(plain: str, hostile: bool, n: int = 0) -> str:
    """``plain``, or (hostile) a formula prefix, then the text, then the hostile tail."""
    return f"{FORMULA[n % 4]}{plain} {HOSTILE}" if hostile else plain


def write_story_case(path, *, hostile: bool = False) -> dict:
    """The story case at ``path``; returns the ids the tests name (entities, links...)."""
    from osintdesk.findings.claims import add_claim, make_assertion
    from osintdesk.findings.entities import add_entity, place_for_airport
    from osintdesk.findings.events import add_event
    from osintdesk.findings.links import add_link
    from osintdesk.findings.queries import resolve_entity_id
    from osintdesk.sources import queries as source_queries
    from osintdesk.sources.annotations import add_tag
    from osintdesk.sources.local_files import add_files
    from osintdesk.store import Case

    path = Path(path)
    write_sample_case(path)
    folder = path.parent / f"{path.stem}-files"
    folder.mkdir()
    title = _text("Il-62M seen in Pyongyang", hostile, 0)
    passage = "A Russian Air Force Il-62M landed at Pyongyang Sunan on 2 January"
    article = folder / (_text("article", hostile, 1).replace("\n", " ").replace("/", "_")
                        + ".html")
    article.write_text(
        f"<html><head><title>{html.escape(title)}</title></head><body><p>{passage}, "
        f"{html.escape(_text('the text goes on', hostile, 2))}.</p></body></html>",
        encoding="utf-8")
    caption = folder / "caption.txt"
    caption.write_text(_text("N7423C over the Bering Sea", hostile, 3) + "\n", encoding="utf-8")
    ids: dict = {"passage": passage}
    with Case.open(path, examiner="Test Examiner") as case:
        add_files(case, [article, caption])
        sources = {s["name"]: s["uuid"] for s in source_queries.list_sources(case)}
        ids["article"], ids["caption"] = sources[article.name], sources[caption.name]
        add_tag(case, ids["article"], "pyongyang")
        ids["il62"] = resolve_entity_id(case, "RA-86496")
        ids["b738"] = resolve_entity_id(case, "N7423C")
        ids["air_force"] = add_entity(case, "Organization", _text("Russian Air Force", hostile, 1),
                                      [("country", "ru")]).id
        ids["pilot"] = add_entity(case, "Person", _text("A. Pilot", hostile, 2),
                                  [("nationality", "ru")]).id
        ids["airline"] = add_entity(case, "Company", _text("Bering Charter", hostile, 3)).id
        ids["sunan"] = place_for_airport(case, "ZKPY").id
        ids["operator"] = add_link(case, ids["air_force"], ids["il62"], "operator",
                                   role=_text("operator", hostile, 0), start="2010",
                                   cite=[ids["article"]])["uuid"]
        ids["member"] = add_link(case, ids["pilot"], ids["air_force"], "member",
                                 start="2023-05")["uuid"]
        ids["charter"] = add_link(case, ids["airline"], ids["b738"], "operator",
                                  cite=[ids["caption"]])["uuid"]
        ids["landing"] = add_event(case, _text("Landing at Sunan", hostile, 1), "2024-01-02",
                                   place="ZKPY", involved=[ids["il62"], ids["pilot"]],
                                   cite=[ids["article"]],
                                   description=_text("seen on the apron", hostile, 2))["uuid"]
        ids["crossing"] = add_event(case, _text("Bering crossing", hostile, 3),
                                    "2024-01-03T10:00", zone="Asia/Kamchatka",
                                    involved=[ids["b738"], ids["airline"]])["uuid"]
        ids["flew"] = add_claim(
            case, _text("RA-86496 flew Vnukovo to Pyongyang on 2 January 2024.", hostile, 0),
            confidence="very likely", cite=[ids["article"]], quote=passage,
            assertion=make_assertion(case, "flew", aircraft="RA-86496", origin="UUWW",
                                     destination="ZKPY", date="2024-01-02"))["uuid"]
        ids["bering"] = add_claim(
            case, _text("N7423C was airborne over the Bering Sea.", hostile, 1),
            cite=[ids["caption"]],
            assertion=make_assertion(case, "airborne", aircraft="N7423C",
                                     time=flight_samples.iso_z(flight_samples.T0 + 86400 + 3600))
        )["uuid"]
        ids["case_uuid"] = case.uuid
    return ids
