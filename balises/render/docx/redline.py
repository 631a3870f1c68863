"""Word tracked changes and comments: carries out a merge plan (:mod:`balises.render.merge`) in the
organisation's own Word file.

The output is the adopted document itself, so that everything around the text stays as the organisation
has it: its styles and lists, comments, footnotes and endnotes, headers and footers, images, page setup,
clause order, and its colleagues' pending revisions (still revisions, by their authors). Into it go
Balises' changes as tracked revisions (``w:ins`` / ``w:del``, author "Balises"): its new paragraphs carried
over from the new policy (:mod:`balises.render.docx.carry`), a reworded sentence as word changes, a
comment giving the reason. Where both changed a passage, both versions stay, marked as a conflict (a
comment and a highlight) that the next update recognises until someone settles it. Accepting every
revision gives the new text; rejecting every one gives back the adopted text. The embedded data becomes the
new policy's, the version in the footer and the document's properties follow.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from dataclasses import dataclass, field

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from balises.render.docx.carry import Carrier
from balises.render.docx.reading import (
    AUTHOR,
    CONFLICT_HEADINGS,
    OpenConflict,
    body_of,
    open_conflicts,
    pending_authors,
    resolve,
    resolved_texts,
    revision_count,
)
from balises.render.docx.revisions import (
    REV,
    TOKENS,
    Revisions,
    inside,
    replace,
    run_of,
    table_changes,
    table_merge,
    word_changes,
)
from balises.render.docx.units import (
    BOOKMARK_PREFIX,
    STATEMENT_PREFIX,
    W,
    body_units,
    element_text,
    first_last_paragraph,
    mark_range,
)
from balises.render.embedding import CUSTOM_XML_PART, NAMESPACE
from balises.render.merge import MergePlan

# ---------------------------------------------------------------- carrying out the plan

PAIR_TRIALS = 10_000  # similarity trials of one run of deletions and insertions, beyond a few per paragraph

@dataclass
class Out:
    """One element of the output for one clause: the organisation's (in place) or Balises' (carried)."""

    element: object
    kind: str | None = None  # "ins" / "del": the revision it gets
    placed: bool = False  # already in the document
    new_index: int | None = None  # the unit of the new policy it stands for
    conflict: bool = False
    keep_notes: bool = False
    highlighted: bool = False  # its conflict already marked (the rows of a table)


@dataclass
class Applied:
    docx: bytes
    notes: list[tuple[str, str]] = field(default_factory=list)  # what could not be done as asked (fr, en)


def _style_name(document, p) -> str | None:
    ps = p.find(qn("w:pPr") + "/" + qn("w:pStyle")) if p.tag == qn("w:p") else None
    if ps is None:
        return None
    style = document.styles.element.find(f"{qn('w:style')}[@{qn('w:styleId')}='{ps.get(qn('w:val'))}']")
    return style.find(qn("w:name")).get(qn("w:val")).casefold() if style is not None and style.find(
        qn("w:name")) is not None else None


def _similar(a: str, b: str, revisions: Revisions) -> bool:
    ta, tb = TOKENS.findall(a), TOKENS.findall(b)
    matcher = revisions.compare(ta, tb) if ta and tb else None
    return matcher is not None and matcher.ratio() >= 0.6


def _pairs(olds: list[Out], news: list[Out], revisions: Revisions) -> list[tuple[int, int]]:
    """Which deleted paragraph each new one rewrites: in order, as many as there are when the counts are
    the same; else those whose words are close enough, looked for in order. The comparisons tried are
    bounded by the run's length (a few per paragraph): on a long run of repeated paragraphs (an attack),
    the search stops and what is left is deleted and inserted whole, as it is when nothing is similar."""
    if len(olds) == len(news):
        return [(k, k) for k in range(len(olds))]
    pairs, start = [], 0
    trials = PAIR_TRIALS + 4 * (len(olds) + len(news))
    old_texts = [element_text(o.element) for o in olds]
    for n, new in enumerate(news):
        text = element_text(new.element)
        for o in range(start, len(olds)):
            trials -= 1
            if trials < 0:
                return pairs
            if olds[o].element.tag == new.element.tag and _similar(old_texts[o], text, revisions):
                pairs.append((o, n))
                start = o + 1
                break
    return pairs


def _combine(outs: list[Out], revisions: Revisions, carrier: Carrier, document, known_styles: set[str]
             ) -> tuple[list[Out], dict[int, Out]]:
    """Each run of the organisation's paragraphs Balises deletes, followed by the new ones that replace
    them, changed in place where they pair up: a reworded paragraph word by word, a table row by row, the
    contents remade; the others deleted and inserted (a new paragraph in the organisation's own style, when
    it had one). Also returns what became of each paired element (by id)."""
    out: list[Out] = []
    moved: dict[int, Out] = {}
    i = 0
    while i < len(outs):
        if outs[i].kind == "del" and outs[i].placed:
            j = i
            while j < len(outs) and outs[j].kind == "del" and outs[j].placed:
                j += 1
            k = j
            while k < len(outs) and outs[k].kind == "ins" and not outs[k].placed:
                k += 1
            olds, news = outs[i:j], outs[j:k]
            pairs = _pairs(olds, news, revisions)
            if pairs:
                done_old = done_new = 0
                for o, n in pairs:
                    for d in olds[done_old:o]:
                        d.keep_notes = bool(news)
                    out += olds[done_old:o] + news[done_new:n]
                    done_old, done_new = o + 1, n + 1
                    old, new = olds[o], news[n]
                    merged = None
                    if old.element.tag == qn("w:sdt") and new.element.tag == qn("w:sdt"):
                        merged = new.element  # the table of contents: made anew (Word updates it)
                        replace(old.element, merged)
                    if merged is None:
                        merged = word_changes(old.element, new.element, revisions)
                        if merged is not None:
                            replace(old.element, merged)
                    if merged is None:
                        merged = table_changes(old.element, new.source, revisions, carrier.element) if isinstance(
                            new, _CarriedOut) else None
                    if merged is None:
                        name = _style_name(document, old.element)
                        if name and name not in known_styles and new.element.tag == qn("w:p") == old.element.tag:
                            _keep_paragraph_look(old.element, new.element)
                        old.keep_notes = True
                        out += [old, new]
                    else:
                        out.append(Out(merged, None, True, new.new_index, old.conflict or new.conflict))
                        moved[id(old)] = moved[id(new)] = out[-1]
                for d in olds[done_old:]:
                    d.keep_notes = bool(news)
                out += olds[done_old:] + news[done_new:]
                i = k
                continue
            for o in outs[i:j]:
                o.keep_notes = k > j
            out += outs[i:k]
            i = k
            continue
        out.append(outs[i])
        i += 1
    return out, moved


@dataclass
class _CarriedOut(Out):
    source: object = None  # the new policy's element it was carried from


def _keep_paragraph_look(old_p, new_p) -> None:
    """The new paragraph takes the organisation's paragraph properties (its own style, indents)."""
    ppr = old_p.find(qn("w:pPr"))
    if ppr is None:
        return
    ppr = copy.deepcopy(ppr)
    for tag in ("w:rPr", "w:sectPr", "w:pPrChange"):
        for child in ppr.findall(qn(tag)):
            ppr.remove(child)
    old = new_p.find(qn("w:pPr"))
    if old is not None:
        new_p.remove(old)
    new_p.insert(0, ppr)


def _place_around(outs: list[Out]) -> None:
    """New elements of a clause that has some of the organisation's: each after the element before it."""
    prev = None
    for k, out in enumerate(outs):
        if out.placed:
            prev = out.element
            continue
        if prev is not None:
            prev.addnext(out.element)
        else:
            nxt = next(o.element for o in outs[k + 1:] if o.placed)
            nxt.addprevious(out.element)
        out.placed = True
        prev = out.element


def _bookmark(first, last, name: str, ident: int) -> None:
    mark_range(first, last, "bookmark", ident, name)


def _strip_bookmarks(root) -> None:
    """Balises' clause and statement bookmarks of the organisation's document (clauses are marked anew)."""
    ids = set()
    for b in list(root.iter(qn("w:bookmarkStart"))):
        if (b.get(qn("w:name")) or "").startswith((BOOKMARK_PREFIX, STATEMENT_PREFIX)):
            ids.add(b.get(qn("w:id")))
            b.getparent().remove(b)
    for b in list(root.iter(qn("w:bookmarkEnd"))):
        if b.get(qn("w:id")) in ids:
            b.getparent().remove(b)


def _max_id(document) -> int:
    top = 0
    for el in document.element.body.iter():
        value = el.get(qn("w:id"))
        if value and value.lstrip("-").isdigit():
            top = max(top, int(value))
    return top


def _comment(document, first, last, lines: list[str], revisions: Revisions, tracked: str | None) -> None:
    """A comment by Balises from the start of ``first`` to the end of ``last``; its reference inside a
    revision of kind ``tracked`` (so that it goes with its text when the revision is resolved)."""
    _, q = first_last_paragraph(last)
    if first_last_paragraph(first)[0] is None or q is None:
        return
    comment = document.comments.add_comment(text="\n".join(lines), author=revisions.author, initials="B")
    comment._comment_elm.date = revisions.when
    ident = str(comment.comment_id)
    mark_range(first, last, "commentRange", ident)
    ref = OxmlElement("w:r")
    mark = OxmlElement("w:commentReference")
    mark.set(qn("w:id"), ident)
    ref.append(mark)
    if tracked:
        wrapper = revisions.mark_element(tracked)
        wrapper.append(ref)
        q.append(wrapper)
    else:
        q.append(ref)


def _continue_lists(outs: list[Out], document) -> None:
    """A list item Balises adds next to one of the organisation's items of the same style takes that list's
    numbering (it continues the organisation's a), b), c)… instead of starting a list of its own)."""
    for out in outs:
        el = out.element
        if out.kind != "ins" or el.tag != qn("w:p"):
            continue
        num_pr = el.find(qn("w:pPr") + "/" + qn("w:numPr"))
        if num_pr is None or num_pr.find(qn("w:numId")) is None:
            continue
        for near in (el.getprevious(), el.getnext()):
            if near is None or near.tag != qn("w:p") or _style_name(document, near) != _style_name(document, el):
                continue
            theirs = near.find(qn("w:pPr") + "/" + qn("w:numPr"))
            if theirs is not None and theirs.find(qn("w:numId")) is not None:
                num_pr.find(qn("w:numId")).set(qn("w:val"), theirs.find(qn("w:numId")).get(qn("w:val")))
                break


def apply_plan(ours_docx: bytes, new_docx: bytes, new_labels: list[str], plan: MergePlan,
               comments: dict[str, list[str]], bookmark_names: dict[str, str], when: dt.datetime,
               author: str = AUTHOR, payload: bytes | None = None, versions: tuple[str, str] | None = None,
               properties: dict | None = None) -> Applied:
    """The organisation's document (``ours_docx``) with the plan carried out: Balises' new paragraphs from
    ``new_docx`` where the plan puts them, tracked; comments (``comments``: the lines of each clause's);
    the clause bookmarks of the new payload (``bookmark_names``); the embedded data replaced by ``payload``;
    "version OLD" → "version NEW" in the headers and footers (``versions``); the core ``properties``."""
    document = docx.Document(io.BytesIO(ours_docx))
    body = document.element.body
    ours_units = body_units(body)
    source = docx.Document(io.BytesIO(new_docx))
    new_units = body_units(source.element.body)
    carrier = Carrier(document, source)
    known_styles = {(s.find(qn("w:name")).get(qn("w:val")) or "").casefold()
                    for s in source.styles.element.findall(qn("w:style")) if s.find(qn("w:name")) is not None}
    revisions = Revisions(author, when, max(_max_id(document) + 1, 5000))
    applied = Applied(b"")
    _strip_bookmarks(body)

    merges = [m for m in [*plan.clauses, *plan.blocks, plan.frame] if m is not None]
    results: dict[int, list[Out]] = {}
    targets: dict[int, Out | None] = {}
    new_out: dict[int, object] = {}
    for merged in merges:
        outs: list[Out] = []
        for piece in merged.pieces:
            if piece.source == "ours" and piece.rows_from is not None:
                el = ours_units[piece.index].element
                merged_rows = table_merge(el, piece.base or "", new_units[piece.rows_from].element, revisions,
                                          carrier.element)
                if merged_rows is None:  # not the same columns: both tables, side by side
                    outs.append(Out(el, None, True, None, True))
                    outs.append(_CarriedOut(carrier.element(new_units[piece.rows_from].element), "ins", False,
                                            piece.rows_from, True, source=new_units[piece.rows_from].element))
                else:
                    outs.append(Out(el, None, True, piece.rows_from, merged_rows, highlighted=True))
            elif piece.source == "ours":
                outs.append(Out(ours_units[piece.index].element, piece.revision, True, piece.new_index,
                                piece.conflict))
            else:
                el = new_units[piece.index].element
                outs.append(_CarriedOut(carrier.element(el), piece.revision, False, piece.index, piece.conflict,
                                        source=el))
        target = outs[merged.comment_at] if merged.comment_at is not None and merged.comment_at < len(outs) else None
        outs, moved = _combine(outs, revisions, carrier, document, known_styles)
        if target is not None:  # paired into a word change: the changed paragraph carries the comment
            target = moved.get(id(target), target)
        if merged is not plan.frame and any(o.placed for o in outs):
            _place_around(outs)
        results[id(merged)] = outs
        targets[id(merged)] = target
        for o in outs:
            if o.new_index is not None and o.placed:
                new_out[o.new_index] = o.element

    # what has nothing of the organisation's to sit by (a clause or section heading Balises adds): after the
    # element that stands for the unit before it in the new policy
    clause_end = {m.clause: results[id(m)][-1].element for m in merges
                  if m is not plan.frame and results[id(m)] and all(o.placed for o in results[id(m)])}
    first_of: dict[int, object] = {}
    for m in merges:
        if m is plan.frame:
            for o in results[id(m)]:
                if not o.placed:
                    first_of[o.new_index] = [o]
        elif results[id(m)] and not any(o.placed for o in results[id(m)]):
            first_of[min(o.new_index for o in results[id(m)])] = results[id(m)]
    cursor = None
    for j, label in enumerate(new_labels):
        group = first_of.get(j)
        if group is not None:
            for o in group:
                if cursor is not None:
                    cursor.addnext(o.element)
                else:
                    first = next((c for c in body if c.tag != qn("w:sectPr")), None)
                    (first.addprevious if first is not None else body.find(qn("w:sectPr")).addprevious)(o.element)
                o.placed = True
                cursor = o.element
                new_out[o.new_index] = o.element
            if label and label in {m.clause for m in merges}:
                clause_end[label] = group[-1].element
            continue
        if j in new_out:
            cursor = clause_end.get(label, new_out[j]) if label else new_out[j]

    # revisions, conflict marks, comments, bookmarks
    for merged in merges:
        outs = results[id(merged)]
        _continue_lists(outs, document)
        for o in outs:
            if o.kind:
                revisions.mark(o.element, o.kind, keep_notes=o.keep_notes)
        conflict = [o for o in outs if o.conflict]
        lines = comments.get(merged.clause)
        if conflict:
            for o in conflict:
                if not o.highlighted:
                    revisions.highlight(o.element, tracked=o.kind is None)
            if lines:
                _comment(document, conflict[0].element, conflict[-1].element, lines, revisions,
                         "ins" if conflict[-1].kind == "ins" else None)
        elif lines and targets[id(merged)] is not None:
            target = targets[id(merged)]
            _comment(document, target.element, target.element, lines, revisions, target.kind)
    for merged in plan.clauses:
        name = bookmark_names.get(merged.clause)
        outs = [o for o in results.get(id(merged), []) if o.element.getparent() is not None]
        if name and outs:
            _bookmark(outs[0].element, outs[-1].element, name, revisions.take_id())

    if versions and versions[0] != versions[1]:
        if not _replace_version(document, versions[0], versions[1], revisions):
            applied.notes.append((
                f"pied de page : « version {versions[0]} » introuvable, la version n'y est pas mise à jour",
                f"footer: “version {versions[0]}” not found, the version there is not updated"))
    if payload is not None:
        set_payload(document, payload)
    if properties:
        core = document.core_properties
        for name, value in properties.items():
            setattr(core, name, value)
    out = io.BytesIO()
    document.save(out)
    applied.docx = out.getvalue()
    return applied


def _replace_version(document, old: str, new: str, revisions: Revisions) -> bool:
    """"version OLD" → "version NEW" in every header and footer, as a tracked change; False when no header
    or footer says it."""
    found = False
    needle = f"version {old}"
    for rel in list(document.part.rels.values()):
        if rel.reltype not in (RT.HEADER, RT.FOOTER):
            continue
        for p in list(rel.target_part.element.iter(qn("w:p"))):
            # the paragraph's visible text, piece by piece (an earlier update may have split the runs)
            pieces, pos = [], 0
            for t in p.iter(qn("w:t")):
                if not inside(t, (qn("w:del"),), p):
                    pieces.append((pos, t))
                    pos += len(t.text or "")
            text = "".join(t.text or "" for _, t in pieces)
            at = text.find(needle)
            if at < 0:
                continue
            start = at + len("version ")
            holder = [(s, t) for s, t in pieces if s <= start and start + len(old) <= s + len(t.text or "")]
            if not holder:
                continue
            offset, t = holder[0]
            r = t.getparent()
            if r.tag != qn("w:r") or inside(r, REV, p):
                continue
            text, start = t.text or "", start - offset
            rpr = r.find(qn("w:rPr"))
            # the run cut in three: what comes before the old number, the change, what comes after
            children = [c for c in r if c.tag != qn("w:rPr")]
            at = children.index(t)
            first, last = OxmlElement("w:r"), OxmlElement("w:r")
            for run, kids, piece in ((first, children[:at], text[:start]), (last, children[at + 1:],
                                                                             text[start + len(old):])):
                if rpr is not None:
                    run.append(copy.deepcopy(rpr))
                if run is last and piece:
                    run.append(run_of(piece, None)[0])
                for kid in kids:
                    run.append(kid)
                if run is first and piece:
                    run.append(run_of(piece, None)[0])
            deleted = revisions.mark_element("del")
            deleted.append(run_of(old, rpr, deleted=True))
            inserted = revisions.mark_element("ins")
            inserted.append(run_of(new, rpr))
            for el in (first, deleted, inserted, last):
                if any(c.tag != qn("w:rPr") for c in el):
                    r.addprevious(el)
            r.getparent().remove(r)
            found = True
    return found


def set_payload(document, payload: bytes) -> None:
    """The embedded data replaced (the part is found by its namespace, whatever its name), or added."""
    for rel in document.part.rels.values():
        if rel.is_external or rel.reltype != RT.CUSTOM_XML:
            continue
        part = rel.target_part
        if NAMESPACE.encode() in (part.blob or b"")[:400]:
            part._blob = payload
            return
    part = Part(PackURI(CUSTOM_XML_PART), "application/xml", payload, document.part.package)
    document.part.relate_to(part, RT.CUSTOM_XML)


__all__ = ["AUTHOR", "CONFLICT_HEADINGS", "Applied", "OpenConflict", "Revisions", "W", "apply_plan", "body_of",
           "open_conflicts", "pending_authors", "resolve", "resolved_texts", "revision_count", "set_payload",
           "table_changes", "word_changes"]
