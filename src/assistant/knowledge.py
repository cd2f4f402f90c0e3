"""The vendors' knowledge (``knowledge/<tenant>/``): tenants, facts and entries, as read from data."""
from dataclasses import dataclass, field
from pathlib import Path

from . import yamlfile


@dataclass
class Fact:
    name: str
    unit: str = "none"
    value: float | None = None
    per: str | None = None
    bands: list[dict] = field(default_factory=list)

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
    facts: dict[str, Fact] = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)

    def action(self, intent: str) -> dict | None:
        return self.actions.get(intent)


def _fact(name: str, data: dict) -> Fact:
    return Fact(name=name, unit=data.get("unit", "none"), value=data.get("value"),
                per=data.get("per"), bands=[dict(b) for b in data.get("bands", [])])


def _entry(tenant: str, data: yamlfile.Located) -> Entry:
    return Entry(id=data["id"], tenant=tenant, topic=data["topic"], source=dict(data["source"]),
                 question=dict(data["question"]), answer=dict(data["answer"]),
                 related=list(data.get("related") or []), computed=data.get("computed"),
                 file=data.file, line=data.line)


def read_tenant(folder: Path, root: Path) -> Tenant:
    meta = yamlfile.read(folder / "tenant.yml", root)
    tenant = Tenant(id=meta["id"], name=meta["name"], document=meta["document"],
                    languages=list(meta["languages"]), actions=dict(meta.get("actions") or {}))
    for path in sorted(folder.glob("*.yml")):
        if path.name == "tenant.yml":
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
