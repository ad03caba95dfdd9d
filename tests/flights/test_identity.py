"""Aircraft identity: ICAO address blocks, registration prefixes, type codes."""

import pytest

from osintdesk.flights import identity


@pytest.mark.parametrize("hex_code, iso2, military", [
    ("155abc", "RU", False),
    ("72000f", "KP", False),      # block 720000-727FFF
    ("43c001", "GB", True),       # military block inside the UK allocation
    ("adf7c9", "US", True),
    ("400000", "GB", True),       # a 64-address military block at the start of it
    ("400040", "KY", False),      # Cayman Islands block inside the UK allocation
    ("8467d8", "JP", False),
    ("0x155ABC", "RU", False),
])
def test_address_country_uses_the_smallest_block(hex_code, iso2, military):
    block = identity.address_country(hex_code)
    assert (block.iso2, block.military) == (iso2, military)
    assert block.country


def test_address_country_edges():
    assert identity.address_country("~abc123") is None  # non-ICAO address
    assert identity.address_country(None) is None
    assert identity.address_country("zzzzzz") is None
    assert identity.address_country("000001").iso2 == "ZZ"  # only the catch-all block


@pytest.mark.parametrize("registration, iso2, standard", [
    ("RA-86496", "RU", "RA-86496"),
    ("ra86496", "RU", "RA-86496"),
    ("RF-12345", "RU", "RF-12345"),   # state registration
    ("P-632", "KP", "P-632"),
    ("EW-001PA", "BY", "EW-001PA"),
    ("B-1234", "CN", "B-1234"),
    ("B-HKA", "HK", "B-HKA"),         # same prefix, another country by pattern
    ("N12345", "US", "N12345"),
    ("HL7777", "KR", "HL7777"),
    ("F-OMAB", "MQ", "F-OMAB"),
    ("VQ-BAB", "BM", "VQ-BAB"),
])
def test_registration_country(registration, iso2, standard):
    found = identity.registration_country(registration)
    assert (found.iso2, found.registration) == (iso2, standard)


def test_unknown_registrations():
    assert identity.registration_country("XX-ABC") is None
    assert identity.registration_country("") is None
    assert identity.registration_country("B-") is None


@pytest.mark.parametrize("code, expected", [
    ("IL62", "Ilyushin Il-62"),
    ("il62", "Ilyushin Il-62"),
    ("XXXX", None),
    (None, None),
])
def test_describe_type(code, expected):
    assert identity.describe_type(code) == expected


def test_a_designator_with_several_models():
    models = identity.aircraft_types("IL76")
    assert len(models) > 1 and {m.manufacturer for m in models} == {"Ilyushin"}
    assert identity.describe_type("IL76").startswith("Ilyushin Il-76")
