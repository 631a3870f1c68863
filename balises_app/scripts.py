"""What the page adds to Streamlit's in the browser: its CSS, the script that guards unsaved answers, holds a
download clicked while typing, moves the focus and names Streamlit's English in the interface's language."""

from __future__ import annotations

import json

import streamlit as st

from balises_app.navigation import anchor
from balises_app.state import answers_hash, ss, t

PAGE_CSS = """<style>
/* help texts dark enough for WCAG AA (4.5:1) on white */
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { color: #53565e !important; opacity: 1 !important; }
/* labels, chosen values and chips wrap on narrow screens instead of being cut */
[data-testid="stWidgetLabel"], [data-testid="stWidgetLabel"] p { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; }
[data-baseweb="select"] [title], [data-baseweb="select"] span, [data-baseweb="select"] div { white-space: normal !important;
  overflow-wrap: anywhere; text-overflow: clip !important; }
[data-baseweb="select"] > div > div:first-child { overflow: visible !important; height: auto !important; }
[data-testid="stButton"] button p, [data-testid="stDownloadButton"] button p { white-space: normal; }
[data-testid="stMultiSelect"] [data-tag] { max-width: 100% !important; height: auto !important; }
[data-testid="stMultiSelect"] [data-tag] > span[title] { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; }
[data-testid="stExpander"] summary p { white-space: normal !important; }
[role="listbox"] [role="option"] { height: auto !important; min-height: 40px; }
[role="listbox"] [role="option"] > div { white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; padding: 0.35rem 0; }
/* targets a finger can hit (WCAG 2.2, 24 px at least): a chip's remove cross, the boxes and round buttons */
[data-testid="stMultiSelect"] [data-tag] [role="presentation"], [data-testid="stMultiSelect"] [data-tag] svg {
  min-width: 24px !important; min-height: 24px !important; }
[data-testid="stCheckbox"] label, [data-testid="stRadio"] [role="radiogroup"] > label { min-height: 24px; }
/* "Pourquoi ?": the rest of a help, one tap away */
.balises-why { margin: -0.5rem 0 0.75rem 0; font-size: 0.875rem; color: #53565e; }
.balises-why summary { cursor: pointer; min-height: 24px; display: list-item; color: #1f5fa8; }
.balises-why p { margin: 0.25rem 0 0 0; }
/* the error summary (gov.uk): red border, links to the fields */
.balises-errors { border: 4px solid #b3261e; padding: 0.75rem 1rem; margin-bottom: 1rem; border-radius: 0.25rem; }
.balises-errors:focus { outline: 3px solid #ffbf47; outline-offset: 0; }
.balises-errors h2 { font-size: 1.25rem !important; margin: 0 0 0.5rem 0 !important; padding: 0 !important; }
.balises-errors p { margin: 0 0 0.5rem 0; }
.balises-errors ul { margin: 0; padding-left: 1.2rem; }
.balises-errors li { margin: 0 0 0.35rem 0; line-height: 1.5; }
.balises-errors a { color: #b3261e; font-weight: 600; text-decoration: underline; }
/* the language chosen: its red on pale red dark enough for WCAG AA */
.st-key-ui_lang_choice button[aria-checked="true"] p { color: #a02a37 !important; }
/* "Vos réponses": one row per answer, "Modifier" at its right on every screen */
[class*="st-key-answer_row_"] { gap: 0.5rem !important; flex-wrap: nowrap !important; }
[class*="st-key-answer_row_"] > div:first-child { flex: 1 1 0 !important; min-width: 0 !important; }
[class*="st-key-answer_row_"] > div:last-child { flex: 0 0 auto !important; }
[class*="st-key-answer_row_"] [data-testid="stMarkdownContainer"] p { margin: 0; }
/* the language and save controls: one row, never cut */
.st-key-controls { flex-wrap: wrap !important; }
@media (max-width: 639.98px) {
  /* on a phone the form comes first: less room above it */
  [data-testid="stMainBlockContainer"] { padding-top: 1.5rem !important; }
  [data-testid="stMainBlockContainer"] h1 { font-size: 1.6rem !important; padding: 0 !important; }
  [data-testid="stMainBlockContainer"] h2 { font-size: 1.5rem !important; padding-top: 0.5rem !important; }
  .st-key-masthead [data-testid="stCaptionContainer"] { display: none !important; }
}
/* the uploader's English texts: limits line hidden (ours is below), its "Browse files" button relabelled */
[data-testid="stFileUploaderDropzoneInstructions"] { display: none !important; }
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"]
  { display: none !important; }
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] > div::after { content: "__UPLOAD__"; }
/* Streamlit's "Running..." / "Stop" are English only: the running figure alone says the page is working */
[data-testid="stStatusWidget"] { font-size: 0 !important; }
/* no side panel: save, resume and the language are in the page */
[data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"] { display: none !important; }
/* the live preview: beside the form on wide screens, behind a button on phones */
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
  // (a click while a run is under way, the one the opening of "Enregistrer ou reprendre" started, waits too)
  const running = () => document.querySelector('[data-testid="stApp"]')?.dataset.testScriptState === "running";
  let held = null;
  document.addEventListener("pointerdown", (event) => {
    const wrap = event.target.closest('[data-testid="stDownloadButton"]');
    held = wrap && (typing(document.activeElement) || running()) ? {runs: window.__balisesRuns} : null;
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
  // The page's own moves: a new step at its top; the error summary, or a field, in view and focused.
  const main = () => document.querySelector('[data-testid="stMain"]');
  window.__balisesTop = () => { main()?.scrollTo(0, 0); window.scrollTo(0, 0); };
  window.__balisesFocus = (selector, field) => {
    const start = Date.now();
    const go = () => {
      const box = document.querySelector(selector);
      if (!box) { if (Date.now() - start < 3000) setTimeout(go, 50); return; }
      const target = field ? (box.querySelector('input:not([disabled]), [role="combobox"], textarea, button')
        || box) : box;
      box.scrollIntoView({block: field ? "center" : "start"});
      target.focus({preventScroll: true});
    };
    requestAnimationFrame(go);
  };
  // A link of the error summary goes to its field (Streamlit's page has no ids to jump to)
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-balises-field]");
    if (!link) return;
    event.preventDefault();
    window.__balisesFocus(".st-key-" + link.dataset.balisesField, true);
  }, true);
  // On a phone, a list opened near the bottom of the screen would open above its field, over the question:
  // the field is first moved to the top of the screen, so that its list opens below it. A mouse opens the list
  // as the button goes down (after this move); a finger on lifting it, which the move cancels: the list is
  // then opened here, and the tap's click (now over another field) goes nowhere.
  let reopen = null;
  document.addEventListener("pointerdown", (event) => {
    if (window.innerWidth >= 640) return;
    const field = event.target.closest('[data-testid="stSelectbox"], [data-testid="stMultiSelect"]');
    const input = field?.querySelector('[role="combobox"]');
    if (!input || input.getAttribute("aria-expanded") === "true" || event.target.closest("[data-tag]")) return;
    if (window.innerHeight - field.getBoundingClientRect().bottom >= 320) return;  // room below already
    field.scrollIntoView({block: "start"});
    reopen = event.pointerType === "mouse" ? null : input;
  }, true);
  document.addEventListener("click", (event) => {
    if (!reopen) return;
    const input = reopen;
    reopen = null;
    event.preventDefault();
    event.stopPropagation();
    input.focus({preventScroll: true});
    setTimeout(() => input.dispatchEvent(new KeyboardEvent("keydown", {key: "ArrowDown", code: "ArrowDown",
                                                                       bubbles: true})), 60);
  }, true);
  // Streamlit's own English: the skip link, file sizes, screen-reader names; in the interface's language
  let pending = false;
  const name = () => {
    pending = false;
    const skip = document.querySelector('[data-testid="stSkipToContent"]');
    if (skip && skip.textContent !== window.__balisesSkip) skip.textContent = window.__balisesSkip;
    for (const b of document.querySelectorAll('[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"]')) {
      if (b.getAttribute("aria-label") !== window.__balisesUpload) b.setAttribute("aria-label", window.__balisesUpload);
    }
    // a chosen file's size ("64.6KB") and type error, as the interface writes them ("64,6 ko")
    const fr = document.documentElement.lang === "fr";
    const size = (text) => text.replace(/(\\d+(?:\\.\\d+)?)\\s?(B|KB|MB|GB)\\b/, (_, n, u) =>
      (fr ? n.replace(".", ",") : n) + "\\u00a0" + (fr ? {B: "o", KB: "ko", MB: "Mo", GB: "Go"}[u] : u));
    for (const chip of document.querySelectorAll('[data-testid="stFileChip"]')) {
      const label = chip.getAttribute("aria-label") || "";
      if (size(label) !== label) chip.setAttribute("aria-label", size(label));
      for (const el of chip.querySelectorAll("div, span")) {
        if (el.children.length === 0 && /^\\d+(\\.\\d+)?\\s?(B|KB|MB|GB)$/.test(el.textContent.trim())) el.textContent = size(el.textContent.trim());
        const wrong = /^Error: (.+) files are not allowed\\.$/.exec(el.textContent.trim());
        if (el.children.length === 0 && wrong && fr) el.textContent = `Erreur : les fichiers ${wrong[1]} ne sont pas acceptés.`;
      }
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
window.__balisesSkip = "__SKIP__";
window.__balisesAria = __ARIA__;
window.__balisesName();
</script>"""


ARIA_FR = {"Open": "Ouvrir la liste", "Clear all": "Tout retirer", "Clear value": "Effacer", "Remove": "Retirer",
           "Selected values": "Choix faits", "Increment": "Augmenter", "Decrement": "Diminuer",
           "Choose date": "Choisir une date", "Clear date": "Effacer la date", "Collapse sidebar":
           "Fermer le panneau latéral", "Expand sidebar": "Ouvrir le panneau latéral", "Sidebar": "Panneau latéral",
           "Main menu": "Menu principal", "Close": "Fermer", "Add files": "Ajouter un fichier",
           "Link to heading": "Lien vers ce titre", "file upload": "Envoi de fichier", "progress": "Progression",
           "Delete": "Retirer le fichier"}
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
            .replace("__SKIP__", t("skip_link"))
            .replace("__ARIA__", json.dumps(aria_words(ss.ui_lang), ensure_ascii=False)),
            unsafe_allow_javascript=True)


def render_moves() -> None:
    """A new step opens at its top, or at the field "Modifier" was for. Drawn first, at a place that never moves,
    its script runs again only when ``moves`` changes: a click inside a step never scrolls the page."""
    field, place = ss.get("focus_field"), ss.get("focus_place")
    action = (f"window.__balisesFocus?.('.st-key-{anchor(field)}', true)" if field else
              f"window.__balisesFocus?.('.st-key-{place}', true)" if place else "window.__balisesTop?.()")
    st.html(f"<script>/*{ss.moves}*/ {action};</script>", unsafe_allow_javascript=True)
