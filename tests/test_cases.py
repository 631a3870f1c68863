"""Legal and sector triggers as data: every file of tests/cases is a profile with what its policy must and must
not contain (see tests/cases/README.md). The model and the runner are `balises test`'s (balises/packs/cases.py)."""

from pathlib import Path

import pytest

from balises.packs.cases import Case, parse_case, run_case

from .conftest import ROOT

CASES = sorted((ROOT / "tests" / "cases").glob("*.yaml"))


@pytest.mark.parametrize("case_path", CASES, ids=[p.stem for p in CASES])
def test_case(case_path: Path, pack):
    case = parse_case(case_path.read_bytes(), case_path.name)
    result = run_case(case, pack, case_path.name, root=ROOT)
    assert result.passed, f"{case_path.name}: " + "; ".join(result.failures)


def test_a_misspelt_key_is_an_error():
    with pytest.raises(Exception, match="must_have_clause"):
        parse_case(b"description: x\nprofile: examples/theatre-quebec.yaml\nmust_have_clause: [a]\n", "bad.yaml")
    assert "must_have_clauses" in Case.model_fields
