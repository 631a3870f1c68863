"""No shared state leaks between documents: a composed document cannot be changed through a cached value, and
threads composing at once get the serial results. The state kept between documents is the pack's engine's: one
read-only object per pack, held by the pack, and nothing else stored on the pack."""

import dataclasses
import datetime as dt
import io
import zipfile
from concurrent.futures import ThreadPoolExecutor

import pytest

from balises.contract.profile import Profile, parse_profile
from balises.engine.compose import CONTEXT_NAMES, DOCUMENT_NAMES, compose
from balises.engine.document import Paragraph, document_text
from balises.engine.state import Engine
from balises.render.docx import docx_of, render_docx, style_ids
from balises.safeyaml import load_data_file
from balises.services.generate import generate

from .conftest import EXAMPLES

AS_OF = dt.date(2026, 12, 1)


def _profiles():
    return [parse_profile(load_data_file(p), p.name) for p in sorted(EXAMPLES.glob("*.yaml"))]


def test_editing_a_composed_document_leaves_the_next_one_intact(pack):
    profile = _profiles()[0]
    first = compose(profile, pack, lang="fr", as_of=AS_OF)
    before = document_text(compose(profile, pack, lang="fr", as_of=AS_OF))
    for section in first.sections:
        for clause in section.clauses:
            for block in clause.blocks:
                if isinstance(block, Paragraph):
                    block.runs[0].text = "ALTERED"
                    block.runs.append(block.runs[0])
            clause.blocks.clear()
    assert document_text(compose(profile, pack, lang="fr", as_of=AS_OF)) == before


def test_twenty_threads_compose_what_one_thread_composes(pack):
    jobs = [(p, lang) for p in _profiles() for lang in ("fr", "en")] * 2
    jobs = jobs[:20]
    serial = [document_text(compose(p, pack, lang=lang, as_of=AS_OF)) for p, lang in jobs]
    with ThreadPoolExecutor(max_workers=20) as pool:
        parallel = list(pool.map(lambda job: document_text(compose(job[0], pack, lang=job[1], as_of=AS_OF)), jobs))
    assert parallel == serial


def test_one_engine_per_pack(pack):
    assert pack.engine is pack.engine
    other = dataclasses.replace(pack)  # the same contents, another pack
    assert other.engine is not pack.engine
    assert other.engine.pack is other and pack.engine.pack is pack


def test_the_engine_is_read_only(pack):
    engine = pack.engine
    with pytest.raises(AttributeError):
        engine.pack = None
    with pytest.raises(AttributeError):
        engine._renderer = None
    with pytest.raises(AttributeError):
        del engine._parsed
    with pytest.raises(TypeError):
        style_ids(pack)["Normal"] = "Other"


def test_composing_sets_nothing_on_the_pack_but_its_engine(pack):
    profile = _profiles()[0]
    fresh = dataclasses.replace(pack)
    before = {name: (id(value), value) for name, value in vars(fresh).items() if name != "_engine"}
    compose(profile, fresh, lang="fr", as_of=AS_OF)
    generate(profile, fresh, lang="en", as_of=AS_OF)
    after = {name: (id(value), value) for name, value in vars(fresh).items() if name != "_engine"}
    assert after == before
    assert fresh._engine is fresh.engine and fresh.engine.pack is fresh
    assert set(vars(fresh)) == {f.name for f in dataclasses.fields(fresh)}  # nothing added beside the fields


def test_parsed_markup_comes_out_as_copies(pack):
    engine = pack.engine
    first = engine.parse("Some **bold** text.", "en")
    first[0].runs[0].text = "ALTERED"
    assert engine.parse("Some **bold** text.", "en")[0].runs[0].text == "Some "


def test_twenty_threads_get_one_engine_for_a_new_pack(pack):
    fresh = dataclasses.replace(pack)
    with ThreadPoolExecutor(max_workers=20) as pool:
        engines = list(pool.map(lambda _: fresh.engine, range(20)))
    assert all(e is engines[0] for e in engines)


def test_the_context_names_are_the_context_compose_gives(pack, monkeypatch):
    seen: set[str] = set()
    render = Engine.render

    def spy(self, clause, lang, context):
        seen.update(context)
        return render(self, clause, lang, context)

    monkeypatch.setattr(Engine, "render", spy)
    compose(_profiles()[0], pack, lang="fr", as_of=AS_OF)
    assert seen - set(Profile.model_fields) == CONTEXT_NAMES
    assert DOCUMENT_NAMES <= CONTEXT_NAMES


def test_the_engines_style_ids_write_what_a_lookup_per_document_writes(pack):
    document = compose(_profiles()[0], pack, lang="fr", as_of=AS_OF)
    assert {"Normal", "Heading 1", "Title", "List Bullet"} <= set(style_ids(pack))
    assert style_ids(pack) is style_ids(pack)  # resolved once, kept by the pack's engine
    parts = []
    for data in (docx_of(document, pack), render_docx(document, pack.reference_docx)):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            parts.append(z.read("word/document.xml"))
    assert parts[0] == parts[1]
