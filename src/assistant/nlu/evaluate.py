"""Scoring the assistant on evaluation items (the format of the shared devset), one fresh
conversation per item: accuracy by tenant, language and expected type, then the failures."""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..text.clean import fold


@dataclass
class Outcome:
    item: dict
    reply: dict
    ok: bool
    why: str = ""


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def accuracy(self, key) -> dict[str, tuple[int, int]]:
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for o in self.outcomes:
            totals[key(o)][0] += o.ok
            totals[key(o)][1] += 1
        return {k: (v[0], v[1]) for k, v in sorted(totals.items())}

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    def rate(self, predicate, among) -> tuple[int, int]:
        pool = [o for o in self.outcomes if among(o)]
        return sum(1 for o in pool if predicate(o)), len(pool)


def read_items(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def judge(item: dict, reply: dict) -> tuple[bool, str]:
    if reply["lang"] != item["lang"]:
        return False, f"language {reply['lang']}"
    expect = item["expect"]
    if expect.startswith("form:"):
        action = reply.get("action") or {}
        ok = reply["type"] == "form" and action.get("name") == expect[5:]
        return ok, "" if ok else f"type {reply['type']} {action.get('name', '')}".strip()
    if reply["type"] != expect:
        return False, f"type {reply['type']} ({reply.get('intent')})"
    text = fold(reply["reply"])
    missing = [group for group in item.get("must", []) if not any(fold(s) in text for s in group)]
    return (not missing), f"missing {missing} ({reply.get('intent')})" if missing else ""


def run(assistant, items: list[dict]) -> Report:
    """Each item asked of ``assistant`` in this process, in a fresh conversation."""
    return run_with(lambda item: assistant.reply(item["tenant"], None, item["message"]).to_dict(), items)


def run_with(reply_to, items: list[dict]) -> Report:
    """Each item judged on ``reply_to(item)``: the reply contract as a dict, however it was asked
    (in this process, or over HTTP as the judge asks)."""
    report = Report()
    for item in items:
        reply = reply_to(item)
        ok, why = judge(item, reply)
        report.outcomes.append(Outcome(item, reply, ok, why))
    return report


def summary_lines(report: Report) -> list[str]:
    lines = []
    for title, key in (
        ("tenant", lambda o: o.item["tenant"]),
        ("language", lambda o: o.item["lang"]),
        ("expected", lambda o: o.item["expect"].split(":")[0]),
    ):
        lines.append(f"by {title}:")
        lines += [f"  {k:<14}{ok / n:7.1%}  ({ok}/{n})" for k, (ok, n) in report.accuracy(key).items()]
    lines.append("answers by language:")
    answers = Report([o for o in report.outcomes if o.item["expect"] == "answer"])
    lines += [
        f"  {k:<14}{ok / n:7.1%}  ({ok}/{n})" for k, (ok, n) in answers.accuracy(lambda o: o.item["lang"]).items()
    ]
    in_scope = lambda o: o.item["expect"] != "fallback"  # noqa: E731
    fell, n_in = report.rate(lambda o: o.reply["type"] == "fallback", in_scope)
    caught, n_out = report.rate(lambda o: o.reply["type"] == "fallback", lambda o: not in_scope(o))
    lang_ok, n = report.rate(lambda o: o.reply["lang"] == o.item["lang"], lambda o: True)
    ok_all = sum(o.ok for o in report.outcomes)
    lines += [
        f"in-scope questions that fell back: {fell}/{n_in} ({fell / max(n_in, 1):.1%})",
        f"out-of-scope questions that fell back: {caught}/{n_out} ({caught / max(n_out, 1):.1%})",
        f"language right: {lang_ok}/{n} ({lang_ok / max(n, 1):.1%})",
        f"overall: {ok_all}/{len(report.outcomes)} ({ok_all / max(len(report.outcomes), 1):.1%})",
    ]
    return lines
