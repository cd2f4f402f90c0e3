"""How visitors phrase things (``intents/``): Rasa-style training phrases, synonyms and responses."""

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from string import Formatter

from ..text import elision
from ..text.clean import fold
from . import yamlfile

COMMON = "common"  # the scope of intents every tenant shares
# The common intents by role: what the dialogue policy and the checks know them by.
OUT_OF_SCOPE = "out_of_scope"
SMALLTALK = ("greeting", "thanks", "goodbye", "help")
HUMAN = "human"
FORM_CONTROL = ("affirm", "deny", "cancel")
# Every project has these; the intents that start a form are the forms' own (``intent`` in forms.yml).
COMMON_INTENTS = (*SMALLTALK, HUMAN, *FORM_CONTROL, OUT_OF_SCOPE)
_FORMATTER = Formatter()


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    scope: str  # "common" or a tenant id
    lang: str
    file: str
    line: int


@dataclass
class IntentData:
    examples: list[Example] = field(default_factory=list)
    synonyms: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # lang -> canonical -> variants
    # A tenant's own synonyms (intents/<tenant>/), which only its messages are read with.
    tenant_synonyms: dict[str, dict[str, dict[str, list[str]]]] = field(default_factory=dict)  # tenant -> lang -> …
    responses: dict[str, dict[str, str]] = field(default_factory=dict)  # lang -> key -> text
    lookups: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # lang -> "slot:value" -> words

    def for_scope(self, scope: str) -> list[Example]:
        return [e for e in self.examples if e.scope == scope]

    def response(self, key: str, lang: str, **values) -> str:
        """The response's text with its values filled in, each joined to the word before it as the
        language writes it ("l'équipe de {tenant_name}" -> "l'équipe d'Anvaigo")."""
        text = self.responses.get(lang, {}).get(key) or self.responses.get("en", {}).get(key, key)
        if not values:
            return text
        parts = []
        for literal, name, spec, conversion in _parsed(text):
            parts.append((literal, False))
            if name is not None:
                value = _FORMATTER.convert_field(_FORMATTER.get_field(name, (), values)[0], conversion)
                parts.append((_FORMATTER.format_field(value, spec or ""), True))
        return elision.join(parts, lang)

    def topic_names(self, topics, lang: str) -> str:
        """Topics of the entries (``pricing``, …) as the language names them, for ``utter_help``."""
        return ", ".join(sorted((self.response(f"utter_topic_{topic}", lang) for topic in topics), key=fold))

    def has_response(self, key: str, lang: str) -> bool:
        return key in self.responses.get(lang, {})

    def summary_line(self, slot: str, value, lang: str) -> str:
        """One detail of a request as people read it, in a confirmation or a notice: the slot's
        label ("- Société : Acme"), and a flag or a hosting choice in words."""
        label = self.response(f"utter_label_{slot}", lang) if self.has_response(f"utter_label_{slot}", lang) else slot
        if isinstance(value, bool) or value in ("cloud", "on_premises"):
            value = self.response("utter_value_yes" if value is True else f"utter_value_{value}", lang)
        elif not isinstance(value, str):
            value = json.dumps(value, ensure_ascii=False)
        return self.response("utter_summary_line", lang, label=label, value=value)

    def lookup_values(self, slot: str) -> dict[str, list[str]]:
        """The words of every language that name each value of a slot: {"cloud": ["cloud", "hébergé", …]}."""
        values: dict[str, list[str]] = {}
        for tables in self.lookups.values():
            for name, words in tables.items():
                prefix, _, value = name.partition(":")
                if prefix == slot:
                    values.setdefault(value, []).extend(words)
        return values


@lru_cache(maxsize=1024)
def _parsed(template: str) -> tuple:
    """A response's text and fields, read once (the responses are a few hundred)."""
    return tuple(_FORMATTER.parse(template))


def split_examples(block: str) -> list[tuple[int, str]]:
    """The ``- phrase`` lines of a Rasa examples block, with their offset in the block."""
    out = []
    for offset, line in enumerate(block.splitlines()):
        line = line.strip()
        if line.startswith("- "):
            out.append((offset, line[2:].strip()))
    return out


def _read_nlu(path: Path, root: Path, scope: str, lang: str, data: IntentData) -> None:
    doc = yamlfile.read(path, root) or {}
    for item in doc.get("nlu") or []:
        first = yamlfile.line_of(item, "examples")
        phrases = split_examples(item.get("examples") or "")
        if "intent" in item:
            data.examples += [
                Example(text, item["intent"], scope, lang, item.file, first + off) for off, text in phrases
            ]
        elif "synonym" in item:
            shared = data.synonyms if scope == COMMON else data.tenant_synonyms.setdefault(scope, {})
            shared.setdefault(lang, {}).setdefault(item["synonym"], []).extend(t for _, t in phrases)
        elif "lookup" in item:
            data.lookups.setdefault(lang, {}).setdefault(item["lookup"], []).extend(t for _, t in phrases)
    for key, variants in (doc.get("responses") or {}).items():
        data.responses.setdefault(lang, {})[key] = variants[0]["text"]


def load(root: Path) -> IntentData:
    data = IntentData()
    for scope_dir in sorted(p for p in (root / "intents").iterdir() if p.is_dir()):
        for lang_dir in sorted(p for p in scope_dir.iterdir() if p.is_dir()):
            for path in sorted(lang_dir.glob("*.yml")):
                _read_nlu(path, root, scope_dir.name, lang_dir.name, data)
    return data
