"""``balises check``: every document of a kit (or one policy) read back and compared with the decision model.

Each Word file Balises made embeds the answers it was made from, the date and its statements (each verdict,
tool standing, condition, date and contact the model decided, behind a hidden bookmark). The check recomputes
the model from those answers, as of that date, and compares every statement the documents say now with what
the model says: a difference names the document, the place (section, table row), what it says and what the
model says. The register spreadsheet is compared by its columns, the calendar by its events. Each document
must also say what its kind of document states (the aide-mémoire every use, the register every tool…): a
statement left out is a difference too. On a policy the organisation edited, a statement it changed is named
with the documents of the kit that still say the model's answer.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from balises.contract import vocabulary
from balises.contract.profile import parse_profile
from balises.engine import editions
from balises.engine.pack import Pack
from balises.engine.statements import Said, norm
from balises.engine.views import worded_table
from balises.errors import InputFileError
from balises.packs.loader import load_pack
from balises.problems import Place
from balises.render.embedding import read_payload
from balises.safeyaml import read_bytes

MAX_KIT_FILES = 200
MAX_FILE_BYTES = 30 * 1024 * 1024
# what each kind of document must state (balises.engine.views' keys; {use}, {tool}, {cls}, {n} expand over the
# model); and which documents state a key, to name them when one of them says something else
REQUIRED = {
    "full": ("use.{use}.verdict", "use.{use}.tools", "use.{use}.conditions", "use.{use}.publication",
             "tool.{tool}.standing", "tool.{tool}.receives", "date.effective", "date.review"),
    "staff_summary": ("use.{use}.today", "tool.{tool}.standing", "contact.name", "date.effective"),
    "tool_register": ("tool.{tool}.standing", "tool.{tool}.receives", "tool.{tool}.class.{cls}", "date.effective"),
    "implementation_plan": ("decision.{n}", "date.effective"),
    "disclosure_notices": ("date.effective",),
    "adviser_note": ("date.effective",),
    "acknowledgement": ("date.effective", "contact.name"),
}
# a statement one document changed, and the other documents of a kit that say it too (in their own words)
STATED_IN = {
    "use.{x}.verdict": ("staff_summary", "register_xlsx"), "use.{x}.conditions": ("staff_summary", "register_xlsx"),
    "use.{x}.tools": ("register_xlsx",), "tool.{x}.standing": ("staff_summary", "tool_register", "register_xlsx"),
    "tool.{x}.receives": ("tool_register",), "contact.name": ("staff_summary", "acknowledgement"),
    "date.effective": ("staff_summary", "tool_register", "implementation_plan", "acknowledgement", "calendar"),
    "date.review": ("calendar",),
}
EDITION_NAMES = {d.id: (d.named.fr, d.named.en) for d in editions.documents()}  # engine/editions.yaml


@dataclass
class Difference:
    document: str
    place: str
    key: str
    says: str
    model: str
    kind: str = "differs"  # differs | missing | not_in_model
    others: list[str] = field(default_factory=list)  # documents that say the model's answer

    def text(self, lang: str = "en") -> str:
        fr = lang == "fr"
        where = f"{self.document}, {self.place}" if self.place else self.document
        if self.kind == "missing":
            head = (f"{where} : ne dit pas « {self.model} » ({self.key})" if fr else
                    f"{where}: does not say “{self.model}” ({self.key})")
        elif self.kind == "not_in_model":
            head = (f"{where} : dit « {self.says} », que le modèle ne dit plus ({self.key})" if fr else
                    f"{where}: says “{self.says}”, which the model no longer says ({self.key})")
        else:
            head = (f"{where} : dit « {self.says} » ; le modèle dit « {self.model} » ({self.key})" if fr else
                    f"{where}: says “{self.says}”; the model says “{self.model}” ({self.key})")
        if self.others:
            head += (" — contredit " if fr else " — contradicts ") + ", ".join(self.others)
        return head


@dataclass
class Report:
    documents: list[str] = field(default_factory=list)
    statements: int = 0
    differences: list[Difference] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (fr, en)

    def lines(self, lang: str = "en") -> list[str]:
        fr = lang == "fr"
        out = [d.text(lang) for d in self.differences]
        out += [n[0] if fr else n[1] for n in self.notes]
        n = len(self.differences)
        docs = len(self.documents)
        if n:
            out.append(f"{n} différence(s) dans {docs} document(s)." if fr else f"{n} difference(s) in {docs} document(s).")
        else:
            out.append(f"Aucune différence : {docs} document(s), {self.statements} énoncé(s) comparé(s) au modèle."
                       if fr else f"No difference: {docs} document(s), {self.statements} statement(s) compared "
                                  "with the model.")
        return out


class _Model:
    """The decision model of one set of answers as of one date, worded in one language: each statement's
    accepted forms, and the keys each kind of document must state."""

    def __init__(self, profile, pack: Pack, lang: str, as_of: dt.date):
        self.said = Said(mark=False)
        self.view = worded_table(profile, pack, lang, as_of, said=self.said)
        self.forms = {k: {norm(f): f for f in v} for k, v in self.said.forms.items()}
        self.lang = lang
        self.prohibited = self.view["stance_prohibited"]

    def required(self, edition: str) -> list[str]:
        keys = []
        for pattern in REQUIRED.get(edition, ()):
            if "{use}" in pattern:
                if self.prohibited:
                    continue
                keys += [pattern.format(use=u["id"]) for u in self.view["uses"]]
            elif "{tool}" in pattern and self.prohibited and edition == "full":
                continue  # a prohibition lists no tools to use
            elif "{cls}" in pattern:
                keys += [pattern.format(tool=t["index"], cls=c) for t in self.view["tools"]
                         for c in self.view["held_ids"]]
            elif "{tool}" in pattern:
                keys += [pattern.format(tool=t["index"]) for t in self.view["tools"]]
            elif "{n}" in pattern:
                keys += [pattern.format(n=d["number"]) for d in self.view["to_take"]]
            else:
                keys.append(pattern)
        return [k for k in keys if k in self.forms]

    def says(self, key: str, hint: str = "") -> str:
        """The model's wording of a statement (the form the document first had, when it is still one)."""
        forms = self.forms.get(key, {})
        return forms.get(norm(hint)) or (sorted(forms.values())[0] if forms else "")


_MODELS: dict[tuple, _Model] = {}  # one check's models (cleared at each check_path)


def _model(answers_json: str, pack: Pack, lang: str, as_of: dt.date) -> _Model:
    key = (answers_json, id(pack), lang, as_of)
    if key not in _MODELS:
        _MODELS[key] = _Model(parse_profile(json.loads(answers_json), "answers"), pack, lang, as_of)
    return _MODELS[key]


def _payload_model(payload: dict, pack: Pack, source: str) -> _Model:
    try:
        as_of = dt.date.fromisoformat(str(payload.get("generated_on")))
    except ValueError:
        raise InputFileError("date de production illisible dans les données intégrées.",
                             "unreadable generation date in the embedded data.",
                             place=Place(source)) from None
    lang = payload.get("lang") if payload.get("lang") in vocabulary.LANGUAGE_CODES else "fr"
    answers = json.dumps(payload.get("profile"), sort_keys=True, ensure_ascii=False)
    return _model(answers, pack, lang, as_of)


def check_docx(name: str, data: bytes, pack: Pack, report: Report, stated: dict) -> None:
    # lazy: the Word reader (lxml) only when a document is checked
    from balises.render.docx.statements import read_statements

    payload = read_payload(data, name)
    model = _payload_model(payload, pack, name)
    edition = str(payload.get("edition") or "full")
    written = {f"_BalS_{s.get('n')}": s for s in payload.get("statements") or () if isinstance(s, dict)}
    found = read_statements(data, name)
    present: set[str] = set()
    report.documents.append(name)
    for item in found:
        meta = written.get(item.name)
        if meta is None:
            continue  # a bookmark of ours the embedded data does not list: not a statement we can name
        place = _place(item, model.lang)
        for key in str(meta.get("key", "")).split("+"):
            report.statements += 1
            present.add(key)
            if key not in model.forms:
                report.differences.append(Difference(name, place, key, item.text.strip(), "", "not_in_model"))
                continue
            if norm(item.text) not in model.forms[key]:
                report.differences.append(Difference(name, place, key, item.text.strip(),
                                                     model.says(key, meta.get("text", ""))))
            else:
                stated.setdefault(key, set()).add(name)
    for key in model.required(edition):
        if key not in present:
            report.differences.append(Difference(name, "", key, "", model.says(key), "missing"))


def _place(item, lang: str) -> str:
    fr = lang == "fr"
    parts = []
    if item.heading:
        parts.append(f"« {item.heading} »" if fr else f"“{item.heading}”")
    if item.row:
        parts.append((f"ligne « {item.row} »" if fr else f"row “{item.row}”"))
    return ", ".join(parts)


def check_xlsx(name: str, path: Path, model: _Model, report: Report) -> None:
    from balises.render.register_xlsx import HEADERS, register_rows
    from balises.services.spreadsheet import check_workbook

    import openpyxl  # lazy: ~200 ms

    check_workbook(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a broken file
        raise InputFileError(f"classeur illisible ({exc}).", f"unreadable workbook ({exc}).",
                             place=Place(name)) from None
    report.documents.append(name)
    expected = register_rows(model.view, model.lang)
    titles = HEADERS[model.lang]
    for sheet_key, (header, rows) in expected.items():
        sheet = next((s for s in book.worksheets if norm(s.title) == norm(titles[sheet_key])), None)
        if sheet is None:
            report.differences.append(Difference(name, "", f"sheet.{sheet_key}", "", header[0], "missing"))
            continue
        cells = [[("" if c is None else str(c)) for c in row] for row in sheet.iter_rows(values_only=True)]
        if not cells:
            report.differences.append(Difference(name, sheet.title, f"sheet.{sheet_key}", "", header[0], "missing"))
            continue
        actual_header = [h.strip() for h in cells[0]]
        column = {norm(h): i for i, h in enumerate(actual_header) if h}
        for h in header:
            if norm(h) not in column:
                report.differences.append(Difference(name, sheet.title, f"column.{h}", "", h, "missing"))
        for h in actual_header:
            if h and norm(h) not in {norm(x) for x in header}:
                report.differences.append(Difference(name, sheet.title, f"column.{h}", h, "", "not_in_model"))
        by_first = {norm(r[0]): r for r in cells[1:] if r and r[0]}
        for row in rows:
            actual = by_first.get(norm(row[0]))
            place = f"{sheet.title}, " + (f"ligne « {row[0]} »" if model.lang == "fr" else f"row “{row[0]}”")
            if actual is None:
                report.differences.append(Difference(name, sheet.title, f"row.{row[0]}", "", row[0], "missing"))
                continue
            for h, value in zip(header[1:], row[1:]):
                i = column.get(norm(h))
                if i is None:
                    continue
                report.statements += 1
                said = actual[i].lstrip("'") if i < len(actual) else ""
                if norm(said) != norm(value):
                    report.differences.append(Difference(name, f"{place}, {h}", f"cell.{h}", said, value))
        for first, actual in by_first.items():
            if first not in {norm(r[0]) for r in rows}:
                report.differences.append(Difference(name, sheet.title, "row", actual[0], "", "not_in_model"))


def check_ics(name: str, data: bytes, model: _Model, report: Report) -> None:
    from icalendar import Calendar  # lazy

    try:
        calendar = Calendar.from_ical(data)
    except Exception as exc:  # noqa: BLE001 - icalendar raises ValueError and others on a broken file
        raise InputFileError(f"calendrier illisible ({exc}).", f"unreadable calendar ({exc}).",
                             place=Place(name)) from None
    report.documents.append(name)
    dates = model.view["dates"]
    wanted = {"effective": dates["effective_day"], "review": dates["review_day"]}
    seen = set()
    for event in calendar.walk("VEVENT"):
        uid = str(event.get("uid", ""))
        kind = uid.split("-", 1)[0]
        if kind not in wanted:
            continue
        seen.add(kind)
        start = event.decoded("dtstart")
        start = start.date() if isinstance(start, dt.datetime) else start
        report.statements += 1
        if start != wanted[kind]:
            report.differences.append(Difference(name, str(event.get("summary", "")), f"date.{kind}",
                                                 start.isoformat(), wanted[kind].isoformat()))
    for kind, day in wanted.items():
        if kind == "effective" and day < dates["generated_day"]:
            continue
        if kind not in seen:
            report.differences.append(Difference(name, "", f"date.{kind}", "", day.isoformat(), "missing"))


def check_path(location: str | Path, pack: Pack | None = None) -> Report:
    """Check a kit folder, or one document Balises made."""
    pack = pack or load_pack()
    path = Path(location)
    report = Report()
    _MODELS.clear()
    stated: dict[str, set[str]] = {}
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".docx", ".xlsx", ".ics")
                       and not p.name.startswith(("~$", ".")))
        if len(files) > MAX_KIT_FILES:
            raise InputFileError(f"plus de {MAX_KIT_FILES} fichiers.", f"more than {MAX_KIT_FILES} files.",
                                 place=Place(str(path)))
        docx = [p for p in files if p.suffix.lower() == ".docx"]
        if not docx:
            raise InputFileError("aucun document Word produit par Balises dans ce dossier.",
                                 "no Word document made by Balises in this folder.", place=Place(str(path)))
        payloads = {}
        for p in docx:
            data = read_bytes(p, MAX_FILE_BYTES)
            payloads[p.name] = read_payload(data, p.name)
            check_docx(p.name, data, pack, report, stated)
        answers = {json.dumps(v.get("profile"), sort_keys=True) for v in payloads.values()}
        if len(answers) > 1:
            report.notes.append(("Les documents du dossier ne viennent pas tous des mêmes réponses.",
                                 "The documents in the folder do not all come from the same answers."))
        by_lang = {v.get("lang"): v for v in payloads.values() if v.get("edition") == "full"} or \
            {v.get("lang"): v for v in payloads.values()}
        for p in files:
            if p.suffix.lower() == ".docx":
                continue
            lang = "fr" if p.name.endswith(f".fr{p.suffix}") else "en" if p.name.endswith(f".en{p.suffix}") else None
            source = by_lang.get(lang) or next(iter(by_lang.values()))
            model = _payload_model({**source, "lang": lang or source.get("lang")}, pack, p.name)
            if p.suffix.lower() == ".xlsx":
                check_xlsx(p.name, p, model, report)
            else:
                check_ics(p.name, read_bytes(p, MAX_FILE_BYTES), model, report)
    else:
        if not path.exists():
            raise InputFileError("introuvable.", "not found.", place=Place(str(path)))
        if path.suffix.lower() != ".docx":
            raise InputFileError("un dossier de kit ou un document Word (.docx) est attendu.",
                                 "a kit folder or a Word document (.docx) is expected.",
                                 place=Place(str(path)))
        check_docx(path.name, read_bytes(path, MAX_FILE_BYTES), pack, report, stated)
    _name_others(report, stated, path.is_dir())
    return report


def _name_others(report: Report, stated: dict[str, set[str]], kit: bool) -> None:
    """A statement one document changed, that other documents still say as the model does: name them (in a
    kit, the files; for a policy alone, the documents of its kit that state it)."""
    for d in report.differences:
        if d.kind != "differs":
            continue
        if kit:
            d.others = sorted(stated.get(d.key, set()) - {d.document})
        else:
            fr = d.document.endswith(".fr.docx")
            d.others = [EDITION_NAMES[e][0 if fr else 1] for pattern, editions in STATED_IN.items()
                        if _matches(pattern, d.key) for e in editions]


def _matches(pattern: str, key: str) -> bool:
    parts, keys = pattern.split("."), key.split(".")
    return len(parts) == len(keys) and all(p.startswith("{") or p == k for p, k in zip(parts, keys))
