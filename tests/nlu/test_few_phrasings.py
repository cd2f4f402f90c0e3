"""bench/few_phrasings.py keeps, for each entry and language, exactly the first k of its phrasings
(all of them when it has fewer), and every other example as it was: the common intents, the
out_of_scope phrasings (common or a tenant's) and a tenant's intents that are not entries. No training."""

import importlib.util
from collections import Counter
from pathlib import Path

import pytest

from assistant.data.intents import COMMON, OUT_OF_SCOPE, Example, IntentData
from assistant.data.knowledge import Tenant

BENCH = Path(__file__).resolve().parents[2] / "bench"


def bench():
    spec = importlib.util.spec_from_file_location("few_phrasings", BENCH / "few_phrasings.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def example(text, intent, scope, lang, line):
    return Example(text, intent, scope, lang, f"intents/{scope}/{lang}/x.yml", line)


class FakeTenant:
    def __init__(self, tid, entries):
        self.id, self.entries = tid, dict.fromkeys(entries)


TENANTS: dict[str, Tenant] = {"acme": FakeTenant("acme", ["price", "trial"]), "beta": FakeTenant("beta", ["price"])}  # type: ignore[dict-item]
EXAMPLES = [
    *[example(f"acme price fr {i}", "price", "acme", "fr", i) for i in range(5)],
    *[example(f"acme price en {i}", "price", "acme", "en", 10 + i) for i in range(4)],
    *[example(f"acme trial fr {i}", "trial", "acme", "fr", 20 + i) for i in range(2)],
    *[example(f"beta price en {i}", "price", "beta", "en", 30 + i) for i in range(6)],
    *[example(f"acme off topic {i}", OUT_OF_SCOPE, "acme", "en", 40 + i) for i in range(3)],
    example("acme has a form", "book_demo", "acme", "en", 50),
    *[example(f"hello {i}", "greeting", COMMON, "en", 60 + i) for i in range(4)],
    *[example(f"weather {i}", OUT_OF_SCOPE, COMMON, "fr", 70 + i) for i in range(4)],
]


@pytest.mark.parametrize("k", [0, 1, 3, 10])
def test_keeps_the_first_k_phrasings_of_each_entry_and_language(k):
    few = bench()
    intents = IntentData(examples=list(EXAMPLES), synonyms={"fr": {"prix": ["tarif"]}})
    subset = few.few_phrasings(intents, TENANTS, k)

    entry = lambda e: e.scope in TENANTS and e.intent in TENANTS[e.scope].entries
    counts = Counter((e.scope, e.intent, e.lang) for e in subset.examples if entry(e))
    written = Counter((e.scope, e.intent, e.lang) for e in EXAMPLES if entry(e))
    assert {key: counts.get(key, 0) for key in written} == {key: min(k, n) for key, n in written.items()}
    for key in written:  # the first ones, in the order of the files
        assert [e for e in subset.examples if (e.scope, e.intent, e.lang) == key] == [
            e for e in EXAMPLES if (e.scope, e.intent, e.lang) == key
        ][:k]
    assert [e for e in subset.examples if not entry(e)] == [e for e in EXAMPLES if not entry(e)]
    assert subset.synonyms == intents.synonyms
    assert intents.examples == EXAMPLES  # the data read is not changed


def test_all_keeps_every_example():
    few = bench()
    intents = IntentData(examples=list(EXAMPLES))
    assert few.few_phrasings(intents, TENANTS, None).examples == EXAMPLES
    assert few.phrasings_per_language(few.few_phrasings(intents, TENANTS, 0), TENANTS) == {"en": 0, "fr": 0}
    assert few.phrasings_per_language(intents, TENANTS) == {"en": 10, "fr": 7}
