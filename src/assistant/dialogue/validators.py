"""Named validators: the few rules of a form that need code, registered here in one place and
named from the data, as Rasa's ``validate_<form>`` actions are named from its domain.

A form lists its validators in ``intents/forms.yml`` (``validate:``), and a tenant adds its own
with their parameters under ``forms:`` in its ``tenant.yml``: Conex's rule that quotes in Algerian
dinars are for customers in Algeria is ``reserved_value`` with ``{slot: currency, value: DZD,
country: algeria, email_domains: [dz]}`` in Conex's data, not a condition in the dialogue.
``assistant check`` reports a name the data uses that is not registered here.

A validator runs once every value the form verifies is proven, before the next question is asked;
it reads a ``Context`` and returns None, or an ``Outcome``: a slot to ask again (its value dropped),
or a refusal that ends the form. It may also give the placeholders of the form's last reply
(``values``), such as the calls left on an account once one is booked.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from ..backoffice.ledger import Ledger
from ..data.knowledge import Tenant
from ..text.clean import fold, fold_term
from ..text.numbers import format_date, format_quantity
from .answers import render_fact


@dataclass(frozen=True)
class Context:
    """What a validator reads: the form's values so far, the message, and the data it is named with."""

    tenant: Tenant
    lang: str
    text: str
    slots: dict
    params: dict
    lookups: Callable[[str], dict[str, list[str]]]  # intents.lookup_values
    ledger: Ledger | None  # the tenant's ledger, if it keeps one


@dataclass(frozen=True)
class Outcome:
    """What a validator found wrong. ``refused``: the form ends with ``key``'s response; otherwise
    ``slot`` is asked again with ``key`` (default ``utter_invalid_<slot>``). ``then_entry``: an entry of
    the tenant whose answer follows a refusal, when the tenant has it."""

    refused: bool = False
    slot: str | None = None
    key: str | None = None
    values: dict = field(default_factory=dict)
    then_entry: str | None = None


@dataclass(frozen=True)
class Validator:
    check: Callable[[Context], Outcome | None]
    required: tuple[str, ...] = ()  # the parameters the data must give it
    values: Callable[[Context], dict] | None = None  # placeholders for the reply once submitted


VALIDATORS: dict[str, Validator] = {}


def validator(name: str, required: tuple[str, ...] = (), values: Callable[[Context], dict] | None = None):
    """Register the decorated function as the validator the data calls ``name``, with the
    parameters it needs (``assistant check`` reports one the data leaves out)."""

    def register(check: Callable[[Context], Outcome | None]):
        if name in VALIDATORS:
            raise ValueError(f"validator {name!r} is registered twice")
        VALIDATORS[name] = Validator(check, required, values)
        return check

    return register


# -- the validators -------------------------------------------------------------------------------


@validator("reserved_value", required=("slot", "value", "country"))
def reserved_value(context: Context) -> Outcome | None:
    """A value of a slot reserved to customers in one country. It waits for the email (which may
    say the country), then goes on if the address ends in one of ``email_domains``, or if what the
    visitor wrote (the message, the company, the email) names ``country`` (the words of the lookup
    ``country:<country>``); otherwise the value is dropped and the slot asked again."""
    params, slots = context.params, context.slots
    if slots.get(params["slot"]) != params["value"] or "email" not in slots:
        return None
    email = slots["email"]
    if email.endswith(tuple(f".{domain}" for domain in params.get("email_domains", []))):
        return None
    said = fold(" ".join([context.text, slots.get("company", ""), email]))
    if any(fold_term(word) in said for word in context.lookups("country").get(params["country"], [])):
        return None
    return Outcome(slot=params["slot"], values={"value": params["value"]})


def _standing(context: Context):
    account = context.slots.get(context.params["slot"])
    if not account or context.ledger is None:
        return account, None
    return account, context.ledger.standing(account)


def _standing_after(context: Context) -> dict:
    _, standing = _standing(context)
    return standing_values(standing, context.tenant, context.lang) if standing else {}


@validator("ledger_standing", required=("slot",), values=_standing_after)
def ledger_standing(context: Context) -> Outcome | None:
    """An account on the tenant's ledger has a call left: an unknown account is asked again; one
    that is not eligible, or has used its calls this year, ends the form saying why (followed by
    the tenant's ``none_left_entry`` when calls are used up)."""
    account, standing = _standing(context)
    if not account or context.ledger is None:
        return None
    if standing is None:
        return Outcome(slot=context.params["slot"], key="utter_unknown_account", values={"value": account})
    if standing.eligible and standing.remaining:
        return None
    values = standing_values(standing, context.tenant, context.lang)
    if not standing.eligible:
        return Outcome(refused=True, key=f"utter_grace_not_eligible_{standing.reason}", values=values)
    return Outcome(
        refused=True, key="utter_grace_none_left", values=values, then_entry=context.params.get("none_left_entry")
    )


def standing_values(standing, tenant, lang: str) -> dict:
    """An account's grace-call standing, written for the reply's placeholders."""
    rental = tenant.facts.get("short_term_rental_duration")
    return {
        "account": standing.account,
        "allowance": format_quantity(standing.allowance, "call", lang),
        "used": str(standing.used),
        "remaining": format_quantity(standing.remaining, "call", lang),
        "renewal": format_date(standing.renewal, lang),
        "rental": render_fact(rental, lang) if rental else "",
    }
