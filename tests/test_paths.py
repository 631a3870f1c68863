"""Field paths, written one way everywhere (balises/contract/paths.py)."""

from __future__ import annotations

import pytest

from balises.contract.paths import FieldPath, flatten, merge, nest

ANSWERS = {"organisation": {"name": "Théâtre", "employees": 9},
           "uses": {"admin": ["grant_writing", "translation"]},
           "tools": [{"name": "ChatGPT", "uses": ["translation"]}, {"name": "DeepL"}]}


def test_a_path_reads_and_names_a_field_as_messages_and_spreadsheets_do():
    path = FieldPath.parse("tools[1].name")
    assert path.get(ANSWERS) == "DeepL" and str(path) == "tools[1].name" and path.column == "tools.2.name"
    assert FieldPath.parse("organisation.sector").get(ANSWERS, "absent") == "absent"
    assert FieldPath.parse("tools[7].name").get(ANSWERS) is None


@pytest.mark.parametrize("text", ["", "a..b", "tools.[0]", "tools[x]", ".name", "name."])
def test_a_path_has_one_spelling(text):
    with pytest.raises(ValueError):
        FieldPath.parse(text)


def test_set_creates_what_is_missing_and_never_touches_the_rest():
    data: dict = {"organisation": {"name": "X"}}
    FieldPath.parse("policy.languages").set(data, ["fr"])
    FieldPath.parse("tools[1].name").set(data, "DeepL")
    assert data == {"organisation": {"name": "X"}, "policy": {"languages": ["fr"]},
                    "tools": [{}, {"name": "DeepL"}]}


def test_flatten_keeps_lists_of_values_whole_and_walks_the_tools():
    flat = {str(p): v for p, v in flatten(ANSWERS).items()}
    assert flat["uses.admin"] == ["grant_writing", "translation"]
    assert flat["tools[0].uses"] == ["translation"] and flat["tools[1].name"] == "DeepL"


def test_nest_and_merge_layers_as_a_pack_writes_them():
    pack = nest({"policy.stance": "restricted", "commitments": {"disclosure": "all_assisted"},
                 "policy": {"review_months": 24}})
    assert pack == {"policy": {"stance": "restricted", "review_months": 24},
                    "commitments": {"disclosure": "all_assisted"}}
    merged = merge({"policy": {"languages": ["fr", "en"], "stance": "conditional"}}, pack,
                   {"policy": {"languages": ["en"]}})
    assert merged["policy"] == {"languages": ["en"], "stance": "restricted", "review_months": 24}  # lists replaced


def test_replaced_tries_an_answer_without_touching_the_users():
    answers = {"organisation": {"jurisdiction": "quebec", "province": None}, "tools": [{"name": "DeepL"}]}
    trial = FieldPath.parse("organisation.province").replaced(answers, "bc")
    assert trial["organisation"]["province"] == "bc" and answers["organisation"]["province"] is None
    trial = FieldPath.parse("tools[0].name").replaced(answers, "ChatGPT")
    assert trial["tools"][0]["name"] == "ChatGPT" and answers["tools"][0]["name"] == "DeepL"
