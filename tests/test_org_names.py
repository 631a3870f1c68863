"""The organisation named as French names it: « par le Théâtre… », « du Studio », « aux Éditions… »."""

import pytest

from balises.contract.profile import parse_profile
from balises.engine.views import org_names


@pytest.mark.parametrize("name, extra, the, of, to", [
    ("Théâtre de la Grande Marée", {}, "le Théâtre de la Grande Marée", "du Théâtre de la Grande Marée",
     "au Théâtre de la Grande Marée"),
    ("Compagnie Mue", {}, "la Compagnie Mue", "de la Compagnie Mue", "à la Compagnie Mue"),
    ("Atelier Circulaire", {}, "l'Atelier Circulaire", "de l'Atelier Circulaire", "à l'Atelier Circulaire"),
    ("Éditions du Fleuve Noir", {}, "les Éditions du Fleuve Noir", "des Éditions du Fleuve Noir",
     "aux Éditions du Fleuve Noir"),
    ("Le Diamant", {}, "Le Diamant", "du Diamant", "au Diamant"),
    ("Ex Machina", {}, "Ex Machina", "d'Ex Machina", "à Ex Machina"),
    ("Studio Lumen", {"name_article": "le"}, "le Studio Lumen", "du Studio Lumen", "au Studio Lumen"),
    ("Théâtre Aphasie", {"name_article": "none"}, "Théâtre Aphasie", "de Théâtre Aphasie", "à Théâtre Aphasie"),
])
def test_full_name_with_its_article(name, extra, the, of, to):
    p = parse_profile({"organisation": {"name": name, "jurisdiction": "quebec", "sector": "music", "employees": 3,
                                        **extra}}, "x")
    names = org_names(p, "fr")
    assert (names["org_the"], names["org_of"], names["org_to"]) == (the, of, to)


@pytest.mark.parametrize("short, the, of, to", [
    (None, "l'organisation", "de l'organisation", "à l'organisation"),
    ("le Théâtre", "le Théâtre", "du Théâtre", "au Théâtre"),
    ("la Compagnie", "la Compagnie", "de la Compagnie", "à la Compagnie"),
    ("les Éditions", "les Éditions", "des Éditions", "aux Éditions"),
])
def test_short_name_after_the_first_mention(short, the, of, to):
    org = {"name": "X", "jurisdiction": "france", "sector": "music", "employees": 3}
    if short:
        org["short_name"] = short
    names = org_names(parse_profile({"organisation": org}, "x"), "fr")
    assert (names["short"], names["short_of"], names["short_to"]) == (the, of, to)


def test_english_names_the_organisation_plainly():
    p = parse_profile({"organisation": {"name": "Théâtre de la Grande Marée", "jurisdiction": "quebec",
                                        "sector": "music", "employees": 3, "short_name": "le Théâtre"}}, "x")
    assert org_names(p, "en")["org_the"] == "Théâtre de la Grande Marée"
    assert org_names(p, "en")["short"] == "the organisation"
