"""Balises — the wizard. ``streamlit run app.py`` (optionally ``-- --pack DIR`` or env BALISES_PACK).

A thin Streamlit shell: steps, questions, validation, file names and previews live in balises/wizard.py and
balises/render/preview.py (no Streamlit there). Answers stay in the browser session: nothing is written to disk.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import sys
import threading
import time
import uuid

import streamlit as st

from balises import wizard as wz
from balises.contract import vocabulary as v
from balises.contract.profile import EFFECTIVE_DATES
from balises.engine.compose import compose
from balises.errors import BalisesError
from balises.packs.loader import load_pack
from balises.render import preview
from balises.services import generate as api
from balises.services.kit import ACK_NAMES, CALENDAR_NAMES, Kit, build_kit, soffice
from balises.services.kit import DOCUMENTS as KIT_DOCUMENTS
from balises.services.kit import file_name as kit_file_name
from balises.services.isolated import UpdateOptions, update_isolated
from balises.slug import slugify

ss = st.session_state


def pack_location() -> str | None:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--pack")
    args, _ = parser.parse_known_args(sys.argv[1:])
    return args.pack or os.environ.get("BALISES_PACK") or None


def get_pack(location: str | None):
    """The pack, shared by every session: ``load_pack`` keeps it per location and file time (so an edited pack is
    read again, which a Streamlit resource cache would hide), and its engine is shared through ``engine_for``."""
    return load_pack(location)


def t(key: str, **kwargs) -> str:
    return wz.text(key, ss.ui_lang, **kwargs)


def init_state(pack) -> None:
    ss.setdefault("ui_lang", "fr")
    if "answers" not in ss:
        ss.answers = wz.default_answers(pack=pack)  # the pack's recommended answers over the contract's defaults
        ss.base_hash = answers_hash(ss.answers)
    ss.setdefault("step", 0)
    ss.setdefault("tried", set())
    ss.setdefault("tool_ids", [])
    ss.setdefault("upload_v", 0)
    ss.setdefault("flash", None)
    ss.setdefault("notes", [])
    ss.setdefault("memo", {})
    sync_tool_ids()


def answers_hash(answers) -> str:
    data = json.dumps(wz.to_profile_data(answers), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha1(data.encode("utf-8")).hexdigest()[:16]


def sync_tool_ids() -> None:
    """One stable id per tool card, so that removing a tool never shifts the others' fields."""
    tools = ss.answers.setdefault("tools", [])
    if len(ss.tool_ids) != len(tools):
        for key in [k for k in ss.keys() if isinstance(k, str) and k.startswith("tool:")]:
            del ss[key]
        ss.tool_ids = [uuid.uuid4().hex[:8] for _ in tools]


def reset_widgets() -> None:
    """Forget widget values so that they are shown again from the answers (after a resume or a switch)."""
    for key in [k for k in ss.keys() if isinstance(k, str) and k.startswith(("q:", "tool:"))]:
        del ss[key]
    ss.pop("doc_lang", None)
    ss.pop("tool_pick", None)
    ss.tool_ids = []
    sync_tool_ids()


# ---------------------------------------------------------------- callbacks

def on_answer(path: str) -> None:
    question = wz.QUESTION_BY_PATH[path]
    value = ss.get("q:" + path)
    if question.kind == "text" and value is None:
        value = ""
    wz.set_value(ss.answers, path, value)
    for changed, note in wz.fit_answers(ss.answers):
        ss.pop("q:" + changed, None)
        if note[0]:
            ss.notes.append(note)


def on_ui_lang() -> None:
    ss.ui_lang = ss.ui_lang_choice
    reset_widgets()


def go(delta: int) -> None:
    step = wz.STEPS[ss.step]
    if delta > 0 and step.id != "review" and wz.step_problems(ss.answers, step.id):
        ss.tried.add(step.id)
        return
    move_to(max(0, min(len(wz.STEPS) - 1, ss.step + delta)))


def move_to(index: int) -> None:
    ss.step = index
    ss.flash = None
    ss.notes = []
    ss.scroll_top = True


def on_step_list() -> None:
    """The step list: any step can be opened; going forward stops at the first step left with a problem."""
    target = ss.nav_steps
    for i in range(ss.step, target):
        if wz.step_problems(ss.answers, wz.STEPS[i].id):
            ss.tried.add(wz.STEPS[i].id)
            target = i
            break
    move_to(target)


def on_upload() -> None:
    key = f"upload_{ss.upload_v}"
    uploaded = ss.get(key)
    ss.upload_v += 1  # a fresh uploader: the same file can be given again
    if uploaded is None:
        return
    try:
        loaded = wz.load_answers_file(uploaded.name, uploaded.getvalue(), get_pack(pack_location()))
    except BalisesError as exc:
        ss.flash = ("error", exc, uploaded.name)
        return
    except Exception as exc:  # noqa: BLE001 - any file: a message on the page, never Streamlit's error screen
        ss.flash = ("error", wz.unreadable(uploaded.name, exc), uploaded.name)
        return
    ss.answers = loaded.answers
    wz.fit_answers(ss.answers)
    ss.base_hash = answers_hash(ss.answers)
    ss.tried = set()
    reset_widgets()
    move_to(wz.resume_step(ss.answers))  # the first step with a problem, else the review
    ss.flash = ("success", loaded.message, loaded.notices)


def add_tool() -> None:
    name = ss.get("tool_pick")
    if not name:
        return
    row = wz.common_tool_row(name) if name in wz.COMMON_TOOLS else wz.blank_tool()
    ss.answers.setdefault("tools", []).append(row)
    ss.tool_ids.append(uuid.uuid4().hex[:8])
    ss.setdefault("fresh_tools", set()).add(ss.tool_ids[-1])  # a new tool's card opens to be completed
    ss.tool_pick = None


def on_tool(uid: str, name: str) -> None:
    i = ss.tool_ids.index(uid)
    value = ss.get(f"tool:{uid}:{name}")
    if name == "vendor":
        value = value.strip() if isinstance(value, str) and value.strip() else None
    elif name == "name":
        value = value or ""
    elif name == "uses":
        value = list(value or [])
    ss.answers["tools"][i][name] = value


def remove_tool(uid: str) -> None:
    i = ss.tool_ids.index(uid)
    del ss.answers["tools"][i]
    del ss.tool_ids[i]
    for key in [k for k in ss.keys() if isinstance(k, str) and k.startswith(f"tool:{uid}:")]:
        del ss[key]


# ---------------------------------------------------------------- widgets

def render_question(q: wz.Question, problems: list[wz.Problem], show_errors: bool, effects=None) -> None:
    lang, answers = ss.ui_lang, ss.answers
    key = "q:" + q.path
    value = wz.get(answers, q.path)
    label = q.label_for(answers, lang)
    common = {"key": key, "on_change": on_answer, "args": (q.path,)}
    if q.kind == "select":
        options = q.options_for(answers)
        if key not in ss or ss[key] not in options:
            ss[key] = value if value in options else None
        # no typing in short lists: no keyboard popping up on phones, no English "No results"
        st.selectbox(label, options, format_func=lambda x: q.option_label(x, lang), filter_mode=None,
                     placeholder=wz.tr(q.placeholder, lang) if q.placeholder else t("choose"), **common)
    elif q.kind == "radio":
        options = q.options_for(answers)
        if key not in ss or ss[key] not in options:
            ss[key] = value if value in options else options[0]
        st.radio(label, options, format_func=lambda x: q.option_label(x, lang),
                 captions=[q.caption_for(x, lang) for x in options], **common)
    elif q.kind == "multiselect":
        options = q.options_for(answers)
        if key not in ss:
            ss[key] = [x for x in (value or []) if x in options]
        # no typing (no keyboard popping up on phones, no English "No results"), chips wrap, no "Select all"
        st.multiselect(label, options, format_func=lambda x: q.option_label(x, lang),
                       placeholder=t("choose"), wrap=True, select_all=False, filter_mode=None, **common)
    else:
        if key not in ss:
            ss[key] = "" if (q.kind == "text" and value is None) else value
        if q.kind == "text":
            st.text_input(label, **common)
        elif q.kind == "bool":
            st.checkbox(label, **common)
        elif q.kind == "int":
            st.number_input(label, min_value=q.min_value, max_value=q.max_value, step=1, **common)
        elif q.kind == "date":
            st.date_input(label, format="DD/MM/YYYY" if lang == "fr" else "YYYY-MM-DD",
                          min_value=EFFECTIVE_DATES[0], max_value=EFFECTIVE_DATES[1], **common)
    st.caption(q.help_for(answers, lang))
    recommended, publisher = ss.get("from_pack") or ((), "")
    if q.path in recommended:
        st.caption(":material/verified: " + t("from_pack", publisher=wz.md_text(publisher)))
    if effects:
        def lines(options):
            return "\n".join(f"- **{q.option_label(o, lang)}** → "  # a pack's titles and reasons, as text
                             f"{wz.md_text((' ; ' if lang == 'fr' else '; ').join(effects[o]))}" for o in options)

        chosen = [o for o in effects if o in (value or [])]
        if chosen:  # said at once: what the options just chosen add
            st.caption(t("adds_chosen") + "\n" + lines(chosen))
        others = [o for o in effects if o not in chosen]
        if others:
            with st.expander(t("adds_title").rstrip(" :") + f" ({len(others)})", key="adds:" + q.path):
                st.caption(lines(others))
    if show_errors:
        for p in problems:
            if p.field == q.path:
                st.error(wz.md_text(p.message(lang)), icon=":material/warning:")


EFFECT_PATHS = {"uses.admin", "uses.creative", "uses.public", "uses.hr", "data.personal_data"}


def question_effects(q: wz.Question, pack, profile):
    """What each option adds on its own, against the answers with every such list left empty: the lists
    chosen on this step do not change it, so it is computed once per step, not once per click."""
    if profile is None or q.path not in EFFECT_PATHS:
        return None
    lang = ss.ui_lang if ss.ui_lang in pack.info.languages else pack.info.languages[0]
    neutral = profile.model_copy(update={
        part: getattr(profile, part).model_copy(update={attr: [] for attr in attrs})
        for part, attrs in (("uses", ("admin", "creative", "public", "hr")), ("data", ("personal_data",)))})
    key = ("effects", q.path, profile_key(neutral), lang)
    return memo(key, lambda: preview.option_effects(neutral, pack, lang, q.path, q.options_for(ss.answers)))


def decisions(pack, profile) -> list:
    if profile is None:
        return []
    return memo(("decisions", profile_key(profile)), lambda: preview.decisions_to_take(profile, pack))


def render_decisions(pack, profile, step_id: str, field: str | None = None, shown=()) -> None:
    """The decisions to take that arise at this step: what conflicts, the answer to change, what the policy
    does meanwhile. Under the question to change (``field``), else at the top of the step (``shown``: the
    questions of the step, whose decisions wait for their question)."""
    lang = ss.ui_lang
    here = [d for d in decisions(pack, profile) if wz.decision_step(d) == step_id
            and (d.field == field if field else d.field not in shown)]
    for d in here:
        step_no = wz.step_index(wz.decision_step(d)) + 1
        st.warning(f"**{t('decisions_title')}** — {wz.md_text(d.text(lang))}\n\n"
                   f"{t('decisions_change', label=wz.decision_answer(d, lang), step=step_no)}\n\n"
                   f"_{wz.md_text(d.safe.get(lang))}_", icon=":material/gavel:")


def render_all_decisions(pack, profile) -> None:
    lang = ss.ui_lang
    found = decisions(pack, profile)
    if not found:
        return
    st.subheader(t("decisions_all"))
    st.caption(t("decisions_review"))
    for n, d in enumerate(found):
        step = wz.step_index(wz.decision_step(d))
        st.warning(f"{wz.md_text(d.text(lang))}\n\n_{wz.md_text(d.safe.get(lang))}_", icon=":material/gavel:")
        st.button(t("decisions_go", label=wz.decision_answer(d, lang), step=step + 1), key=f"decision_go_{n}",
                  on_click=move_to, args=(step,), icon=":material/arrow_back:")


def render_tools(q: wz.Question, problems: list[wz.Problem], show_errors: bool) -> None:
    lang = ss.ui_lang
    st.markdown(f"**{q.label_for(ss.answers, lang)}**")
    st.caption(q.help_for(ss.answers, lang))
    st.caption(t("tools_risk_explain"))
    tools = ss.answers.get("tools") or []
    declared = [u for part in ("admin", "creative", "public", "hr") for u in (ss.answers.get("uses") or {}).get(part) or []]
    badge = {"high": "red", "medium": "orange", "low": "green"}
    labels = wz.TOOL_LABELS

    def fmt(table):
        return lambda x: wz.tr(table[x], lang) if x in table else str(x)

    for n, (uid, tool) in enumerate(zip(list(ss.tool_ids), list(tools)), 1):
        risk = next(iter(wz.tool_risks({**ss.answers, "tools": [tool]})), None)
        # the collapsed card reads as one row: name, vendor, hosting, account, status, risk
        summary = [wz.md_text(tool.get("name")) if tool.get("name") else t("tools_unnamed"),
                   wz.md_text(tool.get("vendor")) if tool.get("vendor") else "",
                   fmt(v.HOSTING)(tool.get("hosting")), fmt(v.ACCOUNT)(tool.get("account")),
                   fmt(v.TOOL_STATUS)(tool.get("status"))]
        if risk is not None:
            summary.append(f":{badge[risk.level]}-badge[{t('risk_title_' + risk.level)}]")
        key = f"toolexp_{uid}"
        with st.expander(" · ".join(x for x in summary if x), expanded=ss.get(key, uid in ss.get("fresh_tools", ())),
                         key=key):
            if risk is not None:
                st.caption(f"{t('risk_title_' + risk.level).capitalize()} : {wz.risk_reasons(risk, lang)}"
                           if lang == "fr" else f"{t('risk_title_' + risk.level).capitalize()}: "
                           f"{wz.risk_reasons(risk, lang)}")
            for field, default in (("name", ""), ("vendor", ""), ("hosting", "unknown"),
                                   ("account", "free_consumer"), ("status", "under_review"), ("uses", [])):
                k = f"tool:{uid}:{field}"
                if k not in ss:
                    current = tool.get(field)
                    ss[k] = default if current is None else (list(current) if field == "uses" else current)
            c1, c2 = st.columns(2)  # row by row, so that a phone stacks them in reading order
            with c1:
                st.text_input(wz.tr(labels["name"], lang), key=f"tool:{uid}:name", on_change=on_tool,
                              args=(uid, "name"), max_chars=100)
            with c2:
                st.text_input(wz.tr(labels["vendor"], lang), key=f"tool:{uid}:vendor", on_change=on_tool,
                              args=(uid, "vendor"), max_chars=100)
            c1, c2 = st.columns(2)
            with c1:
                st.selectbox(wz.tr(labels["hosting"], lang), list(v.HOSTING), key=f"tool:{uid}:hosting",
                             format_func=fmt(v.HOSTING), on_change=on_tool, args=(uid, "hosting"),
                             filter_mode=None)
            with c2:
                st.selectbox(wz.tr(labels["status"], lang), list(v.TOOL_STATUS), key=f"tool:{uid}:status",
                             format_func=fmt(v.TOOL_STATUS), on_change=on_tool, args=(uid, "status"),
                             filter_mode=None,
                             help=" ".join(wz.tr(x, lang) for x in wz.STATUS_HELP.values()))
            st.radio(wz.tr(labels["account"], lang), list(v.ACCOUNT), key=f"tool:{uid}:account",
                     format_func=fmt(v.ACCOUNT), on_change=on_tool, args=(uid, "account"), horizontal=True,
                     captions=[wz.tr(wz.ACCOUNT_HELP[a], lang) for a in v.ACCOUNT])
            chosen = list(ss[f"tool:{uid}:uses"])
            options = list(dict.fromkeys(declared + chosen)) if declared else list(v.ALL_USES)
            st.multiselect(wz.tr(labels["uses"], lang), options, key=f"tool:{uid}:uses",
                           format_func=fmt(v.ALL_USES), on_change=on_tool, args=(uid, "uses"),
                           placeholder=t("choose"), wrap=True, select_all=False, filter_mode=None,
                           help=t("tools_uses_help"))
            if show_errors:
                for p in problems:
                    if p.field.startswith(f"tools[{n - 1}]"):
                        st.error(wz.md_text(p.message(lang)), icon=":material/warning:")
            st.button(t("tools_remove"), key=f"tool_remove_{uid}", on_click=remove_tool, args=(uid,),
                      icon=":material/delete:")
    if not tools:
        st.caption(t("tools_none"))
    add_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
    with add_col:
        st.selectbox(t("tools_add"), [*wz.COMMON_TOOLS, t("tools_other")], index=None, placeholder=t("choose"),
                     key="tool_pick", help=t("tools_add_help"), filter_mode=None)
    with button_col:
        st.button(t("tools_add_button"), on_click=add_tool, key="tool_add", width="stretch",
                  icon=":material/add:")
    if show_errors:
        for p in problems:
            if p.field == "tools":
                st.error(wz.md_text(p.message(lang)), icon=":material/warning:")


# ---------------------------------------------------------------- pages

def memo(key: tuple, build):
    cache = ss.memo
    if key not in cache:
        while len(cache) > 24:  # the oldest entries go first
            cache.pop(next(iter(cache)))
        cache[key] = build()
    return cache[key]


def profile_key(profile) -> str:
    return json.dumps(profile.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)


def render_live_preview(pack, profile, heading: bool = True) -> None:
    lang = ss.ui_lang
    if heading:
        st.subheader(t("preview_title"))
    st.caption(t("preview_caption"))
    if profile is None:
        st.info(t("preview_wait"))
        return
    trace_lang = lang if lang in pack.info.languages else pack.info.languages[0]
    key = ("trace", profile_key(profile), trace_lang)
    try:
        trace, html = memo(key, lambda: _trace(profile, pack, trace_lang))
    except BalisesError as exc:
        st.error(f"{t('generation_failed')} {wz.md_text(exc.message(lang))}")
        return
    sections = len({e.section for e in trace})
    st.caption(t("preview_counts", sections=sections, clauses=len(trace)))
    st.html(html)  # the whole outline, in the page's own scroll: no box inside the box


def _trace(profile, pack, lang):
    trace = preview.decision_trace(profile, pack, lang)
    return trace, preview.trace_html(trace, lang, pack)


def render_review(pack, profile, problems) -> None:
    lang = ss.ui_lang
    st.write(t("review_intro"))
    if profile is None:
        st.error(t("review_invalid"))
        for p in problems:
            step = wz.STEPS[wz.step_index(wz.step_of_field(p.field))]
            st.markdown(f"- **{wz.tr(step.title, lang)}** — {wz.md_text(p.message(lang))}")
        return
    for fr, en in profile.notices:
        st.info(fr if lang == "fr" else en)
    render_all_decisions(pack, profile)  # before the downloads: to be settled before adoption
    languages = list(profile.policy.languages)
    today = dt.date.today()
    org = profile.organisation.name
    st.subheader(t("downloads"))
    answers_text = wz.answers_yaml(ss.answers, lang)
    for doc_lang in languages:
        name = wz.tr(v.LANGUAGES[doc_lang], lang).lower() if lang == "fr" else wz.tr(v.LANGUAGES[doc_lang], lang)
        c1, c2 = st.columns(2)
        with c1:
            policy_name = wz.file_name("policy", org, doc_lang, today)
            st.download_button(t("download_policy", lang_name=name),
                               data=_docx_builder(profile, pack, doc_lang, "full"), help=policy_name,
                               file_name=policy_name, type="primary",
                               mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                               key=f"dl_policy_{doc_lang}", icon=":material/description:", width="stretch",
                               on_click="ignore")
        with c2:
            staff_name = wz.file_name("staff_summary", org, doc_lang, today)
            st.download_button(t("download_staff", lang_name=name),
                               data=_docx_builder(profile, pack, doc_lang, "staff_summary"), help=staff_name,
                               file_name=staff_name,
                               mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                               key=f"dl_staff_{doc_lang}", icon=":material/summarize:", width="stretch",
                               on_click="ignore")
    answers_name = wz.file_name("answers", org, lang, today)
    st.download_button(t("download_answers"), data=answers_text.encode("utf-8"), help=answers_name,
                       file_name=answers_name, mime="application/x-yaml",
                       key="dl_answers_review", icon=":material/download:", on_click="ignore")
    render_kit(pack, profile, languages, org, today)
    render_update(pack, profile)
    st.subheader(t("text_preview"))
    if len(languages) > 1:
        if ss.get("doc_lang") not in languages:
            ss.doc_lang = ss.get("doc_lang_keep") if ss.get("doc_lang_keep") in languages else languages[0]
        doc_lang = st.radio(t("doc_lang"), languages, horizontal=True, key="doc_lang",
                            format_func=lambda x: wz.tr(v.LANGUAGES[x], lang),
                            on_change=lambda: ss.update(doc_lang_keep=ss.doc_lang))
    else:
        doc_lang = languages[0]
    try:
        html = memo(("doc", profile_key(profile), doc_lang),
                    lambda: preview.to_html(compose(profile, pack, lang=doc_lang)))
    except BalisesError as exc:
        st.error(f"{t('generation_failed')} {wz.md_text(exc.message(lang))}")
        return
    with st.expander(t("text_preview_open"), icon=":material/article:"):
        st.html(html)


_KITS: dict[tuple, object] = {}
_KITS_LOCK = threading.Lock()


def kit_files(profile, pack, pdf: bool = False) -> dict[str, bytes]:
    """The kit (balises.services.kit.build_kit), built once per set of answers when a first document of it is asked for;
    with its PDFs only when that zip is asked for (LibreOffice takes a few seconds)."""
    key = (profile_key(profile), pack.label, pdf)
    with _KITS_LOCK:
        if key not in _KITS:
            while len(_KITS) >= 4:
                _KITS.pop(next(iter(_KITS)))
            _KITS[key] = build_kit(profile, pack, pdf=pdf).files
        return _KITS[key]


def render_kit(pack, profile, languages, org, today) -> None:
    """One button per file of the kit (balises.services.kit.build_kit, built once per set of answers, at the first click:
    no work in the background, which thirty members reaching the review at once would multiply), and the zip."""
    lang = ss.ui_lang
    snapshot = profile.model_copy(deep=True)
    slug = slugify(org, fallback="organisation")
    st.subheader(t("kit_title"))
    st.caption(t("kit_help"))
    mimes = {".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             ".ics": "text/calendar"}
    editions = [e for e, _, _ in KIT_DOCUMENTS if e in wz.EDITION_LABELS]
    for doc_lang in languages:
        lang_name = wz.tr(v.LANGUAGES[doc_lang], lang)
        files = []  # (label, file name in the kit, suffix)
        for edition in editions:
            label = wz.tr(wz.EDITION_LABELS[edition], lang)
            files.append((label, kit_file_name(edition, doc_lang), ".docx"))
            if edition == "tool_register":
                files.append((label, kit_file_name(edition, doc_lang, ".xlsx"), ".xlsx"))
        files.append((t("kit_ack"), ACK_NAMES[doc_lang], ".docx"))
        if doc_lang == languages[0]:
            files.append((t("kit_calendar"), CALENDAR_NAMES[doc_lang], ".ics"))
        for i, (label, name, suffix) in enumerate(files):
            if i % 2 == 0:  # one row per pair: a phone stacks them in reading order
                cols = st.columns(2)
            with cols[i % 2]:
                st.download_button(f"{label} — {lang_name} ({suffix})",
                                   data=lambda n=name: kit_files(snapshot, pack)[n], file_name=f"{slug}-{name}",
                                   mime=mimes[suffix], key=f"dl_kit_{name}", help=f"{slug}-{name}",
                                   width="stretch", on_click="ignore",
                                   icon={".xlsx": ":material/table_view:", ".ics": ":material/event:"}.get(
                                       suffix, ":material/description:"))
    zip_name = wz.file_name("kit", org, lang, today)
    st.download_button(t("kit_zip"), data=lambda: _zip(kit_files(snapshot, pack)), file_name=zip_name,
                       mime="application/zip", key="dl_kit_zip", help=zip_name, icon=":material/folder_zip:",
                       on_click="ignore", type="primary")
    if soffice():
        st.download_button(t("kit_zip_pdf"), data=lambda: _zip(kit_files(snapshot, pack, pdf=True)),
                           file_name=zip_name.replace(".zip", "-pdf.zip"), mime="application/zip",
                           key="dl_kit_zip_pdf", help=zip_name, icon=":material/picture_as_pdf:", on_click="ignore")
    else:
        st.caption(t("kit_pdf"))


def render_update(pack, profile) -> None:
    """An adopted policy brought up to date as `balises update` does: the organisation's document kept,
    Balises' changes as Word tracked changes with their reasons, the version moved on; with the answers on
    screen, the adoption record and the original file as options (--answers, --adopted-on/-by, --effective,
    --base)."""
    st.subheader(t("update_title"))
    st.caption(t("update_help"))
    uploaded = st.file_uploader(t("update_upload"), type=["docx"], key="update_upload")
    with st.expander(t("update_options")):
        use_answers = st.checkbox(t("update_answers"), key="update_use_answers")
        adopted_on = st.date_input(t("update_adopted_on"), value=None, key="update_adopted_on")
        adopted_by = st.text_input(t("update_adopted_by"), key="update_adopted_by").strip() or None
        effective = st.date_input(t("update_effective"), value=None, key="update_effective")
        base = st.file_uploader(t("update_base"), type=["docx"], key="update_base")
    if uploaded is None:
        return
    data = uploaded.getvalue()
    base_data = base.getvalue() if base is not None else None
    options = UpdateOptions(answers=profile if use_answers else None, base_docx=base_data, effective=effective,
                            adopted_on=adopted_on, adopted_by=adopted_by)
    key = ("update", hashlib.sha256(data).hexdigest(), pack.label, answers_hash(ss.answers) if use_answers else "",
           adopted_on, adopted_by, effective, hashlib.sha256(base_data).hexdigest() if base_data else "")
    try:  # in a child process with the command line's bounds, a time and a memory limit: no session waits
        with st.spinner(t("update_running")):
            result = memo(key, lambda: update_isolated(data, pack_location(), uploaded.name, options=options))
    except BalisesError as exc:
        st.error(wz.md_text(exc.message(ss.ui_lang)))
        return
    except Exception as exc:  # noqa: BLE001 - any file: a message on the page, never Streamlit's error screen
        st.error(wz.md_text(wz.unreadable(uploaded.name, exc).message(ss.ui_lang)))
        return
    st.code("\n".join(result.lines[ss.ui_lang]), language=None)
    name = uploaded.name.rsplit(".", 1)[0] + f"-v{result.version}.docx"
    st.download_button(t("update_download", version=result.version), data=result.docx, file_name=name,
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                       key="dl_update", icon=":material/published_with_changes:", on_click="ignore")
    if result.acknowledgements:  # a material change is acknowledged again
        st.download_button(t("update_ack", version=result.version), data=result.acknowledgements,
                           file_name=uploaded.name.rsplit(".", 1)[0] + f"-v{result.version}-ack.docx",
                           mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                           key="dl_update_ack", icon=":material/draw:", on_click="ignore")


def _zip(files: dict[str, bytes]) -> bytes:
    return Kit(files=dict(files)).zip_bytes()


def _docx_builder(profile, pack, lang, edition):
    snapshot = profile.model_copy(deep=True)

    def build() -> bytes:
        return api.generate(snapshot, pack, lang=lang, edition=edition).docx

    return build


def render_sidebar(pack) -> None:
    with st.sidebar:
        st.radio(t("ui_lang"), wz.UI_LANGS, index=wz.UI_LANGS.index(ss.ui_lang), horizontal=True,
                 key="ui_lang_choice", on_change=on_ui_lang, help=t("ui_lang_help"),
                 format_func=lambda x: {"fr": "Français", "en": "English"}[x])
        st.divider()
        st.markdown(f"**{t('save_title')}**")
        lang = ss.ui_lang
        name = (ss.answers.get("organisation") or {}).get("name") or ""
        answers_name = wz.file_name("answers", name, lang)
        st.download_button(t("save_answers"), data=answers_bytes(lang), file_name=answers_name,
                           mime="application/x-yaml", key="dl_answers", icon=":material/download:",
                           help=f"{t('save_help')}\n\n{answers_name}", on_click="ignore", width="stretch")
        # Streamlit's uploader texts are English only: its button and limits line are replaced (CSS) by ours
        st.file_uploader(t("upload"), type=["yaml", "yml", "json", "docx"], key=f"upload_{ss.upload_v}",
                         on_change=on_upload, max_upload_size=2)
        st.caption(t("upload_limits"))
        st.divider()
        st.caption(f"{t('pack')} : {wz.md_text(pack.label)}" if lang == "fr" else f"{t('pack')}: {wz.md_text(pack.label)}")
        st.caption(t("privacy"))


def answers_bytes(lang: str):
    """The answers file, built when the button is clicked, from the answers as they are then (the dict every
    callback edits in place). A click right after typing is held in the page until the rerun that sends the
    text is over (GUARD_JS), then goes to the button that rerun drew."""
    answers, run = ss.answers, ss.run_state

    def build() -> bytes:
        start = time.monotonic()
        while run["running"] and time.monotonic() - start < 10:  # a run under way: its edits first
            time.sleep(0.02)
        return wz.answers_yaml(answers, lang).encode("utf-8")

    return build


def render_flash() -> None:
    lang = ss.ui_lang
    if ss.flash:
        kind = ss.flash[0]
        if kind == "error":
            _, exc, name = ss.flash
            head, lines = wz.error_lines(exc, lang)
            body = t("upload_bad", name=wz.md_text(name)) + "\n\n" + wz.md_text(head)
            if lines:
                body += "\n" + "\n".join(f"- {wz.md_text(line)}" for line in lines)
            st.error(body, icon=":material/warning:")
        else:
            _, message, notices = ss.flash
            st.success(wz.md_text(wz.tr(message, lang)), icon=":material/check_circle:")
            for note in notices:
                st.info(wz.md_text(wz.tr(note, lang)))
    for note in ss.notes:
        st.info(wz.md_text(wz.tr(note, lang)))


PAGE_CSS = """<style>
/* help texts dark enough for WCAG AA (4.5:1) on white and on the sidebar's grey */
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { color: #53565e !important; opacity: 1 !important; }
/* labels, chosen values and chips wrap on narrow screens instead of being cut */
[data-testid="stWidgetLabel"], [data-testid="stWidgetLabel"] p { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; }
[data-baseweb="select"] [title], [data-baseweb="select"] span { white-space: normal !important;
  overflow-wrap: anywhere; }
[data-testid="stButton"] button p, [data-testid="stDownloadButton"] button p { white-space: normal; }
[data-testid="stMultiSelect"] [data-tag] { max-width: 100% !important; height: auto !important; }
[data-testid="stMultiSelect"] [data-tag] > span[title] { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; }
[data-testid="stExpander"] summary p { white-space: normal !important; }
@media (max-width: 639.98px) {
  /* on a phone the form comes first: less room above it */
  [data-testid="stMainBlockContainer"] { padding-top: 3.5rem !important; }
  [data-testid="stMainBlockContainer"] h1 { font-size: 1.6rem !important; padding: 0 !important; }
  [data-testid="stMainBlockContainer"] h2 { font-size: 1.5rem !important; padding-top: 0.5rem !important; }
  .st-key-masthead [data-testid="stCaptionContainer"] { display: none !important; }
}
/* the uploader's English texts: limits line hidden (ours is below), button relabelled */
[data-testid="stFileUploaderDropzoneInstructions"] { display: none !important; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"],
[data-testid="stFileUploaderDropzone"] button span:not([data-testid="stIconMaterial"]) { display: none !important; }
[data-testid="stFileUploaderDropzone"] button::after { content: "__UPLOAD__"; }
/* Streamlit's "Running..." / "Stop" are English only: the running figure alone says the page is working */
[data-testid="stStatusWidget"] { font-size: 0 !important; }
/* the live preview: beside the form on wide screens, behind a button on phones */
/* (a tablet with the sidebar open is as narrow: the form takes the whole width there too) */
@media (min-width: 1100px) { .st-key-preview_phone { display: none !important; } }
@media (max-width: 1099.98px) {
  [data-testid="stColumn"]:has(> div > .st-key-preview_side),
  [data-testid="stColumn"]:has(.st-key-preview_side) { display: none !important; }
  [data-testid="stHorizontalBlock"]:has(.st-key-preview_side) > [data-testid="stColumn"]:first-child {
    width: 100% !important; flex: 1 1 100% !important; max-width: 100% !important; }
}
</style>"""

GUARD_JS = """<script>
(() => {
  window.__balisesRuns = __RUN__;  // this script is drawn again by every run of the app
  // Leaving or reloading with answers not downloaded since their last change asks for confirmation.
  window.__balisesState = {hash: "__HASH__", base: "__BASE__"};
  if (window.__balisesGuard) return;
  window.__balisesGuard = true;
  window.__balisesSaved = null;
  window.addEventListener("beforeunload", (event) => {
    const s = window.__balisesState;
    if (s.hash !== s.base && s.hash !== window.__balisesSaved) { event.preventDefault(); event.returnValue = ""; }
  });
  // A download clicked while a text field still holds what was just typed: the click also leaves the field,
  // which sends the text (a rerun). The click waits for that rerun to be over, then goes to the button it drew,
  // so that the file holds the text just typed and is asked for by a button the server still knows.
  const typing = (el) => !!el && (el.tagName === "TEXTAREA" ||
    (el.tagName === "INPUT" && ["text", "number", "search", "email", "tel", "url"].includes(el.type)));
  let held = null;
  document.addEventListener("pointerdown", (event) => {
    const wrap = event.target.closest('[data-testid="stDownloadButton"]');
    held = wrap && typing(document.activeElement) ? {runs: window.__balisesRuns} : null;
  }, true);
  document.addEventListener("click", (event) => {
    const wrap = event.target.closest('[data-testid="stDownloadButton"]');
    if (!wrap) return;
    window.__balisesSaved = window.__balisesState.hash;
    if (!held || event.__balisesReplay) return;
    const runs = held.runs;
    held = null;
    event.preventDefault();
    event.stopImmediatePropagation();
    const key = [...(wrap.closest('[class*="st-key-"]')?.classList || [])].find((c) => c.startsWith("st-key-"));
    const app = document.querySelector('[data-testid="stApp"]');
    const start = Date.now();
    const replay = () => {
      const settled = app?.dataset.testScriptState !== "running";
      if (!(settled && (window.__balisesRuns > runs || Date.now() - start > 1500))) {
        setTimeout(replay, 30);
        return;
      }
      const button = (key ? document.querySelector("." + key) : wrap)?.querySelector("button");
      if (!button) return;
      const again = new MouseEvent("click", {bubbles: true, cancelable: true});
      again.__balisesReplay = true;
      button.dispatchEvent(again);
    };
    setTimeout(replay, 30);
  }, true);
  // Streamlit's own names for screen readers are English only: they are given in the interface's language
  // (the uploader's button, whose visible label is ours through CSS, included).
  let pending = false;
  const name = () => {
    pending = false;
    for (const b of document.querySelectorAll('[data-testid="stFileUploaderDropzone"] button')) {
      if (b.getAttribute("aria-label") !== window.__balisesUpload) b.setAttribute("aria-label", window.__balisesUpload);
    }
    const {words, prefixes} = window.__balisesAria || {words: {}, prefixes: []};
    for (const el of document.querySelectorAll("[aria-label]")) {
      const label = el.getAttribute("aria-label");
      if (words[label]) { el.setAttribute("aria-label", words[label]); continue; }
      for (const [from, to] of prefixes) {
        if (label.startsWith(from)) { el.setAttribute("aria-label", to + label.slice(from.length)); break; }
      }
    }
  };
  window.__balisesName = name;
  new MutationObserver(() => { if (!pending) { pending = true; requestAnimationFrame(name); } })
    .observe(document.body, {childList: true, subtree: true});
})();
document.documentElement.lang = "__LANG__";
window.__balisesUpload = "__UPLOAD__";
window.__balisesAria = __ARIA__;
window.__balisesName();
</script>"""


ARIA_FR = {"Open": "Ouvrir la liste", "Clear all": "Tout retirer", "Clear value": "Effacer", "Remove": "Retirer",
           "Selected values": "Choix faits", "Increment": "Augmenter", "Decrement": "Diminuer",
           "Choose date": "Choisir une date", "Clear date": "Effacer la date", "Collapse sidebar":
           "Fermer le panneau latéral", "Expand sidebar": "Ouvrir le panneau latéral", "Sidebar": "Panneau latéral",
           "Main menu": "Menu principal", "Close": "Fermer", "Add files": "Ajouter un fichier",
           "Link to heading": "Lien vers ce titre", "file upload": "Envoi de fichier", "progress": "Progression"}
ARIA_PREFIXES_FR = [["Remove ", "Retirer "], ["Help for ", "Aide : "]]


def aria_words(lang: str) -> dict:
    """Streamlit's English screen-reader names and their French; back to English when English is chosen."""
    if lang == "fr":
        return {"words": ARIA_FR, "prefixes": ARIA_PREFIXES_FR}
    return {"words": {fr: en for en, fr in ARIA_FR.items()}, "prefixes": [[fr, en] for en, fr in ARIA_PREFIXES_FR]}


def render_page_helpers() -> None:
    st.html(PAGE_CSS.replace("__UPLOAD__", t("upload_button")))
    st.html(GUARD_JS.replace("__RUN__", str(ss.run_state["count"]))
            .replace("__HASH__", answers_hash(ss.answers)).replace("__BASE__", ss.base_hash)
            .replace("__LANG__", ss.ui_lang).replace("__UPLOAD__", t("upload_button"))
            .replace("__ARIA__", json.dumps(aria_words(ss.ui_lang), ensure_ascii=False)),
            unsafe_allow_javascript=True)


def render_step_list() -> None:
    lang = ss.ui_lang
    ss.nav_steps = ss.step
    st.radio(t("steps_nav"), list(range(len(wz.STEPS))), horizontal=True, key="nav_steps",
             on_change=on_step_list,
             format_func=lambda i: f"{i + 1}. {wz.tr(wz.STEPS[i].title, lang)}")


def main() -> None:
    st.set_page_config(page_title=wz.tr(wz.TEXTS["page_title"], ss.get("ui_lang", "fr")), page_icon="🧭",
                       layout="wide", initial_sidebar_state="auto")
    ss.setdefault("ui_lang", "fr")
    try:
        pack = get_pack(pack_location())
    except BalisesError as exc:
        st.error(f"{t('pack_failed')}\n\n{wz.md_text(exc.message(ss.ui_lang))}")
        st.stop()
    init_state(pack)
    # the answers still as the pack recommends them: said under their question
    ss.from_pack = (wz.from_pack(ss.answers, pack), pack.info.publisher or pack.info.name)
    ss.setdefault("run_state", {"running": False, "count": 0})
    ss.run_state["count"] += 1
    ss.run_state["running"] = True
    try:
        page(pack)
    finally:
        ss.run_state["running"] = False


def page(pack) -> None:
    render_sidebar(pack)
    lang = ss.ui_lang
    step = wz.STEPS[ss.step]
    with st.container(key="masthead"):
        st.title(t("app_title"))
        st.caption(t("tagline"))
        if ss.step == 0:
            st.caption("🔒 " + t("privacy"))
    total = len(wz.STEPS)
    st.progress((ss.step + 1) / total, text=t("step_of", n=ss.step + 1, total=total, name=wz.tr(step.title, lang)))
    render_step_list()
    render_flash()
    if ss.pop("scroll_top", False):  # a new step starts at its top, not where the buttons were
        st.html("<script>document.querySelector('[data-testid=\"stMain\"]')?.scrollTo(0, 0);"
                "window.scrollTo(0, 0);</script>", unsafe_allow_javascript=True)

    profile, all_problems = wz.validate(ss.answers, pack)  # the CLI's own code path (contract/answers.py)
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.header(wz.tr(step.title, lang))
        if wz.tr(step.intro, lang):
            st.write(wz.tr(step.intro, lang))
        with st.container(key="preview_phone"):
            # drawn only once opened (the same panel is beside the form on wide screens): no work twice per run
            phone = st.expander(t("preview_open"), icon=":material/visibility:", key="preview_open",
                                on_change="rerun")
            if phone.open:
                with phone:
                    render_live_preview(pack, profile, heading=False)
        show_errors = step.id in ss.tried
        problems = wz.step_problems(ss.answers, step.id) if show_errors else []
        if step.id != "review":
            questions = wz.questions_for(step.id, ss.answers)
            render_decisions(pack, profile, step.id, shown={q.path for q in questions})
            if problems:
                st.error(t("fix_first") + "\n" + "\n".join(f"- {wz.md_text(p.message(lang))}" for p in problems), icon=":material/warning:")
            for q in questions:
                if q.kind == "tools":
                    render_tools(q, problems, show_errors)
                else:
                    render_question(q, problems, show_errors, question_effects(q, pack, profile))
                render_decisions(pack, profile, step.id, field=q.path)
        else:
            render_review(pack, profile, all_problems)
        st.divider()
        back, _, forward = st.columns([1, 2, 1])
        with back:
            st.button(t("back"), on_click=go, args=(-1,), key="nav_back", disabled=ss.step == 0,
                      width="stretch")
        with forward:
            if step.id != "review":
                st.button(t("next"), on_click=go, args=(1,), key="nav_next", type="primary",
                          width="stretch")
    with right:
        with st.container(key="preview_side"):
            render_live_preview(pack, profile)
    render_page_helpers()


main()
