"""Command-line charts: ``osintdesk chart CASE map|profile|activity|links -o FILE.png|svg|pdf``,
and the link chart's graph as data: ``osintdesk graph CASE [--json]``."""

from __future__ import annotations

import click

from .main import Context, case_argument, cli, json_option, open_for_reading, pass_context, print_json
from ..errors import OsintdeskError
from ..timefmt import parse_user_time

# Default image sizes in pixels (at 100 dpi): wide enough for a report page.
DEFAULT_SIZE = {"map": (1600, 1000), "profile": (1600, 900), "activity": (1600, None),
                "links": (1600, 1100)}

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


def _activity_height(rows: int) -> int:
    return max(420, min(2400, 170 + 90 * rows))


@cli.command("chart")
@case_argument
@click.argument("kind", type=click.Choice(["map", "profile", "activity", "links"]))
@click.option("--flight", "flights", multiple=True, metavar="ID",
              help="A flight (its id or the first characters of it; repeat for more). "
                   "`osintdesk flights CASE` lists them.")
@click.option("--aircraft", metavar="HEX_OR_REG", help="Only this aircraft's flights.")
@click.option("--from", "t_from", metavar="T",
              help="Only flights after T (ISO 8601 date or date-time, UTC).")
@click.option("--to", "t_to", metavar="T",
              help="Only flights before T (a bare date includes that whole day).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The image to write: .png, .svg or .pdf.")
@click.option("--width", type=click.IntRange(200, 20000), metavar="PX", help="Width in pixels.")
@click.option("--height", type=click.IntRange(150, 20000), metavar="PX", help="Height in pixels.")
@link_options
@pass_context
def chart(ctx: Context, case: str, kind: str, flights: tuple[str, ...], aircraft: str | None,
          t_from: str | None, t_to: str | None, output: str, width: int | None,
          height: int | None, around: str | None = None, depth: int | None = None, with_sources: bool = False,
          with_flights: bool = False) -> None:
    """Draw a map, a flight profile, the aircraft activity or the links of CASE as an image.

    The map shows the selected flights (all by default) on an offline basemap; the
    profile shows altitude and speed of one flight; the activity chart shows when each
    aircraft flew and where it stayed; the link chart shows the entities and the links
    between them with the citations behind each (--around, --depth, --sources, --flights).
    Prints the path of the image written.
    """
    from ..charts.export import DEFAULT_DPI, chart_format
    from ..charts.selection import ChartRequest, export_chart

    chart_format(output)  # refuse a bad file name before any work
    if kind == "links":
        _check_link_only(flights, aircraft, t_from, t_to)
        return _link_chart(ctx, case, output, width, height,
                           _link_request(around, depth, with_sources, with_flights))
    if around or depth is not None or with_sources or with_flights:
        raise OsintdeskError("--around, --depth, --sources and --flights are for the link chart: "
                             f"`osintdesk chart CASE links`, not {kind}")
    start = parse_user_time(t_from, "--from") if t_from else None
    end = parse_user_time(t_to, "--to", end_of_day=True) if t_to else None
    if start is not None and end is not None and end < start:
        raise OsintdeskError(f"--to {t_to} is before --from {t_from}")
    request = ChartRequest(flight_ids=flights or None, aircraft=aircraft, t_from=start, t_to=end,
                           all_flights=True)
    default_w, default_h = DEFAULT_SIZE[kind]
    note = None
    with open_for_reading(ctx, case) as opened:
        data = request.load(kind, opened)
    if kind == "activity":
        if not any(r.flights or r.ground_stays for r in data.rows):
            note = "no flights or ground times match; the chart says so"
        default_h = _activity_height(len(data.rows))
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
    path = export_chart(output, kind, data, width_px=width or default_w,
                        height_px=height or default_h, dpi=DEFAULT_DPI)
    if note:
        click.echo(f"osintdesk: note: {note}", err=True)
    click.echo(str(path))


def _check_link_only(flights, aircraft, t_from, t_to) -> None:
    given = [name for name, value in (("--flight", flights), ("--aircraft", aircraft),
                                      ("--from", t_from), ("--to", t_to)) if value]
    if given:
        raise OsintdeskError(f"{', '.join(given)} {'does' if len(given) == 1 else 'do'} not apply to the link chart: use --around ID "
                             "--depth N to show one entity's neighbourhood")


def _link_chart(ctx: Context, case: str, output: str, width: int | None, height: int | None,
                request) -> None:
    from ..charts.export import DEFAULT_DPI
    from ..charts.selection import ChartData, export_chart
    from ..charts.links import load_link_chart
    default_w, default_h = DEFAULT_SIZE["links"]
    with open_for_reading(ctx, case) as opened:
        chart = load_link_chart(opened, request)
    if width and not height:
        height = round(width * default_h / default_w)
    elif height and not width:
        width = round(height * default_w / default_h)
    path = export_chart(output, "links", ChartData(links=chart), width_px=width or default_w,
                        height_px=height or default_h, dpi=DEFAULT_DPI,
                        selected=[chart.graph.graph["center"]] if chart.graph.graph["center"] else ())
    if not len(chart.graph):
        click.echo("osintdesk: note: no entities in this case; the chart says so", err=True)
    click.echo(str(path))


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
    click.echo(f"{len(found['nodes'])} nodes")
    for node in found["nodes"]:
        click.echo(f"  {node['id']}  {node['schema']}  {node['label']}")
    click.echo(f"{len(found['edges'])} edges")
    for edge in found["edges"]:
        count = (f" ({edge['citations']} citation{'s' if edge['citations'] != 1 else ''})"
                 if edge["kind"] in ("link", "cites", "event") else "")
        click.echo(f"  {labels[edge['from']]} → {labels[edge['to']]}: {edge['label']}{count}"
                   f"  [{edge['kind']} {edge['id']}]")
