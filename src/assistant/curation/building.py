"""Building one tenant's knowledge from the files and a version's changes: checked with the rules
of ``assistant check``, its matcher trained alone (the other tenants' stay as they are), and kept
in the cache, so that every worker — and a rollback — loads it instead of training it again."""

import hashlib
import json
import os
import pickle
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..bundle import Bundle, code_fingerprint
from ..data.intents import IntentData
from ..data.knowledge import Tenant, knowledge_texts
from ..dialogue.compute import FUNCTIONS
from ..dialogue.validators import VALIDATORS
from ..nlu.concepts import Concepts
from ..nlu.matching import Matcher
from ..nlu.training import tenant_normaliser, train_tenant
from ..text.normalise import Normaliser
from .apply import Applied, apply

if TYPE_CHECKING:
    from ..data import check

KEPT_PER_TENANT = 20  # built versions kept in the cache for each tenant (rollbacks to them are instant)


@dataclass
class TenantBuild:
    """What a tenant's version changes in a bundle."""

    tenant: Tenant
    examples: list  # the phrasings of the tenant's scope
    synonyms: dict[str, dict[str, list[str]]]
    matcher: Matcher
    normaliser: Normaliser | None  # None: the shared one (the tenant has no synonyms of its own)
    owners: set[str]  # the concepts its knowledge uses


@dataclass
class Problem:
    """What stops a version from being published (or, a warning, what it should still fix)."""

    entry: str | None
    field: str | None
    message: str
    warning: bool = False


class InvalidKnowledge(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def base_of(bundle: Bundle, tenant: str) -> Applied:
    """The tenant as its files have it."""
    intents = bundle.intents
    return Applied(bundle.tenants[tenant], intents.for_scope(tenant), intents.tenant_synonyms.get(tenant, {}))


def intents_with(intents: IntentData, applied: Applied) -> IntentData:
    """``intents`` with the tenant's phrasings and synonyms replaced by ``applied``'s."""
    tid = applied.tenant.id
    return replace(
        intents,
        examples=[e for e in intents.examples if e.scope != tid] + applied.examples,
        tenant_synonyms={**intents.tenant_synonyms, tid: applied.synonyms},
    )


def problems_of(base: Bundle, applied: Applied) -> list[Problem]:
    """``assistant check``'s rules on one tenant as changes leave it, each problem by entry and field."""
    from ..data import check  # at build time only: it reads jsonschema, which answering never needs

    tenant, intents = applied.tenant, intents_with(base.intents, applied)
    found = check.tenant_problems(tenant, base.forms, VALIDATORS)
    found += check.unknown_functions({tenant.id: tenant}, FUNCTIONS)
    found += check.intent_problems({tenant.id: tenant}, intents, base.forms.action_intents)
    topics = {e.topic for e in tenant.entries.values()}
    found += check.response_problems(intents, base.forms, topics, tenant.languages)
    return [located(p, tenant) for p in dict.fromkeys(found)]


FIELDS = ("question", "answer", "source", "related", "placeholder", "computed", "phrase", "training phrases")


def located(problem: "check.Problem", tenant: Tenant) -> Problem:
    """A check's problem by the entry it starts with, and the field its message names."""
    head, _, rest = problem.message.partition(": ")
    entry = head if rest and head in tenant.entries else None
    message = rest if entry else problem.message
    field = next((f for f in FIELDS if f in message), None)
    names = {"placeholder": "answer", "phrase": "phrasings", "training phrases": "phrasings"}
    return Problem(entry, names.get(field, field) if field else None, message, problem.warning)


def build(base: Bundle, tenant: str, changes: list[dict]) -> TenantBuild:
    """The tenant's knowledge with ``changes`` applied on its files, checked, then trained.
    Raises InvalidKnowledge (nothing built) when a rule is broken."""
    applied = apply(base_of(base, tenant), changes)
    problems = problems_of(base, applied)
    if any(not p.warning for p in problems):
        raise InvalidKnowledge([p for p in problems if not p.warning])
    intents = intents_with(base.intents, applied)
    normaliser = tenant_normaliser(base.models.normaliser, applied.synonyms)
    matcher = train_tenant(applied.tenant, intents, normaliser or base.models.normaliser)
    owners = Concepts.owners(base.concepts, {tenant: knowledge_texts(applied.tenant, intents)})[tenant]
    return TenantBuild(applied.tenant, applied.examples, applied.synonyms, matcher, normaliser, owners)


def with_build(bundle: Bundle, build: TenantBuild) -> Bundle:
    """``bundle`` (unchanged) with one tenant's knowledge replaced by ``build``'s."""
    tid = build.tenant.id
    own = {k: v for k, v in bundle.models.own_normalisers.items() if k != tid}
    if build.normaliser is not None:
        own[tid] = build.normaliser
    models = replace(bundle.models, matchers={**bundle.models.matchers, tid: build.matcher}, own_normalisers=own)
    applied = Applied(build.tenant, build.examples, build.synonyms)
    return replace(
        bundle,
        tenants={**bundle.tenants, tid: build.tenant},
        intents=intents_with(bundle.intents, applied),
        models=models,
        concept_owners={**bundle.concept_owners, tid: build.owners},
    )


# -- the cache ----------------------------------------------------------------------------------------


def artifact_path(cache_dir: Path, base_fingerprint: str, tenant: str, changes: list[dict]) -> Path:
    """Where a tenant's build for these changes is kept: named by the code, the files and the changes."""
    content = json.dumps([c for c in changes], sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(f"{code_fingerprint()}|{base_fingerprint}|{content}".encode()).hexdigest()[:16]
    return cache_dir / f"tenant-{tenant}-{digest}.pickle"


def cached_build(base: Bundle, base_fingerprint: str, cache_dir: Path, tenant: str, changes: list[dict]) -> TenantBuild:
    """The tenant's build for ``changes``, from the cache, else built (InvalidKnowledge) and kept."""
    path = artifact_path(cache_dir, base_fingerprint, tenant, changes)
    if path.exists():
        try:
            with open(path, "rb") as f:
                return pickle.load(f)
        except Exception:  # an interrupted write, or another version's: build it again
            path.unlink(missing_ok=True)
    built = build(base, tenant, changes)
    keep(built, path, tenant)
    return built


def keep(built: TenantBuild, path: Path, tenant: str) -> None:
    """Write atomically, then leave only the tenant's KEPT_PER_TENANT newest builds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        pickle.dump(built, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    older = sorted(path.parent.glob(f"tenant-{tenant}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in older[KEPT_PER_TENANT:]:
        old.unlink(missing_ok=True)
