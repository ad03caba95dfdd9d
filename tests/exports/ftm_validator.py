"""A FollowTheMoney validator for the tests, reading the trimmed copy of the FtM 4.11.2
model beside it (``ftm_model.json``), on its own: not the app's reading of the model.

It refuses an unknown or abstract schema, a property the schema and its ancestors do not
have, a missing required property (the schema's and its ancestors'), a value that is not
of the property's type, an entity reference to an id the file lacks or of the wrong
schema, and unsorted values or lines (the same case must give the same bytes)."""

from __future__ import annotations

import json
import re
from pathlib import Path

MODEL = json.loads((Path(__file__).with_name("ftm_model.json")).read_text())["schemata"]

TYPE_PATTERNS = {
    "date": re.compile(r"\d{4}(-\d{2}(-\d{2}(T\d{2}(:\d{2}(:\d{2})?)?)?)?)?"),
    "checksum": re.compile(r"[0-9a-f]{40}"),          # FtM's checksums are SHA-1
    "country": re.compile(r"[a-z]{2}(-[a-z0-9]+)?"),
    "url": re.compile(r"https?://\S+"),
    "mimetype": re.compile(r"[\w.+-]+/[\w.+-]+"),
    "number": re.compile(r"-?\d+(\.\d+)?"),
}


def ancestry(name: str) -> list[str]:
    seen, pending = [], [name]
    while pending:
        current = pending.pop(0)
        if current not in seen:
            seen.append(current)
            pending += MODEL[current]["extends"]
    return seen


def properties(name: str) -> dict:
    found = {}
    for ancestor in ancestry(name):
        for prop, spec in MODEL[ancestor]["properties"].items():
            found.setdefault(prop, spec)
    return found


def required(name: str) -> set[str]:
    return {p for ancestor in ancestry(name) for p in MODEL[ancestor]["required"]}


class Invalid(AssertionError):
    pass


def validate_lines(text: str) -> list[dict]:
    """The entities of an FtM JSON lines text; Invalid naming the line and the fault."""
    entities = []
    for n, line in enumerate(text.splitlines(), 1):
        entity = json.loads(line)
        if set(entity) != {"id", "schema", "properties"}:
            raise Invalid(f"line {n}: keys {sorted(entity)}")
        schema = entity["schema"]
        if schema not in MODEL or MODEL[schema]["abstract"]:
            raise Invalid(f"line {n}: unknown or abstract schema {schema!r}")
        allowed = properties(schema)
        for prop, values in entity["properties"].items():
            if prop not in allowed:
                raise Invalid(f"line {n}: {schema} has no property {prop!r}")
            if not values or values != sorted(values) or not all(isinstance(v, str) and v
                                                                  for v in values):
                raise Invalid(f"line {n}: {prop} values not sorted non-empty strings")
            pattern = TYPE_PATTERNS.get(allowed[prop]["type"])
            for value in values:
                if pattern is not None and not pattern.fullmatch(value):
                    raise Invalid(f"line {n}: {prop} {value!r} is not a "
                                  f"{allowed[prop]['type']}")
        missing = required(schema) - set(entity["properties"])
        if missing:
            raise Invalid(f"line {n}: {schema} lacks required {sorted(missing)}")
        entities.append(entity)
    ids = [e["id"] for e in entities]
    if ids != sorted(ids) or len(set(ids)) != len(ids):
        raise Invalid("lines not ordered by unique id")
    by_id = {e["id"]: e for e in entities}
    for entity in entities:
        for prop, values in entity["properties"].items():
            spec = properties(entity["schema"])[prop]
            if spec["type"] != "entity":
                continue
            for value in values:
                target = by_id.get(value)
                if target is None:
                    raise Invalid(f"{entity['id']} {prop} names {value}, not in the file")
                if spec["range"] and spec["range"] not in ancestry(target["schema"]):
                    raise Invalid(f"{entity['id']} {prop} must be a {spec['range']}, "
                                  f"{value} is a {target['schema']}")
    return entities
