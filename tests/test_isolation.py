"""Tenants never see each other: answers come only from the asking tenant's document, a session id
does not carry a conversation across tenants, and a staff token scoped to tenants sees only theirs."""

import pytest

from assistant.channels import create_app
from assistant.settings import Settings, StaffMember, parse_tokens

ALL, EXO_ONLY, CONEX_ONLY, SOLID_ONLY = "staff-all", "staff-exo", "staff-conex", "staff-solidxperts"


def questions_of(tenant, per_language=12):
    return [q for entry in list(tenant.entries.values())[:per_language] for q in entry.question.values()]


@pytest.mark.parametrize("tenant_id", ["exo", "conex", "anvaigo", "solidxperts", "innovaphone"])
def test_other_tenants_questions_are_never_answered_from_their_knowledge(assistant, tenant_id):
    own = assistant.tenants[tenant_id]
    for other in assistant.tenants.values():
        if other.id == tenant_id:
            continue
        for question in questions_of(other):
            reply = assistant.reply(tenant_id, None, question)
            assert all(s.document == own.document for s in reply.sources), (question, reply.sources)
            assert reply.intent is None or not reply.intent.startswith(other.id + "."), (question, reply.intent)


def test_a_session_id_does_not_continue_under_another_tenant(fresh):
    started = fresh.reply("exo", None, "je voudrais un devis")
    assert started.action.status == "collecting"
    elsewhere = fresh.reply("conex", started.session_id, "Jane Doe")
    assert elsewhere.session_id != started.session_id and elsewhere.action is None
    resumed = fresh.reply("exo", started.session_id, "Jane Doe")
    assert resumed.session_id == started.session_id and resumed.action.status == "collecting"
    tenants = {row["tenant"] for row in fresh.store.rows("turns", "session_id = ?", [started.session_id])}
    assert tenants == {"exo"}


def test_staff_tokens_are_read_from_the_environment_form():
    assert parse_tokens("exo,conex:abc alice@*:xyz broken") == {
        "abc": {"name": None, "tenants": ["exo", "conex"]},
        "xyz": {"name": "alice", "tenants": ["*"]},
    }
    settings = Settings(staff_token="root", staff_tokens="exo:abc alice@conex:def")
    assert settings.staff_scope("abc") == {"exo"} and settings.staff_scope("root") == {"*"}
    assert settings.staff_scope("abd") is None and settings.staff_scope("") is None
    assert settings.staff_member("def").name == "alice" and settings.staff_member("root").name == "staff"
    assert settings.staff_member("abc").name == "staff (exo)"


def test_a_staff_token_in_the_file_may_be_named():
    settings = Settings(staff_tokens={"abc": {"name": "Léa", "tenants": ["exo"]}, "def": ["conex"]})
    assert settings.staff_member("abc") == StaffMember("Léa", {"exo"})
    assert settings.staff_member("def") == StaffMember("staff (conex)", {"conex"})


@pytest.fixture
def staff(fresh):
    """Requests, unanswered questions and notices in two tenants, and a client with scoped tokens."""
    app = create_app(
        Settings(
            staff_token=ALL,
            staff_tokens={EXO_ONLY: ["exo"], CONEX_ONLY: ["conex"], SOLID_ONLY: ["solidxperts"]},
            rate_limit="1000 per minute",
        ),
        assistant=fresh,
    )
    client = app.test_client()
    for tenant, messages in (
        ("exo", ["je voudrais une démo", "Karim Benali, karim@exemple.dz", "Sonatrach", "oui"]),
        ("conex", ["I'd like a demo", "Jane Doe, jane@acme.com", "Acme", "yes"]),
    ):
        session = None
        for message in messages:
            body = {"tenant": tenant, "message": message, **({"session_id": session} if session else {})}
            session = client.post("/api/v1/chat", json=body).get_json()["session_id"]
        client.post("/api/v1/chat", json={"tenant": tenant, "message": "une recette de crêpes ?"})
    return client


def get(client, path, token):
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


LISTS = ["/api/v1/requests", "/api/v1/unanswered", "/api/v1/outbox", "/api/v1/ledger"]


@pytest.mark.parametrize("path", LISTS)
def test_a_scoped_token_sees_only_its_tenants(staff, path):
    everything = get(staff, path, ALL).get_json()["items"]
    assert everything
    for token, tenant in ((EXO_ONLY, "exo"), (CONEX_ONLY, "conex"), (SOLID_ONLY, "solidxperts")):
        assert get(staff, path, token).get_json()["items"] == [row for row in everything if row["tenant"] == tenant]


@pytest.mark.parametrize(
    "path, token, tenant",
    [(path, EXO_ONLY, "exo") for path in LISTS[:3]] + [("/api/v1/ledger", SOLID_ONLY, "solidxperts")],
)
def test_a_scoped_tokens_pages_hold_its_tenants_rows_however_many_others_have(staff, fresh, path, token, tenant):
    """The scope is applied before the page is cut: another tenant's newer or more frequent rows
    neither fill a scoped token's pages nor hide its own rows."""
    for n in range(6):
        fresh.reply("conex", None, "je veux parler à quelqu'un")
        for _ in range(2):
            fresh.backoffice.log_unanswered("conex", "fr", f"question {n} " + "abcdefgh"[n] * 6, [], "s" * 16)
    own = [row for row in get(staff, f"{path}?limit=200", ALL).get_json()["items"] if row["tenant"] == tenant]
    assert own
    seen, url = [], f"{path}?limit=1"
    while url:
        page = get(staff, url, token).get_json()
        assert len(page["items"]) == 1
        seen += page["items"]
        url = page["next"]
    assert seen == own


def test_a_scoped_lookup_searches_only_its_tenants(staff):
    for token, tenant in ((EXO_ONLY, "exo"), (CONEX_ONLY, "conex")):
        rows = get(staff, "/api/v1/lookup?q=prix&top=10", token).get_json()
        assert rows and {row["tenant"] for row in rows} == {tenant}


def test_a_scoped_token_cannot_ask_for_another_tenant(staff):
    assert get(staff, "/api/v1/requests?tenant=conex", EXO_ONLY).status_code == 403
    assert get(staff, "/api/v1/lookup?q=refund&tenant=conex", EXO_ONLY).status_code == 403
    assert get(staff, "/api/v1/requests?tenant=exo", EXO_ONLY).status_code == 200


def test_another_tenants_request_does_not_exist_for_a_scoped_token(staff):
    conex = get(staff, "/api/v1/requests?tenant=conex", ALL).get_json()["items"][0]["reference"]
    assert get(staff, f"/api/v1/requests/{conex}", CONEX_ONLY).status_code == 200
    hidden = get(staff, f"/api/v1/requests/{conex}", EXO_ONLY)
    assert hidden.status_code == 404 and hidden.get_json()["error"]["code"] == "unknown_request"
