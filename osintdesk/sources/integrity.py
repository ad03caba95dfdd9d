"""What ``verify`` checks of the sources beyond each record's logged state: the full-text
index (derived data, never audited) says exactly what the records say.

The index is made again from the records in memory and compared with the case's, row by
row (which capture, note or tag each row stands for, and its text) and then word by word
(every term the index would match, in which row, column and position), so an edit of
the index's own tables is found as well as an edit of its text.
"""

from __future__ import annotations

import sqlite3
from itertools import zip_longest

from ..store import Case
from ..store.schema import expected_schema
from ..store.verify import VerifyReport
from .search import COLUMNS, IndexRow, rows_from_records

_VOCAB = "osintdesk_verify_vocab"
# Identifier terms are matched as words; the order they are listed in is not meaningful.
_WORDS = ("SELECT term, doc, col, CASE WHEN col = 'identifiers' THEN NULL ELSE [offset] END "
          f"FROM temp.{_VOCAB} ORDER BY 1, 2, 3, 4")


def _label(row: IndexRow) -> str:
    return f"{row.kind} {row.object_uuid}"


def _short(text: str, limit: int = 80) -> str:
    return repr(text if len(text) <= limit else text[:limit - 1] + "…")


def check_search_index(case: Case, report: VerifyReport) -> None:
    conn = case.conn
    indexed = {uuid: (rowid, kind, source, folded) for rowid, kind, uuid, source, folded in
               conn.execute("SELECT rowid, kind, object_uuid, source_uuid, folded FROM search_rows")}
    matched: set[int] = set()   # rows whose text is right: their words are compared next
    expected_index = sqlite3.connect(":memory:")
    try:
        expected_index.execute(expected_schema()["source_search"].sql)
        checked = 0
        for row in rows_from_records(case):
            checked += 1
            label = _label(row)
            found = indexed.pop(row.object_uuid, None)
            if found is None:
                report.fail("search", label, "is missing from the search index (search does not "
                            "find it)")
                continue
            rowid, kind, source, folded = found
            if (kind, source, bool(folded)) != (row.kind, row.source_uuid, row.folded):
                report.fail("search", label, "the search index files it wrongly",
                            f"{row.kind} of source {row.source_uuid}", f"{kind} of source {source}")
            stored = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM source_search WHERE rowid = ?",
                                  (rowid,)).fetchone()
            if stored is None:
                report.fail("search", label, "its text is missing from the search index")
                continue
            if _differs(report, label, row.columns, stored):
                continue
            expected_index.execute(
                f"INSERT INTO source_search (rowid, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?)",
                (rowid, *row.columns))
            matched.add(rowid)
        for uuid, (rowid, kind, *_rest) in indexed.items():
            report.fail("search", f"search index row {rowid}",
                        f"stands for {kind} {uuid}, which is not in the case")
        for (rowid,) in conn.execute("SELECT rowid FROM source_search WHERE rowid NOT IN "
                                     "(SELECT rowid FROM search_rows)"):
            report.fail("search", f"search index row {rowid}",
                        "has text but stands for no capture, note or tag")
        _compare_words(report, conn, expected_index, matched)
        report.checked["search_rows"] = checked
    finally:
        expected_index.close()


def _differs(report: VerifyReport, label: str, expected: tuple, found: tuple) -> bool:
    differs = False
    for column, want, have in zip(COLUMNS, expected, found):
        have = have or ""
        same = (sorted(want.split()) == sorted(have.split()) if column == "identifiers"
                else want == have)
        if not same:
            report.fail("search", label, f"the search index's {column} is not what the records "
                        "say (search would return what the case does not hold)",
                        _short(want), _short(have))
            differs = True
    return differs


def _compare_words(report: VerifyReport, conn, expected_index, rowids: set[int]) -> None:
    """Compare what the index would match (term, row, column, position) for ``rowids``."""
    create = f"CREATE VIRTUAL TABLE temp.{_VOCAB} USING fts5vocab(main, source_search, instance)"
    expected_index.execute(create)
    conn.execute(create)
    cursor = None
    try:
        cursor = conn.execute(_WORDS)
        found = (w for w in cursor if w[1] in rowids)
        for want, have in zip_longest(expected_index.execute(_WORDS), found):
            if want != have:
                rowid = (want or have)[1]
                report.fail("search", f"search index row {rowid}",
                            "the index's words differ from its text (its tables were edited)",
                            _word(want), _word(have))
                break
    finally:
        if cursor is not None:
            cursor.close()   # a table being read cannot be dropped
        conn.execute(f"DROP TABLE temp.{_VOCAB}")


def _word(word) -> str:
    if word is None:
        return "nothing"
    term, rowid, column, offset = word
    return f"{term!r} in {column} of row {rowid}" + ("" if offset is None else f" at {offset}")
