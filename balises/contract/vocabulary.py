"""The profile's enumerations, each value with its French and English label.

One table serves the profile model (allowed values), the wizard (labels), the templates (``label()``)
and the linter (values a rule may compare with).
"""

from __future__ import annotations

Labels = dict[str, tuple[str, str]]  # value -> (fr, en)

JURISDICTIONS: Labels = {
    "quebec": ("Québec", "Québec"),
    "canada_other": ("Canada (hors Québec)", "Canada (outside Québec)"),
    "france": ("France", "France"),
    "belgium": ("Belgique", "Belgium"),
    "eu_other": ("Autre État de l'Union européenne", "Other EU member state"),
    "switzerland": ("Suisse", "Switzerland"),
    "other": ("Autre", "Other"),
}

# organisation.province: only for canada_other (Québec has its own jurisdiction); decides the privacy act
PROVINCES: Labels = {
    "ab": ("Alberta", "Alberta"),
    "bc": ("Colombie-Britannique", "British Columbia"),
    "mb": ("Manitoba", "Manitoba"),
    "nb": ("Nouveau-Brunswick", "New Brunswick"),
    "nl": ("Terre-Neuve-et-Labrador", "Newfoundland and Labrador"),
    "ns": ("Nouvelle-Écosse", "Nova Scotia"),
    "nt": ("Territoires du Nord-Ouest", "Northwest Territories"),
    "nu": ("Nunavut", "Nunavut"),
    "on": ("Ontario", "Ontario"),
    "pe": ("Île-du-Prince-Édouard", "Prince Edward Island"),
    "sk": ("Saskatchewan", "Saskatchewan"),
    "yt": ("Yukon", "Yukon"),
}

# The level of a public body: it chooses the public-sector privacy act (Ontario FIPPA or MFIPPA; in
# Switzerland the federal act for a federal body, the canton's law for a cantonal or communal one).
PUBLIC_LEVELS: Labels = {
    "federal": ("Fédéral", "Federal"),
    "provincial": ("Provincial ou cantonal", "Provincial or cantonal"),
    "municipal": ("Municipal ou communal", "Municipal or communal"),
}

CANTONS: Labels = {
    "ag": ("Argovie", "Aargau"),
    "ai": ("Appenzell Rhodes-Intérieures", "Appenzell Innerrhoden"),
    "ar": ("Appenzell Rhodes-Extérieures", "Appenzell Ausserrhoden"),
    "be": ("Berne", "Bern"),
    "bl": ("Bâle-Campagne", "Basel-Landschaft"),
    "bs": ("Bâle-Ville", "Basel-Stadt"),
    "fr": ("Fribourg", "Fribourg"),
    "ge": ("Genève", "Geneva"),
    "gl": ("Glaris", "Glarus"),
    "gr": ("Grisons", "Graubünden"),
    "ju": ("Jura", "Jura"),
    "lu": ("Lucerne", "Lucerne"),
    "ne": ("Neuchâtel", "Neuchâtel"),
    "nw": ("Nidwald", "Nidwalden"),
    "ow": ("Obwald", "Obwalden"),
    "sg": ("Saint-Gall", "St. Gallen"),
    "sh": ("Schaffhouse", "Schaffhausen"),
    "so": ("Soleure", "Solothurn"),
    "sz": ("Schwytz", "Schwyz"),
    "tg": ("Thurgovie", "Thurgau"),
    "ti": ("Tessin", "Ticino"),
    "ur": ("Uri", "Uri"),
    "vd": ("Vaud", "Vaud"),
    "vs": ("Valais", "Valais"),
    "zg": ("Zoug", "Zug"),
    "zh": ("Zurich", "Zurich"),
}

SECTORS: Labels = {
    "performing_arts": ("Arts de la scène (théâtre, danse, cirque, arts de la rue)",
                        "Performing arts (theatre, dance, circus, street arts)"),
    "music": ("Musique (création, production, label, édition musicale)",
              "Music (creation, production, label, music publishing)"),
    "audiovisual": ("Audiovisuel (cinéma, télévision, animation, effets visuels, post-production, doublage)",
                    "Audiovisual (film, television, animation, VFX, post-production, dubbing)"),
    "video_games": ("Jeu vidéo et médias numériques interactifs", "Video games and interactive media"),
    "publishing": ("Édition (livre, bande dessinée)", "Publishing (books, comics)"),
    "press_media": ("Presse et médias d'information", "Press and news media"),
    "communication": ("Communication, publicité, relations publiques",
                      "Communication, advertising, public relations"),
    "museums_heritage": ("Musées, patrimoine, archives, bibliothèques",
                         "Museums, heritage, archives, libraries"),
    "visual_arts_crafts": ("Arts visuels, métiers d'art, design", "Visual arts, crafts, design"),
    "presenting_festivals": ("Diffusion, salles, festivals", "Presenters, venues, festivals"),
    "education_training": ("Écoles d'art, formation continue", "Art schools, continuing education"),
    "network_association": ("Regroupements, associations professionnelles, têtes de réseau",
                            "Networks, professional associations"),
    "other": ("Autre", "Other"),
}

LEGAL_FORMS: Labels = {
    "nonprofit": ("Organisme à but non lucratif / association", "Nonprofit"),
    "company": ("Entreprise", "Company"),
    "public_body": ("Organisme public", "Public body"),
    "cooperative": ("Coopérative", "Cooperative"),
    "collective": ("Collectif", "Collective"),
}

STAFF_REPRESENTATION: Labels = {
    "none": ("Aucune", "None"),
    "union": ("Syndicat", "Union"),
    "cse": ("CSE", "Works council (CSE)"),
    "union_and_cse": ("Syndicat et CSE", "Union and works council (CSE)"),
}

LANGUAGES: Labels = {"fr": ("Français", "French"), "en": ("Anglais", "English")}

STANCES: Labels = {
    "encouraged": ("Usage encouragé", "Encouraged"),
    "conditional": ("Usage encadré", "Conditional"),
    "restricted": ("Usage restreint", "Restricted"),
    "prohibited": ("Usage interdit (sauf exceptions déclarées)", "Prohibited (save declared exceptions)"),
}

MATURITY: Labels = {
    "resistant": ("Réfractaire", "Resistant"),
    "follower": ("Suiveuse", "Follower"),
    "experimenting": ("Expérimentatrice", "Experimenting"),
    "pioneer": ("Pionnière", "Pioneer"),
}

ADMIN_USES: Labels = {
    "grant_writing": ("Rédaction de demandes de subvention", "Grant writing"),
    "reporting": ("Reddition de comptes et rapports", "Reporting"),
    "communications": ("Communications et marketing", "Communications and marketing"),
    "social_media": ("Réseaux sociaux", "Social media"),
    "translation": ("Traduction", "Translation"),
    "transcription_minutes": ("Transcription et procès-verbaux", "Transcription and minutes"),
    "data_analysis": ("Analyse de données", "Data analysis"),
    "scheduling": ("Planification et calendriers", "Scheduling"),
    "accounting": ("Comptabilité", "Accounting"),
    "research_monitoring": ("Recherche et veille", "Research and monitoring"),
    "coding": ("Programmation et automatisation", "Coding and automation"),
    "audience_service": ("Service aux publics (billetterie, questions)", "Audience service"),
}

CREATIVE_USES: Labels = {
    "text_writing": ("Écriture (scénarios, textes, paroles)", "Writing (scripts, texts, lyrics)"),
    "image_generation": ("Génération d'images", "Image generation"),
    "music_generation": ("Génération de musique", "Music generation"),
    "voice_synthesis": ("Voix de synthèse, clonage de voix", "Synthetic voice, voice cloning"),
    "dubbing_subtitling": ("Doublage et sous-titrage", "Dubbing and subtitling"),
    "video_animation_vfx": ("Vidéo, animation, effets visuels", "Video, animation, VFX"),
    "3d_assets": ("Modèles et éléments 3D", "3D assets"),
    "stage_design": ("Scénographie, éclairage, conception scénique", "Stage and lighting design"),
    "concept_art_storyboard": ("Recherche visuelle et scénarimage", "Concept art and storyboard"),
    "editing_post_production": ("Montage et post-production", "Editing and post-production"),
}

PUBLIC_USES: Labels = {
    "chatbot": ("Agent conversationnel (le public converse avec une IA)", "Chatbot (people talk to an AI)"),
    "synthetic_media_published": ("Images, sons ou vidéos générés ou modifiés par IA et publiés",
                                  "Published images, audio or video made or altered by AI"),
    "ai_text_public_interest": ("Textes générés par IA informant le public",
                                "AI-generated text informing the public"),
    "personalisation_recommendation": ("Personnalisation et recommandation", "Personalisation and recommendation"),
    "visitor_experience": ("Expérience des visiteurs (guide IA, installation)",
                           "Visitor experience (AI guide, installation)"),
    "likeness_real_person": ("Voix ou visage d'une personne vivante", "Voice or face of a living person"),
    "likeness_deceased_person": ("Voix ou visage d'une personne décédée", "Voice or face of a deceased person"),
}

HR_USES: Labels = {
    "recruitment_screening": ("Tri de candidatures, recrutement", "Recruitment screening"),
    "performance_evaluation": ("Évaluation du rendement", "Performance evaluation"),
    "staff_scheduling": ("Horaires et affectation du personnel", "Staff scheduling"),
    "activity_monitoring": ("Surveillance de l'activité", "Activity monitoring"),
}

PERSONAL_DATA: Labels = {
    "audience": ("Publics et clientèle", "Audiences and clients"),
    "donors_members": ("Donateurs et membres", "Donors and members"),
    "staff": ("Personnel et candidats", "Staff and candidates"),
    "artists_contributors": ("Artistes et collaborateurs", "Artists and contributors"),
    "minors": ("Personnes mineures", "Minors"),
    "sensitive": ("Informations sensibles (santé, besoins d'accessibilité…)",
                  "Sensitive data (health, accessibility needs…)"),
    "biometric": ("Données biométriques (images ou enregistrements servant à identifier ou cloner)",
                  "Biometric data (images or recordings used to identify or clone)"),
}

PERSONAL_DATA_IN_AI_TOOLS: Labels = {
    "never": ("Jamais", "Never"),
    "anonymised_only": ("Seulement anonymisées", "Anonymised only"),
    "approved_tools_only": ("Seulement dans les outils approuvés", "Approved tools only"),
}

CONFIDENTIAL_MATERIAL: Labels = {
    "unpublished_works": ("Œuvres inédites (manuscrits, scénarios, partitions, rushes)",
                          "Unpublished works (manuscripts, scripts, scores, rushes)"),
    "contracts_rights": ("Contrats et droits", "Contracts and rights"),
    "grant_applications": ("Demandes de subvention", "Grant applications"),
    "financial": ("Données financières", "Financial data"),
    "collections_data": ("Données de collections", "Collections data"),
    "partner_client_data": ("Données de partenaires ou de clients", "Partner or client data"),
}

HOSTING: Labels = {
    "quebec": ("Québec", "Québec"),
    "canada": ("Canada", "Canada"),
    "eu": ("Union européenne", "European Union"),
    "usa": ("États-Unis", "United States"),
    "other": ("Autre pays", "Other country"),
    "unknown": ("Inconnu", "Unknown"),
    "self_hosted": ("Hébergé par l'organisation", "Self-hosted"),
}

ACCOUNT: Labels = {
    "free_consumer": ("Compte gratuit grand public", "Free consumer account"),
    "paid_individual": ("Abonnement individuel payant", "Paid individual subscription"),
    "business": ("Contrat entreprise / organisation", "Business / organisation contract"),
    "self_hosted": ("Auto-hébergé", "Self-hosted"),
}

TOOL_STATUS: Labels = {
    "approved": ("Approuvé", "Approved"),
    "under_review": ("En évaluation", "Under review"),
    "prohibited": ("Interdit", "Prohibited"),
}

DISCLOSURE: Labels = {
    "all_assisted": ("Tout contenu assisté par IA est signalé", "All AI-assisted content is disclosed"),
    "substantial": ("Contribution substantielle de l'IA signalée", "Substantial AI contribution disclosed"),
    "legal_minimum": ("Minimum légal", "Legal minimum"),
}

ALL_USES: Labels = {**ADMIN_USES, **CREATIVE_USES, **PUBLIC_USES, **HR_USES}

LENGTHS: Labels = {
    "concise": ("Concise (2 000 mots au plus, environ 6 pages)", "Concise (at most 2,000 words, about 6 pages)"),
    "standard": ("Standard (4 500 mots au plus, environ 12 pages)", "Standard (at most 4,500 words, about 12 pages)"),
    "complete": ("Complète (9 000 mots au plus, environ 24 pages)", "Complete (at most 9,000 words, about 24 pages)"),
}

# How French names the organisation: « le Théâtre… », « la Compagnie… », « l'Atelier… », « les Ateliers… ».
NAME_ARTICLES: Labels = {
    "le": ("le", "le"),
    "la": ("la", "la"),
    "l": ("l'", "l'"),
    "les": ("les", "les"),
    "none": ("aucun article", "no article"),
}

# The decision table's vocabulary: what one may do, and with which information.
VERDICTS: Labels = {
    "permitted": ("Permis", "Permitted"),
    "conditional": ("Permis à conditions", "Permitted with conditions"),
    "ask_first": ("Pas encore : demander d'abord", "Not yet: ask first"),
    "prohibited": ("Interdit", "Prohibited"),
}

INFO_CLASSES: Labels = {
    "public": ("Informations publiques", "Public information"),
    "internal": ("Informations internes", "Internal information"),
    "confidential": ("Informations confidentielles", "Confidential information"),
    "personal": ("Informations personnelles", "Personal information"),
    "sensitive": ("Informations sensibles", "Sensitive information"),
}

# Enumerations by the name the templates and the linter use.
ENUMERATIONS: dict[str, Labels] = {
    "jurisdiction": JURISDICTIONS,
    "province": PROVINCES,
    "public_level": PUBLIC_LEVELS,
    "canton": CANTONS,
    "sector": SECTORS,
    "legal_form": LEGAL_FORMS,
    "staff_representation": STAFF_REPRESENTATION,
    "language": LANGUAGES,
    "stance": STANCES,
    "maturity": MATURITY,
    "admin_use": ADMIN_USES,
    "creative_use": CREATIVE_USES,
    "public_use": PUBLIC_USES,
    "hr_use": HR_USES,
    "use": ALL_USES,
    "personal_data": PERSONAL_DATA,
    "personal_data_in_ai_tools": PERSONAL_DATA_IN_AI_TOOLS,
    "confidential_material": CONFIDENTIAL_MATERIAL,
    "hosting": HOSTING,
    "account": ACCOUNT,
    "tool_status": TOOL_STATUS,
    "disclosure": DISCLOSURE,
    "length": LENGTHS,
    "name_article": NAME_ARTICLES,
    "verdict": VERDICTS,
    "info_class": INFO_CLASSES,
}


def label(value: str, lang: str = "fr", kind: str | None = None) -> str:
    """The label of an enumeration value in ``lang``; the value itself if it is not one.

    ``kind`` names the enumeration where a value is ambiguous ("other" is a sector, a jurisdiction
    and a hosting place)."""
    tables = [ENUMERATIONS[kind]] if kind else ENUMERATIONS.values()
    for table in tables:
        if value in table:
            fr, en = table[value]
            return fr if lang == "fr" else en
    return str(value)
