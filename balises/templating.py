"""Clause templates: Jinja2 in its immutable sandbox, StrictUndefined, values escaped for the markup.

A value typed by a user (an organisation's name, a tool's name) is escaped before it enters the
markup, so "*Studio* [x](y)" stays text; template authors write markup, users never do.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from jinja2 import FunctionLoader, StrictUndefined, TemplateError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from . import vocabulary
from .decisions import join
from .errors import PackError
from .pack import Pack

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!])")
_BULLET_START = re.compile(r"^([-+=])")
_NUMBER_START = re.compile(r"^(\d+)([.)])(?=\s|$)")  # "1. " would open a list; "1.0" would not

FR_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre"]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]


def escape_markup(value: Any) -> str:
    """A user's value as literal text inside the markup."""
    if isinstance(value, Markup):
        return str(value)
    if value is None:
        return ""
    text = " ".join(str(value).split())  # no newline can open a new block
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _BULLET_START.sub(r"\\\1", text)
    return _NUMBER_START.sub(r"\1\\\2", text)


def format_date(value: dt.date | str | None, locale: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    if locale.startswith("fr"):
        day = "1er" if value.day == 1 else str(value.day)
        return f"{day} {FR_MONTHS[value.month - 1]} {value.year}"
    if locale == "en-CA":
        return f"{EN_MONTHS[value.month - 1]} {value.day}, {value.year}"
    return f"{value.day} {EN_MONTHS[value.month - 1]} {value.year}"


def join_words(items: list, lang: str) -> str:
    return join(items, lang)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    import calendar

    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class _ClauseSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with a fast path for ``org.name`` on the plain dicts templates receive.

    Jinja tries the attribute first and falls back to the item, paying for an exception each time; the
    context is made of plain dicts of data, so their items are returned directly (an item is data, never
    a method, so the sandbox has nothing to guard there)."""

    def getattr(self, obj, attribute):
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


class ClauseRenderer:
    """Renders the clause templates of one pack; compiled templates are cached in the environment."""

    def __init__(self, pack: Pack):
        self.pack = pack
        self.env = _ClauseSandbox(
            loader=FunctionLoader(self._load),
            undefined=StrictUndefined,
            autoescape=False,
            finalize=escape_markup,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            cache_size=4000,
            auto_reload=False,
        )
        self.env.filters["md"] = lambda v: Markup(str(v))  # already markup (e.g. a rule's parameter text)
        self.env.filters["join_words"] = lambda items, lang="fr": join_words(items, lang)
        self.env.filters["ucfirst"] = lambda v: (str(v)[:1].upper() + str(v)[1:]) if v else ""

    def _load(self, name: str):
        text = self.pack.templates.get(name)
        if text is None:
            return None
        return text, None, lambda: True

    def has(self, clause: str, lang: str) -> bool:
        return self.pack.template_key(clause, lang) in self.pack.templates

    def render(self, clause: str, lang: str, context: dict) -> str:
        name = self.pack.template_key(clause, lang)
        origin = self.pack.template_files.get(name, name)
        try:
            return self.env.get_template(name).render(context)
        except SecurityError as exc:
            raise PackError(f"{origin} : opération interdite dans un gabarit ({exc}).",
                            f"{origin}: operation not allowed in a template ({exc}).") from None
        except UndefinedError as exc:
            raise PackError(f"{origin} : variable inconnue dans le gabarit ({exc.message}).",
                            f"{origin}: unknown variable in template ({exc.message}).") from None
        except TemplateError as exc:
            line = getattr(exc, "lineno", None)
            where = f"{origin}:{line}" if line else origin
            raise PackError(f"{where} : erreur de gabarit ({exc}).", f"{where}: template error ({exc}).") from None


def helpers(lang: str, locale: str, terms: dict[str, dict[str, str]]) -> dict[str, Any]:
    """Functions every clause template may call."""

    def label(value, kind=None):
        return vocabulary.label(value, lang, kind)

    def labels(values, kind=None):
        return [vocabulary.label(v, lang, kind) for v in values]

    def term(key: str) -> str:
        entry = terms.get(key)
        if entry is None:
            raise PackError(f"Terme inconnu dans terms.yaml : {key}", f"Unknown term in terms.yaml: {key}")
        for k in (locale, lang):
            if k in entry:
                return entry[k]
        raise PackError(f"Terme {key} sans traduction pour {locale}", f"Term {key} has no wording for {locale}")

    return {
        "label": label,
        "labels": labels,
        "term": term,
        "date": lambda d: format_date(d, locale),
        "join": lambda items: join_words(items, lang),
        "add_months": add_months,
    }
