"""Balises — the wizard. ``streamlit run app.py`` (optionally ``-- --pack DIR`` or env BALISES_PACK).

A thin Streamlit shell: steps, questions, validation, file names and previews live in balises/wizard.py and
balises/preview.py (no Streamlit there). Answers stay in the browser session: nothing is written to disk.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import os
import sys

import streamlit as st

from balises import api, preview
from balises import wizard as wz
from balises.compose import compose
from balises.errors import BalisesError
from balises.pack import load_pack
from balises.profile import EFFECTIVE_DATES

ss = st.session_state


def pack_location() -> str | None:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--pack")
    args, _ = parser.parse_known_args(sys.argv[1:])
    return args.pack or os.environ.get("BALISES_PACK") or None


@st.cache_resource(show_spinner=False)
def get_pack(location: str | None):
    return load_pack(location)


def t(key: str, **kwargs) -> str:
    return wz.text(key, ss.ui_lang, **kwargs)


def init_state() -> None:
    ss.setdefault("ui_lang", "fr")
    ss.setdefault("answers", wz.default_answers())
    ss.setdefault("step", 0)
    ss.setdefault("tried", set())
    ss.setdefault("tools_v", 0)
    ss.setdefault("tools_base", [])
    ss.setdefault("upload_v", 0)
    ss.setdefault("flash", None)
    ss.setdefault("notes", [])
    ss.setdefault("memo", {})


def reset_widgets() -> None:
    """Forget widget values so that they are shown again from the answers (after a resume or a switch)."""
    for key in [k for k in ss.keys() if isinstance(k, str) and k.startswith("q:")]:
        del ss[key]
    ss.pop("doc_lang", None)
    ss.tools_base = wz.tool_rows(ss.answers.get("tools") or [])
    ss.tools_v += 1


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
    if step.id != "review" and wz.step_problems(ss.answers, step.id):
        ss.tried.add(step.id)
        return
    ss.step = max(0, min(len(wz.STEPS) - 1, ss.step + delta))
    ss.flash = None
    ss.notes = []
    ss.scroll_top = True


def on_upload() -> None:
    key = f"upload_{ss.upload_v}"
    uploaded = ss.get(key)
    ss.upload_v += 1  # a fresh uploader: the same file can be given again
    if uploaded is None:
        return
    try:
        loaded = wz.load_answers_file(uploaded.name, uploaded.getvalue())
    except BalisesError as exc:
        ss.flash = ("error", exc, uploaded.name)
        return
    ss.answers = loaded.answers
    wz.fit_answers(ss.answers)
    ss.tried = set()
    reset_widgets()
    ss.flash = ("success", loaded.message, loaded.notices)


def add_common_tool() -> None:
    name = ss.get("quick_tool")
    if not name:
        return
    tools = wz.tools_from_rows(ss.answers.get("tools") or [])
    tools.append(wz.common_tool_row(name))
    ss.answers["tools"] = tools
    ss.tools_base = wz.tool_rows(tools)
    ss.tools_v += 1


# ---------------------------------------------------------------- widgets

def render_question(q: wz.Question, problems: list[wz.Problem], show_errors: bool) -> None:
    lang, answers = ss.ui_lang, ss.answers
    key = "q:" + q.path
    value = wz.get(answers, q.path)
    label = q.label_for(answers, lang)
    common = {"key": key, "on_change": on_answer, "args": (q.path,)}
    if q.kind == "select":
        options = q.options_for(answers)
        if key not in ss or ss[key] not in options:
            ss[key] = value if value in options else None
        st.selectbox(label, options, format_func=lambda x: q.option_label(x, lang),
                     placeholder=t("choose"), **common)
    elif q.kind == "multiselect":
        options = q.options_for(answers)
        if key not in ss:
            ss[key] = [x for x in (value or []) if x in options]
        st.multiselect(label, options, format_func=lambda x: q.option_label(x, lang),
                       placeholder=t("choose"), **common)
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
    if show_errors:
        for p in problems:
            if p.field == q.path:
                st.error(wz.md_text(p.message(lang)), icon=":material/warning:")


def render_tools(q: wz.Question, problems: list[wz.Problem], show_errors: bool) -> None:
    lang = ss.ui_lang
    st.markdown(f"**{q.label_for(ss.answers, lang)}**")
    st.caption(q.help_for(ss.answers, lang))
    add_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
    with add_col:
        st.selectbox(t("tools_add"), list(wz.COMMON_TOOLS), index=None, placeholder=t("choose"),
                     key="quick_tool", help=t("tools_add_help"))
    with button_col:
        st.button(t("tools_add_button"), on_click=add_common_tool, key="quick_tool_add",
                  width="stretch")

    def labels(table):
        return lambda x: wz.tr(table[x], lang) if x in table else (x or "")

    col = st.column_config
    config = {
        "name": col.TextColumn(wz.tr(wz._TOOL_LABELS["name"], lang), required=True, max_chars=100),
        "vendor": col.TextColumn(wz.tr(wz._TOOL_LABELS["vendor"], lang), max_chars=100),
        "hosting": col.SelectboxColumn(wz.tr(wz._TOOL_LABELS["hosting"], lang), options=list(wz.v.HOSTING),
                                       format_func=labels(wz.v.HOSTING), default="unknown", required=True),
        "account": col.SelectboxColumn(wz.tr(wz._TOOL_LABELS["account"], lang), options=list(wz.v.ACCOUNT),
                                       format_func=labels(wz.v.ACCOUNT), default="free_consumer", required=True),
        "status": col.SelectboxColumn(wz.tr(wz._TOOL_LABELS["status"], lang), options=list(wz.v.TOOL_STATUS),
                                      format_func=labels(wz.v.TOOL_STATUS), default="under_review",
                                      required=True),
        "uses": col.MultiselectColumn(wz.tr(wz._TOOL_LABELS["uses"], lang), options=list(wz.v.ALL_USES),
                                      format_func=labels(wz.v.ALL_USES), width="medium"),
    }
    edited = st.data_editor(ss.tools_base or [], key=f"tools_editor_{ss.tools_v}", num_rows="dynamic",
                            column_config=config, column_order=list(wz.TOOL_COLUMNS), hide_index=True,
                            width="stretch")
    ss.answers["tools"] = wz.tools_from_rows(edited)
    st.caption(t("tools_table_help"))
    if show_errors:
        for p in problems:
            if p.field.startswith("tools"):
                st.error(wz.md_text(p.message(lang)), icon=":material/warning:")
    risks = wz.tool_risks(ss.answers)
    st.markdown(f"**{t('tools_risk_title')}**")
    st.caption(t("tools_risk_explain"))
    if not risks:
        st.caption(t("tools_none"))
    else:
        badge = {"high": "red", "medium": "orange", "low": "green"}
        rows = [f"| {t('risk_tool')} | {t('risk_level')} | {t('risk_reasons')} |", "|---|---|---|"]
        for r in risks:
            name = wz.md_text(r.name)
            rows.append(f"| {name} | :{badge[r.level]}-badge[{t('risk_' + r.level)}] | {wz.risk_reasons(r, lang)} |")
        st.markdown("\n".join(rows))


# ---------------------------------------------------------------- pages

def memo(key: tuple, build):
    cache = ss.memo
    if key not in cache:
        if len(cache) > 16:
            cache.clear()
        cache[key] = build()
    return cache[key]


def profile_key(profile) -> str:
    return json.dumps(profile.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)


def render_live_preview(pack, profile) -> None:
    lang = ss.ui_lang
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
    with st.container(height=620, border=False):
        st.html(html)


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
    languages = list(profile.policy.languages)
    today = dt.date.today()
    org = profile.organisation.name
    st.subheader(t("downloads"))
    answers_text = wz.answers_yaml(ss.answers, lang)
    for doc_lang in languages:
        name = wz.tr(wz.v.LANGUAGES[doc_lang], lang).lower() if lang == "fr" else wz.tr(wz.v.LANGUAGES[doc_lang], lang)
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
    st.subheader(t("text_preview"))
    if len(languages) > 1:
        if ss.get("doc_lang") not in languages:
            ss.doc_lang = ss.get("doc_lang_keep") if ss.get("doc_lang_keep") in languages else languages[0]
        doc_lang = st.radio(t("doc_lang"), languages, horizontal=True, key="doc_lang",
                            format_func=lambda x: wz.tr(wz.v.LANGUAGES[x], lang),
                            on_change=lambda: ss.update(doc_lang_keep=ss.doc_lang))
    else:
        doc_lang = languages[0]
    try:
        html = memo(("doc", profile_key(profile), doc_lang),
                    lambda: preview.to_html(compose(profile, pack, lang=doc_lang)))
    except BalisesError as exc:
        st.error(f"{t('generation_failed')} {wz.md_text(exc.message(lang))}")
        return
    with st.container(height=700, border=True):
        st.html(html)


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
        snapshot = copy.deepcopy(ss.answers)
        lang = ss.ui_lang
        name = (snapshot.get("organisation") or {}).get("name") or ""
        answers_name = wz.file_name("answers", name, lang)
        st.download_button(t("save_answers"), data=lambda: wz.answers_yaml(snapshot, lang).encode("utf-8"),
                           file_name=answers_name, mime="application/x-yaml", key="dl_answers",
                           icon=":material/download:", help=f"{t('save_help')}\n\n{answers_name}", on_click="ignore",
                           width="stretch")
        st.file_uploader(t("upload"), type=["yaml", "yml", "json", "docx"], key=f"upload_{ss.upload_v}",
                         on_change=on_upload, max_upload_size=2)
        st.divider()
        st.caption(f"{t('pack')} : {wz.md_text(pack.label)}" if lang == "fr" else f"{t('pack')}: {wz.md_text(pack.label)}")
        st.caption(t("privacy"))


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


def main() -> None:
    st.set_page_config(page_title=wz.tr(wz.TEXTS["page_title"], ss.get("ui_lang", "fr")), page_icon="🧭",
                       layout="wide", initial_sidebar_state="expanded")
    init_state()
    try:
        pack = get_pack(pack_location())
    except BalisesError as exc:
        st.error(f"{t('pack_failed')}\n\n{wz.md_text(exc.message(ss.ui_lang))}")
        st.stop()
    render_sidebar(pack)
    lang = ss.ui_lang
    step = wz.STEPS[ss.step]
    st.title(t("app_title"))
    st.caption(t("tagline"))
    if ss.step == 0:
        st.caption("🔒 " + t("privacy"))
    total = len(wz.STEPS)
    st.progress((ss.step + 1) / total, text=t("step_of", n=ss.step + 1, total=total, name=wz.tr(step.title, lang)))
    st.markdown(" › ".join((f"**{i + 1}. {wz.tr(s.title, lang)}**" if i == ss.step else
                            f"{'✓' if i < ss.step else str(i + 1) + '.'} {wz.tr(s.title, lang)}")
                           for i, s in enumerate(wz.STEPS)))
    render_flash()
    if ss.pop("scroll_top", False):  # a new step starts at its top, not where the buttons were
        st.html("<script>document.querySelector('[data-testid=\"stMain\"]')?.scrollTo(0, 0);"
                "window.scrollTo(0, 0);</script>", unsafe_allow_javascript=True)

    left, right = st.columns([3, 2], gap="large")
    with left:
        st.header(wz.tr(step.title, lang))
        if wz.tr(step.intro, lang):
            st.write(wz.tr(step.intro, lang))
        show_errors = step.id in ss.tried
        problems = wz.step_problems(ss.answers, step.id) if show_errors else []
        if step.id != "review":
            if problems:
                st.error(t("fix_first") + "\n" + "\n".join(f"- {wz.md_text(p.message(lang))}" for p in problems), icon=":material/warning:")
            for q in wz.questions_for(step.id, ss.answers):
                if q.kind == "tools":
                    render_tools(q, problems, show_errors)
                else:
                    render_question(q, problems, show_errors)
    profile, all_problems = wz.validate(ss.answers)
    with left:
        if step.id == "review":
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
        render_live_preview(pack, profile)


main()
