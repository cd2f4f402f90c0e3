"""Publishing a tenant's drafts as a new version, and rolling back to an earlier one.

A version is the whole list of changes on the tenant's files, so a rollback is a new version equal
to an earlier one: its build is in the cache already, and it is live as fast as a worker loads it.
One tenant publishes one version at a time (a lock file per tenant in the cache folder).
"""

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..backoffice.store import Store
from . import drafts
from .live import Knowledge


class NothingToPublish(Exception):
    """The tenant has no drafts."""


class UnknownVersion(Exception):
    """No version of the tenant has this number."""


@dataclass
class Published:
    version: int
    seconds: float  # from the request to the version being recorded, built and checked


def publish(knowledge: Knowledge, store: Store, tenant: str, author: str) -> Published:
    """The live version's changes and the drafts, built and checked as one new version (nothing is
    published when a rule is broken: building.InvalidKnowledge names each problem)."""
    started = time.perf_counter()
    with one_at_a_time(knowledge.cache_dir, tenant):
        pending = drafts.drafts(store, tenant)
        if not pending:
            raise NothingToPublish(f"{tenant} has no drafts to publish")
        changes = drafts.live(store, tenant).changes + pending
        knowledge.build(tenant, changes)
        seconds = time.perf_counter() - started
        return Published(drafts.record(store, tenant, changes, author, seconds), seconds)


def rollback(knowledge: Knowledge, store: Store, tenant: str, number: int, author: str) -> Published:
    """A new version equal to version ``number`` (0: the tenant's files); drafts stay drafts."""
    started = time.perf_counter()
    with one_at_a_time(knowledge.cache_dir, tenant):
        target = drafts.version(store, tenant, number)
        if target is None:
            raise UnknownVersion(f"{tenant} has no version {number}")
        if target.changes:
            knowledge.build(tenant, target.changes)  # from the cache, unless evicted or the files changed
        seconds = time.perf_counter() - started
        return Published(drafts.record(store, tenant, target.changes, author, seconds, rollback_of=number), seconds)


@contextmanager
def one_at_a_time(cache_dir: Path, tenant: str) -> Iterator[None]:
    """Hold the tenant's publishing lock (another worker's publish of it waits)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    with open(cache_dir / f"publishing-{tenant}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
