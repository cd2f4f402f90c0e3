"""The knowledge a process serves: the files' bundle, with each tenant's published version.

Every worker asks the database, before each request (at most every second on a database server),
which version each tenant is at (one indexed query); a tenant whose version changed is loaded from the cache (built once, by whoever published
it) and the worker's Assistant switches to it between two requests — no restart, no request lost.
Hosts that share a Redis ask only when a version was announced there, and every few seconds
(announcements.py).
"""

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from .. import paths, redis_client
from ..bundle import Bundle, fingerprint
from ..core import Assistant
from . import drafts
from .announcements import Announcements, EveryRequest, Periodic
from .building import InvalidKnowledge, TenantBuild, cached_build, with_build

log = logging.getLogger(__name__)


@dataclass
class Knowledge:
    """Where a tenant's versions are built and found: the files (``root``), their bundle, the cache."""

    root: Path
    cache_dir: Path
    base: Bundle
    base_fingerprint: str

    @classmethod
    def of(cls, assistant: Assistant, root: Path, cache_dir: Path) -> "Knowledge":
        """For an Assistant loaded from the files of ``root`` (before any version is applied)."""
        return cls(root, cache_dir, assistant.bundle, fingerprint(root))

    def build(self, tenant: str, changes: list[dict]):
        """The tenant's build for ``changes`` on its files (cached; InvalidKnowledge if it breaks a rule)."""
        return cached_build(self.base, self.base_fingerprint, self.cache_dir, tenant, changes)

    def bundle_with(self, builds: dict) -> Bundle:
        """The files' bundle with these tenants' builds (a tenant at version 0 has none)."""
        bundle = self.base
        for build in builds.values():
            bundle = with_build(bundle, build)
        return bundle


class Live:
    """Keeps one process's Assistant on every tenant's live version."""

    def __init__(
        self, assistant: Assistant, knowledge: Knowledge, signal: Announcements | Periodic | EveryRequest | None = None
    ):
        self.assistant, self.knowledge = assistant, knowledge
        self.signal = signal or EveryRequest()
        self.numbers: dict[str, int] = {}
        self.builds: dict[str, TenantBuild] = {}  # the tenants not on their files

    def refresh(self) -> bool:
        """Switch to the tenants' live versions if any changed since the last call and the database
        is due to be asked (announcements.py). True if it switched."""
        return self.signal.due() and self.reload()

    def announce(self, tenant: str, version: int) -> None:
        """``tenant`` is at ``version`` (just recorded): this process switches now, the others when
        they hear it, or before their next request on one host."""
        self.reload()
        self.signal.announce(tenant, version)

    def reload(self) -> bool:
        """Switch to the tenants' live versions if any changed since the last call. True if it did."""
        store = self.assistant.store
        numbers = drafts.live_numbers(store)
        if numbers == self.numbers:
            return False
        started = time.perf_counter()
        for tenant, number in numbers.items():
            if self.numbers.get(tenant) != number and tenant in self.knowledge.base.tenants:
                self._load(tenant, drafts.live(store, tenant))
        self.assistant.use(self.knowledge.bundle_with(self.builds))
        self.numbers = numbers
        log.info("now serving versions %s (%.2f s)", numbers, time.perf_counter() - started)
        return True

    def drafts_bundle(self, tenant: str, pending: list[dict]) -> Bundle:
        """The live knowledge with the tenant's drafts applied (for trying them: the build is
        cached, and publishing the same drafts reuses it)."""
        changes = drafts.live(self.assistant.store, tenant).changes + pending
        return with_build(self.assistant.bundle, self.knowledge.build(tenant, changes))

    def _load(self, tenant: str, version: drafts.Version) -> None:
        """The tenant's build for ``version`` (none for its files). A version its files no longer
        accept (they changed under it) leaves the tenant on its files, and says so."""
        self.builds.pop(tenant, None)
        if not version.changes:
            return
        try:
            self.builds[tenant] = self.knowledge.build(tenant, version.changes)
        except InvalidKnowledge as error:
            log.error(
                "%s: version %d no longer builds on the files, which are served: %s", tenant, version.version, error
            )


def signal_for(assistant: Assistant, redis_url: str | None) -> Announcements | Periodic | EveryRequest:
    """When this worker asks the database for the versions (announcements.py): when told, with a
    shared Redis; at most every second on a database server; else before every request."""
    if redis_url:
        return Announcements(redis_client.connect(redis_url))
    return Periodic() if assistant.store.dialect == "postgresql" else EveryRequest()


def serve_published(assistant: Assistant, root: Path | None = None, redis_url: str | None = None) -> Live:
    """Keep ``assistant`` (loaded from the files of ``root``, the project's by default) on every
    tenant's published version, from now on: call the result's ``refresh`` before each request.
    With ``redis_url``, versions are announced to, and heard from, the hosts sharing that Redis."""
    root = root or paths.project_root()
    signal = signal_for(assistant, redis_url)
    live = Live(assistant, Knowledge.of(assistant, root, paths.data_dir(root) / "cache"), signal)
    live.reload()
    return live
