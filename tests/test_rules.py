"""The rule engine: conditions, dates, explicit conflicts; on small rule sets written for each test."""

import datetime as dt

import pytest

from balises.contract import conditions
from balises.engine.rules import Rule, decide
from balises.errors import PackError

CTX = {
    "organisation": {"jurisdiction": "france", "employees": 80, "privacy_officer": None},
    "uses": {"creative": ["voice_synthesis"], "hr": []},
    "policy": {"effective_date": dt.date(2026, 12, 1)},
    "facts": {"ai_act_applies": True},
}


def rule(**kw):
    base = {"id": "r", "why": {"fr": "pourquoi", "en": "why"}, "select": ["c.one"]}
    base.update(kw)
    return Rule.model_validate(base)


@pytest.mark.parametrize("cond,expected", [
    ({"field": "organisation.jurisdiction", "equals": "france"}, True),
    ({"field": "organisation.jurisdiction", "not_equals": "france"}, False),
    ({"field": "organisation.jurisdiction", "in": ["quebec", "france"]}, True),
    ({"field": "organisation.jurisdiction", "not_in": ["quebec"]}, True),
    ({"field": "organisation.employees", "gte": 50}, True),
    ({"field": "organisation.employees", "lt": 50}, False),
    ({"field": "organisation.employees", "gt": 80}, False),
    ({"field": "organisation.employees", "lte": 80}, True),
    ({"field": "policy.effective_date", "gte": dt.date(2026, 8, 2)}, True),
    ({"field": "policy.effective_date", "lt": dt.date(2026, 8, 2)}, False),
    ({"field": "uses.creative", "contains": "voice_synthesis"}, True),
    ({"field": "uses.creative", "contains_any": ["image_generation", "voice_synthesis"]}, True),
    ({"field": "uses.creative", "contains_all": ["image_generation", "voice_synthesis"]}, False),
    ({"field": "uses.hr", "empty": True}, True),
    ({"field": "uses.creative", "empty": True}, False),
    ({"field": "organisation.privacy_officer", "absent": True}, True),
    ({"field": "organisation.nothing_here", "absent": True}, True),
    ({"field": "facts.ai_act_applies", "equals": True}, True),
    ({"all": [{"field": "organisation.employees", "gte": 50},
              {"field": "organisation.jurisdiction", "equals": "france"}]}, True),
    ({"any": [{"field": "organisation.employees", "lt": 10},
              {"field": "organisation.jurisdiction", "equals": "quebec"}]}, False),
    ({"not": {"field": "organisation.jurisdiction", "equals": "quebec"}}, True),
])
def test_conditions(cond, expected):
    assert conditions.check(cond) == []
    assert conditions.holds(cond, CTX) is expected


@pytest.mark.parametrize("cond,words", [
    ({"field": "x", "equals": 1, "in": [1]}, "exactly one operator"),
    ({"field": "x", "like": "a"}, "unknown operator"),
    ({"all": []}, "non-empty list"),
    ({"all": [{}], "any": []}, "must stand alone"),
    ({"field": "x", "in": "a"}, "list of values"),
    ({"field": "x", "gte": "fifty"}, "number or a date"),
    ({"python": "__import__('os')"}, "unknown condition keys"),
    ("organisation.employees > 50", "a condition is a mapping"),
])
def test_malformed_conditions_are_refused(cond, words):
    problems = conditions.check(cond)
    assert problems and words in problems[0]
    with pytest.raises(ValueError):
        rule(when=cond)


def test_rule_fires_only_from_its_date():
    r = rule(sources=[{"reference": "AI Act art. 50", "url": "https://eur-lex.europa.eu", "status": "V2",
                       "kind": "regulation", "applies_from": "2026-08-02"}])
    before = decide({"r": r}, CTX, dt.date(2026, 8, 1))
    on = decide({"r": r}, CTX, dt.date(2026, 8, 2))
    assert not before.selected("c.one") and before.not_yet_in_force == ["r"]
    assert on.selected("c.one") and on.fired == ["r"]


def test_explicit_applies_from_and_until():
    r = rule(applies_from="2025-01-01", applies_until="2027-12-02")
    assert decide({"r": r}, CTX, dt.date(2027, 12, 1)).selected("c.one")
    assert not decide({"r": r}, CTX, dt.date(2027, 12, 2)).selected("c.one")
    assert not decide({"r": r}, CTX, dt.date(2024, 12, 31)).selected("c.one")


def test_exclusion_wins_whatever_the_order():
    rules = {"a": rule(id="a", select=["c.generic"]),
             "b": rule(id="b", select=["c.specific"], excludes=["c.generic"])}
    for order in (rules, dict(reversed(list(rules.items())))):
        d = decide(order, CTX, dt.date(2026, 11, 23))
        assert set(d.clauses) == {"c.specific"}
        assert d.excluded == {"c.generic": ["b"]}


def test_two_rules_selecting_one_clause_merge_their_parameters_and_trace():
    rules = {"a": rule(id="a", select=[{"clause": "c.one", "variant": "eu"}]),
             "b": rule(id="b", select=[{"clause": "c.one", "params": {"hr": True}}])}
    d = decide(rules, CTX, dt.date(2026, 11, 23))
    c = d.clauses["c.one"]
    assert c.variant == "eu" and c.params == {"hr": True} and c.rules == ["a", "b"]


def test_conflicting_variants_are_an_error_naming_both_rules():
    rules = {"a": rule(id="a", select=[{"clause": "c.one", "variant": "eu"}]),
             "b": rule(id="b", select=[{"clause": "c.one", "variant": "quebec"}])}
    with pytest.raises(PackError) as info:
        decide(rules, CTX, dt.date(2026, 11, 23))
    assert "a and b" in info.value.en and "c.one" in info.value.en


def test_conflicting_parameters_are_an_error():
    rules = {"a": rule(id="a", select=[{"clause": "c.one", "params": {"n": 1}}]),
             "b": rule(id="b", select=[{"clause": "c.one", "params": {"n": 2}}])}
    with pytest.raises(PackError, match="parameter n"):
        decide(rules, CTX, dt.date(2026, 11, 23))


def test_a_rule_must_select_or_exclude_something():
    with pytest.raises(ValueError, match="selects or excludes"):
        rule(select=[])


def test_every_default_rule_has_sources_with_url_and_date(pack):
    assert len(pack.rules) >= 20
    for r in pack.rules.values():
        assert r.sources, r.id
        for s in r.sources:
            assert s.url is None or s.url.startswith("https://"), (r.id, s.reference)
            if s.kind == "case":
                assert (s.url or s.unlinked) and s.decided and not s.applies_from, (r.id, s.reference)
            elif s.legal:
                assert (s.url or s.unlinked) and (s.applies_from or s.undated) and not s.published, (r.id, s.reference)
            else:
                assert s.published and not s.applies_from, (r.id, s.reference)
            assert s.status in ("V", "V2") or (s.status == "NV" and r.conditional), (r.id, s.reference)
        assert r.why.fr.strip() and r.why.en.strip()


def test_a_study_never_gates_a_rule():
    """A study published after the generation date is cited, it does not hold the rule back."""
    r = rule(sources=[{"reference": "Sector study", "url": "https://example.org", "status": "V2",
                       "kind": "sector_study", "published": "2025-11-21"}])
    assert r.effective_from() is None
    assert decide({"r": r}, CTX, dt.date(2024, 8, 1)).selected("c.one")


def test_only_the_brief_statuses_are_accepted():
    for status in ("verified", "primary", ""):
        with pytest.raises(ValueError):
            rule(sources=[{"reference": "R", "url": "https://example.org", "status": status, "kind": "statute",
                           "applies_from": "2020-01-01"}])
