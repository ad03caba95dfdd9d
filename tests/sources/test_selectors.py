"""Selectors: matched against every source already in the case, and against new ones as they come."""

from __future__ import annotations

import pytest

from osintdesk.errors import InputError
from osintdesk.sources.local_files import add_files
from osintdesk.sources.queries import selector_hits_of
from osintdesk.sources.selectors import (Selector, add_selector, list_selectors, match_selectors,
                                         remove_selector, selector_hits)
from osintdesk.store import verify_case

from tests.support import source_samples as samples
from tests.support.source_server import case_state


def _text_file(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_new_selector_is_matched_against_existing_sources(case, tmp_path):
    add_files(case, [_text_file(tmp_path, "a.txt", "The jet landed at Sunan; Sunan again."),
                     _text_file(tmp_path, "b.txt", "Nothing here about Sunanville.")])
    selector = add_selector(case, "Sunan")
    assert selector["hits"] == 2 and selector["sources"] == 1
    hits = selector_hits(case, selector["uuid"])
    assert [h["text"] for h in hits] == ["Sunan", "Sunan"]
    assert [h["start_offset"] for h in hits] == [18, 25]
    assert verify_case(case).ok


def test_new_sources_are_matched_as_they_arrive(case, tmp_path):
    selector = add_selector(case, "Rossiya")
    assert selector["hits"] == 0
    [outcome] = add_files(case, [_text_file(tmp_path, "story.txt", samples.STORY_TEXT)])
    assert outcome.sources[0]["selector_hits"] == 1
    [hit] = selector_hits_of(case, outcome.sources[0]["capture"])
    assert hit["selector"] == "Rossiya" and hit["field"] == "text"
    assert samples.STORY_TEXT[hit["start_offset"]:hit["end_offset"]] == "Rossiya"
    assert list_selectors(case)[0]["hits"] == 1


def test_regex_and_case_sensitive_selectors(case, tmp_path):
    add_files(case, [_text_file(tmp_path, "story.txt", samples.STORY_TEXT)])
    regex = add_selector(case, r"RSD0\d\d", is_regex=True, name="Rossiya callsigns")
    assert regex["hits"] == 2 and regex["name"] == "Rossiya callsigns"
    exact = add_selector(case, "moscow", case_sensitive=True)
    assert exact["hits"] == 0
    loose = add_selector(case, "moscow")
    assert loose["hits"] == 2


@pytest.mark.parametrize("pattern,regex,message", [
    ("   ", False, "empty"),
    ("RSD(", True, "not a valid regular expression"),
])
def test_bad_selector_changes_nothing(case, pattern, regex, message):
    before = case_state(case)
    with pytest.raises(InputError, match=message):
        add_selector(case, pattern, is_regex=regex)
    assert case_state(case) == before


def test_same_selector_twice_is_refused(case):
    add_selector(case, "Sunan")
    before = case_state(case)
    with pytest.raises(InputError, match="already a selector"):
        add_selector(case, "Sunan")
    assert case_state(case) == before


def test_removing_a_selector_removes_its_hits_and_logs_it(case, tmp_path):
    add_files(case, [_text_file(tmp_path, "a.txt", "Sunan, Sunan, Sunan.")])
    selector = add_selector(case, "Sunan")
    remove_selector(case, selector["name"])
    assert list_selectors(case) == []
    assert case.conn.execute("SELECT count(*) FROM selector_hits").fetchone()[0] == 0
    deleted = [e for e in case.audit_entries() if e.action == "delete"]
    assert {e.object_type for e in deleted} == {"selector", "selector-hit"} and len(deleted) == 4
    assert verify_case(case).ok


def test_selectors_words_and_patterns():
    text = "Sunan and SUNAN, not Sunanville. Tail RA\u201186496; RA-86497."
    hits = match_selectors(text, ["Sunan", Selector("reg", r"RA-8649\d", is_regex=True),
                                  Selector("exact", "SUNAN", case_sensitive=True)])
    assert [(h.selector, h.text) for h in hits] == [
        ("Sunan", "Sunan"), ("Sunan", "SUNAN"), ("exact", "SUNAN"),
        ("reg", "RA\u201186496"), ("reg", "RA-86497")]
    assert all(text[h.start:h.end] == h.text for h in hits)


@pytest.mark.parametrize("selector, words", [
    (Selector("broken", "RA-(8649", is_regex=True), "selector 'broken': not a valid regular expression"),
    (Selector("blank", "   "), "selector 'blank': the selector is empty"),
])
def test_bad_selectors_are_named(selector, words):
    with pytest.raises(InputError) as caught:
        match_selectors("text", [selector])
    assert str(caught.value).startswith(words)


def test_empty_regex_matches_are_skipped():
    assert match_selectors("abc", [Selector("empty", "x*", is_regex=True)]) == []
