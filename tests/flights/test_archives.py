"""A year of one aircraft from daily archives: tars of gzip traces of many aircraft, read
as a stream, only the named aircraft's members kept; each member is evidence naming its
archive; a truncated member or archive is reported for that archive alone."""

import json
import os
import subprocess
import sys
import tarfile

import pytest

from osintdesk.errors import Cancelled, InputError
from osintdesk.flights.archives import (import_aircraft_from_archives, is_archive, member_name,
                                        read_members)
from osintdesk.store import Case, verify_case
from tests.support import flight_samples as samples
from tests.ui.test_flight_pages import wait_for, window  # noqa: F401 (the window fixture)
from tests.support.points import point_count

HEX = samples.ARCHIVE_TARGET_HEX
AIRCRAFT = 120


@pytest.fixture
def days():
    return [samples.archive_day_points(day, step_s=60) for day in range(3)]


@pytest.fixture
def archives(tmp_path, days):
    return [samples.write_daily_archive(tmp_path / f"globe_{day}.tar", samples.T0 + day * 86400,
                                        points, aircraft=AIRCRAFT, other_rows=30, seed=day)
            for day, points in enumerate(days)]


@pytest.fixture
def case(tmp_path):
    with Case.create(tmp_path / "year", title="A year", examiner="Alice") as c:
        yield c


def test_only_the_named_aircraft_is_read_and_each_archive_is_evidence(case, archives, days):
    done = []
    results = import_aircraft_from_archives(case, archives, HEX,
                                            progress=lambda d, t: done.append((d, t)))
    assert [r.error for r in results] == [None, None, None]
    assert [r.points for r in results] == [len(d) for d in days]
    assert [m["member"] for r in results for m in r.members] == [member_name(HEX)] * 3
    assert member_name(HEX) == "traces/ef/trace_full_f0beef.json"
    # Only the named aircraft entered the case; its six flights were worked out at the end.
    [aircraft] = case.conn.execute("SELECT hex, registration FROM aircraft").fetchall()
    assert aircraft == (HEX, "XX-BEEF")
    assert case.conn.execute("SELECT count(*) FROM flights").fetchone()[0] == 6
    # Each member's bytes are the artifact, and the evidence names the archive and member.
    import hashlib
    for result, path in zip(results, archives):
        assert result.archive_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        imp = case.get_record("flight-import", result.members[0]["import_uuid"])
        evidence = case.get_record("evidence", imp["evidence_uuid"])
        details = json.loads(evidence["details"])
        assert details["archive"] == path.name and details["member"] == member_name(HEX)
        assert details["archive_sha256"] == result.archive_sha256
        stored = case.read_artifact(evidence["sha256"])
        with tarfile.open(path) as tar:   # the member's bytes, not the whole tar
            assert stored == tar.extractfile(member_name(HEX)).read()
        assert len(stored) < path.stat().st_size
    # Progress runs across the archives, to their total size.
    total = sum(p.stat().st_size for p in archives)
    assert done[-1] == (total, total) and all(t == total for _, t in done)
    assert [d for d, _ in done] == sorted(d for d, _ in done)
    assert verify_case(case).ok
    # Again: nothing new.
    again = import_aircraft_from_archives(case, archives, HEX)
    assert all(m["already_imported"] for r in again for m in r.members)


def test_nothing_is_written_to_disk_but_the_case(case, archives, tmp_path):
    before = set(tmp_path.rglob("*"))
    import_aircraft_from_archives(case, archives, HEX)
    added = {p for p in set(tmp_path.rglob("*")) - before}
    assert all(p.name.startswith("year.osintcase") for p in added), added


def test_a_truncated_member_is_reported_for_its_archive(case, tmp_path, archives, days):
    broken = samples.write_daily_archive(tmp_path / "globe_cut_member.tar", samples.T0 + 3 * 86400,
                                         samples.archive_day_points(3, step_s=60),
                                         aircraft=AIRCRAFT, other_rows=30, cut_target_member=True)
    results = import_aircraft_from_archives(case, [archives[0], broken, archives[1]], HEX)
    assert results[0].error is None and results[2].error is None
    assert "globe_cut_member.tar:traces/ef/trace_full_f0beef.json" in results[1].error
    assert "truncated or corrupt" in results[1].error
    assert results[1].points == 0
    assert point_count(case.conn) == \
        len(days[0]) + len(days[1])
    assert verify_case(case).ok


def test_a_truncated_archive_is_reported_for_that_archive(case, tmp_path, archives):
    data = archives[2].read_bytes()
    cut = tmp_path / "globe_cut.tar"
    cut.write_bytes(data[: len(data) // 3])
    results = import_aircraft_from_archives(case, [archives[0], cut], HEX)
    assert results[0].error is None
    assert results[1].error.startswith(f"{cut}: the archive is truncated or damaged")
    with pytest.raises(InputError, match="truncated"):
        read_members(cut, {member_name(HEX)})


def test_archive_without_the_aircraft_says_so(case, tmp_path):
    path = samples.write_daily_archive(tmp_path / "empty_day.tar", samples.T0, [],
                                       aircraft=AIRCRAFT, other_rows=5)
    [result] = import_aircraft_from_archives(case, [path], HEX)
    assert result.error is None and result.points == 0
    assert result.message == f"no trace of {HEX} in this archive"


def test_registration_is_resolved_through_the_case_and_cancel_stops(case, archives):
    import_aircraft_from_archives(case, archives[:1], HEX)
    results = import_aircraft_from_archives(case, archives[1:], "XX-BEEF")
    assert [r.aircraft_hex for r in results] == [HEX, HEX] and results[0].points > 0
    with pytest.raises(InputError, match="give the 6-digit hex"):
        import_aircraft_from_archives(case, archives, "XX-NONE")
    with pytest.raises(Cancelled):
        read_members(archives[0], {member_name(HEX)}, cancelled=lambda: True)


def test_is_archive(archives, tmp_path):
    assert is_archive(archives[0])
    other = samples.write_fr24_csv(tmp_path / "f.csv", samples.archive_day_points(0)[:5])
    assert not is_archive(other)


def run(*args):
    return subprocess.run([sys.executable, "-m", "osintdesk", *map(str, args)],
                          capture_output=True, text=True, env=os.environ.copy(), timeout=180)


def test_cli_reads_archives_for_the_named_aircraft(tmp_path, archives, days):
    assert run("new", tmp_path / "cli", "--title", "Year").returncode == 0
    case_path = tmp_path / "cli.osintcase"
    refused = run("import-flights", case_path, archives[0])
    assert refused.returncode == 2 and "is a tar archive; name the aircraft" in refused.stderr
    result = run("import-flights", case_path, *archives, "--aircraft", HEX, "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["points"] for r in rows] == [len(d) for d in days]
    assert all(r["archive_sha256"] and r["members"][0]["member"] == member_name(HEX) for r in rows)
    cut = tmp_path / "cut.tar"
    cut.write_bytes(archives[0].read_bytes()[:5000])
    text = run("import-flights", case_path, archives[1], cut, "--aircraft", HEX)
    assert text.returncode == 2
    assert "cut.tar: the archive is truncated or damaged" in text.stderr
    assert "1 member imported before" in text.stdout


def test_window_import_dialog_accepts_tars_and_asks_for_the_aircraft(qtbot, window, archives,
                                                                      days, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QInputDialog
    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda *a, **k: ([str(p) for p in archives[:2]], ""))
    monkeypatch.setattr(QInputDialog, "getText",
                        lambda parent, title, label, *a, **k: (asked.append(label) or HEX, True))
    tasks_before = set(window.runner.active)
    window.import_flights_dialog()
    assert asked and "2 tar archives" in asked[0]
    for task in set(window.runner.active) - tasks_before:
        wait_for(qtbot, window, task)
    assert window.statusBar().currentMessage().startswith(
        f"2 of 2 archives read: {len(days[0]) + len(days[1]):,} points")
    assert window.show_page("Flights").model.rowCount() == 4


@pytest.mark.parametrize("fmt", [tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT, tarfile.PAX_FORMAT])
def test_members_are_found_in_every_tar_format_as_tarfile_finds_them(tmp_path, fmt):
    import io
    long_dir = "globe_history/" + "d" * 120 + "/"
    names = [long_dir + member_name(HEX), "./" + member_name("f10001"), member_name(HEX)]
    path = tmp_path / f"f{fmt}.tar"
    with tarfile.open(path, "w", format=fmt) as tar:
        for index, name in enumerate(names):
            data = f"member {index}".encode() * (index + 50)
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 1704067200 + index
            tar.addfile(info, io.BytesIO(data))
    wanted = {long_dir + member_name(HEX), member_name("f10001")}
    if fmt == tarfile.USTAR_FORMAT:
        wanted.discard(long_dir + member_name(HEX))   # too long for ustar: stored split
    import hashlib
    sha256, members = read_members(path, wanted | {member_name(HEX)})
    assert sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    with tarfile.open(path) as tar:
        expected = [(m.name[2:] if m.name.startswith("./") else m.name, tar.extractfile(m).read())
                    for m in tar if (m.name[2:] if m.name.startswith("./") else m.name)
                    in wanted | {member_name(HEX)}]
    assert [(m.name, m.data) for m in members] == expected and len(expected) >= 2
