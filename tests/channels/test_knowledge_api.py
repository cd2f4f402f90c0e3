"""The curation API: drafts by staff (a scoped token curates its own tenants), publish, versions,
rollback, try, improve, entries and spreadsheets, each refusal a 4xx JSON error."""

import pytest

from assistant.channels import create_app
from assistant.settings import Settings

ALL, ANVAIGO_ONLY = "all-tenants-token", "anvaigo-token"
TENANT = "anvaigo"
MISSED = "is the hotline free of charge"


@pytest.fixture
def client(fresh, tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DATA", str(tmp_path))  # the versions' builds in a cache of the test's own
    settings = Settings(
        staff_token=ALL, staff_tokens={ANVAIGO_ONLY: {"name": "Léa", "tenants": [TENANT]}}, rate_limit="1000 per minute"
    )
    return create_app(settings, assistant=fresh).test_client()


def call(client, method, path, token=ANVAIGO_ONLY, **kwargs):
    response = client.open(
        f"/api/v1/knowledge/{path}", method=method, headers={"Authorization": f"Bearer {token}"}, **kwargs
    )
    return response.status_code, response.get_json(silent=True)


def chat(client, message):
    return client.post("/api/v1/chat", json={"tenant": TENANT, "message": message, "lang": "en"}).get_json()


def test_a_missed_question_mapped_to_an_entry_is_answered_once_published_then_rolled_back(client):
    assert chat(client, MISSED)["type"] == "fallback"
    [group] = call(client, "GET", f"{TENANT}/improve")[1]["items"]
    assert group["question"] == MISSED and len(group["candidates"]) == 3
    change = {
        "kind": "phrasing",
        "entry": "free_general_questions",
        "lang": "en",
        "text": MISSED,
        "unanswered": [group["group"]],
    }
    status, made = call(client, "POST", f"{TENANT}/changes", json=change)
    assert status == 201 and made["change"]["author"] == "Léa"
    assert call(client, "GET", f"{TENANT}/improve")[1]["items"] == []  # handled: it left the list
    assert [d["id"] for d in call(client, "GET", f"{TENANT}/changes")[1]["items"]] == [made["id"]]
    tried = call(client, "POST", f"{TENANT}/try", json={"message": MISSED, "lang": None})[1]
    assert tried["published"]["decision"] == "fallback" and tried["draft"]["decision"] == "answer"
    assert tried["draft"]["candidates"][0]["intent"] == "free_general_questions"
    status, published = call(client, "POST", f"{TENANT}/publish")
    assert status == 200 and published["version"] == 1
    assert chat(client, MISSED)["intent"] == "anvaigo.free_general_questions"
    assert call(client, "POST", f"{TENANT}/publish")[0] == 409  # no drafts left
    status, back = call(client, "POST", f"{TENANT}/rollback", json={"version": 0})
    assert status == 200 and back["version"] == 2
    assert chat(client, MISSED)["type"] == "fallback"
    items = call(client, "GET", f"{TENANT}/versions")[1]["items"]
    assert [(v["version"], v["live"], v["rollback_of"]) for v in items] == [
        (2, True, 0),
        (1, False, None),
        (0, False, None),
    ]


def test_a_scoped_token_curates_only_its_tenants(client):
    assert call(client, "GET", "exo/changes")[0] == 403
    assert call(client, "GET", "exo/changes", token=ALL)[0] == 200
    assert call(client, "GET", "nobody/changes")[0] == 404
    assert call(client, "GET", f"{TENANT}/changes", token="wrong")[0] == 401


@pytest.mark.parametrize(
    "change, field",
    [
        ({"kind": "phrasing", "entry": "no_such_entry", "lang": "en", "text": "hi"}, "entry"),
        ({"kind": "phrasing", "entry": "prices", "lang": "de", "text": "Preise"}, "lang"),
        ({"kind": "phrasing", "entry": "prices", "lang": "en", "text": "x" * 301}, "text"),
        ({"kind": "entry", "topic": "nope", "question": {"en": "Q?"}, "answer": {"en": "A."}}, "topic"),
        ({"kind": "entry", "topic": "support", "question": {"en": "Q?"}, "answer": {"fr": "R."}}, "answer"),
        (
            {"kind": "entry", "entry": "prices", "topic": "support", "question": {"en": "Q?"}, "answer": {"en": "A."}},
            "entry",
        ),
        ({"kind": "edit", "entry": "prices"}, "question"),
        ({"kind": "retire", "entry": 3}, "entry"),
        ({"kind": "teleport"}, "kind"),
        ({"kind": "phrasing", "entry": "prices", "lang": "en", "text": "cost", "unanswered": ["x"]}, "unanswered"),
    ],
)
def test_a_change_that_cannot_be_made_is_refused_naming_its_field(client, change, field):
    status, error = call(client, "POST", f"{TENANT}/changes", json=change)
    assert (status, error["error"]["code"], error["error"]["field"]) == (400, "invalid_change", field)
    assert call(client, "GET", f"{TENANT}/changes")[1]["items"] == []


def test_broken_drafts_are_refused_with_each_problem_by_entry_and_field(client):
    entry = {
        "kind": "entry",
        "entry": "hotline",
        "topic": "support",
        "question": {"en": "Hotline?"},
        "answer": {"en": "Call {number}."},
    }
    assert call(client, "POST", f"{TENANT}/changes", json=entry)[0] == 201
    status, error = call(client, "POST", f"{TENANT}/publish")
    assert status == 422 and error["error"]["code"] == "invalid_knowledge"
    assert [(p["entry"], p["field"]) for p in error["error"]["problems"]] == [("hotline", "answer")]
    assert [v["version"] for v in call(client, "GET", f"{TENANT}/versions")[1]["items"]] == [0]


def test_a_draft_discarded_gives_its_question_back_and_an_ignored_one_never_comes_back(client):
    chat(client, MISSED)
    [group] = call(client, "GET", f"{TENANT}/improve")[1]["items"]
    change = {"kind": "phrasing", "entry": "prices", "lang": "en", "text": MISSED, "unanswered": [group["group"]]}
    made = call(client, "POST", f"{TENANT}/changes", json=change)[1]
    assert call(client, "DELETE", f"{TENANT}/changes/{made['id']}")[0] == 204
    assert call(client, "DELETE", f"{TENANT}/changes/{made['id']}")[0] == 404
    assert [g["group"] for g in call(client, "GET", f"{TENANT}/improve")[1]["items"]] == [group["group"]]
    assert call(client, "POST", f"{TENANT}/improve/ignore", json={"group": group["group"]})[0] == 204
    chat(client, MISSED)  # asked again: it joins its ignored group
    assert call(client, "GET", f"{TENANT}/improve")[1]["items"] == []
    assert call(client, "POST", f"{TENANT}/improve/ignore", json={"group": 999})[0] == 404


def test_entries_show_drafts_states_facts_and_missing_languages(client):
    one_language = {
        "kind": "entry",
        "entry": "hotline",
        "topic": "support",
        "question": {"fr": "Une hotline ?"},
        "answer": {"fr": "Non."},
    }
    call(client, "POST", f"{TENANT}/changes", json=one_language)
    call(client, "POST", f"{TENANT}/changes", json={"kind": "retire", "entry": "billed_training"})
    call(client, "POST", f"{TENANT}/changes", json={"kind": "edit", "entry": "prices", "answer": {"en": "Ask us."}})
    body = call(client, "GET", f"{TENANT}/entries")[1]
    rows = {r["id"]: r for r in body["items"]}
    assert body["languages"] == ["fr", "en"]
    assert (rows["hotline"]["state"], rows["hotline"]["missing"], rows["hotline"]["source"]) == ("new", ["en"], None)
    assert rows["billed_training"]["state"] == "retired" and rows["prices"]["state"] == "edited"
    assert rows["free_general_questions"]["state"] == "published" and rows["free_general_questions"]["missing"] == []


def test_try_explains_the_language_tokens_candidates_and_reply(client):
    status, tried = call(
        client, "POST", f"{TENANT}/try", json={"message": "Combien coûte la formation ?", "lang": None}
    )
    seen = tried["published"]
    assert status == 200 and tried["draft"] is None
    assert seen["language"]["code"] == "fr" and "fr" in seen["language"]["why"]
    assert "formation" in seen["tokens"] and len(seen["candidates"]) == 5
    assert seen["decision"] == seen["reply"]["type"] and seen["reply"]["text"]
    assert call(client, "POST", f"{TENANT}/try", json={"message": "hi", "lang": "de"})[0] == 400
    assert call(client, "POST", f"{TENANT}/try", json={"message": "x" * 2001})[0] == 400


def test_a_spreadsheet_round_trips_and_an_edited_one_makes_drafts_or_names_its_cells(client):
    response = client.get(
        f"/api/v1/knowledge/{TENANT}/spreadsheet?format=csv", headers={"Authorization": f"Bearer {ANVAIGO_ONLY}"}
    )
    assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf")
    sheet = response.data.decode("utf-8-sig")
    upload = lambda text: call(
        client, "POST", f"{TENANT}/spreadsheet", data=text.encode("utf-8-sig"), content_type="text/csv"
    )  # noqa: E731
    assert upload(sheet) == (201, {"created": []})
    header = sheet.splitlines()[0]
    status, refused = upload(f"{header}\r\nnew_one;xx;support;Q?;A.;;;\r\n")
    [problem] = refused["error"]["problems"]
    assert status == 422 and (problem["row"], problem["column"]) == (2, "language")
    status, made = upload(f"{header}\r\nnew_one;en;support;Any hotline?;No hotline.;;;\r\n")
    assert status == 201 and len(made["created"]) == 1
    assert call(client, "POST", f"{TENANT}/spreadsheet", data=b"x", content_type="application/pdf")[0] == 415
