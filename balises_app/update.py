"""Updating an adopted policy: a path of its own, at the review."""

from __future__ import annotations

import hashlib

import streamlit as st

from balises import wizard as wz
from balises.errors import BalisesError
from balises.services.isolated import UpdateOptions, update_isolated
from balises_app.downloads import DOCX
from balises_app.state import memo, pack_location, profile_key, ss, t


def render_update(pack, profile) -> None:
    """Updating an adopted policy, a path of its own: the adopted .docx, which answers to use (those saved in
    it, or those on screen: the user chooses), the adoption record and the original file as options
    (--adopted-on/-by, --effective, --base), then what changes in plain words and the new version with
    Balises' changes as Word tracked changes (the organisation's edits kept). The clause ids are for the
    adviser, in a note of their own. The update runs in a child process with the command line's bounds, a
    time and a memory limit (balises.services.isolated): no session waits on it."""
    lang = ss.ui_lang
    with st.container(key="update_path", border=True):
        st.subheader(t("update_title"))
        st.caption(t("update_help"))
        uploaded = st.file_uploader(t("update_upload"), type=["docx"], key="update_upload")
        if uploaded is None:
            return
        words = {x: t("update_" + x) for x in ("file", "screen")}  # the format is called outside a run too
        which = st.radio(t("update_which"), list(words), index=None, key="update_which", format_func=words.get,
                         captions=[t("update_file_help"), t("update_screen_help")])
        with st.expander(t("update_options")):
            adopted_on = st.date_input(t("update_adopted_on"), value=None, key="update_adopted_on")
            adopted_by = st.text_input(t("update_adopted_by"), key="update_adopted_by").strip() or None
            effective = st.date_input(t("update_effective"), value=None, key="update_effective")
            base = st.file_uploader(t("update_base"), type=["docx"], key="update_base")
        if which is None:
            return
        if which == "screen" and profile is None:
            st.info(t("update_screen_wait"))
            return
        data = uploaded.getvalue()
        base_data = base.getvalue() if base is not None else None
        use = profile if which == "screen" else None
        options = UpdateOptions(answers=use, base_docx=base_data, effective=effective, adopted_on=adopted_on,
                                adopted_by=adopted_by)
        key = ("update", hashlib.sha256(data).hexdigest(), pack.label, which, profile_key(use) if use else "",
               adopted_on, adopted_by, effective, hashlib.sha256(base_data).hexdigest() if base_data else "")
        try:
            with st.spinner(t("update_running")):
                result = memo(key, lambda: update_isolated(data, pack_location(), uploaded.name, options=options))
        except BalisesError as exc:
            st.error(wz.md_text(exc.message(lang)))
            return
        except Exception as exc:  # noqa: BLE001 - any file: a message on the page, never Streamlit's error screen
            st.error(wz.md_text(wz.unreadable(uploaded.name, exc).message(lang)))
            return
        st.markdown("\n".join(f"- {wz.md_text(line)}" for line in wz.update_summary(result.overview, lang)))
        stem = uploaded.name.rsplit(".", 1)[0]
        st.download_button(t("update_download", version=result.version), data=result.docx,
                           file_name=f"{stem}-v{result.version}.docx", mime=DOCX, key="dl_update",
                           icon=":material/published_with_changes:", on_click="ignore")
        if result.acknowledgements:  # a material change is acknowledged again
            st.download_button(t("update_ack", version=result.version), data=result.acknowledgements,
                               file_name=f"{stem}-v{result.version}-ack.docx", mime=DOCX, key="dl_update_ack",
                               icon=":material/draw:", on_click="ignore")
        st.download_button(t("update_note"), data="\n".join(result.lines[lang]).encode("utf-8"),
                           file_name=f"{stem}-v{result.version}-note.txt", mime="text/plain", key="dl_update_note",
                           icon=":material/notes:", on_click="ignore")
