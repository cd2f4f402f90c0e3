"""GET /api/v1/stats: the staff's numbers behind the token, as the OpenAPI document declares them; a
scoped token sees only its tenants; a range that cannot be read is a JSON 400; ?format=csv a file a
spreadsheet opens safely."""

import csv
import io

import pytest
from test_api import TOKEN, conforms, make_app

STAFF = {"Authorization": f"Bearer {TOKEN}"}
EXO_ONLY = {"Authorization": "Bearer exo-only"}
WEEK = "from=2026-11-16&to=2026-11-22"


def turn(store, tenant, session, day, kind="answer", intent=None):
    store.insert(
        "turns",
        {
            "session_id": session,
            "tenant": tenant,
            "at": f"{day}T10:00:00+00:00",
            "lang": "fr",
            "type": kind,
            "intent": intent,
        },
    )


@pytest.fixture
def client(fresh):
    """Two tenants' turns in one week; a token for every tenant and one for exo only."""
    for n, day in enumerate(["2026-11-17", "2026-11-18", "2026-11-18"]):
        turn(fresh.store, "exo", f"e{n}", day, intent="exo.trial_length")
    turn(fresh.store, "conex", "c1", "2026-11-18", kind="fallback")
    return make_app(fresh, staff_tokens={"exo-only": ["exo"]}).test_client()


def get(client, query, auth=STAFF):
    return client.get(f"/api/v1/stats?{query}", headers=auth)


def test_stats_need_the_token(client):
    assert conforms(get(client, WEEK, {}), "/api/v1/stats")["error"]["code"] == "unauthorized"


def test_stats_are_what_the_document_declares(client):
    found = conforms(get(client, f"{WEEK}&tenant=exo"), "/api/v1/stats")
    assert found["tenants"] == ["exo"] and len(found["periods"]) == 7
    assert [p["messages"] for p in found["periods"]] == [0, 1, 2, 0, 0, 0, 0]
    assert found["top_entries"][0]["entry"] == "trial_length" and found["top_entries"][0]["count"] == 3
    every = conforms(get(client, f"{WEEK}&by=week"), "/api/v1/stats")
    assert every["tenants"] == ["anvaigo", "conex", "exo", "innovaphone", "solidxperts"]
    assert [(p["start"], p["end"], p["messages"], p["fallen_back"]) for p in every["periods"]] == [
        ("2026-11-16", "2026-11-22", 4, 1)
    ]


def test_a_scoped_token_sees_only_its_tenants(client):
    refused = get(client, f"{WEEK}&tenant=conex", EXO_ONLY)
    assert refused.status_code == 403 and conforms(refused, "/api/v1/stats")["error"]["code"] == "forbidden_tenant"
    assert get(client, f"{WEEK}&tenant=conex&format=csv", EXO_ONLY).status_code == 403
    mine = conforms(get(client, WEEK, EXO_ONLY), "/api/v1/stats")
    assert mine["tenants"] == ["exo"] and mine["totals"]["messages"] == 3 and mine["totals"]["fallen_back"] == 0


@pytest.mark.parametrize(
    "query, status, code",
    [
        ("from=2026-11-31", 400, "invalid_from"),
        ("from=22/11/2026", 400, "invalid_from"),
        ("to=2026-1-5", 400, "invalid_to"),
        ("from=2026-11-22&to=2026-11-21", 400, "invalid_range"),
        ("from=2025-01-01&to=2026-12-31", 400, "invalid_range"),
        ("by=month", 400, "invalid_by"),
        ("format=xlsx", 400, "invalid_format"),
        ("format=csv&table=requests", 400, "invalid_table"),
        ("tenant=nope", 404, "unknown_tenant"),
    ],
)
def test_what_cannot_be_read_is_a_json_4xx(client, query, status, code):
    response = get(client, query)
    assert response.status_code == status and conforms(response, "/api/v1/stats")["error"]["code"] == code


def test_the_csv_is_a_download_a_spreadsheet_opens_safely(client, fresh):
    fresh.backoffice.log_unanswered("exo", "fr", '=HYPERLINK("https://evil.example", "clic")', [], "s" * 16)
    response = get(client, f"{WEEK}&tenant=exo&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert (
        response.headers["Content-Disposition"] == 'attachment; filename="stats-exo-2026-11-16-2026-11-22-periods.csv"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # the byte order mark that tells Excel it is UTF-8
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert [(r["start"], r["messages"], r["answered_share"]) for r in rows][1:3] == [
        ("2026-11-17", "1", "1.0"),
        ("2026-11-18", "2", "1.0"),
    ]
    assert rows[0]["answered_share"] == "" and "languages_fr" in rows[0]
    today = get(client, "tenant=exo&format=csv&table=unanswered").get_data(as_text=True)
    [group] = csv.DictReader(io.StringIO(today[1:]))
    assert group["question"] == "'" + '=HYPERLINK("https://evil.example", "clic")'
