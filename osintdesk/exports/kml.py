"""KML for Google Earth: each flight a Placemark whose ``gx:MultiTrack`` holds time-stamped
``gx:Track`` elements (``when`` and ``gx:coord``, the altitude mode stated on each), one
per covered stretch, so a coverage gap is never drawn as a track; each gap a dashed line of
its own; the airports the flights use and the photo places as placemarks. Written as text
in one pass over the points (a chunk at a time), every text value XML-escaped."""

from __future__ import annotations

import re
from typing import TextIO
from xml.sax.saxutils import escape

from ..timefmt import display_time, duration, export_time
from .base import ExportFormat, Provenance, Scope
from .captures import capture_time
from .mapdata import (CHUNK_POINTS, Counter, Stretch, alt_m, map_content, points_of,
                      stretches)

# Google Earth grows slow and may refuse files with more points than this; the file is
# still written whole (nothing is left out) and the user is told.
COMFORTABLE_POINTS = 300_000
# A coverage gap is drawn as this many pieces, every other one shown: a dashed line (KML
# has no dash style).
GAP_PIECES = 21

# Characters XML 1.0 cannot hold at all (control characters, lone surrogates, U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value) -> str:
    """Text as XML element or attribute content: escaped, characters XML cannot carry
    replaced by U+FFFD."""
    return escape(_NOT_XML.sub("\ufffd", str(value)), {'"': "&quot;", "'": "&apos;"})


def _element(name: str, value) -> str:
    return "" if value is None or value == "" else f"<{name}>{xml_text(value)}</{name}>"


def _extended_data(values: dict) -> str:
    data = "".join(f'<Data name="{xml_text(k)}"><value>{xml_text(v)}</value></Data>'
                   for k, v in values.items() if v is not None and v != "")
    return f"<ExtendedData>{data}</ExtendedData>" if data else ""


def _time_span(start_t: float | None, end_t: float | None) -> str:
    begin = export_time(start_t) if start_t is not None else None
    end = export_time(end_t) if end_t is not None else None
    return f"<TimeSpan>{_element('begin', begin)}{_element('end', end)}</TimeSpan>"


STYLES = (
    '<Style id="flight"><LineStyle><color>ff1478ff</color><width>3</width></LineStyle></Style>'
    '<Style id="gap"><LineStyle><color>ff9e9e9e</color><width>2</width></LineStyle></Style>'
    '<Style id="airport"><IconStyle><color>ffffaa00</color></IconStyle></Style>'
    '<Style id="place"><IconStyle><color>ff00d4ff</color></IconStyle></Style>'
)


def write_kml(case, scope: Scope, provenance: Provenance, out_path, progress=None,
              cancelled=None) -> dict:
    """Write the scope's flights, gaps, airports and places as KML 2.2 (with the gx
    extension) to ``out_path``; the counts by kind, and a note when the file holds more
    points than Google Earth handles comfortably."""
    content = map_content(case, scope, progress, cancelled)
    flights, step, reduced = content.flights, content.step, content.reduced
    counter, airports, places = content.counter, content.airports, content.places
    gaps_drawn = 0
    description = provenance.line() + (f". Tracks {reduced}." if reduced else "")
    with open(out_path, "w", encoding="utf-8", newline="\n") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                  '<kml xmlns="http://www.opengis.net/kml/2.2" '
                  'xmlns:gx="http://www.google.com/kml/ext/2.2">\n<Document>'
                  f"{_element('name', provenance.case_title)}<open>1</open>"
                  f"{_element('description', description)}{STYLES}"
                  f"{_extended_data({**provenance.as_dict(), 'reduced': reduced})}\n")
        out.write("<Folder><name>Flights</name>\n")
        all_gaps = []
        for flight in flights:
            parts, cuts = stretches(case, flight)
            _flight(out, case, flight, parts, counter, step)
            all_gaps += [(flight, gap) for gap in cuts]
        out.write("</Folder>\n<Folder><name>Coverage gaps</name>\n")
        for flight, gap in all_gaps:
            out.write(_gap(flight, gap))
            gaps_drawn += 1
        out.write("</Folder>\n<Folder><name>Airports</name>\n")
        for airport in airports:
            out.write(_point_placemark(
                "airport", airport.code, f"{airport.name}, {airport.municipality} "
                f"({airport.iso_country})", airport.lat, airport.lon, None,
                {"icao": airport.icao_code, "iata": airport.iata_code}))
        out.write("</Folder>\n<Folder><name>Photo places</name>\n")
        for place in places:
            when = capture_time(place)
            out.write(_point_placemark(
                "place", place["name"], _place_text(place), place["geo_lat"], place["geo_lon"],
                when, {"capture_id": place["uuid"], "source_id": place["source_uuid"],
                       "title": place["title"], "taken_utc": place["taken_utc"]}))
        out.write("</Folder>\n</Document>\n</kml>\n")
    counts = {"flights": len(flights), "points": counter.written, "gaps": gaps_drawn,
              "airports": len(airports), "places": len(places), "notes": []}
    if reduced:
        counts["notes"].append(f"Tracks {reduced}: {counter.written:,} points written.")
    if counter.written > COMFORTABLE_POINTS:
        counts["notes"].append(
            f"{counter.written:,} points: Google Earth may be slow or refuse files beyond "
            f"about {COMFORTABLE_POINTS:,} points. Nothing was left out; export fewer flights "
            "(--aircraft, --from/--to) or ask for fewer points (--max-points).")
    return counts


def _flight_name(flight: dict) -> str:
    route = f"{flight['origin'] or '?'} → {flight['destination'] or '?'}"
    return f"{flight['aircraft']} {route} {display_time(flight['first_t'], seconds=False)}"


def _flight_text(flight: dict) -> str:
    return (f"{flight['aircraft']}: from {flight['origin'] or 'an unknown place'} "
            f"({flight['origin_name'] or '?'}) to {flight['destination'] or 'an unknown place'} "
            f"({flight['destination_name'] or '?'}), {display_time(flight['first_t'])} to "
            f"{display_time(flight['last_t'])}, {duration(flight['duration_s'])}; "
            f"{flight['point_count']} positions, {flight['gap_count']} coverage gaps (dashed). "
            "Altitudes are the reported ones in metres above sea level (absolute); positions "
            "without an altitude are drawn on the ground (clampToGround).")


def _flight(out: TextIO, case, flight: dict, parts: list[Stretch], counter: Counter,
            step: int) -> None:
    out.write(f'<Placemark id="flight-{xml_text(flight["uuid"])}">'
              f"{_element('name', _flight_name(flight))}"
              f"{_element('description', _flight_text(flight))}"
              f"{_time_span(flight['first_t'], flight['last_t'])}<styleUrl>#flight</styleUrl>"
              + _extended_data({"flight_id": flight["uuid"], "aircraft": flight["aircraft"],
                                "hex": flight["hex"], "registration": flight["registration"],
                                "callsigns": flight["callsigns"]})
              + "<gx:MultiTrack><altitudeMode>absolute</altitudeMode>"
              "<gx:interpolate>0</gx:interpolate>\n")
    for stretch in parts:
        _stretch_tracks(out, case, flight, stretch, counter, step)
    out.write("</gx:MultiTrack></Placemark>\n")


def _stretch_tracks(out: TextIO, case, flight: dict, stretch: Stretch, counter: Counter,
                    step: int) -> None:
    """A covered stretch as gx:Track elements of at most ``CHUNK_POINTS`` points: a new one
    where altitudes start or stop being known (the mode changes) or the chunk is full (the
    next track starts at the same point, so the line stays whole)."""
    chunk: list[tuple] = []
    known = None
    for read, rows in points_of(case, flight, stretch, step):
        for row in rows:
            has_alt = row[3] is not None
            if chunk and (has_alt != known or len(chunk) >= CHUNK_POINTS):
                _track(out, chunk, known)
                chunk = [chunk[-1]] if has_alt == known else []
            known = has_alt
            chunk.append(row)
        counter.add(read, len(rows))
    if chunk:
        _track(out, chunk, known)


def _track(out: TextIO, points: list[tuple], with_alt: bool) -> None:
    out.write("<gx:Track><altitudeMode>"
              + ("absolute" if with_alt else "clampToGround") + "</altitudeMode>")
    out.write("".join(f"<when>{export_time(p[0])}</when>" for p in points))
    if with_alt:
        out.write("".join(f"<gx:coord>{p[2]!r} {p[1]!r} {round(alt_m(p[3]), 2)!r}</gx:coord>"
                          for p in points))
    else:
        out.write("".join(f"<gx:coord>{p[2]!r} {p[1]!r} 0</gx:coord>" for p in points))
    out.write("</gx:Track>\n")


def _gap(flight: dict, gap: dict) -> str:
    text = (f"{flight['aircraft']}: no position received for {duration(gap['duration_s'])}, "
            f"from {display_time(gap['start_t'])} to {display_time(gap['end_t'])}"
            + (f" ({gap['distance_km']:.0f} km)" if gap["distance_km"] is not None else "")
            + ". The dashes join the last position before the gap to the first after it; "
              "they are not a track.")
    geometry = ""
    if None not in (gap["start_lat"], gap["start_lon"], gap["end_lat"], gap["end_lon"]):
        dashes = "".join(
            "<LineString><tessellate>1</tessellate><coordinates>"
            + " ".join(f"{lon!r},{lat!r}" for lat, lon in dash) + "</coordinates></LineString>"
            for dash in dashes_between(gap["start_lat"], gap["start_lon"], gap["end_lat"],
                                       gap["end_lon"]))
        geometry = f"<MultiGeometry>{dashes}</MultiGeometry>"
    return (f'<Placemark id="gap-{xml_text(gap["uuid"])}"><name>Coverage gap</name>'
            f"{_element('description', text)}{_time_span(gap['start_t'], gap['end_t'])}"
            f"<styleUrl>#gap</styleUrl>"
            + _extended_data({"flight_id": flight["uuid"]}) + geometry + "</Placemark>\n")


def dashes_between(lat1: float, lon1: float, lat2: float, lon2: float,
                   pieces: int = GAP_PIECES) -> list[list[tuple[float, float]]]:
    """The drawn pieces of a dashed line between two positions (degrees), each a list of
    (lat, lon): the line the short way round (across the antimeridian when that is
    shorter), longitudes kept within [-180, 180]."""
    d_lon = lon2 - lon1
    if d_lon > 180:
        d_lon -= 360
    elif d_lon < -180:
        d_lon += 360

    def at(f: float) -> tuple[float, float]:
        lon = lon1 + d_lon * f
        return round(lat1 + (lat2 - lat1) * f, 6), round((lon + 180) % 360 - 180, 6)

    return [[at(i / pieces), at((i + 1) / pieces)] for i in range(0, pieces, 2)]


def _place_text(place: dict) -> str:
    parts = [place["title"], place["document_kind"],
             f"taken {display_time(place['taken_utc'])}" if place["taken_utc"] else None,
             f"captured {display_time(place['captured_utc'])}"]
    return "; ".join(p for p in parts if p)


def _point_placemark(style: str, name, text, lat: float, lon: float, when: float | None,
                     extra: dict) -> str:
    stamp = f"<TimeStamp><when>{export_time(when)}</when></TimeStamp>" if when is not None \
        else ""
    return (f"<Placemark>{_element('name', name)}{_element('description', text)}{stamp}"
            f"<styleUrl>#{style}</styleUrl>{_extended_data(extra)}"
            f"<Point><coordinates>{lon!r},{lat!r}</coordinates></Point></Placemark>\n")


FORMAT = ExportFormat("kml", "kml", "KML for Google Earth (tracks, gaps, airports, places)",
                      write_kml, reduces_points=True)
