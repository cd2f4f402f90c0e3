"""The knowledge loaded once, by gunicorn's master process, before it forks its workers.

Each worker then shares the master's copy of the models (their tables and arrays, most of a worker's
memory) instead of reading its own: the pages stay shared as long as nobody writes to them.
`assistant serve` does this itself; with gunicorn's own command line, these are its server hooks:

    gunicorn -c python:assistant.channels.preload -w 2 'assistant.channels:create_app()'
"""

import gc


def on_starting(server) -> None:
    """gunicorn's hook in the master, before its first workers."""
    keep_knowledge()


def on_reload(server) -> None:
    """gunicorn's hook in the master on SIGHUP (`assistant reload`), before the new workers start:
    they share the knowledge as it is now, while the old workers finish their requests."""
    keep_knowledge()


def keep_knowledge() -> None:
    # Imported here: gunicorn reads this module's names as its settings, and "config" is one of them.
    from pathlib import Path

    from ..backoffice.backends import request_kinds, validator
    from ..bundle import keep_loaded
    from ..dialogue.slots import compile_ahead
    from ..paths import data_dir, project_root

    gc.unfreeze()  # the previous knowledge, if any, may be collected once replaced
    root = project_root()
    bundle = keep_loaded(root, Path(data_dir(root)) / "cache")
    compile_ahead((t.catalogue for t in bundle.tenants.values()), bundle.intents)
    for kind in request_kinds(bundle.forms, bundle.intents).values():  # jsonschema and the requests'
        validator(kind.schema)  # schemas, checked once, for every worker
    # A garbage collection writes to every object it visits: in a worker, it would copy each
    # page of the inherited models. Frozen objects are never visited; they are still freed, by
    # their reference counts, when the knowledge is replaced.
    gc.collect()
    gc.freeze()
