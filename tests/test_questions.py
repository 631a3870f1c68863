"""The wizard's questions as data (balises/contract/questions.yaml): one question per asked field of the
contract, conditions the linter accepts, both languages, the JSON Schema and docs/profile.md made from
them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from pydantic import BaseModel, ValidationError

from balises import wizard as wz
from balises.contract import conditions, docs, vocabulary
from balises.contract import questions as qs
from balises.contract.paths import FieldPath
from balises.contract.profile import Profile, json_schema
from balises.packs.lint import Problem, known_fields
from balises.safeyaml import load_data_file

# the contract's fields the wizard does not ask, and why
NOT_ASKED = {
    "schema_version": "written by the wizard, always 1",
    "organisation.public_body": "asked as the legal form public_body",
    "policy.adopted_on": "recorded by `balises update --adopted-on` once the body has adopted the policy",
}


def _leaf_fields(model: type[BaseModel] = Profile, prefix: str = "") -> dict[str, object]:
    out = {}
    for name, info in model.model_fields.items():
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out.update(_leaf_fields(ann, f"{prefix}{name}."))
        else:
            out[f"{prefix}{name}"] = ann
    return out


def _field(path: str):
    """The model field at ``path`` (KeyError if there is none)."""
    *parents, name = FieldPath.parse(path).parts
    model = Profile
    for part in parents:
        model = model.model_fields[part].annotation
    return model.model_fields[name]


def _conditions(question: qs.Question):
    if question.visible is not None:
        yield f"{question.path}.visible", question.visible
    for i, variant in enumerate(question.variants):
        yield f"{question.path}.variants[{i}].when", variant.when


def _texts(question: qs.Question):
    yield "label", question.label
    yield "help", question.help
    if question.why:
        yield "why", question.why
    if question.placeholder:
        yield "placeholder", question.placeholder
    for value, caption in (question.captions or {}).items():
        yield f"captions.{value}", caption
    for i, variant in enumerate(question.variants):
        for part in ("label", "help", "why"):
            if getattr(variant, part) is not None:
                yield f"variants[{i}].{part}", getattr(variant, part)
        for value, label in (variant.options or {}).items():
            yield f"variants[{i}].options.{value}", label


def test_every_asked_field_of_the_contract_has_exactly_one_question():
    paths = [q.path for q in qs.questions()]
    assert len(paths) == len(set(paths))
    leaves = _leaf_fields()
    assert set(NOT_ASKED) <= set(leaves)
    assert set(paths) == set(leaves) - set(NOT_ASKED), "a field of the profile without a question (or the "\
        "reverse): add it to balises/contract/questions.yaml or to NOT_ASKED with the reason"


def test_every_question_names_a_real_field_of_the_right_type():
    fields = known_fields()
    kinds = {"bool": bool, "yesno": bool, "int": int, "date": dt.date}
    for q in qs.questions():
        field = _field(q.path)
        assert str(FieldPath.parse(q.path)) == q.path
        if q.kind in kinds:
            assert field.annotation is kinds[q.kind], q.path
        if q.table is not None:  # the vocabulary table the question offers is the field's own enumeration
            assert list(q.table) == fields[q.path], q.path
        else:
            assert fields[q.path] is None, f"{q.path}: an enumeration asked without its options"


def test_every_condition_is_well_formed_and_names_known_answers_and_values():
    # the wizard's answers hold the profile's fields, never the facts derived from them
    fields = {path: values for path, values in known_fields().items() if not path.startswith("facts.")}
    found = 0
    for q in qs.questions():
        for where, cond in _conditions(q):
            found += 1
            assert conditions.check(cond, where) == []
            assert conditions.condition_problems(cond, fields, where, where, where, Problem) == []
    assert found >= 6


def test_every_question_speaks_french_and_english():
    for q in qs.questions():
        for where, (fr, en) in _texts(q):
            assert fr.strip() and en.strip(), f"{q.path}.{where}"
    for step in qs.steps():
        assert all(step.title), step.id
        assert all(step.intro) or step.id == "review", step.id


def test_the_visible_condition_and_the_contract_decide_what_is_asked():
    answers = wz.default_answers(today=dt.date(2026, 12, 1))
    assert isinstance(answers["policy"]["effective_date"], dt.date)
    article = wz.QUESTION_BY_PATH["organisation.name_article"]
    answers["policy"]["languages"] = None
    assert not article.is_visible(answers)
    answers["policy"]["languages"] = ["en", "fr"]
    assert article.is_visible(answers)
    asked = {}
    for j in (None, "quebec", "canada_other", "switzerland", "france"):
        answers["organisation"]["jurisdiction"] = j
        asked[j] = [q.path for q in wz.questions_for("organisation", answers)]
    assert "organisation.federally_regulated" in asked["quebec"]
    assert "organisation.province" in asked["canada_other"]
    assert "organisation.eu_market" in asked["switzerland"]
    for optional in ("organisation.federally_regulated", "organisation.province", "organisation.eu_market"):
        assert optional not in asked[None] and optional not in asked["france"]


def test_variants_replace_the_label_or_the_help_where_their_condition_holds():
    officer = wz.QUESTION_BY_PATH["organisation.privacy_officer"]
    assert officer.label_for({}, "en") == "Role in charge of personal data (optional)"
    belgium, quebec = ({"organisation": {"jurisdiction": j}} for j in ("belgium", "quebec"))
    assert officer.label_for(belgium, "fr").startswith("Délégué·e")
    assert officer.label_for(quebec, "en").startswith("Person in charge")
    languages = wz.QUESTION_BY_PATH["policy.languages"]
    assert languages.help_for(quebec, "fr").endswith("en français.")
    assert languages.label_for(quebec, "fr") == "Langues de la politique"


def test_the_questions_are_read_once_and_read_only():
    assert qs.questions() is qs.questions()
    article = wz.QUESTION_BY_PATH["organisation.name_article"]
    with pytest.raises(TypeError):
        article.visible["contains"] = "en"
    with pytest.raises(TypeError):
        wz.QUESTION_BY_PATH["maturity"].captions.pop("pioneer")
    with pytest.raises(ValidationError):
        article.optional = False


def _one_question(**changes) -> dict:
    question = {"path": "organisation.sector", "step": "organisation", "kind": "select",
                "label": {"fr": "Secteur", "en": "Sector"}, "help": {"fr": "Aide", "en": "Help"}}
    return {"steps": [{"id": "organisation", "title": {"fr": "O", "en": "O"}, "intro": {"fr": "", "en": ""},
                       "fields": ["organisation"]}], "questions": [{**question, **changes}]}


@pytest.mark.parametrize("changes, said", [
    ({"hepl": {"fr": "x", "en": "y"}}, "hepl"),
    ({"label": {"fr": "Secteur", "en": "Sector", "de": "Sektor"}}, "'de'"),
    ({"help": {"fr": "Aide"}}, "missing 'en'"),
    # the options are the field's table in options.yaml, not named by the question
    ({"options": "SECTORS"}, "Extra inputs are not permitted"),
    ({"path": "organisation.name"}, "a select question needs a field with options (options.yaml: a table whose "
                                    "fields list organisation.name)"),
    ({"captions": {"opera": {"fr": "x", "en": "y"}}}, "'opera', not an option of sector"),
    ({"visible": {"field": "policy.languages", "has": "fr"}}, "unknown operator"),
    ({"variants": [{"when": {"field": "organisation.jurisdiction", "equals": "quebec"}}]}, "a label, a help"),
    ({"variants": [{"when": {"field": "organisation.jurisdiction", "equals": "quebec"},
                    "options": {"opera": {"fr": "x", "en": "y"}}}]}, "variant label for 'opera'"),
    ({"starts_unanswerd": True}, "starts_unanswerd"),
    ({"step": "elsewhere"}, "unknown step 'elsewhere'"),
    ({"kind": "bool"}, "a bool question has no options"),
    ({"path": "organisation..sector"}, "not a field path: 'organisation..sector'"),
    ({"path": "organisation.[0]"}, "not a field path"),
])
def test_a_wrong_question_file_is_refused_naming_what_is_wrong(changes, said):
    with pytest.raises(ValidationError) as info:
        qs.Questionnaire.model_validate(_one_question(**changes))
    assert said in str(info.value)


def test_the_file_read_is_the_file_checked():
    assert qs.Questionnaire.model_validate(load_data_file(qs.QUESTIONS_FILE)) == qs.questionnaire()


def test_the_json_schema_titles_and_describes_each_asked_field_with_its_question():
    schema = json_schema()
    org = schema["$defs"]["Organisation"]["properties"]
    assert org["province"]["title"] == "Province or territory"
    assert org["province"]["x-label-fr"] == "Province ou territoire"
    assert org["province"]["description"].startswith("British Columbia and Alberta")
    assert org["province"]["x-help-fr"].startswith("La Colombie-Britannique")
    for q in qs.questions():
        *parents, name = FieldPath.parse(q.path).parts
        part = Profile.model_fields[parents[0]].annotation.__name__ if parents else None
        props = schema["$defs"][part]["properties"] if part else schema["properties"]
        assert (props[name]["title"], props[name]["description"]) == (q.label[1], q.help[1]), q.path
        assert (props[name]["x-label-fr"], props[name]["x-help-fr"]) == (q.label[0], q.help[0]), q.path
    # a field without a question keeps what the model says of it
    assert "x-label-fr" not in org["public_body"]
    assert "x-label-fr" not in schema["$defs"]["Tool"]["properties"]["name"]
    assert schema["properties"]["schema_version"]["title"] == "Schema Version"


def test_docs_profile_md_lists_the_questions_as_the_file_says():
    doc = docs.DOCS_FILE.read_text(encoding="utf-8")
    assert doc.count(qs.DOCS_START) == 1 and doc.count(qs.DOCS_END) == 1
    assert docs.with_generated(doc) == doc, f"docs/profile.md is out of date: run {qs.WRITE_DOCS}"
    section = qs.markdown()
    for q in qs.questions():
        assert f"| `{q.path}` | {q.label[0]} | {q.label[1]} |" in section
    assert "when `policy.languages` contains `fr`" in section
    assert "where rules.yaml allows an answer (`organisation.jurisdiction` is `canada_other`)" in section
    assert "one of `quebec`, `canada_other`" in section
    assert doc.startswith("# The organisation profile")  # the hand-written part is kept


def _example_block(doc: str) -> str:
    return re.search(r"```yaml\n(.*?)```", doc[doc.index(docs.EXAMPLE_START):], re.S).group(1)


def test_docs_profile_md_example_is_a_profile_that_loads(tmp_path):
    """The example is made from the contract and an example of examples/: it loads as it is, and with every
    commented line (an answer the example leaves out) uncommented, by a YAML 1.1 reader too."""
    import yaml

    from balises.contract.profile import parse_profile
    from balises.safeyaml import parse_yaml

    block = _example_block(docs.DOCS_FILE.read_text(encoding="utf-8"))
    profile = parse_profile(parse_yaml(block, "docs/profile.md"))
    assert profile == parse_profile(load_data_file(docs.EXAMPLE_FILE))
    for path, _ in _leaf_fields().items():
        assert f"{path.rsplit('.', 1)[-1]}:" in block, path  # every field of the contract is shown
    # uncommented, each left-out answer is a possible answer; and "on" stays a province, not YAML 1.1's true
    uncommented = re.sub(r"^(\s*)# ", r"\1", block, flags=re.M)
    data = parse_yaml(uncommented, "docs/profile.md")
    assert yaml.safe_load(uncommented)["organisation"]["province"] == data["organisation"]["province"]
    assert data["organisation"]["province"] in vocabulary.PROVINCES
    for path, table in vocabulary.FIELD_TABLES.items():
        value = FieldPath.parse(path.replace("tools.", "tools[0].")).get(data)
        assert set(value if isinstance(value, list) else [value]) <= set(vocabulary.ENUMERATIONS[table]), path


def test_write_docs_regenerates_only_the_generated_parts(tmp_path):
    doc = tmp_path / "profile.md"
    doc.write_text(f"# Head\n\n{docs.EXAMPLE_START}\nOLD-EXAMPLE\n{docs.EXAMPLE_END}\n\nMiddle.\n\n"
                   f"{qs.DOCS_START}\nSTALE-SECTION\n{qs.DOCS_END}\n\nTail.\n", encoding="utf-8")
    assert docs.write_docs(doc) is True
    text = doc.read_text(encoding="utf-8")
    assert text.startswith(f"# Head\n\n{docs.EXAMPLE_START}") and text.endswith(f"{qs.DOCS_END}\n\nTail.\n")
    assert "\n\nMiddle.\n\n" in text
    assert "STALE-SECTION" not in text and "OLD-EXAMPLE" not in text and "`organisation.name`" in text
    assert "  jurisdiction: quebec " in text
    assert docs.write_docs(doc) is False
    doc.write_text("# No markers\n", encoding="utf-8")
    with pytest.raises(ValueError, match="markers"):
        docs.write_docs(doc)


def test_a_help_is_one_sentence_and_the_rest_is_behind_why():
    """gov.uk: one short hint under the question; the explanation for those who want it behind "Pourquoi ?"."""
    for q in qs.questions():
        for where, (fr, en) in _texts(q):
            if where.endswith("help"):
                for text in (fr, en):
                    assert not re.search(r"[.!?] [A-ZÀ-Ý«“]", text), f"{q.path}.{where}: one sentence"
                    assert len(text.split()) <= 30, f"{q.path}.{where}: {len(text.split())} words"


def test_the_words_of_a_place_are_variants_of_the_same_question():
    data = wz.QUESTION_BY_PATH["data.personal_data"]
    france, quebec = ({"organisation": {"jurisdiction": j}} for j in ("france", "quebec"))
    assert data.label_for(france, "fr") == "Données personnelles que vous détenez"
    assert data.label_for(quebec, "fr") == "Renseignements personnels que vous détenez"
    assert data.label_for(quebec, "en") == "Personal information you hold"
    creative = wz.QUESTION_BY_PATH["uses.creative"]
    assert creative.option_label("concept_art_storyboard", "fr", france) == "Recherche visuelle et storyboard"
    assert creative.option_label("concept_art_storyboard", "fr", quebec) == "Recherche visuelle et scénarimage"
    assert creative.option_label("concept_art_storyboard", "fr") == "Recherche visuelle et scénarimage"


def test_a_condition_can_name_what_the_table_says_of_an_option_instead_of_listing_places():
    """``where: eu_member`` holds for every member the jurisdiction table marks, so a new EU jurisdiction
    needs no edit of the questions; it holds for no unanswered or unknown value."""
    cond = {"field": "organisation.jurisdiction", "where": "eu_member"}
    members = [j for j in vocabulary.options_of("organisation.jurisdiction") if conditions.holds(
        cond, {"organisation": {"jurisdiction": j}})]
    assert members == list(vocabulary.jurisdictions_where("eu_member")) and "france" in members
    assert not conditions.holds(cond, {"organisation": {}})
    assert not conditions.holds(cond, {"organisation": {"jurisdiction": "atlantis"}})
    officer = wz.QUESTION_BY_PATH["organisation.privacy_officer"]
    assert officer.label_for({"organisation": {"jurisdiction": "eu_other"}}, "fr").startswith("Délégué·e")
    assert conditions.check({"field": "organisation.jurisdiction", "where": True}) != []
    fields = {path: values for path, values in known_fields().items() if not path.startswith("facts.")}
    wrong = {"field": "organisation.jurisdiction", "where": "in_europe"}
    (problem,) = conditions.condition_problems(wrong, fields, "q", "q", "q", Problem)
    assert "in_europe" in problem.message and "eu_member" in problem.message and "canada" in problem.message


# ---------------------------------------------------------------- a hidden question's answer

_STALE_RULE = """- id: no-consent-catalogue
  when: {field: commitments.voice_likeness_consent, equals: false}
  select: [copyright.catalogue_protection]
  why:
    fr: "Sans consentement écrit, les œuvres d'autrui sont protégées."
    en: "Without written consent, other people's works are protected."
"""


def test_a_stale_answer_to_a_hidden_question_changes_no_clause(tmp_path):
    """The consent question is asked only with a voice or likeness use (its `visible:`). A "no" left from an
    earlier answer, once that use is unticked, is the contract's default again, so a rule that reads it (here
    a pack's) changes nothing, without repeating the question's condition."""
    from balises.contract.profile import parse_profile
    from balises.engine.compose import compose
    from balises.packs.loader import load_pack

    root = tmp_path / "pack"
    (root / "rules").mkdir(parents=True)
    (root / "pack.yaml").write_text("name: stale\nversion: '1'\nextends: default\n", encoding="utf-8")
    (root / "rules" / "stale.yaml").write_text(_STALE_RULE, encoding="utf-8")
    pack = load_pack(root)
    answers = {"organisation": {"name": "Studio", "jurisdiction": "france", "sector": "audiovisual",
                                "employees": 3},
               "uses": {"creative": ["voice_synthesis"]}, "commitments": {"voice_likeness_consent": False}}
    question = wz.QUESTION_BY_PATH["commitments.voice_likeness_consent"]

    def clauses(data):
        profile = parse_profile(data)
        doc = compose(profile, pack, lang="fr", as_of=dt.date(2026, 12, 7))
        return profile, {t.clause for t in doc.trace}

    asked, selected = clauses(answers)
    assert question.is_visible(answers) and asked.commitments.voice_likeness_consent is False
    assert "copyright.catalogue_protection" in selected  # the answer, asked, decides the clause

    stale = {**answers, "uses": {"creative": ["image_generation"]}}
    assert not question.is_visible(stale)
    hidden, selected = clauses(stale)
    assert hidden.commitments.voice_likeness_consent is True  # the contract's default
    assert "copyright.catalogue_protection" not in selected
    # an answer given where the question is asked is kept as given
    assert parse_profile({**stale, "commitments": {"voice_likeness_consent": True}}) == hidden


# ---------------------------------------------------------------- the option tables (options.yaml)

def _literal_values(annotation) -> set | None:
    """The values a field's type allows when it is one of a table's options (or a list or an optional of one)."""
    import typing
    if typing.get_origin(annotation) is typing.Literal:
        return set(typing.get_args(annotation))
    for arg in typing.get_args(annotation):
        found = _literal_values(arg)
        if found is not None:
            return found
    return None


def test_each_field_with_options_takes_them_from_its_table_and_only_there():
    from balises.contract import vocabulary
    from balises.contract.profile import Tool

    fields = {**_leaf_fields(), **{f"tools.{k}": a for k, a in _leaf_fields(Tool).items()}}
    with_options = {path: values for path, ann in fields.items() if path != "schema_version"
                    and (values := _literal_values(ann)) is not None}
    assert set(with_options) == set(vocabulary.FIELD_TABLES)  # no table for a field that does not exist
    for path, values in with_options.items():
        assert values == set(vocabulary.options_of(path)), path
    # the uses' parts are the use categories, in the table's order
    assert [k for k in Profile.model_fields["uses"].annotation.model_fields if k != "model_training"] == list(
        vocabulary.USE_CATEGORIES)



def test_the_tools_question_declares_each_tool_answer_of_the_model_once():
    from balises.contract.profile import Tool

    columns = wz.QUESTION_BY_PATH["tools"].columns
    assert list(columns) == list(Tool.model_fields) == list(wz.TOOL_COLUMNS)
    assert wz.TOOL_ASKED == ("hosting", "account", "status")  # the answers that decide what a tool may receive
    assert set(wz.ACCOUNT_HELP) == set(vocabulary.ACCOUNT) and set(wz.STATUS_HELP) == set(vocabulary.TOOL_STATUS)
    blank = wz.blank_tool()
    assert blank == {"name": "", "vendor": None, "hosting": None, "account": None, "status": None, "uses": []}
    assert blank["uses"] is not wz.blank_tool()["uses"]  # a new list for each new tool
    with pytest.raises(ValidationError, match="caption for 'cloud', not an option of tools.hosting"):
        qs.Column.model_validate({"label": {"fr": "x", "en": "y"}, "short": {"fr": "x", "en": "y"}})
        qs.Questionnaire.model_validate({**_one_question(), "questions": [{
            "path": "tools", "step": "organisation", "kind": "tools", "label": {"fr": "O", "en": "T"},
            "help": {"fr": "A", "en": "H"}, "columns": {"hosting": {
                "label": {"fr": "x", "en": "y"}, "short": {"fr": "x", "en": "y"},
                "captions": {"cloud": {"fr": "x", "en": "y"}}}}}]})
