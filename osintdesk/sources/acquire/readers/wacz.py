"""WACZ files (a zip holding WARC files under ``archive/`` and a ``datapackage.json``): the pages
and resources of every WARC inside, read as the WARC reader reads them, each named by its member."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from ....errors import InputError
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
    except (zipfile.BadZipFile, OSError):
        return False
    return "datapackage.json" in names and any(_is_warc_member(n) for n in names)


def _is_warc_member(name: str) -> bool:
    return name.startswith("archive/") and name.endswith((".warc", ".warc.gz"))


SPOOLS = True   # resource payloads go to disk: read_document passes the folder for them


def read(path: Path, check_cancel: CheckCancel, *, spool_dir: Path | None = None
         ) -> ExtractedDocument:
    document = ExtractedDocument(kind=KIND, media_type=MEDIA_TYPE, title=path.name,
                                 spool_parent=spool_dir)
    with closed_on_error(document):
        try:
            with zipfile.ZipFile(path) as archive:
                for name in sorted(n for n in archive.namelist() if _is_warc_member(n)):
                    with archive.open(name) as stream:
                        warc.collect_pages(stream, name, f"{path}!{name}", document, check_cancel,
                                           archive.getinfo(name).file_size)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, zlib.error) as error:
            raise InputError(f"not a readable WACZ (zip) file ({error})", path=path) from None
    return document
