"""Scoring multi-turn conversations: each scenario is one conversation whose every turn must
give the expected reply type (and action name and status, and evidence) for it to pass."""

from collections import defaultdict
from dataclasses import dataclass, field

from ..backoffice.verification import sent_code
from ..text.clean import fold


@dataclass
class ScenarioOutcome:
    scenario: dict
    ok: bool
    failed_turn: int | None = None
    why: str = ""
    replies: list[dict] = field(default_factory=list)


def judge_turn(turn: dict, reply: dict, lang: str) -> str:
    """Why the reply does not meet the turn's expectation ('' when it does)."""
    if reply["type"] != turn["expect"]:
        return f"type {reply['type']}"
    if reply["lang"] != turn.get("lang", lang):
        return f"language {reply['lang']}"
    expected = turn.get("action")
    action = reply.get("action") or {}
    if expected and (action.get("name"), action.get("status")) != (expected.get("name"), expected.get("status")):
        return f"action {action.get('name')}/{action.get('status')}"
    text = fold(reply["reply"])
    missing = [g for g in turn.get("must", []) if not any(fold(s) in text for s in g)]
    return f"missing {missing}" if missing else ""


def typed(message: str, assistant, session: str | None) -> str:
    """A turn's message as the visitor types it: ``{code}`` is the one-time code the conversation's
    last verification emailed (read from the outbox, as the account's contact would)."""
    if "{code}" not in message:
        return message
    return message.replace("{code}", (session and sent_code(assistant.store, session)) or "000000")


def run_scenarios(make_assistant, scenarios: list[dict]) -> list[ScenarioOutcome]:
    """``make_assistant()`` gives an assistant with a fresh database for each scenario."""
    outcomes = []
    for scenario in scenarios:
        assistant, session, replies = make_assistant(), None, []
        lang = scenario["lang"]
        outcome = ScenarioOutcome(scenario, True, replies=replies)
        for index, turn in enumerate(scenario["turns"]):
            reply = assistant.reply(scenario["tenant"], session, typed(turn["user"], assistant, session)).to_dict()
            session = reply["session_id"]
            replies.append(reply)
            lang = turn.get("lang", lang)
            why = judge_turn(turn, reply, lang)
            if why:
                outcome.ok, outcome.failed_turn, outcome.why = False, index, why
                break
        outcomes.append(outcome)
    return outcomes


def scenario_lines(outcomes: list[ScenarioOutcome], failures: bool = True) -> list[str]:
    by: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for o in outcomes:
        form = o.scenario["id"].split("-")[2] if o.scenario["id"].count("-") >= 3 else "?"
        for key in (f"tenant {o.scenario['tenant']}", f"language {o.scenario['lang']}", f"form {form}"):
            by[key][0] += o.ok
            by[key][1] += 1
    lines = [f"  {k:<22}{ok / n:7.1%}  ({ok}/{n})" for k, (ok, n) in sorted(by.items())]
    if failures:
        for o in (o for o in outcomes if not o.ok):
            turn = o.scenario["turns"][o.failed_turn]
            lines.append(
                f"  FAILED {o.scenario['id']} turn {o.failed_turn + 1} {turn['user']!r}: {o.why}"
                f" -> {o.replies[-1]['reply'][:100]!r}"
            )
    passed = sum(o.ok for o in outcomes)
    lines.append(f"scenarios passed: {passed}/{len(outcomes)} ({passed / max(len(outcomes), 1):.1%})")
    return lines
