"""Balises — the wizard. ``streamlit run app.py`` (optionally ``-- --pack DIR`` or env BALISES_PACK).

A thin Streamlit shell: steps, questions, validation, file names and previews live in balises/wizard/ and
balises/render/preview.py (no Streamlit there). Answers stay in the browser session: nothing is written to disk.
This script draws the page; its parts are the modules of balises_app/ (the shell too, the only other Streamlit
importers): the session (state), the steps' questions, the tools' cards, the decisions to take, the live preview,
the review with its downloads and the update path, the controls (language, save and resume), the navigation
and the browser scripts.
"""

from __future__ import annotations

import streamlit as st

from balises import wizard as wz
from balises.errors import BalisesError
from balises_app.controls import render_controls, render_flash
from balises_app.decisions import render_decisions
from balises_app.live_preview import render_live_preview
from balises_app.navigation import go, render_error_summary, render_step_list
from balises_app.questions import question_effects, render_question
from balises_app.review import render_review
from balises_app.scripts import render_moves, render_page_helpers
from balises_app.state import get_pack, init_state, pack_location, problems_of, ss, t
from balises_app.tools import render_tools


def main() -> None:
    if "ui_lang" not in ss:  # the browser's language: French for fr-*, English otherwise
        ss.ui_lang = wz.initial_language(st.context.locale)
    st.set_page_config(page_title=t("page_title"), page_icon="🧭", layout="wide",
                       initial_sidebar_state="collapsed")
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
    ss.run_cache = {}
    try:
        page(pack)
    finally:
        ss.run_state["running"] = False


def page(pack) -> None:
    render_moves()
    lang = ss.ui_lang
    step = wz.STEPS[ss.step]
    with st.container(key="masthead"):
        st.title(t("app_title"))
        render_controls(pack)
        st.caption(t("tagline"))
        if ss.step == 0:
            st.caption("🔒 " + t("privacy"))
    total = len(wz.STEPS)
    st.progress((ss.step + 1) / total, text=t("step_of", n=ss.step + 1, total=total, name=wz.tr(step.title, lang)))
    render_step_list()
    render_flash()

    profile, refused = wz.validate(ss.answers, pack)  # the CLI's own code path (contract/answers.py)
    ss.run_cache["refused"] = refused
    left, right = st.columns([3, 2], gap="large")
    show_errors = step.id in ss.tried
    problems = problems_of(step.id) if show_errors else []
    with left:
        st.header(wz.tr(step.title, lang))
        if problems and step.id != "review":  # gov.uk: the error summary first, under the title
            focus = ss.pop("focus_errors", False)
            if focus:
                ss.refusals = ss.get("refusals", 0) + 1
            render_error_summary(problems, focus)
        if wz.tr(step.intro, lang):
            st.write(wz.tr(step.intro, lang))
        with st.container(key="preview_phone"):
            # drawn only once opened (the same panel is beside the form on wide screens): no work twice per run
            phone = st.expander(t("preview_open"), icon=":material/visibility:", key="preview_open",
                                on_change="rerun")
            if phone.open:
                with phone:
                    render_live_preview(pack, profile, heading=False)
        if step.id != "review":
            questions = wz.questions_for(step.id, ss.answers)
            render_decisions(pack, profile, step.id, shown={q.path for q in questions})
            optional = [q for q in questions if q.optional and not q.starts_unanswered]
            for q in [q for q in questions if q not in optional]:
                render_one(q, pack, profile, problems, show_errors)
            if optional:  # the refinements nobody has to give, out of the way
                with st.expander(t("optional_more") + f" ({len(optional)})", key=f"optional:{step.id}",
                                 expanded=any(p.place.field in {q.path for q in optional} for p in problems)):
                    for q in optional:
                        render_one(q, pack, profile, problems, show_errors)
        else:
            render_review(pack, profile)
        st.divider()
        back, _, forward = st.columns([1, 2, 1])
        with back:
            st.button(t("back"), on_click=go, args=(-1,), key="nav_back", disabled=ss.step == 0,
                      width="stretch")
        with forward:
            if step.id != "review":
                st.button(t("back_to_review") if ss.return_to_review else t("next"), on_click=go, args=(1,),
                          key="nav_next", type="primary", width="stretch")
    with right:
        with st.container(key="preview_side"):
            render_live_preview(pack, profile)
    render_page_helpers()


def render_one(q: wz.Question, pack, profile, problems, show_errors) -> None:
    if q.kind == "tools":
        render_tools(q, problems, show_errors)
    else:
        render_question(q, problems, show_errors, question_effects(q, pack, profile))
    render_decisions(pack, profile, wz.STEPS[ss.step].id, field=q.path)


# A child process (the update's, balises.services.isolated) imports the main module again as __mp_main__: the
# page is drawn only where Streamlit runs this script (as __main__)
if __name__ == "__main__":
    main()
