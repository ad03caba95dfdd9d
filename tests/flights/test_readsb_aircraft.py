"""readsb / dump1090 aircraft.json and history_N.json snapshots."""

import json

import pytest

from osintdesk.flights import importers
from tests.support import flight_samples as samples
from osintdesk.flights.importers import readsb_aircraft
from osintdesk.flights.importers.readsb_aircraft import RepeatFilter

NOW = 1704181263.0


def write_snapshot(tmp_path, aircraft, now=NOW, name="aircraft.json", key="aircraft"):
    path = tmp_path / name
    path.write_text(json.dumps({"now": now, "messages": 1, key: aircraft}), encoding="utf-8")
    return path


def entry(**fields):
    base = {"hex": "155abc", "flight": "AFL100  ", "alt_baro": 35000, "gs": 450.2, "track": 90.1,
            "baro_rate": -64, "squawk": "0412", "lat": 55.0, "lon": 37.0, "seen_pos": 2.5, "seen": 0.1}
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def test_position_time_is_now_minus_seen_pos(tmp_path, read):
    path = write_snapshot(tmp_path, [entry()])
    assert importers.detect(path) is readsb_aircraft
    point = read(path).points[0]
    assert point.t == NOW - 2.5
    assert (point.alt_ft, point.gs_kt, point.track_deg, point.vrate_fpm) == (35000, 450.2, 90.1, -64)
    assert (point.callsign, point.squawk, point.hex, point.on_ground) == ("AFL100", "0412", "155abc", False)


def test_legacy_dump1090_keys(tmp_path, read):
    legacy = entry(alt_baro=None, gs=None, baro_rate=None)
    legacy.update({"altitude": 12000, "speed": 300, "vert_rate": 1024})
    point = read(write_snapshot(tmp_path, [legacy])).points[0]
    assert (point.alt_ft, point.gs_kt, point.vrate_fpm) == (12000, 300, 1024)


def test_ground_non_icao_and_aircraft_without_position(tmp_path, read):
    items = read(write_snapshot(tmp_path, [entry(alt_baro="ground", hex="~2CD4E1"),
                                           {"hex": "4b1a2c", "flight": "SWR1  ", "seen": 1.0}]))
    point = items.points[0]
    assert point.on_ground is True and point.alt_ft is None and point.hex == "~2cd4e1"
    assert items.skipped == []
    [sighting] = items.sightings   # heard without a position: kept, dated now - seen
    assert (sighting.record, sighting.hex, sighting.callsign, sighting.t) == (
        2, "4b1a2c", "SWR1", NOW - 1.0)


def test_database_fields_become_aircraft_info(tmp_path, read):
    items = read(write_snapshot(tmp_path, [entry(r="RA-86496", t="IL62", desc="ILYUSHIN Il-62",
                                                 ownOp="Rossiya", dbFlags=1)]))
    info = items.aircraft[0]
    assert (info.registration, info.type_code, info.operator, info.extra) == (
        "RA-86496", "IL62", "Rossiya", {"dbFlags": 1})


def test_last_position_is_stale_and_rough_estimates_are_never_positions(tmp_path, read):
    old = entry(lat=None, lon=None, seen_pos=None)
    old["lastPosition"] = {"lat": 54.0, "lon": 36.0, "seen_pos": 75.0}
    estimate = entry(lat=None, lon=None, seen_pos=None, hex="4b1a2c")
    estimate.update({"rr_lat": 47.0, "rr_lon": 8.0})
    items = read(write_snapshot(tmp_path, [old, estimate]))
    assert len(items.points) == 1
    point = items.points[0]
    assert (point.lat, point.t, point.stale) == (54.0, NOW - 75.0, True)
    assert [s.hex for s in items.sightings] == ["4b1a2c"]   # rr_lat/rr_lon: no position


def test_position_without_seen_pos_is_reported_not_dated(tmp_path, read):
    items = read(write_snapshot(tmp_path, [entry(seen_pos=None)]))
    assert items.points == [] and items.skipped[0].reason == readsb_aircraft.REASON_NO_AGE


@pytest.mark.parametrize("now", [0, -5, 4102444800, "yesterday"])
def test_implausible_now_is_reported_and_nothing_imported(tmp_path, read, expect_error, now):
    path = write_snapshot(tmp_path, [entry()], now=now)
    expect_error(lambda: read(path), path,
                 contains="implausible" if not isinstance(now, str) else "not a number")


def test_api_form_with_ac_list_and_milliseconds(tmp_path, read):
    path = write_snapshot(tmp_path, [entry()], now=NOW * 1000, key="ac")
    assert importers.detect(path) is readsb_aircraft
    assert read(path).points[0].t == NOW - 2.5


def test_history_files_share_a_repeat_filter(tmp_path, read, flight):
    """The same position in consecutive snapshots is one position, reported as a repeat."""
    p = flight[100]
    first = write_snapshot(tmp_path, [samples.aircraft_entry(p, p.t + 3.04)], now=p.t + 3.04,
                           name="history_0.json")
    second = write_snapshot(tmp_path, [samples.aircraft_entry(p, p.t + 33.17)], now=p.t + 33.17,
                            name="history_1.json")
    repeats = RepeatFilter()
    a = read(first, repeat_filter=repeats)
    b = read(second, repeat_filter=repeats)
    assert len(a.points) == 1 and b.points == []
    assert b.skipped[0].reason == readsb_aircraft.REASON_REPEAT
    assert abs(a.points[0].t - p.t) <= 0.1
    # Without the shared filter each file stands alone.
    assert len(read(second).points) == 1


def test_now_after_the_aircraft_list(tmp_path, read, monkeypatch):
    """The entries wait for "now" on disk past the spool's memory (a list of any length)."""
    from functools import partial
    from osintdesk.flights.parsing import ObjectSpool
    monkeypatch.setattr(readsb_aircraft, "ObjectSpool", partial(ObjectSpool, limit=3))
    entries = [entry(hex=f"f0a{k:03x}", seen_pos=k / 10) for k in range(10)]
    path = tmp_path / "aircraft.json"
    path.write_text('{"aircraft": [' + ",".join(map(json.dumps, entries)) + '], "now": %s}' % NOW)
    points = read(path, "readsb-aircraft").points
    assert [(p.hex, p.t) for p in points] == [(f"f0a{k:03x}", round(NOW - k / 10, 3))
                                              for k in range(10)]


def test_sightings_of_many_aircraft_are_stored_past_the_spool_memory(tmp_path, monkeypatch):
    from functools import partial
    from osintdesk.flights import ingest, sightings
    from osintdesk.flights.parsing import ObjectSpool
    from osintdesk.store import Case
    monkeypatch.setattr(ingest, "ObjectSpool", partial(ObjectSpool, limit=5))
    heard = [samples.positionless_entry(f"f0b{k:03x}", callsign=f"XXA{k}") for k in range(40)]
    path = write_snapshot(tmp_path, heard + [entry()])
    with Case.create(tmp_path / "c", title="Heard", examiner="Alice") as case:
        result = ingest.import_flight_file(case, path)
        assert (result.sightings, result.points) == (40, 1)
        stored = sightings.sightings(case)
        assert sorted(s["callsign"] for s in stored) == sorted(f"XXA{k}" for k in range(40))
        assert {s["aircraft"] for s in stored} == {f"F0B{k:03X}" for k in range(40)}


@pytest.mark.parametrize("bad, message", [
    (entry(lat=91.0), "aircraft entry 2: latitude 91.0"),
    (entry(hex=""), "aircraft entry 2: the hex address is missing"),
    (entry(hex="nothex"), "aircraft entry 2: aircraft address 'nothex'"),
    (entry(seen_pos=-3), "aircraft entry 2: seen_pos -3 is negative"),
    (entry(alt_baro="high"), "aircraft entry 2: alt_baro 'high' is not a number"),
    ("not an object", "aircraft entry 2: not an object"),
])
def test_bad_entries_name_the_record(tmp_path, read, expect_skip, bad, message):
    path = tmp_path / "aircraft.json"
    path.write_text('{"now": %s,\n"aircraft": [\n%s,\n%s\n]}' % (NOW, json.dumps(entry()), json.dumps(bad)))
    expect_skip(lambda: read(path, "readsb-aircraft"), path, line=4, contains=message)


def test_not_a_snapshot(tmp_path, read, expect_error):
    path = tmp_path / "stats.json"
    path.write_text('{"now": 1704181263, "latest": {}}')
    expect_error(lambda: read(path, "readsb-aircraft"), path, contains='no "aircraft" list')


def test_history_files_are_ordered_by_now(tmp_path):
    newest = write_snapshot(tmp_path, [entry()], now=NOW + 60, name="history_0.json")
    oldest = write_snapshot(tmp_path, [entry()], now=NOW, name="history_1.json")
    middle = write_snapshot(tmp_path, [entry()], now=NOW + 30, name="history_2.json")
    broken = tmp_path / "history_3.json"
    broken.write_text("{")
    assert readsb_aircraft.order_snapshots([newest, broken, oldest, middle]) == [
        oldest, middle, newest, broken]
