"""Every flight importer on hostile bytes: JSON nested 100,000 levels deep, a gzip'd FR24 JSON
that inflates to 600 MB, and a few thousand random and mutated files. Each ends in the
imported data or in one InputError naming the file, never a traceback, and a refused file
leaves the case exactly as it was."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from osintdesk.errors import InputError
from osintdesk.flights import importers
from osintdesk.flights.ingest import import_flight_file
from osintdesk.flights.parsing import MAX_WHOLE_JSON_BYTES, TOO_DEEP
from osintdesk.store import Case

from tests.support import bounded_samples as big
from tests.support import flight_samples as fs
from tests.support.source_server import case_state

MB = big.MB


@pytest.fixture
def case(tmp_path):
    with Case.create(tmp_path / "bounded", title="Bounded", examiner="Alice") as c:
        yield c


def refused(case, path, fmt=None) -> str:
    before = case_state(case)
    with pytest.raises(InputError) as caught:
        import_flight_file(case, path, fmt=fmt)
    assert case_state(case) == before
    message = str(caught.value)
    assert "\n" not in message and str(path) in message
    return message


# ----------------------------------------------------------------------------- deep JSON


@pytest.mark.parametrize("name", sorted(big.DEEP_JSON))
def test_json_nested_100000_levels_deep_is_one_clear_line(case, tmp_path, name):
    for importer_name, path in big.deep_json_files(tmp_path):
        if importer_name != name:
            continue
        message = refused(case, path, importers.get(name))
        assert TOO_DEEP in message
        # Detected rather than named: still one line (the deep value or an unknown format).
        refused(case, path)


def test_deep_json_on_the_command_line_is_one_line_and_leaves_the_case(tmp_path):
    made = subprocess.run([sys.executable, "-m", "osintdesk", "new", tmp_path / "c", "--title", "Deep"],
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    case_path = tmp_path / "c.osintcase"
    before = case_path.read_bytes()
    for name, path in big.deep_json_files(tmp_path):
        result = subprocess.run([sys.executable, "-m", "osintdesk", "import-flights", case_path, path,
                                 "--format", name], capture_output=True, text=True)
        assert result.returncode == 2, result.stdout + result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and TOO_DEEP in lines[0] and str(path) in lines[0], result.stderr
    assert case_path.read_bytes() == before


# ----------------------------------------------------------------------------- a gzip'd giant

GIANT_SCRIPT = textwrap.dedent("""
    import json, sys
    from tests.support.bounded_samples import peak_rss_kb
    from pathlib import Path
    from osintdesk.errors import InputError
    from osintdesk.flights.ingest import import_flight_file
    from osintdesk.store import Case
    from tests.support.source_server import case_state
    with Case.create(Path(sys.argv[1]), title="giant", examiner="t") as case:
        before = case_state(case)
        baseline = peak_rss_kb()
        try:
            import_flight_file(case, sys.argv[2])
            message = None
        except InputError as error:
            message = str(error)
        peak = peak_rss_kb()
        print(json.dumps({"message": message, "growth_kb": peak - baseline,
                          "untouched": case_state(case) == before}))
""")


def test_gzip_json_of_600_mb_is_refused_early_in_bounded_memory(tmp_path):
    path = big.write_giant_fr24_json_gz(tmp_path / "giant.json.gz", 600 * MB)
    assert path.stat().st_size < 20 * MB                  # small on disk, 600 MB inflated
    done = subprocess.run([sys.executable, "-c", GIANT_SCRIPT, tmp_path / "case", path],
                          capture_output=True, text=True, env=dict(os.environ), timeout=300)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["message"].startswith(f"{path}: the file is too large to load whole")
    assert f"over {MAX_WHOLE_JSON_BYTES // MB} MB" in result["message"]
    assert result["untouched"]
    # Refused after reading the bound, not the file: memory grows by a few times the bound.
    assert result["growth_kb"] < MAX_WHOLE_JSON_BYTES * 4 // 1024, result


# ----------------------------------------------------------------------------- fuzzing


def _points(count=60):
    return fs.synthetic_flight("UUWW", "ZKPY", step_s=600.0)[:count]


def seeds(folder: Path) -> dict[str, Path]:
    """A small well-formed file per importer (invented aircraft)."""
    points = _points()
    folder.mkdir(parents=True, exist_ok=True)
    now = points[-1].t + 1
    made = {
        "fr24-csv": fs.write_fr24_csv(folder / "fr24.csv", points),
        "fr24-adsb-csv": fs.write_fr24_granular_csv(folder / "granular.csv", points),
        "opensky-csv": fs.write_opensky_csv(folder / "opensky.csv", points),
        "fr24-kml": fs.write_fr24_kml(folder / "fr24.kml", points),
        "kml-track": fs.write_kml_gx_track(folder / "track.kml", points),
        "gpx": fs.write_gpx(folder / "track.gpx", points),
        "fr24-json": fs.write_json(folder / "fr24.json", fs.fr24_playback(points)),
        "readsb-trace": fs.write_readsb_trace(folder / "trace_full_155abc.json", points, compress=False),
        "readsb-aircraft": fs.write_json(folder / "aircraft.json", fs.aircraft_snapshot(
            now, [fs.aircraft_entry(p._replace(hex=f"15{i:04x}"), now) for i, p in enumerate(points)])),
        "opensky-json": fs.write_json(folder / "opensky.json", fs.opensky_track(points)),
        "csv-mapping": fs.write_fr24_csv(folder / "generic.csv", points),
    }
    return {name: Path(path) for name, path in made.items()}


CASES_PER_IMPORTER = 220          # 11 importers: about 2,400 files in all
SECONDS_PER_IMPORTER = 20.0       # a bound on the test's time, not an assertion
MIN_CASES = 50                    # tried whatever the machine's load: the bound applies past them
IMPORT_EVERY = 20                 # of these, every 20th also goes through a real import


def test_seeds_are_read_by_their_importer(tmp_path):
    for name, path in seeds(tmp_path).items():
        if name == "csv-mapping":
            continue   # needs a saved mapping: fuzzed for its refusals only
        items = list(importers.parse_path(path, importers.get(name)))
        assert items, name


@pytest.mark.parametrize("name", importers.names())
def test_fuzzing_an_importer_gives_data_or_one_line(case, tmp_path, name):
    importer = importers.get(name)
    made = seeds(tmp_path / "seeds")
    seed_path = made.get(name, made["fr24-csv"])   # a format without a seed yet: CSV bytes
    rng = random.Random(f"osintdesk-bounded-{name}")
    data = seed_path.read_bytes()
    inputs = list(big.mutations(data, rng, CASES_PER_IMPORTER - 20)) + list(big.random_files(rng, 20))
    rng.shuffle(inputs)
    started = time.monotonic()
    tried = 0
    for index, content in enumerate(inputs):
        if tried >= MIN_CASES and time.monotonic() - started > SECONDS_PER_IMPORTER:
            break
        if index % 7 == 3:
            content = big.gzipped(content)   # the importers read gzip by its magic bytes
        path = tmp_path / f"fuzz-{index}{seed_path.suffix}"
        path.write_bytes(content)
        try:
            for _ in importers.parse_path(path, importer):
                pass
        except InputError as error:
            assert "\n" not in str(error), str(error)
        if index % IMPORT_EVERY == 0:
            before = case_state(case)
            try:
                import_flight_file(case, path, fmt=importer)
            except InputError:
                assert case_state(case) == before, f"{name} case {index}: a refused file wrote"
        path.unlink()
        tried += 1
    assert tried >= MIN_CASES
