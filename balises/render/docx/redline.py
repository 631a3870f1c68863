"""Word tracked changes and comments: carries out a merge plan (:mod:`balises.services.merge`) in the
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
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import docx
from docx.enum.text import WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from balises.render.docx.carry import Carrier
from balises.render.docx.units import BOOKMARK_PREFIX, W, body_units, element_text, key
from balises.render.embedding import CUSTOM_XML_PART, NAMESPACE
from balises.services.merge import MergePlan, align_with_base

AUTHOR = "Balises"
# the first words of a conflict's comment: how the next update (and `balises update --check`) finds it
CONFLICT_HEADINGS = ("Balises — conflit", "Balises — conflict")
_W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
_W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_COMMENTS_EX = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"
_REV = (qn("w:ins"), qn("w:del"))
_NOTE_REFS = (qn("w:footnoteReference"), qn("w:endnoteReference"))


def _inside(el, tags: tuple[str, ...], stop) -> bool:
    for a in el.iterancestors():
        if a is stop:
            return False
        if a.tag in tags:
            return True
    return False


class Revisions:
    """Balises' revision marks: one author, one date, ids above every id the document already uses."""

    def __init__(self, author: str, when: dt.datetime, first_id: int = 5000):
        self.author = author
        self.when = when
        self.date = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.next_id = first_id

    def take_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def mark_element(self, kind: str):
        el = OxmlElement(f"w:{kind}")
        el.set(qn("w:id"), str(self.take_id()))
        el.set(qn("w:author"), self.author)
        el.set(qn("w:date"), self.date)
        return el

    def _paragraph_mark(self, p, kind: str) -> None:
        ppr = p.find(qn("w:pPr"))
        if ppr is None:
            ppr = OxmlElement("w:pPr")
            p.insert(0, ppr)
        rpr = ppr.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            follow = [c for c in ppr if c.tag in (qn("w:sectPr"), qn("w:pPrChange"))]
            if follow:
                follow[0].addprevious(rpr)
            else:
                ppr.append(rpr)
        if rpr.find(qn("w:del")) is not None or (kind == "ins" and rpr.find(qn("w:ins")) is not None):
            return  # already deleted (by a colleague), or already inserted
        ins = rpr.find(qn("w:ins"))
        if kind == "del" and ins is not None:  # a colleague's paragraph, deleted by Balises: both marks
            ins.addnext(self.mark_element(kind))
        else:
            rpr.insert(0, self.mark_element(kind))

    def _rows(self, el, kind: str) -> None:
        for tr in el.iter(qn("w:tr")):
            trpr = tr.find(qn("w:trPr"))
            if trpr is None:
                trpr = OxmlElement("w:trPr")
                prex = tr.find(qn("w:tblPrEx"))
                if prex is not None:
                    prex.addnext(trpr)
                else:
                    tr.insert(0, trpr)
            if trpr.find(qn("w:del")) is None and trpr.find(qn(f"w:{kind}")) is None:
                trpr.append(self.mark_element(kind))

    def mark_row(self, tr, kind: str) -> None:
        """A whole table row inserted or deleted (the row mark and every paragraph in it)."""
        self._rows(tr, kind)
        for p in tr.iter(qn("w:p")):
            self.mark(p, kind)

    def mark(self, el, kind: str, keep_notes: bool = False) -> None:
        """Every run and paragraph mark of ``el`` (a paragraph, table or content control) as inserted or
        deleted. Text a colleague already deleted stays as it is; text a colleague inserted is deleted
        inside their insertion (Reject All still gives the adopted text back). Comment anchors are never
        deleted; with ``keep_notes``, footnote and endnote references are not either (the paragraph is
        replaced: on Accept All they join the new one)."""
        if el.tag == qn("w:tbl"):
            self._rows(el, kind)
        paragraphs = [el] if el.tag == qn("w:p") else list(el.iter(qn("w:p")))
        for p in paragraphs:
            last = None
            for r in list(p.iter(qn("w:r"))):
                if _inside(r, (qn("w:del"), qn("w:moveFrom")), p) or (kind == "ins" and _inside(r, _REV, p)):
                    continue
                if r.find(qn("w:commentReference")) is not None:
                    continue
                if keep_notes and any(r.find(t) is not None for t in _NOTE_REFS):
                    continue
                if last is not None and r.getprevious() is last:
                    last.append(r)
                else:
                    last = self.mark_element(kind)
                    r.addprevious(last)
                    last.append(r)
                if kind == "del":
                    for t in r.findall(qn("w:t")):
                        t.tag = qn("w:delText")
                    for t in r.findall(qn("w:instrText")):
                        t.tag = qn("w:delInstrText")
            self._paragraph_mark(p, kind)

    def highlight(self, el, tracked: bool) -> None:
        """A conflict's range in yellow; on the organisation's text as a tracked formatting change (Reject
        All takes it away with the rest)."""
        for r in el.iter(qn("w:r")):
            if r.find(qn("w:t")) is None and r.find(qn("w:delText")) is None:
                continue
            rpr = r.find(qn("w:rPr"))
            if rpr is None:
                rpr = OxmlElement("w:rPr")
                r.insert(0, rpr)
            if rpr.find(qn("w:highlight")) is not None:
                continue
            before = copy.deepcopy(rpr)
            rpr.highlight_val = WD_COLOR_INDEX.YELLOW
            if tracked and rpr.find(qn("w:rPrChange")) is None:
                change = self.mark_element("rPrChange")
                old = OxmlElement("w:rPr")
                for child in before:
                    old.append(child)
                change.append(old)
                rpr.append(change)


# ---------------------------------------------------------------- a reworded paragraph, word by word

_TOKENS = re.compile(r"\w+|\s+|[^\w\s]")
_ANCHORS = {qn("w:bookmarkStart"), qn("w:bookmarkEnd"), qn("w:commentRangeStart"), qn("w:commentRangeEnd"),
            qn("w:permStart"), qn("w:permEnd")}


def _items(p) -> list[tuple] | None:
    """A paragraph as ("text", text, run properties) and ("anchor", element) items (bookmarks, comment
    ranges and references, note references: no width), or None when it holds more than plain text (links,
    fields, tabs, breaks, drawings, revisions): those change as whole paragraphs."""
    out: list[tuple] = []
    for child in p:
        if child.tag in (qn("w:pPr"), qn("w:proofErr")):
            continue
        if child.tag in _ANCHORS:
            out.append(("anchor", child))
            continue
        if child.tag != qn("w:r"):
            return None
        rpr = child.find(qn("w:rPr"))
        kinds = {rc.tag for rc in child if rc.tag not in (qn("w:rPr"), qn("w:lastRenderedPageBreak"))}
        if kinds and kinds <= {qn("w:commentReference"), *_NOTE_REFS}:
            out.append(("anchor", child))
            continue
        if kinds - {qn("w:t")}:
            return None
        for rc in child:
            if rc.tag == qn("w:t"):
                out.append(("text", rc.text or "", rpr))
    return out


def _run(text: str, rpr, deleted: bool = False):
    r = OxmlElement("w:r")
    if rpr is not None:
        r.append(copy.deepcopy(rpr))
    t = OxmlElement("w:delText" if deleted else "w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    r.append(t)
    return r


def word_changes(old_p, new_p, revisions: Revisions, min_ratio: float = 0.6):
    """``old_p`` (the organisation's paragraph, in its document) rewritten as ``new_p`` with the words that
    changed as tracked deletions and insertions, the way Word shows a reworded sentence: the paragraph keeps
    its own properties (style, list, indents), the formatting of the words that stay, its bookmarks,
    comment ranges and note references where they were. None when the two are too different or not plain
    text (then the paragraph is replaced whole)."""
    if old_p.tag != qn("w:p") or new_p.tag != qn("w:p"):
        return None
    a, b = _items(old_p), _items(new_p)
    if a is None or b is None:
        return None
    old_text = "".join(i[1] for i in a if i[0] == "text")
    new_text = "".join(i[1] for i in b if i[0] == "text")
    if not old_text.strip() or not new_text.strip():
        return None
    ta, tb = _TOKENS.findall(old_text), _TOKENS.findall(new_text)
    matcher = SequenceMatcher(None, ta, tb, autojunk=False)
    if matcher.ratio() < min_ratio:
        return None
    oa, ob = [0], [0]
    for tok in ta:
        oa.append(oa[-1] + len(tok))
    for tok in tb:
        ob.append(ob[-1] + len(tok))
    # the old paragraph's items with their offsets in its text
    placed, pos = [], 0
    for item in a:
        if item[0] == "text":
            placed.append((pos, pos + len(item[1]), item))
            pos += len(item[1])
        else:
            placed.append((pos, pos, item))
    p = OxmlElement("w:p")
    for name, value in old_p.attrib.items():
        p.set(name, value)
    ppr = old_p.find(qn("w:pPr"))
    if ppr is not None:
        p.append(ppr)
    used: set[int] = set()

    def old_segment(start: int, end: int, deleted: bool, last: bool = False) -> None:
        wrapper = None
        for k, (s, e, item) in enumerate(placed):
            if item[0] == "anchor":
                if k not in used and (start <= s < end or (last and s == end)):
                    used.add(k)
                    p.append(item[1])
                    wrapper = None
                continue
            lo, hi = max(start, s), min(end, e)
            if lo >= hi:
                continue
            run = _run(item[1][lo - s:hi - s], item[2], deleted)
            if deleted:
                if wrapper is None:
                    wrapper = revisions.mark_element("del")
                    p.append(wrapper)
                wrapper.append(run)
            else:
                p.append(run)

    def new_segment(start: int, end: int) -> None:
        wrapper = revisions.mark_element("ins")
        pos = 0
        for item in b:
            if item[0] != "text":
                continue
            s, e = pos, pos + len(item[1])
            pos = e
            lo, hi = max(start, s), min(end, e)
            if lo < hi:
                wrapper.append(_run(item[1][lo - s:hi - s], item[2]))
        p.append(wrapper)

    ops = matcher.get_opcodes()
    for n, (tag, i1, i2, j1, j2) in enumerate(ops):
        last = n == len(ops) - 1
        if tag == "equal":
            old_segment(oa[i1], oa[i2], False, last)
            continue
        if i2 > i1:
            old_segment(oa[i1], oa[i2], True, last)
        if j2 > j1:
            new_segment(ob[j1], ob[j2])
        if last and i2 == i1:
            old_segment(oa[i2], oa[i2], False, True)
    for k, (_, _, item) in enumerate(placed):  # anything left (an anchor at the very end)
        if item[0] == "anchor" and k not in used:
            p.append(item[1])
    return p


def _cell_text(tc) -> str:
    return " ".join(element_text(p) for p in tc.iter(qn("w:p")))


def _row_key(tr) -> str:
    return " | ".join(_cell_text(tc) for tc in tr.iter(qn("w:tc")))


def _replace(old, new) -> None:
    old.addprevious(new)
    old.getparent().remove(old)


def _row_changes(old_tr, new_tr, revisions: Revisions, carry) -> None:
    """A row that stays, changed in place: its cells, paragraph by paragraph, word by word."""
    for old_tc, new_tc in zip(old_tr.findall(qn("w:tc")), new_tr.findall(qn("w:tc"))):
        if _cell_text(old_tc) == _cell_text(new_tc):
            continue
        old_ps, new_ps = old_tc.findall(qn("w:p")), new_tc.findall(qn("w:p"))
        for old_p, new_p in zip(old_ps, new_ps):
            if element_text(old_p) == element_text(new_p):
                continue
            new_p = carry(new_p)
            changed = word_changes(old_p, new_p, revisions, min_ratio=0.0)
            if changed is not None:
                _replace(old_p, changed)
            else:
                revisions.mark(old_p, "del", keep_notes=True)
                old_p.addnext(new_p)
                revisions.mark(new_p, "ins")
        for new_p in new_ps[len(old_ps):]:
            new_p = carry(new_p)
            old_tc.append(new_p)
            revisions.mark(new_p, "ins")
        for old_p in old_ps[len(new_ps):]:
            revisions.mark(old_p, "del")


def table_merge(old_tbl, base: str, new_tbl, revisions: Revisions, carry) -> bool | None:
    """A table both the organisation and Balises changed, merged row by row into the organisation's
    (``old_tbl``, in place) over ``base`` (the table's text as Balises wrote it): the organisation's rows
    stay, Balises' changes to the other rows come in as tracked changes; where both changed a row, both rows
    stay, highlighted. True when there is such a row; None when the tables do not have the same columns."""
    old_rows, new_rows = old_tbl.findall(qn("w:tr")), new_tbl.findall(qn("w:tr"))
    width = lambda tr: len(tr.findall(qn("w:tc")))
    if not old_rows or not new_rows or {width(r) for r in old_rows} != {width(r) for r in new_rows}:
        return None
    b = [key(r) for r in base.split("\n")]
    ours_of, ours_added = align_with_base(b, [key(_row_key(r)) for r in old_rows])
    new_of, new_added = align_with_base(b, [key(_row_key(r)) for r in new_rows])
    last, clash = None, False

    def insert(j: int, conflict: bool = False) -> None:
        nonlocal last
        row = carry(new_rows[j])
        (last.addnext if last is not None else old_rows[0].addprevious)(row)
        revisions.mark_row(row, "ins")
        if conflict:
            revisions.highlight(row, tracked=False)
        last = row

    for k in range(len(b) + 1):
        for j in ours_added.get(k, []):
            last = old_rows[j]
        for j in new_added.get(k, []):
            insert(j)
        if k == len(b):
            break
        (o_state, o), (n_state, m) = ours_of[k], new_of[k]
        if o_state == "deleted":
            if n_state == "changed":
                insert(m, conflict=True)
                clash = True
            continue
        row = old_rows[o]
        if o_state == "same" and n_state == "changed":
            _row_changes(row, new_rows[m], revisions, carry)
        elif o_state == "same" and n_state == "deleted":
            revisions.mark_row(row, "del")
        elif o_state == "changed" and n_state != "same":  # both changed this row: both stay, marked
            revisions.highlight(row, tracked=True)
            clash = True
            last = row
            if n_state == "changed":
                insert(m, conflict=True)
            continue
        last = row
    return clash


def table_changes(old_tbl, new_tbl, revisions: Revisions, carry=lambda el: copy.deepcopy(el)):
    """The organisation's table (``old_tbl``, changed in place) with only what changed tracked: rows added
    or removed, and in a row that stays, the words changed cell by cell. ``carry`` makes a copy of one of
    ``new_tbl``'s elements valid in the organisation's document. None when the two tables do not have the
    same columns."""
    if old_tbl.tag != qn("w:tbl") or new_tbl.tag != qn("w:tbl"):
        return None
    old_rows, new_rows = old_tbl.findall(qn("w:tr")), new_tbl.findall(qn("w:tr"))
    width = lambda tr: len(tr.findall(qn("w:tc")))
    if not old_rows or not new_rows or {width(r) for r in old_rows} != {width(r) for r in new_rows}:
        return None
    matcher = SequenceMatcher(None, [_row_key(r) for r in old_rows], [_row_key(r) for r in new_rows],
                              autojunk=False)
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):  # from the end: row indexes stay valid
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(paired):  # a row that stays: its cells, paragraph by paragraph
            _row_changes(old_rows[i1 + k], new_rows[j1 + k], revisions, carry)
        anchor = old_rows[i2] if i2 < len(old_rows) else None
        for k in range(paired, j2 - j1):
            row = carry(new_rows[j1 + k])
            revisions.mark_row(row, "ins")
            if anchor is not None:
                anchor.addprevious(row)
            else:
                old_tbl.append(row)
        for k in range(paired, i2 - i1):
            revisions.mark_row(old_rows[i1 + k], "del")
    return old_tbl


# ---------------------------------------------------------------- carrying out the plan

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


def _similar(a: str, b: str) -> bool:
    ta, tb = _TOKENS.findall(a), _TOKENS.findall(b)
    return bool(ta and tb) and SequenceMatcher(None, ta, tb, autojunk=False).ratio() >= 0.6


def _pairs(olds: list[Out], news: list[Out]) -> list[tuple[int, int]]:
    """Which deleted paragraph each new one rewrites: in order, as many as there are when the counts are
    the same; else those whose words are close enough."""
    if len(olds) == len(news):
        return [(k, k) for k in range(len(olds))]
    pairs, start = [], 0
    old_texts = [element_text(o.element) for o in olds]
    for n, new in enumerate(news):
        text = element_text(new.element)
        for o in range(start, len(olds)):
            if olds[o].element.tag == new.element.tag and _similar(old_texts[o], text):
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
            pairs = _pairs(olds, news)
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
                        _replace(old.element, merged)
                    if merged is None:
                        merged = word_changes(old.element, new.element, revisions)
                        if merged is not None:
                            _replace(old.element, merged)
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


def _first_last_p(el):
    ps = [el] if el.tag == qn("w:p") else list(el.iter(qn("w:p")))
    return (ps[0], ps[-1]) if ps else (None, None)


def _bookmark(first, last, name: str, ident: int) -> None:
    p, _ = _first_last_p(first)
    _, q = _first_last_p(last)
    if p is None or q is None:
        return
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(ident))
    start.set(qn("w:name"), name)
    ppr = p.find(qn("w:pPr"))
    if ppr is not None:
        ppr.addnext(start)
    else:
        p.insert(0, start)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(ident))
    q.append(end)


def _strip_bookmarks(root) -> None:
    """Balises' clause bookmarks of the organisation's document (they are written anew)."""
    ids = set()
    for b in list(root.iter(qn("w:bookmarkStart"))):
        if (b.get(qn("w:name")) or "").startswith(BOOKMARK_PREFIX):
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
    p, _ = _first_last_p(first)
    _, q = _first_last_p(last)
    if p is None or q is None:
        return
    comment = document.comments.add_comment(text="\n".join(lines), author=revisions.author, initials="B")
    element = comment._comment_elm
    element.date = revisions.when
    ident = str(comment.comment_id)
    start = OxmlElement("w:commentRangeStart")
    start.set(qn("w:id"), ident)
    ppr = p.find(qn("w:pPr"))
    if ppr is not None:
        ppr.addnext(start)
    else:
        p.insert(0, start)
    end = OxmlElement("w:commentRangeEnd")
    end.set(qn("w:id"), ident)
    q.append(end)
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
                if not _inside(t, (qn("w:del"),), p):
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
            if r.tag != qn("w:r") or _inside(r, _REV, p):
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
                    run.append(_run(piece, None)[0])
                for kid in kids:
                    run.append(kid)
                if run is first and piece:
                    run.append(_run(piece, None)[0])
            deleted = revisions.mark_element("del")
            deleted.append(_run(old, rpr, deleted=True))
            inserted = revisions.mark_element("ins")
            inserted.append(_run(new, rpr))
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


# ---------------------------------------------------------------- reading a Word file back

def _join_into_next(p) -> None:
    """A paragraph whose mark goes: what is left of it joins the next paragraph (as in Word)."""
    nxt = p.getnext()
    while nxt is not None and nxt.tag != qn("w:p"):
        nxt = nxt.getnext()
    rest = [c for c in p if c.tag != qn("w:pPr")]
    if nxt is not None and any(c.tag not in _ANCHORS for c in rest):
        ppr = nxt.find(qn("w:pPr"))
        at = 0 if ppr is None else list(nxt).index(ppr) + 1
        for offset, child in enumerate(rest):
            nxt.insert(at + offset, child)
    p.getparent().remove(p)


def resolve(root, accept: bool) -> None:
    """Every revision in ``root`` (a body, header, footer or note) accepted or rejected, in place:
    insertions and deletions (nested ones too), paragraph marks, table rows, moves and formatting."""
    keep, drop = ("ins", "del") if accept else ("del", "ins")
    moved_keep, moved_drop = ("moveTo", "moveFrom") if accept else ("moveFrom", "moveTo")
    for tr in list(root.iter(qn("w:tr"))):
        trpr = tr.find(qn("w:trPr"))
        if trpr is not None and trpr.find(qn(f"w:{drop}")) is not None and tr.getparent() is not None:
            tr.getparent().remove(tr)
    for tbl in list(root.iter(qn("w:tbl"))):
        if tbl.find(qn("w:tr")) is None and tbl.getparent() is not None:
            tbl.getparent().remove(tbl)
    for tag in (drop, moved_drop):
        for el in list(root.iter(qn(f"w:{tag}"))):
            parent = el.getparent()
            if parent is not None and parent.tag not in (qn("w:rPr"), qn("w:trPr")):
                parent.remove(el)
    for tag in (keep, moved_keep):
        for el in list(root.iter(qn(f"w:{tag}"))):
            parent = el.getparent()
            if parent is None or parent.tag in (qn("w:rPr"), qn("w:trPr")):
                continue
            for child in list(el):
                el.addprevious(child)
            parent.remove(el)
    for change in list(root.iter(qn("w:rPrChange"), qn("w:pPrChange"))):
        holder = change.getparent()
        if holder is None:
            continue
        if not accept:  # the properties as they were
            old = change.find(qn("w:rPr") if change.tag == qn("w:rPrChange") else qn("w:pPr"))
            for child in list(holder):
                if child is not change and child.tag not in _REV:
                    holder.remove(child)
            for child in list(old if old is not None else []):
                change.addprevious(child)
        holder.remove(change)
    for t in root.iter(qn("w:delText")):
        t.tag = qn("w:t")
    for t in root.iter(qn("w:delInstrText")):
        t.tag = qn("w:instrText")
    for trpr in root.iter(qn("w:trPr")):
        for mark in [c for c in trpr if c.tag in _REV]:
            trpr.remove(mark)
    for p in list(root.iter(qn("w:p"))):
        rpr = p.find(qn("w:pPr") + "/" + qn("w:rPr"))
        if rpr is None:
            continue
        marks = [c for c in rpr if c.tag in _REV]
        for c in marks:
            rpr.remove(c)
        if any(c.tag == qn(f"w:{drop}") for c in marks) and p.getparent() is not None:
            _join_into_next(p)


def resolved_texts(docx_bytes: bytes, accept: bool) -> list[str]:
    """The body's unit texts once every revision is accepted (or rejected), as Word would leave them."""
    document = docx.Document(io.BytesIO(docx_bytes))
    root = copy.deepcopy(document.element)
    resolve(root.find(qn("w:body")), accept)
    return [u.text for u in body_units(root.find(qn("w:body")))]


def revision_count(docx_bytes: bytes, author: str | None = None) -> dict[str, int]:
    document = docx.Document(io.BytesIO(docx_bytes))
    body = document.element.body
    of = lambda el: author is None or el.get(qn("w:author")) == author
    return {"ins": len([e for e in body.iter(qn("w:ins")) if of(e)]),
            "del": len([e for e in body.iter(qn("w:del")) if of(e)]),
            "comments": len(list(body.iter(qn("w:commentReference"))))}


def pending_authors(units) -> list[str]:
    """The authors of pending revisions in ``units`` (the body units of a document), Balises left out."""
    authors = []
    for unit in units:
        for el in unit.element.iter(qn("w:ins"), qn("w:del")):
            name = el.get(qn("w:author")) or ""
            if name != AUTHOR and name not in authors:
                authors.append(name)
    return authors


def body_of(docx_bytes: bytes) -> list:
    """The units of a Word file's body (for the update: what the organisation has now)."""
    document = docx.Document(io.BytesIO(docx_bytes))
    return body_units(document.element.body)


@dataclass
class OpenConflict:
    unit: int  # the body unit where the conflict's marked range starts
    text: str  # the comment's text


def open_conflicts(docx_bytes: bytes) -> list[OpenConflict]:
    """The conflicts a previous update marked and nobody settled yet: Balises' conflict comments still in
    the document, anchored in its body and not marked resolved (Word's and LibreOffice's "Resolve")."""
    document = docx.Document(io.BytesIO(docx_bytes))
    try:
        comments = list(document.comments)
    except (KeyError, NotImplementedError):
        return []
    done: set[str] = set()
    for rel in document.part.rels.values():
        if rel.reltype == _COMMENTS_EX and not rel.is_external:
            root = etree.fromstring(rel.target_part.blob)
            done |= {ex.get(f"{{{_W15}}}paraId") for ex in root.iter(f"{{{_W15}}}commentEx")
                     if ex.get(f"{{{_W15}}}done") in ("1", "true")}
    starts = {}
    for i, unit in enumerate(body_units(document.element.body)):
        for el in unit.element.iter(qn("w:commentRangeStart"), qn("w:commentReference")):
            starts.setdefault(el.get(qn("w:id")), i)
    out = []
    for c in comments:
        text = "\n".join(p.text for p in c.paragraphs)
        if c.author != AUTHOR or not text.startswith(CONFLICT_HEADINGS):
            continue
        para_ids = {p._p.get(f"{{{_W14}}}paraId") for p in c.paragraphs}
        if para_ids & done or str(c.comment_id) not in starts:
            continue
        out.append(OpenConflict(starts[str(c.comment_id)], text))
    return out


__all__ = ["AUTHOR", "CONFLICT_HEADINGS", "Applied", "OpenConflict", "Revisions", "W", "apply_plan", "body_of",
           "open_conflicts", "pending_authors", "resolve", "resolved_texts", "revision_count", "set_payload",
           "table_changes", "word_changes"]
