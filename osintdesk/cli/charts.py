"""Command-line charts: ``osintdesk chart CASE map|profile|activity|timeline|links -o
FILE.png|svg|pdf``, the timeline's data (``osintdesk timeline CASE [--json|--csv]``) and the
link chart's graph (``osintdesk graph CASE [--json]``)."""

from __future__ import annotations

import click

import csv
import sys

from .main import (Context, case_argument, cli, json_option, open_for_reading, pass_context,
                   print_json, print_table)
from ..errors import OsintdeskError
from ..timefmt import parse_user_time, user_zone
from ..words import counted

TIMELINE_KINDS = ("event", "flight", "ground-stay", "gap", "source")  # charts.timeline.KINDS

# What the link chart shows, for ``chart CASE links`` and ``graph CASE``.
def link_options(command):
    for option in reversed((
            click.option("--around", metavar="ID",
                         help="Only this entity's neighbourhood: an id or its first characters, "
                              "a registration, a Mode-S address, an airport code."),
            click.option("--depth", type=click.IntRange(0, 10), metavar="N",
                         help="How many steps from --around (default 2)."),
            click.option("--sources", "with_sources", is_flag=True,
                         help="Sources as document nodes, tied to what cites them or is tied to them."),
            click.option("--flights", "with_flights", is_flag=True,
                         help="Flights as aircraft-to-airport lines (one per airport, with the count)."))):
        command = option(command)
    return command


def _link_request(around, depth, with_sources, with_flights):
    from ..charts.links import LinkRequest
    if depth is not None and not around:
        raise OsintdeskError("--depth counts steps from an entity: give it with --around ID")
    return LinkRequest(around=around, depth=2 if depth is None else depth, sources=with_sources,
                       flights=with_flights)


def _window(t_from: str | None, t_to: str | None) -> tuple[float | None, float | None]:
    """--from and --to as UTC epoch seconds (a bare --to date includes that day)."""
    start = parse_user_time(t_from, "--from") if t_from else None
    end = parse_user_time(t_to, "--to", end_of_day=True) if t_to else None
    if start is not None and end is not None and end < start:
        raise OsintdeskError(f"--to {t_to} is before --from {t_from}")
    return start, end


def timeline_options(command):
    """--entity, --kind and --tag: what the timeline shows besides the window and aircraft."""
    for option in reversed([
            click.option("--entity", "entities", multiple=True, metavar="ID",
                         help="Only what concerns this entity (an id, a registration...; repeat "
                              "for more): events at or involving it, its flights when it is an "
                              "aircraft, sources tied to it, cited for it or naming it."),
            click.option("--kind", "kinds", multiple=True, type=click.Choice(TIMELINE_KINDS),
                         help="Only these kinds of item (repeat for more)."),
            click.option("--tag", metavar="TAG",
                         help="Only sources with this tag and what they are about (events citing "
                              "or tied to them, flights of the aircraft they name or are tied to)."),
    ]):
        command = option(command)
    return command


@cli.command("chart")
@case_argument
@click.argument("kind", type=click.Choice(["map", "profile", "activity", "timeline", "links"]))
@click.option("--flight", "flights", multiple=True, metavar="ID",
              help="A flight (its id or the first characters of it; repeat for more). "
                   "`osintdesk flights CASE` lists them.")
@click.option("--aircraft", metavar="HEX_OR_REG", multiple=True,
              help="Only this aircraft's flights (repeat for more).")
@click.option("--from", "t_from", metavar="T",
              help="Only flights after T (ISO 8601 date or date-time, UTC).")
@click.option("--to", "t_to", metavar="T",
              help="Only flights before T (a bare date includes that whole day).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The image to write: .png, .svg or .pdf.")
@click.option("--width", type=click.IntRange(200, 20000), metavar="PX", help="Width in pixels.")
@click.option("--height", type=click.IntRange(150, 20000), metavar="PX", help="Height in pixels.")
@click.option("--tz", "zone", default="UTC", show_default=True, metavar="ZONE",
              help="The timeline's time zone: UTC, an offset (+09:00) or an IANA name "
                   "(Europe/Berlin); the axis names it.")
@timeline_options
@link_options
@click.option("--record", is_flag=True,
              help="Record the image in the case's audit log (kind, file, size, what it shows, "
                   "SHA-256), as the window records its chart exports; without it the case is "
                   "only read.")
@json_option
@pass_context
def chart(ctx: Context, case: str, kind: str, flights: tuple[str, ...], aircraft: tuple[str, ...],
          t_from: str | None, t_to: str | None, output: str, width: int | None,
          height: int | None, zone: str = "UTC", entities: tuple[str, ...] = (),
          kinds: tuple[str, ...] = (), tag: str | None = None, around: str | None = None,
          depth: int | None = None, with_sources: bool = False,
          with_flights: bool = False, record: bool = False, as_json: bool = False) -> None:
    """Draw a map, a flight profile, the aircraft activity, the timeline or the links of CASE
    as an image.

    The map shows the selected flights (all by default) on an offline basemap; the
    profile shows altitude and speed of one flight; the activity chart shows when each
    aircraft flew and where it stayed; the timeline shows events, flights, ground stays,
    coverage gaps and sources on one time axis (--tz, --entity, --kind and --tag are its
    own); the link chart shows the entities and the links between them with the citations
    behind each (--around, --depth, --sources, --flights are its own). Prints the path of
    the image written (--json: its path, kind, format, width and height in pixels, bytes,
    and what it shows counted: flights, positions, items, nodes...).
    """
    from ..charts.export import DEFAULT_DPI, DEFAULT_SIZE, chart_format
    from ..charts.selection import ChartRequest, chart_footer, default_height, export_chart

    chart_format(output)  # refuse a bad file name before any work
    if kind == "links":
        _check_link_only(flights, aircraft, t_from, t_to, zone, entities, kinds, tag)
        return _link_chart(ctx, case, output, width, height,
                           _link_request(around, depth, with_sources, with_flights), as_json,
                           record)
    if around or depth is not None or with_sources or with_flights:
        raise OsintdeskError("--around, --depth, --sources and --flights are for the link chart: "
                             f"`osintdesk chart CASE links`, not {kind}")
    start, end = _window(t_from, t_to)
    zone = user_zone(zone, "--tz")
    request = ChartRequest(flight_ids=flights or None, aircraft=aircraft or None, t_from=start,
                           t_to=end, all_flights=True, entities=entities, kinds=kinds or None,
                           tag=tag, zone=zone)
    default_w, default_h = DEFAULT_SIZE[kind]
    note = None
    with open_for_reading(ctx, case) as opened:
        data = request.load(kind, opened)
        footer = chart_footer(opened, kind, data)   # the data credit and the case number
    if kind == "activity":
        if not any(r.flights or r.ground_stays for r in data.rows):
            note = "no flights or ground times match; the chart says so"
        default_h = default_height("activity", data, default_w)
    elif kind == "timeline":
        if not data.timeline.items:
            note = "nothing matches; the chart says so"
        default_h = default_height("timeline", data, width or default_w)
        if width and not height:
            height = default_h  # already at this width: no scaling
        elif height and not width:
            width = default_w  # a height chosen: the default width, not a scaled one
    elif not data.flights:
        note = "no flights match; the chart says so"
    elif kind == "profile" and len(data.flights) > 1:
        raise OsintdeskError(
            f"a profile shows one flight and {len(data.flights)} match: choose one with "
            "--flight ID (`osintdesk flights CASE` lists them)")
    if width and not height:
        height = round(width * default_h / default_w)
    elif height and not width:
        width = round(height * default_w / default_h)
    width, height = width or default_w, height or default_h
    path = export_chart(output, kind, data, width_px=width, height_px=height, dpi=DEFAULT_DPI,
                        footer=footer)
    if record:
        _record(ctx, case, path, kind, width, height, data.counts(kind))
    _written(path, kind, width, height, data.counts(kind), note, as_json)


def _written(path, kind: str, width: int, height: int, counts: dict, note: str | None,
             as_json: bool) -> None:
    """The chart written: its path (and a note on stderr), or with --json what it is."""
    if note:
        click.echo(f"osintdesk: note: {note}", err=True)
    if not as_json:
        click.echo(str(path))
        return
    from ..charts.export import chart_format
    print_json({"path": str(path), "kind": kind, "format": chart_format(path), "width_px": width,
                "height_px": height, "bytes": path.stat().st_size, "counts": counts, "note": note})


def _record(ctx: Context, case: str, path, kind: str, width: int, height: int,
            counts: dict) -> None:
    """--record: the image in the case's audit log, as every export is."""
    from ..charts.export import DEFAULT_DPI
    from ..charts.selection import log_chart_export
    from .main import open_case
    with open_case(ctx, case) as opened:
        log_chart_export(opened, path, kind, width, height, DEFAULT_DPI, counts)


def _check_link_only(flights, aircraft, t_from, t_to, zone="UTC", entities=(), kinds=(),
                     tag=None) -> None:
    given = [name for name, value in (("--flight", flights), ("--aircraft", aircraft),
                                      ("--from", t_from), ("--to", t_to),
                                      ("--tz", zone != "UTC"), ("--entity", entities),
                                      ("--kind", kinds), ("--tag", tag)) if value]
    if given:
        raise OsintdeskError(f"{', '.join(given)} {'does' if len(given) == 1 else 'do'} not apply to the link chart: use --around ID "
                             "--depth N to show one entity's neighbourhood")


def _link_chart(ctx: Context, case: str, output: str, width: int | None, height: int | None,
                request, as_json: bool = False, record: bool = False) -> None:
    from ..charts.export import DEFAULT_DPI, DEFAULT_SIZE
    from ..charts.selection import ChartRequest, chart_footer, export_chart
    default_w, default_h = DEFAULT_SIZE["links"]
    with open_for_reading(ctx, case) as opened:
        data = ChartRequest(links=request).load("links", opened)   # with a demo's footer mark
        footer = chart_footer(opened, "links", data)
    chart = data.links
    if width and not height:
        height = round(width * default_h / default_w)
    elif height and not width:
        width = round(height * default_w / default_h)
    width, height = width or default_w, height or default_h
    path = export_chart(output, "links", data, width_px=width, height_px=height, dpi=DEFAULT_DPI,
                        selected=[chart.graph.graph["center"]] if chart.graph.graph["center"] else (),
                        footer=footer)
    if record:
        _record(ctx, case, path, "links", width, height, data.counts("links"))
    note = None if len(chart.graph) else "no entities in this case; the chart says so"
    _written(path, "links", width, height, data.counts("links"), note, as_json)


@cli.command("graph")
@case_argument
@link_options
@json_option
@pass_context
def graph(ctx: Context, case: str, around: str | None, depth: int | None, with_sources: bool,
          with_flights: bool, as_json: bool) -> None:
    """The data behind the link chart: its nodes (entities, events, sources, airports) and
    edges (links with their citations, ties, flights), each with the id of its record."""
    from ..charts.links import build_graph, graph_json
    with open_for_reading(ctx, case) as opened:
        found = graph_json(build_graph(opened, _link_request(around, depth, with_sources,
                                                             with_flights)))
    if as_json:
        print_json(found)
        return
    click.echo(found["title"])
    labels = {node["id"]: node["label"] for node in found["nodes"]}
    click.echo(counted(len(found['nodes']), 'node'))
    kind_width = max((len(node["schema"]) for node in found["nodes"]), default=0)
    for node in found["nodes"]:
        click.echo(f"  {node['id']}  {node['schema']:<{kind_width}}  {node['label']}")
    click.echo(counted(len(found['edges']), 'edge'))
    for edge in found["edges"]:
        count = (f" ({edge['citations']} citation{'s' if edge['citations'] != 1 else ''})"
                 if edge["kind"] in ("link", "cites", "event") else "")
        click.echo(f"  {labels[edge['from']]} → {labels[edge['to']]}: {edge['label']}{count}"
                   f"  [{edge['kind']} {edge['id']}]")


# The table shows every row's fields, as --json and --csv do (captures joined by ", ").
TIMELINE_COLUMNS = [("kind", "Kind"), ("start", "Start (UTC)"), ("end", "End (UTC)"),
                    ("precision", "Precision"), ("zone", "Zone"), ("lane", "Lane"),
                    ("label", "Label"), ("record_kind", "Record"), ("record_id", "Id"),
                    ("published", "Published"), ("captured", "Captured (UTC)")]
CSV_KEYS = ["kind", "start", "end", "precision", "zone", "label", "lane", "record_kind", "record_id",
            "published", "published_precision", "captured"]


@cli.command("timeline")
@case_argument
@click.option("--aircraft", metavar="HEX_OR_REG", multiple=True,
              help="Only this aircraft (repeat for more), with the events and sources about it.")
@click.option("--from", "t_from", metavar="T", help="Only items that end after T (UTC).")
@click.option("--to", "t_to", metavar="T", help="Only items that start before T (a bare date "
                                                "includes that whole day).")
@timeline_options
@json_option
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV.")
@pass_context
def timeline_command(ctx: Context, case: str, aircraft: tuple[str, ...], t_from: str | None,
                     t_to: str | None, entities: tuple[str, ...], kinds: tuple[str, ...],
                     tag: str | None, as_json: bool, as_csv: bool) -> None:
    """The items of CASE's timeline, one row each: kind (event, flight, ground-stay, gap,
    source), start and end (UTC record forms; a partial date's whole span, end exclusive),
    precision, zone (an event's own), label, lane, and the record it comes from. A
    source also has its publication (the UTC time, or the day when the page gives only
    its day, with that precision) and capture times."""
    from ..charts.timeline import TimelineFilter, read_timeline

    start, end = _window(t_from, t_to)
    filt = TimelineFilter(t_from=start, t_to=end, aircraft=aircraft, entities=entities,
                          kinds=kinds or None, tag=tag)
    with open_for_reading(ctx, case) as opened:
        rows = read_timeline(opened, filt).rows()
    if as_json:
        print_json(rows)
    elif as_csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(CSV_KEYS)
        for row in rows:
            writer.writerow([" ".join(row[k]) if k == "captured" else row[k] for k in CSV_KEYS])
    else:
        print_table([{**row, "captured": ", ".join(row["captured"])} for row in rows],
                    TIMELINE_COLUMNS)
