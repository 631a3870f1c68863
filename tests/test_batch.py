"""`balises batch`: one policy per spreadsheet row, in parallel, with a per-row report."""

import csv
import hashlib
import shutil

import openpyxl
import pytest
from click.testing import CliRunner

from balises.cli.main import main
from balises.contract.profile import parse_profile
from balises.render.embedding import read_payload
from balises.safeyaml import load_data_file
from balises.services.batch import output_names
from balises.services.spreadsheet import Row, flatten, read_rows, template_columns, unflatten
from balises.slug import slugify

from .conftest import EXAMPLES, ROOT

BAD_ROWS = {  # spreadsheet row number -> (column, bad value)
    17: ("organisation.jurisdiction", "ontario"),
    88: ("organisation.employees", "beaucoup"),
    150: ("tools.1.hosting", "mars"),
}


def _rows(count: int = 200) -> list[dict]:
    bases = [flatten(load_data_file(EXAMPLES / name)) for name in ("theatre-quebec.yaml",
                                                                    "animation-studio-france.yaml")]
    rows = []
    for i in range(count):
        row = dict(bases[i % 2])
        row["organisation.name"] = f"Membre n° {i + 1} – {'Théâtre' if i % 2 == 0 else 'Studio'}"
        row["#member_id"] = f"M{i + 1:04d}"  # a notes column, ignored
        number = i + 2  # the header is row 1
        if number in BAD_ROWS:
            column, value = BAD_ROWS[number]
            row[column] = value
        rows.append(row)
    if count > 5:
        rows[5]["organisation.name"] = rows[4]["organisation.name"]  # two members with the same name
    return rows


def _write_csv(path, rows):
    header = ["#member_id"] + template_columns(4)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.slow
def test_batch_of_200_rows_with_3_bad_ones(tmp_path):
    sheet = _write_csv(tmp_path / "members.csv", _rows())
    out = tmp_path / "out"
    # a frozen copy of the default pack, used as a complete pack: the clause text may change while this runs
    frozen = tmp_path / "pack"
    for part in ("rules", "policy_templates", "decisions"):
        shutil.copytree(ROOT / part, frozen / part)
    shutil.copy(ROOT / "pack.yaml", frozen / "pack.yaml")
    runner = CliRunner()
    args = ["batch", str(sheet), "-o", str(out), "--as-of", "2026-11-23", "--lang", "fr", "--jobs", "2",
            "--pack", str(frozen)]
    result = runner.invoke(main, args)
    assert result.exit_code == 1, result.output
    docs = sorted(out.glob("*.docx"))
    assert len(docs) == 197
    with open(out / "report.csv", encoding="utf-8") as fh:
        report = list(csv.DictReader(fh))
    assert list(report[0]) == ["row", "organisation", "status", "file", "error"]
    assert len(report) == 200
    failed = {int(line["row"]): line for line in report if line["status"] == "error"}
    assert set(failed) == set(BAD_ROWS)
    for number, (column, value) in BAD_ROWS.items():
        assert column in failed[number]["error"] and value in failed[number]["error"]
        assert failed[number]["file"] == ""
    ok = [line for line in report if line["status"] == "ok"]
    assert {line["file"] for line in ok} == {p.name for p in docs}
    assert "membre-n-5-theatre.docx" in {p.name for p in docs}
    assert "membre-n-5-theatre-2.docx" in {p.name for p in docs}  # unique names
    payload = read_payload((out / "membre-n-2-studio.docx").read_bytes())
    assert payload["profile"]["organisation"]["name"] == "Membre n° 2 – Studio"
    assert payload["generated_on"] == "2026-11-23"

    first = _digest(out)
    mtimes = {p.name: p.stat().st_mtime_ns for p in docs}
    again = runner.invoke(main, args)
    assert again.exit_code == 1
    assert _digest(out) == first  # same files, same report
    assert {p.name: p.stat().st_mtime_ns for p in docs} == mtimes  # nothing rewritten
    assert "0 written, 197 unchanged" in again.output


def test_xlsx_and_csv_give_the_same_profiles(tmp_path):
    rows = _rows(4)
    csv_path = _write_csv(tmp_path / "m.csv", rows)
    book = openpyxl.Workbook()
    sheet = book.active
    header = ["#member_id"] + template_columns(4)
    sheet.append(header)
    for row in rows:
        values = [row.get(c) for c in header]
        # typed cells, as Excel gives them
        values = [int(v) if c == "organisation.employees" and v else v for c, v in zip(header, values)]
        sheet.append(values)
    xlsx_path = tmp_path / "m.xlsx"
    book.save(xlsx_path)
    a = [parse_profile(r.data).model_dump() for r in read_rows(csv_path)]
    b = [parse_profile(r.data).model_dump() for r in read_rows(xlsx_path)]
    assert a == b and len(a) == 4


def test_flatten_round_trip_and_layout():
    data = load_data_file(EXAMPLES / "animation-studio-france.yaml")
    row = flatten(data)
    assert row["uses.admin"] == "communications;translation;scheduling;coding"
    assert row["tools.2.name"] == "ComfyUI (modèles locaux)"
    assert parse_profile(unflatten(row)).model_dump() == parse_profile(data).model_dump()
    assert unflatten({"organisation.name": "X", "uses.admin": "", "organisation.freelancers": "oui",
                      "tools.1.name": ""}) == {"organisation": {"name": "X", "freelancers": True}}


def test_unknown_column_stops_the_whole_file(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("organisation.nom,organisation.jurisdiction\nX,quebec\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "organisation.nom" in result.output and "organisation.name" in result.output


def test_names_are_slugified_and_unique():
    rows = [Row(2, "2", {"organisation": {"name": "Théâtre L'Œil / Été"}}),
            Row(3, "3", {"organisation": {"name": "theatre l'oeil ete"}}),
            Row(4, "4", {"organisation": {}})]
    names = output_names(rows)
    assert names == {2: "theatre-l-il-ete.docx", 3: "theatre-l-oeil-ete.docx", 4: "row-4.docx"} or \
        len(set(names.values())) == 3
    assert slugify("Éditions du Fleuve Noir") == "editions-du-fleuve-noir"


def test_template_command_and_shipped_templates(tmp_path):
    runner = CliRunner()
    for suffix in (".csv", ".xlsx"):
        path = tmp_path / f"t{suffix}"
        assert runner.invoke(main, ["batch", "--template", str(path)]).exit_code == 0
        rows = read_rows(path)
        assert len(rows) >= 1
        for row in rows:
            parse_profile(row.data)
    for shipped in (EXAMPLES / "members-template.csv", EXAMPLES / "members-template.xlsx"):
        assert [parse_profile(r.data).organisation.name for r in read_rows(shipped)]


def test_folder_of_profiles(tmp_path):
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "a.yaml").write_bytes((EXAMPLES / "theatre-quebec.yaml").read_bytes())
    (folder / "b.yaml").write_text("organisation: {name: B, jurisdiction: mars}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(folder), "-o", str(out), "--jobs", "1", "--lang", "fr"])
    assert result.exit_code == 1, result.output
    report = list(csv.DictReader(open(out / "report.csv", encoding="utf-8")))
    assert [(r["row"], r["status"]) for r in report] == [("a.yaml", "ok"), ("b.yaml", "error")]
    assert "organisation.jurisdiction" in report[1]["error"] and "organisation.sector" in report[1]["error"]
