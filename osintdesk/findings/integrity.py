"""What ``verify`` checks of the findings beyond each record's logged state: every quoted
passage still matches the text of the capture it quotes, at its offsets."""

from __future__ import annotations

from ..sources import queries as source_queries
from ..store import Case
from ..store.verify import VerifyReport
from .queries import quoted_citations


def check_quotes(case: Case, report: VerifyReport) -> None:
    count = 0
    texts: dict[str, str] = {}
    for row in quoted_citations(case):
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
