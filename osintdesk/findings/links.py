"""Links between entities: FtM's Ownership, Directorship, Membership, Employment,
Representation, Associate, Family, or an UnknownLink with a role (an aircraft's operator),
each with start and end dates (dates: a year, a month or a day) and the citations that back it."""

from __future__ import annotations

from ..errors import InputError
from ..store import Case
from ..timefmt import check_order, parse_partial_date
from . import ftm
from .citations import add_citation
from .entities import reference, with_article
from .queries import get_entity

# Words an investigator uses for a link FtM calls otherwise: (schema, role).
LINK_WORDS = {"operator": ("UnknownLink", "operator"), "operates": ("UnknownLink", "operator"),
              "linked": ("UnknownLink", None), "owner": ("Ownership", None),
              "member": ("Membership", None), "employee": ("Employment", None)}


def add_link(case: Case, from_id: str, to_id: str, link_type: str, *, role: str | None = None,
             start: str | None = None, end: str | None = None, cite: list[str] = ()) -> dict:
    """A link from one entity to another (an airport code names its place, made when
    needed), checked against the FtM edge's ends (an owner is
    a legal entity, an asset is an asset...). Returns the link record."""
    schema_name, default_role = LINK_WORDS.get(link_type.strip().lower(), (link_type, None))
    schema = ftm.link_schema(schema_name)
    first = parse_partial_date(start, "--start") if start else None
    last = parse_partial_date(end, "--end") if end else None
    if first and last:
        check_order(first, last, start, end)
    with case.transaction():   # an airport's place is made here: gone again if refused
        source = get_entity(case, reference(case, from_id))
        target = get_entity(case, reference(case, to_id))
        for end_name, entity in (("source", source), ("target", target)):
            prop = ftm.property_of(schema, schema.edge[end_name])
            if prop.range and not ftm.schema(entity.schema).is_a(prop.range):
                raise InputError(f"{with_article(schema.name)} link's {prop.name} must be "
                                 f"{with_article(prop.range)}, and '{entity.caption}' is "
                                 f"{with_article(entity.schema)}")
        link = case.insert_record("link", {"schema": schema.name, "source_uuid": source.id,
                                           "target_uuid": target.id, "role": role or default_role,
                                           "start_date": first.text if first else None,
                                           "end_date": last.text if last else None})
        for target_ref in cite:
            add_citation(case, "link", link["uuid"], target_ref)
    return link
