"""`assistant check` on the project, and on broken copies of it: each problem names file and line."""

import shutil

import pytest

from assistant.data.check import bare_answer, check_project, check_warnings
from assistant.dialogue.compute import FUNCTIONS
from assistant.dialogue.validators import VALIDATORS
from assistant.paths import project_root


@pytest.fixture
def project(tmp_path):
    root = project_root()
    for folder in ("knowledge", "intents"):
        shutil.copytree(root / folder, tmp_path / folder)
    return tmp_path


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def messages(root):
    return [str(p) for p in check_project(root, FUNCTIONS, VALIDATORS)]


def test_the_project_is_valid():
    assert messages(project_root()) == []


def test_a_phrase_under_two_intents_names_both_places(project):
    nlu = project / "intents/exo/en/nlu.yml"
    lines = nlu.read_text(encoding="utf-8").splitlines()
    first_phrase = next(line.strip() for line in lines if line.strip().startswith("- ") and "intent:" not in line)
    nlu.write_text(
        nlu.read_text(encoding="utf-8") + f"- intent: trial_length\n  examples: |\n    {first_phrase}\n",
        encoding="utf-8",
    )
    problems = messages(project)
    assert any("is also under" in p and p.startswith("intents/exo/en/nlu.yml:") for p in problems)


def test_a_missing_translation_is_reported_at_its_entry(project):
    edit(project / "knowledge/exo/entries.yml", "    en: What is your refund policy?", "    de: Rückerstattung?")
    problems = messages(project)
    assert any("refund_policy: no question in en yet" in p and "warning" in p for p in problems)
    assert any("refund_policy: question in de, which is not one of the tenant's languages" in p for p in problems)
    assert all(p.startswith("knowledge/exo/entries.yml:") for p in problems if "refund_policy" in p)


def test_a_yaml_syntax_error_gives_its_line(project):
    path = project / "knowledge/anvaigo/entries.yml"
    path.write_text(path.read_text(encoding="utf-8") + "\n  - id: [broken\n", encoding="utf-8")
    [problem] = messages(project)
    assert problem.startswith("knowledge/anvaigo/entries.yml:") and "invalid YAML" in problem


def test_an_unknown_fact_and_a_dangling_reference_are_reported(project):
    edit(project / "knowledge/exo/entries.yml", "{refund_window}", "{refund_windw}")
    edit(project / "knowledge/exo/entries.yml", "related: [", "related: [no_such_entry, ")
    problems = " ".join(messages(project))
    assert "{refund_windw} names no fact" in problems
    assert "related entry 'no_such_entry' does not exist" in problems


def test_an_intent_that_answers_nothing_is_reported(project):
    path = project / "intents/conex/fr/buying.yml"
    path.write_text(
        path.read_text(encoding="utf-8") + "- intent: nowhere\n  examples: |\n    - une phrase\n", encoding="utf-8"
    )
    assert any("intent 'nowhere' answers nothing" in p for p in messages(project))


def test_a_schema_violation_names_the_field(project):
    edit(project / "knowledge/exo/entries.yml", "topic: refunds", "topic: refundz")
    [problem] = [p for p in messages(project) if "refundz" in p]
    assert problem.startswith("knowledge/exo/entries.yml:") and "topic" in problem


def test_an_entry_id_written_twice_is_reported_with_both_places(project):
    path = project / "knowledge/anvaigo/entries.yml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: free_online_presentation")
    end = text.index("  - id:", start + 10)
    path.write_text(text + "\n" + text[start:end], encoding="utf-8")
    problems = [p for p in messages(project) if "already defined" in p]
    assert len(problems) == 1 and "entry free_online_presentation" in problems[0]


def test_a_cited_question_without_its_translation_is_reported_at_each_entry_citing_it(project):
    edit(project / "knowledge/exo/sources.yml", "        en: 5. What is your backup policy?\n", "")
    problems = [p for p in messages(project) if "source.question" in p]
    assert {p.split(": ", 1)[1] for p in problems} == {
        f"{entry}: source.question '5. Quelle est votre politique de sauvegarde?' has no translation in en in "
        f"knowledge/exo/sources.yml"
        for entry in ("backup_policy", "maintenance_downtime")
    }
    assert all(p.startswith("knowledge/exo/entries.yml:") for p in problems)


def test_a_cited_section_without_its_translation_is_reported(project):
    edit(project / "knowledge/conex/sources.yml", "    en: Source code\n", "")
    problems = messages(project)
    assert any(
        p.startswith("knowledge/conex/")
        and "source_code_licence: source.section 'Code source' has no translation in en" in p
        for p in problems
    )


def test_the_document_needs_a_title_in_each_language_and_a_web_address_if_any(project):
    tenant = project / "knowledge/exo/tenant.yml"
    edit(tenant, ", en: eXo Platform FAQ}", "}")
    edit(tenant, "document_url: null", "document_url: javascript:alert(1)")
    assert [p for p in messages(project) if "document_" in p] == [
        "knowledge/exo/tenant.yml:1: document_title: no title in en",
        "knowledge/exo/tenant.yml:1: document_url: 'javascript:alert(1)' is not an http or https address",
    ]
    edit(tenant, "document_url: javascript:alert(1)", "document_url: https://docs.example/exo/faq")
    assert [p for p in messages(project) if "document_" in p] == [
        "knowledge/exo/tenant.yml:1: document_title: no title in en"
    ]


def test_a_misspelt_field_of_the_translations_is_a_schema_violation(project):
    edit(project / "knowledge/solidxperts/sources.yml", "    questions:", "    questons:")
    [problem] = messages(project)
    assert problem.startswith("knowledge/solidxperts/sources.yml:") and "questons" in problem


def test_an_answer_opening_with_a_bare_yes_or_no_is_a_warning_not_an_error(project):
    path = project / "knowledge/anvaigo/entries.yml"
    edit(
        path,
        "        La présentation en ligne d'un produit Anvaigo est gratuite.",
        "        Oui, la présentation en ligne d'un produit Anvaigo est gratuite.",
    )
    edit(
        path,
        "        An online presentation of an Anvaigo product is free.",
        "        Yes: an online presentation of an Anvaigo product is free.",
    )
    edit(path, "        Anvaigo training is billed,", "        No. Anvaigo training is billed,")
    assert messages(project) == []  # the data stays valid
    warnings = [str(w) for w in check_warnings(project)]
    assert len(warnings) == 3 and all(w.startswith("knowledge/anvaigo/entries.yml:") for w in warnings)
    assert any("free_online_presentation: the fr answer opens with 'oui'" in w for w in warnings)
    assert any("free_online_presentation: the en answer opens with 'yes'" in w for w in warnings)
    assert any("billed_training: the en answer opens with 'no'" in w for w in warnings)


@pytest.mark.parametrize(
    "text, lang, opener",
    [
        ("Oui, il faut des licences supplémentaires.", "fr", "oui"),
        ("« Non » : nous ne remboursons pas.", "fr", "non"),
        ("Bien sûr ! Votez sur notre portail.", "fr", "bien sûr"),
        ("Of course! Vote on our portal.", "en", "of course"),
        ("Nonetheless, we reply within 2 hours.", "en", None),
        ("Nous ne remboursons pas les achats.", "fr", None),
        ("Notre support premium fonctionne 24h/24.", "fr", None),
        ("Yes", "fr", None),  # each language has its own words
    ],
)
def test_a_bare_answer_is_read_by_the_languages_words(text, lang, opener):
    assert bare_answer(text, lang) == opener


def test_a_topic_without_a_name_in_a_language_is_reported(project):
    edit(project / "intents/common/en/responses.yml", "  utter_topic_refunds:\n", "  utter_topic_refundz:\n")
    assert "intents/common/en/responses.yml:1: missing response utter_topic_refunds" in messages(project)


def test_a_validator_the_data_names_is_registered_and_given_its_parameters(project):
    tenant = project / "knowledge/conex/tenant.yml"
    edit(
        tenant,
        "{validator: reserved_value, slot: currency, value: DZD, country: algeria,",
        "{validator: reserved_valu, slot: currency, value: DZD, country: algeria,",
    )
    [problem] = [p for p in messages(project) if "validator" in p]
    assert problem.startswith("knowledge/conex/tenant.yml:1: forms: quote: no validator 'reserved_valu'")
    edit(
        tenant,
        "{validator: reserved_valu, slot: currency, value: DZD, country: algeria,",
        "{validator: reserved_value, slot: currency, value: DZD,",
    )
    assert [p for p in messages(project) if "validator" in p] == [
        "knowledge/conex/tenant.yml:1: forms: quote: validator reserved_value needs parameter 'country'"
    ]


def test_a_tenant_action_is_the_intent_of_a_form(project):
    edit(project / "intents/forms.yml", "    intent: request_demo\n", "")
    problems = messages(project)
    assert "knowledge/exo/tenant.yml:1: actions: request_demo is not an action intent" in problems
    assert any("intent 'request_demo' answers nothing in common" in p for p in problems)


def test_a_form_that_submits_has_its_responses_in_every_language_a_tenant_speaks(project):
    edit(project / "intents/common/fr/forms.yml", "  utter_done_demo:\n", "  utter_done_demo_:\n")
    assert "intents/common/fr/responses.yml:1: missing response utter_done_demo" in messages(project)
