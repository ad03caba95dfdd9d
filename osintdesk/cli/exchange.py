"""Exchange commands: export-bundle and verify-bundle (see docs/exchange.md)."""

from __future__ import annotations

import sys

import click

from .main import (Context, case_argument, cli, human_bytes, json_option, open_for_reading,
                   pass_context, print_json, progress_bar)


@cli.command("export-bundle")
@case_argument
@click.argument("output", type=click.Path(dir_okay=False))
@click.option("--unsigned", is_flag=True,
              help="Do not sign (the receiver then cannot tell who made the bundle).")
@json_option
@pass_context
def export_bundle_command(ctx: Context, case: str, output: str, unsigned: bool,
                          as_json: bool) -> None:
    """Write CASE as one signed bundle file (OUTPUT, .osintbundle) for a colleague.

    The bundle holds every record, the evidence bytes, the whole audit log and a manifest
    of every member's SHA-256, signed with your examiner key in the minisign format. Your
    key first signs a checkpoint of the case (reason: export), and the export is logged.
    """
    from ..custody import checkpoints
    from ..exchange.export import export_bundle, log_export
    from .custody import examiner_signer

    signer = None if unsigned else examiner_signer()()
    with open_for_reading(ctx, case) as opened:
        if signer is not None and not opened.readonly:
            checkpoints.create(opened, signer, reason="export")
        with progress_bar("Exporting", not as_json) as progress:
            result = export_bundle(opened, output, signer=signer, progress=progress)
        if opened.readonly:
            click.echo("osintdesk: note: the case is write-protected: the export is not "
                       "logged in it", err=True)
        else:
            log_export(opened, result)
    if as_json:
        print_json(result.as_dict())
        return
    who = f"signed with key {result.signed_by}" if result.signed_by else "unsigned"
    click.echo(f"Wrote {result.path} ({human_bytes(result.size)}, {who})")
    click.echo(f"SHA-256 {result.sha256}")


@cli.command("verify-bundle")
@click.argument("bundle", type=click.Path())
@json_option
def verify_bundle_command(bundle: str, as_json: bool) -> None:
    """Check a bundle without any case: every member against the manifest, the manifest
    against its digest and signature, the audit chain, every record against its logged
    state. Exit 0 when all holds, 1 when something does not (each failure listed)."""
    from ..exchange.check import verify_bundle

    with progress_bar("Verifying", not as_json) as progress:
        report = verify_bundle(bundle, progress=progress)
    if as_json:
        print_json(report.as_dict())
    else:
        case = report.case
        signer = report.signer
        click.echo(f"Bundle   {report.path}")
        click.echo(f"Case     {case.get('title')} ({case.get('uuid')})")
        head = report.audit_head
        click.echo(f"History  {report.checked.get('audit_entries', 0)} audit entries, head "
                   f"#{head.get('seq')} {str(head.get('hash'))[:16]}")
        if signer.state == "trusted":
            who = f"trusted: {signer.name} (key {signer.key_id})"
        elif signer.state == "unknown":
            who = f"UNKNOWN key {signer.key_id}, fingerprint {signer.fingerprint}"
        elif signer.state == "invalid":
            who = f"INVALID: {signer.problem}"
        else:
            who = "unsigned"
        click.echo(f"Signer   {who} (exported by {signer.examiner!r})")
        click.echo(f"Checked  {report.checked.get('records', 0)} records, "
                   f"{report.checked.get('bulk_rows', 0)} bulk rows, "
                   f"{report.checked.get('evidence', 0)} evidence files")
        for note in report.notes:
            click.echo(f"Note: {note}")
        if report.ok:
            click.echo("OK: the bundle is intact and its records match their history")
        else:
            click.echo(f"FAILED: {len(report.failures)} problem(s)")
            for failure in report.failures:
                click.echo(f"  {failure}")
    sys.exit(0 if report.ok else 1)
