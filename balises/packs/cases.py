"""A pack's own test cases (``tests/*.yaml`` in the pack; ``tests/cases/`` for the default pack): a profile and
what its policy must and must not contain. Typed: a misspelt key is an error, never a silent pass."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, ValidationError

from balises.contract.answers import resolve
from balises.contract.paths import merge
from balises.contract.vocabulary import LANGUAGE_CODES
from balises.engine.compose import EDITIONS, compose, decisions_for
from balises.engine.document import document_text
from balises.errors import BalisesError
from balises.packs.lint_decisions import sample_profiles
from balises.packs.loader import default_pack_dir, read_pack_files
from balises.problems import Place
from balises.safeyaml import load_data_file, parse_yaml

DEFAULT_AS_OF = dt.date(2026, 11, 23)
Phrases = Union[list[str], dict[Literal[LANGUAGE_CODES], list[str]]]  # type: ignore[valid-type]


class Case(BaseModel):
    """A case file: a misspelt key, or a clause the pack does not have, is an error, never a silent pass."""

    model_config = ConfigDict(extra="forbid")
    description: str
    profile: Union[str, dict]
    overrides: dict = {}
    as_of: Optional[dt.date] = None
    langs: list[Literal[LANGUAGE_CODES]] = ["fr"]  # type: ignore[valid-type]
    must_have_clauses: list[str] = []
    must_not_have_clauses: list[str] = []
    must_contain: Phrases = []
    must_not_contain: Phrases = []
    must_fire: list[str] = []  # rule ids (the decisions `balises explain` reports)
    must_not_fire: list[str] = []
    trace_must_contain: Phrases = []  # the policy's why and sources (reference and URL)
    trace_must_not_contain: Phrases = []


def for_lang(value, lang: str) -> list[str]:
    if isinstance(value, dict):
        return value.get(lang, [])
    return value or []


@dataclass
class CaseResult:
    name: str
    description: str
    failures: list[str] = field(default_factory=list)  # what is missing or unwanted, one line each

    @property
    def passed(self) -> bool:
        return not self.failures


def parse_case(raw: bytes, where: str) -> Case:
    data = parse_yaml(raw, where)
    try:
        return Case.model_validate(data if isinstance(data, dict) else {})
    except ValidationError as exc:
        parts = "; ".join(f"{'.'.join(str(x) for x in e['loc']) or '(case)'}: {e['msg']}"
                          for e in exc.errors(include_url=False))
        raise BalisesError(f"cas invalide ({parts}).", f"invalid case ({parts}).",
                           place=Place(where)) from None


def pack_case_files(location: str | Path | None) -> tuple[dict[str, bytes], dict[str, bytes], str]:
    """(case files, all files, label) of the pack at ``location``: ``tests/*.yaml`` in the folder or archive;
    for the default pack (``None``), ``tests/cases/*.yaml`` of a checkout."""
    if location is None:
        root = default_pack_dir()
        folder = root / "tests" / "cases"
        if not folder.is_dir():
            raise BalisesError("Les cas du paquet par défaut (tests/cases/) ne sont que dans une copie du dépôt, "
                               "pas dans une installation pip.",
                               "The default pack's cases (tests/cases/) are only in a checkout of the repository, "
                               "not in a pip install.")
        cases = {f"tests/cases/{p.name}": p.read_bytes() for p in sorted(folder.glob("*.yaml"))}
        return cases, {}, str(root)
    files = read_pack_files(location)
    cases = {n: b for n, b in sorted(files.items())
             if PurePosixPath(n).parent == PurePosixPath("tests") and n.endswith((".yaml", ".yml"))}
    return cases, files, str(location)


def _profile_data(case: Case, files: dict[str, bytes], where: str, root: Path | None) -> dict:
    """The case's profile: inline, a file of the pack, or (default pack) a path from the repository root."""
    if isinstance(case.profile, dict):
        return case.profile
    name = str(PurePosixPath(case.profile))
    if name in files:
        data = parse_yaml(files[name], f"{where}: {name}")
    elif root is not None and (root / name).is_file():
        data = load_data_file(root / name)
    else:
        found = [p for p in sample_profiles() if p.name == PurePosixPath(name).name]
        if not found:
            raise BalisesError(f"profil introuvable : {case.profile}",
                               f"profile not found: {case.profile}", place=Place(where))
        data = load_data_file(found[0])
    return data if isinstance(data, dict) else {}


def run_case(case: Case, pack, name: str, files: dict[str, bytes] | None = None,
             root: Path | None = None) -> CaseResult:
    """Generate the kit of the case's profile with ``pack`` in each language and list what does not hold."""
    result = CaseResult(name=name, description=case.description)
    fail = result.failures.append
    for label, ids, known in (("clauses", case.must_have_clauses + case.must_not_have_clauses, pack.clause_ids()),
                              ("rules", case.must_fire + case.must_not_fire, pack.rules)):
        unknown = [i for i in ids if i not in known]
        if unknown:
            fail(f"{label} the pack does not have: {', '.join(unknown)}")
    if result.failures:
        return result
    # the case's answers over the pack's recommended answers, as every shell reads answers
    profile = resolve(merge(_profile_data(case, files or {}, name, root), case.overrides), pack, name).profile
    as_of = case.as_of or DEFAULT_AS_OF
    defined = {e for s in pack.sections for e in s.editions} | {"full"}
    fired = set(decisions_for(profile, pack, as_of)[1].fired)
    for lang in case.langs:
        # the kit: the policy and its companion documents (a CSE time limit lives in the implementation plan)
        docs = {e: compose(profile, pack, lang=lang, as_of=as_of, edition=e) for e in EDITIONS if e in defined}
        clauses = {c for doc in docs.values() for c in doc.clause_ids()}
        text = "\n".join(document_text(doc) for doc in docs.values())
        policy = docs["full"]
        trace = "\n".join([w for e in policy.trace for w in e.why]
                          + [f"{s.reference} {s.url or ''}" for e in policy.trace for s in e.sources])
        checks = [
            ("clauses missing", [c for c in case.must_have_clauses if c not in clauses]),
            ("clauses that must not be there", [c for c in case.must_not_have_clauses if c in clauses]),
            ("phrases missing", [p for p in for_lang(case.must_contain, lang) if p not in text]),
            ("phrases that must not be there", [p for p in for_lang(case.must_not_contain, lang) if p in text]),
            ("rules that did not fire", [r for r in case.must_fire if r not in fired]),
            ("rules that must not fire", [r for r in case.must_not_fire if r in fired]),
            ("why/sources missing", [p for p in for_lang(case.trace_must_contain, lang) if p not in trace]),
            ("why/sources that must not be there",
             [p for p in for_lang(case.trace_must_not_contain, lang) if p in trace]),
        ]
        for what, items in checks:
            if items:
                fail(f"[{lang}] {what}: {', '.join(map(repr, items))}")
    return result
