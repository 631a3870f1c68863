"""The document model → a Word file, built on the pack's reference .docx."""

from __future__ import annotations

import copy
import datetime as dt
import io

import docx
from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Inches, Mm

from ..document import Heading, ListBlock, Paragraph, PolicyDocument, Run, Table
from ..embedding import CUSTOM_XML_PART, payload_xml
from ..errors import PackError
from .reference import FOOTER_MARKER, ORDERED_ABSTRACT_ID

W = nsdecls("w")

LABELS = {
    "fr": {"contents": "Table des matières", "version": "Version", "effective": "En vigueur le",
           "approved": "Adoptée par", "owner": "Responsable de la politique", "review": "Prochaine révision",
           "generated": "Document produit avec Balises (paquet {pack}) le {date}. Lisez-le, adaptez-le au besoin, "
                        "puis faites-le adopter."},
    "en": {"contents": "Contents", "version": "Version", "effective": "In force from",
           "approved": "Approved by", "owner": "Policy owner", "review": "Next review",
           "generated": "Drafted with Balises (pack {pack}) on {date}. Read it, adapt it where needed, then have "
                        "it approved."},
}


class _Writer:
    def __init__(self, document, lang: str):
        self.document = document
        self.body = document.element.body
        self.sect_pr = self.body.find(qn("w:sectPr"))
        self.part = document.part
        self.styles = {}
        self.lang = lang
        self._links: dict[str, str] = {}

    def style(self, name: str):
        if name not in self.styles:
            try:
                self.styles[name] = self.document.styles[name]
            except KeyError:
                raise PackError(f"Le document de référence n'a pas le style « {name} ».",
                                f"The reference document has no style '{name}'.") from None
        return self.styles[name]

    def paragraph(self, style: str, runs: list[Run] | None = None, text: str | None = None):
        p = self.document.add_paragraph(style=self.style(style))
        if text is not None:
            p.add_run(text)
        if runs:
            self.runs(p, runs)
        return p

    def runs(self, p, runs: list[Run]) -> None:
        for run in runs:
            if run.line_break:
                p.add_run().add_break()
            if not run.text:
                continue
            r = p.add_run(run.text)
            if run.bold:
                r.bold = True
            if run.italic:
                r.italic = True
            if run.link:
                self._hyperlink(p, r, run.link)

    def _hyperlink(self, p, r, url: str) -> None:
        r_id = self._links.get(url)
        if r_id is None:
            r_id = self._links[url] = self.part.relate_to(url, RT.HYPERLINK, is_external=True)
        r.style = self.style("Hyperlink")
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), r_id)
        r._r.addprevious(link)
        link.append(r._r)

    def heading(self, level: int, runs: list[Run], page_break: bool = False, numbered: bool = True):
        p = self.paragraph(f"Heading {level}", runs)
        if page_break:
            p.paragraph_format.page_break_before = True
        if not numbered:
            num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_numId().val = 0  # numId 0: no number for this heading
        return p

    def list(self, block: ListBlock, depth: int = 0) -> None:
        num_id = None
        if block.ordered:
            numbering = self.part.numbering_part.element
            num = numbering.add_num(ORDERED_ABSTRACT_ID)
            num.add_lvlOverride(ilvl=depth).add_startOverride(1)
            num_id = num.numId
        for item in block.items:
            if block.ordered:
                p = self.paragraph("List Number" if depth == 0 else f"List Number {min(depth + 1, 3)}", item.runs)
                num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
                num_pr.get_or_add_ilvl().val = depth
                num_pr.get_or_add_numId().val = num_id
            else:
                self.paragraph("List Bullet" if depth == 0 else f"List Bullet {min(depth + 1, 3)}", item.runs)
            for child in item.children:
                self.list(child, depth + 1)

    def table(self, block: Table) -> None:
        cols = max([len(block.header), *[len(r) for r in block.rows]] or [1])
        table = self.document.add_table(rows=1 + len(block.rows), cols=cols)
        table.style = self.style("Table Grid")
        rows = table.rows
        header = rows[0]
        tr_pr = header._tr.get_or_add_trPr()
        tr_pr.append(parse_xml(f'<w:tblHeader {W}/>'))  # the header repeats on every page
        for j in range(cols):
            cell = header.cells[j]
            runs = block.header[j] if j < len(block.header) else []
            self._cell(cell, [r.model_copy(update={"bold": True}) for r in runs], shade=True)
        for i, row in enumerate(block.rows, start=1):
            cells = rows[i].cells
            for j in range(cols):
                self._cell(cells[j], row[j] if j < len(row) else [])
        self.document.add_paragraph(style=self.style("Normal")).paragraph_format.space_after = 0

    def _cell(self, cell, runs: list[Run], shade: bool = False) -> None:
        p = cell.paragraphs[0]
        p.paragraph_format.space_after = 0
        self.runs(p, runs)
        if shade:
            cell._tc.get_or_add_tcPr().append(parse_xml(f'<w:shd {W} w:val="clear" w:color="auto" w:fill="DCE8EA"/>'))

    def page_break(self) -> None:
        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _toc(writer: _Writer, doc: PolicyDocument, template) -> None:
    """The reference's table-of-contents field, its cached result filled with this policy's headings, so it
    reads right before Word updates it (LibreOffice shows the cached result)."""
    sdt = copy.deepcopy(template)
    instr = sdt.find(".//" + qn("w:instrText"))
    instr_text = instr.text if instr is not None else ' TOC \\o "1-1" \\h \\z \\u '
    content = sdt.find(qn("w:sdtContent"))
    for child in list(content):
        content.remove(child)
    entries = [(f"{s.number}.\u00a0{s.title}" if s.kind == "body" else s.heading(doc.meta.lang)) for s in doc.sections]
    for i, text in enumerate(entries):
        p = OxmlElement("w:p")
        p.append(parse_xml(f'<w:pPr {W}><w:pStyle w:val="TOC1"/></w:pPr>'))
        if i == 0:
            # dirty: Word recomputes the table (with page numbers) when it opens the file
            p.append(parse_xml(f'<w:r {W}><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'))
            r = parse_xml(f'<w:r {W}><w:instrText xml:space="preserve"></w:instrText></w:r>')
            r[0].text = instr_text
            p.append(r)
            p.append(parse_xml(f'<w:r {W}><w:fldChar w:fldCharType="separate"/></w:r>'))
        r = parse_xml(f'<w:r {W}><w:t xml:space="preserve"></w:t></w:r>')
        r[0].text = text
        p.append(r)
        if i == len(entries) - 1:
            p.append(parse_xml(f'<w:r {W}><w:fldChar w:fldCharType="end"/></w:r>'))
        content.append(p)
    writer.sect_pr.addprevious(sdt)


def _footer(document, text: str) -> None:
    for section in document.sections:
        for footer in (section.footer, section.even_page_footer):
            for t in footer._element.iter(qn("w:t")):
                if t.text and FOOTER_MARKER in t.text:
                    t.text = t.text.replace(FOOTER_MARKER, text)


def _language(document, locale: str) -> None:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
    if rpr is None:
        return
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), locale)


def _properties(document, doc: PolicyDocument) -> None:
    meta = doc.meta
    props = document.core_properties
    props.title = meta.title
    props.subject = f"{meta.title} – {meta.organisation}"
    props.author = meta.organisation
    props.last_modified_by = "Balises"
    props.language = meta.locale
    props.keywords = "IA; AI; politique; policy; Balises"
    props.comments = f"Balises {meta.pack}"
    props.category = meta.version
    moment = dt.datetime.combine(meta.generated_on, dt.time(12, 0))
    props.created = moment
    props.modified = moment
    props.revision = 1


def render_docx(doc: PolicyDocument, reference: bytes) -> bytes:
    try:
        document = docx.Document(io.BytesIO(reference))
    except Exception as exc:  # a broken reference .docx in a pack
        raise PackError(f"Document de référence illisible : {exc}", f"Unreadable reference document: {exc}") from None
    meta = doc.meta
    labels = LABELS[meta.lang]
    writer = _Writer(document, meta.lang)
    body = writer.body
    toc_template = body.find(qn("w:sdt"))
    for child in list(body):
        if child is not writer.sect_pr:
            body.remove(child)

    section = document.sections[0]
    if meta.locale.endswith("-CA"):
        section.page_width, section.page_height = Inches(8.5), Inches(11)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(22)
    section.top_margin = section.bottom_margin = Mm(20)
    _language(document, meta.locale)

    # title page
    writer.paragraph("Title", text=meta.title)
    writer.paragraph("Subtitle", text=meta.subtitle)
    from ..templating import format_date

    for key, value in (("version", meta.version), ("effective", format_date(meta.effective_date, meta.locale)),
                       ("approved", meta.approved_by), ("owner", meta.owner_role),
                       ("review", format_date(meta.next_review, meta.locale) if meta.next_review else None)):
        if value:
            sep = "\u00a0: " if meta.locale.startswith("fr") else ": "
            writer.paragraph("Title Page Detail", [Run(text=labels[key] + sep, bold=True), Run(text=value)])
    if meta.preamble:
        writer.paragraph("Note", text=meta.preamble)
    writer.paragraph("Note", text=labels["generated"].format(pack=meta.pack,
                                                              date=format_date(meta.generated_on, meta.locale)))
    for notice in doc.notices:
        writer.paragraph("Note", text=notice)

    if toc_template is not None and len(doc.sections) > 1:
        p = writer.paragraph("TOC Heading", text=labels["contents"])
        p.paragraph_format.page_break_before = True
        _toc(writer, doc, toc_template)

    for i, sec in enumerate(doc.sections):
        writer.heading(1, [Run(text=sec.heading(meta.lang) if sec.kind == "annex" else sec.title)],
                       page_break=(i == 0 or sec.kind == "annex"), numbered=sec.kind == "body")
        for clause in sec.clauses:
            for block in clause.blocks:
                if isinstance(block, Heading):
                    writer.heading(min(block.level, 4), block.runs,
                                   numbered=sec.kind == "body" and block.level == 2)
                elif isinstance(block, Paragraph):
                    writer.paragraph({"body": "Normal", "note": "Note", "quote": "Note"}[block.style], block.runs)
                elif isinstance(block, ListBlock):
                    writer.list(block)
                elif isinstance(block, Table):
                    writer.table(block)

    _footer(document, meta.footer)
    _properties(document, doc)
    part = Part(PackURI(CUSTOM_XML_PART), "application/xml", payload_xml(doc), document.part.package)
    document.part.relate_to(part, RT.CUSTOM_XML)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
