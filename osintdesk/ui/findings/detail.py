"""The detail panes of the findings pages as HTML, from what ``findings.views`` shows of a
record: an entity with its properties, aliases, links, events, what cites it and the sources
tied to it; an event with its dates, place, parties and evidence; a claim's corroboration
view and its check against the tracks.

Every record named is a link ``record:KIND/ID``; the page turns a click into a jump.
"""

from __future__ import annotations

import html

from ...findings import queries, views
from ...findings.views import property_label, value_text
from ...timefmt import display_time
from .models import check_words
from ...words import counted

e = html.escape
GREY = "color:#555"
STANCE_STYLE = {"supports": "#1b7f3b", "contradicts": "#b00020"}
RESULT_STYLE = {"supported": "#1b7f3b", "contradicted": "#b00020", "not_covered": "#8a5a00"}
ANCHOR = "record:"
UNTIE = "untie:"


def record_link(kind: str, uuid: str, text: str) -> str:
    return f"<a href='{ANCHOR}{e(kind)}/{e(uuid)}'>{e(text)}</a>"


def parse_anchor(url: str) -> tuple[str, str] | None:
    """(kind, id) of a ``record:KIND/ID`` link; None for anything else."""
    if not url.startswith(ANCHOR) or "/" not in url:
        return None
    kind, _, uuid = url[len(ANCHOR):].partition("/")
    return kind, uuid


def _link_or_text(kind: str | None, uuid: str | None, text: str) -> str:
    return record_link(kind, uuid, text) if kind in queries.TARGET_TABLES and uuid else e(text)


def _section(title: str, items: list[str], empty: str) -> str:
    if not items:
        return f"<p><b>{e(title)}</b><br><span style='{GREY}'>{e(empty)}</span></p>"
    return f"<p><b>{e(title)}</b></p><ul>{''.join(f'<li>{i}</li>' for i in items)}</ul>"


def _stance(stance: str) -> str:
    return f"<b style='color:{STANCE_STYLE.get(stance, '#555')}'>{e(stance)}</b>"


def _quote(quote: str | None) -> str:
    return f"<br><i>“{e(quote)}”</i>" if quote else ""


def _note(note: str | None) -> str:
    return f"<br><span style='{GREY}'>{e(note)}</span>" if note else ""


def _who(row: dict) -> str:
    when = display_time(row.get("created_utc"), seconds=False)
    return f"added {e(when)} by {e(row.get('examiner') or '?')}" if when else ""


def _heading(title: str, subtitle: str) -> str:
    return (f"<h3 style='margin-bottom:2px'>{e(title)}</h3>"
            f"<p style='{GREY};margin-top:0'>{subtitle}</p>")


def citation_items(citations: list[dict]) -> list[str]:
    """One line per citation (``views.citation_row``): its stance, what it cites, the quote."""
    return [f"{_stance(c['stance'])} {_link_or_text(c['target_kind'], c['target_uuid'], c['label'])}"
            + _quote(c.get("quote")) + _note(c.get("note")) for c in citations]


def cited_by_items(case, rows: list[dict]) -> list[str]:
    """What cites, links to, names or checks a record (``queries.cited_by``), and how."""
    return [f"{_link_or_text(r['kind'], r['uuid'], r.get('label') or views.record_label(case, r['kind'], r['uuid']))}"
            f" <span style='{GREY}'>({e(r['how'])})</span>" for r in rows]


def tie_items(case, ties: list[dict]) -> list[str]:
    return [f"{record_link('source', t['source_uuid'], views.record_label(case, 'source', t['source_uuid']))}"
            f" <span style='{GREY}'>— {e(t['reason'])} ({_who(t)})</span> {untie_link(t['uuid'])}"
            for t in ties]


def untie_link(tie_uuid: str) -> str:
    return f"<a href='{UNTIE}{e(tie_uuid)}'>remove…</a>"


def parse_untie(url: str) -> str | None:
    """The tie id of an ``untie:ID`` link; None for anything else."""
    return url[len(UNTIE):] if url.startswith(UNTIE) and len(url) > len(UNTIE) else None


def source_ties_html(ties: list[dict]) -> str:
    """What a source is tied to by hand (``views.tie_rows`` of the source), each a link to
    the record with the reason, who tied it and when, and a link that removes the tie."""
    if not ties:
        return ""
    items = [f"{record_link(t['target_kind'], t['target_uuid'], t['target'])}"
             f" — {e(t['reason'])}, <span style='{GREY}'>by {e(t.get('examiner') or '?')}, "
             f"{e(display_time(t.get('created_utc'), seconds=False) or '')}</span> "
             f"{untie_link(t['uuid'])}" for t in ties]
    if len(items) == 1:
        return f"<p><b>Tied by hand to:</b> {items[0]}</p>"
    return "<p><b>Tied by hand to:</b></p><ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


# ----------------------------------------------------------------------------- entities


def link_items(entity_ids: set[str], links: list[dict]) -> list[str]:
    """Each link (``views.link_rows``) from this entity's side: the other end, the kind of
    link, its dates and how many citations back it."""
    items = []
    for link in links:
        word = e(link["role"] or link["schema"])
        if link["source_uuid"] in entity_ids:
            text = f"<b>{word}</b> of {record_link('entity', link['target_uuid'], link['to'])}"
        else:
            text = f"{record_link('entity', link['source_uuid'], link['from'])} is its <b>{word}</b>"
        dates = [d for d in (link["start_date"], link["end_date"]) if d]
        span = (f"{link['start_date'] or '…'} – {link['end_date'] or ''}".strip() if dates else "")
        text += (f" <span style='{GREY}'>({e(link['schema'])}" + (f", {e(span)}" if span else "")
                 + f", {counted(link['citations'], 'citation')})</span>")
        items.append(text)
    return items


def entity_html(case, detail: dict) -> str:
    """An entity as ``views.entity_detail`` shows it."""
    entity = detail["entity"]
    subtitle = f"{e(entity['schema'])} · id <code>{e(entity['id'])}</code>"
    if entity["kind"] == "aircraft":
        subtitle += (f" · an aircraft of the case, {counted(detail['flights'], 'flight')} "
                     "(see Aircraft and Flights)")
    who = _who(entity)
    subtitle += f" · {who}" if who else ""
    rows = [(property_label(p), value_text(case, entity["schema"], p, values))
            for p, values in entity["properties"].items()]
    for key, value in entity["extra"].items():
        shown = (("yes" if value else "no") if key == "address_military" else
                 ", ".join(value) if isinstance(value, list) else str(value))
        rows.append((property_label(key), shown))
    table = "".join(f"<tr><td style='{GREY};padding-right:12px' valign='top'>{e(label)}</td>"
                    f"<td>{e(value)}</td></tr>" for label, value in rows)
    out = [_heading(entity["caption"], subtitle), f"<table>{table}</table>"]
    if detail["aliases"]:
        out.append("<p><b>Merged into it</b> (these ids still lead here): "
                   + ", ".join(f"<code>{e(a)}</code>" for a in detail["aliases"]) + "</p>")
    ids = {entity["id"], *detail["aliases"]}
    out.append(_section("Links", link_items(ids, detail["links"]), "No links yet."))
    events = [f"{record_link('event', ev['uuid'], ev['title'])} <span style='{GREY}'>"
              f"({e(ev['when'])}{', the place' if ev['place_uuid'] in ids else ''})</span>"
              for ev in detail["events"]]
    out.append(_section("Events", events, "In no event yet."))
    # Links and events are listed above; ties below.
    cited = [c for c in detail["cited_by"] if c["kind"] not in ("link", "event", "source-tie")]
    out.append(_section("Cited by", cited_by_items(case, cited), "Nothing cites it yet."))
    out.append(_section("Its evidence", citation_items(detail["citations"]),
                        "No citation backs it yet."))
    out.append(_section("Sources tied to it by hand", tie_items(case, detail["ties"]),
                        "No source tied to it."))
    return "".join(out)


# ----------------------------------------------------------------------------- events


def event_html(case, event: dict) -> str:
    """An event as ``views.event_row`` shows it, with its evidence and what cites it."""
    start, end = event["start"], event["end"] or event["start"]
    subtitle = f"id <code>{e(event['uuid'])}</code> · {_who(event)}"
    when = (f"<b>{e(event['when'])}</b> <span style='{GREY}'>(known to the "
            f"{e(start['precision'])}, given in {e(start['zone'])}; in UTC "
            f"{e(display_time(start['first_utc'], seconds=False))} to "
            f"{e(display_time(end['end_utc'], seconds=False))})</span>")
    place = (record_link("entity", event["place_uuid"], event["place"]) if event["place_uuid"]
             else f"<span style='{GREY}'>not given</span>")
    involved = ", ".join(record_link("entity", uuid, name)
                         for uuid, name in zip(event["involved"], event["involved_names"]))
    out = [_heading(event["title"], subtitle),
           f"<p>When: {when}<br>Where: {place}<br>Involved: "
           f"{involved or f'<span style={GREY!r}>nobody named</span>'}</p>"]
    if event.get("description"):
        out.append(f"<p>{e(event['description'])}</p>")
    citations = [views.citation_row(case, c) for c in queries.citations_of(case, event["uuid"])]
    out.append(_section("Evidence", citation_items(citations), "No citation backs it yet."))
    cited = [r for r in queries.cited_by(case, event["uuid"]) if r["kind"] != "source-tie"]
    out.append(_section("Cited by", cited_by_items(case, cited), "Nothing cites it yet."))
    out.append(_section("Sources tied to it by hand", tie_items(case, queries.ties_of(case, event["uuid"])),
                        "No source tied to it."))
    return "".join(out)


# ----------------------------------------------------------------------------- claims


def _files_text(files: list[dict]) -> str:
    """The files (and their data providers) a flight or a stay was read from."""
    return "; ".join(f"{f.get('file') or f.get('import')} from {f.get('provider')}" for f in files)


def rests_on_items(rests_on: list[dict]) -> list[str]:
    """What a check result rests on: the flights, ground stays or coverage gaps, each with
    the files and data providers behind it."""
    items = []
    for item in rests_on:
        kind = item.get("kind")
        word = {"ground-time": "ground stay", "coverage-gap": "coverage gap"}.get(kind, kind)
        text = f"{e(word)}: {_link_or_text(kind, item.get('id'), item.get('label') or '')}"
        if item.get("files"):
            text += f"<br><span style='{GREY}'>from {e(_files_text(item['files']))}</span>"
        items.append(text)
    return items


def check_html(assertion_text: str | None, check: dict | None) -> str:
    if check is None:
        return ("<h4>Check against the tracks</h4>"
                f"<p style='{GREY}'>This claim carries no flight assertion to check.</p>")
    colour = RESULT_STYLE.get(check["result"], "#555")
    return ("<h4>Check against the tracks</h4>"
            f"<p>{e(assertion_text or '')}: "
            f"<b style='color:{colour}'>{e(check_words(check['result']).upper())}</b></p>"
            f"<p>{e(check['reason'])}</p>"
            + _section("It rests on", rests_on_items(check["rests_on"]),
                       "Nothing in the case: no flight data for that time."))


def _group_name(case, key: str) -> str:
    """What a group of citations counted as one source is: a web site, a data provider, a
    source of the case (a file: its title), an evidence file."""
    kind, _, rest = key.partition(" ")
    if kind == "source" and rest:
        return views.record_label(case, "source", rest)
    return key


def corroboration_html(case, corroboration: dict) -> str:
    """Each citation with its stance, quote and the source's Admiralty grade, then how many
    independent sources support the claim and how they were counted."""
    citations = corroboration["citations"]
    if not citations:
        return (f"<h4>Evidence</h4><p style='{GREY}'>No evidence cited yet: select a passage in a "
                "source's text, or a flight, and cite it in this claim.</p>")
    rows = [f"<tr><td valign='top'>{_stance(c['stance'])}</td>"
            f"<td valign='top'>{_link_or_text(c['kind'], c['id'], c['label'])}"
            f"{_quote(c.get('quote'))}{_note(c.get('note'))}</td>"
            f"<td valign='top' align='center'>{e(c.get('grade') or '—')}</td></tr>"
            for c in citations]
    header = "<tr><th align='left'>Stance</th><th align='left'>Evidence</th><th>Grade</th></tr>"
    groups = [f"{e(_group_name(case, g['key']))} "
              f"<span style='{GREY}'>({counted(len(g['citations']), 'citation')})</span>"
              for g in corroboration["groups"]]
    count, against = corroboration["independent_sources"], corroboration["contradicting"]
    title = f"Evidence: {count} independent source{'s support' if count != 1 else ' supports'} it"
    if against:
        title += f", {against} citation{'s contradict' if against != 1 else ' contradicts'} it"
    return (f"<h4>{e(title)}</h4><table cellpadding='3'>{header}{''.join(rows)}</table>"
            + _section("Counted once each (captures of one site, files of one data provider)",
                       groups, "No supporting evidence from a source or a flight file yet."))


def claim_html(case, detail: dict) -> str:
    """A claim as ``views.claim_detail`` shows it: the corroboration view and the check."""
    claim = detail["claim"]
    subtitle = (f"status <b>{e(claim['status'])}</b> · confidence "
                f"<b>{e(claim.get('confidence') or 'not given')}</b> · id "
                f"<code>{e(claim['uuid'])}</code> · {_who(claim)}")
    return (_heading(claim["text"], subtitle) + corroboration_html(case, detail["corroboration"])
            + check_html(detail["assertion_text"], detail["check"])
            + _section("Cited by", cited_by_items(case, detail["cited_by"]),
                       "Nothing cites this claim."))
