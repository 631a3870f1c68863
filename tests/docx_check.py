"""What a Word file holds that acts or reaches out when it is opened, found by parsing every part: the tests'
own check of Balises' outputs, written apart from balises/render/docx/package.py so that it does not share
its mistakes.

``active_content(docx)`` lists, one line each: external relationships (but a hyperlink to http(s) or mailto),
internal ones that point outside the package, relationship and content types of macros, OLE, ActiveX,
imported or embedded files; ``altChunk``, ``subDoc``, ``object``, ``control``, ``OLEObject``,
``attachedTemplate``, ``mailMerge``, ``frameset`` elements; fields that fetch, include or run something;
URLs in VML/SVG address attributes; DTDs; more than one set of Balises' embedded answers.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from lxml import etree

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
PAYLOAD = "urn:balises:policy:1"
FETCHING_FIELDS = re.compile(r"^\s*(INCLUDEPICTURE|INCLUDETEXT|INCLUDE|LINK|DDEAUTO|DDE|IMPORT|EMBED|DATABASE|"
                             r"MACROBUTTON|AUTOTEXT|RD)\b", re.IGNORECASE)
SAFE = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
URL = re.compile(r"^\s*([a-z][a-z0-9+.\-]*:|\\\\|//)", re.IGNORECASE)
ACTIVE_WORDS = ("vbaproject", "vbadata", "oleobject", "activex", "keymapcustomizations", "attachedtoolbars",
                "webextension", "macroenabled", "spreadsheetml", "text/html", "xhtml", "rfc822", "application/rtf")
ACTIVE_RELS = ("oleObject", "package", "aFChunk", "subDocument", "attachedTemplate", "vbaProject", "wordVbaData",
               "control", "frame", "mailMergeSource", "keyMapCustomizations", "attachedToolbars", "webextension")
ACTIVE_ELEMENTS = {"altChunk", "subDoc", "object", "control", "OLEObject", "attachedTemplate", "mailMerge",
                   "frameset", "updateFields", "script", "foreignObject"}


def _fields(root) -> list[str]:
    codes, stack = [], []
    for el in root.iter(W + "fldChar", W + "instrText", W + "delInstrText"):
        if el.tag != W + "fldChar":
            (stack[-1] if stack else codes).append(el.text or "")
            continue
        kind = el.get(W + "fldCharType")
        if kind == "begin":
            stack.append([])
        elif kind == "end" and stack:
            codes.append("".join(stack.pop()))
    codes += ["".join(s) for s in stack]
    codes += [s.get(W + "instr", "") for s in root.iter(W + "fldSimple")]
    return codes


def active_content(docx: bytes | str | Path) -> list[str]:
    data = docx if isinstance(docx, bytes) else Path(docx).read_bytes()
    found: list[str] = []
    payloads = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        for name in names:
            raw = archive.read(name)
            lower = name.lower()
            if any(w in lower for w in ("vbaproject", "activex", "embeddings/", "oleobject")):
                found.append(f"{name}: active part")
            if not name.endswith((".xml", ".rels")):
                continue
            root = etree.fromstring(raw, PARSER)
            if root.getroottree().docinfo.internalDTD is not None:
                found.append(f"{name}: DTD")
            if name == "[Content_Types].xml":
                for entry in root:
                    kind = (entry.get("ContentType") or "").lower()
                    if any(w in kind for w in ACTIVE_WORDS):
                        found.append(f"{name}: content type {kind}")
                continue
            if name.endswith(".rels"):
                for rel in root.iter(RELS + "Relationship"):
                    kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
                    target = rel.get("Target") or ""
                    if rel.get("TargetMode", "Internal") != "Internal":
                        if not (kind == "hyperlink" and SAFE.match(target)):
                            found.append(f"{name}: external {kind} -> {target}")
                    elif URL.match(target) or "\\" in target:
                        found.append(f"{name}: internal {kind} -> {target}")
                    if kind in ACTIVE_RELS:
                        found.append(f"{name}: {kind} relationship")
                continue
            if etree.QName(root).namespace == PAYLOAD:
                payloads += 1
            for el in root.iter():
                if not isinstance(el.tag, str):
                    continue
                if etree.QName(el).localname in ACTIVE_ELEMENTS:
                    found.append(f"{name}: {etree.QName(el).localname} element")
                for attr, value in el.attrib.items():
                    if etree.QName(attr).localname in ("href", "src", "link") and URL.match(value) \
                            and not value.startswith(("#", "data:")):
                        found.append(f"{name}: {etree.QName(attr).localname}={value}")
            for code in _fields(root):
                link = re.match(r'\s*HYPERLINK\s+"?([^"\s]+)', code, re.IGNORECASE)
                if FETCHING_FIELDS.match(code) or (link and not link.group(1).startswith("\\")
                                                   and not SAFE.match(link.group(1))):
                    found.append(f"{name}: field {code.strip()}")
    if payloads > 1:
        found.append(f"{payloads} sets of embedded answers")
    return found
