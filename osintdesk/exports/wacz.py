"""WACZ 1.1.1 for ReplayWeb.page and pywb: the WARC files the selected captures keep as
evidence, byte for byte and stored uncompressed in the ZIP (so a reader can seek to a
record), a CDXJ index of their records (``indexes/index.cdxj``: the offsets are into those
WARC files), ``pages/pages.jsonl`` with each capture's title and text, ``datapackage.json``
with every file's SHA-256, and ``datapackage-digest.json`` with the package's.

A WARC is the unit of evidence: a page read from a WARC someone added brings the whole
file (and its index lines, so its images and stylesheets replay too); the page list holds
the selected captures only."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from urllib.parse import urlsplit

from ..errors import Cancelled, OsintdeskError
from ..sources.queries import archived_captures, capture_text
from ..timefmt import parse_record, record_time, warc_timestamp
from .base import ExportFormat, Provenance, Scope
from .captures import capture_filter

WACZ_VERSION = "1.1.1"
COPY_BYTES = 1 << 20
INDEXED_RECORDS = ("response", "resource", "revisit")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def surt_key(url: str) -> str:
    """The sort-friendly URL key CDXJ lines start with (``org,example)/path?a=1&b=2``):
    lower case, ``www.`` dropped, host labels reversed, a default port dropped, query
    arguments sorted, no fragment."""
    parts = urlsplit(url.strip().lower())
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return url
    host = re.sub(r"^www\d*\.", "", parts.hostname)
    key = ",".join(reversed(host.split(".")))
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and port != _DEFAULT_PORTS[parts.scheme]:
        key += f":{port}"
    key += ")" + (parts.path or "/")
    if parts.query:
        key += "?" + "&".join(sorted(parts.query.split("&")))
    return key


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def write_wacz(case, scope: Scope, provenance: Provenance, out_path, progress=None,
               cancelled=None) -> dict:
    """Write the scope's captures (those whose WARC the case keeps) as a WACZ to
    ``out_path``; the counts by kind. An OsintdeskError when the scope selects none."""
    selected = capture_filter(case, scope)
    captures = [c for c in archived_captures(case) if selected(c)]
    if not captures:
        raise OsintdeskError("nothing to export as WACZ: no capture the filters select has a "
                             "WARC (web captures and pages read from WARC files have one)",
                             path=case.path)
    sizes = {c["warc_sha256"]: c["warc_size"] for c in captures}
    warcs, total = list(sizes), sum(sizes.values())
    created = record_time(case.clock())
    stamp = tuple(parse_record(created).timetuple())[:6]
    resources, index_lines, done = [], [], 0

    def step(n: int) -> None:
        nonlocal done
        if cancelled and cancelled():
            raise Cancelled()
        done += n
        if progress:
            progress(min(done, total), total)

    with zipfile.ZipFile(out_path, "w", allowZip64=True) as wacz:
        for sha256 in warcs:
            name = f"archive/{sha256}.warc" + (".gz" if _is_gzip(case, sha256) else "")
            resources.append(_copy_warc(case, wacz, sha256, name, stamp, step))
            index_lines += _index(case, sha256, name.split("/", 1)[1])
        index_lines.sort()
        resources.append(_write(wacz, "indexes/index.cdxj", stamp,
                                "".join(line + "\n" for line in index_lines).encode()))
        pages = [_page(case, capture) for capture in captures]
        header = {"format": "json-pages-1.0", "id": "pages", "title": "Pages"}
        resources.append(_write(wacz, "pages/pages.jsonl", stamp, "".join(
            _json(line) + "\n" for line in [header, *pages]).encode("utf-8")))
        package = {
            "profile": "data-package", "wacz_version": WACZ_VERSION,
            "title": provenance.case_title, "description": provenance.line(),
            "created": created, "software": f"osintdesk {provenance.app_version}",
            "mainPageURL": pages[0]["url"], "mainPageDate": pages[0]["ts"],
            "osintdesk": provenance.as_dict(), "resources": resources,
        }
        package_bytes = json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8")
        _write(wacz, "datapackage.json", stamp, package_bytes)
        _write(wacz, "datapackage-digest.json", stamp, json.dumps({
            "path": "datapackage.json",
            "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest()}, indent=2).encode())
    return {"captures": len(captures), "warc files": len(warcs),
            "index lines": len(index_lines)}


def _is_gzip(case, sha256: str) -> bool:
    with case.open_artifact(sha256) as reader:
        return reader.read(2) == b"\x1f\x8b"


def _copy_warc(case, wacz: zipfile.ZipFile, sha256: str, name: str, stamp, step) -> dict:
    """The stored WARC into the ZIP uncompressed, re-hashed on the way: the bytes written
    are the evidence's, or the export fails."""
    info = zipfile.ZipInfo(name, stamp)
    info.compress_type = zipfile.ZIP_STORED
    digest, size = hashlib.sha256(), 0
    with case.open_artifact(sha256) as reader, wacz.open(info, "w", force_zip64=True) as out:
        while chunk := reader.read(COPY_BYTES):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
            step(len(chunk))
    if digest.hexdigest() != sha256:
        raise OsintdeskError(f"the stored WARC {sha256} read back with another SHA-256; "
                             "run `osintdesk verify`", path=case.path)
    return _resource(name, sha256, size)


def _resource(name: str, sha256: str, size: int) -> dict:
    return {"name": name.rsplit("/", 1)[-1].lower(), "path": name, "hash": f"sha256:{sha256}",
            "bytes": size}


def _write(wacz: zipfile.ZipFile, name: str, stamp, data: bytes) -> dict:
    info = zipfile.ZipInfo(name, stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    wacz.writestr(info, data)
    return _resource(name, hashlib.sha256(data).hexdigest(), len(data))


def _index(case, sha256: str, filename: str) -> list[str]:
    """CDXJ lines for the WARC's response, resource and revisit records: where each
    record starts in the file (``offset``) and how long it is (``length``)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    lines = []
    with case.open_artifact(sha256) as raw:
        stream = io.BufferedReader(raw, COPY_BYTES)
        try:
            records = ArchiveIterator(stream)
            for record in records:
                if record.rec_type not in INDEXED_RECORDS:
                    continue
                headers = record.rec_headers
                url = headers.get_header("WARC-Target-URI")
                date = headers.get_header("WARC-Date")
                fields = {"url": url, "mime": _mime(record), "status": _status(record),
                          "digest": headers.get_header("WARC-Payload-Digest")}
                records.read_to_end(record)
                fields.update(offset=str(records.get_record_offset()),
                              length=str(records.get_record_length()), filename=filename)
                if url and date:
                    lines.append(f"{surt_key(url)} {warc_timestamp(date)} "
                                 + _json({k: v for k, v in fields.items() if v is not None}))
        except (ArchiveLoadFailed, ValueError) as error:
            raise OsintdeskError(f"the WARC {sha256} cannot be indexed record by record "
                                 f"({error}); a WARC compressed as a whole cannot be "
                                 "replayed from a WACZ", path=case.path) from None
    return lines


def _mime(record) -> str | None:
    if record.http_headers is not None:
        value = record.http_headers.get_header("Content-Type")
    else:
        value = record.rec_headers.get_header("Content-Type")
    return value.split(";")[0].strip() if value else None


def _status(record) -> str | None:
    if record.http_headers is None:
        return "200" if record.rec_type == "resource" else None
    return record.http_headers.get_statuscode()


def _page(case, capture: dict) -> dict:
    url = capture["final_url"] or capture["requested_url"]
    return {"id": capture["uuid"], "url": url, "ts": capture["captured_utc"],
            "title": capture["title"] or url, "text": capture_text(case, capture["uuid"])}


FORMAT = ExportFormat("wacz", "wacz", "WACZ web archive for ReplayWeb.page and pywb",
                      write_wacz)
