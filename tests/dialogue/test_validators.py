"""Named validators: the rules of a form that need code, registered in one place and named from the
data with their parameters (a form's `validate:` in intents/forms.yml, a tenant's `forms:`)."""

import pytest

from assistant.data import knowledge
from assistant.dialogue.validators import VALIDATORS, Context, Outcome, validator
from assistant.paths import project_root

DINARS = {"slot": "currency", "value": "DZD", "country": "algeria", "email_domains": ["dz"]}
COUNTRIES = {"algeria": ["algeria", "algérie", "alger"]}


def reserved(text, **slots):
    context = Context(None, "en", text, slots, DINARS, lambda slot: COUNTRIES if slot == "country" else {}, None)
    return VALIDATORS["reserved_value"].check(context)


@pytest.mark.parametrize(
    "text, slots, outcome",
    [
        ("in dinars", {"currency": "DZD"}, None),  # waits for the email
        ("in dinars", {"currency": "DZD", "email": "k@sonatrach.dz"}, None),
        ("our office is in Alger", {"currency": "DZD", "email": "k@acme.com"}, None),
        ("we are based in Algérie", {"currency": "DZD", "email": "k@acme.com"}, None),
        ("in dinars", {"currency": "DZD", "email": "k@acme.com", "company": "Alger Telecom"}, None),
        ("in dinars", {"currency": "USD", "email": "k@acme.com"}, None),
        ("in dinars", {"currency": "DZD", "email": "k@acme.com"}, Outcome(slot="currency", values={"value": "DZD"})),
    ],
)
def test_a_reserved_value_goes_on_only_for_customers_of_its_country(text, slots, outcome):
    assert reserved(text, **slots) == outcome


def test_the_dinar_rule_is_conex_data():
    tenants = knowledge.load(project_root())
    [check] = tenants["conex"].form_checks["quote"]
    assert check.name == "reserved_value" and check.params == DINARS
    assert all(not t.form_checks for tid, t in tenants.items() if tid != "conex")


def test_without_the_rule_a_quote_in_dinars_goes_on(converse):
    replies = converse(
        "exo", "I'd like a quote", "Jane Doe, jane@acme.com, 12 users, company Acme, paying in DZD", "Professional"
    )
    assert replies[-1]["action"]["status"] == "confirming" and "DZD" in replies[-1]["reply"]


def test_a_name_is_registered_once():
    with pytest.raises(ValueError):
        validator("reserved_value")(lambda context: None)
