"""``osintdesk timeline`` (the rows, as JSON and CSV) and ``osintdesk chart CASE timeline`` (PNG,
SVG, PDF), on the generated timeline case; bad input is refused in one line, the case unchanged."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

from osintdesk.cli import cli
from osintdesk.store import Case


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def ids(timeline_case_ids):
    return timeline_case_ids


@pytest.fixture
def path(ids):
    return ids["path"]


def state(path):
    """What must not move: the file's bytes and the audit count."""
    with Case.open(path, examiner="x", readonly=True) as case:
        count = case.audit_count()
    return hashlib.sha256(path.read_bytes()).hexdigest(), count


def test_json_rows_are_the_items(path, ids):
    result = invoke("timeline", path, "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["kind"] for r in rows] == ["event"] * 4 + ["flight", "flight", "gap", "ground-stay", "flight",
                                                         "source", "source"]
    article = next(r for r in rows if r["record_id"] == ids["article"])
    assert (article["published"], article["captured"]) == (
        "2023-09-14T07:30:00Z", ["2023-12-03T09:00:00Z", "2024-01-15T16:20:00Z"])
    assert set(rows[0]) == {"kind", "start", "end", "precision", "zone", "label", "lane", "record_kind",
                            "record_id", "published", "published_precision", "captured"}


def test_csv_with_filters(path, ids):
    result = invoke("timeline", path, "--csv", "--aircraft", "RA-86496", "--kind", "flight",
                    "--kind", "gap", "--from", "2023-09-19", "--to", "2023-09-19")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["kind"], r["label"], r["start"], r["end"]) for r in rows] == [
        ("flight", "UUWW → ZKPY RSD061", "2023-09-19T06:05:00Z", "2023-09-19T13:47:20Z"),
        ("gap", "no data 1 h 30 min", "2023-09-19T07:05:00Z", "2023-09-19T08:35:10Z")]
    assert rows[0]["record_id"] == ids["flights"][0] and rows[1]["record_kind"] == "coverage-gap"
    tagged = invoke("timeline", path, "--csv", "--tag", "pyongyang", "--kind", "source")
    assert [r["record_id"] for r in csv.DictReader(io.StringIO(tagged.stdout))] == [ids["article"]]
    result = invoke("timeline", path, "--csv", "--kind", "source")
    captured = {r["record_id"]: r["captured"] for r in csv.DictReader(io.StringIO(result.stdout))}
    assert captured[ids["article"]] == "2023-12-03T09:00:00Z 2024-01-15T16:20:00Z"


def test_png_by_the_real_command(path, tmp_path):
    before = state(path)
    out = tmp_path / "timeline.png"
    result = subprocess.run([sys.executable, "-m", "osintdesk", "chart", str(path), "timeline",
                             "--tz", "Asia/Vladivostok", "-o", str(out)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out)
    with Image.open(out) as image:
        # As tall as its 4 lanes' 10 rows need (no white strip under them), 1600 wide.
        assert image.format == "PNG" and image.size[0] == 1600 and 480 <= image.size[1] <= 580
        # Not blank: the marks' colours are in it.
        assert len(image.convert("RGB").getcolors(1 << 20)) > 20
    assert state(path) == before


def test_svg_is_reproducible_and_pdf_reads(path, tmp_path):
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    for out in (first, second):
        result = invoke("chart", path, "timeline", "--aircraft", "RA-86496", "--tz", "Europe/Berlin",
                        "-o", out)
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()
    root = ET.parse(first).getroot()
    assert root.tag.endswith("svg") and root.get("width") == "1152pt"
    assert b"Date" not in first.read_bytes()   # no creation date in an exhibit
    pdf = tmp_path / "t.pdf"
    result = invoke("chart", path, "timeline", "--kind", "source", "--width", 1000, "-o", pdf)
    assert result.exit_code == 0, result.output
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1
    width_pt = float(reader.pages[0].mediabox.width)
    assert width_pt == pytest.approx(720.0)   # 1000 px at 100 dpi


def test_nothing_matching_draws_an_empty_chart_and_says_so(path, tmp_path):
    out = tmp_path / "none.png"
    result = invoke("chart", path, "timeline", "--from", "2030-01-01", "-o", out)
    assert result.exit_code == 0, result.output
    assert "osintdesk: note: nothing matches" in result.stderr
    assert out.exists()


@pytest.mark.parametrize("args, message", [
    (["--aircraft", "ZZ-999"], "no aircraft 'ZZ-999' in this case"),
    (["--tz", "Mars/Olympus"], "--tz 'Mars/Olympus' is not a time zone"),
    (["--from", "2023-10-01", "--to", "2023-09-01"], "--to 2023-09-01 is before --from 2023-10-01"),
    (["--tag", "nothing"], "no source is tagged 'nothing'"),
    (["--entity", "nobody"], "no entity 'nobody' in this case"),
    (["--from", "last week"], "--from 'last week' is not an ISO 8601 date"),
])
def test_bad_input_is_refused_in_one_line(path, tmp_path, args, message):
    before = state(path)
    out = tmp_path / "x.png"
    result = invoke("chart", path, "timeline", *args, "-o", out)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert not out.exists()
    if "--tz" not in args:
        data = invoke("timeline", path, "--json", *args)
        assert data.exit_code == 2 and message in data.stderr
        assert len(data.stderr.strip().splitlines()) == 1
    assert state(path) == before


def test_json_says_a_publication_known_to_the_day(ids, tmp_path):
    from tests.charts.test_timeline import _add_dated_pages
    dated, day_id, timed_id = _add_dated_pages(ids, tmp_path)
    result = invoke("timeline", dated, "--kind", "source", "--json")
    assert result.exit_code == 0, result.output
    rows = {r["record_id"]: r for r in json.loads(result.stdout)}
    assert (rows[day_id]["published"], rows[day_id]["published_precision"]) == ("2023-09-22", "day")
    assert (rows[timed_id]["published"], rows[timed_id]["published_precision"]) == (
        "2023-09-22T08:30:00Z", "second")


def test_the_table_shows_the_columns_of_the_rows(path, ids):
    """The table has the zone, the publication and the captures, as --json does."""
    result = invoke("timeline", path)
    assert result.exit_code == 0, result.output
    header, *lines = result.stdout.splitlines()
    assert header.split("  ")[0] == "Kind"
    for title in ("Precision", "Zone", "Lane", "Label", "Record", "Id", "Published", "Captured (UTC)"):
        assert title in header
    (article,) = [line for line in lines if ids["article"] in line]
    assert "2023-09-14T07:30:00Z" in article
    assert article.rstrip().endswith("2023-12-03T09:00:00Z, 2024-01-15T16:20:00Z")
    (summit,) = [line for line in lines if ids["summit"] in line]
    assert "Asia/Vladivostok" in summit


def test_the_default_height_follows_the_rows(path, tmp_path):
    """A few lanes make a short figure, more make a taller one; --width keeps the rows'
    height, --height alone keeps the default width."""
    def size(*args):
        out = tmp_path / "t.png"
        result = invoke("chart", path, "timeline", "-o", out, "--json", *args)
        assert result.exit_code == 0, result.output
        written = json.loads(result.stdout)
        return written["width_px"], written["height_px"]

    whole = size()
    one = size("--aircraft", "RA-86496", "--kind", "flight")
    assert one[0] == whole[0] == 1600 and 200 <= one[1] < whole[1] < 720
    narrow = size("--width", 1000)
    assert narrow[0] == 1000 and narrow[1] >= whole[1] - 40   # not shrunk with the width
    assert size("--height", 900) == (1600, 900)


def test_json_and_csv_carry_a_long_label_whole(ids, tmp_path):
    import shutil

    from osintdesk.findings.events import add_event
    path = tmp_path / "long.osintcase"
    shutil.copyfile(ids["path"], path)
    title = "Delegation of the defence ministry lands at Sunan International Airport"
    with Case.open(path, examiner="x") as case:
        add_event(case, title, "2023-09-19T06:00Z")
    rows = json.loads(invoke("timeline", path, "--json", "--kind", "event").stdout)
    assert title in [r["label"] for r in rows]
    table = list(csv.DictReader(io.StringIO(invoke("timeline", path, "--csv", "--kind", "event").stdout)))
    assert title in [r["label"] for r in table]
