"""The tools' cards (step "data and tools"): one card per tool, its risk reading, adding and removing a tool."""

from __future__ import annotations

import uuid

import streamlit as st

from balises import wizard as wz
from balises.contract import vocabulary as v
from balises.problems import Problem
from balises_app.questions import render_why
from balises_app.state import get_pack, pack_location, ss, t


def add_tool() -> None:
    name = ss.get("tool_pick")
    if not name:
        return
    common = wz.common_tools(get_pack(pack_location()))
    row = wz.common_tool_row(name, common[name]) if name in common else wz.blank_tool()
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


def render_tools(q: wz.Question, problems: list[Problem], show_errors: bool) -> None:
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
        mine = [p for p in problems if p.place.field.startswith(f"tools[{n - 1}]")] if show_errors else []
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
                st.error(wz.md_text(wz.problem_text(p, lang)), icon=":material/warning:")
            st.button(t("tools_remove"), key=f"tool_remove_{uid}", on_click=remove_tool, args=(uid,),
                      icon=":material/delete:")
    if not tools:
        st.caption(t("tools_none"))
    add_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
    with add_col:
        offered = [*wz.common_tools(get_pack(pack_location())), t("tools_other")]
        st.selectbox(t("tools_add"), offered, index=None, placeholder=t("choose"), key="tool_pick",
                     help=t("tools_add_help"), filter_mode=None)
    with button_col:
        st.button(t("tools_add_button"), on_click=add_tool, key="tool_add", width="stretch",
                  icon=":material/add:")
    if show_errors:
        for p in problems:
            if p.place.field == "tools":
                st.error(wz.md_text(wz.problem_text(p, lang)), icon=":material/warning:")
