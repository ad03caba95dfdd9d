"""Shared parsing helpers: gzip by magic bytes, damaged gzip, times, units, codes, checks."""

import gzip
import io
import json
import math

import pytest

from osintdesk.errors import Cancelled, InputError
from osintdesk.flights import parsing
from osintdesk.flights.parsing import (JsonStream, Ticker, Validator, csv_rows, normalise_hex,
                                       normalise_squawk, open_maybe_gzip, parse_iso_time,
                                       parse_time_with_format, text_stream)


def test_gzip_is_detected_by_magic_bytes_not_name(tmp_path):
    packed = tmp_path / "trace.json"  # gzip under a .json name, as readsb serves it
    packed.write_bytes(gzip.compress(b'{"a": 1}'))
    plain = tmp_path / "plain.json.gz"  # a .gz name on plain text
    plain.write_bytes(b'{"a": 2}')
    with open_maybe_gzip(packed) as stream:
        assert stream.read() == b'{"a": 1}'
        assert stream.raw.compressed
    with open_maybe_gzip(plain) as stream:
        assert stream.read() == b'{"a": 2}'
        assert not stream.raw.compressed


def test_truncated_gzip_names_the_file(tmp_path):
    path = tmp_path / "cut.json"
    path.write_bytes(gzip.compress(b"x" * 100000 + b"y" * 100000)[:60])
    with pytest.raises(InputError) as info:
        with open_maybe_gzip(path) as stream:
            stream.read()
    assert str(info.value).startswith(f"{path}: ")
    assert "truncated or corrupt" in str(info.value)


def test_corrupt_gzip_names_the_file(tmp_path):
    path = tmp_path / "bad.json"
    data = bytearray(gzip.compress(json.dumps(list(range(5000))).encode()))
    data[30:40] = b"\x00" * 10
    path.write_bytes(bytes(data))
    with pytest.raises(InputError) as info:
        with open_maybe_gzip(path) as stream:
            stream.read()
    assert str(info.value).startswith(f"{path}: ")


def test_damaged_gzip_in_a_csv_names_the_line(tmp_path):
    rows = "".join(f"{i},b,c\n" for i in range(20000))
    path = tmp_path / "cut.csv"
    path.write_bytes(gzip.compress(("a,b,c\n" + rows).encode())[:-200])
    with pytest.raises(InputError) as info:
        with open_maybe_gzip(path) as stream:
            list(csv_rows(stream, str(path)))
    assert f"{path}, line " in str(info.value)


@pytest.mark.parametrize("text, expected", [
    ("2024-01-02T07:41:03Z", 1704181263.0),
    ("2024-01-02 07:41:03Z.515", 1704181263.515),      # FlightRadar24 granular quirk
    ("2024-01-02 07:41:03.515Z", 1704181263.515),
    ("2016-03-18T18:20:47+00:00", 1458325247.0),
    ("2024-01-02T10:41:03+03:00", 1704181263.0),
    ("2024-01-02T07:41:03", 1704181263.0),              # no zone: UTC
    (" 2024-01-02T07:41:03Z ", 1704181263.0),
])
def test_iso_times(text, expected):
    assert parse_iso_time(text, "f.csv", 3) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["2024-01-02", "yesterday", "2024-13-02T00:00:00Z", "", "1704181263"])
def test_bad_iso_times_name_file_and_line(text):
    with pytest.raises(InputError) as info:
        parse_iso_time(text, "f.csv", 7)
    assert str(info.value).startswith("f.csv, line 7: ")


def test_naive_time_refused_when_utc_is_not_assumed():
    with pytest.raises(InputError, match="no time zone"):
        parse_iso_time("2024-01-02T07:41:03", "f", 1, assume_utc=False)


def test_time_formats():
    assert parse_time_with_format("1704181263", "epoch_s", "f", 1) == 1704181263.0
    assert parse_time_with_format("1704181263515", "epoch_ms", "f", 1) == 1704181263.515
    assert parse_time_with_format("02/01/2024 10:41:03", "%d/%m/%Y %H:%M:%S", "f", 1,
                                  utc_offset_s=10800) == 1704181263.0
    assert parse_time_with_format("2024-01-02T10:41:03", "iso", "f", 1, utc_offset_s=10800) == 1704181263.0
    assert parse_time_with_format("2024-01-02T07:41:03Z", "iso", "f", 1, utc_offset_s=10800) == 1704181263.0
    with pytest.raises(InputError, match="does not match the format"):
        parse_time_with_format("2024-01-02", "%d/%m/%Y", "f", 1)
    with pytest.raises(InputError, match="not a number"):
        parse_time_with_format("soon", "epoch_s", "f", 1)


def test_units():
    assert parsing.m_to_ft(10668) == pytest.approx(35000, abs=0.01)
    assert parsing.ms_to_kt(231.5) == pytest.approx(450.0, abs=0.01)
    assert parsing.ms_to_fpm(10.16) == pytest.approx(2000, abs=0.01)
    assert parsing.m_to_ft(None) is None


@pytest.mark.parametrize("raw, expected", [
    ("0x8467D8", "8467d8"), ("8467D8", "8467d8"), ("  155abc ", "155abc"), ("~ABC123", "~abc123"),
    ("4b1a", "004b1a"), ("", None), (None, None),
])
def test_hex(raw, expected):
    assert normalise_hex(raw) == expected


@pytest.mark.parametrize("raw", ["0x1234567", "zz1234", "12-345"])
def test_bad_hex(raw):
    with pytest.raises(InputError, match="not a 24-bit hex code"):
        normalise_hex(raw, "f.csv", 4)


@pytest.mark.parametrize("raw, zero_is_none, expected", [
    ("0412", False, "0412"), ("412", True, "0412"), (412, True, "0412"), ("7700", True, "7700"),
    ("0", True, None), (0, True, None), ("0000", False, "0000"), ("0", False, "0000"),
    ("", False, None), (None, True, None),
])
def test_squawks(raw, zero_is_none, expected):
    assert normalise_squawk(raw, zero_is_none=zero_is_none) == expected


@pytest.mark.parametrize("raw", ["7800", "12345", "7a00"])
def test_bad_squawk(raw):
    with pytest.raises(InputError, match="not 4 octal digits"):
        normalise_squawk(raw, "f.csv", 9)


def test_callsigns_are_stripped():
    assert parsing.stripped_text("AFL100  ") == "AFL100"
    assert parsing.stripped_text("        ") is None
    assert parsing.stripped_text(None) is None


def test_validator_refuses_impossible_values():
    check = Validator("f.csv", clock=lambda: 1704181263.0)
    check.position(90.0, -180.0, 1)
    check.time(1704181263.0, 1)
    for lat, lon, text in ((90.5, 0, "latitude 90.5"), (0, 180.5, "longitude 180.5"),
                           (math.nan, 0, "latitude nan"), (None, 0, "incomplete")):
        with pytest.raises(InputError, match=text) as info:
            check.position(lat, lon, 5)
        assert str(info.value).startswith("f.csv, line 5: ")
    for t in (0.0, 1704181263.0 + 3 * 86400, 1704181263515.0):  # 1970, future, milliseconds
        with pytest.raises(InputError, match="impossible"):
            check.time(t, 6)


def test_ticker_reports_progress_and_honours_cancel(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"a\n" * 10000)
    calls = []
    with open_maybe_gzip(path) as stream:
        ticker = Ticker(stream, lambda done, total: calls.append((done, total)), None, every=10)
        for _ in range(25):
            ticker.tick()
        ticker.finish()
    assert calls[-1] == (20000, 20000) and len(calls) == 3
    ticker = Ticker(io.BytesIO(), None, lambda: True, every=1)
    with pytest.raises(Cancelled):
        ticker.tick()


def test_csv_rows_refuse_binary_and_nul(tmp_path):
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"a,b\n1,2\n\xff\xfe\x00\x01garbage\n")
    with pytest.raises(InputError) as info:
        with open_maybe_gzip(binary) as stream:
            list(csv_rows(stream, str(binary)))
    assert f"{binary}, line 3: " in str(info.value)


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_only_a_whole_byte_order_mark_leaves_a_header(tmp_path, bom):
    # The first column's name starts with U+FF54, whose UTF-8 begins with \xef like the mark.
    path = tmp_path / "track.csv"
    path.write_bytes(bom + "\uff54ime,lat,lon\n1704153600,55.6,37.3\n".encode("utf-8"))
    head = parsing.read_head(path)
    assert parsing.header_line(head) == "\uff54ime,lat,lon"
    assert parsing.header_cells(head) == ["\uff54ime", "lat", "lon"]


def test_json_stream_across_chunk_boundaries(monkeypatch):
    monkeypatch.setattr(parsing, "READ_CHUNK", 7)
    monkeypatch.setattr(parsing, "_SAFE_MARGIN", 3)
    document = {"icao": "155abc", "timestamp": 1704181263.123456789,
                "trace": [[i * 1.5, 55.0 + i / 1000, 37.0, "ground" if i % 3 else 35000,
                           None, {"flight": "AFL100  "} if i % 5 == 0 else None] for i in range(200)],
                "after": "ok"}
    text = json.dumps(document, indent=1)
    stream = text_stream(io.BytesIO(text.encode()))
    got = {}
    rows = []
    for key, index, value in JsonStream(stream, "t.json", ("trace",)).members():
        if index is None:
            got[key] = value
        else:
            rows.append(value)
    assert rows == document["trace"]
    assert got == {"icao": "155abc", "timestamp": 1704181263.123456789, "after": "ok"}


@pytest.mark.parametrize("text, line", [
    ('{"trace": [[1, 2],\n [3, 4]\n [5, 6]]}', 3),
    ('{"trace": [[1, 2],\n [3, NaN]]}', 2),
    ('{"trace": [[1, 2],\n [3, 4]', 2),
    ('[1, 2]', 1),
    ('', 1),
])
def test_json_stream_errors_name_the_line(text, line):
    stream = text_stream(io.BytesIO(text.encode()))
    with pytest.raises(InputError) as info:
        list(JsonStream(stream, "t.json", ("trace",)).members())
    assert str(info.value).startswith(f"t.json, line {line}: "), str(info.value)


def test_malformed_quoting_names_the_line(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('a,b\n1,2\n"x"y,3\n')
    with pytest.raises(InputError) as info:
        with open_maybe_gzip(path) as stream:
            list(csv_rows(stream, str(path)))
    assert str(info.value).startswith(f"{path}, line 3: malformed CSV")


def test_missing_file_is_an_input_error(tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(InputError, match="cannot open the file") as info:
        open_maybe_gzip(missing)
    assert str(info.value).startswith(f"{missing}: ")
    with pytest.raises(InputError, match="cannot open the file"):
        open_maybe_gzip(tmp_path)  # a folder
