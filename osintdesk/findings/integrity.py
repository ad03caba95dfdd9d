"""What ``verify`` checks of the findings beyond each record's logged state: every quoted
passage still matches the text of the capture it quotes, at its offsets."""

from __future__ import annotations

from ..sources import queries as source_queries
from ..store import Case
from ..store.verify import VerifyReport
from . import queries


def check_quotes(case: Case, report: VerifyReport) -> None:
    count = 0
    texts: dict[str, str] = {}
    for row in queries.quoted_citations(case):
        capture = row["target_uuid"]
        if capture not in texts:
            texts[capture] = source_queries.capture_text(case, capture)
        found = texts[capture][row["quote_start"]:row["quote_end"]]
        if found != row["quote"]:
            report.fail("record", f"citation {row['uuid']}",
                        f"the quoted passage no longer matches the text of capture {capture}",
                        repr(row["quote"][:80]), repr(found[:80]))
        count += 1
    report.checked["quotes"] = count


def check_references(case: Case, report: VerifyReport) -> None:
    """Every citation still finds what it cites (a merged entity through its alias, a
    flight re-derived by a later import through the span it cited)."""
    count = 0
    for row in queries.all_citations(case):
        kind, found = queries.current_target(case, row)
        if found is None:
            report.fail("record", f"citation {row['uuid']}",
                        f"cites {kind} {row['target_uuid']}, which is no longer in the case "
                        "and whose deletion did not remove the citation")
        count += 1
    report.checked["citations"] = count
