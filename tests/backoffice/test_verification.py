"""Accounts are proven before they are used or described: a one-time code goes to the account's
contact email on file (the outbox), the visitor types it back, and until then nothing about the
account is said and nothing is booked on it."""

import json

import pytest
from click.testing import CliRunner

from assistant.backoffice import verification
from assistant.backoffice.verification import (
    CODE_TTL_S,
    MAX_ATTEMPTS,
    MAX_CODES_PER_ACCOUNT,
    MAX_CODES_PER_CONVERSATION,
)
from assistant.channels.cli import cli
from assistant.curation.live import Live

START = "je veux utiliser un appel de grâce"
# How the assistant writes what the ledger knows of an account (its allowance, balance, renewal
# date, rental or subscription state): none of it may appear before the account is proven.
DISCLOSED = [
    "1 call",
    "2 calls",
    "3 calls",
    "1 appel",
    "2 appels",
    "3 appels",
    "0 call",
    "aucun appel",
    "QSC",
    "location courte",
    "short-term rental",
    "abonnement actif",
    "active subscription",
    "2026",
    "2027",
    "seats",
    "sièges",
]
ACCOUNTS = ["SX-1001", "SX-1002", "SX-1003", "SX-1004", "SX-1005", "SX-9999"]


def codes_sent(store, account=None):
    rows = store.rows("outbox", "reference like 'CODE-%'", order_by="id")
    return [r for r in rows if account is None or account in r["body"]]


class Moment:
    """The verifier's clock, moved by hand."""

    def __init__(self):
        self.now = 1_800_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture
def moment(fresh):
    clock = Moment()
    fresh.backoffice.verifier.clock = clock
    return clock


@pytest.mark.parametrize("account", ACCOUNTS)
def test_nothing_about_an_account_is_said_before_it_is_proven(fresh, converse, account):
    replies = converse(
        "solidxperts",
        START,
        account,
        "Marie Curie, marie@client.fr",
        f"how many grace calls are left on {account}?",
        "123456",
        "oui",
    )
    for reply in replies[1:]:
        assert reply["action"]["status"] == "verifying", reply
        assert not any(fact in reply["reply"] for fact in DISCLOSED), reply["reply"]
    balance = converse("solidxperts", f"how many grace calls are left on {account}?")[0]
    assert not any(fact in balance["reply"] for fact in DISCLOSED), balance["reply"]
    assert fresh.store.count("requests") == 0 and fresh.store.count("grace_uses") == 0


def test_the_code_is_emailed_to_the_accounts_contact_and_shown_to_staff(fresh, converse):
    replies = converse("solidxperts", "I need a grace call for account SX-1003")
    assert replies[0]["type"] == "form" and replies[0]["action"]["status"] == "verifying"
    [mail] = codes_sent(fresh.store)
    assert mail["recipient"] == "it@client-1003.example" and mail["tenant"] == "solidxperts"
    code = verification.read_code(mail["body"])
    assert code and len(code) == 6 and "SX-1003" in mail["body"] and "10 minutes" in mail["body"]
    assert code not in replies[0]["reply"] and "it@client-1003.example" not in replies[0]["reply"]
    assert verification.sent_code(fresh.store, replies[0]["session_id"]) == code


def test_staff_read_the_code_in_the_outbox_of_the_cli(fresh, converse, monkeypatch):
    converse("solidxperts", "I need a grace call for account SX-1003")
    monkeypatch.setattr("assistant.channels.cli._live", lambda: Live(fresh, None))
    rows = json.loads(CliRunner().invoke(cli, ["outbox", "--json"]).stdout)
    assert any(r["recipient"] == "it@client-1003.example" and verification.read_code(r["body"]) for r in rows)


def test_staff_read_the_code_in_the_outbox_of_the_api(fresh, converse):
    from assistant.channels import create_app
    from assistant.settings import Settings

    converse("solidxperts", "I need a grace call for account SX-1003")
    client = create_app(Settings(staff_token="staff-token"), assistant=fresh).test_client()
    page = client.get("/api/v1/outbox", headers={"Authorization": "Bearer staff-token"}).get_json()
    assert any(r["recipient"] == "it@client-1003.example" and verification.read_code(r["body"]) for r in page["items"])


def test_the_right_code_proves_the_account_and_the_form_goes_on(fresh, converse):
    replies = converse(
        "solidxperts",
        "Hi, I'd like a grace call. Account SX-1002, I'm Olivia Grant, olivia.grant@grantdesign.co",
        "{code}",
    )
    assert replies[0]["action"]["status"] == "verifying"
    proven = replies[1]
    assert proven["action"]["status"] == "collecting" and "verified" in proven["reply"]
    assert "describe your need" in proven["reply"]  # name and email, given before the code, were kept


@pytest.mark.parametrize(
    "lang, start, words",
    [("fr", START, "Il vous reste 4 essais"), ("en", "please book a grace call", "You have 4 attempts left")],
)
def test_a_wrong_code_is_explained_in_the_visitors_language(converse, lang, start, words):
    reply = converse("solidxperts", start, "SX-1002", "000000")[-1]
    assert reply["lang"] == lang and words in reply["reply"] and reply["action"]["status"] == "verifying"


def test_wrong_codes_are_limited_then_the_code_is_void_and_a_new_one_is_sent(fresh, converse):
    first = converse("solidxperts", START, "SX-1002")
    session = first[-1]["session_id"]
    code = verification.sent_code(fresh.store, session)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    replies = converse("solidxperts", *[wrong] * MAX_ATTEMPTS, session=session)
    assert [r["action"]["status"] for r in replies] == ["verifying"] * MAX_ATTEMPTS
    assert "Trop de codes" in replies[-1]["reply"] and len(codes_sent(fresh.store)) == 2
    assert "n'est pas le bon" in converse("solidxperts", code, session=session)[0]["reply"]  # the old code is void
    assert "vérifié" in converse("solidxperts", "{code}", session=session)[0]["reply"]


def test_a_code_expires(fresh, converse, moment):
    session = converse("solidxperts", START, "SX-1002")[-1]["session_id"]
    code = verification.sent_code(fresh.store, session)
    moment.now += CODE_TTL_S + 1
    reply = converse("solidxperts", code, session=session)[0]
    assert "expiré" in reply["reply"] and reply["action"]["status"] == "verifying"
    assert len(codes_sent(fresh.store)) == 2
    assert "vérifié" in converse("solidxperts", "{code}", session=session)[0]["reply"]


def test_a_new_code_can_be_asked_for(fresh, converse):
    replies = converse("solidxperts", "please book a grace call", "SX-1002", "I did not receive the code")
    assert replies[-1]["action"]["status"] == "verifying" and "new 6-digit code" in replies[-1]["reply"]
    assert len(codes_sent(fresh.store)) == 2


def test_codes_are_bounded_per_account_whoever_asks(fresh, converse):
    """An account's contact is never flooded: past the limit, no email leaves and the form ends."""
    replies = [converse("solidxperts", START, "SX-1001")[-1] for _ in range(MAX_CODES_PER_ACCOUNT + 2)]
    assert [r["action"]["status"] for r in replies] == ["verifying"] * MAX_CODES_PER_ACCOUNT + ["refused"] * 2
    assert "Réessayez dans une heure" in replies[-1]["reply"]
    assert len(codes_sent(fresh.store, "SX-1001")) == MAX_CODES_PER_ACCOUNT


def test_codes_are_bounded_per_conversation(fresh, converse, moment):
    session = converse("solidxperts", START, "SX-1002")[-1]["session_id"]
    for _ in range(MAX_CODES_PER_CONVERSATION):
        last = converse("solidxperts", "nouveau code", session=session)[0]
    assert last["action"]["status"] == "refused"
    assert len(codes_sent(fresh.store)) == MAX_CODES_PER_CONVERSATION


def test_a_code_proves_nothing_in_another_conversation(fresh, converse, monkeypatch):
    codes = iter([111111, 222222])
    monkeypatch.setattr(verification.secrets, "randbelow", lambda _: next(codes))
    mine = converse("solidxperts", START, "SX-1002")[-1]["session_id"]
    other = converse("solidxperts", START, "SX-1002")[-1]["session_id"]
    reply = converse("solidxperts", verification.sent_code(fresh.store, mine), session=other)[0]
    assert "vérifié" not in reply["reply"] and reply["action"]["status"] == "verifying"


def test_a_question_on_the_way_resumes_with_the_code(converse):
    replies = converse(
        "solidxperts", "please book a grace call", "SX-1003", "do the grace calls start again from zero each year?"
    )
    assert replies[-1]["type"] == "answer" and replies[-1]["action"]["status"] == "verifying"
    assert "anniversary" in replies[-1]["reply"] and "type the 6-digit code" in replies[-1]["reply"]


def test_a_changed_account_must_be_proven_again(fresh, converse):
    replies = converse("solidxperts", START, "SX-1002", "{code}", "en fait c'est le compte SX-1003")
    assert replies[-1]["action"]["status"] == "verifying" and "SX-1003" in replies[-1]["reply"]
    assert codes_sent(fresh.store)[-1]["recipient"] == "it@client-1003.example"


def test_nothing_is_booked_on_an_account_that_is_not_proven(fresh, converse):
    """Even a form that reached its summary proves the account before it books."""
    session = converse(
        "solidxperts", START, "SX-1002", "{code}", "Marie Curie", "marie@client.fr", "aide pour une mise en plan"
    )[-1]["session_id"]
    state = fresh.sessions.open("solidxperts", session)
    state.proven = {}  # as if the proof had lapsed
    state.turns.append({"user": "", "assistant": "", "type": "form", "intent": None, "lang": "fr"})
    fresh.sessions.save(state)
    reply = converse("solidxperts", "oui", session=session)[0]
    assert reply["action"]["status"] == "verifying" and fresh.store.count("requests") == 0
