"""``osintdesk export CASE FORMAT -o OUT``: the case in the formats other tools open."""

from __future__ import annotations

import click

from .main import (Context, case_argument, cli, human_bytes, json_option, open_for_reading,
                   pass_context, print_json, print_table, progress_bar)
from ..errors import OsintdeskError
from ..timefmt import parse_user_time


@cli.command("export")
@case_argument
@click.argument("format_name", metavar="FORMAT")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The file to write (never overwritten: choose a new name).")
@click.option("--tag", metavar="TAG", help="Only the sources carrying TAG, what cites them "
              "and what that cites.")
@click.option("--aircraft", "aircraft", multiple=True, metavar="A",
              help="Only these aircraft (registration, Mode-S address or id; repeat).")
@click.option("--from", "t_from", metavar="D", help="Only what overlaps from D (UTC).")
@click.option("--to", "t_to", metavar="D", help="Only what overlaps until D (a bare date: "
              "the whole day).")
@click.option("--max-points", type=int, metavar="N", help="Reduce the tracks to about N "
              "points (kml, geojson): every k-th point, each covered stretch's first and last "
              "kept; the file and this command say so. Nothing is reduced without it.")
@json_option
@pass_context
def export_command(ctx: Context, case: str, format_name: str, output: str, tag: str | None,
                   aircraft: tuple[str, ...], t_from: str | None, t_to: str | None,
                   max_points: int | None, as_json: bool) -> None:
    """Write CASE (or the part the filters select) as FORMAT for another tool.

    Every export is logged in the case (format, file, counts, SHA-256) and signs a
    checkpoint; the file carries the case's id, the app version and the audit chain head
    where its format has a place for them. FORMAT: see `osintdesk export-formats`."""
    from pathlib import Path

    from ..exports.base import check_extension, log_export, make_scope, run_export
    from ..exports.registry import FORMATS, by_name
    from .custody import sign_after
    try:
        fmt = by_name(format_name)
    except KeyError:
        names = ", ".join(f.name for f in FORMATS) or "none yet"
        raise OsintdeskError(f"unknown export format {format_name!r} (formats: {names})"
                             ) from None
    check_extension(fmt, output)
    if Path(output).exists():
        raise OsintdeskError("exists already; choose another name (an export is never "
                             "overwritten)", path=output)
    start = parse_user_time(t_from, "--from") if t_from else None
    end = parse_user_time(t_to, "--to", end_of_day=True) if t_to else None
    if start is not None and end is not None and end < start:
        raise OsintdeskError(f"--to {t_to} is before --from {t_from}")
    with open_for_reading(ctx, case) as opened:
        scope = make_scope(opened, tag=tag, aircraft=list(aircraft) or None, t_from=start,
                           t_to=end, max_points=max_points)
        with progress_bar(f"Exporting {fmt.name}", not as_json) as progress:
            result = run_export(opened, fmt, output, scope, progress=progress)
        if not opened.readonly:
            log_export(opened, result)
            sign_after(opened, "export")
    if as_json:
        print_json(result.as_dict())
        return
    counted = ", ".join(f"{n} {k}" for k, n in result.counts.items())
    click.echo(f"Wrote {result.path} ({fmt.title}, {human_bytes(result.size)}: {counted})")
    for note in result.notes:
        click.echo(f"Note: {note}")


@cli.command("export-formats")
@json_option
def export_formats_command(as_json: bool) -> None:
    """The formats `osintdesk export` writes."""
    from ..exports.registry import FORMATS
    rows = [{"name": f.name, "extension": f.extension, "title": f.title} for f in FORMATS]
    if as_json:
        print_json(rows)
        return
    print_table([{**row, "extension": f".{row['extension']}"} for row in rows],
                [("name", "Format"), ("extension", "File"), ("title", "What it is for")])
