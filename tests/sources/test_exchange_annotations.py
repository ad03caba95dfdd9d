"""Retirements and the notes and tags on aircraft travel in bundles: two cases that tagged
the same aircraft the same way merge into one tag, both notes are kept, a retirement comes
across, and the merged case verifies."""

from __future__ import annotations

from osintdesk.sources.annotations import add_note_on, add_tag_on
from osintdesk.sources.local_files import add_files
from osintdesk.sources.queries import list_sources, notes_on, tags_on
from osintdesk.sources.retirement import retire_source
from osintdesk.store import Case
from osintdesk.verification import verify_case
from tests.exchange.test_same_thing import export, key, merge, sample_files  # noqa: F401
from osintdesk.flights.ingest import import_flight_file


def test_tags_notes_and_retirements_merge(tmp_path, key):  # noqa: F811
    alice, dora = tmp_path / "alice.osintcase", tmp_path / "dora.osintcase"
    files = sample_files(tmp_path)
    article = tmp_path / "a.txt"
    article.write_text("An unrelated page.", encoding="utf-8")
    for path, examiner in ((alice, "Alice"), (dora, "Dora")):
        with Case.create(path, title=examiner, examiner=examiner) as case:
            for file, aircraft in files:
                import_flight_file(case, file, aircraft=aircraft)
            plane = case.conn.execute("SELECT uuid FROM aircraft WHERE registration = "
                                      "'RA-86496'").fetchone()[0]
            add_tag_on(case, "aircraft", plane, "watched")
            add_note_on(case, "aircraft", plane, f"{examiner} saw it at Sunan")
            if examiner == "Dora":
                [outcome] = add_files(case, [article])
                retire_source(case, outcome.sources[0]["uuid"], reason="off topic")
    result = merge(alice, export(dora, tmp_path / "d.osintbundle", key))
    assert result.merged
    with Case.open(alice, examiner="x", readonly=True) as case:
        report = verify_case(case)
        assert report.ok, [str(f) for f in report.failures]
        plane = case.conn.execute("SELECT uuid FROM aircraft WHERE registration = "
                                  "'RA-86496'").fetchone()[0]
        assert [t["tag"] for t in tags_on(case, "aircraft", plane)] == ["watched"]
        assert sorted(n["text"] for n in notes_on(case, "aircraft", plane)) == [
            "Alice saw it at Sunan", "Dora saw it at Sunan"]
        assert list_sources(case, include_retired=False) == []
        [retired] = list_sources(case)
        assert retired["retired_reason"] == "off topic"
