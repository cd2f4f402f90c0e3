"""Grace calls, exactly as Solidxperts' FAQ says: an allowance per subscription year by active
seats (the tenant's banded fact), none without an active annual subscription or on a 3-month rental
(QSC/QLC), a count that resets on each anniversary of the subscription, every use recorded.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from ..data.knowledge import Tenant
from ..text.dates import day_of
from .store import Store

SHORT_RENTALS = ("qsc", "qlc")
DEMO_ACCOUNTS = Path(__file__).parent / "stubs" / "accounts.yml"


@dataclass(frozen=True)
class Standing:
    account: str
    eligible: bool
    reason: str | None  # "inactive" or "rental" when not eligible
    allowance: int
    used: int
    period_start: date
    renewal: date
    manager_email: str
    customer_email: str

    @property
    def remaining(self) -> int:
        return max(self.allowance - self.used, 0)


def anniversary(since: date, year: int) -> date:
    try:
        return since.replace(year=year)
    except ValueError:  # 29 February
        return date(year, since.month, 28)


def subscription_year(since: date, today: date) -> tuple[date, date]:
    """The current subscription year: from the last anniversary to the next one."""
    start = anniversary(since, today.year)
    if start > today:
        start = anniversary(since, today.year - 1)
    return start, anniversary(since, start.year + 1)


class Ledger:
    def __init__(self, store: Store, tenant: Tenant, clock):
        self.store, self.tenant, self.clock = store, tenant, clock

    def load_demo_accounts(self) -> None:
        """The stub's directory starts with the demo accounts, once."""
        if self.store.count("accounts"):
            return
        accounts = yaml.safe_load(DEMO_ACCOUNTS.read_text(encoding="utf-8"))["accounts"]
        rows = [
            {
                **{k: v for k, v in a.items() if k != "since"},
                "active": int(a["active"]),
                "anniversary": a["since"].isoformat(),
            }
            for a in accounts
        ]
        with self.store.transaction():
            self.store.insert_all("accounts", rows, ignore=True)

    def today(self) -> date:
        return day_of(self.clock())

    def standing(self, account: str) -> Standing | None:
        row = self.store.get("accounts", account)
        if row is None or row["tenant"] != self.tenant.id:
            return None
        start, renewal = subscription_year(date.fromisoformat(row["anniversary"]), self.today())
        reason = "rental" if row["subscription"] in SHORT_RENTALS else None if row["active"] else "inactive"
        allowance = 0 if reason else int(self.tenant.facts["grace_calls_per_year"].band_value(row["seats"]) or 0)
        used = self.store.count(
            "grace_uses",
            "account = ? and used_at >= ? and used_at < ?",
            [account, start.isoformat(), renewal.isoformat()],
        )
        return Standing(
            account,
            reason is None,
            reason,
            allowance,
            used,
            start,
            renewal,
            row["manager_email"],
            row["customer_email"],
        )

    def contact(self, account: str) -> str | None:
        """The account's contact email on file, where its one-time codes go; None if the tenant has
        no such account."""
        row = self.store.get("accounts", account)
        return row["customer_email"] if row is not None and row["tenant"] == self.tenant.id else None

    def record_use(self, account: str, reference: str) -> None:
        """Called inside the transaction that stores the request."""
        self.store.insert(
            "grace_uses", {"account": account, "reference": reference, "used_at": self.today().isoformat()}
        )
