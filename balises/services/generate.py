"""The few calls every shell (CLI, wizard, batch) makes: load, generate (writing a file safely is
:mod:`balises.safewrite`, which the shells and the packs' tools import themselves)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from balises.contract.profile import Profile
from balises.engine.compose import compose
from balises.engine.document import PolicyDocument
from balises.engine.pack import Pack
from balises.engine.templating import generation_limits
from balises.packs.loader import load_pack
from balises.render.docx import docx_of


@dataclass
class GeneratedPolicy:
    document: PolicyDocument
    docx: bytes

    @property
    def trace(self) -> list[dict]:
        return [t.model_dump(mode="json") for t in self.document.trace]


def decision_trace(document: PolicyDocument) -> bytes:
    """What decided the text, as JSON: the answers read, the decision table, each clause with its rules and
    sources. The same answers give the same bytes through every shell (CLI, wizard, batch, regenerate)."""
    decisions = document.decisions.model_dump(mode="json") if document.decisions else {}
    trace = {"answers": document.profile, "decisions": decisions,
             "clauses": [t.model_dump(mode="json") for t in document.trace]}
    return json.dumps(trace, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


def generate(profile: Profile, pack: Pack | None = None, lang: str | None = None, as_of: dt.date | None = None,
             edition: str = "full", length: str | None = None) -> GeneratedPolicy:
    """A policy as Word bytes, with the document model it was rendered from."""

    pack = pack or load_pack()
    with generation_limits():  # an untrusted pack's templates: time and size for the whole policy
        document = compose(profile, pack, lang=lang, as_of=as_of, edition=edition, length=length)
    return GeneratedPolicy(document=document, docx=docx_of(document, pack))
