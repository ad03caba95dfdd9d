"""Commands on the case file itself: new, info, verify, log, export-original."""

from __future__ import annotations

import sys

import click

from .main import (EXIT_VERIFY_FAILED, Context, case_argument, cli, human_bytes, json_option,
                   open_for_reading, pass_context, print_json, progress_bar)
from ..timefmt import display_time
from ..words import counted


@cli.command()
@case_argument
@click.option("--title", required=True, help="The case title.")
@click.option("--number", help="Case or reference number.")
@click.option("--description", help="What the case is about.")
@json_option
@pass_context
def new(ctx: Context, case: str, title: str, number: str | None, description: str | None,
        as_json: bool) -> None:
    """Create a new case file CASE (.osintcase is added when missing)."""
    from ..store import Case
    with Case.create(case, title=title, number=number, description=description,
                     examiner=ctx.examiner) as created:
        meta = created.case_record()
        if as_json:
            print_json({"uuid": meta["uuid"], "path": str(created.path), "title": meta["title"],
                        "number": meta["number"], "examiner": ctx.examiner})
        else:
            click.echo(f"Created {created.path} ({created.title}), examiner {ctx.examiner}")


@cli.command()
@case_argument
@json_option
@pass_context
def info(ctx: Context, case: str, as_json: bool) -> None:
    """Show what a case holds: records, artifacts, examiners, audit chain head."""
    with open_for_reading(ctx, case) as opened:
        data = opened.info()
    if as_json:
        print_json(data)
        return
    title = data["title"] + (f" ({data['number']})" if data["number"] else "")
    rows = [
        ("Case", title),
        ("File", data["path"]),
        ("UUID", data["uuid"]),
        ("Created", f"{display_time(data['created_utc'])} by {data['created_by']} "
                    f"with osintdesk {data['created_with']}"),
        ("Examiners", ", ".join(data["examiners"])),
    ]
    counts = dict(data["counts"])
    audit_entries = counts.pop("audit_entries")
    artifacts = counts.pop("artifacts")
    rows.append(("Records", ", ".join(f"{k} {v}" for k, v in counts.items())))
    rows.append(("Artifacts", f"{artifacts} ({human_bytes(data['artifact_bytes'])})"))
    rows.append(("Audit log", f"{counted(audit_entries, 'entry', 'entries')}, head #{data['audit_head']['seq']} "
                              f"{data['audit_head']['hash']}"))
    last = data["last_verification"]
    rows.append(("Verified", "never" if last is None else
                 f"{'OK' if last['ok'] else 'FAILED'} at {display_time(last['time_utc'])} "
                 f"by {last['examiner']}"))
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        click.echo(f"{key:<{width}}  {value}")


@cli.command()
@case_argument
@json_option
@click.option("--receipt", "receipts", multiple=True, type=click.Path(dir_okay=False),
              help="Also check the case against a checkpoint receipt kept elsewhere.")
@pass_context
def verify(ctx: Context, case: str, as_json: bool, receipts: tuple[str, ...]) -> None:
    """Re-hash every artifact, walk the audit chain, check the database and every signed
    checkpoint.

    Exits 0 when everything holds and 1 when anything does not; the result is
    recorded in the case's audit log, and a result that holds is signed with your key
    (a checkpoint).
    """
    from ..custody.checkpoints import read_receipt
    from ..verification import verify_and_record
    from .custody import examiner_signer
    read = [read_receipt(path) for path in receipts]
    with open_for_reading(ctx, case) as opened:
        with progress_bar("Verifying", not as_json) as progress:
            report = verify_and_record(opened, progress=progress, receipts=read,
                                       signer=examiner_signer())
    if as_json:
        print_json(report.as_dict())
    else:
        checked = report.checked
        summary = (f"{counted(checked.get('artifacts', 0), 'artifact')} re-hashed, "
                   f"{counted(checked.get('audit_entries', 0), 'audit entry', 'audit entries')}, "
                   f"{counted(checked.get('records', 0), 'record')} checked")
        if report.ok:
            click.echo(f"OK: {report.path}: {summary}")
        else:
            click.echo(f"FAILED: {report.path}: {counted(len(report.failures), 'problem')}; {summary}")
            for failure in report.failures:
                click.echo(f"  - {failure}")
        for note in report.notes:
            click.echo(f"Note: {note}")
        if report.checkpoint:
            click.echo(f"Signed checkpoint of entry {report.checkpoint['audit_seq']} with key "
                       f"{report.checkpoint['key_id']}")
        if report.recorded_note:
            click.echo(f"Note: {report.recorded_note}", err=True)
    if not report.ok:
        sys.exit(EXIT_VERIFY_FAILED)


@cli.command("log")
@case_argument
@json_option
@click.option("--limit", type=int, help="Show only the last N entries.")
@pass_context
def log_command(ctx: Context, case: str, as_json: bool, limit: int | None) -> None:
    """Print the case's audit log (chain of custody)."""
    with open_for_reading(ctx, case) as opened:
        after = max(0, opened.audit_count() - limit) if limit else 0
        entries = [e.as_dict() for e in opened.audit_entries(after_seq=after)]
    if as_json:
        print_json(entries)
        return
    for e in entries:
        click.echo(f"#{e['seq']:<5} {display_time(e['time_utc'])}  {e['examiner']:<16} "
                   f"{e['action']:<8} {_entry_object(e)}")


def _entry_object(entry: dict) -> str:
    """What an entry is about, for the text log: its object, else the file it wrote or
    read (a bundle merged or exported: its name and short SHA-256)."""
    if entry["object_type"]:
        return f"{entry['object_type']} {entry['object_id']}"
    details = entry.get("details") or {}
    name = details.get("bundle") or details.get("file") if isinstance(details, dict) else None
    if name and details.get("sha256"):
        return f"{name} {str(details['sha256'])[:12]}"
    return ""


@cli.command("export-original")
@case_argument
@click.argument("sha256")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Where to save the exact stored bytes.")
@pass_context
def export_original(ctx: Context, case: str, sha256: str, output: str) -> None:
    """Save the exact stored bytes of an artifact (by its SHA-256) to a file."""
    from .custody import sign_after
    with open_for_reading(ctx, case) as opened:
        dest = opened.export_artifact(sha256.lower(), output)
        sign_after(opened, "export")
    click.echo(f"Saved {dest}")


