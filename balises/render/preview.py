"""Readable previews of a policy without Word: the document model as HTML, and the decision
trace (which sections and clauses, and why) as HTML. Pure functions; no python-docx, no Streamlit.

The HTML is self-contained (no remote font, image or script) and escapes every text from the document.
"""

from __future__ import annotations

import datetime as dt
import html
import re

from balises.contract.profile import Profile
from balises.engine.compose import build_trace, decisions_for, plan_sections, section_numbers
from balises.engine.decisions import DecisionToTake, decision_table
from balises.engine.document import (
    Heading,
    ListBlock,
    Paragraph,
    PolicyDocument,
    Run,
    Table,
    TraceEntry,
    heading_text,
)
from balises.engine.facts import locale_for
from balises.engine.pack import Pack
from balises.engine.templating import format_date

# ---------------------------------------------------------------- decision trace without rendering

def decision_trace(profile: Profile, pack: Pack, lang: str, as_of: dt.date | None = None) -> list[TraceEntry]:
    """The clauses a policy would contain and why, without rendering templates (fast: for live previews)."""
    as_of = as_of or dt.date.today()
    locale = locale_for(lang, profile.organisation.jurisdiction)
    _, decisions = decisions_for(profile, pack, as_of, locale)
    # the policy's own plan (its sections at its length), as compose() numbers and filters them
    plan = plan_sections(pack, decisions, "full", profile.policy.length)
    in_policy = {c for _, chosen in plan for c, _ in chosen}
    trace = build_trace(pack, decisions, lang, locale, section_numbers([sdef for sdef, _ in plan]),
                        profile.organisation.jurisdiction)
    return [t for t in trace if t.clause in in_policy]


def decisions_to_take(profile: Profile, pack: Pack, as_of: dt.date | None = None) -> list[DecisionToTake]:
    """The decision table's "decisions to take" for these answers (conflicts the policy cannot settle)."""
    as_of = as_of or dt.date.today()
    facts, _ = decisions_for(profile, pack, as_of, locale_for("fr", profile.organisation.jurisdiction))
    return list(decision_table(profile, facts, pack.decisions, as_of).to_take)


def trace_html(trace: list[TraceEntry], lang: str, pack: Pack | None = None) -> str:
    """Sections, then the reasons of their clauses in plain words (no ids shown), as collapsible HTML.

    Clauses whose reason reads the same are said once: the reader sees each reason a single time."""
    esc = html.escape
    parts = ['<div class="balises-trace">', _TRACE_STYLE]
    current = None
    said: set[str] = set()
    for entry in trace:
        if entry.section != current:
            if current is not None:
                parts.append("</ul></details>")
            current = entry.section
            said = set()
            count = sum(1 for e in trace if e.section == entry.section)
            parts.append(f'<details data-section="{esc(entry.section)}"><summary>'
                         f'{esc(heading_text(entry.section_number, entry.section_title))}'
                         f' <span class="n">({count})</span></summary><ul>')
        why = " ".join(w for w in entry.why if w)
        if why in said:
            parts.append(f'<li data-clause="{esc(entry.clause)}" hidden></li>')
            continue
        said.add(why)
        parts.append(f'<li data-clause="{esc(entry.clause)}">{esc(why)}</li>')
    if current is not None:
        parts.append("</ul></details>")
    parts.append("</div>")
    return "".join(parts)


def _gist(why: list[str]) -> str:
    """The head of a reason, up to its colon: "L'organisation publie de l'information"."""
    text = " ".join(w for w in why if w)
    head = re.split(r"\s?:\s", text, maxsplit=1)[0].rstrip(" .")
    return head if len(head) <= 90 else head[:88].rsplit(" ", 1)[0] + "…"


def option_effects(profile: Profile, pack: Pack, lang: str, path: str, options: list[str],
                   as_of: dt.date | None = None) -> dict[str, list[str]]:
    """For each option of a list question (``uses.public``…), the titles of the sections that gain clauses
    when the option is chosen, everything else as answered. Options that add nothing are left out."""
    as_of = as_of or dt.date.today()
    section, attr = path.split(".")
    current = list(getattr(getattr(profile, section), attr))

    def clauses(values: list[str]) -> dict[str, str]:
        variant = profile.model_copy(update={section: getattr(profile, section).model_copy(update={attr: values})})
        return {e.clause: f"« {e.section_title} » ({_gist(e.why)})" if lang == "fr" else
                f"“{e.section_title}” ({_gist(e.why)})" for e in decision_trace(variant, pack, lang, as_of)}

    base = clauses(current)
    out: dict[str, list[str]] = {}
    for option in options:
        if option in current:
            without = clauses([x for x in current if x != option])
            added = {c: t for c, t in base.items() if c not in without}
        else:
            added = {c: t for c, t in clauses(current + [option]).items() if c not in base}
        if added:
            out[option] = list(dict.fromkeys(added.values()))
    return out


_TRACE_STYLE = """<style>
.balises-trace details{border-bottom:1px solid rgba(128,128,128,.25);padding:.25rem 0}
.balises-trace summary{cursor:pointer;font-weight:600}
.balises-trace .n{font-weight:400;opacity:.7}
.balises-trace ul{margin:.25rem 0 .5rem 1rem;padding:0}
.balises-trace li{margin:.35rem 0;font-size:.9rem;line-height:1.35}
</style>"""


def _meta_lines(doc: PolicyDocument) -> list[str]:
    m = doc.meta
    fr = m.lang == "fr"
    lines = [f"{'Version' if fr else 'Version'} {m.version} · "
             f"{'en vigueur le' if fr else 'effective'} {format_date(m.effective_date, m.locale)}",
             f"{'Adoptée par' if fr else 'Adopted by'} : {m.approved_by}" if fr else f"Adopted by: {m.approved_by}"]
    return lines


# ---------------------------------------------------------------- document → HTML

def _html_runs(runs: list[Run]) -> str:
    out = []
    for run in runs:
        piece = html.escape(run.text)
        if run.bold:
            piece = f"<strong>{piece}</strong>"
        if run.italic:
            piece = f"<em>{piece}</em>"
        if run.link and run.link.startswith(("https://", "http://", "mailto:")):
            piece = f'<a href="{html.escape(run.link, quote=True)}" rel="noopener noreferrer">{piece}</a>'
        out.append(("<br>" if run.line_break else "") + piece)
    return "".join(out)


def _html_list(block: ListBlock) -> str:
    tag = "ol" if block.ordered else "ul"
    items = []
    for item in block.items:
        children = "".join(_html_list(c) for c in item.children)
        items.append(f"<li>{_html_runs(item.runs)}{children}</li>")
    return f"<{tag}>{''.join(items)}</{tag}>"


def to_html(doc: PolicyDocument) -> str:
    """The whole policy as an HTML fragment with its own small stylesheet."""
    lang = doc.meta.lang
    esc = html.escape
    parts = [f'<article class="balises-preview" lang="{esc(lang)}">', _DOC_STYLE,
             f"<h1>{esc(doc.meta.title)}</h1>", f'<p class="subtitle">{esc(doc.meta.subtitle)}</p>']
    parts += [f'<p class="meta">{esc(line)}</p>' for line in _meta_lines(doc)]
    for section in doc.sections:
        parts.append(f'<section data-section="{esc(section.id)}">'
                     f"<h2>{esc(heading_text(section.number, section.title))}</h2>")
        sub = 0
        for clause in section.clauses:
            parts.append(f'<div class="clause" data-clause="{esc(clause.id)}">')
            for block in clause.blocks:
                if isinstance(block, Heading):
                    if block.level <= 2:
                        sub += 1
                        parts.append(f"<h3>{esc(section.number)}.{sub} {_html_runs(block.runs)}</h3>")
                    else:
                        parts.append(f"<h4>{_html_runs(block.runs)}</h4>")
                elif isinstance(block, Paragraph):
                    css = f' class="{block.style}"' if block.style != "body" else ""
                    parts.append(f"<p{css}>{_html_runs(block.runs)}</p>")
                elif isinstance(block, ListBlock):
                    parts.append(_html_list(block))
                elif isinstance(block, Table):
                    head = "".join(f"<th>{_html_runs(c)}</th>" for c in block.header)
                    rows = "".join("<tr>" + "".join(f"<td>{_html_runs(c)}</td>" for c in row) + "</tr>"
                                   for row in block.rows)
                    parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
            parts.append("</div>")
        parts.append("</section>")
    parts.append("</article>")
    return "".join(parts)


_DOC_STYLE = """<style>
.balises-preview{font-size:.95rem;line-height:1.5;max-width:48rem}
.balises-preview h1{font-size:1.5rem;margin:.2rem 0}
.balises-preview h2{font-size:1.2rem;margin:1.4rem 0 .4rem;padding-top:.6rem;border-top:1px solid rgba(128,128,128,.3)}
.balises-preview h3{font-size:1.02rem;margin:.9rem 0 .3rem}
.balises-preview h4{font-size:.95rem;margin:.7rem 0 .2rem}
.balises-preview .subtitle{font-size:1.1rem;font-weight:600;margin:0}
.balises-preview .meta{opacity:.75;margin:.1rem 0;font-size:.88rem}
.balises-preview p.note,.balises-preview p.quote{border-left:3px solid rgba(128,128,128,.5);padding-left:.7rem;opacity:.9}
.balises-preview table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}
.balises-preview th,.balises-preview td{border:1px solid rgba(128,128,128,.4);padding:.25rem .45rem;vertical-align:top}
</style>"""
