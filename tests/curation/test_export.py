"""Published changes written into a tenant's files: the files then hold the knowledge by themselves,
and every comment, order and style of theirs is kept."""

import shutil

import pytest

from assistant.curation.apply import Applied, apply
from assistant.curation.export import export
from assistant.data import intents as intents_module
from assistant.data import knowledge
from assistant.data.check import check_project, errors
from assistant.dialogue.compute import FUNCTIONS
from assistant.dialogue.validators import VALIDATORS
from assistant.paths import project_root

CHANGES = [
    {"id": 1, "kind": "phrasing", "entry": "trial_length", "lang": "en", "text": "how many days do I get to test it"},
    {"id": 2, "kind": "phrasing", "entry": "greeting", "lang": "fr", "text": "salut la compagnie"},
    {
        "id": 3,
        "kind": "entry",
        "entry": "hotline",
        "topic": "support",
        "question": {"fr": "Avez-vous une hotline ?", "en": "Do you have a hotline?"},
        "answer": {
            "fr": "Nous n'avons pas de hotline téléphonique : le support répond aux tickets ouverts depuis le portail client.",
            "en": "We have no phone hotline: support answers the tickets opened from the customer portal.",
        },
    },
    {"id": 4, "kind": "phrasing", "entry": "hotline", "lang": "en", "text": "is there a number to call support"},
    {"id": 5, "kind": "edit", "entry": "trial_length", "answer": {"en": "The free trial lasts as the FAQ says."}},
    {"id": 6, "kind": "retire", "entry": "backup_policy"},
    {"id": 7, "kind": "synonym", "lang": "fr", "canonical": "essai", "text": "période de test"},
]


@pytest.fixture
def project(tmp_path):
    for folder in ("knowledge", "intents"):
        shutil.copytree(project_root() / folder, tmp_path / folder)
    return tmp_path


def tenant_of(root):
    data = intents_module.load(root)
    tenant = knowledge.load(root)["exo"]
    return Applied(tenant, data.for_scope("exo"), data.tenant_synonyms.get("exo", {}))


def summary(applied):
    entries = {e.id: (e.topic, e.question, e.answer, e.related) for e in applied.tenant.entries.values()}
    phrasings = sorted((e.intent, e.lang, e.text) for e in applied.examples)
    return entries, phrasings, applied.synonyms


def test_exported_files_hold_what_the_changes_make(project):
    assert "backup_policy" in tenant_of(project).tenant.entries
    expected = summary(apply(tenant_of(project), CHANGES))
    written = export(project, "exo", CHANGES)
    assert summary(tenant_of(project)) == expected
    assert {p.relative_to(project).as_posix() for p in written} == {
        "knowledge/exo/entries.yml",
        "intents/exo/en/nlu.yml",
        "intents/exo/fr/nlu.yml",
    }
    assert errors(check_project(project, FUNCTIONS, VALIDATORS)) == []


def test_exporting_twice_changes_nothing_more(project):
    export(project, "exo", CHANGES)
    before = {p: p.read_bytes() for p in project.rglob("*.yml")}
    export(project, "exo", CHANGES)
    assert {p: p.read_bytes() for p in project.rglob("*.yml")} == before


def test_what_no_change_touches_is_kept_byte_for_byte(project):
    original = (project / "knowledge/exo/entries.yml").read_text(encoding="utf-8")
    export(project, "exo", CHANGES[:1])
    nlu = (project / "intents/exo/en/nlu.yml").read_text(encoding="utf-8")
    old_nlu = (project_root() / "intents/exo/en/nlu.yml").read_text(encoding="utf-8")
    assert (project / "knowledge/exo/entries.yml").read_text(encoding="utf-8") == original
    added = [line for line in nlu.splitlines() if line not in old_nlu.splitlines()]
    assert added == ["    - how many days do I get to test it"]
    assert len(nlu.splitlines()) == len(old_nlu.splitlines()) + 1  # every comment and line kept


def test_an_edit_keeps_the_comments_and_the_folded_style_around_it(project):
    path = project / "knowledge/exo/entries.yml"
    comments = [line for line in path.read_text(encoding="utf-8").splitlines() if line.lstrip().startswith("#")]
    export(project, "exo", [CHANGES[4], CHANGES[2]])
    text = path.read_text(encoding="utf-8")
    assert [line for line in text.splitlines() if line.lstrip().startswith("#")] == comments
    assert "      fr: >-\n        Nous n'avons pas de hotline" in text
    assert "source:\n      by: staff" in text
