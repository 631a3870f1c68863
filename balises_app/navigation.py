"""Moving between steps: "Suivant" and "Précédent", the step list, "Modifier", the error summary that
links to the fields."""

from __future__ import annotations

import html

import streamlit as st

from balises import wizard as wz
from balises.problems import Problem
from balises_app.state import ss, t


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


def anchor(path: str) -> str:
    """The page's name for the field of ``path`` (Streamlit's class for a keyed element, without "st-key-"):
    the error summary links to it, "Modifier" opens it."""
    m = wz.TOOL_FIELD.match(path)
    if m and int(m.group(1)) < len(ss.tool_ids):
        key = f"tool:{ss.tool_ids[int(m.group(1))]}:{m.group(2) or 'name'}"
    else:
        key = "q:" + path
    return "".join(c if c.isalnum() or c in "_-" else "-" for c in key)


def render_error_summary(problems: list[Problem], focus: bool) -> None:
    """gov.uk's error summary: at the top of the step, each problem a link to its field; after "Suivant" it
    takes the focus (and the scroll), so that a screen reader says it and the eye finds it."""
    lang = ss.ui_lang
    items = "".join(f'<li><a href="#{anchor(p.place.field)}" data-balises-field="{anchor(p.place.field)}">'
                    f'{html.escape(wz.problem_text(p, lang))}</a></li>' for p in problems)
    script = ("<script>/*" + str(ss.moves) + "-" + str(ss.get("refusals", 0)) + "*/ window.__balisesFocus("
              "'.balises-errors', false);</script>") if focus else ""
    st.html(f'<div class="balises-errors" tabindex="-1" role="alert" aria-labelledby="balises-errors-title">'
            f'<h2 id="balises-errors-title">{html.escape(t("error_title"))}</h2>'
            f'<p>{html.escape(t("fix_first"))}</p><ul>{items}</ul></div>{script}', unsafe_allow_javascript=True)


def render_step_list() -> None:
    lang = ss.ui_lang
    ss.nav_steps = ss.step
    st.radio(t("steps_nav"), list(range(len(wz.STEPS))), horizontal=True, key="nav_steps",
             on_change=on_step_list,
             format_func=lambda i: f"{i + 1}. {wz.tr(wz.STEPS[i].title, lang)}")
