"""KML ``gx:Track`` (FlightAware, Google Earth): parallel lists of ``when`` times and
``gx:coord`` "lon lat alt" positions, one track per Placemark (``gx:MultiTrack`` too).

Altitudes are metres above sea level and are used only with ``altitudeMode`` absolute
(KML's default, clampToGround, carries no altitude; the schema puts it before the times).
A time and its position become a point as soon as both are read: what waits is spooled to
a temporary file past a limit, so memory does not grow with a track's length. A Placemark name that looks like a
callsign (FlightAware: ``DLH1534``) and a description ``LSZH - EDDF`` give a FileFlight.
"""

from __future__ import annotations

import re
from ...errors import InputError
from ..model import FileFlight
from ..parsing import (BadRecord, NumberSpool, Ticker, Validator, clock_from, local_name,
                       m_to_ft, make_point, options_hex, parse_iso_time, skipped_record, stripped_text, to_float,
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


_SKIPPED = float("nan")   # a time or position already reported as skipped


class _Track:
    """One gx:Track being read: the times that wait for their positions (or positions for
    their times), spooled (``NumberSpool``), so a track of millions of ``when`` before its
    ``gx:coord`` holds a constant amount of memory. Each pair becomes a point as soon as
    both halves are read."""

    def __init__(self, number: int, earlier: int):
        self.number, self.earlier = number, earlier   # records of the file before this track
        self.times = NumberSpool(1)
        self.coords = NumberSpool(3)   # lon, lat, alt (NaN when absent)
        self.n_times = self.n_coords = 0
        self.absolute = False
        self.first_t = self.last_t = None

    def record(self, index: int) -> int:
        return self.earlier + index + 1

    def close(self) -> None:
        self.times.close()
        self.coords.close()


def parse(stream, name, *, options=None, progress=None, cancelled=None):
    """Yield the TrackPoints of every gx:Track, and a FileFlight per named track Placemark."""
    hex_code = options_hex(options, name)
    check = Validator(name, clock_from(options))
    ticker = Ticker(stream, progress, cancelled)
    parents: list = []
    track: _Track | None = None
    tracks = records = 0
    placemark_tracks: list[tuple[float, float]] = []
    try:
        for event, element in xml_events(stream, name):
            tag = local_name(element.tag)
            if event == "start":
                parents.append(element)
                if tag == "Track":
                    tracks += 1
                    track = _Track(tracks, records)
                continue
            parents.pop()
            if track is not None and tag in ("when", "coord"):
                read = _when if tag == "when" else _coord
                yield from read(track, xml_text(element), hex_code, name, check, ticker)
                if parents:   # the track keeps none of its read elements
                    parents[-1].remove(element)
            elif track is not None and tag == "altitudeMode":
                track.absolute = xml_text(element) == "absolute"
            elif tag == "Track":
                if track.n_times != track.n_coords:
                    raise InputError(f"track {track.number} has {track.n_times} times but "
                                     f"{track.n_coords} positions", path=name)
                records += track.n_times
                if track.first_t is not None:
                    placemark_tracks.append((track.first_t, track.last_t))
                track.close()
                track = None
                del element[:]
            elif tag == "Placemark":
                yield from _file_flight(element, placemark_tracks, hex_code)
                placemark_tracks = []
                del element[:]
    finally:
        if track is not None:
            track.close()
    if tracks == 0:
        raise InputError("no gx:Track in this KML file", path=name)
    ticker.finish()


def _when(track: _Track, text: str, hex_code, name, check, ticker):
    """A ``when``: paired with its position if that came first, else spooled."""
    index = track.n_times
    track.n_times += 1
    try:
        t = parse_iso_time(text, name, None, where=f"track {track.number}, time {index + 1}: ")
    except BadRecord as exc:
        t = _SKIPPED
        coord = track.coords.take() if index < track.n_coords else None
        if coord is None or coord[1] == coord[1]:   # its position did not say so already
            yield skipped_record(exc, track.record(index))
            ticker.tick()
    else:
        track.first_t = t if track.first_t is None else min(track.first_t, t)
        track.last_t = t if track.last_t is None else max(track.last_t, t)
        if index < track.n_coords:
            yield from _pair(track, index, t, track.coords.take(), hex_code, check, ticker)
    if index >= track.n_coords:
        track.times.append(t)


def _coord(track: _Track, text: str, hex_code, name, check, ticker):
    """A ``gx:coord``: paired with its time if that came first, else spooled."""
    index = track.n_coords
    track.n_coords += 1
    where = f"track {track.number}, position {index + 1}: "
    try:
        parts = text.split()
        if len(parts) not in (2, 3):
            raise BadRecord(f"{where}gx:coord {text!r} is not 'lon lat alt'",
                            reason="gx:coord is not 'lon lat alt'", path=name)
        lon = to_float(parts[0], "longitude", name, None, where)
        lat = to_float(parts[1], "latitude", name, None, where)
        alt = to_float(parts[2], "altitude", name, None, where) if len(parts) == 3 else None
        coord = (lon, lat, float("nan") if alt is None else alt)
    except BadRecord as exc:
        coord = (_SKIPPED, _SKIPPED, _SKIPPED)
        t = track.times.take()[0] if index < track.n_times else None
        if t is None or t == t:   # its time did not say so already
            yield skipped_record(exc, track.record(index))
            ticker.tick()
    else:
        if index < track.n_times:
            yield from _pair(track, index, track.times.take()[0], coord, hex_code, check, ticker)
    if index >= track.n_times:
        track.coords.append(*coord)


def _pair(track: _Track, index: int, t: float, coord: tuple, hex_code, check, ticker):
    """The point of a time and a position (nothing when either was skipped already)."""
    lon, lat, alt = coord
    if t != t or lat != lat:
        return
    record = track.record(index)
    where = f"track {track.number}, point {index + 1}: "
    try:
        check.time(t, None, where)
        check.position(lat, lon, None, where)
    except BadRecord as exc:
        yield skipped_record(exc, record)
    else:
        alt_ft = m_to_ft(alt) if track.absolute and alt == alt else None
        yield make_point(t, lat, lon, alt_ft, None, None, None, None, None, None, hex_code,
                         False, False, record)
    ticker.tick()


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
