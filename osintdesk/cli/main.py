"""The ``osintdesk`` command line: each command is a few lines that call the domain packages.

Errors a user can cause print one line on stderr and exit non-zero (2 for bad input,
1 when a verification fails); ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import click

from .. import __version__
from ..errors import Cancelled, OsintdeskError
from ..settings import resolve_examiner
from ..timefmt import display_field

EXIT_VERIFY_FAILED = 1
EXIT_BUSY = 2


@dataclass
class Context:
    examiner: str
    debug: bool
    wait_s: float = 60.0


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
        except sqlite3.OperationalError as exc:
            # A lock met outside the waiting writers do (a checkpoint, a schema upgrade).
            if _debug_requested(ctx) or not any(w in str(exc).lower() for w in ("locked", "busy")):
                raise
            click.echo("osintdesk: error: the case is busy: another program is writing to it; "
                       "nothing was changed, try again when it has finished", err=True)
            ctx.exit(EXIT_BUSY)


def _debug_requested(ctx: click.Context) -> bool:
    obj = ctx.find_object(Context)
    return bool(obj and obj.debug) or "--debug" in sys.argv


@click.group(cls=OsintdeskGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="osintdesk")
@click.option("--examiner", metavar="NAME",
              help="Who is working (default: $OSINTDESK_EXAMINER, the settings, the login name).")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.option("--wait", "wait_s", type=click.FloatRange(min=0), metavar="SECONDS",
              default=lambda: os.environ.get("OSINTDESK_WAIT", "60"), show_default="60",
              help="How long to wait for another osintdesk writing to the same case "
                   "(also $OSINTDESK_WAIT); then exit 2 with nothing changed.")
@click.pass_context
def cli(ctx: click.Context, examiner: str | None, debug: bool, wait_s: float) -> None:
    """osintdesk: build an evidentiary case file offline.

    With no command, opens the window.
    """
    ctx.obj = Context(examiner=resolve_examiner(examiner), debug=debug, wait_s=wait_s)
    if ctx.invoked_subcommand is None:
        ctx.exit(_run_gui(ctx.obj, None))


pass_context = click.make_pass_decorator(Context)

# Every command names its case the same way, and every reading command offers --json with
# the same flag name: scripts rely on both.
case_argument = click.argument("case", type=click.Path())  # the case file reports a folder itself
json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")


def existing_case_path(path: str) -> str:
    """The case file a command names: ``my-case`` also finds ``my-case.osintcase`` (as ``new``
    adds the suffix) when no file of the bare name exists."""
    from ..store import case_path
    if not os.path.exists(path) and case_path(path).is_file():
        return str(case_path(path))
    return path


def open_case(ctx: Context, path: str, *, readonly: bool = False):
    """Open a case for this command; a write waiting for another process says so on stderr."""
    from ..store import Case
    path = existing_case_path(path)
    return Case.open(path, examiner=ctx.examiner, readonly=readonly, **busy_options(ctx))


def busy_options(ctx: Context) -> dict:
    """How a command waits for another writer: ``wait_s``, ``on_wait`` and its ``activity``."""
    current = click.get_current_context(silent=True)
    activity = " ".join(current.command_path.split()[1:]) if current is not None else None
    return {"wait_s": ctx.wait_s, "activity": activity or None,
            "on_wait": lambda text: click.echo(f"osintdesk: {text}", err=True)}


def open_for_reading(ctx: Context, path: str):
    """Inspecting commands also work on a write-protected case."""
    from ..store.header import is_writable
    path = existing_case_path(path)
    return open_case(ctx, path, readonly=not is_writable(Path(path)))


def print_json(value) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


@contextmanager
def json_refusals(as_json: bool, file) -> Iterator[None]:
    """With --json, a refusal (an OsintdeskError) also prints one JSON object on stdout,
    ``{"file": ..., "error": ..., "exit": 2}``, before the usual line on stderr and exit."""
    try:
        yield
    except OsintdeskError as exc:
        if as_json:
            print_json({"file": str(exc.path if exc.path is not None else file),
                        "error": str(exc), "exit": exc.exit_code})
        raise


def print_listing(rows: list[dict], as_json: bool, empty: str, lines: Callable[[dict], str]) -> None:
    """A listing command's output: the rows as JSON, else ``lines(row)`` for each row
    (``empty`` when there is none)."""
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo(empty)
    for row in rows:
        click.echo(lines(row))


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


def print_table(rows: list[dict], columns: list[tuple[str, str]]) -> None:
    """Rows as aligned columns ``(key, title)``; times and durations in timefmt's display forms."""
    if not rows:
        click.echo("(none)")
        return
    def cell(key: str, value) -> str:
        text = display_field(key, value)
        if text is not None:
            return text
        if isinstance(value, float):
            return f"{value:,.0f}"
        return "" if value is None else str(value)
    table = [[title for _, title in columns]] + [[cell(k, r.get(k)) for k, _ in columns]
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


# ------------------------------------------------------------------ the window


@cli.command()
@click.argument("case", required=False, type=click.Path(dir_okay=False))
@pass_context
def gui(ctx: Context, case: str | None) -> None:
    """Open the window (optionally with CASE)."""
    sys.exit(_run_gui(ctx, case))


def _run_gui(ctx: Context, case: str | None) -> int:
    from ..app import run  # Qt is imported only when the window is wanted
    return run(case, examiner=ctx.examiner)


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="osintdesk")

