"""Everything trained from the data, built once and cached on disk by content hash.

Building needs spaCy (lemma and stop-word tables), langdetect's profiles and scikit-learn;
loading the cache needs none of them, which keeps a cold start well under a second.
"""

import hashlib
import logging
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .data import forms as forms_module
from .data import intents as intents_module
from .data import knowledge, yamlfile
from .data.forms import FormSet
from .data.intents import IntentData
from .data.knowledge import Tenant, knowledge_texts
from .nlu.concepts import Concepts
from .nlu.concepts import definitions as concept_definitions
from .nlu.training import Models, build

log = logging.getLogger(__name__)
FORMAT = 1


@dataclass
class Bundle:
    """What a running assistant needs, read and trained from the data folders."""

    tenants: dict[str, Tenant]
    intents: IntentData
    forms: FormSet
    models: Models
    concepts: dict = field(default_factory=dict)  # intents/concepts.yml: words per concept and language
    concept_owners: dict = field(default_factory=dict)  # tenant -> the concepts its knowledge uses


def fingerprint(root: Path) -> str:
    """A hash of everything a build depends on: the code that reads the data, then the data."""
    data = [*sorted((root / "knowledge").rglob("*.yml")), *sorted((root / "intents").rglob("*.yml"))]
    return f"{code_fingerprint()}-{_digest(data)}"


@cache
def code_fingerprint() -> str:
    """A hash of the package's code and language data: a bundle pickled by other code may not read."""
    package = Path(__file__).parent
    return _digest(
        [*sorted(package.rglob("*.yml")), *sorted(package.rglob("*.py")), *sorted(package.rglob("*.[ch]"))], str(FORMAT)
    )


def _digest(paths: list[Path], salt: str = "") -> str:
    digest = hashlib.sha256(salt.encode())
    for path in paths:
        digest.update(str(path.relative_to(path.parents[1])).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def read_bundle(root: Path) -> Bundle:
    tenants, intent_data = knowledge.load(root), intents_module.load(root)
    forms = forms_module.load(root)
    concepts = concept_definitions(yamlfile.plain(yamlfile.read(root / "intents" / "concepts.yml", root)))
    owners = Concepts.owners(concepts, {tid: knowledge_texts(t, intent_data) for tid, t in tenants.items()})
    return Bundle(tenants, intent_data, forms, build(tenants, intent_data), concepts, owners)


class KnowledgeError(Exception):
    """The data does not build: each problem names its file and line."""

    def __init__(self, problems: list):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


# The bundle a server's master process loaded before forking its workers (channels/preload.py),
# with the cache file it is: each worker's load_bundle returns it instead of reading its own copy.
_kept: tuple[Path, Bundle] | None = None


def keep_loaded(root: Path, cache_dir: Path) -> Bundle:
    """``load_bundle``, and the bundle kept for this process's (and its forks') later calls while the
    data stays the same. A bundle that is the last good one, the data now broken, is not kept."""
    global _kept
    _kept = None  # the old bundle is freed before the new one is read
    path = bundle_path(root, cache_dir)
    bundle = _load(path, root, cache_dir)
    if path.exists():
        _kept = (path, bundle)
    return bundle


def bundle_path(root: Path, cache_dir: Path) -> Path:
    return cache_dir / f"bundle-{fingerprint(root)}.pickle"


BUILDING = "The code or the knowledge changed: training the models, about a minute…"


def will_build(root: Path, cache_dir: Path) -> bool:
    """Whether loading the knowledge now trains the models: the cache holds no bundle for the code and
    the data as they are (nor does this process keep one)."""
    path = bundle_path(root, cache_dir)
    return not (path.exists() or (_kept is not None and _kept[0] == path))


def announce_build(root: Path, cache_dir: Path, stream) -> None:
    """BUILDING on ``stream`` before a load that will train the models, so that a person does not
    wait a minute in silence; nothing when the cache is fresh (the load takes a second)."""
    if will_build(root, cache_dir):
        print(BUILDING, file=stream, flush=True)


def load_bundle(root: Path, cache_dir: Path, keep_last_good: bool = True) -> Bundle:
    """The cached bundle for the data as it is now, built (and cached) when the data changed.

    If the data changed and no longer builds, the last good bundle stays in service (a server
    reloading must not lose its knowledge to a typo): the problems are logged with file and line.
    """
    path = bundle_path(root, cache_dir)
    if _kept is not None and _kept[0] == path:
        return _kept[1]
    return _load(path, root, cache_dir, keep_last_good)


def _load(path: Path, root: Path, cache_dir: Path, keep_last_good: bool = True) -> Bundle:
    """The bundle cached at ``path`` (the data's fingerprint, computed once by the caller), else built."""
    if path.exists():
        try:
            return _read(path)
        except Exception:  # a cache from an interrupted write or an older version: rebuild it
            log.warning("ignoring unreadable cache %s", path)
    try:
        bundle = build_checked(root)
    except KnowledgeError as error:
        last = last_good(cache_dir) if keep_last_good else None
        if last is None:
            raise
        log.error("the knowledge does not build; the last good knowledge stays in service:\n%s", error)
        return _read(last)
    _save(bundle, path)
    return bundle


def build_checked(root: Path) -> Bundle:
    """The bundle built from the data, after ``assistant check``'s validation."""
    from .data.check import check_project, errors  # build time only
    from .dialogue.compute import FUNCTIONS
    from .dialogue.validators import VALIDATORS

    try:
        problems = errors(check_project(root, FUNCTIONS, VALIDATORS))
    except Exception as error:  # what the checks themselves could not read
        raise KnowledgeError([f"{root}: {error}"]) from error
    if problems:
        raise KnowledgeError(problems)
    return read_bundle(root)


def last_good(cache_dir: Path) -> Path | None:
    """The bundle last built successfully by this code (only the newest is kept): one that older code
    pickled would load, then fail on the first message."""
    found = sorted(cache_dir.glob(f"bundle-{code_fingerprint()}-*.pickle"), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


def _read(path: Path) -> Bundle:
    with open(path, "rb") as f:
        return pickle.load(f)


def _save(bundle: Bundle, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob("bundle-*.pickle"):
        old.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        pickle.dump(bundle, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
