"""The column reader of regular files gives exactly the points the importer gives, and
leaves every irregular file to the importer."""

from __future__ import annotations

import numpy as np
import pytest

from osintdesk.flights import columnar, importers
from osintdesk.flights.model import TrackPoint
from osintdesk.store import trackblocks
from tests.support import flight_samples as samples


def importer_columns(path, options=None):
    fmt = importers.detect(path)
    rows = [p for p in importers.parse_path(path, fmt, options=options) if type(p) is TrackPoint]
    return {p.hex for p in rows}, trackblocks.columns_from_rows(rows)


def read_whole(path, **kwargs):
    """(hex, the file's columns) as the column reader gives them chunk by chunk, or None
    when it leaves the file to the importer (at the header or at a later chunk)."""
    read = columnar.fr24_csv(path, **kwargs)
    if read is None:
        return None
    try:
        parts = list(read[1])
    except columnar.Irregular:
        return None
    return read[0], {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}


def assert_same(read, expected) -> None:
    hexes, columns = expected
    hex_code, got = read
    assert {hex_code} == hexes
    for name in trackblocks.POINT_COLUMNS:
        if got[name].dtype == object:
            assert list(got[name]) == list(columns[name]), name
        else:
            np.testing.assert_array_equal(got[name], columns[name], err_msg=name)


@pytest.mark.parametrize("options", [None, {"hex": "F0A0B2"}])
def test_a_regular_export_reads_as_the_importer_reads_it(tmp_path, monkeypatch, options):
    monkeypatch.setattr(columnar, "CHUNK_BYTES", 50_000)   # several chunks
    points = samples.synthetic_flight("UUWW", "ZKPY", gaps=[(3600, 7200)], callsign=" RSD062 ")
    points[5] = points[5]._replace(callsign=None)
    path = samples.write_fr24_csv(tmp_path / "f.csv", points)
    calls = []
    read = read_whole(path, options=options, progress=lambda *a: calls.append(a))
    assert read is not None and len(read[1]["t"]) == len(points)
    assert len(calls) > 2 and calls[-1][0] == calls[-1][1] == path.stat().st_size
    assert_same(read, importer_columns(path, options))


@pytest.mark.parametrize("change", [
    lambda text: text.replace("Z,", "+00:00,", 1),               # another time form
    lambda text: text.replace("\n", "\r\n"),                      # Windows line ends
    lambda text: text.replace("\n", "\n\n", 3),                   # a blank line
    lambda text: text.replace(",12,", ",,", 1),                   # a missing number
    lambda text: text.replace(",12,", ",nan,", 1),                # not a number
    lambda text: text.replace("1704181273,", "1704181299,", 1),   # Timestamp and UTC disagree
    lambda text: text.replace('"55.591499,', '"95.591499,', 1),   # off the globe
    lambda text: text.replace("Timestamp,UTC", "Timestamp,Utc", 1),
    lambda text: text.replace("T07:41:13Z", "T07:41:73Z", 1),     # no such second
])
def test_anything_irregular_is_left_to_the_importer(tmp_path, change):
    points = samples.synthetic_flight("UUWW", "ZKPY")
    path = samples.write_fr24_csv(tmp_path / "f.csv", points)
    path.write_text(change(path.read_text()))
    assert read_whole(path) is None


def test_a_file_irregular_after_its_first_chunks_is_imported_by_its_importer(tmp_path,
                                                                             monkeypatch):
    """The chunks read before the irregular row were stored already: they are dropped (a
    savepoint) and the importer reads the file, skipping and counting that row."""
    from osintdesk.flights.ingest import import_flight_file
    from osintdesk.store import Case
    monkeypatch.setattr(columnar, "CHUNK_BYTES", 20_000)
    monkeypatch.setattr(trackblocks, "BLOCK_POINTS", 300)   # blocks stored before the row
    points = samples.synthetic_flight("UUWW", "ZKPY")
    path = samples.write_fr24_csv(tmp_path / "f.csv", points)
    lines = path.read_text().split("\n")
    lines[-10] = lines[-10].replace(",", ",,", 1)   # one row near the end: an extra cell
    path.write_text("\n".join(lines))
    with Case.create(tmp_path / "c", title="Columns", examiner="Alice") as case:
        result = import_flight_file(case, path, aircraft="XX-ABC")
        assert (result.points, result.skipped) == (len(points) - 1, 1)
        [(stored,)] = case.conn.execute("SELECT sum(count) FROM track_blocks").fetchall()
        assert stored == len(points) - 1
