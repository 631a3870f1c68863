"""One engine per pack: everything worked out once from a pack and reused by every document made with it — the
compiled clause templates (the sandboxed Jinja environment), the parsed clause markup, and what a later stage
works out once per pack (the Word renderer: the style ids of the pack's reference document, see :meth:`kept`).

The pack holds its engine (:attr:`balises.engine.pack.Pack.engine`); nothing else is stored on the pack. It is
shared by threads and Streamlit sessions: it cannot be changed from outside, its caches are filled under locks,
and what it hands out is either immutable (strings, the read-only style map) or a fresh copy (parsed blocks), so
editing one document never changes the next.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from balises.engine import markup
from balises.engine.document import Block
from balises.engine.templating import ClauseRenderer

if TYPE_CHECKING:
    from balises.engine.pack import Pack

MARKUP_CACHE_SIZE = 4096  # distinct (clause text, locale) pairs kept per pack


class Engine:
    """The compiled state of one pack. Obtain it as ``pack.engine``; its attributes are read only."""

    __slots__ = ("pack", "_renderer", "_parsed", "_lock", "_kept")

    def __init__(self, pack: Pack):
        setattr_ = object.__setattr__
        setattr_(self, "pack", pack)
        setattr_(self, "_renderer", ClauseRenderer(pack))
        # functools' cache is thread-safe; it keeps its own blocks, callers get copies (see parse)
        setattr_(self, "_parsed", functools.lru_cache(maxsize=MARKUP_CACHE_SIZE)(
            lambda text, locale: tuple(markup.parse(text, locale))))
        setattr_(self, "_lock", threading.Lock())
        setattr_(self, "_kept", {})

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

    def kept(self, name: str, make: Callable[[], Any]) -> Any:
        """The value ``make()`` gives, worked out on the first call and kept with the pack (a later stage's own
        once-per-pack state, such as the reference's style ids for the Word renderer). ``make`` must return an
        immutable value: every document, thread and session gets the same one."""
        value = self._kept.get(name)
        if value is None:
            with self._lock:
                value = self._kept.get(name)
                if value is None:
                    value = self._kept[name] = make()
        return value
