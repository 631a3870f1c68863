"""Seams in generated prose: what a reader notices as "written by a machine".

Run over every generated document by the tests, and by ``balises lint`` on the default pack's sample
profiles. Each problem names its kind and quotes the words around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from balises.engine.document import PolicyDocument, document_text
from balises.engine.views import guess_article

FRENCH_PREPOSITIONS = ("par", "de", "à", "pour", "avec", "sur", "chez", "dans", "selon", "envers", "entre")
_DOUBLE_OK = {"nous", "vous", "que", "elle", "il"}  # « nous nous engageons », « vous vous adressez »


@dataclass(frozen=True)
class Seam:
    kind: str
    excerpt: str

    def __str__(self) -> str:
        return f"{self.kind}: « {self.excerpt} »"


_CHECKS: tuple[tuple[str, re.Pattern], ...] = (
    ("empty value", re.compile(r"[:;]\s*[.;,]|\(\s*\)|«\s*»|\"\s*\"|\b(?:sections?|annexes?)\s*\?", re.IGNORECASE)),
    ("glued list items", re.compile(r"[a-zà-ÿ0-9)»][.;]-\s*[A-ZÀ-Ý]|[a-zà-ÿ]{3}\.[A-ZÀ-Ý][a-zà-ÿ]{2}")),
    ("doubled conjunction", re.compile(r"\b(et|ou|and|or)\s+\1\b|,\s+et\s+et\b|\bet\b[^,.;:()«»\n]{1,35}\bet\b"
                                       r"[^,.;:()«»\n]{1,35}\bet\b")),
    ("lower-case AI", re.compile(r"(?<![/\w.@-])(ia|ai)(?![\w/.@-])")),
    ("placeholder", re.compile(r"\{\{|\}\}|\{%|%\}|\bTODO\b|\bXXX\b|à compléter|to be completed|\[\s*\.\.\.\s*\]",
                               re.IGNORECASE)),
    ("instruction to the reader", re.compile(r"adaptez-le|lisez-le|adapt it where needed|read it, adapt",
                                             re.IGNORECASE)),
    ("point médian", re.compile(r"\w·\w")),
)
_DOUBLED_WORD = re.compile(r"\b(\w{2,}(?:\s+\w{2,})?)\s+\1\b", re.IGNORECASE)


def _excerpt(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - 30):end + 30].split())


def check_text(text: str, lang: str, org_name: str | None = None, article: str | None = None,
               identifiers: set[str] | frozenset[str] = frozenset(), allow_point_median: bool = False) -> list[Seam]:
    """The seams of one document's text."""
    seams: list[Seam] = []
    for kind, pattern in _CHECKS:
        if kind == "point médian" and allow_point_median:
            continue
        for m in pattern.finditer(text):
            if kind == "lower-case AI" and lang == "en" and m.group(1) == "ai":
                continue  # an English word "ai" does not exist; only the French "ia" is a slip in English too
            seams.append(Seam(kind, _excerpt(text, m.start(), m.end())))
    for m in _DOUBLED_WORD.finditer(text):
        if m.group(1).lower() not in _DOUBLE_OK and not m.group(1).isdigit():
            seams.append(Seam("doubled word", _excerpt(text, m.start(), m.end())))
    if lang == "fr" and org_name and article and article != "none":
        bare = re.compile(r"\b(" + "|".join(FRENCH_PREPOSITIONS) + r")\s+" + re.escape(org_name), re.IGNORECASE)
        for m in bare.finditer(text):
            seams.append(Seam("name without its article", _excerpt(text, m.start(), m.end())))
    for ident in identifiers:
        if ident in text:
            i = text.index(ident)
            seams.append(Seam("rule or clause identifier", _excerpt(text, i, i + len(ident))))
    return seams


def check_document(doc: PolicyDocument, identifiers: set[str] | frozenset[str] = frozenset(),
                   allow_point_median: bool = False) -> list[Seam]:
    """The seams of a generated document (policy or companion), its organisation named as the profile says."""
    org = doc.profile.get("organisation", {})
    name = org.get("name")
    article = org.get("name_article") or (guess_article(name) if name else None)
    return check_text(document_text(doc), doc.meta.lang, name, article, identifiers, allow_point_median)
