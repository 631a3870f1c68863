"""Reading YAML and JSON that may come from anyone: safe constructors only, bounded size, bounded aliases,
YAML 1.2 booleans, and messages that say where the file is wrong."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from balises.errors import InputFileError
from balises.problems import Place

MAX_FILE_BYTES = 2 * 1024 * 1024  # a profile or a rule file is a few kilobytes
MAX_ALIASES = 200  # enough for hand-written anchors
# values once aliases are expanded: a profile has a few hundred, a rule file a few thousand. Few aliases can
# still expand exponentially (20 nested levels of 9 aliases each: 9**20 values), which anything walking the
# data (validation, an error message quoting it) would never finish.
MAX_EXPANDED_VALUES = 200_000
MAX_DIGITS = 100  # no answer or rule needs a longer number; Python itself stops at 4300 digits


class LineDict(dict):
    """A mapping that remembers the line (1-based) where it started in its file."""

    line: int = 0


class _Refused(yaml.MarkedYAMLError):
    """A value refused while reading (a duplicate key, a number too long), with its wording in French."""

    def __init__(self, fr: str, en: str, mark):
        super().__init__(problem=en, problem_mark=mark)
        self.problem_fr = fr


if getattr(yaml, "__with_libyaml__", False):  # PyYAML's wheels carry libyaml
    _Parser = yaml.cyaml.CParser
else:  # pragma: no cover - a PyYAML built without libyaml: its own parser, in Python
    class _Parser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer):
        def __init__(self, stream):
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)


class _BoundedLoader(_Parser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """A safe loader on libyaml's parser (ten times faster than PyYAML's own; it also stops nesting deeper
    than 1,000 levels) that refuses alias bombs and records the line of every mapping. The constructors and
    the resolver are PyYAML's safe ones, in Python: no tag builds an object."""

    def __init__(self, stream):
        _Parser.__init__(self, stream)
        self.aliases = 0
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)

    def get_single_data(self):
        node = self.get_single_node()
        if node is None:
            return None
        self.aliases = _count_aliases(node)
        return self.construct_document(node)

    def construct_line_mapping(self, node, deep=False):
        self._refuse_duplicate_keys(node)
        mapping = LineDict(self.construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        return mapping

    def _refuse_duplicate_keys(self, node) -> None:
        """``employees: 9`` then ``employees: 900000``: YAML would keep the last one silently. Keys merged
        in with ``<<`` may be overridden, as YAML intends; only the mapping's own keys are compared."""
        seen: dict = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue
            line = key_node.start_mark.line + 1
            first = seen.setdefault(key_node.value, key_node.start_mark)
            if first is not key_node.start_mark:
                raise _Refused(f"clé en double {key_node.value!r} (lignes {first.line + 1} et {line})",
                               f"duplicate key {key_node.value!r} (lines {first.line + 1} and {line})",
                               key_node.start_mark)

    def construct_yaml_int(self, node):
        # Python refuses to read integers of more than 4300 digits (a ValueError YAML does not expect)
        digits = len(str(node.value).lstrip("+-").replace("_", ""))  # decimal, 0x…, 0o…, 0b… alike
        if digits > MAX_DIGITS:
            raise _Refused(f"nombre de {digits} chiffres (au plus {MAX_DIGITS})",
                           f"number of {digits} digits (at most {MAX_DIGITS})", node.start_mark)
        return super().construct_yaml_int(node)

    def construct_yaml_timestamp(self, node):
        # 2026-02-30 or month 13: left as text, so that the profile's validation names the field
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)


def _count_aliases(root) -> int:
    """How many aliases the document uses: an alias is a second edge to a node already reached. The walk
    never enters a node twice, so a bomb's graph is walked in the time its text took to read."""
    seen: set[int] = set()
    count = 0
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            count += 1
            if count > MAX_ALIASES:
                raise yaml.YAMLError(f"too many aliases (more than {MAX_ALIASES}), one of them to the anchor "
                                     f"at line {node.start_mark.line + 1}")
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                stack.extend((value, key))
    return count


# YAML 1.2 booleans: only true and false (any case form). PyYAML follows YAML 1.1, where on, off, yes, no, y
# and n are booleans too: `province: on` (Ontario) would read as true, and no enumeration could use those words.
_BOOL = "tag:yaml.org,2002:bool"
_BoundedLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL]
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}
_BoundedLoader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_BoundedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                               _BoundedLoader.construct_line_mapping)
_BoundedLoader.add_constructor("tag:yaml.org,2002:int", _BoundedLoader.construct_yaml_int)
_BoundedLoader.add_constructor("tag:yaml.org,2002:timestamp", _BoundedLoader.construct_yaml_timestamp)


def read_bytes(path: Path, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"Fichier introuvable : {path}", f"File not found: {path}")
    if path.is_dir():
        raise InputFileError(f"{path} est un dossier, pas un fichier.", f"{path} is a directory, not a file.")
    if not path.is_file():  # a FIFO would block for ever, a device node read until memory runs out
        raise InputFileError(f"{path} n'est pas un fichier ordinaire (tube, socket ou périphérique).",
                             f"{path} is not a regular file (a pipe, socket or device).")
    size = path.stat().st_size
    if size > max_bytes:
        raise InputFileError(f"fichier trop volumineux ({size} octets ; maximum {max_bytes}).",
                             f"file too large ({size} bytes; at most {max_bytes}).", place=Place(str(path)))
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"Lecture impossible de {path} : {exc.strerror}",
                             f"Cannot read {path}: {exc.strerror}") from None


def parse_yaml(data: bytes | str, source: str, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """Parse YAML safely. Python tags, alias bombs, bad syntax and bad encodings get a clear message."""
    if isinstance(data, bytes):
        if len(data) > max_bytes:
            raise InputFileError(f"contenu trop volumineux (maximum {max_bytes} octets).",
                                 f"content too large (at most {max_bytes} bytes).", place=Place(source))
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputFileError(f"le fichier n'est pas en UTF-8 (octet {exc.start}).",
                                 f"the file is not UTF-8 (byte {exc.start}).", place=Place(source)) from None
    elif len(data) > max_bytes:
        raise InputFileError(f"contenu trop volumineux (maximum {max_bytes} octets).",
                             f"content too large (at most {max_bytes} bytes).", place=Place(source))
    try:
        loader = _BoundedLoader(data)  # a SafeLoader (what yaml.load(data, Loader=…) does, the loader kept)
        try:
            result = loader.get_single_data()
        finally:
            loader.dispose()
        _check_expansion(result, source, loader.aliases > 0)
        return result
    except yaml.constructor.ConstructorError as exc:
        raise InputFileError(
            f"étiquette YAML refusée ({exc.problem}). Seules les données simples sont "
            "acceptées (texte, nombres, dates, listes, tableaux associatifs).",
            f"YAML tag refused ({exc.problem}). Only plain data is accepted "
            "(text, numbers, dates, lists, mappings).", place=_place(source, exc.problem_mark),
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context_mark", None)
        if context is not None and mark is not None and mark.line >= data.count("\n"):
            mark = context  # "[" never closed: where it opened, not the end of the file
        raise InputFileError(f"YAML invalide ({getattr(exc, 'problem_fr', problem)}).",
                             f"invalid YAML ({problem}).", place=_place(source, mark)) from None
    except RecursionError:
        raise InputFileError("structure YAML trop profonde.", "YAML structure too deeply nested.",
                             place=Place(source)) from None


def _check_expansion(data: Any, source: str, aliases: bool = True) -> None:
    """Refuse data of more than MAX_EXPANDED_VALUES values (``aliases``: once its aliases are expanded), or
    whose aliases refer to themselves."""
    sizes: dict[int, int] = {}
    open_: set[int] = set()

    def size(value: Any) -> int:
        if not isinstance(value, (list, dict)):
            return 1
        key = id(value)
        if key in sizes:
            return sizes[key]
        if key in open_:
            raise InputFileError("un alias YAML se contient lui-même.", "a YAML alias refers to itself.",
                                 place=Place(source))
        open_.add(key)
        items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
        total = 1 + sum(size(k) + size(v) for k, v in items)
        open_.discard(key)
        sizes[key] = total
        return total

    if size(data) > MAX_EXPANDED_VALUES and not aliases:
        raise InputFileError(f"trop de valeurs (plus de {MAX_EXPANDED_VALUES}).",
                             f"too many values (more than {MAX_EXPANDED_VALUES}).", place=Place(source))
    if size(data) > MAX_EXPANDED_VALUES:
        raise InputFileError(
            f"les alias YAML donnent trop de valeurs une fois développés (plus de {MAX_EXPANDED_VALUES}).",
            f"YAML aliases expand to too many values (more than {MAX_EXPANDED_VALUES}).", place=Place(source))


def _json_object(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


class _DuplicateKey(ValueError):
    pass


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _TooManyDigits(len(text.lstrip("-")))
    return int(text)


class _TooManyDigits(ValueError):
    pass


def parse_json(data: bytes | str, source: str) -> Any:
    try:
        return json.loads(data, object_pairs_hook=_json_object, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        raise InputFileError(f"JSON invalide ({exc.msg}).", f"invalid JSON ({exc.msg}).",
                             place=Place(source, exc.lineno)) from None
    except _DuplicateKey as exc:
        raise InputFileError(f"JSON invalide (clé en double {exc.args[0]!r}).",
                             f"invalid JSON (duplicate key {exc.args[0]!r}).", place=Place(source)) from None
    except _TooManyDigits as exc:
        raise InputFileError(f"JSON invalide (nombre de {exc.args[0]} chiffres ; maximum {MAX_DIGITS}).",
                             f"invalid JSON (number of {exc.args[0]} digits; at most {MAX_DIGITS}).",
                             place=Place(source)) from None
    except ValueError as exc:  # a number Python will not read
        raise InputFileError(f"JSON invalide ({exc}).", f"invalid JSON ({exc}).",
                             place=Place(source)) from None
    except (UnicodeDecodeError, RecursionError):
        raise InputFileError("JSON illisible.", "unreadable JSON.", place=Place(source)) from None


def load_data_file(path: Path, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """A YAML or JSON file by its extension (YAML for anything else, since JSON is YAML too)."""
    path = Path(path)
    raw = read_bytes(path, max_bytes)
    if path.suffix.lower() == ".json":
        return parse_json(raw, str(path))
    return parse_yaml(raw, str(path), max_bytes)


def _place(source: str, mark) -> Place:
    return Place(source, mark.line + 1 if mark is not None else 0)
