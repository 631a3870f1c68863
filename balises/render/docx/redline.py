"""Word tracked changes and comments: carries out a merge plan (:mod:`balises.services.merge`) on the new policy.

The output is the new policy's Word file (its styles, title page, contents, embedded data), each clause
replaced by the plan's pieces: the organisation's paragraphs (copied from its document), Balises' new
paragraphs, and tracked revisions (``w:ins`` / ``w:del``, author "Balises") with a comment giving the
reason. Word and LibreOffice list them; accepting all gives the new text, rejecting all the old one.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
from difflib import SequenceMatcher

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.run import Run as DocxRun

from balises.render.docx.units import BOOKMARK_PREFIX, STATEMENT_PREFIX, W, body_units, element_text
from balises.services.merge import MergePlan, opcodes

AUTHOR = "Balises"
# a word-by-word comparison costs up to (words of one) × (words of the other) with difflib: beyond these, a
# paragraph changes whole (its deletion, then its insertion), as when the two are too different
MAX_WORD_PAIRS = 400_000  # two paragraphs of about 300 words each
MAX_WORD_PAIRS_PER_DOCUMENT = 20_000_000
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class _Revisions:
    def __init__(self, author: str, when: dt.datetime):
        self.author = author
        self.date = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.next_id = 5000
        self.word_pairs = MAX_WORD_PAIRS_PER_DOCUMENT  # what is left for word-by-word comparisons

    def _mark(self, kind: str):
        el = OxmlElement(f"w:{kind}")
        el.set(qn("w:id"), str(self.next_id))
        el.set(qn("w:author"), self.author)
        el.set(qn("w:date"), self.date)
        self.next_id += 1
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
        rpr.insert(0, self._mark(kind))

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
            trpr.append(self._mark(kind))

    def mark_row(self, tr, kind: str) -> None:
        """A whole table row inserted or deleted (the row mark and every paragraph in it)."""
        self._rows(tr, kind)
        for p in tr.iter(qn("w:p")):
            self.mark(p, kind)

    def mark(self, el, kind: str) -> None:
        """Every run and paragraph mark of ``el`` (a paragraph or a table) as inserted or deleted."""
        if el.tag == qn("w:tbl"):
            self._rows(el, kind)
        paragraphs = [el] if el.tag == qn("w:p") else list(el.iter(qn("w:p")))
        for p in paragraphs:
            for r in list(p.iter(qn("w:r"))):
                parent = r.getparent()
                if parent.tag in (qn("w:ins"), qn("w:del")) or r.find(qn("w:commentReference")) is not None:
                    continue
                wrapper = self._mark(kind)
                r.addprevious(wrapper)
                wrapper.append(r)
                if kind == "del":
                    for t in r.findall(qn("w:t")):
                        t.tag = qn("w:delText")
                    for t in r.findall(qn("w:instrText")):
                        t.tag = qn("w:delInstrText")
            self._paragraph_mark(p, kind)


_TOKENS = re.compile(r"\w+|\s+|[^\w\s]")
_SKIP = {qn("w:pPr"), qn("w:bookmarkStart"), qn("w:bookmarkEnd"), qn("w:proofErr"), qn("w:commentRangeStart"),
         qn("w:commentRangeEnd")}


def _plain_runs(p) -> list[tuple[str, object]] | None:
    """A paragraph as (text, run properties) pieces, or None when it holds more than plain text runs (links,
    fields, breaks, tabs, drawings, revisions): those change as whole paragraphs."""
    out = []
    for child in p:
        if child.tag in _SKIP:
            continue
        if child.tag != qn("w:r"):
            return None
        rpr = child.find(qn("w:rPr"))
        for rc in child:
            if rc.tag == qn("w:t"):
                out.append((rc.text or "", rpr))
            elif rc.tag not in (qn("w:rPr"), qn("w:lastRenderedPageBreak")):
                return None
    return out


def _slice(pieces: list[tuple[str, object]], start: int, end: int) -> list[tuple[str, object]]:
    out, pos = [], 0
    for text, rpr in pieces:
        a, b = max(start, pos), min(end, pos + len(text))
        if a < b:
            out.append((text[a - pos:b - pos], rpr))
        pos += len(text)
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


def word_changes(old_p, new_p, revisions: "_Revisions"):
    """One paragraph with the words that changed as tracked deletions and insertions (Word's own way of
    showing a reworded sentence), or None when the two are too different or not plain text."""
    if old_p.tag != qn("w:p") or new_p.tag != qn("w:p"):
        return None
    a, b = _plain_runs(old_p), _plain_runs(new_p)
    if not a or not b:
        return None
    old_text, new_text = "".join(t for t, _ in a), "".join(t for t, _ in b)
    ta, tb = _TOKENS.findall(old_text), _TOKENS.findall(new_text)
    pairs = len(ta) * len(tb)
    if pairs > MAX_WORD_PAIRS or pairs > revisions.word_pairs:
        return None
    revisions.word_pairs -= pairs
    matcher = SequenceMatcher(None, ta, tb, autojunk=False)
    if matcher.ratio() < 0.6:
        return None
    oa = [0]
    for tok in ta:
        oa.append(oa[-1] + len(tok))
    ob = [0]
    for tok in tb:
        ob.append(ob[-1] + len(tok))
    p = OxmlElement("w:p")
    ppr = new_p.find(qn("w:pPr"))
    if ppr is not None:
        p.append(copy.deepcopy(ppr))
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for text, rpr in _slice(b, ob[j1], ob[j2]):
                p.append(_run(text, rpr))
            continue
        if i2 > i1:
            wrapper = revisions._mark("del")
            for text, rpr in _slice(a, oa[i1], oa[i2]):
                wrapper.append(_run(text, rpr, deleted=True))
            p.append(wrapper)
        if j2 > j1:
            wrapper = revisions._mark("ins")
            for text, rpr in _slice(b, ob[j1], ob[j2]):
                wrapper.append(_run(text, rpr))
            p.append(wrapper)
    return p


def _cell_text(tc) -> str:
    return " ".join(element_text(p) for p in tc.iter(qn("w:p")))


def _row_key(tr) -> str:
    return " | ".join(_cell_text(tc) for tc in tr.iter(qn("w:tc")))


def table_changes(old_tbl, new_tbl, revisions: "_Revisions"):
    """The new table with only what changed tracked: rows added or removed, and in a row that stays, the
    words changed cell by cell. None when the two tables do not have the same columns."""
    if old_tbl.tag != qn("w:tbl") or new_tbl.tag != qn("w:tbl"):
        return None
    old_rows, new_rows = old_tbl.findall(qn("w:tr")), new_tbl.findall(qn("w:tr"))
    width = lambda tr: len(tr.findall(qn("w:tc")))
    if not old_rows or not new_rows or {width(r) for r in old_rows} != {width(r) for r in new_rows}:
        return None
    table = copy.deepcopy(new_tbl)
    rows = table.findall(qn("w:tr"))
    rows_ops = opcodes([_row_key(r) for r in old_rows], [_row_key(r) for r in new_rows])
    for tag, i1, i2, j1, j2 in reversed(rows_ops):  # from the end: row indexes stay valid
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(paired):  # a row that stays: its cells, paragraph by paragraph
            for old_tc, new_tc in zip(old_rows[i1 + k].findall(qn("w:tc")), rows[j1 + k].findall(qn("w:tc"))):
                if _cell_text(old_tc) == _cell_text(new_tc):
                    continue
                old_ps, new_ps = old_tc.findall(qn("w:p")), new_tc.findall(qn("w:p"))
                for old_p, new_p in zip(old_ps, new_ps):
                    changed = word_changes(old_p, new_p, revisions)
                    if changed is not None:
                        new_p.addprevious(changed)
                        new_tc.remove(new_p)
                    else:
                        deleted = copy.deepcopy(old_p)
                        revisions.mark(deleted, "del")
                        new_p.addprevious(deleted)
                        revisions.mark(new_p, "ins")
        for k in range(paired, j2 - j1):
            row = rows[j1 + k]
            revisions.mark_row(row, "ins")
        anchor = rows[j1 + paired] if j1 + paired < len(rows) and j1 + paired < j2 else (
            rows[j2] if j2 < len(rows) else None)
        for k in range(paired, i2 - i1):
            row = copy.deepcopy(old_rows[i1 + k])
            revisions.mark_row(row, "del")
            if anchor is not None:
                anchor.addprevious(row)
            else:
                table.append(row)
    return table


def _combine(elements: list, pieces: list, revisions: "_Revisions") -> tuple[list, list, dict]:
    """Each deleted paragraph followed by its reworded new version becomes one paragraph with word changes."""
    out_el, out_rev, moved = [], [], {}
    i = 0
    while i < len(pieces):
        if pieces[i].revision == "del":
            j = i
            while j < len(pieces) and pieces[j].revision == "del":
                j += 1
            k = j
            while k < len(pieces) and pieces[k].revision == "ins":
                k += 1
            if k - j != j - i:  # the deletions no insertion pairs with go as they are, in one step (one at a
                # time, a long run of them was scanned again for each: quadratic on a repetitive document)
                unpaired = j - i - (k - j) if 0 < k - j < j - i else j - i
                out_el += elements[i:i + unpaired]
                out_rev += ["del"] * unpaired
                i += unpaired
                continue
            if k - j == j - i:  # as many new paragraphs as old ones: pair them in order
                for old, new in zip(range(i, j), range(j, k)):
                    merged = word_changes(elements[old], elements[new], revisions)
                    if merged is None:
                        merged = table_changes(elements[old], elements[new], revisions)
                    if merged is None:
                        out_el += [elements[old], elements[new]]
                        out_rev += ["del", "ins"]
                    else:
                        moved[id(elements[old])] = moved[id(elements[new])] = merged
                        out_el.append(merged)
                        out_rev.append(None)
                i = k
                continue
        out_el.append(elements[i])
        out_rev.append(pieces[i].revision)
        i += 1
    return out_el, out_rev, moved


def _accept_in_copy(el) -> None:
    """The organisation's pending revisions, accepted in the copy (it is read as if accepted)."""
    for d in list(el.iter(qn("w:del"), qn("w:moveFrom"))):
        parent = d.getparent()
        if parent is not None:
            parent.remove(d)
    for i in list(el.iter(qn("w:ins"), qn("w:moveTo"))):
        parent = i.getparent()
        if parent is None:
            continue
        if parent.tag in (qn("w:rPr"), qn("w:trPr")):
            parent.remove(i)
            continue
        for child in list(i):
            i.addprevious(child)
        parent.remove(i)


def _strip_bookmarks(el, ids: set[str]) -> None:
    for b in list(el.iter(qn("w:bookmarkStart"))):
        if (b.get(qn("w:name")) or "").startswith((BOOKMARK_PREFIX, STATEMENT_PREFIX)):
            ids.add(b.get(qn("w:id")))
            b.getparent().remove(b)
    for b in list(el.iter(qn("w:bookmarkEnd"))):
        if b.get(qn("w:id")) in ids:
            b.getparent().remove(b)


def _copy_ours(el, ours_part, new_part, bookmark_ids: set[str]):
    """A copy of one of the organisation's paragraphs that is valid in the new package: its links and
    images related again, comment and note references (parts that are not carried over) removed."""
    el = copy.deepcopy(el)
    _accept_in_copy(el)
    _strip_bookmarks(el, bookmark_ids)
    for tag in ("w:commentRangeStart", "w:commentRangeEnd"):
        for c in list(el.iter(qn(tag))):
            c.getparent().remove(c)
    for tag in ("w:commentReference", "w:footnoteReference", "w:endnoteReference"):
        for c in list(el.iter(qn(tag))):
            r = c.getparent()
            if r is not None and r.getparent() is not None:
                r.getparent().remove(r)
    for node in el.iter():
        for attr, value in list(node.attrib.items()):
            if not attr.startswith(f"{{{_R_NS}}}"):
                continue
            rel = ours_part.rels.get(value)
            if rel is None:
                del node.attrib[attr]
            elif rel.is_external:
                node.set(attr, new_part.relate_to(rel.target_ref, rel.reltype, is_external=True))
            else:
                node.set(attr, new_part.relate_to(rel.target_part, rel.reltype))
    return el


def _bookmark(first, last, name: str, ident: int) -> None:
    ps = [first] if first.tag == qn("w:p") else list(first.iter(qn("w:p")))
    pe = [last] if last.tag == qn("w:p") else list(last.iter(qn("w:p")))
    if not ps or not pe:
        return
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(ident))
    start.set(qn("w:name"), name)
    ppr = ps[0].find(qn("w:pPr"))
    if ppr is not None:
        ppr.addnext(start)
    else:
        ps[0].insert(0, start)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(ident))
    pe[-1].append(end)


def _comment(document, el, lines: list[str], author: str) -> None:
    paragraphs = [el] if el.tag == qn("w:p") else list(el.iter(qn("w:p")))
    for p in paragraphs:
        runs = [r for r in p.findall(qn("w:r")) if r.find(qn("w:t")) is not None] or [
            r for r in p.iter(qn("w:r")) if r.find(qn("w:t")) is not None or r.find(qn("w:delText")) is not None]
        if runs:
            comment = document.add_comment([DocxRun(runs[0], None), DocxRun(runs[-1], None)], text=lines[0],
                                           author=author, initials="B")
            for line in lines[1:]:
                comment.add_paragraph(line)
            return


def apply_plan(new_docx: bytes, new_labels: list[str], ours_docx: bytes, plan: MergePlan,
               comments: dict[str, list[str]], bookmark_names: dict[str, str], when: dt.datetime,
               author: str = AUTHOR) -> bytes:
    """The new policy with each clause replaced by the plan's pieces, revisions and comments.

    ``new_labels``: the clause of each unit of ``new_docx``'s body; ``comments``: the lines of the comment
    for each clause that has one; ``bookmark_names``: the clause bookmarks the new payload names."""
    document = docx.Document(io.BytesIO(new_docx))
    body = document.element.body
    new_units = body_units(body)
    ours_document = docx.Document(io.BytesIO(ours_docx))
    ours_units = body_units(ours_document.element.body)
    revisions = _Revisions(author, when)

    # a placeholder where each clause of the new document starts; then its elements come out
    placeholders: dict[str, object] = {}
    new_ids: set[str] = set()
    for i, label in enumerate(new_labels):
        if not label or label.startswith("balises."):
            continue
        el = new_units[i].element
        if label not in placeholders:
            placeholders[label] = OxmlElement("w:p")
            el.addprevious(placeholders[label])
        _strip_bookmarks(el, new_ids)
        body.remove(el)

    ours_ids: set[str] = set()
    first_anchor = next(iter(placeholders.values()), None)
    cursor = None
    ident = 9000
    for merged in plan.clauses:
        elements = []
        for piece in merged.pieces:
            if piece.source == "new":
                el = new_units[piece.index].element
                if el.getparent() is not None:  # a new paragraph used twice: copy it
                    el = copy.deepcopy(el)
            else:
                el = _copy_ours(ours_units[piece.index].element, ours_document.part, document.part, ours_ids)
            elements.append(el)
        target = elements[merged.comment_at] if merged.comment_at is not None and merged.comment_at < len(
            elements) else None
        elements, kinds, moved = _combine(elements, merged.pieces, revisions)
        target = moved.get(id(target), target)
        anchor = placeholders.get(merged.clause)
        for el in elements:
            if anchor is not None:
                anchor.addprevious(el)
            elif cursor is not None:
                cursor.addnext(el)
                cursor = el
            elif first_anchor is not None:
                first_anchor.addprevious(el)
            else:
                body.find(qn("w:sectPr")).addprevious(el)
        if anchor is not None:
            cursor = anchor
        if elements and merged.clause in bookmark_names:
            ident += 1
            _bookmark(elements[0], elements[-1], bookmark_names[merged.clause], ident)
        lines = comments.get(merged.clause)
        if lines and target is not None:
            _comment(document, target, lines, author)
        for el, kind in zip(elements, kinds):
            if kind:
                revisions.mark(el, kind)
    for placeholder in placeholders.values():
        body.remove(placeholder)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- reading a redline back

def _resolve(xml_root, accept: bool) -> None:
    keep, drop = (qn("w:ins"), qn("w:del")) if accept else (qn("w:del"), qn("w:ins"))
    body = xml_root.find(qn("w:body"))
    # rows and paragraphs whose mark is dropped go entirely (whole-paragraph revisions are all we write)
    for tr in list(body.iter(qn("w:tr"))):
        trpr = tr.find(qn("w:trPr"))
        if trpr is not None and trpr.find(drop) is not None:
            tr.getparent().remove(tr)
    for tbl in list(body.iter(qn("w:tbl"))):
        if tbl.find(qn("w:tr")) is None:
            tbl.getparent().remove(tbl)
    for p in list(body.iter(qn("w:p"))):
        rpr = p.find(qn("w:pPr") + "/" + qn("w:rPr"))
        if rpr is not None and rpr.find(drop) is not None:
            texts = [t for t in p.iter(qn("w:t"), qn("w:delText"))
                     if not any(a.tag == drop for a in t.iterancestors())]
            if not any((t.text or "").strip() for t in texts):
                p.getparent().remove(p)
    for el in list(body.iter(drop)):
        if el.getparent() is not None and el.getparent().tag not in (qn("w:rPr"), qn("w:trPr")):
            el.getparent().remove(el)
    for el in list(body.iter(keep)):
        parent = el.getparent()
        if parent is None:
            continue
        if parent.tag in (qn("w:rPr"), qn("w:trPr")):
            parent.remove(el)
            continue
        for child in list(el):
            el.addprevious(child)
        parent.remove(el)
    for t in body.iter(qn("w:delText")):
        t.tag = qn("w:t")


def resolved_texts(docx_bytes: bytes, accept: bool) -> list[str]:
    """The body's unit texts once every revision is accepted (or rejected), as Word would leave them."""
    document = docx.Document(io.BytesIO(docx_bytes))
    root = copy.deepcopy(document.element)
    _resolve(root, accept)
    return [u.text for u in body_units(root.find(qn("w:body")))]


def revision_count(docx_bytes: bytes) -> dict[str, int]:
    document = docx.Document(io.BytesIO(docx_bytes))
    body = document.element.body
    return {"ins": len(list(body.iter(qn("w:ins")))), "del": len(list(body.iter(qn("w:del")))),
            "comments": len(list(body.iter(qn("w:commentReference"))))}


def body_of(docx_bytes: bytes) -> list:
    """The units of a Word file's body (for the update: what the organisation has now)."""
    document = docx.Document(io.BytesIO(docx_bytes))
    return body_units(document.element.body)


__all__ = ["AUTHOR", "apply_plan", "body_of", "resolved_texts", "revision_count", "W"]
