"""How long visitors' words are kept: ``purge(store, before)`` deletes what visitors wrote or
gave before a day, and keeps only its counts.

Deleted: conversations whose last message is older (all their turns: a conversation still going on
is kept whole), unanswered questions and their groups last seen before it, votes and their
comments, requests with the notices they sent, one-time codes and their emails. Kept: the counts
of those rows by tenant and day (``daily_counts``), which the staff's numbers add to what is still
stored, so that a chart of last year reads the same after a purge; the grace-call ledger (an
account and a date per call: the allowance is counted over the subscription year); the stub's
accounts; the knowledge and its versions (the staff's work, not visitors' words).
"""

from datetime import UTC, date, datetime

OLD_TURNS = "session_id in (select session_id from turns group by session_id having max(at) < ?)"

# What is counted of the rows about to go: metric -> the SQL selecting its tenant, day, key, detail
# and count n (the same counts staff/stats.py makes of the rows still stored).
DAY = "substr(at, 1, 10) as day"
COUNTED = {
    "turns": f"select tenant, {DAY}, coalesce(type, '') as key, coalesce(lang, '') as detail, count(*) as n "
    f"from turns where {OLD_TURNS} group by 1, 2, 3, 4",
    "conversations": f"select tenant, {DAY}, '' as key, '' as detail, count(*) as n from turns as t "
    f"where {OLD_TURNS} and not exists (select 1 from turns as p where p.session_id = t.session_id and p.id < t.id) "
    "group by 1, 2",
    "entries": f"select tenant, {DAY}, intent as key, '' as detail, count(*) as n from turns "
    f"where {OLD_TURNS} and type = 'answer' and intent is not null group by 1, 2, 3",
    "votes": "select tenant, substr(created, 1, 10) as day, '' as key, '' as detail, count(*) as n "
    "from feedback where created < ? group by 1, 2",
    "helpful": "select tenant, substr(created, 1, 10) as day, '' as key, '' as detail, sum(helpful) as n "
    "from feedback where created < ? group by 1, 2",
    "requests": "select tenant, substr(created, 1, 10) as day, kind as key, '' as detail, count(*) as n "
    "from requests where created < ? group by 1, 2, 3",
}
KEEP = "on conflict (tenant, day, metric, key, detail) do update set count = daily_counts.count + excluded.count"

# What goes, in this order (a group after its questions), each with the condition on the day.
DELETED = {
    "turns": OLD_TURNS,
    "unanswered": "created < ?",
    "unanswered_groups": "last < ? and not exists (select 1 from unanswered as u where u.group_id = unanswered_groups.id)",
    "feedback": "created < ?",
    "outbox": "created < ?",
    "requests": "created < ?",
}


def purge(store, before: date) -> dict[str, int]:
    """Delete what is older than ``before`` (UTC day), keeping its counts; returns how many rows
    of each table went. All in one transaction: a purge interrupted leaves everything as it was."""
    day = before.isoformat()
    with store.transaction():
        for metric, sql in COUNTED.items():
            store.write(
                "insert into daily_counts (tenant, day, metric, key, detail, count) "
                f"select tenant, day, '{metric}', key, detail, n from ({sql}) as counted where n > 0 {KEEP}",
                [day],
            )
        gone = {table: store.write(f"delete from {table} where {where}", [day]) for table, where in DELETED.items()}
        midnight = datetime.combine(before, datetime.min.time(), tzinfo=UTC).timestamp()
        gone["verifications"] = store.write("delete from verifications where created < ?", [midnight])
    return gone
