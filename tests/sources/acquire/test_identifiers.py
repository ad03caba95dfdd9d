"""capture/identifiers.py on written samples: the hits we expect, and none of the look-alikes."""

from __future__ import annotations

import pytest

from osintdesk.sources.acquire.identifiers import (Selector, find_identifiers, icao24_allocation, match_selectors)
from osintdesk.errors import InputError

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
    ("2023-09-12", ("date", "2023-09-12")),
    ("Sept. 12, 2023", ("date", "2023-09-12")),
    ("12th of September 2023", ("date", "2023-09-12")),
    ("12 сентября 2023 г.", ("date", "2023-09-12")),
    ("25/12/2023", ("date", "2023-12-25")),
])
def test_single_hits(text, expected):
    assert expected in found(text)


def test_ambiguous_slash_date_keeps_both_readings():
    (hit,) = find_identifiers("on 04/03/2023")
    assert hit.value == "04/03/2023" and hit.details["ambiguous"] == "2023-03-04 or 2023-04-03"


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


def test_selectors_words_and_patterns():
    text = "Sunan and SUNAN, not Sunanville. Tail RA\u201186496; RA-86497."
    hits = match_selectors(text, ["Sunan", Selector("reg", r"RA-8649\d", is_regex=True),
                                  Selector("exact", "SUNAN", case_sensitive=True)])
    assert [(h.selector, h.text) for h in hits] == [
        ("Sunan", "Sunan"), ("Sunan", "SUNAN"), ("exact", "SUNAN"),
        ("reg", "RA\u201186496"), ("reg", "RA-86497")]
    assert all(text[h.start:h.end] == h.text for h in hits)


@pytest.mark.parametrize("selector, words", [
    (Selector("broken", "RA-(8649", is_regex=True), "selector 'broken': not a valid regular expression"),
    (Selector("blank", "   "), "selector 'blank': the selector is empty"),
])
def test_bad_selectors_are_named(selector, words):
    with pytest.raises(InputError) as caught:
        match_selectors("text", [selector])
    assert str(caught.value).startswith(words)


def test_empty_regex_matches_are_skipped():
    assert match_selectors("abc", [Selector("empty", "x*", is_regex=True)]) == []
