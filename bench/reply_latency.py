"""Speed and memory of the core: `Assistant.reply` per message, `assistant ask` from a cold start.

    python bench/reply_latency.py [--json]   # prints a table; nothing is asserted

Goals (issue 2): reply p50 <= 1 ms and p99 <= 5 ms with all tenants loaded; `assistant ask` from a
cold start <= 1.5 s; resident memory <= 200 MB.
"""

import argparse
import cProfile
import json
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tqdm import tqdm

from assistant import Assistant

ROOT = Path(__file__).resolve().parents[1]
REPEAT = 5


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def messages():
    items = []
    for path in sorted((ROOT / "tests" / "eval").glob("*.jsonl")):
        items += [
            item
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()
            if "message" in (item := json.loads(line))
        ]
    return items


def reply_latencies(assistant, items):
    by_tenant: dict[str, list[float]] = {}
    for _ in tqdm(range(REPEAT), desc="reply passes", unit="pass", file=sys.stderr):
        for item in items:
            start = time.perf_counter()
            assistant.reply(item["tenant"], None, item["message"])
            by_tenant.setdefault(item["tenant"], []).append((time.perf_counter() - start) * 1000)
    return by_tenant


# Where a reply's time goes: each stage's functions (file, name), timed by cProfile over one more pass.
# The profiler slows every call, so only each stage's share of `Assistant.reply` is reported; the
# shares leave out the dialogue, the answer's text and the glue between stages. A C function is
# named as cProfile names it, its file "~".
STAGES = {
    "language detection": [("language.py", "detect")],
    "normalisation": [("normalise.py", "tokens")],
    "spelling": [("matching.py", "correct")],
    "sentence vector": [("vectors.py", "vector")],
    "features, classifier and nearest example (kernels.rank)": [
        ("~", "<built-in method assistant.kernels._native.rank>"),
        ("pure.py", "rank"),
    ],
    "conversation saved": [("sessions.py", "open"), ("sessions.py", "save")],
}


def is_function(path: str, name: str, file: str, function: str) -> bool:
    """Is cProfile's (path, name) the package's ``function`` of ``file``, or the C function so named?"""
    if file == "~":
        return path == "~" and name == function
    return name == function and Path(path).name == file and Path(path).parent.name in ("assistant", "nlu")


def stage_shares(assistant, items) -> dict[str, float]:
    """Each stage's share of reply time, in %."""
    profile = cProfile.Profile()
    profile.runcall(lambda: [assistant.reply(item["tenant"], None, item["message"]) for item in items])
    timings = pstats.Stats(profile).stats  # (file, line, function) -> (calls, ..., own time, cumulative time, ...)

    def cumulative(file: str, function: str) -> float:
        return sum(v[3] for (path, _, name), v in timings.items() if is_function(path, name, file, function))

    total = cumulative("assistant.py", "reply")
    return {
        stage: round(100 * sum(cumulative(f, n) for f, n in functions) / total, 1)
        for stage, functions in STAGES.items()
    }


# The child reports its own peak memory, from its memory map's high-water mark (VmHWM): getrusage's
# maxrss survives exec, so a child of a process that has just trained the models would report that.
ASK = (
    "import atexit, re, sys\n"
    "atexit.register(lambda: sys.stderr.write('peak %s\\n' % re.search(r'VmHWM:\\s+(\\d+)', "
    "open('/proc/self/status').read()).group(1)))\n"
    "from assistant.channels.cli import cli\n"
    "cli(['ask', '--tenant', 'exo', 'combien coûte le renouvellement ?'])\n"
)


def cold_start(runs=5):
    """Wall time and peak RSS of `assistant ask` in a fresh process (model cache already built)."""
    times, peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", ASK], capture_output=True, text=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
        peaks.append(int(done.stderr.split("peak")[-1]) / 1024)
    return statistics.median(times), max(peaks)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the results")
    args = parser.parse_args()
    Assistant.load()  # builds the cache if the data changed: not what is measured here
    start = time.perf_counter()
    assistant = Assistant.load()
    load = time.perf_counter() - start
    items = messages()
    assistant.reply("exo", None, "warm up")
    by_tenant = reply_latencies(assistant, items)
    every = [v for values in by_tenant.values() for v in values]
    rows = {
        tenant: {"n": len(v), "p50_ms": round(percentile(v, 0.5), 3), "p99_ms": round(percentile(v, 0.99), 3)}
        for tenant, v in sorted(by_tenant.items()) + [("all", every)]
    }
    print(
        f"Assistant.reply over {len(items)} evaluation messages x {REPEAT}, all {len(assistant.tenants)} tenants loaded"
    )
    print(f"{'tenant':<14}{'n':>6}{'p50 ms':>9}{'p99 ms':>9}")
    for tenant, r in rows.items():
        print(f"{tenant:<14}{r['n']:>6}{r['p50_ms']:>9.3f}{r['p99_ms']:>9.3f}")
    shares = stage_shares(assistant, items)
    print("share of reply time by stage (cProfile):")
    for stage, share in shares.items():
        print(f"  {stage:<30}{share:>6.1f} %")
    print(f"load from the cache: {load:.2f} s")
    wall, peak = cold_start()
    print(f"`assistant ask` cold start: median {wall:.2f} s, peak resident memory {peak:.0f} MB")
    if args.json:
        print(
            json.dumps(
                {
                    "reply": rows,
                    "stages": shares,
                    "load_s": round(load, 2),
                    "ask_cold_start_s": round(wall, 2),
                    "ask_peak_mb": round(peak),
                }
            )
        )


if __name__ == "__main__":
    main()
