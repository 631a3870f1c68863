"""The session: the pack, the answers and the widgets' state it keeps, and what a run works out once."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import uuid

import streamlit as st

from balises import wizard as wz
from balises.packs.loader import load_pack

ss = st.session_state


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
