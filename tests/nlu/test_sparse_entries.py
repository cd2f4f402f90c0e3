"""Few phrasings (issue 27, section 5): an entry with few examples weighs more and also learns from its
answer's clauses; every entry of the project's files has enough examples that its build is unchanged.
No training."""

from collections import Counter

from assistant.data import intents as intents_module
from assistant.data import knowledge
from assistant.data.knowledge import Fact
from assistant.nlu import training
from assistant.paths import project_root


class FakeTenant:
    def __init__(self, entries, facts=None, languages=("en",)):
        self.entries, self.facts, self.languages = entries, facts or {}, list(languages)


class FakeEntry:
    def __init__(self, id, answer):
        self.id, self.answer = id, answer


class Words:
    def tokens(self, text, lang):
        return text.lower().split()


def test_the_files_entries_are_trained_as_before():
    root = project_root()
    tenants, intents = knowledge.load(root), intents_module.load(root)
    for tenant in tenants.values():
        labelled = [(t.split(), intent, t) for t, _, intent in training.tenant_examples(tenant, intents)]
        counts = Counter(intent for _, intent, _ in labelled)
        assert min(counts[e] for e in tenant.entries) >= training.SPARSE_EXAMPLES, tenant.id
        assert set(training.sparse_weights(tenant, [intent for _, intent, _ in labelled])) == {1.0}
        assert training.sparse_answers(tenant, labelled, Words()) == []


def test_a_sparse_entry_weighs_more_and_learns_from_its_answer():
    answer = {
        "en": "A subscription lasts {term} a year. It includes {tickets}, and {contacts.value} contacts. Yes, ok."
    }
    tenant = FakeTenant(
        {"new": FakeEntry("new", answer), "old": FakeEntry("old", {"en": "Old words here."})},
        {"tickets": Fact("tickets", unit="ticket", value=10), "contacts": Fact("contacts", unit="contact", value=3)},
    )
    labels = ["new", "new", *["old"] * 40, *["out_of_scope"] * 300]
    weights = training.sparse_weights(tenant, labels)  # type: ignore[arg-type]
    assert weights[:2] == [training.SPARSE_EXAMPLES / 2] * 2 and set(weights[2:]) == {1.0}
    assert training.sparse_weights(tenant, ["new"]) == [training.SPARSE_CAP]  # type: ignore[arg-type]
    labelled = [(["x"], label, "x") for label in labels]
    assert training.sparse_answers(tenant, labelled, Words()) == [  # type: ignore[arg-type]
        (["a", "subscription", "lasts", "a", "year"], "new", "A subscription lasts  a year"),
        (["it", "includes", "10", "tickets"], "new", "It includes 10 tickets"),
        (["and", "3", "contacts"], "new", "and 3 contacts"),
    ]


def test_an_answer_not_yet_translated_is_also_read_in_the_language_it_lacks():
    tenant = FakeTenant({"new": FakeEntry("new", {"en": "It includes ten tickets."})}, languages=("fr", "en"))
    found = training.sparse_answers(tenant, [(["x"], "new", "x")], Words())  # type: ignore[arg-type]
    assert found == [(["it", "includes", "ten", "tickets."], "new", "It includes ten tickets.")] * 2
