"""Parquet written by ``traffic`` (the Python library, ``Flight.to_parquet()``): the same
columns as its JSON and CSV (``timestamp`` a timestamp column or epoch numbers). Read
through pyarrow when it is installed; without it, one line says how to get it.
"""

from __future__ import annotations

import io

from ...errors import InputError
from ...words import listed
from ..parsing import Ticker, Validator, clock_from, read_or_skip, source_of
from . import traffic_records

NAME = "traffic-parquet"
VERSION = "1"
DESCRIPTION = ("Parquet from the traffic library (same columns as its CSV; needs pyarrow: "
               "pip install 'osintdesk[parquet]')")
EXTENSIONS = (".parquet",)
SINGLE_FLIGHT = False
BINARY = True   # sniffed before the registry refuses binary content

MAGIC = b"PAR1"
BATCH_ROWS = 65536


def sniff(head: bytes, name: str) -> bool:
    return head[:4] == MAGIC


def _pyarrow(name: str):
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise InputError("is a Parquet file; reading Parquet needs pyarrow, which is not "
                         "installed (pip install 'osintdesk[parquet]', or pyarrow)", path=name) from None
    return pyarrow, pyarrow.parquet


def parse(stream, name, *, options=None, progress=None, cancelled=None):
    """Yield a TrackPoint per row (Skipped for a row that cannot be read)."""
    pa, pq = _pyarrow(name)
    check = Validator(name, clock_from(options))
    source = source_of(stream)
    on_disk = source is not None and not source.compressed and source.data is None
    where = source.path if on_disk else io.BytesIO(stream.read())
    try:
        table_file = pq.ParquetFile(where)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"not a readable Parquet file ({exc})", path=name) from None
    present = [c for c in traffic_records.COLUMNS if c in table_file.schema_arrow.names]
    missing = [c for c in traffic_records.REQUIRED if c not in present]
    if missing:
        raise InputError(f"missing {listed('column', missing)}; the file has: "
                         f"{', '.join(table_file.schema_arrow.names)}", path=name)
    ticker = Ticker(stream, progress, cancelled, total_records=table_file.metadata.num_rows)
    record = 0
    try:
        for batch in table_file.iter_batches(batch_size=BATCH_ROWS, columns=present):
            columns = {n: _values(pa, batch.column(i)) for i, n in enumerate(batch.schema.names)}
            for offset in range(batch.num_rows):
                record += 1

                def get(column, offset=offset):
                    values = columns.get(column)
                    value = None if values is None else values[offset]
                    return None if traffic_records.is_missing(value) else value

                yield read_or_skip(traffic_records.point, record, get, record, name, check,
                                   where=f"row {record}: ")
                ticker.tick()
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"the Parquet data is damaged after row {record} ({exc})",
                         path=name) from None
    ticker.finish()


def _values(pa, column) -> list:
    """A column as Python values; timestamps as UTC epoch seconds (floats)."""
    if pa.types.is_timestamp(column.type):
        per_second = {"s": 1, "ms": 1e3, "us": 1e6, "ns": 1e9}[column.type.unit]
        raw = column.cast(pa.int64()).to_pylist()
        return [None if v is None else v / per_second for v in raw]
    if pa.types.is_date(column.type):
        return [None if v is None else str(v) for v in column.to_pylist()]
    return column.to_pylist()
