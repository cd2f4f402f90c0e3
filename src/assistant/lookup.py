"""Staff lookup: the best entries for a query, as plain rows any channel can print or serialise."""
from .answers import answer_text
from .citations import source_of


def lookup_rows(assistant, query: str, tenant: str | None = None, lang: str | None = None, top: int = 5) -> list[dict]:
    """Each row's question and answer in every language; its source in ``lang``, or without one as
    the seed writes it, which is what staff find when they open the document."""
    rows = []
    for match in assistant.lookup(query, tenant=tenant, lang=lang, top=top):
        t, entry = assistant.tenants[match.tenant], match.entry
        rows.append({
            "tenant": t.id, "id": entry.id, "score": round(match.score, 4), "topic": entry.topic,
            "question": dict(entry.question),
            "answer": {lang_code: answer_text(entry, t, lang_code) for lang_code in entry.answer},
            "source": vars(source_of(entry, t, lang or t.citations.language or t.languages[0])),
        })
    return rows
