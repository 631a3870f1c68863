"""Many members at once: 30 wizard sessions in one server process, each with its own answers, at the same
time. Each sees only its own answers, previews and downloads exactly its own policy (the pack, Streamlit's
caches and the compiled templates are shared, which is what could carry one member's answers into another's).

The sessions run in benchmarks/bench_sessions.py (AppTest instances on threads), in a process of their own
since it changes Streamlit's testing globals; the figures it prints are the benchmark's.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys

import pytest

from .conftest import ROOT

pytest.importorskip("streamlit")
BENCH = ROOT / "benchmarks" / "bench_sessions.py"


def _bench_module():
    spec = importlib.util.spec_from_file_location("bench_sessions", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)  # importing it changes nothing; run_sessions does
    return module


def test_leak_check_catches_a_crossed_session():
    """Control: a download or a preview showing another member's answers is caught."""
    bench = _bench_module()
    a, b = bench.Session(index=1), bench.Session(index=2)
    for s in (a, b):
        s.answers_name = bench.name_of(s.index)
        s.previews = [f"<div class='balises-preview'>{bench.name_of(s.index)}</div>"]
        s.docx_text = f"{bench.name_of(s.index)} {bench.tool_of(s.index)}"
    assert bench.leaks([a, b]) == []
    a.docx_text, b.docx_text = b.docx_text, a.docx_text
    found = bench.leaks([a, b])
    assert any("session 1: download shows 'Compagnie Membre 02'" in f for f in found), found
    b.docx_text = bench.name_of(2) + bench.tool_of(2)
    b.previews.append(bench.tool_of(1))
    assert any("session 2: preview shows" in f for f in bench.leaks([a, b]))


@pytest.mark.slow
def test_thirty_concurrent_sessions_each_get_their_own_policy():
    result = subprocess.run([sys.executable, str(BENCH), "--sessions", "30"], cwd=ROOT, capture_output=True,
                            text=True, timeout=900)
    out = result.stdout
    assert result.returncode == 0, out + result.stderr[-3000:]
    assert "30 concurrent sessions" in out
    assert "leaks between sessions: 0" in out
    interactions = int(re.search(r"(\d+) interactions", out).group(1))
    assert interactions >= 30 * 8  # every session went through every step
    print(out)  # the figures: interaction time median and p95, memory per session
