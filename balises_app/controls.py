"""The page's controls: the interface's language, "Enregistrer ou reprendre" (save the answers, resume from a
file) and what a resume says."""

from __future__ import annotations

import time

import streamlit as st

from balises import wizard as wz
from balises.errors import BalisesError
from balises_app.navigation import move_to, to_update
from balises_app.state import answers_hash, forget_widgets, get_pack, pack_location, ss, t


def on_ui_lang() -> None:
    new = ss.get("ui_lang_choice")
    if new is None or new == ss.ui_lang:
        ss.ui_lang_choice = ss.ui_lang  # a click on the language already chosen keeps it chosen
        return
    before = wz.suggestions(ss.answers, ss.ui_lang)
    ss.ui_lang = new
    wz.follow_suggestions(ss.answers, before, ss.ui_lang)
    forget_widgets()


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
    forget_widgets()
    move_to(wz.resume_step(ss.answers))  # the first step with a problem, else the review
    ss.flash = ("success", loaded.message, loaded.notices)


def render_controls(pack) -> None:
    """The language and "Enregistrer ou reprendre", in the page itself with their labels: within reach on a
    phone, where a side panel would hide them behind an icon."""
    lang = ss.ui_lang
    with st.container(horizontal=True, key="controls", vertical_alignment="center", gap="small"):
        ss.ui_lang_choice = ss.ui_lang
        st.segmented_control(t("ui_lang"), wz.UI_LANGS, key="ui_lang_choice", on_change=on_ui_lang,
                             format_func=lambda x: {"fr": "Français", "en": "English"}[x],
                             label_visibility="collapsed")
        with st.popover(t("save_title"), icon=":material/save:", key="save_resume"):
            name = (ss.answers.get("organisation") or {}).get("name") or ""
            answers_name = wz.file_name("answers", name, lang)
            st.download_button(t("save_answers"), data=answers_bytes(lang), file_name=answers_name,
                               mime="application/x-yaml", key="dl_answers", icon=":material/download:",
                               help=f"{t('save_help')}\n\n{answers_name}", on_click="ignore", width="stretch")
            st.caption(t("save_help"))
            # Streamlit's uploader texts are English only: its button and limits line are replaced (CSS) by ours
            st.file_uploader(t("upload"), type=["yaml", "yml", "json", "docx"], key=f"upload_{ss.upload_v}",
                             on_change=on_upload, max_upload_size=2)
            st.caption(t("upload_limits"))
            st.button(t("update_title") + " →", key="to_update", on_click=to_update, type="tertiary",
                      icon=":material/published_with_changes:")
            st.caption(f"{t('pack')} : {wz.md_text(pack.label)}" if lang == "fr" else
                       f"{t('pack')}: {wz.md_text(pack.label)}")


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
            st.success(wz.md_text(message.get(lang)), icon=":material/check_circle:")
            for note in notices:
                st.info(wz.md_text(note.get(lang)))
    for note in ss.notes:
        st.info(wz.md_text(wz.tr(note, lang)))
