"""Splitting tracks into flights, airports, coverage gaps and ground time, on generated tracks
with known answers."""

import random

import pytest

from osintdesk.flights import geo
from tests.support import flight_samples as samples
from osintdesk.flights.model import FileFlight
from osintdesk.flights.segment import SplitSettings, split_track
from osintdesk.timefmt import duration

DAY = 86400.0


def split_flights(points, **kwargs):
    """Just the flights of ``split_track``."""
    return split_track(points, **kwargs).flights


def outbound(start=samples.T0, **kwargs):
    return samples.synthetic_flight("UUWW", "ZKPY", start, step_s=30, **kwargs)


def inbound(start, **kwargs):
    return samples.synthetic_flight("ZKPY", "UUWW", start, step_s=30, **kwargs)


def airborne(points):
    return [p for p in points if not p.on_ground]


def test_oceanic_style_gap_at_cruise_is_one_flight_with_a_coverage_gap():
    points = outbound(gaps=[(3600, 3600 + 2.5 * 3600)])
    track = split_track(points)
    assert len(track.flights) == 1
    flight = track.flights[0]
    assert (flight.departure.code, flight.arrival.code) == ("UUWW", "ZKPY")
    assert flight.departure.source == "inferred" and flight.departure.distance_km == pytest.approx(0, abs=0.01)
    assert flight.departed_ground and flight.arrived_ground
    assert flight.start_t == points[10].t  # the last ground point before take-off
    assert flight.end_t == [p for p in points if p.on_ground and p.t > points[20].t][0].t
    assert flight.max_alt_ft == 35000 and flight.callsigns == ["RSD001"] and flight.squawks == ["1000"]
    assert flight.distance_km == pytest.approx(6420, abs=15)
    assert flight.distance_nm == pytest.approx(flight.distance_km / 1.852)
    (gap,) = flight.gaps
    assert gap.duration_s == pytest.approx(2.5 * 3600, abs=31)
    assert gap.start_alt_ft == gap.end_alt_ft == 35000
    assert flight.gap_distance_km == pytest.approx(gap.distance_km)
    assert gap.distance_km == pytest.approx(geo.great_circle_km(
        gap.start_lat, gap.start_lon, gap.end_lat, gap.end_lon))
    assert track.ground_times == []


def test_landing_two_day_stay_and_return_is_two_flights_and_one_ground_time():
    there = outbound()
    back = inbound(there[-1].t + 2 * DAY + 3 * 3600)
    track = split_track(there + back)
    assert len(track.flights) == 2
    first, second = track.flights
    assert (first.departure.code, first.arrival.code) == ("UUWW", "ZKPY")
    assert (second.departure.code, second.arrival.code) == ("ZKPY", "UUWW")
    (stay,) = track.ground_times
    assert stay.airport_code == "ZKPY" and stay.observed
    assert (stay.start_t, stay.end_t) == (first.end_t, second.start_t)
    assert stay.duration_s == second.start_t - first.end_t
    assert duration(stay.duration_s) == "2 d 3 h"
    assert stay.describe() == ("on the ground at ZKPY from 2024-01-02 15:28 UTC to "
                               "2024-01-04 18:38 UTC, 2 d 3 h")
    assert "near the ground" in first.end_reason or "landing" in first.end_reason


def test_observed_ground_stay_within_continuous_data():
    there = outbound()
    parked = [there[-1]._replace(t=there[-1].t + 60 * k) for k in range(1, 180)]
    back = inbound(there[-1].t + 3 * 3600)
    track = split_track(there + parked + back)
    assert len(track.flights) == 2
    (stay,) = track.ground_times
    assert stay.airport_code == "ZKPY" and stay.observed
    assert duration(stay.duration_s) == "3 h 10 min"
    assert track.flights[0].end_reason == "landing seen (on the ground after)"


def test_leg_flags_split_even_without_ground_points():
    there = [p._replace(on_ground=None) for p in outbound()]
    back = [p._replace(on_ground=None, leg_start=(k == 0)) for k, p in enumerate(inbound(there[-1].t + 30))]
    flights = split_flights(there + back)
    assert len(flights) == 2
    assert flights[0].end_reason == flights[1].start_reason == "leg flag in the file"
    assert flights[1].start_t == back[0].t


def test_one_flight_file_holds_across_a_gap_at_altitude_but_splits_where_it_landed():
    there = outbound()
    half = len(there) // 2   # a 12 h hole at cruise: alone, "far longer than flying"
    late = there[:half] + [p._replace(t=p.t + 12 * 3600) for p in there[half:]]
    assert len(split_track(late).flights) == 2
    [flight] = split_track(late, single_flight=True).flights
    assert len(flight.gaps) == 1 and flight.gaps[0].duration_s > 12 * 3600
    back = inbound(late[-1].t + 2 * DAY)   # landed, two days on the ground, flew back
    track = split_track(late + back, single_flight=True)
    assert len(track.flights) == 2 and len(track.ground_times) == 1
    assert track.flights[1].start_reason == "take-off seen (on the ground before)"


def test_gap_that_begins_near_the_ground_and_is_too_long_means_it_landed():
    flown = airborne(outbound())
    descent_end = flown[-1]                             # last seen low on approach to Sunan
    later = airborne(inbound(descent_end.t + 3 * 3600))  # seen again three hours later, climbing
    track = split_track(flown + later)
    assert len(track.flights) == 2
    first, second = track.flights
    assert first.end_reason.startswith("a 3 h")
    assert "began and ended near the ground" in first.end_reason
    assert first.arrival.code == "ZKPY" and "last seen at" in first.arrival.basis
    assert second.departure.code == "ZKPY"
    (stay,) = track.ground_times
    assert stay.airport_code == "ZKPY" and not stay.observed
    assert "not seen on the ground" in stay.describe()


def test_coverage_gap_after_climb_out_is_not_a_landing():
    flown = airborne(outbound())
    climb_out = [p for p in flown if p.alt_ft <= 2500 and p.t < flown[0].t + 600]
    lost_for_s = 40 * 60
    reappear = [p for p in flown if p.t >= climb_out[-1].t + lost_for_s]
    flights = split_flights(climb_out + reappear)
    assert len(flights) == 1
    assert flights[0].gaps[0].duration_s == pytest.approx(lost_for_s, abs=31)


def test_gap_at_altitude_far_longer_than_the_flight_needs_means_it_landed():
    flown = airborne(outbound())
    cruise = [p for p in flown if p.alt_ft == 35000]
    before = cruise[:100]
    after = [p._replace(t=p.t + 2 * DAY) for p in cruise[100:200]]
    flights = split_flights(before + after)
    assert len(flights) == 2
    assert "at altitude, far longer than flying" in flights[0].end_reason
    assert flights[0].arrival is None and flights[1].departure is None  # seen only at cruise
    assert flights[0].max_alt_ft == 35000


def test_unsorted_duplicated_input_gives_the_same_answer():
    there = outbound()
    back = inbound(there[-1].t + 2 * DAY + 3 * 3600)
    shuffled = there + back + there[:50] + back[-20:]
    random.Random(7).shuffle(shuffled)
    reference = split_track(there + back)
    track = split_track(shuffled)
    assert track.duplicates_dropped == 70
    assert track.point_count == reference.point_count == len(there) + len(back)
    assert [(f.start_t, f.end_t, f.distance_km) for f in track.flights] == [
        (f.start_t, f.end_t, f.distance_km) for f in reference.flights]


def test_file_airports_are_kept_and_a_disagreement_is_noted():
    flights = split_flights(outbound(), single_flight=True, file_flights=[FileFlight(
        hex="155abc", callsign="AFL100", flight_number="SU100", origin="UUEE", destination="FNJ")])
    flight = flights[0]
    assert (flight.departure.code, flight.departure.source, flight.departure.basis) == (
        "UUEE", "file", "named by the file")
    assert flight.departure.distance_km == pytest.approx(
        geo.great_circle_km(flight.first_lat, flight.first_lon, 55.976858, 37.41121))
    # the file's IATA code is shown as the airport's ICAO code, the file's own code kept
    assert flight.arrival.code == "ZKPY" and flight.arrival.name.startswith("Pyongyang")
    assert flight.arrival.basis == "named by the file as FNJ"
    assert flight.notes == ["the file names departure UUEE; the track points to UUWW "
                            "(on the ground there, 0.0 km away)"]
    assert flight.callsigns == ["RSD001", "AFL100"] and flight.flight_number == "SU100"


def test_file_flights_match_track_flights_by_time():
    there = outbound()
    back = inbound(there[-1].t + DAY)
    file_flights = [FileFlight(hex="155abc", origin="ZKPY", destination="UUWW", callsign="AFL101",
                               first_seen_t=back[0].t + 300, last_seen_t=back[-1].t - 300)]
    first, second = split_flights(there + back, file_flights=file_flights)
    assert first.file_flight is None and first.departure.source == "inferred"
    assert second.file_flight is file_flights[0] and second.departure.source == "file"


def test_file_flights_are_stored_under_their_first_keys():
    """flight_imports.file_flights is a stored record form: its keys never change, whatever
    the attributes are called (``first_seen_t`` is stored as ``first_seen``)."""
    import json
    flight = FileFlight(hex="155abc", origin="ZKPY", first_seen_t=10.0, last_seen_t=20.0,
                        extra={"aircraft_id": 7})
    stored = json.dumps(flight.to_dict(), sort_keys=True)
    assert stored == (
        '{"callsign": null, "destination": null, "extra": {"aircraft_id": 7}, '
        '"first_seen": 10.0, "flight_number": null, "hex": "155abc", "last_seen": 20.0, '
        '"origin": "ZKPY", "registration": null}')
    assert FileFlight.from_dict(json.loads(stored)) == flight


def test_low_first_point_infers_the_airport_with_its_basis():
    flown = airborne(outbound())
    (flight,) = split_flights(flown)
    assert flight.departure.code == "UUWW"
    assert flight.departure.basis.startswith(f"first seen at {flown[0].alt_ft:,.0f} ft")
    assert not flight.departed_ground


def test_first_seen_at_cruise_has_no_departure_airport():
    cruise = [p for p in airborne(outbound()) if p.alt_ft == 35000]
    (flight,) = split_flights(cruise)
    assert flight.departure is None and flight.arrival is None


def test_short_ground_blip_does_not_split():
    flown = outbound()
    middle = len(flown) // 2
    blip = [p._replace(on_ground=True) if k == middle else p for k, p in enumerate(flown)]
    assert len(split_flights(blip)) == 1


def test_a_parked_aircraft_is_not_a_flight():
    parked = [samples.synthetic_flight("ZKPY", "ZKPY", step_s=60)[0]._replace(t=samples.T0 + 60 * k)
              for k in range(100)]
    assert split_flights(parked) == []


def test_points_of_two_aircraft_are_refused():
    points = outbound()[:3] + [outbound()[3]._replace(hex="4b1a2c")]
    with pytest.raises(ValueError, match="two aircraft"):
        split_track(points)


def test_settings_change_the_thresholds():
    flown = airborne(outbound())
    cruise = [p for p in flown if p.alt_ft == 35000]
    points = cruise[:50] + [p._replace(t=p.t + 3 * 3600) for p in cruise[50:100]]
    assert len(split_flights(points)) == 1
    strict = SplitSettings(far_longer_margin_s=3600.0)
    assert len(split_flights(points, settings=strict)) == 2


def test_empty_track():
    track = split_track([])
    assert track.flights == [] and track.ground_times == [] and track.point_count == 0
