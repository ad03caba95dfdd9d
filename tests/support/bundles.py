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
