"""The export framework: scopes from filters, whole-or-nothing files, the audit entry."""

import pytest

from osintdesk.errors import Cancelled, OsintdeskError
from osintdesk.exports.base import ExportFormat, Provenance, log_export, make_scope, run_export
from osintdesk.store import Case


def _lines(case, scope, provenance, out, progress, cancelled):
    """A format written for this test: one line per flight in scope, then the provenance."""
    from osintdesk.flights.queries import select_flights
    flights = [f for f in select_flights(case) if scope.includes_aircraft(f["aircraft_uuid"])
               and scope.overlaps(f["first_t"], f["last_t"])]
    with open(out, "w") as handle:
        for flight in flights:
            if cancelled and cancelled():
                raise Cancelled()
            handle.write(f"{flight['uuid']}\n")
        handle.write(provenance.line() + "\n")
    return {"flights": len(flights)}


LINES = ExportFormat("lines", "txt", "Flight ids, one per line", _lines)


def test_an_export_is_written_whole_and_logged(sample_case_file, tmp_path):
    import shutil
    case_path = tmp_path / "c.osintcase"
    shutil.copyfile(sample_case_file, case_path)
    with Case.open(case_path, examiner="Alice") as case:
        scope = make_scope(case, aircraft=["RA-86496"])
        result = run_export(case, LINES, tmp_path / "out.txt", scope)
        log_export(case, result)
        head = case.audit_head()
        entry = list(case.audit_entries())[-1]
    text = (tmp_path / "out.txt").read_text().splitlines()
    assert result.counts == {"flights": len(text) - 1} and len(text) - 1 >= 2
    assert f"audit chain head {head[0] - 1}:" in text[-1]   # the head it was made from
    assert entry.action == "export" and entry.details["sha256"] == result.sha256
    assert entry.details["scope"]["aircraft"] and entry.details["format"] == "lines"


def test_a_cancelled_export_leaves_nothing(sample_case, tmp_path):
    with pytest.raises(Cancelled):
        run_export(sample_case, LINES, tmp_path / "out.txt", make_scope(sample_case),
                   cancelled=lambda: True)
    assert list(tmp_path.iterdir()) == []


def test_the_window_filters(sample_case):
    from osintdesk.timefmt import parse_user_time
    whole = make_scope(sample_case)
    assert whole.includes("claim", "x") and whole.includes_aircraft("y")
    late = make_scope(sample_case, t_from=parse_user_time("2024-01-04", "--from"))
    assert not late.overlaps(0, 10) and late.overlaps(None)
    with pytest.raises(OsintdeskError, match="no source carries the tag"):
        make_scope(sample_case, tag="nothing")
    assert Provenance.of(sample_case).as_dict()["case_uuid"] == sample_case.uuid


def test_cli_refuses_unknown_formats_and_existing_files(sample_case_file, tmp_path):
    from click.testing import CliRunner
    from osintdesk.cli import cli
    result = CliRunner().invoke(cli, ["export", str(sample_case_file), "nope", "-o",
                                      str(tmp_path / "x")])
    assert result.exit_code == 2 and "unknown export format 'nope'" in result.output
