"""The evaluation sets, answered with the native module and with pure numpy: the same replies, the same
rankings, confidences within 1e-5. The implementation is chosen when the kernels are imported, so
each runs in a process of its own (ASSISTANT_PURE_PYTHON=1 or 0)."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from test_kernels import needs_native

SETS = ["single", "holdout", "paraphrase", "out_of_scope"]
EVAL = Path(__file__).parents[1] / "eval"

# Each item's reply (as `assistant eval` judges it) and its tenant's top five intents, then the summary.
ANSWER_THE_SETS = """
import json, sys
from pathlib import Path
from assistant import Assistant
from assistant.nlu.evaluate import read_items, run, summary_lines
from assistant import kernels
assistant = Assistant.load(db=Path(sys.argv[1]))
models, results = assistant.models, {"native": kernels.NATIVE}
for path in sys.argv[2:]:
    items = read_items(Path(path))
    report = run(assistant, items)
    rows = []
    for item, outcome in zip(items, report.outcomes):
        tokens = models.normaliser.tokens(item["message"], item["lang"])
        rank = models.matchers[item["tenant"]].rank(tokens, 5, item["message"])
        reply = outcome.reply
        rows.append([item["id"], outcome.ok, reply["type"], reply["intent"], reply["reply"], reply["confidence"],
                     [[c.intent, c.confidence, c.probability, c.similarity] for c in rank]])
    results[path] = {"items": rows, "summary": summary_lines(report)}
print(json.dumps(results))
"""


def answered(pure: bool) -> dict:
    env = {**os.environ, "ASSISTANT_PURE_PYTHON": "1" if pure else "0"}
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                ANSWER_THE_SETS,
                str(Path(folder) / "eval.db"),
                *(str(EVAL / f"{name}.jsonl") for name in SETS),
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=900,
        )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@needs_native
def test_the_evaluation_sets_are_answered_alike_by_both(assistant):  # the fixture: models built, cached
    native, numpy = answered(pure=False), answered(pure=True)
    assert native.pop("native") and not numpy.pop("native")
    for path, results in native.items():
        assert results["summary"] == numpy[path]["summary"], path
        for row, other in zip(results["items"], numpy[path]["items"], strict=True):
            assert row[:5] == other[:5], row[0]  # id, judged, type, intent, text
            assert row[5] == pytest.approx(other[5], abs=1e-5), row[0]
            assert [c[0] for c in row[6]] == [c[0] for c in other[6]], row[0]
            for candidate, same in zip(row[6], other[6]):
                assert candidate[1:] == pytest.approx(same[1:], abs=1e-5), row[0]
