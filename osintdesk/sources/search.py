"""Full-text search over sources (titles, URLs, extracted text, identifiers), notes and tags.

The index is an SQLite FTS5 table, ``source_search``; ``search_rows`` says which capture,
note or tag each of its rows stands for. It is derived data: written in the same
transaction as the records it indexes, never audited, and ``rebuild_index`` can make it
again from the records at any time.

What the investigator types is turned into a safe FTS5 query: words are matched as words
(``RA-86496`` finds "RA-86496" and "RA 86496"), ``"quoted phrases"`` as phrases, ``word*``
as a prefix, and ``OR`` / ``AND`` / ``NOT`` between words as operators. Case, Latin accents
and the Russian ё are ignored.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import asdict, dataclass, field
from typing import Iterator

from ..errors import InputError
from ..store import Case
from .retirement import retired_sources
from .text import find_word, is_designation, match_key, snippet_around

OPEN, CLOSE = "\x01", "\x02"          # snippet markers; never left in indexed text
ELLIPSIS = "…"
SNIPPET_TOKENS = 16
# bm25 weights for the columns title, url, body, identifiers.
WEIGHTS = (5.0, 2.0, 1.0, 3.0)
RANK = f"bm25({', '.join(str(w) for w in WEIGHTS)})"
COLUMNS = ("title", "url", "body", "identifiers")
_OPERATORS = {"OR", "AND", "NOT"}
_WORDISH = re.compile(r"\w")
# What is indexed is folded one character for one, so offsets stay those of the original:
# the markers become spaces, and ё/Ё become е/Е (most Russian text is typed without ё, and
# SQLite's diacritic folding covers only Latin letters).
_FOLD = str.maketrans({OPEN: " ", CLOSE: " ", "ё": "е", "Ё": "Е"})
_FOLDED = frozenset("ёЁ")


@dataclass
class SearchHit:
    """One source that matched, at its best-matching capture, note or tag.

    ``highlights`` are (start, end) offsets of the matched words in ``snippet``.
    ``matches`` is how many captures, notes and tags of the source matched in all.
    """

    source_uuid: str
    kind: str                     # capture | note | tag
    object_uuid: str
    capture_uuid: str | None
    title: str
    url: str | None
    snippet: str
    highlights: list[tuple[int, int]] = field(default_factory=list)
    score: float = 0.0
    matches: int = 1
    captured_utc: str | None = None

    def as_dict(self) -> dict:
        data = asdict(self)
        data["highlights"] = [list(h) for h in self.highlights]
        return data


# ----------------------------------------------------------------------------- the query


def fts_query(text: str) -> str:
    """A safe FTS5 MATCH expression for what the investigator typed.

    Raises :class:`InputError` when nothing searchable is left.
    """
    items: list[tuple[str, str]] = []   # ("term", expr) or ("op", "OR")
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        if text[i] == '"':
            end = text.find('"', i + 1)
            end = n if end < 0 else end
            phrase, i = text[i + 1:end], end + 1
            prefix = i < n and text[i] == "*"
            i += 1 if prefix else 0
            if _WORDISH.search(phrase):
                items.append(("term", _quote(phrase) + ("*" if prefix else "")))
            continue
        end = i
        while end < n and not text[end].isspace() and text[end] != '"':
            end += 1
        word, i = text[i:end], end
        if word in _OPERATORS:
            items.append(("op", word))
            continue
        prefix = word.endswith("*")
        word = word.rstrip("*")
        # A type or registration typed short finds its variants: Il-62 finds Il-62M.
        prefix = prefix or is_designation(word)
        if _WORDISH.search(word):
            items.append(("term", _quote(word) + ("*" if prefix else "")))
    parts: list[str] = []
    for index, (kind, value) in enumerate(items):
        if kind == "op":
            between = (parts and parts[-1] not in _OPERATORS and index + 1 < len(items)
                       and items[index + 1][0] == "term")
            parts.append(value if between else _quote(value))
        else:
            parts.append(value)
    if not parts:
        raise InputError("there is nothing to search for (type a word)", path=f"search {text!r}")
    return " ".join(parts)


def _quote(term: str) -> str:
    return '"' + term.translate(_FOLD).replace('"', '""') + '"'


def _unmark(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """Text without the snippet markers, and the (start, end) offsets they enclosed."""
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    start = None
    for piece in re.split(f"([{OPEN}{CLOSE}])", marked):
        if piece == OPEN:
            start = length
        elif piece == CLOSE:
            if start is not None and length > start:
                spans.append((start, length))
            start = None
        else:
            plain.append(piece)
            length += len(piece)
    return "".join(plain), spans


# ----------------------------------------------------------------------------- searching


def search(case: Case, query: str, *, limit: int = 100, include_retired: bool = False
           ) -> list[SearchHit]:
    """Sources matching ``query``, best first, one hit per source with a highlighted snippet.
    Retired sources are left out unless ``include_retired``.

    Rows come from FTS5 in rank order (its own top-N sort, so snippets are made only for
    the rows returned); a source's further matches are counted without ranking them.
    The snippet is the source's own text (the body column; the title or URL when only they
    matched), never the identifiers column, which holds index terms no one wrote.
    """
    expression = fts_query(query)
    hidden = set() if include_retired else retired_sources(case)
    best: dict[str, tuple] = {}          # source -> (rowid, score, snippet, kind, object, folded)
    batch, offset = limit + 25, 0
    try:
        while len(best) < limit:
            rows = case.conn.execute(
                "SELECT rowid, rank, snippet(source_search, ?, ?, ?, ?, ?) FROM source_search "
                "WHERE source_search MATCH ? AND rank MATCH ? ORDER BY rank LIMIT ? OFFSET ?",
                (BODY, OPEN, CLOSE, ELLIPSIS, SNIPPET_TOKENS, expression, RANK, batch,
                 offset)).fetchall()
            about = _rows_about(case, [row[0] for row in rows])
            for rowid, score, snippet in rows:
                kind, object_uuid, source_uuid, folded = about[rowid]
                if source_uuid not in best and len(best) < limit and source_uuid not in hidden:
                    best[source_uuid] = (rowid, score, snippet, kind, object_uuid, folded)
            if len(rows) < batch:
                break
            offset += batch
            batch *= 2
    except sqlite3.OperationalError as error:
        raise InputError(f"cannot be searched ({error})", path=f"search {query!r}") from None
    if not best:
        return []
    matches = _match_counts(case, expression, best)
    titles = _source_titles(case, list(best))
    captured = _capture_times(case, [v[4] for v in best.values() if v[3] == "capture"])
    hits = []
    for source_uuid, (rowid, score, marked, kind, object_uuid, folded) in best.items():
        if OPEN not in marked:   # the body did not match: the title, the URL or identifiers did
            marked = _other_snippet(case, rowid, expression, query, kind, object_uuid, marked)
        snippet, spans = _unmark(marked)
        if folded:
            snippet = _restore(snippet, _originals(case, kind, object_uuid))
        title, url = titles.get(source_uuid, ("", None))
        hits.append(SearchHit(source_uuid=source_uuid, kind=kind, object_uuid=object_uuid,
                              capture_uuid=object_uuid if kind == "capture" else None,
                              title=title, url=url, snippet=snippet, highlights=spans,
                              score=score, matches=matches.get(source_uuid, 1),
                              captured_utc=captured.get(object_uuid)))
    return hits


BODY = COLUMNS.index("body")


def _other_snippet(case: Case, rowid: int, expression: str, query: str, kind: str,
                   object_uuid: str, body_snippet: str) -> str:
    """A marked snippet for a row whose body did not match: the title's or the URL's when
    they matched; else (only the identifiers column matched, e.g. "RA86496" written
    "RA-86496") the passage of the text where a typed word is found under the selectors'
    rule; else the start of the text, unmarked."""
    for column in (COLUMNS.index("title"), COLUMNS.index("url")):
        found = case.conn.execute(
            "SELECT snippet(source_search, ?, ?, ?, ?, ?) FROM source_search "
            "WHERE source_search MATCH ? AND rowid = ?",
            (column, OPEN, CLOSE, ELLIPSIS, SNIPPET_TOKENS, expression, rowid)).fetchone()
        if found and OPEN in (found[0] or ""):
            return found[0]
    if kind == "capture":
        from .queries import capture_text
        text = capture_text(case, object_uuid)
        for word in query.replace('"', " ").split():
            if word in _OPERATORS:
                continue
            spans = find_word(text, word)
            if spans:
                passage, (start, end) = snippet_around(text, *spans[0])
                return passage[:start] + OPEN + passage[start:end] + CLOSE + passage[end:]
    return body_snippet


def _rows_about(case: Case, rowids: list[int]) -> dict[int, tuple]:
    if not rowids:
        return {}
    marks = ", ".join("?" * len(rowids))
    return {r[0]: r[1:] for r in case.conn.execute(
        f"SELECT rowid, kind, object_uuid, source_uuid, folded FROM search_rows "
        f"WHERE rowid IN ({marks})", rowids)}


def _match_counts(case: Case, expression: str, best: dict[str, tuple]) -> dict[str, int]:
    """How many indexed rows (captures, notes, tags) of each found source match."""
    sources = list(best)
    marks = ", ".join("?" * len(sources))
    others = case.conn.execute(
        f"SELECT rowid, source_uuid FROM search_rows WHERE source_uuid IN ({marks})",
        sources).fetchall()
    shown = {v[0] for v in best.values()}
    rest = {rowid: source for rowid, source in others if rowid not in shown}
    counts = {source: 1 for source in sources}
    if rest:
        marks = ", ".join("?" * len(rest))
        for (rowid,) in case.conn.execute(
                f"SELECT rowid FROM source_search WHERE source_search MATCH ? AND rowid IN ({marks})",
                (expression, *rest)):
            counts[rest[rowid]] += 1
    return counts


def _originals(case: Case, kind: str, object_uuid: str) -> list[str]:
    """The texts a folded row was indexed from, to show snippets as they were written."""
    if kind == "capture":
        from .queries import capture_text
        row = case.conn.execute(
            "SELECT c.title, s.name FROM captures c JOIN sources s ON s.uuid = c.source_uuid "
            "WHERE c.uuid = ?", (object_uuid,)).fetchone()
        return [capture_text(case, object_uuid), *(t for t in row or () if t)]
    table, column = ("source_notes", "text") if kind == "note" else ("source_tags", "tag")
    row = case.conn.execute(f"SELECT {column} FROM {table} WHERE uuid = ?", (object_uuid,)).fetchone()
    return [row[0]] if row else []


def _restore(snippet: str, originals: list[str]) -> str:
    """The snippet with the original characters (ё) back: folding kept every offset."""
    head = ELLIPSIS if snippet.startswith(ELLIPSIS) else ""
    tail = ELLIPSIS if snippet.endswith(ELLIPSIS) and len(snippet) > len(head) else ""
    core = snippet[len(head):len(snippet) - len(tail)]
    for original in originals:
        at = original.translate(_FOLD).find(core)
        if at >= 0:
            return head + original[at:at + len(core)] + tail
    return snippet


def bare_search(case: Case, expression: str, *, limit: int = 100) -> list[tuple[int, str]]:
    """The plain FTS5 query ``search`` is measured against (see bench/search.py)."""
    return case.conn.execute(
        "SELECT rowid, snippet(source_search, -1, ?, ?, ?, ?) FROM source_search "
        "WHERE source_search MATCH ? ORDER BY rank LIMIT ?",
        (OPEN, CLOSE, ELLIPSIS, SNIPPET_TOKENS, expression, limit)).fetchall()


def _source_titles(case: Case, source_uuids: list[str]) -> dict[str, tuple[str, str | None]]:
    marks = ", ".join("?" * len(source_uuids))
    rows = case.conn.execute(
        f"""SELECT s.uuid, coalesce((SELECT c.title FROM captures c WHERE c.source_uuid = s.uuid
                                       AND c.title IS NOT NULL
                                     ORDER BY c.captured_utc DESC LIMIT 1), s.name), s.url
            FROM sources s WHERE s.uuid IN ({marks})""", source_uuids).fetchall()
    return {uuid: (title, url) for uuid, title, url in rows}


def _capture_times(case: Case, capture_uuids: list[str]) -> dict[str, str]:
    if not capture_uuids:
        return {}
    marks = ", ".join("?" * len(capture_uuids))
    return dict(case.conn.execute(
        f"SELECT uuid, captured_utc FROM captures WHERE uuid IN ({marks})", capture_uuids))


def highlight_offsets(case: Case, object_uuid: str, query: str, column: str = "body"
                      ) -> list[tuple[int, int]]:
    """Where ``query`` matches in one indexed capture's (or note's) text, as (start, end)."""
    try:
        expression = fts_query(query)
    except InputError:
        return []
    row = case.conn.execute("SELECT rowid FROM search_rows WHERE object_uuid = ?",
                            (object_uuid,)).fetchone()
    if row is None:
        return []
    try:
        found = case.conn.execute(
            "SELECT highlight(source_search, ?, ?, ?) FROM source_search "
            "WHERE source_search MATCH ? AND rowid = ?",
            (COLUMNS.index(column), OPEN, CLOSE, expression, row[0])).fetchone()
    except sqlite3.OperationalError:
        return []
    return _unmark(found[0] or "")[1] if found else []


# ----------------------------------------------------------------------------- keeping it in step


def _clean(text: str | None) -> str:
    return (text or "").translate(_FOLD)


@dataclass(frozen=True)
class IndexRow:
    """One row of the index as it is written: ``columns`` (title, url, body, identifiers)
    folded; ``folded`` says whether folding changed any of them."""

    kind: str            # capture | note | tag
    object_uuid: str
    source_uuid: str
    folded: bool
    columns: tuple[str, str, str, str]


def _index_row(kind: str, object_uuid: str, source_uuid: str, *, title: str = "", url: str = "",
               body: str = "", identifiers: str = "") -> IndexRow:
    columns = (title, url, body, identifiers)
    folded = any(not _FOLDED.isdisjoint(text) for text in columns if text)
    return IndexRow(kind, object_uuid, source_uuid, folded,
                    tuple(_clean(text) for text in columns))


def _add_row(case: Case, row: IndexRow) -> None:
    rowid = case.conn.execute(
        "INSERT INTO search_rows (kind, object_uuid, source_uuid, folded) VALUES (?, ?, ?, ?)",
        (row.kind, row.object_uuid, row.source_uuid, int(row.folded))).lastrowid
    case.conn.execute(
        "INSERT INTO source_search (rowid, title, url, body, identifiers) VALUES (?, ?, ?, ?, ?)",
        (rowid, *row.columns))


def identifier_terms(hits) -> str:
    """What the identifiers column holds: each value, its compact key and the text as written."""
    terms: dict[str, None] = {}
    for hit in hits:
        value = hit["value"] if isinstance(hit, dict) else hit.value
        text = hit["text"] if isinstance(hit, dict) else hit.text
        for term in (value, match_key(value), text):
            terms.setdefault(term, None)
    return " ".join(terms)


def capture_row(capture: dict, source: dict, text: str, hits) -> IndexRow:
    """What the index holds for a capture: its title, URLs, text and identifiers."""
    urls = " ".join(dict.fromkeys(u for u in (source.get("url"), capture.get("requested_url"),
                                              capture.get("final_url")) if u))
    return _index_row("capture", capture["uuid"], source["uuid"],
                      title=capture.get("title") or source.get("name") or "", url=urls,
                      body=text, identifiers=identifier_terms(hits))


def note_row(note: dict) -> IndexRow:
    return _index_row("note", note["uuid"], note["source_uuid"], body=note["text"])


def tag_row(tag: dict) -> IndexRow:
    return _index_row("tag", tag["uuid"], tag["source_uuid"], body=tag["tag"])


def index_capture(case: Case, capture: dict, source: dict, text: str, hits) -> None:
    """Index a capture's title, URLs, text and identifiers (inside the storing transaction)."""
    _add_row(case, capture_row(capture, source, text, hits))


def index_note(case: Case, note: dict) -> None:
    _add_row(case, note_row(note))


def index_tag(case: Case, tag: dict) -> None:
    _add_row(case, tag_row(tag))


def unindex(case: Case, object_uuid: str) -> None:
    row = case.conn.execute("SELECT rowid FROM search_rows WHERE object_uuid = ?",
                            (object_uuid,)).fetchone()
    if row:
        case.conn.execute("DELETE FROM source_search WHERE rowid = ?", (row[0],))
        case.conn.execute("DELETE FROM search_rows WHERE rowid = ?", (row[0],))


def _capture_row_from_records(case: Case, capture: dict, source: dict) -> IndexRow:
    text = ""
    if capture["text_uuid"]:
        content = case.conn.execute("SELECT content FROM derived WHERE uuid = ?",
                                    (capture["text_uuid"],)).fetchone()
        text = bytes(content[0]).decode("utf-8", "replace") if content else ""
    hits = list(case.db.query(
        "SELECT value, text FROM identifier_hits WHERE capture_uuid = ? "
        "ORDER BY field, start_offset", [capture["uuid"]]))
    return capture_row(capture, source, text, hits)


def reindex_capture(case: Case, capture_uuid: str) -> None:
    """Index a capture again from its records (after identifiers were added to it later,
    e.g. a military serial once its aircraft arrived); inside the caller's transaction."""
    capture = case.get_record("capture", capture_uuid)
    source = case.get_record("source", capture["source_uuid"]) or {"uuid": capture["source_uuid"]}
    unindex(case, capture_uuid)
    _add_row(case, _capture_row_from_records(case, capture, source))


def rows_from_records(case: Case) -> Iterator[IndexRow]:
    """The index as the records say it should be: every capture, note and tag."""
    sources = {row["uuid"]: row for row in case.db.query("SELECT * FROM sources")}
    for capture in case.db.query("SELECT * FROM captures ORDER BY created_utc, uuid"):
        source = sources.get(capture["source_uuid"]) or {"uuid": capture["source_uuid"]}
        yield _capture_row_from_records(case, capture, source)
    for note in case.db.query("SELECT * FROM source_notes ORDER BY created_utc, uuid"):
        yield note_row(note)
    for tag in case.db.query("SELECT * FROM source_tags ORDER BY created_utc, uuid"):
        yield tag_row(tag)


def rebuild_index(case: Case) -> int:
    """Make the index again from the records (it is derived data); returns its row count."""
    with case.transaction():
        case.conn.execute("DELETE FROM source_search")
        case.conn.execute("DELETE FROM search_rows")
        for row in rows_from_records(case):
            _add_row(case, row)
        return case.conn.execute("SELECT count(*) FROM search_rows").fetchone()[0]
