"""Grace calls exactly as Solidxperts' FAQ says, for each demo account of the stub's directory."""

from datetime import date

import pytest

from assistant.backoffice.ledger import subscription_year


def book(converse, account, need="aide pour une mise en plan dans SolidWorks", session=None):
    return converse(
        "solidxperts",
        "je veux utiliser un appel de grâce",
        account,
        "{code}",
        "Marie Curie",
        "marie@client.fr",
        need,
        "oui",
        session=session,
    )


@pytest.mark.parametrize("account, seats, allowance", [("SX-1001", 4, 1), ("SX-1002", 10, 2), ("SX-1003", 20, 3)])
def test_active_annual_accounts_get_the_allowance_of_their_seat_band(fresh, account, seats, allowance):
    standing = fresh.backoffice.ledger("solidxperts").standing(account)
    assert standing.eligible and standing.allowance == allowance and standing.remaining == allowance


@pytest.mark.parametrize("account, words", [("SX-1004", ("location", "QSC")), ("SX-1005", ("abonnement actif",))])
def test_ineligible_accounts_are_refused_as_soon_as_the_account_is_proven(fresh, converse, account, words):
    replies = converse("solidxperts", "je veux utiliser un appel de grâce", account, "{code}")
    assert replies[1]["action"]["status"] == "verifying"
    refusal = replies[-1]
    assert refusal["action"]["status"] == "refused" and account in refusal["reply"]
    assert all(w in refusal["reply"] for w in words)
    assert fresh.store.count("requests") == 0


def test_an_unknown_account_is_answered_as_a_known_one_and_never_proven(fresh, converse):
    """Nobody learns which accounts exist: a code is "sent" to an unknown account as to a known one
    (no email leaves), and no code proves it."""
    unknown = converse("solidxperts", "please book a grace call", "SX-9999", "123456")
    known = converse("solidxperts", "please book a grace call", "SX-1002")
    assert unknown[1]["reply"].replace("SX-9999", "SX-1002") == known[1]["reply"]
    assert unknown[1]["action"]["status"] == "verifying" == unknown[2]["action"]["status"]
    assert {r["recipient"] for r in fresh.store.rows("outbox")} == {"it@client-1002.example"}
    invalid = converse("solidxperts", "please book a grace call", "sx12")[-1]
    assert "SX-" in invalid["reply"] and invalid["action"]["status"] == "collecting"


def test_each_use_is_recorded_and_notified(fresh, converse):
    replies = book(converse, "SX-1002")
    done = replies[-1]
    assert done["type"] == "done" and "1 appel" in done["reply"]
    assert fresh.backoffice.ledger("solidxperts").standing("SX-1002").used == 1
    recipients = {r["recipient"] for r in fresh.store.rows("outbox", "reference like 'GRC-%'")}
    assert recipients == {"marie@client.fr", "am.north@solidxperts.example"}


def test_when_none_is_left_ppi_or_technical_services_are_offered(fresh, converse):
    book(converse, "SX-1001")
    refusal = converse("solidxperts", "je veux utiliser un appel de grâce", "SX-1001", "{code}")[-1]
    assert refusal["action"]["status"] == "refused"
    assert "PPI" in refusal["reply"] and "Services Techniques" in refusal["reply"]
    assert fresh.store.count("requests") == 1


def test_the_count_resets_on_the_subscription_anniversary(fresh, converse, clock):
    book(converse, "SX-1001")  # SX-1001 renews every 15 March
    ledger = fresh.backoffice.ledger("solidxperts")
    assert ledger.standing("SX-1001").remaining == 0
    clock.now = date(2027, 3, 14)
    assert ledger.standing("SX-1001").remaining == 0
    clock.now = date(2027, 3, 15)
    assert ledger.standing("SX-1001").remaining == 1


def test_the_subscription_year_runs_from_anniversary_to_anniversary():
    assert subscription_year(date(2022, 1, 10), date(2026, 11, 22)) == (date(2026, 1, 10), date(2027, 1, 10))
    assert subscription_year(date(2024, 3, 15), date(2026, 3, 14)) == (date(2025, 3, 15), date(2026, 3, 15))
    assert subscription_year(date(2024, 2, 29), date(2025, 3, 1)) == (date(2025, 2, 28), date(2026, 2, 28))


def test_how_many_are_left_is_answered_from_the_ledger_once_the_account_is_proven(fresh, converse):
    book(converse, "SX-1002")
    asked, reply = converse("solidxperts", "How many grace calls do I have left? account SX-1002", "{code}")
    assert asked["type"] == "form" and asked["action"] == {
        "name": "account_proof",
        "status": "verifying",
        "reference": None,
    }
    assert not any(fact in asked["reply"] for fact in ("1 call", "2 calls", "2027"))
    assert reply["type"] == "answer" and "1 call left" in reply["reply"] and "2 calls" in reply["reply"]
    again = converse("solidxperts", "how many grace calls are left on SX-1002?", session=reply["session_id"])[0]
    assert again["type"] == "answer" and "1 call left" in again["reply"]  # proven in this conversation
    rental = converse("solidxperts", "how many grace calls are left on SX-1004?", "{code}")[-1]
    assert "QSC" in rental["reply"]


def test_the_balance_question_without_an_account_gets_the_general_answer(converse):
    reply = converse("solidxperts", "how can I find out how many grace calls I have left?")[0]
    assert reply["type"] == "answer" and reply["action"] is None and "support" in reply["reply"]
