"""A problem found in what a user or a pack gave: where (a field path such as ``tools[0].hosting``, or a
place in a file such as ``rules/data.yaml:13``), what is wrong in English and in French, and its code.
Every check (the profile model, lint, pack tests) returns these; only the edge (CLI, wizard, batch
report) formats them, in the language the user chose."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    where: str
    message: str  # English, without the where
    fr: str = ""  # French ("": not yet translated, the English is shown)
    code: str = ""  # what kind of problem ("literal_error", "cse_outside_france"…), for programs

    def reason(self, lang: str = "en") -> str:
        return (self.fr or self.message) if lang == "fr" else self.message

    def text(self, lang: str = "en") -> str:
        return f"{self.where}: {self.reason(lang)}"  # file:line: message, as compilers say it, in both languages

    def __str__(self) -> str:
        return self.text("en")
