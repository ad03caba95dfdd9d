"""Full-text search over sources, notes, tags and identifiers, with snippets and highlights."""

from __future__ import annotations

import pytest

from osintdesk.errors import InputError
from osintdesk.sources.local_files import add_files
from osintdesk.sources.annotations import add_note, add_tag
from osintdesk.sources.search import fts_query, highlight_offsets, rebuild_index, search
from osintdesk.sources.queries import capture_text

from tests.support import servers
from tests.support import source_samples as samples


@pytest.fixture
def filled(case, tmp_path):
    files = {
        "story.txt": samples.STORY_TEXT,
        "other.txt": "A quiet day at Vladivostok. The weather was fine and no aircraft moved.",
        "ru.txt": "Самолёт RA-86496 прибыл в аэропорт Сунан. Ильюшин Ил-62М.",
    }
    paths = []
    for name, text in files.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    page = tmp_path / "page.html"
    page.write_bytes(servers.PAGE_HTML)
    outcomes = add_files(case, paths + [page])
    return case, {o.file.rsplit("/", 1)[-1]: o.sources[0] for o in outcomes}


def _titles(hits):
    return {h.title for h in hits}


def test_snippets_mark_the_matched_words(filled):
    case, sources = filled
    hits = search(case, "Vnukovo")
    assert {h.source_uuid for h in hits} == {sources["story.txt"]["uuid"], sources["page.html"]["uuid"]}
    for hit in hits:
        assert hit.highlights
        for start, end in hit.highlights:
            assert hit.snippet[start:end] == "Vnukovo"
        # The highlight offsets are also available in the full text, for the viewer.
        text = capture_text(case, hit.capture_uuid)
        spans = highlight_offsets(case, hit.capture_uuid, "Vnukovo")
        assert spans and all(text[s:e] == "Vnukovo" for s, e in spans)


def test_identifiers_are_found_however_written(filled):
    case, sources = filled
    for query in ("RA-86496", "RA86496", "ra-86496", "155abc"):
        hits = search(case, query)
        assert sources["story.txt"]["uuid"] in {h.source_uuid for h in hits}, query
    hit = next(h for h in search(case, "RA-86496") if h.source_uuid == sources["story.txt"]["uuid"])
    assert "RA-86496" in [hit.snippet[s:e] for s, e in hit.highlights]


def test_phrases_prefixes_and_operators(filled):
    case, sources = filled
    story, other = sources["story.txt"]["uuid"], sources["other.txt"]["uuid"]
    assert {h.source_uuid for h in search(case, '"quiet day"')} == {other}
    assert search(case, '"day quiet"') == []
    assert other in {h.source_uuid for h in search(case, "Vladiv*")}
    both = {h.source_uuid for h in search(case, "weather OR Pyongyang")}
    assert {story, other} <= both
    assert {h.source_uuid for h in search(case, "Vladivostok NOT Pyongyang")} == {other}
    assert {h.source_uuid for h in search(case, "Vladivostok NOT weather")} == {story}
    # Words must all appear.
    assert search(case, "Vladivostok Vnukovo weather") == []


def test_cyrillic_and_accents(filled):
    case, sources = filled
    assert {h.source_uuid for h in search(case, "Сунан")} == {sources["ru.txt"]["uuid"]}
    assert {h.source_uuid for h in search(case, "самолет")} == {sources["ru.txt"]["uuid"]}


def test_notes_and_tags_are_searchable(filled):
    case, sources = filled
    other = sources["other.txt"]["uuid"]
    add_note(case, other, "Cross-check with the Khabarovsk tower log")
    add_tag(case, other, "weather-report")
    [note_hit] = search(case, "Khabarovsk")
    assert note_hit.kind == "note" and note_hit.source_uuid == other
    assert note_hit.snippet[slice(*note_hit.highlights[0])] == "Khabarovsk"
    [tag_hit] = search(case, '"weather-report"')
    assert tag_hit.source_uuid == other


def test_one_hit_per_source_with_the_count_of_matches(filled):
    case, sources = filled
    add_note(case, sources["page.html"]["uuid"], "Pyongyang arrival confirmed")
    hits = [h for h in search(case, "Pyongyang") if h.source_uuid == sources["page.html"]["uuid"]]
    assert len(hits) == 1 and hits[0].matches == 2


@pytest.mark.parametrize("query", ["", "   ", "-", '""', "*", "…"])
def test_nothing_to_search_for(filled, query):
    case, _ = filled
    with pytest.raises(InputError, match="nothing to search"):
        search(case, query)


@pytest.mark.parametrize("query", ['RA-86496 AND (', 'NEAR(a b)', 'title:x', '"unclosed', 'a"b',
                                   "col:umn OR", "^start", "a + b"])
def test_odd_input_never_breaks_the_query(filled, query):
    case, _ = filled
    search(case, query)   # must not raise


def test_fts_query_quotes_terms():
    assert fts_query("RA-86496 Sunan") == '"RA-86496"* "Sunan"'  # designations match variants
    assert fts_query("Vnuk* OR Sunan") == '"Vnuk"* OR "Sunan"'
    assert fts_query('"quiet day" NOT rain') == '"quiet day" NOT "rain"'
    assert fts_query("OR Sunan") == '"OR" "Sunan"'


def test_rebuilt_index_gives_the_same_results(filled):
    case, sources = filled
    add_note(case, sources["other.txt"]["uuid"], "Khabarovsk")
    before = [(h.source_uuid, h.snippet) for h in search(case, "RA-86496")]
    rows = rebuild_index(case)
    assert rows == 5
    assert [(h.source_uuid, h.snippet) for h in search(case, "RA-86496")] == before
    assert search(case, "Khabarovsk")


def test_snippets_keep_the_original_letters(filled):
    case, sources = filled
    [hit] = search(case, "самолет")
    assert "Самолёт" in hit.snippet
    assert hit.snippet[slice(*hit.highlights[0])] == "Самолёт"


def test_a_type_typed_short_finds_its_variants(filled):
    case, sources = filled
    assert fts_query("Il-62").endswith("*")
    assert sources["story.txt"]["uuid"] in {h.source_uuid for h in search(case, "Il-62")}
    assert not fts_query("minister").endswith("*")
