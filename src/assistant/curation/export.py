"""``assistant export``: a tenant's live version written into its files — entries in
``knowledge/<tenant>/``, phrasings and synonyms in ``intents/<tenant>/<lang>/nlu.yml`` — so that the
vendor can review and commit them. Round-trip YAML (ruamel.yaml): every comment, key order, quote
and folded answer of the files is kept, and a file no change touches is not rewritten.

Writing a change that the files already hold does nothing (an entry is rewritten as the change has
it), as applying it does (apply.py): the files then give the live knowledge by themselves.
"""

import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from ..data import knowledge as knowledge_files
from ..data.intents import split_examples
from ..text.clean import fold
from .apply import STAFF

FOLD_AFTER = 80  # an answer longer than this is written folded (">-"), as the files write theirs


def yaml_for(path: Path) -> YAML:
    """The files' own layout: entries indented under ``entries:``, phrasings' lists at the margin."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a line the files wrote on one
    if "intents" in path.parts:
        yaml.indent(mapping=2, sequence=2, offset=0)
    else:
        yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


@dataclass
class Files:
    """The tenant's files, read once, each kept with its document while changes are written."""

    root: Path
    tenant: str
    docs: dict[Path, object] = field(default_factory=dict)
    touched: set[Path] = field(default_factory=set)

    def doc(self, path: Path):
        if path not in self.docs:
            self.docs[path] = yaml_for(path).load(path.read_text(encoding="utf-8")) if path.exists() else None
        return self.docs[path]

    def entry_files(self) -> list[Path]:
        folder = self.root / "knowledge" / self.tenant
        skip = ("tenant.yml", knowledge_files.SOURCES)
        return [p for p in sorted(folder.glob("*.yml")) if p.name not in skip]

    def nlu(self, lang: str) -> Path:
        path = self.root / "intents" / self.tenant / lang / "nlu.yml"
        if self.doc(path) is None:
            self.docs[path] = CommentedMap([("version", "3.1"), ("nlu", [])])
        return path

    def save(self) -> list[Path]:
        for path in sorted(self.touched):
            out = io.StringIO()
            yaml_for(path).dump(self.docs[path], out)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(out.getvalue(), encoding="utf-8")
        return sorted(self.touched)


def export(root: Path, tenant: str, changes: list[dict]) -> list[Path]:
    """Write ``changes`` (a version's, in order) into the tenant's files under ``root``; returns the
    files written."""
    files = Files(root, tenant)
    for change in changes:
        _WRITE[change["kind"]](files, change)
    return files.save()


# -- entries ------------------------------------------------------------------------------------------


def find_entry(files: Files, entry: str):
    """(path, the entries list, index) of an entry in the tenant's files, or None."""
    for path in files.entry_files():
        items = (files.doc(path) or {}).get("entries") or []
        for i, item in enumerate(items):
            if item.get("id") == entry:
                return path, items, i
    return None


def _entry(files: Files, change: dict) -> None:
    found = find_entry(files, change["entry"])
    if found:
        path, items, i = found
        item = items[i]
    else:
        path = file_for_topic(files, change["topic"])
        item = CommentedMap([("id", change["entry"])])
        files.doc(path).setdefault("entries", []).append(item)
    item["topic"] = change["topic"]
    item["source"] = CommentedMap(change.get("source") or STAFF)
    item["question"] = CommentedMap(change["question"])
    item["answer"] = CommentedMap({lang: styled(text) for lang, text in change["answer"].items()})
    if change.get("related"):
        item["related"] = list(change["related"])
    files.touched.add(path)


def file_for_topic(files: Files, topic: str) -> Path:
    """The file holding most of the tenant's entries of this topic, else its last entries file."""
    counts: Counter = Counter()
    for path in files.entry_files():
        counts[path] += sum(1 for item in (files.doc(path) or {}).get("entries") or [] if item.get("topic") == topic)
    best = [path for path, n in counts.most_common(1) if n]
    return best[0] if best else files.entry_files()[-1]


def styled(text: str, like: object = None) -> str:
    """An answer as the files write theirs: folded when long, or in the style of the text it replaces."""
    if isinstance(like, LiteralScalarString) or "\n" in text:
        return LiteralScalarString(text)
    if isinstance(like, FoldedScalarString) or len(text) > FOLD_AFTER:
        return FoldedScalarString(text)
    return text


def _edit(files: Files, change: dict) -> None:
    found = find_entry(files, change["entry"])
    if not found:
        return
    path, items, i = found
    item = items[i]
    for part in ("question", "answer"):
        for lang, text in change.get(part, {}).items():
            item[part][lang] = styled(text, item[part].get(lang)) if part == "answer" else text
    if "topic" in change:
        item["topic"] = change["topic"]
    files.touched.add(path)


def _retire(files: Files, change: dict) -> None:
    found = find_entry(files, change["entry"])
    if found:
        path, items, i = found
        del items[i]
        files.touched.add(path)
    for path in files.entry_files():  # no entry refers to it any more
        for item in (files.doc(path) or {}).get("entries") or []:
            if change["entry"] in (item.get("related") or []):
                item["related"].remove(change["entry"])
                files.touched.add(path)
    for folder in sorted((files.root / "intents" / files.tenant).glob("*/nlu.yml")):
        items = (files.doc(folder) or {}).get("nlu") or []
        kept = [item for item in items if item.get("intent") != change["entry"]]
        if len(kept) != len(items):
            items[:] = kept
            files.touched.add(folder)


# -- phrasings and synonyms -----------------------------------------------------------------------------


def add_example(files: Files, lang: str, key: str, name: str, text: str) -> None:
    """``text`` under the item ``{key: name}`` of the language's nlu.yml (made if missing)."""
    path = files.nlu(lang)
    items = files.doc(path).setdefault("nlu", [])
    item = next((i for i in items if i.get(key) == name), None)
    if item is None:
        item = CommentedMap([(key, name), ("examples", LiteralScalarString(""))])
        items.append(item)
    block = str(item.get("examples") or "")
    if fold(text) in {fold(t) for _, t in split_examples(block)}:
        return
    item["examples"] = LiteralScalarString(
        f"{block}{'' if not block or block.endswith(chr(10)) else chr(10)}- {text}\n"
    )
    files.touched.add(path)


def _phrasing(files: Files, change: dict) -> None:
    add_example(files, change["lang"], "intent", change["entry"], change["text"])


def _synonym(files: Files, change: dict) -> None:
    add_example(files, change["lang"], "synonym", change["canonical"], change["text"])


_WRITE = {"phrasing": _phrasing, "entry": _entry, "edit": _edit, "retire": _retire, "synonym": _synonym}
