"""The wizard (app.py) driven through Streamlit's AppTest: what a user sees and gets at each step."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
import yaml

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from balises import wizard
from balises.contract import vocabulary
from balises.contract.profile import load_profile, parse_profile  # noqa: E402
from balises.packs.loader import load_pack  # noqa: E402
from balises.services import generate as api  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
THEATRE = ROOT / "examples" / "theatre-quebec.yaml"


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def header(at: AppTest) -> str:
    return at.header[0].value


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def w(at: AppTest, path: str):
    """The widget of the question at ``path``, whatever its kind."""
    key = "q:" + path
    for getter in (at.text_input, at.selectbox, at.multiselect, at.checkbox, at.number_input, at.date_input,
                   at.radio):
        try:
            return getter(key=key)
        except KeyError:
            continue
    raise KeyError(key)


def has(at: AppTest, path: str) -> bool:
    try:
        w(at, path)
        return True
    except KeyError:
        return False


def nxt(at: AppTest) -> AppTest:
    at.button(key="nav_next").click().run()
    assert not at.exception, at.exception
    return at


def back(at: AppTest) -> AppTest:
    at.button(key="nav_back").click().run()
    assert not at.exception, at.exception
    return at


def fill_organisation(at: AppTest, name="Théâtre de l'Essai", jurisdiction="quebec", employees=9) -> None:
    w(at, "organisation.name").input(name).run()
    w(at, "organisation.jurisdiction").select(jurisdiction).run()
    w(at, "organisation.sector").select("performing_arts").run()
    w(at, "organisation.employees").set_value(employees).run()


def upload(at: AppTest, name: str, data: bytes, mime: str = "application/x-yaml") -> AppTest:
    at.file_uploader[0].set_value((name, data, mime)).run()
    assert not at.exception, at.exception
    return at


# ---------------------------------------------------------------- steps, progress, validation

def test_first_page_in_french_with_privacy_line_and_pack():
    at = start()
    assert header(at) == "Organisation"
    assert at.get("progress")[0].proto.text.startswith("Étape 1 sur 6")
    captions = " ".join(c.value for c in at.caption)
    assert "aucune statistique d'usage" in captions and "aucune requête externe" in captions
    pack = load_pack()
    assert pack.info.name in captions and pack.info.version in captions
    # every question has its one-sentence help under it
    for q in wizard.questions_for("organisation", wizard.default_answers()):
        assert q.help_for({}, "fr") in captions


def test_cannot_leave_step_one_unanswered_and_messages_name_the_question():
    at = start()
    nxt(at)
    assert header(at) == "Organisation"  # refused
    text = "\n".join(errors(at))
    assert "« Nom de l'organisation » : ne peut pas être vide" in text
    assert "« Où l'organisation est-elle établie ? » : réponse obligatoire" in text
    assert "« Secteur » : réponse obligatoire" in text
    assert "« Nombre de salariés » : réponse obligatoire" in text
    # fixing one answer removes its message at once, the others stay
    w(at, "organisation.name").input("Théâtre").run()
    text = "\n".join(errors(at))
    assert "Nom de l'organisation" not in text and "Secteur" in text
    # a name too long is refused with the model's reason
    w(at, "organisation.name").input("x" * 201).run()
    assert any("« Nom de l'organisation » : texte trop long (201 caractères ; maximum 200)" in e
               for e in errors(at))
    w(at, "organisation.name").input("Théâtre\x07").run()
    assert any("caractères de contrôle" in e for e in errors(at))


def test_validation_messages_on_later_steps():
    at = start()
    fill_organisation(at)
    nxt(at)
    assert header(at) == "Position"
    w(at, "policy.owner_role").input("  ").run()
    w(at, "policy.version").input("").run()
    nxt(at)
    assert header(at) == "Position"
    text = "\n".join(errors(at))
    assert "« Fonction responsable de la politique » : ne peut pas être vide" in text
    assert "« Version de la politique » : ne peut pas être vide" in text
    w(at, "policy.owner_role").input("Direction").run()
    w(at, "policy.version").input("2.0").run()
    nxt(at)
    assert header(at) == "Usages"
    nxt(at)
    assert header(at) == "Données et outils"
    # a tool added as "other tool" and left without a name blocks the step, naming the tool
    at.selectbox(key="tool_pick").select_index(len(wizard.COMMON_TOOLS)).run()
    at.button(key="tool_add").click().run()
    nxt(at)
    assert header(at) == "Données et outils"
    assert any("« Outils, ligne 1, nom » : ne peut pas être vide" in e for e in errors(at))


def test_english_messages_when_the_interface_is_english():
    at = start()
    at.radio(key="ui_lang_choice").set_value("en").run()
    nxt(at)
    text = "\n".join(errors(at))
    assert "“Name of the organisation”: must not be empty" in text
    assert "“Sector”: an answer is required" in text


def test_every_step_back_and_forth_keeps_all_answers():
    at = start()
    fill_organisation(at, employees=25)
    w(at, "organisation.freelancers").check().run()
    w(at, "policy.languages").set_value(["fr", "en"]).run()
    nxt(at)
    w(at, "maturity").set_value("experimenting").run()
    w(at, "policy.stance").set_value("restricted").run()
    w(at, "policy.owner_role").input("Direction artistique").run()
    w(at, "policy.review_months").set_value(6).run()
    w(at, "policy.effective_date").set_value(dt.date(2027, 1, 15)).run()
    nxt(at)
    assert header(at) == "Usages"
    w(at, "uses.admin").set_value(["grant_writing", "translation"]).run()
    w(at, "uses.public").set_value(["chatbot"]).run()
    nxt(at)
    assert header(at) == "Données et outils"
    w(at, "data.personal_data").set_value(["audience", "minors"]).run()
    at.selectbox(key="tool_pick").select("ChatGPT").run()
    at.button(key="tool_add").click().run()
    nxt(at)
    assert header(at) == "Engagements"
    w(at, "commitments.environmental").uncheck().run()
    w(at, "commitments.disclosure").set_value("all_assisted").run()
    nxt(at)
    assert header(at) == "Relecture et téléchargement"
    for _ in range(5):
        back(at)
    assert header(at) == "Organisation"
    assert w(at, "organisation.name").value == "Théâtre de l'Essai"
    assert w(at, "organisation.employees").value == 25
    assert w(at, "organisation.freelancers").value is True
    assert w(at, "policy.languages").value == ["fr", "en"]
    nxt(at)
    assert w(at, "maturity").value == "experimenting"
    assert w(at, "policy.stance").value == "restricted"
    assert w(at, "policy.owner_role").value == "Direction artistique"
    assert w(at, "policy.review_months").value == 6
    assert w(at, "policy.effective_date").value == dt.date(2027, 1, 15)
    nxt(at)
    assert w(at, "uses.admin").value == ["grant_writing", "translation"]
    assert w(at, "uses.public").value == ["chatbot"]
    nxt(at)
    assert w(at, "data.personal_data").value == ["audience", "minors"]
    assert [t["name"] for t in at.session_state["answers"]["tools"]] == ["ChatGPT"]
    assert "risque élevé" in tool_cards(at)[0]  # risk reading
    nxt(at)
    assert w(at, "commitments.environmental").value is False
    assert w(at, "commitments.disclosure").value == "all_assisted"


def test_interface_language_switch_keeps_answers_at_any_step():
    at = start()
    fill_organisation(at, name="Compagnie Bilingue")
    w(at, "organisation.staff_representation").select("union").run()
    nxt(at)
    w(at, "policy.approved_by").input("Assemblée des membres").run()
    at.radio(key="ui_lang_choice").set_value("en").run()
    assert header(at) == "Position"
    assert at.get("progress")[0].proto.text.startswith("Step 2 of 6")
    assert w(at, "policy.approved_by").value == "Assemblée des membres"
    assert w(at, "policy.approved_by").label == "Body that adopts the policy"
    back(at)
    assert header(at) == "Organisation"
    assert w(at, "organisation.name").value == "Compagnie Bilingue"
    assert w(at, "organisation.staff_representation").value == "union"
    assert w(at, "organisation.jurisdiction").label == "Where is the organisation established?"
    at.radio(key="ui_lang_choice").set_value("fr").run()
    assert w(at, "organisation.name").value == "Compagnie Bilingue"
    assert w(at, "organisation.sector").value == "performing_arts"


# ---------------------------------------------------------------- questions that fit the answers

def test_options_depend_on_the_jurisdiction():
    at = start()
    rep = vocabulary.STAFF_REPRESENTATION
    w(at, "organisation.jurisdiction").select("france").run()
    assert w(at, "organisation.staff_representation").options == [rep[k][0] for k in rep]  # CSE offered
    assert not has(at, "organisation.public_body")
    assert not has(at, "organisation.federally_regulated")
    assert not has(at, "organisation.eu_market")
    assert "CSE" in " ".join(c.value for c in at.caption)  # the French help about the CSE
    w(at, "organisation.staff_representation").select("union_and_cse").run()

    w(at, "organisation.jurisdiction").select("quebec").run()
    assert w(at, "organisation.staff_representation").options == ["Aucune", "Syndicat"]
    assert w(at, "organisation.staff_representation").value == "union"  # CSE dropped, the union kept
    assert any("le CSE n'existe qu'en France" in i.value for i in at.info)
    assert has(at, "organisation.federally_regulated")
    assert not has(at, "organisation.eu_market")
    captions = " ".join(c.value for c in at.caption)
    assert "Charte de la langue française (art. 41)" in captions
    # French cannot be removed from a Québec policy
    w(at, "policy.languages").set_value(["en"]).run()
    assert w(at, "policy.languages").value == ["fr", "en"]
    # "public body" is asked once, as a legal form; the help says what it changes in Québec
    assert not has(at, "organisation.public_body")
    w(at, "organisation.legal_form").select("public_body").run()
    assert at.session_state["answers"]["organisation"]["public_body"] is True
    assert "Loi sur l'accès (RLRQ c. A-2.1)" in " ".join(c.value for c in at.caption)

    w(at, "organisation.jurisdiction").select("canada_other").run()
    assert has(at, "organisation.federally_regulated") and not has(at, "organisation.public_body")
    w(at, "organisation.federally_regulated").check().run()

    w(at, "organisation.jurisdiction").select("switzerland").run()
    assert has(at, "organisation.eu_market") and not has(at, "organisation.federally_regulated")
    assert at.session_state["answers"]["organisation"]["federally_regulated"] is False
    assert "Charte de la langue française" not in " ".join(c.value for c in at.caption)


# ---------------------------------------------------------------- save and resume

def flat(block) -> list:
    """The elements of a block in page order."""
    out = []
    for key in sorted(getattr(block, "children", {}) or {}):
        child = block.children[key]
        out.append(child)
        out.extend(flat(child))
    return out


def goto(at: AppTest, step: str) -> AppTest:
    """Through the step list."""
    at.radio(key="nav_steps").set_value(wizard.step_index(step)).run()
    assert not at.exception, at.exception
    return at


def tool_cards(at: AppTest) -> list[str]:
    return [e.label for e in at.expander if e.proto.label and " · " in e.proto.label]


def test_upload_valid_answers_file_opens_the_review_and_fills_every_step():
    at = start()
    upload(at, "theatre.yaml", THEATRE.read_bytes())
    assert any("Réponses reprises de « theatre.yaml »" in s.value for s in at.success)
    assert header(at) == "Relecture et téléchargement"  # nothing to fix: straight to the review
    goto(at, "organisation")
    assert w(at, "organisation.name").value == "Théâtre de la Grande Marée"
    assert w(at, "organisation.staff_representation").value == "union"
    goto(at, "data_tools")
    assert header(at) == "Données et outils"
    assert [t["name"] for t in at.session_state["answers"]["tools"]] == ["ChatGPT", "DeepL Pro",
                                                                         "Microsoft 365 Copilot"]
    cards = tool_cards(at)  # one readable row per tool, its risk reading at the end
    assert cards[0].startswith("ChatGPT · OpenAI") and cards[0].endswith(":red-badge[risque élevé]")
    assert cards[1].startswith("DeepL Pro · DeepL · Union européenne · Contrat entreprise / organisation")
    assert cards[1].endswith(":orange-badge[risque moyen]")
    assert any("Risque moyen : hébergé hors de votre zone de protection" == c.value for c in at.caption)


def test_tool_edits_are_kept_whatever_the_next_click():
    at = start()
    upload(at, "theatre.yaml", THEATRE.read_bytes())
    goto(at, "data_tools")
    uid = at.session_state["tool_ids"][1]  # DeepL Pro
    at.radio(key=f"tool:{uid}:account").set_value("paid_individual").run()
    assert "risque élevé" in tool_cards(at)[1]
    back(at)  # the very next click is "Précédent"
    nxt(at)
    assert at.session_state["answers"]["tools"][1]["account"] == "paid_individual"
    assert at.radio(key=f"tool:{uid}:account").value == "paid_individual"
    assert "Abonnement individuel payant" in tool_cards(at)[1] and "risque élevé" in tool_cards(at)[1]
    # the account choices explain themselves, one line each
    captions = at.radio(key=f"tool:{uid}:account").proto.captions
    assert len(captions) == 4 and "sans contrat signé par l'organisation" in captions[1]
    # removing a tool keeps the others' edits on their own cards
    at.text_input(key=f"tool:{uid}:vendor").input("DeepL SE").run()
    at.button(key=f"tool_remove_{at.session_state['tool_ids'][0]}").click().run()
    assert [t["name"] for t in at.session_state["answers"]["tools"]] == ["DeepL Pro", "Microsoft 365 Copilot"]
    assert at.text_input(key=f"tool:{uid}:vendor").value == "DeepL SE"
    assert yaml.safe_load(wizard.answers_yaml(at.session_state["answers"]))["tools"][0]["vendor"] == "DeepL SE"


def test_step_list_opens_any_step_but_stops_at_a_step_left_with_a_problem():
    at = start()
    goto(at, "commitments")
    assert header(at) == "Organisation"  # step 1 is unanswered: the list stops there and says why
    assert any("Nom de l'organisation" in e for e in errors(at))
    fill_organisation(at)
    goto(at, "commitments")
    assert header(at) == "Engagements"
    goto(at, "position")
    assert header(at) == "Position"


def test_questions_explain_themselves():
    at = start()
    fill_organisation(at)
    goto(at, "position")
    maturity = w(at, "maturity")
    assert len(maturity.proto.captions) == 4 and all(c for c in maturity.proto.captions)
    assert len(w(at, "policy.stance").proto.captions) == 4
    goto(at, "uses")
    assert "Cochez" not in " ".join(m.value for m in at.markdown)
    # an option that adds clauses says where, in plain words
    effects = next(e for e in at.expander if e.key == "adds:uses.public")
    text = " ".join(c.value for c in effects.caption)
    assert "**Textes générés par IA informant le public** → « Transparence » (L'organisation publie de " \
           "l'information)" in text
    # once chosen, it is said at once, outside the folded list
    w(at, "uses.public").set_value(["ai_text_public_interest"]).run()
    said = [c.value for c in at.caption if c.value.startswith("Vos choix ajoutent à la politique :")]
    assert said and "**Textes générés par IA informant le public** → « Transparence »" in said[0]
    effects = next(e for e in at.expander if e.key == "adds:uses.public")
    assert "Textes générés par IA" not in " ".join(c.value for c in effects.caption)
    # the live panel gives reasons, never internal ids
    trace = next(h.value for h in at.get("html") if 'class="balises-trace"' in h.value)
    assert "<code>" not in trace and "governance.privacy_officer_qc" not in re.sub(r'data-clause="[^"]+"', "", trace)


def test_upload_json_and_invalid_files_keep_current_answers():
    at = start()
    w(at, "organisation.name").input("Mes réponses en cours").run()
    upload(at, "bad.yaml", b"organisation:\n  name: X\n  jurisdiction: mars\n  sector: music\n  employees: -3\n")
    text = "\n".join(errors(at))
    assert "« bad.yaml » n'a pas été repris ; vos réponses actuelles sont conservées" in text
    assert "« Où l'organisation est-elle établie ? » : valeur 'mars' non permise" in text
    assert "« Nombre de salariés » : -3 est trop petit (minimum 0)" in text
    assert w(at, "organisation.name").value == "Mes réponses en cours"
    upload(at, "junk.yaml", b"a: [unclosed\n")
    assert any("junk.yaml" in e for e in errors(at))
    assert w(at, "organisation.name").value == "Mes réponses en cours"
    upload(at, "other.docx", b"PK\x03\x04 not really a zip")
    assert any("pas un document Word" in e for e in errors(at))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    upload(at, "someone-else.docx", buf.getvalue())  # a zip with a document part, but not a Word package
    assert any("someone-else.docx : ce n'est pas un document Word" in e for e in errors(at))
    assert w(at, "organisation.name").value == "Mes réponses en cours"
    upload(at, "a.json", b'{"organisation": {"name": "Studio JSON", "jurisdiction": "france", '
                         b'"sector": "audiovisual", "employees": 80, "staff_representation": "cse"}}')
    goto(at, "organisation")
    assert w(at, "organisation.name").value == "Studio JSON"
    assert w(at, "organisation.staff_representation").value == "cse"


def test_upload_a_balises_docx_resumes_its_answers():
    profile = load_profile(THEATRE)
    docx_bytes = api.generate(profile, load_pack(), lang="fr", edition="staff_summary").docx
    at = start()
    upload(at, "politique.docx", docx_bytes,
           "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert any("politique « politique.docx »" in s.value for s in at.success)
    goto(at, "organisation")
    assert w(at, "organisation.name").value == "Théâtre de la Grande Marée"
    data = yaml.safe_load(wizard.answers_yaml(at.session_state["answers"]))
    assert parse_profile(data) == profile


def test_answers_download_at_any_step_has_org_and_date_in_its_name():
    at = start()
    w(at, "organisation.name").input("Musée d'Été").run()
    button = at.get("download_button")[0]  # the file name is shown in the button's help
    assert button.proto.help.endswith(f"musee-d-ete-reponses-balises-{dt.date.today().isoformat()}.yaml")


# ---------------------------------------------------------------- review and download

def test_review_preview_matches_the_generated_policy():
    at = start()
    upload(at, "theatre.yaml", THEATRE.read_bytes())
    assert header(at) == "Relecture et téléchargement"
    profile = parse_profile(wizard.to_profile_data(at.session_state["answers"]))
    assert profile == load_profile(THEATRE)
    expected = api.generate(profile, load_pack(), lang="fr").document
    htmls = [h.value for h in at.get("html")]
    preview = next(h for h in htmls if 'class="balises-preview"' in h)
    assert re.findall(r'data-clause="([^"]+)"', preview) == expected.clause_ids()
    assert "Théâtre de la Grande Marée" in preview
    for section in expected.sections:
        assert section.title.replace("'", "&#x27;") in preview
    # the live panel lists the same clauses, each with its reason
    trace = next(h for h in htmls if 'class="balises-trace"' in h)
    assert re.findall(r'data-clause="([^"]+)"', trace) == [e.clause for e in expected.trace]
    # downloads: the policy and the staff summary in each language, and the answers, named after the org
    today = dt.date.today().isoformat()
    names = {b.proto.help.split()[-1] for b in at.get("download_button")}
    assert {f"theatre-de-la-grande-maree-politique-ia-{today}.docx",
            f"theatre-de-la-grande-maree-ai-policy-{today}.docx",
            f"theatre-de-la-grande-maree-aide-memoire-ia-{today}.docx",
            f"theatre-de-la-grande-maree-ai-staff-summary-{today}.docx",
            f"theatre-de-la-grande-maree-reponses-balises-{today}.yaml"} <= names
    # the English preview is the English policy
    at.radio(key="doc_lang").set_value("en").run()
    preview = next(h.value for h in at.get("html") if 'class="balises-preview"' in h.value)
    english = api.generate(profile, load_pack(), lang="en").document
    assert re.findall(r'data-clause="([^"]+)"', preview) == english.clause_ids()
    assert english.meta.title in preview


def test_live_preview_follows_the_answers():
    at = start()
    assert any("L'aperçu apparaît" in i.value for i in at.info)
    fill_organisation(at, employees=5)

    def clauses():
        trace = next(h.value for h in at.get("html") if 'class="balises-trace"' in h.value)
        return re.findall(r'data-clause="([^"]+)"', trace)

    before = clauses()
    assert before
    nxt(at)
    nxt(at)
    w(at, "uses.creative").set_value(["voice_synthesis", "image_generation"]).run()
    after = clauses()
    assert after != before
    profile = parse_profile(wizard.to_profile_data(at.session_state["answers"]))
    assert after == [e.clause for e in api.generate(profile, load_pack()).document.trace]


# ---------------------------------------------------------------- pure helpers the shell relies on

def test_file_names_are_slugified_and_dated():
    on = dt.date(2026, 12, 1)
    assert wizard.file_name("policy", "Théâtre de la Grande Marée", "fr", on) == \
        "theatre-de-la-grande-maree-politique-ia-2026-12-01.docx"
    assert wizard.file_name("staff_summary", "Œuvre / Studio *2*", "en", on) == \
        "oeuvre-studio-2-ai-staff-summary-2026-12-01.docx"
    assert wizard.file_name("answers", "", "fr", on) == "organisation-reponses-balises-2026-12-01.yaml"


# ---------------------------------------------------------------- a pack's recommended answers

# an association's pack that recommends three answers (shared with test_same_answers.py)
ASSOCIATION_PACK = (ROOT / "tests" / "fixtures" / "packs" / "assoc-restricted.yaml").read_text(encoding="utf-8")


def test_pack_defaults_give_the_same_profile_in_the_wizard_and_in_the_cli(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from balises.cli.main import main
    from balises.render.embedding import read_payload

    root = tmp_path / "pack"
    (root / "rules").mkdir(parents=True)
    (root / "pack.yaml").write_text(ASSOCIATION_PACK, encoding="utf-8")
    monkeypatch.setenv("BALISES_PACK", str(root))
    at = start()
    fill_organisation(at, name="Compagnie Associée", employees=4)
    goto(at, "position")
    assert w(at, "policy.stance").value == "restricted"  # the pack's answer, shown and changeable
    assert w(at, "policy.review_months").value == 24
    wizard_profile = parse_profile(wizard.to_profile_data(at.session_state["answers"]))

    # the CLI, from a file with the same four answers
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump({"organisation": {"name": "Compagnie Associée", "jurisdiction": "quebec",
                                                        "sector": "performing_arts", "employees": 4}},
                                      allow_unicode=True), encoding="utf-8")
    out = tmp_path / "policy.docx"
    result = CliRunner().invoke(main, ["generate", str(answers), "-o", str(out), "--pack", str(root)])
    assert result.exit_code == 0, result.output
    cli_profile = parse_profile(read_payload(out.read_bytes())["profile"])
    assert cli_profile.policy.stance == "restricted" and cli_profile.commitments.disclosure == "all_assisted"
    assert wizard_profile.model_dump() == cli_profile.model_dump()

    # a resumed file that leaves the stance out gets the pack's, as in the CLI
    at = start()
    upload(at, "answers.yaml", answers.read_bytes())
    assert at.session_state["answers"]["policy"]["stance"] == "restricted"
    assert parse_profile(wizard.to_profile_data(at.session_state["answers"])).model_dump() == cli_profile.model_dump()


# ---------------------------------------------------------------- decisions to take, the kit, the new keys

def test_decisions_to_take_show_at_their_step_with_the_answer_to_change():
    at = start()
    upload(at, "theatre.yaml", THEATRE.read_bytes())
    assert not any("Décision à prendre" in x.value for x in at.warning)
    goto(at, "data_tools")
    uid = at.session_state["tool_ids"][0]  # ChatGPT, a free consumer account
    at.selectbox(key=f"tool:{uid}:status").set_value("approved").run()
    at.multiselect(key=f"tool:{uid}:uses").set_value(["grant_writing"]).run()
    text = "\n".join(x.value for x in at.warning)
    assert "ChatGPT est approuvé pour « Rédaction de demandes de subvention », qui demande des informations " \
           "confidentielles" in text
    assert "Réponse à revoir : « Vos outils d'IA » (étape 4)" in text
    assert "En attendant, ChatGPT ne sert pas à cet usage." in text
    # said under the tools, where the answer is changed, not at the top of the step
    order = flat(at.main)
    pick = next(i for i, e in enumerate(order) if getattr(e, "key", None) == "tool_pick")
    said = next(i for i, e in enumerate(order) if "ChatGPT est approuvé pour" in str(getattr(e, "value", "")))
    first_question = next(i for i, e in enumerate(order) if getattr(e, "key", None) == "q:data.personal_data")
    assert first_question < pick < said
    goto(at, "uses")
    assert not any("ChatGPT est approuvé pour" in x.value for x in at.warning)  # not this step's
    goto(at, "review")
    assert any("ChatGPT est approuvé pour" in x.value for x in at.warning)  # all of them on the review
    go = next(b for b in at.button if b.key and b.key.startswith("decision_go_"))
    assert go.label == "Revoir « Vos outils d'IA » (étape 4)"
    go.click().run()
    assert header(at) == "Données et outils"


def test_review_offers_the_whole_kit_and_its_zip():
    at = start()
    upload(at, "theatre.yaml", THEATRE.read_bytes())
    today = dt.date.today().isoformat()
    names = {b.proto.help.split()[-1] for b in at.get("download_button")}
    for lang, docs in (("fr", ("registre-des-outils", "mentions-de-transparence", "plan-de-mise-en-oeuvre",
                                "note-explicative")),
                       ("en", ("tool-register", "disclosure-notices", "implementation-plan", "adviser-note"))):
        for doc in docs:
            assert f"theatre-de-la-grande-maree-{doc}.{lang}.docx" in names
    assert "theatre-de-la-grande-maree-registre-des-outils.fr.xlsx" in names
    assert f"theatre-de-la-grande-maree-trousse-ia-{today}.zip" in names


def test_new_profile_keys_are_asked():
    at = start()
    fill_organisation(at, name="Compagnie des Ateliers")
    w(at, "organisation.name_article").select("la").run()
    w(at, "organisation.short_name").input("la Compagnie").run()
    goto(at, "position")
    assert [c.split(" :")[0] for c in w(at, "policy.length").proto.captions][0].startswith("Pour un petit conseil")
    w(at, "policy.length").set_value("concise").run()
    goto(at, "commitments")
    w(at, "commitments.voice_likeness_consent").uncheck().run()
    profile = parse_profile(wizard.to_profile_data(at.session_state["answers"]))
    assert profile.organisation.name_article == "la" and profile.organisation.short_name == "la Compagnie"
    assert profile.policy.length == "concise" and profile.commitments.voice_likeness_consent is False
    # left empty, the optional keys stay out of the answers file
    assert "short_name" not in wizard.to_profile_data(wizard.default_answers())["organisation"]


def test_resume_opens_the_first_step_with_a_problem_else_the_review():
    answers = wizard.answers_from_profile(load_profile(THEATRE))
    assert wizard.resume_step(answers) == wizard.step_index("review")
    answers["tools"].append(wizard.blank_tool())  # a tool left without a name
    assert wizard.resume_step(answers) == wizard.step_index("data_tools")
    answers["organisation"]["sector"] = None
    assert wizard.resume_step(answers) == wizard.step_index("organisation")


def test_review_updates_an_adopted_policy_keeping_its_edits():
    """Issue 13 in the wizard: the adopted policy given at the review comes back with the organisation's
    edit kept and the new version to download (the same update as `balises update`)."""
    import docx

    profile = load_profile(str(THEATRE))
    adopted = api.generate(profile, load_pack(), lang="fr", as_of=dt.date(2026, 7, 1)).docx
    document = docx.Document(io.BytesIO(adopted))
    document.add_paragraph("Paragraphe ajouté par le conseil d'administration.")
    edited = io.BytesIO()
    document.save(edited)
    at = start()
    upload(at, "theatre.yaml", THEATRE.read_bytes())
    assert header(at) == "Relecture et téléchargement"
    at.file_uploader(key="update_upload").set_value(
        ("politique-adoptee.docx", edited.getvalue(),
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document")).run()
    assert not at.exception, at.exception
    summary = "\n".join(c.value for c in at.code)
    assert "Version 1.0 →" in summary
    button = next(b for b in at.get("download_button") if b.proto.help.startswith("politique-adoptee-v")
                  or "politique-adoptee-v" in b.proto.label or "(modifications suivies)" in b.proto.label)
    assert "modifications suivies" in button.proto.label


def test_review_update_brings_in_the_answers_on_screen_and_records_the_adoption():
    """Issue 22 in the wizard: the answers on screen (DeepL Pro approved in them, not in the adopted policy)
    come in as a material change; the adoption of the version given is recorded; the acknowledgement sheets
    of the new version are offered."""
    data = yaml.safe_load(THEATRE.read_text(encoding="utf-8"))
    next(t for t in data["tools"] if t["name"] == "DeepL Pro")["status"] = "under_review"
    adopted = api.generate(parse_profile(data, "old"), load_pack(), lang="fr", as_of=dt.date(2026, 7, 1)).docx
    at = start()
    upload(at, "theatre.yaml", THEATRE.read_bytes())
    at.checkbox(key="update_use_answers").check().run()
    at.date_input(key="update_adopted_on").set_value(dt.date(2026, 11, 20)).run()
    at.file_uploader(key="update_upload").set_value(
        ("politique-adoptee.docx", adopted,
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document")).run()
    assert not at.exception, at.exception
    summary = "\n".join(c.value for c in at.code)
    assert "DeepL Pro peut désormais recevoir" in summary and "Version 1.0 → 2.0" in summary
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Télécharger la version 2.0 (modifications suivies)" in labels
    assert "Accusés de réception de la version 2.0" in labels


def test_review_refuses_a_word_file_balises_did_not_write():
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    at = start()
    upload(at, "theatre.yaml", THEATRE.read_bytes())
    at.file_uploader(key="update_upload").set_value(
        ("autre.docx", buf.getvalue(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document")).run()
    assert not at.exception, at.exception
    assert any("Balises" in e for e in errors(at))
