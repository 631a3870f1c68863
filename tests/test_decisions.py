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
    tool_conditions: dict[str, dict[Klass, list[str]]] = {}  # tool -> class -> condition ids it must carry
    standing: dict[str, str] = {}  # tool -> approved | on_condition | limited | exception | under_review | prohibited
    day_one: list[str] | None = None  # exactly the uses staff may do on the effective date
    waiting: dict[str, list[str]] = {}  # use -> the decisions it waits for
    publication: dict[str, Verdict] = {}  # use -> the verdict on publishing what it produces
    effective: dt.date | None = None  # the date every document states
    moved: Literal["", "past", "not_lawful"] | None = None
    decisions: dict[str, dict] = {}  # code -> {who, before_adoption, uses, tools}: what each decision says
    contact: str | None = None
    says: dict[str, list[str]] = {}  # code -> what the decision must say (French: what, and meanwhile)
    never_says: dict[str, list[str]] = {}  # code -> what it must not say


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
        missing = set(wanted) - set(table.use(use).condition_ids())
        assert not missing, f"{path.name}: {use} lacks conditions {missing}"
    for tool, classes in case.tool_conditions.items():
        for klass, wanted in classes.items():
            got = table.tool(tool).classes[klass].condition_ids()
            assert set(wanted) <= set(got), f"{path.name}: {tool} × {klass} has {got}, expected {wanted}"
    for tool, standing in case.standing.items():
        assert table.tool(tool).standing == standing, f"{path.name}: {tool} is {table.tool(tool).standing}"
    if case.day_one is not None:
        assert sorted(table.day_one) == sorted(case.day_one), f"{path.name}: day one is {table.day_one}"
    for use, codes in case.waiting.items():
        assert sorted(table.use(use).waiting_for) == sorted(codes), f"{path.name}: {use} waits for " \
                                                                     f"{table.use(use).waiting_for}"
    for use, verdict in case.publication.items():
        got = table.use(use).publication
        assert got is not None and got.verdict == verdict, f"{path.name}: publishing {use} is {got}"
    if case.effective is not None:
        assert table.dates.effective == case.effective, f"{path.name}: effective {table.dates.effective}"
    if case.moved is not None:
        assert table.dates.moved == case.moved, f"{path.name}: moved {table.dates.moved!r}"
    if case.to_take is not None:
        assert sorted(d.code for d in table.to_take) == sorted(case.to_take), \
            f"{path.name}: {sorted(d.code for d in table.to_take)}"
    for code, wanted in case.decisions.items():
        found = [d for d in table.to_take if d.code == code]
        assert found, f"{path.name}: no decision {code}"
        d = found[0]
        for key, value in wanted.items():
            got = getattr(d, key)
            got = sorted(got) if isinstance(got, tuple) else got
            value = sorted(value) if isinstance(value, list) else value
            assert got == value, f"{path.name}: {code}.{key} is {got!r}, expected {value!r}"
        assert d.due is not None and d.text("fr") and d.meanwhile("en"), f"{path.name}: {code} says what and when"
    for code, texts in case.says.items():
        said = " ".join(d.text("fr") + " " + d.meanwhile("fr") for d in table.to_take if d.code == code)
        for text in texts:
            assert text in said, f"{path.name}: {code} does not say {text!r}: {said}"
    for code, texts in case.never_says.items():
        said = " ".join(d.text("fr") + " " + d.meanwhile("fr") for d in table.to_take if d.code == code)
        for text in texts:
            assert text not in said, f"{path.name}: {code} says {text!r}: {said}"
    if case.contact is not None:
        assert table.roles.contact == case.contact, f"{path.name}: contact {table.roles.contact}"
    # every decision says what, who, by when, and what the text says meanwhile, and they are numbered in order
    assert [d.number for d in table.to_take] == list(range(1, len(table.to_take) + 1))
    for d in table.to_take:
        assert "{" not in d.text("fr") + d.text("en") + d.meanwhile("fr"), f"{path.name}: {d.code} placeholder"


def test_every_declared_use_has_exactly_one_verdict(pack, example_data):
    for name, data in example_data.items():
        profile = parse_profile(data, name)
        table = decision_table(profile, derive(profile), pack.decisions, dt.date(2026, 12, 1))
        declared = [*profile.uses.admin, *profile.uses.creative, *profile.uses.public, *profile.uses.hr]
        assert sorted(u.id for u in table.uses) == sorted(declared), name


def test_a_prohibition_carries_no_condition(pack):
    case = Case.model_validate(load_data_file(ROOT / "tests" / "decisions" / "studio-voice-consent.yaml"))
    assert _table(case, pack).use("voice_synthesis").conditions == ()


def test_a_tool_the_catalogue_does_not_know_gets_neutral_wording(pack):
    """No setting is named for a tool whose facts nobody checked: the condition says what must hold."""
    case = Case(description="x", profile="examples/theatre-quebec.yaml", overrides={"tools": [
        {"name": "Outil maison XYZ", "vendor": "XYZ", "hosting": "canada", "account": "paid_individual",
         "status": "approved", "uses": ["communications"]}]})
    tool = _table(case, pack).tool("Outil maison XYZ")
    assert tool.facts.entry is None and tool.facts.reuse == "unknown"
    [condition] = [c for c in tool.classes["internal"].conditions if c.id == "approval.reuse"]
    assert "réglage" not in condition.text.fr.split(":")[0] and "«" not in condition.text.fr
    known = Case(description="x", profile="examples/theatre-quebec.yaml", overrides={"tools": [
        {"name": "ChatGPT Plus", "vendor": "OpenAI", "hosting": "usa", "account": "paid_individual",
         "status": "approved", "uses": ["communications"]}]})
    tool = _table(known, pack).tool("ChatGPT Plus")
    assert tool.facts.entry == "chatgpt" and tool.facts.reuse == "opt_out"
    [condition] = [c for c in tool.classes["internal"].conditions if c.id == "approval.reuse"]
    assert "Improve the model for everyone" in condition.text.fr


def test_every_catalogue_fact_has_a_source_and_a_date(pack):
    catalogue = pack.decisions.catalogue
    assert catalogue.entries
    for entry in catalogue.entries:
        for account, plan in entry.plans.items():
            assert plan.source, f"{entry.id}.{account} has no source"
            for key in plan.source:
                source = catalogue.sources[key]
                assert source.url.startswith("https://") and source.checked, key


def test_the_table_is_immutable(pack):
    case = Case.model_validate(load_data_file(CASES[0]))
    table = _table(case, pack)
    with pytest.raises(Exception):
        table.uses[0].verdict = "permitted"


def test_a_case_file_with_a_misspelt_key_is_refused():
    with pytest.raises(Exception, match="must_not"):
        Case.model_validate({"description": "x", "profile": "examples/theatre-quebec.yaml", "must_not": []})


def test_every_kind_of_decision_to_take_has_a_case(pack):
    """Each decision the model can raise (decisions/conflicts.yaml) is proved by at least one case file."""
    said = set()
    for path in CASES:
        case = Case.model_validate(load_data_file(path))
        said.update(case.to_take or [])
        said.update(case.decisions)
    missing = sorted(set(pack.decisions.conflicts) - said)
    assert not missing, f"no case for: {missing}"
