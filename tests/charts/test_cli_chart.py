"""``osintdesk chart``: real processes for the images, CliRunner for the many refusals."""

import subprocess
import sys

import pytest
from click.testing import CliRunner

from tests.support.chart_samples import write_sample_case
from osintdesk.cli import cli
from osintdesk.store import Case

def run(*args):
    return subprocess.run([sys.executable, "-m", "osintdesk", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def case_file(tmp_path_factory):
    return write_sample_case(tmp_path_factory.mktemp("case") / "sample.osintcase")


@pytest.fixture(scope="module")
def flight_ids(case_file):
    with Case.open(case_file, examiner="x", readonly=True) as case:
        return [r[0] for r in case.conn.execute("SELECT uuid FROM flights ORDER BY first_t")]


def audit_count(path):
    with Case.open(path, examiner="x", readonly=True) as case:
        return case.audit_count()


def png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_map_png_at_the_default_and_a_given_size(case_file, tmp_path):
    before = audit_count(case_file)
    out = tmp_path / "map.png"
    result = run("chart", case_file, "map", "-o", out)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""   # no matplotlib note on limits it ignores: the view fits the axes
    assert result.stdout.strip() == str(out)
    assert png_size(out) == (1600, 1000)
    result = run("chart", case_file, "map", "--aircraft", "N7423C", "-o", tmp_path / "small.png",
                 "--width", 800)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert png_size(tmp_path / "small.png") == (800, 500)
    assert audit_count(case_file) == before  # reading a case changes nothing


def test_profile_svg_and_activity_pdf(case_file, flight_ids, tmp_path):
    result = run("chart", case_file, "profile", "--flight", flight_ids[0][:8], "-o", tmp_path / "p.svg",
                 "--width", 1200, "--height", 700)
    assert result.returncode == 0, result.stderr
    svg = (tmp_path / "p.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and 'width="864pt"' in svg
    result = run("chart", case_file, "activity", "-o", tmp_path / "a.pdf")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "a.pdf").read_bytes()[:5] == b"%PDF-"


def test_profile_defaults_to_the_only_flight(case_file, tmp_path):
    result = invoke("chart", case_file, "profile", "--aircraft", "a9c2f1", "-o", tmp_path / "p.png")
    assert result.exit_code == 0, result.output
    assert png_size(tmp_path / "p.png") == (1600, 900)


def test_profile_of_several_flights_is_refused(case_file, tmp_path):
    result = invoke("chart", case_file, "profile", "-o", tmp_path / "p.png")
    assert result.exit_code == 2
    assert "a profile shows one flight and 3 match: choose one with --flight ID" in result.stderr
    assert not (tmp_path / "p.png").exists()


def test_empty_selection_gives_an_empty_chart_and_a_note(case_file, tmp_path):
    for kind in ("map", "profile", "activity"):
        out = tmp_path / f"{kind}.png"
        result = invoke("chart", case_file, kind, "--from", "2030-01-01", "-o", out)
        assert result.exit_code == 0, result.output
        assert result.stdout.strip() == str(out)
        assert "osintdesk: note: no flights" in result.stderr
        assert png_size(out)[0] == 1600


@pytest.mark.parametrize("args, message", [
    (["--from", "2024-13-01"], "--from '2024-13-01' is not an ISO 8601 date or date-time in UTC"),
    (["--to", "yesterday"], "--to 'yesterday' is not an ISO 8601 date"),
    (["--from", "2024-01-03", "--to", "2024-01-02"], "--to 2024-01-02 is before --from 2024-01-03"),
    (["--aircraft", "RA-00000"], "no aircraft 'RA-00000' in this case"),
    (["--flight", "0000ffff"], "no flight '0000ffff' in this case"),
])
def test_bad_options_name_the_problem(case_file, tmp_path, args, message):
    out = tmp_path / "x.png"
    result = invoke("chart", case_file, "map", *args, "-o", out)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_bad_output_names(case_file, tmp_path):
    result = invoke("chart", case_file, "map", "-o", tmp_path / "map.gif")
    assert result.exit_code == 2
    assert "cannot save a chart as '.gif': use a file name ending in .png, .svg or .pdf" in result.stderr
    result = invoke("chart", case_file, "map", "-o", tmp_path / "missing" / "map.png")
    assert result.exit_code == 2
    assert "cannot write the chart" in result.stderr


def test_the_command_draws_the_chart_the_window_draws(case_file, tmp_path, monkeypatch):
    from osintdesk.charts import selection
    drawn = []
    draw = selection.draw_chart
    monkeypatch.setattr(selection, "draw_chart",
                        lambda fig, mode, data, *a, **kw: drawn.append((mode, data)) or
                        draw(fig, mode, data, *a, **kw))
    result = invoke("chart", case_file, "activity", "--aircraft", "N7423C", "--from", "2024-01-01",
                    "-o", tmp_path / "a.png")
    assert result.exit_code == 0, result.output
    [(mode, data)] = drawn
    assert mode == "activity" and [r.aircraft_label for r in data.rows] == ["N7423C (B738)"]
    assert data.t_from is not None and data.t_to is None


def test_json_says_what_was_written(case_file, tmp_path):
    import json

    out = tmp_path / "small.png"
    result = invoke("chart", case_file, "map", "--aircraft", "N7423C", "-o", out, "--width", 800, "--json")
    assert result.exit_code == 0, result.output
    written = json.loads(result.stdout)
    assert written == {"path": str(out), "kind": "map", "format": "png", "width_px": 800,
                       "height_px": 500, "bytes": out.stat().st_size, "note": None,
                       "counts": {"flights": 1, "positions": written["counts"]["positions"], "places": 0}}
    assert png_size(out) == (800, 500) and written["counts"]["positions"] > 0
    result = invoke("chart", case_file, "timeline", "-o", tmp_path / "t.svg", "--json")
    counts = json.loads(result.stdout)["counts"]
    assert counts["flight"] == 3 and counts["items"] == sum(v for k, v in counts.items() if k != "items")
    result = invoke("chart", case_file, "links", "-o", tmp_path / "l.pdf", "--json")
    written = json.loads(result.stdout)
    assert written["format"] == "pdf" and written["counts"] == {"nodes": 2, "edges": 0}  # its two aircraft
    # An empty selection: the note on stderr and in the JSON.
    result = invoke("chart", case_file, "activity", "--from", "2030-01-01", "-o", tmp_path / "a.png", "--json")
    assert json.loads(result.stdout)["counts"] == {"aircraft": 0, "flights": 0, "ground_stays": 0}
    assert "osintdesk: note:" in result.stderr


def test_the_footer_credits_the_data_and_record_logs_the_export(tmp_path):
    path = write_sample_case(tmp_path / "numbered.osintcase")
    with Case.open(path, examiner="x") as case:
        case.update_case(number="2024-17")
    before = audit_count(path)
    out = tmp_path / "map.png"
    result = invoke("chart", str(path), "map", "--aircraft", "N7423C", "-o", str(out), "--width", 800)
    assert result.exit_code == 0, result.output
    assert audit_count(path) == before               # drawn only: the case is read
    result = invoke("chart", str(path), "map", "--aircraft", "N7423C", "-o", str(out), "--width", 800,
                    "--record")
    assert result.exit_code == 0, result.output
    with Case.open(path, examiner="x", readonly=True) as case:
        entry = list(case.audit_entries())[-1]
        from osintdesk.charts.selection import ChartRequest, chart_footer
        data = ChartRequest(aircraft="N7423C").load("map", case)
        assert chart_footer(case, "map", data) == "Data: ADS-B (readsb)  ·  Case 2024-17"
    import hashlib
    assert entry.action == "export" and entry.details["format"] == "chart-map"
    assert entry.details["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert (entry.details["width_px"], entry.details["height_px"]) == (800, 500)
    assert entry.details["counts"]["flights"] == 1
    result = invoke("verify", str(path))
    assert result.exit_code == 0, result.output      # the entry holds in the chain
