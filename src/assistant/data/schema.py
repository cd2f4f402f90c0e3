"""The data files' JSON schemas (``schemas/``), and each file checked against its own: the first of
``assistant check``'s rules, each problem with its file and line."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jsonschema
import yaml

from . import knowledge, yamlfile

# The schema of each file of a tenant's folder; any other file holds facts and entries.
_TENANT_SCHEMAS = {"tenant.yml": "tenant", knowledge.SOURCES: "sources"}


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    warning: bool = False  # printed, but the data stays valid

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {'warning: ' if self.warning else ''}{self.message}"


@cache
def _schema(name: str) -> dict:
    return json.loads((Path(__file__).parent / "schemas" / f"{name}.json").read_text(encoding="utf-8"))


def entry_topics() -> tuple[str, ...]:
    """The topics an entry may have (its schema's)."""
    return tuple(_schema("knowledge")["properties"]["entries"]["items"]["properties"]["topic"]["enum"])


def _line_at(data, path) -> int:
    line = getattr(data, "line", 1)
    for key in path:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            break
        line = getattr(data, "line", line)
    return line


def validate_file(path: Path, root: Path, schema: str) -> list[Problem]:
    name = str(path.relative_to(root))
    try:
        data = yamlfile.read(path, root)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return [Problem(name, mark.line + 1 if mark else 1, f"invalid YAML: {getattr(error, 'problem', error)}")]
    validator = jsonschema.Draft202012Validator(_schema(schema))
    return [
        Problem(name, _line_at(data, e.absolute_path), f"{'/'.join(map(str, e.absolute_path)) or 'file'}: {e.message}")
        for e in validator.iter_errors(yamlfile.plain(data) or {})
    ]


def schema_problems(root: Path) -> list[Problem]:
    problems = []
    for path in sorted((root / "knowledge").glob("*/*.yml")):
        problems += validate_file(path, root, _TENANT_SCHEMAS.get(path.name, "knowledge"))
    for path in sorted((root / "intents").glob("*/*/*.yml")):
        problems += validate_file(path, root, "nlu")
    problems += validate_file(root / "intents" / "forms.yml", root, "forms")
    return problems
