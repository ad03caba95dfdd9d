"""Military serials (issue 17): an article naming an aircraft of the case by its serial
(``00-9999``, ``XQ901``) is linked to it, whether the article or the aircraft came first;
the same forms are not identifiers when no aircraft of the case carries them. The serials
and hex codes here are invented."""

from __future__ import annotations

from osintdesk.flights.ingest import import_flight_file
from osintdesk.sources.acquire.identifiers import find_serials, serial_key
from osintdesk.sources.local_files import add_files
from osintdesk.sources.queries import identifiers_of_source, sources_for_aircraft
from osintdesk.verification import verify_case   # with the search index's check

from tests.support import flight_samples

ARTICLE = ("A C-17 of the USAF, serial 00\u20119999, landed at Sunan on 3 January 2024.\n"
           "The score was 10-2023; the part number 00-99990 is not a serial.\n")


def _trace(tmp_path, registration: str, hex_code: str):
    points = flight_samples.synthetic_flight("UUWW", "ZKPY", hex=hex_code)
    return flight_samples.write_readsb_trace(tmp_path / f"trace_full_{hex_code}.json", points,
                                             hex=hex_code, registration=registration,
                                             type_code="C17", desc=None, own_op=None)


def _article(tmp_path, text=ARTICLE, name="article.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _aircraft(case, registration):
    return case.conn.execute("SELECT uuid FROM aircraft WHERE registration = ?",
                             (registration,)).fetchone()[0]


def test_serial_forms():
    assert serial_key("00-9999") == "009999" and serial_key("XQ901") == "XQ901"
    assert serial_key("10+21") == "1021" and serial_key("RA-86496") is None
    assert serial_key(None) is None
    hits = find_serials("Seen: xq-901, 00-9999 and 009999.", {"XQ901": "XQ901",
                                                              "009999": "00-9999"})
    assert [(h.text, h.value) for h in hits] == [("xq-901", "XQ901"), ("00-9999", "00-9999")]


def test_article_first_then_the_aircraft_links_it(case, tmp_path):
    [outcome] = add_files(case, [_article(tmp_path)])
    source = outcome.sources[0]["uuid"]
    assert not [i for i in identifiers_of_source(case, source) if i["value"] == "00-9999"]
    import_flight_file(case, _trace(tmp_path, "00-9999", "f0a001"))
    [linked] = sources_for_aircraft(case, _aircraft(case, "00-9999"))
    assert linked["uuid"] == source
    [mention] = linked["mentions"]
    assert mention["text"] == "00\u20119999" and mention["value"] == "00-9999"
    assert ARTICLE[mention["start_offset"]:mention["end_offset"]] == "00\u20119999"
    # Importing again adds nothing twice.
    import_flight_file(case, _trace(tmp_path, "00-9999", "f0a001"))
    assert len(sources_for_aircraft(case, _aircraft(case, "00-9999"))[0]["mentions"]) == 1
    report = verify_case(case, keyring=None)
    assert report.ok, [str(f) for f in report.failures]
    # The search finds the article by the serial written without its dash, as an identifier.
    from osintdesk.sources.search import search
    assert [h.source_uuid for h in search(case, "009999")] == [source]


def test_aircraft_first_then_the_article_is_linked_as_it_is_stored(case, tmp_path):
    import_flight_file(case, _trace(tmp_path, "XQ901", "f0a002"))
    [outcome] = add_files(case, [_article(tmp_path, "The RAF Voyager XQ901 flew to Cyprus.")])
    [linked] = sources_for_aircraft(case, _aircraft(case, "XQ901"))
    assert linked["uuid"] == outcome.sources[0]["uuid"]
    # An unrelated serial-shaped number in another article links nothing.
    add_files(case, [_article(tmp_path, "Serial 00-9999 and XQ902 were elsewhere.", "b.txt")])
    assert len(sources_for_aircraft(case, _aircraft(case, "XQ901"))) == 1
    assert verify_case(case).ok


def test_a_registration_no_register_knows_is_linked_once_an_aircraft_carries_it(case, tmp_path):
    """A made-up training registration (XX-...) or one from a register the prefixes do not
    list: found in text only once an aircraft of the case carries it, with its dash."""
    assert serial_key("XX-62001") == "XX62001"
    assert serial_key("RA-86496") is None   # a known civil prefix: the usual finder has it
    text = "The Il-62M XX-62001 flew again; XX62001 without its dash is not taken.\n"
    [outcome] = add_files(case, [_article(tmp_path, text)])
    source = outcome.sources[0]["uuid"]
    import_flight_file(case, _trace(tmp_path, "XX-62001", "fff0a9"))
    [linked] = sources_for_aircraft(case, _aircraft(case, "XX-62001"))
    assert linked["uuid"] == source
    assert [m["text"] for m in linked["mentions"]] == ["XX-62001"]
    assert verify_case(case, keyring=None).ok
