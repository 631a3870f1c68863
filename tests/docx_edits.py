"""Edits an organisation makes to its adopted policy, done with python-docx (as Word would save them)."""

from __future__ import annotations

import copy
import io

import docx
from docx.oxml import OxmlElement
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


# ---------------------------------------------------------------- what else people do to a Word document

AUTHOR = "Camille Roy"  # the colleague who edits, comments and proposes changes
WHEN = "2026-10-15T09:30:00Z"
_ids = iter(range(700, 100000))


def _mark(kind: str, author: str = AUTHOR):
    el = OxmlElement(f"w:{kind}")
    el.set(qn("w:id"), str(next(_ids)))
    el.set(qn("w:author"), author)
    el.set(qn("w:date"), WHEN)
    return el


def _text_run(text: str, deleted: bool = False):
    r = OxmlElement("w:r")
    t = OxmlElement("w:delText" if deleted else "w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    r.append(t)
    return r


def track_insert(paragraph: Paragraph, text: str, author: str = AUTHOR) -> None:
    """A colleague's pending insertion at the end of the paragraph (Review › Track Changes on)."""
    ins = _mark("ins", author)
    ins.append(_text_run(text))
    paragraph._p.append(ins)


def track_delete(paragraph: Paragraph, phrase: str, author: str = AUTHOR) -> None:
    """A colleague's pending deletion of ``phrase`` (the paragraph's runs made one plain run first)."""
    text = text_of(paragraph)
    at = text.index(phrase)
    set_text(paragraph, text[:at])
    deleted = _mark("del", author)
    deleted.append(_text_run(phrase, deleted=True))
    paragraph.runs[0]._r.addnext(deleted)
    deleted.addnext(_text_run(text[at + len(phrase):]))


def track_new_paragraph(paragraph: Paragraph, text: str, author: str = AUTHOR) -> Paragraph:
    """A whole paragraph a colleague proposes after ``paragraph`` (its runs and its mark inserted)."""
    added = add_after(paragraph, "")
    for r in list(added._p.findall(qn("w:r"))):
        added._p.remove(r)
    ins = _mark("ins", author)
    ins.append(_text_run(text))
    added._p.append(ins)
    ppr = added._p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        ppr.append(rpr)
    rpr.append(_mark("ins", author))
    return added


def comment(document, paragraph: Paragraph, text: str, author: str = AUTHOR):
    """A comment on the whole paragraph (Review › New Comment)."""
    runs = [r for r in paragraph.runs if r.text] or paragraph.runs
    return document.add_comment(runs, text=text, author=author, initials="CR")


_NOTES = {"footnote": ("footnotes", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"),
          "endnote": ("endnotes", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes")}


def note(document, paragraph: Paragraph, text: str, kind: str = "footnote") -> None:
    """A footnote (or endnote) at the end of the paragraph, its part made when the document has none."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import XmlPart
    from docx.oxml import parse_xml

    plural, reltype = _NOTES[kind]
    part = next((r.target_part for r in document.part.rels.values() if r.reltype == reltype), None)
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    if part is None:
        xml = (f'<w:{plural} {w}>'
               f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
               f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
               f'</w:p></w:{kind}></w:{plural}>')
        content_type = f"application/vnd.openxmlformats-officedocument.wordprocessingml.{plural}+xml"
        part = XmlPart(PackURI(f"/word/{plural}.xml"), content_type, parse_xml(xml), document.part.package)
        document.part.relate_to(part, reltype)
    ident = 1 + max([int(n.get(qn("w:id"))) for n in part.element.findall(qn(f"w:{kind}"))] + [0])
    part.element.append(parse_xml(
        f'<w:{kind} {w} w:id="{ident}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
        f'<w:{kind}Ref/></w:r><w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:{kind}>'))
    paragraph._p.append(parse_xml(f'<w:r {w}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                                  f'<w:{kind}Reference w:id="{ident}"/></w:r>'))


def png(color=(200, 60, 40), size=(60, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def picture_after(paragraph: Paragraph, image: bytes | None = None) -> Paragraph:
    """An image in a paragraph of its own after ``paragraph`` (Insert › Picture)."""
    from docx.shared import Mm

    added = add_after(paragraph, "")
    for r in list(added._p.findall(qn("w:r"))):
        added._p.remove(r)
    ppr = added._p.find(qn("w:pPr"))
    if ppr is not None:
        added._p.remove(ppr)
    added.add_run().add_picture(io.BytesIO(image or png()), width=Mm(30))
    return added


def header_logo(document, image: bytes | None = None) -> None:
    """A logo in the header of every page (Insert › Header)."""
    from docx.shared import Mm

    for section in document.sections:
        section.header.is_linked_to_previous = False
        section.header.paragraphs[0].add_run().add_picture(io.BytesIO(image or png((30, 80, 90))), width=Mm(25))


def footer_add(document, text: str) -> None:
    """Words added at the end of the footer's first line."""
    for section in document.sections:
        for footer in (section.footer,):
            p = next((p for p in footer.paragraphs if p.text.strip()), None)
            if p is not None:
                p.runs[0].text = p.runs[0].text + text


def restyle(document, paragraph: Paragraph, name: str, base: str = "Normal", color: str = "7A1F5C"):
    """A style of the organisation's own, made and applied (Home › Styles › New style)."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import RGBColor

    try:
        style = document.styles[name]
    except KeyError:
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles[base]
        style.font.color.rgb = RGBColor.from_string(color)
    paragraph.style = style
    return style


def list_format(document, paragraph: Paragraph, num_fmt: str = "lowerLetter", text: str = "%1)") -> None:
    """The numbering of the list ``paragraph`` is in, changed for the whole list (a), b), c)…)."""
    num_id = paragraph._p.pPr.numPr.numId.val
    numbering = document.part.numbering_part.element
    num = next(n for n in numbering.findall(qn("w:num")) if n.numId == num_id)
    abstract_id = num.abstractNumId.val
    abstract = next(a for a in numbering.findall(qn("w:abstractNum"))
                    if a.get(qn("w:abstractNumId")) == str(abstract_id))
    lvl = next(lv for lv in abstract.findall(qn("w:lvl")) if lv.get(qn("w:ilvl")) == "0")
    lvl.find(qn("w:numFmt")).set(qn("w:val"), num_fmt)
    lvl.find(qn("w:lvlText")).set(qn("w:val"), text)


def swap(first: Paragraph, second: Paragraph) -> None:
    """``second`` moved before ``first`` (cut and paste)."""
    first._p.addprevious(second._p)


def bold_word(paragraph: Paragraph, word: str) -> None:
    """``word`` in bold (the paragraph's runs made one plain run first)."""
    text = text_of(paragraph)
    at = text.index(word)
    set_text(paragraph, text[:at])
    run = paragraph.add_run(word)
    run.bold = True
    paragraph.add_run(text[at + len(word):])


def page_break_before(paragraph: Paragraph) -> None:
    paragraph.paragraph_format.page_break_before = True
