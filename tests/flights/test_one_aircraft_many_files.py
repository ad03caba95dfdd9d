"""The demo's four flight files of one aircraft (an FR24 CSV without identity, a KML that
names the registration, an OpenSky CSV that names the address, a readsb trace that names
both), imported in any order: one aircraft, whether or not --aircraft is given with the
files that name nothing (found by the new-user test of the trainee sheet)."""

import itertools

import pytest

from osintdesk.demo.build import plan_for, write_flight_files
from osintdesk.flights.ingest import import_flight_file
from osintdesk.store import Case


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("files")
    return [p for p in write_flight_files(plan_for("il62"), folder)
            if not p.name.startswith("README")]


def aircraft(case):
    return [tuple(r) for r in case.conn.execute("SELECT hex, registration FROM aircraft")]


@pytest.mark.parametrize("order", list(itertools.permutations(range(4)))[::5])
def test_one_aircraft_whatever_the_order_with_the_hint(tmp_path, files, order):
    with Case.create(tmp_path / "c", title="t", examiner="x") as case:
        for index in order:
            import_flight_file(case, files[index], aircraft="XX-62001")
        assert aircraft(case) == [("fff0a1", "XX-62001")]


@pytest.mark.parametrize("hint", ["XX-62001", "fff0a1"])
def test_the_hint_joins_what_the_files_name(tmp_path, files, hint):
    """The files in the sheet's order (as a shell glob sorts them), each with the hint."""
    with Case.create(tmp_path / "c", title="t", examiner="x") as case:
        for path in sorted(files):
            import_flight_file(case, path, aircraft=hint)
        assert aircraft(case) == [("fff0a1", "XX-62001")]


def test_files_that_name_the_aircraft_join_without_a_hint(tmp_path, files):
    """A file naming both (the trace) joins one naming the registration (KML) or the
    address (OpenSky), in either order. (A KML and an OpenSky file before the trace make
    two aircraft that both have points: joining those is an entity merge, which refuses to
    mix two tracks; --aircraft on the import avoids it.)"""
    trace = next(p for p in files if "trace_full" in p.name)
    kml = next(p for p in files if p.name.endswith(".kml"))
    opensky = next(p for p in files if "opensky" in p.name)
    for pair in ((kml, trace), (trace, kml), (opensky, trace), (trace, opensky)):
        with Case.create(tmp_path / f"c{abs(hash(pair))}", title="t", examiner="x") as case:
            for path in pair:
                import_flight_file(case, path)
            assert aircraft(case) == [("fff0a1", "XX-62001")], [p.name for p in pair]
