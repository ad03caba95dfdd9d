"""Large and hostile inputs, made by generators (streamed to disk, never held whole): pages
and text of any size, a page dense with identifiers, WACZ files with a member of zeros or two
members of one name, JSON nested deeper than any parser's stack, a gzip'd JSON that inflates
to hundreds of MB, and random or mutated copies of sample files for fuzzing.

Shared by tests/test_bounded*.py and bench/bounded.py. All data is invented.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from pathlib import Path
from typing import Iterator

MB = 1024 * 1024
DEEP_LEVELS = 100_000


def peak_rss_kb() -> int:
    """This process's peak resident memory in KiB. On Linux from /proc/self/status (VmHWM,
    reset by exec): ``ru_maxrss`` would keep the size of the parent that forked it."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource
    import sys
    scale = 1024 if sys.platform == "darwin" else 1   # bytes on macOS, KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // scale


# --------------------------------------------------------------------------- streamed writing


def write_stream(path: Path, parts: Iterator[bytes], size: int, tail: bytes = b"") -> Path:
    """Write ``parts`` (repeated as needed) to ``path`` until ``size`` bytes, then ``tail``."""
    written = 0
    with open(path, "wb") as out:
        for part in parts:
            if written + len(part) + len(tail) > size:
                break
            out.write(part)
            written += len(part)
        out.write(tail)
    return Path(path)


def _paragraphs(words_per: int = 60) -> Iterator[str]:
    rng = random.Random(7)
    vocabulary = ("the aircraft left the apron at dawn and turned north over the river while "
                  "observers on the bank noted the time the tail and the weather").split()
    number = 0
    while True:
        number += 1
        yield f"{number}: " + " ".join(rng.choice(vocabulary) for _ in range(words_per)) + "."


def write_big_html(path: Path, size: int) -> Path:
    """An article of ``size`` bytes: a head with a title and date, then paragraphs."""
    head = (b"<!doctype html><html><head><meta charset='utf-8'><title>A long report</title>"
            b"<meta property='article:published_time' content='2023-09-14T10:30:00+03:00'>"
            b"</head><body><article><h1>A long report</h1>\n")
    parts = (f"<p>{text}</p>\n".encode() for text in _paragraphs())
    return write_stream(path, _chain_first(head, parts), size, b"</article></body></html>\n")


def write_big_text(path: Path, size: int, *, markdown: bool = False) -> Path:
    head = b"# A long report\n\n## Notes\n\n" if markdown else b"A long report\n\n"
    parts = (f"{text}\n\n".encode() for text in _paragraphs())
    return write_stream(path, _chain_first(head, parts), size)


def _chain_first(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def identifier_dense_html(count: int) -> bytes:
    """A page that is little but dates (identifiers of kind ``date``): ``count`` of them."""
    days = (f"<li>2023-{1 + k % 12:02d}-{1 + k % 28:02d}</li>" for k in range(count))
    return ("<!doctype html><html><head><title>Dates</title></head><body><ul>"
            + "".join(days) + "</ul></body></html>").encode()


# --------------------------------------------------------------------------- archives


def warc_page_record(url: str, body: bytes, date: str = "2023-09-14T08:00:00Z") -> bytes:
    """One uncompressed WARC response record holding ``body`` as an HTML page."""
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    header = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\n"
              f"WARC-Date: {date}\r\nWARC-Record-ID: <urn:uuid:{_uuid(url)}>\r\n"
              f"Content-Type: application/http; msgtype=response\r\n"
              f"Content-Length: {len(http)}\r\n\r\n").encode()
    return header + http + b"\r\n\r\n"


def _uuid(text: str) -> str:
    import uuid
    return str(uuid.uuid5(uuid.NAMESPACE_URL, text))


def write_big_warc(path: Path, size: int, page_bytes: int = 64 * 1024) -> Path:
    """A WARC of HTML pages of about ``page_bytes`` each, ``size`` bytes in all."""
    def records():
        paragraphs = _paragraphs()
        number = 0
        while True:
            number += 1
            body = bytearray(b"<html><head><title>Page %d</title></head><body>" % number)
            while len(body) < page_bytes:
                body += f"<p>{next(paragraphs)}</p>\n".encode()
            yield warc_page_record(f"https://archive.example/page/{number}", bytes(body + b"</body></html>"))
    return write_stream(path, records(), size)


def write_wacz(path: Path, members: list[tuple[str, bytes | Path]], *,
               compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """A WACZ: ``datapackage.json`` and ``members`` (name, bytes or a file to copy)."""
    import warnings
    with zipfile.ZipFile(path, "w", compression) as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")   # zipfile warns about a duplicate name: wanted here
        archive.writestr("datapackage.json", json.dumps({"profile": "data-package",
                                                         "wacz_version": "1.1.1"}))
        for name, content in members:
            if isinstance(content, Path):
                archive.write(content, name)
            else:
                archive.writestr(name, content)
    return Path(path)


def patch_zip_entries(path: Path, *, version: int | None = None, encrypted: bool = False) -> Path:
    """Rewrite every central directory entry of the ZIP at ``path`` in place: the version
    needed to extract (e.g. 160 for "16.0", past what Python's zipfile reads) and the
    encrypted flag. Python's zipfile raises NotImplementedError and RuntimeError on these."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        if version is not None:
            data[at + 6:at + 8] = version.to_bytes(2, "little")
        if encrypted:
            data[at + 8] |= 0x01
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))
    return path


def write_zero_member_wacz(path: Path, member_bytes: int, *,
                           compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """A WACZ whose one WARC member is ``member_bytes`` zero bytes, written as a stream."""
    with zipfile.ZipFile(path, "w", compression) as archive:
        archive.writestr("datapackage.json", "{}")
        with archive.open("archive/data.warc", "w", force_zip64=True) as member:
            block = bytes(MB)
            left = member_bytes
            while left > 0:
                member.write(block[:min(left, MB)])
                left -= MB
    return Path(path)


def write_big_pdf(path: Path, size: int) -> Path:
    """A PDF of text pages, about ``size`` bytes, written object by object (no PDF library
    holds it): a catalog, one Helvetica font, then each page and its content stream; the
    page tree and the cross-reference table at the end."""
    offsets: dict[int, int] = {}
    paragraphs = _paragraphs(12)
    with open(path, "wb") as out:
        def obj(number: int, body: bytes) -> None:
            offsets[number] = out.tell()
            out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

        out.write(b"%PDF-1.4\n")
        obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
        obj(3, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
        pages, number = [], 4
        while out.tell() < size - 4096 or not pages:
            lines = " ".join(f"({next(paragraphs)}) '" for _ in range(40))
            stream = f"BT /F1 9 Tf 40 800 Td 11 TL {lines} ET".encode("latin-1")
            obj(number + 1, b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
            obj(number, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
                        b"<< /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (number + 1))
            pages.append(number)
            number += 2
        kids = b" ".join(b"%d 0 R" % page for page in pages)
        obj(2, b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % len(pages))
        xref = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % number)
        for n in range(1, number):
            out.write(b"%010d 00000 n \n" % offsets[n])
        out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (number, xref))
    return Path(path)


# --------------------------------------------------------------------------- JSON


def deep(levels: int = DEEP_LEVELS) -> str:
    return "[" * levels + "]" * levels


# Per flight importer: documents that reach its JSON reader with a value nested ``deep``.
DEEP_JSON: dict[str, list[str]] = {
    "readsb-trace": ['{"icao":"155abc","timestamp":1694678400,"trace":[%s]}',
                     '{"icao":%s,"timestamp":1694678400,"trace":[]}'],
    "readsb-aircraft": ['{"now":1694678400,"aircraft":[%s]}', '{"now":%s,"aircraft":[]}'],
    "fr24-json": ['{"result":{"response":{"data":{"flight":%s}}}}'],
    "opensky-json": ['{"icao24":"155abc","path":%s}', '%s'],
}


def deep_json_files(folder: Path, levels: int = DEEP_LEVELS) -> Iterator[tuple[str, Path]]:
    """(importer name, file) for every deep document of :data:`DEEP_JSON`."""
    for name, templates in DEEP_JSON.items():
        for index, template in enumerate(templates):
            path = Path(folder) / f"deep-{name}-{index}.json"
            path.write_text(template % deep(levels))
            yield name, path


def write_gzip_stream(path: Path, parts: Iterator[bytes], size: int, head: bytes = b"",
                      tail: bytes = b"") -> Path:
    """A gzip file whose content is ``head``, ``parts`` up to ``size`` bytes, then ``tail``.
    Each part is one gzip member (a valid gzip stream: readers inflate every member in
    turn), and a part equal to the one before is written from its compressed bytes again:
    600 MB of repeated content take a second and a few MB on disk."""
    import gzip
    written, last, packed = len(head), None, b""
    with open(path, "wb") as out:
        out.write(gzip.compress(head, compresslevel=9, mtime=0))
        for part in parts:
            if written + len(part) + len(tail) > size:
                break
            if part is not last:
                last, packed = part, gzip.compress(part, compresslevel=9, mtime=0)
            out.write(packed)
            written += len(part)
        out.write(gzip.compress(tail, compresslevel=9, mtime=0))
    return Path(path)


def write_giant_fr24_json_gz(path: Path, size: int = 600 * MB) -> Path:
    """An FR24 playback JSON whose track inflates to ``size`` bytes; small on disk."""
    point = (b'{"latitude":41.1,"longitude":29.2,"altitude":{"feet":35000},"speed":{"kts":450},'
             b'"heading":90,"squawk":"1000","timestamp":1694678400,"ems":null},')
    block = point * 65536
    head = (b'{"result":{"request":{},"response":{"data":{"flight":{"identification":{"id":"x",'
            b'"number":{"default":"XX100"},"callsign":"XXX100"},"aircraft":{"identification":'
            b'{"modes":"155ABC","registration":"XX-ABC"}},"track":[')
    return write_gzip_stream(path, iter(lambda: block, None), size, head,
                             b'{"latitude":41.1,"longitude":29.2,"timestamp":1694678400}]}}}}}')


# --------------------------------------------------------------------------- fuzzing


def mutations(seed_bytes: bytes, rng: random.Random, count: int) -> Iterator[bytes]:
    """``count`` damaged copies of ``seed_bytes``: bytes flipped, cut, repeated, spliced,
    brackets added, and wholly random files of similar size."""
    n = max(1, len(seed_bytes))
    for index in range(count):
        data = bytearray(seed_bytes)
        how = index % 8
        if how == 0:     # flip a few bytes
            for _ in range(rng.randint(1, 16)):
                data[rng.randrange(n)] = rng.randrange(256) if data else 0
        elif how == 1:   # cut short
            del data[rng.randrange(n):]
        elif how == 2:   # a slice repeated
            start = rng.randrange(n)
            piece = data[start:start + rng.randint(1, 512)]
            data[start:start] = piece * rng.randint(2, 50)
        elif how == 3:   # a slice removed
            start = rng.randrange(n)
            del data[start:start + rng.randint(1, 256)]
        elif how == 4:   # structural characters inserted
            for _ in range(rng.randint(1, 8)):
                data.insert(rng.randrange(n), rng.choice(b'{}[]<>",:\n\x00\r'))
        elif how == 5:   # nesting opened deep at a random place
            at = rng.randrange(n)
            data[at:at] = rng.choice((b"[", b"{\"a\":", b"<a>")) * rng.randint(500, 5000)
        elif how == 6:   # random bytes of a similar size, the head kept (still sniffed alike)
            data = data[:64] + bytearray(rng.randbytes(rng.randint(0, 2 * n)))
        else:            # the head of one file, the rest random text
            data = data[:rng.randrange(n)] + "".join(
                rng.choice("0123456789,.-:\" {}[]\nabcXYZ") for _ in range(rng.randint(0, 400))).encode()
        yield bytes(data)


def random_files(rng: random.Random, count: int, max_bytes: int = 4096) -> Iterator[bytes]:
    for _ in range(count):
        yield rng.randbytes(rng.randint(0, max_bytes))


def gzipped(data: bytes) -> bytes:
    out = io.BytesIO()
    import gzip
    with gzip.GzipFile(fileobj=out, mode="wb") as stream:
        stream.write(data)
    return out.getvalue()
