"""The review step: what is still to answer, the decisions to take, the answers step by step, the downloads,
the policy's text and the update path."""

from __future__ import annotations

import html

import streamlit as st

from balises import wizard as wz
from balises.contract import vocabulary as v
from balises.engine.compose import compose
from balises.errors import BalisesError
from balises.render import preview
from balises_app.decisions import render_all_decisions
from balises_app.downloads import render_downloads
from balises_app.navigation import edit
from balises_app.state import memo, problems_of, profile_key, ss, t
from balises_app.update import render_update


def render_review(pack, profile) -> None:
    """gov.uk's "check your answers": what is still to answer first, the decisions to take, the answers step by
    step (each with "Modifier", which comes back here), then one download: the kit. Updating an adopted policy
    is a path of its own, below."""
    lang = ss.ui_lang
    st.write(t("review_intro"))
    waiting = problems_of("review")
    if waiting:
        with st.container(key="review_todo", border=True):
            st.markdown(f"**{t('review_todo')}**")
            for n, p in enumerate(waiting):
                c1, c2 = st.columns([4, 1], vertical_alignment="center")
                step = wz.STEPS[wz.step_index(wz.step_of_field(p.place.field))]
                with c1:
                    st.markdown(f":red[{wz.md_text(wz.problem_text(p, lang))}] — "
                                f"{wz.md_text(wz.tr(step.title, lang))}")
                with c2:
                    st.button(t("answer_it"), key=f"todo_{n}", on_click=edit, args=(p.place.field,),
                              type="tertiary", icon=":material/edit:")
    elif profile is not None:
        for notice in profile.notices:
            st.info(notice.get(lang))
        render_all_decisions(pack, profile)  # first: to be settled before adoption
    render_answers()
    if not waiting and profile is not None:
        render_downloads(pack, profile)
        render_text_preview(pack, profile)
    render_update(pack, None if waiting else profile)


def render_answers() -> None:
    lang = ss.ui_lang
    st.subheader(t("answers_title"))
    st.caption(t("answers_help"))
    recommended, publisher = ss.get("from_pack") or ((), "")
    for i, step in enumerate(wz.STEPS[:-1]):
        with st.container(key=f"answers_{step.id}", border=True):
            st.markdown(f"**{i + 1}. {wz.md_text(wz.tr(step.title, lang))}**")
            for n, row in enumerate(wz.review_rows(ss.answers, step.id, lang)):
                answer = f":red[{wz.md_text(row.answer)}]" if row.waiting else wz.md_text(row.answer)
                if row.path in recommended:  # the pack's answer, said as such here too
                    answer += f" — _{t('from_pack_short', publisher=wz.md_text(publisher))}_"
                # a row that stays a row on a phone: the answer, and "Modifier" at its right
                with st.container(horizontal=True, vertical_alignment="center", key=f"answer_row_{step.id}_{n}"):
                    st.markdown(f"<small>{html.escape(row.label)}</small><br>{answer}", unsafe_allow_html=True,
                                width="stretch")
                    st.button(t("edit"), key=f"edit_{step.id}_{n}", on_click=edit, args=(row.path,),
                              type="tertiary")


def render_text_preview(pack, profile) -> None:
    lang = ss.ui_lang
    languages = list(profile.policy.languages)
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
        html_text = memo(("doc", profile_key(profile), doc_lang),
                         lambda: preview.to_html(compose(profile, pack, lang=doc_lang)))
    except BalisesError as exc:
        st.error(f"{t('generation_failed')} {wz.md_text(exc.message(lang))}")
        return
    with st.expander(t("text_preview_open"), icon=":material/article:"):
        st.html(html_text)
