"""The story case a report is made from: the Il-62M timeline case (flights with a coverage
gap, events in several zones, a web page captured twice and tagged, a note) with links for
the link chart and claims of every kind: a flight check that holds, one the data does not
cover, a citation of a flight, a contradiction, a claim in Cyrillic and Greek. Synthetic."""

from __future__ import annotations

from pathlib import Path

from osintdesk.findings.claims import add_claim, make_assertion
from osintdesk.findings.links import add_link
from osintdesk.store import Case
from tests.support.timeline_samples import write_timeline_case

QUOTE = "landed at Pyongyang Sunan after the summit"
CLAIMS = {
    "flew": "RA-86496 flew Vnukovo to Pyongyang on 19 September 2023.",
    "ground": "RA-86496 sat at Sunan in the morning of 20 September 2023.",
    "flight": "The return flight left Pyongyang on 21 September.",
    "languages": "Самолёт Ил-62М вернулся в Москву; το αεροσκάφος επέστρεψε στη Μόσχα.",
}


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
    ids["claims"] = {"flew": flew["uuid"], "ground": ground["uuid"], "flight": flight["uuid"],
                     "languages": languages["uuid"]}
    return ids
