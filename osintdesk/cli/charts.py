"""Command-line charts: ``osintdesk chart CASE map|profile|activity -o FILE.png|svg|pdf``."""

from __future__ import annotations

import click

from .main import Context, case_argument, cli, open_for_reading, pass_context
from ..errors import OsintdeskError
from ..timefmt import parse_user_time

# Default image sizes in pixels (at 100 dpi): wide enough for a report page.
DEFAULT_SIZE = {"map": (1600, 1000), "profile": (1600, 900), "activity": (1600, None)}


def _activity_height(rows: int) -> int:
    return max(420, min(2400, 170 + 90 * rows))


@cli.command("chart")
@case_argument
@click.argument("kind", type=click.Choice(["map", "profile", "activity"]))
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
@pass_context
def chart(ctx: Context, case: str, kind: str, flights: tuple[str, ...], aircraft: str | None,
          t_from: str | None, t_to: str | None, output: str, width: int | None,
          height: int | None) -> None:
    """Draw a map, a flight profile or the aircraft activity of CASE as an image.

    The map shows the selected flights (all by default) on an offline basemap; the
    profile shows altitude and speed of one flight; the activity chart shows when each
    aircraft flew and where it stayed. Prints the path of the image written.
    """
    from ..charts.export import DEFAULT_DPI, chart_format
    from ..charts.selection import ChartRequest, export_chart

    chart_format(output)  # refuse a bad file name before any work
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
