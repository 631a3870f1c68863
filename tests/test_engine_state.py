"""No shared state leaks between documents: a composed document cannot be changed through a cached value, and
threads composing at once get the serial results."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

from balises.compose import compose
from balises.document import Paragraph, document_text
from balises.profile import parse_profile
from balises.safeyaml import load_data_file

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
