"""A filtered export holds exactly what the filter selects and what that cites, in every
format: a tag, an aircraft, a date range."""

from __future__ import annotations

import pytest

from osintdesk.errors import OsintdeskError
from osintdesk.exports import csv_tables, ftm, graphml
from osintdesk.exports.base import make_scope, run_export
from osintdesk.timefmt import parse_user_time

from .ftm_validator import validate_lines
from .test_csv import read_tables

EVERY_RECORD = ("il62", "b738", "air_force", "pilot", "airline", "sunan", "operator", "member",
                "charter", "landing", "crossing", "flew", "bering", "article", "caption")
FILTERS = {
    # the tagged article, what cites it (a link, an event, a claim) and what they name
    "tag": ({"tag": "pyongyang"}, {"il62", "air_force", "pilot", "sunan", "operator",
                                   "landing", "flew", "article"}, 2),
    # N7423C and what is about it; findings and sources about RA-86496 only are left out,
    # and so are the people and places tied only to them (the Air Force, operator of
    # RA-86496 only, would hang alone)
    "aircraft": ({"aircraft": ["N7423C"]}, {"b738", "airline", "charter", "crossing", "bering",
                                            "caption"}, 1),
    # 4 January: the flight on to UNNT; the links still in force; undated things stay; the
    # article and the caption, captured when the case was made, are not of that day
    "dates": ({"t_from": parse_user_time("2024-01-04", "--from"),
               "t_to": parse_user_time("2024-01-04", "--to", end_of_day=True)},
              {"il62", "b738", "air_force", "pilot", "airline", "sunan", "operator", "member",
               "charter"}, 1),
}


def ids_in(ids, present) -> set[str]:
    return {key for key in EVERY_RECORD if ids[key] in present}


@pytest.mark.parametrize("name", FILTERS)
def test_a_filter_selects_the_same_records_in_every_format(plain_story, tmp_path, name):
    case, ids = plain_story
    filters, expected, n_flights = FILTERS[name]
    scope = make_scope(case, **filters)
    run_export(case, ftm.FORMAT, tmp_path / "out.ftm", scope)
    run_export(case, graphml.FORMAT, tmp_path / "out.graphml", scope)
    run_export(case, csv_tables.FORMAT, tmp_path / "out.zip", scope)
    entities = validate_lines((tmp_path / "out.ftm").read_text(encoding="utf-8"))
    assert ids_in(ids, {e["id"] for e in entities}) == expected
    assert sum(e["schema"] == "Trip" for e in entities) == n_flights

    import networkx
    graph = networkx.read_graphml(tmp_path / "out.graphml", force_multigraph=True)
    graph_ids = set(graph.nodes) | {k for _, _, k in graph.edges(keys=True)}
    graphed = {"il62", "b738", "air_force", "pilot", "airline", "sunan", "operator", "member",
               "charter", "landing", "crossing"}
    assert ids_in(ids, graph_ids) == expected & graphed
    assert sum(d["kind"] == "flight" for _, _, d in graph.edges(data=True)) == n_flights

    tables = read_tables(tmp_path / "out.zip")
    assert len(tables["flights.csv"]) == n_flights
    tabled = {r["source_uuid"] for r in tables["sources.csv"]} | \
        {r["claim_uuid"] for r in tables["claims.csv"]}
    assert ids_in(ids, tabled) == expected & {"flew", "bering", "article", "caption"}
    aircraft = {r["aircraft_uuid"] for r in tables["track_points.csv"]}
    assert aircraft == {r["aircraft_uuid"] for r in tables["flights.csv"]}
    if "t_from" in filters:
        times = [float(r["t_epoch_s"]) for r in tables["track_points.csv"]]
        assert times and filters["t_from"] <= min(times) and max(times) <= filters["t_to"]


@pytest.mark.parametrize("format_name, suffix", [("ftm", "ftm"), ("graphml", "graphml"),
                                                 ("csv", "zip"), ("timesketch", "jsonl"),
                                                 ("timesketch-csv", "csv")])
def test_cli_writes_each_format_filtered_and_logs_it(story_files, tmp_path, format_name, suffix):
    import json
    import shutil

    from click.testing import CliRunner

    from osintdesk.cli import cli
    from osintdesk.store import Case
    path = tmp_path / "story.osintcase"
    shutil.copyfile(story_files[False][0], path)
    out = tmp_path / f"n7423c.{suffix}"
    result = CliRunner().invoke(cli, ["export", str(path), format_name, "-o", str(out),
                                      "--aircraft", "N7423C", "--to", "2024-01-03", "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)     # stderr says the checkpoint was signed
    with Case.open(path, examiner="Test Examiner", readonly=True) as case:
        entry = next(e for e in reversed(list(case.audit_entries())) if e.action == "export")
        b738 = story_files[False][1]["b738"]
    assert entry.details["format"] == format_name and entry.details["sha256"] == printed["sha256"]
    assert entry.details["scope"]["aircraft"] == [b738]
    listed = CliRunner().invoke(cli, ["export-formats"]).output
    assert [format_name, f".{suffix}"] in [line.split()[:2] for line in listed.splitlines()]


def test_export_formats_columns_line_up():
    from click.testing import CliRunner

    from osintdesk.cli import cli
    from osintdesk.exports.registry import FORMATS
    lines = CliRunner().invoke(cli, ["export-formats"]).output.splitlines()
    assert lines[0].split() == ["Format", "File", "What", "it", "is", "for"]
    assert len(lines) == len(FORMATS) + 1
    for fmt, line in zip(FORMATS, lines[1:]):
        # Each column starts where its title does, whatever the longest name.
        assert line.index(f".{fmt.extension} ") == lines[0].index("File")
        assert line.index(fmt.title) == lines[0].index("What")


@pytest.mark.parametrize("format_name, wrong, right", [("csv", "all.csv", "zip"),
                                                       ("timesketch", "x.timesketch", "jsonl"),
                                                       ("ftm", "noextension", "ftm")])
def test_an_output_without_the_formats_extension_is_refused(story_files, tmp_path,
                                                            format_name, wrong, right):
    """A ZIP named .csv would open as garbage in a spreadsheet: one line naming the
    extension expected, exit 2, nothing written and nothing logged."""
    import shutil

    from click.testing import CliRunner

    from osintdesk.cli import cli
    path = tmp_path / "story.osintcase"
    shutil.copyfile(story_files[False][0], path)
    before = path.read_bytes()
    result = CliRunner().invoke(cli, ["export", str(path), format_name, "-o",
                                      str(tmp_path / wrong)])
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert f"written as .{right}" in line and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["story.osintcase"]
    assert path.read_bytes() == before


def test_run_export_refuses_an_output_without_the_formats_extension(plain_story, tmp_path):
    case, _ids = plain_story
    with pytest.raises(OsintdeskError, match=r"written as \.zip: name the file all\.zip"):
        run_export(case, csv_tables.FORMAT, tmp_path / "all.csv", make_scope(case))
    assert not list(tmp_path.iterdir())
