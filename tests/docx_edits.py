"""Edits an organisation makes to its adopted policy, done with python-docx (as Word would save them)."""

from __future__ import annotations

import copy
import io

import docx
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph


def open_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


def save(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def text_of(paragraph) -> str:
    """All the text of a paragraph, tracked insertions and deletions included (python-docx's ``text`` skips
    runs inside ``w:ins``)."""
    p = getattr(paragraph, "_p", paragraph)
    return "".join(t.text or "" for t in p.iter(qn("w:t"), qn("w:delText")))


def find(document, start: str) -> Paragraph:
    """The first body paragraph whose text starts with ``start`` (non-breaking spaces read as spaces)."""
    norm = lambda s: " ".join(s.replace("\u00a0", " ").replace("\u202f", " ").split())
    for p in document.paragraphs:
        if norm(text_of(p)).startswith(norm(start)):
            return p
    raise AssertionError(f"no paragraph starts with {start!r}")


def set_text(paragraph: Paragraph, text: str) -> None:
    runs = paragraph.runs
    for r in runs[1:]:
        r._r.getparent().remove(r._r)
    runs[0].text = text


def add_after(paragraph: Paragraph, text: str) -> Paragraph:
    new = copy.deepcopy(paragraph._p)
    for b in list(new.iter(qn("w:bookmarkStart"))) + list(new.iter(qn("w:bookmarkEnd"))):
        b.getparent().remove(b)
    paragraph._p.addnext(new)
    added = Paragraph(new, paragraph._parent)
    set_text(added, text)
    return added


def delete(paragraph: Paragraph) -> None:
    paragraph._p.getparent().remove(paragraph._p)


def clause_paragraphs(document, first: str, until: str) -> list[Paragraph]:
    """The paragraphs from the one whose text is ``first`` (a clause's heading) up to (not including) the one
    starting with ``until``."""
    out, inside = [], False
    norm = lambda s: " ".join(s.replace("\u00a0", " ").replace("\u202f", " ").split())
    for p in document.paragraphs:
        if not inside and norm(p.text) == norm(first):
            inside = True
        elif inside and norm(p.text).startswith(norm(until)):
            break
        if inside:
            out.append(p)
    assert out, first
    return out
