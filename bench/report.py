"""Run every benchmark and write bench/RESULTS.md with its plots (what `make bench` does).

    python bench/report.py [--seconds 10] [--quick]

Each benchmark is its own script, run here in a fresh process with --json; its table goes to the
terminal as it comes, its progress bars too, and its last line (the JSON) into the report, with
the machine, the versions and the date. --quick runs shorter loads and smaller sizes, to try the
report itself; its numbers are not the ones to publish.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import sysconfig
import timeit
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import plots
import results_md

HERE = Path(__file__).resolve().parent
PACKAGES = ["scikit-learn", "numpy", "rapidfuzz", "spacy", "wordllama", "Flask", "gunicorn", "sqlite-utils"]


def run(script: str, *options: str) -> dict | list:
    """Runs one benchmark, showing its output, and returns its last line read as JSON."""
    command = [sys.executable, str(HERE / script), "--json", *options]
    print(f"\n$ python bench/{script} {' '.join(options)}".rstrip(), flush=True)
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, cwd=HERE.parent)
    lines = done.stdout.strip().splitlines()
    print("\n".join(lines[:-1]), flush=True)
    if done.returncode or not lines:
        raise SystemExit(f"bench/{script} failed (exit {done.returncode})")
    return json.loads(lines[-1])


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        int(line.split()[1]) // 1024
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    compiler = sysconfig.get_config_var("CC") or "cc"  # what pip compiled the C loops with
    gcc = subprocess.run([compiler.split()[0], "--version"], capture_output=True, text=True)
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_mb": memory,
        "system": platform.platform(),
        "python": platform.python_version(),
        "wrk": (wrk.stdout or wrk.stderr).split("[")[0].strip(),
        "compiler": (gcc.stdout.splitlines() or ["unknown"])[0],
        "packages": {p: metadata.version(p) for p in PACKAGES},
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def probe_ms() -> float:
    """How fast this machine runs plain Python at the moment: the median of five runs of a fixed
    loop. The same code's times drift here by 15-30 % from one hour to the next; taken before and
    after the benchmarks, the probe tells a slow machine from slower code between two reports."""
    return round(statistics.median(timeit.repeat("sum(i * i for i in range(200_000))", number=1, repeat=5)) * 1000, 1)


def curation(quick: bool) -> dict:
    """Issue 27's numbers: publish and rollback to live, and the matcher with few phrasings."""
    return {
        "curation_date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "publish": run("publish.py", "--rounds", "1" if quick else "2"),
        "few_phrasings": run("few_phrasings.py", "--k", "0,3" if quick else "0,1,3,all"),
    }


def cluster(quick: bool) -> dict:
    """Issue 28's numbers: chat through nginx on SQLite, PostgreSQL and the cluster, with failures."""
    return {
        "cluster_date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cluster_load": run("cluster_load.py", *(["--seconds", "15", "--baseline", "5"] if quick else [])),
    }


def only(section: dict, name: str) -> None:
    """One section's benchmarks, written into the last full run's results (--curation, --cluster)."""
    path = HERE / "results.json"
    results = json.loads(path.read_text())
    results.update(section)
    path.write_text(json.dumps(results, indent=1) + "\n")
    (HERE / "RESULTS.md").write_text(results_md.render(results))
    print(f"\nwrote the {name} section of {HERE / 'RESULTS.md'} into the run of {results['machine']['date']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--quick", action="store_true", help="short runs, to try the report")
    parser.add_argument(
        "--curation", action="store_true", help="only publish.py and few_phrasings.py, into results.json"
    )
    parser.add_argument("--cluster", action="store_true", help="only cluster_load.py, into results.json")
    args = parser.parse_args()
    if args.curation:
        return only(curation(False), "curation")
    if args.cluster:
        return only(cluster(False), "cluster")
    sizes = ["--sizes", "1000", "3000"] if args.quick else []
    probe = probe_ms()
    results = {
        "machine": machine(),
        "reply": run("reply_latency.py"),
        "instructions": run("reply_instructions.py", *(["--every", "32"] if args.quick else [])),
        "clinc150": run("clinc150.py"),
        "scaling": run("scaling.py", *sizes),
        "http": run("http_load.py", "--seconds", str(2 if args.quick else args.seconds)),
        "http_instructions": run("http_instructions.py", *(["--requests", "60"] if args.quick else [])),
        "load": run("load.py", "--seconds", "10" if args.quick else "60"),
        "crash": run("load.py", "--seconds", "10" if args.quick else "30", "--crash", "4" if args.quick else "10"),
        **curation(args.quick),
        **cluster(args.quick),
    }
    results["machine"]["probe_ms"] = [probe, probe_ms()]
    (HERE / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    plots.scaling(results["scaling"], HERE / "plots" / "scaling.png")
    plots.threshold(results["clinc150"], HERE / "plots" / "threshold.png")
    (HERE / "RESULTS.md").write_text(results_md.render(results))
    print(f"\nwrote {HERE / 'RESULTS.md'}, {HERE / 'results.json'} and bench/plots/")


if __name__ == "__main__":
    main()
