"""The decisions to take: under the question to change, at the top of its step, and all of them on the
review."""

from __future__ import annotations

import streamlit as st

from balises import wizard as wz
from balises.render import preview
from balises_app.navigation import edit
from balises_app.state import memo, profile_key, ss, t, unanswered


def decisions(pack, profile) -> list:
    """The decisions to take, once every question they name is answered: a decision is never blamed on a
    default the user has not seen."""
    if profile is None:
        return []
    waiting = {p.place.field for p in unanswered()}
    found = memo(("decisions", profile_key(profile)), lambda: preview.decisions_to_take(profile, pack))
    return [d for d in found if d.field not in waiting]


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
                   f"_{wz.md_text(d.meanwhile(lang))}_", icon=":material/gavel:")


def render_all_decisions(pack, profile) -> None:
    lang = ss.ui_lang
    found = decisions(pack, profile)
    if not found:
        return
    st.subheader(t("decisions_all"))
    st.caption(t("decisions_review"))
    for n, d in enumerate(found):
        st.warning(f"{wz.md_text(d.text(lang))}\n\n_{wz.md_text(d.meanwhile(lang))}_", icon=":material/gavel:")
        step = wz.step_index(wz.decision_step(d))
        st.button(t("decisions_go", label=wz.decision_answer(d, lang), step=step + 1), key=f"decision_go_{n}",
                  on_click=edit, args=(d.field,), icon=":material/arrow_back:")
