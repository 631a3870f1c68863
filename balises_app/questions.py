"""A step's questions: each drawn as gov.uk would (question, hint, "Pourquoi ?", error, field), what each
option adds to the policy, and the callbacks that take an answer."""

from __future__ import annotations

import html

import streamlit as st

from balises import wizard as wz
from balises.contract.profile import EFFECTIVE_DATES
from balises.problems import Problem
from balises.render import preview
from balises_app.state import forget_widgets, memo, profile_key, ss, t


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


def render_question(q: wz.Question, problems: list[Problem], show_errors: bool, effects=None) -> None:
    """gov.uk's order: the question, its hint in one sentence ("Pourquoi ?" for more), the error if any, then
    the field (whose own label, hidden, still names it for screen readers)."""
    lang, answers = ss.ui_lang, ss.answers
    key = "q:" + q.path
    value = wz.get(answers, q.path)
    label = q.label_for(answers, lang)
    common = {"key": key, "on_change": on_answer, "args": (q.path,), "label_visibility": "collapsed"}
    errors = [p for p in problems if p.place.field == q.path] if show_errors else []

    def fmt(x):
        return q.option_label(x, lang, answers)

    def head(hint: bool = True):
        st.markdown(f"**{wz.md_text(label)}**")
        if hint:
            st.caption(q.help_for(answers, lang))
            render_why(q.why_for(answers, lang))
        for p in errors:
            st.error(wz.md_text(wz.problem_text(p, lang)), icon=":material/warning:")

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
            st.error(wz.md_text(wz.problem_text(p, lang)), icon=":material/warning:")
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
