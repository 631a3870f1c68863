"""A problem found in what a user or a pack gave: its place (a field of the answers such as ``tools[0].hosting``,
or a file and its line such as ``rules/data.yaml:13``), what is wrong in English and in French, and its code.
Every check (the profile model, lint, pack tests) returns these, and an error carries its place the same way;
only the edge (CLI, wizard, batch report) formats them, in the language the user chose."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    """Where a problem is: a file (a pack's, a profile, a document…) and its line (0: the whole file), or a
    field of the answers (a dotted path, or a spreadsheet's column)."""

    file: str = ""
    line: int = 0
    field: str = ""

    def __str__(self) -> str:
        if self.field:
            return self.field
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class Problem:
    place: Place
    message: str  # English, without the place
    fr: str = ""  # French ("": not yet translated, the English is shown)
    code: str = ""  # what kind of problem ("literal_error", "cse_outside_france"…), for programs
    subject: str = ""  # what it is about (the unknown clause…), for programs: never read in the message

    @property
    def where(self) -> str:
        return str(self.place)

    def reason(self, lang: str = "en") -> str:
        return (self.fr or self.message) if lang == "fr" else self.message

    def text(self, lang: str = "en") -> str:
        return f"{self.where}: {self.reason(lang)}"  # file:line: message, as compilers say it, in both languages

    def __str__(self) -> str:
        return self.text("en")
