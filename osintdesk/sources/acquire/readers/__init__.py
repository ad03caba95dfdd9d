"""The file readers, one module per kind of file, listed explicitly (no package scanning: the
frozen app must find them), and how to pick one: by content first, by file name second.

Every reader module exposes ``KIND`` (the document kind it returns), ``LABEL`` (the kind in
messages), ``TEXTUAL`` (text that a file name may assign to another textual kind),
``EXTENSIONS``, ``served_as(media_type) -> bool`` (a served Content-Type asks for it),
``sniff(head: Head) -> bool`` and ``read(path, check_cancel) -> ExtractedDocument``. A file
that claims a type it cannot be read as, or is damaged, raises :class:`InputError` naming it.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from ....errors import InputError
from ..documents import ExtractedDocument
from . import html, image, markdown, other, pdf, text, wacz, warc
from .common import SNIFF_BYTES, CheckCancel, Head

# Sniffed in this order: magic numbers first, then binary content nobody reads (``other``),
# then the textual kinds, most specific first. What no reader claims is ``other``.
READERS: list[ModuleType] = [
    pdf,
    warc,
    wacz,
    image,
    other,
    html,
    markdown,
    text,
]
FALLBACK = other
_BY_KIND = {reader.KIND: reader for reader in READERS}


def kind_for_media_type(media_type: str | None) -> str | None:
    """The reader kind a served Content-Type asks for (``image/png`` -> ``image``), or None."""
    if not media_type:
        return None
    media_type = media_type.lower()
    return next((reader.KIND for reader in READERS if reader.served_as(media_type)), None)


def sniff(path: Path) -> tuple[str, str | None]:
    """(kind, warning). The content decides; the name only chooses between textual kinds
    (a .md file, an HTML fragment in a .html file) and makes a contradiction an error
    (a .pdf that holds no PDF is damaged, not "other")."""
    try:
        with open(path, "rb") as stream:
            head = Head(path, stream.read(SNIFF_BYTES))
    except OSError as error:
        raise InputError(f"cannot be read ({error.strerror or error})", path=path) from None
    by_content = next((reader for reader in READERS if reader.sniff(head)), FALLBACK)
    by_name = _reader_for_name(path)
    if by_name is None or by_name is by_content:
        return by_content.KIND, None
    if by_name.TEXTUAL and by_content.TEXTUAL:
        return by_name.KIND, None
    if by_content is FALLBACK or by_content.TEXTUAL:
        label = by_name.LABEL
        raise InputError(f"the name says {label} but the content is not a readable {label} file", path=path)
    return by_content.KIND, (f"the name suggests {by_name.KIND} but the content is {by_content.KIND}; "
                             f"read as {by_content.KIND}")


def _reader_for_name(path: Path) -> ModuleType | None:
    """The reader whose extension the file name has (``.warc.gz`` counts as one extension)."""
    name, suffix = path.name.lower(), path.suffix.lower()
    for reader in READERS:
        if any(name.endswith(ext) if ext.count(".") > 1 else suffix == ext for ext in reader.EXTENSIONS):
            return reader
    return None


def _read(reader: ModuleType, path: Path, check_cancel: CheckCancel,
          spool_dir: Path | None) -> ExtractedDocument:
    """Readers that spool to disk (``SPOOLS``: archives) put their files in ``spool_dir``
    when the caller gives one (a folder of its own beside the case), else in the system's
    temp folder."""
    if getattr(reader, "SPOOLS", False):
        return reader.read(path, check_cancel, spool_dir=spool_dir)
    return reader.read(path, check_cancel)


def read_document(path: Path, *, check_cancel: CheckCancel = lambda: None,
                  spool_dir: Path | None = None) -> ExtractedDocument:
    """What the file says, by its sniffed kind (``spool_dir``: see ``_read``)."""
    kind, warning = sniff(path)
    document = _read(_BY_KIND[kind], path, check_cancel, spool_dir)
    if warning:
        document.warnings.insert(0, warning)
    return document


def read_document_as(path: Path, kind: str, *, check_cancel: CheckCancel = lambda: None,
                     spool_dir: Path | None = None) -> ExtractedDocument:
    """Read ``path`` as ``kind`` (a captured body whose type the server declared).

    A declared PDF or image that cannot be read raises :class:`InputError` naming ``path``.
    """
    if kind not in _BY_KIND:
        raise ValueError(f"unknown document kind {kind!r}")
    return _read(_BY_KIND[kind], Path(path), check_cancel, spool_dir)
