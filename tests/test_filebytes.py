"""filebytes: the one streaming SHA-256 and the byte-order mark, used by the store, acquire/ and
the flight importers."""

from __future__ import annotations

import hashlib
import io

import pytest

from osintdesk.errors import Cancelled, InputError
from osintdesk.filebytes import HashingWriter, sha256_of_file, sha256_of_stream, without_bom


def test_a_file_is_hashed_in_blocks_with_progress(tmp_path):
    path = tmp_path / "evidence.bin"
    data = bytes(range(256)) * 10_000
    path.write_bytes(data)
    seen = []
    found = sha256_of_file(path, progress=lambda done, total: seen.append((done, total)),
                           block_bytes=64 * 1024)
    assert found == (hashlib.sha256(data).hexdigest(), len(data))
    assert len(seen) == 40 and seen[-1] == (len(data), len(data))
    with pytest.raises(Cancelled):
        sha256_of_file(path, cancelled=lambda: True)


def test_a_file_that_cannot_be_read_is_named(tmp_path):
    with pytest.raises(InputError, match="missing.bin: cannot be read"):
        sha256_of_file(tmp_path / "missing.bin")


def test_the_hashing_writer_passes_the_bytes_on():
    out = io.BytesIO()
    writer = HashingWriter(out)
    for part in (b"RA-", b"86496"):
        writer.write(part)
    assert out.getvalue() == b"RA-86496" and writer.size_bytes == 8
    assert writer.sha256 == hashlib.sha256(b"RA-86496").hexdigest()
    assert sha256_of_stream(io.BytesIO(b"RA-86496"))[0] == writer.sha256


@pytest.mark.parametrize("data, expected", [
    (b"\xef\xbb\xbftime", b"time"),
    ("\uff54ime".encode(), "\uff54ime".encode()),        # starts with \xef, no mark
    (b"\xef\xbb\xbf" + "\uff54".encode(), "\uff54".encode()),
    (b"\xbb\xbf\xef", b"\xbb\xbf\xef"),                  # the mark's bytes, not the mark
    (b"", b""),
])
def test_only_a_whole_byte_order_mark_is_dropped(data, expected):
    assert without_bom(data) == expected
