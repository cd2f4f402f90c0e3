"""The HTTP API: the reply contract over JSON, errors as JSON 4xx, staff behind a token, CORS per
tenant, rate limiting; every response checked against the OpenAPI document."""

import json
import math

import jsonschema
import pytest

from assistant.channels import create_app
from assistant.channels.api import openapi_document
from assistant.settings import Settings

TOKEN = "staff-secret-for-tests"
DOC = openapi_document()


def make_app(assistant, **overrides):
    settings = Settings(
        staff_token=TOKEN,
        allowed_origins={"exo": ["https://www.exo.example"]},
        rate_limit="1000 per minute",
        **overrides,
    )
    return create_app(settings, assistant=assistant)


@pytest.fixture
def client(fresh):
    return make_app(fresh).test_client()


def conforms(response, path, method="get"):
    """The response's body matches what the OpenAPI document declares for its status."""
    declared = DOC["paths"][path][method]["responses"][str(response.status_code)]
    if "$ref" in declared:
        declared = DOC["components"]["responses"][declared["$ref"].rsplit("/", 1)[1]]
    schema = {"components": DOC["components"], **declared["content"]["application/json"]["schema"]}
    jsonschema.validate(response.get_json(), schema)
    return response.get_json()


def chat(client, **body):
    return client.post("/api/v1/chat", json=body)


def test_chat_returns_the_reply_contract(client):
    reply = conforms(
        chat(client, tenant="exo", message="quelle est votre politique de remboursement ?"), "/api/v1/chat", "post"
    )
    assert reply["type"] == "answer" and reply["lang"] == "fr" and "30" in reply["reply"]
    follow = conforms(
        chat(client, tenant="exo", message="merci", session_id=reply["session_id"]), "/api/v1/chat", "post"
    )
    assert follow["session_id"] == reply["session_id"]


@pytest.mark.parametrize("url", [None, "https://docs.example/exo/faq"], ids=["no-address", "address"])
def test_a_replys_sources_are_what_the_openapi_document_declares(client, fresh, monkeypatch, url):
    monkeypatch.setattr(fresh.tenants["exo"], "document_url", url)
    response = chat(client, tenant="exo", message="how long are backups kept?", lang="en")
    reply = conforms(response, "/api/v1/chat", "post")
    assert reply["sources"] == [
        {
            "document": "000_73c03afdea15b033.txt",
            "section": "Hosting",
            "question": "5. What is your backup policy?",
            "title": "eXo Platform FAQ — Hosting — Q5",
            "url": url,
        }
    ]
    declared = DOC["components"]["schemas"]["Source"]
    assert set(declared["required"]) == set(declared["properties"]) == set(reply["sources"][0])


def test_accept_language_tips_a_neutral_message(client):
    response = client.post(
        "/api/v1/chat", json={"tenant": "exo", "message": "SSO"}, headers={"Accept-Language": "en-GB,en"}
    )
    assert response.get_json()["lang"] == "en"


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"message": "hi"}, 400, "invalid_tenant"),
        ({"tenant": "exo"}, 400, "invalid_message"),
        ({"tenant": 3, "message": "hi"}, 400, "invalid_tenant"),
        ({"tenant": "exo", "message": ["hi"]}, 400, "invalid_message"),
        ({"tenant": "nope", "message": "hi"}, 404, "unknown_tenant"),
        ({"tenant": "../etc/passwd", "message": "hi"}, 404, "unknown_tenant"),
        ({"tenant": "exo", "message": "hi", "lang": "de"}, 400, "invalid_lang"),
        ({"tenant": "exo", "message": "hi", "session_id": "x" * 200}, 400, "invalid_session_id"),
        ({"tenant": "exo", "message": "é" * 2001}, 413, "message_too_long"),
    ],
)
def test_bad_chat_bodies_get_json_errors(client, body, status, code):
    response = chat(client, **body)
    assert response.status_code == status
    assert conforms(response, "/api/v1/chat", "post")["error"]["code"] == code


def test_malformed_json_and_huge_bodies_are_refused(client):
    assert client.post("/api/v1/chat", data="{not json", content_type="application/json").status_code == 400
    huge = client.post(
        "/api/v1/chat", data=json.dumps({"tenant": "exo", "message": "a" * 20000}), content_type="application/json"
    )
    assert huge.status_code == 413 and huge.get_json()["error"]["code"]
    from_a_page = client.post(
        "/api/v1/chat",
        data=json.dumps({"tenant": "exo", "message": "a" * 20000}),
        content_type="application/json",
        headers={"Origin": "https://www.exo.example"},
    )
    assert from_a_page.status_code == 413 and from_a_page.get_json()["error"]["code"] == "request_entity_too_large"


def test_tenants_and_health(client):
    tenants = conforms(client.get("/api/v1/tenants"), "/api/v1/tenants")
    assert {t["id"]: t["actions"] for t in tenants}["exo"] == ["demo", "quote"]
    assert conforms(client.get("/api/v1/health"), "/api/v1/health") == {"ok": True}


def test_feedback_is_stored(client, fresh):
    sid = chat(client, tenant="exo", message="combien dure l'essai ?").get_json()["session_id"]
    conforms(
        client.post("/api/v1/feedback", json={"session_id": sid, "helpful": False, "comment": "bof"}),
        "/api/v1/feedback",
        "post",
    )
    assert fresh.store.rows("feedback")[0]["comment"] == "bof"
    missing = client.post("/api/v1/feedback", json={"session_id": "abcdefgh12345678", "helpful": True})
    assert missing.status_code == 404
    assert client.post("/api/v1/feedback", json={"session_id": sid, "helpful": "yes"}).status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/lookup?q=refund",
        "/api/v1/requests",
        "/api/v1/unanswered",
        "/api/v1/outbox",
        "/api/v1/ledger",
        "/api/v1/requests/QUO-XXXX",
    ],
)
def test_staff_endpoints_need_the_token(client, path):
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_staff_endpoints_with_the_token(client):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    sid = None
    for words in ("je voudrais une démo", "Karim Benali, karim@exemple.dz", "Sonatrach", "oui"):
        sid = chat(client, tenant="exo", message=words, **({"session_id": sid} if sid else {})).get_json()["session_id"]
    chat(client, tenant="exo", message="une recette de crêpes ?")
    rows = conforms(client.get("/api/v1/lookup?q=remboursement&tenant=exo&top=3", headers=auth), "/api/v1/lookup")
    assert [(row["tenant"], row["id"]) for row in rows] == [("exo", "refund_policy")]
    [request] = conforms(client.get("/api/v1/requests", headers=auth), "/api/v1/requests")["items"]
    assert request["summary"] == "Karim Benali · karim@exemple.dz · Sonatrach" and "payload" not in request
    detail = conforms(
        client.get(f"/api/v1/requests/{request['reference']}", headers=auth), "/api/v1/requests/{reference}"
    )
    assert detail["payload"]["company"] == "Sonatrach" and len(detail["notices"]) == 2
    assert conforms(client.get("/api/v1/unanswered", headers=auth), "/api/v1/unanswered")["items"][0]["count"] == 1
    assert len(conforms(client.get("/api/v1/outbox", headers=auth), "/api/v1/outbox")["items"]) == 2
    assert len(conforms(client.get("/api/v1/ledger", headers=auth), "/api/v1/ledger")["items"]) == 5
    assert client.get("/api/v1/requests/NOPE", headers=auth).status_code == 404
    assert client.get("/api/v1/lookup?q=", headers=auth).status_code == 400
    assert client.get("/api/v1/unanswered?tenant=nope", headers=auth).status_code == 404


def test_a_lookup_that_nothing_matches_is_an_empty_list(client):
    response = client.get("/api/v1/lookup?q=weather+in+paris", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200 and conforms(response, "/api/v1/lookup") == []
    rows = client.get("/api/v1/lookup?q=refund&top=50", headers={"Authorization": f"Bearer {TOKEN}"}).get_json()
    assert {(row["tenant"], row["id"]) for row in rows} == {
        ("exo", "refund_policy"),
        ("conex", "refund_policy"),
        ("innovaphone", "isc_refund"),
    }


STAFF_LISTS = ["/api/v1/requests", "/api/v1/unanswered", "/api/v1/outbox", "/api/v1/ledger"]


def page_through(client, path, limit):
    """Every page of a staff list, following ``next``: the pages' items, and the pages."""
    items, pages, url = [], 0, f"{path}?limit={limit}"
    while url:
        page = conforms(client.get(url, headers={"Authorization": f"Bearer {TOKEN}"}), path)
        assert len(page["items"]) <= limit
        items += page["items"]
        pages += 1
        url = page["next"]
    return items, pages


@pytest.mark.parametrize("path", STAFF_LISTS)
def test_staff_lists_come_a_page_at_a_time(client, fresh, path):
    for question in (
        "qui a gagné le match ?",
        "une recette de crêpes ?",
        "la capitale du Pérou ?",
        "l'horoscope du jour",
    ):
        fresh.backoffice.log_unanswered("exo", "fr", question, [], "s" * 16)
        fresh.reply("conex", None, "je veux parler à quelqu'un")
    everything = conforms(client.get(f"{path}?limit=200", headers={"Authorization": f"Bearer {TOKEN}"}), path)
    assert everything["next"] is None and len(everything["items"]) >= 4
    items, pages = page_through(client, path, 3)
    assert items == everything["items"] and pages == -(-len(items) // 3)
    first = client.get(f"{path}?limit=3", headers={"Authorization": f"Bearer {TOKEN}"}).get_json()
    assert first["next"] == f"{path}?limit=3&offset=3"
    assert len(client.get(path, headers={"Authorization": f"Bearer {TOKEN}"}).get_json()["items"]) == min(
        50, len(items)
    )


@pytest.mark.parametrize(
    "query, code",
    [
        ("limit=0", "invalid_limit"),
        ("limit=201", "invalid_limit"),
        ("limit=-1", "invalid_limit"),
        ("limit=ten", "invalid_limit"),
        ("limit=1e3", "invalid_limit"),
        ("limit=" + "9" * 40, "invalid_limit"),
        ("offset=-5", "invalid_offset"),
        ("offset=x", "invalid_offset"),
        ("offset=" + "1" * 12, "invalid_offset"),
    ],
)
def test_a_page_outside_the_bounds_is_a_json_400(client, query, code):
    for path in STAFF_LISTS:
        response = client.get(f"{path}?{query}", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 400 and conforms(response, path)["error"]["code"] == code


def test_a_filtered_page_keeps_its_filter_in_the_next_url(client, converse):
    for _ in range(3):
        converse("exo", "je voudrais une démo", "Karim Benali, karim@exemple.dz", "Sonatrach", "oui")
        converse("exo", "je veux parler à quelqu'un")
    page = client.get(
        "/api/v1/requests?kind=demo&tenant=exo&limit=2", headers={"Authorization": f"Bearer {TOKEN}"}
    ).get_json()
    assert (
        {r["kind"] for r in page["items"]} == {"demo"} and "kind=demo" in page["next"] and "tenant=exo" in page["next"]
    )
    rest = client.get(page["next"], headers={"Authorization": f"Bearer {TOKEN}"}).get_json()
    assert [r["kind"] for r in rest["items"]] == ["demo"] and rest["next"] is None


def test_a_contact_requests_detail_shows_the_conversation_it_refers_to(client):
    sid = chat(client, tenant="exo", message="combien de temps dure l'essai ?").get_json()["session_id"]
    chat(client, tenant="exo", message="je veux parler à quelqu'un", session_id=sid)
    chat(client, tenant="exo", message="et les sauvegardes ?", session_id=sid)  # after the request: not part of it
    auth = {"Authorization": f"Bearer {TOKEN}"}
    [contact] = client.get("/api/v1/requests?kind=contact", headers=auth).get_json()["items"]
    detail = conforms(
        client.get(f"/api/v1/requests/{contact['reference']}", headers=auth), "/api/v1/requests/{reference}"
    )
    assert [t["user"] for t in detail["transcript"]] == [
        "combien de temps dure l'essai ?",
        "je veux parler à quelqu'un",
    ]
    assert detail["transcript_turns"] == 2 and detail["payload"]["conversation"]["session_id"] == sid


def test_cors_answers_only_the_tenants_allowed_origins(client):
    allowed = client.post(
        "/api/v1/chat", json={"tenant": "exo", "message": "bonjour"}, headers={"Origin": "https://www.exo.example"}
    )
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://www.exo.example"
    other = client.post(
        "/api/v1/chat", json={"tenant": "conex", "message": "bonjour"}, headers={"Origin": "https://www.exo.example"}
    )
    assert "Access-Control-Allow-Origin" not in other.headers
    stranger = client.post(
        "/api/v1/chat", json={"tenant": "exo", "message": "bonjour"}, headers={"Origin": "https://evil.example"}
    )
    assert "Access-Control-Allow-Origin" not in stranger.headers
    preflight = client.options(
        "/api/v1/chat", headers={"Origin": "https://www.exo.example", "Access-Control-Request-Method": "POST"}
    )
    assert preflight.headers.get("Access-Control-Allow-Origin") == "https://www.exo.example"


def test_the_chat_is_rate_limited_per_client(fresh):
    client = make_app(fresh, **{}).test_client()
    limited = create_app(Settings(staff_token=TOKEN, rate_limit="2 per minute"), assistant=fresh).test_client()
    statuses = [
        limited.post("/api/v1/chat", json={"tenant": "exo", "message": "bonjour"}).status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    refused = limited.post("/api/v1/chat", json={"tenant": "exo", "message": "bonjour"})
    assert refused.get_json()["error"]["code"] == "too_many_requests"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    other_address = limited.post(
        "/api/v1/chat", json={"tenant": "exo", "message": "bonjour"}, environ_base={"REMOTE_ADDR": "192.0.2.7"}
    )
    assert other_address.status_code == 200
    assert client.post("/api/v1/chat", json={"tenant": "exo", "message": "bonjour"}).status_code == 200


def test_votes_are_rate_limited_per_client(fresh):
    limited = make_app(fresh, feedback_rate_limit="3 per minute").test_client()
    sid = chat(limited, tenant="exo", message="combien dure l'essai ?").get_json()["session_id"]
    vote = {"session_id": sid, "helpful": False, "comment": "x" * 2000}
    statuses = [limited.post("/api/v1/feedback", json=vote).status_code for _ in range(5)]
    assert statuses == [201, 201, 201, 429, 429]
    conforms(limited.post("/api/v1/feedback", json=vote), "/api/v1/feedback", "post")
    assert limited.post("/api/v1/feedback", json=vote, environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 201


def test_a_conversation_holds_one_vote_per_answer(client, fresh):
    """Votes never outnumber answers: voting again on the same answer replaces the vote."""
    sid = chat(client, tenant="exo", message="combien dure l'essai ?").get_json()["session_id"]
    for helpful in (False, True, False, False):
        assert client.post("/api/v1/feedback", json={"session_id": sid, "helpful": helpful}).status_code == 201
    assert [v["helpful"] for v in fresh.store.rows("feedback")] == [0]
    assert len(fresh.store.rows("unanswered", "reason = 'not_helpful'")) == 2  # each time it became "not helpful"
    chat(client, tenant="exo", message="et les sauvegardes ?", session_id=sid)
    client.post("/api/v1/feedback", json={"session_id": sid, "helpful": True})
    assert [v["helpful"] for v in fresh.store.rows("feedback", order_by="id")] == [0, 1]


def limited_chats(app, forwarded_for: list[str], proxy="127.0.0.1") -> list[int]:
    """The statuses of chats that reach ``app`` from ``proxy``, each with its X-Forwarded-For."""
    client = app.test_client()
    return [
        client.post(
            "/api/v1/chat",
            json={"tenant": "exo", "message": "bonjour"},
            headers={"X-Forwarded-For": address},
            environ_base={"REMOTE_ADDR": proxy},
        ).status_code
        for address in forwarded_for
    ]


def test_without_trusted_proxies_a_forged_x_forwarded_for_is_ignored(fresh):
    app = create_app(Settings(staff_token=TOKEN, rate_limit="2 per minute"), assistant=fresh)
    assert limited_chats(app, ["192.0.2.1", "192.0.2.2", "192.0.2.3"]) == [200, 200, 429]


def test_behind_a_trusted_proxy_the_rate_limit_counts_each_visitor(fresh):
    app = create_app(Settings(staff_token=TOKEN, rate_limit="2 per minute", trusted_proxies=1), assistant=fresh)
    assert limited_chats(app, ["192.0.2.1", "192.0.2.2", "192.0.2.3"]) == [200, 200, 200]
    assert limited_chats(app, ["192.0.2.1", "192.0.2.1"]) == [200, 429]
    # Only the address the proxy added, the last, is trusted: one the client put before it changes nothing.
    assert limited_chats(app, ["203.0.113.9, 192.0.2.1", "192.0.2.1, 198.51.100.4"]) == [429, 200]


def test_trusted_proxies_is_read_from_the_environment():
    assert Settings.load(environ={"ASSISTANT_TRUSTED_PROXIES": "1"}).trusted_proxies == 1
    assert Settings.load(environ={}).trusted_proxies == 0
    with pytest.raises(ValueError):
        Settings(trusted_proxies=-1)


def test_the_openapi_document_is_served(client):
    served = client.get("/api/v1/openapi.json").get_json()
    assert served["openapi"].startswith("3.") and "/api/v1/chat" in served["paths"]


def test_a_serving_process_keeps_one_thread_of_linear_algebra(fresh):
    from threadpoolctl import threadpool_info, threadpool_limits

    threadpool_limits(limits=2, user_api="blas")
    make_app(fresh)
    threads = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert threads and all(n == 1 for n in threads)  # numpy's OpenBLAS, and scipy's once training loaded it


# -- JSON: orjson's speed, Flask's output ---------------------------------------------------------------

JSON_SAMPLES = [
    {"b": 1, "a": [None, True, 0.25, -3], "é": "Réponse « ici » 💬", "nested": {"z": {}, "y": []}},
    [1, "deux", {"3": 3.5}],
    "texte",
    12,
    None,
]


@pytest.mark.parametrize("value", JSON_SAMPLES)
def test_json_responses_are_written_as_flask_writes_them(assistant, value):
    app = make_app(assistant)
    with app.app_context():
        body = app.json.response(value).get_data(as_text=True)
    assert body == json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def test_json_that_orjson_refuses_is_read_and_written_as_before(assistant):
    """Lone surrogates, NaN, and integers past 64 bits on the way out: Python's json takes them where
    orjson stops."""
    app = make_app(assistant)
    with app.app_context():
        assert app.json.loads('"\\ud800"') == "\ud800"
        assert math.isnan(app.json.loads("[NaN]")[0])
        assert json.loads(app.json.dumps({"s": "\ud800x", "n": 2**70})) == {"s": "\ud800x", "n": 2**70}
        assert app.json.response({"s": "\ud800"}).get_data().endswith(b"\n")
        with pytest.raises(ValueError):
            app.json.loads("[" * 5000 + "]" * 5000)
