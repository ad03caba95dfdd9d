"""What the offline viewer shows, written without Qt: from a real case, and in a process
where PySide6 cannot be imported at all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import osintdesk
from osintdesk.flights import queries as flight_queries
from osintdesk.flights.ingest import import_flight_file
from osintdesk.sources import queries
from osintdesk.sources.local_files import add_files
from osintdesk.sources.annotations import add_note, add_tag, set_assessment
from osintdesk.sources import viewer_html as vh
from osintdesk.sources.diff import CaptureDiff, diff_lines
from osintdesk.store import Case

from tests.support import flight_samples


def _diff(text_a: str, text_b: str, **fields) -> CaptureDiff:
    return CaptureDiff(a={"uuid": "a", "captured_utc": "2024-01-02T07:41:03.123456Z"},
                       b={"uuid": "b", "captured_utc": "2024-01-03T08:00:00.000000Z"},
                       same_body=False, same_text=text_a == text_b, fields=fields,
                       lines=diff_lines(text_a, text_b))


def test_snippet_marks_the_matched_words_and_escapes_the_rest():
    assert vh.snippet_html("a <b>  Vnukovo\n c", [(7, 14)]) == (
        "a &lt;b&gt; <span style='background:#ffe066;font-weight:bold'>Vnukovo</span> c")


def test_diff_page_marks_changed_words_and_folds_long_unchanged_runs():
    same = [f"unchanged {i}" for i in range(10)]
    page = vh.diff_html(_diff("\n".join(same + ["landed at 18:45"]),
                              "\n".join(same + ["landed at 19:10", "new <line>"]),
                              title=("Sunan arrivals", "Sunan arrivals (updated)")))
    assert "<b>2024-01-02 07:41:03 UTC</b> → <b>2024-01-03 08:00:00 UTC</b>" in page
    assert "1 line removed, 2 lines added" in page
    assert "<td>Sunan arrivals</td><td>Sunan arrivals (updated)</td>" in page
    # Three unchanged lines either side of a fold: 0-2, then 3-6 folded, then 7-9.
    assert "unchanged 2</p>" in page and "unchanged 3<" not in page and "unchanged 6<" not in page
    assert "… 4 unchanged lines …" in page and "unchanged 7</p>" in page
    assert "− landed at <s>18</s>:<s>45</s>" in page
    assert "+ landed at <b>19</b>:<b>10</b>" in page
    assert "+ new &lt;line&gt;" in page
    # The same text: only the facts that differ.
    assert "unchanged" not in vh.diff_html(_diff("x\nunchanged", "x\nunchanged", title=(1, 2)))


def test_heading_notes_metadata_and_filter_choices_from_a_case(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("On 2 January 2024 the Il-62M RA-86496 <landed> at Sunan.", encoding="utf-8")
    trace = flight_samples.write_readsb_trace(tmp_path / "trace_full_155abc.json",
                                              flight_samples.synthetic_flight("UUWW", "ZKPY"))
    with Case.create(tmp_path / "c", title="T", examiner="Ann Examiner") as case:
        assert flight_queries.aircraft(case) == []
        import_flight_file(case, trace)
        [outcome] = add_files(case, [story])
        source_uuid = outcome.sources[0]["uuid"]
        add_note(case, source_uuid, "Line one\nline <two>")
        add_tag(case, source_uuid, "Il-62")
        set_assessment(case, source_uuid, "B", 2)
        source = queries.get_source(case, source_uuid)
        [listed] = queries.captures_of(case, source_uuid)
        capture = queries.get_capture(case, listed["uuid"])
        metadata = vh.metadata_html(case, source, capture)
        heading = vh.heading_html(source)
        notes = vh.notes_html(source, queries.notes_of(case, source_uuid),
                              queries.tags_of(case, source_uuid))
        [aircraft] = flight_queries.aircraft(case)
        assert queries.source_exists(case, source_uuid)
        assert not queries.source_exists(case, "no-such-source")
    assert aircraft["label"].startswith("RA-86496") and aircraft["flights"] == 1
    assert heading.startswith("<b>") and "B2" in heading and "Tags: Il-62" in heading
    assert "1 capture<" in heading or heading.endswith("1 capture")
    assert "Line one<br>line &lt;two&gt;" in notes and "Ann Examiner" in notes
    assert "Grading</b>: B2" in notes
    for expected in ("Captured (UTC)", "local file added", "story.txt", capture["body_sha256"],
                     "Identifiers found", "RA-86496", "Aircraft in this case named here",
                     "UUWW"):
        assert expected in metadata, expected
    assert "src=" not in metadata           # nothing for a browser to fetch
    assert vh.capture_label(listed).endswith("  file")
    assert vh.text_page_html("a < b") == "<pre style='white-space:pre-wrap'>a &lt; b</pre>"
    assert "No rendering" in vh.text_page_html("")
    assert vh.image_html(b"\x89PNG", None).startswith("<img src='data:image/png;base64,iVBORw")


def test_rendering_needs_no_qt():
    code = (
        "import sys\n"
        "sys.modules['PySide6'] = None; sys.modules['shiboken6'] = None\n"
        "from osintdesk.sources import viewer_html as vh\n"
        "from osintdesk.sources.diff import CaptureDiff, diff_lines\n"
        "r = CaptureDiff(a={'captured_utc': None}, b={'captured_utc': None}, same_body=False,\n"
        "                same_text=False, lines=diff_lines('old', 'new'))\n"
        "print(vh.diff_html(r) + vh.snippet_html('x', [(0, 1)]) + vh.legend_html())\n"
    )
    root = Path(osintdesk.__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(root)})
    assert result.returncode == 0, result.stderr
    assert "+ <b>new</b>" in result.stdout and "identifier" in result.stdout
