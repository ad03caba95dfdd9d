"""The report command: a case explained in one HTML or PDF file, recorded in the case."""

from __future__ import annotations

import click

from ..timefmt import display_time
from .main import (Context, EXIT_VERIFY_FAILED, case_argument, cli, human_bytes, json_option,
                   open_for_reading, pass_context, print_json, print_listing, progress_bar)
from ..words import counted


@cli.command("report")
@case_argument
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The file to write: NAME.html (one self-contained file) or NAME.pdf. "
                   "Never written over.")
@click.option("--title", help="The report's title (default: the case's).")
@click.option("--banner", metavar="TEXT",
              help='A classification or handling banner on every page ("OFFICIAL-SENSITIVE").')
@click.option("--tag", metavar="TAG", help="Only the claims citing sources tagged TAG.")
@click.option("--claims", "claim_ids", multiple=True, metavar="ID",
              help="Only these claims (an id or a unique prefix; repeat, or separate by commas).")
@click.option("--appendix", is_flag=True, help="Append the full audit log.")
@click.option("--tz", "zone", default="UTC", show_default=True,
              help="The time zone times are shown in: UTC, an offset (+09:00) or an IANA name.")
@json_option
@pass_context
def report_command(ctx: Context, case: str, output: str, title: str | None, banner: str | None,
                   tag: str | None, claim_ids: tuple[str, ...], appendix: bool, zone: str,
                   as_json: bool) -> None:
    """Write a report of CASE for an editor, a lawyer or a court, as HTML or PDF.

    The case is verified first (a case that fails says so in large type on the first
    page); the report gives the findings with their evidence, the timeline, maps and link
    chart, the flights, every exhibit with its SHA-256, the chain of custody, and names the
    case's audit head. It is recorded in the case's reports register, and your key signs a
    checkpoint (reason: report). Exit 1 when the case failed verification."""
    from ..errors import InputError
    from ..report.model import ReportOptions
    from ..report.register import check_output, make_report
    from ..timefmt import user_zone
    from .custody import sign_after

    claims = tuple(c.strip() for typed in claim_ids for c in typed.split(",") if c.strip())
    if claims and tag:
        raise InputError("give --claims or --tag, not both")
    options = ReportOptions(title=title, banner=banner, tag=tag, claims=claims,
                            appendix=appendix, zone=user_zone(zone))
    check_output(output)   # before the case is even opened
    with open_for_reading(ctx, case) as opened:
        with progress_bar("Writing the report", not as_json) as progress:
            result = make_report(opened, output, options, progress=progress)
        if result.recorded and result.verified:
            sign_after(opened, "report")
    if opened.readonly:
        click.echo("osintdesk: note: the case is write-protected: the report is not recorded "
                   "in its register", err=True)
    if as_json:
        print_json(result.as_dict())
    else:
        pages = f"{counted(result.pages, 'page')}, " if result.pages else ""
        click.echo(f"Wrote {result.path} ({pages}{human_bytes(result.size)})")
        click.echo(f"SHA-256 {result.sha256}")
        click.echo(f"Names audit entry {result.audit_head['seq']} "
                   f"{result.audit_head['hash'][:16]}" +
                   ("; recorded in the case's reports register" if result.recorded else ""))
    if not result.verified:
        count = len(result.failures)
        click.echo(f"osintdesk: the case FAILED verification ({count} problem"
                   f"{'s' if count != 1 else ''}); the report says so on its first page", err=True)
        raise SystemExit(EXIT_VERIFY_FAILED)


@cli.command("reports")
@case_argument
@json_option
@pass_context
def reports_command(ctx: Context, case: str, as_json: bool) -> None:
    """The reports register of CASE: every report made from it, with its SHA-256 and the
    audit entry it names (hash a report file and compare, to tell it came from this case)."""
    from ..report.register import register_rows
    with open_for_reading(ctx, case) as opened:
        rows = register_rows(opened)
    print_listing(rows, as_json, "(no reports yet)", lambda row: (
        f"{display_time(row['made_utc'])}  {row['examiner']}  {row['file_name']}  entry "
        f"{row['audit_seq']}  {'verified' if row['verified'] else 'FAILED verification'}\n"
        f"    SHA-256 {row['sha256']}"))
