"""`--as-of`: every example generates from 2024-08-01 on, and its clauses change only on the date a provision
they rest on starts (or stops) applying: never on a study's publication date."""

import datetime as dt

import pytest

from balises.contract.paths import merge
from balises.contract.profile import parse_profile
from balises.engine.compose import compose

from .conftest import EXAMPLES

DATES = [dt.date(2024, 8, 1), dt.date(2025, 2, 2), dt.date(2026, 6, 15), dt.date(2026, 6, 16),
         dt.date(2026, 8, 2), dt.date.today()]
PROFILES = sorted(EXAMPLES.glob("*.yaml"))


def _changes_explained(pack, before: dt.date, after: dt.date, added: set, removed: set) -> list[str]:
    """Clauses that appeared or vanished between two dates with no rule of theirs starting or ending then."""
    unexplained = []
    for clause in added | removed:
        dates = set()
        for rule in pack.rules.values():
            if clause in [s.clause for s in rule.select] or clause in rule.excludes:
                dates |= {rule.effective_from(), rule.applies_until}
        if not any(d and before < d <= after for d in dates):
            unexplained.append(clause)
    return unexplained


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_every_example_generates_on_every_date_and_changes_only_with_the_law(path, pack, example_data):
    profile = parse_profile(example_data[path.stem], path.name)
    previous = None
    for as_of in DATES:
        for lang in ("fr", "en"):
            doc = compose(profile, pack, lang=lang, as_of=as_of)  # no "section would be empty"
            assert doc.sections
        clauses = set(doc.clause_ids())
        if previous is not None:
            before, old = previous
            unexplained = _changes_explained(pack, before, as_of, clauses - old, old - clauses)
            assert not unexplained, f"{path.stem}: {unexplained} changed between {before} and {as_of}"
        previous = (as_of, clauses)


def test_no_rule_is_dated_by_a_study(pack):
    """The effective date of every rule is the date of a statute or regulation it cites (or of a guideline, bill
    or decision it reports, which cannot be cited before it exists); a case never gates a duty."""
    for rule in pack.rules.values():
        start = rule.effective_from()
        if start is None:
            continue
        legal = {s.applies_from for s in rule.sources if s.kind in ("statute", "regulation")}
        announced = {s.published for s in rule.sources if s.kind in ("regulator_guidance", "bill")}
        announced |= {s.decided for s in rule.sources if s.kind == "case"}
        assert start in legal | announced, (rule.id, start)
        assert not any(s.applies_from for s in rule.sources if s.kind == "case"), rule.id


def test_the_omnibus_never_appears_before_the_councils_vote(pack, example_data):
    """Its clauses say "adopted by the Parliament and the Council": not before the Council's vote (29 June 2026)."""
    profile = parse_profile(example_data["newsroom-belgium"], "newsroom-belgium")
    for as_of, expected in [(dt.date(2026, 1, 1), False), (dt.date(2026, 6, 16), False),
                            (dt.date(2026, 6, 28), False), (dt.date(2026, 6, 29), True)]:
        for lang in ("fr", "en"):
            doc = compose(profile, pack, lang=lang, as_of=as_of)
            omnibus = [e for e in doc.trace if any("Omnibus" in s.reference for s in e.sources)]
            assert bool(omnibus) is expected, (as_of, lang)
            for entry in omnibus:  # stated conditionally, never as a fact
                assert all(s.status == "NV" for s in entry.sources if "Omnibus" in s.reference)
                assert any(("une fois publié" in w) or ("once published" in w) for w in entry.why)


@pytest.mark.parametrize("overrides,rule_id,starts", [
    ({}, "model-training-canada", dt.date(1988, 12, 12)),  # the Copyright Act, not the day it was checked
    ({"organisation": {"jurisdiction": "france", "staff_representation": "none"}}, "eu-ai-literacy",
     dt.date(2025, 2, 2)),
    ({"organisation": {"jurisdiction": "france", "staff_representation": "none"}}, "definitions-ai-act-roles",
     dt.date(2025, 2, 2)),
])
def test_rules_start_on_the_date_of_their_article(pack, example_data, overrides, rule_id, starts):
    rule = pack.rules[rule_id]
    assert rule.effective_from() == starts
    assert rule.in_force(starts) and not rule.in_force(starts - dt.timedelta(days=1))


def test_canadian_tdm_rule_applies_as_of_2024(pack, example_data):
    raw = merge(example_data["publisher-quebec"], {"uses": {"model_training": True}})
    profile = parse_profile(raw, "publisher")
    from balises.engine.compose import decisions_for

    _, decisions = decisions_for(profile, pack, dt.date(2024, 8, 1))
    assert "model-training-canada" in decisions.fired or "catalogue-reservation-canada" in decisions.fired
    assert not [r for r in decisions.not_yet_in_force if r.endswith("-canada")]

