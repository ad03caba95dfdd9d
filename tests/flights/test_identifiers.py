"""flights/identifiers.py: aviation identifiers in free text, checked against the reference
tables; one registration finder for free text."""

from __future__ import annotations

import pytest

from osintdesk.flights import airports, identity
from osintdesk.flights.identifiers import find_aviation_identifiers, find_registrations, icao24_allocation


def found(text: str) -> set[tuple[str, str]]:
    return {(hit.kind, hit.value) for hit in find_aviation_identifiers(text)}


def test_find_registrations_in_free_text():
    text = ("On 2 January the Il-62 RA-86496 and the state aircraft RF-12345 met N123AB at Sunan; "
            "NATO and GABON are words, IL62 is a type, 2024-01-02 is a date; P-632 left.")
    matches = find_registrations(text)
    assert [(m.text, m.iso2, m.certain) for m in matches] == [
        ("RA-86496", "RU", True), ("RF-12345", "RU", True), ("N123AB", "US", False), ("P-632", "KP", False)]
    first = matches[0]
    assert text[first.start:first.end] == "RA-86496" and first.country == "Russia"


def test_registrations_are_found_by_one_finder():
    text = "The aircraft RA86496 (no hyphen) and B-SIDE and SU100 and HL7712"
    assert [(m.registration, m.certain) for m in find_registrations(text)] == [
        ("RA-86496", False), ("HL7712", True)]
    assert [(h.value, h.start) for h in find_aviation_identifiers(text) if h.kind == "registration"] == [
        (m.registration, m.start) for m in find_registrations(text)]


def test_the_finder_and_registration_country_share_one_matcher():
    text = ("RA-86496 RF-12345 N123AB P-632 HL7712 RA86496 B-1234 B-HKA VQ-BAB EW-001PA "
            "F-OMAB G-EUPT JA8089 UP-I7601")
    matches = find_registrations(text)
    assert len(matches) == 14
    for match in matches:
        country = identity.registration_country(match.text)
        assert (country.registration, country.iso2, country.prefix) == \
            (match.registration, match.iso2, match.prefix)


def test_airport_codes_come_from_the_airports_index():
    text = "The flight departed UUWW for Pyongyang Sunan (FNJ); route VKO-FNJ, IATA: SVO"
    hits = [h for h in find_aviation_identifiers(text) if h.kind in ("airport_icao", "airport_iata")]
    assert [h.value for h in hits] == ["UUWW", "FNJ", "VKO", "FNJ", "SVO"]
    for hit in hits:
        assert airports.lookup(hit.value).name == hit.details["name"]


@pytest.mark.parametrize("text, expected", [
    ("The aircraft RA-86496 landed.", ("registration", "RA-86496")),
    ("RF-12345", ("registration", "RF-12345")),
    ("EW-001PA", ("registration", "EW-001PA")),
    ("UP-I7601", ("registration", "UP-I7601")),
    ("Korean Air HL7712", ("registration", "HL7712")),
    ("British Airways A320 G-EUPT", ("registration", "G-EUPT")),        # one-letter prefix: needs context
    ("the jet N123AB", ("registration", "N123AB")),
    ("the aircraft RA86496 without its hyphen", ("registration", "RA-86496")),
    ("VP-BAB arrived at the airport", ("registration", "VP-BAB")),
    ("RA\u201186496 with a non-breaking hyphen", ("registration", "RA-86496")),
    ("ICAO24: 72000f", ("icao24", "72000F")),
    ("transponder address 43C001", ("icao24", "43C001")),
    ("call sign RFF7075", ("callsign", "RFF7075")),
    ("flight AFL123 to Sochi", ("callsign", "AFL123")),
    ("IATA: SVO", ("airport_iata", "SVO")),
    ("SVO/UUEE", ("airport_icao", "UUEE")),
    ("ZKPY airport", ("airport_icao", "ZKPY")),
    ("the plane departed UUEE at dawn", ("airport_icao", "UUEE")),
    ("Il-76MD", ("aircraft_type", "IL76")),
    ("TU-154", ("aircraft_type", "T154")),
    ("MiG-29", ("aircraft_type", "MG29")),
    ("A320neo", ("aircraft_type", "A20N")),
    ("B38M", ("aircraft_type", "B38M")),
    ("EC-135", ("aircraft_type", "EC35")),
    ("Boeing 777-300ER", ("aircraft_type", "B77W")),
    ("F-16 fighter jets", ("aircraft_type", "F16")),
])
def test_single_hits(text, expected):
    assert expected in found(text)


def test_context_is_needed_for_ambiguous_forms():
    assert found("The G-EUPT group met.") == set()
    assert found("P-885 is a part number.") == set()
    assert ("registration", "P-885") in found("Air Koryo's Il-62M P-885")
    assert found("F-16 is a form.") == set()
    assert found("USA-CAN talks") == set() and ("airport_iata", "VKO") in found("the flight VKO-FNJ")
    assert found("The aircraft ate a LIME.") == set() and ("airport_icao", "LIME") in found("it landed at LIME")


def test_icao24_allocation_table():
    assert icao24_allocation(0x155ABC) == ("RU", False)
    assert icao24_allocation(0x72000F) == ("KP", False)
    assert icao24_allocation(0x43C001) == ("GB", True)
    assert icao24_allocation(0xADF7C9) == ("US", True)
