"""The ``osintdesk`` command line: each command is a few lines that call the domain packages.

Errors a user can cause print one line on stderr and exit non-zero (2 for bad input,
1 when a verification fails); ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import click

from . import __version__
from .errors import Cancelled, OsintdeskError
from .settings import resolve_examiner

EXIT_VERIFY_FAILED = 1


@dataclass
class Context:
    examiner: str
    debug: bool


class OsintdeskGroup(click.Group):
    """Turns user-caused errors into one clear line instead of a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except OsintdeskError as exc:
            if _debug_requested(ctx):
                raise
            click.echo(f"osintdesk: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except Cancelled:
            click.echo("osintdesk: cancelled; nothing was changed", err=True)
            ctx.exit(130)


def _debug_requested(ctx: click.Context) -> bool:
    obj = ctx.find_object(Context)
    return bool(obj and obj.debug) or "--debug" in sys.argv


@click.group(cls=OsintdeskGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="osintdesk")
@click.option("--examiner", metavar="NAME",
              help="Who is working (default: $OSINTDESK_EXAMINER, the settings, the login name).")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, examiner: str | None, debug: bool) -> None:
    """osintdesk: build an evidentiary case file offline.

    With no command, opens the window.
    """
    ctx.obj = Context(examiner=resolve_examiner(examiner), debug=debug)
    if ctx.invoked_subcommand is None:
        ctx.exit(_run_gui(ctx.obj, None))


pass_context = click.make_pass_decorator(Context)


def _open(ctx: Context, path: str, *, readonly: bool = False):
    from .store import Case
    return Case.open(path, examiner=ctx.examiner, readonly=readonly)


def _open_for_reading(ctx: Context, path: str):
    """Inspecting commands also work on a write-protected case."""
    from .store.header import is_writable
    return _open(ctx, path, readonly=not is_writable(Path(path)))


def _print_json(value) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


@contextmanager
def progress_bar(label: str, enabled: bool = True) -> Iterator[Callable[[int, int | None], None]]:
    """A progress callback for long work: a bar on a terminal, silent otherwise."""
    if not enabled or not sys.stderr.isatty():
        yield lambda done, total: None
        return
    state = {"bar": None, "done": 0}
    try:
        def update(done: int, total: int | None) -> None:
            if total and state["bar"] is None:
                state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr)
                state["bar"].__enter__()
            if state["bar"] is not None:
                state["bar"].update(max(0, done - state["done"]))
                state["done"] = done
        yield update
    finally:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)


def _print_table(rows: list[dict], columns: list[tuple[str, str]]) -> None:
    if not rows:
        click.echo("(none)")
        return
    def cell(value) -> str:
        if isinstance(value, float):
            return f"{value:,.0f}"
        return "" if value is None else str(value)
    table = [[title for _, title in columns]] + [[cell(r.get(k)) for k, _ in columns]
                                                   for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(columns))]
    for line in table:
        click.echo("  ".join(v.ljust(w) for v, w in zip(line, widths)).rstrip())


def human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{int(size)} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} bytes"


# ------------------------------------------------------------------ commands


@cli.command()
@click.argument("case", type=click.Path(dir_okay=False))
@click.option("--title", required=True, help="The case title.")
@click.option("--number", help="Case or reference number.")
@click.option("--description", help="What the case is about.")
@pass_context
def new(ctx: Context, case: str, title: str, number: str | None, description: str | None) -> None:
    """Create a new case file CASE (.osintcase is added when missing)."""
    from .store import Case
    with Case.create(case, title=title, number=number, description=description,
                     examiner=ctx.examiner) as created:
        click.echo(f"Created {created.path} ({created.title}), examiner {ctx.examiner}")


@cli.command()
@click.argument("case", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@pass_context
def info(ctx: Context, case: str, as_json: bool) -> None:
    """Show what a case holds: records, artifacts, examiners, audit chain head."""
    with _open_for_reading(ctx, case) as opened:
        data = opened.info()
    if as_json:
        _print_json(data)
        return
    title = data["title"] + (f" ({data['number']})" if data["number"] else "")
    rows = [
        ("Case", title),
        ("File", data["path"]),
        ("UUID", data["uuid"]),
        ("Created", f"{data['created_utc']} by {data['created_by']} "
                    f"with osintdesk {data['created_with']}"),
        ("Examiners", ", ".join(data["examiners"])),
    ]
    counts = dict(data["counts"])
    audit_entries = counts.pop("audit_entries")
    artifacts = counts.pop("artifacts")
    rows.append(("Records", ", ".join(f"{k} {v}" for k, v in counts.items())))
    rows.append(("Artifacts", f"{artifacts} ({human_bytes(data['artifact_bytes'])})"))
    rows.append(("Audit log", f"{audit_entries} entries, head #{data['audit_head']['seq']} "
                              f"{data['audit_head']['hash']}"))
    last = data["last_verification"]
    rows.append(("Verified", "never" if last is None else
                 f"{'OK' if last['ok'] else 'FAILED'} at {last['time_utc']} by {last['examiner']}"))
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        click.echo(f"{key:<{width}}  {value}")


@cli.command()
@click.argument("case", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@pass_context
def verify(ctx: Context, case: str, as_json: bool) -> None:
    """Re-hash every artifact, walk the audit chain, check the database.

    Exits 0 when everything holds and 1 when anything does not; the result is
    recorded in the case's audit log.
    """
    from .store import verify_and_record
    with _open_for_reading(ctx, case) as opened:
        with progress_bar("Verifying", not as_json) as progress:
            report = verify_and_record(opened, progress=progress)
    if as_json:
        _print_json(report.as_dict())
    else:
        checked = report.checked
        summary = (f"{checked.get('artifacts', 0)} artifacts re-hashed, "
                   f"{checked.get('audit_entries', 0)} audit entries, "
                   f"{checked.get('records', 0)} records checked")
        if report.ok:
            click.echo(f"OK: {report.path}: {summary}")
        else:
            click.echo(f"FAILED: {report.path}: {len(report.failures)} problem(s); {summary}")
            for failure in report.failures:
                click.echo(f"  - {failure}")
        if report.recorded_note:
            click.echo(f"Note: {report.recorded_note}", err=True)
    if not report.ok:
        sys.exit(EXIT_VERIFY_FAILED)


@cli.command("log")
@click.argument("case", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.option("--limit", type=int, help="Show only the last N entries.")
@pass_context
def log_command(ctx: Context, case: str, as_json: bool, limit: int | None) -> None:
    """Print the case's audit log (chain of custody)."""
    with _open_for_reading(ctx, case) as opened:
        after = max(0, opened.audit_count() - limit) if limit else 0
        entries = [e.as_dict() for e in opened.audit_entries(after_seq=after)]
    if as_json:
        _print_json(entries)
        return
    for e in entries:
        obj = f"{e['object_type']} {e['object_id']}" if e["object_type"] else ""
        click.echo(f"#{e['seq']:<5} {e['time_utc']}  {e['examiner']:<16} {e['action']:<8} {obj}")


@cli.command("export-original")
@click.argument("case", type=click.Path(dir_okay=False))
@click.argument("sha256")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Where to save the exact stored bytes.")
@pass_context
def export_original(ctx: Context, case: str, sha256: str, output: str) -> None:
    """Save the exact stored bytes of an artifact (by its SHA-256) to a file."""
    with _open_for_reading(ctx, case) as opened:
        dest = opened.export_artifact(sha256.lower(), output)
    click.echo(f"Saved {dest}")


@cli.command()
@click.argument("case", required=False, type=click.Path(dir_okay=False))
@pass_context
def gui(ctx: Context, case: str | None) -> None:
    """Open the window (optionally with CASE)."""
    sys.exit(_run_gui(ctx, case))


def _run_gui(ctx: Context, case: str | None) -> int:
    from .app import run  # Qt is imported only when the window is wanted
    return run(case, examiner=ctx.examiner)


# Commands of each capability live in their own module and register on ``cli`` here.
from . import cli_charts, cli_flights, cli_sources  # noqa: E402,F401


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="osintdesk")


if __name__ == "__main__":
    main()
