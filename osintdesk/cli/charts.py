"""Command-line charts: ``osintdesk chart CASE map|profile|activity|timeline -o FILE.png|svg|pdf``,
and the timeline's data: ``osintdesk timeline CASE [--json|--csv]``."""

from __future__ import annotations

import click

import csv
import sys

from .main import (Context, case_argument, cli, json_option, open_for_reading, pass_context,
                   print_json, print_table)
from ..errors import OsintdeskError
from ..timefmt import parse_user_time, user_zone

# Default image sizes in pixels (at 100 dpi): wide enough for a report page.
DEFAULT_SIZE = {"map": (1600, 1000), "profile": (1600, 900), "activity": (1600, None),
                "timeline": (1600, None)}
TIMELINE_KINDS = ("event", "flight", "ground-stay", "gap", "source")  # charts.timeline.KINDS


def _activity_height(rows: int) -> int:
    return max(420, min(2400, 170 + 90 * rows))


def _timeline_height(lanes: int) -> int:
    return max(520, min(2400, 200 + 130 * lanes))


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
@click.argument("kind", type=click.Choice(["map", "profile", "activity", "timeline"]))
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
@pass_context
def chart(ctx: Context, case: str, kind: str, flights: tuple[str, ...], aircraft: tuple[str, ...],
          t_from: str | None, t_to: str | None, output: str, width: int | None,
          height: int | None, zone: str, entities: tuple[str, ...], kinds: tuple[str, ...],
          tag: str | None) -> None:
    """Draw a map, a flight profile, the aircraft activity or the timeline of CASE as an image.

    The map shows the selected flights (all by default) on an offline basemap; the
    profile shows altitude and speed of one flight; the activity chart shows when each
    aircraft flew and where it stayed; the timeline shows events, flights, ground stays,
    coverage gaps and sources on one time axis (--tz, --entity, --kind and --tag are its
    own). Prints the path of the image written.
    """
    from ..charts.export import DEFAULT_DPI, chart_format
    from ..charts.selection import ChartRequest, export_chart

    chart_format(output)  # refuse a bad file name before any work
    start, end = _window(t_from, t_to)
    zone = user_zone(zone, "--tz")
    request = ChartRequest(flight_ids=flights or None, aircraft=aircraft or None, t_from=start,
                           t_to=end, all_flights=True, entities=entities, kinds=kinds or None,
                           tag=tag, zone=zone)
    default_w, default_h = DEFAULT_SIZE[kind]
    note = None
    with open_for_reading(ctx, case) as opened:
        data = request.load(kind, opened)
    if kind == "activity":
        if not any(r.flights or r.ground_stays for r in data.rows):
            note = "no flights or ground times match; the chart says so"
        default_h = _activity_height(len(data.rows))
    elif kind == "timeline":
        if not data.timeline.items:
            note = "nothing matches; the chart says so"
        default_h = _timeline_height(len(data.timeline.lanes))
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


TIMELINE_COLUMNS = [("kind", "Kind"), ("start", "Start (UTC)"), ("end", "End (UTC)"),
                    ("precision", "Precision"), ("lane", "Lane"), ("label", "Label"),
                    ("record_kind", "Record"), ("record_id", "Id")]
CSV_KEYS = ["kind", "start", "end", "precision", "zone", "label", "lane", "record_kind", "record_id",
            "published", "captured"]


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
    source also has its publication and capture times."""
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
        print_table(rows, TIMELINE_COLUMNS)
