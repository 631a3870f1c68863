"""`balises lint`: each class of pack error found, as file:line: message, on a deliberately broken pack."""

import pytest
from click.testing import CliRunner

from balises.cli.main import main
from balises.packs.lint import lint_location

from .conftest import ROOT

BROKEN = ROOT / "tests" / "fixtures" / "packs" / "broken"
RULES = str(BROKEN / "rules" / "broken.yaml")


@pytest.fixture(scope="module")
def broken():
    return [str(p) for p in lint_location(BROKEN) if "broken" in str(p)]


@pytest.mark.parametrize("expected", [
    f"{RULES}:1: rule broken-unknown-field: unknown field 'organisation.headcount'",
    f"{RULES}:7: rule broken-unknown-value: organisation.jurisdiction has no value 'ontario'",
    f"{RULES}:13: rule broken-unknown-clause: unknown clause id 'broken.does_not_exist'",
    f"{RULES}:23: duplicate rule id broken-duplicate (also {RULES}:18)",
    f"{RULES}:31: rule broken-no-url-no-date: source 1 (A source without address) has no URL",  # the source's line
    f"{RULES}:31: rule broken-no-url-no-date: source 1 (A source without address) has no applies_from date",
    f"{RULES}:28: rule broken-no-url-no-date: clause broken.needs_param needs params threshold",
    # a clause's problem at the line that brings it into the outline
    f"{BROKEN}/policy_templates/outline.yaml:3: clause broken.unselected: no rule can select it",
    f"{BROKEN}/policy_templates/outline.yaml:2: clause broken.no_english: no en template (en/broken.no_english.md)",
    "policy_templates/fr/broken.needs_param.md:1: template variable not provided: mystery_variable",
])
def test_each_class_of_error_is_found(broken, expected):
    assert any(expected in line for line in broken), "\n".join(broken)


LEGAL = ROOT / "tests" / "fixtures" / "packs" / "legal"
LEGAL_RULES = str(LEGAL / "rules" / "legal.yaml")


@pytest.fixture(scope="module")
def legal():
    return [str(p) for p in lint_location(LEGAL) if str(p).startswith(LEGAL_RULES)]


@pytest.mark.parametrize("expected", [
    f"{LEGAL_RULES}:5: rule legal-study-gated: source 1 (A sector study): study-gated date",
    f"{LEGAL_RULES}:11: rule legal-rule-dated-by-a-study: study-gated date: applies_from 2025-11-21 comes from a "
    "study's or charter's publication",
    f"{LEGAL_RULES}:26: rule legal-nv-not-conditional: source 1 (A regulation not yet published) is not verified (NV)",
    f"{LEGAL_RULES}:47: rule legal-home-page-url: source 1 (Code du travail, art. L2312-8): a statute URL must open "
    "the article or the decision, not a home page or a code's top page",
    f"{LEGAL_RULES}:57: invalid rule legal-unknown-status (sources.0.status: Input should be 'V', 'V2' or 'NV')",
])
def test_each_legal_accuracy_error_is_found(legal, expected):
    assert any(line.startswith(expected) for line in legal), "\n".join(legal)


def test_a_conditional_rule_may_rest_on_an_nv_source(legal):
    assert not [line for line in legal if "legal-nv-conditional" in line]


# Sources of the default pack whose article-level URL could not be verified (see the issue #10 report): lint
# flags them, and this list may only shrink. Each entry: (rules file, rule id).
UNVERIFIED_URLS = {
    ("04-governance.yaml", "governance-qc-privacy-officer-public"),  # r. 3.2: regulation's own page
    ("04-governance.yaml", "governance-privacy-officer-pipa"),  # BC/Alberta PIPA: no section verified
    ("04-governance.yaml", "governance-cse-pilot-case"),  # TJ Nanterre 2025: no public decision URL
    ("04-governance.yaml", "governance-cse-absent-pilot-case"),
    ("06-sectors.yaml", "sector-music-france"),  # CPI L122-5-3: LEGIARTI id not verified
    ("06-sectors.yaml", "sector-visual-arts-crafts-france"),
    ("06-sectors.yaml", "sector-publishing-france"),
    ("08-copyright.yaml", "france-tdm-optout"),
    ("06-sectors.yaml", "sector-music-eu-belgium"),  # CDE XI.190: Justel address not verified
    ("06-sectors.yaml", "sector-publishing-eu-belgium"),
    ("06-sectors.yaml", "sector-visual-arts-crafts-eu-belgium"),
    ("08-copyright.yaml", "authorship-france"),  # Cass. 2015: decision URL not verified
    ("09-people.yaml", "france-performers-and-deepfake-offence"),  # CPI L212-3, Code pénal 226-8
    ("10-personal-data.yaml", "qc-public-efvp-small-body"),  # r. 3.2
    ("10-personal-data.yaml", "pipa-british-columbia"),
    ("10-personal-data.yaml", "pipa-alberta"),
    ("13-work.yaml", "eu-hr-high-risk-omnibus"),  # Omnibus: not published, no official address
    ("14-training.yaml", "eu-ai-literacy-omnibus"),
    ("18-review.yaml", "review-watch-eu-ai-act-omnibus"),
    ("92-text-law.yaml", "tdm-reservation-france"),  # CPI L122-5-3
    ("92-text-law.yaml", "tdm-reservation-belgium"),  # CDE XI.190
}
SOURCE_CHECKS = ("must open the article", "has no URL", "links to its official site", "study-gated",
                 "is not verified (NV)", "needs its published date", "has no applies_from")


def test_default_pack_flags_only_the_unverified_urls():
    # only the source checks: the outline and prose checks belong to the clause library
    problems = [p for p in lint_location(None) if any(c in p.message for c in SOURCE_CHECKS)]
    found = set()
    for p in problems:
        assert "must open the article" in p.message or "has no URL" in p.message, str(p)
        found.add((p.where.rsplit("/", 1)[-1].split(":")[0], p.message.split(":")[0].removeprefix("rule ")))
    assert found == UNVERIFIED_URLS, (found - UNVERIFIED_URLS, UNVERIFIED_URLS - found)


def test_lint_cli_exit_codes():
    runner = CliRunner()
    bad = runner.invoke(main, ["lint", "--pack", str(BROKEN)])
    assert bad.exit_code == 1
    assert f"{RULES}:13:" in bad.output
    missing = runner.invoke(main, ["lint", "--pack", str(ROOT / "no-such-pack")])
    assert missing.exit_code == 2 and "Pack not found" in missing.output


# ---------------------------------------------------------------- an adviser's pack: every problem, at its line

FIVE = ROOT / "tests" / "fixtures" / "packs" / "five"
FIVE_TEMPLATE = f"{FIVE}/policy_templates/fr/five.notice.md"
FIVE_PROBLEMS = {
    "en": [
        f"{FIVE_TEMPLATE}:3: org has no attribute 'nom' (did you mean 'name'?)",
        f"{FIVE_TEMPLATE}:5: 'interdit' is not a value of policy.stance (allowed: encouraged, conditional, "
        "restricted, prohibited)",
        f"{FIVE_TEMPLATE}:7: line of 213 characters (at most 160)",
        f"{FIVE}/policy_templates/outline.yaml:4: add five.other: unknown section 'transparence' (did you mean "
        "'transparency'?)",
        f"{FIVE}/rules/five.yaml:2: rule five-notice: policy.stance has no value 'interdit' (allowed: encouraged, "
        "conditional, restricted, prohibited)",
    ],
    "fr": [
        f"{FIVE_TEMPLATE}:3: org n'a pas d'attribut 'nom' (vouliez-vous dire 'name' ?)",
        f"{FIVE_TEMPLATE}:5: 'interdit' n'est pas une valeur de policy.stance (valeurs permises : encouraged, "
        "conditional, restricted, prohibited)",
        f"{FIVE_TEMPLATE}:7: ligne de 213 caractères (au plus 160)",
        f"{FIVE}/policy_templates/outline.yaml:4: ajout de five.other : section inconnue 'transparence' "
        "(vouliez-vous dire 'transparency' ?)",
        f"{FIVE}/rules/five.yaml:2: règle five-notice : policy.stance n'a pas de valeur 'interdit' (valeurs "
        "permises : encouraged, conditional, restricted, prohibited)",
    ],
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_lint_reports_all_five_problems_at_their_lines_in_the_chosen_language(lang, monkeypatch):
    monkeypatch.setenv("BALISES_LANG", lang)
    result = CliRunner().invoke(main, ["lint", "--pack", str(FIVE)])
    assert result.exit_code == 1, result.output
    own = [line for line in result.output.splitlines() if line.startswith(str(FIVE) + "/")]
    assert len(own) == 5, "\n".join(own)
    for expected, line in zip(FIVE_PROBLEMS[lang], own):
        assert line.startswith(expected), (expected, line)
    other = FIVE_PROBLEMS["fr" if lang == "en" else "en"]
    assert not any(line.startswith(o) for o in other for line in own)  # one language, not a mix


@pytest.mark.parametrize("lang,line_prefix", [("fr", "Je"), ("en", "I")])
def test_template_checks_by_themselves(lang, line_prefix):
    from balises.engine.state import engine_for
    from balises.packs.lint import known_fields, template_problems
    from balises.packs.loader import load_pack

    env = engine_for(load_pack(None)).env
    source = ("Intro\n{% for tool in tools %}{{ tool.nom }}{% endfor %}\n{{ facts.eu_membre }}\n"
              "{% if org.jurisdiction in ['quebec', 'ontario'] %}x{% endif %}\n{% if lang == 'de' %}y{% endif %}\n")
    found = {p.where: p.text(lang) for p in template_problems(source, "t.md", env, known_fields())}
    assert set(found) == {"t.md:3", "t.md:4", "t.md:5"}, found  # a loop variable is the template's own
    assert "'eu_member'" in found["t.md:3"] and "'ontario'" in found["t.md:4"] and "'de'" in found["t.md:5"]


def test_lint_goes_on_past_an_unreadable_rules_file(tmp_path):
    import shutil

    pack = tmp_path / "pack"
    shutil.copytree(FIVE, pack)
    (pack / "rules" / "broken-yaml.yaml").write_text("- id: x\n  when: [unclosed\n", encoding="utf-8")
    own = [p for p in lint_location(pack) if p.where.startswith(str(pack))]
    assert any(p.where == f"{pack}/rules/broken-yaml.yaml:3" for p in own), own
    assert len(own) == 6, own  # the five problems are still all there


def test_a_bad_section_is_reported_at_its_key_and_left_out(monkeypatch):
    import dataclasses

    from balises.packs.lint import tolerant_layers
    from balises.packs.loader import build_pack, default_pack_dir, read_layer

    base = read_layer(default_pack_dir(), lenient=True)
    bad = b"# a section with a misspelt key\nid: extra\ntitle: {fr: Extra, en: Extra}\nclauses: []\ntitel: x\n"
    base = dataclasses.replace(base, files={**base.files, "policy_templates/sections/99-extra.yaml": bad})
    checked, _, problems = tolerant_layers(base, [])
    assert [p.where.rsplit("/", 1)[-1] for p in problems] == ["99-extra.yaml:5"]
    assert "titel" in problems[0].text("en") and "champ non permis" in problems[0].text("fr")
    assert "extra" not in [s.id for s in build_pack(checked).sections]  # the rest of the pack still builds


def test_invalid_rule_in_french_has_no_pydantic_english(monkeypatch):
    monkeypatch.setenv("BALISES_LANG", "fr")
    result = CliRunner().invoke(main, ["lint", "--pack", str(LEGAL)])
    assert f"{LEGAL_RULES}:57: règle invalide legal-unknown-status (sources.0.status : doit valoir 'V', 'V2' ou " \
           "'NV')" in result.output
    assert "Input should be" not in result.output


def test_org_nom_reported_once_at_its_line_not_once_per_example(tmp_path):
    import shutil

    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "tests" / "fixtures" / "packs" / "association", pack)
    (pack / "policy_templates" / "fr" / "principles.core.md").write_text(
        "Intro.\n\n{{ org.nom }} adopte ces principes.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["lint", "--pack", str(pack)], env={"BALISES_LANG": "en"})
    own = [line for line in result.output.splitlines() if line.startswith(str(pack))]
    assert own == [f"{pack}/policy_templates/fr/principles.core.md:3: org has no attribute 'nom' "
                   "(did you mean 'name'?)"], own


def test_a_pack_that_cannot_be_read_is_exit_2_naming_the_file(tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text("name: x\nversion: [1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["lint", "--pack", str(pack)], env={"BALISES_LANG": "fr"})
    assert result.exit_code == 2, result.output
    assert f"{pack}/pack.yaml:" in result.output and "YAML invalide" in result.output
    assert "Traceback" not in result.output


def test_a_template_that_writes_a_verdict_itself_is_refused(tmp_path):
    """Templates only render the decision model: a pack template that maps verdicts to its own words, or writes
    a verdict in a table cell, fails lint at its line (the register's old "short" mapping, for instance)."""
    import shutil

    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "tests" / "fixtures" / "packs" / "association", pack)
    (pack / "policy_templates" / "fr" / "principles.core.md").write_text(
        "Intro.\n\n"
        "{% set short = {\"permitted\": \"Oui\", \"prohibited\": \"Non\"} %}\n"
        "| Usage | Décision |\n|---|---|\n| Traduction | Permis à conditions |\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["lint", "--pack", str(pack)], env={"BALISES_LANG": "en"})
    own = [line for line in result.output.splitlines() if line.startswith(str(pack))]
    assert f"{pack}/policy_templates/fr/principles.core.md:3: the template maps verdicts or tool statuses to its own " \
           "words: print the decision model's wording (verdict_label, short, answer, status_label) instead" in own
    assert any(":6: the template writes a verdict itself ('Permis à conditions')" in line for line in own), own
    assert result.exit_code == 1


def test_the_default_pack_writes_no_verdict_outside_the_model():
    from balises.packs.lint import lint_location

    problems = [p for p in lint_location(None) if "verdict" in p.text("en")]
    assert problems == []
