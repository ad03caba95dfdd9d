"""One matching rule for selectors and search (issue 17): what a selector finds the search
finds, hits come with the passage they are in, and a search snippet is the source's own
text, never the index's identifier terms. Also the user agent a capture sends by default."""

from __future__ import annotations

from osintdesk.sources.acquire.web import DEFAULT_USER_AGENT, CaptureSettings
from osintdesk.sources.local_files import add_files
from osintdesk.sources.search import search
from osintdesk.sources.selectors import add_selector, match_selectors, selector_hits
from osintdesk.sources.text import find_word, snippet_around
from osintdesk.sources.web_capture import capture


ARTICLE = ("Arrivals at Sunan\n"
           "An IL-62M landed this morning.\n"
           "The tail read RA-86496 and the crew stayed two days.\n")


def _text_file(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_rule_ignores_case_and_punctuation_and_finds_longer_designations():
    text = "IL-62M, Il 62, il62 and Il-624; not AIL-62 nor Sunanville. RA86496 / ra-86496"
    found = lambda word: [text[a:b] for a, b in find_word(text, word)]  # noqa: E731
    assert found("Il-62") == ["IL-62M", "Il 62", "il62", "Il-624"]
    assert found("Sunan") == []
    assert found("RA-86496") == ["RA86496", "ra-86496"]
    assert found("RA86496") == ["RA86496", "ra-86496"]
    assert found("---") == []


def test_selector_and_search_agree_on_il62_against_il62m(case, tmp_path):
    [outcome] = add_files(case, [_text_file(tmp_path, "arrivals.txt", ARTICLE)])
    source = outcome.sources[0]["uuid"]
    selector = add_selector(case, "Il-62")
    assert selector["hits"] == 1 and selector["sources"] == 1
    assert [h.source_uuid for h in search(case, "Il-62")] == [source]
    [hit] = selector_hits(case, selector["uuid"])
    assert hit["text"] == "IL-62M"
    # The hit comes with its passage (one line), the match marked in it.
    start, end = hit["highlights"][0]
    assert hit["snippet"][start:end] == "IL-62M" and "\n" not in hit["snippet"]
    assert "landed this morning" in hit["snippet"]
    # Both ways round: what the search finds, a selector of the same words finds.
    for words in ("RA-86496", "sunan", "il62"):
        assert bool(search(case, words)) == bool(match_selectors(ARTICLE, [words])), words


def test_search_snippet_is_the_text_not_index_terms(case, tmp_path):
    add_files(case, [_text_file(tmp_path, "arrivals.txt", ARTICLE)])
    # "RA86496" is found through the identifiers column (the text says RA-86496); the
    # snippet must still be the passage of the text, with the registration marked.
    [hit] = search(case, "RA86496")
    assert "The tail read RA-86496" in hit.snippet
    [(start, end)] = hit.highlights
    assert hit.snippet[start:end] == "RA-86496"
    assert "IL62" not in hit.snippet.split()   # no identifier terms from the index


def test_snippet_around_cuts_at_spaces_and_keeps_offsets():
    text = "word " * 30 + "TARGET" + " word" * 30
    at = text.index("TARGET")
    passage, (start, end) = snippet_around(text, at, at + 6, width=20)
    assert passage.startswith("…") and passage.endswith("…")
    assert passage[start:end] == "TARGET" and len(passage) < 60


def test_default_user_agent_is_a_browser_and_is_what_the_server_saw(case, page_server, session):
    assert "osintdesk" not in DEFAULT_USER_AGENT and "Firefox/" in DEFAULT_USER_AGENT
    page_server.requests_seen.clear()
    [outcome] = capture(case, [page_server.base_url + "/page.html"], CaptureSettings(), session)
    assert outcome.ok
    [(path, headers)] = page_server.requests_seen
    assert headers["User-Agent"] == DEFAULT_USER_AGENT
    assert headers["Accept-Language"] and headers["Accept"].startswith("text/html")
    row = case.conn.execute("SELECT user_agent FROM captures").fetchone()
    assert row[0] == DEFAULT_USER_AGENT


def test_a_non_2xx_answer_is_not_kept_unless_asked(case, page_server, session):
    url = page_server.base_url + "/404"
    [refused] = capture(case, [url], CaptureSettings(), session, keep_errors=False)
    assert refused.not_kept and refused.status == 404 and not refused.ok
    assert case.conn.execute("SELECT count(*) FROM sources").fetchone()[0] == 0
    [kept] = capture(case, [url], CaptureSettings(), session, keep_errors=True)
    assert kept.ok and kept.status == 404


def test_a_saved_old_default_user_agent_becomes_the_browser_one():
    from osintdesk.sources.settings import settings_from
    assert settings_from({"user_agent": "Mozilla/5.0 (compatible; osintdesk/0.1.0)"}).user_agent \
        == DEFAULT_USER_AGENT
    assert settings_from({"user_agent": "Investigator/1.0"}).user_agent == "Investigator/1.0"
