"""Publish and rollback, from the request to every worker serving the new version.

    python bench/publish.py [--rounds 2] [--tenant T ...] [--json]

Two workers over one database, as `assistant serve` runs them: the first publishes one new
phrasing for a tenant (checked with `assistant check`'s rules, that tenant's matcher trained, the
version recorded); the second, on its next request, switches to it (loads the build from the cache)
and answers the new phrasing. The time is from the publish call to that answer. Then a rollback to
the version before, timed the same way (its build is in the cache: nothing is trained). Each round
publishes a phrasing no earlier round used, in every tenant.

Goal (issue 27): p50 <= 10 s from publish to live on this 2-core machine; a rollback as fast.
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from assistant.backoffice.store import open_store
from assistant.bundle import fingerprint, load_bundle
from assistant.core import Assistant
from assistant.curation import drafts, publishing
from assistant.curation.live import Knowledge, Live

ROOT = Path(__file__).resolve().parents[1]
GOAL_S = 10.0


def worker(bundle, knowledge: Knowledge, db: Path) -> Live:
    return Live(Assistant(bundle, open_store(db)), knowledge)


def first_entry(bundle, tenant: str) -> str:
    return next(iter(bundle.tenants[tenant].entries))


def timed_switch(action, other: Live, tenant: str, message: str, lang: str) -> tuple[float, str]:
    """Seconds from ``action()`` to ``other`` answering ``message`` after its switch, and the intent."""
    started = time.perf_counter()
    action()
    other.refresh()
    reply = other.assistant.reply(tenant, None, message, lang=lang)
    return time.perf_counter() - started, reply.intent or reply.type


def measure(rounds: int, tenants: list[str]) -> list[dict]:
    bundle = load_bundle(ROOT, ROOT / "data" / "cache")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        knowledge = Knowledge(ROOT, Path(folder) / "cache", bundle, fingerprint(ROOT))
        one, other = (worker(bundle, knowledge, Path(folder) / "assistant.db") for _ in range(2))
        store = one.assistant.store
        for n in range(rounds):
            for tenant in tenants:
                lang = bundle.tenants[tenant].languages[0]
                entry = first_entry(bundle, tenant)
                text = f"question de benchmark numéro {n} pour {entry}"
                drafts.add(store, tenant, {"kind": "phrasing", "entry": entry, "lang": lang, "text": text}, "bench")
                before = drafts.live(store, tenant).version
                publish = partial(publishing.publish, knowledge, store, tenant, "bench")
                back = partial(publishing.rollback, knowledge, store, tenant, before, "bench")
                publish_s, got = timed_switch(publish, other, tenant, text, lang)
                rollback_s, _ = timed_switch(back, other, tenant, text, lang)
                rows.append(
                    {"tenant": tenant, "round": n, "publish_s": publish_s, "rollback_s": rollback_s, "answered": got}
                )
                print(
                    f"{tenant:12} round {n}: publish to live {publish_s:5.1f} s ({got}), rollback {rollback_s:4.2f} s",
                    flush=True,
                )
    return rows


def summary(rows: list[dict]) -> dict:
    publish = sorted(r["publish_s"] for r in rows)
    rollback = sorted(r["rollback_s"] for r in rows)
    return {
        "publishes": len(rows),
        "publish_p50_s": statistics.median(publish),
        "publish_max_s": publish[-1],
        "rollback_p50_s": statistics.median(rollback),
        "rollback_max_s": rollback[-1],
        "goal_s": GOAL_S,
        "per_tenant": {
            t: statistics.median(r["publish_s"] for r in rows if r["tenant"] == t)
            for t in dict.fromkeys(r["tenant"] for r in rows)
        },
        "rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--tenant", action="append", help="Only these tenants (all by default).")
    parser.add_argument("--json", action="store_true", help="Print the results as JSON on the last line.")
    args = parser.parse_args()
    tenants = args.tenant or sorted(load_bundle(ROOT, ROOT / "data" / "cache").tenants)
    result = summary(measure(args.rounds, tenants))
    print(
        f"publish to live: p50 {result['publish_p50_s']:.1f} s, max {result['publish_max_s']:.1f} s "
        f"(goal p50 <= {GOAL_S:.0f} s); rollback: p50 {result['rollback_p50_s']:.2f} s, "
        f"max {result['rollback_max_s']:.2f} s",
        flush=True,
    )
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
