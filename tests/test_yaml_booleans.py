"""Answers and packs are read with YAML 1.2 booleans: only true and false. `on`, `off`, `yes`, `no`, `y`, `n` are
words (the province of Ontario, a canton code), wherever answers and packs are read."""

import re

import pytest
import yaml

from balises.contract.profile import parse_profile
from balises.safeyaml import parse_yaml

from .conftest import ROOT


@pytest.mark.parametrize("text,value", [("true", True), ("True", True), ("FALSE", False), ("on", "on"),
                                        ("off", "off"), ("yes", "yes"), ("No", "No"), ("y", "y"), ("n", "n")])
def test_only_true_and_false_are_booleans(text, value):
    assert parse_yaml(f"a: {text}\n", "t")["a"] == value


def test_pyyaml_itself_is_left_as_it_is():
    assert yaml.safe_load("a: on") == {"a": True}  # other readers keep their YAML 1.1 behaviour


def test_the_profile_example_of_the_docs_loads():
    doc = (ROOT / "docs" / "profile.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", doc, re.S).group(1)
    profile = parse_profile(parse_yaml(example, "docs/profile.md"), "docs/profile.md")
    assert profile.organisation.name == "Théâtre de la Grande Marée"


def test_a_pack_recommending_ontario_reads_it_as_ontario(tmp_path):
    from balises.contract.answers import resolve
    from balises.packs.loader import load_pack

    pack_dir = tmp_path / "pack"
    (pack_dir).mkdir()
    (pack_dir / "pack.yaml").write_text(
        "name: Réseau ontarien\nversion: 1.0.0\nlanguages: [fr, en]\n"
        "profile_defaults:\n  organisation.jurisdiction: canada_other\n  organisation.province: on\n",
        encoding="utf-8")
    pack = load_pack(pack_dir)
    answers = {"organisation": {"name": "Galerie", "sector": "visual_arts_crafts", "employees": 3}}
    assert resolve(answers, pack, "t").profile.organisation.province == "on"
