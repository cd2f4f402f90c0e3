"""bench/clinc150.py does what its help says: with --data it reads a dataset in the public
data_full.json format, chooses the threshold on val and scores test; --json ends with one line of
results. Its threshold rule takes the widest margin over both goals, counted in standard errors."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

from assistant.nlu.matching import Candidate

BENCH = Path(__file__).resolve().parents[2] / "bench"
PHRASES = {
    "balance": [
        "what is my account balance",
        "how much money is in my account",
        "show my balance",
        "balance of my checking account",
        "tell me my current balance",
        "how much do i have left",
    ],
    "weather": [
        "what is the weather today",
        "will it rain tomorrow",
        "is it sunny outside",
        "weather forecast for the weekend",
        "how cold is it outside",
        "do i need an umbrella",
    ],
    "timer": [
        "set a timer for ten minutes",
        "start a five minute timer",
        "timer for half an hour",
        "count down twenty minutes",
        "remind me in ten minutes with a timer",
        "put a timer on",
    ],
}
OUT_OF_SCOPE = [
    "who painted the mona lisa",
    "translate hello into german",
    "book a table for two",
    "what is the capital of peru",
    "play some jazz music",
    "how tall is mount everest",
]


def load_script():
    spec = importlib.util.spec_from_file_location("clinc150", BENCH / "clinc150.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tiny_dataset(path: Path) -> dict:
    """The public format: lists of [text, intent], in-scope and out-of-scope apart, per split."""
    data = {}
    for split, take in (("train", slice(0, 4)), ("val", slice(4, 5)), ("test", slice(5, 6))):
        data[split] = [[text, intent] for intent, texts in PHRASES.items() for text in texts[take]]
        data[f"oos_{split}"] = [[text, "oos"] for text in OUT_OF_SCOPE[take]]
    path.write_text(json.dumps(data))
    return data


def test_with_data_it_chooses_on_val_and_scores_the_test_split(tmp_path):
    data = tiny_dataset(tmp_path / "data_full.json")
    done = subprocess.run(
        [sys.executable, str(BENCH / "clinc150.py"), "--data", str(tmp_path / "data_full.json"), "--json"],
        capture_output=True,
        text=True,
        cwd=BENCH,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    result = json.loads(lines[-1])
    assert {"in_scope_accuracy", "oos_recall", "p50_ms", "p99_ms"} <= set(result)
    assert result["split"] == "test"
    assert f"scored {len(data['test'])} in-scope and {len(data['oos_test'])} out-of-scope queries of test" in lines[0]
    assert 0 <= result["in_scope_accuracy"] <= 100 and 0 <= result["oos_recall"] <= 100


def ranked(confidence: float, intent: str) -> list[Candidate]:
    return [Candidate(intent, confidence, confidence, confidence)]


def test_the_threshold_is_the_one_with_the_widest_margin_over_both_goals():
    clinc = load_script()
    in_scope = [("a", "x"), ("b", "x"), ("c", "x"), ("d", "x")]
    oos = [("e", "oos"), ("f", "oos")]
    # In-scope confidences 0.9, 0.8, 0.5, 0.25; out-of-scope 0.2 and 0.6. Above 0.2 one out-of-scope
    # query falls back while every in-scope one is still answered; above 0.25 answers start to fall back.
    rows = [ranked(c, "x") for c in (0.9, 0.8, 0.5, 0.25)] + [ranked(c, "x") for c in (0.2, 0.6)]
    chosen = clinc.choose_threshold(rows, in_scope, oos)
    assert 0.2 < chosen <= 0.25
    assert clinc.score(rows, in_scope, oos, chosen) == (100.0, 50.0)
