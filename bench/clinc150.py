"""CLINC150 through the product's own matcher: the same normalisation, features, classifier and
fallback decision as a vendor's tenant, trained on `train` (+ `oos_train` as out_of_scope) and
scored on `val` + `oos_val` (or on the public test split with --data data_full.json).

    python bench/clinc150.py [--data PATH] [--json] [--threshold T]
"""
import argparse
import json
import statistics
import sys
import time
from pathlib import Path

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


def predict(matcher, normaliser, text, threshold):
    decision = decide(matcher.rank(normaliser.tokens(text, "en"), text=text), threshold=threshold, margin=0.0)
    return OUT_OF_SCOPE if decision.kind == "fallback" else decision.best.intent


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

    timings, right, caught = [], 0, 0
    for text, intent in in_scope + oos:
        begin = time.perf_counter()
        guess = predict(matcher, normaliser, text, args.threshold)
        timings.append((time.perf_counter() - begin) * 1000)
        if intent == "oos":
            caught += guess == OUT_OF_SCOPE
        else:
            right += guess == intent
    timings.sort()
    result = {"in_scope_accuracy": round(100 * right / len(in_scope), 2),
              "oos_recall": round(100 * caught / len(oos), 2),
              "p50_ms": round(statistics.median(timings), 3),
              "p99_ms": round(timings[int(0.99 * len(timings))], 3)}
    print(f"trained on {len(train)} utterances in {training:.1f} s; scored {len(in_scope)} in-scope and {len(oos)} "
          f"out-of-scope queries (threshold {args.threshold})")
    print(f"in-scope accuracy {result['in_scope_accuracy']} %, out-of-scope recall {result['oos_recall']} %, "
          f"p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms per query")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
