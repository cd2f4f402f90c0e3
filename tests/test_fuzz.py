"""Fuzzing: schemathesis drives the HTTP API from its OpenAPI document, in process on the WSGI app;
Hypothesis feeds ``Assistant.reply`` arbitrary Unicode and arbitrary conversations.

Both are derandomised (a fixed seed, no example database), so a CI run replays the same inputs.

How many requests the schemathesis test makes: each operation gets ``EXAMPLES[operation]``
fuzzed cases (Hypothesis may stop early on an operation whose inputs run out, e.g. one without
parameters), plus schemathesis' deterministic coverage cases (boundaries, missing and wrongly
typed fields, …). ``CALLS`` counts every request actually sent, and
``test_the_fuzzing_sent_enough_requests`` checks afterwards that they add up to ``MIN_REQUESTS``.
"""

import collections
import json
import uuid
from datetime import date

import jsonschema
import pytest
import schemathesis
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from assistant import Assistant
from assistant.backoffice.store import open_store
from assistant.channels import create_app
from assistant.channels.api import openapi_document
from assistant.core import MAX_MESSAGE
from assistant.errors import MessageTooLong
from assistant.settings import Settings

TOKEN = "staff-secret-for-fuzzing"
DOC = openapi_document()
DAY = date(2026, 11, 22)

settings.register_profile(
    "fuzz",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
FUZZ = settings.get_profile("fuzz")


# == The HTTP API, from its OpenAPI document ==========================================================

EXAMPLES = {  # fuzzed cases per operation (operationId), 1,320 in all; the chat, which matters most, gets more
    "chat": 350,
    "feedback": 120,
    "tenants": 10,
    "health": 10,
    "lookup": 190,
    "requests": 80,
    "request": 80,
    "unanswered": 60,
    "outbox": 60,
    "ledger": 60,
    "stats": 60,
    # Curation: a publish or a try with drafts trains a tenant's matcher (seconds), so fewer cases.
    "drafts": 15,
    "add_change": 60,
    "discard_change": 15,
    "publish": 10,
    "versions": 15,
    "rollback": 10,
    "try": 20,
    "improve": 15,
    "ignore": 15,
    "entries": 15,
    "spreadsheet": 15,
    "import_spreadsheet": 15,
}
MIN_REQUESTS = 1000
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CALLS: collections.Counter = collections.Counter()  # requests sent, per operation


def seed_conversations(assistant: Assistant) -> list[str]:
    """Real data for the staff views: a demo request with its notices, a handoff, an unanswered
    question, a feedback. Returns the session ids."""
    sessions = []
    for tenant, messages in [
        ("exo", ["je voudrais une démo", "Karim Benali, karim@exemple.dz", "Sonatrach", "oui"]),
        ("conex", ["I'd like a quote", "Jane Doe, jane@acme.com, 12 users, company Acme", "yes"]),
        ("anvaigo", ["I want to talk to a human"]),
        ("exo", ["une recette de crêpes ?"]),
        ("innovaphone", ["hello"]),
    ]:
        sid = None
        for message in messages:
            sid = assistant.reply(tenant, sid, message).session_id
        sessions.append(sid)
    assistant.feedback(sessions[0], True, "merci")
    return sessions


SEEDED: dict[str, list[str]] = {}  # real tenants, sessions and references, once the app is built


@pytest.fixture(scope="module")
def api_app(bundle, tmp_path_factory):
    """The app over a database of its own, seeded with requests and conversations, and with a
    rate limit the fuzzing never reaches; the versions it publishes are built in a cache of its own."""
    folder = tmp_path_factory.mktemp("fuzz-api")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ASSISTANT_DATA", str(folder))
        yield app_for(Assistant(bundle, open_store(folder / "assistant.db"), lambda: DAY))


def app_for(assistant: Assistant):
    """The app over ``assistant``, once its conversations are seeded."""
    SEEDED["sessions"] = seed_conversations(assistant)
    SEEDED["references"] = [row["reference"] for row in assistant.store.rows("requests")]
    SEEDED["tenants"] = sorted(assistant.tenants)
    assert SEEDED["references"], "the seeded conversations should have left requests for the staff views"
    return create_app(
        Settings(
            staff_token=TOKEN, rate_limit="1000000 per minute", allowed_origins={"exo": ["https://www.exo.example"]}
        ),
        assistant=assistant,
    )


schema = schemathesis.openapi.from_dict(
    openapi_document(),
    config=schemathesis.Config.from_dict(
        {
            "seed": 20261122,
            "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large", "large_base_example"],
            "generation": {"deterministic": True, "database": "none", "mode": "all"},
            "phases": {"stateful": {"enabled": False}},
            "auth": {"openapi": {"bearer": {"bearer": TOKEN}}},
            "operations": [
                {"include-operation-id": name, "generation": {"max-examples": count}}
                for name, count in EXAMPLES.items()
            ],
        }
    ),
)


CHAT_MESSAGES = [
    "quelle est votre politique de remboursement ?",
    "SSO",
    "I'd like a quote",
    "je voudrais une démo",
    "oui",
    "no",
    "combien dure l'essai ?",
    "I want to talk to a human",
    "Jane Doe, jane@acme.com",
]


@schema.hook
def flatmap_case(context, case):
    """Random strings almost never name a real tenant, session or request, so the 200s behind the
    404s would go untested: about half of the valid cases get real ones instead."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return st.just(case)
    operation = context.operation.schema.get_operation_id(context.operation)

    def steer(choice):
        steer_it, tenant, session, reference, message = choice
        if not steer_it:
            return case
        if operation == "chat" and isinstance(case.body, dict):
            case.body["tenant"] = tenant
            case.body["message"] = message if message is not None else case.body.get("message", "")
            if "session_id" in case.body:
                case.body["session_id"] = session
        elif operation == "feedback" and isinstance(case.body, dict):
            case.body["session_id"] = session
        elif operation == "request":
            case.path_parameters = {**(case.path_parameters or {}), "reference": reference}
        elif case.path_parameters and "tenant" in case.path_parameters:
            case.path_parameters = {**case.path_parameters, "tenant": tenant}
        elif isinstance(case.query, dict) and "tenant" in case.query:
            case.query["tenant"] = tenant
        return case

    return st.tuples(
        st.booleans(),
        st.sampled_from(SEEDED["tenants"]),
        st.sampled_from(SEEDED["sessions"]),
        st.sampled_from(SEEDED["references"]),
        st.one_of(st.none(), st.sampled_from(CHAT_MESSAGES)),
    ).map(steer)


@schema.parametrize()
@settings(FUZZ)
def test_the_api_keeps_its_contract(case, api_app):
    """No 5xx, and every response is one the document declares: status, content type, body."""
    CALLS[case.operation.schema.get_operation_id(case.operation)] += 1
    case.call_and_validate(app=api_app, checks=CHECKS)


def test_the_fuzzing_sent_enough_requests():
    """Runs after the schemathesis test (file order): every operation called, 1,000 requests at least."""
    if not CALLS:
        pytest.skip("the schemathesis test did not run (deselected)")
    assert set(CALLS) == set(EXAMPLES), f"operations never called: {set(EXAMPLES) - set(CALLS)}"
    assert sum(CALLS.values()) >= MIN_REQUESTS, dict(CALLS)


def test_the_served_document_is_the_one_fuzzed(api_app):
    """/api/v1/openapi.json (not declared in the document itself) serves the document fuzzed above."""
    served = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)
    assert served.raw_schema == DOC
    assert set(EXAMPLES) == {op["operationId"] for path in DOC["paths"].values() for op in path.values()}


# == Assistant.reply, on any text and any conversation ===================================================

REPLY = {"$ref": "#/components/schemas/Reply", "components": DOC["components"]}
REPLY_VALIDATOR = jsonschema.Draft202012Validator(REPLY)

NASTY = [
    "\x00",
    "\x07",
    "\x1b[31m",
    "\x7f",
    "\r\n",
    "\t",
    "\u200f",
    "\u202e",
    "\u200b",
    "\u2066",
    "\ufeff",
    "\ud800",
    "\udfff",
    "\udbff\udfff",
    "🙂",
    "👨‍👩‍👧",
    "🇫🇷",
    "é",
    "e\u0301",
    "ß",
    "İ",
    "ﬁ",
    "’",
    "…",
    "\u00a0",
    "\u2028",
    "\uffff",
    "\U0010ffff",
    "%s",
    "{tenant_name}",
    "{0}",
    "<script>",
    "' OR 1=1 --",
]
MEANINGFUL = [
    "I'd like a quote",
    "Jane Doe, jane@acme.com, 12 users, company Acme",
    "yes",
    "no",
    "cancel",
    "je veux un devis",
    "oui",
    "non",
    "annuler",
    "je voudrais une démo",
    "Karim Benali, karim@exemple.dz",
    "Sonatrach",
    "Professional",
    "Enterprise",
    "Conex Cloud",
    "12",
    "my email is jane@acme.com",
    "I want to talk to a human",
    "merci",
    "bonjour",
    "quelle est votre politique de remboursement ?",
    "SSO",
    "how long is the trial?",
    "",
]

# Any code point, lone surrogates included, with a bias towards the troublesome ones.
characters = st.one_of(
    st.characters(), st.sampled_from(NASTY), st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
)
short_text = st.lists(characters, max_size=40).map("".join)
long_text = st.builds(
    lambda unit, n: (unit * n)[:MAX_MESSAGE],
    st.lists(characters, min_size=1, max_size=12).map("".join),
    st.integers(1, MAX_MESSAGE),
)
mixed = st.builds(lambda a, m, b: (a + m + b)[:MAX_MESSAGE], short_text, st.sampled_from(MEANINGFUL), short_text)
messages = st.one_of(short_text, long_text, mixed, st.sampled_from(MEANINGFUL))
languages = st.sampled_from([None, "fr", "en"])
hints = st.one_of(st.sampled_from([None, "fr", "en"]), short_text)


def fresh_assistant(bundle, tmp_path_factory) -> Assistant:
    return Assistant(bundle, open_store(tmp_path_factory.getbasetemp() / f"fuzz-{uuid.uuid4().hex}.db"), lambda: DAY)


def check_reply(reply, session_id=None, lang=None) -> dict:
    data = reply.to_dict()
    REPLY_VALIDATOR.validate(data)
    json.dumps(data, ensure_ascii=False).encode("utf-8")  # what the API will send must encode
    assert data["lang"] in ("fr", "en")
    if lang:
        assert data["lang"] == lang
    if session_id:
        assert data["session_id"] == session_id
    action = data["action"]
    event(f"reply: {data['type']}" + (f" ({action['name']} {action['status']})" if action else ""))
    return data


def check_stored(assistant: Assistant, tenant: str, session_id: str, replies: list[dict]) -> None:
    """The database holds the conversation as it went: the session with its tenant and last
    language, a state that loads again, one turn per reply, in order, all for that tenant."""
    [row] = assistant.store.rows("sessions", "id = ?", [session_id])
    assert row["tenant"] == tenant and row["lang"] == replies[-1]["lang"]
    assert isinstance(json.loads(row["state"]), dict)
    turns = assistant.store.rows("turns", "session_id = ?", [session_id], order_by="id")
    assert len(turns) == len(replies)
    assert {t["tenant"] for t in turns} == {tenant}
    assert [(t["assistant"], t["type"], t["lang"]) for t in turns] == [
        (r["reply"], r["type"], r["lang"]) for r in replies
    ]
    reopened = assistant.sessions.open(tenant, session_id)
    assert reopened.id == session_id and reopened.tenant == tenant


@settings(FUZZ, max_examples=300)
@given(data=st.data(), message=messages, lang=languages, hint=hints)
def test_any_message_gets_a_reply(bundle, tmp_path_factory, data, message, lang, hint):
    assistant = fresh_assistant(bundle, tmp_path_factory)
    tenant = data.draw(st.sampled_from(sorted(assistant.tenants)), label="tenant")
    reply = check_reply(assistant.reply(tenant, None, message, lang=lang, hint=hint), lang=lang)
    check_stored(assistant, tenant, reply["session_id"], [reply])
    # the conversation goes on from what was stored
    follow = check_reply(assistant.reply(tenant, reply["session_id"], "merci"), reply["session_id"])
    check_stored(assistant, tenant, reply["session_id"], [reply, follow])


@settings(FUZZ, max_examples=40)
@given(
    data=st.data(),
    message=st.builds(
        lambda text, extra: text + extra,
        st.text(
            st.characters(exclude_categories=("Zs", "Zl", "Zp", "Cc", "Cf", "Cs")),
            min_size=MAX_MESSAGE + 1,
            max_size=MAX_MESSAGE + 1,
        ),
        short_text,
    ),
)
def test_an_over_long_message_is_refused_and_leaves_the_session_as_it_was(bundle, tmp_path_factory, data, message):
    assistant = fresh_assistant(bundle, tmp_path_factory)
    tenant = data.draw(st.sampled_from(sorted(assistant.tenants)), label="tenant")
    first = check_reply(assistant.reply(tenant, None, "bonjour"))
    with pytest.raises(MessageTooLong):
        assistant.reply(tenant, first["session_id"], message)
    check_stored(assistant, tenant, first["session_id"], [first])
    after = check_reply(assistant.reply(tenant, first["session_id"], "merci"), first["session_id"])
    check_stored(assistant, tenant, first["session_id"], [first, after])


SCRIPTS = [  # conversations that go through a form to the end, when nothing disturbs them
    ["I'd like a quote", "Jane Doe, jane@acme.com, 12 users, company Acme", "Professional", "yes"],
    ["je veux un devis", "Karim Benali, karim@exemple.dz, 30 utilisateurs, société Sonatrach", "Enterprise", "oui"],
    ["I'd like a quote", "Jane Doe, jane@acme.com, 12 users, company Acme", "Conex Cloud", "no", "12 users", "yes"],
    ["je voudrais une démo", "Karim Benali, karim@exemple.dz", "Sonatrach", "oui"],
    ["I'd like a demo", "Jane Doe, jane@acme.com", "Acme", "cancel"],
]
noise = st.one_of(st.sampled_from(MEANINGFUL), messages)


@st.composite
def scripted(draw):
    """A form's conversation, with random messages slipped in and steps now and then left out."""
    conversation = []
    for step in draw(st.sampled_from(SCRIPTS)):
        conversation += draw(st.lists(noise, max_size=2))
        if draw(st.integers(0, 5)):
            conversation.append(step)
    return conversation + draw(st.lists(noise, max_size=2)) or ["bonjour"]


conversations = st.one_of(scripted(), st.lists(noise, min_size=1, max_size=10))


def draw_tenant(data, assistant: Assistant) -> str:
    """One of the loaded tenants; half the time one whose forms the scripts above go through."""
    tenants = sorted(assistant.tenants)
    with_forms = [t for t in ("exo", "conex") if t in tenants] or tenants
    return data.draw(st.one_of(st.sampled_from(with_forms), st.sampled_from(tenants)), label="tenant")


@settings(FUZZ, max_examples=150)
@given(data=st.data(), conversation=conversations, lang=languages)
def test_any_conversation_keeps_its_session(bundle, tmp_path_factory, data, conversation, lang):
    assistant = fresh_assistant(bundle, tmp_path_factory)
    tenant = draw_tenant(data, assistant)
    session_id, replies = None, []
    for message in conversation:
        reply = check_reply(assistant.reply(tenant, session_id, message, lang=lang), session_id, lang)
        session_id = reply["session_id"]
        replies.append(reply)
        check_stored(assistant, tenant, session_id, replies)
    # A restarted server (a new Assistant on the same file) carries on the same conversation.
    restarted = Assistant(assistant.bundle, open_store(assistant.store.path), lambda: DAY)
    last = check_reply(restarted.reply(tenant, session_id, "merci"), session_id)
    check_stored(restarted, tenant, session_id, replies + [last])
