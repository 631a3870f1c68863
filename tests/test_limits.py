"""Limits on what an untrusted pack or file can make Balises do: each bomb is refused within seconds under a
memory cap, with the file named, while honest templates and files are untouched.

The command-line side (every bomb through ``balises generate``, ``lint`` and ``batch`` in a subprocess with
RLIMIT_AS at 1.5 GB) is the hostile table of test_hostile_input.py; these tests check the limits themselves,
in a subprocess under a tighter cap where memory is the point.
"""

from __future__ import annotations

import dataclasses
import io
import os
import resource
import subprocess
import sys
import time
import zipfile

import pytest

from balises.engine import templating
from balises.engine.templating import ClauseRenderer, generation_limits
from balises.errors import PackError
from balises.packs.loader import load_pack

from .conftest import ROOT
from .zipbomb import bomb_part


@pytest.fixture(scope="module")
def renderer():
    pack = load_pack()
    pack = dataclasses.replace(pack, templates=dict(pack.templates), template_files=dict(pack.template_files))
    return ClauseRenderer(pack)


def render(renderer: ClauseRenderer, body: str, name: str = "bomb") -> str:
    renderer.pack.templates[f"en/{name}.md"] = body
    renderer.pack.template_files[f"en/{name}.md"] = f"mypack/policy_templates/en/{name}.md"
    renderer.env.cache.clear() if renderer.env.cache is not None else None
    return renderer.render(name, "en", {"org": {"name": "Studio"}, "items": list(range(10))})


BOMBS = {
    "power": ("{{ 3**(10**8) }}", "number too large"),
    "power-in-loop": ("{% set ns = namespace(n=7) %}{% for i in range(40) %}{% set ns.n = ns.n * ns.n %}"
                      "{% endfor %}{{ ns.n }}", "number too large"),
    "nested-range": ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
                     "loop limit"),
    "lipsum": ("{{ lipsum(n=100000000) }}", "argument too large"),
    "repeat": ("{{ 'A'*300000000 }}", "text too large"),
    "repeat-list": ("{{ ([1]*300000000)|length }}", "list too large"),
    "doubling": ("{% set ns = namespace(s='AAAA') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
                 "{% endfor %}{{ ns.s|length }}", "text too large"),
    "plus-doubling": ("{% set ns = namespace(s='AAAA') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}"
                      "{% endfor %}", "text too large"),
    "set-block-doubling": ("{% set a = 'A' * 600000 %}{% set b %}{{ a }}{{ a }}{% endset %}"
                           "{% set c %}{{ b }}{{ b }}{% endset %}{{ c|length }}", "text too large"),
    "center-filter": ("{{ 'x'|center(1000000000) }}", "argument too large"),
    "center-method": ("{{ 'x'.center(1000000000) }}", "argument too large"),
    "percent-width": ("{{ '%0100000000d' % 1 }}", "format width"),
    "format-width": ("{{ '{:>100000000}'.format(1) }}", "format width"),
    "replace": ("{{ ('A'*100000).replace('A', 'AAAAAAAAAA'*1000) }}", "text too large"),
    "macro-fork": ("{% macro d(n) %}{% if n %}{{ d(n-1) }}{{ d(n-1) }}{% endif %}{% endmacro %}{{ d(40) }}",
                   "limit reached"),  # steps or time, whichever comes first
    "output": ("{% for i in range(100000) %}{{ 'x' * 100 }}{% endfor %}", "output too large"),
}


@pytest.mark.parametrize("name", list(BOMBS))
def test_template_bomb_is_stopped_quickly_naming_the_file(renderer, name):
    body, words = BOMBS[name]
    start = time.monotonic()
    with pytest.raises(PackError) as info:
        render(renderer, body, name)
    assert time.monotonic() - start < templating.MAX_RENDER_SECONDS + 1
    assert f"mypack/policy_templates/en/{name}.md" in info.value.en
    assert words in info.value.en
    assert "limite" in info.value.fr or "arrêté" in info.value.fr


def test_endless_recursion_is_stopped(renderer):
    with pytest.raises(PackError) as info:
        render(renderer, "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "recursion")
    assert "recursion" in info.value.en


def test_honest_templates_are_untouched(renderer):
    body = ("{{ org.name }}: {{ 2**10 }} {{ 12 * 3 }} {{ 'a' ~ 'b' }} {{ '%d items' % items|length }} "
            "{{ '{:>5}'.format(7) }} {% for i in items %}{{ i }}{% endfor %} {{ 'x'|center(5) }}|"
            "{{ ['a', 'b']|join(', ') }} {{ 'ab'.replace('a', 'A') }} {{ items|sum }}")
    assert render(renderer, body, "honest") == "Studio: 1024 36 ab 10 items 7 0123456789 x|a, b Ab 45"


def test_a_loop_of_a_thousand_is_fine_and_time_is_counted(renderer, monkeypatch):
    assert render(renderer, "{% for i in range(1000) %}{% for j in range(100) %}{% endfor %}{% endfor %}ok",
                  "loops") == "ok"
    monkeypatch.setattr(templating, "MAX_RENDER_SECONDS", 0.05)
    with pytest.raises(PackError) as info:
        render(renderer, "{% for i in range(1000) %}{% for j in range(900) %}{{ i }}{% endfor %}{% endfor %}",
               "slow")
    assert "time limit reached" in info.value.en


def test_the_whole_policy_has_a_budget_too(renderer, monkeypatch):
    """Each clause under its own cap, together over the policy's."""
    monkeypatch.setattr(templating, "MAX_GENERATION_CHARS", 250_000)
    body = "{% for i in range(1000) %}{{ 'x' * 100 }}{% endfor %}"  # 100,000 characters
    with generation_limits(chars=250_000):
        render(renderer, body, "part1")
        render(renderer, body, "part2")
        with pytest.raises(PackError) as info:
            render(renderer, body, "part3")
    assert "output too large" in info.value.en and "part3.md" in info.value.en
    render(renderer, body, "part4")  # outside a generation, only the clause's own cap applies


# ----------------------------------------------------------------- archives, under a memory cap


def _capped(code: str, cap_mb: int = 700, timeout: float = 60) -> subprocess.CompletedProcess:
    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (cap_mb * 1024 * 1024, cap_mb * 1024 * 1024))

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout, preexec_fn=cap)


def _bomb_docx(path, part: str, gigabytes: int) -> None:
    reference = (ROOT / "policy_templates" / "reference.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(reference)) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name in old.namelist():
            if name == part:
                with bomb_part(new, name) as fh:
                    block = b" " * (64 * 1024 * 1024)
                    for _ in range(16 * gigabytes):
                        fh.write(block)
            else:
                new.writestr(name, old.read(name))


def test_reference_docx_bomb_refused_under_memory_cap(tmp_path):
    bomb = tmp_path / "reference.docx"
    _bomb_docx(bomb, "word/styles.xml", 1)
    assert bomb.stat().st_size < 5 * 1024 * 1024
    start = time.monotonic()
    result = _capped(f"""
from pathlib import Path
from balises.render.docx.package import clean_reference as sanitise_docx
from balises.errors import PackError
try:
    sanitise_docx(Path({str(bomb)!r}).read_bytes(), "mypack/policy_templates/reference.docx")
except PackError as exc:
    print(exc.en)
""")
    assert time.monotonic() - start < 20
    assert result.returncode == 0, result.stderr
    assert "mypack/policy_templates/reference.docx: word/styles.xml: part too large" in result.stdout


def test_workbook_bomb_refused_under_memory_cap(tmp_path):
    import openpyxl

    path = tmp_path / "members.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["organisation.name"])
    book.active.append(["Membre"])
    book.save(path)
    with zipfile.ZipFile(path) as old:
        parts = {n: old.read(n) for n in old.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in parts.items():
            if name == "xl/worksheets/sheet1.xml":
                with bomb_part(new, name) as fh:
                    fh.write(data.replace(b"</worksheet>", b""))
                    for _ in range(16):
                        fh.write(b" " * (64 * 1024 * 1024))
                    fh.write(b"</worksheet>")
            else:
                new.writestr(name, data)
    start = time.monotonic()
    result = _capped(f"""
from balises.services.spreadsheet import read_rows
from balises.errors import BalisesError
try:
    read_rows({str(path)!r})
except BalisesError as exc:
    print(exc.en)
""")
    assert time.monotonic() - start < 20
    assert result.returncode == 0, result.stderr
    assert "members.xlsx: xl/worksheets/sheet1.xml too large once uncompressed" in result.stdout


def test_honest_reference_is_returned_unchanged():
    from balises.render.docx.package import clean_reference as sanitise_docx

    data = (ROOT / "policy_templates" / "reference.docx").read_bytes()
    clean, found = sanitise_docx(data, "reference.docx")
    assert not found and clean is data


def test_field_code_split_over_runs_is_still_removed():
    """Word often splits a field code over several runs: `` INCLU`` + ``DEPICTURE "http://…"``."""
    from balises.render.docx.package import clean_reference as sanitise_docx

    reference = (ROOT / "policy_templates" / "reference.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(reference)) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    field = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> INCLU'
             '</w:instrText></w:r><w:r><w:instrText xml:space="preserve">DEPICTURE "http://attacker.example/x.png"'
             '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
             '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    parts["word/footer1.xml"] = parts["word/footer1.xml"].replace(b"<w:r><w:tab/></w:r>",
                                                                  field.encode() + b"<w:r><w:tab/></w:r>", 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    clean, found = sanitise_docx(out.getvalue(), "reference.docx")
    assert [en for _, en in found] == ['word/footer1.xml: field INCLUDEPICTURE "http://attacker.example/x.png" '
                                       "removed"]
    with zipfile.ZipFile(io.BytesIO(clean)) as archive:
        footer = archive.read("word/footer1.xml").decode()
    assert "attacker.example" not in footer and "PAGE" in footer and "NUMPAGES" in footer
