"""Time and duration text: every record and display string pinned, the parsers' cases, and a
guard that keeps time formatting and parsing in osintdesk/timefmt.py."""

import json
import math
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

import osintdesk
from osintdesk import timefmt
from osintdesk.errors import OsintdeskError
from tests.support import flight_samples as samples

T = 1704181263.0  # 2024-01-02T07:41:03Z
DAY = 86400
UTC = timezone.utc


# --------------------------------------------------------------------------- record forms


def test_record_stamp_keeps_microseconds_and_refuses_naive_times():
    moment = datetime(2024, 9, 17, 6, 5, tzinfo=UTC)
    assert timefmt.record_stamp(moment) == "2024-09-17T06:05:00.000000Z"
    assert timefmt.record_stamp(moment.astimezone(timezone(timedelta(hours=3)))) == \
        "2024-09-17T06:05:00.000000Z"
    assert timefmt.record_stamp(T + 0.25) == "2024-01-02T07:41:03.250000Z"
    with pytest.raises(ValueError, match="naive"):
        timefmt.record_stamp(datetime(2024, 9, 17, 6, 5))


def test_record_time_truncates_to_the_second():
    assert timefmt.record_time(T) == "2024-01-02T07:41:03Z"
    assert timefmt.record_time(T + 0.999) == "2024-01-02T07:41:03Z"
    assert timefmt.record_time(datetime(2023, 9, 14, 10, 30, 0, 500000,
                                        tzinfo=timezone(timedelta(hours=3)))) == "2023-09-14T07:30:00Z"
    assert timefmt.record_date(T) == "2024-01-02"
    assert timefmt.record_date(T - 7 * 3600 - 42 * 60) == "2024-01-01"  # 23:59:03 the day before
    assert timefmt.file_stamp(T) == "20240102T074103Z"


@pytest.mark.parametrize("seconds, text", [
    (0, "0 min"), (59, "0 min"), (60, "1 min"), (119.6, "2 min"), (725, "12 min"),
    (3600, "1 h 0 min"), (3610, "1 h 0 min"), (27740, "7 h 42 min"), (2 * DAY, "2 d 0 h"),
    (2 * DAY + 3 * 3600 + 59 * 60 + 59, "2 d 3 h"), (-5, "0 min"),
])
def test_record_duration_is_the_frozen_json_form(seconds, text):
    assert timefmt.record_duration(seconds) == text


# --------------------------------------------------------------------------- display forms


def test_one_display_form_for_a_moment_from_any_holder():
    assert timefmt.display_time(T) == "2024-01-02 07:41:03 UTC"
    assert timefmt.display_time(T, seconds=False) == "2024-01-02 07:41 UTC"
    assert timefmt.display_time(int(T)) == "2024-01-02 07:41:03 UTC"
    assert timefmt.display_time(datetime(2024, 1, 2, 10, 41, 3, tzinfo=timezone(timedelta(hours=3)))) \
        == "2024-01-02 07:41:03 UTC"
    # the case overview showed 2026-11-25T22:26:12.794285Z
    assert timefmt.display_time("2026-11-25T22:26:12.794285Z") == "2026-11-25 22:26:12 UTC"
    assert timefmt.display_time("2026-11-25T22:26:12.794285Z", seconds=False) == "2026-11-25 22:26 UTC"
    assert timefmt.display_time("2024-01-02T07:41:03Z") == "2024-01-02 07:41:03 UTC"
    assert timefmt.display_time("2024-01-02T10:41:03+03:00") == "2024-01-02 07:41:03 UTC"


def test_display_of_nothing_or_of_text_that_is_no_time():
    assert timefmt.display_time(None) == ""
    assert timefmt.display_date(None) == ""
    assert timefmt.display_clock(None) == ""
    assert timefmt.display_time("not stated") == "not stated"


def test_date_and_compact_clock():
    assert timefmt.display_date(T) == "2024-01-02"
    assert timefmt.display_date("2024-01-02T23:59:59.999999Z") == "2024-01-02"
    assert timefmt.display_clock(T) == "07:41 UTC"


@pytest.mark.parametrize("seconds, text", [
    (0, "0 s"), (0.9, "0 s"), (45, "45 s"), (59, "59 s"), (59.99, "59 s"), (60, "1 min"),
    (61, "1 min 1 s"), (725, "12 min 5 s"), (3599, "59 min 59 s"), (3600, "1 h"),
    (3610, "1 h"), (3660, "1 h 1 min"), (11520, "3 h 12 min"), (27740, "7 h 42 min"),
    (86399, "23 h 59 min"), (DAY, "1 d"), (2 * DAY, "2 d"),
    (2 * DAY + 3 * 3600 + 59 * 60, "2 d 3 h"), (5 * DAY, "5 d"), (22 * DAY + 7 * 3600, "22 d 7 h"),
    (-5, "0 s"), (None, ""), (math.nan, ""), (math.inf, ""),
])
def test_one_duration_form(seconds, text):
    assert timefmt.duration(seconds) == text


def test_table_columns_show_times_and_durations_by_their_names():
    assert timefmt.display_field("created_utc", "2026-11-25T22:26:12.794285Z") == "2026-11-25 22:26:12 UTC"
    assert timefmt.display_field("duration_s", 27740.0) == "7 h 42 min"
    assert timefmt.display_field("duration_s", None) is None
    assert timefmt.display_field("first_t", T) is None       # epoch numbers are not text columns
    assert timefmt.display_field("title", "2024-01-02") is None


# --------------------------------------------------------------------------- reading


@pytest.mark.parametrize("text, expected", [
    ("2024-01-02T07:41:03Z", "2024-01-02T07:41:03+00:00"),
    ("2024-01-02T07:41:03z", "2024-01-02T07:41:03+00:00"),
    (" 2024-01-02 07:41:03.515+03:00 ", "2024-01-02T07:41:03.515000+03:00"),
    ("2024-01-02T07:41:03", "2024-01-02T07:41:03"),          # as written: naive
    ("2024-01-02", "2024-01-02T00:00:00"),
    ("yesterday", None), ("2024-13-02T00:00:00Z", None), ("", None),
])
def test_parse_iso(text, expected):
    if expected is None:
        with pytest.raises(ValueError):
            timefmt.parse_iso(text)
    else:
        assert timefmt.parse_iso(text).isoformat() == expected


def test_the_strict_reader_of_hot_loops_leaves_the_lenient_cases_to_parse_iso():
    assert timefmt.parse_iso_strict("2024-01-02T07:41:03Z") == timefmt.parse_iso("2024-01-02T07:41:03Z")
    for text in (" 2024-01-02T07:41:03Z", "2024-01-02T07:41:03z"):
        with pytest.raises(ValueError):
            timefmt.parse_iso_strict(text)
        assert timefmt.parse_iso(text) == datetime.fromtimestamp(T, UTC)


def test_parse_record_reads_every_record_form_back():
    for text in (timefmt.record_stamp(T), timefmt.record_time(T), "2024-01-02T07:41:03"):
        assert timefmt.parse_record(text) == datetime.fromtimestamp(T, UTC)


@pytest.mark.parametrize("text, end_of_day, expected", [
    ("2024-01-02", False, 1704153600.0),
    ("2024-01-02", True, 1704153600.0 + DAY - 1e-6),
    ("20240102", False, 1704153600.0),
    (" 2024-01-02 ", False, 1704153600.0),
    ("2024-01-02T06:30", False, 1704153600.0 + 6.5 * 3600),
    ("2024-01-02T06:30", True, 1704153600.0 + 6.5 * 3600),  # a time is not stretched
    ("2024-01-02T06:30Z", False, 1704153600.0 + 6.5 * 3600),
    ("2024-01-02T06:30z", False, 1704153600.0 + 6.5 * 3600),
    ("2024-01-02 06:30:00", False, 1704153600.0 + 6.5 * 3600),
    ("2024-01-02T09:30+03:00", False, 1704153600.0 + 6.5 * 3600),
])
def test_what_the_user_types(text, end_of_day, expected):
    assert timefmt.parse_user_time(text, "--from", end_of_day=end_of_day) == pytest.approx(expected, abs=1e-5)


@pytest.mark.parametrize("text", ["yesterday", "2024-13-01", "2024-01-02T25:00", "", "1704181263",
                                  "02/01/2024"])
def test_bad_user_time_raises_one_error_naming_the_text(text):
    with pytest.raises(OsintdeskError) as caught:
        timefmt.parse_user_time(text, "--to")
    assert str(caught.value) == (f"--to '{text}' is not an ISO 8601 date or date-time in UTC "
                                 "(e.g. 2024-07-01 or 2024-07-01T06:30Z)")


# --------------------------------------------------------------------------- one answer everywhere


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """A case with two flights of RA-86496 and 2 d 3 h on the ground at ZKPY between them."""
    tmp = tmp_path_factory.mktemp("timefmt")
    out = samples.synthetic_flight("UUWW", "ZKPY", gaps=[(3600, 2 * 3600)])
    back = samples.synthetic_flight("ZKPY", "UUWW", start_t=out[-1].t + 2 * DAY + 3 * 3600)
    trace = samples.write_readsb_trace(tmp / "trace_full_155abc.json", out + back)
    case = tmp / "c.osintcase"
    assert cli("new", case, "--title", "t").exit_code == 0
    assert cli("import-flights", case, trace).exit_code == 0
    return case


def cli(*args):
    from osintdesk.cli import cli as group
    return CliRunner().invoke(group, ["--examiner", "T", *map(str, args)])


def test_json_keeps_the_record_forms(imported):
    """``--json`` is a data contract: these strings are what scripts read today."""
    first = json.loads(cli("flights", imported, "--json").stdout)[0]
    assert (first["departure_utc"], first["arrival_utc"], first["duration"]) == \
        ("2024-01-02T07:46:03Z", "2024-01-02T15:28:23Z", "7 h 42 min")
    assert first["duration_s"] == 27740.0 and first["gaps"][0]["duration_s"] == 3610.0
    [aircraft] = json.loads(cli("aircraft", imported, "--json").stdout)
    assert (aircraft["first_seen_utc"], aircraft["last_seen_utc"]) == ("2024-01-02T07:46:03Z",
                                                                       "2024-01-05T02:20:43Z")
    assert aircraft["ground_times"] == [
        "on the ground at ZKPY from 2024-01-02T15:28:23Z to 2024-01-04T18:38:23Z, 2 d 3 h"]


def test_a_duration_reads_the_same_in_the_cli_the_tables_the_details_and_the_charts(imported, qapp):
    from matplotlib.figure import Figure

    from osintdesk.charts import case_data, draw_activity
    from osintdesk.flights import queries
    from osintdesk.store import Case
    from osintdesk.ui.flight_pages import FLIGHT_COLUMNS, GAP_COLUMNS, NumberModel, _aircraft_html
    from osintdesk.ui.flight_pages import _flight_html

    table = cli("flights", imported).stdout
    assert "2024-01-02 07:46:03 UTC  2024-01-02 15:28:23 UTC  7 h 42 min" in table
    text = cli("aircraft", imported).stdout
    assert "2024-01-02 07:46:03 UTC to 2024-01-05 02:20:43 UTC" in text
    stay = "on the ground at ZKPY from 2024-01-02 15:28 UTC to 2024-01-04 18:38 UTC, 2 d 3 h"
    assert stay in text

    with Case.open(imported, examiner="T", readonly=True) as case:
        rows = queries.select_flights(case)
        gaps = queries.gaps(case, rows[0]["uuid"])
        [plane] = queries.aircraft(case)
        stays = [g["description"] for g in queries.ground_times(case, plane["uuid"])]
        activity = case_data.activity_rows(case, None, None, None)
    model = NumberModel(FLIGHT_COLUMNS)
    model.set_source(lambda offset, limit: rows[offset:offset + limit], lambda: len(rows))
    model.fetchMore()
    keys = [key for _, key in FLIGHT_COLUMNS]
    shown = [model.data(model.index(0, keys.index(k))) for k in ("departure_utc", "arrival_utc", "duration_s")]
    assert shown == ["2024-01-02 07:46:03 UTC", "2024-01-02 15:28:23 UTC", "7 h 42 min"]
    gap_model = NumberModel(GAP_COLUMNS)
    gap_model.set_source(lambda offset, limit: gaps[offset:offset + limit], lambda: len(gaps))
    gap_model.fetchMore()
    assert gap_model.data(gap_model.index(0, [k for _, k in GAP_COLUMNS].index("duration_s"))) == "1 h"
    assert "2024-01-02 07:46:03 UTC to 2024-01-02 15:28:23 UTC (7 h 42 min)" in _flight_html(rows[0])
    assert stay in _aircraft_html(plane, stays)

    info = draw_activity(Figure(), activity)
    assert [label.get_text() for _, label in info.stay_labels] == ["ZKPY 2 d 3 h"]


# --------------------------------------------------------------------------- the guard

# Time text written or read outside timefmt.py, each with its reason.
ALLOWED = {
    ("flights/parsing.py", "strptime"): "a CSV column read by the user's own strptime pattern",
    ("sources/acquire/readers/image.py", "strptime"): "EXIF's own 'YYYY:MM:DD HH:MM:SS' camera-clock form",
}
TIME_TEXT_CALLS = re.compile(r"\.(strftime|strptime|fromisoformat|fromtimestamp|utcfromtimestamp)\(")


def test_times_become_text_and_text_becomes_times_only_in_timefmt():
    root = Path(osintdesk.__file__).parent
    found = set()
    for path in sorted(root.rglob("*.py")):
        name = path.relative_to(root).as_posix()
        if name == "timefmt.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for call in TIME_TEXT_CALLS.findall(line.split("#")[0]):
                if (name, call) not in ALLOWED:
                    found.add(f"{name}:{number}: .{call}(: use osintdesk.timefmt")
    assert not found, "\n".join(sorted(found))


# --------------------------------------------------------------------------- partial times


def _utc_text(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%MZ")


@pytest.mark.parametrize("typed, zone, text, kept_zone, first, end", [
    # A DST day is 23 h (spring) or 25 h (autumn) long in its zone.
    ("2023-03-26", "Europe/Berlin", "2023-03-26", "Europe/Berlin", "2023-03-25T23:00Z", "2023-03-26T22:00Z"),
    ("2023-10-29", "Europe/Berlin", "2023-10-29", "Europe/Berlin", "2023-10-28T22:00Z", "2023-10-29T23:00Z"),
    # A month in an IANA zone starts and ends at its local midnights.
    ("September 2023", "Asia/Pyongyang", "2023-09", "Asia/Pyongyang", "2023-08-31T15:00Z", "2023-09-30T15:00Z"),
    ("2023-03", "Europe/Berlin", "2023-03", "Europe/Berlin", "2023-02-28T23:00Z", "2023-03-31T22:00Z"),
    # A written offset wins over the zone given beside it, and is kept.
    ("2023-09-13T23:30-05:00", "Asia/Vladivostok", "2023-09-13T23:30", "-05:00", "2023-09-14T04:30Z", "2023-09-14T04:31Z"),
    ("2023-09-13 10:00+0900", None, "2023-09-13T10:00", "+09:00", "2023-09-13T01:00Z", "2023-09-13T01:01Z"),
    ("13 Sep 2023", None, "2023-09-13", "UTC", "2023-09-13T00:00Z", "2023-09-14T00:00Z"),
    # The hour after a spring-forward gap exists once.
    ("2023-03-26T03:30", "Europe/Berlin", "2023-03-26T03:30", "Europe/Berlin", "2023-03-26T01:30Z", "2023-03-26T01:31Z"),
])
def test_parse_partial_spans(typed, zone, text, kept_zone, first, end):
    partial = timefmt.parse_partial(typed, "--start", zone=zone)
    assert (partial.text, partial.zone) == (text, kept_zone)
    assert tuple(_utc_text(t) for t in partial.span_utc()) == (first, end)


@pytest.mark.parametrize("typed, zone, message", [
    ("2023-03-26T02:30", "Europe/Berlin", r"--start '2023-03-26T02:30' does not exist in Europe/Berlin"),
    ("2023-10-29T02:30", "Europe/Berlin", r"happens twice in Europe/Berlin \(at \+02:00 and \+01:00\)"),
    ("2023-02-30", None, "is not a date"),
    ("2023-09-13T25:00", None, "is not a date"),
    ("last autumn", None, "is not a date"),
    ("2023-09", "Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
])
def test_parse_partial_refusals(typed, zone, message):
    with pytest.raises(OsintdeskError, match=message):
        timefmt.parse_partial(typed, "--start", zone=zone)


def test_partial_date_refuses_a_time_of_day_and_orders_by_span():
    assert timefmt.parse_partial_date("2023-09-13", "--start").text == "2023-09-13"
    with pytest.raises(OsintdeskError, match="--start '2023-09-13T23:30-05:00' is a date, without a time"):
        timefmt.parse_partial_date("2023-09-13T23:30-05:00", "--start")
    month, day = timefmt.parse_partial("2023-09"), timefmt.parse_partial("2023-09-13")
    timefmt.check_order(month, day, "2023-09", "2023-09-13")
    timefmt.check_order(day, month, "2023-09-13", "2023-09")    # the month still runs past the day
    with pytest.raises(OsintdeskError, match="--end 2023-08 is before --start 2023-09-13"):
        timefmt.check_order(day, timefmt.parse_partial("2023-08"), "2023-09-13", "2023-08")


def test_export_times_keep_the_fraction_the_data_has():
    assert timefmt.export_time(1704181563.0) == "2024-01-02T07:46:03Z"
    assert timefmt.export_time(1704181563.25) == "2024-01-02T07:46:03.250Z"
    assert timefmt.export_time(1704181563.9996) == "2024-01-02T07:46:04Z"
    assert timefmt.warc_timestamp("2024-01-02T07:46:03.123456Z") == "20240102074603"
    assert timefmt.warc_timestamp("2024-01-02T10:46:03+03:00") == "20240102074603"


# --------------------------------------------------------------------------- for other tools


@pytest.mark.parametrize("t, text, micro", [
    (1704153600, "2024-01-02T00:00:00+00:00", 1704153600000000),
    (1700086400.5, "2023-11-15T22:13:20.500000+00:00", 1700086400500000),
    (-1.25, "1969-12-31T23:59:58.750000+00:00", -1250000),
])
def test_offset_time_and_its_microseconds_are_the_same_moment(t, text, micro):
    assert timefmt.offset_time(t) == text and timefmt.epoch_microseconds(t) == micro
    assert timefmt.parse_iso(text).timestamp() * 1_000_000 == micro
