"""The answers-file contract (docs/profile.md): every rule enforced, every message naming the field."""

import json

import pytest

from balises.contract.profile import json_schema, load_profile, parse_profile, profile_from_text
from balises.errors import InputFileError, ProfileError

MINIMAL = {"organisation": {"name": "Théâtre Test", "jurisdiction": "france", "sector": "performing_arts",
                            "employees": 5}}


def with_(path: str, value, base=None):
    data = json.loads(json.dumps(base or MINIMAL))
    node = data
    keys = path.split(".")
    for key in keys[:-1]:
        node = node.setdefault(key, {})
    node[keys[-1]] = value
    return data


def problems(data):
    with pytest.raises(ProfileError) as info:
        parse_profile(data, "p.yaml")
    return info.value


def test_minimal_profile_gets_defaults():
    profile = parse_profile(MINIMAL)
    assert profile.policy.languages == ["fr"]
    assert profile.policy.review_months == 12
    assert profile.tools == []


def test_every_example_is_valid(example_data):
    assert len(example_data) >= 4
    for name, data in example_data.items():
        parse_profile(data, name)


@pytest.mark.parametrize("path,value,field,words_en,words_fr", [
    ("organisation.jurisdiction", "quebek", "organisation.jurisdiction", ["'quebek'", "quebec", "did you mean"],
     ["non permise", "vouliez-vous dire"]),
    ("organisation.sector", "dance", "organisation.sector", ["performing_arts", "allowed values"],
     ["valeurs permises"]),
    ("organisation.employees", -3, "organisation.employees", ["at least 0"], ["minimum 0"]),
    ("organisation.employees", 2_000_000, "organisation.employees", ["at most 1000000"], ["maximum"]),
    ("organisation.employees", "many", "organisation.employees", ["whole number"], ["nombre entier"]),
    ("policy.review_months", 2, "policy.review_months", ["at least 3"], ["minimum 3"]),
    ("policy.review_months", 37, "policy.review_months", ["at most 36"], ["maximum 36"]),
    ("policy.languages", [], "policy.languages", ["must not be empty"], ["vide"]),
    ("policy.languages", ["de"], "policy.languages[0]", ["'de'", "fr, en"], ["fr, en"]),
    ("policy.stance", "maybe", "policy.stance", ["encouraged", "prohibited"], ["valeurs permises"]),
    ("policy.effective_date", "next week", "policy.effective_date", ["YYYY-MM-DD"], ["AAAA-MM-JJ"]),
    ("organisation.name", "", "organisation.name", ["must not be empty"], ["vide"]),
    ("organisation.name", "   ", "organisation.name", ["must not be empty"], ["vide"]),
    ("organisation.name", "x" * 201, "organisation.name", ["at most 200"], ["maximum 200"]),
    ("organisation.name", "Bad\x07Name", "organisation.name", ["control characters"], ["caractères de contrôle"]),
    ("policy.owner_role", "Dir\x00", "policy.owner_role", ["control characters"], ["caractères de contrôle"]),
    ("uses.creative", ["image_gen"], "uses.creative[0]", ["image_generation", "did you mean"], ["vouliez-vous"]),
    ("data.personal_data", "audience", "data.personal_data", ["a list is expected"], ["liste"]),
    ("tools", [{"name": "X", "uses": ["dancing"]}], "tools[0].uses[0]", ["'dancing'", "grant_writing"],
     ["valeurs permises"]),
    ("tools", [{"name": "X", "hosting": "moon"}], "tools[0].hosting", ["self_hosted"], ["valeurs permises"]),
    ("tools", [{"name": "X", "colour": "red"}], "tools[0].colour", ["unknown key"], ["clé inconnue"]),
    ("schema_version", 2, "schema_version", ["unknown schema version 2"], ["version de schéma"]),
])
def test_field_errors_name_field_value_and_allowed(path, value, field, words_en, words_fr):
    err = problems(with_(path, value))
    en, fr = err.message("en"), err.message("fr")
    assert f"{field}:" in en and f"{field}:" in fr  # where: reason, one format in both languages
    for w in words_en:
        assert w in en, en
    for w in words_fr:
        assert w in fr, fr
    assert err.problems[0].where == field


def test_unknown_key_is_rejected_with_a_hint():
    err = problems(with_("organisation.nmae", "x"))
    assert "organisation.nmae: unknown key 'nmae'; did you mean 'name'?" in err.message("en")
    err = problems({**MINIMAL, "usess": {}})
    assert "did you mean 'uses'?" in err.message("en")


def test_cse_only_in_france():
    parse_profile(with_("organisation.staff_representation", "cse"))
    data = with_("organisation.jurisdiction", "quebec", with_("organisation.staff_representation", "union_and_cse"))
    err = problems(data)
    assert "organisation.staff_representation" in err.message("en")
    assert "only in France" in err.message("en")
    assert "qu'en France" in err.message("fr")


def test_public_body_and_legal_form_agree_both_ways():
    err = problems(with_("organisation.public_body", True))
    assert "organisation.public_body" in err.message("en") and "legal_form" in err.message("en")
    err = problems(with_("organisation.legal_form", "public_body"))
    assert "disagree" in err.message("en")
    ok = with_("organisation.legal_form", "public_body", with_("organisation.public_body", True))
    assert parse_profile(ok).organisation.public_body


def test_federally_regulated_only_in_canada():
    err = problems(with_("organisation.federally_regulated", True))
    assert "organisation.federally_regulated" in err.message("en")
    for j in ("quebec", "canada_other"):
        parse_profile(with_("organisation.jurisdiction", j, with_("organisation.federally_regulated", True)))


def test_quebec_always_gets_french_and_says_why():
    data = with_("organisation.jurisdiction", "quebec", with_("policy.languages", ["en"]))
    profile = parse_profile(data)
    assert profile.policy.languages == ["fr", "en"]
    assert any("s. 41" in n.en and "art. 41" in n.fr for n in profile.notices)
    france = parse_profile(with_("policy.languages", ["en"]))
    assert france.policy.languages == ["en"] and not france.notices


@pytest.mark.parametrize("path,value", [("policy.owner_role", "Direction\tgénérale"),
                                        ("organisation.name", "Théâtre\nBEGIN:VEVENT"),
                                        ("policy.approved_by", "Conseil\r\nd'administration"),
                                        ("organisation.short_name", "le Théâtre\u2028x")])
def test_line_breaks_and_tabs_refused_in_one_line_texts(path, value):
    """Every text of the profile is one line: a line break in a name once injected a calendar event."""
    err = problems(with_(path, value))
    assert path in err.message("en") and "line break" in err.message("en")
    assert "saut de ligne" in err.message("fr")


def test_several_problems_reported_at_once():
    data = with_("organisation.sector", "x", with_("policy.review_months", 99))
    err = problems(data)
    assert len(err.details) == 2
    assert "2 problems" in err.message("en") and "2 problèmes" in err.message("fr")


def test_not_a_mapping():
    with pytest.raises(ProfileError, match="must be a mapping"):
        parse_profile(["a", "list"], "p.yaml")


def test_yaml_and_json_files(tmp_path):
    (tmp_path / "p.json").write_text(json.dumps(MINIMAL), encoding="utf-8")
    assert load_profile(tmp_path / "p.json").organisation.name == "Théâtre Test"
    (tmp_path / "p.yaml").write_text("organisation:\n  name: Théâtre Test\n  jurisdiction: france\n"
                                      "  sector: music\n  employees: 3\n", encoding="utf-8")
    assert load_profile(tmp_path / "p.yaml").organisation.sector == "music"
    assert profile_from_text(json.dumps(MINIMAL)).organisation.employees == 5


@pytest.mark.parametrize("content,words", [
    ("organisation: [unclosed", ["invalid YAML", ":1"]),
    ("!!python/object/apply:os.system ['echo hi']", ["YAML tag refused"]),
    ('{"organisation": }', ["invalid JSON"]),
])
def test_unreadable_files_get_a_clear_message(tmp_path, content, words):
    name = "p.json" if content.startswith("{") else "p.yaml"
    (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        load_profile(tmp_path / name)
    for w in words:
        assert w in info.value.message("en")


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputFileError, match="File not found"):
        load_profile(tmp_path / "nope.yaml")
    with pytest.raises(InputFileError, match="is a directory"):
        load_profile(tmp_path)


def test_json_schema_describes_the_contract():
    schema = json_schema()
    org = schema["$defs"]["Organisation"]
    assert set(org["required"]) >= {"name", "jurisdiction", "sector", "employees"}
    assert "quebec" in json.dumps(org["properties"]["jurisdiction"])
    assert org["additionalProperties"] is False


@pytest.mark.parametrize("section, key, allowed", [
    ("policy", "stance", "encouraged, conditional, restricted, prohibited"),
    ("commitments", "training", ""),
    ("data", "personal_data_in_ai_tools", "never, anonymised_only, approved_tools_only"),
])
def test_null_is_a_question_not_answered_yet(section, key, allowed):
    """A file the wizard saved before the end writes null where a question waits: refused, the field named."""
    data = with_(f"{section}.{key}", None)
    with pytest.raises(ProfileError) as caught:
        parse_profile(data)
    [problem] = caught.value.problems
    assert problem.where == f"{section}.{key}" and problem.code == "unanswered"
    assert problem.text("en").startswith(f"{section}.{key}: not answered yet (null)")
    assert problem.text("fr").startswith(f"{section}.{key}: pas encore répondu (null)")
    assert allowed in problem.text("en")


def test_the_roles_left_out_are_named_in_the_policy_language():
    """An English policy is not "Approved by: Conseil d'administration"; a French one keeps its words, and a
    role the file gives is kept whatever the language."""
    english = parse_profile({**MINIMAL, "policy": {"languages": ["en", "fr"]}}).policy
    assert (english.owner_role, english.approved_by) == ("Executive Director", "Board of Directors")
    french = parse_profile({**MINIMAL, "policy": {"languages": ["fr", "en"]}}).policy
    assert (french.owner_role, french.approved_by) == ("Direction générale", "Conseil d'administration")
    given = parse_profile({**MINIMAL, "policy": {"languages": ["en"], "approved_by": "Members' meeting"}}).policy
    assert (given.owner_role, given.approved_by) == ("Executive Director", "Members' meeting")
