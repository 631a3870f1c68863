"""Statements: what a document says that the decision model decides, identifiable wherever it is written.

The wording of the model (``balises.engine.views``) wraps each statement in invisible markers carrying its key
(``use.grant_writing.verdict``, ``tool.2.standing``, ``date.effective``…). A template only prints it; the markup
parser turns the marked text into runs that carry the key, the Word renderer puts a hidden bookmark around them
and lists them in the embedded data. ``balises check`` reads them back and compares each with what the model
says now. A key names a tool by its place in the answers, never by its name (user text).

The markers are characters of Unicode's private use area, removed from every value a user typed before it
reaches a template (``clean``), so that no answer can forge a statement.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

OPEN, MID, CLOSE = "\ue000", "\ue001", "\ue002"
_MARKED = re.compile(f"{OPEN}([a-z0-9_.+-]+){MID}(.*?){CLOSE}", re.DOTALL)
_ANY_MARK = re.compile(f"[{OPEN}{MID}{CLOSE}]")
_KEY = re.compile(r"^[a-z0-9_.-]+(\+[a-z0-9_.-]+)*$")  # several keys joined by + when one text says them all


class Said:
    """The statements one wording of the model produced: key -> every form it was written in."""

    def __init__(self, mark: bool = True):
        self.mark = mark
        self.forms: dict[str, set[str]] = defaultdict(set)

    def __call__(self, key: str, text: str) -> str:
        if not _KEY.match(key):
            raise ValueError(f"statement key {key!r}")
        text = strip(str(text))
        for one in key.split("+"):
            self.forms[one].add(text)
        return f"{OPEN}{key}{MID}{text}{CLOSE}" if self.mark and text else text

    def also(self, key: str, *texts: str) -> None:
        """Other forms a statement may take (a verdict said "Oui" in one place and "Permis" in another)."""
        self.forms[key].update(strip(t) for t in texts if t)


def keys(key: str) -> list[str]:
    """The statements one marked text says (several joined by +)."""
    return key.split("+")


def strip(text: str) -> str:
    """The text a statement says, without its markers and keys (a marked value inside another one keeps only
    the outer key)."""
    if OPEN not in text and MID not in text and CLOSE not in text:
        return text
    previous = None
    while previous != text:  # innermost first
        previous, text = text, _MARKED.sub(lambda m: m.group(2), text)
    return _ANY_MARK.sub("", text)


def clean(text: str) -> str:
    """A user's value as it may enter a template: no statement marker in it."""
    return _ANY_MARK.sub("", text)


def split(text: str) -> list[tuple[str, str | None]]:
    """(text, key) pieces of a text with markers; key None outside any statement."""
    if OPEN not in text:
        return [(text, None)]
    out: list[tuple[str, str | None]] = []
    pos = 0
    for m in _MARKED.finditer(text):
        if m.start() > pos:
            out.append((_ANY_MARK.sub("", text[pos:m.start()]), None))
        out.append((strip(m.group(2)), m.group(1)))
        pos = m.end()
    if pos < len(text):
        out.append((_ANY_MARK.sub("", text[pos:]), None))
    return [(t, k) for t, k in out if t]


def ucfirst(text: str) -> str:
    """The first visible letter in upper case, markers left where they are."""
    return _first(text, str.upper)


def lcfirst(text: str) -> str:
    """The first visible letter in lower case ("Meanwhile, …" after a colon), an acronym left as it is."""
    return _first(text, lambda ch: ch.lower(), keep_acronym=True)


def _first(text: str, change, keep_acronym: bool = False) -> str:
    for i, ch in enumerate(text):
        if ch in (OPEN, MID, CLOSE):
            continue
        if i > 0 and text[:i].count(OPEN) > text[:i].count(MID):  # inside a key: skip to its text
            continue
        if keep_acronym and text[i + 1:i + 2].isupper():
            return text
        return text[:i] + change(ch) + text[i + 1:]
    return text


def norm(text: str) -> str:
    """How two statements are compared: case, spacing, apostrophes and typographic spaces aside."""
    text = unicodedata.normalize("NFC", text).replace("\u2019", "'").replace("\u00a0", " ").replace("\u202f", " ")
    text = re.sub(r"\s+([:;!?»])", r"\1", text)
    text = re.sub(r"«\s+", "«", text)
    return " ".join(text.split()).casefold().strip(" .;")
