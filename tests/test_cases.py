"""Legal and sector triggers as data: every file of tests/cases is a profile with what its policy must and must
not contain (see tests/cases/README.md)."""

import datetime as dt
from pathlib import Path
from typing import Literal, Optional, Union

import pytest
from pydantic import BaseModel, ConfigDict

from balises.compose import EDITIONS, compose, decisions_for
from balises.document import document_text
from balises.profile import parse_profile
from balises.safeyaml import load_data_file

from .conftest import AS_OF, ROOT, deep_merge

CASES = sorted((ROOT / "tests" / "cases").glob("*.yaml"))


Phrases = Union[list[str], dict[Literal["fr", "en"], list[str]]]


class Case(BaseModel):
    """A case file: a misspelt key, or a clause the pack does not have, is an error, never a silent pass."""

    model_config = ConfigDict(extra="forbid")
    description: str
    profile: Union[str, dict]
    overrides: dict = {}
    as_of: Optional[dt.date] = None
    langs: list[Literal["fr", "en"]] = ["fr"]
    must_have_clauses: list[str] = []
    must_not_have_clauses: list[str] = []
    must_contain: Phrases = []
    must_not_contain: Phrases = []
    must_fire: list[str] = []  # rule ids (the decisions `balises explain` reports)
    must_not_fire: list[str] = []
    trace_must_contain: Phrases = []  # the policy's why and sources (reference and URL)
    trace_must_not_contain: Phrases = []


def _for_lang(value, lang):
    if isinstance(value, dict):
        return value.get(lang, [])
    return value or []


@pytest.mark.parametrize("case_path", CASES, ids=[p.stem for p in CASES])
def test_case(case_path: Path, pack):
    case = Case.model_validate(load_data_file(case_path)).model_dump()
    unknown = [c for c in case["must_have_clauses"] + case["must_not_have_clauses"] if c not in pack.clause_ids()]
    assert not unknown, f"{case_path.name}: clauses the pack does not have: {unknown}"
    unknown = [r for r in case["must_fire"] + case["must_not_fire"] if r not in pack.rules]
    assert not unknown, f"{case_path.name}: rules the pack does not have: {unknown}"
    raw = case["profile"]
    if isinstance(raw, str):
        raw = load_data_file(ROOT / raw)
    profile = parse_profile(deep_merge(raw, case.get("overrides") or {}), case_path.name)
    as_of = case.get("as_of") or AS_OF
    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    defined = {e for s in pack.sections for e in s.editions} | {"full"}
    for lang in case.get("langs") or ["fr"]:
        # the kit: the policy and its companion documents (a CSE time limit lives in the implementation plan)
        docs = [compose(profile, pack, lang=lang, as_of=as_of, edition=e) for e in EDITIONS if e in defined]
        clauses = {c for doc in docs for c in doc.clause_ids()}
        text = "\n".join(document_text(doc) for doc in docs)
        missing = [c for c in case.get("must_have_clauses", []) if c not in clauses]
        unwanted = [c for c in case.get("must_not_have_clauses", []) if c in clauses]
        assert not missing, f"{case_path.name} [{lang}]: clauses missing: {missing}"
        assert not unwanted, f"{case_path.name} [{lang}]: clauses that must not be there: {unwanted}"
        absent = [p for p in _for_lang(case.get("must_contain"), lang) if p not in text]
        present = [p for p in _for_lang(case.get("must_not_contain"), lang) if p in text]
        assert not absent, f"{case_path.name} [{lang}]: phrases missing: {absent}"
        assert not present, f"{case_path.name} [{lang}]: phrases that must not be there: {present}"
        # what `balises explain` reports: the rules that fired, the policy's why and sources
        fired = set(decisions_for(profile, pack, as_of)[1].fired)
        policy = docs[EDITIONS.index("full")]
        trace = "\n".join([w for e in policy.trace for w in e.why]
                          + [f"{s.reference} {s.url or ''}" for e in policy.trace for s in e.sources])
        missing_rules = [r for r in case.get("must_fire", []) if r not in fired]
        unwanted_rules = [r for r in case.get("must_not_fire", []) if r in fired]
        assert not missing_rules, f"{case_path.name} [{lang}]: rules that did not fire: {missing_rules}"
        assert not unwanted_rules, f"{case_path.name} [{lang}]: rules that must not fire: {unwanted_rules}"
        absent = [p for p in _for_lang(case.get("trace_must_contain"), lang) if p not in trace]
        present = [p for p in _for_lang(case.get("trace_must_not_contain"), lang) if p in trace]
        assert not absent, f"{case_path.name} [{lang}]: why/sources missing: {absent}"
        assert not present, f"{case_path.name} [{lang}]: why/sources that must not be there: {present}"
