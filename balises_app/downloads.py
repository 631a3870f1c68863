"""The downloads of the review: the whole kit, and its documents one by one."""

from __future__ import annotations

import datetime as dt
import threading

import streamlit as st

from balises import wizard as wz
from balises.contract import vocabulary as v
from balises.services import generate as api
from balises.services.kit import ACK_NAMES, CALENDAR_NAMES, Kit, build_kit, soffice
from balises.services.kit import DOCUMENTS as KIT_DOCUMENTS
from balises.services.kit import file_name as kit_file_name
from balises.slug import slugify
from balises_app.state import profile_json, ss, t

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def render_downloads(pack, profile) -> None:
    """One primary download, the whole kit; the documents one by one behind a disclosure."""
    lang = ss.ui_lang
    languages = list(profile.policy.languages)
    today = dt.date.today()
    org = profile.organisation.name
    snapshot = profile.model_copy(deep=True)
    kit_files = KitFiles()
    st.subheader(t("downloads"))
    names = [wz.tr(v.LANGUAGES[x], lang).lower() if lang == "fr" else wz.tr(v.LANGUAGES[x], lang)
             for x in languages]
    zip_name = wz.file_name("kit", org, lang, today)
    st.download_button(t("download_kit"), data=lambda: _zip(kit_files(snapshot, pack)), file_name=zip_name,
                       mime="application/zip", key="dl_kit_zip", help=zip_name, icon=":material/folder_zip:",
                       on_click="ignore", type="primary", width="stretch")
    st.caption(t("kit_contents", langs=(" et " if lang == "fr" else " and ").join(names)))
    with st.expander(t("one_by_one"), icon=":material/description:", key="one_by_one"):
        for doc_lang, name in zip(languages, names):
            # the policy and the staff summary, side by side (a phone stacks them in reading order)
            for column, (kind, edition, icon) in zip(st.columns(2), (("policy", "full", "description"),
                                                                    ("staff", "staff_summary", "summarize"))):
                file = wz.file_name("policy" if kind == "policy" else "staff_summary", org, doc_lang, today)
                with column:
                    st.download_button(t(f"download_{kind}", lang_name=name), help=file, file_name=file,
                                       data=_docx_builder(profile, pack, doc_lang, edition), mime=DOCX,
                                       key=f"dl_{kind}_{doc_lang}", icon=f":material/{icon}:", width="stretch",
                                       on_click="ignore")
        render_kit(pack, snapshot, languages, org, kit_files)
        answers_name = wz.file_name("answers", org, lang, today)
        st.download_button(t("download_answers"), data=wz.answers_yaml(ss.answers, lang).encode("utf-8"),
                           help=answers_name, file_name=answers_name, mime="application/x-yaml",
                           key="dl_answers_review", icon=":material/download:", on_click="ignore")
        if soffice():
            st.download_button(t("kit_zip_pdf"), data=lambda: _zip(kit_files(snapshot, pack, pdf=True)),
                               file_name=zip_name.replace(".zip", "-pdf.zip"), mime="application/zip",
                               key="dl_kit_zip_pdf", help=zip_name, icon=":material/picture_as_pdf:",
                               on_click="ignore")
        else:
            st.caption(t("kit_pdf"))


class KitFiles:
    """The kit (balises.services.kit.build_kit), built once per set of answers when a first document of it is asked for;
    with its PDFs only when that zip is asked for (LibreOffice takes a few seconds). One per run of the review, for
    its buttons: a run's kits are not kept for the next run (nor for another session)."""

    def __init__(self) -> None:
        self.kits: dict[tuple, dict[str, bytes]] = {}
        self.lock = threading.Lock()

    def __call__(self, profile, pack, pdf: bool = False) -> dict[str, bytes]:
        key = (profile_json(profile), pack.label, pdf)
        with self.lock:
            if key not in self.kits:
                while len(self.kits) >= 4:
                    self.kits.pop(next(iter(self.kits)))
                self.kits[key] = build_kit(profile, pack, pdf=pdf).files
            return self.kits[key]


def render_kit(pack, snapshot, languages, org, kit_files: KitFiles) -> None:
    """One button per file of the kit (balises.services.kit.build_kit, built once per set of answers, at the first click:
    no work in the background, which thirty members reaching the review at once would multiply)."""
    lang = ss.ui_lang
    slug = slugify(org, fallback="organisation")
    st.markdown(f"**{t('kit_title')}**")
    st.caption(t("kit_help"))
    mimes = {".docx": DOCX, ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
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


def _zip(files: dict[str, bytes]) -> bytes:
    return Kit(files=dict(files)).zip_bytes()


def _docx_builder(profile, pack, lang, edition):
    snapshot = profile.model_copy(deep=True)

    def build() -> bytes:
        return api.generate(snapshot, pack, lang=lang, edition=edition).docx

    return build
