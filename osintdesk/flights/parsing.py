"""Parsing helpers shared by every flight importer: opening (gzip by magic bytes), CSV rows
with line numbers, streamed JSON, time formats, units, hex codes, callsigns, squawks and
the checks that turn impossible values into an ``InputError`` naming the file and record.

Importers never copy these; a quirk of one tracker is a parameter here, not a fork.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import math
import os
import re
import time
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .. import timefmt
from ..errors import Cancelled, InputError
from ..filebytes import without_bom
from ..words import listed
from .model import TrackPoint

GZIP_MAGIC = b"\x1f\x8b"
HEAD_BYTES = 64 * 1024
READ_CHUNK = 1 << 20

# Unit conversions (exact definitions: 1 ft = 0.3048 m, 1 nm = 1852 m).
FT_PER_M = 1 / 0.3048
KT_PER_MS = 3600 / 1852
FPM_PER_MS = 60 / 0.3048
KT_PER_KMH = 1000 / 1852
KT_PER_MPH = 1609.344 / 1852

# Times outside this window are impossible for flight-tracking data: before GPS week 0
# (1980-01-06) or more than two days after the import clock (a clock error, or epoch
# milliseconds read as seconds).
EARLIEST_T = 315964800.0  # 1980-01-06T00:00:00Z
FUTURE_SLACK_S = 2 * 86400
REASON_IMPOSSIBLE_TIME = "time impossible for tracking data (before 1980 or in the future)"
REASON_SHORT_ROW = "fewer cells than the header"
REASON_LONG_ROW = "more cells than the header"
# The one rule for a file whose last row was cut (a download stopped, ``head -c``): the
# rows before it are imported, that row is skipped and counted under this reason, and
# the import says so (``ImportResult.warnings``), whichever reader read the file.
REASON_CUT_ROW = "the file ends in the middle of a row (cut short)"

ProgressFn = Callable[[int, "int | None"], None]
CancelledFn = Callable[[], bool]


# --------------------------------------------------------------------------- opening files


class DamagedFileError(InputError):
    """The compressed data of a file is truncated or corrupt."""


class BadRecord(InputError):
    """One row or record of a file cannot be read (a value that is not a number, an
    impossible time...). Importers skip that record and count it by ``reason`` (a short
    phrase without the record's own values, so that like failures add up); only a file
    wrong as a whole is refused."""

    def __init__(self, message: str, *, reason: str, path: object = None, line: int | None = None):
        super().__init__(message, path=path, line=line)
        self.reason = reason


def skipped_record(exc: BadRecord, record: int | None):
    """The ``Skipped`` an importer yields for a record that raised ``exc``."""
    from .model import Skipped
    return Skipped(record, exc.reason, str(exc))


def cut_row(name: str, line: int):
    """The ``Skipped`` for the last row of a file that ends in the middle of it."""
    from .model import Skipped
    return Skipped(line, REASON_CUT_ROW, f"{name}, line {line}: the file ends in the middle "
                                         "of this row (cut short)")


class CutRow(list):
    """What ``csv_rows`` yields in place of a last row the file's end cut: no cells, so
    every importer's width check hands it to ``wrong_width`` (a real row is never empty:
    blank rows are not yielded)."""


def wrong_width(name: str, line: int, width: int, found: int):
    """The ``Skipped`` for a CSV row with more or fewer cells than its header (or, with no
    cells, for the ``CutRow`` that stands for a last row the file's end cut)."""
    from .model import Skipped
    if found == 0:
        return cut_row(name, line)
    reason = REASON_SHORT_ROW if found < width else REASON_LONG_ROW
    return Skipped(line, reason, f"{name}, line {line}: expected {width} cells as in the header, "
                                 f"found {found}")


def read_or_skip(read: Callable, record: int | None, *args, **kwargs):
    """``read(*args, **kwargs)`` for one record, or its ``Skipped`` when it cannot be read."""
    try:
        return read(*args, **kwargs)
    except BadRecord as exc:
        return skipped_record(exc, record)


class SourceStream(io.RawIOBase):
    """A read-only binary stream over a file, transparently gunzipped when the file starts
    with the gzip magic bytes. It knows how far through the *file* it is (for progress)
    and turns damaged compressed data into a ``DamagedFileError`` naming the file."""

    def __init__(self, path: str | os.PathLike, display_name: str | None = None, *,
                 data: bytes | None = None):
        super().__init__()
        self.path = Path(path)
        self.name = display_name or str(path)
        self.data = data   # the content itself (an archive member) instead of a file
        if data is not None:
            self._raw = io.BytesIO(data)
            self.size_bytes = len(data)
        else:
            try:
                self._raw = open(self.path, "rb")
            except OSError as exc:
                raise InputError(f"cannot open the file ({exc.strerror or exc})",
                                 path=self.name) from None
            self.size_bytes = os.fstat(self._raw.fileno()).st_size
        self.compressed = self._raw.read(2) == GZIP_MAGIC
        self._raw.seek(0)
        self._inner: Any = gzip.GzipFile(fileobj=self._raw, mode="rb") if self.compressed else self._raw
        self.decompressed_bytes = 0
        self.last_byte = b""   # the content's last byte read so far (does it end a line?)

    def readable(self) -> bool:
        return True

    def source_position(self) -> int:
        """Bytes of the file on disk consumed so far."""
        try:
            return self._raw.tell()
        except (OSError, ValueError):
            return 0

    def _guard(self, call, *args):
        try:
            data = call(*args)
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            raise DamagedFileError(
                f"the gzip-compressed data is truncated or corrupt after "
                f"{self.decompressed_bytes:,} bytes of content ({exc})", path=self.name) from None
        except OSError as exc:
            raise DamagedFileError(f"could not read the file: {exc}", path=self.name) from None
        return data

    def readinto(self, buffer) -> int:
        count = self._guard(self._inner.readinto, buffer)
        if count:
            self.decompressed_bytes += count
            self.last_byte = bytes(buffer[count - 1:count])
        return count

    def read(self, size: int = -1) -> bytes:
        data = self._guard(self._inner.read, size)
        self.decompressed_bytes += len(data)
        if data:
            self.last_byte = data[-1:]
        return data

    def close(self) -> None:
        if not self.closed:
            try:
                if self._inner is not self._raw:
                    self._inner.close()
            finally:
                self._raw.close()
        super().close()


def open_maybe_gzip(path: str | os.PathLike, display_name: str | None = None, *,
                    data: bytes | None = None) -> io.BufferedReader:
    """Open ``path`` for binary reading, gunzipping it when its first bytes are the gzip magic.

    ``data``: read these bytes (an archive member) instead of the file; ``path`` then only
    names them. The result is buffered; ``stream.raw`` is the ``SourceStream`` (size,
    position). Truncated or corrupt gzip data raises ``DamagedFileError`` (an
    ``InputError``) when read.
    """
    return io.BufferedReader(SourceStream(path, display_name, data=data), buffer_size=READ_CHUNK)


def read_head(path: str | os.PathLike, size: int = HEAD_BYTES) -> bytes:
    """The first ``size`` bytes of the file's content (after gunzip), for sniffing."""
    with open_maybe_gzip(path) as stream:
        return stream.read(size)


def looks_binary(head: bytes) -> bool:
    """True for content that is not text (NUL bytes, or not UTF-8 in its first bytes)."""
    if b"\x00" in head:
        return True
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the head boundary is still text.
        return exc.start < len(head) - 4
    return False


def source_of(stream) -> SourceStream | None:
    raw = getattr(stream, "raw", stream)
    return raw if isinstance(raw, SourceStream) else None


# --------------------------------------------------------------------------- progress


class Ticker:
    """Counts records; every ``every`` records reports progress and honours cancellation.

    Progress is in file bytes (done, total) when the stream is a ``SourceStream``,
    otherwise in records (done, None).
    """

    def __init__(self, stream, progress: ProgressFn | None, cancelled: CancelledFn | None,
                 every: int = 4096, total_records: int | None = None):
        self.progress = progress
        self.cancelled = cancelled
        self.every = every
        self.count = 0
        self._next = every
        self._source = source_of(stream)
        self.total_records = total_records

    def tick(self) -> None:
        self.count += 1
        if self.count >= self._next:
            self._next += self.every
            self.report()

    def report(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise Cancelled()
        if self.progress is not None:
            if self.total_records is not None:
                self.progress(self.count, self.total_records)
            elif self._source is not None:
                self.progress(self._source.source_position(), self._source.size_bytes)
            else:
                self.progress(self.count, None)

    def finish(self) -> None:
        if self.progress is not None:
            if self.total_records is not None:
                self.progress(self.total_records, self.total_records)
            elif self._source is not None:
                self.progress(self._source.size_bytes, self._source.size_bytes)
            else:
                self.progress(self.count, self.count)


# --------------------------------------------------------------------------- text and CSV


def text_stream(stream) -> io.TextIOWrapper:
    """Decode a binary stream as UTF-8 (a leading byte-order mark is dropped)."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
    text._CHUNK_SIZE = 256 * 1024  # fewer, larger reads: measurably faster on big files
    return text


def release_text(text: io.TextIOWrapper) -> None:
    """Detach a text wrapper from its binary stream, so that collecting the wrapper later
    never closes (or touches) the caller's stream."""
    try:
        text.detach()
    except ValueError:
        pass  # the stream was already closed


def csv_header(rows: Iterator[tuple[int, list[str]]], name: str) -> tuple[int, list[str]]:
    """The first row of ``csv_rows`` (the header), or an InputError for an empty file."""
    try:
        return next(rows)
    except StopIteration:
        raise InputError("the file is empty (no header line)", path=name, line=1) from None


def csv_rows(stream, name: str, *, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line_number, cells)`` for each non-blank CSV row; the line number is the
    physical line in the file where the row ends. Undecodable, NUL-bearing or malformed
    content raises ``InputError`` naming the file and the line.

    A file that ends in the middle of a row (inside a quoted cell, or a last row with fewer
    cells than the first row and no line end) gives a ``CutRow`` for that row: the rows
    before it are read as usual (``REASON_CUT_ROW``)."""
    text = text_stream(stream)
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    held = None   # one row behind: the last row is checked for a cut before it is given
    width = None
    try:
        for row in reader:
            if row and (len(row) > 1 or row[0].strip()):
                if held is not None:
                    yield held
                if width is None:
                    width = len(row)
                held = reader.line_num, row
    except UnicodeDecodeError:
        raise InputError("the file is not UTF-8 text (is it a binary file?)",
                         path=name, line=undecodable_line(stream) or reader.line_num + 1) from None
    except csv.Error as exc:
        if str(exc) != "unexpected end of data":   # the end came inside a quoted cell
            raise InputError(f"malformed CSV ({exc})", path=name,
                             line=max(1, reader.line_num)) from None
        if held is not None:
            yield held
        held = reader.line_num, CutRow()
    except DamagedFileError as exc:
        raise DamagedFileError(_strip_where(exc, name), path=name, line=reader.line_num + 1) from None
    finally:
        release_text(text)
    if held is not None:
        line, row = held
        if width is not None and 0 < len(row) < width and not _ends_a_line(stream):
            row = CutRow()
        yield line, row


def _ends_a_line(stream) -> bool:
    """Whether the content read from ``stream`` ended with a line end (True when unknown)."""
    source = source_of(stream)
    return source is None or source.last_byte in (b"\n", b"\r", b"")


def with_line(exc: InputError, name: str, line: int | None) -> InputError:
    """The same error, naming the line when it did not yet."""
    if exc.line is not None or line is None:
        return exc
    if isinstance(exc, BadRecord):
        return BadRecord(_strip_where(exc, name), reason=exc.reason, path=name, line=line)
    return type(exc)(_strip_where(exc, name), path=name, line=line)


def undecodable_line(stream) -> int | None:
    """The line of the first byte that is not UTF-8, found by reading the file again
    (text is decoded in large chunks, so the failing chunk does not say which line)."""
    source = source_of(stream)
    if source is None:
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 1
    with open_maybe_gzip(source.path, data=source.data) as again:
        while True:
            chunk = again.read(READ_CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                return lines + chunk.count(b"\n", 0, max(0, exc.start))
            if not chunk:
                return None
            lines += chunk.count(b"\n")


def _strip_where(exc: InputError, name: str) -> str:
    message = str(exc)
    prefix = f"{name}: "
    return message[len(prefix):] if message.startswith(prefix) else message


def normalise_header(cell: str) -> str:
    return cell.strip().strip('"').strip().lower()


def header_index(header: list[str], name: str, line: int, *, required: Iterable[str] = (),
                 aliases: dict[str, Iterable[str]] | None = None) -> dict[str, int]:
    """Map canonical column names to indexes by header name (case-insensitive).

    ``aliases`` maps a canonical name to the header spellings that mean it; every name in
    ``required`` must be found or an ``InputError`` lists what is missing and what was found.
    """
    cells = [normalise_header(c) for c in header]
    positions: dict[str, int] = {}
    for canonical, spellings in (aliases or {}).items():
        for spelling in spellings:
            if spelling in cells:
                positions[canonical] = cells.index(spelling)
                break
    missing = [col for col in required if col not in positions]
    if missing:
        raise InputError(f"missing {listed('column', missing)}; the header has: "
                         f"{', '.join(c for c in cells if c) or '(nothing)'}", path=name, line=line)
    return positions


def header_line(head: bytes) -> str:
    """The first line of ``head`` decoded leniently, lower-cased, for sniffing CSV headers."""
    first = without_bom(head.split(b"\n", 1)[0])
    return first.decode("utf-8", "replace").strip().lower()


def header_cells(head: bytes) -> list[str]:
    try:
        return [normalise_header(c) for c in next(csv.reader([header_line(head)]))]
    except (StopIteration, csv.Error):
        return []


# --------------------------------------------------------------------------- streamed JSON


_WS = re.compile(r"[ \t\n\r]*")
_SEPARATOR = re.compile(r"[ \t\n\r]*([,\]])[ \t\n\r]*")
_SAFE_MARGIN = 64 * 1024  # elements (trace rows, aircraft) are far smaller than this


class NonFiniteNumber(ValueError):
    """JSON has no NaN or Infinity; Python's json module would accept them."""


def _refuse_constant(name: str):
    raise NonFiniteNumber(name)


class JsonStream:
    """Read one JSON object from a text stream without holding all of it: ordinary members
    are decoded whole, members named in ``stream_keys`` (arrays) are decoded one element at
    a time. Yields ``(key, index, value)``: ``index`` is None for whole members and the
    0-based element number for streamed array elements.

    Errors raise ``InputError`` naming the file and the line.
    """

    def __init__(self, text: io.TextIOBase, name: str, stream_keys: Iterable[str] = ()):
        self.text = text
        self.name = name
        self.stream_keys = set(stream_keys)
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.line_base = 1  # line number of buf[0]
        self.decoder = json.JSONDecoder(parse_constant=_refuse_constant)
        self.seen_keys: set[str] = set()

    # -- buffer handling
    def _fill(self) -> bool:
        if self.eof:
            return False
        try:
            data = self.text.read(READ_CHUNK)
        except UnicodeDecodeError:
            raise InputError("the file is not UTF-8 text (is it a binary file?)", path=self.name,
                             line=undecodable_line(self.text.buffer) or self._line()) from None
        except DamagedFileError as exc:
            raise DamagedFileError(_strip_where(exc, self.name), path=self.name,
                                   line=self._line()) from None
        if not data:
            self.eof = True
            return False
        if self.pos:
            self.line_base += self.buf.count("\n", 0, self.pos)
            self.buf = self.buf[self.pos:]
            self.pos = 0
        self.buf += data
        if len(self.buf) - self.pos > MAX_JSON_VALUE_CHARS:
            raise InputError(f"a single JSON value is larger than {MAX_JSON_VALUE_CHARS // 2**20} "
                             "MB; the file is damaged or not this format", path=self.name,
                             line=self._line())
        return True

    def _line(self, pos: int | None = None) -> int:
        return self.line_base + self.buf.count("\n", 0, self.pos if pos is None else pos)

    def _skip_ws(self) -> str:
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return ""

    def _expect(self, chars: str, what: str) -> str:
        char = self._skip_ws()
        if not char or char not in chars:
            found = repr(char) if char else "the end of the file"
            raise InputError(f"invalid JSON: expected {what}, found {found}",
                             path=self.name, line=self._line())
        self.pos += 1
        return char

    def _value(self) -> Any:
        self._skip_ws()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except NonFiniteNumber as exc:
                raise InputError(f"invalid JSON: {exc} is not a number JSON allows", path=self.name,
                                 line=self._line()) from None
            except RecursionError:
                raise InputError(TOO_DEEP, path=self.name, line=self._line()) from None
            except json.JSONDecodeError as exc:
                near_end = len(self.buf) - exc.pos < 4096 or exc.msg.startswith("Unterminated")
                if near_end and self._fill():
                    continue
                if not self.buf.strip():
                    raise InputError("the file is empty", path=self.name, line=1) from None
                raise InputError(f"invalid JSON ({exc.msg})", path=self.name,
                                 line=self._line(exc.pos)) from None
            # A number at the very end of the buffer may continue in the next chunk.
            if end >= len(self.buf) and self._fill():
                continue
            self.pos = end
            return value

    # -- public
    def members(self) -> Iterator[tuple[str, int | None, Any]]:
        if not self._skip_ws():
            raise InputError("the file is empty", path=self.name, line=1)
        self._expect("{", "an object '{'")
        if self._skip_ws() == "}":
            self.pos += 1
            return
        while True:
            key = self._value()
            if not isinstance(key, str):
                raise InputError("invalid JSON: object key is not a string", path=self.name,
                                 line=self._line())
            self._expect(":", "':'")
            self.seen_keys.add(key)
            if key in self.stream_keys and self._skip_ws() == "[":
                self.pos += 1
                yield from self._elements(key)
            else:
                yield key, None, self._value()
            if self._expect(",}", "',' or '}'") == "}":
                break
        if self._skip_ws():
            raise InputError("invalid JSON: extra data after the top-level object",
                             path=self.name, line=self._line())

    def _elements(self, key: str) -> Iterator[tuple[str, int, Any]]:
        if self._skip_ws() == "]":
            self.pos += 1
            return
        index = 0
        decode, separator = self.decoder.raw_decode, _SEPARATOR.match
        while True:
            # Fast loop while well inside the buffer: an element cannot run past its end
            # unnoticed (raw_decode fails on a cut value), so no refill checks are needed.
            buf, safe = self.buf, len(self.buf) - _SAFE_MARGIN
            pos = _WS.match(buf, self.pos).end()
            try:
                while pos < safe:
                    value, pos = decode(buf, pos)
                    match = separator(buf, pos)
                    if match is None:
                        break
                    self.pos = pos = match.end()
                    yield key, index, value
                    index += 1
                    if match.group(1) == "]":
                        return
            except (json.JSONDecodeError, NonFiniteNumber, RecursionError):
                pass  # the careful path below reports it with its line
            yield key, index, self._value()
            index += 1
            if self._expect(",]", "',' or ']'") == "]":
                return

    def current_line(self) -> int:
        return self._line()


# A format read in one piece (FR24 and OpenSky JSON: one flight each, a few MB at most) is
# refused above this much content, read in chunks so a gzip'd giant is refused after reading
# this much, not after inflating all of it; what json.loads builds is a few times this size.
MAX_WHOLE_JSON_BYTES = 32 * 1024 * 1024
# A single JSON value in a streamed file (one trace row, one aircraft, one header member)
# larger than this is refused: the stream holds one value at a time, so this bounds memory.
MAX_JSON_VALUE_CHARS = 32 * 1024 * 1024
TOO_DEEP = "invalid JSON: nested too deeply to read (over a thousand levels of arrays or objects)"


def load_json_whole(stream, name: str, *, max_bytes: int = MAX_WHOLE_JSON_BYTES) -> Any:
    """``json.loads`` the whole (decompressed) stream, refusing content over ``max_bytes``
    (read in chunks, refused as soon as it is passed) and JSON nested too deeply with an
    InputError naming the file, rather than exhausting memory or the stack."""
    chunks, size = [], 0
    while chunk := stream.read(min(READ_CHUNK, max_bytes + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            raise InputError(f"the file is too large to load whole (over {max_bytes // 2**20} MB "
                             "of content); this format has to be read in one piece", path=name)
    data = b"".join(chunks)
    del chunks
    if not data.strip():
        raise InputError("the file is empty", path=name, line=1)
    try:
        return json.loads(data.decode("utf-8-sig"), parse_constant=_refuse_constant)
    except RecursionError:
        raise InputError(TOO_DEEP, path=name) from None
    except NonFiniteNumber as exc:
        raise InputError(f"invalid JSON: {exc} is not a number JSON allows", path=name) from None
    except UnicodeDecodeError:
        raise InputError("the file is not UTF-8 text (is it a binary file?)", path=name) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON ({exc.msg})", path=name, line=exc.lineno) from None


# --------------------------------------------------------------------------- XML


class NumberSpool:
    """Tuples of ``width`` floats, appended and taken back first in first out, in bounded
    memory: past ``limit`` tuples waiting in memory they go to a temporary file (a KML
    track's thousands of times that wait for their positions)."""

    def __init__(self, width: int = 1, limit: int = 65536):
        from array import array
        self._array = array
        self.width, self.limit = width, limit
        self._memory = array("d")      # the newest, not yet spilled
        self._ahead = array("d")       # the oldest, taken next
        self._ahead_at = 0
        self._file = None
        self._written = self._read = 0   # floats in the file, and read back from it

    def __len__(self) -> int:
        return ((len(self._ahead) - self._ahead_at) + (self._written - self._read)
                + len(self._memory)) // self.width

    def append(self, *values: float) -> None:
        self._memory.extend(values)
        if len(self._memory) >= self.limit * self.width:
            if self._file is None:
                import tempfile
                self._file = tempfile.TemporaryFile(prefix="osintdesk-spool-")
            self._file.seek(0, os.SEEK_END)
            self._memory.tofile(self._file)
            self._written += len(self._memory)
            self._memory = self._array("d")

    def take(self) -> tuple[float, ...] | None:
        """The oldest tuple waiting, or None when none waits."""
        if self._ahead_at >= len(self._ahead):
            if self._read < self._written:
                count = min(self.limit * self.width, self._written - self._read)
                self._file.seek(self._read * 8)
                self._ahead = self._array("d")
                self._ahead.fromfile(self._file, count)
                self._read += count
            elif self._memory:
                self._ahead, self._memory = self._memory, self._array("d")
            else:
                return None
            self._ahead_at = 0
        at = self._ahead_at
        self._ahead_at += self.width
        return tuple(self._ahead[at:at + self.width])

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class ObjectSpool:
    """Objects kept for later in the order they came, in bounded memory: the first ``limit``
    in a list, the rest pickled to a temporary file (what a file gives that can be stored
    only at its end, such as a snapshot's aircraft listed before its time, or sightings).
    Iterate once to have them back; ``close`` deletes the file."""

    def __init__(self, limit: int = 10000):
        self.limit = limit
        self._memory: list = []
        self._file = None
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def append(self, item) -> None:
        self._count += 1
        if len(self._memory) < self.limit:
            self._memory.append(item)
            return
        import pickle
        import tempfile
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="osintdesk-spool-")
        pickle.dump(item, self._file, protocol=pickle.HIGHEST_PROTOCOL)

    def __iter__(self):
        import pickle
        yield from self._memory
        if self._file is not None:
            self._file.flush()
            self._file.seek(0)
            for _ in range(self._count - len(self._memory)):
                yield pickle.load(self._file)

    def close(self) -> None:
        self._memory = []
        if self._file is not None:
            self._file.close()
            self._file = None


def xml_events(stream, name: str, events: tuple[str, ...] = ("start", "end")) -> Iterator:
    """``(event, element)`` pairs from an XML stream, parsed safely: DTDs, entity
    declarations and external references are refused (defusedxml). Malformed XML raises
    InputError naming the file and the line."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    try:
        yield from iterparse(stream, events=events, forbid_dtd=True)
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        message = str(exc).split(":", 1)[0]
        raise InputError(f"invalid XML ({message})", path=name, line=line) from None
    except DefusedXmlException as exc:
        raise InputError(f"refused unsafe XML ({type(exc).__name__}: a DTD, entity or external "
                         f"reference)", path=name) from None
    except UnicodeDecodeError:
        raise InputError("the file is not valid text (is it a binary file?)", path=name) from None


def local_name(tag: str) -> str:
    """``{namespace}Placemark`` -> ``Placemark``."""
    return tag.rpartition("}")[2]


def xml_text(element) -> str:
    return (element.text or "").strip() if element is not None else ""


def find_local(element, *path: str):
    """The first descendant following ``path`` by local names (any namespace), or None."""
    node = element
    for step in path:
        node = next((child for child in node if local_name(child.tag) == step), None)
        if node is None:
            return None
    return node


# --------------------------------------------------------------------------- numbers


def to_float(value: Any, what: str, name: str, line: int | None, where: str = "") -> float | None:
    """A finite float from a cell or JSON value; empty/None gives None; anything else that
    is not a number raises InputError naming the file, the record and the column."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise _bad_value(what, value, name, line, where)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _bad_value(what, value, name, line, where) from None
    if not math.isfinite(number):
        raise _bad_value(what, value, name, line, where)
    return number


def cell_float(row: list[str], index: int | None, column: str, name: str, line: int) -> float | None:
    """The number in ``row[index]`` (None when the column is absent or the cell is empty)."""
    if index is None:
        return None
    return to_float(row[index].strip(), column, name, line)


def _bad_value(what: str, value: Any, name: str, line: int | None, where: str) -> InputError:
    shown = value if isinstance(value, str) else json.dumps(value)[:40]
    return BadRecord(f"{where}{what} {shown!r} is not a number", reason=f"{what} is not a number",
                     path=name, line=line)


def parse_bool(value: Any, what: str, name: str, line: int | None, where: str = "") -> bool | None:
    """true/false, 1/0, yes/no, t/f (any case); empty/None gives None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "t", "y"):
        return True
    if text in ("false", "0", "no", "f", "n"):
        return False
    raise BadRecord(f"{where}{what} {value!r} is not true/false", reason=f"{what} is not true/false",
                    path=name, line=line)


# --------------------------------------------------------------------------- units


def m_to_ft(metres: float | None) -> float | None:
    return None if metres is None else metres * FT_PER_M


def ms_to_kt(metres_per_s: float | None) -> float | None:
    return None if metres_per_s is None else metres_per_s * KT_PER_MS


def ms_to_fpm(metres_per_s: float | None) -> float | None:
    return None if metres_per_s is None else metres_per_s * FPM_PER_MS


# --------------------------------------------------------------------------- identifiers

_HEX_RE = re.compile(r"[0-9a-f]{1,6}")


def normalise_hex(value: Any, name: str = "", line: int | None = None, where: str = "") -> str | None:
    """ICAO 24-bit address as 6 lower-case hex digits: ``0x8467D8`` -> ``8467d8``.

    A leading ``~`` (readsb's mark for a non-ICAO address) is kept: ``~ABC123`` -> ``~abc123``.
    Shorter values are zero-padded (the address is a number). Empty gives None; anything
    else raises InputError.
    """
    if value is None:
        return None
    text = str(value).strip().lower()
    if not text:
        return None
    tilde = text.startswith("~")
    if tilde:
        text = text[1:]
    if text.startswith("0x"):
        text = text[2:]
    if not _HEX_RE.fullmatch(text):
        raise BadRecord(f"{where}aircraft address {value!r} is not a 24-bit hex code",
                        reason="aircraft address is not a 24-bit hex code",
                        path=name or None, line=line)
    return ("~" if tilde else "") + text.rjust(6, "0")


def stripped_text(value: Any) -> str | None:
    """A text field without its surrounding spaces, or None when absent or blank: callsigns
    (space-padded to 8 characters in ADS-B), registrations, type codes, operators, airport
    codes, flight numbers."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


_OCTAL = frozenset("01234567")


def normalise_squawk(value: Any, name: str = "", line: int | None = None, *,
                     zero_is_none: bool = False, where: str = "") -> str | None:
    """Mode A code as 4 octal digits (``412`` -> ``"0412"``).

    ``zero_is_none``: FlightRadar24 drops leading zeros and writes ``0`` when there was no
    squawk, so a bare 0 means "none" there (a genuine 0000 cannot be told apart).
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if not text:
        return None
    if zero_is_none and text.strip("0") == "":
        return None
    if len(text) > 4 or not set(text) <= _OCTAL:
        raise BadRecord(f"{where}squawk {value!r} is not 4 octal digits",
                        reason="squawk is not 4 octal digits", path=name or None, line=line)
    return text.rjust(4, "0")


# --------------------------------------------------------------------------- times


_Z_FRACTION = re.compile(r"^(.*\d)Z\.(\d+)$")


def parse_iso_time(text: str, name: str, line: int | None, *, assume_utc: bool = True,
                   where: str = "") -> float:
    """An ISO 8601 date-time to UTC epoch seconds.

    Accepts ``2024-01-02T07:41:03Z``, ``2024-01-02 07:41:03.515+00:00`` and
    FlightRadar24's ``2024-01-02 07:41:03Z.515`` (fraction after the Z). Without an
    offset the time is UTC when ``assume_utc``; otherwise that is an error.
    """
    try:
        moment = timefmt.parse_iso_strict(text)  # the common case, fast
    except ValueError:
        moment = None
    if moment is None or len(text.strip()) <= 10:
        moment = _iso_slow(text, name, line, where)
    if moment.tzinfo is None:
        if not assume_utc:
            raise BadRecord(f"{where}time {text!r} has no time zone",
                            reason="time has no time zone", path=name, line=line)
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _iso_slow(text: str, name: str, line: int | None, where: str) -> datetime:
    fixed = _Z_FRACTION.sub(r"\1.\2Z", text.strip())
    try:
        if len(fixed) <= 10:
            raise ValueError  # a date alone is not a time of observation
        return timefmt.parse_iso(fixed)
    except ValueError:
        raise BadRecord(f"{where}time {text!r} is not an ISO 8601 date and time",
                        reason="time is not an ISO 8601 date and time", path=name,
                        line=line) from None


def parse_time_with_format(text: str, fmt: str, name: str, line: int | None, *,
                           utc_offset_s: float = 0.0, where: str = "") -> float:
    """Parse a time cell by a named format or a ``strptime`` pattern, to UTC epoch seconds.

    ``fmt``: ``iso``, ``epoch_s``, ``epoch_ms`` or a pattern such as ``%d/%m/%Y %H:%M:%S``.
    ``utc_offset_s`` is the offset of naive local times from UTC (e.g. 10800 for UTC+3).
    """
    if fmt == "epoch_s":
        value = to_float(text, "time", name, line, where)
        if value is None:
            raise BadRecord(f"{where}time is empty", reason="time is empty", path=name, line=line)
        return value
    if fmt == "epoch_ms":
        value = to_float(text, "time", name, line, where)
        if value is None:
            raise BadRecord(f"{where}time is empty", reason="time is empty", path=name, line=line)
        return value / 1000.0
    if fmt == "iso":
        t = parse_iso_time(text, name, line, assume_utc=True, where=where)
        if utc_offset_s and not _has_offset(text):
            t -= utc_offset_s
        return t
    try:
        moment = datetime.strptime(text.strip(), fmt)
    except ValueError:
        raise BadRecord(f"{where}time {text!r} does not match the format {fmt!r}",
                        reason=f"time does not match the format {fmt!r}", path=name,
                        line=line) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone(timedelta(seconds=utc_offset_s)))
    return moment.timestamp()


def _has_offset(text: str) -> bool:
    tail = text.strip()[10:]
    return "Z" in tail or "+" in tail or "-" in tail


# --------------------------------------------------------------------------- validation


class Validator:
    """Checks positions and times against what is physically possible.

    ``clock`` gives "now" in UTC epoch seconds (pass a fixed one in tests); times after
    now + 2 days or before 1980 are impossible for tracking data.
    """

    def __init__(self, name: str, clock: Callable[[], float] | None = None):
        self.name = name
        self.latest_t = (clock or time.time)() + FUTURE_SLACK_S

    def time(self, t: float | None, line: int | None, where: str = "") -> float:
        if t is None:
            raise BadRecord(f"{where}the time is missing", reason="the time is missing",
                            path=self.name, line=line)
        if not (EARLIEST_T <= t <= self.latest_t) or t != t:
            raise BadRecord(f"{where}time {_describe_time(t)} is impossible for tracking data "
                            f"(before 1980 or in the future)", reason=REASON_IMPOSSIBLE_TIME,
                            path=self.name, line=line)
        return t

    def position(self, lat: float | None, lon: float | None, line: int | None, where: str = "") -> None:
        if lat is None or lon is None:
            raise BadRecord(f"{where}the position is incomplete (latitude {lat}, longitude {lon})",
                            reason="the position is incomplete", path=self.name, line=line)
        if not -90.0 <= lat <= 90.0:
            raise BadRecord(f"{where}latitude {lat} is outside -90..90",
                            reason="latitude is outside -90..90", path=self.name, line=line)
        if not -180.0 <= lon <= 180.0:
            raise BadRecord(f"{where}longitude {lon} is outside -180..180",
                            reason="longitude is outside -180..180", path=self.name, line=line)


def _describe_time(t: float) -> str:
    try:
        return f"{t:g} ({timefmt.display_time(t)})"
    except (OverflowError, OSError, ValueError):
        return f"{t:g}"


def clock_from(options: dict | None) -> Callable[[], float] | None:
    """The import clock from the options (``options["clock"]``), if any."""
    return (options or {}).get("clock")


# --------------------------------------------------------------------------- points

_tuple_new = tuple.__new__


def make_point(t: float, lat: float, lon: float, alt_ft: float | None, gs_kt: float | None,
               track_deg: float | None, vrate_fpm: float | None, on_ground: bool | None,
               callsign: str | None, squawk: str | None, hex: str | None,
               leg_start: bool = False, stale: bool = False, record: int | None = None) -> TrackPoint:
    """Build a TrackPoint without the NamedTuple constructor's keyword overhead (hot path)."""
    return _tuple_new(TrackPoint, (t, lat, lon, alt_ft, gs_kt, track_deg, vrate_fpm, on_ground,
                                   callsign, squawk, hex, leg_start, stale, record))


def options_hex(options: dict | None, name: str) -> str | None:
    """The aircraft address the user attached to a file that does not name one."""
    value = (options or {}).get("hex")
    return normalise_hex(value, name, None, "option hex: ") if value else None
