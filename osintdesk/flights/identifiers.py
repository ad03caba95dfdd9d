"""Aviation identifiers in free text, found with the flight reference tables they are checked
against: aircraft registrations (the registration-prefix table), ICAO 24-bit addresses (the
address blocks), callsigns, ICAO and IATA airport codes (the airports table) and aircraft type
names and designators (the aircraft-type table). Every hit keeps its (start, end) offsets in
the text it was found in, so the viewer can highlight it.

False positives are the enemy: an article that "names" aircraft IT-WORKS would connect to
nothing real and waste an investigator's time. So a candidate that could easily be an
ordinary word or number is only accepted with aviation context nearby (a keyword such as
"aircraft" or "flight", or another unambiguous identifier), and some kinds are only looked
for right after the words that introduce them ("hex 155ABC", "callsign RSD062").

``find_aviation_identifiers`` gives the hits alone; ``sources.acquire.identifiers`` adds the
generic kinds (dates) through ``aviation_candidates`` and ``without_overlaps``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Mapping

from .airports import Airport, lookup
from .identity import (AircraftType, PrefixRule, address_country, all_aircraft_types, country_names,
                       registration_matches)

REGISTRATION = "registration"
ICAO24 = "icao24"
CALLSIGN = "callsign"
AIRPORT_ICAO = "airport_icao"
AIRPORT_IATA = "airport_iata"
AIRCRAFT_TYPE = "aircraft_type"
KINDS = (REGISTRATION, ICAO24, CALLSIGN, AIRPORT_ICAO, AIRPORT_IATA, AIRCRAFT_TYPE)
# When two hits overlap, the longer wins; on a tie, the earlier kind in this list.
PRIORITY = (AIRCRAFT_TYPE, REGISTRATION, CALLSIGN, ICAO24, AIRPORT_ICAO, AIRPORT_IATA)

CONTEXT_WINDOW_CHARS = 100
# Dash look-alikes become "-" one character for one, so offsets stay those of the input.
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"})


def plain_dashes(text: str) -> str:
    """``text`` with every dash look-alike (non-breaking hyphen, en dash, minus...) as "-";
    one character for one, so offsets in the result are offsets in ``text``."""
    return text.translate(_DASHES)


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


@lru_cache(maxsize=4096)
def icao24_allocation(address: int) -> tuple[str, bool] | None:
    """(country ISO2, military) of the smallest block holding a 24-bit address."""
    block = address_country(f"{address:06x}")
    return (block.iso2, block.military) if block else None


_GENERIC_NAME_WORDS = frozenset("""international airport airfield aerodrome regional municipal county
    national field base airbase station naval army force military city memorial intl executive
    metropolitan general heliport aeroporto aeropuerto aeroport flughafen""".split())
_ICAO_CODE = re.compile(r"[A-Z]{4}")


@lru_cache(maxsize=None)
def _name_words(airport: Airport) -> frozenset[str]:
    """The distinctive words of an airport's name and town ("sunan", "pyongyang")."""
    words = set()
    for text in (airport.name, airport.municipality):
        for word in re.findall(r"[^\W\d_]{4,}", text.lower()):
            if word not in _GENERIC_NAME_WORDS:
                words.add(word)
    return frozenset(words)


def _icao_codes(airport: Airport) -> list[str]:
    """The ``icao_code``, ``gps_code`` and ``ident`` columns that are four letters (535 rows
    have no ``icao_code``)."""
    return [c for c in (airport.icao_code, airport.gps_code, airport.ident) if _ICAO_CODE.fullmatch(c)]


def _model_key(letters: str, digits: str) -> str:
    return letters.upper() + digits


@lru_cache(maxsize=1)
def _type_tables() -> tuple[Mapping[str, AircraftType], Mapping[str, AircraftType], Mapping[str, AircraftType]]:
    """(by designator, by model key such as "TU214", by Boeing model such as "737-800").

    Active rows win over inactive ones; the first row of a designator names it.
    """
    by_designator: dict[str, AircraftType] = {}
    by_model: dict[str, AircraftType] = {}
    by_boeing: dict[str, AircraftType] = {}
    for row in sorted(all_aircraft_types(), key=lambda r: not r.active):
        if row.designator.startswith("-"):
            continue  # VRS pseudo-types (ground vehicles, towers)
        by_designator.setdefault(row.designator, row)
        model = re.match(r"([A-Za-z]{1,4})-(\d{1,4})(?![\d])", row.model)
        if model:
            by_model.setdefault(_model_key(*model.groups()), row)
        if row.manufacturer == "Boeing" and re.match(r"7[0-8]7\b", row.model):
            by_boeing.setdefault(_boeing_key(row.model), row)
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


def find_aviation_identifiers(text: str) -> list[IdentifierHit]:
    """The aviation identifiers in ``text``, ordered by position, no two overlapping."""
    hits = without_overlaps(aviation_candidates(plain_dashes(text)), PRIORITY)
    return [with_original_text(hit, text) for hit in hits]


def aviation_candidates(norm: str) -> list[IdentifierHit]:
    """Every aviation identifier in ``norm`` (text with :func:`plain_dashes`) that stands on its
    own or has aviation context near it. Hits may still overlap (see :func:`without_overlaps`)."""
    strong: list[IdentifierHit] = []
    weak: list[IdentifierHit] = []
    for finder in (_find_icao24, _find_callsigns, _find_types, _find_registrations, _find_airports):
        for hit, needs_context in finder(norm):
            (weak if needs_context else strong).append(hit)
    aviation = _Anchors([m.span() for m in _CONTEXT_WORDS.finditer(norm)]
                        + [(h.start, h.end) for h in strong])
    airport = _Anchors([m.span() for m in _AIRPORT_CONTEXT_WORDS.finditer(norm)]
                       + [(h.start, h.end) for h in strong if h.kind in _AIRPORT_KINDS])
    return strong + [h for h in weak if (airport if h.kind in _AIRPORT_KINDS else aviation).near(h)]


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


def without_overlaps(hits: Iterable[IdentifierHit], priority: Iterable[str]) -> list[IdentifierHit]:
    """Keep the longest hit where hits overlap; on a tie, the kind earlier in ``priority``.
    The result is ordered by position."""
    rank = {kind: index for index, kind in enumerate(priority)}
    ordered = sorted(hits, key=lambda h: (-(h.end - h.start), rank[h.kind], h.start))
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


def with_original_text(hit: IdentifierHit, text: str) -> IdentifierHit:
    """The hit found in ``plain_dashes(text)`` with its ``text`` as written in ``text``."""
    return IdentifierHit(hit.kind, hit.start, hit.end, text[hit.start:hit.end], hit.value, hit.details)


def make_hit(kind: str, match_or_span, norm: str, value: str, **details) -> IdentifierHit:
    """An :class:`IdentifierHit` for a regex match or a (start, end) span in ``norm``."""
    start, end = match_or_span if isinstance(match_or_span, tuple) else match_or_span.span()
    return IdentifierHit(kind, start, end, norm[start:end], value, {k: str(v) for k, v in details.items()})


# ----------------------------------------------------------------------------- registrations

_REG_TOKEN = re.compile(r"(?<![A-Za-z0-9-])([A-Z0-9]{1,10})(?:-([A-Z0-9]{1,7}))?(?![A-Za-z0-9]|-[A-Za-z0-9])")
_US_N_NUMBER = re.compile(r"N[1-9](?:\d{2,4}|\d{1,3}[A-HJ-NP-Z]|\d{0,2}[A-HJ-NP-Z]{2})")  # N123, N1AB; not N95
# Table-valid registrations that are everyday words or product names.
_WORDLIKE_REGISTRATIONS = frozenset({
    "B-SIDE", "B-BALL", "B-LIST", "C-SPAN", "C-BAND", "C-RING", "D-RING", "D-DAYS", "F-BOMB", "G-SPOT",
    "G-FORCE", "I-BEAM", "I-WAYS", "M-PESA", "HP-UX", "OK-LET", "SE-ASIA", "PH-ONE"})


@dataclass(frozen=True)
class RegistrationMatch:
    """A registration found in free text, checked against the registration-prefix table."""

    text: str            # exactly as it appears in the text
    start: int           # character offsets in the text
    end: int
    registration: str    # standard form ("RA-86496")
    prefix: str
    iso2: str
    country: str
    certain: bool        # False: it could be an ordinary word or number without aviation context


def find_registrations(text: str) -> list[RegistrationMatch]:
    """Registrations in free text, each with the country its prefix rule gives.

    Only upper-case tokens count, matched by ``identity.registration_matches``. A token
    without a hyphen must hold digits and letters (``NATO``, ``GABON``, ``12345`` are not
    registrations); hyphen-less spellings of hyphenated registrations need a code of five or
    more (``SU100`` is a flight number). ``certain`` is False for forms that read like words
    or numbers (``G-EUPT``, ``P-632``, ``N123AB``, ``RA86496``): the identifier finder keeps
    those only with aviation context. Dash look-alikes are not undone here (see
    :func:`plain_dashes`).
    """
    names = country_names()
    found = []
    for match in _REG_TOKEN.finditer(text):
        token = match.group(0)
        hyphenated = match.group(2) is not None
        if token in _WORDLIKE_REGISTRATIONS or not (hyphenated or _mixes_letters_and_digits(token)):
            continue
        plausible = (m for m in registration_matches(token) if hyphenated or _plausible_bare(token, *m))
        rule, code, value = next(plausible, (None, None, None))
        if rule is None:
            continue
        found.append(RegistrationMatch(text=token, start=match.start(), end=match.end(), registration=value,
                                       prefix=rule.prefix, iso2=rule.iso2,
                                       country=names.get(rule.iso2, rule.iso2),
                                       certain=_certain(rule, code, hyphenated)))
    return found


def _find_registrations(norm: str):
    for match in find_registrations(norm):
        yield (make_hit(REGISTRATION, (match.start, match.end), norm, match.registration,
                        country_iso2=match.iso2, prefix=match.prefix), not match.certain)


def _mixes_letters_and_digits(token: str) -> bool:
    """"GREAT" or "12345": never a registration without a hyphen."""
    return any(c.isdigit() for c in token) and any(c.isalpha() for c in token)


def _plausible_bare(token: str, rule: PrefixRule, code: str, _value: str) -> bool:
    """Whether a match of a token written without a hyphen can be a registration in text."""
    if rule.prefix == "N" and not _US_N_NUMBER.fullmatch(token):
        return False   # N95, N2O
    # "SU100", "BA123": flight numbers, not RA86496-style hyphen-less registrations.
    return not rule.has_hyphen or len(code) >= 5


def _certain(rule: PrefixRule, code: str, hyphenated: bool) -> bool:
    """Whether the registration stands on its own in text, without aviation context."""
    if hyphenated:
        # A two-plus-letter prefix and a code with a digit (RA-86496, RF-12345). One-letter
        # prefixes and all-letter codes read like words (B-SIDE, C-SPAN).
        return len(rule.prefix) >= 2 and len(code) >= 3 and any(c.isdigit() for c in code)
    # Countries that write no hyphen (HL7712, JA8089) are certain with 3+ digits; the US "N"
    # and hyphen-less spellings of hyphenated ones (RA86496) need context.
    return not rule.has_hyphen and len(rule.prefix) >= 2 and sum(c.isdigit() for c in code) >= 3


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
            yield make_hit(ICAO24, (start, end), norm, value, **details), False


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
            yield make_hit(CALLSIGN, (start, end), norm, value, operator_designator=value[:3]), False


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
        yield make_hit(AIRCRAFT_TYPE, match, norm, kind.designator, **details), not strong


def _resolve_type(match) -> tuple[AircraftType, bool] | None:
    """(type, whether it is unambiguous) for a token such as Il-62M, IL62, Tu-214, A320neo, B38M."""
    by_designator, by_model, _ = _type_tables()
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
    _, _, by_boeing = _type_tables()
    for match in _BOEING.finditer(norm):
        maker, family, variant, max_word, max_number = match.group("maker", "family", "variant", "max", "maxn")
        if not (maker or variant or max_word):
            continue  # a bare "747" is a number, not an aircraft
        model = f"{family} MAX {max_number}" if max_word else (f"{family}-{variant}" if variant else family)
        kind = by_boeing.get(_boeing_key(model))
        value = kind.designator if kind else f"Boeing {model}"
        yield make_hit(AIRCRAFT_TYPE, match, norm, value, manufacturer="Boeing", model=model), False


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
    """(kind, airport) for a four-letter ICAO code or a three-letter IATA code, or None."""
    airport = lookup(code)
    if airport is None:
        return None
    if len(code) == 4 and code in _icao_codes(airport):
        return AIRPORT_ICAO, airport
    if len(code) == 3 and code == airport.iata_code:
        return AIRPORT_IATA, airport
    return None


def _airport_hit(norm, span, found):
    kind, airport = found
    codes = _icao_codes(airport)
    return make_hit(kind, span, norm, norm[span[0]:span[1]], name=airport.name,
                    country_iso2=airport.iso_country, icao=codes[0] if codes else "", iata=airport.iata_code)


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


def _names_airport(before: str, airport: Airport) -> bool:
    """Whether the text right before "(XXX)" is that airport's name: "Vnukovo (VKO)"."""
    if _ENDS_WITH_AIRPORT_WORD.search(before):
        return True
    last_words = re.findall(r"[^\W\d_]{4,}", before.lower())[-_NAME_WORDS_BEFORE:]
    return bool(set(last_words) & _name_words(airport))
