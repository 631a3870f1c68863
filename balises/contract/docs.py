"""docs/profile.md's generated parts: the example answers file and the enumerations (from the profile model,
the option tables of ``options.yaml`` and an example of ``examples/``), and the questions' section (from
``questions.yaml``). ``python -m balises.contract.docs --write-docs`` rewrites them between their markers;
the rest of the page is written by hand. A test loads the example as a profile.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from balises.contract import questions as wizard_questions
from balises.contract import vocabulary
from balises.contract.paths import MISSING, FieldPath
from balises.contract.profile import Profile, Tool
from balises.safeyaml import load_data_file

ROOT = Path(__file__).resolve().parents[2]
DOCS_FILE = ROOT / "docs" / "profile.md"
EXAMPLE_FILE = ROOT / "examples" / "theatre-quebec.yaml"  # the values shown; keys and comments are the contract's
EXAMPLE_START, EXAMPLE_END = "<!-- example:start -->", "<!-- example:end -->"
COMMENT_COLUMN = 39
MAX_LISTED = 60  # characters: a longer list of options is named in a comment, and listed below the example


def _yaml(value: Any) -> str:
    """A value as YAML 1.1 and 1.2 read alike (``"on"`` quoted: YAML 1.1 reads on as true)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float, dt.date)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_yaml(x) for x in value) + "]"
    text = str(value)
    plain = text.replace("_", "").isalnum() and text.isascii() and text.lower() not in (
        "on", "off", "yes", "no", "y", "n", "true", "false", "null") and not text[0].isdigit()
    return text if plain else json.dumps(text, ensure_ascii=False)


def _listed(name: str) -> bool:
    """Whether a table's options fit in a comment (else it is listed below the example)."""
    return len(" | ".join(vocabulary.ENUMERATIONS[name])) <= MAX_LISTED


def _options(path: str, many: bool) -> str:
    name = vocabulary.table_name(path)
    if not _listed(name):
        return f"{'any' if many else 'one'} of the `{name}` options below"
    return ("any of " if many else "") + " | ".join(_yaml(v) for v in vocabulary.ENUMERATIONS[name])


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) is list or any(_is_list(a) for a in typing.get_args(annotation))


def _comment(path: str, info: Any) -> str:
    parts = []
    if vocabulary.table_name(path):
        parts.append(_options(path, _is_list(info.annotation)))
    question = wizard_questions.question(path)
    if info.description:
        parts.append(info.description)
    elif question is not None and not parts:
        parts.append(question.label[1].removesuffix(" (optional)"))
    low = next((m.ge for m in info.metadata if getattr(m, "ge", None) is not None), None)
    high = next((m.le for m in info.metadata if getattr(m, "le", None) is not None), None)
    if low is not None:
        parts.append(f"{low}..{high:,}" if high is not None else f"at least {low}")
    if info.is_required():
        parts.append("required")
    elif info.get_default(call_default_factory=True) is None:
        parts.append("optional")
    return "; ".join(parts)


def _line(indent: str, key: str, value: str, comment: str, commented: bool = False) -> str:
    text = f"{indent}{'# ' if commented else ''}{key}: {value}"
    return f"{text.ljust(COMMENT_COLUMN - 1)} # {comment}" if comment else text


def _model_lines(model: type[BaseModel], data: dict, prefix: str, indent: str) -> list[str]:
    lines = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        annotation = info.annotation
        value = data.get(name, MISSING) if isinstance(data, dict) else MISSING
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            lines.append(f"{indent}{name}:")
            lines += _model_lines(annotation, value if isinstance(value, dict) else {}, f"{path}.", indent + "  ")
        elif path == "tools":
            lines.append(f"{indent}{name}:".ljust(COMMENT_COLUMN - 1) + " # a list, may be empty; each tool:")
            for i, tool in enumerate(value if isinstance(value, list) else []):
                tool_lines = _model_lines(Tool, tool, "tools.", indent + "    ")
                if i:  # the comments once, on the first tool
                    tool_lines = [line.split(" # ")[0].rstrip() for line in tool_lines]
                tool_lines[0] = indent + "  - " + tool_lines[0].lstrip()
                lines += tool_lines
        elif value is not MISSING:
            lines.append(_line(indent, name, _yaml(value), _comment(path, info)))
        else:  # left out by the example: shown commented, with its default or a possible value
            default = None if info.is_required() else info.get_default(call_default_factory=True)
            table = vocabulary.table_name(path)
            if default is None and table:  # a possible answer rather than null
                default = next(iter(vocabulary.ENUMERATIONS[table]))
            lines.append(_line(indent, name, _yaml(default), _comment(path, info), commented=True))
    return lines


def example_yaml(example: Path = EXAMPLE_FILE) -> str:
    """The example answers file: every field of the contract in its order, the example's answers, the others
    commented out with their default (or a possible value), each with its allowed values."""
    data = load_data_file(example)
    return "\n".join(_model_lines(Profile, data, "", "")) + "\n"


def enumerations() -> str:
    """The option tables too long for a comment, each option with its English label."""
    out = []
    for name, labels in vocabulary.ENUMERATIONS.items():
        paths = [p for p, table in vocabulary.FIELD_TABLES.items() if table == name]
        if not paths or _listed(name):
            continue
        if name == "use":
            parts = vocabulary.USE_CATEGORIES.values()
            out.append(f"**{name}** ({', '.join(f'`{p}`' for p in paths)}): any option of "
                       + ", ".join(f"`{part}`" for part in parts) + ".")
            continue
        values = " · ".join(f"`{value}`: {en}" for value, (_, en) in labels.items())
        out.append(f"**{name}** ({', '.join(f'`{p}`' for p in paths)}): {values}.")
    return "\n\n".join(out)


def example_section() -> str:
    return "\n".join([
        EXAMPLE_START, "",
        f"Generated by `{wizard_questions.WRITE_DOCS}` from the profile model (`balises/contract/profile.py`), "
        f"the option tables (`balises/contract/options.yaml`) and `examples/{EXAMPLE_FILE.name}`: commented "
        "lines are answers the example leaves out, with their default.", "",
        "```yaml", example_yaml().rstrip("\n"), "```", "",
        "## Enumerations", "",
        "The longer option tables, with their English labels (the French ones are in `options.yaml`):", "",
        enumerations(), "", EXAMPLE_END])


def _between(doc: str, start: str, end: str, text: str) -> str:
    i, j = doc.find(start), doc.find(end)
    if i < 0 or j < i:
        raise ValueError(f"{DOCS_FILE.name}: the markers {start} and {end} are missing")
    return doc[:i] + text + doc[j + len(end):]


def with_generated(doc: str) -> str:
    """``doc`` (docs/profile.md) with its generated parts made again; the rest kept as written."""
    doc = _between(doc, EXAMPLE_START, EXAMPLE_END, example_section())
    return _between(doc, wizard_questions.DOCS_START, wizard_questions.DOCS_END, wizard_questions.markdown())


def write_docs(path: Path = DOCS_FILE) -> bool:
    """Regenerate the generated parts of docs/profile.md; whether the file changed."""
    doc = path.read_text(encoding="utf-8")
    new = with_generated(doc)
    if new != doc:
        path.write_text(new, encoding="utf-8")
    return new != doc


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m balises.contract.docs",
                                     description="docs/profile.md's generated parts: print them, or write them.")
    parser.add_argument("--write-docs", action="store_true", help=f"regenerate them in {DOCS_FILE}")
    args = parser.parse_args(argv)
    if args.write_docs:
        print(f"{DOCS_FILE}: {'updated' if write_docs() else 'already up to date'}")
    else:
        print(example_section() + "\n\n" + wizard_questions.markdown())


if __name__ == "__main__":
    main()
