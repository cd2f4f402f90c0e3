"""Forms are data (intents/forms.yml): the action intents, the kinds of request and the schemas their
requests are stored under all come from it."""

import jsonschema
import pytest

from assistant.backoffice.backends import request_kinds, validator
from assistant.data import forms, intents
from assistant.paths import project_root

FORMS = forms.load(project_root())
INTENTS = intents.load(project_root())
KINDS = request_kinds(FORMS, INTENTS)


def test_the_action_intents_are_the_forms_own():
    assert FORMS.action_intents == ("request_quote", "request_demo", "request_grace_call")


def test_every_form_that_submits_is_a_kind_of_request_and_so_is_a_request_for_a_person():
    assert {k.name: k.prefix for k in KINDS.values()} == {
        "quote": "QUO",
        "demo": "DEM",
        "grace_call": "GRC",
        "contact": "CON",
    }
    assert KINDS["grace_call"].backend == "ledger" and KINDS["grace_call"].notify == "account_manager"


@pytest.mark.parametrize(
    "kind, payload",
    [
        (
            "quote",
            {
                "name": "A",
                "email": "a@b.co",
                "company": "C",
                "users": 4,
                "product": "P",
                "currency": "DZD",
                "hosting": "cloud",
                "reseller": True,
                "po_number": "PO-1",
                "phone": "+33 1 23 45 67 89",
            },
        ),
        ("demo", {"name": "A", "email": "a@b.co", "company": "C", "preferred_time": "mardi matin"}),
        ("grace_call", {"account": "SX-1002", "name": "A", "email": "a@b.co", "need": "exporting drawings"}),
    ],
)
def test_a_request_the_form_collects_is_valid(kind, payload):
    validator(KINDS[kind].schema).validate(payload)


@pytest.mark.parametrize(
    "kind, payload",
    [
        ("quote", {"name": "A", "email": "a@b.co", "company": "C", "users": 4, "product": "P", "currency": "GBP"}),
        ("quote", {"name": "A", "email": "a@b.co", "company": "C", "users": 0, "product": "P"}),
        ("demo", {"name": "A", "email": "not an email", "company": "C"}),
        ("demo", {"name": "A", "email": "a@b.co", "company": "C", "colour": "blue"}),
        ("grace_call", {"account": "SX-12", "name": "A", "email": "a@b.co", "need": "exporting drawings"}),
    ],
)
def test_a_request_outside_the_form_is_refused(kind, payload):
    with pytest.raises(jsonschema.ValidationError):
        validator(KINDS[kind].schema).validate(payload)
