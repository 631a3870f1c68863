"""One engine per pack: everything worked out once from a pack and reused by every document made with it — the
compiled clause templates (the sandboxed Jinja environment), the parsed clause markup, the style ids of the pack's
reference document.

The engine owns this state; nothing is stored on the pack. It is shared by threads and Streamlit sessions: it
cannot be changed from outside, its caches are filled under locks, and what it hands out is either immutable
(strings, the read-only style map) or a fresh copy (parsed blocks), so editing one document never changes the next.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from balises.engine import markup
from balises.engine.document import Block, PolicyDocument
from balises.engine.templating import ClauseRenderer
from balises.packs.loader import Pack

MARKUP_CACHE_SIZE = 4096  # distinct (clause text, locale) pairs kept per pack
ENGINES_KEPT = 16  # packs whose engine is kept (a server hosting several associations' packs)


class Engine:
    """The compiled state of one pack. Obtain it with :func:`engine_for`; its attributes are read only."""

    __slots__ = ("pack", "_renderer", "_parsed", "_lock", "_style_ids")

    def __init__(self, pack: Pack):
        setattr_ = object.__setattr__
        setattr_(self, "pack", pack)
        setattr_(self, "_renderer", ClauseRenderer(pack))
        # functools' cache is thread-safe; it keeps its own blocks, callers get copies (see parse)
        setattr_(self, "_parsed", functools.lru_cache(maxsize=MARKUP_CACHE_SIZE)(
            lambda text, locale: tuple(markup.parse(text, locale))))
        setattr_(self, "_lock", threading.Lock())
        setattr_(self, "_style_ids", None)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Engine is read only ({name})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Engine is read only ({name})")

    def __repr__(self) -> str:
        return f"<Engine {self.pack.label}>"

    @property
    def env(self):
        """The sandboxed Jinja environment of the pack's clause templates (lint and tools parse with it)."""
        return self._renderer.env

    def has(self, clause: str, lang: str) -> bool:
        return self._renderer.has(clause, lang)

    def render(self, clause: str, lang: str, context: dict) -> str:
        """One clause's markup (its template compiled once per pack)."""
        return self._renderer.render(clause, lang, context)

    def parse(self, text: str, locale: str) -> list[Block]:
        """Blocks of one clause's rendered markup. Clauses whose text does not depend on the organisation (most
        definitions, principles, annex headers) come out identical from one policy to the next: a batch or a
        wizard session parses each distinct text once. Each caller gets a copy (three times cheaper than
        parsing), so editing one document never changes the next."""
        return [b.model_copy(deep=True) for b in self._parsed(text, locale)]

    def clear_parsed(self) -> None:
        """Forget the parsed markup (benchmarks: the first policy of a process)."""
        self._parsed.cache_clear()

    def style_ids(self) -> Mapping[str, str | None]:
        """The style ids of the pack's reference document, resolved on the first Word file and kept, read only."""
        if self._style_ids is None:
            with self._lock:
                if self._style_ids is None:
                    from balises.render.docx.render import (
                        reference_style_ids,  # lazy: python-docx slows the CLI's start
                    )

                    object.__setattr__(self, "_style_ids",
                                       MappingProxyType(reference_style_ids(self.pack.reference_docx)))
        return self._style_ids

    def render_docx(self, document: PolicyDocument, toc_pages: dict[str, int] | None = None) -> bytes:
        """The Word file of ``document`` on the pack's reference document."""
        from balises.render.docx import render_docx  # lazy: python-docx slows the CLI's start

        return render_docx(document, self.pack.reference_docx, toc_pages, style_ids=self.style_ids())


_ENGINES: OrderedDict[int, Engine] = OrderedDict()
_ENGINES_LOCK = threading.Lock()


def engine_for(pack: Pack) -> Engine:
    """The engine of ``pack``: the same object for every call with the same pack, built on the first.

    Keyed by the pack object's identity (a pack is read once per location and change by ``load_pack``, so an
    edited pack is a new pack with a new engine). The engine holds its pack, so the key cannot be reused while the
    entry lives; the least recently used engines beyond :data:`ENGINES_KEPT` are dropped."""
    key = id(pack)
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is not None and engine.pack is pack:
            _ENGINES.move_to_end(key)
            return engine
        engine = _ENGINES[key] = Engine(pack)
        while len(_ENGINES) > ENGINES_KEPT:
            _ENGINES.popitem(last=False)
        return engine
