"""Command-line commands for findings: entity, link, event and claim (add, list, show,
delete...), entity suggestions, and tie (a source tied by hand to what it is about)."""

from __future__ import annotations

import sys

import click

from .main import (Context, case_argument, cli, json_option, open_case, open_for_reading,
                   pass_context, print_json, print_table)
from ..errors import Cancelled, InputError
from ..findings.vocab import CHECKS, CONFIDENCES, STATUSES
from ..words import counted


def _short(uuid: str | None) -> str:
    return (uuid or "")[:8]


def _props(values: tuple[str, ...]) -> list[tuple[str, str]]:
    from ..findings.entities import parse_props
    return parse_props(values)


prop_option = click.option("--prop", "props", multiple=True, metavar="KEY=VALUE",
                           help="A FollowTheMoney property (repeat for more), e.g. "
                                "--prop country=ru --prop model=Il-62M.")
cite_option = click.option("--cite", multiple=True, metavar="ID",
                           help="Cite a record as evidence (any id or unique prefix: a source, "
                                "capture, flight, ground stay, event, entity, claim; repeatable).")
reason_option = click.option("--reason", metavar="TEXT", help="Why (kept in the audit log).")
yes_option = click.option("--yes", is_flag=True,
                          help="Delete even when other records cite it (they lose the reference).")


# ----------------------------------------------------------------------------- deletion


def _delete(ctx: Context, case: str, kind: str, typed: str, yes: bool, reason: str | None,
            as_json: bool) -> None:
    """Delete a finding; when something cites it, list what and ask (on a terminal) or
    refuse unless --yes (otherwise)."""
    from ..findings.delete import delete_finding, plan_deletion
    with open_case(ctx, case) as opened:
        plan = plan_deletion(opened, kind, typed)
        if plan.blocked:
            raise InputError(plan.blocked)
        if plan.cited_by and not yes:
            listing = [f"  {_cited_by_line(c)}" for c in plan.cited_by]
            if sys.stdin.isatty():
                click.echo(f"{plan.label} is cited by:")
                click.echo("\n".join(listing))
                if not click.confirm("Delete it, and remove it from what cites it?", default=False):
                    raise Cancelled()
            else:
                click.echo(f"{plan.label} is cited by:", err=True)
                click.echo("\n".join(listing), err=True)
                raise InputError(f"{plan.label} is cited by {counted(len(plan.cited_by), 'record')}; "
                                 "nothing was deleted (give --yes to delete it anyway)")
        delete_finding(opened, kind, plan.id, reason)
    if as_json:
        print_json({"deleted": plan.as_dict()})
    else:
        click.echo(f"Deleted {plan.label} ({plan.id})"
                   + (f"; {counted(len(plan.cited_by), 'reference')} to it removed" if plan.cited_by else ""))


# ----------------------------------------------------------------------------- entities


@cli.group("entity")
def entity_group() -> None:
    """People, organisations, aircraft, places... in FollowTheMoney's schemata."""


ENTITY_COLUMNS = [("id", "Id"), ("schema", "Schema"), ("caption", "Name"),
                  ("identity", "Identifiers"), ("citations", "Evidence")]


@entity_group.command("add")
@case_argument
@click.option("--schema", required=True, metavar="SCHEMA",
              help="Person, Organization, Company, PublicBody, Airplane, Address, Event...")
@click.option("--name", required=True, metavar="NAME", help="Its name (an aircraft's registration).")
@prop_option
@cite_option
@json_option
@pass_context
def entity_add(ctx: Context, case: str, schema: str, name: str, props: tuple[str, ...],
               cite: tuple[str, ...], as_json: bool) -> None:
    """Add an entity; prints its id. An Airplane becomes an aircraft of the case, which a
    later import of its tracks lands on."""
    from ..findings.citations import add_citation
    from ..findings.entities import add_entity
    with open_case(ctx, case) as opened:
        with opened.transaction():
            entity = add_entity(opened, schema, name, _props(props))
            for target in cite:
                add_citation(opened, "entity", entity.id, target)
    if as_json:
        print_json(entity.as_dict())
    else:
        click.echo(entity.id)


@entity_group.command("list")
@case_argument
@click.option("--schema", metavar="SCHEMA", help="Only entities of this schema (or one extending it).")
@json_option
@pass_context
def entity_list(ctx: Context, case: str, schema: str | None, as_json: bool) -> None:
    """List the entities of the case (its aircraft are Airplane entities)."""
    from ..findings.views import entity_rows
    with open_for_reading(ctx, case) as opened:
        rows = entity_rows(opened, schema)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        row["id"] = _short(row["id"])
    print_table(rows, ENTITY_COLUMNS)


@entity_group.command("show")
@case_argument
@click.argument("entity_id", metavar="ID")
@json_option
@pass_context
def entity_show(ctx: Context, case: str, entity_id: str, as_json: bool) -> None:
    """Show an entity: properties, aliases, links, events, what backs it and what cites it,
    the sources tied to it and, for an aircraft, its flights."""
    from ..findings.queries import resolve_entity_id
    from ..findings.views import entity_detail
    with open_for_reading(ctx, case) as opened:
        detail = entity_detail(opened, resolve_entity_id(opened, entity_id))
    if as_json:
        print_json(detail)
        return
    entity = detail["entity"]
    click.echo(f"{entity['schema']} {entity['caption']}  ({entity['id']})")
    for prop, values in entity["shown"].items():
        click.echo(f"  {prop}: {'; '.join(values)}")
    for key, value in entity["shown_extra"].items():
        click.echo(f"  {key}: {value}")
    if detail["flights"] is not None:
        click.echo(f"  flights in the case: {detail['flights']}")
    if detail["aliases"]:
        click.echo(f"  merged ids: {', '.join(detail['aliases'])}")
    _section("Links", [f"{_short(r['uuid'])} {r['schema']}{_role(r)}: {r['from']} → {r['to']}"
                       f"{_dates(r)}" for r in detail["links"]])
    _section("Events", [f"{_short(e['uuid'])} {e['when']}: {e['title']}" for e in detail["events"]])
    _section("Backed by", [_citation_line(c) for c in detail["citations"]])
    _section("Cited by", [_cited_by_line(c) for c in detail["cited_by"]])
    _section("Sources tied to it", [f"{_short(t['source_uuid'])} {t['source']}: {t['reason']}"
                                    for t in detail["ties"]])


def _cited_by_line(c: dict) -> str:
    """``claim "..." cites it (supports)``: what points at a record, and how."""
    if c["label"].startswith(c["how"]):
        return f"{_short(c['uuid'])} {c['label']}"
    return f"{_short(c['uuid'])} {c['how']}: {c['label']}"


def _section(title: str, lines: list[str]) -> None:
    if lines:
        click.echo(f"{title}:")
        for line in lines:
            click.echo(f"  {line}")


def _role(link: dict) -> str:
    return f" ({link['role']})" if link.get("role") else ""


def _dates(link: dict) -> str:
    if link.get("start_date") or link.get("end_date"):
        return f", {link.get('start_date') or '?'} to {link.get('end_date') or 'now'}"
    return ""


def _citation_line(c: dict) -> str:
    quote = f" \"{c['quote']}\"" if c.get("quote") else ""
    return f"{c['stance']}: {_short(c['target_uuid'])} {c['label']}{quote}"   # the label names the kind


@entity_group.command("set")
@case_argument
@click.argument("entity_id", metavar="ID")
@click.option("--prop", "props", multiple=True, required=True, metavar="KEY=VALUE",
              help="A FollowTheMoney property value to add (repeatable).")
@reason_option
@json_option
@pass_context
def entity_set(ctx: Context, case: str, entity_id: str, props: tuple[str, ...],
               reason: str | None, as_json: bool) -> None:
    """Add property values to an entity (values are added, never replaced). An aircraft's
    name, type and model replace its own (audited); its registration and Mode-S address are
    set once: a different one is refused (`entity merge` joins two records of one aircraft)."""
    from ..findings.entities import set_properties
    with open_case(ctx, case) as opened:
        entity = set_properties(opened, entity_id, _props(props), reason)
    if as_json:
        print_json(entity.as_dict())
    else:
        click.echo(entity.id)


@entity_group.command("countries")
@json_option
def entity_countries(as_json: bool) -> None:
    """List the country codes a country property takes (ISO 3166-1 alpha-2, lower case)."""
    from ..flights.airports import country_codes
    rows = [{"code": code.lower(), "name": name} for code, name in sorted(country_codes().items())]
    if as_json:
        print_json(rows)
    else:
        print_table(rows, [("code", "Code"), ("name", "Country")])


@entity_group.command("merge")
@case_argument
@click.argument("keep_id")
@click.argument("other_id")
@reason_option
@json_option
@pass_context
def entity_merge(ctx: Context, case: str, keep_id: str, other_id: str, reason: str | None,
                 as_json: bool) -> None:
    """Merge OTHER_ID into KEEP_ID: its properties join KEEP_ID and its id stays valid as an
    alias, so what cited it still resolves."""
    from ..findings.entities import merge_entities
    from ..findings.queries import resolve_entity_id
    with open_case(ctx, case) as opened:
        other = resolve_entity_id(opened, other_id)
        entity = merge_entities(opened, keep_id, other, reason)
    if as_json:
        print_json({**entity.as_dict(), "merged": other})
    else:
        click.echo(f"Merged {other} into {entity.caption} ({entity.id})")


@entity_group.command("delete")
@case_argument
@click.argument("entity_id", metavar="ID")
@yes_option
@reason_option
@json_option
@pass_context
def entity_delete(ctx: Context, case: str, entity_id: str, yes: bool, reason: str | None,
                  as_json: bool) -> None:
    """Delete an entity (with its links and the citations of it); asks first when something
    cites it. Its content stays in the audit log."""
    _delete(ctx, case, "entity", entity_id, yes, reason, as_json)


@entity_group.command("suggest")
@case_argument
@json_option
@pass_context
def entity_suggest(ctx: Context, case: str, as_json: bool) -> None:
    """List entities the sources name that the case does not hold yet (registrations, Mode-S
    addresses, airports; callsigns and types of an aircraft), numbered for `entity accept`."""
    from ..findings.suggestions import suggestions
    from ..sources.queries import get_source
    with open_for_reading(ctx, case) as opened:
        found = suggestions(opened)
        names = {}
        for s in found:
            for hit in s.found_at:
                if hit["source"] not in names:
                    source = get_source(opened, hit["source"]) or {}
                    names[hit["source"]] = source.get("name") or source.get("title") or hit["source"]
    if as_json:
        print_json([{"number": n, **s.as_dict()} for n, s in enumerate(found, start=1)])
        return
    if not found:
        click.echo("(no suggestions)")
    for n, s in enumerate(found, start=1):
        sources = list(dict.fromkeys(names[h["source"]] for h in s.found_at))
        first = s.found_at[0]
        click.echo(f"{n:>3}. {s.label}")
        click.echo(f"     found {len(s.found_at)}× in {', '.join(sources)}: \"{first['text']}\" "
                   f"(capture {_short(first['capture'])}, {first['field']} {first['start']}-{first['end']})")


@entity_group.command("accept")
@case_argument
@click.argument("numbers", nargs=-1, required=True, type=int)
@json_option
@pass_context
def entity_accept(ctx: Context, case: str, numbers: tuple[int, ...], as_json: bool) -> None:
    """Accept suggestions by their numbers in `entity suggest`: each entity is made (or its
    property added) with the capture it was found in cited. All or none."""
    from ..findings.suggestions import accept_suggestion, suggestions
    with open_case(ctx, case) as opened:
        found = suggestions(opened)
        for n in numbers:
            if not 1 <= n <= len(found):
                raise InputError(f"there is no suggestion {n} (`osintdesk entity suggest CASE` "
                                 f"lists {len(found)})")
        with opened.transaction():
            accepted = [accept_suggestion(opened, found[n - 1]) for n in dict.fromkeys(numbers)]
    if as_json:
        print_json([e.as_dict() for e in accepted])
    else:
        for entity in accepted:
            click.echo(entity.id)


# ----------------------------------------------------------------------------- links


@cli.group("link")
def link_group() -> None:
    """Links between entities: Ownership, Directorship, Membership, Employment, operator..."""


LINK_COLUMNS = [("id", "Id"), ("schema", "Type"), ("role", "Role"), ("from", "From"), ("to", "To"),
                ("start_date", "Start"), ("end_date", "End"), ("citations", "Evidence")]


@link_group.command("add")
@case_argument
@click.argument("from_id")
@click.argument("to_id")
@click.option("--type", "link_type", required=True, metavar="TYPE",
              help="Ownership, Directorship, Membership, Employment, Representation, Associate, "
                   "Family, UnknownLink, or operator (an aircraft's operator).")
@click.option("--role", metavar="TEXT", help="The role, in words.")
@click.option("--start", metavar="DATE", help="Since when (2010, 2023-09, 13 September 2023...).")
@click.option("--end", metavar="DATE", help="Until when.")
@cite_option
@json_option
@pass_context
def link_add(ctx: Context, case: str, from_id: str, to_id: str, link_type: str, role: str | None,
             start: str | None, end: str | None, cite: tuple[str, ...], as_json: bool) -> None:
    """Link FROM_ID to TO_ID (the owner to the asset, the operator to the aircraft...);
    prints the link's id."""
    from ..findings.links import add_link
    from ..findings.views import link_row
    with open_case(ctx, case) as opened:
        link = add_link(opened, from_id, to_id, link_type, role=role, start=start, end=end,
                        cite=list(cite))
        row = link_row(opened, link)
    if as_json:
        print_json(row)
    else:
        click.echo(link["uuid"])


@link_group.command("list")
@case_argument
@click.option("--entity", metavar="ID", help="Only links at either end of this entity.")
@json_option
@pass_context
def link_list(ctx: Context, case: str, entity: str | None, as_json: bool) -> None:
    """List the links between entities."""
    from ..findings.queries import resolve_entity_id
    from ..findings.views import link_rows
    with open_for_reading(ctx, case) as opened:
        rows = link_rows(opened, resolve_entity_id(opened, entity) if entity else None)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        row["id"] = _short(row["uuid"])
    print_table(rows, LINK_COLUMNS)


@link_group.command("delete")
@case_argument
@click.argument("link_id", metavar="ID")
@yes_option
@reason_option
@json_option
@pass_context
def link_delete(ctx: Context, case: str, link_id: str, yes: bool, reason: str | None,
                as_json: bool) -> None:
    """Delete a link (and its citations); asks first when something cites it."""
    _delete(ctx, case, "link", link_id, yes, reason, as_json)


# ----------------------------------------------------------------------------- events


@cli.group("event")
def event_group() -> None:
    """Events: a title, a start and end known to a year, month, day or minute, a place."""


EVENT_COLUMNS = [("id", "Id"), ("when", "When"), ("title", "Title"), ("place", "Place"),
                 ("involved_text", "Involved"), ("citations", "Evidence")]


@event_group.command("add")
@case_argument
@click.option("--title", required=True, metavar="TEXT", help="What happened.")
@click.option("--start", required=True, metavar="DATE",
              help="When: 2023, September 2023, 2023-09-13, 2023-09-13T10:00 (a zone may follow).")
@click.option("--end", metavar="DATE", help="Until when (same forms).")
@click.option("--zone", metavar="ZONE",
              help="The zone the times are given in: UTC, +10:00 or Asia/Vladivostok (default UTC).")
@click.option("--place", metavar="ID", help="Where: an entity, or an airport's ICAO/IATA code.")
@click.option("--involved", multiple=True, metavar="ID",
              help="An entity involved (repeatable): an id, a registration, an airport code...")
@click.option("--description", metavar="TEXT", help="More about it.")
@cite_option
@json_option
@pass_context
def event_add(ctx: Context, case: str, title: str, start: str, end: str | None, zone: str | None,
              place: str | None, involved: tuple[str, ...], description: str | None,
              cite: tuple[str, ...], as_json: bool) -> None:
    """Add an event; prints its id. Dates keep their precision ("September 2023" is the
    month) and the zone they were given in."""
    from ..findings.events import add_event
    from ..findings.views import event_row
    with open_case(ctx, case) as opened:
        event = add_event(opened, title, start, end=end, zone=zone, place=place,
                          involved=list(involved), cite=list(cite), description=description)
        row = event_row(opened, event)
    if as_json:
        print_json(row)
    else:
        click.echo(event["uuid"])


@event_group.command("list")
@case_argument
@json_option
@pass_context
def event_list(ctx: Context, case: str, as_json: bool) -> None:
    """List the events in time order, each date in its precision and zone."""
    from ..findings.views import event_rows
    with open_for_reading(ctx, case) as opened:
        rows = event_rows(opened)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        row["id"] = _short(row["uuid"])
        row["involved_text"] = ", ".join(row["involved_names"])
    print_table(rows, EVENT_COLUMNS)


@event_group.command("delete")
@case_argument
@click.argument("event_id", metavar="ID")
@yes_option
@reason_option
@json_option
@pass_context
def event_delete(ctx: Context, case: str, event_id: str, yes: bool, reason: str | None,
                 as_json: bool) -> None:
    """Delete an event (its citations and the ties to it); asks first when something cites it."""
    _delete(ctx, case, "event", event_id, yes, reason, as_json)


# ----------------------------------------------------------------------------- claims


@cli.group("claim")
def claim_group() -> None:
    """Claims: statements with their evidence, a status, a confidence, and checks against
    the flight tracks."""


CLAIM_COLUMNS = [("id", "Id"), ("status", "Status"), ("confidence", "Confidence"),
                 ("check_text", "Check"), ("evidence", "Evidence"), ("text", "Claim")]
# Which options each check takes (the rest are refused, not ignored).
CHECK_OPTIONS = {"flew": {"aircraft", "origin", "destination", "date", "between", "zone"},
                 "on-ground": {"aircraft", "at", "between"},
                 "airborne": {"aircraft", "time"}}
OPTION_NAMES = {"aircraft": "--aircraft", "origin": "--from", "destination": "--to",
                "date": "--date", "between": "--between", "at": "--at", "time": "--time",
                "zone": "--zone"}


def _assertion(opened, check: str | None, given: dict) -> dict | None:
    from ..findings.claims import make_assertion
    present = [k for k, v in given.items() if v]
    if check is None:
        if present:
            raise InputError(f"{', '.join(OPTION_NAMES[k] for k in present)} belong to a flight "
                             "check: give --check flew, on-ground or airborne")
        return None
    stray = [k for k in present if k not in CHECK_OPTIONS[check]]
    if stray:
        raise InputError(f"--check {check} does not take {', '.join(OPTION_NAMES[k] for k in stray)}")
    if check == "flew" and given["date"] and given["between"]:
        raise InputError("--check flew takes --date or --between, not both")
    return make_assertion(opened, check, **given)


@claim_group.command("add")
@case_argument
@click.argument("text")
@cite_option
@click.option("--quote", metavar="PASSAGE",
              help="A passage of the first --cite (a capture or a source) that backs the claim.")
@click.option("--contradicted-by", multiple=True, metavar="ID",
              help="Cite a record that contradicts the claim (repeatable).")
@click.option("--status", default="open", show_default=True, type=click.Choice(STATUSES),
              help="What the evidence makes of it.")
@click.option("--confidence", type=click.Choice(CONFIDENCES),
              help="How likely it is, in words of estimative probability (quote the words "
                   "with spaces).")
@click.option("--check", type=click.Choice(CHECKS), help="Check it against the tracks.")
@click.option("--aircraft", metavar="REG_OR_HEX", help="The aircraft the check is about.")
@click.option("--from", "origin", metavar="AIRPORT", help="flew: from this airport (ICAO or IATA).")
@click.option("--to", "destination", metavar="AIRPORT", help="flew: to this airport.")
@click.option("--date", metavar="DATE", help="flew: on this day (or month...).")
@click.option("--zone", metavar="ZONE", help="flew: the zone --date is a day in (default UTC).")
@click.option("--between", nargs=2, metavar="T1 T2", help="flew, on-ground: between these times (UTC).")
@click.option("--at", metavar="AIRPORT", help="on-ground: at this airport.")
@click.option("--time", metavar="TIME", help="airborne: at this time (UTC).")
@json_option
@pass_context
def claim_add(ctx: Context, case: str, text: str, cite: tuple[str, ...], quote: str | None,
              contradicted_by: tuple[str, ...], status: str, confidence: str | None,
              check: str | None, as_json: bool, **given) -> None:
    """Add a claim with its evidence; prints its id. With --check, the claim is checked
    against the flight data now and after every import (`claim show`)."""
    from ..findings.claims import add_claim
    from ..findings.views import claim_detail
    given["between"] = tuple(given["between"]) if given["between"] else None
    with open_case(ctx, case) as opened:
        with opened.transaction():
            assertion = _assertion(opened, check, given)
            claim = add_claim(opened, text, status=status, confidence=confidence,
                              assertion=assertion, cite=list(cite), quote=quote,
                              contradicted_by=list(contradicted_by))
        detail = claim_detail(opened, claim["uuid"])
    if as_json:
        print_json(detail)
        return
    click.echo(claim["uuid"])
    if detail["check"]:
        click.echo(f"check: {detail['check']['result']}: {detail['check']['reason']}", err=True)


@claim_group.command("list")
@case_argument
@json_option
@pass_context
def claim_list(ctx: Context, case: str, as_json: bool) -> None:
    """List the claims with their status, evidence and check result."""
    from ..findings.views import claim_rows
    with open_for_reading(ctx, case) as opened:
        rows = claim_rows(opened)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        row["id"] = _short(row["uuid"])
        row["check_text"] = row["check_result"] or ""
        row["evidence"] = f"+{row['supporting']}" + (f" -{row['contradicting']}"
                                                    if row["contradicting"] else "")
    print_table(rows, CLAIM_COLUMNS)


def _claim_id(opened, typed: str) -> str:
    from ..findings.queries import resolve_target
    return resolve_target(opened, typed, ("claim",))[1]


@claim_group.command("show")
@case_argument
@click.argument("claim_id", metavar="ID")
@json_option
@pass_context
def claim_show(ctx: Context, case: str, claim_id: str, as_json: bool) -> None:
    """Show a claim: its corroboration (each piece of evidence with its source's grade, and
    how many independent sources back it) and its check against the tracks with what the
    result rests on: supported, contradicted or not_covered."""
    from ..findings.views import claim_detail
    with open_for_reading(ctx, case) as opened:
        detail = claim_detail(opened, _claim_id(opened, claim_id))
    if as_json:
        print_json(detail)
        return
    claim, corroboration = detail["claim"], detail["corroboration"]
    click.echo(f"Claim {claim['uuid']}")
    click.echo(f"  {claim['text']}")
    click.echo(f"  status: {claim['status']}"
               + (f", confidence: {claim['confidence']}" if claim["confidence"] else ""))
    if detail["check"]:
        check = detail["check"]
        click.echo(f"Check: {detail['assertion_text']}")
        click.echo(f"  {check['result']}: {check['reason']}")
        for item in check["rests_on"]:
            click.echo(f"  - {item['kind']} {_short(item.get('id'))}: {item['label']}")
            for f in item.get("files", []):
                click.echo(f"      file {f['file']} ({f['provider']})")
    click.echo(f"Evidence: {counted(corroboration['independent_sources'], 'independent source')}")
    for c in corroboration["citations"]:
        grade = f" [{c['grade']}]" if c.get("grade") else ""
        click.echo(f"  {c['stance']}: {c['kind']} {_short(c['id'])}{grade} {c['label']}")
        if c.get("quote"):
            click.echo(f"      \"{c['quote']}\"")
    if not corroboration["citations"]:
        click.echo("  (none cited)")
    for group in corroboration["groups"]:
        if len(group["citations"]) > 1:
            click.echo(f"  {len(group['citations'])} citations count once: {group['key']}")


@claim_group.command("status")
@case_argument
@click.argument("claim_id", metavar="ID")
@click.argument("status", type=click.Choice(STATUSES), metavar="STATUS")
@reason_option
@json_option
@pass_context
def claim_status(ctx: Context, case: str, claim_id: str, status: str, reason: str | None,
                 as_json: bool) -> None:
    """Set a claim's STATUS (open, supported, contested or refuted)."""
    from ..findings.claims import set_status
    with open_case(ctx, case) as opened:
        row = set_status(opened, _claim_id(opened, claim_id), status, reason)
    if as_json:
        print_json(row)
    else:
        click.echo(f"Claim {_short(row['uuid'])}: {row['status']}")


@claim_group.command("cite")
@case_argument
@click.argument("claim_id", metavar="ID")
@click.argument("target")
@click.option("--quote", metavar="PASSAGE", help="A passage of TARGET (a capture or a source).")
@click.option("--contradicts", is_flag=True, help="TARGET contradicts the claim.")
@click.option("--note", metavar="TEXT", help="A note on this piece of evidence.")
@json_option
@pass_context
def claim_cite(ctx: Context, case: str, claim_id: str, target: str, quote: str | None,
               contradicts: bool, note: str | None, as_json: bool) -> None:
    """Cite TARGET for a claim (a source, capture, flight, ground stay, event, entity or
    another claim); prints the citation's id."""
    from ..findings.citations import add_citation
    with open_case(ctx, case) as opened:
        row = add_citation(opened, "claim", _claim_id(opened, claim_id), target,
                           stance="contradicts" if contradicts else "supports", quote=quote,
                           note=note)
    if as_json:
        print_json(row)
    else:
        click.echo(row["uuid"])


@claim_group.command("uncite")
@case_argument
@click.argument("claim_id", metavar="ID")
@click.argument("target")
@reason_option
@json_option
@pass_context
def claim_uncite(ctx: Context, case: str, claim_id: str, target: str, reason: str | None,
                 as_json: bool) -> None:
    """Withdraw a claim's citations of TARGET (a source's covers its captures)."""
    from ..findings.delete import uncite
    with open_case(ctx, case) as opened:
        rows = uncite(opened, _claim_id(opened, claim_id), target, reason)
    if as_json:
        print_json(rows)
    else:
        click.echo(f"Removed {counted(len(rows), 'citation')}")


@claim_group.command("delete")
@case_argument
@click.argument("claim_id", metavar="ID")
@yes_option
@reason_option
@json_option
@pass_context
def claim_delete(ctx: Context, case: str, claim_id: str, yes: bool, reason: str | None,
                 as_json: bool) -> None:
    """Delete a claim (and its citations); asks first when something cites it."""
    _delete(ctx, case, "claim", claim_id, yes, reason, as_json)


# ----------------------------------------------------------------------------- ties


@cli.command("tie")
@case_argument
@click.argument("source")
@click.argument("target")
@click.option("--reason", required=True, metavar="TEXT",
              help="Why the source is about it (the text never names it).")
@json_option
@pass_context
def tie_command(ctx: Context, case: str, source: str, target: str, reason: str,
                as_json: bool) -> None:
    """Tie SOURCE (id, URL or file name) by hand to an aircraft, a flight, an event or an
    entity it is about; the tie shows from both sides. Prints the tie's id."""
    from ..findings.ties import tie_source
    with open_case(ctx, case) as opened:
        row = tie_source(opened, source, target, reason)
    if as_json:
        print_json(row)
    else:
        click.echo(row["uuid"])


@cli.command("untie")
@case_argument
@click.argument("tie_id", metavar="TIE_ID")
@reason_option
@json_option
@pass_context
def untie_command(ctx: Context, case: str, tie_id: str, reason: str | None, as_json: bool) -> None:
    """Take back a tie (the id ``tie`` printed; ``entity show`` lists them): it is deleted,
    its content kept in the audit log."""
    from ..findings.ties import untie
    with open_case(ctx, case) as opened:
        row = untie(opened, tie_id, reason)
    if as_json:
        print_json(row)
    else:
        click.echo(f"untied {row['uuid']}")
