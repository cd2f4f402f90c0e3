"""The evaluation sets are large, varied and distinct from the training phrases."""

from pathlib import Path

import pytest
from rapidfuzz import fuzz, process

from assistant.nlu.evaluate import judge, read_items
from assistant.text.clean import fold

EVAL = Path(__file__).parents[1] / "eval"
SETS = sorted(EVAL.glob("*.jsonl"))


def test_the_main_set_is_large_enough():
    items = read_items(EVAL / "single.jsonl")
    assert len(items) >= 300
    assert sum(i["expect"] == "fallback" for i in items) >= 40
    for lang in ("fr", "en"):
        assert sum(i["lang"] == lang for i in items) >= 120


@pytest.mark.parametrize("path", SETS, ids=[p.name for p in SETS])
def test_no_item_is_a_training_phrase_or_a_near_copy(assistant, path):
    phrases = [fold(e.text) for e in assistant.intents.examples]
    copies = []
    for item in read_items(path):
        messages = [t["user"] for t in item["turns"]] if "turns" in item else [item["message"]]
        for message in messages:
            best = process.extractOne(fold(message), phrases, scorer=fuzz.ratio)
            if best and best[1] >= 92 and len(message.split()) > 2:  # "oui", "Sonatrach" are answers, not phrasings
                copies.append((item["id"], message, best[0]))
    assert copies == []


def test_judge_requires_type_language_and_evidence():
    item = {"lang": "fr", "expect": "answer", "must": [["30", "trente"], ["jour"]]}
    reply = {"lang": "fr", "type": "answer", "reply": "Remboursé pendant 30 jours.", "intent": "x"}
    assert judge(item, reply)[0]
    assert not judge(item, {**reply, "lang": "en"})[0]
    assert not judge(item, {**reply, "reply": "Remboursé pendant 15 jours."})[0]
    assert judge({"lang": "en", "expect": "form:quote"}, {"lang": "en", "type": "form", "action": {"name": "quote"}})[0]
    assert not judge(
        {"lang": "en", "expect": "form:demo"}, {"lang": "en", "type": "form", "action": {"name": "quote"}}
    )[0]
