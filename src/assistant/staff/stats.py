"""What the assistant did for a vendor over a range of days, for staff: conversations, messages and
how they were answered, votes, requests, the language split, the entries most answered and the
questions most left unanswered. The command line, the HTTP API and the staff page show these numbers.

Days are UTC days, as the database stamps its rows. A range is at most MAX_DAYS days, so that the
work is bounded; the counts are made in SQL, grouped by day, and folded into weeks here. Every
period of the range appears, with zeros when nothing happened, so that a chart of them is honest.

- ``conversations``: those that began in the period (their first message), so periods add up;
- ``messages``: a visitor's message and its reply (a turn); ``answered``, ``clarified`` and
  ``fallen_back`` count the replies of those types, ``other`` the rest (small talk, forms and their
  confirmations, hand-offs), and each ``…_share`` is its part of the messages (None without messages);
- ``votes``, ``helpful``, ``helpful_rate``: the votes cast in the period, and the helpful part;
- ``requests`` handed to a backend, and ``requests_by_kind``; ``languages``: messages by language.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import chain

from ..errors import AssistantError

MAX_DAYS = 366  # the longest range: a year, a leap year's included
DEFAULT_DAYS = 30  # a range given by one end, or by none (then it ends today)
EARLIEST, LATEST = date(2000, 1, 1), date(2999, 12, 31)  # a day outside is a typing mistake
TOP = 10  # rows of the top entries and of the top unanswered groups
BY = ("day", "week")
OUTCOMES = {"answer": "answered", "clarify": "clarified", "fallback": "fallen_back"}  # reply type -> count
TALK = ("conversations", "messages", *OUTCOMES.values(), "other")
COUNTS = (*TALK, "votes", "helpful", "requests")
SHARES = {f"{name}_share": name for name in (*OUTCOMES.values(), "other")}


@dataclass(frozen=True)
class Span:
    """The days ``first`` to ``last`` (both counted), in periods of a day or a week (Monday to Sunday:
    the first and last weeks count only their days inside the range)."""

    first: date
    last: date
    by: str = "day"

    def periods(self) -> list[tuple[date, date]]:
        """Each period's first and last day, inside the range."""
        if self.by == "day":
            return [(day, day) for day in _days(self.first, self.last)]
        monday = self.first - timedelta(days=self.first.weekday())
        weeks = []
        while monday <= self.last:
            weeks.append((max(monday, self.first), min(monday + timedelta(days=6), self.last)))
            monday += timedelta(days=7)
        return weeks

    def index(self, day: date) -> int:
        """The position of the period that holds ``day`` (a day inside the range)."""
        if self.by == "day":
            return (day - self.first).days
        return (day - (self.first - timedelta(days=self.first.weekday()))).days // 7

    def bounds(self) -> list[str]:
        """The range as the database's timestamps compare: from its first day, before the day after it."""
        return [self.first.isoformat(), (self.last + timedelta(days=1)).isoformat()]


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def span(start: str | None = None, end: str | None = None, by: str | None = None, today: date | None = None) -> Span:
    """The range asked for, checked: ``start`` and ``end`` are days written YYYY-MM-DD, both counted.
    One missing is DEFAULT_DAYS days from the other; both missing, the last DEFAULT_DAYS days up to
    ``today`` (UTC). Raises AssistantError (invalid_from, invalid_to, invalid_range, invalid_by)."""
    if (by or "day") not in BY:
        raise AssistantError("invalid_by", "'by' must be day or week.")
    first, last = _day(start, "from"), _day(end, "to")
    reach = timedelta(days=DEFAULT_DAYS - 1)
    if first is None and last is None:
        last = today or datetime.now(UTC).date()
    if first is None:
        first = max(EARLIEST, last - reach)
    if last is None:
        last = min(LATEST, first + reach)
    if last < first:
        raise AssistantError("invalid_range", "'to' must not be before 'from'.")
    if (last - first).days + 1 > MAX_DAYS:
        raise AssistantError("invalid_range", f"A range holds at most {MAX_DAYS} days.")
    return Span(first, last, by or "day")


def _day(text: str | None, name: str) -> date | None:
    """A day written YYYY-MM-DD exactly (Python would also read 20261122 or 2026-W47-1), or None."""
    if text is None or text == "":
        return None
    try:
        day = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None or day.isoformat() != text or not EARLIEST <= day <= LATEST:
        raise AssistantError(
            f"invalid_{name}", f"'{name}' must be a day written YYYY-MM-DD, in the years 2000 to 2999."
        )
    return day


# -- the numbers ----------------------------------------------------------------------------------------


def stats(assistant, tenants: list[str], within: Span) -> dict:
    """The numbers of ``tenants`` (ids) over ``within``: the totals, each period's, the entries
    most answered and the unanswered groups most asked. Over several tenants, their sum."""
    store = assistant.store
    languages = sorted({code for t in tenants for code in assistant.tenants[t].languages})
    kinds = list(assistant.backoffice.kinds)
    periods = [_blank(first, last, languages, kinds) for first, last in within.periods()]
    _count_turns(store, tenants, within, periods)
    _count_conversations(store, tenants, within, periods)
    _count_votes(store, tenants, within, periods)
    _count_requests(store, tenants, within, periods)
    totals = _add_rates(_total(periods, within, languages, kinds))
    for row in periods:
        _add_rates(row)
        for nested in ("requests_by_kind", "languages"):  # a kind or language only some periods saw
            row[nested] = {key: row[nested].get(key, 0) for key in totals[nested]}
    return {
        "tenants": tenants,
        "from": within.first.isoformat(),
        "to": within.last.isoformat(),
        "by": within.by,
        "totals": totals,
        "periods": periods,
        "top_entries": top_entries(assistant, tenants, within),
        "top_unanswered": top_unanswered(store, tenants, within),
    }


def _blank(first: date, last: date, languages: list[str], kinds: list[str]) -> dict:
    """A period with nothing in it, its keys in the order tables show them."""
    return {
        "start": first.isoformat(),
        "end": last.isoformat(),
        **dict.fromkeys(TALK, 0),
        **dict.fromkeys(SHARES),
        "votes": 0,
        "helpful": 0,
        "helpful_rate": None,
        "requests": 0,
        "requests_by_kind": dict.fromkeys(kinds, 0),
        "languages": dict.fromkeys(languages, 0),
    }


def _total(periods: list[dict], within: Span, languages: list[str], kinds: list[str]) -> dict:
    """The sum of the periods (conversations are counted where they began, so they add up too)."""
    total = _blank(within.first, within.last, languages, kinds)
    for row in periods:
        for name in COUNTS:
            total[name] += row[name]
        for nested in ("requests_by_kind", "languages"):
            for key, count in row[nested].items():
                total[nested][key] = total[nested].get(key, 0) + count
    return total


def _add_rates(row: dict) -> dict:
    """Each share of the messages, and the helpful part of the votes: None where there is nothing to divide."""
    for share, count in SHARES.items():
        row[share] = round(row[count] / row["messages"], 4) if row["messages"] else None
    row["helpful_rate"] = round(row["helpful"] / row["votes"], 4) if row["votes"] else None
    return row


def _where(tenants: list[str], column: str, within: Span, table: str = "") -> tuple[str, list]:
    """The SQL condition (and its parameters) that keeps the rows of ``tenants`` stamped inside the range."""
    prefix = f"{table}." if table else ""
    marks = ", ".join("?" * len(tenants)) or "null"
    return f"{prefix}tenant in ({marks}) and {prefix}{column} >= ? and {prefix}{column} < ?", [
        *tenants,
        *within.bounds(),
    ]


def _by_day(store, sql: str, params: list, within: Span, periods: list[dict]):
    """Each row of ``sql`` (its first column a day, YYYY-MM-DD…) with the period that holds it."""
    for row in store.query(sql, params):
        yield periods[within.index(date.fromisoformat(row[0][:10]))], row[1:]


def _kept(store, metric: str, tenants, within, periods):
    """What a purge kept of the rows it deleted (backoffice/retention.py): (key, detail, count) by
    period, as the counts of the rows still stored are."""
    where, params = _where(tenants, "day", within)
    sql = f"select day, key, detail, count from daily_counts where metric = ? and {where}"
    return _by_day(store, sql, [metric, *params], within, periods)


def _count_turns(store, tenants, within, periods) -> None:
    where, params = _where(tenants, "at", within)
    sql = f"select substr(at, 1, 10), type, lang, count(*) from turns where {where} group by 1, 2, 3"
    stored = _by_day(store, sql, params, within, periods)
    for row, (kind, lang, count) in chain(stored, _kept(store, "turns", tenants, within, periods)):
        row["messages"] += count
        row[OUTCOMES.get(kind, "other")] += count
        row["languages"][lang] = row["languages"].get(lang, 0) + count


def _count_conversations(store, tenants, within, periods) -> None:
    """A conversation counts in the period of its first turn (the session_id index finds an earlier one)."""
    where, params = _where(tenants, "at", within, "t")
    sql = (
        f"select substr(t.at, 1, 10), count(*) from turns as t where {where} and not exists "
        "(select 1 from turns as p where p.session_id = t.session_id and p.id < t.id) group by 1"
    )
    for row, (count,) in _by_day(store, sql, params, within, periods):
        row["conversations"] += count
    for row, (_, _, count) in _kept(store, "conversations", tenants, within, periods):
        row["conversations"] += count


def _count_votes(store, tenants, within, periods) -> None:
    where, params = _where(tenants, "created", within)
    sql = f"select substr(created, 1, 10), count(*), sum(helpful) from feedback where {where} group by 1"
    for row, (votes, helpful) in _by_day(store, sql, params, within, periods):
        row["votes"] += votes
        row["helpful"] += int(helpful or 0)  # PostgreSQL sums integers as numeric
    for name in ("votes", "helpful"):
        for row, (_, _, count) in _kept(store, name, tenants, within, periods):
            row[name] += count


def _count_requests(store, tenants, within, periods) -> None:
    where, params = _where(tenants, "created", within)
    sql = f"select substr(created, 1, 10), kind, '', count(*) from requests where {where} group by 1, 2"
    stored = _by_day(store, sql, params, within, periods)
    for row, (kind, _, count) in chain(stored, _kept(store, "requests", tenants, within, periods)):
        row["requests"] += count
        row["requests_by_kind"][kind] = row["requests_by_kind"].get(kind, 0) + count


def top_entries(assistant, tenants: list[str], within: Span, top: int = TOP) -> list[dict]:
    """The entries answered most often in the range, each with its question in its tenant's first language."""
    where, params = _where(tenants, "at", within)
    kept, kept_params = _where(tenants, "day", within)
    rows = assistant.store.query(
        "select tenant, intent, sum(n) as total from ("
        f"select tenant, intent, count(*) as n from turns where {where} and type = 'answer' and intent is not null "
        f"group by tenant, intent union all select tenant, key, count from daily_counts where metric = 'entries' "
        f"and {kept}) as counted group by tenant, intent order by total desc, tenant, intent limit ?",
        [*params, *kept_params, top],
    )
    return [_entry_row(assistant.tenants.get(tenant), tenant, intent, int(count)) for tenant, intent, count in rows]


def _entry_row(tenant, tenant_id: str, intent: str, count: int) -> dict:
    """An answered intent (``exo.backup_policy``) as staff read it; an entry since retired keeps its id."""
    entry_id = intent.removeprefix(f"{tenant_id}.")
    entry = tenant.entries.get(entry_id) if tenant else None
    question = ""
    if entry is not None:
        question = next((entry.question[code] for code in tenant.languages if entry.question.get(code)), "")
    return {"tenant": tenant_id, "entry": entry_id, "question": question, "count": count}


def top_unanswered(store, tenants: list[str], within: Span, top: int = TOP) -> list[dict]:
    """The groups of unanswered questions (grouping.py) most asked in the range, with how often
    there and when last (a group's own count is of all time)."""
    where, params = _where(tenants, "created", within, "u")
    rows = store.query(
        "select g.id, g.tenant, g.question, count(*) as n, max(u.created) as last from unanswered as u "
        f"join unanswered_groups as g on g.id = u.group_id where {where} "
        "group by g.id order by n desc, last desc, g.id limit ?",
        [*params, top],
    )
    return [dict(zip(("id", "tenant", "question", "count", "last"), row)) for row in rows]


# -- as tables ------------------------------------------------------------------------------------------

TABLES = ("periods", "entries", "unanswered")


def table_rows(numbers: dict, table: str = "periods") -> tuple[list[str], list[dict]]:
    """One of TABLES as columns and flat rows, for CSV and the command line's tables: a period's
    ``requests_by_kind`` and ``languages`` become columns ``requests_by_kind_quote``, ``languages_fr``…"""
    if table == "entries":
        return ["tenant", "entry", "question", "count"], numbers["top_entries"]
    if table == "unanswered":
        return ["count", "tenant", "question", "last", "id"], numbers["top_unanswered"]
    rows = [_flat(row) for row in numbers["periods"]]
    return list(_flat(numbers["totals"])), rows


def _flat(row: dict) -> dict:
    flat = {}
    for key, value in row.items():
        if isinstance(value, dict):
            flat.update({f"{key}_{sub}": count for sub, count in value.items()})
        else:
            flat[key] = value
    return flat
