"""The decision table as data (tests/decisions/*.yaml): one verdict per use, class of information and tool;
contradictory answers become decisions to take, never contradictory text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict

from balises.contract.paths import merge
from balises.contract.profile import parse_profile
from balises.engine.decisions import decision_table
from balises.engine.facts import derive
from balises.safeyaml import load_data_file

from .conftest import ROOT

CASES = sorted((ROOT / "tests" / "decisions").glob("*.yaml"))
Verdict = Literal["permitted", "conditional", "ask_first", "prohibited"]
Klass = Literal["public", "internal", "confidential", "personal", "sensitive"]


class Case(BaseModel):
    """A case file: an unknown or misspelt key is an error, so that no expectation is silently skipped."""

    model_config = ConfigDict(extra="forbid")
    description: str
    profile: str | dict
    overrides: dict = {}
    as_of: dt.date = dt.date(2026, 12, 1)
    uses: dict[str, Verdict] = {}
    tools: dict[str, dict[Klass, Verdict]] = {}
    to_take: list[str] | None = None
    conditions: dict[str, list[str]] = {}


def _table(case: Case, pack):
    raw = case.profile if isinstance(case.profile, dict) else load_data_file(ROOT / case.profile)
    profile = parse_profile(merge(raw, case.overrides), "case")
    return decision_table(profile, derive(profile), pack.decisions, case.as_of)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_decision_case(path: Path, pack):
    case = Case.model_validate(load_data_file(path))
    table = _table(case, pack)
    for use, verdict in case.uses.items():
        ruling = table.use(use)
        assert ruling is not None, f"{path.name}: use {use} is not in the table"
        assert ruling.verdict == verdict, f"{path.name}: {use} is {ruling.verdict}, expected {verdict}"
    for tool, classes in case.tools.items():
        ruling = table.tool(tool)
        assert ruling is not None, f"{path.name}: tool {tool} is not in the table"
        for klass, verdict in classes.items():
            got = ruling.classes[klass].verdict
            assert got == verdict, f"{path.name}: {tool} × {klass} is {got}, expected {verdict}"
    for use, wanted in case.conditions.items():
        missing = set(wanted) - set(table.use(use).conditions)
        assert not missing, f"{path.name}: {use} lacks conditions {missing}"
    if case.to_take is not None:
        assert sorted(d.code for d in table.to_take) == sorted(case.to_take), path.name


def test_every_declared_use_has_exactly_one_verdict(pack, example_data):
    for name, data in example_data.items():
        profile = parse_profile(data, name)
        table = decision_table(profile, derive(profile), pack.decisions, dt.date(2026, 12, 1))
        declared = [*profile.uses.admin, *profile.uses.creative, *profile.uses.public, *profile.uses.hr]
        assert sorted(u.id for u in table.uses) == sorted(declared), name


def test_a_prohibition_carries_no_condition(pack):
    case = Case.model_validate(load_data_file(ROOT / "tests" / "decisions" / "studio-voice-consent.yaml"))
    assert _table(case, pack).use("voice_synthesis").conditions == ()


def test_the_table_is_immutable(pack):
    case = Case.model_validate(load_data_file(CASES[0]))
    table = _table(case, pack)
    with pytest.raises(Exception):
        table.uses[0].verdict = "permitted"


def test_a_case_file_with_a_misspelt_key_is_refused():
    with pytest.raises(Exception, match="must_not"):
        Case.model_validate({"description": "x", "profile": "examples/theatre-quebec.yaml", "must_not": []})
