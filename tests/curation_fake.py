"""A stand-in for the curation API (/api/v1/knowledge/…) served through Playwright's routing, in
memory, over the real knowledge and matcher: the staff page's Improve, Try and Edit views are tested
on states that the real server reaches only slowly or rarely (a publish refused by the check, a change
refused on one field, an entry lacking a language)."""

import json
import re
from urllib.parse import urlparse

FIELD = re.compile(r"\{([a-z_][a-z0-9_]*)")


class FakeCuration:
    def __init__(self, assistant, publish_seconds: float = 4.2, hold: bool = False):
        self.assistant = assistant
        self.drafts: list[dict] = []
        # version 0 is the tenant's files; each version lists every change it is made of
        self.versions: list[dict] = [
            {"version": 0, "created": "", "author": "", "changes": [], "live": True, "rollback_of": None}
        ]
        self.handled: set = set()
        self.next_id = 1
        self.publish_seconds = publish_seconds
        self.hold, self.held = hold, []
        self.improve_items: dict[str, list[dict]] = {}

    # -- routing -----------------------------------------------------------------------------------

    def route(self, page):
        page.route("**/api/v1/knowledge/**", self.handle)

    def handle(self, route):
        request = route.request
        parts = urlparse(request.url).path.split("/")[4:]  # after /api/v1/knowledge
        tenant, rest = parts[0], "/".join(parts[1:])
        body = json.loads(request.post_data) if request.post_data else {}
        status, answer = self.answer(request.method, tenant, rest, body)
        if status == 204:
            reply = lambda: route.fulfill(status=204, body="")  # noqa: E731
        else:
            reply = lambda: route.fulfill(status=status, content_type="application/json", body=json.dumps(answer))  # noqa: E731
        if self.hold and rest in ("publish", "rollback"):
            self.held.append(reply)  # answered by release(): the test sees the page while it waits
        else:
            reply()

    def release(self):
        """Answers the publish or rollback held, as the server does when its model is built."""
        while self.held:
            self.held.pop(0)()

    def answer(self, method, tenant, rest, body):
        if (method, rest) == ("GET", "entries"):
            return 200, self.entries(tenant)
        if (method, rest) == ("GET", "changes"):
            return 200, {"items": self.drafts}
        if (method, rest) == ("POST", "changes"):
            return self.change(tenant, body)
        if method == "DELETE" and rest.startswith("changes/"):
            self.drafts = [d for d in self.drafts if str(d["id"]) != rest.split("/")[1]]
            return 204, None
        if (method, rest) == ("GET", "versions"):
            return 200, {"items": list(reversed(self.versions))}
        if (method, rest) == ("POST", "publish"):
            return self.publish()
        if (method, rest) == ("POST", "rollback"):
            return self.rollback(body["version"])
        if (method, rest) == ("POST", "try"):
            return 200, self.try_(tenant, body["message"], body.get("lang"))
        if (method, rest) == ("GET", "improve"):
            return 200, {"items": [i for i in self.improve(tenant) if self.key(i) not in self.handled]}
        if (method, rest) == ("POST", "improve/ignore"):
            self.handled.add(("group", body["group"]) if "group" in body else ("feedback", body["feedback"]))
            return 204, None
        return 404, {"error": {"code": "not_found", "message": "Not found."}}

    # -- what it answers ---------------------------------------------------------------------------

    def entries(self, tenant):
        t = self.assistant.tenants[tenant]
        items = []
        for e in t.entries.values():
            names = sorted({n for text in e.answer.values() for n in FIELD.findall(text) if n in t.facts})
            items.append(
                {
                    "id": e.id,
                    "topic": e.topic,
                    "question": dict(e.question),
                    "answer": dict(e.answer),
                    "source": dict(e.source) if e.source else None,
                    "title": f"{t.name} FAQ",
                    "missing": [lang for lang in t.languages if lang not in e.answer],
                    "phrasings": {"fr": ["exemple de formulation"], "en": []},
                    "facts": [
                        {
                            "name": n,
                            "value": t.facts[n].value,
                            "unit": t.facts[n].unit,
                            "per": t.facts[n].per,
                            "bands": t.facts[n].bands,
                        }
                        for n in names
                    ],
                    "state": "published",
                }
            )
        for d in self.drafts:
            if d["kind"] == "entry":
                missing = [lang for lang in t.languages if lang not in d["question"]]
                items.append(
                    {
                        "id": d["entry"],
                        "topic": d["topic"],
                        "question": d["question"],
                        "answer": d["answer"],
                        "source": None,
                        "title": f"{t.name} FAQ — staff",
                        "missing": missing,
                        "phrasings": {},
                        "facts": [],
                        "state": "new",
                    }
                )
            elif d["kind"] in ("edit", "retire"):
                for item in items:
                    if item["id"] == d["entry"]:
                        item["state"] = "edited" if d["kind"] == "edit" else "retired"
                        item["question"].update(d.get("question") or {})
                        item["answer"].update(d.get("answer") or {})
        return {"items": items, "languages": list(t.languages)}

    @staticmethod
    def refused(field, message):
        return 400, {"error": "invalid_change", "field": field, "message": message}

    def change(self, tenant, body):
        kind = body.get("kind")
        if kind == "phrasing" and not (body.get("text") or "").strip():
            return self.refused("text", "'text' must be a non-empty text.")
        if kind == "entry":
            if not (body.get("topic") or "").strip():
                return self.refused("topic", "'topic' must be one of the topics.")
            for lang, text in [*body["question"].items(), *body["answer"].items()]:
                if not text.strip():
                    return self.refused(lang, f"'{lang}' must be a non-empty text.")
            words = re.sub(r"[^a-z0-9]+", "_", next(iter(body["question"].values())).lower())
            body["entry"] = body.get("entry") or words[:40].strip("_")
        draft = {**body, "id": self.next_id, "author": "staff", "created": "2026-11-22T10:00:00Z"}
        self.next_id += 1
        self.drafts.append(draft)
        for group in body.get("unanswered", []):
            self.handled.add(("group", group))
        for vote in body.get("feedback", []):
            self.handled.add(("feedback", vote))
        return 201, {"id": draft["id"], "change": draft}

    def publish(self):
        if not self.drafts:
            return 409, {"error": {"code": "nothing_to_publish", "message": "No drafts."}}  # an ApiError
        bad = [d for d in self.drafts if "{unknown" in json.dumps(d.get("answer") or {})]
        if bad:
            problems = [
                {"entry": d.get("entry"), "field": "answer.fr", "message": "{unknown} is not a fact of the tenant."}
                for d in bad
            ]
            return 422, {"error": "invalid_knowledge", "message": "Nothing was published.", "problems": problems}
        live = next(v for v in self.versions if v["live"])
        self.add_version(live["changes"] + self.drafts, None)
        self.drafts = []
        return 200, {"version": self.versions[-1]["version"], "seconds": self.publish_seconds}

    def add_version(self, changes, rollback_of):
        for v in self.versions:
            v["live"] = False
        self.versions.append(
            {
                "version": len(self.versions),
                "created": "2026-11-22T10:05:00Z",
                "author": "staff",
                "changes": changes,
                "live": True,
                "rollback_of": rollback_of,
            }
        )

    def rollback(self, version):
        self.add_version(self.versions[version]["changes"], version)
        return 200, {"version": self.versions[-1]["version"], "seconds": self.publish_seconds}

    def candidates(self, tenant, text, top):
        a = self.assistant
        lang = a.models.detector.detect(text)
        tokens = a.models.normaliser.tokens(text, lang)
        t = a.tenants[tenant]
        out = []
        for c in a.models.matchers[tenant].rank(tokens, top, text):
            entry = t.entries.get(c.intent)
            out.append(
                {
                    "intent": c.intent,
                    "question": entry.question.get(lang) if entry else None,
                    "probability": round(c.probability, 4),
                    "similarity": round(c.similarity, 4),
                    "confidence": round(c.confidence, 4),
                }
            )
        return lang, tokens, out

    def try_(self, tenant, message, lang):
        detected, tokens, candidates = self.candidates(tenant, message, 5)
        reply = self.assistant.reply(tenant, None, message, lang=lang).to_dict()
        one = {
            "language": {"code": lang or detected, "why": "forced" if lang else "detected from its words"},
            "tokens": tokens,
            "candidates": candidates,
            "decision": reply.get("type") or "answer",
            "reply": {"text": reply["reply"], "type": reply.get("type"), "sources": reply.get("sources", [])},
        }
        return {"published": one, "draft": dict(one, decision=one["decision"]) if self.drafts else None}

    @staticmethod
    def key(item):
        return ("group", item["group"]) if item["kind"] == "unanswered" else ("feedback", item["feedback"])

    def improve(self, tenant):
        if tenant not in self.improve_items:
            questions = [
                ("est-ce que je peux me faire rembourser mon abonnement ?", ["fr"], 4),
                ("do you keep my files safe if the server dies", ["en"], 2),
            ]
            items = []
            for n, (q, langs, count) in enumerate(questions, 1):
                items.append(
                    {
                        "kind": "unanswered",
                        "group": n,
                        "question": q,
                        "count": count,
                        "languages": langs,
                        "lang": langs[0],
                        "reasons": ["fallback"],
                        "examples": [q, q.replace("?", "").strip() + " svp"],
                        "last": "2026-11-22T09:12:00Z",
                        "candidates": self.candidates(tenant, q, 3)[2],
                    }
                )
            q = "combien de temps dure l'essai gratuit"
            items.append(
                {
                    "kind": "unhelpful",
                    "feedback": 7,
                    "message": q,
                    "answer": "La période d'essai dure 30 jours.",
                    "comment": "je voulais savoir si on peut la prolonger",
                    "created": "2026-11-22T08:00:00Z",
                    "candidates": self.candidates(tenant, q, 3)[2],
                }
            )
            self.improve_items[tenant] = items
        return self.improve_items[tenant]
