"""Reading a bundle someone sent: never extracted, every name whitelisted, every member
streamed with caps and checked against the manifest's size and SHA-256.

Python's ``zipfile`` reads the last of two members with one name, rewrites ``../x`` to
``x`` on extraction, turns symlink entries into files and believes a member's declared
size; so this module reads the central directory itself first and refuses duplicate
names, names outside ``layout.MEMBER_NAMES``, links and other special entries, encrypted
members, too many members; then streams each member, stopping at the size the manifest
gives it (plus one byte, to notice a longer one) and at a compression ratio.
"""

from __future__ import annotations

import hashlib
import json
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..errors import OsintdeskError
from ..store.canonical import canonical_json
from . import layout, validate

BLOCK_BYTES = 1 << 20


class BundleError(OsintdeskError):
    """A bundle that cannot be read or does not hold together (names the member)."""


@dataclass(frozen=True)
class ManifestFile:
    path: str
    size: int
    sha256: str


class BundleArchive:
    """A bundle opened for reading. ``manifest`` is parsed and checked on opening;
    ``blocks``/``lines`` stream one member, checked against the manifest."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self._zip = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            raise BundleError("no such file", path=self.path) from None
        except IsADirectoryError:
            raise BundleError("is a folder, not a bundle", path=self.path) from None
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise BundleError(f"is not a bundle (not a readable ZIP file: {exc})",
                              path=self.path) from None
        try:
            self._infos = self._check_entries()
            self.manifest_bytes = self.read_small(layout.MANIFEST, layout.MAX_MANIFEST_BYTES)
            self.manifest = self._parse_manifest(self.manifest_bytes)
            self.files = self._check_files(self.manifest)
        except BaseException:
            self._zip.close()
            raise

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> "BundleArchive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def fail(self, message: str, member: str | None = None) -> BundleError:
        where = f"member {member}: " if member else ""
        return BundleError(where + message, path=self.path)

    # ------------------------------------------------------------ structure

    def _check_entries(self) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        if len(infos) > layout.MAX_MEMBERS:
            raise self.fail(f"holds {len(infos)} members, more than a bundle may "
                            f"({layout.MAX_MEMBERS})")
        if not any(info.orig_filename == layout.MANIFEST for info in infos):
            # An ordinary ZIP (photos, a download): say what it is not, not which member
            # a bundle would not hold.
            raise self.fail(f"not an osintdesk bundle (no {layout.MANIFEST})")
        seen: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.orig_filename  # before zipfile's own rewriting of the name
            if not layout.MEMBER_NAMES.fullmatch(name):
                raise self.fail("is not a name a bundle holds (paths with '..', absolute "
                                "paths, folders and unknown files are refused)", repr(name))
            if name in seen:
                raise self.fail("appears twice in the archive", name)
            mode = info.external_attr >> 16
            if info.create_system == 3 and stat.S_IFMT(mode) and not stat.S_ISREG(mode):
                raise self.fail("is a link or a special file, not a regular file", name)
            if info.flag_bits & 0x1:
                raise self.fail("is encrypted", name)
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise self.fail(f"uses compression method {info.compress_type}, which a "
                                "bundle does not", name)
            seen[name] = info
        return seen

    def _parse_manifest(self, data: bytes) -> dict[str, Any]:
        try:
            manifest = _json(data)
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise self.fail(f"is not valid JSON ({_why(exc)})", layout.MANIFEST) from None
        if not isinstance(manifest, dict) or manifest.get("format") != layout.FORMAT:
            raise self.fail("is not an osintdesk bundle manifest", layout.MANIFEST)
        version = manifest.get("format_version")
        if not validate.is_count(version):
            raise self.fail("has no format version", layout.MANIFEST)
        if version > layout.FORMAT_VERSION:
            raise self.fail(f"was written by a newer osintdesk (bundle format {version}; this "
                            f"version reads format {layout.FORMAT_VERSION} and older): "
                            "update osintdesk to read it")
        if version < layout.FORMAT_VERSION:
            raise self.fail(f"was written by an older osintdesk (bundle format {version}; this "
                            f"version reads format {layout.FORMAT_VERSION}): export it again "
                            "with this version")
        try:
            canonical_json(manifest)   # what reports and the trusted comment are made from
        except (RecursionError, ValueError, TypeError):
            raise self.fail("is not valid JSON (nested too deeply)", layout.MANIFEST) from None
        problem = validate.manifest_problem(manifest)
        if problem:
            raise self.fail(problem, layout.MANIFEST)
        return manifest

    def _check_files(self, manifest: dict) -> dict[str, ManifestFile]:
        files: dict[str, ManifestFile] = {}
        total = 0
        for item in manifest["files"]:   # each checked by validate.manifest_problem
            entry = ManifestFile(item["path"], item["size"], item["sha256"])
            if (not layout.MEMBER_NAMES.fullmatch(entry.path)
                    or entry.path in layout.MANIFEST_MEMBERS or entry.path in files):
                raise self.fail(f"lists {entry.path!r} wrongly (unknown, repeated or invalid)",
                                layout.MANIFEST)
            total += entry.size
            files[entry.path] = entry
        if total > layout.MAX_TOTAL_BYTES:
            raise self.fail(f"declares {total:,} bytes, more than a bundle may hold "
                            f"({layout.MAX_TOTAL_BYTES:,})", layout.MANIFEST)
        for name in self._infos:
            if name not in files and name not in layout.MANIFEST_MEMBERS:
                raise self.fail("is in the archive but not in the manifest", name)
        for name in files:
            if name not in self._infos:
                raise self.fail("is in the manifest but missing from the archive", name)
        return files

    def has(self, name: str) -> bool:
        return name in self._infos

    def names(self, prefix: str = "") -> list[str]:
        """Member names listed in the manifest (sorted), under ``prefix``."""
        return sorted(n for n in self.files if n.startswith(prefix))

    # ------------------------------------------------------------ reading

    def _raw_blocks(self, name: str, limit: int, *, crc: bool = True) -> Iterator[bytes]:
        """The member's bytes, stopping past ``limit`` and at the ratio limit (``crc``:
        zipfile checks its CRC-32 too)."""
        info = self._infos[name]
        read = 0
        try:
            with self._zip.open(info) as stream:
                # A member the manifest's SHA-256 vouches for (``blocks``): zipfile's own
                # CRC-32 of it (a second pass, as slow as the SHA-256 on evidence) adds
                # nothing, and is skipped where zipfile allows it.
                if not crc and hasattr(stream, "_expected_crc"):
                    stream._expected_crc = None
                while True:
                    block = stream.read(min(BLOCK_BYTES, limit + 1 - read))
                    if not block:
                        return
                    read += len(block)
                    if read > limit:
                        raise self.fail(f"is longer than the {limit:,} bytes it may have", name)
                    if (read > layout.RATIO_FLOOR_BYTES
                            and read > max(info.compress_size, 1) * layout.MAX_RATIO):
                        raise self.fail("decompresses beyond the ratio a bundle allows "
                                        f"({layout.MAX_RATIO}:1): a compression bomb?", name)
                    yield block
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
            raise self.fail(f"cannot be read ({exc})", name) from None
        except RuntimeError as exc:  # zipfile: "File ... is encrypted, password required"
            raise self.fail(f"cannot be read ({exc})", name) from None

    def read_small(self, name: str, limit: int = layout.MAX_SMALL_MEMBER_BYTES) -> bytes:
        """A member not listed in the manifest (the manifest and its digest and signature)."""
        if name not in self._infos:
            raise self.fail("is missing", name)
        return b"".join(self._raw_blocks(name, limit))

    def blocks(self, name: str, *, hashed: bool = True) -> Iterator[bytes]:
        """A listed member's bytes; at the end its size and SHA-256 must equal the
        manifest's, else BundleError (so use nothing read until the iteration ends).
        ``hashed=False``: the size only, for a caller that hashes the bytes against the
        manifest's SHA-256 itself (evidence, stored under it: one pass, not two)."""
        entry = self.files.get(name)
        if entry is None:
            raise self.fail("is not in the manifest", name)
        digest = hashlib.sha256() if hashed else None
        size = 0
        for block in self._raw_blocks(name, entry.size, crc=False):
            if digest is not None:
                digest.update(block)
            size += len(block)
            yield block
        if size != entry.size:
            raise self.fail(f"has {size:,} bytes where the manifest says {entry.size:,}", name)
        if digest is not None and digest.hexdigest() != entry.sha256:
            raise self.fail("does not match the manifest (its SHA-256 differs: altered after "
                            "export)", name)

    def lines(self, name: str) -> Iterator[Any]:
        """The JSON values of a JSON-lines member, one per line (checked as ``blocks``)."""
        pending = b""
        number = 0
        for block in self.blocks(name):
            *complete, rest = (pending + block).split(b"\n")
            for raw in complete:
                number += 1
                yield self._parse_line(name, number, raw)
            if len(rest) > layout.MAX_LINE_BYTES:
                raise self.fail(f"line {number + 1} is longer than {layout.MAX_LINE_BYTES:,} "
                                "bytes", name)
            pending = rest
        if pending.strip():
            number += 1
            yield self._parse_line(name, number, pending)

    def _parse_line(self, name: str, number: int, raw: bytes) -> Any:
        try:
            return _json(raw)
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise self.fail(f"line {number} is not valid JSON ({_why(exc)})", name) from None


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _json(raw: bytes) -> Any:
    """Strict JSON: NaN and Infinity (which Python's json accepts) are refused, since no
    canonical form or hash can hold them."""
    return json.loads(raw.decode("utf-8"), parse_constant=_no_constant)


def _why(exc: BaseException) -> str:
    return "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
