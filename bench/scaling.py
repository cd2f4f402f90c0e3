"""How the cost of matching grows with the size of a knowledge base: synthetic bases of 1k, 10k
and 100k example phrases (CLINC150's utterances, varied by shuffling words and adding a word
from the vocabulary), 150 intents, the product's matcher; p50/p99 of one query, training time
and the size of what is trained.

    python bench/scaling.py [--sizes 1000 10000 100000] [--json]
"""

import argparse
import json
import pickle
import random
import statistics
import sys
import time
from pathlib import Path

from tqdm import tqdm

from assistant.nlu.matching import Matcher
from assistant.text import lexicon
from assistant.text.normalise import Normaliser

SPLITS = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "clinc150" / "train_val.json"


def synthetic(train: list, size: int, rng: random.Random) -> list:
    """``size`` labelled phrases: the originals first, then varied copies of them."""
    vocabulary = sorted({w for text, _ in train for w in text.split()})
    phrases = list(train[:size])
    while len(phrases) < size:
        text, intent = train[rng.randrange(len(train))]
        words = text.split()
        rng.shuffle(words)
        phrases.append((" ".join(words + [rng.choice(vocabulary)]), intent))
    return phrases


def measure(phrases: list, queries: list, normaliser: Normaliser) -> dict:
    start = time.perf_counter()
    matcher = Matcher.train([(normaliser.tokens(t, "en"), i) for t, i in phrases], texts=[t for t, _ in phrases])
    training = time.perf_counter() - start
    timings = []
    for text in queries:
        begin = time.perf_counter()
        matcher.rank(normaliser.tokens(text, "en"), text=text)
        timings.append((time.perf_counter() - begin) * 1000)
    timings.sort()
    return {
        "phrases": len(phrases),
        "training_s": round(training, 1),
        "model_mb": round(len(pickle.dumps(matcher, protocol=pickle.HIGHEST_PROTOCOL)) / 1e6, 1),
        "p50_ms": round(statistics.median(timings), 3),
        "p99_ms": round(timings[int(0.99 * len(timings))], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the results")
    args = parser.parse_args()
    data = json.loads(SPLITS.read_text())
    rng = random.Random(150)
    normaliser = Normaliser({"en": lexicon.compile_tables("en", [t for t, _ in data["train"]], {})})
    queries = [t for t, _ in rng.sample(data["val"], args.queries)]
    rows = []
    for size in tqdm(args.sizes, desc="knowledge sizes", unit="size", file=sys.stderr):
        rows.append(measure(synthetic(data["train"], size, rng), queries, normaliser))
    print(f"{'phrases':>8}{'train s':>9}{'model MB':>10}{'p50 ms':>9}{'p99 ms':>9}")
    for r in rows:
        print(f"{r['phrases']:>8}{r['training_s']:>9.1f}{r['model_mb']:>10.1f}{r['p50_ms']:>9.3f}{r['p99_ms']:>9.3f}")
    if args.json:
        print(json.dumps(rows))


if __name__ == "__main__":
    main()
