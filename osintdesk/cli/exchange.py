"""Exchange commands: export-bundle and verify-bundle (see docs/exchange.md)."""

from __future__ import annotations

import sys

import click

from .main import (Context, case_argument, cli, human_bytes, json_option, json_refusals,
                   open_for_reading, pass_context, print_json, progress_bar)
from ..words import counted


@cli.command("export-bundle")
@case_argument
@click.argument("output", type=click.Path(dir_okay=False))
@click.option("--unsigned", is_flag=True,
              help="Do not sign (the receiver then cannot tell who made the bundle).")
@click.option("--tag", metavar="TAG",
              help="Only the sources carrying TAG and everything that makes them complete "
                   "(what cites them, what that cites: captures, evidence, aircraft, flights).")
@json_option
@pass_context
def export_bundle_command(ctx: Context, case: str, output: str, unsigned: bool,
                          tag: str | None, as_json: bool) -> None:
    """Write CASE as one signed bundle file (OUTPUT, .osintbundle) for a colleague.

    The bundle holds every record, the evidence bytes, the whole audit log and a manifest
    of every member's SHA-256, signed with your examiner key in the minisign format. Your
    key first signs a checkpoint of the case (reason: export), and the export is logged.
    """
    from ..custody import checkpoints
    from ..exchange.export import check_bundle_name, export_bundle, log_export
    from .custody import examiner_signer

    with json_refusals(as_json, output):
        check_bundle_name(output)
        signer = None if unsigned else examiner_signer()()
    with json_refusals(as_json, output), open_for_reading(ctx, case) as opened, \
            progress_bar("Exporting", not as_json) as progress:
        if opened.readonly:
            result = export_bundle(opened, output, signer=signer, tag=tag, progress=progress)
            click.echo("osintdesk: note: the case is write-protected: the export is not "
                       "logged in it", err=True)
        else:
            # One transaction, as the window does it: an export that fails or is
            # interrupted leaves no checkpoint and no entry (and no file) behind, and the
            # bundle holds the checkpoint it was made after.
            with opened.transaction():
                if signer is not None:
                    checkpoints.create(opened, signer, reason="export")
                result = export_bundle(opened, output, signer=signer, tag=tag,
                                       progress=progress)
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
    state. Exit 0 when all holds, 1 when something does not (each failure listed), 2 when
    BUNDLE cannot be read as a bundle (an ordinary ZIP, another file)."""
    from ..exchange.check import verify_bundle

    with json_refusals(as_json, bundle), progress_bar("Verifying", not as_json) as progress:
        report = verify_bundle(bundle, progress=progress)
    if as_json:
        print_json(report.as_dict())
    else:
        case = report.case
        signer = report.signer
        click.echo(f"Bundle   {report.path}")
        click.echo(f"Case     {case.get('title')} ({case.get('uuid')})")
        head = report.audit_head
        click.echo(f"History  {counted(report.checked.get('audit_entries', 0), 'audit entry', 'audit entries')}, head "
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
        click.echo(f"Checked  {counted(report.checked.get('records', 0), 'record')}, "
                   f"{counted(report.checked.get('bulk_rows', 0), 'bulk row')}, "
                   f"{counted(report.checked.get('evidence', 0), 'evidence file')}")
        for note in report.notes:
            click.echo(f"Note: {note}")
        if report.ok:
            click.echo("OK: the bundle is intact and its records match their history")
        else:
            click.echo(f"FAILED: {counted(len(report.failures), 'problem')}")
            for failure in report.failures:
                click.echo(f"  {failure}")
    sys.exit(0 if report.ok else 1)


@cli.command("merge")
@case_argument
@click.argument("bundle", type=click.Path())
@click.option("--dry-run", is_flag=True, help="Only show what would be added and what conflicts.")
@click.option("--accept-unsigned", is_flag=True, help="Merge a bundle nobody signed.")
@click.option("--accept-unknown-signer", is_flag=True,
              help="Merge a bundle signed by a key you have not trusted.")
@json_option
@pass_context
def merge_command(ctx: Context, case: str, bundle: str, dry_run: bool, accept_unsigned: bool,
                  accept_unknown_signer: bool, as_json: bool) -> None:
    """Merge a colleague's BUNDLE into CASE: verified first, then all or nothing.

    Evidence is added by SHA-256; records are the union of their versions; a record
    changed differently in both cases becomes a conflict that stays visible until settled
    with `osintdesk resolve`. The merge is one entry in the audit log naming the bundle."""
    from ..exchange.merge import merge_bundle
    from .main import open_case

    with json_refusals(as_json, bundle), open_case(ctx, case, readonly=dry_run) as opened, \
            progress_bar("Merging", not as_json) as progress:
        result = merge_bundle(opened, bundle, accept_unsigned=accept_unsigned,
                              accept_unknown_signer=accept_unknown_signer, dry_run=dry_run,
                              progress=progress)
    data = result.as_dict()
    if as_json:
        print_json(data)
        return
    if data["nothing_new"] and not dry_run:
        click.echo(f"Nothing new: the case already holds everything in {data['bundle']} "
                   "(nothing was written or logged)")
        return
    verb = "Merged" if result.merged else "Would merge"
    click.echo(f"{verb} {data['bundle']} from case {data['case'].get('title')!r} "
               f"(signer: {data['signer']['state']}, {data['signer']['examiner']!r})")
    click.echo(f"  {data['new_versions']} new record versions, {data['new_evidence']} evidence "
               f"files, {data['new_flight_files']} flight files")
    for kind, actions in sorted(data["records"].items()):
        click.echo(f"  {kind}: " + ", ".join(f"{n} {a}" for a, n in sorted(actions.items())))
    if data["identifiers"].get("added"):
        click.echo(f"  identifiers: {data['identifiers']['added']} add, in "
                   f"{counted(data['identifiers']['captures'], 'capture')}")
    for conflict in data["conflicts"]:
        click.echo(f"  CONFLICT {conflict['kind']} {conflict['key']}: "
                   f"{len(conflict['versions'])} versions ('osintdesk conflicts' shows them)")
    for same in data["same_as"]:
        click.echo(f"  SAME {same['kind']} {same['key']} is {same['same_as']} here "
                   f"({same['identity']}): kept once, its versions kept too")
    if result.merged:
        click.echo(f"Logged as audit entry {data['audit_seq']}")


@cli.command("conflicts")
@case_argument
@json_option
@pass_context
def conflicts_command(ctx: Context, case: str, as_json: bool) -> None:
    """Records changed differently in two merged cases: every version side by side."""
    from ..exchange.conflicts import differing_fields, flat_state, list_conflicts
    from ..timefmt import display_time
    with open_for_reading(ctx, case) as opened:
        found = list_conflicts(opened)
    if as_json:
        print_json(found)
        return
    if not found:
        click.echo("No conflicts.")
    for conflict in found:
        _, differing = differing_fields(conflict["heads"])
        click.echo(f"{conflict['kind']} {conflict['key']}: {len(conflict['heads'])} versions "
                   f"differ in {', '.join(sorted(differing)) or 'nothing shown'}")
        for head in conflict["heads"]:
            shown = " (shown)" if head["version"] == conflict["shown"] else ""
            where = f" in “{head['origin_title']}”" if head.get("origin_title") else ""
            click.echo(f"  {head['version'][:12]}{shown}  by {head['examiner']}{where}, "
                       f"{display_time(head['created_utc'])}")
            if head.get("reason"):
                click.echo(f"      reason given: {head['reason']}")
            flat = flat_state(head["state"]) or {}
            for field in sorted(differing):
                value = "(deleted)" if head["deleted"] else _value_text(flat.get(field))
                click.echo(f"      {field}: {value}")


def _value_text(value) -> str:
    """A field's value as one line: an FtM property's values joined, anything else as JSON."""
    import json
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "; ".join(value)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@cli.command("resolve")
@case_argument
@click.argument("record")
@click.option("--keep", required=True, metavar="VERSION",
              help="The version to keep (its id or first characters; `conflicts` lists them).")
@click.option("--reason", help="Why (kept in the audit log).")
@json_option
@pass_context
def resolve_command(ctx: Context, case: str, record: str, keep: str, reason: str | None,
                    as_json: bool) -> None:
    """Settle a conflict: a new version of RECORD that replaces every version in conflict."""
    from ..exchange.conflicts import resolve
    from .main import open_case
    with open_case(ctx, case) as opened:
        result = resolve(opened, record, keep, reason=reason)
    if as_json:
        print_json(result)
        return
    click.echo(f"Settled {result['kind']} {result['key']}: kept {result['kept'][:12]} "
               f"(new version {result['version'][:12]})")
