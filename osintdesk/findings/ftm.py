"""The FollowTheMoney data model the case's entities and links use: schema and property
names, inheritance, edges (a trimmed copy of FtM 4.11 in resources/ftm/model.json).

Entities keep FtM's shape (a schema and property values as lists), so exporting them to
Aleph or OpenSanctions tooling later is a plain mapping; what FtM has no property for (an
ICAO 24-bit address, an airport's codes) is kept apart, in our own fields.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from ..errors import InputError
from ..paths import resource

# Schemata an investigator may create by hand (abstract and document schemata are not; an
# FtM Event is not either: events are the case's own records, `osintdesk event add`).
ENTITY_SCHEMATA = ("Person", "Organization", "Company", "PublicBody", "LegalEntity", "Airplane",
                   "Vehicle", "Address")
LINK_SCHEMATA = ("Ownership", "Directorship", "Membership", "Employment", "Representation",
                 "Associate", "Family", "UnknownLink")


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    range: str | None
    schema: str          # the schema that defines it


@dataclass(frozen=True)
class Schema:
    name: str
    extends: tuple[str, ...]
    abstract: bool
    edge: dict | None
    required: tuple[str, ...]
    caption: tuple[str, ...]

    def ancestry(self) -> tuple[str, ...]:
        """This schema and every schema it extends, nearest first."""
        seen: list[str] = []
        pending = [self.name]
        while pending:
            name = pending.pop(0)
            if name not in seen:
                seen.append(name)
                pending.extend(schema(name).extends)
        return tuple(seen)

    def is_a(self, other: str) -> bool:
        return other in self.ancestry()

    def properties(self) -> dict[str, Property]:
        """Every property of the schema, inherited ones included (the nearest definition wins)."""
        return _properties(self.name)


@lru_cache(maxsize=1)
def _model() -> dict:
    with open(resource("ftm", "model.json"), encoding="utf-8") as handle:
        return json.load(handle)["schemata"]


@lru_cache(maxsize=None)
def schema(name: str) -> Schema:
    """The named schema; InputError listing the schemata a user may give when unknown."""
    data = _model().get(name)
    if data is None:
        raise InputError(f"unknown schema '{name}' (use one of: "
                         f"{', '.join(ENTITY_SCHEMATA + LINK_SCHEMATA)})")
    return Schema(name, tuple(data["extends"]), bool(data["abstract"]), data["edge"],
                  tuple(data["required"]), tuple(data["caption"]))


@lru_cache(maxsize=None)
def _properties(name: str) -> dict[str, Property]:
    found: dict[str, Property] = {}
    for ancestor in schema(name).ancestry():
        for prop, spec in _model()[ancestor]["properties"].items():
            if prop not in found and not spec.get("deprecated"):
                found[prop] = Property(prop, spec["type"], spec.get("range"), ancestor)
    return found


def entity_schema(name: str) -> Schema:
    """A schema an entity may have (not a link, not abstract)."""
    if name.strip().lower() == "event":
        raise InputError("an event is not added as an entity: `osintdesk event add` (the Events "
                         "page) records it with its time, place and who was involved")
    found = schema(_canonical(name, ENTITY_SCHEMATA))
    if found.abstract or found.edge or found.name not in ENTITY_SCHEMATA:
        raise InputError(f"'{name}' is not an entity schema (use one of: {', '.join(ENTITY_SCHEMATA)})")
    return found


def link_schema(name: str) -> Schema:
    """A link (FtM edge) schema: Ownership, Membership, ... or UnknownLink."""
    found = schema(_canonical(name, LINK_SCHEMATA))
    if not found.edge:
        raise InputError(f"'{name}' is not a link type (use one of: {', '.join(LINK_SCHEMATA)})")
    return found


def _canonical(name: str, names: tuple[str, ...]) -> str:
    """Accept ``company`` for ``Company``: schema names are compared without case."""
    for candidate in names:
        if candidate.lower() == name.strip().lower():
            return candidate
    return name.strip()


def property_of(found: Schema, name: str) -> Property:
    """The named property of the schema; InputError naming the schema otherwise."""
    prop = found.properties().get(name)
    if prop is None:
        raise InputError(f"{found.name} has no property '{name}' (FollowTheMoney names, such as "
                         f"{', '.join(sorted(found.properties())[:8])}, ...)")
    return prop


def caption(schema_name: str, properties: dict[str, list[str]]) -> str:
    """What to call an entity: the first caption property with a value (FtM's rule)."""
    for prop in schema(schema_name).caption or ("name",):
        values = properties.get(prop)
        if values:
            return values[0]
    for values in properties.values():
        if values:
            return values[0]
    return schema_name
