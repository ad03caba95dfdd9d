"""FlightRadar24 KML export: one Placemark per sample in the ``Route`` folder.

Each Route Placemark has ``TimeStamp/when`` and ``Point/coordinates`` (lon,lat,alt in
metres); speed, heading and the altitude in feet are only in its HTML description, which
is where they are read from (the metres are used only when the description has no
altitude). The ``Trail`` folder repeats the route as line segments and is ignored. The
Document name (``FZ981/FDB981``: flight number / callsign) and description (registration,
type, departure and arrival airports) give the FileFlight and AircraftInfo.
"""

from __future__ import annotations

import html
import re

from ...errors import InputError
from ..model import AircraftInfo, FileFlight, Skipped
from ..parsing import (BadRecord, Ticker, Validator, clock_from, find_local, local_name, m_to_ft,
                       make_point, options_hex, parse_iso_time, read_or_skip, stripped_text,
                       to_float, xml_events, xml_text)

NAME = "fr24-kml"
VERSION = "1"
DESCRIPTION = ("FlightRadar24 KML export (Route folder placemarks; altitude ft, speed and "
               "heading from each description; Trail folder ignored)")
EXTENSIONS = (".kml",)
SINGLE_FLIGHT = True

_TAGS = re.compile(r"<[^>]+>")
_ALTITUDE = re.compile(r"Altitude:\s*(-?[\d,.]+)\s*ft", re.I)
_SPEED = re.compile(r"Speed:\s*([\d,.]+)\s*kt", re.I)
_HEADING = re.compile(r"Heading:\s*([\d,.]+)", re.I)
_REGISTRATION = re.compile(r"/reg/[^\"'>]*[\"'][^>]*>\s*([A-Za-z0-9-]+)\s*<")
_TYPE_CODE = re.compile(r"Aircraft\s*<span[^>]*>\s*\(([A-Za-z0-9]{2,4})\)\s*</span>")
_TYPE_NAME = re.compile(r"Aircraft\s*<span[^>]*>\s*\([^)]*\)\s*</span>\s*<br\s*/?>\s*<span[^>]*>([^<]+)<")
_ORIGIN = re.compile(r"/airport/([A-Za-z0-9]{3,4})/departures")
_DESTINATION = re.compile(r"/airport/([A-Za-z0-9]{3,4})/arrivals")


def sniff(head: bytes, name: str) -> bool:
    return b"<kml" in head and re.search(rb"<name>\s*Route\s*</name>", head) is not None


def parse(stream, name, *, options=None, progress=None, cancelled=None):
    """Yield one TrackPoint per Route placemark, then the AircraftInfo and FileFlight."""
    hex_code = options_hex(options, name)
    check = Validator(name, clock_from(options))
    ticker = Ticker(stream, progress, cancelled)
    state = {"doc_name": None, "doc_description": None, "route_seen": False}
    folder_names: dict[int, str] = {}
    parents: list = []
    record = 0
    first_t = last_t = None
    for event, element in xml_events(stream, name):
        if event == "start":
            parents.append(element)
            continue
        parents.pop()
        parent = parents[-1] if parents else None
        tag = local_name(element.tag)
        parent_tag = local_name(parent.tag) if parent is not None else ""
        if tag == "name" and parent_tag == "Folder":
            folder_names[id(parent)] = xml_text(element)
            state["route_seen"] |= xml_text(element) == "Route"
        elif parent_tag == "Document" and tag in ("name", "description"):
            state["doc_" + tag] = element.text or ""
            if tag == "description" and not record:
                # The identity goes before the first point, so the points are filed under
                # the aircraft the file names, not under an "unidentified" one.
                info = _aircraft_info(state["doc_description"], hex_code)
                if info is not None:
                    state["identity_sent"] = True
                    yield info
        elif tag == "Placemark" and parent_tag == "Folder":
            if folder_names.get(id(parent)) == "Route":
                record += 1
                point = read_or_skip(_placemark, record, element, record, hex_code, name, check)
                if not isinstance(point, Skipped):
                    first_t = point.t if first_t is None else min(first_t, point.t)
                    last_t = point.t if last_t is None else max(last_t, point.t)
                yield point
                ticker.tick()
            del parent[:]  # processed (or Trail): free it, the folder name is kept above
    if not state["route_seen"]:
        raise InputError('no "Route" folder: not a FlightRadar24 KML export', path=name)
    yield from _document(state, hex_code, first_t, last_t)
    ticker.finish()


def _placemark(placemark, record, hex_code, name, check):
    where = f"Route placemark {record}: "
    when = find_local(placemark, "TimeStamp", "when")
    if when is None or not xml_text(when):
        raise BadRecord(f"{where}no TimeStamp/when", reason="Route placemark without a "
                        "TimeStamp/when", path=name)
    t = check.time(parse_iso_time(xml_text(when), name, None, where=where), None, where)
    coordinates = find_local(placemark, "Point", "coordinates")
    parts = xml_text(coordinates).split(",")
    if len(parts) not in (2, 3):
        raise BadRecord(f"{where}Point/coordinates {xml_text(coordinates)!r} is not lon,lat,alt",
                        reason="Point/coordinates is not lon,lat,alt", path=name)
    lon = to_float(parts[0], "longitude", name, None, where)
    lat = to_float(parts[1], "latitude", name, None, where)
    check.position(lat, lon, None, where)
    text = _description_text(find_local(placemark, "description"))
    alt_ft = _number(_ALTITUDE, text, "altitude", name, where)
    if alt_ft is None and len(parts) == 3:
        alt_ft = m_to_ft(to_float(parts[2], "altitude", name, None, where))
    return make_point(t, lat, lon, alt_ft,
                      _number(_SPEED, text, "speed", name, where),
                      _number(_HEADING, text, "heading", name, where),
                      None, None if alt_ft is None else alt_ft == 0,
                      None, None, hex_code, False, False, record)


def _description_text(element) -> str:
    raw = element.text if element is not None and element.text else ""
    return html.unescape(_TAGS.sub(" ", raw))


def _number(pattern, text, what, name, where):
    match = pattern.search(text)
    if not match:
        return None
    return to_float(match.group(1).replace(",", ""), what, name, None, where)


def _split_name(doc_name: str | None) -> tuple[str | None, str | None]:
    """``FZ981/FDB981`` -> (flight number, callsign); a name without ``/`` is the callsign."""
    if not doc_name:
        return None, None
    number, sep, callsign = doc_name.strip().partition("/")
    if not sep:
        return None, stripped_text(number)
    return stripped_text(number), stripped_text(callsign)


def _aircraft_info(description: str, hex_code: str | None) -> AircraftInfo | None:
    """Registration and type from the Document description (None when it names neither)."""
    def first(pattern):
        match = pattern.search(description)
        return match.group(1).strip() if match else None

    registration = first(_REGISTRATION)
    type_code = first(_TYPE_CODE)
    if not (registration or type_code or hex_code):
        return None
    return AircraftInfo(hex=hex_code, registration=registration.upper() if registration else None,
                        type_code=type_code.upper() if type_code else None,
                        type_name=first(_TYPE_NAME))


def _document(state, hex_code, first_t, last_t):
    description = state["doc_description"] or ""
    number, callsign = _split_name(state["doc_name"])

    def first(pattern):
        match = pattern.search(description)
        return match.group(1).strip() if match else None

    info = _aircraft_info(description, hex_code)
    registration = info.registration if info is not None else None
    if info is not None and not state.get("identity_sent"):
        yield info
    origin, destination = first(_ORIGIN), first(_DESTINATION)
    yield FileFlight(hex=hex_code, registration=registration, callsign=callsign,
                     flight_number=number, origin=origin.upper() if origin else None,
                     destination=destination.upper() if destination else None,
                     first_seen_t=first_t, last_seen_t=last_t)
