"""The detail panes of the findings pages as HTML: an entity with its properties, aliases,
links, events, what cites it and the sources tied to it; an event with its dates, place,
parties and evidence; a claim's corroboration view and its check against the tracks.

Every record named is a link ``record:KIND/ID``; the page turns a click into a jump.
"""

from __future__ import annotations

import html

from ...findings import queries
from ...timefmt import PartialTime, display_time
from .models import check_words, property_label, value_text, when_text

e = html.escape
GREY = "color:#555"
STANCE_STYLE = {"supports": ("#1b7f3b", "supports"), "contradicts": ("#b00020", "contradicts")}
RESULT_STYLE = {"supported": "#1b7f3b", "contradicted": "#b00020", "not_covered": "#8a5a00"}
ANCHOR = "record:"


def record_link(kind: str, uuid: str, text: str) -> str:
    return f"<a href='{ANCHOR}{e(kind)}/{e(uuid)}'>{e(text)}</a>"


def parse_anchor(url: str) -> tuple[str, str] | None:
    """(kind, id) of a ``record:KIND/ID`` link; None for anything else."""
    if not url.startswith(ANCHOR) or "/" not in url:
        return None
    kind, _, uuid = url[len(ANCHOR):].partition("/")
    return kind, uuid


def _labelled(case, kind: str, uuid: str) -> str:
    return record_link(kind, uuid, queries.record_label(case, kind, uuid))


def _section(title: str, items: list[str], empty: str) -> str:
    if not items:
        return f"<p><b>{e(title)}</b><br><span style='{GREY}'>{e(empty)}</span></p>"
    return f"<p><b>{e(title)}</b></p><ul>{''.join(f'<li>{i}</li>' for i in items)}</ul>"


def _stance(stance: str) -> str:
    colour, word = STANCE_STYLE.get(stance, ("#555", stance))
    return f"<b style='color:{colour}'>{e(word)}</b>"


def _quote(quote: str | None) -> str:
    return f"<br><i>“{e(quote)}”</i>" if quote else ""


def _who(row: dict) -> str:
    when = display_time(row.get("created_utc"), seconds=False)
    return f"added {e(when)} by {e(row.get('examiner') or '?')}" if when else ""


def citation_items(case, citations: list[dict]) -> list[str]:
    """One line per citation: its stance, what it cites and the quoted passage."""
    return [f"{_stance(c['stance'])} {_labelled(case, c['target_kind'], c['target_uuid'])}"
            + _quote(c.get("quote"))
            + (f"<br><span style='{GREY}'>{e(c['note'])}</span>" if c.get("note") else "")
            for c in citations]


def cited_by_items(case, rows: list[dict]) -> list[str]:
    return [f"{e(r['kind'])} {_labelled(case, r['kind'], r['uuid'])} "
            f"<span style='{GREY}'>({e(r['how'])})</span>" for r in rows]


def tie_items(case, ties: list[dict]) -> list[str]:
    return [f"{_labelled(case, 'source', t['source_uuid'])} "
            f"<span style='{GREY}'>— {e(t['reason'])} ({_who(t)})</span>" for t in ties]


def _heading(title: str, subtitle: str) -> str:
    return f"<h3 style='margin-bottom:2px'>{e(title)}</h3><p style='{GREY};margin-top:0'>{subtitle}</p>"


# ----------------------------------------------------------------------------- entities


def link_items(case, entity_id: str, links: list[dict]) -> list[str]:
    """Each link from this entity's side: the other end, the kind of link, its dates."""
    own = {entity_id, *queries.aliases_of(case, entity_id)}
    items = []
    for link in links:
        word = link["role"] or link["schema"]
        source = _labelled(case, "entity", link["source_uuid"])
        target = _labelled(case, "entity", link["target_uuid"])
        if link["source_uuid"] in own:
            text = f"<b>{e(word)}</b> of {target}"
        else:
            text = f"{source} is its <b>{e(word)}</b>"
        dates = " – ".join(d for d in (link["start_date"] or "…", link["end_date"] or "")
                           if d) if link["start_date"] or link["end_date"] else ""
        cited = len(queries.citations_of(case, link["uuid"]))
        text += f" <span style='{GREY}'>({e(link['schema'])}"
        text += f", {e(dates)}" if dates else ""
        text += f", {cited} citation(s))</span>"
        items.append(text)
    return items


def entity_html(case, entity: queries.Entity) -> str:
    subtitle = f"{e(entity.schema)} · id <code>{e(entity.id)}</code>"
    if entity.kind == "aircraft":
        subtitle += " · an aircraft of the case (see Aircraft and Flights)"
    who = _who({"created_utc": entity.created_utc, "examiner": entity.examiner})
    subtitle += f" · {who}" if who else ""
    rows = [(property_label(prop), value_text(case, entity.schema, prop, values), prop)
            for prop, values in entity.properties.items()]
    rows += [(property_label(k), ("yes" if v else "no") if k == "address_military" else str(v), k)
             for k, v in entity.extra.items()]
    table = "".join(f"<tr><td style='{GREY};padding-right:12px' valign='top'>{e(label)}</td>"
                    f"<td>{e(value)}</td></tr>" for label, value, _ in rows)
    aliases = queries.aliases_of(case, entity.id)
    out = [_heading(entity.caption, subtitle), f"<table>{table}</table>"]
    if aliases:
        out.append(f"<p><b>Merged into it</b> (these ids still lead here): "
                   f"{', '.join(f'<code>{e(a)}</code>' for a in aliases)}</p>")
    out.append(_section("Links", link_items(case, entity.id, queries.links(case, entity.id)),
                        "No links yet."))
    events = [f"{record_link('event', ev['uuid'], ev['title'])} "
              f"<span style='{GREY}'>({e(when_text(ev['start_text'], ev['end_text'], ev['zone']))}"
              f"{', the place' if ev['place_uuid'] in {entity.id, *aliases} else ''})</span>"
              for ev in queries.events_of(case, entity.id)]
    out.append(_section("Events", events, "In no event yet."))
    cited = [r for r in queries.cited_by(case, entity.id) if r["kind"] not in ("link", "event",
                                                                                "source-tie")]
    out.append(_section("Cited by", cited_by_items(case, cited), "Nothing cites it yet."))
    out.append(_section("Its evidence", citation_items(case, queries.citations_of(case, entity.id)),
                        "No citation backs it yet."))
    out.append(_section("Sources tied to it by hand", tie_items(case, queries.ties_of(case, entity.id)),
                        "No source tied to it."))
    return "".join(out)


# ----------------------------------------------------------------------------- events


def event_html(case, event: dict) -> str:
    start = PartialTime(event["start_text"], event["zone"])
    first, _ = start.span_utc()
    end_utc = PartialTime(event["end_text"], event["zone"]).span_utc()[1] if event["end_text"] \
        else start.span_utc()[1]
    subtitle = f"id <code>{e(event['uuid'])}</code> · {_who(event)}"
    when = (f"<b>{e(when_text(event['start_text'], event['end_text'], event['zone']))}</b> "
            f"<span style='{GREY}'>(known to the {e(start.precision)}, given in {e(event['zone'])}; "
            f"in UTC {e(display_time(first, seconds=False))} to "
            f"{e(display_time(end_utc, seconds=False))})</span>")
    place = (_labelled(case, "entity", event["place_uuid"]) if event["place_uuid"]
             else f"<span style='{GREY}'>not given</span>")
    involved = ", ".join(_labelled(case, "entity", uuid) for uuid in event["involved"]) or \
        f"<span style='{GREY}'>nobody named</span>"
    out = [_heading(event["title"], subtitle),
           f"<p>When: {when}<br>Where: {place}<br>Involved: {involved}</p>"]
    if event.get("description"):
        out.append(f"<p>{e(event['description'])}</p>")
    out.append(_section("Evidence", citation_items(case, queries.citations_of(case, event["uuid"])),
                        "No citation backs it yet."))
    cited = [r for r in queries.cited_by(case, event["uuid"]) if r["kind"] != "source-tie"]
    out.append(_section("Cited by", cited_by_items(case, cited), "Nothing cites it yet."))
    out.append(_section("Sources tied to it by hand", tie_items(case, queries.ties_of(case, event["uuid"])),
                        "No source tied to it."))
    return "".join(out)


# ----------------------------------------------------------------------------- claims


def _when(value: str) -> str:
    return display_time(value, seconds=False)


def assertion_text(case, assertion: dict) -> str:
    """A flight assertion in words: ``RA-86496 flew UUWW → ZKPY on 2023-09-19``."""
    plane = queries.get_entity(case, assertion.get("aircraft", ""))
    name = plane.caption if plane else assertion.get("aircraft", "?")
    check = assertion.get("check")
    window = assertion.get("between") or []
    span = f"between {_when(window[0])} and {_when(window[1])}" if len(window) == 2 else ""
    if check == "flew":
        when = f"on {assertion['date']}" if assertion.get("date") else span
        if assertion.get("date") and assertion.get("zone") not in (None, "UTC"):
            when += f" ({assertion['zone']})"
        return f"{name} flew {assertion.get('from')} → {assertion.get('to')} {when}"
    if check == "on-ground":
        return f"{name} was on the ground at {assertion.get('at')} {span}"
    if check == "airborne":
        return f"{name} was in the air at {_when(assertion.get('time'))}"
    return str(assertion)


def _files_text(files: list[dict]) -> str:
    """The files (and their data providers) a flight or a stay was read from."""
    return "; ".join(f"{f.get('file') or f.get('import')} from {f.get('provider')}" for f in files)


def rests_on_items(case, rests_on: list[dict]) -> list[str]:
    """What a check result rests on: the flights, ground stays or coverage gaps, each with
    the files and data providers behind it."""
    items = []
    for item in rests_on:
        kind, uuid, label = item.get("kind"), item.get("id"), item.get("label") or ""
        text = record_link(kind, uuid, label) if kind in queries.TARGET_TABLES and uuid else e(label)
        word = {"ground-time": "ground stay", "coverage-gap": "coverage gap"}.get(kind, kind)
        text = f"{e(word)}: {text}"
        if item.get("files"):
            text += f"<br><span style='{GREY}'>from {e(_files_text(item['files']))}</span>"
        items.append(text)
    return items


def check_html(case, claim: dict, result) -> str:
    if not claim.get("assertion"):
        return ("<h4>Check against the tracks</h4>"
                f"<p style='{GREY}'>This claim carries no flight assertion to check.</p>")
    colour = RESULT_STYLE.get(result.result, "#555")
    return ("<h4>Check against the tracks</h4>"
            f"<p>{e(assertion_text(case, claim['assertion']))}: "
            f"<b style='color:{colour}'>{e(check_words(result).upper())}</b></p>"
            f"<p>{e(result.reason)}</p>"
            + _section("It rests on", rests_on_items(case, result.rests_on),
                       "Nothing in the case: no flight data for that time."))


def _group_name(case, key: str) -> str:
    """What a group of citations counted as one source is: a web site, a data provider, a
    source of the case (a file: its name), an evidence file."""
    kind, _, rest = key.partition(" ")
    if kind == "source" and rest:
        return f"source {queries.record_label(case, 'source', rest)}"
    return key


def corroboration_html(case, corroboration: dict) -> str:
    """Each citation with its stance, quote and the source's Admiralty grade, then how many
    independent sources support the claim and how they were counted."""
    citations = corroboration.get("citations") or []
    count = corroboration.get("independent_sources", 0)
    if not citations:
        return (f"<h4>Evidence</h4><p style='{GREY}'>No evidence cited yet: select a passage in a "
                "source's text, or a flight, and cite it in this claim.</p>")
    rows = []
    for c in citations:
        what = record_link(c["kind"], c["id"], c["label"]) if c["kind"] in queries.TARGET_TABLES \
            else e(c["label"])
        note = f"<br><span style='{GREY}'>{e(c['note'])}</span>" if c.get("note") else ""
        rows.append(f"<tr><td valign='top'>{_stance(c['stance'])}</td>"
                    f"<td valign='top'>{what}{_quote(c.get('quote'))}{note}</td>"
                    f"<td valign='top' align='center'>{e(c.get('grade') or '—')}</td></tr>")
    header = ("<tr><th align='left'>Stance</th><th align='left'>Evidence</th>"
              "<th>Grade</th></tr>")
    groups = [f"{e(_group_name(case, g['key']))} "
              f"<span style='{GREY}'>({len(g['citations'])} citation(s))</span>"
              for g in corroboration.get("groups") or []]
    against = corroboration.get("contradicting") or 0
    title = (f"Evidence: {count} independent source{'s support' if count != 1 else ' supports'} "
             "it")
    if against:
        title += f", {against} citation{'s contradict' if against != 1 else ' contradicts'} it"
    return (f"<h4>{e(title)}</h4><table cellpadding='3'>{header}{''.join(rows)}</table>"
            + _section("Counted once each (captures of one site, files of one data provider)",
                       groups, "No supporting evidence from a source or a flight file yet."))


def claim_html(case, claim: dict, corroboration: dict, result) -> str:
    subtitle = (f"status <b>{e(claim['status'])}</b> · confidence "
                f"<b>{e(claim.get('confidence') or 'not given')}</b> · id <code>{e(claim['uuid'])}</code>"
                f" · {_who(claim)}")
    cited = [r for r in queries.cited_by(case, claim["uuid"])]
    return (_heading(claim["text"], subtitle) + corroboration_html(case, corroboration)
            + check_html(case, claim, result)
            + _section("Cited by", cited_by_items(case, cited), "Nothing cites this claim."))
