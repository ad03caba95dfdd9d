"""Search benchmark: full-text search over 20,000 generated sources.

Builds a case with N generated articles (through the same storing path as ``add-file``:
artifact, extracted text, identifier hits, search index, all audited), then times
``osintdesk.sources.search`` (safe query, one hit per source, snippets with highlight
offsets, source titles) against the floor measured in the same run: a bare FTS5 query
(``MATCH ... ORDER BY rank LIMIT`` with ``snippet()``) on the same index.

Prints, per query and overall, the median time of each and their ratio.
Run: ``python bench/search.py [--sources 20000] [--repeat 15]``. Tests never assert on time.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from osintdesk.sources.acquire.documents import ExtractedDocument  # noqa: E402
from osintdesk.sources.ingest import ensure_source, file_identity, store_capture  # noqa: E402
from osintdesk.sources.search import bare_search, fts_query, search  # noqa: E402
from osintdesk.store import Case  # noqa: E402

WORDS = """the a of to in and on at for with from by was were is are said reported officials
aircraft flight flew landed departed arrived airport runway apron delegation government
minister visit talks cargo crew passengers route return morning evening night week month
tracking data transponder signal radar satellite image photo video witnesses local media
state agency statement confirmed denied unclear unknown special detachment military civil
northern southern eastern western border coast capital city region province district""".split()
REGISTRATIONS = ["RA-86496", "RA-86559", "RA-96022", "RF-64519", "RA-64057", "P-885", "P-632",
                 "RA-82079", "RA-78854", "EW-78849", "UR-82072", "B-2447"]
PLACES = ["Moscow Vnukovo (VKO)", "Pyongyang Sunan (FNJ)", "Vladivostok (VVO)", "Minsk (MSQ)",
          "Tehran (IKA)", "Beijing (PEK)", "Khabarovsk (KHV)", "Novosibirsk (OVB)"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
QUERIES = [
    "aircraft",                      # in most sources
    "delegation minister",           # two common words
    "RA-86496",                      # an identifier, as written
    "RA86496",                       # the same without its hyphen
    "Sunan",                         # a place
    '"special detachment"',          # a phrase
    "transpond*",                    # a prefix
    "Khabarovsk OR Novosibirsk",     # either
    "cargo NOT military",            # exclusion
    "zxqv",                          # nowhere
]


def article(rng: random.Random, index: int) -> tuple[str, str]:
    """(title, text) of an invented news item, 120-220 words with a few identifiers."""
    reg = rng.choice(REGISTRATIONS)
    origin, destination = rng.sample(PLACES, 2)
    day = f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2019, 2024)}"
    title = f"{reg} {rng.choice(['flew', 'landed', 'seen'])} {destination.split(' (')[0]} #{index}"
    sentences = [f"The aircraft {reg} departed {origin} on {day} and landed at {destination}."]
    for _ in range(rng.randint(8, 14)):
        sentences.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))).capitalize()
                         + ".")
    if rng.random() < 0.3:
        sentences.append(f"Trackers showed Mode-S hex {rng.randrange(16 ** 6):06X} under callsign "
                         f"RSD{rng.randint(10, 99):03d}.")
    return title, " ".join(sentences)


def build(case: Case, count: int, seed: int = 7) -> float:
    """Store ``count`` generated sources; returns the seconds it took."""
    rng = random.Random(seed)
    started = time.perf_counter()
    batch = 500
    for first in range(0, count, batch):
        with case.transaction():
            for index in range(first, min(count, first + batch)):
                title, text = article(rng, index)
                artifact = case.put_artifact(text.encode("utf-8"))
                source, new = ensure_source(case, identity=file_identity(artifact.sha256),
                                            kind="file", url=None, name=f"article-{index}.txt")
                document = ExtractedDocument(kind="text", media_type="text/plain", title=title,
                                             text=text)
                store_capture(case, source=source, new_source=new, document=document,
                              text_origin_sha256=artifact.sha256, action="add",
                              fields={"method": "file", "captured_utc": "2024-01-02T07:41:03.000000Z",
                                      "media_type": "text/plain", "body_sha256": artifact.sha256,
                                      "body_size": artifact.size})
        print(f"\r  {min(count, first + batch):,} sources", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return time.perf_counter() - started


def median_seconds(work, repeat: int) -> float:
    work()  # warm the page cache
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--limit", type=int, default=100, help="hits per query (both sides)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        with Case.create(Path(folder) / "bench", title="search bench", examiner="bench") as case:
            print(f"building {args.sources:,} sources…", file=sys.stderr)
            seconds = build(case, args.sources)
            rows = case.conn.execute("SELECT count(*) FROM search_rows").fetchone()[0]
            hits = case.conn.execute("SELECT count(*) FROM identifier_hits").fetchone()[0]
            print(f"built {rows:,} indexed captures with {hits:,} identifier hits in {seconds:.1f} s "
                  f"({seconds / args.sources * 1000:.2f} ms per source, audited)")
            ours_all, bare_all = [], []
            print(f"{'query':<28}{'matches':>9}{'search ms':>11}{'bare ms':>9}{'ratio':>7}")
            for query in QUERIES:
                expression = fts_query(query)
                matches = case.conn.execute(
                    "SELECT count(*) FROM source_search WHERE source_search MATCH ?",
                    (expression,)).fetchone()[0]
                ours = median_seconds(lambda: search(case, query, limit=args.limit), args.repeat)
                bare = median_seconds(lambda: bare_search(case, expression, limit=args.limit),
                                      args.repeat)
                ours_all.append(ours)
                bare_all.append(bare)
                print(f"{query:<28}{matches:>9,}{ours * 1000:>11.2f}{bare * 1000:>9.2f}"
                      f"{ours / bare if bare else float('nan'):>7.2f}")
            ours, bare = statistics.median(ours_all), statistics.median(bare_all)
            print(f"median over {len(QUERIES)} queries, {args.sources:,} sources: search "
                  f"{ours * 1000:.2f} ms, bare FTS5 {bare * 1000:.2f} ms, ratio {ours / bare:.2f}")


if __name__ == "__main__":
    main()
