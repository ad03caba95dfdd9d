"""The findings commands as an investigator types them (click's runner on a real case file,
and real ``python -m osintdesk`` processes): the Il-62M story end to end, every refusal
leaving the case byte for byte as it was, deletion that says what cites a record and asks."""

from __future__ import annotations

import hashlib
import json
import os
import pty
import subprocess
import sys

import pytest
from click.testing import CliRunner

from osintdesk.cli import cli
from osintdesk.sources.local_files import add_files
from osintdesk.store import Case

REGISTRY = ("<html><head><title>Register of state aircraft</title></head><body><p>Aircraft "
            "RA-86559, an Ilyushin Il-62M (hex 15AAAA, callsign RSD003), is based at the "
            "Chkalovsky air base, UUMU.</p></body></html>")
SPOTTING = ("<html><body><p>The aircraft RA-86496, an Il-62M, flew as callsign RSD062 out of "
            "Vnukovo.</p></body></html>")


def invoke(*args, ok=True):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if ok:
        assert result.exit_code == 0, result.output + result.stderr
    return result


def out(*args) -> str:
    return invoke(*args).stdout.strip()


def data(*args):
    return json.loads(invoke(*args, "--json").stdout)


def state(path):
    """What a refused command must not move: the file's bytes and the audit count."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with Case.open(path, examiner="Test Examiner", readonly=True) as opened:
        return digest, opened.audit_count()


def refused(path, *args, message):
    """Run a command that must be refused: exit 2, one error line, the case unchanged."""
    before = state(path)
    result = invoke(*args, ok=False)
    assert result.exit_code == 2, result.output + result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("osintdesk: error: ") and message in lines[-1], result.stderr
    assert "Traceback" not in result.stderr
    assert state(path) == before
    return result


@pytest.fixture()
def path(story_file, tmp_path):
    """The story case (tracks of RA-86496, the article) as a file the commands open."""
    copy = tmp_path / story_file.name
    copy.write_bytes(story_file.read_bytes())
    return copy


def source_id(path, name):
    return next(s["uuid"] for s in data("sources", path) if s["name"] == name)


def flight_ids(path):
    return [f["uuid"] for f in data("flights", path)]


# ----------------------------------------------------------------------------- the story


def test_the_il62_story_through_the_command_line(path):
    plane = data("entity", "show", path, "155abc")
    assert plane["entity"]["schema"] == "Airplane" and plane["flights"] == 2
    air_force = out("entity", "add", path, "--schema", "Organization", "--name", "Russian Air Force",
                    "--prop", "country=ru")
    kim = data("entity", "add", path, "--schema", "Person", "--name", "Kim Jong Un")
    assert kim["properties"] == {"name": ["Kim Jong Un"]} and kim["caption"] == "Kim Jong Un"
    putin = out("entity", "add", path, "--schema", "Person", "--name", "Vladimir Putin")
    link = data("link", "add", path, air_force[:8], "RA-86496", "--type", "operator",
                "--start", "2010")
    assert (link["schema"], link["role"], link["from"], link["to"]) == (
        "UnknownLink", "operator", "Russian Air Force", "RA-86496")

    article = source_id(path, "article.html")
    summit = out("event", "add", path, "--title", "Kim-Putin summit at Vostochny", "--start",
                 "2023-09-13", "--zone", "Asia/Vladivostok", "--place", "UHWW",
                 "--involved", kim["id"][:8], "--involved", putin, "--cite", article[:8])
    out("event", "add", path, "--title", "Defence minister's visit", "--start", "July 2023")
    listing = out("event", "list", path)
    assert "2023-09-13 (Asia/Vladivostok)" in listing and "July 2023" in listing
    assert "Kim Jong Un, Vladimir Putin" in listing
    [visit, summit_row] = data("event", "list", path)
    assert summit_row["uuid"] == summit and summit_row["start"]["precision"] == "day"
    assert visit["start"] == {"text": "2023-07", "zone": "UTC", "precision": "month",
                              "first_utc": "2023-07-01T00:00:00Z", "end_utc": "2023-08-01T00:00:00Z",
                              "display": "July 2023"}

    outbound, back = flight_ids(path)
    flew = data("claim", "add", path, "RA-86496 flew Vnukovo to Pyongyang on 19 September 2023.",
                "--cite", article[:8], "--quote", "landed at Pyongyang Sunan on 19 September",
                "--cite", outbound[:8], "--confidence", "very likely", "--check", "flew",
                "--aircraft", "RA-86496", "--from", "UUWW", "--to", "ZKPY", "--date", "2023-09-19")
    assert flew["check"]["result"] == "supported"
    assert flew["check"]["rests_on"][0]["files"][0]["file"] == "trace_full_155abc.json"
    assert flew["corroboration"]["independent_sources"] == 2
    [quoted, _] = flew["corroboration"]["citations"]
    assert quoted["quote"] == "landed at Pyongyang Sunan on 19 September"
    # While the data saw the whole window: what it shows instead contradicts the claim.
    wrong_way = out("claim", "add", path, "It flew Pyongyang to Moscow that morning.", "--check", "flew",
                    "--aircraft", "155abc", "--from", "FNJ", "--to", "VKO", "--between",
                    "2023-09-19T06:20Z", "2023-09-19T06:50Z", "--contradicted-by", outbound[:8])
    gap = out("claim", "add", path, "It was in the air at 07:15.", "--check", "airborne",
              "--aircraft", "RA-86496", "--time", "2023-09-19T07:15Z")
    landed = data("flights", path)[0]["arrival_utc"]
    stay = out("claim", "add", path, "It was at Sunan when it landed.", "--check", "on-ground",
               "--aircraft", "RA-86496", "--at", "ZKPY", "--between", landed, landed, "--cite", back[:8])
    claims = {c["uuid"]: c for c in data("claim", "list", path)}
    assert {k: c["check_result"] for k, c in claims.items()} == {
        flew["claim"]["uuid"]: "supported", wrong_way: "contradicted", gap: "not_covered",
        stay: "supported"}
    table = out("claim", "list", path)
    assert "contradicted" in table and "not_covered" in table and "very likely" in table

    shown = out("claim", "show", path, gap[:8])
    assert "not_covered: 2023-09-19 07:15:00 UTC falls in a coverage gap" in shown
    assert "coverage-gap" in shown and "(none cited)" in shown
    shown = out("claim", "show", path, wrong_way[:8])
    assert "Check: RA-86496 flew ZKPY → UUWW between" in shown
    assert "contradicted: RA-86496 flew UUWW → ZKPY in that time instead" in shown
    assert "contradicts: flight" in shown
    shown = out("claim", "show", path, flew["claim"]["uuid"][:8])
    assert "Evidence: 2 independent sources" in shown and '"landed at Pyongyang Sunan' in shown

    assert out("claim", "status", path, wrong_way[:8], "refuted", "--reason",
               "the tracks show the other direction").endswith("refuted")
    citation = data("claim", "cite", path, stay[:8], article[:8], "--quote",
                    "left for Moscow two days later")
    assert citation["target_kind"] == "capture" and citation["quote_end"] > citation["quote_start"]

    tie = out("tie", path, "article.html", "RA-86496", "--reason", "the article's photo shows this tail")
    shown = data("entity", "show", path, "RA-86496")
    assert [t["uuid"] for t in shown["ties"]] == [tie] and shown["flights"] == 2
    assert [link_row["uuid"] for link_row in shown["links"]] == [link["uuid"]]
    assert {c["kind"] for c in shown["cited_by"]} == {"link", "source-tie", "claim"}
    text = out("entity", "show", path, "RA-86496")
    assert "flights in the case: 2" in text and "the article's photo shows this tail" in text
    assert "UnknownLink (operator): Russian Air Force → RA-86496, 2010 to now" in text
    other = out("tie", path, "article.html", kim["id"], "--reason", "he is the host it names")
    assert [t["uuid"] for t in data("entity", "show", path, kim["id"])["ties"]] == [other]
    assert out("untie", path, other, "--reason", "it never says so") == f"untied {other}"
    assert data("entity", "show", path, kim["id"])["ties"] == []
    kim_shown = data("entity", "show", path, kim["id"])
    assert [e["uuid"] for e in kim_shown["events"]] == [summit]

    # Two entries for one person: merged, the merged id still resolves.
    again = out("entity", "add", path, "--schema", "Person", "--name", "Kim Jong-un",
                "--prop", "nationality=kp")
    cites_again = out("claim", "add", path, "Kim travelled by armoured train.", "--cite", again)
    merged = data("entity", "merge", path, kim["id"][:8], again[:8], "--reason", "same man")
    assert merged["merged"] == again and merged["properties"]["alias"] == ["Kim Jong-un"]
    assert data("entity", "show", path, again)["entity"]["id"] == kim["id"]
    assert data("claim", "show", path, cites_again)["corroboration"]["citations"][0]["label"] == "Kim Jong Un"
    people = data("entity", "list", path, "--schema", "Person")
    assert [p["caption"] for p in people] == ["Kim Jong Un", "Vladimir Putin"]

    assert invoke("verify", path).stdout.startswith("OK:")


def test_entity_set_and_aircraft_added_by_hand(path):
    hand = data("entity", "add", path, "--schema", "Airplane", "--name", "RA-86559",
                "--prop", "model=Il-62M", "--prop", "icao24=15AAAA")
    assert hand["kind"] == "aircraft" and hand["extra"]["icao24"] == "15aaaa"
    changed = data("entity", "set", path, "RA-86559", "--prop", "icaoCode=IL62",
                   "--prop", "callsigns=RSD003", "--reason", "registry page")
    assert changed["properties"]["icaoCode"] == ["IL62"] and changed["extra"]["callsigns"] == ["RSD003"]
    by_hex = data("entity", "add", path, "--schema", "Airplane", "--name", "15bbbb",
                  "--prop", "icao24=15bbbb")
    assert by_hex["properties"].get("registrationNumber") is None  # an address is no registration
    listed = out("entity", "list", path, "--schema", "Airplane")
    assert "RA-86559" in listed and "Mode-S address: 15aaaa" in listed
    assert invoke("verify", path).stdout.startswith("OK:")


# ----------------------------------------------------------------------------- refusals


@pytest.fixture()
def findings(path):
    """A few findings to refer to (and to fail to delete)."""
    kim = out("entity", "add", path, "--schema", "Person", "--name", "Kim Jong Un")
    claim = out("claim", "add", path, "Kim met Putin.", "--cite", kim)
    return {"kim": kim, "claim": claim, "article": source_id(path, "article.html")}


FLEW = ["--check", "flew", "--aircraft", "RA-86496", "--from", "UUWW", "--to", "ZKPY"]


@pytest.mark.parametrize("args, message", [
    (["entity", "add", "--schema", "Spaceship", "--name", "X"], "unknown schema 'Spaceship'"),
    (["entity", "add", "--schema", "Person", "--name", "X", "--prop", "tailNumber=1"],
     "Person has no property 'tailNumber'"),
    (["entity", "add", "--schema", "Person", "--name", "X", "--prop", "birthDate=sometime"],
     "--prop birthDate 'sometime' is not a date"),
    (["entity", "add", "--schema", "Person", "--name", "X", "--prop", "nationality"],
     "--prop 'nationality' is not key=value"),
    (["entity", "add", "--schema", "Airplane", "--name", "RA-86496"],
     "an aircraft with registration RA-86496 is already in the case"),
    (["entity", "add", "--schema", "Person", "--name", "X", "--cite", "nothing"],
     "nothing in this case has the id 'nothing'"),
    (["entity", "show", "nobody"], "no entity 'nobody' in this case"),
    (["entity", "set", "{kim}", "--prop", "tailNumber=1"], "Person has no property 'tailNumber'"),
    (["entity", "merge", "{kim}", "{kim}"], "are already one entity"),
    (["entity", "merge", "{kim}", "RA-86496"], "cannot merge an Airplane"),
    (["entity", "accept", "99"], "there is no suggestion 99"),
    (["entity", "delete", "RA-86496"], "RA-86496 has flight data"),
    (["entity", "list", "--schema", "Spaceship"], "unknown schema 'Spaceship'"),
    (["link", "add", "nobody", "RA-86496", "--type", "Associate"], "'nobody' is neither an entity of this case nor an airport code"),
    (["link", "add", "RA-86496", "{kim}", "--type", "Ownership"],
     "Ownership link's owner must be a LegalEntity"),
    (["link", "add", "{kim}", "RA-86496", "--type", "Friendship"], "unknown schema 'Friendship'"),
    (["link", "add", "{kim}", "RA-86496", "--type", "UnknownLink", "--start", "once"],
     "--start 'once' is not a date"),
    (["link", "list", "--entity", "nobody"], "no entity 'nobody'"),
    (["event", "add", "--title", "Summit", "--start", "last autumn"],
     "--start 'last autumn' is not a date"),
    (["event", "add", "--title", "Summit", "--start", "2023-09-13", "--zone", "Mars/Olympus"],
     "unknown time zone 'Mars/Olympus'"),
    (["event", "add", "--title", "Summit", "--start", "2023-09-13", "--place", "ZZZZ"],
     "'ZZZZ' is neither an entity of this case nor an airport code"),
    (["event", "add", "--title", "Summit", "--start", "2023-09-13", "--end", "2023-09-12"],
     "--end 2023-09-12 is before --start 2023-09-13"),
    (["event", "add", "--title", "Summit", "--start", "2023-09-13", "--involved", "nobody"],
     "'nobody' is neither an entity of this case nor an airport code"),
    (["claim", "add", "It flew.", *FLEW[:3], "RA-99999", *FLEW[4:], "--date", "2023-09-19"],
     "no aircraft 'RA-99999' in this case"),
    (["claim", "add", "It flew.", "--check", "flew", "--aircraft", "RA-86496", "--from", "ZZZZ",
      "--to", "ZKPY", "--date", "2023-09-19"], "--from 'ZZZZ' is not an airport"),
    (["claim", "add", "It flew.", *FLEW, "--date", "19/09/2023"], "--date '19/09/2023' is not a date"),
    (["claim", "add", "It flew.", *FLEW], "--check flew needs --date or --between"),
    (["claim", "add", "It flew.", *FLEW, "--date", "2023-09-19", "--between", "2023-09-19",
      "2023-09-20"], "--check flew takes --date or --between, not both"),
    (["claim", "add", "It flew.", *FLEW, "--date", "2023-09-19", "--at", "UUWW"],
     "--check flew does not take --at"),
    (["claim", "add", "It flew.", "--check", "airborne", "--aircraft", "RA-86496"],
     "--check airborne needs --time"),
    (["claim", "add", "It flew.", "--check", "on-ground", "--aircraft", "RA-86496", "--at", "ZKPY",
      "--time", "2023-09-20T10:00Z"], "--check on-ground does not take --time"),
    (["claim", "add", "It flew.", "--aircraft", "RA-86496", "--date", "2023-09-19"],
     "--aircraft, --date belong to a flight check"),
    (["claim", "add", "It landed in Wonsan.", "--cite", "{article}", "--quote", "landed in Wonsan"],
     'the quote "landed in Wonsan" is not in the text'),
    (["claim", "add", "It landed.", "--quote", "landed"], "--quote needs --cite"),
    (["claim", "show", "nothing"], "nothing in this case has the id 'nothing'"),
    (["claim", "show", "{kim}"], "nothing in this case has the id"),
    (["claim", "cite", "{claim}", "nothing"], "nothing in this case has the id 'nothing'"),
    (["claim", "cite", "{claim}", "{kim}", "--quote", "Kim"], "--quote needs a capture or a source"),
    (["claim", "uncite", "{claim}", "{article}"], "does not cite source"),
    (["claim", "delete", "nothing"], "nothing in this case has the id 'nothing'"),
    (["tie", "{article}", "nothing", "--reason", "why"], "nothing in this case has the id 'nothing'"),
    (["tie", "nosuchsource", "RA-86496", "--reason", "why"], "no source in the case"),
    (["tie", "{article}", "RA-86496", "--reason", " "], "a tie needs a reason"),
    (["untie", "nosuchtie"], "no tie 'nosuchtie' in this case"),
])
def test_bad_input_is_one_line_exit_2_and_nothing_written(path, findings, args, message):
    command = [a.format(**findings) for a in args]
    split = 1 if command[0] in ("tie", "untie") else 2     # the case comes after the command's name
    refused(path, *command[:split], path, *command[split:], message=message)


@pytest.mark.parametrize("args, option, given", [
    (["claim", "add", "It flew.", "--check", "sideways", "--aircraft", "RA-86496"], "'--check'",
     "'sideways' is not one of 'flew', 'on-ground', 'airborne'"),
    (["claim", "add", "It flew.", "--status", "maybe"], "'--status'", "'maybe' is not one of"),
    (["claim", "add", "It flew.", "--confidence", "sure"], "'--confidence'", "'sure' is not one of"),
    (["claim", "status", "{claim}", "disputed"], "'STATUS'",
     "'disputed' is not one of 'open', 'supported', 'contested', 'refuted'"),
])
def test_a_word_outside_a_choice_is_a_usage_error(path, findings, args, option, given):
    """Statuses, confidences and checks are choices: --help lists them, and a wrong one is
    click's usage error (exit 2, the command's usage), the case untouched."""
    before = state(path)
    command = [a.format(**findings) for a in args]
    result = invoke(*command[:2], path, *command[2:], ok=False)
    assert result.exit_code == 2, result.output + result.stderr
    assert f"Invalid value for {option}: {given}" in result.stderr, result.stderr
    assert "Usage: " in result.stderr and "Traceback" not in result.stderr
    assert state(path) == before


def test_help_lists_the_choices():
    usage = invoke("claim", "add", "--help").output
    assert "[open|supported|contested|refuted]" in usage and "[flew|on-ground|airborne]" in usage
    assert "roughly even chance" in usage


# ----------------------------------------------------------------------------- deletion


def test_deleting_a_cited_record_lists_what_cites_it_and_refuses_without_yes(path, findings):
    article = findings["article"]
    summit = out("event", "add", path, "--title", "Summit", "--start", "2023-09-13",
                 "--involved", findings["kim"], "--place", "UHWW", "--cite", article)
    result = refused(path, "entity", "delete", path, findings["kim"][:8],
                     message="is cited by 2 records; nothing was deleted (give --yes")
    assert "Kim met Putin." in result.stderr and "Summit" in result.stderr

    before = state(path)[1]
    deleted = data("entity", "delete", path, findings["kim"][:8], "--yes", "--reason", "duplicate")
    assert deleted["deleted"]["id"] == findings["kim"]
    assert {c["kind"] for c in deleted["deleted"]["cited_by"]} == {"claim", "event"}
    with Case.open(path, examiner="Test Examiner", readonly=True) as opened:
        entries = list(opened.audit_entries(after_seq=before))
    removed = [(e.action, e.object_type) for e in entries]
    assert removed == [("edit", "event"), ("delete", "citation"), ("delete", "entity")]
    # The content stays in the log.
    assert entries[-1].details["record"]["uuid"] == findings["kim"]
    assert "Kim Jong Un" in entries[-1].details["record"]["properties"]
    assert entries[-1].details["reason"] == "duplicate"
    [event] = data("event", "list", path)
    assert event["uuid"] == summit and event["involved"] == [] and event["place"]
    assert data("claim", "show", path, findings["claim"])["corroboration"]["citations"] == []
    # Nothing cites the event: deleted straight away, with its citation.
    assert out("event", "delete", path, summit[:8]).startswith("Deleted event Summit")
    assert data("event", "list", path) == []
    assert invoke("verify", path).stdout.startswith("OK:")


def test_link_and_claim_deletion(path, findings):
    air_force = out("entity", "add", path, "--schema", "Organization", "--name", "Russian Air Force")
    link = out("link", "add", path, air_force, "RA-86496", "--type", "operator",
               "--cite", findings["article"])
    other = out("claim", "add", path, "The air force operates it.", "--cite", link)
    refused(path, "link", "delete", path, link[:8], message="is cited by 1 record;")
    assert out("link", "delete", path, link[:8], "--yes").startswith("Deleted UnknownLink link")
    assert data("link", "list", path) == []
    assert data("claim", "show", path, other)["corroboration"]["citations"] == []
    assert out("claim", "uncite", path, findings["claim"], findings["kim"]) == "Removed 1 citation"
    assert out("claim", "delete", path, findings["claim"]).startswith('Deleted claim "Kim met Putin."')
    assert [c["uuid"] for c in data("claim", "list", path)] == [other]
    assert invoke("verify", path).stdout.startswith("OK:")


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "osintdesk", *map(str, args)], capture_output=True,
                          stdin=stdin, text=True, env=dict(os.environ), timeout=120)


@pytest.mark.parametrize("answer, deleted", [("n", False), ("y", True)])
def test_deleting_on_a_terminal_asks_first(path, findings, answer, deleted):
    before = state(path)
    leader, follower = pty.openpty()
    try:
        os.write(leader, f"{answer}\n".encode())
        result = run("entity", "delete", path, findings["kim"][:8], stdin=follower)
    finally:
        os.close(leader)
        os.close(follower)
    assert "Person Kim Jong Un is cited by:" in result.stdout
    assert 'cites it (supports): claim "Kim met Putin."' in result.stdout
    assert "Delete it, and remove it from what cites it? [y/N]" in result.stdout
    if deleted:
        assert result.returncode == 0 and "Deleted Person Kim Jong Un" in result.stdout
        assert data("entity", "list", path, "--schema", "Person") == []
    else:
        assert result.returncode == 130 and "nothing was changed" in result.stderr
        assert state(path) == before


# ----------------------------------------------------------------------------- suggestions


@pytest.fixture()
def with_pages(path, tmp_path):
    for name, html in (("registry.html", REGISTRY), ("spotting.html", SPOTTING)):
        (tmp_path / name).write_text(html, encoding="utf-8")
    with Case.open(path, examiner="Test Examiner") as opened:
        add_files(opened, [tmp_path / "registry.html", tmp_path / "spotting.html"])
    return path


def test_suggestions_are_numbered_and_accepted_with_the_source_cited(with_pages):
    path = with_pages
    found = data("entity", "suggest", path)
    assert [(s["number"], s["label"]) for s in found] == [
        (1, "Airplane RA-86559 (registrationNumber=RA-86559, icao24=15aaaa, icaoCode=IL62, "
            "callsigns=RSD003)"),
        (2, "Address Chkalovskiy Air Base (icao=UUMU, iata=CKL)"),
        (3, "RA-86496: add callsigns=RSD062")]
    listing = out("entity", "suggest", path)
    assert listing.startswith('1. Airplane RA-86559') and 'registry.html: "RA-86559"' in listing

    plane_id, base_id = out("entity", "accept", path, "1", "2").split()
    plane = data("entity", "show", path, "RA-86559")
    assert plane["entity"]["id"] == plane_id and plane["entity"]["extra"]["icao24"] == "15aaaa"
    assert plane["entity"]["extra"]["callsigns"] == ["RSD003"]
    [cited] = plane["citations"]
    registry = source_id(path, "registry.html")
    assert cited["target_kind"] == "capture" and cited["quote"] == "RA-86559"
    base = data("entity", "show", path, "UUMU")
    assert base["entity"]["id"] == base_id and base["citations"][0]["quote"] == "UUMU"
    assert base["citations"][0]["label"].startswith("capture of Register of state aircraft")
    assert registry

    [left] = data("entity", "suggest", path)
    assert left["label"] == "RA-86496: add callsigns=RSD062"
    [changed] = data("entity", "accept", path, "1")
    assert changed["extra"]["callsigns"] == ["RSD062"]
    assert out("entity", "suggest", path) == "(no suggestions)"
    assert invoke("verify", path).stdout.startswith("OK:")


def test_accepting_is_all_or_none(with_pages):
    refused(with_pages, "entity", "accept", with_pages, "1", "7", message="there is no suggestion 7")


def test_sources_json_lists_identifiers_with_their_positions(with_pages):
    registry = next(s for s in data("sources", with_pages) if s["name"] == "registry.html")
    by_kind = {i["kind"]: i for i in registry["identifiers"]}
    assert set(by_kind) >= {"registration", "icao24", "callsign", "aircraft_type", "airport_icao"}
    hex_code = by_kind["icao24"]
    assert (hex_code["value"], hex_code["normalised"], hex_code["text"]) == ("15AAAA", "15AAAA", "15AAAA")
    position = hex_code["position"]
    assert position["capture"] == registry["captures"][0]["uuid"] and position["field"] == "text"
    with Case.open(with_pages, examiner="Test Examiner", readonly=True) as opened:
        from osintdesk.sources.queries import capture_text
        text = capture_text(opened, position["capture"])
    for identifier in registry["identifiers"]:
        where = identifier["position"]
        if where["field"] == "text":
            assert text[where["start"]:where["end"]] == identifier["text"]
    assert by_kind["airport_icao"]["details"]["icao"] == "UUMU"
    # A source naming nothing lists nothing (not null).
    assert all(isinstance(s["identifiers"], list) for s in data("sources", with_pages))


# ----------------------------------------------------------------------------- real processes


def test_findings_commands_in_a_real_process(path):
    def ok(*args):
        result = run(*args)
        assert result.returncode == 0, result.stderr
        return result.stdout

    plane = ok("entity", "add", path, "--schema", "Airplane", "--name", "RA-86559").strip()
    assert len(plane) == 36
    [entity] = [e for e in json.loads(ok("entity", "list", path, "--json")) if e["id"] == plane]
    assert entity["kind"] == "aircraft"
    claim = json.loads(ok("claim", "add", path, "RA-86496 flew Vnukovo to Pyongyang.", "--check",
                          "flew", "--aircraft", "RA-86496", "--from", "UUWW", "--to", "ZKPY",
                          "--between", "2023-09-19T00:00Z", "2023-09-19T23:59Z", "--json"))
    assert claim["check"]["result"] == "supported"
    shown = ok("claim", "show", path, claim["claim"]["uuid"][:8])
    assert "supported: RA-86496 flew UUWW → ZKPY (1 flight)" in shown
    bad = run("event", "add", path, "--title", "Summit", "--start", "soon")
    assert bad.returncode == 2 and bad.stderr.startswith("osintdesk: error: --start 'soon' is not a date")
    assert len(bad.stderr.strip().splitlines()) == 1


def test_deleting_an_entity_named_by_a_property_removes_the_value(path, findings):
    air_force = out("entity", "add", path, "--schema", "Organization", "--name", "Russian Air Force")
    out("entity", "set", path, "RA-86496", "--prop", f"operator={air_force}")
    shown = out("entity", "show", path, "RA-86496")
    assert "operator: Russian Air Force" in shown and air_force not in shown
    [row] = [r for r in data("entity", "list", path) if r["caption"] == "RA-86496"]
    assert row["shown"]["operator"] == ["Russian Air Force"]
    result = refused(path, "entity", "delete", path, air_force[:8],
                     message="is cited by 1 record; nothing was deleted (give --yes")
    assert "names it as its operator" in result.stderr
    before = state(path)[1]
    data("entity", "delete", path, air_force[:8], "--yes")
    with Case.open(path, examiner="Test Examiner", readonly=True) as opened:
        entries = list(opened.audit_entries(after_seq=before))
    assert [(e.action, e.object_type) for e in entries] == [("edit", "entity"), ("delete", "entity")]
    assert "operator" not in data("entity", "show", path, "RA-86496")["entity"]["properties"]
    assert invoke("verify", path).stdout.startswith("OK:")


def test_entity_show_reads_the_military_flag_and_countries_are_listed(path, findings):
    shown = out("entity", "show", path, "RA-86496")
    assert "military address block: " in shown and "address_military" not in shown
    assert {"code": "kp", "name": "North Korea"} in data("entity", "countries")
    refused(path, "entity", "add", path, "--schema", "Organization", "--name", "X", "--prop", "country=XX",
            message="--prop country=XX: not an ISO 3166-1 alpha-2 country code")

