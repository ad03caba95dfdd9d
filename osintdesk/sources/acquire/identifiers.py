"""Finding aviation identifiers and the investigator's own selectors in text.

Kinds: aircraft registrations (checked against the registration-prefix table), ICAO 24-bit
addresses, callsigns, ICAO and IATA airport codes (checked against the airports table),
aircraft type names and designators, and dates. Every hit keeps its (start, end) offsets in
the text it was found in, so the viewer can highlight it.

False positives are the enemy: an article that "names" aircraft IT-WORKS would connect to
nothing real and waste an investigator's time. So a candidate that could easily be an
ordinary word or number is only accepted with aviation context nearby (a keyword such as
"aircraft" or "flight", or another unambiguous identifier), and some kinds are only looked
for right after the words that introduce them ("hex 155ABC", "callsign RSD062").

The reference tables (registration prefixes, address blocks, airports, aircraft types) are
the flight package's, loaded once: one answer to "which country is this" across the app.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Iterable, Mapping

from ...errors import InputError
from ...flights.airports import all_airports
from ...flights.identity import PrefixRule, address_country, all_aircraft_types, prefix_rules

REGISTRATION = "registration"
ICAO24 = "icao24"
CALLSIGN = "callsign"
AIRPORT_ICAO = "airport_icao"
AIRPORT_IATA = "airport_iata"
AIRCRAFT_TYPE = "aircraft_type"
DATE = "date"
KINDS = (REGISTRATION, ICAO24, CALLSIGN, AIRPORT_ICAO, AIRPORT_IATA, AIRCRAFT_TYPE, DATE)
# When two hits overlap, the longer wins; on a tie, the earlier kind in this list.
_PRIORITY = {kind: rank for rank, kind in enumerate(
    (DATE, AIRCRAFT_TYPE, REGISTRATION, CALLSIGN, ICAO24, AIRPORT_ICAO, AIRPORT_IATA))}

CONTEXT_WINDOW_CHARS = 100
# Dash look-alikes become "-" one character for one, so offsets stay those of the input.
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"})


@dataclass(frozen=True)
class IdentifierHit:
    """One identifier found in a text. ``text == source_text[start:end]``.

    ``value`` is the canonical form ("RA-86496", "155ABC", "RSD062", "UUEE", "FNJ", "IL62",
    "2023-09-12"); ``details`` holds what the tables say about it (country, airport name...).
    """

    kind: str
    start: int
    end: int
    text: str
    value: str
    details: Mapping[str, str] = field(default_factory=dict, hash=False, compare=True)


# ============================================================================= reference tables


@dataclass(frozen=True)
class AirportNames:
    """An airport as a text may name it: its codes and the words of its name."""

    ident: str
    name: str
    municipality: str
    country_iso2: str
    icao: str
    iata: str
    name_words: frozenset[str]


@dataclass(frozen=True)
class AircraftType:
    designator: str
    manufacturer: str
    model: str


@lru_cache(maxsize=1)
def registration_rules() -> Mapping[str, tuple[PrefixRule, ...]]:
    """Registration rules by prefix (the flight package's table, grouped)."""
    rules: dict[str, list[PrefixRule]] = {}
    for rule in prefix_rules():
        rules.setdefault(rule.prefix, []).append(rule)
    return {prefix: tuple(items) for prefix, items in rules.items()}


@lru_cache(maxsize=4096)
def icao24_allocation(address: int) -> tuple[str, bool] | None:
    """(country ISO2, military) of the smallest block holding a 24-bit address."""
    block = address_country(f"{address:06x}")
    return (block.iso2, block.military) if block else None


_GENERIC_NAME_WORDS = frozenset("""international airport airfield aerodrome regional municipal county
    national field base airbase station naval army force military city memorial intl executive
    metropolitan general heliport aeroporto aeropuerto aeroport flughafen""".split())


def _name_words(*texts: str) -> frozenset[str]:
    words = set()
    for text in texts:
        for word in re.findall(r"[^\W\d_]{4,}", text.lower()):
            if word not in _GENERIC_NAME_WORDS:
                words.add(word)
    return frozenset(words)


@lru_cache(maxsize=1)
def airports() -> tuple[Mapping[str, AirportNames], Mapping[str, AirportNames]]:
    """(by ICAO code, by IATA code), from the flight package's airports table.

    ICAO codes are the ``icao_code``, ``gps_code`` and ``ident`` columns when they are four
    letters (535 rows have no ``icao_code``).
    """
    by_icao: dict[str, AirportNames] = {}
    by_iata: dict[str, AirportNames] = {}
    for row in all_airports():
        codes = [c for c in (row.icao_code, row.gps_code, row.ident) if re.fullmatch(r"[A-Z]{4}", c)]
        airport = AirportNames(ident=row.ident, name=row.name, municipality=row.municipality,
                               country_iso2=row.iso_country, icao=codes[0] if codes else "",
                               iata=row.iata_code,
                               name_words=_name_words(row.name, row.municipality))
        for code in codes:
            by_icao.setdefault(code, airport)
        if re.fullmatch(r"[A-Z]{3}", row.iata_code):
            by_iata.setdefault(row.iata_code, airport)
    return by_icao, by_iata


def _model_key(letters: str, digits: str) -> str:
    return letters.upper() + digits


@lru_cache(maxsize=1)
def aircraft_types() -> tuple[Mapping[str, AircraftType], Mapping[str, AircraftType], Mapping[str, AircraftType]]:
    """(by designator, by model key such as "TU214", by Boeing model such as "737-800").

    Active rows win over inactive ones; the first row of a designator names it.
    """
    by_designator: dict[str, AircraftType] = {}
    by_model: dict[str, AircraftType] = {}
    by_boeing: dict[str, AircraftType] = {}
    for row in sorted(all_aircraft_types(), key=lambda r: not r.active):
        if row.designator.startswith("-"):
            continue  # VRS pseudo-types (ground vehicles, towers)
        kind = AircraftType(row.designator, row.manufacturer, row.model)
        by_designator.setdefault(kind.designator, kind)
        model = re.match(r"([A-Za-z]{1,4})-(\d{1,4})(?![\d])", row.model)
        if model:
            by_model.setdefault(_model_key(*model.groups()), kind)
        if row.manufacturer == "Boeing" and re.match(r"7[0-8]7\b", row.model):
            by_boeing.setdefault(_boeing_key(row.model), kind)
    return by_designator, by_model, by_boeing


def _boeing_key(model: str) -> str:
    return re.sub(r"\s+", " ", model.upper()).strip()


# ============================================================================= finding


_CONTEXT_WORDS = re.compile(r"""(?ix)
    (?<![^\W\d_])(?:
      aircraft|air\s?planes?|aeroplanes?|planes?|jets?|airliners?|helicopters?|freighters?
     |registrations?|registered|reg\.?|tail(?:\s+number)?|serial|msn|c/n
     |flights?|flew|flying|landed|landing|departed|departure|arrived|arrival|took\s+off|taxied
     |airlines?|airways|carrier|airports?|airfields?|aerodromes?|air\s?bases?|runways?
     |boeing|airbus|ilyushin|tupolev|antonov|sukhoi|mikoyan|yakovlev|kamov|irkut|embraer|bombardier
     |cessna|gulfstream|dassault|lockheed|beriev|comac|atr|pilatus|beechcraft
     |icao|iata|ads-b|adsb|mode-s|mode\s+s|transponder|squawk|callsigns?|call\s+signs?
     |самол[её]т\w*|борт\w*|рейс\w*|аэропорт\w*|вертол[её]т\w*|авиа\w*
    )(?![^\W\d_])""")


# Words that make a bare four-letter code an airport: "LIME" next to "aircraft" is still fruit.
_AIRPORT_CONTEXT_WORDS = re.compile(r"""(?ix)
    (?<![^\W\d_])(?:airports?|airfields?|aerodromes?|air\s?bases?|runways?|apron|icao|iata
     |flights?|flew|landed|landing|departed|departing|departure|arrived|arriving|arrival|took\s+off
     |diverted|routes?
     |аэропорт\w*)(?![^\W\d_])""")
_AIRPORT_KINDS = (AIRPORT_ICAO, AIRPORT_IATA)


def find_identifiers(text: str) -> list[IdentifierHit]:
    """All identifiers in ``text``, ordered by position, no two overlapping."""
    norm = text.translate(_DASHES)
    strong: list[IdentifierHit] = []
    weak: list[IdentifierHit] = []
    for finder in (_find_dates, _find_icao24, _find_callsigns, _find_types, _find_registrations, _find_airports):
        for hit, needs_context in finder(norm):
            (weak if needs_context else strong).append(hit)
    aviation = _Anchors([m.span() for m in _CONTEXT_WORDS.finditer(norm)]
                        + [(h.start, h.end) for h in strong if h.kind != DATE])
    airport = _Anchors([m.span() for m in _AIRPORT_CONTEXT_WORDS.finditer(norm)]
                       + [(h.start, h.end) for h in strong if h.kind in _AIRPORT_KINDS])
    accepted = strong + [h for h in weak if (airport if h.kind in _AIRPORT_KINDS else aviation).near(h)]
    return [_with_original_text(hit, text) for hit in _without_overlaps(accepted)]


class _Anchors:
    """Spans of context (keywords, unambiguous hits), searchable by position."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = sorted(spans)
        self.starts = [start for start, _ in self.spans]
        self.longest = max((end - start for start, end in self.spans), default=0)

    def near(self, hit: IdentifierHit) -> bool:
        """Whether a span other than the hit itself lies within the context window of it."""
        low, high = hit.start - CONTEXT_WINDOW_CHARS, hit.end + CONTEXT_WINDOW_CHARS
        first = bisect_left(self.starts, low - self.longest)
        last = bisect_left(self.starts, high)
        return any(end > low and not (start >= hit.start and end <= hit.end)
                   for start, end in self.spans[first:last])


def _without_overlaps(hits: list[IdentifierHit]) -> list[IdentifierHit]:
    """Keep the longest hit where hits overlap; on a tie, the kind earlier in _PRIORITY."""
    ordered = sorted(hits, key=lambda h: (-(h.end - h.start), _PRIORITY[h.kind], h.start))
    kept: list[IdentifierHit] = []   # disjoint, sorted by start
    starts: list[int] = []
    for hit in ordered:
        index = bisect_right(starts, hit.start)
        if index > 0 and kept[index - 1].end > hit.start:
            continue
        if index < len(kept) and kept[index].start < hit.end:
            continue
        kept.insert(index, hit)
        starts.insert(index, hit.start)
    return kept


def _with_original_text(hit: IdentifierHit, text: str) -> IdentifierHit:
    return IdentifierHit(hit.kind, hit.start, hit.end, text[hit.start:hit.end], hit.value, hit.details)


def _hit(kind, match_or_span, norm, value, **details) -> IdentifierHit:
    start, end = match_or_span if isinstance(match_or_span, tuple) else match_or_span.span()
    return IdentifierHit(kind, start, end, norm[start:end], value, {k: str(v) for k, v in details.items()})


# ----------------------------------------------------------------------------- registrations

_REG_TOKEN = re.compile(r"(?<![A-Za-z0-9-])([A-Z0-9]{1,10})(?:-([A-Z0-9]{1,7}))?(?![A-Za-z0-9]|-[A-Za-z0-9])")
_US_N_NUMBER = re.compile(r"N[1-9](?:\d{2,4}|\d{1,3}[A-HJ-NP-Z]|\d{0,2}[A-HJ-NP-Z]{2})")  # N123, N1AB; not N95
# Table-valid registrations that are everyday words or product names.
_WORDLIKE_REGISTRATIONS = frozenset({
    "B-SIDE", "B-BALL", "B-LIST", "C-SPAN", "C-BAND", "C-RING", "D-RING", "D-DAYS", "F-BOMB", "G-SPOT",
    "G-FORCE", "I-BEAM", "I-WAYS", "M-PESA", "HP-UX", "OK-LET", "SE-ASIA", "PH-ONE"})


def _find_registrations(norm: str):
    rules = registration_rules()
    for match in _REG_TOKEN.finditer(norm):
        head, code = match.group(1), match.group(2)
        token = match.group(0)
        if code is not None:
            found = _match_hyphenated(rules, head, token)
        else:
            found = _match_unhyphenated(rules, token)
        if found is None:
            continue
        rule, value, certain = found
        if token in _WORDLIKE_REGISTRATIONS:
            continue
        yield _hit(REGISTRATION, match, norm, value, country_iso2=rule.iso2, prefix=rule.prefix), not certain


def _match_hyphenated(rules, prefix: str, token: str):
    for rule in rules.get(prefix, ()):
        matched = rule.full.fullmatch(token) if rule.has_hyphen else None
        if matched:
            code = matched.group("code")
            # Certain: a two-plus-letter prefix and a code with a digit (RA-86496, RF-12345).
            # One-letter prefixes and all-letter codes read like words (B-SIDE, C-SPAN).
            certain = len(rule.prefix) >= 2 and len(code) >= 3 and any(c.isdigit() for c in code)
            return rule, rule.template.format(code=code), certain
    return None


def _match_unhyphenated(rules, token: str):
    if not any(c.isdigit() for c in token) or not any(c.isalpha() for c in token):
        return None  # "GREAT" or "12345": never a registration without a hyphen
    for length in range(min(4, len(token) - 1), 0, -1):
        for rule in rules.get(token[:length], ()):
            pattern = rule.full if not rule.has_hyphen else rule.no_hyphen
            matched = pattern.fullmatch(token)
            if not matched or (rule.prefix == "N" and not _US_N_NUMBER.fullmatch(token)):
                continue
            code = matched.group("code")
            if rule.has_hyphen and len(code) < 5:
                continue  # "SU100", "BA123": flight numbers, not RA86496-style registrations
            digits = sum(c.isdigit() for c in code)
            # Countries that write no hyphen (HL7712, JA8089) are certain with 3+ digits; the
            # US "N" and hyphen-less spellings of hyphenated ones (RA86496) need context.
            certain = not rule.has_hyphen and len(rule.prefix) >= 2 and digits >= 3
            return rule, rule.template.format(code=code), certain
    return None


# ----------------------------------------------------------------------------- ICAO 24-bit addresses

_HEX_INTRO = re.compile(r"""(?ix)
    (?<![^\W_])(?:icao\s*24(?:-bit)?(?:\s+address(?:es)?)?|icao\s+(?:hex|address(?:es)?)(?:\s+codes?)?
     |hex(?:\s+(?:codes?|address(?:es)?|ids?))?|mode[\s-]?s(?:\s+(?:codes?|address(?:es)?|hex))?
     |transponder\s+(?:hex|address|code)|24-bit\s+address(?:es)?)
    \s*(?:[:=#]|is|was)?\s*""")
_HEX = re.compile(r"([0-9A-Fa-f]{6})(?![0-9A-Za-z])")
_LIST_GLUE = re.compile(r"\s*(?:,|/|&|\band\b|\bor\b)\s*", re.IGNORECASE)


def _find_icao24(norm: str):
    for intro in _HEX_INTRO.finditer(norm):
        for start, end in _listed(norm, intro.end(), _HEX):
            value = norm[start:end].upper()
            allocation = icao24_allocation(int(value, 16))
            details = {"country_iso2": allocation[0], "military": allocation[1]} if allocation else {}
            yield _hit(ICAO24, (start, end), norm, value, **details), False


def _listed(norm: str, position: int, item: re.Pattern):
    """Spans of ``item`` at ``position`` and of each further one joined by , / & and or."""
    first = item.match(norm, position)
    while first:
        yield first.span(1)
        glue = _LIST_GLUE.match(norm, first.end())
        first = item.match(norm, glue.end()) if glue else None


# ----------------------------------------------------------------------------- callsigns

_CALLSIGN_INTRO = re.compile(r"""(?ix)
    (?<![^\W_])(?:call[\s-]?signs?|c/s|flights?(?:\s+(?:number|no\.?))?|fl(?:ew|ying|ies)\s+as|operating\s+as
     |позывн\w*|рейс\w*)
    [\s:#"'(«“]*""")
_CALLSIGN = re.compile(r"([A-Z]{3}\d{1,4}[A-Z]{0,2})(?![0-9A-Za-z])")
_NOT_OPERATORS = frozenset({"UTC", "GMT", "MSK", "CET", "EST", "PST", "LOC", "FLT", "NUM"})


def _find_callsigns(norm: str):
    for intro in _CALLSIGN_INTRO.finditer(norm):
        for start, end in _listed(norm, intro.end(), _CALLSIGN):
            value = norm[start:end]
            if value[:3] in _NOT_OPERATORS:
                continue
            yield _hit(CALLSIGN, (start, end), norm, value, operator_designator=value[:3]), False


# ----------------------------------------------------------------------------- aircraft types

_TYPE_TOKEN = re.compile(r"""(?x)
    (?<![A-Za-z0-9-])
    (?P<letters>[A-Z][A-Za-z]{0,3}) (?P<hyphen>-?) (?P<digits>\d{1,4})
    (?P<suffix>[A-Za-z]{0,3}(?:-\d{1,4}[A-Za-z]{0,2})?)
    (?![A-Za-z0-9]|-[A-Za-z0-9])""")
_BOEING = re.compile(r"""(?x)
    (?<![A-Za-z0-9-])(?:(?P<maker>Boeing)\s+)?(?P<family>7[0-8]7)
    (?:-(?P<variant>\d{1,3}[A-Z]{0,2}))?(?:\s+(?P<max>MAX)\s?(?P<maxn>\d{1,2}))?
    (?![A-Za-z0-9]|-[A-Za-z0-9])""")
# Names that the tables share with weapons, vehicles or summits.
_NOT_AIRCRAFT = frozenset({"S200", "S300", "S400", "S500", "T72", "T80", "T90", "M16", "G20", "G7", "V2"})
_NEO = {"A319": "A19N", "A320": "A20N", "A321": "A21N"}


def _find_types(norm: str):
    yield from _find_boeing(norm)
    for match in _TYPE_TOKEN.finditer(norm):
        found = _resolve_type(match)
        if found is None:
            continue
        kind, strong = found
        details = {"manufacturer": kind.manufacturer, "model": kind.model}
        yield _hit(AIRCRAFT_TYPE, match, norm, kind.designator, **details), not strong


def _resolve_type(match) -> tuple[AircraftType, bool] | None:
    """(type, whether it is unambiguous) for a token such as Il-62M, IL62, Tu-214, A320neo, B38M."""
    by_designator, by_model, _ = aircraft_types()
    letters, hyphen, digits, suffix = match.group("letters", "hyphen", "digits", "suffix")
    key = _model_key(letters, digits)
    if len(key) < 3 or key in _NOT_AIRCRAFT:
        return None
    token = match.group(0)
    full_designator = not hyphen and token.isupper() and token != key and token in by_designator
    if full_designator:
        kind = by_designator[token]  # designators with letters after the digits: B38M, DH8D
    elif suffix.lower() == "neo" and key in _NEO:
        kind = by_designator[_NEO[key]]
    else:
        kind = by_designator.get(key) or by_model.get(key)
    if kind is None:
        return None
    strong = (full_designator
              or (hyphen == "-" and len(letters) >= 2 and not letters.isupper())  # Il-62, MiG-29
              or (letters.isupper() and len(letters) >= 2 and len(digits) >= 2)  # IL62, TU-154
              or (len(letters) == 1 and len(digits) >= 3))                       # A320, C-130
    return kind, strong


def _find_boeing(norm: str):
    _, _, by_boeing = aircraft_types()
    for match in _BOEING.finditer(norm):
        maker, family, variant, max_word, max_number = match.group("maker", "family", "variant", "max", "maxn")
        if not (maker or variant or max_word):
            continue  # a bare "747" is a number, not an aircraft
        model = f"{family} MAX {max_number}" if max_word else (f"{family}-{variant}" if variant else family)
        kind = by_boeing.get(_boeing_key(model))
        value = kind.designator if kind else f"Boeing {model}"
        yield _hit(AIRCRAFT_TYPE, match, norm, value, manufacturer="Boeing", model=model), False


# ----------------------------------------------------------------------------- airports

_CODE = r"[A-Z]{3,4}"
_ROUTE = re.compile(rf"(?<![A-Za-z0-9-])({_CODE})\s?(?:-|->|→|>)\s?({_CODE})(?![A-Za-z0-9]|-[A-Za-z0-9])")
_FROM_TO = re.compile(rf"\b[Ff]rom\s+({_CODE})\s+to\s+({_CODE})(?![A-Za-z0-9])")
_IATA_ICAO_PAIR = re.compile(r"(?<![A-Za-z0-9-])([A-Z]{3})\s?/\s?([A-Z]{4})(?![A-Za-z0-9])")
_PARENS = re.compile(rf"\(\s*({_CODE})(?:\s*/\s*({_CODE}))?\s*\)")
# Label words are matched in lower or title case only: in shouted text ("THE AIRPORT AND")
# every word is a candidate code.
_LABELLED = re.compile(rf"""(?x)
    (?:\b(?:IATA|ICAO)(?:\s+code)?|\b[Aa]irport(?:\s+code)?|\b[Aa]irfield|[Аа]эропорт\w*)\s*[:=]?\s*({_CODE})(?![A-Za-z0-9])
    |(?<![A-Za-z0-9-])({_CODE})\s+(?:[Aa]irport|[Aa]irfield|[Aa]ir\s?[Bb]ase)\b""")
_BARE_ICAO = re.compile(r"(?<![A-Za-z0-9-])([A-Z]{4})(?![A-Za-z0-9]|-[A-Za-z0-9])")
_ENDS_WITH_AIRPORT_WORD = re.compile(
    r"(?i)(?:airport|airfield|aerodrome|air\s?base|aeroporto|aeropuerto|flughafen|аэропорт\w*)\W*$")
_NAME_WORDS_BEFORE = 4


def _airport(code: str):
    by_icao, by_iata = airports()
    if len(code) == 4 and code in by_icao:
        return AIRPORT_ICAO, by_icao[code]
    if len(code) == 3 and code in by_iata:
        return AIRPORT_IATA, by_iata[code]
    return None


def _airport_hit(norm, span, found):
    kind, airport = found
    return _hit(kind, span, norm, norm[span[0]:span[1]], name=airport.name,
                country_iso2=airport.country_iso2, icao=airport.icao, iata=airport.iata)


def _find_airports(norm: str):
    """Airport codes. A three-letter IATA code counts only with structure around it: a route,
    a label ("IATA: SVO", "SVO airport"), brackets right after the airport's name, or the
    IATA/ICAO pair of one airport. Four-letter ICAO codes also count with aviation context."""
    yield from _routes(norm)
    for match in _IATA_ICAO_PAIR.finditer(norm):
        iata, icao = _airport(match.group(1)), _airport(match.group(2))
        if iata and icao and iata[1] is icao[1]:
            yield _airport_hit(norm, match.span(1), iata), False
            yield _airport_hit(norm, match.span(2), icao), False
    for match in _LABELLED.finditer(norm):
        group = 1 if match.group(1) else 2
        found = _airport(match.group(group))
        if found:
            yield _airport_hit(norm, match.span(group), found), False
    for match in _PARENS.finditer(norm):
        before = norm[max(0, match.start() - 200):match.start()]
        for group in (1, 2):
            found = _airport(match.group(group)) if match.group(group) else None
            if found and _names_airport(before, found[1]):
                yield _airport_hit(norm, match.span(group), found), False
    for match in _BARE_ICAO.finditer(norm):
        found = _airport(match.group(1))
        if found:
            yield _airport_hit(norm, match.span(1), found), True


def _routes(norm: str):
    """UUWW-ZKPY is certain; VKO-FNJ could be two acronyms (USA-CAN) and needs context."""
    for pattern in (_ROUTE, _FROM_TO):
        for match in pattern.finditer(norm):
            pair = [_airport(match.group(1)), _airport(match.group(2))]
            if all(pair):
                needs_context = any(kind == AIRPORT_IATA for kind, _ in pair)
                for group, found in zip((1, 2), pair):
                    yield _airport_hit(norm, match.span(group), found), needs_context


def _names_airport(before: str, airport: AirportNames) -> bool:
    """Whether the text right before "(XXX)" is that airport's name: "Vnukovo (VKO)"."""
    if _ENDS_WITH_AIRPORT_WORD.search(before):
        return True
    last_words = re.findall(r"[^\W\d_]{4,}", before.lower())[-_NAME_WORDS_BEFORE:]
    return bool(set(last_words) & airport.name_words)


# ----------------------------------------------------------------------------- dates

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7,
    "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
}
_MONTH = "(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_DATE_PATTERNS = (
    ("iso", re.compile(r"(?<![\d-])(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?![\d])")),
    ("day-month-year", re.compile(rf"(?i)(?<![\w]){_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}(?:\s*(?:г\.|года))?(?!\d)")),
    ("month-day-year", re.compile(rf"(?i)(?<![\w]){_MONTH}\s+{_DAY},?\s+{_YEAR}(?!\d)")),
    ("dotted", re.compile(r"(?<![\d.])(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})(?![\d]|\.\d)")),
    ("slashed", re.compile(r"(?<![\d/])(?P<first>\d{1,2})/(?P<second>\d{1,2})/(?P<year>\d{4})(?![\d/])")),
)


def _valid_date(year: int, month: int, day: int) -> date | None:
    if not 1900 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _find_dates(norm: str):
    for style, pattern in _DATE_PATTERNS:
        for match in pattern.finditer(norm):
            year = int(match.group("year"))
            if style == "slashed":
                yield from _slashed_date(norm, match, year)
                continue
            month_text = match.group("month")
            month = int(month_text) if month_text.isdigit() else _MONTHS[month_text.lower()]
            found = _valid_date(year, month, int(match.group("day")))
            if found:
                yield _hit(DATE, match, norm, found.isoformat(), style=style), False


def _slashed_date(norm, match, year):
    """dd/mm/yyyy or mm/dd/yyyy: the value is ISO only when the reading is unambiguous."""
    first, second = int(match.group("first")), int(match.group("second"))
    readings = {d for d in (_valid_date(year, second, first), _valid_date(year, first, second)) if d}
    if len(readings) == 1:
        yield _hit(DATE, match, norm, readings.pop().isoformat(), style="slashed"), False
    elif readings:
        both = " or ".join(sorted(d.isoformat() for d in readings))
        yield _hit(DATE, match, norm, match.group(0), style="slashed", ambiguous=both), False


# ============================================================================= selectors


@dataclass(frozen=True)
class Selector:
    """A word or pattern the investigator watches for.

    A word matches as a whole word (``Sunan`` does not match ``Sunanville``); a regex is a
    Python regular expression. Matching ignores case unless ``case_sensitive``.
    """

    name: str
    pattern: str
    is_regex: bool = False
    case_sensitive: bool = False


@dataclass(frozen=True)
class SelectorHit:
    selector: str   # the selector's name
    start: int
    end: int
    text: str


def compile_selector(selector: Selector) -> re.Pattern:
    """The compiled pattern; :class:`InputError` naming the selector if it is empty or invalid."""
    if not selector.pattern.strip():
        raise InputError("the selector is empty", path=f"selector {selector.name!r}")
    flags = 0 if selector.case_sensitive else re.IGNORECASE
    if not selector.is_regex:
        word = re.escape(selector.pattern.strip().translate(_DASHES))
        return re.compile(rf"(?<!\w){word}(?!\w)", flags)
    try:
        return re.compile(selector.pattern, flags)
    except re.error as error:
        raise InputError(f"not a valid regular expression: {error}", path=f"selector {selector.name!r}") from None


def match_selectors(text: str, selectors: Iterable[Selector | str]) -> list[SelectorHit]:
    """Every match of every selector in ``text``, ordered by position.

    Plain strings are taken as words named after themselves. Empty matches are skipped.
    Dash look-alikes in the text match "-" in a selector.
    """
    norm = text.translate(_DASHES)
    hits = []
    for selector in selectors:
        if isinstance(selector, str):
            selector = Selector(name=selector, pattern=selector)
        for match in compile_selector(selector).finditer(norm):
            if match.end() > match.start():
                hits.append(SelectorHit(selector.name, match.start(), match.end(), text[match.start():match.end()]))
    return sorted(hits, key=lambda h: (h.start, h.end, h.selector))
