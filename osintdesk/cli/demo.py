"""Command-line commands for trainers: demo cases (list, create), the classroom web server
and the exercises. Everything they make is synthetic and says so."""

from __future__ import annotations

from pathlib import Path

import click

from .main import Context, cli, json_option, pass_context, print_json, progress_bar

seed_option = click.option("--seed", type=int, default=1, show_default=True,
                           help="The same seed gives the same case on every machine.")


@cli.group()
def demo() -> None:
    """Demo cases, the classroom web server and exercises (synthetic data only)."""


@demo.command("list")
@json_option
def demo_list(as_json: bool) -> None:
    """The demo stories."""
    from ..demo.stories import SUMMARIES
    rows = [{"name": name, "summary": text} for name, text in SUMMARIES.items()]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        click.echo(f"{row['name']:8}  {row['summary']}")


@demo.command("create")
@click.argument("name")
@click.argument("dest", type=click.Path())
@seed_option
@json_option
@pass_context
def demo_create(ctx: Context, name: str, dest: str, seed: int, as_json: bool) -> None:
    """Build the demo NAME as a new case DEST (`tamper`: altered behind the app's back,
    with an answer key beside it)."""
    from ..demo.build import create_demo
    with progress_bar("Building the demo", not as_json) as progress:
        result = create_demo(name, dest, seed=seed, progress=progress)
    if as_json:
        print_json(result.as_dict())
        return
    click.echo(f"{result.path}: {result.title} (seed {seed})")
    if "answer_key" in result.records:
        click.echo(f"answer key (for the trainer): {result.records['answer_key']}")


@demo.command("serve")
@click.argument("name")
@click.option("--port", type=click.IntRange(0, 65535), default=8718, show_default=True)
@click.option("--files", "files_dir", type=click.Path(file_okay=False),
              help="Where to write the demo's flight files (default: NAME-flight-files).")
@seed_option
def demo_serve(name: str, port: int, files_dir: str | None, seed: int) -> None:
    """Serve the demo's web pages from 127.0.0.1 and write its flight files (FR24 CSV and
    KML, readsb trace, OpenSky CSV; synthetic) for the import exercise. Ctrl+C stops."""
    from ..demo.build import plan_for, write_flight_files
    from ..demo.classroom import ClassroomServer, redirect_chain
    from ..errors import InputError
    plan = plan_for(name, seed)
    folder = Path(files_dir or f"{name}-flight-files")
    written = write_flight_files(plan, folder)
    try:
        server = ClassroomServer(plan, folder, port)
    except OSError as exc:
        raise InputError(f"cannot serve on 127.0.0.1:{port} ({exc.strerror or exc}); "
                         "try another --port") from None
    click.echo(f"flight files (synthetic): {', '.join(str(p) for p in written)}")
    click.echo(f"serving {plan.title} on {server.base_url}/ (Ctrl+C stops)")
    for page in plan.pages:
        click.echo(f"  {server.base_url}{page.path}")
    click.echo(f"  redirects: {' -> '.join(redirect_chain(plan))}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@demo.command("exercises")
@click.argument("name")
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder for the trainee sheet and the answer key.")
@click.option("--port", type=click.IntRange(1, 65535), default=8718, show_default=True,
              help="The port `demo serve` uses in class.")
@click.option("--force", is_flag=True, help="Write over an existing sheet and answer key.")
@seed_option
@json_option
def demo_exercises(name: str, out_dir: str, port: int, force: bool, seed: int,
                   as_json: bool) -> None:
    """Write the trainee sheet and a separate answer key for the demo NAME."""
    from ..demo.exercises import write_exercises
    result = write_exercises(name, out_dir, seed=seed, port=port, force=force)
    if as_json:
        print_json(result)
        return
    click.echo(f"trainee sheet: {result['sheet']}")
    click.echo(f"answer key (keep it): {result['answer_key']} ({Path(result['answer_key_json']).name})")
