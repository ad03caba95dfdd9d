"""The story case a report is made from: the Il-62M timeline case (flights with a coverage
gap, events in several zones, a web page captured twice and tagged, a note) with links for
the link chart and claims of every kind: a flight check that holds, one the data does not
cover, a citation of a flight, a contradiction, a claim in Cyrillic and Greek. Synthetic."""

from __future__ import annotations

from pathlib import Path

from osintdesk.findings.claims import add_claim, make_assertion
from osintdesk.findings.links import add_link
from osintdesk.sources.local_files import add_files
from osintdesk.sources.queries import list_sources
from osintdesk.store import Case
from tests.support.timeline_samples import write_timeline_case

QUOTE = "landed at Pyongyang Sunan after the summit"
CLAIMS = {
    "flew": "RA-86496 flew Vnukovo to Pyongyang on 19 September 2023.",
    "ground": "RA-86496 sat at Sunan in the morning of 20 September 2023.",
    "flight": "The return flight left Pyongyang on 21 September.",
    "languages": "Самолёт Ил-62М вернулся в Москву; το αεροσκάφος επέστρεψε στη Μόσχα.",
    "photo": "The aircraft stood on the apron at Sunan on 20 September.",
}


def apron_photo(path: Path) -> Path:
    """A small JPEG of the apron, as a camera writes it (lossy, as photos are)."""
    from PIL import Image
    image = Image.new("RGB", (96, 64), (20, 40, 120))
    for x in range(20, 76):
        for y in range(28, 36):
            image.putpixel((x, y), (230, 230, 230))   # the fuselage
    image.save(path, "JPEG", quality=90)
    return path


def write_report_case(path) -> dict:
    """Write the story case at ``path``; returns the ids of its records by name (those of
    ``write_timeline_case`` and ``claims``: claim ids by the keys of CLAIMS)."""
    ids = write_timeline_case(Path(path))
    with Case.open(path, examiner="Test Examiner") as case:
        add_link(case, ids["kim"], ids["putin"], "Associate", start="2019", cite=[ids["article"]])
        flew = add_claim(case, CLAIMS["flew"], confidence="very likely", cite=[ids["article"]],
                         quote=QUOTE, assertion=make_assertion(
                             case, "flew", aircraft="RA-86496", origin="UUWW",
                             destination="ZKPY", date="2023-09-19"))
        ground = add_claim(case, CLAIMS["ground"], assertion=make_assertion(
            case, "on-ground", aircraft="RA-86496", at="ZKPY",
            between=("2023-09-20T00:00Z", "2023-09-20T12:00Z")), cite=[ids["note"]])
        flight = add_claim(case, CLAIMS["flight"], status="supported", cite=[ids["flights"][2]],
                           contradicted_by=[ids["note"]])
        languages = add_claim(case, CLAIMS["languages"], cite=[ids["note"]])
        add_files(case, [apron_photo(Path(path).parent / "apron.jpg")])
        photo_source = next(s["uuid"] for s in list_sources(case) if s["name"] == "apron.jpg")
        photo = add_claim(case, CLAIMS["photo"], cite=[photo_source])
    ids["claims"] = {"flew": flew["uuid"], "ground": ground["uuid"], "flight": flight["uuid"],
                     "languages": languages["uuid"], "photo": photo["uuid"]}
    ids["photo"] = photo_source
    ids["photo_bytes"] = (Path(path).parent / "apron.jpg").read_bytes()
    return ids
