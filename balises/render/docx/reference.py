"""Builds the default pack's reference .docx: styles, heading numbering, footer fields, table of contents.

python-docx has no API for fields or multi-level numbering, so they live in this reference document (as
pandoc's --reference-doc does) and the renderer only fills it. A pack may ship its own reference.docx
(fonts, colours, a logo in the header) as long as it keeps the same style names and the ``BALISES_FOOTER``
marker; ``balises pack init`` copies this one as a starting point. Whatever a pack's reference holds is
checked when the pack is loaded (:func:`balises.render.docx.package.clean_reference`).

Run ``python -m balises.render.docx.reference policy_templates/reference.docx`` to rebuild it.
"""

from __future__ import annotations

import io
import sys

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, RGBColor

FONT = "Arial"  # present in Word; LibreOffice uses the metric-compatible Liberation Sans
ACCENT = RGBColor(0x1F, 0x4E, 0x5A)
FOOTER_MARKER = "BALISES_FOOTER"
HEADING_NUM_ID = 50
BULLET_NUM_ID = 51
ORDERED_ABSTRACT_ID = 52  # ordered lists: the renderer adds one w:num per list so each restarts at 1

W = nsdecls("w")


def _heading_numbering() -> str:
    levels = []
    for ilvl, (style, text, indent) in enumerate([("Heading1", "%1.", 0), ("Heading2", "%1.%2", 0),
                                                  ("Heading3", "%1.%2.%3", 0)]):
        levels.append(
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
            f'<w:pStyle w:val="{style}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{indent + 0}" w:hanging="0"/></w:pPr></w:lvl>')
    return (f'<w:abstractNum {W} w:abstractNumId="{HEADING_NUM_ID}"><w:multiLevelType w:val="multilevel"/>'
            + "".join(levels) + "</w:abstractNum>")


def _bullets() -> str:
    marks = ["•", "–", "▪", "•", "–"]
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="{m}"/>'
        f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{360 * (i + 1)}" w:hanging="360"/></w:pPr>'
        f'<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}"/></w:rPr></w:lvl>'
        for i, m in enumerate(marks))
    return (f'<w:abstractNum {W} w:abstractNumId="{BULLET_NUM_ID}"><w:multiLevelType w:val="hybridMultilevel"/>'
            + levels + "</w:abstractNum>")


def _ordered() -> str:
    fmts = [("decimal", "%1."), ("lowerLetter", "%2)"), ("lowerRoman", "%3."), ("decimal", "%4."),
            ("lowerLetter", "%5)")]
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{f}"/><w:lvlText w:val="{t}"/>'
        f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{360 * (i + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
        for i, (f, t) in enumerate(fmts))
    return (f'<w:abstractNum {W} w:abstractNumId="{ORDERED_ABSTRACT_ID}">'
            f'<w:multiLevelType w:val="hybridMultilevel"/>' + levels + "</w:abstractNum>")


def _add_numbering(document) -> None:
    numbering = document.part.numbering_part.element
    first_num = numbering.find(qn("w:num"))
    for xml in (_heading_numbering(), _bullets(), _ordered()):
        # abstractNum elements must come before every w:num
        if first_num is not None:
            first_num.addprevious(parse_xml(xml))
        else:
            numbering.append(parse_xml(xml))
    for num_id, abstract in ((HEADING_NUM_ID, HEADING_NUM_ID), (BULLET_NUM_ID, BULLET_NUM_ID)):
        numbering.append(parse_xml(f'<w:num {W} w:numId="{num_id}"><w:abstractNumId w:val="{abstract}"/></w:num>'))


def _set_num(style, num_id: int | None, ilvl: int = 0) -> None:
    ppr = style.element.get_or_add_pPr()
    ppr._remove_numPr()
    if num_id is None:
        return
    # numId 0 cancels numbering inherited from a base style (TOC Heading is based on Heading 1)
    num_pr = ppr.get_or_add_numPr()  # python-docx keeps the schema's element order
    num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = num_id


_PPR_AFTER_BORDER = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:contextualSpacing",
                     "w:jc", "w:outlineLvl", "w:rPr")


def _insert_border(ppr, border) -> None:
    """Insert w:pBdr where the schema wants it (Word refuses elements out of order)."""
    for tag in _PPR_AFTER_BORDER:
        nxt = ppr.find(qn(tag))
        if nxt is not None:
            nxt.addprevious(border)
            return
    ppr.append(border)




def _font(style, size: float | None = None, bold: bool | None = None, italic: bool | None = None,
          color: RGBColor | None = None) -> None:
    rpr = style.element.get_or_add_rPr()
    for tag in ("w:rFonts",):
        old = rpr.find(qn(tag))
        if old is not None:
            rpr.remove(old)
    style.font.name = FONT
    if size:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    if italic is not None:
        style.font.italic = italic
    if color is not None:
        style.font.color.rgb = color


def _spacing(style, before: float, after: float, keep: bool = False) -> None:
    pf = style.paragraph_format
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    if keep:
        pf.keep_with_next = True


def _toc_block() -> str:
    """A table-of-contents field inside a content control; the renderer fills its cached entries."""
    return (
        f'<w:sdt {W}><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/><w:docPartUnique/>'
        '</w:docPartObj></w:sdtPr><w:sdtContent>'
        '<w:p><w:pPr><w:pStyle w:val="TOC1"/><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="9350"/></w:tabs>'
        '</w:pPr><w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-2" \\h \\z \\u </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>TOC</w:t></w:r></w:p>'
        '<w:p><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        '</w:sdtContent></w:sdt>')


def _field(instr: str) -> str:
    return (f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> {instr} '
            f'</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
            f'<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def _footer(section) -> None:
    section.different_first_page_header_footer = True  # no footer on the title page
    footer = section.footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    # the Footer style's own tabs (centre 4680, right 9360) are cleared: with a short footer text (in English),
    # the tab stopped at the centre one and "Page 3 / 53" ran into the text
    p_xml = (f'<w:p {W}><w:pPr><w:pStyle w:val="Footer"/><w:tabs><w:tab w:val="clear" w:pos="4680"/>'
             f'<w:tab w:val="right" w:pos="9350"/><w:tab w:val="clear" w:pos="9360"/></w:tabs>'
             f'</w:pPr><w:r><w:t xml:space="preserve">{FOOTER_MARKER}</w:t></w:r><w:r><w:tab/></w:r>'
             f'<w:r><w:t xml:space="preserve">Page </w:t></w:r>{_field("PAGE")}'
             f'<w:r><w:t xml:space="preserve"> / </w:t></w:r>{_field("NUMPAGES")}</w:p>')
    p._p.addprevious(parse_xml(p_xml))
    p._p.getparent().remove(p._p)


def build_reference() -> bytes:
    document = docx.Document()
    styles = document.styles

    # defaults: font, size, language (the renderer sets the document's own language)
    rpr_default = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr_default.find(qn("w:rFonts"))
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)

    normal = styles["Normal"]
    _font(normal, 10.5)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15

    for name, size, before, after in (("Heading 1", 15, 20, 8), ("Heading 2", 12, 12, 4), ("Heading 3", 11, 10, 3),
                                      ("Heading 4", 10.5, 8, 2)):
        style = styles[name]
        _font(style, size, bold=True, italic=False, color=ACCENT if name != "Heading 4" else None)
        _spacing(style, before, after, keep=True)
    _set_num(styles["Heading 1"], HEADING_NUM_ID, 0)
    _set_num(styles["Heading 2"], HEADING_NUM_ID, 1)

    title = styles["Title"]
    _font(title, 26, bold=True, color=ACCENT)
    title.paragraph_format.space_before = Pt(120)
    subtitle = styles["Subtitle"]
    _font(subtitle, 16, italic=False, color=RGBColor(0x40, 0x40, 0x40))
    _set_num(subtitle, 0)

    for name, level in (("List Bullet", 0), ("List Bullet 2", 1), ("List Bullet 3", 2)):
        _set_num(styles[name], BULLET_NUM_ID, level)
        styles[name].paragraph_format.space_after = Pt(3)
    for name in ("List Number", "List Number 2", "List Number 3"):
        _set_num(styles[name], None)  # numbering is given per list, so that each list restarts
        styles[name].paragraph_format.space_after = Pt(3)

    note = styles.add_style("Note", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = normal
    _font(note, 10, italic=True, color=RGBColor(0x33, 0x33, 0x33))
    note.paragraph_format.left_indent = Pt(14)
    _insert_border(note.element.get_or_add_pPr(), parse_xml(
        f'<w:pBdr {W}><w:left w:val="single" w:sz="12" w:space="8" w:color="1F4E5A"/></w:pBdr>'))

    small = styles.add_style("Title Page Detail", WD_STYLE_TYPE.PARAGRAPH)
    small.base_style = normal
    _font(small, 11, color=RGBColor(0x40, 0x40, 0x40))

    link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = RGBColor(0x1F, 0x5F, 0x9E)
    link.font.underline = True

    for level in (1, 2):
        toc = styles.add_style(f"TOC {level}", WD_STYLE_TYPE.PARAGRAPH)
        toc.base_style = normal
        toc.element.set(qn("w:styleId"), f"TOC{level}")
        toc.paragraph_format.left_indent = Pt(0 if level == 1 else 14)
        toc.paragraph_format.space_after = Pt(2 if level == 2 else 4)
        if level == 1:
            toc.font.bold = True
    toc_heading = styles["TOC Heading"]
    _set_num(toc_heading, 0)
    _font(toc_heading, 15, bold=True, color=ACCENT)

    table = styles["Table Grid"]
    table.font.size = Pt(9.5)

    _add_numbering(document)
    _footer(document.sections[0])

    body = document.element.body
    body.insert(0, parse_xml(_toc_block()))

    # No w:updateFields in the settings: Word would open the policy with a question about updating fields.
    # The table of contents is marked dirty instead, and its entries are pre-filled by the renderer.

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def main(argv: list[str]) -> int:
    target = argv[1] if len(argv) > 1 else "policy_templates/reference.docx"
    with open(target, "wb") as fh:
        fh.write(build_reference())
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

