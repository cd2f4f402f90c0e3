"""Vendors, forms and languages are data: a project that exists only in this test's fixture
(tests/fixtures/vendors: a vendor speaking Spanish and English, a `callback` form of its own) runs
end to end on the same code, and no module of the package names a vendor or a form."""

import ast
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import assistant as package
from assistant import Assistant
from assistant.backoffice.store import open_store
from assistant.channels import create_app
from assistant.channels.cli import cli
from assistant.data import forms, knowledge
from assistant.paths import data_dir, project_root
from assistant.settings import Settings

FIXTURE = Path(__file__).parent / "fixtures" / "vendors"
PACKAGE = Path(package.__file__).parent
TOKEN = "fixture-staff-token"


@pytest.fixture(scope="module")
def home():
    """Where the fixture's models are cached: a folder of their own, since a build keeps only its
    newest bundle in its folder (the project's own stays in data/cache)."""
    return data_dir(project_root()) / "fixtures" / "vendors"


@pytest.fixture(scope="module")
def nimbus(home, tmp_path_factory):
    """The assistant on the fixture's project, trained once (the data is small: seconds)."""
    return Assistant.load(root=FIXTURE, data=home, db=tmp_path_factory.mktemp("nimbus") / "assistant.db")


@pytest.fixture
def talk(nimbus, tmp_path):
    """One conversation on a fresh database; returns each reply as a dict."""
    fresh = Assistant(nimbus.bundle, open_store(tmp_path / "assistant.db"))

    def talk(*messages, lang=None):
        replies, session = [], None
        for message in messages:
            reply = fresh.reply("nimbus", session, message, lang=lang).to_dict()
            session = reply["session_id"]
            replies.append(reply)
        return replies

    talk.assistant = fresh
    return talk


# -- a form of the vendor's own, end to end ------------------------------------------------------------

CALLBACK = ["Can you call me back?", "Ana Garcia", "+34 612 345 678", "Tuesday after 3 pm", "yes"]


def test_the_vendors_own_form_is_asked_for_filled_confirmed_and_stored(talk):
    replies = talk(*CALLBACK)
    assert [(r["type"], r["action"]["name"], r["action"]["status"]) for r in replies] == [
        ("form", "callback", "collecting")
    ] * 3 + [("form", "callback", "confirming"), ("done", "callback", "submitted")]
    assert [r["reply"] for r in replies[:3]] == [
        "Happy to have someone call you back. What is your name?",
        "Which phone number should we call?",
        "When would suit you best?",
    ]
    assert replies[3]["reply"] == (
        "Here is your request:\n- Name: Ana Garcia\n- Phone: +34 612 345 678\n"
        "- Preferred time: Tuesday after 3 pm\nIs everything correct?"
    )
    reference = replies[-1]["action"]["reference"]
    assert (
        reference.startswith("CLB-")
        and reference in replies[-1]["reply"]
        and replies[-1]["intent"] == "request_callback"
    )
    [row] = talk.assistant.store.rows("requests")
    assert (row["tenant"], row["kind"], row["reference"]) == ("nimbus", "callback", reference)
    assert json.loads(row["payload"]) == {
        "name": "Ana Garcia",
        "phone": "+34 612 345 678",
        "preferred_time": "Tuesday after 3 pm",
    }
    assert {n["recipient"] for n in talk.assistant.store.rows("outbox")} == {"ventas@nimbus.example"}


def test_staff_see_the_request_through_the_api(talk):
    reference = talk(*CALLBACK)[-1]["action"]["reference"]
    client = create_app(Settings(staff_token=TOKEN), assistant=talk.assistant).test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    listed = client.get("/api/v1/requests?kind=callback", headers=auth).get_json()["items"]
    assert [(r["reference"], r["kind"], r["summary"]) for r in listed] == [(reference, "callback", "Ana Garcia")]
    shown = client.get(f"/api/v1/requests/{reference}", headers=auth).get_json()
    assert shown["payload"]["preferred_time"] == "Tuesday after 3 pm"
    assert [n["subject"] for n in shown["notices"]] == [f"Callback request {reference}"]
    [tenant] = client.get("/api/v1/tenants").get_json()
    assert tenant == {"id": "nimbus", "name": "Nimbus", "languages": ["es", "en"], "actions": ["callback"]}


def test_staff_see_the_request_with_assistant_requests(talk, home):
    reference = talk(*CALLBACK)[-1]["action"]["reference"]
    env = {"ASSISTANT_HOME": str(FIXTURE), "ASSISTANT_DATA": str(home), "ASSISTANT_DB": str(talk.assistant.store.path)}
    listed = CliRunner().invoke(cli, ["requests", "--kind", "callback", "--json"], env=env)
    assert listed.exit_code == 0, listed.output
    assert [r["reference"] for r in json.loads(listed.stdout)] == [reference]
    unknown = CliRunner().invoke(cli, ["requests", "--kind", "quote"], env=env)
    assert unknown.exit_code == 2 and "kinds: callback, contact" in unknown.output


def test_the_form_speaks_spanish_too(talk):
    replies = talk("¿me pueden llamar?", "Ana García", "612 345 678", "el martes por la tarde", "sí")
    assert replies[0]["reply"] == "Con gusto le llamamos. ¿Cómo se llama?" and replies[0]["lang"] == "es"
    assert replies[3]["reply"].startswith("Este es su pedido:\n- Nombre: Ana García\n- Teléfono: 612 345 678")
    assert replies[-1]["type"] == "done" and replies[-1]["reply"].startswith("¡Hecho! Su solicitud de llamada")


# -- a third language ---------------------------------------------------------------------------------


def test_a_spanish_question_is_answered_in_spanish(talk):
    [reply] = talk("¿cuánto dura la prueba gratis?")
    assert (reply["type"], reply["intent"], reply["lang"]) == ("answer", "nimbus.trial_length", "es")
    assert reply["reply"] == "La prueba gratuita dura 14 días, sin tarjeta de crédito."
    assert reply["sources"][0]["title"] == "Preguntas frecuentes de Nimbus — Prueba — P1"
    assert reply["suggestions"] == ["¿Qué formas de pago aceptan?"]


def test_the_same_vendor_answers_english_in_english(talk):
    [reply] = talk("which payment methods do you accept?")
    assert (reply["intent"], reply["lang"]) == ("nimbus.payment_methods", "en")
    assert (
        reply["reply"].startswith("We accept credit cards")
        and reply["sources"][0]["title"] == "Nimbus FAQ — Payment — Q3"
    )


def test_spanish_small_talk_and_fallback_are_spanish_responses(talk):
    greeting, unknown = talk("hola"), talk("¿quién ganó el partido anoche?")
    assert greeting[0]["reply"] == "¡Hola! Soy el asistente de Nimbus. ¿Qué quiere saber?"
    assert unknown[0]["type"] == "fallback" and unknown[0]["reply"].startswith("No sé la respuesta")


def test_the_api_takes_only_the_vendors_languages(talk):
    client = create_app(Settings(staff_token=TOKEN), assistant=talk.assistant).test_client()
    refused = client.post("/api/v1/chat", json={"tenant": "nimbus", "message": "bonjour", "lang": "fr"})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "invalid_lang"
    forced = client.post("/api/v1/chat", json={"tenant": "nimbus", "message": "hello", "lang": "es"})
    assert forced.get_json()["lang"] == "es" and forced.get_json()["reply"].startswith("¡Hola!")


def test_a_tenant_is_never_answered_in_a_language_it_does_not_speak(nimbus):
    """The fixture's detector knows Spanish and English; asked for French and English only (a tenant
    of the real project), a Spanish message is read as one of those."""
    detector = nimbus.models.detector
    assert detector.detect("¿cuánto cuesta la licencia?") == "es"
    assert detector.detect("¿cuánto cuesta la licencia?", languages=["en"]) == "en"
    assert detector.detect("¿cuánto cuesta?", explicit="es", languages=["en"]) == "en"


# -- nothing in the code names a vendor or a form ---------------------------------------------------------


def vendor_names() -> set[str]:
    """Every tenant id and form name of the project and of the fixture."""
    names = set()
    for root in (project_root(), FIXTURE):
        names |= set(knowledge.load(root)) | set(forms.load(root).forms)
    return names


def literals(path: Path):
    """(line, text) of each string literal of a module that is not a docstring or a bare string."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bare = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in bare:
            yield node.lineno, node.value


def test_no_module_names_a_vendor_or_a_form():
    names = vendor_names()
    assert {"exo", "conex", "quote", "demo", "grace_call", "callback", "nimbus"} <= names
    found = [
        f"{path.relative_to(PACKAGE)}:{line}: {text!r}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, text in literals(path)
        if text.strip(":/._- ").lower() in names
    ]
    assert found == []
