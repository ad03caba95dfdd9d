"""Benchmark: export and merge a case with 1,000,000 track points and 200 MB of evidence
as a bundle, against zipping the same bytes, measured in the same run.

Floor: ``zipfile`` writing the bundle's members (extracted to files first, not timed)
with the same compression per member (deflate level 1 for records, stored for evidence
that does not compress). Goal: export and merge each within 3x of the floor, with memory
flat: each step runs in its own process and its peak resident size is printed beside
the size of what it moved.

    python bench/bundle.py [--points 1000000] [--evidence-mb 200] [--keep DIR]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STEP = r"""
import resource, sys, time
sys.path.insert(0, {root!r})
from osintdesk.store import Case
from osintdesk.custody.keys import create_examiner_key, has_examiner_key, load_examiner_key
if not has_examiner_key():
    create_examiner_key(None)
key = load_examiner_key(lambda: None)
start = time.perf_counter()
if {step!r} == "export":
    from osintdesk.exchange.export import export_bundle
    with Case.open({case!r}, examiner="Bench") as case:
        export_bundle(case, {bundle!r}, signer=key)
else:
    from osintdesk.exchange.merge import merge_bundle
    with Case.create({target!r}, title="Receiver", examiner="Bench") as case:
        merge_bundle(case, {bundle!r})
elapsed = time.perf_counter() - start
# This process's own peak (VmHWM, in KiB): ru_maxrss would count the parent's peak too, as
# Linux carries it across the exec of a process spawned by one that built a big case
try:
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(elapsed, peak)
"""


def run_step(step: str, **paths) -> tuple[float, int]:
    code = STEP.format(root=str(ROOT), step=step, **{k: str(v) for k, v in paths.items()})
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "OSINTDESK_CONFIG_DIR": str(paths["config"])})
    if done.returncode:
        raise SystemExit(done.stderr)
    seconds, peak_kib = done.stdout.split()
    return float(seconds), int(peak_kib) * 1024


def floor(bundle: Path, folder: Path) -> float:
    """Zip the bundle's members again from files, with the compression each member has."""
    members = folder / "members"
    infos = []
    with zipfile.ZipFile(bundle) as zf:
        for info in zf.infolist():
            target = members / info.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as out:
                while block := src.read(1 << 20):
                    out.write(block)
            infos.append((info.filename, info.compress_type, target))
    start = time.perf_counter()
    with zipfile.ZipFile(folder / "floor.zip", "w", allowZip64=True) as zf:
        for name, compression, path in infos:
            zf.write(path, name, compress_type=compression,
                     compresslevel=1 if compression == zipfile.ZIP_DEFLATED else None)
    return time.perf_counter() - start


def main() -> None:
    from bench.verify_case import bench_arguments, bench_folder, build
    args = bench_arguments(__doc__.split("\n\n")[0])

    with bench_folder(args.keep) as folder:
        case_path = folder / "bench.osintcase"
        if not case_path.exists():
            case_path, _ = build(folder, args.points, args.evidence_mb)
        work = Path(tempfile.mkdtemp(prefix="bundle-", dir=folder))
        bundle = work / "bench.osintbundle"
        config = work / "config"
        export_s, export_peak = run_step("export", case=case_path, bundle=bundle,
                                         target=work / "unused", config=config)
        merge_s, merge_peak = run_step("merge", case=case_path, bundle=bundle,
                                       target=work / "receiver", config=config)
        floor_s = floor(bundle, work)
        size = bundle.stat().st_size
        mib = lambda n: n / 2**20  # noqa: E731
        print(f"case {mib(case_path.stat().st_size):.0f} MiB, bundle {mib(size):.0f} MiB")
        print(f"floor  zipfile of the same members : {floor_s:6.2f} s")
        print(f"export                             : {export_s:6.2f} s  ratio "
              f"{export_s / floor_s:.2f} (goal <= 3)  peak {mib(export_peak):.0f} MiB")
        print(f"merge into an empty case           : {merge_s:6.2f} s  ratio "
              f"{merge_s / floor_s:.2f} (goal <= 3)  peak {mib(merge_peak):.0f} MiB")


if __name__ == "__main__":
    main()
