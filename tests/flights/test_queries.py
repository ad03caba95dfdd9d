"""The flights query layer on a real case: one resolver from what the user typed, one
paged track-point reader."""

import pytest

from osintdesk.errors import OsintdeskError
from osintdesk.flights import queries
from osintdesk.store import Case


def labels(rows):
    return [row["label"] for row in rows]


def test_aircraft_found_by_registration_hex_label_id_or_id_prefix(sample_case):
    il62 = queries.find_aircraft(sample_case, "RA-86496")[0]
    assert labels(queries.find_aircraft(sample_case, "ra-86496")) == ["RA-86496"]
    assert labels(queries.find_aircraft(sample_case, " A9C2F1 ")) == ["N7423C"]  # hex, any case
    assert labels(queries.find_aircraft(sample_case, "n7423c")) == ["N7423C"]
    assert labels(queries.find_aircraft(sample_case, il62["uuid"])) == ["RA-86496"]
    assert labels(queries.find_aircraft(sample_case, il62["uuid"][:8].upper())) == ["RA-86496"]
    typed = ["RA-86496", il62["hex"] or "RA-86496"]
    assert queries.resolve_aircraft(sample_case, typed) == [il62["uuid"]]


@pytest.mark.parametrize("typed, message", [
    ("RA-00000", "no aircraft 'RA-00000' in this case"),
    ("abc", "no aircraft 'abc'"),  # too short to be an id prefix
])
def test_unknown_aircraft_is_named(sample_case, typed, message):
    with pytest.raises(OsintdeskError, match=message) as raised:
        queries.find_aircraft(sample_case, typed)
    assert str(sample_case.path) in str(raised.value)


def test_an_id_prefix_two_aircraft_share_is_ambiguous(tmp_path):
    with Case.create(tmp_path / "two", title="Two", examiner="A") as case:
        for uuid, label in (("0123abcd-0000-4000-8000-000000000001", "RA-1"),
                            ("0123abce-0000-4000-8000-000000000002", "RA-2")):
            case.insert_record("aircraft", {"uuid": uuid, "label": label})
        with pytest.raises(OsintdeskError, match="aircraft id '0123' is ambiguous"):
            queries.find_aircraft(case, "0123")
        assert labels(queries.find_aircraft(case, "0123abce")) == ["RA-2"]


def test_flights_of_an_unknown_aircraft_raise_rather_than_read_as_none(sample_case):
    il62 = queries.resolve_aircraft(sample_case, "RA-86496")
    assert len(queries.select_flights(sample_case, aircraft_uuids=il62)) == 2
    with pytest.raises(OsintdeskError, match="no aircraft 'RA-00000'"):
        queries.resolve_aircraft(sample_case, "RA-00000")
    assert queries.select_flights(sample_case, aircraft_uuids=[]) == []  # none chosen: none


def test_aircraft_with_counts_all_or_some(sample_case):
    everyone = queries.aircraft(sample_case)
    assert labels(everyone) == ["N7423C", "RA-86496"]
    il62 = next(a for a in everyone if a["label"] == "RA-86496")
    assert (il62["flights"], il62["first_seen_utc"][:10]) == (2, "2024-01-02")
    # every position, also those on the ground between flights
    assert il62["points"] > sum(f["point_count"] for f in
                                queries.select_flights(sample_case, aircraft_uuids=[il62["uuid"]]))
    assert queries.aircraft(sample_case, [il62["uuid"]]) == [il62]
    assert queries.aircraft(sample_case, []) == []


def test_track_points_read_in_pages_equal_the_whole(sample_case):
    flight = queries.select_flights(sample_case, aircraft_uuids=queries.resolve_aircraft(sample_case, "N7423C"))[0]
    span = (flight["aircraft_uuid"], flight["first_t"], flight["last_t"])
    whole = queries.track_points(sample_case, *span, columns=("t", "lat", "lon")).fetchall()
    assert len(whole) == queries.count_track_points(sample_case, *span) == flight["point_count"]
    pages = []
    for offset in range(0, len(whole), 100):
        pages += queries.track_points(sample_case, *span, columns=("t", "lat", "lon"),
                                      offset=offset, limit=100).fetchall()
    assert pages == whole
    assert [t for t, _, _ in whole] == sorted(t for t, _, _ in whole)
    with pytest.raises(ValueError, match="not a track point column"):
        queries.track_points(sample_case, *span, columns=("t; DROP TABLE flights",))
