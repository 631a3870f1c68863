"""The contract's rules across fields (balises/contract/rules.yaml) hold alike in the profile model, the
wizard and lint: each rule has a case here, so a new rule without one fails."""

from __future__ import annotations

import copy

import pytest

from balises import wizard
from balises.contract import rules
from balises.contract.paths import FieldPath
from balises.contract.profile import parse_profile
from balises.errors import ProfileError
from balises.packs.authoring import defaults_problems
from balises.problems import Place

BASE = {"organisation": {"name": "Compagnie", "jurisdiction": "quebec", "sector": "performing_arts",
                         "employees": 4}}

# rule code -> answers that break it (over BASE), the answer the wizard resets and to what (a question about the
# law that starts unanswered goes back to unanswered: asked again if it is asked again)
BREAKING = {
    "cse_outside_france": ({"organisation.staff_representation": "union_and_cse"},
                           "organisation.staff_representation", "union"),
    "public_body_form": ({"organisation.legal_form": "public_body"}, "organisation.public_body", True),
    "federal_outside_canada": ({"organisation.jurisdiction": "france", "organisation.federally_regulated": True},
                               "organisation.federally_regulated", None),
    "province_outside_canada_other": ({"organisation.province": "bc"}, "organisation.province", None),
    "eu_market_outside_switzerland": ({"organisation.eu_market": True}, "organisation.eu_market", None),
    # a level for a Québec body (A-2.1 covers every level there), a canton for a Québec organisation
    "public_level_public_body": ({"organisation.public_level": "municipal"}, "organisation.public_level", None),
    "canton_swiss_public_body": ({"organisation.canton": "vd"}, "organisation.canton", None),
}
ADJUSTED = {"quebec_french": ({"policy.languages": ["en"]}, "policy.languages", ["fr", "en"])}


def answers(changes: dict) -> dict:
    data = copy.deepcopy(BASE)
    for path, value in changes.items():
        FieldPath.parse(path).set(data, value)
    return data


def test_every_rule_of_the_contract_has_a_case_here():
    assert {r.code for r in rules.contract_rules()} == set(BREAKING) | set(ADJUSTED)


@pytest.mark.parametrize("code", sorted(BREAKING))
def test_the_model_refuses_what_a_rule_forbids_naming_the_field(code):
    changes, field, _ = BREAKING[code]
    with pytest.raises(ProfileError) as caught:
        parse_profile(answers(changes))
    [problem] = caught.value.problems
    assert problem.code == code and problem.where == field
    assert problem.text("fr").startswith(f"{field}: ") and problem.text("en").startswith(f"{field}: ")


@pytest.mark.parametrize("code", sorted(BREAKING))
def test_the_wizard_resets_the_answer_and_offers_only_allowed_options(code):
    changes, field, reset = BREAKING[code]
    form = wizard.default_answers()
    for section, values in answers(changes).items():
        form[section].update(values)
    changed = [path for path, _ in wizard.fit_answers(form)]
    assert field in changed and FieldPath.parse(field).get(form) == reset
    profile, problems = wizard.validate(form)
    assert profile is not None and not problems
    question = wizard.QUESTION_BY_PATH.get(field)
    if question is not None and question.table:  # the forbidden value is not even offered
        forbidden = changes.get(field)
        assert forbidden is None or forbidden not in question.options_for(form)


@pytest.mark.parametrize("code", sorted(BREAKING))
def test_lint_reports_a_pack_default_that_breaks_a_rule(code):
    changes, field, _ = BREAKING[code]
    problems = defaults_problems(dict(changes), Place("pack.yaml"))
    assert any(field in p.message for p in problems), problems


def test_an_adjust_rule_completes_the_answer_and_says_so():
    changes, field, expected = ADJUSTED["quebec_french"]
    profile = parse_profile(answers(changes))
    assert FieldPath.parse(field).get(profile.model_dump(mode="json")) == expected
    assert "Charte de la langue française, art. 41" in profile.notices[0].fr
    form = wizard.default_answers()
    form["organisation"].update(BASE["organisation"])
    form["policy"]["languages"] = ["en"]
    wizard.fit_answers(form)
    assert form["policy"]["languages"] == expected
