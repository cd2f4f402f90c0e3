"""Sources people can read: a reply names its source by the document's title, the section and the
question's number, in the reply's language, with the document's address when it has one."""

import pytest

from assistant.data.citations import question_number, source_of

BACKUPS_EN = {
    "document": "000_73c03afdea15b033.txt",
    "section": "Hosting",
    "question": "5. What is your backup policy?",
    "title": "eXo Platform FAQ — Hosting — Q5",
    "url": None,
}
BACKUPS_FR = {
    "document": "000_73c03afdea15b033.txt",
    "section": "Hébergement",
    "question": "5. Quelle est votre politique de sauvegarde?",
    "title": "FAQ d'eXo Platform — Hébergement — Q5",
    "url": None,
}


def test_an_english_reply_names_its_source_in_english(ask):
    reply = ask("exo", "how long are backups kept?", lang="en")
    assert reply["intent"] == "exo.backup_policy" and reply["sources"] == [BACKUPS_EN]


def test_a_french_reply_names_its_source_in_french(ask):
    reply = ask("exo", "vous gardez les sauvegardes combien de temps ?", lang="fr")
    assert reply["intent"] == "exo.backup_policy" and reply["sources"] == [BACKUPS_FR]


def test_a_document_with_an_address_gives_it(assistant, ask, monkeypatch):
    monkeypatch.setattr(assistant.tenants["exo"], "document_url", "https://docs.example/exo/faq")
    [source] = ask("exo", "how long are backups kept?", lang="en")["sources"]
    assert source == {**BACKUPS_EN, "url": "https://docs.example/exo/faq"}


@pytest.mark.parametrize(
    "question, number",
    [
        ("5. Quelle est votre politique de sauvegarde?", "5"),
        ("10. Quel est le volume de données que je peux utiliser?", "10"),
        ("6. et 7. Y-a-t-il des remises accordées aux organisations caritatives / aux institutions éducatives?", "6–7"),
        ("Le PPI est une formule de support à tarif fixe…", None),
        ("Pour les points 1, 2 et 4, ces questions doivent être peu nombreuses", None),
    ],
)
def test_the_number_is_the_one_the_seed_gives_its_question(question, number):
    assert question_number(question) == number


def test_a_passage_the_seed_does_not_number_is_named_by_its_section(assistant):
    tenant = assistant.tenants["anvaigo"]
    entry = tenant.entries["free_rough_estimate"]
    assert source_of(entry, tenant, "en").title == "Anvaigo FAQ — Billing of Anvaigo services"
    assert source_of(entry, tenant, "fr").title == "FAQ d'Anvaigo — Facturation des services Anvaigo"
    assert source_of(entry, tenant, "en").question.startswith("Anvaigo's service and support are free when…")


def test_two_numbers_and_an_elided_title(assistant):
    tenant = assistant.tenants["exo"]
    source = source_of(tenant.entries["discounts_overview"], tenant, "fr")
    assert source.title == "FAQ d'eXo Platform — Prix & Remises — Q6–7"


def test_every_source_reads_in_each_language_of_its_tenant(assistant):
    """No reply shows a seed's words in another language: each source's section and question differ
    between languages unless the seed's word is the same in both ("Support", "PPI")."""
    for tenant in assistant.tenants.values():
        for entry in tenant.entries.values():
            fr, en = (source_of(entry, tenant, lang) for lang in ("fr", "en"))
            assert fr.title.startswith(tenant.document_title["fr"]) and en.title.startswith(tenant.document_title["en"])
            assert fr.question == entry.source["question"] and en.question != fr.question, entry.qualified_id


def test_what_the_data_does_not_translate_is_shown_as_cited(assistant, monkeypatch):
    tenant = assistant.tenants["exo"]
    monkeypatch.setattr(tenant.citations, "questions", {})
    source = source_of(tenant.entries["backup_policy"], tenant, "en")
    assert source.section == "Hosting" and source.question == "5. Quelle est votre politique de sauvegarde?"
