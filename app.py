"""Balises — the wizard. ``streamlit run app.py`` (optionally ``-- --pack DIR`` or env BALISES_PACK).

A thin Streamlit shell: steps, questions, validation, file names and previews live in balises/wizard.py and
balises/render/preview.py (no Streamlit there). Answers stay in the browser session: nothing is written to disk.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html
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
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def pack_location() -> str | None:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--pack")
    args, _ = parser.parse_known_args(sys.argv[1:])
    return args.pack or os.environ.get("BALISES_PACK") or None


def get_pack(location: str | None):
    """The pack, shared by every session: ``load_pack`` keeps it per location and file time (so an edited pack is
    read again, which a Streamlit resource cache would hide), and its engine is shared as ``pack.engine``.
    A session looks at the pack's files (some 240: 6 ms) when it opens and at each change of step, not at every
    click (this script's globals do not outlive a run: the session keeps it)."""
    seen = ss.get("pack_seen")
    if seen is None or seen[0] != (location, ss.get("moves")):
        seen = ss.pack_seen = ((location, ss.get("moves")), load_pack(location))
    return seen[1]


def t(key: str, **kwargs) -> str:
    return wz.text(key, ss.ui_lang, **kwargs)


def init_state(pack) -> None:
    if "answers" not in ss:
        # the pack's recommended answers over the contract's defaults; the rest asked
        ss.answers = wz.default_answers(pack=pack, ui_lang=ss.ui_lang)
        ss.base_hash = answers_hash(ss.answers)
    ss.setdefault("step", 0)
    ss.setdefault("tried", set())
    ss.setdefault("tool_ids", [])
    ss.setdefault("upload_v", 0)
    ss.setdefault("flash", None)
    ss.setdefault("notes", [])
    ss.setdefault("memo", {})
    ss.setdefault("moves", 0)  # step changes: each makes the page open at its top
    ss.setdefault("return_to_review", False)
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


def forget_widgets(paths=()) -> None:
    """Forget widget values so that they are shown again from the answers: of ``paths``, or all of them (after
    a resume or a switch of language)."""
    prefixes = tuple("q:" + p for p in paths) if paths else ("q:", "tool:")
    for key in [k for k in ss.keys() if isinstance(k, str) and k.startswith(prefixes)]:
        del ss[key]
    if not paths:
        ss.pop("doc_lang", None)
        ss.pop("tool_pick", None)
        ss.tool_ids = []
        sync_tool_ids()


# ---------------------------------------------------------------- callbacks

def after_change(before: dict) -> None:
    """An answer changed: what the wizard suggested (the policy's languages, the roles it names) follows, and
    answers a rule no longer allows are reset (said where the user had chosen them)."""
    changed, notes = wz.settle(ss.answers, before, ss.ui_lang)
    ss.notes.extend(notes)
    if changed:
        forget_widgets(changed)


def on_answer(path: str) -> None:
    question = wz.QUESTION_BY_PATH[path]
    value = ss.get("q:" + path)
    if question.kind == "text" and value is None:
        value = ""
    before = wz.suggestions(ss.answers, ss.ui_lang)
    wz.set_value(ss.answers, path, value)
    after_change(before)


def on_option(path: str, option: str) -> None:
    """A box of a list ticked or unticked: the list keeps the options' order."""
    question = wz.QUESTION_BY_PATH[path]
    chosen = set(wz.get(ss.answers, path) or [])
    chosen.symmetric_difference_update({option})
    before = wz.suggestions(ss.answers, ss.ui_lang)
    wz.set_value(ss.answers, path, [o for o in question.table if o in chosen])
    after_change(before)


def on_ui_lang() -> None:
    new = ss.get("ui_lang_choice")
    if new is None or new == ss.ui_lang:
        ss.ui_lang_choice = ss.ui_lang  # a click on the language already chosen keeps it chosen
        return
    before = wz.suggestions(ss.answers, ss.ui_lang)
    ss.ui_lang = new
    wz.follow_suggestions(ss.answers, before, ss.ui_lang)
    forget_widgets()


def go(delta: int) -> None:
    step = wz.STEPS[ss.step]
    if delta > 0 and step.id != "review" and wz.step_problems(ss.answers, step.id):
        ss.tried.add(step.id)
        ss.focus_errors = True  # the page goes to the error summary
        return
    if delta > 0 and ss.return_to_review:
        move_to(wz.step_index("review"))
        return
    move_to(max(0, min(len(wz.STEPS) - 1, ss.step + delta)))


def move_to(index: int, field: str | None = None, place: str | None = None) -> None:
    """Open a step at its top, or at a question's field, or at a place of the page (a keyed container)."""
    ss.step = index
    ss.flash = None
    ss.notes = []
    ss.moves += 1
    ss.focus_field = field
    ss.focus_place = place
    if wz.STEPS[index].id == "review":
        ss.return_to_review = False


def edit(path: str) -> None:
    """"Modifier" on the review: the question's step, then back to the review."""
    move_to(wz.step_index(wz.step_of_field(path)), field=path)
    ss.return_to_review = True


def to_update() -> None:
    """"Mettre à jour une politique adoptée": its own path, at the review."""
    move_to(wz.step_index("review"), place="update_path")


def on_step_list() -> None:
    """The step list: any step can be opened; going forward stops at the first step left with a problem."""
    target = ss.nav_steps
    for i in range(ss.step, target):
        if wz.step_problems(ss.answers, wz.STEPS[i].id):
            ss.tried.add(wz.STEPS[i].id)
            ss.focus_errors = True
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
    forget_widgets()
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


def on_tool(uid: str, name: str, option: str | None = None) -> None:
    i = ss.tool_ids.index(uid)
    tool = ss.answers["tools"][i]
    if option is not None:  # a box of the tool's uses
        chosen = set(tool.get("uses") or []) ^ {option}
        tool["uses"] = [u for u in v.ALL_USES if u in chosen]
        return
    value = ss.get(f"tool:{uid}:{name}")
    if name == "vendor":
        value = value.strip() if isinstance(value, str) and value.strip() else None
    elif name == "name":
        value = value or ""
    elif name == "uses":
        value = list(value or [])
    tool[name] = value


def remove_tool(uid: str) -> None:
    i = ss.tool_ids.index(uid)
    del ss.answers["tools"][i]
    del ss.tool_ids[i]
    for key in [k for k in ss.keys() if isinstance(k, str) and k.startswith(f"tool:{uid}:")]:
        del ss[key]


# ---------------------------------------------------------------- widgets

def anchor(path: str) -> str:
    """The page's name for the field of ``path`` (Streamlit's class for a keyed element, without "st-key-"):
    the error summary links to it, "Modifier" opens it."""
    m = wz.TOOL_FIELD.match(path)
    if m and int(m.group(1)) < len(ss.tool_ids):
        key = f"tool:{ss.tool_ids[int(m.group(1))]}:{m.group(2) or 'name'}"
    else:
        key = "q:" + path
    return "".join(c if c.isalnum() or c in "_-" else "-" for c in key)


def render_why(text: str) -> None:
    """The rest of a question's explanation, behind "Pourquoi ?" (a native disclosure: keyboard and screen
    readers know it, and it stays as the user left it)."""
    if text:
        st.html(f'<details class="balises-why"><summary>{html.escape(t("why_open"))}</summary>'
                f'<p>{html.escape(text)}</p></details>')


def choice_state(key: str, value, options: list) -> None:
    if key not in ss or ss[key] not in options:
        ss[key] = value if value in options else None


def split_option(text: str) -> tuple[str, str]:
    """An option with its examples in brackets, "Audiovisuel (cinéma, télévision…)", as a short label and a
    caption: read at a glance, and nothing cut on a phone."""
    head, bracket, rest = text.partition(" (")
    return (head, rest[:-1]) if bracket and rest.endswith(")") else (text, "")


def render_question(q: wz.Question, problems: list[wz.Problem], show_errors: bool, effects=None) -> None:
    """gov.uk's order: the question, its hint in one sentence ("Pourquoi ?" for more), the error if any, then
    the field (whose own label, hidden, still names it for screen readers)."""
    lang, answers = ss.ui_lang, ss.answers
    key = "q:" + q.path
    value = wz.get(answers, q.path)
    label = q.label_for(answers, lang)
    common = {"key": key, "on_change": on_answer, "args": (q.path,), "label_visibility": "collapsed"}
    errors = [p for p in problems if p.field == q.path] if show_errors else []

    def fmt(x):
        return q.option_label(x, lang, answers)

    def head(hint: bool = True):
        st.markdown(f"**{wz.md_text(label)}**")
        if hint:
            st.caption(q.help_for(answers, lang))
            render_why(q.why_for(answers, lang))
        for p in errors:
            st.error(wz.md_text(p.message(lang)), icon=":material/warning:")

    if q.kind == "checkboxes":
        with st.container(key=key):
            head()
            render_boxes(q, value or [])
    elif q.kind == "bool":  # one box: its text is the question, the hint under it
        if key not in ss:
            ss[key] = value
        st.checkbox(label, key=key, on_change=on_answer, args=(q.path,))
        st.caption(q.help_for(answers, lang))
        render_why(q.why_for(answers, lang))
        for p in errors:
            st.error(wz.md_text(p.message(lang)), icon=":material/warning:")
    else:
        head()
        if q.kind == "select":
            options = q.options_for(answers)
            choice_state(key, value, options)
            # no typing in short lists: no keyboard popping up on phones, no English "No results"
            st.selectbox(label, options, format_func=fmt, filter_mode=None,
                         placeholder=wz.tr(q.placeholder, lang) if q.placeholder else t("choose"), **common)
        elif q.kind in ("radio", "yesno"):
            options = [True, False] if q.kind == "yesno" else q.options_for(answers)
            choice_state(key, value, options)
            words = {True: t("yes").capitalize(), False: t("no").capitalize()} if q.kind == "yesno" else {
                x: fmt(x) for x in options}  # the format is called outside a run too: no session read there
            captions = [q.caption_for(x, lang) for x in options]
            if not any(captions) and any(split_option(w)[1] and len(w) > 40 for w in words.values()):
                captions = [split_option(words[x])[1] for x in options]
                words = {x: split_option(words[x])[0] for x in options}
            short = not any(captions) and all(len(w) <= 24 for w in words.values())
            st.radio(label, options, format_func=words.get, captions=captions if any(captions) else None,
                     horizontal=short, **common)
        elif q.kind == "multiselect":
            options = q.options_for(answers)
            if key not in ss:
                ss[key] = [x for x in (value or []) if x in options]
            st.multiselect(label, options, format_func=fmt, placeholder=t("choose"), wrap=True, select_all=False,
                           filter_mode=None, **common)
        else:
            if key not in ss:
                ss[key] = "" if (q.kind == "text" and value is None) else value
            if q.kind == "text":
                st.text_input(label, **common)
            elif q.kind == "int":
                st.number_input(label, min_value=q.min_value, max_value=q.max_value, step=1, **common)
            elif q.kind == "date":
                st.date_input(label, format="DD/MM/YYYY" if lang == "fr" else "YYYY-MM-DD",
                              min_value=EFFECTIVE_DATES[0], max_value=EFFECTIVE_DATES[1], **common)
    recommended, publisher = ss.get("from_pack") or ((), "")
    if q.path in recommended:
        st.caption(":material/verified: " + t("from_pack", publisher=wz.md_text(publisher)))
    if effects:
        def lines(options):
            return "\n".join(f"- **{fmt(o)}** → "  # a pack's titles and reasons, as text
                             f"{wz.md_text((' ; ' if lang == 'fr' else '; ').join(effects[o]))}" for o in options)

        chosen = [o for o in effects if o in (value or [])]
        if chosen:  # said at once: what the options just chosen add
            st.caption(t("adds_chosen") + "\n" + lines(chosen))
        others = [o for o in effects if o not in chosen]
        if others:
            with st.expander(t("adds_title").rstrip(" :") + f" ({len(others)})", key="adds:" + q.path):
                st.caption(lines(others))


def render_boxes(q: wz.Question, chosen: list) -> None:
    """A list answered with one box per option (one tap each); two columns on a wide screen for a long list,
    read down the first, then the second (a phone stacks them in that order). An option the contract's rules
    would add back (French, in Québec) is ticked and cannot be unticked, and says why."""
    lang, answers = ss.ui_lang, ss.answers
    options = q.options_for(answers)
    locked = set(wz.locked_options(answers, q.path))
    half = (len(options) + 1) // 2 if len(options) > 5 else len(options)
    columns = st.columns(2) if half < len(options) else [st.container()]
    for n, option in enumerate(options):
        key = f"q:{q.path}:{option}"
        ss[key] = option in chosen
        text = q.option_label(option, lang, answers)
        if option in locked:
            text += f" ({t('locked_fr')})"
        with columns[0 if n < half else 1]:
            st.checkbox(text, key=key, on_change=on_option, args=(q.path, option), disabled=option in locked)


EFFECT_PATHS = {"uses.admin", "uses.creative", "uses.public", "uses.hr", "data.personal_data"}


def question_effects(q: wz.Question, pack, profile):
    """What each option adds on its own, against the answers with every such list left empty: the lists
    chosen on this step do not change it, so it is computed once per step, not once per click."""
    if profile is None or q.path not in EFFECT_PATHS:
        return None
    lang = ss.ui_lang if ss.ui_lang in pack.info.languages else pack.info.languages[0]
    neutral = ss.run_cache.get("neutral")
    if neutral is None:  # the same for every list of the step
        neutral = ss.run_cache["neutral"] = profile.model_copy(update={
            part: getattr(profile, part).model_copy(update={attr: [] for attr in attrs})
            for part, attrs in (("uses", ("admin", "creative", "public", "hr")), ("data", ("personal_data",)))})
    key = ("effects", q.path, profile_key(neutral), lang)
    return memo(key, lambda: preview.option_effects(neutral, pack, lang, q.path, q.options_for(ss.answers)))


def decisions(pack, profile) -> list:
    """The decisions to take, once every question they name is answered: a decision is never blamed on a
    default the user has not seen."""
    if profile is None:
        return []
    waiting = {p.field for p in unanswered()}
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


def render_tools(q: wz.Question, problems: list[wz.Problem], show_errors: bool) -> None:
    lang = ss.ui_lang
    tools = ss.answers.get("tools") or []
    declared = [u for part in ("admin", "creative", "public", "hr") for u in (ss.answers.get("uses") or {}).get(part) or []]
    badge = {"high": "red", "medium": "orange", "low": "green"}
    labels = wz.TOOL_LABELS

    def fmt(table):
        return lambda x: wz.tr(table[x], lang) if x in table else str(x)

    answers = dict(ss.answers)  # the format is called outside a run too

    def use_label(use):
        return wz.use_label(use, lang, answers)

    with st.container(key="q:tools"):
        st.markdown(f"**{wz.md_text(q.label_for(ss.answers, lang))}**")
        st.caption(q.help_for(ss.answers, lang))
        render_why(t("tools_risk_explain"))
    for n, (uid, tool) in enumerate(zip(list(ss.tool_ids), list(tools)), 1):
        risk = next(iter(wz.tool_risks({**ss.answers, "tools": [tool]})), None)
        # the collapsed card reads as one row: name, vendor, hosting, account, status, risk
        summary = [wz.md_text(tool.get("name")) if tool.get("name") else t("tools_unnamed"),
                   wz.md_text(tool.get("vendor")) if tool.get("vendor") not in (None, "", tool.get("name")) else ""]
        summary += [fmt(table)(tool[name]) for name, table in (("hosting", v.HOSTING), ("account", v.ACCOUNT),
                                                               ("status", v.TOOL_STATUS)) if tool.get(name)]
        if risk is not None:
            summary.append(f":{badge[risk.level]}-badge[{t('risk_title_' + risk.level)}]")
        mine = [p for p in problems if p.field.startswith(f"tools[{n - 1}]")] if show_errors else []
        key = f"toolexp_{uid}"
        opened = bool(mine) or ss.get(key, uid in ss.get("fresh_tools", ()))
        with st.expander(" · ".join(x for x in summary if x), expanded=opened, key=key):
            if risk is not None:
                st.caption(f"{t('risk_title_' + risk.level).capitalize()} : {wz.risk_reasons(risk, lang)}"
                           if lang == "fr" else f"{t('risk_title_' + risk.level).capitalize()}: "
                           f"{wz.risk_reasons(risk, lang)}")
            for field in ("name", "vendor", "hosting", "account", "status"):
                k = f"tool:{uid}:{field}"
                if k not in ss:
                    ss[k] = tool.get(field) if tool.get(field) is not None else ("" if field in ("name", "vendor")
                                                                              else None)
            c1, c2 = st.columns(2)  # row by row, so that a phone stacks them in reading order
            with c1:
                st.text_input(wz.tr(labels["name"], lang), key=f"tool:{uid}:name", on_change=on_tool,
                              args=(uid, "name"), max_chars=100)
            with c2:
                st.text_input(wz.tr(labels["vendor"], lang), key=f"tool:{uid}:vendor", on_change=on_tool,
                              args=(uid, "vendor"), max_chars=100)
            st.selectbox(wz.tr(labels["hosting"], lang), list(v.HOSTING), key=f"tool:{uid}:hosting",
                         format_func=fmt(v.HOSTING), on_change=on_tool, args=(uid, "hosting"), filter_mode=None,
                         placeholder=t("choose"))
            st.radio(wz.tr(labels["account"], lang), list(v.ACCOUNT), key=f"tool:{uid}:account",
                     format_func=fmt(v.ACCOUNT), on_change=on_tool, args=(uid, "account"),
                     captions=[wz.tr(wz.ACCOUNT_HELP[a], lang) for a in v.ACCOUNT])
            st.radio(wz.tr(labels["status"], lang), list(v.TOOL_STATUS), key=f"tool:{uid}:status",
                     format_func=fmt(v.TOOL_STATUS), on_change=on_tool, args=(uid, "status"),
                     captions=[wz.tr(wz.STATUS_HELP[s], lang) for s in v.TOOL_STATUS])
            chosen = list(tool.get("uses") or [])
            options = list(dict.fromkeys(declared + chosen)) if declared else list(v.ALL_USES)
            if len(options) <= 8:  # a short list: one box per use
                st.markdown(f"**{wz.tr(labels['uses'], lang)}**")
                st.caption(t("tools_uses_help"))
                for use in options:
                    box = f"tool:{uid}:uses:{use}"
                    ss[box] = use in chosen
                    st.checkbox(use_label(use), key=box, on_change=on_tool, args=(uid, "uses", use))
            else:
                ss[f"tool:{uid}:uses"] = chosen
                st.multiselect(wz.tr(labels["uses"], lang), options, key=f"tool:{uid}:uses",
                               format_func=use_label, on_change=on_tool, args=(uid, "uses"),
                               placeholder=t("choose"), wrap=True, select_all=False, filter_mode=None,
                               help=t("tools_uses_help"))
            for p in mine:
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


def render_error_summary(problems: list[wz.Problem], focus: bool) -> None:
    """gov.uk's error summary: at the top of the step, each problem a link to its field; after "Suivant" it
    takes the focus (and the scroll), so that a screen reader says it and the eye finds it."""
    lang = ss.ui_lang
    items = "".join(f'<li><a href="#{anchor(p.field)}" data-balises-field="{anchor(p.field)}">'
                    f'{html.escape(p.message(lang))}</a></li>' for p in problems)
    script = ("<script>/*" + str(ss.moves) + "-" + str(ss.get("refusals", 0)) + "*/ window.__balisesFocus("
              "'.balises-errors', false);</script>") if focus else ""
    st.html(f'<div class="balises-errors" tabindex="-1" role="alert" aria-labelledby="balises-errors-title">'
            f'<h2 id="balises-errors-title">{html.escape(t("error_title"))}</h2>'
            f'<p>{html.escape(t("fix_first"))}</p><ul>{items}</ul></div>{script}', unsafe_allow_javascript=True)


# ---------------------------------------------------------------- pages

def unanswered() -> list:
    """The questions still waiting for the user's answer, worked out once a run (the answers change only in
    the callbacks, before it)."""
    cache = ss.run_cache
    if "unanswered" not in cache:
        cache["unanswered"] = wz.unanswered(ss.answers)
    return cache["unanswered"]


def problems_of(step_id: str) -> list:
    return wz.step_problems(ss.answers, step_id, ss.run_cache.get("refused"), unanswered())


def memo(key: tuple, build):
    cache = ss.memo
    if key not in cache:
        while len(cache) > 24:  # the oldest entries go first
            cache.pop(next(iter(cache)))
        cache[key] = build()
    return cache[key]


def profile_json(profile) -> str:
    return json.dumps(profile.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)


def profile_key(profile) -> str:
    """The answers as text, the key of what is worked out from them; once a run per profile (a download's
    deferred build, outside any run, uses ``profile_json``)."""
    keys = ss.run_cache.setdefault("profile_keys", {})
    if id(profile) not in keys:
        keys[id(profile)] = (profile, profile_json(profile))
    return keys[id(profile)][1]


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
                step = wz.STEPS[wz.step_index(wz.step_of_field(p.field))]
                with c1:
                    st.markdown(f":red[{wz.md_text(p.message(lang))}] — {wz.md_text(wz.tr(step.title, lang))}")
                with c2:
                    st.button(t("answer_it"), key=f"todo_{n}", on_click=edit, args=(p.field,), type="tertiary",
                              icon=":material/edit:")
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


def render_downloads(pack, profile) -> None:
    """One primary download, the whole kit; the documents one by one behind a disclosure."""
    lang = ss.ui_lang
    languages = list(profile.policy.languages)
    today = dt.date.today()
    org = profile.organisation.name
    snapshot = profile.model_copy(deep=True)
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
        render_kit(pack, snapshot, languages, org)
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


_KITS: dict[tuple, object] = {}
_KITS_LOCK = threading.Lock()


def kit_files(profile, pack, pdf: bool = False) -> dict[str, bytes]:
    """The kit (balises.services.kit.build_kit), built once per set of answers when a first document of it is asked for;
    with its PDFs only when that zip is asked for (LibreOffice takes a few seconds)."""
    key = (profile_json(profile), pack.label, pdf)
    with _KITS_LOCK:
        if key not in _KITS:
            while len(_KITS) >= 4:
                _KITS.pop(next(iter(_KITS)))
            _KITS[key] = build_kit(profile, pack, pdf=pdf).files
        return _KITS[key]


def render_kit(pack, snapshot, languages, org) -> None:
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


def _zip(files: dict[str, bytes]) -> bytes:
    return Kit(files=dict(files)).zip_bytes()


def _docx_builder(profile, pack, lang, edition):
    snapshot = profile.model_copy(deep=True)

    def build() -> bytes:
        return api.generate(snapshot, pack, lang=lang, edition=edition).docx

    return build


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


def render_step_list() -> None:
    lang = ss.ui_lang
    ss.nav_steps = ss.step
    st.radio(t("steps_nav"), list(range(len(wz.STEPS))), horizontal=True, key="nav_steps",
             on_change=on_step_list,
             format_func=lambda i: f"{i + 1}. {wz.tr(wz.STEPS[i].title, lang)}")


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
                                 expanded=any(p.field in {q.path for q in optional} for p in problems)):
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
