"""A Word file read back: its revisions accepted or rejected as Word and LibreOffice do, who has revisions
pending, the conflicts an update marked that nobody has settled yet, and what its properties say (created,
language)."""

from __future__ import annotations

import copy
import datetime as dt
import io
from dataclasses import dataclass

import docx
from docx.oxml.ns import qn
from lxml import etree

from balises.render.docx.revisions import ANCHORS, REV
from balises.render.docx.units import body_units

AUTHOR = "Balises"
# the first words of a conflict's comment: how the next update (and `balises update --check`) finds it
CONFLICT_HEADINGS = ("Balises — conflit", "Balises — conflict")
_W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
_W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_COMMENTS_EX = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"


def _join_into_next(p) -> None:
    """A paragraph whose mark goes: what is left of it joins the next paragraph (as in Word)."""
    nxt = p.getnext()
    while nxt is not None and nxt.tag != qn("w:p"):
        nxt = nxt.getnext()
    rest = [c for c in p if c.tag != qn("w:pPr")]
    if nxt is not None and any(c.tag not in ANCHORS for c in rest):
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
                if child is not change and child.tag not in REV:
                    holder.remove(child)
            for child in list(old if old is not None else []):
                change.addprevious(child)
        holder.remove(change)
    for t in root.iter(qn("w:delText")):
        t.tag = qn("w:t")
    for t in root.iter(qn("w:delInstrText")):
        t.tag = qn("w:instrText")
    for trpr in root.iter(qn("w:trPr")):
        for mark in [c for c in trpr if c.tag in REV]:
            trpr.remove(mark)
    for p in list(root.iter(qn("w:p"))):
        rpr = p.find(qn("w:pPr") + "/" + qn("w:rPr"))
        if rpr is None:
            continue
        marks = [c for c in rpr if c.tag in REV]
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


def created_on(docx_bytes: bytes) -> dt.date | None:
    """The day the Word file says it was created: a hint only (None when it does not say or cannot be read)."""
    try:
        created = docx.Document(io.BytesIO(docx_bytes)).core_properties.created
    except Exception:  # noqa: BLE001 - a date is only a hint
        return None
    return created.date() if created else None


def language_of(docx_bytes: bytes) -> str:
    """The language the Word file's properties declare ("fr-CA"), or "" (none, or not a Word file: the caller's
    own reading says so)."""
    try:
        return docx.Document(io.BytesIO(docx_bytes)).core_properties.language or ""
    except Exception:  # noqa: BLE001 - not a Word file: said by the caller's reading
        return ""
