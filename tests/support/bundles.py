"""Rewriting bundles as an adversary (or a careless tool) would: members changed, added,
renamed, duplicated; the manifest recomputed and re-signed or not."""

from __future__ import annotations

import hashlib
import json
import stat
import warnings
import zipfile
from pathlib import Path

from osintdesk.exchange import layout
from osintdesk.store.canonical import canonical_json


def read_members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {info.orig_filename: zf.read(info) for info in zf.infolist()}


def write_members(path, members: list[tuple[str, bytes]] | dict[str, bytes], *,
                  symlinks: tuple[str, ...] = ()) -> Path:
    """A ZIP with exactly these members in this order (duplicates allowed: a list)."""
    items = members.items() if isinstance(members, dict) else members
    with warnings.catch_warnings(), zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": wanted here
        for name, data in items:
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            kind = stat.S_IFLNK if name in symlinks else stat.S_IFREG
            info.external_attr = (kind | 0o644) << 16
            info.create_system = 3
            zf.writestr(info, data)
    return Path(path)


def manifest_of(members: dict[str, bytes]) -> dict:
    return json.loads(members[layout.MANIFEST])


def reseal(members: dict[str, bytes], *, key=None, manifest_changes: dict | None = None
           ) -> dict[str, bytes]:
    """Recompute the manifest's file list, its digest and (with ``key``, an ExaminerKey)
    its signature after members were changed: what a forger with a key would do."""
    from osintdesk.exchange.export import trusted_comment
    manifest = manifest_of(members)
    manifest.update(manifest_changes or {})
    manifest["files"] = sorted(
        ({"path": n, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()}
         for n, d in members.items() if n not in layout.MANIFEST_MEMBERS),
        key=lambda f: f["path"])
    if key is not None:
        manifest["exported_by"] = {**manifest["exported_by"], "key_id": key.public.key_id_hex,
                                   "public_key": key.public.base64}
    data = canonical_json(manifest) + b"\n"
    out = {n: d for n, d in members.items() if n not in layout.MANIFEST_MEMBERS}
    out[layout.MANIFEST] = data
    out[layout.MANIFEST_DIGEST] = (hashlib.sha256(data).hexdigest() + "\n").encode()
    if key is not None:
        out[layout.MANIFEST_SIGNATURE] = key.sign(
            data, trusted_comment=trusted_comment(manifest)).encode()
    return out


def jsonl(lines: list) -> bytes:
    return b"".join(canonical_json(v) + b"\n" for v in lines)


def read_jsonl(data: bytes) -> list:
    return [json.loads(line) for line in data.splitlines() if line.strip()]


def file_sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def receiving_case(folder) -> Path:
    """Bob's case, with one entity of his own: a refused merge must leave it byte for byte."""
    from osintdesk.findings.entities import add_entity
    from osintdesk.store import Case
    path = Path(folder) / "bob.osintcase"
    with Case.create(path, title="Bob's case", examiner="Bob") as case:
        add_entity(case, "Person", "Bob's witness")
    return path


def assert_merge_refused(bundle, case_path, match: str) -> str:
    """Merging ``bundle`` into the case at ``case_path`` (the domain call, then the CLI) is
    one BundleError naming the bundle, never a traceback, and the case file is byte for
    byte what it was (SHA-256 before and after). Returns the domain's message."""
    import pytest
    from click.testing import CliRunner

    from osintdesk.cli import cli
    from osintdesk.exchange.archive import BundleError
    from osintdesk.exchange.merge import merge_bundle
    from osintdesk.store import Case

    before = file_sha256(case_path)
    with Case.open(case_path, examiner="Bob") as case, pytest.raises(BundleError,
                                                                   match=match) as refused:
        merge_bundle(case, bundle, accept_unsigned=True, accept_unknown_signer=True)
    assert str(bundle) in str(refused.value)
    assert file_sha256(case_path) == before
    result = CliRunner().invoke(cli, ["merge", str(case_path), str(bundle), "--accept-unsigned",
                                      "--accept-unknown-signer"], catch_exceptions=False)
    assert result.exit_code == 2 and str(bundle) in result.output, result.output
    assert file_sha256(case_path) == before
    return str(refused.value)


def read_blocks(data: bytes) -> list[list]:
    """A track-points member's framed blocks, each [aircraft id, count, first t, last t,
    bytes] (read by the package's own reader)."""
    from osintdesk.store.trackblocks import read_frames
    return [list(block) for block in read_frames([data])]


def framed(blocks: list[list]) -> bytes:
    """Blocks ([aircraft id, count, first t, last t, bytes]) framed as a bundle holds them."""
    from osintdesk.store.trackblocks import frame
    return b"".join(part for block in blocks for part in frame(*block))
