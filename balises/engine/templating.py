"""Clause templates: Jinja2 in its immutable sandbox, StrictUndefined, values escaped for the markup.

A value typed by a user (an organisation's name, a tool's name) is escaped before it enters the
markup, so "*Studio* [x](y)" stays text; template authors write markup, users never do.
"""

from __future__ import annotations

import calendar
import contextlib
import contextvars
import datetime as dt
import functools
import re
import time
from typing import TYPE_CHECKING, Any

from jinja2 import FunctionLoader, StrictUndefined, TemplateError, UndefinedError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import generate_lorem_ipsum
from markupsafe import Markup

from balises.contract import vocabulary
from balises.engine.decisions import join
from balises.engine.statements import lcfirst, ucfirst
from balises.errors import PackError
from balises.problems import Place

if TYPE_CHECKING:
    from balises.engine.pack import Pack

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


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1

    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# ---------------------------------------------------------------- limits for templates from untrusted packs
#
# The sandbox keeps a template from reaching Python; these limits keep it from hanging or exhausting the
# machine: arithmetic and repetition bounded before they are computed, every loop step and call counted
# against a budget of steps and time, and the text produced capped, per clause and per generation.

MAX_RENDER_SECONDS = 5.0  # one clause; an honest one takes milliseconds
MAX_RENDER_CHARS = 1_000_000
MAX_GENERATION_SECONDS = 60.0  # every clause of one policy
MAX_GENERATION_CHARS = 10_000_000
MAX_STEPS = 1_000_000  # loop iterations and calls in one clause
MAX_INT_BITS = 4096  # about 1,200 digits
MAX_TEXT = 1_000_000  # characters of any value built by a template (a string, a list)
MAX_WIDTH = 100_000  # width or count arguments (center, zfill, lipsum, format widths)
_WIDE_SPEC = re.compile(r"(?:%[-+ #0]*(?:\*|\d{6,})|\{[^{}]*:[^{}]*\d{6,}[^{}]*\})")


class LimitExceeded(SecurityError):
    """A template went past one of the limits above (a bomb, or a loop that never ends)."""


class _Budget:
    __slots__ = ("deadline", "seconds", "steps", "chars")

    def __init__(self, seconds: float, chars: int, parent: "_Budget | None" = None):
        now = time.monotonic()
        self.seconds = seconds
        self.deadline = now + seconds
        if parent is not None and parent.deadline < self.deadline:
            self.deadline, self.seconds = parent.deadline, parent.seconds
        self.steps = 0
        self.chars = chars

    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise LimitExceeded(f"loop limit reached (more than {MAX_STEPS} steps)")
        if self.steps & 255 == 0 and time.monotonic() > self.deadline:
            raise LimitExceeded(f"time limit reached ({self.seconds:g} s)")

    def spend(self, chars: int) -> None:
        self.chars -= chars
        if self.chars < 0:
            raise LimitExceeded("output too large")


_RENDER: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("balises_render", default=None)
_GENERATION: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("balises_generation", default=None)


def _tick() -> None:
    budget = _RENDER.get()
    if budget is not None:
        budget.tick()


@contextlib.contextmanager
def generation_limits(seconds: float = MAX_GENERATION_SECONDS, chars: int = MAX_GENERATION_CHARS):
    """Limits for all the clauses rendered inside the block (one policy)."""
    token = _GENERATION.set(_Budget(seconds, chars))
    try:
        yield
    finally:
        _GENERATION.reset(token)


def _too_long(kind: str, size: int) -> LimitExceeded:
    return LimitExceeded(f"{kind} too large ({size} characters; at most {MAX_TEXT})")


def _check_size(value: Any) -> Any:
    if isinstance(value, (str, list, tuple)) and len(value) > MAX_TEXT:
        raise _too_long("text" if isinstance(value, str) else "list", len(value))
    return value


def _check_int(value: Any) -> Any:
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise LimitExceeded(f"number too large (more than {MAX_INT_BITS} bits)")
    return value


def _check_width(*values: Any) -> None:
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_WIDTH:
            raise LimitExceeded(f"argument too large ({value}; at most {MAX_WIDTH})")
        if isinstance(value, str) and _WIDE_SPEC.search(value):
            raise LimitExceeded(f"format width too large (at most {MAX_WIDTH})")


def _loop(iterable):
    """Every ``{% for %}`` iterates through this: each step counts against the clause's budget."""
    for item in iterable:
        _tick()
        yield item


def _concat(*parts) -> str:
    """``a ~ b``: the sizes are checked before the text is built (doubling a string 40 times)."""
    texts = [str(p) for p in parts]
    size = sum(len(t) for t in texts)
    if size > MAX_TEXT:
        raise _too_long("text", size)
    return "".join(texts)


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002 - Jinja's names

    _check_width(n * max)
    return generate_lorem_ipsum(n=n, html=html, min=min, max=max)


def _finalize(value: Any) -> str:
    """Every ``{{ … }}``, inside ``{% set %}`` blocks too (a block can double a text without a loop)."""
    text = escape_markup(value)
    if len(text) > MAX_TEXT:
        raise _too_long("text", len(text))
    _tick()
    return text


def _bounded_filter(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        _tick()
        _check_width(*args[1:], *kwargs.values())
        return _check_size(func(*args, **kwargs))

    return wrapper


_STR_METHODS_WITH_SIZE = {"center", "ljust", "rjust", "zfill", "expandtabs", "format", "format_map", "join",
                          "replace", "__mul__", "__rmul__", "__mod__"}


class _LimitedTransformer:
    """Rewrites a parsed template: loops step through ``_loop``, ``~`` goes through ``_concat``."""

    @staticmethod
    def apply(tree: nodes.Template) -> nodes.Template:
        for node in tree.find_all(nodes.For):
            node.iter = nodes.Call(nodes.Name("_balises_loop", "load"), [node.iter], [], None, None)
        for node in list(tree.find_all(nodes.Concat)):
            call = nodes.Call(nodes.Name("_balises_concat", "load"), list(node.nodes), [], None, None)
            node.nodes = [call]  # a Concat of one part: str() of the checked text
        return tree


class _ClauseSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with limits (see above) and a fast path for ``org.name`` on plain dicts.

    Jinja tries the attribute first and falls back to the item, paying for an exception each time; the
    context is made of plain dicts of data, so their items are returned directly (an item is data, never
    a method, so the sandbox has nothing to guard there)."""

    intercepted_binops = frozenset(["*", "**", "+", "%", "//", "/", "-"])
    intercepted_unops = frozenset(["-"])

    def getattr(self, obj, attribute):
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)

    def _generate(self, source, name, filename, defer_init=False):
        if isinstance(source, nodes.Template):
            source = _LimitedTransformer.apply(source)
        return super()._generate(source, name, filename, defer_init=defer_init)

    def call_binop(self, context, operator, left, right):
        _tick()
        if operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
            if right * abs(left).bit_length() > MAX_INT_BITS:
                raise LimitExceeded(f"number too large ({left} ** {right}; at most {MAX_INT_BITS} bits)")
        elif operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_TEXT:
                    raise _too_long("text" if isinstance(seq, str) else "list", len(seq) * times)
            if isinstance(left, int) and isinstance(right, int) and \
                    left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise LimitExceeded(f"number too large (more than {MAX_INT_BITS} bits)")
        elif operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
            if len(left) + len(right) > MAX_TEXT:
                raise _too_long("text" if isinstance(left, str) else "list", len(left) + len(right))
        elif operator == "%" and isinstance(left, str):
            _check_width(left)
        return _check_int(super().call_binop(context, operator, left, right))

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        _tick()
        # str.format comes wrapped by the sandbox (functools.wraps keeps the bound method as __wrapped__)
        owner = getattr(getattr(__obj, "__wrapped__", __obj), "__self__", None)
        if isinstance(owner, str) and getattr(__obj, "__name__", "") in _STR_METHODS_WITH_SIZE:
            _check_width(owner, *args, *kwargs.values())
            if __obj.__name__ == "replace" and len(args) >= 2 and isinstance(args[0], str) \
                    and isinstance(args[1], str):
                grows = (owner.count(args[0]) if args[0] else len(owner) + 1) * (len(args[1]) - len(args[0]))
                if len(owner) + grows > MAX_TEXT:
                    raise _too_long("text", len(owner) + grows)
        return _check_size(super().call(__context, __obj, *args, **kwargs))


class ClauseRenderer:
    """Renders the clause templates of one pack; compiled templates are cached in the environment."""

    def __init__(self, pack: Pack):
        self.pack = pack
        self.env = _ClauseSandbox(
            loader=FunctionLoader(self._load),
            undefined=StrictUndefined,
            autoescape=False,
            finalize=_finalize,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            cache_size=4000,
            auto_reload=False,
        )
        self.env.filters["md"] = lambda v: Markup(str(v))  # already markup (e.g. a rule's parameter text)
        self.env.filters["join_words"] = lambda items, lang="fr": join(items, lang)
        self.env.filters["ucfirst"] = lambda v: ucfirst(str(v)) if v else ""
        # a statement's text keeps its case: only its first letter changes (never lower-cased, as Jinja's would)
        self.env.filters["capitalize"] = lambda v: ucfirst(str(v)) if v else ""
        self.env.filters["lcfirst"] = lambda v: lcfirst(str(v)) if v else ""
        for key, func in list(self.env.filters.items()):
            self.env.filters[key] = _bounded_filter(func)
        self.env.globals.update(lipsum=_lipsum, _balises_loop=_loop, _balises_concat=_concat)

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
        parent = _GENERATION.get()
        budget = _Budget(MAX_RENDER_SECONDS, MAX_RENDER_CHARS, parent)
        token = _RENDER.set(budget)
        try:
            parts = []
            for chunk in self.env.get_template(name).generate(context):
                budget.spend(len(chunk))
                parts.append(chunk)
            text = "".join(parts)
            if parent is not None:
                parent.spend(len(text))
                if time.monotonic() > parent.deadline:
                    raise LimitExceeded(f"time limit of the whole policy reached ({parent.seconds:g} s)")
            return text
        except LimitExceeded as exc:
            raise PackError(f"gabarit arrêté à une limite ({_fr_limit(str(exc))}).",
                            f"template stopped at a limit ({exc}).", place=Place(origin)) from None
        except (MemoryError, OverflowError, RecursionError) as exc:
            kind = type(exc).__name__
            raise PackError(f"gabarit arrêté ({kind} : valeur trop grande ou récursion sans fin).",
                            f"template stopped ({kind}: value too large or endless recursion).",
                            place=Place(origin)) from None
        except SecurityError as exc:
            raise PackError(f"opération interdite dans un gabarit ({exc}).",
                            f"operation not allowed in a template ({exc}).", place=Place(origin)) from None
        except UndefinedError as exc:
            raise PackError(f"variable inconnue dans le gabarit ({exc.message}).",
                            f"unknown variable in template ({exc.message}).", place=Place(origin)) from None
        except TemplateError as exc:
            raise PackError(f"erreur de gabarit ({exc}).", f"template error ({exc}).",
                            place=Place(origin, getattr(exc, "lineno", None) or 0)) from None
        finally:
            _RENDER.reset(token)


def _fr_limit(message: str) -> str:
    """The French wording of a LimitExceeded message (numbers kept)."""
    for en, fr in (("loop limit reached", "limite de boucle atteinte"), ("time limit reached", "limite de temps atteinte"),
                   ("output too large", "texte produit trop long"), ("number too large", "nombre trop grand"),
                   ("text too large", "texte trop long"), ("list too large", "liste trop longue"),
                   ("argument too large", "argument trop grand"), ("format width too large", "largeur trop grande"),
                   ("characters", "caractères"), ("at most", "au plus"), ("steps", "pas"), ("more than", "plus de")):
        message = message.replace(en, fr)
    return message


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
        "join": lambda items: join(items, lang),
        "add_months": add_months,
    }
