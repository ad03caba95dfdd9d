"""Who an aircraft is: the country (and military flag) of an ICAO 24-bit address, the country
of a registration (civil and state, e.g. Russia's ``RF-``), and the manufacturer and model
behind an ICAO type designator. Finding registrations in free text is ``identifiers``'s job.

Tables are the CC0 Virtual Radar Server standing data in ``resources/reference/``, loaded
once on first use.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from ..paths import resource


@dataclass(frozen=True)
class AddressCountry:
    """The ICAO address block an address falls in (the smallest block that contains it)."""

    iso2: str            # "ZZ" = unknown or unassigned
    country: str
    military: bool
    block_start: str     # hex, lower-case
    block_end: str


@dataclass(frozen=True)
class RegistrationCountry:
    registration: str    # as written in the standard form, e.g. "RA-86496"
    prefix: str          # "RA"
    iso2: str
    country: str


@dataclass(frozen=True)
class AircraftType:
    designator: str      # ICAO type designator, e.g. "IL76"
    manufacturer: str
    model: str
    engines: str
    engine_type: str     # E/J/P/R/T: electric/jet/piston/rocket/turboprop
    species: str         # A/G/H/L/S/T: amphibian/gyrocopter/helicopter/landplane/seaplane/tilt-wing
    wake: str            # H, M, L, L/M, M/H
    active: bool

    @property
    def name(self) -> str:
        return f"{self.manufacturer} {self.model}".strip()


def _reader(filename: str):
    with open(resource("reference", filename), encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


# --------------------------------------------------------------------------- countries


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO 3166 alpha-2 code -> country name (VRS list; ``ZZ`` = unknown or unassigned)."""
    return {row["ISO"]: row["Name"] for row in _reader("vrs_countries.csv")}


# --------------------------------------------------------------------------- ICAO addresses


@lru_cache(maxsize=1)
def _address_blocks() -> list[tuple[int, dict[int, AddressCountry]]]:
    """Blocks grouped by significant bitmask, smallest blocks (most significant bits) first."""
    names = country_names()
    by_mask: dict[int, dict[int, AddressCountry]] = {}
    sizes: dict[int, int] = {}
    for row in _reader("icao24_code_blocks.csv"):
        mask = int(row["SignificantBitmask"], 16)
        sizes[mask] = int(row["Count"])
        by_mask.setdefault(mask, {})[int(row["Bitmask"], 16)] = AddressCountry(
            iso2=row["CountryISO2"], country=names.get(row["CountryISO2"], row["CountryISO2"]),
            military=row["IsMilitary"] == "1",
            block_start=row["Start"].lower(), block_end=row["Finish"].lower())
    return [(mask, by_mask[mask]) for mask in sorted(by_mask, key=lambda m: sizes[m])]


def address_country(hex_code: str | None) -> AddressCountry | None:
    """Country and military flag of an ICAO 24-bit address (``"155abc"`` -> Russia).

    None for a missing or non-ICAO (``~``) address. Blocks overlap; the smallest block
    containing the address wins, as the table's notes require.
    """
    if not hex_code or hex_code.startswith("~"):
        return None
    try:
        address = int(hex_code.removeprefix("0x"), 16)
    except ValueError:
        return None
    if not 0 <= address <= 0xFFFFFF:
        return None
    for mask, blocks in _address_blocks():
        block = blocks.get(address & mask)
        if block is not None:
            return block
    return None


# --------------------------------------------------------------------------- registrations


@dataclass(frozen=True)
class PrefixRule:
    """One row of the registration-prefix table, its patterns compiled for Python."""

    prefix: str
    iso2: str
    has_hyphen: bool
    full: re.Pattern
    no_hyphen: re.Pattern
    template: str


def _python_regex(dotnet: str) -> str:
    """VRS patterns use .NET named groups ``(?<code>...)``; Python needs ``(?P<code>...)``."""
    return dotnet.replace("(?<", "(?P<").replace("(?P<=", "(?<=").replace("(?P<!", "(?<!")


@lru_cache(maxsize=1)
def prefix_rules() -> list[PrefixRule]:
    """Every registration rule, longest prefix first (loaded once)."""
    rules = []
    for row in _reader("registration_prefixes.csv"):
        rules.append(PrefixRule(
            prefix=row["Prefix"], iso2=row["CountryISO2"], has_hyphen=row["HasHyphen"] == "1",
            full=re.compile(_python_regex(row["DecodeFullRegex"])),
            no_hyphen=re.compile(_python_regex(row["DecodeNoHyphenRegex"])),
            template=row["FormatTemplate"]))
    # Longest prefix first: "RA" before "R", "VQ-B" rules before a bare "V".
    rules.sort(key=lambda rule: -len(rule.prefix))
    return rules


@lru_cache(maxsize=1)
def _rules_by_prefix() -> dict[str, tuple[PrefixRule, ...]]:
    rules: dict[str, list[PrefixRule]] = {}
    for rule in prefix_rules():
        rules.setdefault(rule.prefix, []).append(rule)
    return {prefix: tuple(items) for prefix, items in rules.items()}


def registration_matches(token: str) -> Iterator[tuple[PrefixRule, str, str]]:
    """Every rule a whole upper-case token matches, longest prefix first, as (rule, code,
    standard form): a hyphenated token against its prefix's with-hyphen patterns, a bare one
    against the patterns written without the hyphen (so ``B-HKA`` cannot pass as ``B`` +
    ``-HKA``). The one matcher: ``registration_country`` takes the first, the finder in
    ``identifiers`` the first that is plausible in free text."""
    rules = _rules_by_prefix()
    head, hyphen, _ = token.partition("-")
    if hyphen:
        candidates = [(rule, rule.full) for rule in rules.get(head, ()) if rule.has_hyphen]
    else:
        longest = min(max(map(len, rules)), len(token) - 1)
        candidates = [(rule, rule.no_hyphen if rule.has_hyphen else rule.full)
                      for length in range(longest, 0, -1) for rule in rules.get(token[:length], ())]
    for rule, pattern in candidates:
        match = pattern.fullmatch(token)
        if match:
            code = match.group("code")
            yield rule, code, rule.template.replace("{code}", code)


def registration_country(registration: str | None) -> RegistrationCountry | None:
    """Country of a registration, civil or state: ``RA-86496`` and ``RF-12345`` -> Russia,
    ``P-632`` -> North Korea. Accepts the form with or without the hyphen; case-insensitive.
    None when no prefix rule matches the whole registration."""
    if not registration:
        return None
    for rule, _code, standard in registration_matches(registration.strip().upper()):
        return RegistrationCountry(registration=standard, prefix=rule.prefix, iso2=rule.iso2,
                                   country=country_names().get(rule.iso2, rule.iso2))
    return None


# --------------------------------------------------------------------------- aircraft types


@lru_cache(maxsize=1)
def all_aircraft_types() -> tuple[AircraftType, ...]:
    """Every row of the aircraft-type table, in the table's order (loaded once)."""
    return tuple(
        AircraftType(designator=row["ICAO"], manufacturer=row["Manufacturer"],
                     model=row["Model"], engines=row["Engines"],
                     engine_type=row["EngineTypeCode"], species=row["SpeciesCode"],
                     wake=row["WakeTurbulenceCode"], active=row["IsActive"] == "1")
        for row in _reader("aircraft_types.csv"))


@lru_cache(maxsize=1)
def _types() -> dict[str, list[AircraftType]]:
    table: dict[str, list[AircraftType]] = {}
    for entry in all_aircraft_types():
        table.setdefault(entry.designator.upper(), []).append(entry)
    return table


def aircraft_types(designator: str | None) -> list[AircraftType]:
    """Every manufacturer/model row for an ICAO type designator (``IL76`` has several)."""
    if not designator:
        return []
    return list(_types().get(designator.strip().upper(), []))


def describe_type(designator: str | None) -> str | None:
    """A one-line name for a type designator: ``IL62`` -> ``Ilyushin Il-62``; several
    models under one designator are joined with `` / `` (active ones first)."""
    rows = aircraft_types(designator)
    if not rows:
        return None
    rows.sort(key=lambda row: not row.active)
    names = list(dict.fromkeys(row.name for row in rows))
    return " / ".join(names)
