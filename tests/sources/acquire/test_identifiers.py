"""acquire/identifiers.py on written samples: aviation identifiers and dates together, the hits we
expect and none of the look-alikes (the aviation kinds alone: tests/flights/test_identifiers.py)."""

from __future__ import annotations

import pytest

from osintdesk.flights.identifiers import find_aviation_identifiers
from osintdesk.sources.acquire.identifiers import find_identifiers

from tests.support import source_samples as samples


def found(text: str) -> set[tuple[str, str]]:
    return {(hit.kind, hit.value) for hit in find_identifiers(text)}


def test_story_hits_with_positions():
    text = samples.STORY_TEXT
    hits = find_identifiers(text)

    for hit in hits:
        assert text[hit.start:hit.end] == hit.text
    assert [(h.start, h.end) for h in hits] == sorted((h.start, h.end) for h in hits)
    expected = {
        ("aircraft_type", "IL62"),       # Il-62M and IL62
        ("registration", "RA-86496"),
        ("date", "2023-09-12"),          # 12 September 2023
        ("airport_iata", "VKO"),         # Moscow Vnukovo (VKO)
        ("airport_iata", "FNJ"),         # Pyongyang Sunan International Airport (FNJ)
        ("icao24", "155ABC"),
        ("callsign", "RSD062"), ("callsign", "RSD063"),
        ("date", "2023-09-14"),          # 14.09.2023
        ("airport_icao", "UUWW"), ("airport_icao", "ZKPY"),
        ("aircraft_type", "T204"),       # Tu-204-300 and Tu-214
        ("registration", "P-632"), ("registration", "P-885"),
        ("registration", "RF-64519"),
        ("date", "2023-09-10"),          # September 10, 2023
        ("aircraft_type", "A124"),       # An-124
        ("aircraft_type", "B738"),       # Boeing 737-800
    }
    assert found(text) == expected

    registration = next(h for h in hits if h.value == "RA-86496")
    assert text.index("RA-86496") == registration.start and registration.details["country_iso2"] == "RU"
    hexcode = next(h for h in hits if h.kind == "icao24")
    assert dict(hexcode.details) == {"country_iso2": "RU", "military": "False"}
    sunan = next(h for h in hits if h.value == "FNJ")
    assert sunan.details["icao"] == "ZKPY" and sunan.details["country_iso2"] == "KP"
    il62 = [h for h in hits if h.value == "IL62"]
    assert [h.text for h in il62] == ["Il-62M", "Il-62M", "IL62"]


def test_look_alikes_are_not_hits():
    assert find_identifiers(samples.NON_HITS_TEXT) == []


@pytest.mark.parametrize("text", [
    "IT-WORKS", "CAN-DO", "THE", "The CIA (Central Intelligence Agency)", "USA-CAN", "B-SIDE", "C-SPAN",
    "HP-UX", "N95", "COVID-19", "G-20 summit", "S-400 battery", "T-90 tank", "flight of stairs",
    "hex wrench 12", "flight 2023", "the year 1999", "ABCDEF", "ISO 9001", "A4 paper", "page 747",
])
def test_single_look_alikes(text):
    assert find_identifiers(text) == [], text


@pytest.mark.parametrize("text, expected", [
    ("2023-09-12", ("date", "2023-09-12")),
    ("Sept. 12, 2023", ("date", "2023-09-12")),
    ("12th of September 2023", ("date", "2023-09-12")),
    ("12 сентября 2023 г.", ("date", "2023-09-12")),
    ("25/12/2023", ("date", "2023-12-25")),
])
def test_single_date_hits(text, expected):
    assert expected in found(text)


def test_ambiguous_slash_date_keeps_both_readings():
    (hit,) = find_identifiers("on 04/03/2023")
    assert hit.value == "04/03/2023" and hit.details["ambiguous"] == "2023-03-04 or 2023-04-03"


def test_aviation_hits_are_those_of_the_flight_package():
    text = samples.STORY_TEXT
    aviation = {(h.kind, h.start, h.value) for h in find_aviation_identifiers(text)}
    assert {(h.kind, h.start, h.value) for h in find_identifiers(text) if h.kind != "date"} == aviation
