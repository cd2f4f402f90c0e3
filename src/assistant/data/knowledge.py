"""The vendors' knowledge (``knowledge/<tenant>/``): tenants, facts and entries, as read from data."""

from dataclasses import dataclass, field
from pathlib import Path

from . import citations as citations_module
from . import yamlfile
from .citations import Citations
from .forms import Check, checks

SOURCES = "sources.yml"  # a tenant's translations of what its entries cite (citations.py)


@dataclass
class Fact:
    name: str
    unit: str = "none"
    value: float | None = None
    per: str | None = None
    bands: list[dict] = field(default_factory=list)

    @property
    def amount(self) -> float:
        """The fact's single value; a fact written in bands has one per band instead."""
        if self.value is None:
            raise ValueError(f"fact {self.name} has bands, not a single value")
        return self.value

    def band_value(self, quantity: float) -> float | None:
        for band in self.bands:
            if band.get("min", float("-inf")) <= quantity <= band.get("max", float("inf")):
                return band["value"]
        return None


@dataclass
class Entry:
    id: str
    tenant: str
    topic: str
    source: dict
    question: dict[str, str]
    answer: dict[str, str]
    related: list[str] = field(default_factory=list)
    computed: dict | None = None
    file: str = ""
    line: int = 0

    @property
    def qualified_id(self) -> str:
        return f"{self.tenant}.{self.id}"


@dataclass
class Tenant:
    id: str
    name: str
    document: str
    languages: list[str]
    actions: dict[str, dict | None]
    catalogue: list[str] = field(default_factory=list)
    notify: dict[str, str] = field(default_factory=dict)
    document_title: dict[str, str] = field(default_factory=dict)
    document_url: str | None = None
    citations: Citations = field(default_factory=Citations)
    form_checks: dict[str, tuple[Check, ...]] = field(default_factory=dict)  # form -> this tenant's validators
    facts: dict[str, Fact] = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)

    def action(self, intent: str) -> dict | None:
        return self.actions.get(intent)


def _fact(name: str, data: dict) -> Fact:
    data = yamlfile.plain(data)
    return Fact(
        name=name,
        unit=data.get("unit", "none"),
        value=data.get("value"),
        per=data.get("per"),
        bands=data.get("bands", []),
    )


def _entry(tenant: str, located: yamlfile.Located) -> Entry:
    data = yamlfile.plain(located)
    return Entry(
        id=data["id"],
        tenant=tenant,
        topic=data["topic"],
        source=data["source"],
        question=data["question"],
        answer=data["answer"],
        related=data.get("related") or [],
        computed=data.get("computed"),
        file=located.file,
        line=located.line,
    )


def read_tenant(folder: Path, root: Path) -> Tenant:
    meta = yamlfile.read(folder / "tenant.yml", root)
    meta = yamlfile.plain(meta)
    tenant = Tenant(
        id=meta["id"],
        name=meta["name"],
        document=meta["document"],
        languages=meta["languages"],
        actions=meta.get("actions") or {},
        catalogue=meta.get("catalogue") or [],
        notify=meta.get("notify") or {},
        document_title=meta.get("document_title") or {},
        document_url=meta.get("document_url"),
        form_checks={form: checks(spec.get("validate")) for form, spec in (meta.get("forms") or {}).items()},
    )
    sources = folder / SOURCES
    if sources.exists():
        tenant.citations = citations_module.read(yamlfile.plain(yamlfile.read(sources, root)))
    for path in sorted(folder.glob("*.yml")):
        if path.name in ("tenant.yml", SOURCES):
            continue
        data = yamlfile.read(path, root) or {}
        for name, fact in (data.get("facts") or {}).items():
            tenant.facts[name] = _fact(name, fact)
        for item in data.get("entries") or []:
            entry = _entry(tenant.id, item)
            tenant.entries[entry.id] = entry
    return tenant


def load(root: Path) -> dict[str, Tenant]:
    folders = sorted(p for p in (root / "knowledge").iterdir() if (p / "tenant.yml").exists())
    return {t.id: t for t in (read_tenant(f, root) for f in folders)}


def knowledge_texts(tenant: Tenant, intents) -> list[str]:
    """Everything a tenant's knowledge says, in every language: its entries' questions, answers and
    computed replies, and the phrasings of its own intents (those it treats as out of scope aside)."""
    texts = [e.text for e in intents.for_scope(tenant.id) if e.intent != "out_of_scope"]
    for entry in tenant.entries.values():
        texts += [*entry.question.values(), *entry.answer.values()]
        for key in ("reply", "reply_past"):
            texts += list((entry.computed or {}).get(key, {}).values())
    return texts
