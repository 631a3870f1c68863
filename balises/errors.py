"""Errors a user can act on. Each carries its message in French and English and, where it applies, the
place at fault (a field path, or ``file:line``) as a field of its own, written before the message when shown."""

from __future__ import annotations

from balises.problems import Place
from balises.text import Bilingual


class BalisesError(Exception):
    """Bad input or a bad pack: reported to the user as a short message, never as a traceback."""

    def __init__(self, fr: str, en: str | None = None, *, details: list[Bilingual] | None = None,
                 place: Place | None = None):
        self.reason = Bilingual.model_construct(fr=fr, en=en or fr)  # what is wrong, without the place
        self.place = place
        self.details = details or []  # one per problem, shown under the headline
        super().__init__(self.en)

    @property
    def fr(self) -> str:
        return f"{self.place} : {self.reason.fr}" if self.place else self.reason.fr

    @property
    def en(self) -> str:
        return f"{self.place}: {self.reason.en}" if self.place else self.reason.en

    def message(self, lang: str = "en") -> str:
        head = self.fr if lang == "fr" else self.en
        lines = [head] + ["  - " + detail.get(lang) for detail in self.details]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.message("en")


class InputFileError(BalisesError):
    """A file that cannot be read or parsed (missing, too large, malformed YAML/JSON)."""


class ProfileError(BalisesError):
    """A profile that does not satisfy the contract; details name each field."""

    def __init__(self, fr: str, en: str, *, problems: list | None = None, place: Place | None = None):
        self.problems = list(problems or [])  # balises.problems.Problem, one per field at fault
        super().__init__(fr, en, details=[Bilingual(fr=p.text("fr"), en=p.text("en")) for p in self.problems],
                         place=place)


class PackError(BalisesError):
    """A rule pack or template set that is malformed or unsafe."""


class OutputError(BalisesError):
    """The output cannot be written where asked."""
