"""How a reply names its source for people: the tenant's document by its title, the section and the
question it cites in the reply's language, and the question's number, as in "eXo Platform FAQ —
Hosting — Q5". Entries cite the seed as it is written (``source:``, in the seed's language); each
tenant's ``sources.yml`` translates what they cite, and ``tenant.yml`` gives the document's title in
each language and, when it is published, its address (knowledge/README.md, "Sources")."""

from dataclasses import dataclass, field
from functools import lru_cache

from .. import patterns
from ..reply import Source
from ..text import langdata

# The numbers a seed gives its question: "5. Quelle …" -> 5, "6. et 7. Y a-t-il …" -> 6 and 7.
_NUMBERS = patterns.compile(r"(\d+)\.(?:\s*\w+\s*(\d+)\.)?")


@dataclass
class Citations:
    """What a tenant's entries cite, translated: written in ``language`` (the seed's), each cited
    section with its name in other languages, each cited question (by section) with its text."""

    language: str = ""
    sections: dict[str, dict[str, str]] = field(default_factory=dict)
    questions: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)

    def section(self, cited: str, lang: str) -> str | None:
        """The section's name in ``lang``; None when the data does not translate it."""
        return cited if lang == self.language else self.sections.get(cited, {}).get(lang)

    def question(self, section: str, cited: str, lang: str) -> str | None:
        """The question's text in ``lang``; None when the data does not translate it."""
        return cited if lang == self.language else self.questions.get((section, cited), {}).get(lang)


def read(data: dict | None) -> Citations:
    """``sources.yml`` as plain data (None when the tenant has none): a section or a question is
    found by its text in the seed's language, as entries cite it."""
    data = data or {}
    citations = Citations(data.get("language", ""))
    for section in data.get("sections") or []:
        name = section.get(citations.language, "")
        citations.sections[name] = {k: v for k, v in section.items() if k != "questions"}
        for question in section.get("questions") or []:
            citations.questions[(name, question.get(citations.language, ""))] = dict(question)
    return citations


def by_staff(entry) -> bool:
    """An entry the vendor's staff wrote (``source: {by: staff}``), which cites no document."""
    return entry.source.get("by") == "staff"


def source_of(entry, tenant, lang: str) -> Source:
    """An entry's source as a reply in ``lang`` shows it. What the data does not translate (which
    ``assistant check`` reports) is shown as cited rather than not at all."""
    if by_staff(entry):
        style = langdata.load(lang, "language")["citation"]
        team = style["staff"].format(name=tenant.name)
        return Source(document=tenant.document, section="", question="", title=team, url=None)
    section, question = entry.source.get("section", ""), entry.source.get("question", "")
    shown = tenant.citations.section(section, lang) or section
    return Source(
        document=tenant.document,
        section=shown,
        question=tenant.citations.question(section, question, lang) or question,
        title=title(tenant, shown, question, lang),
        url=tenant.document_url,
    )


def title(tenant, section: str, question: str, lang: str) -> str:
    """What a person reads: the document, the section, and the question's number in the seed. A
    question the seed does not number (a passage of a text) is named by its section alone; its
    words are in the source's ``question``."""
    style = langdata.load(lang, "language")["citation"]
    number = question_number(question)
    parts = [
        tenant.document_title.get(lang) or tenant.name,
        section,
        style["number"].format(number=number) if number else "",
    ]
    return style["separator"].join(part for part in parts if part)


@lru_cache(maxsize=1024)
def question_number(question: str) -> str | None:
    """ "5" for "5. Quelle …", "6–7" for "6. et 7. …", None for a question without a number. The
    questions are the knowledge's, a few hundred: each is read once, not at every answer (RE2's
    wrapper costs some 40 µs a call)."""
    match = _NUMBERS.match(question)
    return "–".join(n for n in match.groups() if n) if match else None
