"""organisation.province: only for canada_other, it chooses the privacy act (BC and Alberta PIPA, elsewhere
PIPEDA where it applies), and it reaches every entry point: the contract, the schema, the batch columns, the
wizard."""

import pytest
from click.testing import CliRunner

from balises import wizard as wz
from balises.cli.main import main
from balises.contract.paths import merge
from balises.contract.profile import Profile, parse_profile
from balises.engine.facts import derive
from balises.errors import ProfileError
from balises.services.spreadsheet import template_columns, unflatten


@pytest.fixture()
def ontario(example_data):
    return example_data["festival-ontario"]


@pytest.mark.parametrize("province,regime", [("bc", "pipa_bc"), ("ab", "pipa_ab"), ("on", "pipeda"),
                                             ("ns", "pipeda"), (None, "pipeda")])
def test_province_chooses_the_privacy_act(ontario, province, regime):
    data = merge(ontario, {"organisation": {"province": province}} if province else {})
    assert derive(parse_profile(data)).privacy_regime == regime


def test_a_federal_undertaking_in_british_columbia_stays_under_pipeda(ontario):
    data = merge(ontario, {"organisation": {"province": "bc", "federally_regulated": True}})
    assert derive(parse_profile(data)).privacy_regime == "pipeda"


def test_province_only_with_canada_other(example_data):
    data = merge(example_data["theatre-quebec"], {"organisation": {"province": "on"}})
    with pytest.raises(ProfileError) as info:
        parse_profile(data, "p.yaml")
    assert "organisation.province" in info.value.message("en") and "canada_other" in info.value.message("en")
    assert "canada_other" in info.value.message("fr")


def test_unknown_province_names_the_field_and_the_values(ontario):
    with pytest.raises(ProfileError) as info:
        parse_profile(merge(ontario, {"organisation": {"province": "qc"}}), "p.yaml")
    message = info.value.message("en")
    assert "organisation.province" in message and "bc" in message


def test_schema_and_batch_columns_know_the_province(ontario):
    schema = Profile.model_json_schema()
    assert "province" in str(schema["$defs"]["Organisation"]["properties"])
    assert "organisation.province" in template_columns(1)
    row = {"organisation.name": "X", "organisation.jurisdiction": "canada_other", "organisation.province": "ab",
           "organisation.sector": "music", "organisation.employees": "4"}
    assert parse_profile(unflatten(row)).organisation.province == "ab"


def test_the_wizard_asks_the_province_only_for_canada_outside_quebec():
    answers = wz.default_answers()
    answers["organisation"]["jurisdiction"] = "canada_other"
    assert "organisation.province" in [q.path for q in wz.questions_for("organisation", answers)]
    answers["organisation"]["province"] = "bc"
    assert wz.to_profile_data(answers)["organisation"]["province"] == "bc"
    answers["organisation"]["jurisdiction"] = "quebec"
    assert "organisation.province" not in [q.path for q in wz.questions_for("organisation", answers)]
    wz.fit_answers(answers)
    assert "province" not in wz.to_profile_data(answers)["organisation"]


def test_explain_cites_the_provincial_act(tmp_path, ontario):
    import json

    path = tmp_path / "bc.json"
    path.write_text(json.dumps(merge(ontario, {"organisation": {"province": "bc"}}), default=str))
    result = CliRunner().invoke(main, ["explain", str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "pipa-british-columbia" in result.output and "S.B.C. 2003, c. 63" in result.output
    assert "pipeda-canada-outside-quebec" not in result.output


def test_province_on_reads_as_ontario_from_yaml(tmp_path):
    """YAML 1.2 booleans: `on` is Ontario, not true (PyYAML's YAML 1.1 would read it as a boolean)."""
    from balises.contract.profile import load_profile

    path = tmp_path / "ontario.yaml"
    path.write_text("organisation:\n  name: Galerie\n  jurisdiction: canada_other\n  province: on\n"
                    "  sector: visual_arts_crafts\n  employees: 3\n", encoding="utf-8")
    assert load_profile(path).organisation.province == "on"
