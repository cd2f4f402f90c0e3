"""CLINC150 through the product's own matcher: the same normalisation, features, classifier and
fallback decision as a vendor's tenant, trained on `train` (+ `oos_train` as out_of_scope) and
scored on `val` + `oos_val` (or on the public test split with --data data_full.json).

    python bench/clinc150.py [--data PATH] [--json] [--threshold T]

It also prints accuracy and out-of-scope recall at thresholds 0 to 0.7, so that a vendor can choose.
"""
import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from tqdm import tqdm

from assistant import lexicon
from assistant.dialogue import THRESHOLD, decide
from assistant.matching import OUT_OF_SCOPE, Matcher
from assistant.normalise import Normaliser

SPLITS = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "clinc150" / "train_val.json"


def label(intent: str) -> str:
    return OUT_OF_SCOPE if intent == "oos" else intent


def load(args) -> tuple[list, list, list]:
    if args.data:
        data = json.loads(Path(args.data).read_text())
        return data["train"] + data["oos_train"], data["test"], data["oos_test"]
    data = json.loads(SPLITS.read_text())
    return data["train"] + data["oos_train"], data["val"], data["oos_val"]


SWEEP = [round(0.05 * i, 2) for i in range(15)]  # thresholds 0.00 .. 0.70


def predict(candidates, threshold: float) -> str:
    decision = decide(candidates, threshold=threshold, margin=0.0)
    return OUT_OF_SCOPE if decision.kind == "fallback" else decision.best.intent


def score(ranked: list, in_scope: list, oos: list, threshold: float) -> tuple[float, float]:
    """In-scope accuracy and out-of-scope recall, in %, of ranked queries at one threshold."""
    guesses = [predict(candidates, threshold) for candidates in ranked]
    right = sum(g == intent for g, (_, intent) in zip(guesses, in_scope))
    caught = sum(g == OUT_OF_SCOPE for g in guesses[len(in_scope):])
    return round(100 * right / len(in_scope), 2), round(100 * caught / len(oos), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="data_full.json of the public dataset: score on its test split")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the results")
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    args = parser.parse_args()
    train, in_scope, oos = load(args)

    start = time.perf_counter()
    normaliser = Normaliser({"en": lexicon.compile_tables("en", [t for t, _ in train], {})})
    matcher = Matcher.train([(normaliser.tokens(t, "en"), label(i)) for t, i in train], texts=[t for t, _ in train])
    training = time.perf_counter() - start

    timings, ranked = [], []
    for text, _ in tqdm(in_scope + oos, desc="CLINC150 queries", unit="q", file=sys.stderr):
        begin = time.perf_counter()
        ranked.append(matcher.rank(normaliser.tokens(text, "en"), text=text))
        predict(ranked[-1], args.threshold)
        timings.append((time.perf_counter() - begin) * 1000)
    timings.sort()
    accuracy, recall = score(ranked, in_scope, oos, args.threshold)
    result = {"in_scope_accuracy": accuracy, "oos_recall": recall,
              "p50_ms": round(statistics.median(timings), 3), "p99_ms": round(timings[int(0.99 * len(timings))], 3),
              "training_s": round(training, 1), "threshold": args.threshold,
              "sweep": [[t, *score(ranked, in_scope, oos, t)] for t in SWEEP]}
    print(f"trained on {len(train)} utterances in {training:.1f} s; scored {len(in_scope)} in-scope and {len(oos)} "
          f"out-of-scope queries")
    print(f"at threshold {args.threshold}: in-scope accuracy {accuracy} %, out-of-scope recall {recall} %, "
          f"p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms per query")
    print("threshold  in-scope %  out-of-scope recall %")
    for t, a, r in result["sweep"]:
        print(f"{t:>9.2f}{a:>12.2f}{r:>23.2f}")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
