"""Computed answers: a concrete case in the message ("8 sièges", "€12,000") worked out from facts.

Each function reads the numbers it needs from the message and the constants from the tenant's
facts, and returns the values of its reply template's placeholders, or None when the message does
not carry what it needs (then the entry's general answer is given).
"""

from collections.abc import Callable
from datetime import date

from ..data.knowledge import Tenant
from ..text.dates import add, is_past, read_date, written
from ..text.numbers import Number, extract, format_quantity
from .answers import render_fact
from .slots import read_account
from .validators import standing_values

Values = dict[str, str] | None


def _count(numbers: list[Number]) -> float | None:
    people = [n for n in numbers if n.counts == "people"]
    plain = [n for n in numbers if not n.money]
    chosen = people or (plain if len(plain) == 1 else [])
    return chosen[0].value if chosen and chosen[0].value > 0 else None


def _amount(numbers: list[Number]) -> float | None:
    money = [n for n in numbers if n.money] or [n for n in numbers if n.counts is None]
    return max((n.value for n in money), default=None) or None


def _currency(message: str) -> str:
    lowered = message.lower()
    return "usd" if "$" in lowered or "dollar" in lowered or "usd" in lowered else "eur"


def _percent(tenant: Tenant, fact: str, lang: str) -> str:
    return format_quantity(tenant.facts[fact].amount, "percent", lang)


def _reduced(amount: float, tenant: Tenant, fact: str) -> float:
    return amount * (1 - tenant.facts[fact].amount / 100)


def grace_calls_for_seats(message, numbers, tenant, spec, lang, **context) -> Values:
    seats = _count(numbers)
    if not seats:
        return None
    calls = tenant.facts["grace_calls_per_year"].band_value(seats)
    if calls is None:
        return None
    return {"seats": format_quantity(seats, "seat", lang), "calls": format_quantity(calls, "call", lang)}


def renewal_max_price(message, numbers, tenant, spec, lang, **context) -> Values:
    amount = _amount(numbers)
    if not amount:
        return None
    cap = tenant.facts["renewal_increase_cap"].value
    money = _currency(message)
    return {
        "amount": format_quantity(amount, money, lang),
        "max_amount": format_quantity(amount * (1 + cap / 100), money, lang),
        "cap": _percent(tenant, "renewal_increase_cap", lang),
    }


def discounted_price(message, numbers, tenant, spec, lang, **context) -> Values:
    amount = _amount(numbers)
    if not amount:
        return None
    money = _currency(message)
    return {
        "amount": format_quantity(amount, money, lang),
        "price": format_quantity(_reduced(amount, tenant, spec["fact"]), money, lang),
        "discount": _percent(tenant, spec["fact"], lang),
    }


def academic_prices(message, numbers, tenant, spec, lang, **context) -> Values:
    amount = _amount(numbers)
    if not amount:
        return None
    money = _currency(message)
    server, cloud = "academic_discount_server", "academic_discount_cloud"
    return {
        "amount": format_quantity(amount, money, lang),
        "server_price": format_quantity(_reduced(amount, tenant, server), money, lang),
        "cloud_price": format_quantity(_reduced(amount, tenant, cloud), money, lang),
        "server_discount": _percent(tenant, server, lang),
        "cloud_discount": _percent(tenant, cloud, lang),
    }


def hosted_capacity(message, numbers, tenant, spec, lang, **context) -> Values:
    users = _count(numbers)
    if not users:
        return None
    storage = tenant.facts["storage_per_user"]
    bandwidth = tenant.facts["bandwidth_per_user_month"]
    megabytes = users * bandwidth.value
    written = format_quantity(megabytes, bandwidth.unit, lang)
    if megabytes >= 1000:
        written += f" ({format_quantity(megabytes / 1000, 'gigabyte', lang)})"
    return {
        "users": format_quantity(users, "registered_user", lang),
        "storage": format_quantity(users * storage.value, storage.unit, lang),
        "bandwidth": written,
    }


def rental_runtime(message, numbers, tenant, spec, lang, **context) -> Values:
    monthly = next((n for n in numbers if n.counts == "per_month"), None)
    if monthly is None and len(numbers) == 2:  # "1000 credits, monthly consumption 125": the smaller
        monthly = min(numbers, key=lambda n: n.value)
    credit = next((n.value for n in numbers if n is not monthly), None)
    if monthly is None or not monthly.value or credit is None:
        return None
    monthly = monthly.value
    months = credit / monthly
    return {
        "credit": format_quantity(credit, "isc", lang),
        "monthly": format_quantity(monthly, "isc", lang),
        "months": format_quantity(round(months, 1), "month", lang),
    }


def grace_calls_left(message, numbers, tenant, spec, lang, **context) -> Values:
    """An account's balance, from the ledger: "how many grace calls are left on SX-1002?", for an
    account proven in this conversation only. ``account``: how an account number is written (the
    slot the entry's proving form verifies)."""
    account = read_account(message, context["account"]) if context.get("account") else None
    ledger = context.get("ledger")
    standing = ledger.standing(account) if account in context.get("proven", ()) and ledger else None
    if standing is None:
        return None
    values = standing_values(standing, tenant, lang)
    if standing.eligible and standing.remaining:
        return values
    key = "utter_grace_none_left" if standing.eligible else f"utter_grace_not_eligible_{standing.reason}"
    return {"response": key, **values}


def date_after_period(message, numbers, tenant, spec, lang, **context) -> Values:
    """A date the message gives plus the period the fact ``spec["fact"]`` states: "released in
    March 2021, until when is it maintained?", "bought on 3 November: can I still be refunded?".
    Placeholders: {start} and {end} as when something happens ("le 15 mars 2021", "in March
    2028"), {until} as how long it lasts ("jusqu'au 15 mars 2028"), {period} the fact. When the end
    is past, the block's ``reply_past`` template is used if it has one."""
    today = context.get("today") or date.today()
    start = read_date(message, today)
    if start is None:
        return None
    fact = tenant.facts[spec["fact"]]
    end = add(start, fact.value, fact.unit)
    values = {
        "start": written(start, lang, "on"),
        "end": written(end, lang, "on"),
        "until": written(end, lang, "until"),
        "period": render_fact(fact, lang),
    }
    if is_past(end, today) and "reply_past" in spec:
        values["reply"] = "reply_past"
    return values


FUNCTIONS: dict[str, Callable[..., Values]] = {
    f.__name__: f
    for f in (
        grace_calls_for_seats,
        renewal_max_price,
        discounted_price,
        academic_prices,
        hosted_capacity,
        rental_runtime,
        grace_calls_left,
        date_after_period,
    )
}


def compute(spec: dict, message: str, tenant: Tenant, lang: str, **context) -> Values:
    """The placeholder values for an entry's ``computed`` block, or None. A function may name a
    response to use instead of the entry's template (``{"response": key, …}``) or another of the
    block's templates (``{"reply": "reply_past", …}``). ``context``: what the conversation knows —
    ``ledger``; ``proven``, the accounts this conversation has proven it belongs to, the only ones a
    function may describe; ``account``, the slot that proves them (its type's spec); ``today``."""
    function = FUNCTIONS.get(spec.get("function", ""))
    if function is None:
        return None
    try:
        return function(message, extract(message, lang), tenant, spec, lang, **context)
    except (KeyError, ZeroDivisionError):
        return None
