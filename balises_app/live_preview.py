"""The live preview beside the form (behind a button on phones): the sections and clauses chosen, and why."""

from __future__ import annotations

import streamlit as st

from balises import wizard as wz
from balises.errors import BalisesError
from balises.render import preview
from balises_app.state import memo, profile_key, ss, t, unanswered


def render_live_preview(pack, profile, heading: bool = True) -> None:
    lang = ss.ui_lang
    if heading:
        st.subheader(t("preview_title"))
    st.caption(t("preview_caption"))
    if profile is None:
        st.info(t("preview_wait"))
        return
    waiting = len(unanswered())
    if waiting:  # what the policy will say once the questions still open are answered is not known yet
        st.caption(":material/pending: " + t("preview_provisional", n=waiting))
    trace_lang = lang if lang in pack.info.languages else pack.info.languages[0]
    key = ("trace", profile_key(profile), trace_lang)
    try:
        trace, html_text = memo(key, lambda: _trace(profile, pack, trace_lang))
    except BalisesError as exc:
        st.error(f"{t('generation_failed')} {wz.md_text(exc.message(lang))}")
        return
    sections = len({e.section for e in trace})
    st.caption(t("preview_counts", sections=sections, clauses=len(trace)))
    st.html(html_text)  # the whole outline, in the page's own scroll: no box inside the box


def _trace(profile, pack, lang):
    trace = preview.decision_trace(profile, pack, lang)
    return trace, preview.trace_html(trace, lang, pack)
