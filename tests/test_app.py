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
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def start(locale: str = "fr-CA") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.context["locale"] = locale  # the browser's language chooses the interface's
    at.run()
    assert not at.exception, at.exception
    return at


def header(at: AppTest) -> str:
    return at.header[0].value


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def w(at: AppTest, path: str):
    """The widget of the question at ``path``, whatever its kind (a list of boxes: see ``boxes``)."""
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
        return bool(boxes(at, path))


def boxes(at: AppTest, path: str) -> dict:
    """The boxes of a list question: option -> its box."""
    prefix = f"q:{path}:"
    return {b.key[len(prefix):]: b for b in at.checkbox if b.key and b.key.startswith(prefix)}


def ticked(at: AppTest, path: str) -> list[str]:
    return [option for option, box in boxes(at, path).items() if box.value]


def tick(at: AppTest, path: str, *options: str) -> AppTest:
    for option in options:
        box = boxes(at, path)[option]
        box.set_value(not box.value).run()
        assert not at.exception, at.exception
    return at


def nxt(at: AppTest) -> AppTest:
    at.button(key="nav_next").click().run()
    assert not at.exception, at.exception
    return at


def back(at: AppTest) -> AppTest:
    at.button(key="nav_back").click().run()
    assert not at.exception, at.exception
    return at


def fill_organisation(at: AppTest, name="Théâtre de l'Essai", jurisdiction="quebec", employees=9,
                      legal_form="nonprofit", staff="none", province="on") -> None:
    w(at, "organisation.name").input(name).run()
    w(at, "organisation.jurisdiction").select(jurisdiction).run()
    w(at, "organisation.sector").set_value("performing_arts").run()
    w(at, "organisation.legal_form").select(legal_form).run()
    w(at, "organisation.employees").set_value(employees).run()
    w(at, "organisation.staff_representation").set_value(staff).run()
    if has(at, "organisation.province"):
        w(at, "organisation.province").select(province).run()
    for law in ("organisation.federally_regulated", "organisation.eu_market"):
        if has(at, law):
            w(at, law).set_value(False).run()


def fill_position(at: AppTest, maturity="follower", stance="conditional") -> None:
    w(at, "maturity").set_value(maturity).run()
    w(at, "policy.stance").set_value(stance).run()


def fill_data(at: AppTest, rule="never", publishes=True) -> None:
    w(at, "data.personal_data_in_ai_tools").set_value(rule).run()
    w(at, "data.publishes_online").set_value(publishes).run()


def fill_commitments(at: AppTest, disclosure="substantial", answer=True) -> None:
    w(at, "commitments.disclosure").set_value(disclosure).run()
    for path in ("commitments.human_review", "commitments.environmental", "commitments.training",
                 "commitments.voice_likeness_consent"):
        if has(at, path):
            w(at, path).set_value(answer).run()


def complete(at: AppTest, **organisation) -> AppTest:
    """Every step answered, from step 1 to the review."""
    fill_organisation(at, **organisation)
    nxt(at)
    fill_position(at)
    nxt(at)
    nxt(at)
    fill_data(at)
    nxt(at)
    fill_commitments(at)
    nxt(at)
    assert header(at) in ("Relecture et téléchargement", "Review and download"), errors(at)
    return at


def upload(at: AppTest, name: str, data: bytes, mime: str = "application/x-yaml") -> AppTest:
    at.file_uploader(key=f"upload_{at.session_state['upload_v']}").set_value((name, data, mime)).run()
    assert not at.exception, at.exception
    return at


def html_of(at: AppTest, marker: str) -> str:
    return next((h.value for h in at.get("html") if marker in h.value and "<style>" not in h.value), "")


# ---------------------------------------------------------------- steps, progress, validation

def test_first_page_in_french_with_privacy_line_and_pack():
    at = start()
    assert header(at) == "Organisation"
    assert at.get("progress")[0].proto.text.startswith("Étape 1 sur 6")
    captions = " ".join(c.value for c in at.caption)
    assert "aucune statistique d'usage" in captions and "aucune requête externe" in captions
    pack = load_pack()
    assert pack.info.name in captions and pack.info.version in captions  # in "Enregistrer ou reprendre"
    # every question has its one-sentence help under it; the rest behind "Pourquoi ?"
    answers = wizard.default_answers()
    for q in wizard.questions_for("organisation", answers):
        assert q.help_for(answers, "fr") in captions
        assert q.help_for(answers, "fr").count(". ") == 0, q.path  # one sentence
        if q.why_for(answers, "fr"):
            assert any(q.why_for(answers, "fr").replace("'", "&#x27;") in h.value for h in at.get("html")
                       if "balises-why" in h.value), q.path


@pytest.mark.parametrize("locale, lang", [("fr-CA", "fr"), ("fr-FR", "fr"), ("fr", "fr"), ("en-CA", "en"),
                                          ("en-US", "en"), ("de-CH", "en"), (None, "en")])
def test_the_interface_speaks_the_browser_language(locale, lang):
    at = start(locale)
    assert at.session_state["ui_lang"] == lang
    assert header(at) == "Organisation"
    assert at.get("progress")[0].proto.text.startswith("Étape 1 sur 6" if lang == "fr" else "Step 1 of 6")
    assert w(at, "organisation.jurisdiction").label == ("Où l'organisation est-elle établie ?" if lang == "fr"
                                                        else "Where is the organisation established?")
    # the policy's language follows the interface until a place decides it
    assert at.session_state["answers"]["policy"]["languages"] == [lang]
    # switchable at any time, in the page (a phone reaches it without the side panel)
    other = "en" if lang == "fr" else "fr"
    at.segmented_control(key="ui_lang_choice").set_value(other).run()
    assert at.session_state["ui_lang"] == other
    assert at.session_state["answers"]["policy"]["languages"] == [other]


def test_cannot_leave_step_one_unanswered_and_the_error_summary_links_to_each_field():
    at = start()
    nxt(at)
    assert header(at) == "Organisation"  # refused
    text = "\n".join(errors(at))
    assert "« Nom de l'organisation » : ne peut pas être vide" in text
    assert "« Où l'organisation est-elle établie ? » : réponse obligatoire" in text
    assert "« Secteur » : réponse obligatoire" in text
    assert "« Nombre de salariés » : réponse obligatoire" in text
    assert "« Forme juridique » : réponse obligatoire" in text  # no longer "nonprofit" by default
    # the summary at the top of the step: each problem a link to its field, focused after "Suivant"
    summary = html_of(at, 'class="balises-errors"')
    links = re.findall(r'<a href="#([^"]+)" data-balises-field="\1">([^<]+)</a>', summary)
    assert [target for target, _ in links] == ["q-organisation-name", "q-organisation-jurisdiction",
                                               "q-organisation-sector", "q-organisation-legal_form",
                                               "q-organisation-employees", "q-organisation-staff_representation"]
    assert "__balisesFocus('.balises-errors'" in summary and 'tabindex="-1"' in summary
    # fixing one answer removes its message at once, the others stay; no focus taken while the user types
    w(at, "organisation.name").input("Théâtre").run()
    text = "\n".join(errors(at))
    assert "Nom de l'organisation" not in text and "Secteur" in text
    summary = html_of(at, 'class="balises-errors"')
    assert "q-organisation-name" not in summary and "__balisesFocus" not in summary
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
    assert "« Où en est l'organisation avec l'IA ? » : réponse obligatoire" in text
    assert "« Règle générale sur l'usage de l'IA » : réponse obligatoire" in text
    w(at, "policy.owner_role").input("Direction").run()
    w(at, "policy.version").input("2.0").run()
    fill_position(at)
    nxt(at)
    assert header(at) == "Usages"
    nxt(at)
    assert header(at) == "Données et outils"
    fill_data(at)
    # a tool added as "other tool" and left without a name blocks the step, naming the tool and what it lacks
    at.selectbox(key="tool_pick").select_index(len(wizard.common_tools(load_pack()))).run()
    at.button(key="tool_add").click().run()
    nxt(at)
    assert header(at) == "Données et outils"
    text = "\n".join(errors(at))
    assert "« Outils, ligne 1, nom » : ne peut pas être vide" in text
    for what in ("hébergement", "compte", "statut"):  # asked, never pre-chosen
        assert f"« Outils, ligne 1, {what} » : réponse obligatoire" in text
    uid = at.session_state["tool_ids"][0]
    assert f"tool-{uid}-account" in html_of(at, 'class="balises-errors"')


def test_english_messages_when_the_interface_is_english():
    at = start("en-CA")
    nxt(at)
    text = "\n".join(errors(at))
    assert "“Name of the organisation”: must not be empty" in text
    assert "“Sector”: an answer is required" in text
    assert "There is a problem" in html_of(at, 'class="balises-errors"')


def test_every_step_back_and_forth_keeps_all_answers():
    at = start()
    fill_organisation(at, employees=25)
    w(at, "organisation.freelancers").check().run()
    tick(at, "policy.languages", "en")
    nxt(at)
    fill_position(at, "experimenting", "restricted")
    w(at, "policy.owner_role").input("Direction artistique").run()
    w(at, "policy.review_months").set_value(6).run()
    w(at, "policy.effective_date").set_value(dt.date(2027, 1, 15)).run()
    nxt(at)
    assert header(at) == "Usages"
    tick(at, "uses.admin", "grant_writing", "translation")
    tick(at, "uses.public", "chatbot")
    nxt(at)
    assert header(at) == "Données et outils"
    tick(at, "data.personal_data", "audience", "minors")
    fill_data(at, "anonymised_only")
    at.selectbox(key="tool_pick").select("ChatGPT").run()
    at.button(key="tool_add").click().run()
    uid = at.session_state["tool_ids"][0]
    at.selectbox(key=f"tool:{uid}:hosting").set_value("usa").run()
    at.radio(key=f"tool:{uid}:account").set_value("free_consumer").run()
    at.radio(key=f"tool:{uid}:status").set_value("under_review").run()
    nxt(at)
    assert header(at) == "Engagements"
    fill_commitments(at, "all_assisted")
    w(at, "commitments.environmental").set_value(False).run()
    nxt(at)
    assert header(at) == "Relecture et téléchargement"
    for _ in range(5):
        back(at)
    assert header(at) == "Organisation"
    assert w(at, "organisation.name").value == "Théâtre de l'Essai"
    assert w(at, "organisation.employees").value == 25
    assert w(at, "organisation.freelancers").value is True
    assert ticked(at, "policy.languages") == ["fr", "en"]
    nxt(at)
    assert w(at, "maturity").value == "experimenting"
    assert w(at, "policy.stance").value == "restricted"
    assert w(at, "policy.owner_role").value == "Direction artistique"
    assert w(at, "policy.review_months").value == 6
    assert w(at, "policy.effective_date").value == dt.date(2027, 1, 15)
    nxt(at)
    assert ticked(at, "uses.admin") == ["grant_writing", "translation"]
    assert ticked(at, "uses.public") == ["chatbot"]
    nxt(at)
    assert ticked(at, "data.personal_data") == ["audience", "minors"]
    assert w(at, "data.personal_data_in_ai_tools").value == "anonymised_only"
    assert [t["name"] for t in at.session_state["answers"]["tools"]] == ["ChatGPT"]
    assert "risque élevé" in tool_cards(at)[0]  # risk reading, once hosting, account and status are given
    nxt(at)
    assert w(at, "commitments.environmental").value is False
    assert w(at, "commitments.disclosure").value == "all_assisted"


def test_interface_language_switch_keeps_answers_at_any_step():
    at = start()
    fill_organisation(at, name="Compagnie Bilingue", staff="union")
    nxt(at)
    w(at, "policy.approved_by").input("Assemblée des membres").run()
    at.segmented_control(key="ui_lang_choice").set_value("en").run()
    assert header(at) == "Position"
    assert at.get("progress")[0].proto.text.startswith("Step 2 of 6")
    assert w(at, "policy.approved_by").value == "Assemblée des membres"  # typed by the user: kept
    assert w(at, "policy.approved_by").label == "Body that adopts the policy"
    back(at)
    assert header(at) == "Organisation"
    assert w(at, "organisation.name").value == "Compagnie Bilingue"
    assert w(at, "organisation.staff_representation").value == "union"
    assert w(at, "organisation.jurisdiction").label == "Where is the organisation established?"
    assert ticked(at, "policy.languages") == ["fr"]  # Québec: French, whatever the interface
    at.segmented_control(key="ui_lang_choice").set_value("fr").run()
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
    w(at, "organisation.staff_representation").set_value("union_and_cse").run()

    w(at, "organisation.jurisdiction").select("quebec").run()
    assert w(at, "organisation.staff_representation").options == ["Aucune", "Syndicat"]
    assert w(at, "organisation.staff_representation").value == "union"  # CSE dropped, the union kept
    assert any("le CSE n'existe qu'en France" in i.value for i in at.info)
    assert has(at, "organisation.federally_regulated")
    assert w(at, "organisation.federally_regulated").value is None  # a law question: asked, not assumed
    assert not has(at, "organisation.eu_market")
    captions = " ".join(c.value for c in at.caption)
    assert "Charte de la langue française (art. 41)" in captions
    # French cannot be removed from a Québec policy: its box is ticked and cannot be unticked
    assert boxes(at, "policy.languages")["fr"].value is True and boxes(at, "policy.languages")["fr"].disabled
    assert "toujours inclus au Québec" in boxes(at, "policy.languages")["fr"].label
    # "public body" is asked once, as a legal form; its "Pourquoi ?" says what it changes in Québec
    assert not has(at, "organisation.public_body")
    w(at, "organisation.legal_form").select("public_body").run()
    assert at.session_state["answers"]["organisation"]["public_body"] is True
    assert "Loi sur l&#x27;accès (RLRQ c. A-2.1)" in html_of(at, "RLRQ c. A-2.1")

    w(at, "organisation.federally_regulated").set_value(True).run()
    w(at, "organisation.jurisdiction").select("canada_other").run()
    assert has(at, "organisation.federally_regulated") and not has(at, "organisation.public_body")
    assert w(at, "organisation.province").value is None  # the province chooses the act: asked

    w(at, "organisation.jurisdiction").select("switzerland").run()
    assert has(at, "organisation.eu_market") and not has(at, "organisation.federally_regulated")
    assert w(at, "organisation.eu_market").value is None
    assert at.session_state["answers"]["organisation"]["federally_regulated"] is None  # asked again if back
    assert "Charte de la langue française" not in " ".join(c.value for c in at.caption)


def test_the_words_of_the_place_in_a_french_interface():
    """France, Belgium, Switzerland: « données personnelles », « storyboard », « intermittents »; Québec and
    Canada: « renseignements personnels »; and the help of the place names its laws."""
    for place, words, not_words in (
            ("france", ["Données personnelles que vous détenez", "Des données personnelles peuvent-elles",
                        "Recherche visuelle et storyboard", "intermittents", "RGPD"],
             ["renseignements personnels", "scénarimage", "pigistes", "Loi 25"]),
            ("quebec", ["Renseignements personnels que vous détenez", "Des renseignements personnels peuvent-ils",
                        "Recherche visuelle et scénarimage", "pigistes", "Loi 25", "Seulement anonymisés"],
             ["Données personnelles que", "storyboard", "intermittents", "RGPD"])):
        at = start()
        fill_organisation(at, jurisdiction=place)
        seen = []
        for step in ("organisation", "uses", "data_tools"):
            at.session_state["step"] = wizard.step_index(step)
            at.run()
            seen += [x.label for x in (*at.checkbox, *at.radio, *at.selectbox, *at.number_input, *at.text_input)]
            seen += [m.value for m in (*at.markdown, *at.caption)]
            seen += [o for r in at.radio for o in r.options]
        text = "\n".join(seen)
        for word in words:
            assert word in text, (place, word)
        for word in not_words:
            assert word not in text, (place, word)


def test_french_grammar_is_asked_only_when_the_policy_is_in_french():
    at = start("en-CA")
    fill_organisation(at, jurisdiction="canada_other", province="on")
    assert at.session_state["answers"]["policy"]["languages"] == ["en"]
    assert not has(at, "organisation.name_article")  # "Article of the name in French": not for an English policy
    tick(at, "policy.languages", "fr")
    assert has(at, "organisation.name_article")


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


def tool_uses(at: AppTest, uid: str, *uses: str) -> None:
    """Set a tool's uses to ``uses``: one box each on a short list, else its drop-down."""
    found = [b for b in at.checkbox if b.key and b.key.startswith(f"tool:{uid}:uses:")]
    if not found:
        at.multiselect(key=f"tool:{uid}:uses").set_value(list(uses)).run()
    for key in [b.key for b in found]:
        box = at.checkbox(key=key)
        if box.value != (key.rsplit(":", 1)[1] in uses):
            box.set_value(not box.value).run()
            assert not at.exception, at.exception


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
    assert len(captions) == 4 and "sans contrat de l'organisation" in captions[1]
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
    assert header(at) == "Position"  # the stance and maturity are asked: the list stops there
    fill_position(at)
    goto(at, "commitments")
    assert header(at) == "Données et outils"
    fill_data(at)
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
    fill_position(at)
    goto(at, "uses")
    # an option that adds clauses says where, in plain words
    effects = next(e for e in at.expander if e.key == "adds:uses.public")
    text = " ".join(c.value for c in effects.caption)
    assert "**Textes générés par IA informant le public** → « Transparence » (L'organisation publie de " \
           "l'information)" in text
    # once chosen, it is said at once, outside the folded list
    tick(at, "uses.public", "ai_text_public_interest")
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
    fill_position(at)
    nxt(at)
    tick(at, "uses.creative", "voice_synthesis", "image_generation")
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


@pytest.fixture
def association_pack(tmp_path, monkeypatch):
    """The association's pack, the wizard's pack for the test."""
    root = tmp_path / "pack"
    (root / "rules").mkdir(parents=True)
    (root / "pack.yaml").write_text(ASSOCIATION_PACK, encoding="utf-8")
    monkeypatch.setenv("BALISES_PACK", str(root))
    return root


def test_pack_defaults_give_the_same_profile_in_the_wizard_and_in_the_cli(tmp_path, association_pack):
    from click.testing import CliRunner

    from balises.cli.main import main
    from balises.render.embedding import read_payload

    root = association_pack
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
    at.radio(key=f"tool:{uid}:status").set_value("approved").run()
    tool_uses(at, uid, "grant_writing")
    text = "\n".join(x.value for x in at.warning)
    assert "ChatGPT ne peut pas recevoir les informations confidentielles dont « Rédaction de demandes de " \
           "subvention » a besoin" in text
    assert "Réponse à revoir : « Vos outils d'IA » (étape 4)" in text
    assert "En attendant, ChatGPT ne reçoit que des informations publiques, et cet usage attend un outil." in text
    # said under the tools, where the answer is changed, not at the top of the step
    order = flat(at.main)
    pick = next(i for i, e in enumerate(order) if getattr(e, "key", None) == "tool_pick")
    said = next(i for i, e in enumerate(order) if "ChatGPT ne peut pas recevoir" in str(getattr(e, "value", "")))
    first_question = next(i for i, e in enumerate(order)
                          if str(getattr(e, "key", None)).startswith("q:data.personal_data:"))
    assert first_question < pick < said
    goto(at, "uses")
    assert not any("ChatGPT ne peut pas recevoir" in x.value for x in at.warning)  # not this step's
    goto(at, "review")
    assert any("ChatGPT ne peut pas recevoir" in x.value for x in at.warning)  # all of them on the review
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
    fill_position(at)
    goto(at, "commitments")
    assert header(at) == "Données et outils"  # its questions first
    fill_data(at)
    goto(at, "commitments")
    assert not has(at, "commitments.voice_likeness_consent")  # asked only where a voice or likeness use is
    goto(at, "uses")
    tick(at, "uses.creative", "voice_synthesis")
    goto(at, "commitments")
    w(at, "commitments.voice_likeness_consent").set_value(False).run()
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


def adopted_policy(profile=None) -> bytes:
    """The theatre's policy as adopted in July 2026, with a paragraph the board added."""
    import docx

    profile = profile or load_profile(str(THEATRE))
    # adopted before P-39.1 s. 12.1 applied (2023-09-22): today's update has a change of the law to bring in
    adopted = api.generate(profile, load_pack(), lang="fr", as_of=dt.date(2023, 6, 1)).docx
    document = docx.Document(io.BytesIO(adopted))
    document.add_paragraph("Paragraphe ajouté par le conseil d'administration.")
    edited = io.BytesIO()
    document.save(edited)
    return edited.getvalue()


def give_adopted(at: AppTest, data: bytes, which: str) -> AppTest:
    at.file_uploader(key="update_upload").set_value(("politique-adoptee.docx", data, DOCX)).run()
    assert not at.exception, at.exception
    at.radio(key="update_which").set_value(which).run()
    assert not at.exception, at.exception
    return at


def update_said(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown if m.value.startswith("- "))


def test_review_updates_an_adopted_policy_keeping_its_edits():
    """Issue 13 in the wizard: the adopted policy given at the review comes back with the organisation's
    edit kept and the new version to download (the same update as `balises update`); the summary in plain
    words, the clause ids only in the adviser's note."""
    at = start()
    upload(at, "theatre.yaml", THEATRE.read_bytes())
    assert header(at) == "Relecture et téléchargement"
    at.file_uploader(key="update_upload").set_value(("politique-adoptee.docx", adopted_policy(), DOCX)).run()
    assert not [b for b in at.get("download_button") if b.key == "dl_update"]  # which answers? asked first
    assert at.radio(key="update_which").value is None
    give_adopted(at, adopted_policy(), "file")
    said = update_said(at)
    assert "Version 1.0 →" in said and "Vos 1 modification(s) sont gardées." in said
    assert not re.search(r"\b[a-z_]+\.[a-z_]+\b", said.replace("1.0", "")), said  # no clause id
    button = next(b for b in at.get("download_button") if b.key == "dl_update")
    assert "modifications suivies" in button.proto.label
    note = next(b for b in at.get("download_button") if b.key == "dl_update_note")
    assert note.proto.label == "Détail pour votre conseiller (.txt)"


def test_the_update_can_use_the_answers_on_screen():
    """The answers changed on screen (a use added) come into the adopted policy; the file's own answers give
    only what changed in the law and the text."""
    at = start()
    upload(at, "theatre.yaml", THEATRE.read_bytes())
    goto(at, "uses")
    tick(at, "uses.public", "chatbot")
    goto(at, "review")
    give_adopted(at, adopted_policy(), "screen")
    on_screen = update_said(at)
    at.radio(key="update_which").set_value("file").run()
    from_file = update_said(at)
    assert on_screen != from_file
    changes = [int(n) for n in re.findall(r"(\d+) passage\(s\) changent", on_screen)]
    before = [int(n) for n in re.findall(r"(\d+) passage\(s\) changent", from_file)] or [0]
    assert changes and changes[0] > before[0]
    assert "règle resserrée" in on_screen or "loi ou date nouvelle" in on_screen or "rédaction" in on_screen


def test_the_update_waits_for_the_questions_on_screen():
    at = start()
    complete(at)
    at.session_state["answers"]["commitments"]["training"] = None  # as a resumed file that left it unanswered
    at.run()
    give_adopted(at, adopted_policy(), "screen")
    assert any("Répondez d'abord aux questions qui attendent" in i.value for i in at.info)
    assert not [b for b in at.get("download_button") if b.key == "dl_update"]


def test_review_update_brings_in_the_answers_on_screen_and_records_the_adoption():
    """Issue 22 in the wizard: the answers on screen (DeepL Pro approved in them, not in the adopted policy)
    come in as a material change; the adoption of the version given is recorded; the acknowledgement sheets
    of the new version are offered."""
    data = yaml.safe_load(THEATRE.read_text(encoding="utf-8"))
    next(t for t in data["tools"] if t["name"] == "DeepL Pro")["status"] = "under_review"
    adopted = api.generate(parse_profile(data, "old"), load_pack(), lang="fr", as_of=dt.date(2026, 7, 1)).docx
    at = start()
    upload(at, "theatre.yaml", THEATRE.read_bytes())
    at.file_uploader(key="update_upload").set_value(("politique-adoptee.docx", adopted, DOCX)).run()
    at.date_input(key="update_adopted_on").set_value(dt.date(2026, 11, 20)).run()
    at.radio(key="update_which").set_value("screen").run()
    assert not at.exception, at.exception
    summary = update_said(at)
    assert "Version 1.0 → 2.0 : à faire adopter" in summary, summary
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Télécharger la version 2.0 (modifications suivies)" in labels
    assert "Accusés de réception de la version 2.0" in labels


def test_review_refuses_a_word_file_balises_did_not_write():
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    at = start()
    upload(at, "theatre.yaml", THEATRE.read_bytes())
    give_adopted(at, buf.getvalue(), "file")
    assert any("Balises" in e for e in errors(at))


# ---------------------------------------------------------------- no decision taken for the user

TODAY = dt.date.today()
# What a new questionnaire holds before any answer, in a French browser: None is no answer chosen (the user
# gives it); the rest is shown as it stands. Every question of questions.yaml is here: a new question states
# how it starts.
STARTS = {
    "organisation.name": "", "organisation.jurisdiction": None, "organisation.province": None,
    "organisation.public_level": None, "organisation.canton": None,
    "policy.languages": ["fr"], "organisation.sector": None, "organisation.legal_form": None,
    "organisation.federally_regulated": None, "organisation.eu_market": None, "organisation.employees": None,
    "organisation.staff_representation": None, "organisation.freelancers": False,
    "organisation.volunteers": False, "organisation.ai_lead_name": "", "organisation.ai_lead_email": "",
    "organisation.privacy_officer": "", "organisation.name_article": None,
    "organisation.short_name": "",
    "maturity": None, "policy.stance": None, "policy.length": "standard", "policy.owner_role": "Direction générale",
    "policy.approved_by": "Conseil d'administration", "policy.effective_date": TODAY, "policy.review_months": 12,
    "policy.version": "1.0",
    "uses.admin": [], "uses.creative": [], "uses.public": [], "uses.hr": [], "uses.model_training": False,
    "data.personal_data": [], "data.personal_data_in_ai_tools": None, "data.confidential_material": [],
    "data.holds_rights_catalogue": False, "data.publishes_online": None, "tools": [],
    "commitments.disclosure": None, "commitments.human_review": None, "commitments.voice_likeness_consent": None,
    "commitments.environmental": None, "commitments.training": None,
}
# the questions that decide the policy's permissions, its stance or its law: never answered for the user
DECIDING = ["organisation.jurisdiction", "organisation.province", "organisation.legal_form",
            "organisation.public_level", "organisation.canton",
            "organisation.federally_regulated", "organisation.eu_market", "organisation.staff_representation",
            "maturity", "policy.stance", "data.personal_data_in_ai_tools", "data.publishes_online",
            "commitments.disclosure", "commitments.human_review", "commitments.voice_likeness_consent",
            "commitments.environmental", "commitments.training"]


def test_every_question_starts_as_this_table_says():
    at = start()
    answers = at.session_state["answers"]
    assert set(STARTS) == {q.path for q in wizard.QUESTIONS}, "a question without its start in STARTS"
    for path, expected in STARTS.items():
        assert wizard.get(answers, path) == expected, path
    for path in DECIDING:
        assert wizard.QUESTION_BY_PATH[path].starts_unanswered, path
    # as the page shows them: no option chosen, no box ticked for the user
    for path in ("organisation.jurisdiction", "organisation.legal_form", "organisation.staff_representation"):
        assert w(at, path).value is None, path
    assert ticked(at, "policy.languages") == ["fr"]
    fill_organisation(at)
    nxt(at)
    assert w(at, "maturity").value is None and w(at, "policy.stance").value is None
    assert w(at, "policy.length").value == "standard"  # the same rules at every length: not a decision


@pytest.mark.parametrize("locale, place, languages, owner, body", [
    ("fr-CA", "quebec", ["fr"], "Direction générale", "Conseil d'administration"),
    ("en-CA", "quebec", ["fr"], "Direction générale", "Conseil d'administration"),
    ("en-CA", "canada_other", ["en"], "Executive Director", "Board of Directors"),
    ("fr-CA", "canada_other", ["fr"], "Direction générale", "Conseil d'administration"),
    ("en-GB", "france", ["fr"], "Direction générale", "Conseil d'administration"),
    ("en-US", "belgium", ["fr"], "Direction générale", "Conseil d'administration"),
    ("fr-CH", "switzerland", ["fr"], "Direction générale", "Conseil d'administration"),
    ("en-US", "other", ["en"], "Executive Director", "Board of Directors"),
    ("fr-FR", "eu_other", ["fr"], "Direction générale", "Conseil d'administration"),
])
def test_the_policy_languages_and_the_roles_follow_the_place_and_the_interface(locale, place, languages, owner,
                                                                                 body):
    at = start(locale)
    w(at, "organisation.jurisdiction").select(place).run()
    answers = at.session_state["answers"]
    assert answers["policy"]["languages"] == languages
    assert (answers["policy"]["owner_role"], answers["policy"]["approved_by"]) == (owner, body)


def test_what_the_user_chose_is_kept_when_the_place_changes():
    at = start("en-CA")
    w(at, "organisation.jurisdiction").select("canada_other").run()
    tick(at, "policy.languages", "fr")  # English and French, chosen
    w(at, "organisation.jurisdiction").select("other").run()
    assert at.session_state["answers"]["policy"]["languages"] == ["fr", "en"]
    at = start("en-CA")
    w(at, "organisation.jurisdiction").select("canada_other").run()
    at.session_state["step"] = wizard.step_index("position")
    at.run()
    w(at, "policy.approved_by").input("Board of Governors").run()
    at.session_state["step"] = 0
    at.run()
    w(at, "organisation.jurisdiction").select("quebec").run()  # the policy in French now
    policy = at.session_state["answers"]["policy"]
    assert policy["approved_by"] == "Board of Governors"  # typed: kept
    assert policy["owner_role"] == "Direction générale"  # suggested: in the policy's language


def test_a_new_tool_asks_its_hosting_account_and_status():
    at = start()
    at.session_state["step"] = wizard.step_index("data_tools")
    at.run()
    # the tools offered are the pack's catalogue (decisions/tools.yaml), then a few it has no facts on
    offered = at.selectbox(key="tool_pick").options
    catalogue = load_pack().decisions.catalogue.entries
    assert offered[:len(catalogue)] == [entry.names[0] for entry in catalogue]
    assert offered[len(catalogue):] == ["Otter.ai", "Perplexity", "Autre outil (à nommer)"]
    # its help promises only what the pick fills in (the vendor), and names the hosting among what is asked
    picking = at.selectbox(key="tool_pick").help
    assert "fournisseur pré-rempli" in picking and "hébergement pré-rempli" not in picking
    assert "son hébergement, son compte, son statut" in picking
    at.selectbox(key="tool_pick").select("ChatGPT").run()
    at.button(key="tool_add").click().run()
    tool = at.session_state["answers"]["tools"][0]
    # the vendor comes from the catalogue; where it is hosted is the user's answer, never pre-chosen
    assert (tool["vendor"], tool["hosting"], tool["account"], tool["status"]) == ("OpenAI", None, None, None)
    uid = at.session_state["tool_ids"][0]
    assert at.radio(key=f"tool:{uid}:account").value is None and at.radio(key=f"tool:{uid}:status").value is None
    assert at.selectbox(key=f"tool:{uid}:hosting").value is None
    assert "risque" not in tool_cards(at)[0]  # no risk reading before the hosting and the account are known
    # the status says what the policy says: a tool under review serves no work before it is approved
    captions = at.radio(key=f"tool:{uid}:status").proto.captions
    assert captions[1] == "Ne sert pas au travail avant son approbation."
    at.selectbox(key="tool_pick").select_index(len(wizard.common_tools(load_pack()))).run()
    at.button(key="tool_add").click().run()
    assert at.session_state["answers"]["tools"][1] == {"name": "", "vendor": None, "hosting": None,
                                                       "account": None, "status": None, "uses": []}


def test_the_tool_status_help_says_what_the_policy_says():
    profile = load_profile(THEATRE)  # ChatGPT and Copilot under review
    text = "\n".join(p.text for p in docx_paragraphs(api.generate(profile, load_pack(), lang="fr").docx))
    assert "Un outil en évaluation ne sert pas au travail avant son approbation" in text
    assert "essais" not in wizard.STATUS_HELP["under_review"][0]
    assert wizard.STATUS_HELP["under_review"] == ("Ne sert pas au travail avant son approbation.",
                                                  "Not used for work until approved.")


def docx_paragraphs(data: bytes):
    import docx

    document = docx.Document(io.BytesIO(data))
    return [*document.paragraphs, *(p for t in document.tables for r in t.rows for c in r.cells
                                    for p in c.paragraphs)]


def test_the_pack_recommended_answers_are_shown_as_the_pack_s(association_pack):
    at = start()
    assert at.session_state["answers"]["policy"]["stance"] == "restricted"  # the pack's, not unanswered
    assert at.session_state["answers"]["maturity"] is None  # the pack says nothing: asked
    fill_organisation(at)
    nxt(at)
    said = [c.value for c in at.caption if "Réponse recommandée par Association des compagnies (test)" in c.value]
    assert len(said) == 2  # under the stance and the review period
    fill_position(at, stance="restricted")  # the pack's answer, confirmed
    goto(at, "review")
    goto(at, "data_tools")
    fill_data(at)
    nxt(at)
    fill_commitments(at, "all_assisted")
    nxt(at)
    said = "\n".join(m.value for m in at.markdown)
    assert "Usage restreint — _recommandée par Association des compagnies (test)_" in said


def test_no_decision_is_blamed_on_an_answer_not_given():
    at = start()
    fill_organisation(at)
    nxt(at)
    fill_position(at, stance="encouraged")
    nxt(at)
    tick(at, "uses.creative", "voice_synthesis")
    nxt(at)
    tick(at, "data.personal_data", "artists_contributors", "biometric")
    # the rule is not given yet (no tool either: that nothing is possible on day one is the tools' decision)
    blamed = lambda: [x.value for x in at.warning if "Décision à prendre" in x.value  # noqa: E731
                      and "aucun des usages prévus" not in x.value]
    assert not blamed()
    w(at, "data.personal_data_in_ai_tools").set_value("never").run()
    assert blamed()  # now it is the user's answer


def test_the_voice_consent_is_asked_where_a_declared_use_needs_it():
    """Its condition names the uses decisions/uses.yaml tags voice_likeness: the two cannot drift apart."""
    from balises.safeyaml import load_data_file

    uses = load_data_file(ROOT / "decisions" / "uses.yaml")["uses"]
    tagged = {u for u, spec in uses.items() if "voice_likeness" in (spec.get("tags") or [])}
    condition = wizard.QUESTION_BY_PATH["commitments.voice_likeness_consent"].visible
    named = {u for c in condition["any"] for u in c["contains_any"]}
    assert named == tagged


# ---------------------------------------------------------------- check your answers, then download

def test_no_generation_while_a_question_waits_for_its_answer():
    """A file saved half-way says which questions wait (null); resumed, they are asked again, and the review
    offers no document until they are answered."""
    data = yaml.safe_load(THEATRE.read_text(encoding="utf-8"))
    data["policy"]["stance"] = None
    at = start()
    upload(at, "theatre.yaml", yaml.safe_dump(data, allow_unicode=True).encode("utf-8"))
    assert header(at) == "Position"  # the first step with a question waiting
    assert w(at, "policy.stance").value is None
    at.session_state["step"] = wizard.step_index("review")
    at.run()
    assert not [b for b in at.get("download_button") if b.key and b.key.startswith(("dl_kit", "dl_policy"))]
    todo = [b for b in at.button if b.key and b.key.startswith("todo_")]
    assert [b.label for b in todo] == ["Répondre"]
    assert any("« Règle générale sur l'usage de l'IA » : réponse obligatoire" in m.value for m in at.markdown)
    todo[0].click().run()
    assert header(at) == "Position"
    w(at, "policy.stance").set_value("conditional").run()
    assert at.button(key="nav_next").label == "Revenir à la relecture →"
    nxt(at)
    assert header(at) == "Relecture et téléchargement"
    kit = at.get("download_button")
    assert [b.proto.type for b in kit if b.key == "dl_kit_zip"] == ["primary"]  # the one primary download
    assert [b.key for b in kit if b.proto.type == "primary"] == ["dl_kit_zip"]


def test_an_answers_file_saved_half_way_says_what_waits_and_the_cli_refuses_it(tmp_path):
    from click.testing import CliRunner

    from balises.cli.main import main

    answers = wizard.default_answers(ui_lang="fr")
    answers["organisation"].update(name="Compagnie", jurisdiction="quebec", sector="music", employees=3)
    saved = yaml.safe_load(wizard.answers_yaml(answers))
    assert saved["policy"]["stance"] is None and saved["maturity"] is None
    assert saved["commitments"]["training"] is None
    path = tmp_path / "half.yaml"
    path.write_text(wizard.answers_yaml(answers), encoding="utf-8")
    result = CliRunner().invoke(main, ["generate", str(path), "-o", str(tmp_path / "p.docx")])
    assert result.exit_code == 2
    assert "policy.stance" in result.output and ("pas encore répondu" in result.output
                                                 or "not answered yet" in result.output)
    assert not (tmp_path / "p.docx").exists()
    # resumed, it asks them again; the answers given are kept
    loaded = wizard.load_answers_file("half.yaml", path.read_bytes())
    assert loaded.answers["policy"]["stance"] is None and loaded.answers["organisation"]["name"] == "Compagnie"


def test_check_your_answers_with_change_links_that_come_back():
    at = start()
    complete(at)
    said = "\n".join(m.value for m in at.markdown)
    for step in ("1. Organisation", "2. Position", "3. Usages", "4. Données et outils", "5. Engagements"):
        assert f"**{step}**" in said
    assert "Règle générale sur l&#x27;usage de l&#x27;IA</small><br>Usage encadré" in said
    edits = [b for b in at.button if b.key and b.key.startswith("edit_")]
    assert len(edits) >= 30 and {b.label for b in edits} == {"Modifier"}
    stance = next(b for b in edits if b.key == "edit_position_1")
    stance.click().run()
    assert header(at) == "Position"
    assert at.session_state["focus_field"] == "policy.stance"  # the page opens at the question
    w(at, "policy.stance").set_value("restricted").run()
    nxt(at)  # "Revenir à la relecture": straight back, not to step 3
    assert header(at) == "Relecture et téléchargement"
    assert "Règle générale sur l&#x27;usage de l&#x27;IA</small><br>Usage restreint" in \
        "\n".join(m.value for m in at.markdown)
    # back on a step through "Modifier", "Précédent" still goes back one step
    next(b for b in at.button if b.key == "edit_uses_0").click().run()
    back(at)
    assert header(at) == "Position"


def test_an_ontario_organisation_in_english_gets_an_english_policy_only():
    at = start("en-CA")
    complete(at, name="Lakeshore Folk Festival", jurisdiction="canada_other", province="on")
    profile = parse_profile(wizard.to_profile_data(at.session_state["answers"]))
    assert profile.policy.languages == ["en"]
    assert (profile.policy.approved_by, profile.policy.owner_role) == ("Board of Directors", "Executive Director")
    names = [b.proto.help.split()[-1] for b in at.get("download_button")]
    assert any("ai-policy" in n for n in names) and not any("politique-ia" in n for n in names)
    text = "\n".join(p.text for p in docx_paragraphs(api.generate(profile, load_pack(), lang="en").docx))
    assert "Board of Directors" in text and "Conseil d'administration" not in text


def test_updating_an_adopted_policy_is_a_path_of_its_own():
    """From "Enregistrer ou reprendre", at any step: the review's update, opened at its place."""
    at = start()
    at.button(key="to_update").click().run()
    assert header(at) == "Relecture et téléchargement"
    assert at.session_state["focus_place"] == "update_path"
    assert at.file_uploader(key="update_upload")


def test_a_public_body_is_asked_its_level_and_a_swiss_one_its_canton():
    """The public-sector act depends on them: asked, never assumed, in the words of the place."""
    at = start()
    w(at, "organisation.jurisdiction").select("switzerland").run()
    w(at, "organisation.legal_form").select("public_body").run()
    level = w(at, "organisation.public_level")
    assert level.value is None and level.options == ["Fédéral", "Cantonal", "Communal"]
    assert not has(at, "organisation.canton")  # a federal body: the federal act
    nxt(at)
    assert "« Niveau de l'organisme public » : réponse obligatoire" in "\n".join(errors(at))
    level.set_value("provincial").run()
    assert w(at, "organisation.canton").value is None
    w(at, "organisation.jurisdiction").select("canada_other").run()
    assert w(at, "organisation.public_level").options == ["Fédéral", "Provincial", "Municipal"]
    assert not has(at, "organisation.canton")
