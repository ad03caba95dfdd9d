"""WACZ files (a zip holding WARC files under ``archive/`` and a ``datapackage.json``): the pages
and resources of every WARC inside, read as the WARC reader reads them, each named by its member."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ....errors import InputError
from ....filebytes import ZIP_READ_ERRORS
from ..documents import ExtractedDocument
from . import warc
from .common import CheckCancel, Head, closed_on_error
from .other import ZIP_MAGIC

KIND = "wacz"
LABEL = "WACZ"
TEXTUAL = False
EXTENSIONS = (".wacz",)
MEDIA_TYPE = "application/wacz"


def served_as(media_type: str) -> bool:
    return False   # no registered Content-Type; a served WACZ is sniffed


def sniff(head: Head) -> bool:
    return head.data.startswith(ZIP_MAGIC) and _is_wacz(head.path)


def _is_wacz(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except ZIP_READ_ERRORS:
        return False
    return "datapackage.json" in names and any(_is_warc_member(n) for n in names)


def _is_warc_member(name: str) -> bool:
    return name.startswith("archive/") and name.endswith((".warc", ".warc.gz"))


# Bounds per archive: what its WARC members may expand to, in all and per compressed byte
# (a member of zeros deflates a thousand to one; real WARCs, mostly gzip already, rarely 10).
MAX_CONTENT_BYTES = 64 * 1024 ** 3
MAX_EXPANSION = 200
_EXPANSION_FLOOR = 1024 * 1024   # members smaller than this expand as they like


def _check_members(archive: zipfile.ZipFile, path: Path) -> None:
    """Refuse, before reading anything, a WACZ whose members are ambiguous or too costly:
    two members of one name (a reader would see only one of them), WARC members that
    would expand past :data:`MAX_CONTENT_BYTES` or by more than :data:`MAX_EXPANSION`."""
    seen: set[str] = set()
    for info in archive.infolist():
        if info.filename in seen:
            raise InputError(f"two members are named {info.filename!r}; a WACZ with duplicate "
                             "member names is ambiguous and was not read", path=path)
        seen.add(info.filename)
    members = [archive.getinfo(n) for n in seen if _is_warc_member(n)]
    total = sum(info.file_size for info in members)
    if total > MAX_CONTENT_BYTES:
        raise InputError(f"its WARC members expand to {total:,} bytes, more than the "
                         f"{MAX_CONTENT_BYTES:,} osintdesk reads from one archive", path=path)
    for info in members:
        if info.file_size > max(_EXPANSION_FLOOR, info.compress_size * MAX_EXPANSION):
            raise InputError(f"member {info.filename} expands {info.file_size:,} bytes from "
                             f"{info.compress_size:,} (over {MAX_EXPANSION} to 1): not a real WARC "
                             "(a compression bomb?); nothing was read", path=path)


SPOOLS = True   # resource payloads go to disk: read_document passes the folder for them


def read(path: Path, check_cancel: CheckCancel, *, spool_dir: Path | None = None
         ) -> ExtractedDocument:
    document = ExtractedDocument(kind=KIND, media_type=MEDIA_TYPE, title=path.name,
                                 spool_parent=spool_dir)
    with closed_on_error(document):
        try:
            with zipfile.ZipFile(path) as archive:
                _check_members(archive, path)
                for name in sorted(n for n in archive.namelist() if _is_warc_member(n)):
                    with archive.open(name) as stream:
                        warc.collect_pages(stream, name, f"{path}!{name}", document, check_cancel,
                                           archive.getinfo(name).file_size)
        except ZIP_READ_ERRORS as error:
            raise InputError(f"not a readable WACZ (zip) file ({error})", path=path) from None
    return document
