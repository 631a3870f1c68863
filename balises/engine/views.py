"""What clause templates see of the decision table and of the organisation's name: plain values, worded.

Templates only say what the table decided; the wording of verdicts, conditions and classes of information is
done once here, so that the policy, the aide-mémoire and the tool register say it the same way.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from balises.contract import vocabulary
from balises.engine.decisions import CLASS_ORDER, VERDICT_ORDER, DecisionTable, decision_table, fill, join
from balises.engine.facts import derive, locale_for
from balises.engine.templating import helpers
from balises.errors import PackError

# First words of an organisation's name and the article French gives them (« le Théâtre… »).
_ARTICLE_BY_WORD = {
    "le": ("théâtre", "musée", "festival", "studio", "centre", "collectif", "regroupement", "conseil", "cirque",
           "quatuor", "chœur", "choeur", "cinéma", "groupe", "réseau", "club", "bureau", "service", "diffuseur",
           "labo", "laboratoire", "syndicat", "cercle", "fonds", "salon", "carrefour", "domaine", "palais",
           "mouvement", "magazine", "journal", "quotidien", "média", "site", "pôle", "lieu", "cabaret"),
    "la": ("compagnie", "maison", "galerie", "fondation", "cinémathèque", "société", "coopérative", "troupe",
           "fédération", "bibliothèque", "scène", "salle", "chambre", "fabrique", "manufacture", "revue",
           "librairie", "médiathèque", "corporation", "table", "ligue", "biennale", "triennale", "halle"),
    "l": ("atelier", "orchestre", "opéra", "association", "institut", "office", "ensemble", "école", "agence",
          "espace", "usine", "union", "académie", "alliance", "observatoire", "auditorium"),
    "les": ("éditions", "ateliers", "productions", "films", "ballets", "archives", "amis", "rencontres", "médias",
            "grands", "nuits", "journées", "francofolies"),
}
_ELIDE = re.compile(r"^[aeiouyhâàéèêëîïôöûüœæ]", re.IGNORECASE)


def guess_article(name: str) -> str:
    first = name.split()[0].lower().strip("«»\"'") if name.split() else ""
    for article, words in _ARTICLE_BY_WORD.items():
        if first in words:
            return article
    return "none"


def _with_article(article: str, rest: str) -> dict[str, str]:
    """« le X », « du X », « au X » for one article."""
    forms = {
        "le": ("le ", "du ", "au "),
        "la": ("la ", "de la ", "à la "),
        "l": ("l'", "de l'", "à l'"),
        "les": ("les ", "des ", "aux "),
    }
    if article == "none":
        de = "d'" if _ELIDE.match(rest) else "de "
        return {"the": rest, "of": de + rest, "to": "à " + rest}
    the, of, to = forms[article]
    return {"the": the + rest, "of": of + rest, "to": to + rest}


def _split_short(short: str) -> tuple[str, str]:
    low = short.lower()
    for article, prefix in (("les", "les "), ("le", "le "), ("la", "la "), ("l", "l'"), ("l", "l’")):
        if low.startswith(prefix):
            return article, short[len(prefix):]
    return "none", short


def org_names(profile: Any, lang: str) -> dict[str, str]:
    """The organisation as the text names it: org_the / org_of / org_to the first time (« le Théâtre de la
    Grande Marée », « du Théâtre… », « au Théâtre… »), short / short_of / short_to afterwards."""
    org = profile.organisation
    if lang != "fr":
        return {"org_the": org.name, "org_of": f"of {org.name}", "org_to": f"to {org.name}",
                "short": "the organisation", "short_of": "of the organisation", "short_to": "to the organisation"}
    own_article, rest = _split_short(org.name)  # « Le Diamant »: the article is part of the name
    if own_article != "none" and not org.name_article:
        full = _with_article(own_article, rest)
        full["the"] = org.name
    else:
        full = _with_article(org.name_article or guess_article(org.name), org.name)
    if org.short_name:
        s_article, s_rest = _split_short(org.short_name)
        short = _with_article(s_article, s_rest)
    else:
        short = _with_article("l", "organisation")
    return {"org_the": full["the"], "org_of": full["of"], "org_to": full["to"],
            "short": short["the"], "short_of": short["of"], "short_to": short["to"]}


def _class_label(cls: str, lang: str, term: Callable[[str], str]) -> str:
    if cls == "personal":
        return term("class_personal")
    if cls == "sensitive":
        return term("class_sensitive")
    return vocabulary.label(cls, lang, "info_class").lower()


def _examples(cls: str, profile: Any, lang: str, sensitive: tuple[str, ...]) -> list[str]:
    data = profile.data
    if cls == "confidential":
        return [vocabulary.label(v, lang, "confidential_material") for v in data.confidential_material]
    if cls == "personal":
        return [vocabulary.label(v, lang, "personal_data") for v in data.personal_data if v not in sensitive]
    if cls == "sensitive":
        return [vocabulary.label(v, lang, "personal_data") for v in data.personal_data if v in sensitive]
    return []


# What the table's wording needs from terms.yaml, for a pack whose own terms.yaml lacks it (a pack written
# before the decision table): plain words that hold in every jurisdiction.
_FALLBACK_TERMS = {
    "committee": ("comité IA", "AI committee"), "referent": ("personne référente en IA", "AI lead"),
    "personal_info": ("informations personnelles", "personal information"),
    "pia_short": ("analyse d'impact", "impact assessment"),
    "privacy_officer": ("personne chargée de la protection des informations personnelles",
                        "person in charge of personal information"),
    "class_personal": ("informations personnelles", "personal information"),
    "class_sensitive": ("informations sensibles", "sensitive information"),
}


def _with_fallback(term: Callable[[str], str], lang: str) -> Callable[[str], str]:
    def get(key: str) -> str:
        try:
            return term(key)
        except PackError:
            if key not in _FALLBACK_TERMS:
                raise
            return _FALLBACK_TERMS[key][0 if lang == "fr" else 1]
    return get


def worded_table(profile: Any, pack: Any, lang: str, as_of: Any) -> dict[str, Any]:
    """The decision table of ``profile`` as of ``as_of``, worded in ``lang`` (for the register spreadsheet and
    ``balises explain``; compose words the table it already holds)."""
    locale = locale_for(lang, profile.organisation.jurisdiction)
    table = decision_table(profile, derive(profile, locale), pack.decisions, as_of)
    return table_view(table, pack, profile, lang, locale, helpers(lang, locale, pack.terms)["term"])


def table_view(table: DecisionTable, pack: Any, profile: Any, lang: str, locale: str,
               term: Callable[[str], str]) -> dict[str, Any]:
    """The decision table as templates read it: every verdict, condition and class already worded."""
    term = _with_fallback(term, lang)
    lead = term("committee") if profile.organisation.employees >= 20 else term("referent")
    article = "le " if lang == "fr" and lead.startswith("comité") else ("la " if lang == "fr" else "the ")
    values = {"pi": term("personal_info"), "pia": term("pia_short"), "officer": _officer(profile, lang, term),
              "lead": article + lead}

    def condition(cid: str) -> str:
        texts = pack.decisions.conditions.get(cid, {})
        return fill(texts.get(locale) or texts.get(lang) or cid, values)

    def verdict_label(v: str) -> str:
        return vocabulary.label(v, lang, "verdict")

    def why(reasons) -> list[str]:
        return [r.why.get(lang) for r in reasons]

    uses = []
    for u in table.uses:
        uses.append({
            "id": u.id, "label": vocabulary.label(u.id, lang, "use"), "category": u.category,
            "needs": u.needs, "needs_label": _class_label(u.needs, lang, term),
            "verdict": u.verdict, "verdict_label": verdict_label(u.verdict),
            "conditions": [condition(c) for c in u.conditions], "tools": list(u.tools),
            "pending_tools": list(u.pending_tools), "why": why(u.reasons),
        })
    tools = []
    for t in table.tools:
        classes = [{"id": c, "label": _class_label(c, lang, term), "verdict": r.verdict,
                    "verdict_label": verdict_label(r.verdict), "conditions": [condition(x) for x in r.conditions]}
                   for c, r in t.classes.items()]
        tools.append({
            "name": t.name, "vendor": t.vendor or "", "hosting": t.hosting,
            "hosting_label": vocabulary.label(t.hosting, lang, "hosting"),
            "account": t.account, "account_label": vocabulary.label(t.account, lang, "account"),
            "status": t.status, "status_label": vocabulary.label(t.status, lang, "tool_status"),
            "uses": [vocabulary.label(x, lang, "use") for x in t.uses],
            "may_receive": [_class_label(c, lang, term) for c in t.may_receive()],
            "classes": classes, "hosted_outside": t.hosted_outside, "hosting_unknown": t.hosting_unknown,
            "receives": _receives(classes, lang),
        })
    sensitive = pack.decisions.sensitive_personal_data
    classes = [{"id": c, "label": _class_label(c, lang, term),
                "examples": _examples(c, profile, lang, sensitive)} for c in table.classes_held]
    rows: dict[tuple, dict] = {}
    for u in uses:  # uses with the same decision, tools and conditions share one row: each condition said once
        key = (u["verdict"], tuple(u["tools"]), tuple(sorted(u["pending_tools"])), tuple(u["conditions"]))
        if key in rows:
            rows[key]["labels"].append(u["label"])
        else:
            rows[key] = {**u, "labels": [u["label"]]}
    use_rows = sorted(rows.values(), key=lambda r: VERDICT_ORDER.index(r["verdict"]))
    for row in use_rows:
        row["label"] = "; ".join(row["labels"])
    view = {
        "uses": uses,
        "use_rows": use_rows,
        "by_verdict": {v: [u for u in uses if u["verdict"] == v] for v in VERDICT_ORDER},
        "verdict_labels": {v: verdict_label(v) for v in VERDICT_ORDER},
        "tools": tools,
        "approved_tools": [t["name"] for t in tools if t["status"] == "approved"],
        "to_take": [{"code": d.code, "step": d.step, "field": d.field, "message": d.message.get(lang),
                     "safe": d.safe.get(lang)} for d in table.to_take],
        "classes": classes,
        "class_labels": {c: _class_label(c, lang, term) for c in CLASS_ORDER},
        "lead": values["lead"],
    }
    view["situations"] = situations(view, pack.decisions.situations, lang)
    return view


def _receives(classes: list[dict], lang: str) -> list[dict]:
    """What a tool may receive, classes with the same conditions together: « informations publiques et
    informations internes », then « données personnelles et données sensibles (AIPD faite…) »."""
    groups: dict[tuple, list[str]] = {}
    for c in classes:
        if c["verdict"] in ("permitted", "conditional"):
            groups.setdefault(tuple(c["conditions"]), []).append(c["label"])
    return [{"classes": join(labels, lang), "conditions": list(conds)} for conds, labels in groups.items()]


MAX_SITUATIONS = 15  # what one printed page holds with the longest answers


def situations(view: dict[str, Any], wording: Any, lang: str) -> list[dict[str, str]]:
    """The aide-mémoire's "Puis-je… ?": the organisation's uses, tools and information, each answered from the
    decision table (yes / yes, if / not yet / no), then the situations the policy answers for everyone."""
    def say(key: str, **values: str) -> str:
        return fill(wording.situations[key].get(lang), values) if key in wording.situations else ""

    def item(question: str, verdict: str, detail: str = "") -> dict[str, str]:
        answer = wording.answers.get(verdict)
        return {"question": question, "verdict": verdict, "answer": answer.get(lang) if answer else verdict,
                "detail": detail}

    out = []
    tools_word = {"fr": ("Outil : ", "Outils : "), "en": ("Tool: ", "Tools: ")}[lang if lang == "fr" else "en"]

    def with_tools(detail: str, tools: list[str]) -> str:
        if not tools:
            return detail
        named = tools_word[len(tools) > 1] + join(tools, lang)
        return f"{detail}. {named}" if detail else named

    groups: dict[tuple, list[dict]] = {}
    for u in view["uses"]:
        first = u["conditions"][0] if u["conditions"] and u["verdict"] in ("permitted", "conditional") else ""
        key = (u["verdict"], first, tuple(u["tools"]), tuple(sorted(u["pending_tools"])))
        groups.setdefault(key, []).append(u)
    for (verdict, first, tools, pending), group in groups.items():
        labels = [g["label"] for g in group]
        detail = first
        if verdict == "ask_first":
            detail = (("demandez d'abord " if lang == "fr" else "ask ") + _to(view["lead"], lang)
                      if not pending else join(list(pending), lang) + (" attend son approbation" if lang == "fr" and
                      len(pending) == 1 else " attendent leur approbation" if lang == "fr" else
                      " awaits approval" if len(pending) == 1 else " await approval"))
        elif verdict in ("permitted", "conditional"):
            detail = with_tools(detail, list(tools))
        elif group[0]["needs"] in ("personal", "sensitive"):
            detail = say("prohibited_needs", info=group[0]["needs_label"])
        uses = join([labels[0]] + [x[:1].lower() + x[1:] for x in labels[1:]], lang)
        out.append(item(say("use", uses=uses), verdict, detail))
    held = {c["id"] for c in view["classes"]}
    # a tool under review that no answer above names yet gets its own question
    named = {t for u in view["uses"] for t in u["pending_tools"]}
    pending_tools = [t["name"] for t in view["tools"] if t["status"] == "under_review" and t["name"] not in named]
    if pending_tools:
        out.append(item(say("tool_pending", tool=_either(pending_tools, lang)), "ask_first"))
    # tools with the same answer for the same information share one question
    shared: dict[tuple, list[str]] = {}
    for t in view["tools"]:
        if t["status"] != "approved":
            continue
        by_verdict: dict[tuple, list[str]] = {}
        for c in t["classes"]:
            if c["id"] in held and c["id"] != "public":
                key = (c["verdict"], c["conditions"][0] if c["conditions"] else "")
                by_verdict.setdefault(key, []).append(c["label"])
        for (verdict, first), labels in by_verdict.items():
            shared.setdefault((tuple(labels), verdict, first), []).append(t["name"])
    for (labels, verdict, first), names in shared.items():
        info = join([("des " if lang == "fr" else "") + x for x in labels], lang)
        tool = _either(names, lang)
        out.append(item(say("tool_info", info=info, tool=tool), verdict, first))
    # the situations every policy answers, in their order of importance, as many as one page holds
    room = max(len(wording.fixed) - max(0, len(out) + len(wording.fixed) - MAX_SITUATIONS), 3)
    for fixed in wording.fixed[:room]:
        out.append(item(fixed.question.get(lang), fixed.verdict, fixed.detail.get(lang) if fixed.detail else ""))
    if len(out) < 12:
        for c in view["classes"]:
            if c["id"] in ("public", "internal") or len(out) >= 12:
                continue
            may = [t["name"] for t in view["tools"] if c["label"] in t["may_receive"] and t["status"] == "approved"]
            question = say("class_anywhere", info=("des " if lang == "fr" else "") + c["label"],
                           examples=join([x[:1].lower() + x[1:] for x in c["examples"]], lang))
            out.append(item(question, "conditional" if may else "prohibited",
                            (("seulement dans " if lang == "fr" else "only in ") + join(may, lang)) if may else ""))
    return out


def _either(names: list[str], lang: str) -> str:
    """« A, B ou C » / "A, B or C": one question about several tools."""
    if len(names) < 2:
        return names[0] if names else ""
    return ", ".join(names[:-1]) + (" ou " if lang == "fr" else " or ") + names[-1]


def _to(lead: str, lang: str) -> str:
    if lang != "fr":
        return lead
    return "au " + lead[3:] if lead.startswith("le ") else "à " + lead


def _officer(profile: Any, lang: str, term: Callable[[str], str]) -> str:
    role = profile.organisation.privacy_officer
    if role:
        return f"la {term('privacy_officer')} ({role})" if lang == "fr" else f"the {term('privacy_officer')} ({role})"
    return ("la " if lang == "fr" else "the ") + term("privacy_officer")
