"""The privacy regime as a decision table (balises/engine/privacy_regimes.yaml): exactly one row for every set of
answers the contract accepts, and the regime a lawyer expects for the organisations the answers describe."""

import itertools

import pytest

from balises.contract import vocabulary as v
from balises.contract.profile import parse_profile
from balises.engine.facts import derive, regime_table, regimes_for
from balises.errors import ProfileError

BASE = {"name": "Organisme", "sector": "museums_heritage", "employees": 30}


def _organisations():
    """Every combination of the answers that choose the regime, kept when the contract accepts it."""
    for jurisdiction, public, federal, province, level, canton, form in itertools.product(
            v.JURISDICTIONS, (False, True), (False, True), [None, "on", "bc", "ab", "mb"], [None, *v.PUBLIC_LEVELS],
            (None, "vd"), ("nonprofit", "company")):
        org = {**BASE, "jurisdiction": jurisdiction, "public_body": public, "federally_regulated": federal,
               "province": province, "public_level": level, "canton": canton,
               "legal_form": "public_body" if public else form}
        try:
            yield parse_profile({"organisation": org}, "t").organisation
        except ProfileError:
            continue  # answers the contract refuses never reach the table


ACCEPTED = list(_organisations())


def test_the_contract_accepts_a_wide_range_of_answers():
    assert len(ACCEPTED) > 100


def test_exactly_one_regime_for_every_accepted_answer():
    for org in ACCEPTED:
        found = regimes_for(org)
        assert len(found) == 1, (org.model_dump(exclude_none=True), found)


def test_every_regime_of_the_table_is_reached():
    reached = {regimes_for(org)[0] for org in ACCEPTED}
    assert reached == {row.regime for row in regime_table()}


@pytest.mark.parametrize("org,regime", [
    ({"jurisdiction": "quebec"}, "law25_private"),
    ({"jurisdiction": "quebec", "public_body": True}, "law25_public"),
    ({"jurisdiction": "quebec", "federally_regulated": True}, "pipeda"),
    ({"jurisdiction": "canada_other", "province": "on"}, "pipeda"),
    ({"jurisdiction": "canada_other", "province": "on", "public_body": True, "public_level": "provincial"}, "fippa_on"),
    ({"jurisdiction": "canada_other", "province": "on", "public_body": True, "public_level": "municipal"}, "mfippa_on"),
    ({"jurisdiction": "canada_other", "province": "on", "public_body": True}, "public_on"),
    ({"jurisdiction": "canada_other", "province": "bc", "public_body": True}, "fippa_bc"),
    ({"jurisdiction": "canada_other", "province": "bc"}, "pipa_bc"),
    ({"jurisdiction": "canada_other", "province": "ab", "public_body": True, "public_level": "municipal"}, "public_ab"),
    ({"jurisdiction": "canada_other", "province": "ab"}, "pipa_ab"),
    ({"jurisdiction": "canada_other", "public_body": True}, "public_canada"),
    ({"jurisdiction": "canada_other", "public_body": True, "federally_regulated": True}, "privacy_act"),
    ({"jurisdiction": "canada_other", "public_body": True, "public_level": "federal"}, "privacy_act"),
    ({"jurisdiction": "switzerland"}, "nlpd"),
    ({"jurisdiction": "switzerland", "public_body": True, "canton": "ge"}, "cantonal"),
    ({"jurisdiction": "switzerland", "public_body": True, "public_level": "federal"}, "nlpd"),
    ({"jurisdiction": "belgium", "public_body": True}, "gdpr"),
    ({"jurisdiction": "other"}, "none"),
])
def test_the_regime_a_lawyer_expects(org, regime):
    data = {**BASE, **org}
    data["legal_form"] = "public_body" if data.get("public_body") else "nonprofit"
    assert derive(parse_profile({"organisation": data}, "t")).privacy_regime == regime
