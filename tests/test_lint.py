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


def test_the_default_pack_is_clean_and_says_how_its_law_sources_open():
    """No problem in the default pack: every source links its article, or says in the data why it cannot."""
    assert lint_location(None) == []
    result = CliRunner().invoke(main, ["lint"])
    assert result.exit_code == 0, result.output
    assert "Law sources:" in result.output and "open at their article" in result.output


def test_a_fresh_pack_reports_its_own_problems_only(tmp_path):
    """`balises pack init` then `balises lint --pack`: nothing inherited from the default pack is the pack's."""
    pack = tmp_path / "reseau"
    assert CliRunner().invoke(main, ["pack", "init", str(pack)]).exit_code == 0
    assert lint_location(pack) == []
    # its own mistake is still reported, at its line
    (pack / "rules" / "own.yaml").write_text(
        "- id: own-rule\n  select: [purpose.object]\n  why: {fr: x, en: x}\n  sources:\n"
        "    - {reference: Une loi, url: 'https://example.org', kind: statute, status: V2, applies_from: 2020-01-01}\n",
        encoding="utf-8")
    own = [str(p) for p in lint_location(pack)]
    assert own and all("own.yaml" in p for p in own), own


def test_an_unlinked_source_needs_its_reason_not_a_home_page(tmp_path):
    from balises.engine.rules import Rule
    from balises.packs.lint import _source_problems

    rule = Rule.model_validate({"id": "r", "select": ["c"], "why": {"fr": "x", "en": "x"}, "sources": [
        {"reference": "Loi", "kind": "statute", "status": "V2", "applies_from": "2020-01-01",
         "unlinked": "the act as a whole is cited"},
        {"reference": "Arrêt", "url": "https://www.legifrance.gouv.fr/", "kind": "case", "status": "V2",
         "applies_from": "2020-01-01"}]})
    first = _source_problems(rule, 1, rule.sources[0])
    second = [p.message for p in _source_problems(rule, 2, rule.sources[1])]
    assert first == []
    assert any("must open the article" in m for m in second)
    assert any("a case needs its decided date" in m for m in second)
    assert any("case-gated date" in m for m in second)


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


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_template_checks_by_themselves(lang):
    from balises.packs.lint import known_fields, template_problems
    from balises.packs.loader import load_pack

    env = load_pack(None).engine.env
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
    # at the line where the bracket opened, not at the end of the file where the parser gave up
    assert any(p.where == f"{pack}/rules/broken-yaml.yaml:2" for p in own), own
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


def test_a_problem_of_the_default_pack_is_not_reported_as_the_packs(tmp_path, monkeypatch):
    """If the default pack itself had a problem, a pack layered over it would not be blamed for it."""
    import shutil

    from balises.packs import lint as lint_module
    from balises.packs.loader import default_pack_dir

    home = tmp_path / "default"
    source = default_pack_dir()
    for name in ("pack.yaml", "rules", "policy_templates", "decisions"):
        if (source / name).is_dir():
            shutil.copytree(source / name, home / name)
        elif (source / name).exists():
            home.mkdir(exist_ok=True)
            shutil.copy(source / name, home / name)
    rules = home / "rules" / "00-foundation.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace(
        "https://competenceculture.ca/wp-content/uploads/sites/2/2025/11/ia-etude-21-novembre-2025_competence_culture.pdf",
        "", 1), encoding="utf-8")
    monkeypatch.setattr(lint_module, "default_pack_dir", lambda: home)
    inherited = [p for p in lint_location(None) if "has no URL" in p.message]
    assert inherited, "the default pack's own problem is reported when it is linted"
    pack = tmp_path / "reseau"
    assert CliRunner().invoke(main, ["pack", "init", str(pack)]).exit_code == 0
    assert not [p for p in lint_location(pack) if "has no URL" in p.message]


def test_a_name_a_template_sets_in_a_branch_is_its_own():
    from balises.packs.lint import known_fields, template_problems
    from balises.packs.loader import load_pack

    env = load_pack(None).engine.env
    source = "{% if lang == 'fr' %}{% set n = 3 %}{% if n %}({{ n }}){% endif %}{% endif %}\n{{ m }}\n"
    found = {p.where: p.text("en") for p in template_problems(source, "t.md", env, known_fields())}
    assert list(found) == ["t.md:2"], found  # only the name nothing sets
    assert found["t.md:2"].endswith("template variable not provided: m"), found
