"""GeoJSON (RFC 7946) for QGIS and geojson.io: each flight a Feature whose MultiLineString
holds one line per covered stretch (a coverage gap is never drawn; the gaps are listed in
the properties), lines cut at the antimeridian as RFC 7946 section 3.1.9 advises; the
airports and the photo places as Points. Positions are [longitude, latitude] in WGS 84
degrees, with the altitude in metres as a third number where it is known; no ``crs``
member. The provenance is a foreign member ``osintdesk`` of the FeatureCollection.
Written in one pass over the points, a chunk at a time."""

from __future__ import annotations

import json
from typing import TextIO

from ..timefmt import export_time, record_duration, record_time_or_none
from .base import ExportFormat, Provenance, Scope
from .captures import capture_time
from .mapdata import Counter, alt_m, map_content, points_of, stretches


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False)


def _position(lon: float, lat: float, alt: float | None) -> str:
    if alt is None:
        return f"[{lon!r},{lat!r}]"
    return f"[{lon!r},{lat!r},{round(alt, 2)!r}]"


class _Lines:
    """The coordinates of a MultiLineString, written as they come: a line is opened at its
    second position (RFC 7946: a LineString has two or more), and a position left alone in
    its line is kept aside (``lonely``) for a MultiPoint, never dropped."""

    def __init__(self, out: TextIO):
        self.out, self.lines, self.count, self.first = out, 0, 0, ""
        self.lonely: list[str] = []

    def add(self, position: str) -> None:
        if self.count == 0:
            self.first = position
        elif self.count == 1:
            self.out.write(("," if self.lines else "") + "[" + self.first + "," + position)
            self.lines += 1
        else:
            self.out.write("," + position)
        self.count += 1

    def end(self) -> None:
        if self.count == 1:
            self.lonely.append(self.first)
        elif self.count > 1:
            self.out.write("]")
        self.count = 0


def antimeridian_crossing(lon1: float, lon2: float) -> float | None:
    """Where the short way from one position to the next crosses the antimeridian, as a
    fraction of the way (0 to 1, linear in longitude), or None when it does not cross."""
    if abs(lon2 - lon1) <= 180:
        return None
    edge = 180.0 if lon1 > 0 else -180.0
    lon2_unwrapped = lon2 + 360 if lon1 > 0 else lon2 - 360
    return (edge - lon1) / (lon2_unwrapped - lon1)


def write_geojson(case, scope: Scope, provenance: Provenance, out_path, progress=None,
                  cancelled=None) -> dict:
    """Write the scope's flights, airports and places as an RFC 7946 FeatureCollection to
    ``out_path``; the counts by kind."""
    content = map_content(case, scope, progress, cancelled)
    flights, step, reduced = content.flights, content.step, content.reduced
    counter, airports, places = content.counter, content.airports, content.places
    features = crossings = 0
    about = {**provenance.as_dict(), "description": provenance.line()}
    if reduced:
        about["reduced"] = f"Tracks {reduced}"
    with open(out_path, "w", encoding="utf-8", newline="\n") as out:
        out.write('{"type":"FeatureCollection","osintdesk":' + _json(about)
                  + ',"features":[\n')
        for flight in flights:
            crossings += _flight(out, case, flight, counter, step, first=features == 0)
            features += 1
        for airport in airports:
            _point_feature(out, airport.lat, airport.lon, None, {
                "kind": "airport", "code": airport.code, "name": airport.name,
                "icao": airport.icao_code or None, "iata": airport.iata_code or None,
                "municipality": airport.municipality, "country": airport.iso_country},
                first=features == 0)
            features += 1
        for place in places:
            when = capture_time(place)
            _point_feature(out, place["geo_lat"], place["geo_lon"], place["geo_alt_m"], {
                "kind": "place", "name": place["name"], "title": place["title"],
                "document_kind": place["document_kind"], "taken_utc": place["taken_utc"],
                "captured_utc": place["captured_utc"], "capture_id": place["uuid"],
                "source_id": place["source_uuid"],
                "time": export_time(when) if when is not None else None},
                first=features == 0)
            features += 1
        out.write("\n]}\n")
    counts = {"flights": len(flights), "points": counter.written, "airports": len(airports),
              "places": len(places), "notes": []}
    if reduced:
        counts["notes"].append(f"Tracks {reduced}: {counter.written:,} points written.")
    if crossings:
        counts["notes"].append(f"{crossings} antimeridian crossings: lines are cut there, at "
                               "a point interpolated between the two positions either side")
    return counts


def _flight_properties(flight: dict, cuts: list[dict]) -> dict:
    return {
        "kind": "flight", "flight_id": flight["uuid"], "aircraft": flight["aircraft"],
        "aircraft_id": flight["aircraft_uuid"], "hex": flight["hex"],
        "registration": flight["registration"], "type_code": flight["type_code"],
        "callsigns": flight["callsigns"], "origin": flight["origin"],
        "origin_name": flight["origin_name"], "destination": flight["destination"],
        "destination_name": flight["destination_name"],
        "departure_utc": flight["departure_utc"], "arrival_utc": flight["arrival_utc"],
        "duration": flight["duration"], "points": flight["point_count"],
        "altitude_unit": "m",
        "coverage_gaps": [{"from_utc": record_time_or_none(g["start_t"]),
                           "to_utc": record_time_or_none(g["end_t"]),
                           "duration": record_duration(g["duration_s"]),
                           "distance_km": g["distance_km"]} for g in cuts],
    }


def _flight(out: TextIO, case, flight: dict, counter: Counter, step: int, *,
            first: bool) -> int:
    """One flight's Feature (and a MultiPoint Feature for positions left alone in their
    line); the antimeridian crossings drawn."""
    parts, cuts = stretches(case, flight)
    out.write(("" if first else ",\n") + '{"type":"Feature","id":' + _json(flight["uuid"])
              + ',"properties":' + _json(_flight_properties(flight, cuts))
              + ',"geometry":{"type":"MultiLineString","coordinates":[')
    lines, crossings = _Lines(out), 0
    for stretch in parts:
        previous = None
        for read, rows in points_of(case, flight, stretch, step):
            for _t, lat, lon, alt_ft in rows:
                alt = alt_m(alt_ft)
                if previous is not None:
                    f = antimeridian_crossing(previous[1], lon)
                    if f is not None:
                        lat_c = previous[0] + f * (lat - previous[0])
                        alt_c = None if alt is None or previous[2] is None \
                            else previous[2] + f * (alt - previous[2])
                        edge = 180.0 if previous[1] > 0 else -180.0
                        lines.add(_position(edge, lat_c, alt_c))
                        lines.end()
                        lines.add(_position(-edge, lat_c, alt_c))
                        crossings += 1
                lines.add(_position(lon, lat, alt))
                previous = (lat, lon, alt)
            counter.add(read, len(rows))
        lines.end()
    out.write("]}}")
    if lines.lonely:
        out.write(',\n{"type":"Feature","properties":' + _json({
            "kind": "flight-positions", "flight_id": flight["uuid"],
            "note": "positions of this flight alone in their covered stretch, so on no "
                    "line"}) + ',"geometry":{"type":"MultiPoint","coordinates":['
            + ",".join(lines.lonely) + "]}}")
    return crossings


def _point_feature(out: TextIO, lat: float, lon: float, alt: float | None, properties: dict,
                   *, first: bool) -> None:
    out.write(("" if first else ",\n") + '{"type":"Feature","properties":'
              + _json(properties) + ',"geometry":{"type":"Point","coordinates":'
              + _position(lon, lat, alt) + "}}")


FORMAT = ExportFormat("geojson", "geojson", "GeoJSON for QGIS and geojson.io (RFC 7946)",
                      write_geojson, reduces_points=True)
