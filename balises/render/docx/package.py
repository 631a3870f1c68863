"""Every Word file Balises reads, opened as a package and parsed, never grepped: a pack's reference document
(copied into every policy) and an adopted policy (merged into its new version) alike.

:func:`open_docx` reads the zip within bounds (parts, sizes once inflated, no encryption, plain names), parses
every XML part whatever its declared encoding (UTF-8 or UTF-16, as Office Open XML allows; DTDs and entities
refused, depth and element count bounded), then keeps only what is on the allow-lists below:

- parts by content type (the document, styles, numbering, headers and footers, footnotes, endnotes, comments
  and their companions, settings, fonts, theme, properties, custom XML, charts and diagrams, images whose
  bytes are what their type says);
- relationships by type, internal ones pointing inside the package; the only external one kept is a
  hyperlink to ``http(s):`` or ``mailto:`` (followed only when the reader clicks);
- field codes (PAGE, TOC, REF, HYPERLINK to a safe address…; never INCLUDEPICTURE, INCLUDETEXT, LINK, DDE…).

What is not allowed is removed and reported (:attr:`Package.findings`, ``(fr, en)`` each): lint, ``pack
verify`` and the update's report say it; nothing is carried into a policy. Macros, OLE objects and links,
ActiveX controls, imported HTML (``altChunk``), sub-documents, remote or UNC images, ``javascript:`` or
``file:`` links, a mail-merge data source, a second set of Balises' embedded answers: all go.

Plain ``zipfile`` and lxml: no python-docx here, so that the embedded answers can be read without it.
"""

from __future__ import annotations

import functools
import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote
from xml.parsers import expat

from lxml import etree

from balises.errors import BalisesError, InputFileError, PackError

PAYLOAD_NAMESPACE = "urn:balises:policy:1"  # Balises' embedded answers (balises.render.embedding)


@dataclass(frozen=True)
class Limits:
    """What a package may hold before it is refused (exit 2, the limit named)."""

    parts: int
    part_bytes: int  # one part, once inflated (an image)
    total_bytes: int  # all parts, once inflated
    xml_bytes: int  # one XML part: its parsed tree takes about 50 times its size in memory
    elements: int  # XML elements, all parts together
    depth: int  # XML nesting (a table in a table in a table…); lxml itself stops at 256
    paragraphs: int  # paragraphs of the main document


# a pack's reference: styles, a header, a footer, a logo
REFERENCE_LIMITS = Limits(parts=500, part_bytes=16 * 1024 * 1024, total_bytes=64 * 1024 * 1024,
                          xml_bytes=16 * 1024 * 1024, elements=1_000_000, depth=160, paragraphs=5_000)
# an adopted policy: 6 to 40 pages with the organisation's additions, comments and images (its document.xml:
# 40 to 800 kB); the largest accepted updates in about 20 s within 500 MB (benchmarks/bench_merge.py)
ADOPTED_LIMITS = Limits(parts=1_000, part_bytes=16 * 1024 * 1024, total_bytes=64 * 1024 * 1024,
                        xml_bytes=8 * 1024 * 1024, elements=1_000_000, depth=160, paragraphs=20_000)

# ---------------------------------------------------------------- namespaces and allow-lists

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_W = f"{{{W_NS}}}"
_OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships/"
_MS_REL = "http://schemas.microsoft.com/office/"
MAIN_RELATIONSHIP = _OFFICE_REL + "officeDocument"
HYPERLINK = _OFFICE_REL + "hyperlink"

ALLOWED_RELATIONSHIPS = frozenset(
    [_OFFICE_REL + t for t in (
        "officeDocument", "styles", "settings", "webSettings", "fontTable", "theme", "themeOverride", "numbering",
        "footnotes", "endnotes", "comments", "header", "footer", "image", "hyperlink", "customXml",
        "customXmlProps", "extended-properties", "custom-properties", "font", "glossaryDocument", "chart",
        "chartUserShapes", "diagramData", "diagramLayout", "diagramQuickStyle", "diagramColors",
        "printerSettings")]
    + [_PACKAGE_REL + "metadata/core-properties", _PACKAGE_REL + "metadata/thumbnail"]
    + [_MS_REL + t for t in (
        "2007/relationships/stylesWithEffects", "2007/relationships/diagramDrawing", "2011/relationships/people",
        "2011/relationships/commentsExtended", "2011/relationships/chartStyle",
        "2011/relationships/chartColorStyle", "2016/09/relationships/commentsIds",
        "2018/08/relationships/commentsExtensible", "2020/02/relationships/classificationlabels")])

_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
_DML = "application/vnd.openxmlformats-officedocument.drawingml."
MAIN_TYPE = _WML + "document.main+xml"
MAIN_TYPES = {
    MAIN_TYPE: None,
    _WML + "template.main+xml": ("un modèle (.dotx)", "a template (.dotx)"),
    "application/vnd.ms-word.document.macroEnabled.main+xml": ("ses macros", "its macros"),
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": ("ses macros", "its macros"),
}
XML_TYPES = frozenset(
    [MAIN_TYPE, "application/xml", "text/xml", "application/vnd.openxmlformats-package.relationships+xml"]
    + [_WML + t + "+xml" for t in (
        "styles", "settings", "webSettings", "fontTable", "numbering", "footnotes", "endnotes", "comments",
        "header", "footer", "document.glossary", "commentsExtended", "commentsIds", "commentsExtensible",
        "people")]
    + ["application/vnd.ms-word.stylesWithEffects+xml", "application/vnd.openxmlformats-officedocument.theme+xml",
       "application/vnd.openxmlformats-officedocument.themeOverride+xml",
       "application/vnd.openxmlformats-package.core-properties+xml",
       "application/vnd.openxmlformats-officedocument.extended-properties+xml",
       "application/vnd.openxmlformats-officedocument.custom-properties+xml",
       "application/vnd.openxmlformats-officedocument.customXmlProperties+xml",
       "application/vnd.ms-office.drawingml.diagramDrawing+xml", "application/vnd.ms-office.chartstyle+xml",
       "application/vnd.ms-office.chartcolorstyle+xml", "application/vnd.ms-office.classificationlabels+xml",
       "image/svg+xml"]
    + [_DML + t + "+xml" for t in ("chart", "chartshapes", "diagramData", "diagramLayout", "diagramStyle",
                                   "diagramColors")])
# binary parts: images are checked by their first bytes, so that a part typed image/png is a PNG
_IMAGES = {
    "image/png": (b"\x89PNG\r\n\x1a\n",), "image/x-png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",), "image/jpg": (b"\xff\xd8\xff",), "image/pjpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"), "image/bmp": (b"BM",), "image/x-bmp": (b"BM",),
    "image/tiff": (b"II*\x00", b"MM\x00*"),
    "image/x-emf": (b"\x01\x00\x00\x00",), "image/emf": (b"\x01\x00\x00\x00",),
    "image/x-wmf": (b"\xd7\xcd\xc6\x9a", b"\x01\x00\x09\x00", b"\x02\x00\x09\x00"),
    "image/wmf": (b"\xd7\xcd\xc6\x9a", b"\x01\x00\x09\x00", b"\x02\x00\x09\x00"),
}
INERT_BINARY = frozenset(["application/vnd.openxmlformats-officedocument.obfuscatedFont", "application/x-font-ttf",
                          "application/x-fontdata", _WML + "printerSettings"])
# what the parts and relationships that are refused are, for the report
_ACTIVE = {
    "vbaProject": ("macros (VBA)", "macros (VBA)"), "vbaData": ("macros (VBA)", "macros (VBA)"),
    "oleObject": ("objet OLE", "OLE object"), "activeX": ("contrôle ActiveX", "ActiveX control"),
    "control": ("contrôle ActiveX", "ActiveX control"), "package": ("fichier incorporé", "embedded file"),
    "aFChunk": ("contenu importé (altChunk)", "imported content (altChunk)"),
    "subDocument": ("sous-document", "sub-document"), "attachedTemplate": ("modèle attaché", "attached template"),
    "keyMapCustomizations": ("raccourcis personnalisés", "custom key map"),
    "attachedToolbars": ("barres d'outils", "toolbars"), "frame": ("cadre web", "web frame"),
    "webextension": ("complément web", "web add-in"), "mailMergeSource": ("source de publipostage",
                                                                        "mail-merge data source"),
}
# fields that only show something of the document itself (page numbers, contents, cross-references, dates,
# properties, form fields, formulas); every other one (INCLUDEPICTURE, INCLUDETEXT, INCLUDE, LINK, EMBED,
# DDE, DDEAUTO, IMPORT, DATABASE, RD, MACROBUTTON, AUTOTEXT, mail merge…) is removed, its result kept as text
ALLOWED_FIELDS = frozenset("""
    PAGE NUMPAGES SECTIONPAGES SECTION TOC TC TOA TA INDEX XE PAGEREF REF NOTEREF STYLEREF SEQ HYPERLINK DATE TIME
    CREATEDATE SAVEDATE PRINTDATE EDITTIME TITLE SUBJECT AUTHOR LASTSAVEDBY KEYWORDS COMMENTS DOCPROPERTY
    DOCVARIABLE NUMWORDS NUMCHARS FILENAME TEMPLATE SYMBOL FORMTEXT FORMCHECKBOX FORMDROPDOWN LISTNUM AUTONUM
    AUTONUMLGL AUTONUMOUT ADVANCE EQ = IF COMPARE QUOTE BIDIOUTLINE CITATION BIBLIOGRAPHY USERNAME USERINITIALS
    SHAPE""".split())
_SAFE_LINK = re.compile(r"^(?:https?://|mailto:)", re.I)
_URL = re.compile(r"^\s*(?:[a-z][a-z0-9+.\-]*:|\\\\|//)", re.I)  # a scheme, a \\host\share or //host path
_FETCHED_URL = re.compile(r"^\s*(?:(?:https?|file|ftp|smb|webdav)s?:|\\\\|//)", re.I)
_URL_ATTRIBUTES = {"href", "src", "link"}  # VML's o:href, v:imagedata/@src... (namespace URIs are left alone)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_HOLDERS = {_W + t for t in ("drawing", "pict", "object", "control")}
_DROPPED = {  # elements that import, embed or fetch, whatever their relationship says
    _W + "altChunk": ("contenu importé (altChunk)", "imported content (altChunk)"),
    _W + "subDoc": ("sous-document", "sub-document"),
    _W + "object": ("objet OLE", "OLE object"),
    _W + "control": ("contrôle ActiveX", "ActiveX control"),
    "{urn:schemas-microsoft-com:office:office}OLEObject": ("objet OLE", "OLE object"),
    _W + "attachedTemplate": ("modèle attaché", "attached template"),
    _W + "mailMerge": ("source de publipostage", "mail-merge data source"),
    _W + "updateFields": ("mise à jour des champs à l'ouverture", "update of the fields on opening"),
    _W + "saveThroughXslt": ("transformation XSLT", "XSLT transform"),
    _W + "frameset": ("cadre web", "web frame"),
}
_SVG_NS = "http://www.w3.org/2000/svg"
# what the element pass looks at, found by lxml's C code (a walk in Python took most of the check's time)
_RELATIONSHIP_ATTRIBUTES = etree.XPath("//@r:*", namespaces={"r": R_NS})
_ADDRESS_ATTRIBUTES = etree.XPath("//@*[local-name()='href' or local-name()='src' or local-name()='link']")


def _candidates(root) -> list:
    """Elements dropped whatever they point to, then those with a relationship or an address attribute."""
    found = list(root.iter(*_DROPPED))
    for attribute in (*_RELATIONSHIP_ATTRIBUTES(root), *_ADDRESS_ATTRIBUTES(root)):
        found.append(attribute.getparent())
    return list(dict.fromkeys(found))


# ---------------------------------------------------------------- the result

@dataclass
class Package:
    """A Word file's parts once checked: ``parts`` in zip order (XML parts in UTF-8), ``findings`` what was
    removed, ``(fr, en)`` each. Parsed XML parts are kept (:meth:`xml`): parse once, use many times."""

    source: str
    parts: dict[str, bytes]
    content_types: dict[str, str]  # part name -> its content type
    main: str  # the main document part (word/document.xml)
    findings: list[tuple[str, str]] = field(default_factory=list)
    original: bytes | None = None  # the bytes read, when nothing was changed
    _trees: dict = field(default_factory=dict, repr=False)

    def xml(self, name: str):
        """The parsed root element of part ``name`` (a hardened parse of the checked part)."""
        if name not in self._trees:
            self._trees[name] = parse_part(name, self.parts[name], self.source)
        return self._trees[name]

    def relationships(self, name: str) -> dict[str, tuple[str, str, bool]]:
        """Part ``name``'s relationships: id -> (type, target part or URL, external)."""
        rels_name = rels_of(name)
        if rels_name not in self.parts:
            return {}
        out = {}
        for rel in self.xml(rels_name).iter(f"{{{RELS_NS}}}Relationship"):
            external = rel.get("TargetMode", "Internal") != "Internal"
            target = rel.get("Target", "") if external else resolve(name, rel.get("Target", ""))
            out[rel.get("Id", "")] = (rel.get("Type", ""), target, external)
        return out

    def to_bytes(self) -> bytes:
        """The package as a .docx (the very bytes read when nothing was removed)."""
        if self.original is not None:
            return self.original
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.parts.items():
                archive.writestr(name, data)
        return out.getvalue()


# ---------------------------------------------------------------- reading the zip

def _refuse(error: type[BalisesError], source: str, fr: str, en: str) -> BalisesError:
    return error(f"{source} : {fr}", f"{source}: {en}")


def shown(text: str, limit: int = 80) -> str:
    """A value from the file as a message may quote it: control characters (terminal escapes, line breaks)
    shown as ``\\x..``, cut to ``limit`` characters."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else "\\u"
                        f"{ord(m.group()):04x}", str(text))
    return text if len(text) <= limit else text[:limit - 1] + "…"


def read_zip(data: bytes, source: str, limits: Limits = ADOPTED_LIMITS, error: type[BalisesError] = InputFileError,
             wanted: Callable[[str], bool] | None = None) -> dict[str, bytes]:
    """The parts of a zip package (those ``wanted`` only, if given), refusing what could exhaust memory or
    be read differently by another program: more than ``limits.parts`` entries, parts larger once inflated
    than the limits (the declared size: zipfile stops there and refuses a part that inflates to more),
    encryption, compressions other than deflate, names that are absolute, climb out (``..``), use
    backslashes or appear twice."""
    parts: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > limits.parts:
                raise _refuse(error, source, f"trop de parties ({len(infos)} ; au plus {limits.parts}).",
                              f"too many parts ({len(infos)}; at most {limits.parts}).")
            seen: set[str] = set()
            total = 0
            for info in infos:
                name = info.filename
                shown_name = shown(name)
                if (name.startswith("/") or "\\" in name or any(p in ("..", ".") for p in name.split("/"))
                        or _CONTROL.search(name)):
                    raise _refuse(error, source, f"nom de partie refusé : {shown_name}.",
                                  f"part name refused: {shown_name}.")
                if name.lower() in seen:  # two programs could each read another one
                    raise _refuse(error, source, f"partie en double : {shown_name}.",
                                  f"part appears twice: {shown_name}.")
                seen.add(name.lower())
                if info.flag_bits & 0x1:
                    raise _refuse(error, source, f"partie chiffrée : {shown_name}.", f"encrypted part: {shown_name}.")
                if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    raise _refuse(error, source,
                                  f"{shown_name} : compression non prise en charge ({info.compress_type}).",
                                  f"{shown_name}: unsupported compression ({info.compress_type}).")
                if info.is_dir() or (wanted is not None and not wanted(name)):
                    continue  # never inflated: its size does not matter
                total += info.file_size
                if info.file_size > limits.part_bytes:
                    raise _refuse(error, source, f"{shown_name} : partie trop volumineuse une fois décompressée "
                                                 f"({info.file_size} octets ; maximum {limits.part_bytes}).",
                                  f"{shown_name}: part too large once uncompressed ({info.file_size} bytes; "
                                  f"at most {limits.part_bytes}).")
                if total > limits.total_bytes:
                    raise _refuse(error, source, f"document trop volumineux une fois décompressé (plus de "
                                                 f"{limits.total_bytes} octets).",
                                  f"document too large once uncompressed (more than {limits.total_bytes} bytes).")
                parts[name] = archive.read(info)
    except BalisesError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, RuntimeError, ValueError,
            OSError) as exc:
        raise _refuse(error, source, f"ce n'est pas un document Word (.docx), ou il est endommagé ({shown(exc)}).",
                      f"not a Word document (.docx), or a damaged one ({shown(exc)}).") from None
    return parts


# ---------------------------------------------------------------- parsing one XML part

# entities not substituted, no DTD loaded, nothing fetched, libxml2's limits kept (depth 256, text nodes 10 MB)
_PARSER = etree.XMLParser(encoding="utf-8", resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False, remove_comments=False)
_DEEPER: dict[int, str] = {}  # limit -> the XPath that finds an element below it


class _Stop(Exception):
    pass


class _Doctype(Exception):
    pass


def _encoding(raw: bytes) -> str | None:
    """The encoding a part declares (byte order mark, then the XML declaration); None when it names one that
    Office Open XML does not allow (only UTF-8 and UTF-16)."""
    for bom, name in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if raw.startswith(bom):
            return name
    if raw.startswith(b"<\x00?\x00"):
        return "utf-16-le"
    if raw.startswith(b"\x00<\x00?"):
        return "utf-16-be"
    declared = re.match(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._\-]+)[\"']", raw[:200])
    name = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    return {"utf-8": "utf-8", "utf8": "utf-8", "utf-16": "utf-16"}.get(name)


def parse_part(name: str, raw: bytes, source: str, error: type[BalisesError] = InputFileError,
               limits: Limits = ADOPTED_LIMITS, budget: list[int] | None = None):
    """Part ``name`` parsed: UTF-8 or UTF-16 (as declared), no DTD, no entity, at most ``limits.depth``
    levels deep and ``budget[0]`` elements (decremented). Raises ``error`` naming the part otherwise.
    Thread-safe: lxml keeps a parser's state per thread."""
    part = shown(name)
    if len(raw) > limits.xml_bytes:
        raise _refuse(error, source, f"{part} : partie XML trop volumineuse ({len(raw)} octets ; maximum "
                                     f"{limits.xml_bytes}).",
                      f"{part}: XML part too large ({len(raw)} bytes; at most {limits.xml_bytes}).")
    encoding = _encoding(raw)
    if encoding is None:
        raise _refuse(error, source, f"{part} : encodage refusé (UTF-8 ou UTF-16 seulement).",
                      f"{part}: encoding refused (UTF-8 or UTF-16 only).")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _refuse(error, source, f"{part} : texte illisible en {encoding} (octet {exc.start}).",
                      f"{part}: not readable as {encoding} (byte {exc.start}).") from None
    utf8 = text.encode("utf-8")
    refused = _refuse(error, source, f"{part} : DTD ou entité XML refusée.", f"{part}: XML DTD or entity refused.")
    # the prolog first, with expat: a DTD is refused before any entity in it is expanded
    prolog = expat.ParserCreate("UTF-8")

    def doctype(*args):
        raise _Doctype()

    def stop(*args):
        raise _Stop()

    prolog.StartDoctypeDeclHandler = doctype
    prolog.EntityDeclHandler = doctype
    prolog.StartElementHandler = stop
    try:
        prolog.Parse(utf8, True)
    except _Doctype:
        raise refused from None
    except (_Stop, expat.ExpatError):
        pass  # the root element is reached (or the XML is broken: lxml says where, below)
    nested = _refuse(error, source, f"{part} : contenu imbriqué sur plus de {limits.depth} niveaux (des tableaux "
                                    "dans des tableaux ?).",
                     f"{part}: content nested more than {limits.depth} levels deep (tables within tables?).")
    try:
        root = etree.fromstring(utf8, _PARSER)
    except etree.XMLSyntaxError as exc:
        if "depth" in str(exc).lower():  # libxml2's own limit (256 levels), reached before ours is counted
            raise nested from None
        raise _refuse(error, source, f"{part} : XML invalide ({shown(exc, 160)}).",
                      f"{part}: invalid XML ({shown(exc, 160)}).") from None
    # counted in lxml's C code: the elements, and whether any lies deeper than the limit (the part's size,
    # bounded before it is inflated, bounds the memory this parse takes: 16 MB of XML, about 400 MB at worst)
    budget = budget if budget is not None else [limits.elements]
    budget[0] -= int(root.xpath("count(//*)"))
    if budget[0] < 0:
        raise _refuse(error, source, f"trop d'éléments XML (plus de {limits.elements}).",
                      f"too many XML elements (more than {limits.elements}).")
    if root.xpath(_DEEPER.get(limits.depth) or _DEEPER.setdefault(limits.depth, "boolean(" + "/".join(
            ["*"] * limits.depth) + ")")):
        raise nested
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        raise refused
    return root


def serialise(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# ---------------------------------------------------------------- names, content types, relationships

def rels_of(name: str) -> str:
    """``word/document.xml`` -> ``word/_rels/document.xml.rels``; ``""`` (the package) -> ``_rels/.rels``."""
    folder, _, file = name.rpartition("/")
    return f"{folder}/_rels/{file}.rels" if folder else f"_rels/{file}.rels"


def owner_of(rels_name: str) -> str:
    """``word/_rels/footer1.xml.rels`` -> ``word/footer1.xml``; ``_rels/.rels`` -> ``""``."""
    folder, _, file = rels_name.rpartition("_rels/")
    return folder + file[:-len(".rels")]


def resolve(source_part: str, target: str) -> str | None:
    """The part an internal relationship of ``source_part`` points to, or None when the target is not a
    part name of this package (a URL, a UNC path, a climb out of it)."""
    target = unquote(target.strip())
    if not target or _URL.match(target) or "\\" in target:
        return None
    folder = source_part.rpartition("/")[0]
    path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
    normal = posixpath.normpath(path)
    if normal.startswith(("../", "/")) or normal in ("..", "."):
        return None
    return normal


def _content_types(root) -> tuple[dict[str, str], dict[str, str]]:
    defaults = {d.get("Extension", "").lower(): d.get("ContentType", "") for d in root.iter(f"{{{CT_NS}}}Default")}
    overrides = {o.get("PartName", "").lstrip("/").lower(): o.get("ContentType", "")
                 for o in root.iter(f"{{{CT_NS}}}Override")}
    return defaults, overrides


def _kind(rel_type: str) -> str:
    return rel_type.rstrip("/").rsplit("/", 1)[-1]


def _label(kind: str, lang: int) -> str:
    return _ACTIVE[kind][lang] if kind in _ACTIVE else kind


# ---------------------------------------------------------------- the check

def open_docx(data: bytes, source: str, limits: Limits = ADOPTED_LIMITS, error: type[BalisesError] = InputFileError,
              answers: str = "one") -> Package:
    """``data`` as a checked package. ``answers``: what to do with Balises' embedded answers: ``"one"`` (an
    adopted policy: at most one set, else refused) or ``"drop"`` (a pack's reference: removed, reported)."""
    parts = read_zip(data, source, limits, error)
    _not_a_package(parts, source, error)
    return _Check(parts, data, source, limits, error, answers).run()


def _not_a_package(parts: dict[str, bytes], source: str, error: type[BalisesError]) -> None:
    if "[Content_Types].xml" not in parts:
        if parts.get("mimetype", b"").startswith(b"application/vnd.oasis.opendocument"):
            raise _refuse(error, source, "document OpenDocument (.odt) : enregistrez-le au format Word (.docx).",
                          "an OpenDocument file (.odt): save it as a Word document (.docx).")
        raise _refuse(error, source, "ce n'est pas un document Word (.docx).", "not a Word document (.docx).")


def _main_target(rels_root, names) -> str | None:
    """The main document part the package's relationships name, if it is in the package."""
    for rel in rels_root.iter(f"{{{RELS_NS}}}Relationship"):
        if rel.get("Type") == MAIN_RELATIONSHIP and rel.get("TargetMode", "Internal") == "Internal":
            target = resolve("", rel.get("Target", ""))
            if target in names:
                return target
    return None


def _type_of(name: str, defaults: dict[str, str], overrides: dict[str, str]) -> str:
    """A part's content type: its own (Override), else its extension's (Default)."""
    file = name.rpartition("/")[2]
    return overrides.get(name.lower()) or defaults.get(file.rpartition(".")[2].lower() if "." in file else "", "")


def _word_main(kind: str, source: str, error: type[BalisesError]) -> None:
    """Refuse a main part that is not a Word document's (a workbook's, a presentation's…)."""
    if kind in MAIN_TYPES:
        return
    what = (("un classeur (.xlsx)", "a spreadsheet (.xlsx)") if "spreadsheetml" in kind else
            ("une présentation (.pptx)", "a presentation (.pptx)") if "presentationml" in kind else
            (shown(kind) or "?",) * 2)
    raise _refuse(error, source, f"ce n'est pas un document Word (.docx) mais {what[0]}.",
                  f"not a Word document (.docx) but {what[1]}.")


def check_word(data: bytes, source: str, error: type[BalisesError] = InputFileError) -> None:
    """Refuse what is not a Word package (a workbook or an OpenDocument file carrying Balises' answers), reading
    only the package's content types and relationships."""
    wanted = ("[Content_Types].xml", "_rels/.rels", "mimetype")
    parts = read_zip(data, source, ADOPTED_LIMITS, error, wanted=lambda n: n in wanted)
    _not_a_package(parts, source, error)
    names = read_names(data)
    main = _main_target(parse_part("_rels/.rels", parts["_rels/.rels"], source, error), names) \
        if "_rels/.rels" in parts else None
    defaults, overrides = _content_types(parse_part("[Content_Types].xml", parts["[Content_Types].xml"], source,
                                                    error))
    _word_main(_type_of(main, defaults, overrides) if main else "", source, error)


class _Check:
    """One pass over a package: parts, relationships, then elements and fields."""

    def __init__(self, parts, data, source, limits, error, answers):
        self.parts: dict[str, bytes] = parts
        self.data = data
        self.source = source
        self.limits = limits
        self.error = error
        self.answers = answers
        self.budget = [limits.elements]
        self.trees: dict[str, object] = {}
        self.changed: set[str] = set()
        self.findings: list[tuple[str, str]] = []
        self.removed_ids: dict[str, set[str]] = {}  # part -> ids of its relationships removed

    def refuse(self, fr: str, en: str) -> BalisesError:
        return _refuse(self.error, self.source, fr, en)

    def found(self, fr: str, en: str) -> None:
        self.findings.append((fr, en))

    def tree(self, name: str):
        if name not in self.trees:
            self.trees[name] = parse_part(name, self.parts[name], self.source, self.error, self.limits, self.budget)
        return self.trees[name]

    # -- parts

    def content_type(self, name: str) -> str:
        return _type_of(name, self.defaults, self.overrides)

    def run(self) -> Package:
        self.defaults, self.overrides = _content_types(self.tree("[Content_Types].xml"))
        main = self.main_part()
        types = {n: self.content_type(n) for n in self.parts}
        # every XML part is parsed (whatever it is, so that a bomb or a DTD anywhere is refused)
        for name in self.parts:
            if name.endswith((".xml", ".rels")) or types[name] in XML_TYPES or types[name].endswith("+xml"):
                self.tree(name)
        self.main_type(main, types)
        for name in list(self.parts):
            if name == "[Content_Types].xml" or name.endswith(".rels"):
                continue
            reason = self.refused_part(name, types[name])
            if reason:
                self.remove_part(name, *reason)
        self.relationships()
        self.unreachable(main)
        for name in list(self.parts):
            if name in self.trees and not name.endswith(".rels") and name != "[Content_Types].xml":
                self.elements(name)
        self.count_paragraphs(main)
        self.drop_overrides()
        return self.package(main)

    def main_part(self) -> str:
        if "_rels/.rels" not in self.parts:
            raise self.refuse("ce n'est pas un document Word (aucune relation de paquet).",
                              "not a Word document (no package relationships).")
        target = _main_target(self.tree("_rels/.rels"), self.parts)
        if target:
            return target
        raise self.refuse("ce n'est pas un document Word (aucun document principal).",
                          "not a Word document (no main document).")

    def main_type(self, main: str, types: dict[str, str]) -> None:
        kind = types[main]
        _word_main(kind, self.source, self.error)
        if MAIN_TYPES[kind] is not None:  # a template or a macro-enabled file: read as a plain document
            fr, en = MAIN_TYPES[kind]
            self.found(f"{main} : document lu comme un document Word ordinaire, sans {fr}",
                       f"{main}: read as a plain Word document, without {en}")
            self.overrides[main.lower()] = MAIN_TYPE
            ct = self.tree("[Content_Types].xml")
            for override in ct.iter(f"{{{CT_NS}}}Override"):
                if override.get("PartName", "").lstrip("/").lower() == main.lower():
                    override.set("ContentType", MAIN_TYPE)
                    break
            else:
                etree.SubElement(ct, f"{{{CT_NS}}}Override", PartName="/" + main, ContentType=MAIN_TYPE)
            self.changed.add("[Content_Types].xml")
            types[main] = MAIN_TYPE

    def refused_part(self, name: str, kind: str) -> tuple[str, str] | None:
        """Why part ``name`` (of content type ``kind``) cannot stay, or None."""
        if kind in XML_TYPES:
            if kind == "image/svg+xml":
                self.svg(name)
            elif name.startswith("customXml/") and etree.QName(self.tree(name)).namespace == PAYLOAD_NAMESPACE:
                if self.answers == "drop":
                    return ("des réponses Balises intégrées (seules celles de la politique comptent)",
                            "Balises' embedded answers (only the policy's own count)")
            return None
        if kind in _IMAGES:
            if not self.parts[name].startswith(_IMAGES[kind]):
                return (f"une image {kind} qui n'en est pas une", f"an image typed {kind} that is not one")
            return None
        if kind in INERT_BINARY:
            return None
        label = next((v for k, v in _ACTIVE.items() if k.lower() in kind.lower() or k.lower() in name.lower()), None)
        kind_shown = shown(kind) or "?"
        if label:
            return (f"{label[0]} ({kind_shown})", f"{label[1]} ({kind_shown})")
        return (f"une partie de type {kind_shown}", f"a part of type {kind_shown}")

    def remove_part(self, name: str, fr: str, en: str) -> None:
        self.found(f"{shown(name)} : {fr} retiré(e)", f"{shown(name)}: {en} removed")
        self.parts.pop(name, None)
        self.parts.pop(rels_of(name), None)
        self.trees.pop(name, None)
        self.trees.pop(rels_of(name), None)

    def svg(self, name: str) -> None:
        """An SVG image: scripts, foreign content, styles and references outside itself removed."""
        root = self.tree(name)
        touched = False
        for el in list(root.iter()):
            if not isinstance(el.tag, str):
                continue
            local = etree.QName(el).localname
            if local in ("script", "foreignObject", "style", "iframe") and el.getparent() is not None:
                el.getparent().remove(el)
                touched = True
                continue
            for attr, value in list(el.attrib.items()):
                local_attr = etree.QName(attr).localname
                if (local_attr == "href" and not value.strip().startswith(("#", "data:image/"))) \
                        or local_attr.startswith("on") or (local_attr == "style" and "url(" in value.lower()):
                    del el.attrib[attr]
                    touched = True
        if touched:
            self.found(f"{shown(name)} : script ou référence externe retiré de l'image SVG",
                       f"{shown(name)}: script or external reference removed from the SVG image")
            self.changed.add(name)

    # -- relationships

    def relationships(self) -> None:
        for rels_name in [n for n in self.parts if n.endswith(".rels")]:
            owner = owner_of(rels_name)
            if owner and owner not in self.parts:
                self.parts.pop(rels_name)
                self.trees.pop(rels_name, None)
                continue
            root = self.tree(rels_name)
            for rel in list(root.iter(f"{{{RELS_NS}}}Relationship")):
                reason = self.refused_relationship(owner, rel)
                if reason is None:
                    continue
                root.remove(rel)
                self.changed.add(rels_name)
                self.removed_ids.setdefault(owner, set()).add(rel.get("Id", ""))
                if reason:
                    self.found(*reason)

    def refused_relationship(self, owner: str, rel) -> tuple[str, str] | tuple[()] | None:
        """Why relationship ``rel`` of part ``owner`` goes ((fr, en); () when it goes silently), or None."""
        rel_type, target, mode = rel.get("Type", ""), rel.get("Target", ""), rel.get("TargetMode", "Internal")
        kind, where, shown_target = shown(_kind(rel_type)), shown(owner or "_rels/.rels"), shown(target)
        if mode != "Internal":
            if rel_type == HYPERLINK and mode == "External" and _SAFE_LINK.match(target.strip()) \
                    and not _CONTROL.search(target):
                return None
            return (f"{where} : relation externe {kind} vers {shown_target} retirée",
                    f"{where}: external {kind} relationship to {shown_target} removed")
        if rel_type not in ALLOWED_RELATIONSHIPS:
            label = _kind(rel_type)
            return (f"{where} : relation {_label(label, 0)} vers {shown_target} retirée",
                    f"{where}: {_label(label, 1)} relationship to {shown_target} removed")
        part = resolve(owner, target)
        if part is None:
            return (f"{where} : relation {kind} vers {shown_target}, hors du document, retirée",
                    f"{where}: {kind} relationship to {shown_target}, outside the document, removed")
        if part not in self.parts:
            return ()  # a part that is not there (or was just removed, and said so)
        return None

    def unreachable(self, main: str) -> None:
        """Parts no relationship leads to (from the package's own) are removed: nothing could use them but a
        program that looks for them by name."""
        reached, todo = {""}, [""]
        while todo:
            part = todo.pop()
            rels_name = rels_of(part) if part else "_rels/.rels"
            if rels_name not in self.parts:
                continue
            for rel in self.tree(rels_name).iter(f"{{{RELS_NS}}}Relationship"):
                if rel.get("TargetMode", "Internal") != "Internal":
                    continue
                target = resolve(part, rel.get("Target", ""))
                if target in self.parts and target not in reached:
                    reached.add(target)
                    todo.append(target)
        for name in list(self.parts):
            if name == "[Content_Types].xml" or name.endswith(".rels") or name in reached:
                continue
            self.remove_part(name, "partie qu'aucune relation n'utilise", "part no relationship uses")
        if main not in reached:
            raise self.refuse("ce n'est pas un document Word (document principal introuvable).",
                              "not a Word document (main document missing).")

    # -- elements and fields

    def elements(self, name: str) -> None:
        root = self.tree(name)
        if name.startswith("customXml/") or etree.QName(root).namespace in (_SVG_NS, PAYLOAD_NAMESPACE):
            return  # data, not document content
        ids = self.removed_ids.get(name, set())
        where = shown(name)
        touched = False
        removed: set = set()
        for el in _candidates(root):
            if el in removed or any(a in removed for a in el.iterancestors()):
                continue  # inside something already removed
            if el.tag in _DROPPED:
                fr, en = _DROPPED[el.tag]
                parent = el.getparent()
                holder = parent if el.tag.endswith("}OLEObject") and parent is not None \
                    and parent.tag in _HOLDERS else el
                if holder.getparent() is not None:
                    holder.getparent().remove(holder)
                    removed.add(holder)
                    self.found(f"{where} : {fr} retiré(e)", f"{where}: {en} removed")
                    touched = True
                continue
            for attr, value in list(el.attrib.items()):
                if attr.startswith(f"{{{R_NS}}}") and value in ids:
                    touched = True
                    gone = _drop_reference(el, attr, ids)
                    if gone is not None:
                        removed.add(gone)
                    break
                if etree.QName(attr).localname in _URL_ATTRIBUTES and _FETCHED_URL.match(value):
                    del el.attrib[attr]
                    touched = True
                    local = etree.QName(attr).localname
                    self.found(f"{where} : adresse externe {shown(value)} retirée ({local})",
                               f"{where}: external address {shown(value)} removed ({local})")
        touched = self.fields(name, root) or touched
        if touched:
            self.changed.add(name)

    def fields(self, name: str, root) -> bool:
        touched = False
        for code, elements in _complex_fields(root):
            if field_allowed(code):
                continue
            self.found(f"{shown(name)} : champ {shown(code.strip())} retiré",
                       f"{shown(name)}: field {shown(code.strip())} removed")
            for el in elements:  # the code and its marks go; its last result stays as plain text
                if el.getparent() is not None:
                    el.getparent().remove(el)
            touched = True
        for simple in list(root.iter(_W + "fldSimple")):
            code = simple.get(_W + "instr", "")
            if field_allowed(code):
                continue
            self.found(f"{shown(name)} : champ {shown(code.strip())} retiré",
                       f"{shown(name)}: field {shown(code.strip())} removed")
            _unwrap(simple)
            touched = True
        return touched

    def count_paragraphs(self, main: str) -> None:
        count = sum(1 for _ in self.tree(main).iter(_W + "p"))
        if count > self.limits.paragraphs:
            raise self.refuse(f"{shown(main)} : trop de paragraphes ({count} ; au plus {self.limits.paragraphs}).",
                              f"{shown(main)}: too many paragraphs ({count}; at most {self.limits.paragraphs}).")

    def drop_overrides(self) -> None:
        """Content types of parts no longer there, and defaults of a type no part may have (an update writes
        into this package: a ``text/html`` default would otherwise go on into the new version)."""
        ct = self.tree("[Content_Types].xml")
        for override in list(ct.iter(f"{{{CT_NS}}}Override")):
            if override.get("PartName", "").lstrip("/") not in self.parts:
                ct.remove(override)
                self.changed.add("[Content_Types].xml")
        for default in list(ct.iter(f"{{{CT_NS}}}Default")):
            kind = default.get("ContentType", "")
            if kind not in XML_TYPES and kind not in _IMAGES and kind not in INERT_BINARY:
                ct.remove(default)
                self.changed.add("[Content_Types].xml")

    def package(self, main: str) -> Package:
        answers = [n for n in self.parts if n.startswith("customXml/") and n in self.trees
                   and etree.QName(self.trees[n]).namespace == PAYLOAD_NAMESPACE]
        if self.answers == "one" and len(answers) > 1:
            raise self.refuse(f"plusieurs jeux de réponses intégrées ({', '.join(answers)}) : le document a été "
                              "modifié hors de Word ou de LibreOffice.",
                              f"several sets of embedded answers ({', '.join(answers)}): the document was altered "
                              "outside Word or LibreOffice.")
        parts: dict[str, bytes] = {}
        rewritten = False
        for name, raw in self.parts.items():  # changed parts, and those in UTF-16, written in UTF-8
            if name in self.changed or (name in self.trees and _encoding(raw) not in ("utf-8", "utf-8-sig")):
                raw = serialise(self.trees[name])
                rewritten = True
            parts[name] = raw
        unchanged = not self.findings and not rewritten and len(parts) == len(read_names(self.data))
        types = {n: self.content_type(n) for n in parts}
        package = Package(self.source, parts, types, main, self.findings, self.data if unchanged else None)
        package._trees.update(self.trees)
        return package


def read_names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [i.filename for i in archive.infolist() if not i.is_dir()]


def _unwrap(element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    index = parent.index(element)
    for child in list(element):
        parent.insert(index, child)
        index += 1
    parent.remove(element)


_SELF_ONLY = {"hlinkClick", "hlinkHover", "hlinkMouseOver", "externalData", "headerReference", "footerReference",
              "attachedTemplate", "altChunk", "subDoc", "saveThroughXslt"}


def _drop_reference(element, attr: str, removed: set[str]):
    """An element that points to a removed relationship: a link is unwrapped (its text stays), a linked
    picture that also has its embedded copy keeps the copy, a link on a picture goes (the picture stays),
    anything else goes with its drawing or object. Returns what left the tree, if anything."""
    if element.tag == _W + "hyperlink":
        _unwrap(element)
        return None  # its children are now its parent's
    others = [a for a, v in element.attrib.items() if a.startswith(f"{{{R_NS}}}") and a != attr and v not in removed]
    if others:
        del element.attrib[attr]
        return None
    local = etree.QName(element).localname
    if local in _SELF_ONLY:
        target = element
    elif local == "svgBlip":  # the SVG twin of a picture (in an a:ext): the picture stays
        target = element.getparent() if element.getparent() is not None else element
    else:
        node = element
        while node is not None and node.tag not in _HOLDERS:
            node = node.getparent()
        target = node if node is not None else element
    if target.getparent() is not None:
        target.getparent().remove(target)
    return target


def _complex_fields(root) -> list[tuple[str, list]]:
    """Each complex field of a part: its code (the text of its ``w:instrText``, ``w:delInstrText`` at its own
    level, in order: Word splits codes over runs) and its elements to remove if refused (marks and code)."""
    out: list[tuple[list, list]] = []
    stack: list[tuple[list, list]] = []
    for el in root.iter(_W + "fldChar", _W + "instrText", _W + "delInstrText"):
        if el.tag != _W + "fldChar":
            if stack:
                stack[-1][0].append(el.text or "")
                stack[-1][1].append(el)
            else:
                out.append(([el.text or ""], [el]))  # a code outside any field: checked alone
            continue
        kind = el.get(_W + "fldCharType")
        if kind == "begin":
            stack.append(([], [el]))
            out.append(stack[-1])
        elif stack:
            stack[-1][1].append(el)
            if kind == "end":
                stack.pop()
    return [("".join(code), elements) for code, elements in out]


_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')


def field_allowed(code: str) -> bool:
    """Whether a field with this code only shows something of the document itself."""
    code = code.strip()
    if code.startswith("="):
        return True
    match = re.match(r"([A-Za-z]+)", code)
    if not match or match.group(1).upper() not in ALLOWED_FIELDS:
        return False
    if match.group(1).upper() != "HYPERLINK":
        return True
    tokens = [q if q is not None else t for q, t in _TOKEN.findall(code[match.end():])]
    skip = False
    for token in tokens:  # the address is the first argument that is not a switch or a switch's value
        if skip:
            skip = False
            continue
        if token.startswith("\\"):
            skip = token.lower() in ("\\l", "\\o", "\\t")
            continue
        return bool(_SAFE_LINK.match(token.strip())) and not _CONTROL.search(token)
    return True  # \l "bookmark" only: a place in the document


# ---------------------------------------------------------------- the two uses

@functools.lru_cache(maxsize=8)  # lint, pack build and the layers' loading check the same reference
def clean_reference(data: bytes, source: str) -> tuple[bytes, tuple[tuple[str, str], ...]]:
    """A pack's reference document without what it may not carry into every policy, and what was removed
    (``(fr, en)`` each). The bytes are returned unchanged when there is nothing to remove."""
    package = open_docx(data, source, REFERENCE_LIMITS, PackError, answers="drop")
    return package.to_bytes(), tuple(package.findings)


def clean_adopted(data: bytes, source: str) -> Package:
    """An adopted policy (or any policy compared or merged) without what it may not carry into its new
    version; :attr:`Package.findings` says what was removed, for the update's report."""
    return open_docx(data, source, ADOPTED_LIMITS, InputFileError, answers="one")


__all__ = ["ADOPTED_LIMITS", "REFERENCE_LIMITS", "Limits", "Package", "clean_adopted", "clean_reference",
           "field_allowed", "open_docx", "parse_part", "read_zip", "shown"]
