"""Command-line commands for flight records: import-flights, flights, aircraft, formats."""

from __future__ import annotations

import sys

import click

from .main import (Context, case_argument, cli, json_option, open_case, open_for_reading,
                   pass_context, print_json, print_table, progress_bar)
from .. import timefmt
from ..errors import CaseBusyError, OsintdeskError
from ..words import counted

@cli.command("import-flights")
@case_argument
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", metavar="NAME",
              help="Read the files as this format (see `osintdesk formats`); default: detect.")
@click.option("--aircraft", metavar="REG_OR_HEX",
              help="The aircraft, for files that do not name it (e.g. RA-86496 or 155abc); "
                   "for daily tar archives (adsb.lol globe_history), the aircraft whose "
                   "traces to read from them.")
@click.option("--mapping", metavar="PRESET",
              help="Column-mapping preset for --format csv-mapped.")
@json_option
@pass_context
def import_flights(ctx: Context, case: str, files: tuple[str, ...], fmt: str | None,
                   aircraft: str | None, mapping: str | None, as_json: bool) -> None:
    """Import flight-tracking files (FlightRadar24, ADS-B Exchange/readsb, OpenSky, KML, GPX,
    traffic...) and daily trace archives (tar, with --aircraft).

    Each file is all or nothing; a file imported before adds nothing. Rows that cannot be
    read are skipped and counted by reason.
    """
    from ..flights.archives import is_archive
    from ..flights.ingest import import_flight_file, import_order
    if mapping and fmt is None:
        fmt = "csv-mapping"
    archives = [f for f in files if is_archive(f)]
    files = tuple(f for f in files if f not in archives)
    if archives and not aircraft:
        click.echo(f"osintdesk: error: {archives[0]}: is a tar archive; name the aircraft to "
                   "read from it with --aircraft HEX_OR_REGISTRATION", err=True)
        sys.exit(2)
    planned, options = import_order(files, fmt, {"preset": mapping} if mapping else None)
    results, failed = [], False
    with open_case(ctx, case) as opened:
        if archives:
            failed = _import_archives(opened, archives, aircraft, results, as_json)
        for path, found in planned:
            name = str(path)
            try:
                with progress_bar(f"Importing {path.name}", not as_json) as progress:
                    result = import_flight_file(opened, name, fmt=found, aircraft=aircraft,
                                                options=options, progress=progress)
                results.append(result.as_dict())
            except CaseBusyError:
                raise   # the next file would wait as long again
            except OsintdeskError as exc:
                failed = True
                results.append({"file": name, "error": str(exc)})
                if not as_json:
                    click.echo(f"osintdesk: error: {exc}", err=True)
    if as_json:
        print_json(results)
    else:
        for r in results:
            if "error" in r or "archive_sha256" in r:
                continue
            if r["already_imported"]:
                click.echo(f"{r['file']}: {r['message']}")
                continue
            line = (f"{r['file']}: {r['format']}, {counted(r['points'], 'point')}, {counted(r['flights'], 'flight')}, "
                    f"aircraft {', '.join(r['aircraft'])}")
            if r["duplicates"]:
                line += f"; {counted(r['duplicates'], 'duplicate')} dropped"
            if r.get("sightings"):
                line += f"; {r['sightings']} aircraft seen without a position (kept as sightings)"
            if r["skipped"]:
                line += f"; {counted(r['skipped'], 'record')} skipped"
            click.echo(line)
            for reason, info in r["skipped_reasons"].items():
                click.echo(f"  skipped {info['count']}× (first at record {info['first_record']}): "
                           f"{reason}")
            for warning in r.get("warnings", ()):
                click.echo(f"osintdesk: warning: {r['file']}: {warning}", err=True)
    if failed:
        sys.exit(2)


def _import_archives(opened, archives: list[str], aircraft: str, results: list,
                     as_json: bool) -> bool:
    """Read one aircraft's traces from daily archives; True when an archive failed."""
    from ..flights.archives import import_aircraft_from_archives
    with progress_bar(f"Reading {counted(len(archives), 'archive')}", not as_json) as progress:
        found = import_aircraft_from_archives(opened, archives, aircraft, progress=progress)
    failed = False
    for r in found:
        results.append(r.as_dict())
        if r.error:
            failed = True
            if not as_json:
                click.echo(f"osintdesk: error: {r.error}", err=True)
        elif not as_json:
            names = ", ".join(m["member"] for m in r.members) or r.message
            line = f"{r.file}: {counted(r.points, 'point')} from {names}"
            if r.skipped:
                line += f"; {counted(r.skipped, 'record')} skipped"
            already = sum(1 for m in r.members if m["already_imported"])
            if already:
                line += f"; {counted(already, 'member')} imported before"
            click.echo(line)
    return failed


FLIGHT_COLUMNS = [("aircraft", "Aircraft"), ("callsigns", "Callsigns"), ("origin", "From"),
                  ("destination", "To"), ("departure_utc", "Departure (UTC)"),
                  ("arrival_utc", "Arrival (UTC)"), ("duration_s", "Duration"),
                  ("distance_km", "km"), ("max_alt_ft", "Max ft"), ("gap_count", "Gaps"),
                  ("uuid", "Flight")]


@cli.command("flights")
@case_argument
@click.option("--aircraft", metavar="REG_OR_HEX", help="Only this aircraft.")
@json_option
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV.")
@pass_context
def flights_command(ctx: Context, case: str, aircraft: str | None, as_json: bool,
                    as_csv: bool) -> None:
    """List the flights in a case, in time order."""
    from ..flights import queries
    with open_for_reading(ctx, case) as opened:
        # A mistyped registration raises: it must not read as "this aircraft never flew".
        planes = queries.resolve_aircraft(opened, aircraft) if aircraft else None
        rows = queries.select_flights(opened, aircraft_uuids=planes)
        if as_json:
            for row in rows:
                row["gaps"] = queries.gaps(opened, row["uuid"])
    if as_json:
        print_json(rows)
    elif as_csv:
        import csv
        writer = csv.writer(sys.stdout)
        keys = ["uuid", "aircraft", "hex", "registration", "callsigns", "flight_number", "origin",
                "origin_distance_km", "destination", "destination_distance_km", "departure_utc",
                "arrival_utc", "duration_s", "distance_km", "max_alt_ft", "point_count",
                "gap_count"]
        writer.writerow(keys)
        for row in rows:
            writer.writerow([row.get(k) for k in keys])
    else:
        print_table(rows, FLIGHT_COLUMNS)


@cli.command("aircraft")
@case_argument
@json_option
@pass_context
def aircraft_command(ctx: Context, case: str, as_json: bool) -> None:
    """List the aircraft in a case, with their flights, ground times and sightings.

    With --json, ``ground_times`` holds each stay as a sentence in the record forms
    (``... from 2024-01-02T15:28:23Z to 2024-01-04T18:38:23Z, 2 d 3 h``), a data contract;
    the text shows the sentence people read. ``sightings`` lists the times the aircraft
    was heard without a position (``t`` in the record form, callsign, squawk, file).
    """
    from ..flights import queries
    from ..flights.sightings import sentence, sightings
    with open_for_reading(ctx, case) as opened:
        rows = queries.aircraft(opened)
        stays: dict[str, list[dict]] = {}
        for g in queries.ground_times(opened):
            stays.setdefault(g["aircraft_uuid"], []).append(g)
        heard: dict[str, list[dict]] = {}
        for s in sightings(opened):
            heard.setdefault(s["aircraft_uuid"], []).append(s)
    if as_json:
        for row in rows:
            row["ground_times"] = [queries.record_sentence(g) for g in stays.get(row["uuid"], [])]
            row["sightings"] = [
                {"t": timefmt.record_time(s["t"]), "hex": s["hex"], "callsign": s["callsign"],
                 "squawk": s["squawk"], "file": s["file"], "uuid": s["uuid"]}
                for s in heard.get(row["uuid"], [])]
        print_json(rows)
        return
    for row in rows:
        ident = ", ".join(x for x in (
            row["registration"], row["hex"] and f"hex {row['hex']}", row["type_code"],
            row["type_name"], row["operator"]) if x)
        countries = ", ".join(x for x in (
            row["registration_country"] and f"registered in {row['registration_country']}",
            row["hex_country"] and f"address block {row['hex_country']}"
            + (" (military)" if row["hex_military"] else "")) if x)
        ident = ident or "the files name no identity (import with --aircraft REG_OR_HEX)"
        click.echo(f"{row['label']}: {ident}" + (f"; {countries}" if countries else ""))
        click.echo(f"  {counted(row['flights'], 'flight')}, {counted(row['points'], 'point')}, "
                   f"{timefmt.display_time(row['first_t']) or '-'} to "
                   f"{timefmt.display_time(row['last_t']) or '-'}")
        for stay in stays.get(row["uuid"], []):
            click.echo(f"  {stay['description']}")
        for s in heard.get(row["uuid"], []):
            click.echo(f"  {sentence(s)}")


@cli.command("formats")
@json_option
def formats(as_json: bool) -> None:
    """List the flight-file formats osintdesk reads."""
    from ..flights import importers
    rows = [{"name": m.NAME, "version": str(m.VERSION), "extensions": list(m.EXTENSIONS),
             "description": m.DESCRIPTION} for m in importers.IMPORTERS]
    if as_json:
        print_json(rows)
        return
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        click.echo(f"{r['name']:<{width}}  {r['description']}")


@cli.group("csv-mapping")
def csv_mapping() -> None:
    """Named column mappings for CSV files in no format osintdesk knows."""


@csv_mapping.command("save")
@click.argument("name")
@click.option("--time", "time_col", required=True, help="Column holding the time.")
@click.option("--lat", required=True, help="Column holding latitude (degrees).")
@click.option("--lon", required=True, help="Column holding longitude (degrees).")
@click.option("--time-format", default="iso", show_default=True,
              help="iso, epoch_s, epoch_ms or a strptime pattern.")
@click.option("--utc-offset", "utc_offset_s", type=float, default=0.0,
              help="Offset from UTC in seconds of times written without a zone.")
@click.option("--alt", help="Altitude column.")
@click.option("--alt-unit", default="ft", show_default=True)
@click.option("--speed", help="Ground-speed column.")
@click.option("--speed-unit", default="kt", show_default=True)
@click.option("--track", help="Track/heading column (degrees).")
@click.option("--vrate", help="Vertical-rate column.")
@click.option("--vrate-unit", default="ft/min", show_default=True)
@click.option("--callsign", help="Callsign column.")
@click.option("--squawk", help="Squawk column.")
@click.option("--hex", "hex_col", help="ICAO 24-bit address column.")
@click.option("--on-ground", help="On-ground flag column.")
@click.option("--delimiter", default=",", show_default=True)
def csv_mapping_save(name: str, time_col: str, hex_col: str | None, **fields) -> None:
    """Save (or replace) the column mapping NAME."""
    from ..flights.mapping import ColumnMapping, save_preset
    mapping = ColumnMapping.from_dict({"time": time_col, "hex": hex_col, **fields})
    save_preset(name, mapping)
    click.echo(f"Saved column mapping {name!r}")


@csv_mapping.command("list")
@json_option
def csv_mapping_list(as_json: bool) -> None:
    """List the saved column mappings."""
    from ..flights.mapping import list_presets
    presets = {name: m.to_dict() for name, m in list_presets().items()}
    if as_json:
        print_json(presets)
        return
    for name, m in presets.items():
        cols = ", ".join(f"{k}={v}" for k, v in m.items() if v not in (None, "") and k in (
            "time", "lat", "lon", "alt", "speed", "track", "callsign", "hex"))
        click.echo(f"{name}: {cols} (time format {m['time_format']})")
    if not presets:
        click.echo("(none)")


@csv_mapping.command("delete")
@click.argument("name")
def csv_mapping_delete(name: str) -> None:
    """Delete the column mapping NAME."""
    from ..flights.mapping import delete_preset
    delete_preset(name)
    click.echo(f"Deleted column mapping {name!r}")


@cli.command("fetch-flights")
@case_argument
@click.option("--aircraft", required=True, metavar="HEX_OR_REG",
              help="The aircraft: its Mode-S hex, or a registration already in the case.")
@click.option("--from", "t_from", required=True, metavar="D",
              help="From this date or date-time (ISO 8601, UTC).")
@click.option("--to", "t_to", required=True, metavar="D",
              help="To this date or date-time (a bare date includes that whole day).")
@click.option("--source", default="opensky", show_default=True, type=click.Choice(["opensky"]),
              help="Where to ask.")
@click.option("--user", metavar="U",
              help="OpenSky user name; the password is asked (or read from "
                   "$OSINTDESK_OPENSKY_PASSWORD) and both are kept in your settings, never "
                   "in the case.")
@click.option("--proxy", metavar="URL",
              help="http://, https:// or socks5h:// proxy (socks5h://127.0.0.1:9050 for Tor).")
@click.option("--api", "api_url", metavar="URL", hidden=True,
              help="The API's base URL (default: OpenSky's).")
@json_option
@pass_context
def fetch_flights_command(ctx: Context, case: str, aircraft: str, t_from: str, t_to: str,
                          source: str, user: str | None, proxy: str | None, api_url: str | None,
                          as_json: bool) -> None:
    """Ask OpenSky for an aircraft's flights and tracks; each answer is captured as evidence
    (body, WARC, URL, time, proxy) and the tracks are imported."""
    import os

    import requests

    from ..flights.fetch import OPENSKY_API, fetch_flights, save_credentials, saved_credentials
    from ..sources.settings import load_capture_settings, with_overrides
    start = timefmt.parse_user_time(t_from, "--from")
    end = timefmt.parse_user_time(t_to, "--to", end_of_day=True)
    settings = with_overrides(load_capture_settings(), proxy=proxy)
    if user:
        password = os.environ.get("OSINTDESK_OPENSKY_PASSWORD") or click.prompt(
            f"OpenSky password for {user}", hide_input=True, err=True)
        save_credentials(user, password)
    credentials = saved_credentials()
    with open_case(ctx, case) as opened, requests.Session() as session:
        if credentials:
            session.auth = credentials
        with progress_bar("Fetching", not as_json) as progress:
            result = fetch_flights(opened, aircraft, start, end, session=session,
                                   settings=settings, source=source,
                                   base_url=api_url or OPENSKY_API, progress=progress)
    if as_json:
        print_json(result.as_dict())
        return
    click.echo(f"{result.aircraft_hex}: {counted(result.flights_listed, 'flight')} listed by {source}, "
               f"{counted(len(result.imports), 'track')} imported, {counted(result.points, 'point')}; "
               f"{counted(len(result.captures), 'answer')} captured")
