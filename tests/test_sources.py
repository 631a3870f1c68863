"""The default pack's sources as a lawyer would check them: honest kinds and statuses, links to the article or
the decision, law dated by the provision, and no jurisdiction's sector source in another jurisdiction's policy."""

import datetime as dt

import pytest

from balises.contract.paths import merge
from balises.contract.profile import parse_profile
from balises.engine.compose import compose
from balises.engine.rules import SOURCE_JURISDICTIONS
from balises.packs.lint import OFFICIAL_SITES, article_level, source_summary

AS_OF = dt.date(2026, 11, 23)


def _sources(pack):
    for rule in pack.rules.values():
        for src in rule.sources:
            yield rule, src


def test_every_law_source_links_its_article_with_a_brief_status(pack):
    """A statute or regulation is dated by its provision, a case by its decision; each opens its article or its
    decision on the official site, or says in the data why it cannot (``unlinked``, ``undated``)."""
    checked = 0
    for rule, src in _sources(pack):
        if not src.legal:
            continue
        assert src.status in ("V", "V2"), (rule.id, src.reference)
        if src.kind == "case":
            assert src.decided and not src.applies_from, (rule.id, src.reference)
        else:
            assert src.applies_from or (src.undated or "").strip(), (rule.id, src.reference)
        if src.url:
            assert any(site in src.url for site in OFFICIAL_SITES), (rule.id, src.url)
        if src.unlinked:
            assert len(src.unlinked) > 20, (rule.id, src.reference)  # a reason, not a flag
            continue
        checked += 1
        assert article_level(src.url), (rule.id, src.url)
    assert checked >= 100


def test_at_least_nine_law_sources_in_ten_open_at_their_article(pack):
    summary = source_summary(pack)
    assert summary.law >= 120
    assert summary.share >= 0.9, summary.text("en")
    assert all(reason for _, reason in summary.unlinked + summary.undated)


def test_studies_charters_guidance_have_a_publication_date_not_a_date_of_application(pack):
    for rule, src in _sources(pack):
        if not src.legal:
            assert src.published and not src.applies_from, (rule.id, src.reference)
    # a study's date never decides when a rule applies
    for rule in pack.rules.values():
        studies = {s.published for s in rule.sources if s.kind in ("sector_study", "charter", "standard")}
        legal = {s.applies_from for s in rule.sources if s.gates}
        if rule.effective_from() in studies:
            assert rule.effective_from() in legal, rule.id


def test_no_status_beyond_the_brief_and_nv_only_conditionally(pack):
    for rule, src in _sources(pack):
        assert src.status in ("V", "V2", "NV"), (rule.id, src.status)
        if src.status == "NV":
            assert rule.conditional, rule.id


def test_one_date_per_provision(pack):
    """One article, one date: A-2.1 s. 63.8 carried 2023 in one rule and 2022 in another."""
    dates: dict[str, set] = {}
    for _, src in _sources(pack):
        if src.legal and src.url and "#" in src.url:
            dates.setdefault(src.url, set()).add(src.applies_from)
    mixed = {url: d for url, d in dates.items() if len(d) > 1}
    assert not mixed, mixed


JURISDICTION_PROFILES = {
    "quebec": ("theatre-quebec", {}),
    "quebec_public": ("museum-quebec-public", {}),
    "ontario": ("festival-ontario", {}),
    "british_columbia": ("festival-ontario", {"organisation": {"province": "bc"}}),
    "france": ("animation-studio-france", {}),
    "belgium": ("newsroom-belgium", {}),
    "eu_other": ("newsroom-belgium", {"organisation": {"jurisdiction": "eu_other"}}),
    "switzerland": ("theatre-quebec", {"organisation": {"jurisdiction": "switzerland", "staff_representation": "none"},
                                       "policy": {"languages": ["fr"]}}),
    "other": ("theatre-quebec", {"organisation": {"jurisdiction": "other", "staff_representation": "none"},
                                 "policy": {"languages": ["fr"]}}),
}
BIOMETRIC = {"data": {"personal_data": ["audience", "staff", "biometric", "minors", "sensitive"]}}


@pytest.mark.parametrize("name", sorted(JURISDICTION_PROFILES))
def test_no_sector_source_of_another_jurisdiction(pack, example_data, name):
    example, overrides = JURISDICTION_PROFILES[name]
    profile = parse_profile(merge(merge(example_data[example], overrides), BIOMETRIC), name)
    j = profile.organisation.jurisdiction
    owner = {}
    for _, src in _sources(pack):
        if not src.legal and src.jurisdiction:
            owner[src.reference] = src.jurisdiction
    for lang in ("fr", "en"):
        doc = compose(profile, pack, lang=lang, as_of=AS_OF)
        for entry in doc.trace:
            for src in entry.sources:
                where = owner.get(src.reference)
                if where:
                    allowed = SOURCE_JURISDICTIONS[where]
                    assert allowed is None or j in allowed, (name, entry.clause, src.reference)
                if j in ("switzerland", "other"):
                    assert "priv.gc.ca" not in (src.url or ""), (name, entry.clause)  # Canada's commissioners
                if j != "france":
                    for site in ("afdas.com", "culture.gouv.fr", "atlf.org", "tmnlab.com", "cnil.fr"):
                        assert site not in (src.url or ""), (name, entry.clause, src.url)
