"""The policy a board adopts in one read: within its word budget, free of seams, with no other sector's or
jurisdiction's text, and saying the decision table's verdicts the same way in every document of the kit."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest

from balises.contract.paths import merge
from balises.contract.profile import parse_profile
from balises.engine.compose import EDITIONS, LENGTHS, compose
from balises.engine.decisions import decision_table, sector_label
from balises.engine.document import Table, body_words, document_text, runs_text
from balises.engine.facts import derive
from balises.packs.prose import check_document, check_text
from balises.safeyaml import load_data_file

from .conftest import EXAMPLES, ROOT

AS_OF = dt.date(2026, 12, 1)
BUDGET = {"concise": 2000, "standard": 4500, "complete": 9000}
EXAMPLE_PATHS = sorted(EXAMPLES.glob("*.yaml"))


def _profile(path):
    return parse_profile(load_data_file(path), path.name)


def _matrix() -> list[dict]:
    """A sample of jurisdiction × sector × stance, each jurisdiction with every stance once."""
    jurisdictions = ["quebec", "canada_other", "france", "belgium", "eu_other", "switzerland", "other"]
    sectors = ["performing_arts", "audiovisual", "museums_heritage", "press_media", "publishing", "music",
               "network_association"]
    stances = ["encouraged", "conditional", "restricted", "prohibited"]
    out = []
    for i, (j, stance) in enumerate(itertools.product(jurisdictions, stances)):
        sector = sectors[i % len(sectors)]
        employees = [4, 18, 60, 300][i % 4]
        out.append({
            "organisation": {"name": f"Compagnie {i}", "jurisdiction": j, "sector": sector, "employees": employees,
                             "freelancers": True, "staff_representation": "cse" if j == "france" and employees >= 50
                             else "none"},
            "policy": {"languages": ["fr", "en"], "stance": stance, "effective_date": "2026-12-01"},
            "uses": {"admin": ["grant_writing", "communications", "translation"], "creative": ["image_generation"],
                     "public": ["synthetic_media_published"] if i % 2 else [], "hr": ["staff_scheduling"] if i % 3 else []},
            "data": {"personal_data": ["audience", "staff"], "confidential_material": ["grant_applications"]},
            "tools": [{"name": "Outil A", "hosting": "eu", "account": "business", "status": "approved",
                       "uses": ["communications", "translation"]}],
        })
    return out


MATRIX = _matrix()


@pytest.mark.parametrize("length", LENGTHS)
@pytest.mark.parametrize("path", EXAMPLE_PATHS, ids=[p.stem for p in EXAMPLE_PATHS])
def test_example_policy_within_word_budget(path, length, pack):
    profile = _profile(path)
    for lang in profile.policy.languages:
        words = body_words(compose(profile, pack, lang=lang, as_of=AS_OF, length=length))
        assert words <= BUDGET[length], f"{path.stem} [{lang}, {length}]: {words} words > {BUDGET[length]}"


@pytest.mark.parametrize("index", range(len(MATRIX)))
def test_matrix_policy_within_word_budget_and_without_seams(index, pack):
    profile = parse_profile(MATRIX[index], f"matrix-{index}")
    for lang, length in itertools.product(("fr", "en"), LENGTHS):
        doc = compose(profile, pack, lang=lang, as_of=AS_OF, length=length)
        words = body_words(doc)
        assert words <= BUDGET[length], f"matrix {index} [{lang}, {length}]: {words} words"
        assert not check_document(doc, _identifiers(pack)), f"matrix {index} [{lang}, {length}]"


def _plain(text: str) -> str:
    """Spaces as typed: French typography puts no-break spaces before « : »."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _identifiers(pack) -> set[str]:
    return {r for r in pack.rules if "-" in r} | {r.id for r in pack.decisions.rules}


@pytest.mark.parametrize("path", EXAMPLE_PATHS, ids=[p.stem for p in EXAMPLE_PATHS])
def test_every_kit_document_reads_without_seams(path, pack):
    profile = _profile(path)
    found = []
    for lang, edition in itertools.product(profile.policy.languages, EDITIONS):
        doc = compose(profile, pack, lang=lang, as_of=AS_OF, edition=edition)
        found += [f"[{lang}, {edition}] {s}" for s in check_document(doc, _identifiers(pack))]
    assert not found, "\n".join(found[:20])


@pytest.mark.parametrize("case", load_data_file(ROOT / "tests" / "quality" / "forbidden.yaml"),
                         ids=lambda c: c["profile"].split("/")[-1] + ("+" if c.get("overrides") else ""))
def test_no_other_sector_or_jurisdiction_text(case, pack):
    assert set(case) <= {"profile", "overrides", "why", "fr", "en"}, case
    data = load_data_file(ROOT / case["profile"])
    profile = parse_profile(merge(data, case.get("overrides") or {}), case["profile"])
    for lang in profile.policy.languages:
        text = "\n".join(document_text(compose(profile, pack, lang=lang, as_of=AS_OF, edition=e)) for e in EDITIONS)
        present = [w for w in case.get(lang, []) if re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", text)]
        assert not present, f"{case['profile']} [{lang}]: {present} ({case['why']})"


@pytest.mark.parametrize("path", EXAMPLE_PATHS, ids=[p.stem for p in EXAMPLE_PATHS])
def test_the_policy_states_the_tables_verdict_for_each_use(path, pack):
    """The policy's table of uses gives each declared use the one verdict of the decision table."""
    profile = _profile(path)
    table = decision_table(profile, derive(profile), pack.decisions, AS_OF)
    from balises.contract import vocabulary

    for lang in profile.policy.languages:
        doc = compose(profile, pack, lang=lang, as_of=AS_OF)
        rows = [[_plain(runs_text(c)) for c in row] for s in doc.sections for c in s.clauses for b in c.blocks
                if isinstance(b, Table) for row in b.rows]
        for use in table.uses:
            label = _plain(sector_label(use.id, "use", profile.organisation.sector, lang, pack.decisions.sectors))
            verdict = _plain(vocabulary.label(use.verdict, lang, "verdict"))
            hits = [r for r in rows if any(label in cell for cell in r)]
            assert hits, f"{path.stem} [{lang}]: {label} is in no table of the policy"
            others = {vocabulary.label(v, lang, "verdict") for v in vocabulary.VERDICTS} - {verdict}
            for row in hits:
                line = " | ".join(row)
                assert verdict in line, f"{path.stem} [{lang}]: {label}: expected {verdict!r} in {line!r}"
                assert not any(o in line for o in others if o not in verdict), f"{path.stem} [{lang}]: {line!r}"


def test_a_prohibited_stance_never_says_you_may_outside_its_exceptions(pack):
    data = load_data_file(ROOT / "tests" / "decisions" / "prohibited-stance-exceptions.yaml")["profile"]
    for uses in ({"admin": []}, {"admin": ["communications"]}):
        profile = parse_profile({**data, "uses": uses}, "prohibited")
        for lang in ("fr",):
            for edition in EDITIONS:
                text = document_text(compose(profile, pack, lang=lang, as_of=AS_OF, edition=edition))
                assert not re.search(r"\b(vous pouvez|you may)\b", text, re.IGNORECASE), (edition, uses)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_a_prohibited_stance_is_a_short_policy(path, pack):
    """A prohibition policy says what is prohibited, who grants an exception and what everyone knows: at most
    1,500 words at the standard length, whatever the organisation declared (its uses become possible exceptions,
    decided in the implementation plan)."""
    data = load_data_file(path)
    data["policy"]["stance"] = "prohibited"
    profile = parse_profile(data, path.name)
    for lang in profile.policy.languages:
        words = len(document_text(compose(profile, pack, lang=lang, as_of=AS_OF)).split())
        assert words <= 1500, f"{path.stem} [{lang}]: {words} words"


@pytest.mark.parametrize("text, kind", [
    ("Usages déclarés : .", "empty value"),
    ("demandes de subvention et contrats et droits et finances", "doubled conjunction"),
    ("le terme québécois.- Renseignements sensibles", "glued list items"),
    ("Les contenus modifiés par ia sont signalés.", "lower-case AI"),
    ("Voir la section ? pour le détail.", "empty value"),
    ("Lisez-le, adaptez-le au besoin.", "instruction to the reader"),
    ("les salarié·e·s sont informés", "point médian"),
    ("la politique la politique s'applique", "doubled word"),
])
def test_the_seams_checker_catches_each_kind(text, kind):
    assert kind in {s.kind for s in check_text(text, "fr")}


def test_the_seams_checker_catches_a_name_without_its_article_and_a_rule_id():
    text = "Cette politique est adoptée par Théâtre de la Grande Marée (governance-referent-small-team)."
    kinds = {s.kind for s in check_text(text, "fr", "Théâtre de la Grande Marée", "le",
                                        {"governance-referent-small-team"})}
    assert kinds == {"name without its article", "rule or clause identifier"}
    assert not check_text("Cette politique est adoptée par le Théâtre de la Grande Marée.", "fr",
                          "Théâtre de la Grande Marée", "le")
