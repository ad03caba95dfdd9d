"""Command-line commands for sources: capture, add-file, sources, search, selector, note, tag,
notes, assess, diff, retire, unretire and evidence."""

from __future__ import annotations

import sys

import click

from .main import (Context, case_argument, cli, human_bytes, json_option, open_case,
                   open_for_reading, pass_context, print_json, print_table, progress_bar)
from ..timefmt import display_date, display_time
from ..words import counted


def _short(uuid: str | None) -> str:
    return (uuid or "")[:8]


# ----------------------------------------------------------------------------- capture


@cli.command("capture")
@case_argument
@click.argument("urls", nargs=-1, required=True)
@click.option("--user-agent", metavar="TEXT", help="User-Agent header to send.")
@click.option("--proxy", metavar="URL",
              help="http://, https:// or socks5h:// proxy (socks5h://127.0.0.1:9050 for Tor).")
@click.option("--timeout", type=float, metavar="SECONDS",
              help="Give up when the server sends nothing for this long.")
@click.option("--max-size", metavar="SIZE", help="Largest body to keep, e.g. 100M (default 100M).")
@click.option("--insecure", is_flag=True, help="Do not verify TLS certificates (recorded).")
@click.option("--keep-error", is_flag=True,
              help="Keep a page the server answered with an error status (404, 500...).")
@json_option
@pass_context
def capture_command(ctx: Context, case: str, urls: tuple[str, ...], user_agent: str | None,
                    proxy: str | None, timeout: float | None, max_size: str | None,
                    insecure: bool, keep_error: bool, as_json: bool) -> None:
    """Capture web pages into the case: exact body, WARC file, headers, hashes, text.

    Settings come from the window's capture settings, then these options. The user agent
    sent by default is a mainstream browser's (recorded with each capture). A URL that
    cannot be captured stores nothing; the others are still captured (exit 2 at the end).
    A page answered with a status outside 2xx (a mistyped URL's 404) is not kept unless
    --keep-error: a capture is write-once evidence.
    """
    import requests

    from ..sources.web_capture import capture
    from ..sources.settings import load_capture_settings, with_overrides
    settings = with_overrides(load_capture_settings(), user_agent=user_agent, proxy=proxy,
                              timeout_s=timeout, max_bytes=max_size,
                              verify_tls=False if insecure else None)
    if not settings.verify_tls:
        import urllib3
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        click.echo("osintdesk: TLS certificates are not verified (recorded with each capture)",
                   err=True)
    with open_case(ctx, case) as opened, requests.Session() as session:
        with progress_bar("Capturing", not as_json) as progress:
            outcomes = capture(opened, list(urls), settings, session, progress,
                               keep_errors=keep_error)
    failed = [o for o in outcomes if not o.ok]
    if as_json:
        print_json([o.as_dict() for o in outcomes])
    else:
        for o in outcomes:
            if not o.ok:
                click.echo(f"osintdesk: error: {o.error}"
                           + ("; to keep it, run again with --keep-error" if o.not_kept else ""),
                           err=True)
                continue
            state = "new source" if o.new_source else "new capture of source"
            click.echo(f"{o.url}: captured, {state} {_short(o.source_uuid)} "
                       f"(capture {_short(o.capture_uuid)}), HTTP {o.status}"
                       + (f", final URL {o.final_url}" if o.final_url != o.url else ""))
            if o.redirect_chain:
                click.echo(f"  Redirected: {' → '.join(o.redirect_chain)}")
            if o.server_ip:
                click.echo(f"  server IP {o.server_ip}")
            if o.title:
                click.echo(f"  title: {o.title}")
            click.echo(f"  body SHA-256 {o.body_sha256}")
            click.echo(f"  WARC SHA-256 {o.warc_sha256}")
            click.echo(f"  {counted(o.identifiers, 'identifier')}, {counted(o.selector_hits, 'selector hit')}")
            if o.status is not None and o.status >= 400:
                # Kept: an error page is itself evidence (a removed article), but say so.
                click.echo(f"  note: the server answered HTTP {o.status}; this capture is its "
                           "error page, not the content that was asked for", err=True)
            for warning in o.warnings:
                click.echo(f"  warning: {warning}")
    if failed:
        sys.exit(2)


# ----------------------------------------------------------------------------- files


@cli.command("add-file")
@case_argument
@click.argument("files", nargs=-1, required=True, type=click.Path())
@json_option
@pass_context
def add_file(ctx: Context, case: str, files: tuple[str, ...], as_json: bool) -> None:
    """Add local files as evidence and sources: HTML, PDF, images, text, Markdown, WARC/WACZ.

    Each file is stored write-once and read for its text, metadata and identifiers. All
    files are added or none: a file that cannot be read is named and nothing is added.
    """
    from ..sources.local_files import add_files
    with open_case(ctx, case) as opened:
        with progress_bar("Adding files", not as_json) as progress:
            outcomes = add_files(opened, list(files), progress)
    if as_json:
        print_json([o.as_dict() for o in outcomes])
        return
    for o in outcomes:
        click.echo(f"{o.file}: {o.message} ({o.kind}, SHA-256 {o.sha256}, {human_bytes(o.size)})")
        if o.added:
            for s in o.sources:
                click.echo(f"  source {_short(s['uuid'])}: {s['title'] or s['name']}"
                           f" ({counted(s['identifiers'], 'identifier')})")
        for warning in o.warnings:
            click.echo(f"  warning: {warning}")


# ----------------------------------------------------------------------------- reading


@cli.command("sources")
@case_argument
@click.option("--retired", "retired", is_flag=True,
              help="Also list retired sources (marked RETIRED).")
@json_option
@pass_context
def sources_command(ctx: Context, case: str, retired: bool, as_json: bool) -> None:
    """List the sources in a case with their captures and hashes (retired ones with --retired)."""
    from ..sources.queries import sources_report
    with open_for_reading(ctx, case) as opened:
        rows = sources_report(opened, include_retired=retired)
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("(no sources)")
    for s in rows:
        grade = f" [{s['grading']}]" if s["grading"] else ""
        click.echo(f"{_short(s['uuid'])}{grade} {s['title']}" + (f"  <{s['url']}>" if s["url"] else ""))
        if s["retired_utc"]:
            click.echo(f"  RETIRED {display_time(s['retired_utc'], seconds=False)} by "
                       f"{s['retired_by']}" + (f": {s['retired_reason']}" if s["retired_reason"] else ""))
        if s["tags"]:
            click.echo(f"  tags: {', '.join(s['tags'])}")
        for c in s["captures"]:
            what = c["method"] + (f" HTTP {c['status']}" if c["status"] is not None else "")
            # The page's own date beside the capture's: "captured in December, published in
            # September" reads at a glance.
            published = display_date(c["published_date"]) or "not stated"
            click.echo(f"  {display_time(c['captured_utc'])}  published {published:<10}  {what}  "
                       f"capture {_short(c['uuid'])} by {c['examiner']}")
            click.echo(f"    body {c['body_sha256']}"
                       + (f" ({human_bytes(c['body_size'])})" if c["body_size"] is not None else ""))
            if c["decoded_sha256"]:
                click.echo(f"    decoded {c['decoded_sha256']}")
            if c["warc_sha256"]:
                click.echo(f"    WARC {c['warc_sha256']}")
            if c["evidence_sha256"] and c["evidence_sha256"] not in (c["body_sha256"], c["warc_sha256"]):
                click.echo(f"    file {c['evidence_sha256']} ({c['original_name']})")
            for warning in c["warnings"]:
                click.echo(f"    warning: {warning}")
        for n in s["notes"]:
            click.echo(f"  note ({n['examiner']}, {display_time(n['created_utc'], seconds=False)}): "
                       f"{n['text']}")


@cli.command("search")
@case_argument
@click.argument("query")
@click.option("--limit", type=int, default=50, show_default=True, help="At most this many sources.")
@click.option("--retired", "retired", is_flag=True, help="Search retired sources too.")
@json_option
@pass_context
def search_command(ctx: Context, case: str, query: str, limit: int, retired: bool,
                   as_json: bool) -> None:
    """Full-text search over sources, notes, tags and identifiers.

    Words must all appear; "quoted words" form a phrase, word* a prefix, and OR / NOT
    between words work as in a search engine.
    """
    from ..sources.search import search
    with open_for_reading(ctx, case) as opened:
        hits = search(opened, query, limit=limit, include_retired=retired)
    if as_json:
        print_json([h.as_dict() for h in hits])
        return
    if not hits:
        click.echo("(no matches)")
    colour = sys.stdout.isatty()
    for h in hits:
        click.echo(f"{_short(h.source_uuid)} {h.title}" + (f"  <{h.url}>" if h.url else ""))
        click.echo(f"  [{h.kind}] {_mark(h.snippet, h.highlights, colour)}".replace("\n", " "))


def _mark(text: str, spans: list[tuple[int, int]], colour: bool) -> str:
    out, last = [], 0
    for start, end in spans:
        word = text[start:end]
        out += [text[last:start], click.style(word, bold=True, fg="yellow") if colour else f"[{word}]"]
        last = end
    return "".join(out + [text[last:]])


@cli.command("diff")
@case_argument
@click.argument("capture_a")
@click.argument("capture_b")
@json_option
@pass_context
def diff_command(ctx: Context, case: str, capture_a: str, capture_b: str, as_json: bool) -> None:
    """Show what changed between two captures (ids as listed by `osintdesk sources`)."""
    from ..sources.diff import diff_captures
    from ..sources.queries import resolve_capture
    with open_for_reading(ctx, case) as opened:
        result = diff_captures(opened, resolve_capture(opened, capture_a),
                               resolve_capture(opened, capture_b))
    if as_json:
        print_json(result.as_dict())
        return
    click.echo(result.summary())
    for name, (old, new) in result.fields.items():
        click.echo(f"{name}: {old!r} -> {new!r}")
    if result.lines and not result.same_text:
        click.echo(result.unified())


# ----------------------------------------------------------------------------- selectors


@cli.group("selector")
def selector_group() -> None:
    """Words or patterns to watch for in every source, now and later."""


@selector_group.command("add")
@case_argument
@click.argument("pattern")
@click.option("--regex", is_flag=True, help="PATTERN is a regular expression (Python syntax).")
@click.option("--case-sensitive", is_flag=True, help="Match upper and lower case exactly.")
@click.option("--name", help="A name for the selector (default: the pattern).")
@json_option
@pass_context
def selector_add(ctx: Context, case: str, pattern: str, regex: bool, case_sensitive: bool,
                 name: str | None, as_json: bool) -> None:
    """Watch PATTERN; every source already in the case is searched for it now."""
    from ..sources.selectors import add_selector
    with open_case(ctx, case) as opened:
        with progress_bar("Matching sources", not as_json) as progress:
            record = add_selector(opened, pattern, name=name, is_regex=regex,
                                  case_sensitive=case_sensitive, progress=progress)
    if as_json:
        print_json(record)
        return
    click.echo(f"Selector {_short(record['uuid'])} {record['name']!r}: {counted(record['hits'], 'hit')} "
               f"in {counted(record['sources'], 'source')}")


@selector_group.command("list")
@case_argument
@json_option
@pass_context
def selector_list(ctx: Context, case: str, as_json: bool) -> None:
    """List the selectors with how many hits each has."""
    from ..sources.selectors import list_selectors
    with open_for_reading(ctx, case) as opened:
        rows = list_selectors(opened)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        row["id"] = _short(row["uuid"])
        row["type"] = "regex" if row["is_regex"] else "word"
    print_table(rows, [("id", "Id"), ("name", "Name"), ("pattern", "Pattern"), ("type", "Type"),
                        ("hits", "Hits"), ("sources", "Sources"), ("examiner", "Added by"),
                        ("created_utc", "Added (UTC)")])


@selector_group.command("hits")
@case_argument
@click.argument("selector")
@json_option
@pass_context
def selector_hits_command(ctx: Context, case: str, selector: str, as_json: bool) -> None:
    """Where SELECTOR (id, name or pattern) was found: each hit with the passage around it."""
    from ..sources.selectors import resolve_selector, selector_hits
    with open_for_reading(ctx, case) as opened:
        rows = selector_hits(opened, resolve_selector(opened, selector)["uuid"])
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("(no hits)")
    colour = sys.stdout.isatty()
    for h in rows:
        click.echo(f"{_short(h['source_uuid'])} {h['title'] or h['source_name']} [{h['field']}]")
        click.echo(f"  {_mark(h['snippet'], h['highlights'], colour)}")


@selector_group.command("remove")
@case_argument
@click.argument("selector")
@pass_context
def selector_remove(ctx: Context, case: str, selector: str) -> None:
    """Stop watching SELECTOR (id, name or pattern); its hits are removed (and logged)."""
    from ..sources.selectors import remove_selector
    with open_case(ctx, case) as opened:
        row = remove_selector(opened, selector)
    click.echo(f"Removed selector {row['name']!r}")


# ----------------------------------------------------------------------------- annotations


_ON = click.option("--on", "on", type=click.Choice(["source", "flight", "aircraft", "evidence"]),
                   default="source", show_default=True,
                   help="What ID names: a source (id, URL, file name), a flight (id), an "
                        "aircraft (registration, hex, id) or an evidence file (id, name, hash).")


@cli.command("note")
@case_argument
@click.argument("source_id")
@click.argument("text")
@_ON
@json_option
@pass_context
def note_command(ctx: Context, case: str, source_id: str, text: str, on: str,
                 as_json: bool) -> None:
    """Add a note to a source (SOURCE_ID: its id or the start of it, its URL or file name),
    or with --on to a flight, an aircraft or an evidence file."""
    from ..sources.annotations import add_note_on
    from ..sources.queries import resolve_annotated
    with open_case(ctx, case) as opened:
        uuid = resolve_annotated(opened, on, source_id)
        note = add_note_on(opened, on, uuid, text)
    if as_json:
        print_json(note)
        return
    click.echo(f"Note added to {on} {_short(uuid)} by {note['examiner']} "
               f"at {display_time(note['created_utc'])}")


@cli.command("tag")
@case_argument
@click.argument("source_id")
@click.argument("tags", nargs=-1, required=True)
@click.option("--remove", is_flag=True, help="Remove these tags instead.")
@_ON
@pass_context
def tag_command(ctx: Context, case: str, source_id: str, tags: tuple[str, ...],
                remove: bool, on: str) -> None:
    """Tag a source (or remove tags with --remove); with --on a flight, an aircraft or an
    evidence file."""
    from ..sources.annotations import add_tag_on, remove_tag_on
    from ..sources.queries import resolve_annotated
    with open_case(ctx, case) as opened:
        uuid = resolve_annotated(opened, on, source_id)
        with opened.transaction():
            for tag in tags:
                if remove:
                    done = remove_tag_on(opened, on, uuid, tag)
                    click.echo(f"{tag}: " + ("removed" if done else f"not a tag of this {on}"))
                else:
                    _, added = add_tag_on(opened, on, uuid, tag)
                    click.echo(f"{tag}: " + ("added" if added else "already there"))


@cli.command("notes")
@case_argument
@click.argument("kind", type=click.Choice(["source", "flight", "aircraft", "evidence"]))
@click.argument("ref")
@json_option
@pass_context
def notes_command(ctx: Context, case: str, kind: str, ref: str, as_json: bool) -> None:
    """The notes and tags on one source, flight, aircraft or evidence file (REF as for
    `note --on KIND`)."""
    from ..sources.queries import notes_on, resolve_annotated, tags_on
    with open_for_reading(ctx, case) as opened:
        uuid = resolve_annotated(opened, kind, ref)
        notes, tags = notes_on(opened, kind, uuid), tags_on(opened, kind, uuid)
    if as_json:
        print_json({"kind": kind, "uuid": uuid, "tags": [t["tag"] for t in tags],
                    "notes": [{k: n[k] for k in ("uuid", "text", "created_utc", "examiner")}
                              for n in notes]})
        return
    click.echo(f"{kind} {uuid}")
    click.echo(f"  tags: {', '.join(t['tag'] for t in tags) or '(none)'}")
    for n in notes:
        click.echo(f"  note ({n['examiner']}, {display_time(n['created_utc'], seconds=False)}): "
                   f"{n['text']}")
    if not notes:
        click.echo("  (no notes)")


@cli.command("assess")
@case_argument
@click.argument("source_id")
@click.option("--reliability", type=click.Choice(list("ABCDEF"), case_sensitive=False),
              help="Source reliability, A (completely reliable) to F (cannot be judged).")
@click.option("--credibility", type=click.IntRange(1, 6),
              help="Information credibility, 1 (confirmed) to 6 (cannot be judged).")
@click.option("--reason", help="Why (kept in the audit log).")
@pass_context
def assess_command(ctx: Context, case: str, source_id: str, reliability: str | None,
                   credibility: int | None, reason: str | None) -> None:
    """Grade a source in the Admiralty style (reliability A-F, credibility 1-6)."""
    from ..sources.annotations import CREDIBILITY, RELIABILITY, set_assessment
    from ..sources.queries import grading, resolve_source
    with open_case(ctx, case) as opened:
        source = resolve_source(opened, source_id)
        row = set_assessment(opened, source["uuid"],
                             reliability if reliability is not None else source["reliability"],
                             credibility if credibility is not None else source["credibility"],
                             reason=reason)
    words = [RELIABILITY.get(row["reliability"]), CREDIBILITY.get(row["credibility"])]
    click.echo(f"{source['title']}: {grading(row) or 'not graded'}"
               + (f" ({'; '.join(w for w in words if w)})" if any(words) else ""))


# ----------------------------------------------------------------------------- retiring


@cli.command("retire")
@case_argument
@click.argument("source_id")
@click.option("--reason", help="Why (kept with the retirement and in the audit log).")
@json_option
@pass_context
def retire_command(ctx: Context, case: str, source_id: str, reason: str | None,
                   as_json: bool) -> None:
    """Set a source aside (a mistyped URL, an irrelevant page): it is kept with its evidence,
    hidden from `sources` and `search` unless --retired. Audited; `unretire` undoes it."""
    from ..sources.queries import resolve_source
    from ..sources.retirement import retire_source
    with open_case(ctx, case) as opened:
        source = resolve_source(opened, source_id)
        record = retire_source(opened, source["uuid"], reason=reason)
    if as_json:
        print_json(record)
        return
    click.echo(f"Retired {source['title']} ({_short(source['uuid'])})"
               + (f": {record['reason']}" if record["reason"] else ""))


@cli.command("unretire")
@case_argument
@click.argument("source_id")
@click.option("--reason", help="Why (kept in the audit log).")
@json_option
@pass_context
def unretire_command(ctx: Context, case: str, source_id: str, reason: str | None,
                     as_json: bool) -> None:
    """Bring a retired source back into the lists and searches (audited)."""
    from ..sources.queries import resolve_source
    from ..sources.retirement import unretire_source
    with open_case(ctx, case) as opened:
        source = resolve_source(opened, source_id)
        record = unretire_source(opened, source["uuid"], reason=reason)
    if as_json:
        print_json({"source_uuid": source["uuid"], "undone": record})
        return
    click.echo(f"{source['title']} ({_short(source['uuid'])}) is no longer retired")


# ----------------------------------------------------------------------------- evidence


@cli.command("evidence")
@case_argument
@click.option("--copy", "copy_ref", metavar="REF",
              help="Save a copy of this artifact (its SHA-256 or a unique start of it, an "
                   "evidence file's id or start of it, or its file name) to --to, then check "
                   "the written copy's hash.")
@click.option("--to", "dest", type=click.Path(dir_okay=False), help="Where --copy writes.")
@json_option
@pass_context
def evidence_command(ctx: Context, case: str, copy_ref: str | None, dest: str | None,
                     as_json: bool) -> None:
    """List every artifact of the case (evidence files, web captures and their WARCs,
    archived resources) with its kind, size, SHA-256 and what it belongs to; or save a
    checked copy of one (--copy ... --to ...; exit 2 if the copy does not match)."""
    from ..sources.evidence import export_copy, list_artifacts, resolve_evidence
    if copy_ref is not None or dest is not None:
        if not (copy_ref and dest):
            raise click.UsageError("--copy and --to go together")
        with open_case(ctx, case) as opened:
            result = export_copy(opened, resolve_evidence(opened, copy_ref).sha256, dest)
        if as_json:
            print_json(result)
        else:
            click.echo(f"Saved {result['path']} ({human_bytes(result['size'])})")
            click.echo(f"  SHA-256 in the case  {result['sha256']}")
            click.echo(f"  SHA-256 of the copy  {result['written_sha256']}  "
                       + ("matches" if result["matches"] else "DOES NOT MATCH"))
        if not result["matches"]:
            sys.exit(2)
        return
    with open_for_reading(ctx, case) as opened:
        rows = list_artifacts(opened)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        row["hash"] = row["sha256"][:16]
        row["bytes"] = human_bytes(row["size"])
        row["what"] = row["name"] or ""
    print_table(rows, [("hash", "SHA-256 (start)"), ("kind", "Kind"), ("bytes", "Size"),
                       ("what", "Name / URL"), ("belongs_to", "Belongs to")])
