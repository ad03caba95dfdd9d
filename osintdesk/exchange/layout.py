"""What a bundle holds: its member names (the only ones a reader accepts), its format
version, and the limits a reader applies to what someone sent."""

from __future__ import annotations

import re

FORMAT = "osintdesk-bundle"
FORMAT_VERSION = 3   # 2: track points travel as their stored blocks (bulk/track-points/ID.blocks)
#                      3: a capture's identifiers travel as its bulk group (bulk/identifiers/ID.jsonl)
EXTENSION = ".osintbundle"

MANIFEST = "manifest.json"
MANIFEST_DIGEST = "manifest.json.sha256"
MANIFEST_SIGNATURE = "manifest.json.minisig"
AUDIT_LOG = "audit/log.jsonl"
CASE_RECORD = "records/case.jsonl"
VERSIONS = "versions.jsonl"


def record_member(kind: str) -> str:
    return f"records/{kind}.jsonl"


BLOCKS_GROUP = "track-points"   # the bulk group carried as framed blocks, not JSON lines


def bulk_member(group: str, group_id: str) -> str:
    return f"bulk/{group}/{group_id}.{'blocks' if group == BLOCKS_GROUP else 'jsonl'}"


def evidence_member(sha256: str) -> str:
    return f"evidence/{sha256}"


def foreign_member(case_uuid: str) -> str:
    return f"audit/foreign/{case_uuid}.jsonl"


_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_KIND = r"[a-z][a-z0-9-]{0,40}"
# Exact forms: "..", absolute paths, drive letters, backslashes and upper case cannot match.
MEMBER_NAMES = re.compile(
    r"(?:manifest\.json|manifest\.json\.sha256|manifest\.json\.minisig|audit/log\.jsonl"
    r"|versions\.jsonl"
    rf"|audit/foreign/{_UUID}\.jsonl|records/{_KIND}\.jsonl|bulk/{_KIND}/{_UUID}\.jsonl"
    rf"|bulk/{BLOCKS_GROUP}/{_UUID}\.blocks"
    r"|evidence/[0-9a-f]{64})")
MANIFEST_MEMBERS = (MANIFEST, MANIFEST_DIGEST, MANIFEST_SIGNATURE)

# Limits on a bundle someone sent.
MAX_MEMBERS = 500_000
MAX_MANIFEST_BYTES = 256 << 20
MAX_SMALL_MEMBER_BYTES = 64 << 10          # the manifest's digest and signature
MAX_LINE_BYTES = 64 << 20                  # one record or bulk row (a JSON line)
MAX_TOTAL_BYTES = 256 << 30                # everything the manifest lists
MAX_RATIO = 200                            # decompressed / compressed, for members over:
RATIO_FLOOR_BYTES = 1 << 20
