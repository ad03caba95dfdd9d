"""Synthetic flight data and writers for every importer's format, for the tests and the
benchmarks (never shipped). Written from the format descriptions: no real FlightRadar24 or
OpenSky data is ever used (their terms forbid redistribution), and these tracks are invented,
so they must never be mistaken for evidence.
"""

from __future__ import annotations

import csv
import gzip
import json
import random
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Iterable, Iterator, Sequence
from xml.sax.saxutils import escape

from osintdesk.flights.model import TrackPoint
from osintdesk.flights.parsing import FT_PER_M

from osintdesk.demo import flightfiles
from osintdesk.demo.flightfiles import (  # noqa: F401  (moved into the app for the demo)
    OPENSKY_COLUMNS, T0, _int, _text_out, flight_time_s, fr24_squawk, iso_z, opensky_row,
    synthetic_flight, trace_row, write_fr24_csv, write_opensky_csv)

# The tests' samples describe the story the app grew from; the app's own writers take no
# defaults (a demo names its invented aircraft itself).
write_fr24_kml = partial(flightfiles.write_fr24_kml, flight_number="SU100", callsign="AFL100",
                         registration="RA-86496", type_code="IL62", type_name="Ilyushin Il-62M",
                         origin_iata="VKO", destination_iata="FNJ")
write_readsb_trace = partial(flightfiles.write_readsb_trace, hex="155abc", registration="RA-86496",
                             type_code="IL62", desc="ILYUSHIN Il-62", own_op="Rossiya")


def iter_bench_points(count: int, start_t: float = T0, *, hex: str = "155abc") -> Iterator[TrackPoint]:
    """``count`` invented points: UUWW <-> ZKPY rotations with a day on the ground between,
    generated lazily (a million points never sit in memory)."""
    produced, t, legs, flight = 0, start_t, (("UUWW", "ZKPY"), ("ZKPY", "UUWW")), 0
    while produced < count:
        origin, destination = legs[flight % 2]
        flight += 1
        for point in synthetic_flight(origin, destination, t, hex=hex):
            if produced >= count:
                return
            yield point._replace(record=produced + 1)
            produced += 1
        t = point.t + 86400.0


# --------------------------------------------------------------------------- writing helpers


# --------------------------------------------------------------------------- FlightRadar24


def fr24_playback(points: Sequence[TrackPoint], *, hex: str = "155ABC", registration: str = "RA-86496",
                  flight_number: str = "SU100", callsign: str = "AFL100",
                  origin: tuple[str, str] = ("UUWW", "VKO"), destination: tuple[str, str] = ("ZKPY", "FNJ"),
                  real: tuple[str, str] | None = None, model: tuple[str, str] = ("IL62", "Ilyushin Il-62M"),
                  airline: str = "Rossiya") -> dict:
    """A FlightRadar24 flight-playback document (``result.response.data.flight``)."""
    def airport(codes):
        return None if codes is None else {"name": codes[0], "code": {"icao": codes[0], "iata": codes[1]}}

    track = [{"latitude": p.lat, "longitude": p.lon,
              "altitude": {"feet": 0 if p.on_ground else int(p.alt_ft or 0),
                           "meters": 0 if p.on_ground else int((p.alt_ft or 0) / FT_PER_M)},
              "speed": {"kmh": round((p.gs_kt or 0) * 1.852, 1), "kts": int(p.gs_kt or 0),
                        "mph": round((p.gs_kt or 0) * 1.15078, 1)},
              "verticalSpeed": {"fpm": int(p.vrate_fpm or 0), "fps": 0, "ms": 0},
              "heading": int(p.track_deg or 0), "squawk": fr24_squawk(p.squawk),
              "timestamp": int(p.t), "ems": None} for p in points]
    flight = {"identification": {"id": "2f3a4b5c", "number": {"default": flight_number},
                                 "callsign": callsign},
              "aircraft": {"model": {"code": model[0], "text": model[1]},
                           "identification": {"modes": hex, "registration": registration}},
              "airline": {"name": airline},
              "airport": {"origin": airport(origin), "destination": airport(destination),
                          "real": airport(real)},
              "track": track}
    return {"result": {"request": {"callback": None}, "response": {"timestamp": int(T0),
                                                                    "data": {"flight": flight}}}}


def fr24_granular_time(t: float) -> str:
    """FlightRadar24 granular style: ``2024-01-02 07:41:03Z.515``."""
    moment = datetime.fromtimestamp(t, tz=timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%S") + f"Z.{moment.microsecond // 1000:03d}"


GRANULAR_HEADER = ["network_time", "receiver_time", "hex", "callsign", "latitude", "longitude",
                   "altitude", "ground_speed", "track", "vertical_rate", "on_ground", "no_position"]


def granular_row(p: TrackPoint, *, no_position: bool = False, trailing: Sequence[str] = ()) -> list[str]:
    lat, lon = (0, 0) if no_position else (p.lat, p.lon)
    return [fr24_granular_time(p.t + 0.4), fr24_granular_time(p.t), f"0x{(p.hex or '').upper()}",
            (p.callsign or "").ljust(8), str(lat), str(lon), _int(p.alt_ft), _int(p.gs_kt),
            _int(p.track_deg), _int(p.vrate_fpm), "1" if p.on_ground else "0",
            "1" if no_position else "0", *trailing]


def write_fr24_granular_csv(path, points: Iterable[TrackPoint], *, compress: bool = False) -> Path:
    with _text_out(path, compress) as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(GRANULAR_HEADER)
        for p in points:
            writer.writerow(granular_row(p, trailing=[f"squawk:{fr24_squawk(p.squawk)}"]))
    return Path(path)


# --------------------------------------------------------------------------- readsb


def aircraft_entry(p: TrackPoint, now: float, *, legacy: bool = False, with_db: bool = True) -> dict:
    """One aircraft of an aircraft.json snapshot, its position ``now - seen_pos`` old."""
    alt_key, gs_key, rate_key = ("altitude", "speed", "vert_rate") if legacy else ("alt_baro", "gs", "baro_rate")
    entry = {"hex": p.hex, "flight": (p.callsign or "").ljust(8),
             alt_key: "ground" if p.on_ground else p.alt_ft, gs_key: p.gs_kt, "track": p.track_deg,
             rate_key: p.vrate_fpm, "squawk": p.squawk, "lat": p.lat, "lon": p.lon,
             "seen_pos": round(now - p.t, 1), "seen": 0.1, "messages": 100, "rssi": -20.5}
    if with_db and not legacy:
        entry.update({"r": "RA-86496", "t": "IL62", "desc": "ILYUSHIN Il-62", "dbFlags": 0})
    return {k: v for k, v in entry.items() if v is not None}


def aircraft_snapshot(now: float, entries: list[dict]) -> dict:
    return {"now": now, "messages": 123456, "aircraft": entries}


# --------------------------------------------------------------------------- OpenSky


def opensky_track(points: Sequence[TrackPoint], *, hex: str = "155abc", callsign: str = "AFL100") -> dict:
    return {"icao24": hex, "callsign": callsign.ljust(8), "startTime": int(points[0].t),
            "endTime": int(points[-1].t),
            "path": [[int(p.t), p.lat, p.lon, None if p.on_ground else round((p.alt_ft or 0) / FT_PER_M),
                      p.track_deg, bool(p.on_ground)] for p in points]}


def opensky_flight(hex: str, first_seen_t: float, last_seen_t: float, origin: str | None,
                   destination: str | None, callsign: str = "AFL100") -> dict:
    return {"icao24": hex, "firstSeen": int(first_seen_t), "estDepartureAirport": origin,
            "lastSeen": int(last_seen_t), "estArrivalAirport": destination, "callsign": callsign.ljust(8),
            "estDepartureAirportHorizDistance": 1200, "estDepartureAirportVertDistance": 30,
            "estArrivalAirportHorizDistance": 900, "estArrivalAirportVertDistance": 20,
            "departureAirportCandidatesCount": 1, "arrivalAirportCandidatesCount": 2}


# --------------------------------------------------------------------------- KML gx:Track and GPX


def write_kml_gx_track(path, points: Sequence[TrackPoint], *, name: str = "AFL100",
                       description: str = "UUWW - ZKPY", altitude_mode: str = "absolute",
                       compress: bool = False) -> Path:
    with _text_out(path, compress) as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2" '
                  'xmlns:gx="http://www.google.com/kml/ext/2.2">\n<Document>\n<name>Sample</name>\n'
                  f"<Placemark>\n<name>{escape(name)}</name>\n<description>{escape(description)}</description>\n"
                  f"<gx:Track>\n<altitudeMode>{altitude_mode}</altitudeMode>\n")
        for p in points:
            out.write(f"<when>{iso_z(p.t)}</when>\n")
        for p in points:
            alt_m = 0.0 if p.on_ground else (p.alt_ft or 0) / FT_PER_M
            out.write(f"<gx:coord>{p.lon} {p.lat} {alt_m:.1f}</gx:coord>\n")
        out.write("</gx:Track>\n</Placemark>\n</Document>\n</kml>\n")
    return Path(path)


def write_gpx(path, points: Iterable[TrackPoint], *, compress: bool = False) -> Path:
    with _text_out(path, compress) as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="osintdesk samples" '
                  'xmlns="http://www.topografix.com/GPX/1/1">\n<trk><name>sample</name><trkseg>\n')
        for p in points:
            alt_m = 0.0 if p.on_ground else (p.alt_ft or 0) / FT_PER_M
            out.write(f'<trkpt lat="{p.lat}" lon="{p.lon}"><ele>{alt_m:.1f}</ele>'
                      f"<time>{iso_z(p.t)}</time></trkpt>\n")
        out.write("</trkseg></trk>\n</gpx>\n")
    return Path(path)


def write_json(path, document, *, compress: bool = False) -> Path:
    with _text_out(path, compress) as out:
        json.dump(document, out)
    return Path(path)


# --------------------------------------------------------------------------- messy files (issue 15)

JUNK_RECEIVER_TIME = "1970-01-01 00:00:00Z.000"


def write_granular_with_junk(path, points: Sequence[TrackPoint], *, junk_time_every: int = 7,
                             bad_altitude_rows: Sequence[int] = (),
                             short_rows: Sequence[int] = ()) -> Path:
    """A granular ADS-B CSV as real exports come: every ``junk_time_every``-th row has the
    receiver clock never set (``1970-01-01 00:00:00Z.000``) while ``network_time`` is valid;
    rows at the indexes ``bad_altitude_rows`` have an altitude that is not a number, rows at
    ``short_rows`` are cut short. The other rows are ordinary."""
    with _text_out(path, False) as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(GRANULAR_HEADER)
        for index, p in enumerate(points):
            row = granular_row(p, trailing=[f"squawk:{fr24_squawk(p.squawk)}"])
            if junk_time_every and index % junk_time_every == junk_time_every - 1:
                row[1] = JUNK_RECEIVER_TIME
            if index in bad_altitude_rows:
                row[6] = "n/a"
            if index in short_rows:
                row = row[:4]
            writer.writerow(row)
    return Path(path)


def positionless_entry(hex_code: str, *, callsign: str | None = None, squawk: str | None = None,
                       seen: float = 1.5, alt_ft: float | None = None) -> dict:
    """An aircraft.json entry heard without a position (an older dump1090 file: Mode S only)."""
    entry = {"hex": hex_code, "seen": seen, "messages": 42, "rssi": -30.1}
    if callsign is not None:
        entry["flight"] = callsign.ljust(8)
    if squawk is not None:
        entry["squawk"] = squawk
    if alt_ft is not None:
        entry["altitude"] = alt_ft
    return entry


# Invented addresses (not allocated to real aircraft) in the style of the snapshot.
POSITIONLESS_HEXES = ("15f0a1", "15f0a2", "15f0a3", "15f0a4")


def positionless_snapshot(now: float = T0) -> dict:
    """A dump1090 snapshot of four aircraft, none with a position; one has a callsign."""
    entries = [positionless_entry(POSITIONLESS_HEXES[0], callsign="XXS7101", squawk="2261",
                                  alt_ft=33000)]
    entries += [positionless_entry(h, seen=3.0 + i) for i, h in enumerate(POSITIONLESS_HEXES[1:])]
    return {"now": now, "messages": 1000, "aircraft": entries}


# --------------------------------------------------------------------------- traffic (the library)

TRAFFIC_COLUMNS = ("timestamp", "icao24", "callsign", "latitude", "longitude", "altitude",
                   "groundspeed", "track", "vertical_rate", "onground", "squawk")


def traffic_records(points: Sequence[TrackPoint], *, gap_rows: Sequence[int] = (),
                    bad_hex_rows: Sequence[int] = ()) -> list[dict]:
    """The flight table as ``traffic`` keeps it (feet, knots, ft/min, ``timestamp`` a UTC
    time, here epoch milliseconds). Rows at ``gap_rows`` lost their position (pandas
    writes NaN as null or an empty cell); rows at ``bad_hex_rows`` carry a junk icao24."""
    records = []
    for index, p in enumerate(points):
        records.append({
            "timestamp": int(round(p.t * 1000)), "icao24": p.hex, "callsign": p.callsign,
            "latitude": None if index in gap_rows else p.lat,
            "longitude": None if index in gap_rows else p.lon,
            "altitude": p.alt_ft, "groundspeed": p.gs_kt, "track": p.track_deg,
            "vertical_rate": p.vrate_fpm, "onground": bool(p.on_ground), "squawk": p.squawk,
            "icao24_bad": None})
        if index in bad_hex_rows:
            records[-1]["icao24"] = "zz-junk"
        del records[-1]["icao24_bad"]
    return records


def write_traffic_json(path, records: list[dict], *, lines: bool = False,
                       columns_form: bool = False) -> Path:
    """``orient="records"`` (a list), ``lines=True`` (one a line) or pandas' default column form."""
    with open(path, "w", encoding="utf-8") as out:
        if lines:
            out.writelines(json.dumps(r, separators=(",", ":")) + "\n" for r in records)
        elif columns_form:
            json.dump({c: {str(i): r[c] for i, r in enumerate(records)} for c in TRAFFIC_COLUMNS},
                      out, separators=(",", ":"))
        else:
            json.dump(records, out, separators=(",", ":"))
    return Path(path)


def write_traffic_csv(path, records: list[dict]) -> Path:
    """pandas ``to_csv``: an unnamed index column, ISO times with their offset, empty NaNs."""
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["", *TRAFFIC_COLUMNS])
        for index, r in enumerate(records):
            moment = datetime.fromtimestamp(r["timestamp"] / 1000, timezone.utc)
            cells = {**r, "timestamp": moment.isoformat(sep=" ")}
            writer.writerow([index, *("" if cells[c] is None else cells[c] for c in TRAFFIC_COLUMNS)])
    return Path(path)


def write_traffic_parquet(path, records: list[dict]) -> Path:
    """Parquet as pandas writes traffic's table: ``timestamp`` a timestamp[ns, UTC] column."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    columns = {c: [r[c] for r in records] for c in TRAFFIC_COLUMNS}
    columns["timestamp"] = pa.array([r["timestamp"] * 1_000_000 for r in records],
                                    type=pa.timestamp("ns", tz="UTC"))
    pq.write_table(pa.table(columns), path)
    return Path(path)


# --------------------------------------------------------------------------- daily archives

ARCHIVE_TARGET_HEX = "f0beef"   # invented, in a block no aircraft is registered to


def _archive_hex(index: int) -> str:
    return f"f1{index:04x}"


def trace_bytes(points: Sequence[TrackPoint], **kwargs) -> bytes:
    """A gzip-compressed ``trace_full_<hex>.json`` as bytes (as it sits in a daily tar)."""
    import tempfile
    with tempfile.TemporaryDirectory(prefix="osintdesk-trace-") as folder:
        return write_readsb_trace(Path(folder) / "trace.json", points, **kwargs).read_bytes()


def _other_rows(rows: int, rng: random.Random) -> str:
    """The trace rows of an ordinary aircraft's day, as JSON text (shared by an archive's
    aircraft, each under its own header, so that thousands are written quickly)."""
    lat, lon = rng.uniform(-60, 60), rng.uniform(-170, 170)
    trace = [[i * 30.0, round(lat + i * 0.01, 5), round(lon + i * 0.013, 5), 30000 + (i % 7) * 25,
              420.0 + i % 5, 45.0, 0, 0, None, "adsb_icao", 30150, None, None, None]
             for i in range(rows)]
    return json.dumps(trace, separators=(",", ":"))


def _other_trace(hex_code: str, day_t: float, rows_text: str) -> bytes:
    base = {"icao": hex_code, "r": f"XX-{hex_code[-4:].upper()}", "t": "A320", "dbFlags": 0,
            "timestamp": day_t}
    text = json.dumps(base)[:-1] + ',"trace":' + rows_text + "}"
    return gzip.compress(text.encode(), compresslevel=1, mtime=0)


def write_daily_archive(path, day_t: float, target_points: Sequence[TrackPoint], *,
                        aircraft: int = 2000, other_rows: int = 20, target_hex: str = ARCHIVE_TARGET_HEX,
                        cut_target_member: bool = False, seed: int = 0) -> Path:
    """A daily globe_history-style tar: ``traces/<last two hex digits>/trace_full_<hex>.json``
    for ``aircraft`` invented aircraft (gzip under .json), the target's member holding
    ``target_points`` (or no member when there are none). ``cut_target_member``: the
    target's gzip data stops halfway (a damaged member in a sound tar)."""
    import io
    import tarfile
    rows_text = _other_rows(other_rows, random.Random(seed))
    members: dict[str, bytes] = {}
    for index in range(aircraft - (1 if target_points else 0)):
        hex_code = _archive_hex(index)
        members[f"traces/{hex_code[-2:]}/trace_full_{hex_code}.json"] = _other_trace(
            hex_code, day_t, rows_text)
    if target_points:
        data = trace_bytes(target_points, hex=target_hex, registration="XX-BEEF",
                           type_code="IL62", desc="ILYUSHIN Il-62", own_op=None)
        if cut_target_member:
            data = data[: len(data) // 2]
        members[f"traces/{target_hex[-2:]}/trace_full_{target_hex}.json"] = data
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as tar:
        for name in sorted(members):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(members[name]), int(day_t), 0o644
            tar.addfile(info, io.BytesIO(members[name]))
    return Path(path)


def archive_day_points(day: int, *, start_t: float = T0, hex: str = ARCHIVE_TARGET_HEX,
                       step_s: float = 10.0) -> list[TrackPoint]:
    """The target aircraft's day ``day``: out to Pyongyang and back, with a stay between."""
    day_t = start_t + day * 86400
    out = synthetic_flight("UUWW", "ZKPY", start_t=day_t, hex=hex, step_s=step_s)
    back = synthetic_flight("ZKPY", "UUWW", start_t=out[-1].t + 2 * 3600, hex=hex, step_s=step_s)
    return out + back
