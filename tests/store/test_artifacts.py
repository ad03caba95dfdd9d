"""The write-once evidence store: de-duplication, streaming, write-once enforcement."""

import hashlib
import sqlite3

import pytest

from osintdesk.errors import Cancelled, InputError
from osintdesk.store import Case
from osintdesk.store import artifacts
from osintdesk.store.artifacts import CHUNK_SIZE, ArtifactChanged


@pytest.fixture
def case(tmp_path):
    with Case.create(tmp_path / "c", title="T", examiner="A") as c:
        yield c


def test_same_bytes_are_stored_once(case, tmp_path):
    data = b"Il-62M RA-86496 " * 1000
    first = case.put_artifact(data)
    (tmp_path / "copy.bin").write_bytes(data)
    second = case.put_artifact(tmp_path / "copy.bin")
    assert first.sha256 == second.sha256 == hashlib.sha256(data).hexdigest()
    assert first.is_new and not second.is_new
    assert case.conn.execute("SELECT count(*) FROM artifacts").fetchone()[0] == 1
    stores = [e for e in case.audit_entries() if e.action == "store"]
    assert len(stores) == 1 and stores[0].object_hash == first.sha256


def test_large_file_is_chunked_and_read_back_in_a_stream(case, tmp_path):
    path = tmp_path / "big.bin"
    block = bytes(range(256)) * 4096  # 1 MiB
    with open(path, "wb") as fh:
        for i in range(5):
            fh.write(block[i:] + block[:i])
        fh.write(b"tail")
    art = case.put_artifact(path)
    assert art.size == path.stat().st_size
    chunks = case.conn.execute("SELECT count(*), max(length(data)) FROM artifact_chunks").fetchone()
    assert chunks == (6, CHUNK_SIZE)
    reader = case.open_artifact(art.sha256)
    h = hashlib.sha256()
    while block := reader.read(65536):
        h.update(block)
    assert h.hexdigest() == hashlib.sha256(path.read_bytes()).hexdigest() == art.sha256


def counting_opens(monkeypatch) -> list[str]:
    """Every time the store opens what it is given (a pass over the bytes)."""
    opened = []
    real_open = artifacts._Source.open

    def open_and_count(self):
        opened.append(self.name)
        return real_open(self)
    monkeypatch.setattr(artifacts._Source, "open", open_and_count)
    return opened


def test_a_known_hash_is_checked_while_the_bytes_are_stored_in_one_pass(case, tmp_path, monkeypatch):
    path = tmp_path / "evidence.bin"
    path.write_bytes(b"Il-62M RA-86496 " * 100_000)
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    opened = counting_opens(monkeypatch)
    seen = []
    stored = case.put_artifact(path, expected_sha256=sha256,
                               progress=lambda done, total: seen.append((done, total)))
    assert (stored.sha256, stored.size, stored.is_new) == (sha256, path.stat().st_size, True)
    assert opened == [str(path)]   # one pass: hashed while written
    assert seen[-1] == (stored.size, stored.size)
    assert case.read_artifact(sha256) == path.read_bytes()
    again = case.put_artifact(path, expected_sha256=sha256)
    assert not again.is_new and opened == [str(path)] * 2   # checked, not trusted


@pytest.mark.parametrize("stored_before", [False, True])
def test_bytes_that_do_not_match_the_known_hash_are_refused(case, tmp_path, stored_before):
    path = tmp_path / "evidence.bin"
    path.write_bytes(b"what the caller hashed" * 100_000)
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    if stored_before:
        case.put_artifact(path)
    path.write_bytes(b"what is there now!!!!!" * 100_000)   # same size, other bytes
    before = (case.audit_count(),
              case.conn.execute("SELECT count(*) FROM artifact_chunks").fetchone()[0])
    with pytest.raises(ArtifactChanged, match="evidence.bin: changed while it was being stored; "
                                              "nothing was stored"):
        case.put_artifact(path, expected_sha256=sha256)
    assert (case.audit_count(),
            case.conn.execute("SELECT count(*) FROM artifact_chunks").fetchone()[0]) == before
    assert case.conn.execute("SELECT count(*) FROM artifacts").fetchone()[0] == int(stored_before)


class _OneWayStream:
    """A stream that cannot seek (a pipe, a member of an archive)."""

    def __init__(self, data: bytes):
        self._data, self.read_bytes = data, 0

    def seekable(self) -> bool:
        return False

    def read(self, n=-1) -> bytes:
        n = len(self._data) - self.read_bytes if n < 0 else n
        out = self._data[self.read_bytes:self.read_bytes + n]
        self.read_bytes += len(out)
        return out


@pytest.mark.parametrize("right", [True, False])
def test_a_stream_of_known_hash_and_size_is_stored_without_a_spool(case, tmp_path,
                                                                    monkeypatch, right):
    data = bytes(range(256)) * 12_000   # a little over 3 chunks
    sha256 = hashlib.sha256(data if right else data[:-1] + b"?").hexdigest()
    spools = []
    real = artifacts.tempfile.TemporaryFile
    monkeypatch.setattr(artifacts.tempfile, "TemporaryFile",
                        lambda *a, **k: spools.append(1) or real(*a, **k))
    stream = _OneWayStream(data)
    if right:
        stored = case.put_artifact(stream, expected_sha256=sha256, expected_size=len(data))
        assert (stored.sha256, stored.size) == (sha256, len(data))
        assert case.read_artifact(sha256) == data
    else:
        with pytest.raises(ArtifactChanged):
            case.put_artifact(stream, expected_sha256=sha256, expected_size=len(data))
        assert case.conn.execute("SELECT count(*) FROM artifact_chunks").fetchone()[0] == 0
    assert spools == [] and stream.read_bytes == len(data)   # read once, never copied


def test_export_original_gives_identical_bytes_and_is_logged(case, tmp_path):
    art = case.put_artifact(b"\x00\x01binary\xff")
    out = case.export_artifact(art.sha256, tmp_path / "out.bin")
    assert out.read_bytes() == b"\x00\x01binary\xff"
    assert list(case.audit_entries())[-1].action == "export"


def test_evidence_cannot_be_modified_or_deleted(case):
    art = case.put_artifact(b"original")
    for sql in ("UPDATE artifact_chunks SET data = x'00'", "DELETE FROM artifact_chunks",
                "UPDATE artifacts SET size = 1", "DELETE FROM artifacts",
                "UPDATE audit_log SET examiner = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(sqlite3.IntegrityError, match="write-once"):
            case.conn.execute(sql)
        case.conn.rollback()
    assert case.read_artifact(art.sha256) == b"original"


def test_evidence_file_keeps_original_name_and_is_not_added_twice(case, tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff fake jpeg")
    record, new = case.add_evidence_file(path)
    assert new and record["original_name"] == "photo.jpg"
    assert record["media_type"] == "image/jpeg"
    assert record["original_mtime_utc"].endswith("Z")
    again, new_again = case.add_evidence_file(path)
    assert not new_again and again["uuid"] == record["uuid"]
    assert case.conn.execute("SELECT count(*) FROM evidence").fetchone()[0] == 1


def test_cancelled_store_leaves_case_unchanged(case, tmp_path):
    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * (3 * CHUNK_SIZE))
    before = case.audit_count()
    calls = {"n": 0}

    def cancelled():
        calls["n"] += 1
        return calls["n"] > 4  # during the second (storing) pass
    with pytest.raises(Cancelled):
        case.put_artifact(path, cancelled=cancelled)
    assert case.conn.execute("SELECT count(*) FROM artifact_chunks").fetchone()[0] == 0
    assert case.conn.execute("SELECT count(*) FROM artifacts").fetchone()[0] == 0
    assert case.audit_count() == before


def test_missing_file_names_the_file(case, tmp_path):
    with pytest.raises(InputError, match="nope.txt: no such file"):
        case.add_evidence_file(tmp_path / "nope.txt")


def test_derived_data_points_at_its_original(case):
    art = case.put_artifact(b"<html>hello</html>")
    derived = case.add_derived(art.sha256, "text", "hello", producer="test 1.0")
    assert derived["origin_sha256"] == art.sha256
    assert derived["content"] == b"hello"
    assert list(case.audit_entries())[-1].action == "derive"
