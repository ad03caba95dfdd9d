"""Track points stored packed: blocks of one import's points of one aircraft.

A million positions as a million SQLite rows cost seconds to write, to read back and to
verify (and SQLite's integrity check walks two indexes over them). Stored as blocks of
up to ``BLOCK_POINTS`` points, each a byte string of columns (little-endian numpy
arrays), they are written with a few inserts, read with a few ``frombuffer`` calls, and
``verify`` hashes them at hashlib speed.

A block's bytes: ``MAGIC``, the point count and the length of the text part (two
little-endian uint32), then the columns in ``_NUMBER_COLUMNS`` order, then the callsign
and squawk changes as canonical JSON (``{"callsign": [[index, value], ...], "squawk":
...}``). A missing number is NaN (floats), -1 (on_ground) or ``NO_RECORD`` (record).
Points are kept in the order the file gave them; readers sort by (t, lat, lon). An import
stores an aircraft's blocks as its points fill them (``BlockWriter``): all but the last
hold ``BLOCK_POINTS`` unless many aircraft wait at once, and the spans of one import's
blocks may overlap (a file not in time order); nothing assumes otherwise.

The digest of an import's points (audit object ``track-points``) is SHA-256 over the
table name, then per block in id order its aircraft id, count, first and last time and
bytes. ``BlockDigest`` computes the same from rows, cutting them into blocks as
``blocks_of`` does: runs of one aircraft, ``BLOCK_POINTS`` at most (the same when the
blocks were cut so; verify and bundles hash the stored blocks themselves).

Exchange bundles carry an import's blocks as stored, framed (``frame``/``read_frames``):
per block its aircraft id, count, first and last time (as the digest hashes them) and its
byte length (``FRAME``: little-endian int64, int64, float64, float64, uint64), then its
bytes. A receiver checks each block (``block_problem``) before it believes or stores it.
"""

from __future__ import annotations

import hashlib
import json
import operator
import struct
from typing import Iterable, Iterator, Sequence

import numpy as np

TABLE = "track_blocks"
SECTION = "track_points"   # the digest's (and exchange bundles') name for the points
BLOCK_POINTS = 65536
MAGIC = b"OTP1"
NO_RECORD = -(2 ** 63)
# The columns of a point row (as exchange bundles and the digest see them).
ROW_COLUMNS = ("aircraft_id", "t", "lat", "lon", "alt_ft", "gs_kt", "track_deg", "vrate_fpm",
               "on_ground", "callsign", "squawk", "leg_start", "stale", "record")
POINT_COLUMNS = ROW_COLUMNS[1:]
_NUMBER_COLUMNS = (("t", "<f8"), ("lat", "<f8"), ("lon", "<f8"), ("alt_ft", "<f8"),
                   ("gs_kt", "<f8"), ("track_deg", "<f8"), ("vrate_fpm", "<f8"),
                   ("record", "<i8"), ("on_ground", "i1"), ("leg_start", "u1"), ("stale", "u1"))
_TEXT_COLUMNS = ("callsign", "squawk")
_HEADER = struct.Struct("<4sII")
_BLOCK_HEADER = struct.Struct("<qqdd")   # aircraft id, count, first t, last t (digest only)
FRAME = struct.Struct("<qqddQ")           # the same and the block's length (bundles)
MAX_BLOCK_BYTES = 64 << 20                # a framed block a reader accepts
_POINT_BYTES = sum(np.dtype(dtype).itemsize for _, dtype in _NUMBER_COLUMNS)
_FLOATS = {"t", "lat", "lon", "alt_ft", "gs_kt", "track_deg", "vrate_fpm"}


def _runs(values: np.ndarray) -> list[list]:
    """[[index, value], ...] wherever an object column changes (None included)."""
    if not len(values):
        return []
    changed = np.flatnonzero(values[1:] != values[:-1]) + 1
    starts = [0, *changed.tolist()]
    return [[i, values[i]] for i in starts]


def _expand(runs: list, n: int) -> np.ndarray:
    out = np.empty(n, dtype=object)
    if runs:   # one numpy repeat, not a slice per run (a block may change at every point)
        starts = [r[0] for r in runs]
        values = np.empty(len(runs), dtype=object)
        values[:] = [r[1] for r in runs]
        out[starts[0]:] = np.repeat(values, np.diff(starts + [n]))
    return out


def pack(columns: dict[str, np.ndarray]) -> bytes:
    """One block's bytes from its point columns (``POINT_COLUMNS``; numbers as numpy arrays
    with the missing-value conventions above, callsign and squawk as object arrays)."""
    n = len(columns["t"])
    text = json.dumps({name: _runs(columns[name]) for name in _TEXT_COLUMNS},
                      separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    parts = [_HEADER.pack(MAGIC, n, len(text))]
    parts += [np.ascontiguousarray(columns[name], dtype=dtype).tobytes()
              for name, dtype in _NUMBER_COLUMNS]
    parts.append(text)
    return b"".join(parts)


def _columns(head: bytes, read_at, names: Sequence[str]) -> dict[str, np.ndarray]:
    """The columns ``names`` of a block whose first bytes are ``head``; ``read_at(offset,
    size)`` gives any other bytes of it."""
    magic, n, text_len = _HEADER.unpack_from(head)
    if magic != MAGIC:
        raise ValueError("not a block of track points")
    out: dict[str, np.ndarray] = {}
    offset = _HEADER.size
    for name, dtype in _NUMBER_COLUMNS:
        size = np.dtype(dtype).itemsize * n
        if name in names:
            out[name] = np.frombuffer(read_at(offset, size), dtype=dtype, count=n)
        offset += size
    if any(name in names for name in _TEXT_COLUMNS):
        runs = json.loads(bytes(read_at(offset, text_len)).decode("utf-8"))
        for name in _TEXT_COLUMNS:
            if name in names:
                out[name] = _expand(runs[name], n)
    return out


def unpack(data: bytes, names: Sequence[str] = POINT_COLUMNS) -> dict[str, np.ndarray]:
    """The columns ``names`` of one block (read-only numpy views of ``data``)."""
    view = memoryview(data)
    return _columns(data, lambda offset, size: view[offset:offset + size], names)


def _read_columns(conn, block_id: int, names: Sequence[str]) -> dict[str, np.ndarray]:
    """The columns ``names`` of one stored block, reading only their bytes."""
    with conn.blobopen(TABLE, "data", block_id, readonly=True) as blob:
        def read_at(offset: int, size: int) -> bytes:
            blob.seek(offset)
            return blob.read(size)
        return _columns(blob.read(_HEADER.size), read_at, names)


def columns_from_rows(rows: Sequence[tuple]) -> dict[str, np.ndarray]:
    """Point columns from rows whose first values are ``POINT_COLUMNS`` (None where
    missing; a TrackPoint's fields in its order but for its hex, which is skipped)."""
    values = list(zip(*rows)) if rows else [()] * (len(POINT_COLUMNS) + 1)
    if len(values) > len(POINT_COLUMNS):   # TrackPoints: hex sits before leg_start
        values = values[:10] + values[11:]
    out: dict[str, np.ndarray] = {}
    for name, column in zip(POINT_COLUMNS, values):
        if name in _FLOATS:
            out[name] = np.array(column, dtype=float)   # None becomes NaN
        elif name in _TEXT_COLUMNS:
            array = np.empty(len(column), dtype=object)
            array[:] = column
            out[name] = array
        elif name in ("on_ground", "record"):
            numbers = np.array(column, dtype=float)     # None becomes NaN
            missing = -1 if name == "on_ground" else NO_RECORD
            dtype = np.int8 if name == "on_ground" else np.int64
            out[name] = np.where(np.isnan(numbers), 0, numbers).astype(dtype)
            out[name][np.isnan(numbers)] = missing
        else:
            out[name] = np.array(column, dtype=np.uint8)
    return out


def rows_from_columns(columns: dict[str, np.ndarray], names: Sequence[str] = POINT_COLUMNS
                      ) -> list[list]:
    """Python values per column (as SQLite would return them: None where missing)."""
    out = []
    for name in names:
        array = columns[name]
        if name in _FLOATS:
            values = array.tolist()
            if name not in ("t", "lat", "lon") and np.isnan(array).any():
                values = [None if v != v else v for v in values]
        elif name == "on_ground":
            values = [None if v < 0 else v for v in array.tolist()]
        elif name == "record":
            values = [None if v == NO_RECORD else v for v in array.tolist()]
        elif name in _TEXT_COLUMNS:
            values = list(array)
        else:
            values = array.tolist()
        out.append(values)
    return out


def _cut(n: int) -> Iterator[tuple[int, int]]:
    for start in range(0, n, BLOCK_POINTS):
        yield start, min(n, start + BLOCK_POINTS)


def blocks_of(aircraft_id: int, columns: dict[str, np.ndarray]
              ) -> Iterator[tuple[int, int, float, float, bytes]]:
    """(aircraft id, count, first t, last t, bytes) of each block of one aircraft's points."""
    for a, b in _cut(len(columns["t"])):
        part = {name: columns[name][a:b] for name in POINT_COLUMNS}
        t = part["t"]
        yield aircraft_id, b - a, float(t.min()), float(t.max()), pack(part)


class BlockDigest:
    """The digest of an import's points, from the blocks as stored (``add_block``) or from
    rows of ``ROW_COLUMNS`` in block order (``add``, as an exchange bundle holds them):
    the same interface as ``records.RowDigest``."""

    def __init__(self):
        self._hash = hashlib.sha256()
        self._rows: list[tuple] = []
        self.count = 0

    def section(self, name: str) -> None:
        self._flush()
        self._hash.update(name.encode())

    def add_block(self, aircraft_id: int, count: int, first_t: float, last_t: float,
                  data: bytes) -> None:
        self._hash.update(_BLOCK_HEADER.pack(aircraft_id, count, first_t, last_t))
        self._hash.update(data)
        self.count += count

    def add(self, rows: Iterable[tuple]) -> None:
        for row in rows:
            if self._rows and (row[0] != self._rows[-1][0] or len(self._rows) >= BLOCK_POINTS):
                self._flush()
            self._rows.append(row)

    def _flush(self) -> None:
        if self._rows:
            aircraft_id = self._rows[0][0]
            columns = columns_from_rows([r[1:] for r in self._rows])
            self._rows = []
            for block in blocks_of(aircraft_id, columns):
                self.add_block(*block)

    def hexdigest(self) -> str:
        self._flush()
        return self._hash.hexdigest()


def import_digest(conn, import_id: int) -> tuple[str, int]:
    """The digest of one import's stored points, and how many there are."""
    digest = BlockDigest()
    digest.section(SECTION)
    for row in conn.execute(f"SELECT aircraft_id, count, first_t, last_t, data FROM {TABLE} "
                            "WHERE import_id = ? ORDER BY id", (import_id,)):
        digest.add_block(*row)
    return digest.hexdigest(), digest.count


def import_blocks(conn, import_uuid: str) -> Iterator[tuple[int, int, float, float, bytes]]:
    """One import's blocks as stored (aircraft id, count, first t, last t, bytes), in id
    order (the digest's), one at a time."""
    cursor = conn.execute(
        f"SELECT b.aircraft_id, b.count, b.first_t, b.last_t, b.data FROM {TABLE} b "
        "JOIN flight_imports i ON i.id = b.import_id WHERE i.uuid = ? ORDER BY b.id",
        (import_uuid,))
    while row := cursor.fetchone():
        yield row


def import_rows(conn, import_id: int) -> Iterator[tuple]:
    """One import's points as rows of ``ROW_COLUMNS``, in block order."""
    for aircraft_id, data in conn.execute(
            f"SELECT aircraft_id, data FROM {TABLE} WHERE import_id = ? ORDER BY id",
            (import_id,)):
        columns = rows_from_columns(unpack(data))
        yield from zip([aircraft_id] * len(columns[0]), *columns)


def first_wins(existing: dict[str, np.ndarray] | None, new: dict[str, np.ndarray]) -> np.ndarray:
    """A mask over ``new``'s points: True for each (t, lat, lon) seen neither in
    ``existing`` nor earlier in ``new`` (exact repeats of a position are kept once)."""
    keys = [new[c] for c in ("t", "lat", "lon")]
    held = 0
    if existing is not None and len(existing["t"]):
        held = len(existing["t"])
        keys = [np.concatenate((existing[c], k)) for c, k in zip(("t", "lat", "lon"), keys)]
    t, lat, lon = (k + 0.0 for k in keys)   # -0.0 and 0.0 are one position, as in SQLite
    order = np.lexsort((lon, lat, t))      # stable: the first of equal points comes first
    st, sa, so = t[order], lat[order], lon[order]
    repeat = np.zeros(len(t), dtype=bool)
    repeat[order[1:]] = (st[1:] == st[:-1]) & (sa[1:] == sa[:-1]) & (so[1:] == so[:-1])
    return ~repeat[held:]


def sorted_points(parts: list[dict[str, np.ndarray]], names: Sequence[str]
                  ) -> dict[str, np.ndarray]:
    """Blocks' columns joined and put in (t, lat, lon) order."""
    if not parts:
        return {name: np.empty(0, dtype=object if name in _TEXT_COLUMNS else
                               dict(_NUMBER_COLUMNS)[name]) for name in names}
    joined = {name: (parts[0][name] if len(parts) == 1 else
                     np.concatenate([p[name] for p in parts])) for name in parts[0]}
    t = joined["t"]
    if not np.all(t[1:] > t[:-1]):   # blocks of a file in time order need no sort
        order = np.lexsort((joined["lon"], joined["lat"], t))
        joined = {name: values[order] for name, values in joined.items()}
    return {name: joined[name] for name in names}


def read_points(conn, aircraft_id: int, first_t: float = -np.inf, last_t: float = np.inf,
                names: Sequence[str] = POINT_COLUMNS, *, with_import: bool = False
                ) -> dict[str, np.ndarray]:
    """One aircraft's points between two UTC epoch times (inclusive), in (t, lat, lon)
    order, as numpy columns ``names`` (plus ``import_id`` when ``with_import``)."""
    wanted = tuple(dict.fromkeys(("t", "lat", "lon", *names)))
    parts = []
    for block_id, import_id in conn.execute(
            f"SELECT id, import_id FROM {TABLE} WHERE aircraft_id = ? AND first_t <= ? "
            "AND last_t >= ? ORDER BY id", (aircraft_id, float(last_t), float(first_t))).fetchall():
        part = _read_columns(conn, block_id, wanted)
        t = part["t"]
        inside = (t >= first_t) & (t <= last_t)
        if not inside.all():
            part = {name: values[inside] for name, values in part.items()}
        if with_import:
            part["import_id"] = np.full(len(part["t"]), import_id, dtype=np.int64)
        parts.append(part)
    return _joined(parts, names, with_import)


def _joined(parts: list[dict[str, np.ndarray]], names: Sequence[str], with_import: bool
            ) -> dict[str, np.ndarray]:
    """``sorted_points`` of blocks' parts, with their ``import_id`` column when asked."""
    if not parts and with_import:
        out = sorted_points([], names)
        out["import_id"] = np.empty(0, dtype=np.int64)
        return out
    return sorted_points(parts, _names_of(names, with_import))


WINDOW_POINTS = BLOCK_POINTS


def read_points_in_windows(conn, aircraft_id: int, names: Sequence[str] = POINT_COLUMNS, *,
                           window_points: int = WINDOW_POINTS, with_import: bool = False
                           ) -> Iterator[dict[str, np.ndarray]]:
    """One aircraft's points in (t, lat, lon) order, as ``read_points`` gives them all at
    once, but a window at a time: each window's columns (``names``, plus ``import_id``
    when ``with_import``) follow the previous window's points in that order.

    Blocks are read in the order of their first time, blocks of every import alike (the
    imports of one aircraft overlap in time), at least ``window_points`` points at a time;
    a window holds the points earlier than the next unread block's first time and the
    rest waits for the next. So memory holds a window and the blocks that overlap its end
    in time (for files in time order, one block per import), never the whole track.
    Windows are cut to ``window_points`` at most."""
    if window_points < 1:
        raise ValueError("a window holds at least one point")
    wanted = tuple(dict.fromkeys(("t", "lat", "lon", *names)))
    blocks = conn.execute(
        f"SELECT id, import_id, first_t, count FROM {TABLE} WHERE aircraft_id = ? "
        "ORDER BY first_t, id", (aircraft_id,)).fetchall()
    pending: dict[str, np.ndarray] | None = None
    index = 0
    while index < len(blocks):
        parts = [] if pending is None else [pending]
        held = 0 if pending is None else len(pending["t"])
        first = index
        while index < len(blocks) and (held < window_points or index == first):
            block_id, import_id, _, count = blocks[index]
            part = _read_columns(conn, block_id, wanted)
            if with_import:
                part["import_id"] = np.full(count, import_id, dtype=np.int64)
            parts.append(part)
            held += count
            index += 1
        joined = sorted_points(parts, _names_of(wanted, with_import))
        before = (np.searchsorted(joined["t"], blocks[index][2], side="left")
                  if index < len(blocks) else len(joined["t"]))
        pending = {name: values[before:].copy() for name, values in joined.items()}
        yield from _windows(joined, before, names, with_import, window_points)
        del parts, joined
    if pending is not None:
        yield from _windows(pending, len(pending["t"]), names, with_import, window_points)


def _windows(columns: dict[str, np.ndarray], end: int, names: Sequence[str],
             with_import: bool, window_points: int) -> Iterator[dict[str, np.ndarray]]:
    """The first ``end`` points of ``columns``, ``window_points`` at most at a time."""
    for start in range(0, end, window_points):
        yield {name: columns[name][start:min(end, start + window_points)]
               for name in _names_of(names, with_import)}


def _names_of(names: Sequence[str], with_import: bool) -> tuple[str, ...]:
    return tuple(names) + (("import_id",) if with_import else ())


def write_points(conn, import_id: int, aircraft_id: int, columns: dict[str, np.ndarray]
                 ) -> tuple[int, list[tuple]]:
    """Store an import's points of one aircraft (``POINT_COLUMNS`` as numpy columns, in
    file order), leaving out exact repeats of a position (same t, lat, lon) held already
    or given earlier; returns how many were stored and the blocks written (aircraft id,
    count, first t, last t, bytes), for the import's digest."""
    t = columns["t"]
    if not len(t):
        return 0, []
    existing = read_points(conn, aircraft_id, float(t.min()), float(t.max()), ("t", "lat", "lon"))
    keep = first_wins(existing, columns)
    if not keep.all():
        columns = {name: values[keep] for name, values in columns.items()}
    blocks = list(blocks_of(aircraft_id, columns))
    _insert(conn, import_id, blocks)
    return int(keep.sum()), blocks


def _insert(conn, import_id: int, blocks: list[tuple]) -> None:
    conn.executemany(f"INSERT INTO {TABLE} (import_id, aircraft_id, count, first_t, last_t, data)"
                     " VALUES (?, ?, ?, ?, ?, ?)", [(import_id, *b) for b in blocks])


def digest_of_blocks(blocks: Iterable[tuple]) -> BlockDigest:
    digest = BlockDigest()
    digest.section(SECTION)
    for block in blocks:
        digest.add_block(*block)
    return digest


class PointColumns:
    """Collects one import's points per aircraft as numpy columns, a batch of row tuples
    (``POINT_COLUMNS`` values) at a time, in the order the aircraft first appear."""

    def __init__(self):
        self._parts: dict[int, list[dict[str, np.ndarray]]] = {}

    def add(self, aircraft_id: int, rows: Sequence[tuple]) -> None:
        if rows:
            self._parts.setdefault(aircraft_id, []).append(columns_from_rows(rows))

    def add_columns(self, aircraft_id: int, columns: dict[str, np.ndarray]) -> None:
        """Points already as numpy columns (``POINT_COLUMNS``, conventions as ``pack``)."""
        self._parts.setdefault(aircraft_id, []).append(columns)

    def aircraft(self) -> list[int]:
        return list(self._parts)

    def pop(self, aircraft_id: int) -> dict[str, np.ndarray]:
        parts = self._parts.pop(aircraft_id)
        if len(parts) == 1:
            return parts[0]
        return {name: np.concatenate([p[name] for p in parts]) for name in POINT_COLUMNS}

    def write(self, conn, import_id: int) -> tuple[int, BlockDigest]:
        """Store every aircraft's points (see ``write_points``): how many were stored and
        the digest of the import's blocks."""
        stored, blocks = 0, []
        for aircraft_id in self.aircraft():
            count, written = write_points(conn, import_id, aircraft_id, self.pop(aircraft_id))
            stored += count
            blocks += written
        return stored, digest_of_blocks(blocks)


def unseen_points(conn, aircraft_id: int, columns: dict[str, np.ndarray]) -> np.ndarray:
    """A mask over ``columns``' points (as ``first_wins``): True for each (t, lat, lon)
    neither stored for this aircraft nor earlier in ``columns``. Reads the stored blocks
    whose span overlaps the points one at a time (memory: one block and the points)."""
    keep = first_wins(None, columns)
    t = columns["t"]
    if not len(t):
        return keep
    first_t, last_t = float(t.min()), float(t.max())
    ids = conn.execute(f"SELECT id FROM {TABLE} WHERE aircraft_id = ? AND first_t <= ? "
                       "AND last_t >= ? ORDER BY id", (aircraft_id, last_t, first_t)).fetchall()
    for (block_id,) in ids:
        held = _read_columns(conn, block_id, ("t", "lat", "lon"))
        inside = (held["t"] >= first_t) & (held["t"] <= last_t)
        if not inside.all():
            held = {name: values[inside] for name, values in held.items()}
        if len(held["t"]):
            keep &= first_wins(held, columns)
    return keep


class BlockWriter:
    """Stores one import's points as they come, in bounded memory. Rows wait as they came
    until ``ROWS_AT_ONCE`` of them (all aircraft together) are turned into numpy columns;
    each aircraft's columns wait until they make a block (``BLOCK_POINTS``), then the full
    blocks are stored and the remainder waits for more. When the aircraft together have
    more than ``MAX_WAITING`` points waiting (a receiver's file of thousands of aircraft),
    the largest are stored as they are (a block of fewer points). ``finish`` stores the rest.

    As ``write_points``: exact repeats of a position (same t, lat, lon) stored already, by
    this import or an earlier one, or given earlier, are left out. Blocks keep the points
    in the file's order (readers sort by time). Everything is written on ``conn`` inside
    the caller's transaction, so a file refused midway rolls the blocks back with it; the
    import's digest is taken block by block as they are written, in id order."""

    MAX_WAITING = 2 * BLOCK_POINTS
    ROWS_AT_ONCE = 16384   # a TrackPoint row costs about four times its columns

    def __init__(self, conn, import_id: int):
        self.conn = conn
        self.import_id = import_id
        self.stored = 0
        self.digest = BlockDigest()
        self.digest.section(SECTION)
        self._rows: dict[int, list[tuple]] = {}
        self._row_count = 0
        self._parts: dict[int, dict[str, np.ndarray]] = {}
        self._waiting = 0

    def add(self, aircraft_id: int, rows: Sequence[tuple]) -> None:
        """Rows of ``POINT_COLUMNS`` values (TrackPoints too: see ``columns_from_rows``)."""
        if rows:
            self._rows.setdefault(aircraft_id, []).extend(rows)
            self._row_count += len(rows)
            if self._row_count >= self.ROWS_AT_ONCE:
                self._convert()

    def add_columns(self, aircraft_id: int, columns: dict[str, np.ndarray]) -> None:
        """Points already as numpy columns (``POINT_COLUMNS``, conventions as ``pack``)."""
        if aircraft_id in self._rows:   # rows given before these come first
            self._convert()
        self._add_part(aircraft_id, columns)

    def _convert(self) -> None:
        rows, self._rows, self._row_count = self._rows, {}, 0
        while rows:
            aircraft_id, part = rows.popitem()
            self._add_part(aircraft_id, columns_from_rows(part))

    def _add_part(self, aircraft_id: int, columns: dict[str, np.ndarray]) -> None:
        n = len(columns["t"])
        if not n:
            return
        held = self._parts.get(aircraft_id)
        if held is not None:
            columns = {name: np.concatenate((held[name], columns[name])) for name in POINT_COLUMNS}
        self._parts[aircraft_id] = columns
        self._waiting += n
        if len(columns["t"]) >= BLOCK_POINTS:
            self._store(aircraft_id, whole=False)
        if self._waiting > self.MAX_WAITING:
            by_size = sorted(self._parts, key=lambda a: len(self._parts[a]["t"]), reverse=True)
            for largest in by_size:
                self._store(largest, whole=True)
                if self._waiting <= self.MAX_WAITING // 2:
                    break

    def _store(self, aircraft_id: int, whole: bool) -> None:
        columns = self._parts.pop(aircraft_id)
        self._waiting -= len(columns["t"])
        keep = unseen_points(self.conn, aircraft_id, columns)
        if not keep.all():
            columns = {name: values[keep] for name, values in columns.items()}
        n = len(columns["t"])
        full = n if whole else n - n % BLOCK_POINTS
        if full < n:   # not a block's worth yet: waits (checked again with what follows)
            self._parts[aircraft_id] = {name: values[full:] for name, values in columns.items()}
            self._waiting += n - full
        if full:
            blocks = list(blocks_of(aircraft_id, {name: values[:full]
                                                  for name, values in columns.items()}))
            _insert(self.conn, self.import_id, blocks)
            for block in blocks:
                self.digest.add_block(*block)
                self.stored += block[1]

    def finish(self) -> tuple[int, BlockDigest]:
        """Store what waits: how many points the import stored and the digest of its
        blocks (the import's audit digest, as ``import_digest`` reads it back)."""
        self._convert()
        for aircraft_id in list(self._parts):
            self._store(aircraft_id, whole=True)
        return self.stored, self.digest


# ------------------------------------------------------------------ blocks in bundles

def frame(aircraft_id: int, count: int, first_t: float, last_t: float, data: bytes
          ) -> Iterator[bytes]:
    """One stored block as a bundle carries it: its frame header, then its bytes."""
    yield FRAME.pack(aircraft_id, count, first_t, last_t, len(data))
    yield data


def read_frames(chunks: Iterable[bytes]) -> Iterator[tuple[int, int, float, float, bytes]]:
    """The framed blocks of a byte stream (``frame``), each as (aircraft id, count, first t,
    last t, bytes); ValueError (a short reason) for a stream that is not such frames.
    Holds at most one block and one chunk in memory."""
    buffer = bytearray()
    for chunk in chunks:
        buffer += chunk
        start = 0
        while len(buffer) - start >= FRAME.size:
            aircraft_id, count, first_t, last_t, size = FRAME.unpack_from(buffer, start)
            if size > MAX_BLOCK_BYTES:
                raise ValueError(f"a block of {size:,} bytes, more than a block may have "
                                 f"({MAX_BLOCK_BYTES:,})")
            end = start + FRAME.size + size
            if len(buffer) < end:
                break
            with memoryview(buffer) as view:   # one copy, and released before the del
                data = bytes(view[start + FRAME.size:end])
            yield aircraft_id, count, first_t, last_t, data
            start = end
        del buffer[:start]
    if buffer:
        raise ValueError("it ends inside a block (cut short)")


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _runs_problem(runs, n: int) -> str | None:
    """What is wrong with a block's callsign and squawk changes (checked in C loops: a
    block may hold one change per point)."""
    if not isinstance(runs, dict) or list(runs) != list(_TEXT_COLUMNS):
        return "its callsign and squawk changes are not the two lists a block holds"
    for name in _TEXT_COLUMNS:
        column = runs[name]
        if not isinstance(column, list) or not column:
            return f"its {name} changes are not a list starting at the first point"
        if set(map(type, column)) != {list} or set(map(len, column)) != {2}:
            return f"a {name} change that is not [index, text or null]"
        indexes, values = zip(*column)
        if (not set(map(type, indexes)) <= {int}
                or not set(map(type, values)) <= {str, type(None)}):
            return f"a {name} change that is not [index, text or null]"
        if (indexes[0] != 0 or indexes[-1] >= n
                or any(map(operator.ge, indexes, indexes[1:]))
                or any(map(operator.eq, values, values[1:]))):
            return f"its {name} changes are not in order within its points"
    return None


def block_problem(count: int, first_t: float, last_t: float, data: bytes) -> str | None:
    """What is wrong with a block someone sent (with what its frame says of it), or None:
    its layout, its count, its time span, the values of its flags, and that its bytes are
    exactly what ``pack`` makes of its points (so nothing hides in them)."""
    if not 0 < count <= BLOCK_POINTS:
        return f"a block said to hold {count} points (1 to {BLOCK_POINTS} may be)"
    if len(data) < _HEADER.size:
        return "a block shorter than its header"
    magic, n, text_len = _HEADER.unpack_from(data)
    if magic != MAGIC:
        return "a block that is not one of track points"
    if n != count:
        return f"a block of {n} points said to hold {count}"
    numbers = _HEADER.size + n * _POINT_BYTES
    if len(data) != numbers + text_len:
        return "a block whose length does not fit its points"
    text = bytes(data[numbers:])
    try:
        runs = json.loads(text.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return "a block whose callsigns and squawks are not valid JSON"
    problem = _runs_problem(runs, n)
    if problem:
        return f"a block with {problem}"
    try:
        canonical = json.dumps(runs, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        canonical = None
    if canonical != text:
        return "a block whose callsigns and squawks are not written as osintdesk writes them"
    columns = unpack(data, ("t", "on_ground", "leg_start", "stale"))
    t = columns["t"]
    if not np.isfinite(t).all():
        return "a block with a time that is not a number"
    if float(t.min()) != first_t or float(t.max()) != last_t:
        return "a block whose first or last time is not what its frame says"
    if ((columns["on_ground"] < -1) | (columns["on_ground"] > 1)).any() or \
            (columns["leg_start"] > 1).any() or (columns["stale"] > 1).any():
        return "a block with a flag (on ground, leg start, stale) that is not 0 or 1"
    return None


def write_block(conn, import_id: int, aircraft_id: int, count: int, first_t: float,
                last_t: float, data: bytes) -> list[tuple]:
    """Store one block of an import's points (checked by ``block_problem``) under this
    case's ``aircraft_id``, as ``write_points`` would: points held already (or given
    earlier) are left out; a block that keeps all its points is stored as it is, else the
    rest is packed again. Returns the blocks written (for the import's digest)."""
    new = unpack(data, ("t", "lat", "lon"))
    existing = read_points(conn, aircraft_id, first_t, last_t, ("t", "lat", "lon"))
    t = new["t"]
    if not len(existing["t"]) and bool(np.all(t[1:] > t[:-1])):
        keep = np.ones(len(t), dtype=bool)   # nothing held there, no time twice: no repeat
    else:
        keep = first_wins(existing, new)
    if keep.all():
        blocks = [(aircraft_id, count, first_t, last_t, data)]
    elif not keep.any():
        return []
    else:
        blocks = list(blocks_of(aircraft_id, {name: values[keep] for name, values
                                              in unpack(data).items()}))
    _insert(conn, import_id, blocks)
    return blocks
