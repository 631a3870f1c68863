"""What clause templates see of the decision table and of the organisation's name: plain values, worded.

Templates only say what the table decided; the wording of verdicts, conditions and classes of information is
done once here, so that the policy, the aide-mémoire and the tool register say it the same way.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from balises.contract import conditions, vocabulary
from balises.engine.decisions import (
    CLASS_ORDER,
    VERDICT_ORDER,
    DecisionTable,
    decision_table,
    fill,
    join,
    sector_label,
)
from balises.engine.facts import derive, locale_for
from balises.engine.statements import Said, lcfirst, strip, ucfirst
from balises.engine.templating import format_date, helpers
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


def _examples(cls: str, profile: Any, lang: str, sensitive: tuple[str, ...], sectors: dict) -> list[str]:
    data, sector = profile.data, profile.organisation.sector
    if cls == "confidential":
        return [sector_label(v, "confidential_material", sector, lang, sectors) for v in data.confidential_material]
    if cls == "personal":
        return [sector_label(v, "personal_data", sector, lang, sectors) for v in data.personal_data
                if v not in sensitive]
    if cls == "sensitive":
        return [sector_label(v, "personal_data", sector, lang, sectors) for v in data.personal_data if v in sensitive]
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


def worded_table(profile: Any, pack: Any, lang: str, as_of: Any, said: Said | None = None) -> dict[str, Any]:
    """The decision model of ``profile`` as of ``as_of``, worded in ``lang`` without statement markers (for the
    register spreadsheet, ``balises explain`` and ``balises check``; compose words the model it already holds)."""
    locale = locale_for(lang, profile.organisation.jurisdiction)
    table = decision_table(profile, derive(profile, locale), pack.decisions, as_of)
    return table_view(table, pack, profile, lang, locale, helpers(lang, locale, pack.terms)["term"],
                      said=said or Said(mark=False), sections=policy_sections(profile, pack, as_of, locale))


def policy_sections(profile: Any, pack: Any, as_of: Any, locale: str) -> dict[str, str]:
    """Section id -> its number in the policy (what "see section 4" points at)."""
    from balises.engine.compose import decisions_for, policy_numbers  # compose words the model it holds

    _, decisions = decisions_for(profile, pack, as_of, locale)
    return policy_numbers(pack, decisions, profile.policy.length)


def table_view(table: DecisionTable, pack: Any, profile: Any, lang: str, locale: str,
               term: Callable[[str], str], said: Said | None = None,
               sections: dict[str, str] | None = None) -> dict[str, Any]:
    """The decision model as templates read it: every verdict, condition, class, date and name already worded,
    each statement marked (``said``) so that every document says it the same way and ``balises check`` finds
    it."""
    say = said if said is not None else Said()
    sections = sections or {}
    term = _with_fallback(term, lang)
    data = pack.decisions
    words = data.situations.words
    fr = lang == "fr"
    roles = table.roles
    lead = term("committee") if roles.lead_kind == "committee" else term("referent")
    article = "le " if fr and lead.startswith("comité") else ("la " if fr else "the ")
    officer = _officer(profile, lang, term)
    values = {"pi": term("personal_info"), "pia": term("pia_short"), "officer": officer, "lead": article + lead,
              "section_personal": sections.get("personal_data", "?"), "exception_by": roles.approved_by}
    values["lead_to"] = _to(values["lead"], lang)
    if roles.lead_name:  # staff ask the named person
        values["lead_to"] = ("à " if fr else "") + roles.lead_name

    def word(key: str, **more: str) -> str:
        text = words.get(key)
        return fill(text.get(lang), {**values, **more}) if text else key

    def cond_text(c) -> str:
        texts = data.conditions.get(c.id, {})
        text = fill(texts.get(locale) or c.text.get(lang), values)
        return word("after_fix", fix=text) if c.prerequisite == "tool_on_condition" else text

    def date(day) -> str:
        return format_date(day, locale)

    def verdict_label(v: str) -> str:
        return vocabulary.label(v, lang, "verdict")

    def answer(v: str) -> str:
        found = data.situations.answers.get(v)
        return found.get(lang) if found else verdict_label(v)

    def short(v: str) -> str:
        return word(f"short_{v}") if f"short_{v}" in words else answer(v)

    tools_by_name = {t.name: t for t in table.tools}
    numbers = {d.code: [] for d in table.to_take}
    for d in table.to_take:
        numbers[d.code].append(str(d.number))

    sector = profile.organisation.sector

    def use_label(use_id: str) -> str:
        return sector_label(use_id, "use", sector, lang, data.sectors)

    uses = []
    for u in table.uses:
        key = f"use.{u.id}"
        conds = [cond_text(c) for c in u.conditions]
        conds_said = ucfirst("; ".join(conds)) if conds else "—"
        tools_text = _tools_cell(u, tools_by_name, word, lang)
        waiting = _waiting(u, table, word, lang, values, numbers, date)
        publication = None
        if u.publication is not None:
            publication = {"verdict": u.publication.verdict,
                           "conditions": [cond_text(c) for c in u.publication.conditions]}
        uses.append({
            "id": u.id, "label": use_label(u.id), "category": u.category,
            "needs": u.needs, "needs_label": _class_label(u.needs, lang, term),
            "verdict": u.verdict,
            "verdict_label": say(f"{key}.verdict", verdict_label(u.verdict)),
            "answer": say(f"{key}.verdict", answer(u.verdict)),
            "short": say(f"{key}.verdict", short(u.verdict)),
            "conditions": conds, "conditions_said": say(f"{key}.conditions", conds_said),
            "tools": list(u.tools), "tools_said": say(f"{key}.tools", tools_text),
            "pending_tools": list(u.pending_tools), "day_one": u.day_one, "day_one_tools": list(u.day_one_tools),
            "waiting": waiting, "publication": publication, "why": [r.why.get(lang) for r in u.reasons],
        })
        say.also(f"{key}.conditions", word("see_policy", section=sections.get("uses", "?")))
    tools = []
    for t in table.tools:
        key = f"tool.{t.index}"
        classes = []
        for c in CLASS_ORDER:
            r = t.classes[c]
            conds = [cond_text(x) for x in r.conditions]
            classes.append({"id": c, "label": _class_label(c, lang, term), "verdict": r.verdict,
                            "verdict_label": verdict_label(r.verdict),
                            "short": say(f"{key}.class.{c}", short(r.verdict)),
                            "conditions": conds,
                            "conditions_said": say(f"{key}.class.{c}.conditions",
                                                   "; ".join(conds) if conds else "—")})
            say.also(f"{key}.class.{c}", verdict_label(r.verdict), answer(r.verdict))
        standing = vocabulary.label(t.standing, lang, "tool_standing")
        tools.append({
            "index": t.index, "name": t.name, "vendor": t.vendor or "", "hosting": t.hosting,
            "hosting_label": vocabulary.label(t.hosting, lang, "hosting"),
            "account": t.account, "account_label": vocabulary.label(t.account, lang, "account"),
            "status": t.status, "standing": t.standing,
            "status_label": say(f"{key}.standing", standing),
            "uses": [use_label(x) for x in t.uses],
            "may_receive": [_class_label(c, lang, term) for c in t.may_receive()],
            "classes": classes, "hosted_outside": t.hosted_outside, "hosting_unknown": t.hosting_unknown,
            "receives": say(f"{key}.receives", _receives_text(t, classes, word, lang)),
            "fixes": [f.get(lang) for f in t.fixes], "limits": [f.get(lang) for f in t.limits],
            "notes": [x.get(lang) for r in t.criteria for x in r.texts.values() if r.for_class("creative")[0] == "note"
                      and t.uses and any(u.category == "creative" for u in table.uses if u.id in t.uses)],
            "facts_checked": [{"title": s.title, "checked": date(s.checked)} for s in t.facts.sources],
            "reading": _reading(t, word),
            "served": [use_label(u.id) for u in table.uses if t.name in u.tools],
            "not_served": [{"use": use_label(u.id), "reason": _pair_word(p, word)}
                           for u in table.uses for p in u.pairs if p.tool == t.name
                           and p.reason not in ("serves", "on_condition")],
        })
    sensitive = data.sensitive_personal_data
    classes = [{"id": c, "label": _class_label(c, lang, term),
                "examples": _examples(c, profile, lang, sensitive, data.sectors)} for c in table.classes_held]
    rows: dict[tuple, dict] = {}
    for u in uses:  # uses with the same decision, tools and conditions share one row: each condition said once
        key = (u["verdict"], u["tools_said"].split("\ue001")[-1], tuple(u["conditions"]))
        if key in rows:
            rows[key]["labels"].append(u["label"])
            rows[key]["ids"].append(u["id"])
        else:
            rows[key] = {**u, "labels": [u["label"]], "ids": [u["id"]]}
    use_rows = sorted(rows.values(), key=lambda r: VERDICT_ORDER.index(r["verdict"]))
    # a condition said twice or more in the policy's tables (of uses, of tools) is said once, by a letter the
    # rows name, in a table of its own
    seen: dict[str, int] = {}
    for conds in [row["conditions"] for row in use_rows] + [
            c["conditions"] for t in tools for c in t["classes"] if c["verdict"] in ("permitted", "conditional")]:
        for c in dict.fromkeys(conds):
            seen[c] = seen.get(c, 0) + 1
    letters = {c: chr(ord("A") + i) for i, c in enumerate(c for c, n in seen.items() if n >= 2)}
    for t, ruling in zip(tools, table.tools):
        t["receives_lettered"] = say(f"tool.{t['index']}.receives",
                                     _receives_text(ruling, t["classes"], word, lang, letters))
    for row in use_rows:
        row["label"] = "; ".join(row["labels"])
        if letters and row["conditions"]:
            cell = [", ".join(sorted(letters[c] for c in row["conditions"] if c in letters))]
            cell += [c for c in row["conditions"] if c not in letters]
            row["conditions_said"] = ucfirst("; ".join(x for x in cell if x))
        if len(row["ids"]) > 1 or letters:  # one row says the statements of every use in it
            for part in ("verdict", "tools", "conditions"):
                field = {"verdict": "verdict_label", "tools": "tools_said", "conditions": "conditions_said"}[part]
                row[field] = say("+".join(f"use.{i}.{part}" for i in row["ids"]), strip(row[field]))
    condition_legend = [{"letter": letter, "text": say(f"conditions.{letter.lower()}", ucfirst(c))}
                        for c, letter in letters.items()]
    dates = table.dates
    contact = {"name": say("contact.name", roles.contact),
               "email": say("contact.email", roles.lead_email) if roles.lead_email else "",
               "named": roles.lead_name is not None, "owner": roles.owner}
    day_one_uses = [u for u in uses if u["day_one"]]
    by_tools: dict[tuple, list[str]] = {}  # uses done with the same tools said together
    for u in day_one_uses:
        by_tools.setdefault(tuple(u["day_one_tools"]), []).append(_lower_first(u["label"]))
    day_one_list = ("; " if fr else "; ").join(join(labels, lang) + " (" + join(list(tools), lang) + ")"
                                               for tools, labels in by_tools.items())
    first = date(dates.first_approvals)
    if table.stance == "prohibited" or not uses:
        day_one_text = ""
    elif day_one_uses:
        day_one_text = word("day_one_some", uses=day_one_list)
        if len(day_one_uses) < len([u for u in uses if u["verdict"] != "prohibited"]):
            day_one_text += " " + word("day_one_rest", date=first)
    else:
        day_one_text = word("day_one_none", date=first)
    who = {"board": roles.approved_by, "owner": roles.owner, "lead": values["lead"], "privacy": officer}
    to_take = []
    for d in table.to_take:
        dvals = {**values, **{k: date(v) for k, v in d.dates.items()}}
        if d.info:
            dvals["info"] = _class_label(d.info, lang, term)
        to_take.append({"code": d.code, "step": d.step, "field": d.field, "number": d.number,
                        "message": say(f"decision.{d.number}", fill(d.message.get(lang), dvals)),
                        "safe": fill(d.safe.get(lang), dvals), "who": who[d.who],
                        "until_then": _SAFE_PREFIX.sub("", fill(d.safe.get(lang), dvals)),
                        "due": date(d.due) if d.due else "", "before_adoption": d.before_adoption})
    labelling = _labelling(table, data, lang, values)
    # publishing what a use produces, decided apart from producing it: the same conditions for every use
    published = [u for u in table.uses if u.publication is not None and u.publication.verdict != "prohibited"]
    publication = ""
    if published:
        conds = "; ".join(cond_text(c) for c in published[0].publication.conditions)
        publication = say("+".join(f"use.{u.id}.publication" for u in published), conds)
    view = {
        "uses": uses,
        "use_rows": use_rows,
        "condition_legend": condition_legend,
        "by_verdict": {v: [u for u in uses if u["verdict"] == v] for v in VERDICT_ORDER},
        "verdict_labels": {v: verdict_label(v) for v in VERDICT_ORDER},
        "tools": tools,
        "approved_tools": [t["name"] for t in tools if t["status"] == "approved"],
        "to_take": to_take,
        "classes": classes,
        "class_labels": {c: _class_label(c, lang, term) for c in CLASS_ORDER},
        "held_labels": [c["label"] for c in classes],
        "held_ids": list(table.classes_held),
        "lead": values["lead"],
        "lead_to": _to(values["lead"], lang),
        "lead_of": _of(values["lead"], lang),
        "officer": officer,
        "contact": contact,
        "dates": {"effective": say("date.effective", date(dates.effective)), "review": say("date.review",
                  date(dates.review)), "first_approvals": first, "earliest": date(dates.earliest),
                  "requested": date(dates.requested), "moved": dates.moved, "steps": list(dates.steps),
                  "steps_start": date(dates.steps_start) if dates.steps_start else "",
                  "training": say("date.training", date(dates.training)),
                  "effective_day": dates.effective, "review_day": dates.review,
                  "first_day": dates.first_approvals, "generated_day": dates.generated_on},
        "day_one": say("day_one", day_one_text) if day_one_text else "",
        "nothing_on_day_one": not day_one_uses,
        "labelling": say("labelling", labelling) if labelling else "",
        "publication": publication,
        "stance_prohibited": table.stance == "prohibited",
        "publishable": [u["id"] for u in uses if u["publication"] and u["publication"]["verdict"] != "prohibited"],
        "may_happen": [] if table.stance == "prohibited" else [u["id"] for u in uses if u["verdict"] != "prohibited"],
        "criteria": [fill(c.text.get(lang), values) for c in data.approval.criteria
                     if conditions.holds(c.when, {**profile.model_dump(mode="python")})],
        "board": roles.board,
        "exception_path": word("exception_path"),
        "class_tools": _class_tools(table, classes, say, word, lang),
    }
    view["_model"] = table
    view["situations"] = situations(view, data.situations, lang, values, sections, say)
    del view["_model"]
    return view


_SAFE_PREFIX = re.compile(r"^(En attendant|D'ici là|Meanwhile|Until then),\s*")


def _lower_first(label: str) -> str:
    """A label inside a sentence: its first letter lowered, unless it starts an acronym ("AI-generated")."""
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def _class_tools(table: DecisionTable, classes: list[dict], say: Said, word: Callable[..., str],
                 lang: str) -> list[dict]:
    """For the protected classes the organisation holds: the tools that may receive them, or none; classes
    received by the same tools said together."""
    groups: dict[tuple, list[dict]] = {}
    for c in classes:
        if c["id"] in ("public", "internal"):
            continue
        names = tuple(t.name for t in table.tools if t.status == "approved" and c["id"] in t.may_receive())
        groups.setdefault(names, []).append(c)
    return [{"ids": [c["id"] for c in group], "label": join([c["label"] for c in group], lang), "tools": list(names),
             "said": say("+".join(f"class.{c['id']}.tools" for c in group),
                         join(list(names), lang) if names else word("no_tool_at_all"))}
            for names, group in groups.items()]


def _reading(t, word: Callable[..., str]) -> str:
    """What the tool's account and its provider's terms mean, from the answers and the catalogue only."""
    parts = [word(f"account_{t.account}")]
    if t.account != "self_hosted":
        parts.append(word(f"reuse_{t.facts.reuse}", setting=t.facts.setting or "", vendor=t.facts.vendor or t.name))
    return " ".join(p for p in parts if p)


def _pair_word(pair, word: Callable[..., str]) -> str:
    return word(f"pair_{pair.reason}", tool=pair.tool)


def _tools_cell(u, tools_by_name: dict, word: Callable[..., str], lang: str) -> str:
    """The tools of one use as the table of uses says them: those that serve it, else why none does."""
    if u.tools:
        return join(list(u.tools), lang)
    if u.verdict == "prohibited":
        excluded = [p for p in u.pairs if p.reason == "excluded"]
        return word("pair_excluded") if excluded else "—"
    if not u.pairs:
        return word("no_tool")
    return word("no_tool_yet") + " (" + "; ".join(_pair_word(p, word) for p in u.pairs) + ")"


def _waiting(u, table: DecisionTable, word: Callable[..., str], lang: str, values: dict, numbers: dict,
             date: Callable) -> str:
    """Why a permitted use cannot be done yet, and until when (the aide-mémoire's "Pas encore")."""
    if u.day_one or u.verdict == "prohibited":
        return ""
    if u.waiting_for:
        what = join([fill(d.short.get(lang), values) if d.short else fill(d.message.get(lang), values)
                     for d in table.to_take if d.code in u.waiting_for], lang)
        nums = join([n for code in u.waiting_for for n in numbers.get(code, [])], lang)
        return word("waits_decisions" if nums else "waits_first", what=what, numbers=nums)
    review = [p.tool for p in u.pairs if p.reason == "under_review"]
    if review:
        key = "waits_tool_one" if len(review) == 1 else "waits_tool"
        return word(key, tools=join(review, lang), date=date(table.dates.first_approvals))
    never = [p.tool for p in u.pairs if p.reason == "never"]
    if never:
        return word("never_tool", tools=join(never, lang))
    return word("waits_no_tool")


def _receives_text(t, classes: list[dict], word: Callable[..., str], lang: str,
                   letters: dict[str, str] | None = None) -> str:
    """What a tool may receive, classes with the same conditions together: « informations publiques et
    informations internes ; données personnelles (AIPD faite…) ». ``letters``: conditions said by the letter of
    the policy's table of shared conditions."""
    letters = letters or {}
    if t.status == "under_review":
        return word("receives_nothing_yet")
    if t.status == "prohibited":
        return word("receives_nothing")
    groups: dict[tuple, list[str]] = {}
    for c in classes:
        if c["verdict"] in ("permitted", "conditional"):
            groups.setdefault(tuple(c["conditions"]), []).append(c["label"])
    def said_of(conds) -> str:
        named = ", ".join(sorted(letters[c] for c in conds if c in letters))
        return "; ".join(x for x in [named, *(c for c in conds if c not in letters)] if x)

    parts, previous = [], ()
    for conds, labels in groups.items():
        if previous and len(conds) > len(previous) and set(previous) <= set(conds):  # sensitive after personal
            said = word("receives_same_and", conditions=said_of([c for c in conds if c not in previous]))
        else:
            said = said_of(conds)
        parts.append(join(labels, lang) + (f" ({said})" if conds else ""))
        previous = conds
    return "; ".join(parts) if parts else word("receives_nothing")


def _labelling(table: DecisionTable, data: Any, lang: str, values: dict) -> str:
    """The one line on labelling: what is labelled, from the commitment (the same condition every use that
    publishes carries)."""
    if table.stance == "prohibited":
        return ""
    cid = {"all_assisted": "label_all", "substantial": "label_substantial"}.get(table.labelling, "label_legal")
    texts = data.conditions.get(cid)
    return fill(texts.get(lang), values) if texts else ""


MAX_SITUATIONS = 16  # what one printed page holds with the longest answers
MAX_DETAIL = 150  # longer conditions send the reader to the policy instead of shortening them


def _today(u) -> str:
    """What staff may do with a use on the effective date: its verdict, or "not yet" while it waits."""
    if u.day_one or u.verdict in ("ask_first", "prohibited"):
        return u.verdict
    return "ask_first"


def situations(view: dict[str, Any], wording: Any, lang: str, values: dict, sections: dict,
               say: Said) -> list[dict[str, str]]:
    """The aide-mémoire's "Puis-je… ?": the organisation's uses, tools and information, each answered from the
    model as it stands on the effective date (yes / yes, if / not yet / no), with every condition or the section
    of the policy that lists them, then the situations the policy answers for everyone."""
    fr = lang == "fr"
    model = view["_model"]

    def ask(key: str, **more: str) -> str:
        return fill(wording.situations[key].get(lang), {**values, **more}) if key in wording.situations else ""

    def answer(verdict: str) -> str:
        found = wording.answers.get(verdict)
        return found.get(lang) if found else verdict

    def item(question: str, text: str, detail: str = "") -> dict[str, str]:
        return {"question": question, "answer": text, "detail": detail}

    see = fill(wording.words["see_policy"].get(lang), {"section": sections.get("uses", "?")}) \
        if "see_policy" in wording.words else ""
    out = []
    uses = {u["id"]: u for u in view["uses"]}
    if view["stance_prohibited"]:
        out.append(item(ask("any_use_prohibited"), answer("prohibited") + ", " + view["exception_path"]))
    else:
        groups: dict[tuple, list] = {}
        for ruling in model.uses:
            u = uses[ruling.id]
            today = _today(ruling)
            detail_key = (u["conditions_said"] if today in ("permitted", "conditional") else u["waiting"])
            groups.setdefault((today, strip(detail_key), tuple(ruling.day_one_tools), ruling.needs
                               if today == "prohibited" else ""), []).append((ruling, u))
        tools_word = ("Outil : ", "Outils : ") if fr else ("Tool: ", "Tools: ")
        for (today, _, day_tools, _), group in groups.items():
            ids = [r.id for r, _ in group]
            labels = [u["label"] for _, u in group]
            question = ask("use", uses=join([labels[0]] + [_lower_first(x) for x in labels[1:]], lang))
            first = group[0][1]
            marked = say("+".join(f"use.{i}.today" for i in ids), answer(today))
            if today in ("permitted", "conditional"):
                plain = strip(first["conditions_said"])
                conds = "" if plain == "—" else say("+".join(f"use.{i}.conditions" for i in ids),
                                                    lcfirst(plain) if len(plain) <= MAX_DETAIL else see)
                named = tools_word[len(day_tools) > 1] + join(list(day_tools), lang) if day_tools else ""
                detail = ". ".join(x for x in (conds, named) if x)
            elif today == "ask_first":
                detail = first["waiting"]
            else:
                detail = ask("prohibited_needs", info=first["needs_label"]) if any(
                    p.reason == "excluded" for r, _ in group for p in r.pairs) or first["tools_said"] != "—" and \
                    first["needs"] in ("personal", "sensitive") else ""
            out.append(item(question, marked, detail))
    held = {c["id"] for c in view["classes"]}
    shared: dict[tuple, list[tuple]] = {}
    for ruling, t in zip(model.tools, view["tools"]):
        if ruling.status != "approved" or view["stance_prohibited"]:
            continue
        by_answer: dict[tuple, list] = {}
        for c in t["classes"]:
            if c["id"] not in held or c["id"] == "public":
                continue
            r = ruling.classes[c["id"]]
            blocking = r.blocking()
            today = ("ask_first" if blocking and r.verdict != "prohibited" else r.verdict)
            detail = c["conditions_said"] if today == "conditional" else ""
            long = len(strip(detail)) > MAX_DETAIL
            if blocking and today == "ask_first":
                nums = sorted({d["number"] for d in view["to_take"] if d["code"] in
                               {x.prerequisite for x in blocking}})
                key = "waits_decisions" if nums else "waits_first"

                def waits(lg: str) -> str:  # what is left to do, said as the policy says it (never "first: first:")
                    what = "; ".join(fill(x.text.get(lg), values) for x in blocking)
                    return fill(wording.words[key].get(lg), {"what": what, "numbers": join(
                        [str(n) for n in nums], lg)}) if key in wording.words else what
                detail = waits(lang)
                # one answer in every language: sent to the policy if it is too long in any of them (M-20)
                long = any(len(strip(waits(lg))) > MAX_DETAIL for lg in vocabulary.LANGUAGE_CODES)
            if long:  # sent to the policy: tools said the same way share a question
                detail = see
            by_answer.setdefault((today, strip(detail)), []).append((c, detail))
        for (today, plain), found in by_answer.items():
            shared.setdefault((tuple(c["label"] for c, _ in found), today, plain), []).append(
                (t, [c for c, _ in found], found[0][1]))
    for (labels, today, plain), entries in shared.items():
        info = join([("des " if fr else "") + x for x in labels], lang)
        tool = _either([t["name"] for t, _, _ in entries], lang)
        keys = "+".join(f"tool.{t['index']}.class.{c['id']}.today" for t, cs, _ in entries for c in cs)
        detail = entries[0][2]
        out.append(item(ask("tool_info", info=info, tool=tool), say(keys, answer(today)), detail))
    if view["labelling"]:
        out.append(item(ask("labelling"), answer("permitted"), view["labelling"]))
    room = max(len(wording.fixed) - max(0, len(out) + len(wording.fixed) - MAX_SITUATIONS), 4)
    for fixed in wording.fixed[:room]:
        if view["stance_prohibited"]:
            if fixed.drop_when_prohibited:
                continue
            fixed = fixed.prohibited or fixed
        out.append(item(fixed.question.get(lang), answer(fixed.verdict), fixed.detail.get(lang) if fixed.detail else ""))
    return out


def _either(names: list[str], lang: str) -> str:
    """« A, B ou C » / "A, B or C": one question about several tools."""
    if len(names) < 2:
        return names[0] if names else ""
    return ", ".join(names[:-1]) + (" ou " if lang == "fr" else " or ") + names[-1]


def _of(lead: str, lang: str) -> str:
    if lang != "fr":
        return "of " + lead
    return "du " + lead[3:] if lead.startswith("le ") else "de " + lead


def _to(lead: str, lang: str) -> str:
    if lang != "fr":
        return lead
    return "au " + lead[3:] if lead.startswith("le ") else "à " + lead


def _officer(profile: Any, lang: str, term: Callable[[str], str]) -> str:
    role = profile.organisation.privacy_officer
    if role:
        return f"la {term('privacy_officer')} ({role})" if lang == "fr" else f"the {term('privacy_officer')} ({role})"
    return ("la " if lang == "fr" else "the ") + term("privacy_officer")
