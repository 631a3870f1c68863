"""Text shared by every layer: a text in both languages, the "did you mean" of an unknown name, and a value
shown as literal text in Markdown. Imports nothing of Balises, so that everything may import it."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict


class Bilingual(BaseModel):
    """A text in French and in English (a rule's why, a message, a notice), read from data or built in code."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    fr: str
    en: str

    def get(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


def closest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The choice nearest ``word`` (a typo's likely meaning), or None when none is near enough."""
    found = difflib.get_close_matches(str(word), sorted(choices), n=1, cutoff=cutoff)
    return found[0] if found else None


def did_you_mean(word: str, choices: Iterable[str], lang: str = "en", *, cutoff: float = 0.6,
                 aside: bool = True) -> str:
    """`` (did you mean 'x'?)`` to append to a message about an unknown ``word`` ("" when nothing is near);
    with ``aside`` false, as a clause after a semicolon instead of in parentheses."""
    hint = closest(word, choices, cutoff)
    if hint is None:
        return ""
    if aside:
        return f" (vouliez-vous dire {hint!r} ?)" if lang == "fr" else f" (did you mean {hint!r}?)"
    return f" ; vouliez-vous dire {hint!r} ?" if lang == "fr" else f"; did you mean {hint!r}?"


# the marks that make images, links, directives (:red[…]), formulas ($…$), HTML, tables or emphasis; apostrophes,
# colons and parentheses stay as they are, so that messages read the same in the page's source
_MD_ACTIVE = re.compile(r"([\\`*_\[\]<>!$|~#{}])")


def md_text(value: Any) -> str:
    """A user's or a file's text as literal text inside Markdown: ``![x](https://…)`` would make every browser
    showing it fetch a remote image, ``:red[…]`` or ``$…$`` restyle it. CommonMark lets any ASCII punctuation
    be escaped with a backslash; line breaks are kept."""
    return _MD_ACTIVE.sub(r"\\\1", str(value))
