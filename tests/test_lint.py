"""`balises lint`: each class of pack error found, as file:line: message, on a deliberately broken pack."""

import pytest
from click.testing import CliRunner

from balises.cli import main
from balises.lint import lint_location

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
    f"{RULES}:28: rule broken-no-url-no-date: source 1 (A source without address) has no URL",
    f"{RULES}:28: rule broken-no-url-no-date: source 1 (A source without address) has no applies_from date",
    f"{RULES}:28: rule broken-no-url-no-date: clause broken.needs_param needs params threshold",
    "clause broken.unselected: no rule can select it",
    "clause broken.no_english: no en template (en/broken.no_english.md)",
    "policy_templates/fr/broken.needs_param.md: template variables not provided: mystery_variable",
])
def test_each_class_of_error_is_found(broken, expected):
    assert any(expected in line for line in broken), "\n".join(broken)


def test_default_pack_is_clean():
    problems = lint_location(None)
    assert problems == [], "\n".join(map(str, problems))


def test_lint_cli_exit_codes():
    runner = CliRunner()
    bad = runner.invoke(main, ["lint", "--pack", str(BROKEN)])
    assert bad.exit_code == 1
    assert f"{RULES}:13:" in bad.output
    missing = runner.invoke(main, ["lint", "--pack", str(ROOT / "no-such-pack")])
    assert missing.exit_code == 2 and "Pack not found" in missing.output
