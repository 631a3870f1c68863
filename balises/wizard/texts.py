"""The wizard's interface texts, in French and English, and how a user's or a file's text is shown as
literal text in Streamlit Markdown."""

from __future__ import annotations

from typing import Any

from balises.contract.questions import tr
from balises.contract.vocabulary import LANGUAGE_CODES
from balises.engine import editions
from balises.text import md_text  # noqa: F401 (the app shows users' and files' text through it)

UI_LANGS = LANGUAGE_CODES  # the interface speaks the policy's languages


# ---------------------------------------------------------------- interface texts

TEXTS: dict[str, tuple[str, str]] = {
    "page_title": ("Balises – politique d'utilisation de l'IA", "Balises – AI-use policy"),
    "app_title": ("Balises", "Balises"),
    "tagline": ("La politique d'utilisation de l'IA de votre organisation culturelle, en une dizaine de minutes.",
                "Your cultural organisation's AI-use policy, in about ten minutes."),
    "privacy": ("Confidentialité : aucune statistique d'usage, aucune requête externe, et vos réponses ne sont "
                "jamais écrites sur le disque du serveur — enregistrez-les vous-même (« Enregistrer ou reprendre »).",
                "Privacy: no usage statistics, no external requests, and your answers are never written to the "
                "server's disk — save them yourself (“Save or resume”)."),
    "ui_lang": ("Langue de l'interface", "Interface language"),
    "pack": ("Paquet de règles", "Rule pack"),
    "step_of": ("Étape {n} sur {total} — {name}", "Step {n} of {total} — {name}"),
    "back": ("← Précédent", "← Back"),
    "next": ("Suivant →", "Next →"),
    "error_title": ("Il y a un problème", "There is a problem"),
    "fix_first": ("Répondez à ces questions ou corrigez-les pour continuer :",
                  "Answer or fix these questions to go on:"),
    "why_open": ("Pourquoi ?", "Why?"),
    "optional_more": ("Précisions facultatives", "Optional details"),
    "unanswered": ("Pas encore répondu", "Not answered yet"),
    "none_chosen": ("Aucun choix", "None"),
    "empty_text": ("(vide)", "(empty)"),
    "back_to_review": ("Revenir à la relecture →", "Back to the review →"),
    "edit": ("Modifier", "Change"),
    "answers_title": ("Vos réponses", "Your answers"),
    "answers_help": ("Vérifiez-les : « Modifier » ouvre la question, puis revient ici.",
                     "Check them: “Change” opens the question, then comes back here."),
    "review_todo": ("Avant de produire la politique, répondez à ces questions :",
                    "Before the policy can be produced, answer these questions:"),
    "answer_it": ("Répondre", "Answer"),
    "preview_provisional": ("Aperçu provisoire : {n} question(s) attendent encore votre réponse.",
                            "Provisional preview: {n} question(s) still wait for your answer."),
    "locked_fr": ("toujours inclus au Québec", "always included in Québec"),
    "skip_link": ("Aller au contenu principal", "Skip to main content"),
    "save_title": ("Enregistrer ou reprendre", "Save or resume"),
    "save_answers": ("Télécharger mes réponses (.yaml)", "Download my answers (.yaml)"),
    "save_help": ("Gardez ce fichier : il permet de reprendre le questionnaire ou de mettre la politique à jour "
                  "plus tard.", "Keep this file: it lets you resume the questionnaire or update the policy "
                  "later."),
    "upload": ("Reprendre un fichier de réponses (.yaml, .json) ou une politique Balises (.docx)",
               "Resume from an answers file (.yaml, .json) or a Balises policy (.docx)"),
    "upload_ok": ("Réponses reprises de « {name} ». Vérifiez-les étape par étape.",
                  "Answers loaded from “{name}”. Check them step by step."),
    "upload_docx_ok": ("Réponses reprises de la politique « {name} » (produite le {date} avec {pack}).",
                       "Answers loaded from the policy “{name}” (produced on {date} with {pack})."),
    "upload_bad": ("Le fichier « {name} » n'a pas été repris ; vos réponses actuelles sont conservées.",
                   "The file “{name}” was not loaded; your current answers are kept."),
    "upload_too_big": ("fichier trop volumineux (maximum 2 Mo)", "file too large (at most 2 MB)"),
    "upload_empty": ("fichier vide", "empty file"),
    "preview_title": ("Ce que contiendra votre politique", "What your policy will contain"),
    "preview_caption": ("Mis à jour à chaque réponse : les sections, les clauses retenues et pourquoi.",
                        "Updated with every answer: the sections, the clauses chosen and why."),
    "preview_wait": ("L'aperçu apparaît dès que les questions obligatoires sont remplies (nom, lieu, secteur, "
                     "nombre de salariés).", "The preview appears once the required questions are answered "
                     "(name, location, sector, number of employees)."),
    "preview_counts": ("{sections} sections, {clauses} clauses", "{sections} sections, {clauses} clauses"),
    "clause": ("clause", "clause"),
    "why": ("Pourquoi", "Why"),
    "annex": ("Annexe", "Annex"),
    "tools_risk_title": ("Lecture de risque", "Risk reading"),
    "tools_risk_explain": (
        "Le niveau de chaque outil combine trois signaux : des données hébergées hors de votre zone de "
        "protection (ou en lieu inconnu), un compte individuel sans contrat d'organisation, et un compte gratuit "
        "grand public dont les saisies servent souvent à entraîner le modèle. Deux signaux ou un outil interdit : "
        "risque élevé ; un signal : moyen ; aucun : faible. Le registre des outils (annexe) reprend cette lecture.",
        "Each tool's level combines three signals: data hosted outside your protected area (or somewhere "
        "unknown), an individual account without an organisation contract, and a free consumer account whose "
        "inputs are often used to train the model. Two signals or a prohibited tool: high risk; one signal: "
        "medium; none: low. The tool register (annex) carries this reading."),
    "tools_add": ("Ajouter un outil", "Add a tool"),
    "tools_add_button": ("Ajouter", "Add"),
    "tools_add_help": ("Choisissez un outil courant (fournisseur pré-rempli) ou « Autre outil » ; précisez "
                       "ensuite son hébergement, son compte, son statut et ses usages dans sa fiche.",
                       "Pick a common tool (vendor filled in) or “Other tool”; then set its hosting, account, "
                       "status and uses on its card."),
    "tools_other": ("Autre outil (à nommer)", "Other tool (to be named)"),
    "tools_remove": ("Retirer cet outil", "Remove this tool"),
    "tools_unnamed": ("(sans nom)", "(no name)"),
    "tools_uses_help": ("Ceux déclarés à l'étape 3 (tous, si aucun ne l'est).",
                        "Those declared in step 3 (all of them, if none is)."),
    "risk_title_high": ("risque élevé", "high risk"), "risk_title_medium": ("risque moyen", "medium risk"),
    "risk_title_low": ("risque faible", "low risk"),
    "tools_none": ("Aucun outil déclaré : le registre des outils sera vide, à compléter.",
                   "No tool declared: the tool register will be empty, to be completed."),
    "risk_high": ("élevé", "high"), "risk_medium": ("moyen", "medium"), "risk_low": ("faible", "low"),
    "risk_tool": ("Outil", "Tool"), "risk_level": ("Risque", "Risk"), "risk_reasons": ("Pourquoi", "Why"),
    "r_outside": ("hébergé hors de votre zone de protection", "hosted outside your protected area"),
    "r_unknown": ("hébergement inconnu", "hosting unknown"),
    "r_consumer": ("compte individuel, sans contrat d'organisation", "individual account, no organisation contract"),
    "r_train": ("les saisies peuvent servir à entraîner le modèle", "inputs may be used to train the model"),
    "r_prohibited": ("outil interdit", "prohibited tool"),
    "r_none": ("contrat d'organisation, hébergement connu dans votre zone",
               "organisation contract, known hosting in your area"),
    "review_intro": ("Vérifiez vos réponses, puis téléchargez la trousse : la politique à adopter et ses "
                     "documents d'accompagnement.", "Check your answers, then download the kit: the policy to "
                     "adopt and its companion documents."),
    "doc_lang": ("Langue de l'aperçu et des documents", "Language of the preview and documents"),
    "download_policy": ("Politique en {lang_name} (.docx)", "Policy in {lang_name} (.docx)"),
    "download_staff": ("Aide-mémoire du personnel en {lang_name} (.docx)", "Staff summary in {lang_name} (.docx)"),
    "download_answers": ("Télécharger les réponses (.yaml)", "Download the answers (.yaml)"),
    "downloads": ("Télécharger", "Download"),
    "download_kit": ("Télécharger la trousse complète (.zip)", "Download the whole kit (.zip)"),
    "kit_contents": ("La politique à adopter, l'aide-mémoire du personnel, le registre des outils, les mentions de "
                     "transparence, le plan de mise en œuvre, la note explicative, l'accusé de réception et le "
                     "calendrier des révisions — en {langs}.",
                     "The policy to adopt, the staff summary, the tool register, the disclosure notices, the "
                     "implementation plan, the adviser's note, the acknowledgement sheet and the review calendar "
                     "— in {langs}."),
    "one_by_one": ("Les documents un par un", "The documents one by one"),
    "text_preview": ("Aperçu du texte de la politique", "Preview of the policy text"),
    "text_preview_open": ("Lire le texte complet de la politique", "Read the policy's full text"),
    "generation_failed": ("La politique n'a pas pu être produite avec ce paquet :",
                          "The policy could not be produced with this pack:"),
    "pack_failed": ("Le paquet de règles n'a pas pu être chargé :", "The rule pack could not be loaded:"),
    "choose": ("Choisir…", "Choose…"),
    "notices": ("À noter", "Note"),
    "adjusted_cse": ("Représentation du personnel : le CSE n'existe qu'en France ; réponse ramenée à « {value} ».",
                     "Staff representation: a CSE exists only in France; answer changed to “{value}”."),
    "from_pack": ("Réponse recommandée par {publisher} ; vous pouvez la changer.",
                  "Answer recommended by {publisher}; you may change it."),
    "from_pack_short": ("recommandée par {publisher}", "recommended by {publisher}"),
    "tools_row": ("Outils, ligne {n}", "Tools, row {n}"),
    "yes": ("oui", "yes"), "no": ("non", "no"),
    "steps_nav": ("Aller à l'étape", "Go to step"),
    "adds_title": ("Ce que les autres choix ajouteraient à la politique :",
                   "What the other choices would add to the policy:"),
    "adds_chosen": ("Vos choix ajoutent à la politique :", "Your choices add to the policy:"),
    "adds_sections": ("clauses dans {sections}", "clauses in {sections}"),
    "preview_open": ("Voir ce que contiendra la politique", "See what the policy will contain"),
    "upload_button": ("Choisir un fichier", "Choose a file"),
    "upload_limits": ("Fichier .yaml, .yml, .json ou .docx, 2 Mo au plus.",
                      "A .yaml, .yml, .json or .docx file, 2 MB at most."),
    "unsaved": ("Vos réponses ne sont pas enregistrées : quitter la page les efface.",
                "Your answers are not saved: leaving the page erases them."),
    "decisions_title": ("Décision à prendre", "Decision to take"),
    "decisions_all": ("Décisions à prendre avant l'adoption", "Decisions to take before adoption"),
    "decisions_change": ("Réponse à revoir : « {label} » (étape {step})", "Answer to review: “{label}” (step {step})"),
    "decisions_review": ("La politique applique la règle prudente indiquée en attendant ; le plan de mise en œuvre "
                         "reprend ces décisions.", "The policy applies the cautious rule shown meanwhile; the "
                         "implementation plan lists these decisions."),
    "decisions_go": ("Revoir « {label} » (étape {step})", "Review “{label}” (step {step})"),
    "kit_title": ("Les documents d'accompagnement", "The companion documents"),
    "kit_help": ("Préparés avec la politique, à partir des mêmes réponses : à remettre au personnel, à tenir à jour, "
                 "à suivre pour l'adoption.", "Prepared with the policy, from the same answers: to hand to staff, to "
                 "keep up to date, to follow for adoption."),
    "kit_ack": ("Accusé de réception à signer", "Acknowledgement sheet to sign"),
    "kit_calendar": ("Calendrier des révisions", "Review calendar"),
    "kit_pdf": ("Pour un PDF, ouvrez le fichier Word et choisissez Fichier > Exporter au format PDF (ou installez "
                "LibreOffice sur ce serveur : la trousse offrira alors ses PDF).",
                "For a PDF, open the Word file and choose File > Export as PDF (or install LibreOffice on this "
                "server: the kit will then offer its PDFs)."),
    "kit_zip_pdf": ("Toute la trousse avec les PDF (.zip, quelques secondes)",
                    "The whole kit with the PDFs (.zip, a few seconds)"),
    "update_title": ("Mettre à jour une politique adoptée", "Update an adopted policy"),
    "update_help": ("Déposez la politique telle que l'organisation l'a adoptée : vos modifications sont gardées, "
                    "les changements de Balises sont proposés en modifications suivies de Word.",
                    "Give the policy as the organisation adopted it: your edits are kept, Balises' changes are "
                    "proposed as Word tracked changes."),
    "update_upload": ("Politique adoptée (.docx)", "Adopted policy (.docx)"),
    "update_which": ("Avec quelles réponses ?", "With which answers?"),
    "update_file": ("Celles enregistrées dans la politique adoptée", "Those saved in the adopted policy"),
    "update_file_help": ("La politique adoptée, mise à jour pour le droit et les textes nouveaux.",
                         "The adopted policy, brought up to date with new law and text."),
    "update_screen": ("Celles à l'écran (vos réponses actuelles)", "Those on screen (your current answers)"),
    "update_screen_help": ("Pour changer une réponse : reprenez la politique (« Enregistrer ou reprendre »), "
                           "modifiez la réponse, puis revenez ici.",
                           "To change an answer: resume from the policy (“Save or resume”), change the answer, "
                           "then come back here."),
    "update_screen_wait": ("Répondez d'abord aux questions qui attendent (en haut de la page).",
                           "First answer the questions still waiting (at the top of the page)."),
    "update_running": ("Mise à jour en cours…", "Updating…"),
    "update_download": ("Télécharger la version {version} (modifications suivies)",
                        "Download version {version} (tracked changes)"),
    "update_note": ("Détail pour votre conseiller (.txt)", "Details for your adviser (.txt)"),
    "update_nothing": ("Aucun passage ne change : la politique adoptée est à jour.",
                       "No passage changes: the adopted policy is up to date."),
    "update_changes": ("{n} passage(s) changent ({why}).", "{n} passage(s) change ({why})."),
    "update_conflicts": ("{n} conflit(s) avec votre texte ({where}) : votre texte est gardé, le nouveau proposé "
                         "à côté.", "{n} conflict(s) with your text ({where}): your text is kept, the new one "
                         "proposed beside it."),
    "update_kept": ("Vos {n} modification(s) sont gardées.", "Your {n} edit(s) are kept."),
    "update_reinstated": ("{n} passage(s) que vous aviez retirés reviennent, car ils sont maintenant exigés "
                          "({where}).", "{n} passage(s) you had removed come back, as they are now required "
                          "({where})."),
    "update_replaced": ("{n} de vos lignes (page titre, titres) sont remplacées par celles de Balises, en "
                        "modification suivie : la refuser vous les rend.", "{n} of your lines (title page, "
                        "headings) are replaced by Balises', as a tracked change: rejecting it gives them back."),
    "update_version": ("Version {old} → {new} : {what}.", "Version {old} → {new}: {what}."),
    "update_material": ("à faire adopter, avec de nouveaux accusés de réception",
                        "to be adopted again, with new acknowledgements"),
    "update_wording": ("changements de rédaction seulement", "wording changes only"),
    "update_same": ("aucun changement de Balises", "no change by Balises"),
    "update_section": ("section {n}", "section {n}"),
    "update_options": ("Adoption, entrée en vigueur, fichier d'origine (facultatif)",
                       "Adoption, entry into force, original file (optional)"),
    "update_adopted_on": ("Adoptée le (la version déposée)", "Adopted on (the version given)"),
    "update_adopted_by": ("Adoptée par", "Adopted by"),
    "update_effective": ("Entrée en vigueur de la nouvelle version", "The new version comes into force on"),
    "update_base": ("Fichier d'origine, si la politique a perdu ses données (enregistrée en .odt, Google Docs)",
                    "Original file, if the policy lost its data (saved as .odt, Google Docs)"),
    "update_ack": ("Accusés de réception de la version {version}", "Acknowledgement sheets of version {version}"),
}


def text(key: str, lang: str, **kwargs: Any) -> str:
    value = tr(TEXTS[key], lang)
    return value.format(**kwargs) if kwargs else value


# The kit's companion documents, as the wizard names them on its buttons (balises/engine/editions.yaml)
EDITION_LABELS: dict[str, tuple[str, str]] = {d.id: (d.button.fr, d.button.en) for d in editions.documents()
                                              if d.button}
