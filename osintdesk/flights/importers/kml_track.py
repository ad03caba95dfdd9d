"""KML ``gx:Track`` (FlightAware, Google Earth): parallel lists of ``when`` times and
``gx:coord`` "lon lat alt" positions, one track per Placemark (``gx:MultiTrack`` too).

Altitudes are metres above sea level and are used only with ``altitudeMode`` absolute
(KML's default, clampToGround, carries no altitude). A Placemark name that looks like a
callsign (FlightAware: ``DLH1534``) and a description ``LSZH - EDDF`` give a FileFlight.
"""

from __future__ import annotations

import re
from array import array

from ...errors import InputError
from ..model import FileFlight
from ..parsing import (BadRecord, Ticker, Validator, clock_from, local_name, m_to_ft, make_point,
                       options_hex, parse_iso_time, skipped_record, stripped_text, to_float,
                       xml_events, xml_text)

NAME = "kml-track"
VERSION = "1"
DESCRIPTION = ("KML gx:Track (FlightAware, Google Earth): when + gx:coord lists; altitude "
               "in metres when altitudeMode is absolute")
EXTENSIONS = (".kml",)
SINGLE_FLIGHT = False

_CALLSIGN = re.compile(r"[A-Z0-9]{2,8}")
_ROUTE = re.compile(r"^\s*([A-Z0-9]{3,4})\s*-\s*([A-Z0-9]{3,4})\s*$")


def sniff(head: bytes, name: str) -> bool:
    return b"<kml" in head and re.search(rb"<(\w+:)?Track[\s>]", head) is not None


class _Track:
    """One gx:Track's times and coordinates, kept compactly until the track ends."""

    def __init__(self):
        self.times = array("d")
        self.lats = array("d")
        self.lons = array("d")
        self.alts = array("d")  # NaN when absent
        self.absolute = False
        self.bad: dict[int, BadRecord] = {}  # point index -> why its time or position is unreadable


def parse(stream, name, *, options=None, progress=None, cancelled=None):
    """Yield the TrackPoints of every gx:Track, and a FileFlight per named track Placemark."""
    hex_code = options_hex(options, name)
    check = Validator(name, clock_from(options))
    ticker = Ticker(stream, progress, cancelled)
    parents: list = []
    track: _Track | None = None
    track_number = 0
    placemark_tracks: list[tuple[float, float]] = []
    for event, element in xml_events(stream, name):
        tag = local_name(element.tag)
        if event == "start":
            parents.append(element)
            if tag == "Track":
                track, track_number = _Track(), track_number + 1
            continue
        parents.pop()
        if track is not None and tag == "when":
            where = f"track {track_number}, time {len(track.times) + 1}: "
            try:
                track.times.append(parse_iso_time(xml_text(element), name, None, where=where))
            except BadRecord as exc:
                track.bad.setdefault(len(track.times), exc)
                track.times.append(float("nan"))
            element.clear()
        elif track is not None and tag == "coord":
            try:
                _coord(track, xml_text(element), track_number, name)
            except BadRecord as exc:
                done = len(track.alts)   # altitude is appended last: the coords read whole
                track.bad.setdefault(done, exc)
                for column in (track.lats, track.lons, track.alts):
                    del column[done:]    # a half-read coord leaves no values
                    column.append(float("nan"))
            element.clear()
        elif track is not None and tag == "altitudeMode":
            track.absolute = xml_text(element) == "absolute"
        elif tag == "Track":
            for point in _points(track, track_number, ticker.count, hex_code, name, check):
                yield point
                ticker.tick()
            times = [t for t in track.times if t == t]
            if times:
                placemark_tracks.append((min(times), max(times)))
            track = None
            del element[:]
        elif tag == "Placemark":
            yield from _file_flight(element, placemark_tracks, hex_code)
            placemark_tracks = []
            del element[:]
    if track_number == 0:
        raise InputError("no gx:Track in this KML file", path=name)
    ticker.finish()


def _coord(track: _Track, text: str, track_number: int, name: str) -> None:
    where = f"track {track_number}, position {len(track.lats) + 1}: "
    parts = text.split()
    if len(parts) not in (2, 3):
        raise BadRecord(f"{where}gx:coord {text!r} is not 'lon lat alt'",
                        reason="gx:coord is not 'lon lat alt'", path=name)
    track.lons.append(to_float(parts[0], "longitude", name, None, where))
    track.lats.append(to_float(parts[1], "latitude", name, None, where))
    altitude = to_float(parts[2], "altitude", name, None, where) if len(parts) == 3 else None
    track.alts.append(float("nan") if altitude is None else altitude)


def _points(track: _Track, track_number: int, earlier: int, hex_code, name, check):
    """The track's points; ``record`` numbers points across the whole file (``earlier`` came
    before this track)."""
    if len(track.times) != len(track.lats):
        raise InputError(f"track {track_number} has {len(track.times)} times but "
                         f"{len(track.lats)} positions", path=name)
    for index, t in enumerate(track.times):
        record = earlier + index + 1
        if index in track.bad:
            yield skipped_record(track.bad[index], record)
            continue
        where = f"track {track_number}, point {index + 1}: "
        try:
            check.time(t, None, where)
            lat, lon = track.lats[index], track.lons[index]
            check.position(lat, lon, None, where)
        except BadRecord as exc:
            yield skipped_record(exc, record)
            continue
        alt = track.alts[index]
        alt_ft = m_to_ft(alt) if track.absolute and alt == alt else None
        yield make_point(t, lat, lon, alt_ft, None, None, None, None, None, None, hex_code,
                         False, False, record)


def _file_flight(placemark, tracks, hex_code):
    """A FileFlight for a track Placemark whose name is a callsign (FlightAware's layout)."""
    if not tracks:
        return
    label = next((xml_text(c) for c in placemark if local_name(c.tag) == "name"), "")
    text = next((xml_text(c) for c in placemark if local_name(c.tag) == "description"), "")
    callsign = stripped_text(label) if _CALLSIGN.fullmatch(label.strip()) else None
    route = _ROUTE.match(text)
    if callsign is None and route is None:
        return
    yield FileFlight(hex=hex_code, callsign=callsign,
                     origin=route.group(1) if route else None,
                     destination=route.group(2) if route else None,
                     first_seen_t=min(t[0] for t in tracks), last_seen_t=max(t[1] for t in tracks),
                     extra={"placemark_name": label} if label else {})
