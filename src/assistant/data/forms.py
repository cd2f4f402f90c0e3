"""The forms (``intents/forms.yml``), as data: what each request collects, which intent starts it,
how it is checked, how its requests are referenced and where they go.

Nothing in the code names a form: a new kind of request is a new entry in ``forms.yml`` (with its
prompts per language), and the few rules that need code are named validators
(``dialogue/validators.py``) that the data refers to, with their parameters, from the form itself or
from a tenant (``forms:`` in ``tenant.yml``).
"""

from dataclasses import dataclass, field
from pathlib import Path

from . import yamlfile

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"  # what a stored request's email must look like


@dataclass(frozen=True)
class Check:
    """A named validator with the parameters the data gives it."""

    name: str
    params: dict = field(default_factory=dict, hash=False, compare=True)


@dataclass(frozen=True)
class Form:
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    intent: str | None = None  # the action intent that starts it (a tenant's ``actions`` says how)
    reference_prefix: str | None = None  # of its requests' references (QUO-…); None: it submits nothing
    notify: str | None = None  # who is told of a request: a key of the tenant's ``notify``, or the
    # account's manager (``account_manager``) for a ledger's request
    backend: str = "stored"  # "stored", or "ledger": the tenant's ledger admits and books it
    verify: str | None = None  # a slot proven by a one-time code before the form goes on
    validate: tuple[Check, ...] = ()

    @property
    def slots(self) -> tuple[str, ...]:
        return self.required + self.optional

    @property
    def submits(self) -> bool:
        return self.reference_prefix is not None


@dataclass
class FormSet:
    """Every form and every slot type of the project."""

    forms: dict[str, Form]
    slots: dict[str, dict]

    def __post_init__(self):
        # The intents that ask for something done: each form's, in the order of the file (read at
        # every message, so computed once).
        self.action_intents = tuple(dict.fromkeys(f.intent for f in self.forms.values() if f.intent))

    def __getitem__(self, name: str) -> Form:
        return self.forms[name]

    def __contains__(self, name: str) -> bool:
        return name in self.forms

    def submitting(self) -> list[Form]:
        return [f for f in self.forms.values() if f.submits]


def checks(items) -> tuple[Check, ...]:
    """A ``validate:`` list: each item a validator's name, or a mapping of ``validator`` (its name)
    and its parameters."""
    found = []
    for item in items or []:
        if isinstance(item, str):
            found.append(Check(item))
        else:
            params = {k: v for k, v in item.items() if k != "validator"}
            found.append(Check(item["validator"], params))
    return tuple(found)


def form_of(name: str, data: dict) -> Form:
    return Form(
        name=name,
        required=tuple(data["required_slots"]),
        optional=tuple(data.get("optional_slots") or ()),
        intent=data.get("intent"),
        reference_prefix=data.get("reference_prefix"),
        notify=data.get("notify"),
        backend=data.get("backend", "stored"),
        verify=data.get("verify"),
        validate=checks(data.get("validate")),
    )


def read(data: dict) -> FormSet:
    """``forms.yml`` as plain data."""
    return FormSet(
        {name: form_of(name, spec) for name, spec in (data.get("forms") or {}).items()}, dict(data.get("slots") or {})
    )


def load(root: Path) -> FormSet:
    return read(yamlfile.plain(yamlfile.read(root / "intents" / "forms.yml", root)))


# -- what a stored request holds ----------------------------------------------------------------------


def request_schema(form: Form, slots: dict[str, dict], lookup_values) -> dict:
    """The JSON Schema a form's requests are validated against before they are stored, from its
    slots' types: what a CRM or a scheduler receives. ``lookup_values(slot)``: the values a
    ``choice`` slot read from lookup words may take (``intents.lookup_values``)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"A {form.name} request, as its backend receives it",
        "type": "object",
        "required": list(form.required),
        "properties": {
            slot: slot_schema(slots[slot], lambda slot=slot: sorted(lookup_values(slot))) for slot in form.slots
        },
        "additionalProperties": False,
    }


def slot_schema(spec: dict, lookup_values) -> dict:
    """The schema of one stored value, by the slot's type."""
    kind = spec["type"]
    if kind in ("person", "text") or (kind == "choice" and spec.get("from") == "catalogue"):
        return {"type": "string", "minLength": 1}
    if kind == "email":
        return {"type": "string", "pattern": EMAIL_PATTERN}
    if kind == "count":
        return {"type": "integer", "minimum": spec.get("min", 1), **({"maximum": spec["max"]} if "max" in spec else {})}
    if kind == "choice":
        return {"enum": lookup_values()}
    if kind == "flag":
        return {"type": "boolean"}
    if kind == "account":
        return {"type": "string", "pattern": rf"^{spec['prefix']}-\d{{{spec['digits']}}}$"}
    return {"type": "string"}  # phone, reference
