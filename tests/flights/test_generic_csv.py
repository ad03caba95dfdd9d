"""Any other CSV through a column mapping, and named mapping presets."""

import gzip
import json

import pytest

from osintdesk.errors import InputError
from osintdesk.flights import importers, mapping
from osintdesk.flights.mapping import ColumnMapping

TEXT = ("when;latitude;longitude;height_m;kmh;reg;Mode S;squawk\n"
        "02/01/2024 10:41:03;55.5;37.2;1000;500;RA-86496;155ABC;412\n"
        "02/01/2024 10:42:03;55.6;37.3;;;RA-86496;155ABC;\n")


@pytest.fixture
def local_mapping():
    return ColumnMapping(time="when", lat="latitude", lon="longitude", time_format="%d/%m/%Y %H:%M:%S",
                         utc_offset_s=3 * 3600, alt="height_m", alt_unit="m", speed="KMH",
                         speed_unit="km/h", hex="mode s", squawk="squawk", delimiter=";")


def test_mapping_reads_units_zone_and_columns(tmp_path, read, local_mapping):
    path = tmp_path / "export.csv"
    path.write_text(TEXT)
    points = read(path, "csv-mapping", mapping=local_mapping).points
    assert points[0].t == 1704181263.0  # 10:41:03 at UTC+3
    assert points[0].alt_ft == pytest.approx(3280.84, abs=0.01)
    assert points[0].gs_kt == pytest.approx(269.978, abs=0.001)
    assert points[0].hex == "155abc" and points[0].squawk == "0412"
    assert points[1].alt_ft is None and points[1].squawk is None


def test_never_detected_without_a_mapping(tmp_path, read, expect_error):
    path = tmp_path / "export.csv"
    path.write_text(TEXT)
    expect_error(lambda: importers.detect(path), path, contains="--mapping NAME")
    with pytest.raises(InputError, match="needs a column mapping"):
        read(path, "csv-mapping")


def test_presets_round_trip_in_the_config_folder(tmp_path, read, local_mapping):
    mapping.save_preset("Ministry export", local_mapping)
    assert mapping.presets_path().exists()
    assert list(mapping.list_presets()) == ["Ministry export"]
    assert mapping.load_preset("Ministry export") == local_mapping
    path = tmp_path / "export.csv"
    path.write_text(TEXT)
    assert len(read(path, "csv-mapping", preset="Ministry export").points) == 2
    mapping.delete_preset("Ministry export")
    with pytest.raises(InputError, match="no column-mapping preset called 'Ministry export'"):
        mapping.load_preset("Ministry export")


def test_mapping_from_a_dict_is_checked():
    with pytest.raises(InputError, match="unknown altitude unit 'furlongs'"):
        ColumnMapping.from_dict({"time": "t", "lat": "a", "lon": "o", "alt_unit": "furlongs"})
    with pytest.raises(InputError, match="unknown column-mapping key"):
        ColumnMapping.from_dict({"time": "t", "lat": "a", "lon": "o", "colour": "red"})
    with pytest.raises(InputError, match="incomplete column mapping"):
        ColumnMapping.from_dict({"time": "t"})


@pytest.mark.parametrize("text, message", [
    ("{not json", "cannot be read"),
    ('{"deep": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deep"),
    ('{"odd": 5}', "preset 'odd' is not a JSON object"),
])
def test_damaged_presets_file(tmp_path, text, message):
    mapping.presets_path().parent.mkdir(parents=True, exist_ok=True)
    mapping.presets_path().write_text(text)
    with pytest.raises(InputError, match=message) as info:
        mapping.list_presets()
    assert str(mapping.presets_path()) in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("row, message", [
    ("32/01/2024 10:41:03;55.5;37.2;1;1;r;155abc;1\n", "does not match the format"),
    ("02/01/2024 10:41:03;55.5;237.2;1;1;r;155abc;1\n", "longitude 237.2"),
    ("02/01/2024 10:41:03;55.5;37.2;tall;1;r;155abc;1\n", "height_m 'tall' is not a number"),
    ("02/01/2024 10:41:03;55.5;37.2\n", "expected 8 cells"),
])
def test_bad_rows(tmp_path, read, expect_skip, local_mapping, row, message):
    path = tmp_path / "export.csv"
    path.write_text(TEXT + row)
    expect_skip(lambda: read(path, "csv-mapping", mapping=local_mapping), path, line=4, contains=message)


def test_mapping_names_a_missing_column(tmp_path, read, expect_error, local_mapping):
    path = tmp_path / "export.csv"
    path.write_text(TEXT.replace("height_m", "height"))
    expect_error(lambda: read(path, "csv-mapping", mapping=local_mapping), path, line=1,
                 contains="missing column alt")


def test_preset_file_is_plain_json(local_mapping):
    mapping.save_preset("a", local_mapping)
    data = json.loads(mapping.presets_path().read_text())
    assert data["a"]["lat"] == "latitude"


def test_the_header_a_mapping_can_name_is_the_one_the_importer_reads(tmp_path, read):
    """A byte-order mark (Excel writes one) is not part of the first column's name."""
    from osintdesk.flights.importers.generic_csv import read_header
    path = tmp_path / "excel.csv.gz"
    path.write_bytes(gzip.compress(b"\xef\xbb\xbf" + TEXT.encode("utf-8")))
    columns, delimiter = read_header(path)
    assert columns[:3] == ["when", "latitude", "longitude"] and delimiter == ";"
    named = ColumnMapping(time=columns[0], lat=columns[1], lon=columns[2], delimiter=delimiter,
                          time_format="%d/%m/%Y %H:%M:%S")
    assert len(read(path, "csv-mapping", mapping=named).points) == 2


@pytest.mark.parametrize("text", ["", "time,lat\n1,2\n"])
def test_a_header_without_three_columns_is_refused(tmp_path, text):
    from osintdesk.flights.importers.generic_csv import read_header
    path = tmp_path / "short.csv"
    path.write_text(text)
    with pytest.raises(InputError, match="no header row with at least time, latitude"):
        read_header(path)
