"""The answers embedded in every generated policy, so that it can be regenerated from the .docx alone.

The payload (profile, pack, date, language, clauses with a fingerprint of their text) is a custom XML part
of the Word package. Reading it back needs only the standard library (a .docx is a zip archive).

Since format 2 the payload also holds what Balises wrote: the text of every paragraph (or table) of the body,
in order, tied to its clause (``units``), the clause's rules, variant and the dates its sources apply from,
the version and the version history. An update compares the organisation's document with these texts to
tell its edits from Balises' text (see :mod:`balises.render.merge`); the clause bookmarks (``_Bal_<n>``) are a
second anchor. Word and LibreOffice both keep custom XML parts, but LibreOffice renames them
(``customXml/item2.xml``): the part is found by its namespace, not by its name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import replace
from typing import Annotated, Literal
from xml.etree import ElementTree

from lxml import etree
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from balises.contract.vocabulary import LANGUAGE_CODES
from balises.engine.compose import EDITIONS
from balises.engine.document import PolicyDocument, block_text
from balises.errors import InputFileError
from balises.problems import Place
from balises.render.docx.package import (
    ADOPTED_LIMITS,
    PAYLOAD_NAMESPACE,
    check_word,
    parse_part,
    read_zip,
    shown,
)
from balises.safeyaml import parse_json
from balises.text import Bilingual

CUSTOM_XML_PART = "/customXml/balises-policy.xml"
NAMESPACE = PAYLOAD_NAMESPACE
MAX_PAYLOAD = 2 * 1024 * 1024
FORMAT_VERSION = 2


def clause_fingerprints(doc: PolicyDocument) -> list[dict]:
    trace = {t.clause: t for t in doc.trace}
    out = []
    for section in doc.sections:
        for clause in section.clauses:
            text = "\n".join(line for b in clause.blocks for line in block_text(b))
            entry = {"section": section.id, "clause": clause.id, "rules": clause.rules,
                     "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}
            t = trace.get(clause.id)
            if t is not None:  # what classifies a change later: the variant and the dates the law applies from
                entry["variant"] = t.variant
                entry["applies_from"] = sorted({s.applies_from.isoformat() for s in t.sources if s.applies_from})
            out.append(entry)
    return out


def payload(doc: PolicyDocument, units: list[dict] | None = None, statements: list[dict] | None = None) -> dict:
    meta = doc.meta
    value = {
        "format": "balises-policy",
        "format_version": FORMAT_VERSION,
        "profile": doc.profile,
        "pack": {"label": meta.pack, "name": meta.pack_name, "version": meta.pack_version},
        "generated_on": meta.generated_on.isoformat(),
        "lang": meta.lang,
        "edition": meta.edition,
        "version": meta.version,
        "effective_date": meta.effective_date.isoformat(),
        "approved_by": meta.approved_by,
        "adopted_on": meta.adopted_on.isoformat() if meta.adopted_on else None,
        "clauses": clause_fingerprints(doc),
        "history": [h.model_dump(mode="json") for h in doc.history],
    }
    if units is not None:
        value["units"] = units
    if statements is not None:  # each statement of the decision model, by its bookmark: what Balises wrote
        value["statements"] = statements
        value["length"] = meta.length
    return value


def payload_xml(doc: PolicyDocument, units: list[dict] | None = None, statements: list[dict] | None = None) -> bytes:
    root = ElementTree.Element(f"{{{NAMESPACE}}}policy")
    data = ElementTree.SubElement(root, f"{{{NAMESPACE}}}data", {"format": "json"})
    data.text = json.dumps(payload(doc, units, statements), ensure_ascii=False, sort_keys=True)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


# ---------------------------------------------------------------- reading it back, as hostile input

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")  # tab and line breaks aside


def _text(max_len: int, lines: bool = False):
    """A text of at most ``max_len`` characters, without control characters (nor line breaks unless
    ``lines``): what the footer, the history and the report will show."""

    def check(value: str) -> str:
        if _CONTROL.search(value) or (not lines and ("\n" in value or "\r" in value or "\t" in value)):
            raise ValueError("contains control characters or line breaks")
        return value

    return Annotated[str, StringConstraints(max_length=max_len), AfterValidator(check)]


Line = _text(200)
Name = _text(120)


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=False)


class PackLabel(_Payload):
    label: Line = ""
    name: Line = ""
    version: Line = ""


class ClauseEntry(_Payload):
    section: Name = ""
    clause: Name
    rules: list[Name] = Field(default_factory=list, max_length=200)
    sha256: _text(64) = ""
    variant: Name | None = None
    applies_from: list[dt.date] = Field(default_factory=list, max_length=200)


class UnitEntry(_Payload):
    clause: Name
    text: _text(100_000, lines=True)
    bookmark: Name | None = None


class HistoryRow(_Payload):
    version: _text(20)
    date: dt.date
    adopted_by: Line = ""
    summary: _text(2_000) = ""
    adopted_on: dt.date | None = None
    effective: dt.date | None = None


class StatementEntry(_Payload):
    """A statement of the decision model the document wrote, by its bookmark number (``_BalS_<n>``)."""

    n: int = Field(ge=1, le=1_000_000)
    key: _text(20_000)  # statements' keys (use.translation.verdict, several joined by +: one per use at most)
    text: _text(20_000, lines=True) = ""


class EmbeddedPolicy(_Payload):
    """The embedded payload as Balises wrote it; anything else is refused naming the field, before use."""

    format: Literal["balises-policy"]
    format_version: int = Field(1, ge=1, le=FORMAT_VERSION)
    profile: dict
    pack: PackLabel = Field(default_factory=PackLabel)
    generated_on: dt.date | None = None
    lang: Literal[LANGUAGE_CODES] = "fr"  # type: ignore[valid-type]
    edition: Literal[(*EDITIONS, "acknowledgement")] = "full"  # type: ignore[valid-type]
    version: _text(20) = "1.0"
    effective_date: dt.date | None = None
    approved_by: Line = ""
    adopted_on: dt.date | None = None
    clauses: list[ClauseEntry] = Field(default_factory=list, max_length=5_000)
    history: list[HistoryRow] = Field(default_factory=list, max_length=200)
    units: list[UnitEntry] | None = Field(None, max_length=ADOPTED_LIMITS.paragraphs)
    statements: list[StatementEntry] | None = Field(None, max_length=ADOPTED_LIMITS.paragraphs)


def _candidate(name: str) -> bool:
    """A custom XML item (LibreOffice renames ours ``customXml/itemN.xml``), not its properties."""
    file = name.rsplit("/", 1)[-1]
    return name.startswith("customXml/") and name.endswith(".xml") and "/_rels/" not in name \
        and not file.startswith("itemProps")


_PAYLOAD_LIMITS = replace(ADOPTED_LIMITS, part_bytes=MAX_PAYLOAD)


def _payload_items(docx_bytes: bytes, source: str) -> list[tuple[str, bytes, object]]:
    """The custom XML items in Balises' namespace: (part name, bytes, parsed root) each."""
    parts = read_zip(docx_bytes, source, _PAYLOAD_LIMITS, InputFileError, wanted=_candidate)
    found = []
    for name, raw in parts.items():
        root = parse_part(name, raw, source, InputFileError, _PAYLOAD_LIMITS)
        if etree.QName(root).namespace == NAMESPACE:
            found.append((name, raw, root))
    return found


def payload_bytes(docx_bytes: bytes) -> bytes | None:
    """The embedded part itself (to carry a new policy's data into another file)."""
    found = _payload_items(docx_bytes, "document")
    return found[0][1] if found else None


def read_payload(docx_bytes: bytes, source: str = "document") -> dict:
    """The embedded payload of a policy generated by Balises, checked field by field (:class:`EmbeddedPolicy`);
    a clear error for any other file. Only the custom XML items are read (within MAX_PAYLOAD each), so a
    bomb elsewhere in the document is never inflated here."""
    not_ours = InputFileError(
        "ce document n'a pas été produit par Balises (aucune réponse intégrée).",
        "this document was not produced by Balises (no embedded answers).", place=Place(source))
    found = _payload_items(docx_bytes, source)
    check_word(docx_bytes, source)
    if not found:
        raise not_ours
    if len(found) > 1:
        names = ", ".join(name for name, _, _ in found)
        raise InputFileError(f"plusieurs jeux de réponses intégrées ({names}).",
                             f"several sets of embedded answers ({names}).", place=Place(source))
    name, _, root = found[0]
    data = root.find(f"{{{NAMESPACE}}}data")
    if data is None or not (data.text or "").strip():
        raise not_ours
    value = parse_json(data.text, f"{source} ({name})")
    if not isinstance(value, dict) or value.get("format") != "balises-policy":
        raise not_ours
    try:
        return EmbeddedPolicy.model_validate(value).model_dump(mode="json")
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc']) or '(payload)'}: {e['msg']}"
                    for e in exc.errors(include_url=False)[:5]]
        raise InputFileError(
            f"réponses intégrées invalides ({len(exc.errors())} problème(s)).",
            f"invalid embedded answers ({len(exc.errors())} problem(s)).",
            details=[Bilingual(fr=shown(p, 160), en=shown(p, 160)) for p in problems],
            place=Place(source)) from None
